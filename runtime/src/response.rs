//! A successful response, and the decoding of its body.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error};

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: T,
    /// How many times the request was sent to get this response.
    pub attempts: u32,
}

impl<T> Response<T> {
    /// The request id the server gave this response, if it sent one (see
    /// [`request_id`](crate::request_id)).
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id(&self.headers)
    }

    /// The decoded body alone.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            attempts: self.attempts,
        }
    }

    /// A response header as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl Response<bytes::Bytes> {
    /// Decodes the body as JSON. An empty body reads as `null` (so an `Option` is `None`); a
    /// body that does not decode is an error that keeps it.
    pub fn decode_json<T: DeserializeOwned, B>(self) -> Result<Response<T>, Error<B>> {
        let json: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        match serde_json::from_slice(json) {
            Ok(decoded) => Ok(self.map(|_| decoded)),
            Err(source) => Err(self.decode_error(Box::new(source))),
        }
    }

    /// The body as text; a body that is not UTF-8 is an error that keeps it.
    pub fn decode_text<B>(self) -> Result<Response<String>, Error<B>> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => {
                let text = text.to_owned();
                Ok(self.map(|_| text))
            }
            Err(source) => Err(self.decode_error(Box::new(source))),
        }
    }

    fn decode_error<B>(self, source: Box<dyn std::error::Error + Send + Sync>) -> Error<B> {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers,
            body: self.body,
            source,
            attempts: self.attempts,
        }))
    }
}
