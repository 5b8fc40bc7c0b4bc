//! Swagger 2.0 schemas and simple types → OpenAPI 3.0 schemas.
//!
//! A 2.0 schema is nearly a 3.0 schema. What differs: `$ref`s to `#/definitions/X` (now
//! `#/components/schemas/X`), `type: file` (binary content), `x-nullable` (3.0's
//! `nullable`), `discriminator` as a property name (an object in 3.0), and Azure's
//! `x-ms-enum` (named, documented values: the documented-enum shape `lower` reads).
//! Parameters, headers and the `items` of arrays in them hold their schema keywords inline
//! (`simple_schema`).

use serde_json::{Map, Value};

/// Keywords of a schema whose value is one schema.
const ONE_SCHEMA: &[&str] = &["items", "additionalProperties", "not"];
/// Keywords whose value is a list of schemas.
const LIST_OF_SCHEMAS: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keywords whose value is a map of names to schemas.
const MAP_OF_SCHEMAS: &[&str] = &["properties", "patternProperties", "definitions"];

/// Keywords a non-body parameter, a header or an `items` object holds for its value.
const SIMPLE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
    "x-ms-enum",
];

/// The reference to a root schema in the translation.
pub(super) fn reference(reference: &str) -> String {
    match reference.strip_prefix("#/definitions/") {
        Some(name) => format!("#/components/schemas/{name}"),
        None => reference.to_owned(),
    }
}

/// A 2.0 schema → a 3.0 schema (recursively).
pub(super) fn schema(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(schema_object(object)),
        Value::Array(items) => Value::Array(items.iter().map(schema).collect()),
        other => other.clone(),
    }
}

