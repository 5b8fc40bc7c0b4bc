//! Decoding a JSON object into a generated struct: what serde's derive does, in a fraction of
//! the code per struct.
//!
//! serde's derive writes, for every struct, a field enum with its own visitor and
//! `Deserialize` impl, and a struct visitor with `visit_map` and `visit_seq`: most of what
//! `rustc` spends checking a large generated crate (issue 15's profile). Here a struct
//! implements [`Object`]: a `field` function (a `match` of each wire name to its index, no
//! field enum) and one `visit` function, a loop that takes each key's index ([`Keys`], no
//! allocation) and reads the value straight into its slot ([`put`],
//! `MapAccess::next_value`, with no dynamic dispatch), then builds the struct, a missing
//! required field named by [`missing`]. The visitor,
//! the key seed and the error paths are written once, here, generic over the struct, so the
//! compiler specializes and inlines them per struct as it does the derive's, and decoding
//! runs as fast (a shared visitor reached through `erased-serde`, as before, ran at a fifth
//! of its speed).
//!
//! What a derive does that callers rely on is kept: keys match wire names exactly, unknown
//! keys are skipped as `IgnoredAny` (so `serde_ignored`, and the union tally of
//! [`crate::union`], still see them), a repeated key is `duplicate_field`, a missing
//! required key is `missing_field`, and the keys no field names can be kept ([`keep`], for
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
//! impl de::Object for Pet {
//!     const NAME: &'static str = "Pet";
//!
//!     fn field(key: &str) -> Option<usize> {
//!         match key {
//!             "id" => Some(0),
//!             "tag" => Some(1),
//!             _ => None,
//!         }
//!     }
//!
//!     fn visit<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
//!         let mut slots = (None, None);
//!         let mut keys = de::Keys::<Self>::new();
//!         while let Some(index) = keys.next(&mut map)? {
//!             match index {
//!                 0 => if let Err(error) = de::put(&mut map, &mut slots.0, "id") {
//!                     return Err(error);
//!                 },
//!                 1 => if let Err(error) = de::put(&mut map, &mut slots.1, "tag") {
//!                     return Err(error);
//!                 },
//!                 _ => if let Err(error) = de::skip(&mut map) {
//!                     return Err(error);
//!                 },
//!             }
//!         }
//!         match (slots.0,) {
//!             (Some(id),) => Ok(Self { id, tag: slots.1.flatten() }),
//!             (id,) => Err(de::missing::<A>(&[(id.is_none(), "id")])),
//!         }
//!     }
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Pet {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         de::object(deserializer)
//!     }
//! }
//!
//! let pet: Pet = serde_json::from_str(r#"{"id": 1, "tag": null, "extra": true}"#).unwrap();
//! assert_eq!(pet, Pet { id: 1, tag: None });
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};

/// A struct decoded from a JSON object, one key at a time.
pub trait Object: Sized {
    /// The struct's name, for error messages (`expected struct Pet`).
    const NAME: &'static str;

    /// The index of `key` among the struct's wire names (`match key { "id" => Some(0), .. }`,
    /// which the compiler turns into comparisons of constants, as in the derive's field
    /// visitor); `None` for a key no field takes.
    fn field(key: &str) -> Option<usize>;

    /// Reads every key of `map` (through [`Keys`]) and builds the struct.
    fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes a `T` from a JSON object (anything else is an `invalid_type` error naming the
/// struct). What a generated `Deserialize::deserialize` calls.
pub fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map)
    }
}

/// The index [`Keys::next`] gives a key no field takes.
pub const OTHER: usize = u32::MAX as usize;

/// The keys of one `T` object, each read as its index among the struct's wire names
/// ([`Object::field`]), without allocating (the key is borrowed from the input, or from the
/// parser's scratch buffer when it has escapes). The key is read as the derive reads its
/// field enum (`next_key` of a type with no state), generic over `T`, so each struct's key
/// matching is compiled, and inlined, for that struct alone; the index is a `u32`, so the
/// result fits in two registers, as the derive's does.
pub struct Keys<T>(PhantomData<fn() -> T>);

impl<T: Object> Keys<T> {
    /// The keys of a `T`; other keys are skipped ([`skip`]).
    #[allow(clippy::new_without_default)]
    #[inline]
    pub fn new() -> Self {
        Keys(PhantomData)
    }

