//! Method names people would write, decided for every operation of the document before any
//! is lowered (so that a collision is seen whole):
//!
//! 1. the name an SDK generator's extension chose: `x-fern-sdk-method-name` or
//!    `x-speakeasy-name-override`, with the group of `x-fern-sdk-group-name` or
//!    `x-speakeasy-group` after it unless the name already says it (`create` in group
//!    `users` → `create_users`), since one client holds every group's methods;
//! 2. else the `operationId`, without the suffix that FastAPI appends to a function's name:
//!    the path's characters with every non-word one as `_`, then `_` and the method
//!    (`create_item_v1_items_post` for `POST /v1/items` → `create_item`). Recognised by that
//!    shape, for any framework that writes it, not by a list of names;
//! 3. else the method and the path's words (`GET /pets/{id}` → `get_pets_by_id`).
//!
//! When two operations would get the same shortened or chosen name, each of them keeps its
//! full `operationId` instead (deterministic, whatever the order); a name still taken is
//! numbered by the caller's `Scope`, with a warning.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::ir::HttpMethod;
use crate::naming;

/// The base method name of each operation, by path and method.
#[derive(Debug, Default)]
pub(super) struct MethodNames {
    by_operation: HashMap<(String, &'static str), String>,
}

impl MethodNames {
    /// Names for every operation of `paths` (operations given as `$ref`s, which are
    /// resolved later, are named by [`base_name`] when they are lowered).
    pub(super) fn plan(paths: &Map<String, Value>) -> MethodNames {
        let mut candidates: Vec<((String, &'static str), String, String)> = Vec::new();
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (key, op) in item {
                let Some(method) = HttpMethod::ALL
                    .iter()
                    .find(|(m, _)| m == key)
                    .map(|(_, m)| *m)
                else {
                    continue;
                };
                let Some(op) = op.as_object() else { continue };
                let full = full_name(op, method, path);
                let preferred = preferred_name(op, method, path).unwrap_or_else(|| full.clone());
                candidates.push(((path.clone(), method.as_str()), preferred, full));
            }
        }
        let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, preferred, _) in &candidates {
            *uses.entry(preferred.as_str()).or_default() += 1;
        }
        let chosen: Vec<((String, &'static str), String)> = candidates
            .iter()
            .map(|(key, preferred, full)| {
                let name = if uses[preferred.as_str()] > 1 {
                    full.clone()
                } else {
                    preferred.clone()
                };
                (key.clone(), name)
            })
            .collect();
        MethodNames {
            by_operation: chosen.into_iter().collect(),
        }
    }

    /// The planned name of `method path`, or the one [`base_name`] gives.
    pub(super) fn get(&self, op: &Map<String, Value>, method: HttpMethod, path: &str) -> String {
        self.by_operation
            .get(&(path.to_owned(), method.as_str()))
            .cloned()
            .unwrap_or_else(|| base_name(op, method, path))
    }
}

/// The name of one operation on its own: the preferred name, else the full one.
pub(super) fn base_name(op: &Map<String, Value>, method: HttpMethod, path: &str) -> String {
    preferred_name(op, method, path).unwrap_or_else(|| full_name(op, method, path))
}

/// The `operationId` in snake_case, or the method and path's words without one.
fn full_name(op: &Map<String, Value>, method: HttpMethod, path: &str) -> String {
    match op.get("operationId").and_then(Value::as_str) {
        Some(id) => naming::snake(id, "operation"),
        None => derived_operation_name(method, path),
    }
}

/// The name chosen by an SDK extension, or the `operationId` without a framework's suffix;
/// `None` when neither applies.
fn preferred_name(op: &Map<String, Value>, method: HttpMethod, path: &str) -> Option<String> {
    let text = |key: &str| {
        op.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let chosen = text("x-fern-sdk-method-name").or(text("x-speakeasy-name-override"));
    if let Some(chosen) = chosen {
        let mut words = naming::snake(chosen, "operation");
        let group = group_words(op.get("x-fern-sdk-group-name"))
            .or_else(|| group_words(op.get("x-speakeasy-group")));
        if let Some(group) = group {
            let name = naming::unraw(&words).to_owned();
            if !contains_words(&name, &group) {
                words = naming::snake(&format!("{name}_{group}"), "operation");
            }
        }
        return Some(words);
    }
    let id = op.get("operationId").and_then(Value::as_str)?;
    let short = without_route_suffix(id, method, path)?;
    Some(naming::snake(short, "operation"))
}

/// A group's words in snake_case: a string (`users`, `users.roles`) or a list of them.
fn group_words(value: Option<&Value>) -> Option<String> {
    let parts: Vec<&str> = match value? {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    let words = naming::feature(&parts.join(" "));
    (!words.is_empty()).then_some(words)
}

/// Whether the snake_case `name` holds the words of `group` in a row.
fn contains_words(name: &str, group: &str) -> bool {
    let name: Vec<&str> = name.split('_').collect();
    let group: Vec<&str> = group.split('_').collect();
    name.windows(group.len()).any(|w| w == group.as_slice())
}

/// `id` without the suffix that FastAPI writes after a route's function name: the path
/// with every character but letters, digits and `_` as `_`, then `_` and the lowercase
/// method. `None` when `id` does not end so, or nothing is left before it.
fn without_route_suffix<'a>(id: &'a str, method: HttpMethod, path: &str) -> Option<&'a str> {
    let path_words: String = path
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let suffix = format!("{path_words}_{}", method.as_str().to_ascii_lowercase());
    let cut = id.len().checked_sub(suffix.len())?;
    if !id.is_char_boundary(cut) || !id[cut..].eq_ignore_ascii_case(&suffix) {
        return None;
    }
    let short = id[..cut].trim_end_matches('_');
    short
        .chars()
        .any(|c| c.is_ascii_alphanumeric())
        .then_some(short)
}

/// A method name for an operation without `operationId`: the method and the path's words,
/// with parameters as `by_<name>` (`GET /pets/{id}` → `get_pets_by_id`).
fn derived_operation_name(method: HttpMethod, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                words.push("by".to_owned());
                words.push(param.to_owned());
            }
            None => words.push(segment.to_owned()),
        }
    }
    naming::snake(&words.join(" "), "operation")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn framework_suffixes_are_dropped_by_shape() {
        let short = without_route_suffix;
        assert_eq!(
            short("create_item_v1_items_post", HttpMethod::Post, "/v1/items"),
            Some("create_item")
        );
        assert_eq!(
            short("read_flow_flows__id__get", HttpMethod::Get, "/flows/{id}"),
            Some("read_flow")
        );
        assert_eq!(
            short("create_flow_flows__post", HttpMethod::Post, "/flows/"),
            Some("create_flow")
        );
        assert_eq!(
            short("health_check_health_get", HttpMethod::Get, "/health"),
            Some("health_check")
        );
        // Not that shape: kept whole.
        assert_eq!(short("listPets", HttpMethod::Get, "/pets"), None);
        assert_eq!(short("items_get", HttpMethod::Get, "/items"), None);
        assert_eq!(short("get_items_get", HttpMethod::Post, "/items"), None);
        assert_eq!(short("root__get", HttpMethod::Get, "/"), Some("root"));
        assert_eq!(short("_v1_items_get", HttpMethod::Get, "/v1/items"), None);
    }

