//! Every `example`/`examples` value in a schema, parameter or media type of `spec/` and of the
//! fixtures decodes into its generated type and encodes back to an equal JSON value. The list
//! is made by `build.rs` from the IR (`Api::examples`), so no example is written out by hand.
//!
//! "Equal" allows what the generated types do on purpose: a key the example leaves out may
//! be added on encode (a default applied on decode), a number may change its spelling
//! (`1` and `1.0`; `f32` rounding), and a `null` for an optional non-nullable field may be
//! dropped. A key with a value that disappears, or a changed value, fails.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

type RoundTrip = fn(&str) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let typed: T = serde_json::from_value(value).map_err(|e| format!("does not decode: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))
}

/// Where `encoded` differs from `original` beyond what the module docs allow.
fn difference(original: &Value, encoded: &Value, path: &str) -> Option<String> {
    match (original, encoded) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64()?, b.as_f64()?);
            let close = a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs());
            (!close).then(|| format!("{path}: {a} became {b}"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (a, b))| difference(a, b, &format!("{path}[{i}]"))),
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(key, value)| {
            let path = format!("{path}.{key}");
            match b.get(key) {
                Some(other) => difference(value, other, &path),
                None if value.is_null() => None,
                None => Some(format!("{path}: dropped on encode")),
            }
        }),
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: {a} became {b}")),
    }
}

#[test]
fn every_example_round_trips() {
    let cases: Vec<(&str, &str, RoundTrip)> = include!(concat!(env!("OUT_DIR"), "/examples.rs"));
    assert!(
        cases
            .iter()
            .any(|(place, _, _)| place.contains("spec/openapi.yaml")),
        "the spec's examples are in the list"
    );
    let mut failures = Vec::new();
    for (place, text, round_trip) in &cases {
        let original: Value = serde_json::from_str(text).expect("build.rs writes JSON");
        match round_trip(text) {
            Ok(encoded) => {
                if let Some(diff) = difference(&original, &encoded, "$") {
                    failures.push(format!("{place}: {diff}"));
                }
            }
            Err(err) => failures.push(format!("{place}: {err}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
