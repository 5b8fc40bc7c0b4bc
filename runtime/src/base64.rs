//! `format: byte`: bytes sent as base64 text, through the `base64` crate (already in every
//! build through reqwest).

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

/// Bytes written as base64 (`format: byte`). Decoding accepts the standard and the URL-safe
/// alphabets, with or without padding; encoding writes the standard alphabet, padded.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

/// Decoding: either alphabet, padded or not, and lenient about the unused bits of the last
/// character, as servers write all of these.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

impl Base64 {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base64 text: the standard alphabet, padded.
    pub fn encode(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Decodes base64 text (standard or URL-safe alphabet, padding optional, whitespace
    /// ignored).
    pub fn decode(text: &str) -> Option<Self> {
        let compact: String;
        let text = if text.bytes().any(|b| b.is_ascii_whitespace()) {
            compact = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            compact.as_str()
        } else {
            text
        };
        let engine = if text.bytes().any(|b| b == b'-' || b == b'_') {
            &URL_SAFE_LENIENT
        } else {
            &STANDARD_LENIENT
        };
        engine.decode(text).ok().map(Base64)
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(value: Vec<u8>) -> Self {
        Base64(value)
    }
}

impl From<&[u8]> for Base64 {
    fn from(value: &[u8]) -> Self {
        Base64(value.to_vec())
    }
}

impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({:?})", self.encode())
    }
}

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> serde::Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Base64::decode(&text).ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }
}

#[cfg(test)]
mod tests {
    use super::Base64;

    #[test]
    fn round_trips() {
        for bytes in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0xff, 0xfe, 0x00],
        ] {
            let encoded = Base64(bytes.to_vec()).encode();
            assert_eq!(
                Base64::decode(&encoded),
                Some(Base64(bytes.to_vec())),
                "{encoded}"
            );
        }
        assert_eq!(Base64(b"foobar".to_vec()).encode(), "Zm9vYmFy");
        assert_eq!(Base64(b"fo".to_vec()).encode(), "Zm8=");
        assert_eq!(Base64::decode("Zm8"), Some(Base64(b"fo".to_vec())));
        assert_eq!(Base64::decode("_-8"), Base64::decode("/+8"));
        assert_eq!(
            Base64::decode("Zm9v\nYmFy"),
            Some(Base64(b"foobar".to_vec()))
        );
        // One alphabet per text.
        assert_eq!(Base64::decode("_+8"), None);
        assert_eq!(Base64::decode("Z"), None);
        assert_eq!(Base64::decode("Zm8=x"), None);
        assert_eq!(Base64::decode("Zm!8"), None);
    }
}
