use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

/// Any error (the transport's); `transport::BoxError`, spelled out so that this file
/// imports nothing of the crate.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong when building a client or calling an operation.
///
/// Responses are boxed so that the error stays small (a `Result` with it is cheap to move).
///
/// `B` is the generated crate's `ErrorBody`: the error bodies that the API declares, decoded.
/// Generated crates name this type `Error`. No variant carries a credential: URLs are
/// stripped from transport errors, and request headers are never kept.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B> {
    /// The client configuration is invalid (base URL, credential, header). Nothing was sent.
    Config(ConfigError),
    /// The request could not be built from the arguments given (for example a header
    /// parameter that is not a valid header value). Nothing was sent.
    InvalidRequest(String),
    /// Connecting, sending or receiving failed (on the last attempt, if it was retried).
    Network(TransportError),
    /// The request took longer than its timeout (on the last attempt, if it was retried).
    Timeout(TransportError),
    /// The server answered with a status that is not a success.
    Api(Box<ApiError<B>>),
    /// The server answered with a success status, but the body is not what the API describes.
    Decode(Box<DecodeError>),
    /// The response body is larger than the client's limit
    /// ([`CoreBuilder::max_response_bytes`](crate::CoreBuilder::max_response_bytes)); it was
    /// not read further.
    ResponseTooLarge(Box<TooLargeError>),
    /// The server's answers, each valid alone, do not make sense together (for example a
    /// pagination cursor that comes back a second time, which would loop forever).
    Protocol(String),
    /// The server redirected the request somewhere the client does not follow: to another
    /// origin (where the API's credentials must not go), or round in a loop or a chain too
    /// long. Not retried: it would happen again.
    Redirect(Box<RedirectError>),
    /// A stream of events (`text/event-stream`) sent nothing for longer than the timeout,
    /// which for a stream applies to each wait, not to the whole stream. It was closed.
    IdleTimeout {
        /// The timeout that passed.
        idle: std::time::Duration,
        /// How many times the request was sent.
        attempts: u32,
    },
}

impl<B> Error<B> {
    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(err) => Some(err.status),
            Error::Decode(err) => Some(err.status),
            Error::ResponseTooLarge(err) => Some(err.status),
            Error::Redirect(err) => Some(err.status),
            Error::Network(err) | Error::Timeout(err) => err
                .source
                .downcast_ref::<reqwest::Error>()
                .and_then(reqwest::Error::status),
            Error::Config(_)
            | Error::InvalidRequest(_)
            | Error::Protocol(_)
            | Error::IdleTimeout { .. } => None,
        }
    }

    /// How many times the request was sent: 0 when it was never sent (an invalid
    /// configuration or request), more than 1 when it was retried.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(err) => err.attempts,
            Error::Decode(err) => err.attempts,
            Error::ResponseTooLarge(err) => err.attempts,
            Error::Redirect(err) => err.attempts,
            Error::Network(err) | Error::Timeout(err) => err.attempts,
            Error::IdleTimeout { attempts, .. } => *attempts,
            Error::Config(_) | Error::InvalidRequest(_) | Error::Protocol(_) => 0,
        }
    }

    /// The headers of the response, if one was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(err) => Some(&err.headers),
            Error::Decode(err) => Some(&err.headers),
            Error::ResponseTooLarge(err) => Some(&err.headers),
            Error::Redirect(err) => Some(&err.headers),
            _ => None,
        }
    }

    /// The request id the server gave its response, if it sent one (see [`request_id`]).
    pub fn request_id(&self) -> Option<&str> {
        self.headers().and_then(request_id)
    }

    /// The decoded error body, where the API declares one for this status and it decoded.
    pub fn typed(&self) -> Option<&B> {
        match self {
            Error::Api(err) => err.typed.as_ref(),
            _ => None,
        }
    }

    /// The raw response body, if a response was received.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(err) => Some(&err.body),
            Error::Decode(err) => Some(&err.body),
            _ => None,
        }
    }

    /// A transport error, stripped of its URL when it is reqwest's. `secrets` are the
    /// credentials the request carried: any that a lower layer's message repeats is masked
    /// in [`TransportError::cause`].
    pub(crate) fn transport(err: BoxError, attempts: u32, secrets: &[&str]) -> Self {
        let (source, timeout): (BoxError, bool) = match err.downcast::<reqwest::Error>() {
            Ok(err) => {
                let timeout = err.is_timeout();
                (Box::new(err.without_url()), timeout)
            }
            Err(other) => {
                let timeout = other.is::<TimedOut>();
                (other, timeout)
            }
        };
        let err = TransportError {
            cause: cause(&*source, secrets),
            source,
            attempts,
        };
        if timeout {
            Error::Timeout(err)
        } else {
            Error::Network(err)
        }
    }
}

