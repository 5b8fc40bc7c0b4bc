//! References within one file that `lower` does not follow itself: a `$ref` standing for a
//! whole map (`properties: {$ref: '#/x-shared/props'}`, `responses: {$ref: ...}`), or one
//! that leads outside the named parts of the document (`#/x-common/media`). The bundler
//! copies their target in place, as it does for a part of another file; a reference that
//! `lower` follows (a schema anywhere, or a named part such as
//! `#/components/parameters/limit` where its kind stands) is left as written, so that what
//! it leads to keeps its identity (one type, however many places use it).

use serde_json::Value;

use super::{NAME_MAPS, Place};

/// Kinds of `components` whose entries `lower` (or, for Swagger 2.0, `swagger2`) follows a
/// reference to.
const FOLLOWED_COMPONENTS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "callbacks",
    "pathItems",
    "examples",
    "links",
];

/// Named parts at the root of a document, by kind: `paths` and `webhooks` (path items), and
/// Swagger 2.0's `definitions`, `parameters`, `responses` and `securityDefinitions`.
const FOLLOWED_ROOTS: &[&str] = &[
    "paths",
    "webhooks",
    "definitions",
    "parameters",
    "responses",
    "securityDefinitions",
];

/// Whether a reference standing at `place` to `pointer` (in the root document) is copied in
/// place rather than left for `lower`.
pub(super) fn copied_in_place(place: Place, pointer: &str) -> bool {
    match place {
        Place::Schema => false,
        // Nothing follows a reference in place of a whole map.
        Place::SchemaMap | Place::Names | Place::Components | Place::Callbacks => true,
        Place::Object => !is_named_part(pointer),
    }
}

/// Whether `pointer` names one entry of a kind of named parts (`/components/responses/Gone`,
/// `/paths/~1pets`, `/definitions/Pet`).
fn is_named_part(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["components", kind, _] => FOLLOWED_COMPONENTS.contains(kind),
        [root, _] => FOLLOWED_ROOTS.contains(root),
        _ => false,
    }
}

/// Keys whose value is a map of names (to schemas or to OpenAPI objects).
const MAP_KEYS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "components",
    "callbacks",
    "schemas",
    "parameters",
    "requestBodies",
    "securityDefinitions",
    "pathItems",
];

/// Whether the document has a local reference the bundler would copy in place: one that
/// stands for a whole map, or leads outside the named parts of the document. A quick look,
/// so that most documents skip the bundler's walk; it may say yes where the walk then
/// leaves everything as it was.
pub(super) fn needs_walk(value: &Value, key: &str, depth: usize) -> bool {
    if depth > 512 {
        return false;
    }
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if let Some(pointer) = reference.strip_prefix('#') {
                    let in_place_of_map = MAP_KEYS.contains(&key) || NAME_MAPS.contains(&key);
                    let first = pointer.split('/').nth(1).unwrap_or_default();
                    let elsewhere = !pointer.is_empty()
                        && first != "components"
                        && !FOLLOWED_ROOTS.contains(&first);
                    if in_place_of_map || elsewhere {
                        return true;
                    }
                }
            }
            object.iter().any(|(key, child)| {
                // Examples and extensions are data.
                key != "example" && !key.starts_with("x-") && needs_walk(child, key, depth + 1)
            })
        }
        Value::Array(items) => items.iter().any(|item| needs_walk(item, "", depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_lower_follows_are_left_and_the_rest_copied() {
        assert!(!copied_in_place(Place::Schema, "/x-shared/pet"));
        assert!(copied_in_place(
            Place::SchemaMap,
            "/components/schemas/Pet/properties"
        ));
        assert!(copied_in_place(Place::Names, "/components/responses/Gone"));
        assert!(!copied_in_place(
            Place::Object,
            "/components/responses/Gone"
        ));
        assert!(!copied_in_place(Place::Object, "/parameters/limit"));
        assert!(copied_in_place(Place::Object, "/x-common/media"));
        assert!(copied_in_place(Place::Object, "/components/x-media/json"));
    }

    #[test]
    fn the_quick_look_finds_map_references_and_references_elsewhere() {
        let plain = json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
            "components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}}}}});
        assert!(!needs_walk(&plain, "", 0));
        let map = json!({"components": {"schemas": {"A": {"properties": {"$ref": "#/x-props"}}}}});
        assert!(needs_walk(&map, "", 0));
        let elsewhere =
            json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/x-ok"}}}}}});
        assert!(needs_walk(&elsewhere, "", 0));
        // Inside an example, a `$ref` is data.
        let data =
            json!({"components": {"schemas": {"A": {"example": {"properties": {"$ref": "#/x"}}}}}});
        assert!(!needs_walk(&data, "", 0));
    }
}
