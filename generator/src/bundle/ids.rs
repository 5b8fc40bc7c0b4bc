//! JSON Schema 2020-12's own ways of naming a schema, turned into the JSON pointers the rest
//! of the generator follows, before the bundler's walk:
//!
//! - `$id`: a schema with `$id` is a resource; a `$ref` whose URI (resolved against the
//!   enclosing `$id`s) is a resource's `$id` leads to that schema (with its fragment, a
//!   pointer or an anchor, read inside it);
//! - `$anchor`: `#name` leads to the schema with `$anchor: name` in the same resource (or,
//!   outside any, in the document);
//! - a pointer that leads nowhere from the document's root (`#/$defs/Line`) is read, as
//!   JSON Schema reads it, relative to the schema resource that holds the reference: the
//!   nearest enclosing schema in which it leads somewhere (a schema pasted into a document
//!   keeps its `$defs` beside it).
//!
//! Only the root document's `$id`s and anchors are known; a reference none of these rules
//! resolves is left as written, for the bundler and `lower` to follow or report.

use std::collections::HashMap;

use serde_json::Value;

use crate::diag::join;

/// Keys whose values are data, never schemas.
const DATA: &[&str] = &["example", "examples", "default", "const", "enum"];

/// Rewrites the `$ref`s of `root` that name a schema by `$id` or `$anchor`, or by a pointer
/// relative to the schema that holds them, into pointers from the root.
pub(super) fn resolve(root: &mut Value) {
    if !worth_a_look(root, 0) {
        return;
    }
    let mut index = Index::default();
    index.collect(root, "", "", 0);
    if index.refs.is_empty() {
        return;
    }
    let mut rewrites = Vec::new();
    for found in &index.refs {
        if let Some(target) = index.target(root, found) {
            rewrites.push((found.at.clone(), target));
        }
    }
    for (at, target) in rewrites {
        if let Some(slot) = root.pointer_mut(&at) {
            *slot = Value::String(target);
        }
    }
}

/// A `$ref` that may need rewriting.
struct Found {
    /// Pointer of the `$ref` string itself.
    at: String,
    reference: String,
    /// The base URI where it stands (the enclosing `$id`s resolved; empty outside any).
    base: String,
    /// Pointers of the objects that enclose it, outermost first (itself last).
    ancestors: Vec<String>,
}

#[derive(Default)]
struct Index {
    /// Resolved `$id` → pointer of its schema.
    ids: HashMap<String, String>,
    /// (base URI, anchor) → pointer of its schema.
    anchors: HashMap<(String, String), String>,
    refs: Vec<Found>,
    /// Pointers of the objects on the current path, outermost first.
    path: Vec<String>,
}

