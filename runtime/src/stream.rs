//! Typed streams: [`EventStream`], the items of a streaming response (server-sent events,
//! JSON lines or a JSON text sequence), each decoded, with one set of rules for errors,
//! idle time, size and the end of the stream whatever the framing.

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

use crate::client::ClientCore;
use crate::error::{ApiError, DecodeError, Error, TooLargeError};
use crate::future::BoxFuture;
use crate::lines::LineParser;
use crate::sse::{Parser, RawEvent};
use crate::transport::{Body, BoxError};

/// One item of a stream, its data decoded: a server-sent event, or one JSON value of a
/// JSON-lines stream (named `message`, without id or retry).
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

/// How an event's data is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// The data is JSON.
    Json,
    /// The data is text, decoded as a JSON string would be (into `String`, or a string
    /// enum).
    Text,
}

/// How a streaming response cuts its body into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Framing {
    /// Server-sent events (`text/event-stream`).
    ServerSentEvents,
    /// One JSON value per line (`application/x-ndjson`, `application/jsonl`, ...).
    JsonLines,
    /// JSON values each after an RS byte (`application/json-seq`, RFC 7464).
    JsonSeq,
}

impl Framing {
    /// The framing a response's media type names, if it names one.
    fn of_media_type(media_type: &str) -> Option<Framing> {
        match media_type {
            "text/event-stream" => Some(Framing::ServerSentEvents),
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonl"
            | "application/jsonlines"
            | "application/x-jsonlines"
            | "application/jsonlines+json"
            | "application/stream+json" => Some(Framing::JsonLines),
            "application/json-seq" => Some(Framing::JsonSeq),
            _ => None,
        }
    }

    /// The framing to read a success response of `media_type` (its essence, lowercase; `None`
    /// when it sent none) with, when `self` was asked for: the one the response names;
    /// else, for a JSON-lines stream, JSON lines (servers send them as `application/json`
    /// too); `None` when the response is not a stream at all.
    pub(crate) fn for_response(self, media_type: Option<&str>) -> Option<Framing> {
        let Some(media_type) = media_type else {
            return Some(self);
        };
        match (Framing::of_media_type(media_type), self) {
            (Some(named), _) => Some(named),
            (None, Framing::JsonLines | Framing::JsonSeq)
                if media_type == "application/json" || media_type.ends_with("+json") =>
            {
                Some(Framing::JsonLines)
            }
            (None, _) => None,
        }
    }
}

/// What a streaming call expects: its framing, how each item's data decodes, the media type
/// it asks for (`Accept`), and a data value that ends the stream besides `[DONE]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamFormat {
    pub(crate) framing: Framing,
    pub(crate) data: DataFormat,
    pub(crate) accept: &'static str,
    pub(crate) terminator: Option<&'static str>,
}

impl StreamFormat {
    /// A stream read as `framing`, each item decoded as `data`, asking for `accept`.
    pub const fn new(framing: Framing, data: DataFormat, accept: &'static str) -> Self {
        StreamFormat {
            framing,
            data,
            accept,
            terminator: None,
        }
    }

    /// An item whose data is exactly `terminator` ends the stream (as `[DONE]` always does).
    pub const fn terminator(mut self, terminator: &'static str) -> Self {
        self.terminator = Some(terminator);
        self
    }
}

/// The parser of one framing.
#[derive(Debug)]
enum Splitter {
    Events(Parser),
    Lines(LineParser),
}

type Read = BoxFuture<'static, (Body, ReadResult)>;

enum ReadResult {
    Chunk(Result<Option<Bytes>, BoxError>),
    Idle,
}

enum State {
    Waiting(Body),
    Reading(Read),
    Done,
}

/// The items of a streaming response, each decoded into `T`: a [`Stream`] of
/// `Result<Event<T>, Error<B>>`, or, without any extra crate, a loop over
/// [`try_next`](Self::try_next). Returned by the `stream()` methods of generated request
/// builders, for server-sent events (`text/event-stream`), JSON lines
/// (`application/x-ndjson` and its kin) and JSON text sequences (`application/json-seq`);
/// the response's `Content-Type` decides which, the API description's media type when it
/// names none.
///
/// - `data: [DONE]` (or a line `[DONE]`) ends the stream (the sentinel of OpenAI-style
///   APIs), as does the terminator the API description states; so does the end of the body.
/// - Comments (keep-alive lines starting with `:`) and blank lines are skipped; lines of
///   `data:` are joined with newlines, however the bytes were split on the way.
/// - An event named `error`, or an item that is not `T` but a JSON object with an `error`
///   member, is returned as [`Error::Api`] with the item as its body (decoded as the API's
///   error type where it matches; its `Display` says the stream sent an error and quotes
///   the server's message). Data that does not decode is [`Error::Decode`] for that item;
///   the stream goes on after either.
/// - The call's idle timeout (by default its timeout, by default the client's) applies to
///   each wait for bytes, not to the whole stream: a silence longer than it ends the
///   stream with [`Error::IdleTimeout`]. A body that stops in the middle of an item, or any
///   network error, also ends it with an error. Nothing is retried once the response has
///   begun: the request is retried as the retry policy allows only before that.
/// - One item larger than the client's response size limit ends the stream with
///   [`Error::ResponseTooLarge`].
pub struct EventStream<T, B> {
    state: State,
    splitter: Splitter,
    ready: VecDeque<RawEvent>,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    idle: Option<Duration>,
    limit: usize,
    format: StreamFormat,
    /// The client, whose credentials are masked in the messages of error items.
    core: ClientCore,
    decode_error: fn(&[u8]) -> Option<B>,
    _data: PhantomData<fn() -> T>,
}

