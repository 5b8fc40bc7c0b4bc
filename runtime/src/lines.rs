//! Streams of JSON values: an incremental parser for JSON lines (`application/x-ndjson`,
//! `application/jsonl`, `application/x-jsonlines`) and JSON text sequences
//! (`application/json-seq`, RFC 7464: each value after an RS byte, `0x1E`).
//!
//! Like the event-stream parser beside it, it splits on bytes before decoding anything, so
//! a chunk boundary inside a line, a `CR LF` pair or a multi-byte character changes nothing.
//! Blank lines are skipped; an item growing past the response size limit is refused.

use std::collections::VecDeque;

use crate::sse::{EventTooLarge, RawEvent};

/// The body stopped inside a value.
#[derive(Debug)]
pub(crate) struct Cut;

/// The record separator that opens each value of a JSON text sequence.
const RS: u8 = 0x1E;

/// The incremental parser: bytes in, one [`RawEvent`] (named `message`, no id) per value.
#[derive(Debug, Default)]
pub(crate) struct LineParser {
    /// RFC 7464 framing (values after RS) instead of one value per line.
    sequence: bool,
    item: Vec<u8>,
    /// For a sequence: where the JSON value being read stands (a value may span lines).
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl LineParser {
    pub(crate) fn new(sequence: bool) -> Self {
        LineParser {
            sequence,
            ..LineParser::default()
        }
    }

    /// Feeds bytes; complete values are appended to `out`. `limit` bounds one value.
    pub(crate) fn feed(
        &mut self,
        bytes: &[u8],
        limit: usize,
        out: &mut VecDeque<RawEvent>,
    ) -> Result<(), EventTooLarge> {
        if self.sequence {
            for &byte in bytes {
                self.sequence_byte(byte, out);
            }
        } else {
            let mut rest = bytes;
            while let Some(end) = rest.iter().position(|&b| b == b'\n') {
                self.item.extend_from_slice(&rest[..end]);
                rest = &rest[end + 1..];
                if self.item.len() > limit {
                    return Err(EventTooLarge);
                }
                self.dispatch(out);
            }
            self.item.extend_from_slice(rest);
        }
        if self.item.len() > limit {
            return Err(EventTooLarge);
        }
        Ok(())
    }

    /// One byte of a JSON text sequence: RS starts a value; a line feed ends it where the
    /// value read so far is whole (outside strings, every bracket closed), so that a value
    /// written over several lines stays one.
    fn sequence_byte(&mut self, byte: u8, out: &mut VecDeque<RawEvent>) {
        if byte == RS {
            // A value cut short by the next RS is dispatched as it is (and fails to decode).
            self.dispatch(out);
            return;
        }
        if byte == b'\n' && self.depth == 0 && !self.in_string {
            self.dispatch(out);
            return;
        }
        self.item.push(byte);
        if self.in_string {
            match (self.escaped, byte) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            return;
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }

    /// At the end of the body: the last value, when no line feed follows it (allowed for
    /// JSON lines when the value is whole). `Err` when the body stopped inside a value.
    pub(crate) fn finish(&mut self, out: &mut VecDeque<RawEvent>) -> Result<(), Cut> {
        if is_blank(&self.item) {
            return Ok(());
        }
        let whole = if self.sequence {
            self.depth == 0 && !self.in_string
        } else {
            serde_json::from_slice::<serde::de::IgnoredAny>(&self.item).is_ok()
        };
        if !whole {
            return Err(Cut);
        }
        self.dispatch(out);
        Ok(())
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        let item = std::mem::take(&mut self.item);
        self.depth = 0;
        self.in_string = false;
        self.escaped = false;
        if is_blank(&item) {
            return;
        }
        let text = String::from_utf8_lossy(&item);
        out.push_back(RawEvent {
            event: None,
            data: text
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .to_owned(),
            id: None,
            retry: None,
        });
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(sequence: bool, chunks: &[&[u8]]) -> Vec<String> {
        let mut parser = LineParser::new(sequence);
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, 1 << 20, &mut out).unwrap();
        }
        parser.finish(&mut out).unwrap();
        out.into_iter().map(|e| e.data).collect()
    }

    #[test]
    fn every_split_of_json_lines_gives_the_same_values() {
        let text = "{\"t\":\"h\u{e9}\u{1F600}\"}\r\n\n  \n[1,2]\n\"last\"";
        let bytes = text.as_bytes();
        let whole = parse(false, &[bytes]);
        assert_eq!(whole, ["{\"t\":\"h\u{e9}\u{1F600}\"}", "[1,2]", "\"last\""]);
        for cut in 0..=bytes.len() {
            assert_eq!(
                parse(false, &[&bytes[..cut], &bytes[cut..]]),
                whole,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_sequence_splits_on_rs_and_keeps_values_written_over_lines() {
        let text = "\u{1E}{\"a\":\n  \"x\\\"}\\n\"\n}\n\u{1E}42\n\u{1E}\u{1E}[\"]\"]\n";
        let bytes = text.as_bytes();
        let whole = parse(true, &[bytes]);
        assert_eq!(whole, ["{\"a\":\n  \"x\\\"}\\n\"\n}", "42", "[\"]\"]"]);
        for cut in 0..=bytes.len() {
            assert_eq!(parse(true, &[&bytes[..cut], &bytes[cut..]]), whole);
        }
    }

    #[test]
    fn an_oversized_line_is_refused_and_an_unfinished_one_is_pending() {
        let mut parser = LineParser::new(false);
        let mut out = VecDeque::new();
        assert!(parser.feed(&[b'x'; 100], 64, &mut out).is_err());
        let mut parser = LineParser::new(false);
        parser.feed(b"{\"a\":1}\n{\"b\"", 64, &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert!(parser.finish(&mut out).is_err());
        let mut parser = LineParser::new(true);
        parser.feed(b"\x1e{\"b\":\n", 64, &mut out).unwrap();
        assert!(parser.finish(&mut out).is_err());
    }
}
