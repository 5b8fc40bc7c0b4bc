//! parse: bytes → one JSON value, from YAML or JSON, with every problem located (line and
//! column, or the pointer of a duplicate key), under the size and nesting limits. Used by
//! `load` for a document in memory and by `bundle` for each file of a multi-file document.
//!
//! The whole text is read into one ordered [`serde_json::Value`] (key order is kept, so
//! struct fields come out in the order the author wrote them). Reading goes through our own
//! serde visitor rather than straight into `serde_json::Value` or an `openapiv3` model,
//! because real documents hold things those cannot: integers beyond 64 bits (a `minimum`
//! below `i64::MIN`), YAML keys that are numbers (`200:`), YAML tags, and — in 3.1 — schema
//! shapes (`type: [string, 'null']`, `const`, `{type: 'null'}`) that the 3.0-only `openapiv3`
//! types reject. Duplicate keys are an error here, where the parser still knows the line.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

use crate::diag::Diagnostics;

/// The largest document read, in bytes. The largest real documents are a few megabytes
/// (Stripe's is 4 MB); reading is bounded so that a huge or hostile file cannot exhaust
/// memory (a parsed document takes several times its size).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The diagnostic for a document larger than [`MAX_DOCUMENT_BYTES`].
pub fn too_large(size: u64, diags: &mut Diagnostics) {
    diags.error_with_help(
        "#",
        format!(
            "the document is {} MB, more than the {} MB this generator reads",
            size / (1024 * 1024),
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        ),
        "split the document, or remove what the client does not need",
    );
}

/// Parses YAML or JSON into a value, reporting problems with their line and column.
pub fn parse(bytes: &[u8], diags: &mut Diagnostics) -> Option<Value> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        too_large(bytes.len() as u64, diags);
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let (line, column) = line_column(bytes, err.valid_up_to());
            diags.error_with_help(
                "#",
                format!(
                    "the file is not valid UTF-8 (first bad byte at line {line}, column {column})"
                ),
                "OpenAPI documents must be UTF-8 text; re-save the file as UTF-8",
            );
            return None;
        }
    };
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        diags.error("#", "the file is empty");
        return None;
    }
    // Where an error raised inside the value happened: filled in, innermost key first, only
    // while an error unwinds, so reading a valid document costs nothing extra.
    let trail = RefCell::new(Vec::new());
    let seed = NodeSeed { trail: &trail };
    let parsed = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let mut de = serde_json::Deserializer::from_str(text);
        seed.deserialize(&mut de)
            .and_then(|value| de.end().map(|()| value))
            .map_err(|err| {
                format!(
                    "invalid JSON at line {}, column {}: {}",
                    err.line(),
                    err.column(),
                    json_message(&err)
                )
            })
    } else if let Some((line, column)) = flow_nesting_beyond(text, MAX_FLOW_NESTING) {
        // The YAML parser takes time quadratic in the depth of `[`/`{` nesting; a document
        // this deep could never be read anyway (the value nesting limit is 128).
        Err(format!(
            "the document is nested more than {MAX_FLOW_NESTING} levels deep (at line {line}, column {column})"
        ))
    } else {
        seed.deserialize(serde_yaml::Deserializer::from_str(text))
            .map_err(|err| format!("invalid YAML: {err}"))
    };
    match parsed {
        Ok(value) => Some(value),
        Err(message) => {
            let tokens: Vec<String> = trail.into_inner().into_iter().rev().collect();
            let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
            diags.error(crate::diag::join("#", &tokens), message);
            None
        }
    }
}

/// Deeper `[`/`{` nesting than this in YAML is rejected before parsing.
const MAX_FLOW_NESTING: usize = 1000;

/// Where YAML flow collections (`[`, `{`) first nest deeper than `limit`, counting outside
/// quoted scalars and comments; `None` if they never do. Linear in the text.
fn flow_nesting_beyond(text: &str, limit: usize) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
            }
            (Some('"'), '\\') => {
                chars.next();
                column += 1;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if previous.is_whitespace() => {
                // A comment runs to the end of the line.
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > limit {
                    return Some((line, column));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
        previous = c;
    }
    None
}

/// serde_json appends " at line L column C" to its messages; we print the place ourselves.
fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// A short description of a value's kind, for messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Builds a `Value` from any serde data format.
#[derive(Clone, Copy)]
struct NodeSeed<'t> {
    trail: &'t RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(NodeVisitor { trail: self.trail })
    }
}

struct NodeVisitor<'t> {
    trail: &'t RefCell<Vec<String>>,
}

impl NodeVisitor<'_> {
    fn seed(&self) -> NodeSeed<'_> {
        NodeSeed { trail: self.trail }
    }

    /// Records one step of the path to an error that is unwinding.
    fn at<T, E>(&self, token: impl FnOnce() -> String, result: Result<T, E>) -> Result<T, E> {
        if result.is_err() {
            self.trail.borrow_mut().push(token());
        }
        result
    }
}

impl<'de> Visitor<'de> for NodeVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    // Integers beyond 64 bits occur in real documents (bounds of 128-bit types); they are kept
    // as the nearest float, which is all a JSON Schema bound needs.
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float(v as f64))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.seed().deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        self.seed().deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let index = items.len();
            match self.at(|| index.to_string(), seq.next_element_seed(self.seed()))? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(KeySeed)? {
            if map.contains_key(&key) {
                self.trail.borrow_mut().push(key.clone());
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = self.at(|| key.clone(), access.next_value_seed(self.seed()))?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    // A YAML tag (`!foo value`): the tag carries no meaning in OpenAPI; keep the value.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(self.seed())
    }
}

fn float(v: f64) -> Value {
    Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
}

/// Map keys: YAML allows numbers and booleans as keys (`200:` for a status code); OpenAPI
/// means their text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean key")
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::flow_nesting_beyond;

    #[test]
    fn flow_nesting_ignores_quotes_and_comments() {
        assert_eq!(flow_nesting_beyond("a: [[[", 2), Some((1, 6)));
        assert_eq!(
            flow_nesting_beyond("a: '[[[' # [[[\nb: \"[[[\\\"\"", 2),
            None
        );
        assert_eq!(flow_nesting_beyond("a: [[]]\nb: [[]]", 2), None);
    }
}