    /// The index of the next key among the names ([`OTHER`] for another key, whose value
    /// must then be read by [`skip`]); `None` after the last key.
    #[inline]
    pub fn next<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Option<usize>, A::Error> {
        Ok(map.next_key::<Index<T>>()?.map(|index| index.0 as usize))
    }
}

/// Like [`Keys`], for a struct that keeps the keys no field takes, with their values
/// (`additionalProperties`, [`keep`]).
pub struct KeptKeys<T> {
    /// The text of the last key no field takes.
    other: Option<String>,
    object: PhantomData<fn() -> T>,
}

impl<T: Object> KeptKeys<T> {
    /// The keys of a `T` that keeps the others.
    #[allow(clippy::new_without_default)]
    #[inline]
    pub fn new() -> Self {
        KeptKeys {
            other: None,
            object: PhantomData,
        }
    }

    /// The index of the next key among the names ([`OTHER`] for another key, whose value
    /// must then be read by [`keep`]); `None` after the last key.
    #[inline]
    pub fn next<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Option<usize>, A::Error> {
        let seed = KeySeed::<T> {
            other: &mut self.other,
            object: PhantomData,
        };
        Ok(map.next_key_seed(seed)?.map(|index| index as usize))
    }
}

/// A key read as its index among a `T`'s wire names (`u32::MAX` for another key). Its
/// visitor does nothing else, so the code reading a key stays small enough for the compiler
/// to inline into each struct's loop, as it does the derive's.
struct Index<T>(u32, PhantomData<fn() -> T>);

impl<'de, T: Object> Deserialize<'de> for Index<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(IndexVisitor::<T>(PhantomData))
    }
}

struct IndexVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> Visitor<'de> for IndexVisitor<T> {
    type Value = Index<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Index<T>, E> {
        // A struct's fields are far fewer than `u32::MAX`.
        let index = T::field(key).map_or(u32::MAX, |index| index as u32);
        Ok(Index(index, PhantomData))
    }

    fn visit_bytes<E: serde::de::Error>(self, key: &[u8]) -> Result<Index<T>, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Ok(Index(u32::MAX, PhantomData)),
        }
    }
}

/// Reads a key as its index among a `T`'s wire names (`u32::MAX` for another key, whose
/// text it writes in `other`), for [`KeptKeys`].
struct KeySeed<'a, T> {
    other: &'a mut Option<String>,
    object: PhantomData<fn() -> T>,
}

impl<'de, T: Object> DeserializeSeed<'de> for KeySeed<'_, T> {
    type Value = u32;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: Object> Visitor<'de> for KeySeed<'_, T> {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<u32, E> {
        Ok(match T::field(key) {
            Some(index) => index as u32,
            None => {
                *self.other = Some(key.to_owned());
                u32::MAX
            }
        })
    }

    fn visit_bytes<E: serde::de::Error>(self, key: &[u8]) -> Result<u32, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => {
                *self.other = Some(String::from_utf8_lossy(key).into_owned());
                Ok(u32::MAX)
            }
        }
    }
}

/// Reads the value of the key just read into `slot` (a repeated key is `duplicate_field`).
#[inline]
pub fn put<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key no field takes (as `IgnoredAny`, which `serde_ignored` sees).
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Keeps the value of a key no field takes in `rest` (`additionalProperties`), under the
/// key's text ([`KeptKeys`]).
pub fn keep<'de, A: MapAccess<'de>, V: Deserialize<'de>, T>(
    map: &mut A,
    rest: &mut BTreeMap<String, V>,
    keys: &mut KeptKeys<T>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    if let Some(key) = keys.other.take() {
        rest.insert(key, value);
    }
    Ok(())
}

