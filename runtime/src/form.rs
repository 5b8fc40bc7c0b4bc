//! `application/x-www-form-urlencoded` bodies, and structured query parameters, from any
//! serializable value.

use serde::Serialize;
use serde_json::Value;

/// Encodes a body: it must serialize to a JSON object, whose properties become pairs.
pub(crate) fn encode(body: &impl Serialize, deep_object: &[&str]) -> Result<String, String> {
    let value = serde_json::to_value(body)
        .map_err(|err| format!("the body could not be encoded: {err}"))?;
    let Value::Object(properties) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, value) in &properties {
        let indexed = deep_object.contains(&name.as_str());
        flatten(&mut pairs, name.clone(), value, indexed);
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.extend_pairs(pairs);
    Ok(serializer.finish())
}

/// How an object- or list-valued query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: deepObject`: `name[key]=value`, nested with more brackets.
    DeepObject,
    /// `style: form, explode: true` (the default): each property its own pair, `key=value`;
    /// a list repeats the name.
    FormExploded,
    /// `style: form, explode: false`: `name=key,value,key,value`, or `name=a,b,c` for a list.
    FormJoined,
}

/// How a `querystring` parameter (OpenAPI 3.2) is written as the whole query string, from
/// the media type of its `content`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStringFormat {
    /// `application/x-www-form-urlencoded`: the object's properties as pairs, as a form body.
    Form,
    /// A JSON media type: the JSON text, percent-encoded.
    Json,
    /// Any other media type: the text itself (a string value) or the JSON text of any other
    /// value, percent-encoded.
    Text,
}

/// The whole query string for one `querystring` parameter (without the `?`).
pub(crate) fn query_string(
    value: &impl Serialize,
    format: QueryStringFormat,
) -> Result<String, String> {
    let failed = |err: serde_json::Error| format!("the query string could not be encoded: {err}");
    match format {
        QueryStringFormat::Form => encode(value, &[]).map_err(|problem| {
            if problem.starts_with("a form body") {
                "a form query string must be an object".to_owned()
            } else {
                problem
            }
        }),
        QueryStringFormat::Json => serde_json::to_string(value)
            .map(|text| percent_encode(&text))
            .map_err(failed),
        QueryStringFormat::Text => match serde_json::to_value(value).map_err(failed)? {
            Value::String(text) => Ok(percent_encode(&text)),
            other => Ok(percent_encode(&other.to_string())),
        },
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// so the text stands in a query string as one piece of data.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The query pairs for one parameter. Scalars are `name=value` in every style; `null`
/// writes nothing.
pub(crate) fn query_pairs(name: &str, value: &Value, style: QueryStyle) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    match (value, style) {
        (Value::Object(properties), QueryStyle::FormExploded) => {
            for (key, item) in properties {
                flatten(&mut pairs, key.clone(), item, false);
            }
        }
        (Value::Object(properties), QueryStyle::FormJoined) => {
            let joined: Vec<String> = properties
                .iter()
                .filter_map(|(key, item)| scalar_text(item).map(|text| format!("{key},{text}")))
                .collect();
            pairs.push((name.to_owned(), joined.join(",")));
        }
        (Value::Array(items), QueryStyle::FormJoined) => {
            let joined: Vec<String> = items.iter().filter_map(scalar_text).collect();
            pairs.push((name.to_owned(), joined.join(",")));
        }
        (value, _) => flatten(&mut pairs, name.to_owned(), value, false),
    }
    pairs
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Writes `value` under `key`: scalars as one pair, objects with `key[property]`, lists as a
/// repeated key (or `key[index]` when `indexed`, or when the items are not scalars). `null`
/// writes nothing.
fn flatten(pairs: &mut Vec<(String, String)>, key: String, value: &Value, indexed: bool) {
    match value {
        Value::Null => {}
        Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            if let Some(text) = scalar_text(value) {
                pairs.push((key, text));
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let item_key = if indexed || scalar_text(item).is_none() {
                    format!("{key}[{index}]")
                } else {
                    key.clone()
                };
                flatten(pairs, item_key, item, indexed);
            }
        }
        Value::Object(properties) => {
            for (name, item) in properties {
                flatten(pairs, format!("{key}[{name}]"), item, indexed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{QueryStringFormat, QueryStyle, encode, query_pairs, query_string};

    #[test]
    fn query_strings_by_media_type() {
        let value = json!({"q": "a b&c", "page": 2, "tags": ["x", "y"], "none": null});
        assert_eq!(
            query_string(&value, QueryStringFormat::Form).unwrap(),
            "q=a+b%26c&page=2&tags=x&tags=y"
        );
        assert_eq!(
            query_string(&json!({"n": [1, 2], "s": "é"}), QueryStringFormat::Json).unwrap(),
            "%7B%22n%22%3A%5B1%2C2%5D%2C%22s%22%3A%22%C3%A9%22%7D"
        );
        assert_eq!(
            query_string(&json!("$.items[?(@.a)]"), QueryStringFormat::Text).unwrap(),
            "%24.items%5B%3F%28%40.a%29%5D"
        );
        assert!(query_string(&json!("x=1"), QueryStringFormat::Form).is_err());
    }

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
    fn query_styles() {
        let pairs = |value, style| -> Vec<String> {
            query_pairs("created", &value, style)
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect()
        };
        let range = json!({"gte": 10, "lt": 20});
        assert_eq!(
            pairs(range.clone(), QueryStyle::DeepObject),
            ["created[gte]=10", "created[lt]=20"]
        );
        assert_eq!(
            pairs(range.clone(), QueryStyle::FormExploded),
            ["gte=10", "lt=20"]
        );
        assert_eq!(
            pairs(range, QueryStyle::FormJoined),
            ["created=gte,10,lt,20"]
        );
        assert_eq!(
            pairs(json!(1700000000), QueryStyle::DeepObject),
            ["created=1700000000"]
        );
        assert_eq!(
            pairs(json!(["a", "b"]), QueryStyle::FormJoined),
            ["created=a,b"]
        );
        assert_eq!(
            pairs(json!(["a", "b"]), QueryStyle::FormExploded),
            ["created=a", "created=b"]
        );
        assert!(pairs(json!(null), QueryStyle::DeepObject).is_empty());
    }

    #[test]
    fn only_objects_are_forms() {
        assert!(encode(&json!("text"), &[]).is_err());
    }
}
