//! Serde helpers for fields that are both optional and nullable.
//!
//! Such a field is an `Option<Option<T>>`: `None` means the key is absent (and is not sent),
//! `Some(None)` means an explicit JSON `null` (for example, to clear a value in a PATCH), and
//! `Some(Some(value))` a value. Serde's default treats `null` as absent; the helper below keeps
//! the three apart when decoding.

use serde::{Deserialize, Deserializer};

/// Deserializes a present key into `Some(..)`, so that `null` becomes `Some(None)`.
///
/// Use together with `#[serde(default)]`, which makes an absent key `None`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(default, deserialize_with = "super::deserialize")]
        name: Option<Option<String>>,
    }

    #[test]
    fn keeps_absent_null_and_value_apart() {
        let absent: Patch = serde_json::from_str("{}").unwrap();
        let null: Patch = serde_json::from_str(r#"{"name":null}"#).unwrap();
        let value: Patch = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
        assert_eq!(absent.name, None);
        assert_eq!(null.name, Some(None));
        assert_eq!(value.name, Some(Some("x".to_owned())));
    }
}