    #[test]
    fn sdk_extensions_name_methods_with_their_group() {
        let name = |value| base_name(&op(value), HttpMethod::Post, "/v1/users");
        assert_eq!(
            name(
                json!({"operationId": "x", "x-fern-sdk-method-name": "create", "x-fern-sdk-group-name": "users"})
            ),
            "create_users"
        );
        assert_eq!(
            name(
                json!({"x-fern-sdk-method-name": "listUsers", "x-fern-sdk-group-name": ["users"]})
            ),
            "list_users"
        );
        assert_eq!(
            name(
                json!({"x-speakeasy-name-override": "create", "x-speakeasy-group": "orgs.members"})
            ),
            "create_orgs_members"
        );
        assert_eq!(
            name(json!({"operationId": "a", "x-speakeasy-name-override": "send"})),
            "send"
        );
        assert_eq!(name(json!({})), "post_v1_users");
    }

    #[test]
    fn colliding_short_names_keep_their_operation_ids() {
        let paths = op(json!({
            "/v1/items": {"get": {"operationId": "list_items_v1_items_get"}},
            "/v2/items": {"get": {"operationId": "list_items_v2_items_get"}},
            "/v1/users": {"get": {"operationId": "list_users_v1_users_get"}},
        }));
        let names = MethodNames::plan(&paths);
        let get = |path: &str| names.get(&Map::new(), HttpMethod::Get, path);
        assert_eq!(get("/v1/items"), "list_items_v1_items_get");
        assert_eq!(get("/v2/items"), "list_items_v2_items_get");
        assert_eq!(get("/v1/users"), "list_users");
    }
}
