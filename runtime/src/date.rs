//! `format: date-time` and `format: date`: the text exactly as sent, with typed access.
//!
//! Servers write date-times in many ways that are not RFC 3339: without an offset
//! (`2024-01-15T10:30:00`), with a space instead of `T`, with or without fractions. A field
//! typed as a strict timestamp would make the whole response fail to decode (or, with an
//! assumed offset, silently change its meaning). These types never fail to decode a string
//! and write back exactly what they read; the typed views (`jiff` types) say `None` where the
//! text does not carry what they need.

use std::fmt;

use jiff::fmt::temporal::Pieces;

/// A `date-time`: the text as received, with typed views.
///
/// Build one from a [`jiff::Timestamp`] (written in UTC, `2024-01-15T10:30:00Z`), a
/// [`jiff::Zoned`] (written with its offset), a [`jiff::civil::DateTime`] (written without
/// an offset), or from text as it should be sent.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(String);

impl DateTime {
    /// The text as received (or as it will be sent).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The wall-clock date and time as written, whatever the offset (or without one).
    pub fn civil(&self) -> Option<jiff::civil::DateTime> {
        let pieces = Pieces::parse(&self.0).ok()?;
        Some(pieces.date().to_datetime(pieces.time()?))
    }

    /// The offset written in the text (`Z` is UTC), if there is one.
    pub fn offset(&self) -> Option<jiff::tz::Offset> {
        Pieces::parse(&self.0).ok()?.to_numeric_offset()
    }

    /// The instant, when the text says which one: a date and time with an offset.
    /// `2024-01-15T10:30:00` alone is not an instant; use [`DateTime::civil`] and the time
    /// zone the API means.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        let civil = self.civil()?;
        civil
            .to_zoned(jiff::tz::TimeZone::fixed(self.offset()?))
            .ok()
            .map(|z| z.timestamp())
    }
}

impl From<jiff::Timestamp> for DateTime {
    fn from(value: jiff::Timestamp) -> Self {
        DateTime(value.to_string())
    }
}

impl From<jiff::Zoned> for DateTime {
    fn from(value: jiff::Zoned) -> Self {
        DateTime(
            value
                .timestamp()
                .display_with_offset(value.offset())
                .to_string(),
        )
    }
}

impl From<jiff::civil::DateTime> for DateTime {
    fn from(value: jiff::civil::DateTime) -> Self {
        DateTime(value.to_string())
    }
}

/// `format: date`: a calendar date (`2024-01-15`) as received, with a typed view.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(String);

impl Date {
    /// The text as received (or as it will be sent).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date, when the text is one (a date-time's date part counts).
    pub fn civil(&self) -> Option<jiff::civil::Date> {
        Pieces::parse(&self.0).ok().map(|pieces| pieces.date())
    }
}

impl From<jiff::civil::Date> for Date {
    fn from(value: jiff::civil::Date) -> Self {
        Date(value.to_string())
    }
}

macro_rules! text_type {
    ($name:ident) => {
        impl From<String> for $name {
            /// The text to send, as is.
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&str> for $name {
            /// The text to send, as is.
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($name)
            }
        }
    };
}

text_type!(DateTime);
text_type!(Date);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_without_offset_and_gives_its_wall_clock() {
        let value: DateTime = serde_json::from_str(r#""2024-01-15T10:30:00""#).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#""2024-01-15T10:30:00""#
        );
        assert_eq!(
            value.civil(),
            Some(jiff::civil::date(2024, 1, 15).at(10, 30, 0, 0))
        );
        assert_eq!(value.offset(), None);
        assert_eq!(value.timestamp(), None);
    }

    #[test]
    fn instants_with_offsets() {
        let value = DateTime::from("2024-01-15T10:30:00+02:00");
        let expected: jiff::Timestamp = "2024-01-15T08:30:00Z".parse().unwrap();
        assert_eq!(value.timestamp(), Some(expected));
        assert_eq!(DateTime::from(expected).as_str(), "2024-01-15T08:30:00Z");
        assert_eq!(
            DateTime::from("2024-01-15T08:30:00Z").timestamp(),
            Some(expected)
        );
    }

    #[test]
    fn anything_decodes() {
        let value: DateTime = serde_json::from_str(r#""next tuesday""#).unwrap();
        assert_eq!(value.as_str(), "next tuesday");
        assert_eq!(value.civil(), None);
        let date: Date = serde_json::from_str(r#""2024-02-29""#).unwrap();
        assert_eq!(date.civil(), Some(jiff::civil::date(2024, 2, 29)));
        assert!(serde_json::from_str::<Date>("3").is_err());
    }
}
