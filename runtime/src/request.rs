//! [`Request`]: one request being built by generated code, and its `send` methods, the
//! top of the runtime's layers (below it: `send.rs`, `stream.rs`, `future.rs`, `call.rs`,
//! `client.rs`).

use std::fmt::{self, Display};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::call::{CallOptions, Endpoint};
use crate::client::ClientCore;
use crate::error::{DecodeError, Error};
use crate::future::{ErrorDecoder, ResponseDecoder, ResponseFuture};
use crate::response::Response;
use crate::send::{Call, Mode, Payload, read_body};
use crate::stream::{Begun, EventStream, StreamFormat};

impl ClientCore {
    /// Starts a request for an operation, with the settings of this call. The request holds
    /// a clone of this core (one `Arc`), so it owns all it needs.
    pub fn request(&self, endpoint: Endpoint, options: CallOptions) -> Request {
        Request::new(self.clone(), endpoint, options)
    }
}

/// A generated request builder's request, built but not sent: what its `send` methods send,
/// and what the `mock` feature's matchers compare. `stream`: for the streaming call (the
/// body's flag that asks for a stream set, where the operation has one).
pub trait Build {
    fn build(self, stream: bool) -> Request;
}

/// A list written as its items joined by commas (the `simple` style of path and header
/// parameters, `a,b,c`).
pub struct Joined<'a, T>(pub &'a [T]);

impl<T: Display> Display for Joined<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, item) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

