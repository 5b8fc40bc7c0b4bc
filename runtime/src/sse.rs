//! Server-sent events (`text/event-stream`): an incremental parser and a typed stream.
//!
//! The parser follows the WHATWG event-stream rules. It works on bytes and splits lines
//! before decoding them, so a chunk boundary inside a line, inside a `CR LF` pair or inside
//! a multi-byte UTF-8 character changes nothing; each line is decoded on its own (invalid
//! UTF-8 becomes U+FFFD, as the standard says). An event whose lines grow past the client's
//! response size limit ends the stream with [`Error::ResponseTooLarge`] instead of growing
//! without bound.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, Error, TooLargeError};
use crate::request::BoxFuture;

/// One server-sent event, its data decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's name (its `event:` field); `message` when the server sent none.
    pub event: String,
    /// The last event id the server set (`id:`), this event's or an earlier one's.
    pub id: Option<String>,
    /// The reconnection time the server asked for in this event (`retry:`).
    pub retry: Option<Duration>,
    /// The event's data, decoded as the API describes it.
    pub data: T,
}

/// An event as parsed, before its data is decoded.
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

/// How an event's data is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// The data is JSON.
    Json,
    /// The data is text, decoded as a JSON string would be (into `String`, or a string
    /// enum).
    Text,
}

type Read = BoxFuture<'static, (reqwest::Response, ReadResult)>;

enum ReadResult {
    Chunk(Result<Option<Bytes>, reqwest::Error>),
    Idle,
}

enum State {
    Waiting(reqwest::Response),
    Reading(Read),
    Done,
}

/// The events of a `text/event-stream` response, each decoded into `T`: a [`Stream`] of
/// `Result<Event<T>, Error<B>>`, or, without any extra crate, a loop over
/// [`try_next`](Self::try_next). Returned by the `stream()` methods of generated request
/// builders.
///
/// - `data: [DONE]` ends the stream (the sentinel of OpenAI-style APIs); so does the end of
///   the response body.
/// - Comments (keep-alive lines starting with `:`) are skipped; lines of `data:` are joined
///   with newlines, however the bytes were split on the way.
/// - An event named `error`, or data that is not `T` but a JSON object with an `error`
///   member, is returned as [`Error::Api`] with the event's data as its body (decoded as
///   the API's error type where it matches). Data that does not decode is
///   [`Error::Decode`] for that item; the stream goes on after either.
/// - The client's timeout applies to each wait for bytes (an idle stream), not to the whole
///   stream: a silence longer than it ends the stream with [`Error::IdleTimeout`]. A body
///   that stops in the middle of an event, or any network error, also ends it with an
///   error. Nothing is retried once the response has begun: the request is retried as the
///   retry policy allows only before that.
pub struct EventStream<T, B> {
    state: State,
    parser: Parser,
    ready: VecDeque<RawEvent>,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    idle: Option<Duration>,
    limit: usize,
    format: DataFormat,
    decode_error: fn(&[u8]) -> Option<B>,
    _data: PhantomData<fn() -> T>,
}

impl<T, B> fmt::Debug for EventStream<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("format", &self.format)
            .field("last_event_id", &self.parser.last_id)
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

// The response and the in-flight read are owned and boxed; nothing is pinned in place.
impl<T, B> Unpin for EventStream<T, B> {}

/// What the request part of the runtime hands over once a stream's response has begun.
pub(crate) struct Begun {
    pub(crate) response: reqwest::Response,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) attempts: u32,
    pub(crate) idle: Option<Duration>,
    pub(crate) limit: usize,
}

impl<T: DeserializeOwned, B> EventStream<T, B> {
    pub(crate) fn new(
        begun: Begun,
        format: DataFormat,
        decode_error: fn(&[u8]) -> Option<B>,
    ) -> Self {
        EventStream {
            state: State::Waiting(begun.response),
            parser: Parser::default(),
            ready: VecDeque::new(),
            status: begun.status,
            headers: begun.headers,
            attempts: begun.attempts,
            idle: begun.idle,
            limit: begun.limit,
            format,
            decode_error,
            _data: PhantomData,
        }
    }

    /// The next event; `Ok(None)` once the stream has ended.
    pub async fn try_next(&mut self) -> Result<Option<Event<T>>, Error<B>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl<T, B> EventStream<T, B> {
    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the server gave this response, if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id(&self.headers)
    }

