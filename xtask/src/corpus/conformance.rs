//! The schema conformance of an example: [`Check`] reads a value against a schema of the
//! document, as JSON Schema does, so that `cargo xtask corpus --examples` can tell an example
//! that contradicts its own schema (the document's fault) from a generator's failure.

use serde_json::{Map, Value};

/// Checks a value against a schema of the document, as JSON Schema reads it, for the rules
/// whose breach makes a generated type fail: types, `required`, undeclared keys (where
/// `additionalProperties` does not allow them), integer ranges of `int32` and unsigned
/// fields, `uuid` and `byte` formats. Enum values are not checked: the generated enums keep
/// values they do not know.
pub struct Check<'a> {
    root: &'a Value,
    /// Why the value contradicts the schema (empty: it does not, as far as checked).
    pub reasons: Vec<String>,
    /// Paths of the value that are `readOnly` properties.
    pub read_only: Vec<String>,
}

impl<'a> Check<'a> {
    pub fn new(root: &'a Value) -> Self {
        Check {
            root,
            reasons: Vec::new(),
            read_only: Vec::new(),
        }
    }

    /// `in_all_of`: the schema is one part of an `allOf`, whose other parts may declare the
    /// keys this one does not.
    pub fn check(
        &mut self,
        value: &Value,
        schema: &Value,
        path: &str,
        depth: usize,
        in_all_of: bool,
    ) {
        if depth > 64 {
            return;
        }
        // The `$ref` is resolved against the document root, which outlives `self`.
        let root = self.root;
        let resolved = {
            let mut schema = schema;
            let mut found = None;
            for _ in 0..32 {
                match schema.get("$ref").and_then(Value::as_str) {
                    Some(target) => match target.strip_prefix('#').and_then(|p| root.pointer(p)) {
                        Some(next) => schema = next,
                        None => break,
                    },
                    None => {
                        found = Some(schema);
                        break;
                    }
                }
            }
            found
        };
        let Some(obj) = resolved.and_then(Value::as_object) else {
            return;
        };
        let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true)
            || match obj.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(list)) => list.iter().any(|t| t == "null"),
                _ => false,
            }
            || obj
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|v| v.iter().any(Value::is_null));
        if value.is_null() && nullable {
            return;
        }
        if let Some(parts) = obj.get("allOf").and_then(Value::as_array) {
            let own = obj.contains_key("properties");
            for part in parts {
                self.check(value, part, path, depth + 1, true);
            }
            if !own {
                self.undeclared(value, obj, path, in_all_of);
                return;
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            let Some(branches) = obj.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let mut first_reasons = None;
            let mut matched = false;
            for branch in branches {
                let mut inner = Check::new(root);
                inner.check(value, branch, path, depth + 1, in_all_of);
                if inner.reasons.is_empty() {
                    self.read_only.extend(inner.read_only);
                    matched = true;
                    break;
                }
                first_reasons.get_or_insert(inner.reasons);
            }
            if !matched && !branches.is_empty() {
                let first = first_reasons
                    .and_then(|r| r.into_iter().next())
                    .unwrap_or_default();
                self.reasons.push(format!(
                    "{path}: matches no branch of `{keyword}` (first: {first})"
                ));
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if value.is_null() && !types.is_empty() {
            self.reasons
                .push(format!("{path}: null, which the schema does not allow"));
            return;
        }
        if !types.is_empty() && !types.iter().any(|t| fits_type(value, t)) {
            self.reasons.push(format!(
                "{path}: {} where the schema expected {}",
                kind(value),
                types.join(" or ")
            ));
            return;
        }
        self.format(value, obj, path);
        match value {
            Value::Object(map) => {
                if let Some(required) = obj.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !map.contains_key(name) {
                            self.reasons
                                .push(format!("{path}: the required property `{name}` is missing"));
                        }
                    }
                }
                let properties = obj.get("properties").and_then(Value::as_object);
                for (key, item) in map {
                    let item_path = format!("{path}.{key}");
                    match properties.and_then(|p| p.get(key)) {
                        Some(property) => {
                            let read_only = self.resolve_flag(property, "readOnly");
                            if read_only {
                                self.read_only.push(item_path.clone());
                            }
                            self.check(item, property, &item_path, depth + 1, false);
                        }
                        None => {
                            if let Some(extra) = obj.get("additionalProperties") {
                                if extra.is_object() {
                                    self.check(item, extra, &item_path, depth + 1, false);
                                }
                            }
                        }
                    }
                }
                if !obj.contains_key("allOf") {
                    self.undeclared(value, obj, path, in_all_of);
                }
            }
            Value::Array(items) => {
                if let Some(schema) = obj.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item, schema, &format!("{path}[{i}]"), depth + 1, false);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether a property's schema (or the one its `$ref` names) has `flag: true`.
    fn resolve_flag(&self, schema: &Value, flag: &str) -> bool {
        let root = self.root;
        let mut schema = schema;
        for _ in 0..32 {
            if schema.get(flag).and_then(Value::as_bool) == Some(true) {
                return true;
            }
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.strip_prefix('#'))
                .and_then(|p| root.pointer(p))
            {
                Some(next) => schema = next,
                None => return false,
            }
        }
        false
    }

    /// Keys the schema (with the parts of its `allOf`) does not declare, where
    /// `additionalProperties` does not allow others.
    fn undeclared(&mut self, value: &Value, obj: &Map<String, Value>, path: &str, in_all_of: bool) {
        let Value::Object(map) = value else { return };
        if in_all_of || obj.contains_key("oneOf") || obj.contains_key("anyOf") {
            return;
        }
        let mut declared: Vec<&str> = Vec::new();
        let mut open = false;
        let mut described = false;
        self.declared(obj, &mut declared, &mut open, &mut described, 0);
        if open || !described {
            return;
        }
        let extra: Vec<&str> = map
            .keys()
            .map(String::as_str)
            .filter(|k| !declared.contains(k))
            .collect();
        if !extra.is_empty() {
            self.reasons.push(format!(
                "{path}: keys the schema does not declare: {}",
                extra.join(", ")
            ));
        }
    }

    fn declared<'s>(
        &self,
        obj: &'s Map<String, Value>,
        names: &mut Vec<&'s str>,
        open: &mut bool,
        described: &mut bool,
        depth: usize,
    ) where
        'a: 's,
    {
        if depth > 16 {
            *open = true;
            return;
        }
        if let Some(properties) = obj.get("properties").and_then(Value::as_object) {
            *described = true;
            names.extend(properties.keys().map(String::as_str));
        }
        match obj.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => *open = true,
        }
        if obj.contains_key("oneOf") || obj.contains_key("anyOf") {
            *open = true;
        }
        for part in obj
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let root: &'a Value = self.root;
            let part = match part
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.strip_prefix('#'))
            {
                Some(pointer) => match root.pointer(pointer) {
                    Some(target) => target,
                    None => continue,
                },
                None => part,
            };
            if let Some(part) = part.as_object() {
                self.declared(part, names, open, described, depth + 1);
            }
        }
    }

    /// Formats the generated types parse: `uuid`, `byte`, `int32` and unsigned integers.
    fn format(&mut self, value: &Value, obj: &Map<String, Value>, path: &str) {
        let format = obj.get("format").and_then(Value::as_str);
        match (value, format) {
            (Value::String(text), Some("uuid")) if !is_uuid(text) => {
                self.reasons.push(format!("{path}: `{text}` is not a UUID"));
            }
            (Value::String(text), Some("byte")) if !is_base64(text) => {
                self.reasons.push(format!("{path}: `{text}` is not base64"));
            }
            (Value::Number(n), _) if obj.get("type").and_then(Value::as_str) == Some("integer") => {
                let minimum = obj.get("minimum").and_then(Value::as_f64);
                if let Some(v) = n.as_f64() {
                    if format == Some("int32")
                        && (v < f64::from(i32::MIN) || v > f64::from(u32::MAX))
                    {
                        self.reasons
                            .push(format!("{path}: {n} is out of range for int32"));
                    }
                    if minimum.is_some_and(|m| v < m) {
                        self.reasons
                            .push(format!("{path}: {n} is below the minimum"));
                    }
                }
            }
            _ => {}
        }
    }
}

