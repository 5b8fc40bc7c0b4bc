//! Decoding a JSON object into a generated struct through one shared, non-generic visitor,
//! instead of a `#[derive(Deserialize)]` per struct.
//!
//! serde's derive writes, for every struct, a field enum with its own visitor and a struct
//! visitor with `visit_map` and `visit_seq`: most of what `rustc` spends checking a large
//! generated crate (issue 15's profile). Here a struct only lists its fields, each a wire
//! name and a place for its value ([`Field`]); [`object`] reads the map once, streaming,
//! and hands each value to its field's place through `erased_serde`, so the per-struct code
//! is a few lines with no visitor of its own, and the visitor exists once per deserializer
//! type, not once per struct.
//!
//! What a derive does that callers rely on is kept: keys match wire names exactly, unknown
//! keys are skipped as `IgnoredAny` (so `serde_ignored`, and the union tally of
//! [`crate::union`], still see them), a repeated key is an error, a missing required key is
//! `missing_field`, and the keys no field names can be kept ([`Rest`], for
//! `additionalProperties`).
//!
//! ```
//! use oagen_runtime::de;
//!
//! #[derive(Debug, PartialEq)]
//! struct Pet {
//!     id: i64,
//!     tag: Option<String>,
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Pet {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         let (mut id, mut tag) = (None, None);
//!         de::object(deserializer, "Pet", &mut [de::required("id", &mut id), de::optional("tag", &mut tag)], None)?;
//!         Ok(Self { id: de::take::<D, _>(id, "id")?, tag: tag.flatten() })
//!     }
//! }
//!
//! let pet: Pet = serde_json::from_str(r#"{"id": 1, "tag": null, "extra": true}"#).unwrap();
//! assert_eq!(pet, Pet { id: 1, tag: None });
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor,
};

/// Where the value of one key goes: an `Option<T>` that starts `None` and is set once.
pub trait Slot {
    /// Decodes the value from `deserializer` into the slot.
    fn fill(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error>;

    /// Whether a value was decoded.
    fn is_filled(&self) -> bool;
}

impl<T: DeserializeOwned> Slot for Option<T> {
    fn fill(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error> {
        *self = Some(erased_serde::deserialize(deserializer)?);
        Ok(())
    }

    fn is_filled(&self) -> bool {
        self.is_some()
    }
}

/// One field of a struct: its wire name, whether the key must be present, and its slot.
pub struct Field<'a> {
    name: &'static str,
    required: bool,
    slot: &'a mut dyn Slot,
}

/// A field whose key must be present (decoding fails with `missing_field` otherwise).
pub fn required<'a, T: DeserializeOwned>(name: &'static str, slot: &'a mut Option<T>) -> Field<'a> {
    Field {
        name,
        required: true,
        slot,
    }
}

/// A field whose key may be absent (its slot stays `None`).
pub fn optional<'a, T: DeserializeOwned>(name: &'static str, slot: &'a mut Option<T>) -> Field<'a> {
    Field {
        name,
        required: false,
        slot,
    }
}

/// The keys no field names (`additionalProperties`), each decoded as its value type.
pub trait Rest {
    /// Decodes the value of `key` from `deserializer` and keeps it.
    fn keep(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error>;
}

impl<V: DeserializeOwned> Rest for BTreeMap<String, V> {
    fn keep(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error> {
        let value = erased_serde::deserialize(deserializer)?;
        self.insert(key, value);
        Ok(())
    }
}

/// The value of a required field once [`object`] has succeeded (it checked the key was
/// present; a `missing_field` error otherwise, never a panic).
pub fn take<'de, D: Deserializer<'de>, T>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, D::Error> {
    value.ok_or_else(|| D::Error::missing_field(name))
}

/// Reads a JSON object from `deserializer` into `fields` (and the other keys into `rest`,
/// else skipped). `name` is the struct's, for error messages.
pub fn object<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    fields: &mut [Field<'_>],
    rest: Option<&mut dyn Rest>,
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ObjectVisitor { name, fields, rest })
}

struct ObjectVisitor<'f, 'a, 'r> {
    name: &'static str,
    fields: &'f mut [Field<'a>],
    rest: Option<&'r mut dyn Rest>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ObjectVisitor {
            fields, mut rest, ..
        } = self;
        while let Some(key) = map.next_key::<KeyName>()? {
            match fields.iter_mut().find(|f| f.name == key.0) {
                Some(field) if field.slot.is_filled() => {
                    return Err(A::Error::duplicate_field(field.name));
                }
                Some(field) => map.next_value_seed(Fill(&mut *field.slot))?,
                None => match rest.as_deref_mut() {
                    Some(rest) => map.next_value_seed(Keep(rest, key.0))?,
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                },
            }
        }
        match fields.iter().find(|f| f.required && !f.slot.is_filled()) {
            Some(field) => Err(A::Error::missing_field(field.name)),
            None => Ok(()),
        }
    }
}

