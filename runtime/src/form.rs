//! `application/x-www-form-urlencoded` bodies from any serializable value.

use serde::Serialize;
use serde_json::Value;

/// Encodes a body: it must serialize to a JSON object, whose properties become pairs.
pub(crate) fn encode(body: &impl Serialize, deep_object: &[&str]) -> Result<String, String> {
    let value = serde_json::to_value(body)
        .map_err(|err| format!("the body could not be encoded: {err}"))?;
    let Value::Object(properties) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &properties {
        let indexed = deep_object.contains(&name.as_str());
        push(&mut pairs, name.clone(), value, indexed);
    }
    Ok(pairs.finish())
}

/// Writes `value` under `key`: scalars as one pair, objects with `key[property]`, lists as a
/// repeated key (or `key[index]` when `indexed`). `null` writes nothing.
fn push(
    pairs: &mut form_urlencoded::Serializer<'_, String>,
    key: String,
    value: &Value,
    indexed: bool,
) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            pairs.append_pair(&key, if *b { "true" } else { "false" });
        }
        Value::Number(n) => {
            pairs.append_pair(&key, &n.to_string());
        }
        Value::String(s) => {
            pairs.append_pair(&key, s);
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let item_key = if indexed || !is_scalar(item) {
                    format!("{key}[{index}]")
                } else {
                    key.clone()
                };
                push(pairs, item_key, item, indexed);
            }
        }
        Value::Object(properties) => {
            for (name, item) in properties {
                push(pairs, format!("{key}[{name}]"), item, indexed);
            }
        }
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::encode;

    #[test]
    fn scalars_objects_and_lists() {
        let body = json!({
            "amount": 2000,
            "currency": "usd",
            "capture": false,
            "description": null,
            "metadata": {"order_id": "6735", "note": "a b&c"},
            "tags": ["x", "y"],
            "items": [{"price": "p_1", "quantity": 2}],
            "expand": ["invoice"],
        });
        let encoded = encode(&body, &["expand"]).unwrap();
        assert_eq!(
            encoded,
            "amount=2000&currency=usd&capture=false&metadata%5Border_id%5D=6735&metadata%5Bnote%5D=a+b%26c\
             &tags=x&tags=y&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2&expand%5B0%5D=invoice"
        );
    }

    #[test]
    fn only_objects_are_forms() {
        assert!(encode(&json!("text"), &[]).is_err());
    }
}
