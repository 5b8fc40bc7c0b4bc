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
    /// Connecting, sending or receiving failed.
    Network(reqwest::Error),
    /// The request took longer than its timeout.
    Timeout(reqwest::Error),
    /// The server answered with a status that is not a success.
    Api(Box<ApiError<B>>),
    /// The server answered with a success status, but the body is not what the API describes.
    Decode(Box<DecodeError>),
}

impl<B> Error<B> {
    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(err) => Some(err.status),
            Error::Decode(err) => Some(err.status),
            Error::Network(err) | Error::Timeout(err) => err.status(),
            Error::Config(_) | Error::InvalidRequest(_) => None,
        }
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

    pub(crate) fn transport(err: reqwest::Error) -> Self {
        let err = err.without_url();
        if err.is_timeout() {
            Error::Timeout(err)
        } else {
            Error::Network(err)
        }
    }
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
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(err) => Some(err),
            Error::Network(err) | Error::Timeout(err) => Some(err),
            Error::Decode(err) => Some(&*err.source),
            Error::InvalidRequest(_) | Error::Api(_) => None,
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
}

impl<B> ApiError<B> {
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
