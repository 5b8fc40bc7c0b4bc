//! Server-sent events (`text/event-stream`): the incremental parser behind
//! [`EventStream`](crate::EventStream) for that media type.
//!
//! The parser follows the WHATWG event-stream rules. It works on bytes and splits lines
//! before decoding them, so a chunk boundary inside a line, inside a `CR LF` pair or inside
//! a multi-byte UTF-8 character changes nothing; each line is decoded on its own (invalid
//! UTF-8 becomes U+FFFD, as the standard says). An event whose lines grow past the client's
//! response size limit ends the stream with [`Error::ResponseTooLarge`](crate::Error) instead
//! of growing without bound.

use std::collections::VecDeque;
use std::time::Duration;

/// An event (or, from the JSON-lines parser, a value) as parsed, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) event: Option<String>,
    pub(crate) data: String,
    pub(crate) id: Option<String>,
    pub(crate) retry: Option<Duration>,
}

/// The incremental parser: bytes in, complete events out.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    line: Vec<u8>,
    /// The last byte fed was a CR, so an LF at the start of the next chunk ends nothing.
    after_cr: bool,
    /// No byte has been seen yet (a leading byte order mark is dropped).
    started: bool,
    event: Option<String>,
    data: String,
    /// Whether a `data:` field was seen since the last dispatch.
    has_data: bool,
    /// Whether any field was seen since the last blank line (an event is pending).
    pending: bool,
    last_id: Option<String>,
    retry: Option<Duration>,
}

/// An event larger than the limit.
#[derive(Debug)]
pub(crate) struct EventTooLarge;

impl Parser {
    /// Feeds bytes; complete events are appended to `out`. `limit` bounds the bytes one event
    /// may hold while it is being read.
    pub(crate) fn feed(
        &mut self,
        mut bytes: &[u8],
        limit: usize,
        out: &mut VecDeque<RawEvent>,
    ) -> Result<(), EventTooLarge> {
        if !self.started && !bytes.is_empty() {
            self.started = true;
            // The BOM may itself be split; a partial one is so rare that it is kept as text.
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
            }
        }
        while !bytes.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if bytes[0] == b'\n' {
                    bytes = &bytes[1..];
                    continue;
                }
            }
            match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.line.extend_from_slice(&bytes[..end]);
                    self.after_cr = bytes[end] == b'\r';
                    bytes = &bytes[end + 1..];
                    let line = std::mem::take(&mut self.line);
                    self.line(&line, out);
                    self.line = line;
                    self.line.clear();
                }
                None => {
                    self.line.extend_from_slice(bytes);
                    bytes = &[];
                }
            }
            if self.line.len() + self.data.len() > limit {
                return Err(EventTooLarge);
            }
        }
        Ok(())
    }

    /// The last event id the server set, if any.
    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref().filter(|id| !id.is_empty())
    }

    /// Whether the stream stopped inside an event (fields read, no blank line after them).
    pub(crate) fn in_event(&self) -> bool {
        self.pending || !self.line.is_empty()
    }

    fn line(&mut self, line: &[u8], out: &mut VecDeque<RawEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        self.pending = true;
        match field {
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.has_data = true;
                self.data.push_str(&String::from_utf8_lossy(value));
            }
            b"id" if !value.contains(&0) => {
                self.last_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                let millis = std::str::from_utf8(value)
                    .ok()
                    .and_then(|text| text.parse().ok())
                    .unwrap_or(u64::MAX);
                self.retry = Some(Duration::from_millis(millis));
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        let event = self.event.take();
        let retry = self.retry.take();
        self.pending = false;
        if !std::mem::take(&mut self.has_data) {
            // No data: nothing is dispatched (the id, if any, is kept for later events).
            return;
        }
        out.push_back(RawEvent {
            event: event.filter(|name| !name.is_empty()),
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone().filter(|id| !id.is_empty()),
            retry,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> (Vec<RawEvent>, bool) {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, 1 << 20, &mut out).unwrap();
        }
        (out.into_iter().collect(), parser.in_event())
    }

    fn data(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn every_split_of_a_stream_gives_the_same_events() {
        let text = "\u{FEFF}: keep-alive\r\nevent: delta\r\ndata: {\"t\":\"h\u{e9}\u{1F600}\"}\r\nid: 7\r\n\r\ndata: one\ndata:two\n\ndata\rretry: 1500\r\r";
        let bytes = text.as_bytes();
        let (whole, pending) = parse(&[bytes]);
        assert!(!pending);
        assert_eq!(
            data(&whole),
            ["{\"t\":\"h\u{e9}\u{1F600}\"}", "one\ntwo", ""]
        );
        assert_eq!(whole[0].event.as_deref(), Some("delta"));
        assert_eq!(whole[0].id.as_deref(), Some("7"));
        assert_eq!(whole[1].id.as_deref(), Some("7"));
        assert_eq!(whole[1].event, None);
        assert_eq!(whole[2].retry, Some(Duration::from_millis(1500)));
        for cut in 0..=bytes.len() {
            assert_eq!(
                parse(&[&bytes[..cut], &bytes[cut..]]).0,
                whole,
                "cut at {cut}"
            );
        }
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(parse(&singles).0, whole);
    }

    #[test]
    fn streams_and_pages_can_move_to_another_task() {
        fn send<T: Send>() {}
        send::<crate::EventStream<String, ()>>();
        send::<crate::Pages<Vec<String>, String, ()>>();
        send::<crate::Items<Vec<String>, String, ()>>();
    }

    #[test]
    fn an_unfinished_event_is_pending_and_an_oversized_one_is_refused() {
        let (events, pending) = parse(&[b"data: a\n\ndata: b\n"]);
        assert_eq!(data(&events), ["a"]);
        assert!(pending);
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        assert!(parser.feed(&[b'x'; 100], 64, &mut out).is_err());
    }
}