    /// The last event id the server set, to resume from (`Last-Event-ID`) where the API
    /// supports it.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_id.as_deref().filter(|id| !id.is_empty())
    }

    fn read(mut response: reqwest::Response, idle: Option<Duration>) -> Read {
        Box::pin(async move {
            let result = match idle {
                Some(idle) => match tokio::time::timeout(idle, response.chunk()).await {
                    Ok(chunk) => ReadResult::Chunk(chunk),
                    Err(_) => ReadResult::Idle,
                },
                None => ReadResult::Chunk(response.chunk().await),
            };
            (response, result)
        })
    }

    fn api_error(&self, body: Bytes) -> Error<B> {
        let typed = (self.decode_error)(&body);
        Error::Api(Box::new(ApiError {
            status: self.status,
            headers: self.headers.clone(),
            body,
            typed,
            attempts: self.attempts,
        }))
    }
}

/// What to do with one parsed event.
enum Outcome<T, B> {
    Item(Result<Event<T>, Error<B>>),
    End,
}

impl<T: DeserializeOwned, B> EventStream<T, B> {
    fn outcome(&self, raw: RawEvent) -> Outcome<T, B> {
        if raw.data == "[DONE]" {
            return Outcome::End;
        }
        if raw.event.as_deref() == Some("error") {
            return Outcome::Item(Err(self.api_error(Bytes::from(raw.data))));
        }
        let decoded = match self.format {
            DataFormat::Json => serde_json::from_str::<T>(&raw.data),
            DataFormat::Text => T::deserialize(serde_json::Value::String(raw.data.clone())),
        };
        match decoded {
            Ok(data) => Outcome::Item(Ok(Event {
                event: raw.event.unwrap_or_else(|| "message".to_owned()),
                id: raw.id,
                retry: raw.retry,
                data,
            })),
            Err(source) => {
                let is_error_object = serde_json::from_str::<serde_json::Value>(&raw.data)
                    .ok()
                    .is_some_and(|value| value.get("error").is_some());
                let body = Bytes::from(raw.data);
                if is_error_object {
                    Outcome::Item(Err(self.api_error(body)))
                } else {
                    Outcome::Item(Err(Error::Decode(Box::new(DecodeError {
                        status: self.status,
                        headers: self.headers.clone(),
                        body,
                        source: Box::new(source),
                        attempts: self.attempts,
                    }))))
                }
            }
        }
    }
}

impl<T: DeserializeOwned, B> Stream for EventStream<T, B> {
    type Item = Result<Event<T>, Error<B>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                match this.outcome(raw) {
                    Outcome::Item(item) => return Poll::Ready(Some(item)),
                    Outcome::End => {
                        this.state = State::Done;
                        this.ready.clear();
                        return Poll::Ready(None);
                    }
                }
            }
            let mut read = match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Waiting(response) => Self::read(response, this.idle),
                State::Reading(read) => read,
            };
            let (response, result) = match read.as_mut().poll(cx) {
                Poll::Pending => {
                    this.state = State::Reading(read);
                    return Poll::Pending;
                }
                Poll::Ready(done) => done,
            };
            match result {
                ReadResult::Chunk(Ok(Some(chunk))) => {
                    if this
                        .parser
                        .feed(&chunk, this.limit, &mut this.ready)
                        .is_err()
                    {
                        return Poll::Ready(Some(Err(Error::ResponseTooLarge(Box::new(
                            TooLargeError {
                                status: this.status,
                                headers: this.headers.clone(),
                                limit: this.limit,
                                attempts: this.attempts,
                            },
                        )))));
                    }
                    this.state = State::Waiting(response);
                }
                ReadResult::Chunk(Ok(None)) => {
                    if this.parser.in_event() {
                        return Poll::Ready(Some(Err(Error::Protocol(
                            "the event stream ended in the middle of an event".to_owned(),
                        ))));
                    }
                    if this.ready.is_empty() {
                        return Poll::Ready(None);
                    }
                }
                ReadResult::Chunk(Err(err)) => {
                    return Poll::Ready(Some(Err(Error::transport(err, this.attempts, &[]))));
                }
                ReadResult::Idle => {
                    return Poll::Ready(Some(Err(Error::IdleTimeout {
                        idle: this.idle.unwrap_or_default(),
                        attempts: this.attempts,
                    })));
                }
            }
        }
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
        send::<EventStream<String, ()>>();
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
