use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field::Empty;

use crate::client::ClientCore;
use crate::error::{ApiError, DecodeError, Error, TooLargeError};
use crate::future::ResponseFuture;
pub use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::send::{BodyError, Exchange, Mode, Payload, read_body};

/// What generated code says about one operation: its method, its path template as the API
/// description writes it, its name, and the security schemes whose credentials it sends.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub method: Method,
    /// The path template (`/things/{id}`), for logs and traces: never the filled-in path.
    pub path: &'static str,
    /// The operation's name in the generated crate.
    pub operation: &'static str,
    pub security: &'static [&'static str],
}

/// Settings of one call that override or add to the client's: set through the
/// `with_timeout`, `with_idle_timeout`, `with_retry`, `with_header` and `with_query`
/// methods of every generated request builder. They go with every attempt of the call and,
/// for a paginated walk, with the request of every page.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) idle_timeout: Option<Option<Duration>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) follow: Option<String>,
    pub(crate) last_event_id: Option<String>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) query: Vec<(String, String)>,
    /// A header that could not be set, reported when the call is sent.
    pub(crate) problem: Option<String>,
}

/// Headers that say how a message is framed or where it goes: a call may not set them.
const FRAMING_HEADERS: [&str; 7] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "trailer",
    "upgrade",
];

impl fmt::Debug for CallOptions {
    /// Extra headers and query parameters by name only: their values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        let query: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .field("follow", &self.follow.as_ref().map(|_| "..."))
            .field("last_event_id", &self.last_event_id)
            .field("headers", &headers)
            .field("query", &query)
            .field("problem", &self.problem)
            .finish()
    }
}

impl CallOptions {
    /// The timeout of each attempt of this call; `None` waits forever. For a stream it
    /// bounds the wait for the response to begin, and, unless an idle timeout is set, each
    /// wait for more of it.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = Some(timeout);
    }

    /// For a stream: the longest silence between two reads of the response once it has
    /// begun ([`Error::IdleTimeout`]); `None` waits forever. Without it, the call's timeout
    /// applies.
    pub fn idle_timeout(&mut self, idle: Option<Duration>) {
        self.idle_timeout = Some(idle);
    }

    /// The retry policy of this call.
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Sends the header `name: value` with this call, in place of any header of that name
    /// the client or the operation would send (called again with the same name, both
    /// values are sent). It never replaces a credential of the API, which the client sets
    /// last, and like every header it goes to the API's origin only. Headers that frame
    /// the message (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, ...) or an
    /// invalid name or value make the call fail with [`Error::InvalidRequest`], sending
    /// nothing. The value is marked sensitive and never shown in `Debug`.
    pub fn header(&mut self, name: &str, value: &str) {
        let parsed = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        );
        match parsed {
            (Ok(name), _) if FRAMING_HEADERS.contains(&name.as_str()) => {
                self.problem.get_or_insert(format!(
                    "the header `{name}` frames the request and cannot be set for a call"
                ));
            }
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(true);
                self.headers.push((name, value));
            }
            (Err(_), _) => {
                self.problem.get_or_insert(format!(
                    "`{}` is not a valid header name",
                    name.escape_debug()
                ));
            }
            (Ok(name), Err(_)) => {
                self.problem.get_or_insert(format!(
                    "the value of header `{name}` is not a valid header value"
                ));
            }
        }
    }

    /// Sends the query parameter `name=value` with this call, in place of any parameter of
    /// that name the operation (or a followed link to the next page) would send; called
    /// again with the same name, both are sent. A query credential of the API is never
    /// replaced.
    pub fn query(&mut self, name: &str, value: &str) {
        self.query.push((name.to_owned(), value.to_owned()));
    }

    /// Sends this call to `link` instead of the URL its parameters make: the next page
    /// that a response linked to (`Link: <...>; rel="next"`), resolved against the URL the
    /// parameters make. A link to another origin than the client's base URL (or one that is
    /// not a URL) is refused when the call is sent ([`Error::Protocol`]), so a response can
    /// never send the client's credentials elsewhere.
    pub fn follow(&mut self, link: String) {
        self.follow = Some(link);
    }

    /// Sends `Last-Event-ID: id`, so that a stream of events resumes after the event with
    /// that id (see [`EventStream::last_event_id`](crate::EventStream::last_event_id)).
    pub fn last_event_id(&mut self, id: String) {
        self.last_event_id = Some(id);
    }
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

