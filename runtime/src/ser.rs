//! What a generated struct's `Serialize` is built on instead of serde's derive: one plain
//! call per field, with no `?` and no branch in the generated body, which writes what the
//! derive with the generator's field attributes wrote (`rename`, `skip_serializing_if`, and
//! `flatten` for the map of `additionalProperties`).
//!
//! The derive's body has a `match` on a `Try` result per field, and `rustc` type-checks and
//! borrow-checks each; with these calls a struct's `serialize` costs it about half as much.
//! The first error is kept, later fields are not written, and [`Struct::end`] /
//! [`Map::end`] return it, as the derive's `?` did.
//!
//! ```
//! use oagen_runtime::ser;
//! use serde::{Serialize, Serializer};
//!
//! struct Pet { id: i64, tag: Option<String> }
//!
//! impl Serialize for Pet {
//!     fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
//!         let len = 1 + ser::count(&[self.tag.is_some()]);
//!         let mut object = ser::Struct::new(serializer, "Pet", len);
//!         object.field("id", &self.id);
//!         object.optional("tag", &self.tag);
//!         object.end()
//!     }
//! }
//!
//! let pet = Pet { id: 1, tag: None };
//! assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"id":1}"#);
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use crate::Nullable;

/// How many of `present` are true: the number of fields an object writes, which
/// `serialize_struct` is told first (formats such as MessagePack write it).
pub fn count(present: &[bool]) -> usize {
    present.iter().filter(|present| **present).count()
}

/// An object written as a struct (`serialize_struct`): a struct without
/// `additionalProperties`.
pub struct Struct<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> Struct<S> {
    /// Starts the object `name` with `len` fields ([`count`]).
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        Struct {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes a field that is always there.
    #[inline]
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(error) = state.serialize_field(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes an optional field: left out when `None`.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        match value {
            Some(_) => self.field(key, value),
            None => self.skip(key),
        }
    }

    /// Writes an optional, nullable field: left out when absent, `null` when null.
    #[inline]
    pub fn nullable<T: Serialize>(&mut self, key: &'static str, value: &Nullable<T>) {
        if value.is_absent() {
            self.skip(key);
        } else {
            self.field(key, value);
        }
    }

    fn skip(&mut self, key: &'static str) {
        if let Ok(state) = &mut self.state {
            if let Err(error) = state.skip_field(key) {
                self.state = Err(error);
            }
        }
    }

    /// Ends the object, or returns the first error.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// An object written as a map (`serialize_map`): a struct with `additionalProperties`,
/// whose other keys follow its fields, as `#[serde(flatten)]` writes them.
pub struct Map<S: Serializer> {
    state: Result<S::SerializeMap, S::Error>,
}

impl<S: Serializer> Map<S> {
    /// Starts the object (of a length not known in advance, as the derive's).
    #[inline]
    pub fn new(serializer: S) -> Self {
        Map {
            state: serializer.serialize_map(None),
        }
    }

    /// Writes a field that is always there.
    #[inline]
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(error) = state.serialize_entry(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes an optional field: left out when `None`.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if value.is_some() {
            self.field(key, value);
        }
    }

    /// Writes an optional, nullable field: left out when absent, `null` when null.
    #[inline]
    pub fn nullable<T: Serialize>(&mut self, key: &'static str, value: &Nullable<T>) {
        if !value.is_absent() {
            self.field(key, value);
        }
    }

    /// Writes the other keys, after the fields.
    #[inline]
    pub fn rest<V: Serialize>(&mut self, rest: &BTreeMap<String, V>) {
        for (key, value) in rest {
            if let Ok(state) = &mut self.state {
                if let Err(error) = state.serialize_entry(key, value) {
                    self.state = Err(error);
                }
            }
        }
    }

    /// Ends the object, or returns the first error.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Serialize, Serializer};

    use super::{Map, Struct, count};
    use crate::Nullable;

    /// The same struct, written by the derive and by these calls.
    #[derive(Serialize)]
    struct Derived {
        id: i64,
        #[serde(rename = "petTag", skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        #[serde(skip_serializing_if = "Nullable::is_absent")]
        nick: Nullable<String>,
    }

    struct Ours {
        id: i64,
        tag: Option<String>,
        nick: Nullable<String>,
    }

    impl Serialize for Ours {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 1 + count(&[self.tag.is_some(), !self.nick.is_absent()]);
            let mut object = Struct::new(serializer, "Ours", len);
            object.field("id", &self.id);
            object.optional("petTag", &self.tag);
            object.nullable("nick", &self.nick);
            object.end()
        }
    }

    #[derive(Serialize)]
    struct DerivedMap {
        id: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        #[serde(flatten)]
        rest: BTreeMap<String, i64>,
    }

    struct OursMap {
        id: i64,
        tag: Option<String>,
        rest: BTreeMap<String, i64>,
    }

    impl Serialize for OursMap {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Map::new(serializer);
            object.field("id", &self.id);
            object.optional("tag", &self.tag);
            object.rest(&self.rest);
            object.end()
        }
    }

    #[test]
    fn writes_what_the_derive_writes() {
        let cases = [
            (None, Nullable::Absent),
            (Some("a"), Nullable::Null),
            (Some("b"), Nullable::Value("n".to_owned())),
            (None, Nullable::Value("m".to_owned())),
        ];
        for (tag, nick) in cases {
            let tag = tag.map(str::to_owned);
            let derived = Derived {
                id: 7,
                tag: tag.clone(),
                nick: nick.clone(),
            };
            let ours = Ours { id: 7, tag, nick };
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&derived).unwrap()
            );
        }
        let rest = BTreeMap::from([("x".to_owned(), 1), ("y".to_owned(), 2)]);
        for tag in [None, Some("t".to_owned())] {
            let derived = DerivedMap {
                id: 1,
                tag: tag.clone(),
                rest: rest.clone(),
            };
            let ours = OursMap {
                id: 1,
                tag,
                rest: rest.clone(),
            };
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&derived).unwrap()
            );
        }
    }

    /// A serializer's error is returned by `end`, and nothing after it is written.
    #[test]
    fn the_first_error_is_returned() {
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        struct Holder;
        impl Serialize for Holder {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = Struct::new(serializer, "Holder", 2);
                object.field("a", &Failing);
                object.field("b", &1);
                object.end()
            }
        }
        let error = serde_json::to_string(&Holder).unwrap_err();
        assert_eq!(error.to_string(), "no");
    }
}
