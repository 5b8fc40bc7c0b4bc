//! Synthetic OpenAPI documents of any size, for the scaling run of `cargo xtask bench`.
//!
//! `document(n)` has `n` schemas and `n` operations, built deterministically in memory, with
//! the shapes of real documents: every fifth schema is a string enum; the others are objects
//! with a handful of scalar properties (one nullable, one with a default), a list, a map, a
//! `$ref` to an enum and `$ref`s to another object (`Model{i/2}`, so references form a tree;
//! every eighth object also points down to `Model{2i}`, making small by-value cycles that
//! need a `Box`). Every fourth object has an inline nested object, which gets a name of its
//! own. Each schema has one operation: objects a `PUT /models{i}/{id}` with a path
//! parameter, an optional query parameter, a JSON body, a JSON response and an error body;
//! enums a `GET` returning a list of them.

use serde_json::{Map, Value, json};

/// Whether schema `i` is a string enum (the others are objects).
fn is_enum(i: usize) -> bool {
    i % 5 == 4
}

fn name(i: usize) -> String {
    if is_enum(i) {
        format!("Status{i}")
    } else {
        format!("Model{i}")
    }
}

fn reference(i: usize) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", name(i)) })
}

/// The nearest enum schema to `i` (there is one whenever `n >= 5`).
fn enum_near(i: usize, n: usize) -> Option<usize> {
    let candidate = i - i % 5 + 4;
    if candidate < n {
        Some(candidate)
    } else {
        (0..n).rev().find(|&j| is_enum(j))
    }
}

/// The nearest object schema other than `i` (there is one whenever `n >= 2`).
fn object_near(i: usize, n: usize) -> Option<usize> {
    let parent = i / 2;
    if parent != i && !is_enum(parent) {
        return Some(parent);
    }
    (0..n).find(|&j| j != i && !is_enum(j))
}

fn schema(i: usize, n: usize) -> Value {
    if is_enum(i) {
        return json!({
            "type": "string",
            "description": format!("Lifecycle state number {i}."),
            "enum": ["active", "paused", "archived", format!("custom-{i}")],
        });
    }
    let mut properties = Map::new();
    properties.insert(
        "id".into(),
        json!({ "type": "string", "format": "uuid", "description": "Unique identifier." }),
    );
    properties.insert("name".into(), json!({ "type": "string", "maxLength": 200 }));
    properties.insert(
        "count".into(),
        json!({ "type": "integer", "format": "int64", "default": 0 }),
    );
    properties.insert(
        "ratio".into(),
        json!({ "type": "number", "nullable": true }),
    );
    properties.insert("enabled".into(), json!({ "type": "boolean" }));
    properties.insert(
        "created_at".into(),
        json!({ "type": "string", "format": "date-time" }),
    );
    properties.insert(
        "tags".into(),
        json!({ "type": "array", "items": { "type": "string" } }),
    );
    properties.insert(
        "metadata".into(),
        json!({ "type": "object", "additionalProperties": { "type": "string" } }),
    );
    if let Some(e) = enum_near(i, n) {
        properties.insert("status".into(), reference(e));
    }
    if let Some(parent) = object_near(i, n) {
        properties.insert("parent".into(), reference(parent));
        properties.insert(
            "children".into(),
            json!({ "type": "array", "items": reference(parent) }),
        );
    }
    if i % 8 == 0 && i > 0 && 2 * i < n && !is_enum(2 * i) {
        // `Model{2i}` points back here through `parent`: a by-value cycle the generator must
        // break with a `Box`.
        properties.insert("first_child".into(), reference(2 * i));
    }
    if i % 4 == 1 {
        properties.insert(
            "address".into(),
            json!({
                "type": "object",
                "required": ["line1"],
                "properties": {
                    "line1": { "type": "string" },
                    "city": { "type": "string" },
                    "postal_code": { "type": "string" },
                },
            }),
        );
    }
    json!({
        "type": "object",
        "description": format!("A synthetic model number {i}."),
        "required": ["id", "name"],
        "properties": properties,
    })
}

fn operation(i: usize) -> (String, Value) {
    if is_enum(i) {
        let path = format!("/statuses{i}");
        let op = json!({
            "get": {
                "operationId": format!("listStatus{i}"),
                "summary": format!("Lists the values of status {i}."),
                "parameters": [
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "format": "int32" } },
                ],
                "responses": {
                    "200": {
                        "description": "The values.",
                        "content": { "application/json": { "schema": {
                            "type": "array", "items": reference(i),
                        } } },
                    },
                    "default": {
                        "description": "An error.",
                        "content": { "application/json": { "schema": {
                            "$ref": "#/components/schemas/ApiError",
                        } } },
                    },
                },
            },
        });
        return (path, op);
    }
    let path = format!("/models{i}/{{id}}");
    let op = json!({
        "put": {
            "operationId": format!("updateModel{i}"),
            "summary": format!("Replaces model {i}."),
            "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "dry_run", "in": "query", "schema": { "type": "boolean" } },
            ],
            "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": reference(i) } },
            },
            "responses": {
                "200": {
                    "description": "The stored model.",
                    "content": { "application/json": { "schema": reference(i) } },
                },
                "default": {
                    "description": "An error.",
                    "content": { "application/json": { "schema": {
                        "$ref": "#/components/schemas/ApiError",
                    } } },
                },
            },
        },
    });
    (path, op)
}

/// A valid OpenAPI 3.0 document (JSON text) with `n` schemas and `n` operations (plus one
/// shared error schema).
pub fn document(n: usize) -> String {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for i in 0..n {
        schemas.insert(name(i), schema(i, n));
        let (path, op) = operation(i);
        paths.insert(path, op);
    }
    schemas.insert(
        "ApiError".into(),
        json!({
            "type": "object",
            "required": ["message"],
            "properties": {
                "message": { "type": "string" },
                "code": { "type": "integer" },
            },
        }),
    );
    let document = json!({
        "openapi": "3.0.3",
        "info": { "title": format!("Synthetic {n}"), "version": "1.0.0" },
        "servers": [{ "url": "https://api.example.com/v1" }],
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
        },
        "security": [{ "bearer": [] }],
        "paths": paths,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator() -> oagen::Generator {
        oagen::Generator::new(oagen::Settings {
            package: oagen::Package {
                name: Some("synthetic".to_owned()),
                ..oagen::Package::default()
            },
            runtime: oagen::Runtime::Path("../runtime".into()),
            command: Some("cargo xtask bench --scaling".to_owned()),
            ..oagen::Settings::default()
        })
    }

    #[test]
    fn small_synthetic_documents_generate_without_diagnostics() {
        for n in [1, 2, 5, 10, 40] {
            let text = document(n);
            let output = generator()
                .generate(oagen::Document::bytes(text.as_bytes()))
                .unwrap_or_else(|failure| panic!("n = {n}: {failure}"));
            let warnings: Vec<_> = output.warnings().collect();
            assert!(warnings.is_empty(), "n = {n}: {warnings:?}");
            assert_eq!(output.operations, n);
            assert!(output.types > n, "every schema is a type, plus ApiError");
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(document(50), document(50));
    }
}
