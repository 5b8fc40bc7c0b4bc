//! `format: byte`: bytes sent as base64 text.

use std::fmt;

/// Bytes written as base64 (`format: byte`). Decoding accepts the standard and the URL-safe
/// alphabets, with or without padding; encoding writes the standard alphabet, padded.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Base64 {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base64 text.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.0.len().div_ceil(3) * 4);
        for chunk in self.0.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes base64 text (standard or URL-safe, padding optional, whitespace ignored).
    pub fn decode(text: &str) -> Option<Self> {
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        let mut acc = 0u32;
        let mut bits = 0u32;
        let mut padding = false;
        for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' | b'-' => 62,
                b'/' | b'_' => 63,
                b'=' => {
                    padding = true;
                    continue;
                }
                _ => return None,
            };
            if padding {
                return None;
            }
            acc = (acc << 6) | u32::from(value);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        // Six leftover bits cannot come from whole bytes.
        (bits < 6).then_some(Base64(out))
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
        assert_eq!(Base64::decode("Z"), None);
        assert_eq!(Base64::decode("Zm8=x"), None);
        assert_eq!(Base64::decode("Zm!8"), None);
    }
}
