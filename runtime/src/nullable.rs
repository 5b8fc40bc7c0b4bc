//! [`Nullable`]: an optional field that may also be sent as `null`.
//!
//! Generated types that are sent to the API (request bodies, and what they contain) hold an
//! optional, nullable field as a `Nullable<T>`: the key can be left out ([`Nullable::Absent`],
//! the default), sent as `null` ([`Nullable::Null`], to clear a value in a PATCH) or sent
//! with a value. Types that are only received hold the same field as an `Option<T>`, since
//! for a reader an absent key and `null` mean the same thing.
//!
//! The generated field carries `#[serde(default, skip_serializing_if =
//! "oagen_runtime::Nullable::is_absent")]`: an absent key decodes as `Absent` and is not
//! written; `null` decodes as `Null` and is written back as `null`.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that may be absent, `null`, or present: three states, kept apart when decoding
/// and when encoding.
///
/// Read it like an `Option` (`as_ref`, `as_deref`, `into_option`: absent and `null` are both
/// `None`); ask `is_null` or `is_absent` when the difference matters. Setters of generated
/// types take the value itself; assign `Nullable::Null` to the field to send `null`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// The key is left out (not sent; absent when received).
    #[default]
    Absent,
    /// The key is sent as (or was received as) `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the key is absent (it is then not sent). Generated fields name this function
    /// in `skip_serializing_if`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the value is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether there is a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// The value, if there is one (absent and `null` are both `None`).
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value to change in place, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value through `Deref` (`&str` for a `String`), if there is one.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: Deref,
    {
        self.as_ref().map(Deref::deref)
    }

    /// The value, if there is one (absent and `null` are both `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value changed by `f`; absent and `null` stay as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Value(value) => Nullable::Value(f(value)),
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Nullable<T>> for Option<T> {
    fn from(value: Nullable<T>) -> Self {
        value.into_option()
    }
}

/// `absent`, `null`, or the value's own `Debug` (`"someone@example.com"`, not
/// `Value("someone@example.com")`).
impl<T: fmt::Debug> fmt::Debug for Nullable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Absent => f.write_str("absent"),
            Self::Null => f.write_str("null"),
            Self::Value(value) => value.fmt(f),
        }
    }
}

/// `null` for `Null` (and for `Absent`, which a generated field never writes), the value
/// otherwise.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

/// `null` is `Null`, anything else the value; an absent key is `Absent` through
/// `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Value(value),
            None => Self::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::Nullable;

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        name: Nullable<String>,
    }

    #[test]
    fn keeps_absent_null_and_value_apart_both_ways() {
        for (text, expected) in [
            ("{}", Nullable::Absent),
            (r#"{"name":null}"#, Nullable::Null),
            (r#"{"name":"x"}"#, Nullable::Value("x".to_owned())),
        ] {
            let patch: Patch = serde_json::from_str(text).unwrap();
            assert_eq!(patch.name, expected);
            assert_eq!(serde_json::to_string(&patch).unwrap(), text);
        }
    }

    #[test]
    fn reads_like_an_option() {
        let value = Nullable::from("x".to_owned());
        assert_eq!(value.as_deref(), Some("x"));
        assert_eq!(value.as_ref().map(String::len), Some(1));
        assert!(value.is_value() && !value.is_null() && !value.is_absent());
        assert_eq!(Nullable::<String>::Null.as_deref(), None);
        assert!(Nullable::<String>::Null.is_null());
        assert_eq!(Nullable::<String>::default(), Nullable::Absent);
        // No `T: Default` needed.
        struct NoDefault;
        assert!(Nullable::<NoDefault>::default().is_absent());
        assert_eq!(Option::from(Nullable::Value(2)), Some(2));
        assert_eq!(Nullable::Value(2).map(|n| n * 2), Nullable::Value(4));
        assert_eq!(Nullable::<u8>::Null.map(|n| n * 2), Nullable::Null);
    }

    #[test]
    fn debug_reads_well() {
        let patch = Patch {
            name: Nullable::Value("x".to_owned()),
        };
        assert_eq!(format!("{patch:?}"), r#"Patch { name: "x" }"#);
        assert_eq!(format!("{:?}", Nullable::<u8>::Null), "null");
        assert_eq!(format!("{:?}", Nullable::<u8>::Absent), "absent");
    }
}