/// A key, owned (keys with escapes cannot be borrowed from the input).
struct KeyName(String);

impl<'de> serde::Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(KeyName)
    }
}

struct Fill<'s>(&'s mut dyn Slot);

impl<'de> DeserializeSeed<'de> for Fill<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        self.0.fill(&mut erased).map_err(D::Error::custom)
    }
}

struct Keep<'s>(&'s mut dyn Rest, String);

impl<'de> DeserializeSeed<'de> for Keep<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        self.0.keep(self.1, &mut erased).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::{object, optional, required, take};

    #[derive(Debug, PartialEq, Deserialize)]
    struct Tag {
        name: String,
    }

    /// What a generated struct would write: a required field with a wire name that is not
    /// its Rust name, an optional one, an optional nullable one (absent, `null` and a value
    /// kept apart), one with a default, and the other keys kept.
    #[derive(Debug, PartialEq)]
    struct Pet {
        pet_id: i64,
        tag: Option<Tag>,
        nickname: Option<Option<String>>,
        legs: Option<u32>,
        extra: BTreeMap<String, serde_json::Value>,
    }

    fn four() -> Option<u32> {
        Some(4)
    }

    impl<'de> Deserialize<'de> for Pet {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let (mut pet_id, mut tag, mut nickname, mut legs) = (None, None, None, None);
            let mut extra = BTreeMap::new();
            object(
                deserializer,
                "Pet",
                &mut [
                    required("petId", &mut pet_id),
                    optional("tag", &mut tag),
                    optional("nickname", &mut nickname),
                    optional("legs", &mut legs),
                ],
                Some(&mut extra),
            )?;
            Ok(Self {
                pet_id: take::<D, _>(pet_id, "petId")?,
                tag: tag.flatten(),
                nickname,
                legs: legs.unwrap_or_else(four),
                extra,
            })
        }
    }

    #[test]
    fn fields_by_wire_name_with_absent_null_and_value_apart() {
        let pet: Pet = serde_json::from_value(
            json!({"petId": 7, "tag": {"name": "a"}, "nickname": null, "x": [1]}),
        )
        .unwrap();
        assert_eq!(pet.pet_id, 7);
        assert_eq!(pet.tag, Some(Tag { name: "a".into() }));
        assert_eq!(pet.nickname, Some(None));
        assert_eq!(pet.legs, Some(4));
        assert_eq!(pet.extra, BTreeMap::from([("x".to_owned(), json!([1]))]));
        let pet: Pet =
            serde_json::from_str(r#"{"petId": 1, "tag": null, "nickname": "Rex", "legs": null}"#)
                .unwrap();
        assert_eq!(
            (pet.tag, pet.nickname, pet.legs),
            (None, Some(Some("Rex".into())), None)
        );
        let pet: Pet = serde_json::from_str(r#"{"petId": 1}"#).unwrap();
        assert_eq!((pet.nickname, pet.legs), (None, Some(4)));
    }

    #[test]
    fn errors_name_the_key() {
        let missing = serde_json::from_str::<Pet>(r#"{"tag": null}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `petId`"),
            "{missing}"
        );
        let twice = serde_json::from_str::<Pet>(r#"{"petId": 1, "petId": 2}"#).unwrap_err();
        assert!(
            twice.to_string().contains("duplicate field `petId`"),
            "{twice}"
        );
        let wrong = serde_json::from_str::<Pet>(r#"{"petId": "seven"}"#).unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("invalid type: string \"seven\", expected i64"),
            "{wrong}"
        );
        assert!(wrong.to_string().contains("line 1"), "{wrong}");
        let not_object = serde_json::from_str::<Pet>("[1]").unwrap_err();
        assert!(
            not_object.to_string().contains("expected struct Pet"),
            "{not_object}"
        );
    }

    /// Keys no field takes are skipped as `IgnoredAny`, so `serde_ignored` (what the union
    /// tally counts with) sees them, nested ones too.
    #[test]
    fn unused_keys_are_seen_by_serde_ignored() {
        #[derive(Debug)]
        struct Owner {
            #[allow(dead_code)]
            tag: Tag,
        }
        impl<'de> Deserialize<'de> for Owner {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut tag = None;
                object(
                    deserializer,
                    "Owner",
                    &mut [required("tag", &mut tag)],
                    None,
                )?;
                Ok(Self {
                    tag: take::<D, _>(tag, "tag")?,
                })
            }
        }
        let value = json!({"tag": {"name": "a", "colour": "red"}, "age": 3});
        let mut unused = Vec::new();
        let _: Owner =
            serde_ignored::deserialize(&value, |path| unused.push(path.to_string())).unwrap();
        assert_eq!(unused, ["tag.colour", "age"]);
    }
}