impl Index {
    fn collect(&mut self, value: &Value, ptr: &str, base: &str, depth: usize) {
        if depth > 256 {
            return;
        }
        match value {
            Value::Object(object) => {
                let base = match object.get("$id").and_then(Value::as_str) {
                    Some(id) => {
                        let resolved = resolve_uri(base, id);
                        let (without_fragment, _) = split_fragment(&resolved);
                        self.ids.insert(without_fragment.to_owned(), ptr.to_owned());
                        without_fragment.to_owned()
                    }
                    None => base.to_owned(),
                };
                if let Some(anchor) = object.get("$anchor").and_then(Value::as_str) {
                    self.anchors
                        .entry((base.clone(), anchor.to_owned()))
                        .or_insert_with(|| ptr.to_owned());
                }
                self.path.push(ptr.to_owned());
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    if needs_look(reference) {
                        self.refs.push(Found {
                            at: join(&format!("#{ptr}"), &["$ref"])[1..].to_owned(),
                            reference: reference.to_owned(),
                            base: base.clone(),
                            ancestors: self.path.clone(),
                        });
                    }
                }
                for (key, child) in object {
                    if !DATA.contains(&key.as_str()) {
                        let child_ptr = join(&format!("#{ptr}"), &[key]);
                        self.collect(child, &child_ptr[1..], &base, depth + 1);
                    }
                }
                self.path.pop();
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.collect(item, &format!("{ptr}/{i}"), base, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// The pointer (`#/...`) a reference leads to, when it needs rewriting and one is found.
    fn target(&self, root: &Value, found: &Found) -> Option<String> {
        let decoded = super::percent_decode(&found.reference);
        if let Some(fragment) = decoded.strip_prefix('#') {
            if fragment.starts_with('/') {
                if root.pointer(fragment).is_some() {
                    return None;
                }
                // Relative to the nearest enclosing schema in which it leads somewhere.
                return found.ancestors.iter().rev().find_map(|ancestor| {
                    let pointer = format!("{ancestor}{fragment}");
                    root.pointer(&pointer).map(|_| format!("#{pointer}"))
                });
            }
            return self.anchor(&found.base, fragment);
        }
        // A URI: a resource's `$id`, with an optional fragment inside it.
        let resolved = resolve_uri(&found.base, &found.reference);
        let (uri, fragment) = split_fragment(&resolved);
        let resource = self.ids.get(uri)?;
        match fragment {
            None | Some("") => Some(format!("#{resource}")),
            Some(pointer) if pointer.starts_with('/') => {
                let pointer = format!("{resource}{}", super::percent_decode(pointer));
                root.pointer(&pointer).map(|_| format!("#{pointer}"))
            }
            Some(anchor) => self.anchor(uri, anchor),
        }
    }

    /// The schema with `$anchor: name` in the resource `base`, else the only one so named.
    fn anchor(&self, base: &str, name: &str) -> Option<String> {
        if let Some(pointer) = self.anchors.get(&(base.to_owned(), name.to_owned())) {
            return Some(format!("#{pointer}"));
        }
        let mut named = self.anchors.iter().filter(|((_, n), _)| n == name);
        match (named.next(), named.next()) {
            (Some((_, pointer)), None) => Some(format!("#{pointer}")),
            _ => None,
        }
    }
}

/// Whether a reference may be one of those rewritten here: a pointer (checked against the
/// root later), an anchor, or a URI that may be an `$id`. Plain pointers to the named parts
/// of a document are the common case and are passed over at once.
fn needs_look(reference: &str) -> bool {
    !(reference.starts_with("#/components/")
        || reference.starts_with("#/definitions/")
        || reference.starts_with("#/paths/"))
}

/// Whether anything in the document may be rewritten here: an `$id`, an `$anchor`, or a
/// reference other than a pointer to a named part (a quick look, building no pointers).
fn worth_a_look(value: &Value, depth: usize) -> bool {
    if depth > 256 {
        return false;
    }
    match value {
        Value::Object(object) => object
            .iter()
            .any(|(key, child)| match (key.as_str(), child) {
                ("$id" | "$anchor", Value::String(_)) => true,
                ("$ref", Value::String(reference)) => needs_look(reference),
                _ if DATA.contains(&key.as_str()) => false,
                _ => worth_a_look(child, depth + 1),
            }),
        Value::Array(items) => items.iter().any(|item| worth_a_look(item, depth + 1)),
        _ => false,
    }
}

/// `reference` resolved against `base` (RFC 3986, without dot segments beyond `./`):
/// absolute references stand as they are; otherwise the base's last segment is replaced.
fn resolve_uri(base: &str, reference: &str) -> String {
    let reference = reference.strip_prefix("./").unwrap_or(reference);
    if base.is_empty() || reference.contains("://") || reference.starts_with("urn:") {
        return reference.to_owned();
    }
    if let Some(fragment) = reference.strip_prefix('#') {
        let (base, _) = split_fragment(base);
        return format!("{base}#{fragment}");
    }
    let (base, _) = split_fragment(base);
    if let Some(path) = reference.strip_prefix('/') {
        // Scheme and authority of the base, then the absolute path.
        let authority_end = base
            .find("://")
            .map(|i| i + 3)
            .and_then(|start| base[start..].find('/').map(|i| start + i))
            .unwrap_or(base.len());
        return format!("{}/{path}", &base[..authority_end]);
    }
    match base.rfind('/') {
        Some(i) => format!("{}{reference}", &base[..=i]),
        None => reference.to_owned(),
    }
}

/// A URI and its fragment (without `#`), if any.
fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.split_once('#') {
        Some((uri, fragment)) => (uri, Some(fragment)),
        None => (uri, None),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn uris_resolve_against_the_enclosing_id() {
        let base = "https://example.com/schemas/owner";
        assert_eq!(
            resolve_uri(base, "address"),
            "https://example.com/schemas/address"
        );
        assert_eq!(resolve_uri(base, "/other"), "https://example.com/other");
        assert_eq!(resolve_uri(base, "#/$defs/a"), format!("{base}#/$defs/a"));
        assert_eq!(resolve_uri("", "address"), "address");
        assert_eq!(resolve_uri(base, "urn:x"), "urn:x");
    }

    #[test]
    fn ids_anchors_and_defs_become_pointers() {
        let mut root = json!({"components": {"schemas": {
            "Order": {"$defs": {"Line": {"type": "object"}},
                "properties": {"lines": {"items": {"$ref": "#/$defs/Line"}}}},
            "Owner": {"$id": "https://example.com/c", "properties": {
                "address": {"$ref": "address"},
                "other": {"$ref": "https://example.com/c#/$defs/address"}},
                "$defs": {"address": {"$id": "address"}}},
            "Tag": {"$anchor": "tag"},
            "Uses": {"properties": {"tag": {"$ref": "#tag"}, "lost": {"$ref": "#/$defs/Nothing"},
                "file": {"$ref": "other.yaml"}}}
        }}});
        resolve(&mut root);
        let schemas = &root["components"]["schemas"];
        assert_eq!(
            schemas["Order"]["properties"]["lines"]["items"]["$ref"],
            "#/components/schemas/Order/$defs/Line"
        );
        assert_eq!(
            schemas["Owner"]["properties"]["address"]["$ref"],
            "#/components/schemas/Owner/$defs/address"
        );
        assert_eq!(
            schemas["Owner"]["properties"]["other"]["$ref"],
            "#/components/schemas/Owner/$defs/address"
        );
        assert_eq!(
            schemas["Uses"]["properties"]["tag"]["$ref"],
            "#/components/schemas/Tag"
        );
        // What none of the rules resolves is left for the bundler and `lower` to report.
        assert_eq!(
            schemas["Uses"]["properties"]["lost"]["$ref"],
            "#/$defs/Nothing"
        );
        assert_eq!(schemas["Uses"]["properties"]["file"]["$ref"], "other.yaml");
    }
}