/// One request being built by generated code: path segments, query, headers and body are
/// added in order, then [`Request::send`] sends it and decodes the answer.
///
/// Encoding problems (a header value that is not valid, a body that does not serialize) are
/// kept and reported by `send` as [`Error::InvalidRequest`], so building never fails halfway.
///
/// A request owns everything it sends (a clone of the client, which is one `Arc`), so the
/// future that sends it is `Send + 'static`.
pub struct Request {
    core: ClientCore,
    endpoint: Endpoint,
    url: Url,
    headers: HeaderMap,
    body: Option<(Bytes, HeaderValue)>,
    options: CallOptions,
    problem: Option<String>,
    /// An idempotency key is sent, so the request may be repeated whatever its method.
    keyed: bool,
    /// The header of an idempotency key the client made up (not the caller's), which a
    /// mock's matcher leaves out.
    #[cfg(feature = "mock")]
    made_up_key: Option<&'static str>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("endpoint", &self.endpoint)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Request {
    fn new(core: ClientCore, endpoint: Endpoint, options: CallOptions) -> Self {
        let mut url = core.inner.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty();
        }
        Request {
            core,
            endpoint,
            url,
            headers: HeaderMap::new(),
            body: None,
            problem: options.problem.clone(),
            options,
            keyed: false,
            #[cfg(feature = "mock")]
            made_up_key: None,
        }
    }

    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Appends a literal path segment from the path template.
    pub fn path(&mut self, literal: &str) -> &mut Self {
        self.path_param(&literal)
    }

    /// Appends one path segment made from a parameter (or from text and parameters). The value
    /// is percent-encoded, so a `/` in it stays inside its segment, and `.` or `..` cannot
    /// climb the path.
    pub fn path_param(&mut self, segment: &dyn Display) -> &mut Self {
        let segment = segment.to_string();
        let segment = match segment.as_str() {
            "." => "%2E".to_owned(),
            ".." => "%2E%2E".to_owned(),
            _ => segment,
        };
        if let Ok(mut segments) = self.url.path_segments_mut() {
            segments.push(&segment);
        }
        self
    }

    /// Appends one `name=value` query pair (percent-encoded).
    pub fn query(&mut self, name: &str, value: &dyn Display) -> &mut Self {
        self.url
            .query_pairs_mut()
            .append_pair(name, &value.to_string());
        self
    }

    /// Appends a query parameter whose value is an object or a list, written in `style`.
    pub fn query_value(
        &mut self,
        name: &str,
        value: &impl Serialize,
        style: crate::form::QueryStyle,
    ) -> &mut Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                let pairs = crate::form::query_pairs(name, &value, style);
                let mut query = self.url.query_pairs_mut();
                for (key, text) in &pairs {
                    query.append_pair(key, text);
                }
            }
            Err(err) => self.fail(format!(
                "query parameter `{name}` could not be encoded: {err}"
            )),
        }
        self
    }

    /// Writes OpenAPI 3.2's `querystring` parameter: `value` is the whole query string, in
    /// `format`. Pairs already in the query (a query written into the path template) stay in
    /// front of it; what is added later (credentials, `with_query`) goes after it.
    pub fn query_string(
        &mut self,
        value: &impl Serialize,
        format: crate::form::QueryStringFormat,
    ) -> &mut Self {
        match crate::form::query_string(value, format) {
            Ok(text) if text.is_empty() => {}
            Ok(text) => {
                let query = match self.url.query() {
                    Some(existing) if !existing.is_empty() => format!("{existing}&{text}"),
                    _ => text,
                };
                self.url.set_query(Some(&query));
            }
            Err(problem) => self.fail(problem),
        }
        self
    }

    /// Adds a header parameter.
    pub fn header(&mut self, name: &'static str, value: &dyn Display) -> &mut Self {
        let value = value.to_string();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => self.fail(format!("`{name}` is not a valid header name")),
            (_, Err(_)) => self.fail(format!(
                "the value of header `{name}` is not a valid header value"
            )),
        }
        self
    }

    /// Sends an idempotency key in the header `name`: `key` if the caller chose one, else a
    /// new random one (a version 4 UUID). The same key goes with every attempt, so the
    /// server can tell a retry from a new request, and the request is retried whatever its
    /// method.
    pub fn idempotency_key(&mut self, name: &'static str, key: Option<&str>) -> &mut Self {
        let generated;
        let key = match key {
            Some(key) => key,
            None => {
                generated = crate::retry::new_idempotency_key();
                #[cfg(feature = "mock")]
                {
                    self.made_up_key = Some(name);
                }
                &generated
            }
        };
        self.keyed = true;
        self.header(name, &key)
    }

    /// A media type from the API description as a header value. The description may hold
    /// anything, so an invalid one is a problem reported by `send`, never a panic.
    fn media_type(&mut self, media_type: &str) -> Option<HeaderValue> {
        match HeaderValue::from_str(media_type) {
            Ok(value) => Some(value),
            Err(_) => {
                self.fail(format!(
                    "the media type `{media_type}` is not a valid header value"
                ));
                None
            }
        }
    }

    /// Checks a body the user built against the API description's constraints; a broken
    /// one is reported by `send` as [`Error::InvalidRequest`], and nothing is sent.
    pub fn validate(&mut self, body: &impl crate::Validate) -> &mut Self {
        if let Err(err) = body.validate() {
            self.fail(format!("the body breaks the API description: {err}"));
        }
        self
    }

    /// Sets a JSON body (`application/json`).
    pub fn json(&mut self, body: &impl Serialize) -> &mut Self {
        self.json_as(body, "application/json")
    }

    /// Sets a JSON body with another JSON media type (`application/merge-patch+json`...).
    pub fn json_as(&mut self, body: &impl Serialize, media_type: &'static str) -> &mut Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                if let Some(value) = self.media_type(media_type) {
                    self.body = Some((bytes.into(), value));
                }
            }
            Err(err) => self.fail(format!("the body could not be encoded as JSON: {err}")),
        }
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body. Nested objects are written with
    /// brackets (`metadata[key]=value`); lists repeat their key (`tag=a&tag=b`), except for the
    /// properties named in `deep_object`, whose lists are indexed (`items[0][price]=x`), as the
    /// OpenAPI `deepObject` style says.
    pub fn form(&mut self, body: &impl Serialize, deep_object: &[&str]) -> &mut Self {
        match crate::form::encode(body, deep_object) {
            Ok(text) => {
                self.body = Some((
                    text.into_bytes().into(),
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                ))
            }
            Err(problem) => self.fail(problem),
        }
        self
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: crate::multipart::Multipart) -> &mut Self {
        match form.encode() {
            Ok((body, content_type)) => match HeaderValue::from_str(&content_type) {
                Ok(value) => {
                    self.body = Some((body.into(), value));
                }
                Err(_) => {
                    self.fail("the multipart content type is not a valid header value".to_owned())
                }
            },
            Err(problem) => self.fail(problem),
        }
        self
    }

    /// Sets a text body of the given media type.
    pub fn text(&mut self, body: String, media_type: &'static str) -> &mut Self {
        if let Some(value) = self.media_type(media_type) {
            self.body = Some((Bytes::from(body), value));
        }
        self
    }

    /// Sets a binary body of the given media type.
    pub fn bytes(&mut self, body: Bytes, media_type: &'static str) -> &mut Self {
        if let Some(value) = self.media_type(media_type) {
            self.body = Some((body, value));
        }
        self
    }

    /// Sets the `Accept` header: the media type of the response the operation expects.
    pub fn accept(&mut self, media_type: &'static str) -> &mut Self {
        if let Some(value) = self.media_type(media_type) {
            self.headers.insert(ACCEPT, value);
        }
        self
    }

    /// Adds a cookie parameter (`Cookie: name=value`).
    pub fn cookie(&mut self, name: &str, value: &dyn Display) -> &mut Self {
        let pair = format!("{name}={value}");
        match HeaderValue::from_str(&pair) {
            Ok(value) => {
                self.headers.append(COOKIE, value);
            }
            Err(_) => self.fail(format!(
                "the value of cookie `{name}` is not a valid header value"
            )),
        }
        self
    }

    /// Sends the request and decodes a success body as JSON into `T`.
    ///
    /// `decode_error` turns the body of a non-success response into the API's typed error,
    /// where the API declares one for that status. Nothing happens until the future is
    /// polled.
    pub fn send<T, B>(mut self, decode_error: ErrorDecoder<B>) -> ResponseFuture<T, B>
    where
        T: DeserializeOwned,
        B: Send + 'static,
    {
        if !self.headers.contains_key(ACCEPT) {
            self.headers
                .insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        self.send_with(decode_error, Response::decode_json)
    }

    /// Sends the request and returns a success body as text. A body that is not UTF-8 is a
    /// decode error that keeps the raw bytes.
    pub fn send_text<B: Send + 'static>(
        self,
        decode_error: ErrorDecoder<B>,
    ) -> ResponseFuture<String, B> {
        self.send_with(decode_error, Response::decode_text)
    }

    /// Sends the request and returns a success body as bytes.
    pub fn send_bytes<B: Send + 'static>(
        self,
        decode_error: ErrorDecoder<B>,
    ) -> ResponseFuture<Bytes, B> {
        self.send_with(decode_error, Ok)
    }

    /// Sends the request; a success body, if any, is ignored.
    pub fn send_empty<B: Send + 'static>(
        self,
        decode_error: ErrorDecoder<B>,
    ) -> ResponseFuture<(), B> {
        self.send_with(decode_error, |response| Ok(response.map(|_| ())))
    }

    /// Sends the request and turns a success response into `T` with `decode` (generated
    /// code uses it for operations whose statuses have different bodies).
    ///
    /// This is the one place a response is awaited: the sending future depends only on `B`
    /// (one per generated crate), and what depends on `T` is the plain function `decode`.
    pub fn send_with<T, B: Send + 'static>(
        self,
        decode_error: ErrorDecoder<B>,
        decode: ResponseDecoder<T, B>,
    ) -> ResponseFuture<T, B> {
        ResponseFuture::new(Box::pin(self.exchange(decode_error)), decode)
    }

    /// Sends the request (again, as the retry policy allows), reads the response to its end
    /// and judges its status, inside a tracing span that records the method, the path
    /// template, the operation, the final status, the number of attempts and the duration.
    async fn exchange<B>(self, decode_error: ErrorDecoder<B>) -> Result<Response<Bytes>, Error<B>> {
        let response = self.exchange_as(Mode::Whole, decode_error).await?;
        Ok(response.map(|payload| match payload {
            Payload::Whole(bytes) => bytes,
            // `Mode::Whole` always reads the body.
            Payload::Stream(_) => Bytes::new(),
        }))
    }

    /// Sends the request and returns the items of its streaming response, each decoded
    /// into `T`, as `format` says; see [`EventStream`](crate::EventStream).
    ///
    /// The request is retried as the policy allows until a success response begins, never
    /// after. A success response that is not a stream (another media type) is a decode
    /// error that keeps its body. `event_error` decodes the data of an error item into the
    /// API's error type.
    pub async fn send_stream<T, B>(
        mut self,
        decode_error: ErrorDecoder<B>,
        event_error: fn(&[u8]) -> Option<B>,
        format: StreamFormat,
    ) -> Result<EventStream<T, B>, Error<B>>
    where
        T: DeserializeOwned,
    {
        if !self.headers.contains_key(ACCEPT) {
            if let Some(accept) = self.media_type(format.accept) {
                self.headers.insert(ACCEPT, accept);
            }
        }
        let timeout = self.options.timeout.or(self.core.inner.timeout);
        let idle = self.options.idle_timeout.or(timeout);
        let core = self.core.clone();
        let limit = self.core.inner.max_response_bytes;
        let response = self.exchange_as(Mode::Stream, decode_error).await?;
        let Payload::Stream(body) = response.body else {
            return Err(Error::Protocol(
                "a streaming call read its body whole".to_owned(),
            ));
        };
        let media_type = response
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let Some(framing) = format.framing.for_response(media_type.as_deref()) else {
            let (status, headers, attempts) =
                (response.status, response.headers, response.attempts);
            let body = match read_body(body, limit).await {
                Ok(body) => body,
                Err(err) => return Err(err.into_error(&core, status, headers, attempts)),
            };
            return Err(Error::Decode(Box::new(DecodeError {
                status,
                headers,
                body,
                source: format!(
                    "expected a stream ({}), got `{}`",
                    format.accept,
                    media_type.unwrap_or_default()
                )
                .into(),
                attempts,
            })));
        };
        Ok(EventStream::new(
            Begun {
                response: body,
                status: response.status,
                headers: response.headers,
                attempts: response.attempts,
                idle,
                limit,
                core,
                framing,
            },
            format,
            event_error,
        ))
    }

    /// Sends the request as `mode` says, unless it could not be built.
    async fn exchange_as<B>(
        self,
        mode: Mode,
        decode_error: ErrorDecoder<B>,
    ) -> Result<Response<Payload>, Error<B>> {
        if let Some(problem) = self.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let call = Call {
            core: self.core,
            endpoint: self.endpoint,
            url: self.url,
            headers: self.headers,
            body: self.body,
            options: self.options,
            keyed: self.keyed,
        };
        call.exchange(mode, decode_error).await
    }
}