fn schema_object(object: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut one_of_shapes = None;
    for (key, value) in object {
        match key.as_str() {
            "$ref" => match value.as_str() {
                Some(target) => {
                    out.insert(key.clone(), Value::String(reference(target)));
                }
                None => {
                    out.insert(key.clone(), value.clone());
                }
            },
            "x-nullable" => {
                if value == &Value::Bool(true) && !object.contains_key("nullable") {
                    out.insert("nullable".to_owned(), Value::Bool(true));
                }
            }
            "type" if value == "file" => {
                out.insert("type".to_owned(), Value::from("string"));
                out.insert("format".to_owned(), Value::from("binary"));
            }
            "format" if object.get("type").is_some_and(|t| t == "file") => {}
            "discriminator" => match value {
                Value::String(name) => {
                    let mut discriminator = Map::new();
                    discriminator.insert("propertyName".to_owned(), Value::String(name.clone()));
                    out.insert(key.clone(), Value::Object(discriminator));
                }
                other => {
                    out.insert(key.clone(), other.clone());
                }
            },
            "x-ms-enum" => {
                out.insert(key.clone(), value.clone());
            }
            // JSON Schema draft 4's tuple form, which 2.0 does not allow. Under `type:
            // array`, documents write it for "items of these shapes": one shape is the item
            // schema; several, any of them. Without it, draft 4 leaves every value that is
            // not an array unconstrained, and documents write it for "a value of one of
            // these shapes": an `anyOf` of them, not a list.
            "items" if value.is_array() => {
                if declares_array(object) {
                    out.insert(key.clone(), any_of(value));
                } else {
                    one_of_shapes = Some(schema(value));
                }
            }
            _ if ONE_SCHEMA.contains(&key.as_str()) || LIST_OF_SCHEMAS.contains(&key.as_str()) => {
                out.insert(key.clone(), schema(value));
            }
            _ if MAP_OF_SCHEMAS.contains(&key.as_str()) => {
                let map = match value {
                    Value::Object(map) => Value::Object(
                        map.iter()
                            .map(|(name, child)| (name.clone(), schema(child)))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                out.insert(key.clone(), map);
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(shapes) = one_of_shapes {
        if out.contains_key("anyOf") {
            let shapes = serde_json::json!({ "anyOf": shapes });
            match out.get_mut("allOf") {
                Some(Value::Array(parts)) => parts.push(shapes),
                _ => {
                    out.insert("allOf".to_owned(), Value::Array(vec![shapes]));
                }
            }
        } else {
            out.insert("anyOf".to_owned(), shapes);
        }
    }
    ms_enum(&mut out);
    out
}

/// Whether a schema's `type` is (or includes) `array`.
fn declares_array(object: &Map<String, Value>) -> bool {
    match object.get("type") {
        Some(Value::String(ty)) => ty == "array",
        Some(Value::Array(types)) => types.iter().any(|t| t == "array"),
        _ => false,
    }
}

/// Draft 4's list of item shapes as one schema: the only shape, or an `anyOf` of several.
fn any_of(shapes: &Value) -> Value {
    match shapes.as_array().map(Vec::as_slice).unwrap_or_default() {
        [only] => schema(only),
        _ => serde_json::json!({ "anyOf": schema(shapes) }),
    }
}

/// Azure's `x-ms-enum`: `values` name and document each value. Names become
/// `x-enum-varnames`; descriptions make the enum the documented shape `lower` reads (one
/// `oneOf` branch per value, each with its description).
fn ms_enum(out: &mut Map<String, Value>) {
    let Some(values) = out
        .get("x-ms-enum")
        .and_then(|e| e.get("values"))
        .and_then(Value::as_array)
        .cloned()
    else {
        return;
    };
    let Some(Value::Array(allowed)) = out.get("enum") else {
        return;
    };
    let allowed = allowed.clone();
    let entry = |wire: &Value| {
        values
            .iter()
            .find(|v| v.get("value").is_some_and(|value| value == wire))
    };
    let names: Option<Vec<Value>> = allowed
        .iter()
        .map(|wire| {
            entry(wire)
                .and_then(|v| v.get("name"))
                .filter(|n| n.is_string())
                .cloned()
        })
        .collect();
    if let Some(names) = names {
        out.insert("x-enum-varnames".to_owned(), Value::Array(names));
    }
    let is_strings = allowed.iter().all(Value::is_string);
    let described = allowed.iter().any(|wire| {
        entry(wire)
            .and_then(|v| v.get("description"))
            .is_some_and(Value::is_string)
    });
    if !(is_strings && described) || out.contains_key("properties") {
        return;
    }
    let branches = allowed
        .iter()
        .map(|wire| {
            let mut branch = Map::new();
            branch.insert("type".to_owned(), Value::from("string"));
            branch.insert("enum".to_owned(), Value::Array(vec![wire.clone()]));
            if let Some(description) = entry(wire).and_then(|v| v.get("description")) {
                if description.is_string() {
                    branch.insert("description".to_owned(), description.clone());
                }
            }
            Value::Object(branch)
        })
        .collect();
    out.remove("enum");
    out.insert("oneOf".to_owned(), Value::Array(branches));
}

/// The schema of a non-body parameter, a header or an `items` object: its value keywords,
/// with `items` read the same way.
pub(super) fn simple_schema(object: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (key, value) in object {
        if SIMPLE_KEYWORDS.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        } else if key == "items" {
            let items = match value.as_object() {
                Some(items) if !items.contains_key("$ref") => simple_schema(items),
                _ => value.clone(),
            };
            out.insert(key.clone(), items);
        }
    }
    schema(&Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schemas_take_their_3_0_spelling() {
        let translated = schema(&json!({
            "type": "object",
            "discriminator": "kind",
            "properties": {
                "pet": {"$ref": "#/definitions/Pet"},
                "photo": {"type": "file"},
                "list": {"type": "array", "items": [{"type": "string"}]},
                "nick": {"type": "string", "x-nullable": true},
                "tags": {"type": "array", "items": {"$ref": "other.yaml#/definitions/Tag"}}
            }
        }));
        assert_eq!(
            translated,
            json!({
                "type": "object",
                "discriminator": {"propertyName": "kind"},
                "properties": {
                    "pet": {"$ref": "#/components/schemas/Pet"},
                    "photo": {"type": "string", "format": "binary"},
                    "list": {"type": "array", "items": {"type": "string"}},
                    "nick": {"type": "string", "nullable": true},
                    "tags": {"type": "array", "items": {"$ref": "other.yaml#/definitions/Tag"}}
                }
            })
        );
    }

    #[test]
    fn draft_4_item_lists_are_item_shapes_under_type_array_and_value_shapes_without() {
        let shapes = json!([{"$ref": "#/definitions/A"}, {"$ref": "#/definitions/B"}]);
        let refs = json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]);
        assert_eq!(
            schema(&json!({"type": "array", "items": shapes})),
            json!({"type": "array", "items": {"anyOf": refs}})
        );
        assert_eq!(
            schema(&json!({"description": "d", "items": shapes})),
            json!({"description": "d", "anyOf": refs})
        );
        // Beside an `anyOf` of its own, both must hold.
        assert_eq!(
            schema(&json!({"anyOf": [{"type": "object"}], "items": shapes})),
            json!({"anyOf": [{"type": "object"}], "allOf": [{"anyOf": refs}]})
        );
    }

    #[test]
    fn ms_enum_names_and_documents_each_value() {
        let translated = schema(&json!({
            "type": "string",
            "enum": ["Basic", "Standard"],
            "x-ms-enum": {"name": "Tier", "values": [
                {"value": "Basic", "name": "Cheap", "description": "The basic tier."},
                {"value": "Standard", "name": "Usual"}
            ]}
        }));
        assert_eq!(translated["x-enum-varnames"], json!(["Cheap", "Usual"]));
        assert_eq!(
            translated["oneOf"],
            json!([
                {"type": "string", "enum": ["Basic"], "description": "The basic tier."},
                {"type": "string", "enum": ["Standard"]}
            ])
        );
        assert!(translated.get("enum").is_none());
    }

    #[test]
    fn a_simple_type_becomes_a_schema() {
        let param = json!({"name": "ids", "in": "query", "type": "array",
            "items": {"type": "integer", "format": "int64", "x-nullable": true},
            "collectionFormat": "csv", "description": "d"});
        assert_eq!(
            simple_schema(param.as_object().unwrap()),
            json!({"type": "array", "items": {"type": "integer", "format": "int64", "nullable": true}})
        );
    }
}