/// The timeout of an attempt passed (the client's own timer, around its layers and its
/// transport).
#[derive(Debug)]
pub(crate) struct TimedOut;

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timed out")
    }
}

impl std::error::Error for TimedOut {}

/// The headers servers commonly use to name a request, checked in this order.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-trace-id",
];

/// The request id in a response's headers (the first of [`REQUEST_ID_HEADERS`] present, if
/// it is visible ASCII): the value to quote to the API's support.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
}

/// A failure to connect, send or receive, or a timeout.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What the transport (or a layer) reported: a `reqwest::Error` without its URL (which
    /// may hold a credential in its query) for the default transport, else the error of
    /// the transport the client was given. Its own text may repeat a credential;
    /// [`cause`](Self::cause) never does.
    pub source: BoxError,
    /// How many times the request was sent.
    pub attempts: u32,
    cause: String,
}

impl TransportError {
    /// Why it failed, in one line without the URL or any credential: `connection refused`,
    /// `dns error: failed to lookup address information: ...`, `too many redirects`.
    pub fn cause(&self) -> &str {
        &self.cause
    }
}

/// The lowest-level reasons in `err`'s chain of sources, joined, for one line of text.
///
/// reqwest's own text (which held the URL before [`reqwest::Error::without_url`]) and
/// hyper's generic wrappers ("client error (Connect)") say nothing the kind does not; an
/// operating-system error is named by its kind ("connection refused") where it has one.
fn cause(err: &(dyn std::error::Error + 'static), secrets: &[&str]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let Some(err) = err.downcast_ref::<reqwest::Error>() else {
        // Another transport's error, or a layer's: its own text and its sources'.
        let mut next = Some(err);
        while let Some(source) = next {
            let text = source.to_string();
            if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
                parts.push(text);
            }
            next = source.source();
        }
        let line = parts.join(": ");
        return mask(&line.replace(['\r', '\n'], " "), secrets);
    };
    let mut next = std::error::Error::source(err);
    while let Some(source) = next {
        let text = match source.downcast_ref::<std::io::Error>() {
            Some(io) if is_well_known(io.kind()) => io.kind().to_string(),
            _ => source.to_string(),
        };
        let generic =
            text.starts_with("client error (") || text.starts_with("error sending request");
        if !generic && !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = source.source();
    }
    let line = if parts.is_empty() {
        if err.is_timeout() {
            "timed out".to_owned()
        } else if err.is_redirect() {
            "too many redirects".to_owned()
        } else if err.is_connect() {
            "could not connect".to_owned()
        } else if err.is_body() || err.is_decode() {
            "the response body could not be read".to_owned()
        } else {
            "the request could not be sent".to_owned()
        }
    } else {
        parts.join(": ")
    };
    mask(&line.replace(['\r', '\n'], " "), secrets)
}

/// `text` with every credential in `secrets` (as it is, or form-encoded) written `***`.
pub(crate) fn mask(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "***");
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        text = text.replace(&encoded, "***");
    }
    text
}

/// The most bytes of a server's message that an error keeps.
const MESSAGE_LIMIT: usize = 300;

/// The message in an error the server sent inside a stream, for one line of text: the
/// `message` of its `error` object (or the `error` text, or a top-level `message`,
/// `detail`, `error_description` or `title`), else the whole body; control characters
/// made spaces, credentials masked, at most [`MESSAGE_LIMIT`] bytes.
pub(crate) fn server_message(body: &[u8], secrets: &[&str]) -> String {
    use serde_json::Value;
    fn text_of(value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Object(object) => ["message", "detail", "error_description", "title"]
                .iter()
                .find_map(|key| object.get(*key).and_then(text_of))
                .or_else(|| object.get("error").and_then(text_of)),
            _ => None,
        }
    }
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(value) => text_of(&value).unwrap_or_else(|| value.to_string()),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let text: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = mask(&text, secrets);
    if text.len() <= MESSAGE_LIMIT {
        return text;
    }
    let mut end = MESSAGE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// Kinds of I/O error whose name says all ("connection refused"), unlike the operating