/// What a mock's matcher compares: a request as built, before the client adds its own
/// headers, the call's options and credentials.
#[cfg(feature = "mock")]
pub(crate) struct Parts {
    pub endpoint: Endpoint,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<(Bytes, HeaderValue)>,
    pub problem: Option<String>,
}

#[cfg(feature = "mock")]
impl Request {
    /// The request's parts, without an idempotency key the client made up.
    pub(crate) fn into_parts(mut self) -> Parts {
        if let Some(name) = self.made_up_key {
            self.headers.remove(name);
        }
        Parts {
            endpoint: self.endpoint,
            url: self.url,
            headers: self.headers,
            body: self.body,
            problem: self.problem,
        }
    }
}

/// Decodes a JSON error body into `T`; `None` when it does not match (the raw body is kept
/// in the error either way).
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

#[cfg(test)]
mod tests {
    use crate::{CoreBuilder, Endpoint, Error};

    fn endpoint(method: reqwest::Method) -> Endpoint {
        Endpoint {
            method,
            path: "/",
            operation: "test",
            security: &[],
        }
    }

    #[tokio::test]
    async fn an_invalid_media_type_from_the_description_is_an_error_not_a_panic() {
        // Nothing listens there, and nothing is sent: the problem is found first.
        let core = CoreBuilder::new("http://127.0.0.1:9", "test")
            .build()
            .unwrap();
        for media_type in ["a\nb", "a\u{0}b"] {
            let mut request = core.request(endpoint(reqwest::Method::POST), Default::default());
            request.text("body".to_owned(), media_type);
            let err = request.send_empty::<()>(|_, _| None).await.unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
            let mut request = core.request(endpoint(reqwest::Method::GET), Default::default());
            request.accept(media_type);
            let err = request.send_bytes::<()>(|_, _| None).await.unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        }
        // Bytes above ASCII are allowed in header values (HTTP's obs-text); such a value once
        // made `HeaderValue::from_static` panic. It is sent (and fails to connect).
        let mut request = core.request(endpoint(reqwest::Method::GET), Default::default());
        request.accept("text/\u{e9}t\u{e9}");
        let err = request.send_bytes::<()>(|_, _| None).await.unwrap_err();
        assert!(matches!(err, Error::Network(_)), "{err:?}");
    }
}