impl<T, B> fmt::Debug for EventStream<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("format", &self.format)
            .field("last_event_id", &self.last_event_id())
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

// The response and the in-flight read are owned and boxed; nothing is pinned in place.
impl<T, B> Unpin for EventStream<T, B> {}

/// What the request part of the runtime hands over once a stream's response has begun.
pub(crate) struct Begun {
    pub(crate) response: Body,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) attempts: u32,
    pub(crate) idle: Option<Duration>,
    pub(crate) limit: usize,
    pub(crate) core: ClientCore,
    /// The framing of this response (see [`Framing::for_response`]).
    pub(crate) framing: Framing,
}

impl<T: DeserializeOwned, B> EventStream<T, B> {
    pub(crate) fn new(
        begun: Begun,
        format: StreamFormat,
        decode_error: fn(&[u8]) -> Option<B>,
    ) -> Self {
        let splitter = match begun.framing {
            Framing::ServerSentEvents => Splitter::Events(Parser::default()),
            Framing::JsonLines => Splitter::Lines(LineParser::new(false)),
            Framing::JsonSeq => Splitter::Lines(LineParser::new(true)),
        };
        EventStream {
            state: State::Waiting(begun.response),
            splitter,
            ready: VecDeque::new(),
            status: begun.status,
            headers: begun.headers,
            attempts: begun.attempts,
            idle: begun.idle,
            limit: begun.limit,
            format: StreamFormat {
                framing: begun.framing,
                ..format
            },
            core: begun.core,
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

    /// How the response's body is cut into items.
    pub fn framing(&self) -> Framing {
        self.format.framing
    }

    /// The request id the server gave this response, if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id(&self.headers)
    }

    /// The last event id the server set, to resume from (`Last-Event-ID`) where the API
    /// supports it.
    pub fn last_event_id(&self) -> Option<&str> {
        match &self.splitter {
            Splitter::Events(parser) => parser.last_id(),
            Splitter::Lines(_) => None,
        }
    }

    fn read(mut response: Body, idle: Option<Duration>) -> Read {
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

    /// An error the server sent inside the stream, `body` its data.
    fn api_error(&self, body: Bytes) -> Error<B> {
        let typed = (self.decode_error)(&body);
        Error::Api(Box::new(ApiError {
            status: self.status,
            headers: self.headers.clone(),
            stream_error: Some(self.core.server_message(&body)),
            body,
            typed,
            attempts: self.attempts,
        }))
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Error<B>> {
        let fed = match &mut self.splitter {
            Splitter::Events(parser) => parser.feed(chunk, self.limit, &mut self.ready),
            Splitter::Lines(parser) => parser.feed(chunk, self.limit, &mut self.ready),
        };
        fed.map_err(|_| {
            Error::ResponseTooLarge(Box::new(TooLargeError {
                status: self.status,
                headers: self.headers.clone(),
                limit: self.limit,
                attempts: self.attempts,
            }))
        })
    }

    /// At the end of the body: `Err` when it stopped inside an item.
    fn finish(&mut self) -> Result<(), Error<B>> {
        let cut = match &mut self.splitter {
            Splitter::Events(parser) => parser.in_event(),
            Splitter::Lines(parser) => parser.finish(&mut self.ready).is_err(),
        };
        if cut {
            let what = match self.format.framing {
                Framing::ServerSentEvents => "the event stream ended in the middle of an event",
                Framing::JsonLines | Framing::JsonSeq => {
                    "the stream of JSON values ended in the middle of a value"
                }
            };
            return Err(Error::Protocol(what.to_owned()));
        }
        Ok(())
    }
}

/// What to do with one parsed event.
enum Outcome<T, B> {
    Item(Result<Event<T>, Error<B>>),
    End,
}

impl<T: DeserializeOwned, B> EventStream<T, B> {
    fn outcome(&self, raw: RawEvent) -> Outcome<T, B> {
        if raw.data == "[DONE]" || self.format.terminator == Some(raw.data.as_str()) {
            return Outcome::End;
        }
        if raw.event.as_deref() == Some("error") {
            return Outcome::Item(Err(self.api_error(Bytes::from(raw.data))));
        }
        let decoded = match self.format.data {
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
                    if let Err(err) = this.feed(&chunk) {
                        return Poll::Ready(Some(Err(err)));
                    }
                    this.state = State::Waiting(response);
                }
                ReadResult::Chunk(Ok(None)) => {
                    if let Err(err) = this.finish() {
                        return Poll::Ready(Some(Err(err)));
                    }
                    if this.ready.is_empty() {
                        return Poll::Ready(None);
                    }
                }
                ReadResult::Chunk(Err(err)) => {
                    let err = this.core.transport_error(err, this.attempts);
                    return Poll::Ready(Some(Err(err)));
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
    use super::Framing;

    #[test]
    fn the_response_names_its_framing_or_the_expected_one_is_kept() {
        let sse = Framing::ServerSentEvents;
        let lines = Framing::JsonLines;
        assert_eq!(sse.for_response(None), Some(sse));
        assert_eq!(sse.for_response(Some("application/x-ndjson")), Some(lines));
        assert_eq!(sse.for_response(Some("application/json")), None);
        assert_eq!(lines.for_response(Some("text/event-stream")), Some(sse));
        assert_eq!(lines.for_response(Some("application/json")), Some(lines));
        assert_eq!(
            sse.for_response(Some("application/json-seq")),
            Some(Framing::JsonSeq)
        );
        assert_eq!(lines.for_response(Some("text/html")), None);
    }
}