/// A boxed future that can be sent between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Decodes the body of a non-success response into the API's typed error, where the API
/// declares one for that status. Generated code passes a closure that captures nothing.
pub type ErrorDecoder<B> = fn(StatusCode, &[u8]) -> Option<B>;

/// Turns a success response into the operation's output (decoding JSON or text, or choosing
/// the variant of a status enum).
pub type ResponseDecoder<T, B> = fn(Response<Bytes>) -> Result<Response<T>, Error<B>>;

/// One request being built by generated code: path segments, query, headers and body are
/// added in order, then [`Request::send`] sends it and decodes the answer.
///
/// Encoding problems (a header value that is not valid, a body that does not serialize) are
/// kept and reported by `send` as [`Error::InvalidRequest`], so building never fails halfway.
///
/// A request owns everything it sends (a clone of the client, which is one `Arc`), so the
/// future that sends it is `Send + 'static`.
pub struct Request {
    pub(crate) core: ClientCore,
    pub(crate) endpoint: Endpoint,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<(Bytes, HeaderValue)>,
    pub(crate) options: CallOptions,
    pub(crate) problem: Option<String>,
    /// An idempotency key is sent, so the request may be repeated whatever its method.
    pub(crate) keyed: bool,
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
    pub(crate) fn new(core: ClientCore, endpoint: Endpoint, options: CallOptions) -> Self {
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
        format: crate::stream::StreamFormat,
    ) -> Result<crate::stream::EventStream<T, B>, Error<B>>
    where
        T: DeserializeOwned,
    {
        if !self.headers.contains_key(ACCEPT) {
            if let Some(accept) = self.media_type(format.accept) {
                self.headers.insert(ACCEPT, accept);
            }
        }
        let timeout = self.options.timeout.unwrap_or(self.core.inner.timeout);
        let idle = self.options.idle_timeout.unwrap_or(timeout);
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
                Err(BodyError::Transport(err)) => {
                    let secrets: Vec<&str> = core
                        .inner
                        .credentials
                        .iter()
                        .filter_map(|c| c.text())
                        .collect();
                    return Err(Error::transport(err, attempts, &secrets));
                }
                Err(BodyError::TooLarge) => {
                    return Err(Error::ResponseTooLarge(Box::new(TooLargeError {
                        status,
                        headers,
                        limit,
                        attempts,
                    })));
                }
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
        Ok(crate::stream::EventStream::new(
            crate::stream::Begun {
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

    async fn exchange_as<B>(
        self,
        mode: Mode,
        decode_error: ErrorDecoder<B>,
    ) -> Result<Response<Payload>, Error<B>> {
        if let Some(problem) = self.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let span = tracing::info_span!(
            "request",
            http.method = %self.endpoint.method,
            url.template = self.endpoint.path,
            operation = self.endpoint.operation,
            http.status = Empty,
            attempts = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        let result = self.attempts::<B>(mode).instrument(span.clone()).await;
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let exchange = match result {
            Ok(exchange) => exchange,
            Err(err) => {
                span.record("attempts", err.attempts());
                if let Some(status) = err.status() {
                    span.record("http.status", status.as_u16());
                }
                return Err(err);
            }
        };
        span.record("attempts", exchange.attempts);
        span.record("http.status", exchange.status.as_u16());
        let Exchange {
            status,
            headers,
            body,
            attempts,
        } = exchange;
        if status.is_success() {
            Ok(Response {
                status,
                headers,
                body,
                attempts,
            })
        } else {
            let body = match body {
                Payload::Whole(bytes) => bytes,
                Payload::Stream(_) => Bytes::new(),
            };
            let typed = decode_error(status, &body);
            Err(Error::Api(Box::new(ApiError {
                status,
                headers,
                body,
                typed,
                attempts,
                stream_error: None,
            })))
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
