//! Shared by `tests/fuzz.rs` and `tests/it/coverage.rs`: a document's JSON value, read with
//! serde (JSON, or YAML turned into JSON) rather than by the generator, which keeps its
//! loader to itself.

use serde_json::{Map, Number, Value};
use std::path::Path;

/// The document's value; `None` if it is neither JSON nor YAML that JSON can hold.
pub fn parse(path: &Path, bytes: &[u8]) -> Option<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice(bytes).ok()
    } else {
        yaml_to_json(serde_yaml::from_slice(bytes).ok()?)
    }
}

/// A YAML value as JSON: keys that are numbers or booleans (`200:`) become their text, tags
/// are dropped; `None` for what JSON cannot hold (a NaN, a key that is a list).
pub fn yaml_to_json(yaml: serde_yaml::Value) -> Option<Value> {
    use serde_yaml::Value as Yaml;
    Some(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::Number(Number::from_f64(n.as_f64()?)?)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(yaml_to_json).collect::<Option<_>>()?)
        }
        Yaml::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    _ => return None,
                };
                map.insert(key, yaml_to_json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}