/// system's text ("Connection refused (os error 111)").
fn is_well_known(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected
            | TimedOut
            | BrokenPipe
            | UnexpectedEof
            | AddrNotAvailable
            | HostUnreachable
            | NetworkUnreachable
    )
}

/// A redirect the client did not follow, and why.
#[non_exhaustive]
pub struct RedirectError {
    /// The status of the redirect (`301`, `302`, `303`, `307` or `308`).
    pub status: StatusCode,
    /// The headers of the redirect response.
    pub headers: HeaderMap,
    /// Where the server pointed (resolved against the request's URL). For
    /// [`RedirectReason::OtherOrigin`] it is the caller's to decide whether to go there, with
    /// credentials of their choosing. It may hold a query: it is shown in `Debug` and
    /// `Display` without one.
    pub location: Url,
    /// Why it was not followed.
    pub reason: RedirectReason,
    /// How many times the request was sent.
    pub attempts: u32,
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectReason {
    /// The location is on another origin (scheme, host or port) than the base URL,
    /// `https` to `http` included: the API's credentials go to its own origin only.
    OtherOrigin,
    /// The location was visited before in this chain of redirects.
    Loop,
    /// The chain was longer than the client follows ([`RedirectError::MAX_HOPS`]).
    TooMany,
}

impl RedirectError {
    /// The most redirects followed for one request.
    pub const MAX_HOPS: u32 = 10;

    /// The location's origin: `https://other.example:8443`.
    pub fn origin(&self) -> String {
        self.location.origin().ascii_serialization()
    }
}

impl fmt::Debug for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectError")
            .field("status", &self.status)
            .field("location", &without_query(&self.location))
            .field("reason", &self.reason)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A URL's origin and path, without user info, query or fragment.
fn without_query(url: &Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

impl<B> From<ConfigError> for Error<B> {
    fn from(err: ConfigError) -> Self {
        Error::Config(err)
    }
}

impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(err) => write!(f, "invalid client configuration: {err}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Network(_) => f.write_str("network error"),
            Error::Timeout(_) => f.write_str("the request timed out"),
            Error::Api(err) => match &err.stream_error {
                Some(message) if message.is_empty() => {
                    f.write_str("the stream sent an error event")
                }
                Some(message) => write!(f, "the stream sent an error event: {message}"),
                None => write!(f, "the server answered {}", err.status),
            },
            Error::Decode(err) => write!(
                f,
                "could not decode the {} response: {}",
                err.status, err.source
            ),
            Error::ResponseTooLarge(err) => write!(
                f,
                "the {} response is larger than the limit of {} bytes",
                err.status, err.limit
            ),
            Error::Protocol(message) => write!(f, "unexpected answers from the server: {message}"),
            Error::Redirect(err) => match err.reason {
                RedirectReason::OtherOrigin => write!(
                    f,
                    "the server redirected ({}) to another origin, {}; not followed, so the \
                     credentials stay with the API",
                    err.status,
                    err.origin()
                ),
                RedirectReason::Loop => write!(f, "the server's redirects ({}) loop", err.status),
                RedirectReason::TooMany => write!(
                    f,
                    "the server redirected ({}) more than {} times",
                    err.status,
                    RedirectError::MAX_HOPS
                ),
            },
            Error::IdleTimeout { idle, .. } => {
                write!(
                    f,
                    "the event stream sent nothing for {} ms",
                    idle.as_millis()
                )
            }
        }?;
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        match self.attempts() {
            0 | 1 => {}
            attempts => write!(f, " after {attempts} attempts")?,
        }
        match self {
            Error::Network(err) => write!(f, ": {}", err.cause),
            _ => Ok(()),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(err) => Some(err),
            Error::Network(err) | Error::Timeout(err) => Some(&*err.source),
            Error::Decode(err) => Some(&*err.source),
            Error::InvalidRequest(_)
            | Error::Api(_)
            | Error::ResponseTooLarge(_)
            | Error::Redirect(_)
            | Error::Protocol(_)
            | Error::IdleTimeout { .. } => None,
        }
    }
}

