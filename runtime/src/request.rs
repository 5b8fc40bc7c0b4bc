use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;

use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{ClientCore, Placement};
use crate::error::{ApiError, DecodeError, Error};

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: T,
}

impl<T> Response<T> {
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
            Ok(decoded) => Ok(Response {
                status: self.status,
                headers: self.headers,
                body: decoded,
            }),
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
        }))
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

/// The future returned when a generated request builder is awaited.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One request being built by generated code: path segments, query, headers and body are
/// added in order, then [`Request::send`] sends it and decodes the answer.
///
/// Encoding problems (a header value that is not valid, a body that does not serialize) are
/// kept and reported by `send` as [`Error::InvalidRequest`], so building never fails halfway.
pub struct Request<'a> {
    core: &'a ClientCore,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<(Vec<u8>, HeaderValue)>,
    security: &'static [&'static str],
    problem: Option<String>,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.url.path())
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl<'a> Request<'a> {
    pub(crate) fn new(
        core: &'a ClientCore,
        method: Method,
        security: &'static [&'static str],
    ) -> Self {
        let mut url = core.inner.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty();
        }
        Request {
            core,
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            security,
            problem: None,
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
                    self.body = Some((bytes, value));
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
                    text.into_bytes(),
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
                    self.body = Some((body, value));
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
    pub fn text(&mut self, body: &str, media_type: &'static str) -> &mut Self {
        if let Some(value) = self.media_type(media_type) {
            self.body = Some((body.as_bytes().to_vec(), value));
        }
        self
    }

    /// Sets a binary body of the given media type.
    pub fn bytes(&mut self, body: &[u8], media_type: &'static str) -> &mut Self {
        if let Some(value) = self.media_type(media_type) {
            self.body = Some((body.to_vec(), value));
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
    /// where the API declares one for that status.
    pub async fn send<T, B>(
        mut self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<B>,
    ) -> Result<Response<T>, Error<B>>
    where
        T: DeserializeOwned,
    {
        if !self.headers.contains_key(ACCEPT) {
            self.headers
                .insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        self.send_bytes(decode_error).await?.decode_json()
    }

    /// Sends the request and returns a success body as text. A body that is not UTF-8 is a
    /// decode error that keeps the raw bytes.
    pub async fn send_text<B>(
        self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<B>,
    ) -> Result<Response<String>, Error<B>> {
        self.send_bytes(decode_error).await?.decode_text()
    }

    /// Sends the request and returns a success body as bytes.
    pub async fn send_bytes<B>(
        self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<B>,
    ) -> Result<Response<bytes::Bytes>, Error<B>> {
        let (status, headers, body) = self.exchange(decode_error).await?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// Sends the request; a success body, if any, is ignored.
    pub async fn send_empty<B>(
        self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<B>,
    ) -> Result<Response<()>, Error<B>> {
        let (status, headers, _) = self.exchange(decode_error).await?;
        Ok(Response {
            status,
            headers,
            body: (),
        })
    }

    async fn exchange<B>(
        self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<B>,
    ) -> Result<(StatusCode, HeaderMap, bytes::Bytes), Error<B>> {
        if let Some(problem) = self.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let inner = &self.core.inner;
        let mut url = self.url;
        let mut headers = inner.headers.clone();
        for (name, value) in self.headers.iter() {
            headers.append(name.clone(), value.clone());
        }
        for credential in &inner.credentials {
            if !self.security.contains(&credential.scheme) {
                continue;
            }
            match &credential.placement {
                Placement::Header(name, value) if *name == COOKIE => {
                    headers.append(name.clone(), value.clone());
                }
                Placement::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Placement::Query(name, secret) => {
                    url.query_pairs_mut().append_pair(name, secret.expose());
                }
            }
        }

        let mut builder = inner.http.request(self.method, url).headers(headers);
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some((bytes, content_type)) = self.body {
            builder = builder.header(CONTENT_TYPE, content_type).body(bytes);
        }

        let response = builder.send().await.map_err(Error::transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::transport)?;
        if status.is_success() {
            Ok((status, headers, body))
        } else {
            let typed = decode_error(status, &body);
            Err(Error::Api(Box::new(ApiError {
                status,
                headers,
                body,
                typed,
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
    use crate::{CoreBuilder, Error};

    #[tokio::test]
    async fn an_invalid_media_type_from_the_description_is_an_error_not_a_panic() {
        // Nothing listens there, and nothing is sent: the problem is found first.
        let core = CoreBuilder::new("http://127.0.0.1:9", "test")
            .build()
            .unwrap();
        for media_type in ["a\nb", "a\u{0}b"] {
            let mut request = core.request(reqwest::Method::POST, &[]);
            request.text("body", media_type);
            let err = request.send_empty::<()>(|_, _| None).await.unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
            let mut request = core.request(reqwest::Method::GET, &[]);
            request.accept(media_type);
            let err = request.send_bytes::<()>(|_, _| None).await.unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        }
        // Bytes above ASCII are allowed in header values (HTTP's obs-text); such a value once
        // made `HeaderValue::from_static` panic. It is sent (and fails to connect).
        let mut request = core.request(reqwest::Method::GET, &[]);
        request.accept("text/\u{e9}t\u{e9}");
        let err = request.send_bytes::<()>(|_, _| None).await.unwrap_err();
        assert!(matches!(err, Error::Network(_)), "{err:?}");
    }
}
