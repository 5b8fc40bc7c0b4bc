//! Helpers for the generated enums of `oneOf`/`anyOf` with a `discriminator`.
//!
//! Serde's internally tagged enums do not fit OpenAPI: the variant's schema usually declares
//! the tag property itself (so serde would see it twice), and an unknown tag fails the whole
//! decode. The generated code instead reads the value as JSON, looks at the tag, decodes the
//! matching variant from the whole value, and keeps a value with an unknown tag as JSON.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The tag of a received value: the string at `property`, if the value is an object with one.
pub fn tag(value: &Value, property: &str) -> Option<String> {
    value.get(property)?.as_str().map(str::to_owned)
}

/// Decodes a variant from the whole value (tag included), counting what it leaves unused for
/// an enclosing untagged union (see [`crate::union`]).
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: &Value) -> Result<T, E> {
    crate::union::variant(value).map_err(E::custom)
}

/// Keeps a value whose tag this client does not know; an enclosing untagged union counts it
/// as an unknown value.
pub fn unknown<E>(value: Value) -> Result<Value, E> {
    crate::union::note_unknown();
    Ok(value)
}

/// Writes a variant with its tag: the variant's own fields, and `property` set to `tag`
/// (whatever the variant's own tag field holds, the enum variant decides).
pub fn serialize<S: Serializer, T: Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    variant: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(variant).map_err(S::Error::custom)?;
    if let Value::Object(map) = &mut json {
        map.insert(property.to_owned(), Value::String(tag.to_owned()));
    }
    json.serialize(serializer)
}

/// Writes the default variant of a union (OpenAPI 3.2's `defaultMapping`): `property` is set
/// to `tag` only when the variant's own fields leave it out, so a value received with a tag
/// no other variant names is written back with that tag.
pub fn serialize_default<S: Serializer, T: Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    variant: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(variant).map_err(S::Error::custom)?;
    if let Value::Object(map) = &mut json {
        let missing = map.get(property).is_none_or(Value::is_null);
        if missing {
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
        }
    }
    json.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Cat {
        kind: String,
        lives: u8,
    }

    #[test]
    fn tag_and_variant() {
        let value = json!({"kind": "cat", "lives": 9});
        assert_eq!(super::tag(&value, "kind").as_deref(), Some("cat"));
        assert_eq!(super::tag(&json!([1]), "kind"), None);
        let cat: Cat = super::variant::<_, serde_json::Error>(&value).unwrap();
        let written = super::serialize(
            serde_json::value::Serializer,
            "kind",
            "cat",
            &Cat {
                kind: "dog".into(),
                lives: 9,
            },
        )
        .unwrap();
        assert_eq!(written, value);
        assert_eq!(cat.lives, 9);
        let kept = super::serialize_default(
            serde_json::value::Serializer,
            "kind",
            "cat",
            &Cat {
                kind: "tiger".into(),
                lives: 1,
            },
        )
        .unwrap();
        assert_eq!(kept, json!({"kind": "tiger", "lives": 1}));
    }
}
