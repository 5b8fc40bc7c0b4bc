use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

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
            Error::Network(err) | Error::Timeout(err) => err.source.status(),
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

    pub(crate) fn transport(err: reqwest::Error, attempts: u32) -> Self {
        let err = TransportError {
            source: err.without_url(),
            attempts,
        };
        if err.source.is_timeout() {
            Error::Timeout(err)
        } else {
            Error::Network(err)
        }
    }
}

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
pub struct TransportError {
    /// What reqwest reported, without the URL (which may hold a credential in its query).
    pub source: reqwest::Error,
    /// How many times the request was sent.
    pub attempts: u32,
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
            Error::Api(err) => write!(f, "the server answered {}", err.status),
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
            0 | 1 => Ok(()),
            attempts => write!(f, " after {attempts} attempts"),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(err) => Some(err),
            Error::Network(err) | Error::Timeout(err) => Some(&err.source),
            Error::Decode(err) => Some(&*err.source),
            Error::InvalidRequest(_)
            | Error::Api(_)
            | Error::ResponseTooLarge(_)
            | Error::Protocol(_)
            | Error::IdleTimeout { .. } => None,
        }
    }
}

/// A response whose status is not a success.
#[derive(Debug, Clone)]
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
#[derive(Debug)]
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