fn fits_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn is_uuid(text: &str) -> bool {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_base64(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Check;

    fn reasons(root: &serde_json::Value, value: serde_json::Value) -> Vec<String> {
        let mut check = Check::new(root);
        check.check(
            &value,
            &json!({"$ref": "#/components/schemas/A"}),
            "$",
            0,
            false,
        );
        check.reasons
    }

    #[test]
    fn the_check_finds_contradictions_and_allows_the_rest() {
        let root = json!({"components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"c": {"type": "integer", "format": "int32"}}}]},
            "B": {"type": "object", "required": ["b"], "properties": {"b": {"type": "string", "readOnly": true}}}
        }}});
        assert!(reasons(&root, json!({"b": "x", "c": 1})).is_empty());
        let found = reasons(&root, json!({"c": "1", "d": true}));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("`b` is missing"), "{found:?}");
        assert!(found[1].contains("$.c: a string where the schema expected integer"));
        assert!(found[2].contains("do not declare: d") || found[2].contains("does not declare: d"));
        let mut check = Check::new(&root);
        check.check(
            &json!({"b": "x"}),
            &json!({"$ref": "#/components/schemas/A"}),
            "$",
            0,
            false,
        );
        assert_eq!(check.read_only, ["$.b"]);
    }

    #[test]
    fn unions_need_one_branch_that_fits() {
        let root = json!({"components": {"schemas": {
            "A": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
        }}});
        assert!(reasons(&root, json!(["a"])).is_empty());
        assert!(reasons(&root, json!(1))[0].contains("matches no branch of `anyOf`"));
    }
}