/// A response whose status is not a success.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError<B> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, whatever it holds.
    pub body: Bytes,
    /// The body decoded as the error type the API declares for this status, if it declares
    /// one and the body matches it.
    pub typed: Option<B>,
    /// How many times the request was sent.
    pub attempts: u32,
    /// For an error the server sent inside a stream (an `error` event, or an item holding
    /// an `error` member, with a success status): its message, in one line of at most 300
    /// bytes, the client's credentials masked. `None` for a response whose status is not a
    /// success.
    pub stream_error: Option<String>,
}

impl<B> ApiError<B> {
    /// The request id the server gave this response, if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The body as text (lossy for bytes that are not UTF-8), for logs and messages.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A success response whose body does not decode as the type the API describes.
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, kept so that nothing the server sent is lost.
    pub body: Bytes,
    /// Why it did not decode (a JSON error, or text that is not UTF-8).
    pub source: Box<dyn std::error::Error + Send + Sync>,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl<B: fmt::Debug> fmt::Debug for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodyPreview(&self.body))
            .field("typed", &Bounded(&self.typed))
            .field("attempts", &self.attempts)
            .field("stream_error", &self.stream_error)
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodyPreview(&self.body))
            .field("source", &self.source)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// A body in `Debug` output: at most [`BodyPreview::LIMIT`] bytes of it, as text, and its
/// size, so that a large body does not become a log line of the same size.
struct BodyPreview<'a>(&'a [u8]);

impl BodyPreview<'_> {
    const LIMIT: usize = 512;
}

impl fmt::Debug for BodyPreview<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() <= Self::LIMIT {
            return fmt::Debug::fmt(&String::from_utf8_lossy(self.0), f);
        }
        // Cut on a character boundary where the prefix is UTF-8.
        let mut end = Self::LIMIT;
        while end > Self::LIMIT - 4 && std::str::from_utf8(&self.0[..end]).is_err() {
            end -= 1;
        }
        fmt::Debug::fmt(&String::from_utf8_lossy(&self.0[..end]), f)?;
        write!(f, "... ({} bytes in all)", self.0.len())
    }
}

/// A value in `Debug` output cut after [`Bounded::LIMIT`] bytes (a decoded error body can
/// hold a long text).
struct Bounded<'a, T>(&'a T);

impl<T> Bounded<'_, T> {
    const LIMIT: usize = 2048;
}

impl<T: fmt::Debug> fmt::Debug for Bounded<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Keeps what fits, then refuses more (which ends the formatting of `T`).
        struct Cut {
            text: String,
            full: bool,
        }
        impl fmt::Write for Cut {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                let room = Bounded::<()>::LIMIT - self.text.len();
                if s.len() <= room {
                    self.text.push_str(s);
                    return Ok(());
                }
                let mut end = room;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                self.text.push_str(&s[..end]);
                self.full = true;
                Err(fmt::Error)
            }
        }
        let mut cut = Cut {
            text: String::new(),
            full: false,
        };
        let written = fmt::write(&mut cut, format_args!("{:?}", self.0));
        f.write_str(&cut.text)?;
        if cut.full || written.is_err() {
            f.write_str("...")?;
        }
        Ok(())
    }
}

/// A response whose body is larger than the client's limit.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TooLargeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The limit, in bytes.
    pub limit: usize,
    /// How many times the request was sent.
    pub attempts: u32,
}

/// An invalid client configuration: reported when the client is built, before anything is
/// sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::{Bounded, server_message};

    #[test]
    fn a_servers_message_is_found_masked_and_bounded() {
        let message = |body: &str| server_message(body.as_bytes(), &["s3cr3t"]);
        assert_eq!(
            message(r#"{"error":{"message":"no\nway","type":"x"}}"#),
            "no way"
        );
        assert_eq!(
            message(r#"{"error":"key s3cr3t is revoked"}"#),
            "key *** is revoked"
        );
        assert_eq!(message(r#"{"detail":"slow down"}"#), "slow down");
        assert_eq!(message(r#"{"code":7}"#), r#"{"code":7}"#);
        assert_eq!(message("  plain text\r\n"), "plain text");
        let long = message(&"\u{e9}".repeat(1_000));
        assert!(long.len() <= 303 && long.ends_with("..."), "{}", long.len());
    }

    #[test]
    fn a_long_value_in_debug_is_cut() {
        let text = "x".repeat(10_000);
        let shown = format!("{:?}", Bounded(&text));
        assert!(
            shown.len() < 2_100 && shown.ends_with("..."),
            "{}",
            shown.len()
        );
        assert_eq!(format!("{:?}", Bounded(&"short")), "\"short\"");
    }
}