/// `missing_field` for the first of the required `fields` (whether it is missing, its wire
/// name) that is missing, in the order of the struct's fields, as the derive reports it.
#[cold]
pub fn missing<'de, A: MapAccess<'de>>(fields: &[(bool, &'static str)]) -> A::Error {
    let first = fields
        .iter()
        .find(|(missing, _)| *missing)
        .or(fields.first());
    A::Error::missing_field(first.map_or("", |(_, name)| name))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde::de::MapAccess;
    use serde_json::json;

    use super::{KeptKeys, Keys, Object, keep, missing, object, put, skip};

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

    impl Object for Pet {
        const NAME: &'static str = "Pet";

        fn field(key: &str) -> Option<usize> {
            ["petId", "tag", "nickname", "legs"]
                .iter()
                .position(|name| *name == key)
        }

        fn visit<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut pet_id, mut tag, mut nickname, mut legs) = (None, None, None, None);
            let mut extra = BTreeMap::new();
            let mut keys = KeptKeys::<Self>::new();
            loop {
                match keys.next(&mut map)? {
                    Some(0) => put(&mut map, &mut pet_id, "petId")?,
                    Some(1) => put(&mut map, &mut tag, "tag")?,
                    Some(2) => put(&mut map, &mut nickname, "nickname")?,
                    Some(3) => put(&mut map, &mut legs, "legs")?,
                    Some(_) => keep(&mut map, &mut extra, &mut keys)?,
                    None => break,
                }
            }
            let Some(pet_id) = pet_id else {
                return Err(missing::<A>(&[(true, "petId")]));
            };
            Ok(Self {
                pet_id,
                tag: tag.flatten(),
                nickname,
                legs: legs.unwrap_or_else(four),
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Pet {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
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
            serde_json::from_str(r#"{"legs": null, "nickname": "Rex", "tag": null, "petId": 1}"#)
                .unwrap();
        assert_eq!(
            (pet.tag, pet.nickname, pet.legs),
            (None, Some(Some("Rex".into())), None)
        );
        let pet: Pet = serde_json::from_str(r#"{"petId": 1, "p\u0065tId_": 2}"#).unwrap();
        assert_eq!((pet.nickname, pet.legs), (None, Some(4)));
        assert_eq!(pet.extra, BTreeMap::from([("petId_".to_owned(), json!(2))]));
        // An escaped key is matched by its text.
        let pet: Pet = serde_json::from_str(r#"{"p\u0065tId": 3}"#).unwrap();
        assert_eq!(pet.pet_id, 3);
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
        impl Object for Owner {
            const NAME: &'static str = "Owner";

            fn field(key: &str) -> Option<usize> {
                (key == "tag").then_some(0)
            }

            fn visit<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut tag = None;
                let mut keys = Keys::<Self>::new();
                while let Some(index) = keys.next(&mut map)? {
                    match index {
                        0 => put(&mut map, &mut tag, "tag")?,
                        _ => skip(&mut map)?,
                    }
                }
                match tag {
                    Some(tag) => Ok(Self { tag }),
                    None => Err(missing::<A>(&[(true, "tag")])),
                }
            }
        }
        impl<'de> Deserialize<'de> for Owner {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                object(deserializer)
            }
        }
        let value = json!({"age": 3, "tag": {"name": "a", "colour": "red"}});
        let mut unused = Vec::new();
        let _: Owner =
            serde_ignored::deserialize(&value, |path| unused.push(path.to_string())).unwrap();
        assert_eq!(unused, ["age", "tag.colour"]);
    }

    /// With several required fields missing, the error names the first in the order of the
    /// struct's fields, as the derive's does.
    #[test]
    fn the_first_missing_field_is_named() {
        #[derive(Debug)]
        struct Pair {
            #[allow(dead_code)]
            a: i64,
            #[allow(dead_code)]
            b: i64,
        }
        impl Object for Pair {
            const NAME: &'static str = "Pair";

            fn field(key: &str) -> Option<usize> {
                ["a", "b"].iter().position(|name| *name == key)
            }

            fn visit<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut slots = (None, None);
                let mut keys = Keys::<Self>::new();
                while let Some(index) = keys.next(&mut map)? {
                    match index {
                        0 => put(&mut map, &mut slots.0, "a")?,
                        1 => put(&mut map, &mut slots.1, "b")?,
                        _ => skip(&mut map)?,
                    }
                }
                match (slots.0, slots.1) {
                    (Some(a), Some(b)) => Ok(Self { a, b }),
                    (a, b) => Err(missing::<A>(&[(a.is_none(), "a"), (b.is_none(), "b")])),
                }
            }
        }
        impl<'de> Deserialize<'de> for Pair {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                object(deserializer)
            }
        }
        for (json, field) in [(r#"{}"#, "a"), (r#"{"a": 1}"#, "b"), (r#"{"b": 1}"#, "a")] {
            let err = serde_json::from_str::<Pair>(json).unwrap_err().to_string();
            assert!(
                err.contains(&format!("missing field `{field}`")),
                "{json}: {err}"
            );
        }
    }
}
