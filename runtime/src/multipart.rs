//! `multipart/form-data` bodies, and the `File` type for binary values.

use std::fmt::{self, Display};
use std::hash::{BuildHasher, Hasher};

use bytes::Bytes;
use serde::Serialize;

/// Binary content (`type: string, format: binary`), with the file name and media type to
/// send it with in a multipart body. In JSON, where raw bytes cannot appear, it is read and
/// written as a string.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct File {
    pub bytes: Bytes,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl File {
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        File {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name sent with the part (many servers require one for uploads).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type` (`application/octet-stream` unless set).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| File::new(text.into_bytes()))
    }
}

struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

/// A `multipart/form-data` body under construction; generated code adds one part per field.
#[derive(Default)]
pub struct Multipart {
    parts: Vec<Part>,
    problem: Option<String>,
}

impl Multipart {
    pub fn new() -> Self {
        Multipart::default()
    }

    /// A text part.
    pub fn text(&mut self, name: &str, value: &dyn Display) -> &mut Self {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type: None,
            body: Bytes::from(value.to_string()),
        });
        self
    }

    /// A file part.
    pub fn file(&mut self, name: &str, file: &File) -> &mut Self {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: Some(file.file_name.clone().unwrap_or_else(|| name.to_owned())),
            content_type: Some(
                file.content_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
            ),
            body: file.bytes.clone(),
        });
        self
    }

    /// A part holding a value encoded as JSON (objects and lists of objects).
    pub fn json(&mut self, name: &str, value: &impl Serialize) -> &mut Self {
        match serde_json::to_vec(value) {
            Ok(json) => self.parts.push(Part {
                name: name.to_owned(),
                file_name: None,
                content_type: Some("application/json".to_owned()),
                body: Bytes::from(json),
            }),
            Err(err) => {
                self.problem
                    .get_or_insert(format!("part `{name}` could not be encoded as JSON: {err}"));
            }
        }
        self
    }

    /// The body and its `Content-Type` (with the boundary), or why it could not be built.
    pub(crate) fn encode(self) -> Result<(Vec<u8>, String), String> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let boundary = boundary();
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quoted(&part.name)
            );
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(
                    format!("Content-Type: {}\r\n", quoted(content_type)).as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.body);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((body, format!("multipart/form-data; boundary={boundary}")))
    }
}

/// A name inside a quoted header parameter: quotes and line breaks cannot appear there.
fn quoted(text: &str) -> String {
    text.replace('"', "%22").replace(['\r', '\n'], " ")
}

/// 128 random bits (from the standard library's randomly seeded hasher), so the boundary
/// does not occur in the content.
fn boundary() -> String {
    let random = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.finish()
    };
    format!("oagen-{:016x}{:016x}", random(), random())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_by_the_boundary() {
        let mut form = Multipart::new();
        form.text("purpose", &"fine-tune");
        form.file(
            "file",
            &File::new(&b"{\"a\":1}\n"[..]).file_name("data.jsonl"),
        );
        form.json("meta", &serde_json::json!({"k": "v"}));
        let (body, content_type) = form.encode().unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8(body).unwrap();
        assert_eq!(
            text,
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.jsonl\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n{{\"a\":1}}\n\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n\
                 {{\"k\":\"v\"}}\r\n--{b}--\r\n",
                b = boundary
            )
        );
    }
}
