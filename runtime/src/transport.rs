//! The seam between the runtime and HTTP: [`HttpRequest`] (one request as it is sent, its
//! `Debug` masked), [`Body`] (a response body, whole or streamed), [`Transport`] (any
//! `tower::Service` that answers one with the other), [`Stack`] (the boxed service a client
//! holds) and the default transport on reqwest.
//!
//! A transport sends exactly one request and returns exactly one response: retries,
//! timeouts, redirects and the credential rule are the runtime's, around it.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use reqwest::Url;
use tower::Service;
use tower::util::BoxCloneSyncService;

/// The error of a transport or a layer: any error (`tower`'s convention). It becomes
/// [`Error::Network`](crate::Error::Network) (or [`Error::Timeout`](crate::Error::Timeout)
/// when it is reqwest's timeout), with every credential masked in its text.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A response as a transport returns it, before the runtime reads it.
pub type HttpResponse = http::Response<Body>;

/// The boxed service a client sends every attempt through: its layers around its transport.
pub type Stack = BoxCloneSyncService<HttpRequest, HttpResponse, BoxError>;

/// What a client can send its requests through: a `tower::Service` from [`HttpRequest`] to
/// [`HttpResponse`], cloned for each request (so it is `Clone`, and `Send + Sync` to be
/// shared). Implemented for every such service: a transport (`tower::service_fn` over an
/// async closure is one) and the service a [`tower::Layer`] makes are both.
///
/// A transport sends the one request it is given, as it is given: it must not follow
/// redirects or retry (the client does both, with its rules), and it must not send the
/// request elsewhere than its URI.
pub trait Transport:
    Service<HttpRequest, Response = HttpResponse, Error = BoxError, Future: Send + 'static>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> Transport for S where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError, Future: Send + 'static>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// Which attempt of a call a request is, in the extensions of every [`HttpRequest`] a layer
/// sees: `number` counts from 1 and grows with each retry; `redirects` counts the redirects
/// followed within this attempt (0 for the request the attempt starts with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// 1 for the first attempt, 2 for the first retry, ...
    pub number: u32,
    /// How many redirects led to this request within the attempt.
    pub redirects: u32,
}

/// The operation a request belongs to, in the extensions of every [`HttpRequest`] a layer
/// sees: for metrics and logs that need a name with few values rather than the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The operation's name in the generated crate.
    pub name: &'static str,
    /// The path template of the API description (`/things/{id}`), never the filled-in path.
    pub path: &'static str,
}

/// One request as it is sent: an `http::Request` whose body is whole (so a layer can sign
/// it), with the credentials already in it, and [`Attempt`] and [`Operation`] in its
/// extensions. It dereferences to the
/// `http::Request`, to read or change.
///
/// Its `Debug` masks every credential of the client (in the URI, in any header), and shows
/// the body's length only, so that logging it by accident leaks nothing; `http::Request`'s
/// own `Debug` (through [`into_http`](Self::into_http), or of its URI) would print a
/// credential sent in the query.
pub struct HttpRequest {
    inner: http::Request<Bytes>,
    /// The client's credentials, as `Debug` masks them.
    masks: Arc<[String]>,
}

impl HttpRequest {
    /// A request to hand to a transport (in a test of one); nothing is masked in its
    /// `Debug`, as it holds no credential of a client.
    pub fn new(request: http::Request<Bytes>) -> Self {
        HttpRequest {
            inner: request,
            masks: Arc::from(Vec::new()),
        }
    }

    pub(crate) fn masked(request: http::Request<Bytes>, masks: Arc<[String]>) -> Self {
        HttpRequest {
            inner: request,
            masks,
        }
    }

    /// The `http::Request` itself, to send (its `Debug` is not masked).
    pub fn into_http(self) -> http::Request<Bytes> {
        self.inner
    }

    fn mask(&self, text: &str) -> String {
        crate::error::mask(
            text,
            &self.masks.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    }
}

impl Deref for HttpRequest {
    type Target = http::Request<Bytes>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl DerefMut for HttpRequest {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .inner
            .headers()
            .iter()
            .map(|(name, value)| {
                let shown = match value.to_str() {
                    _ if value.is_sensitive() => "Sensitive".to_owned(),
                    Ok(text) => self.mask(text),
                    Err(_) => "<bytes>".to_owned(),
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", self.inner.method())
            .field("uri", &self.mask(&self.inner.uri().to_string()))
            .field("headers", &headers)
            .field("body_len", &self.inner.body().len())
            .field("attempt", &self.inner.extensions().get::<Attempt>())
            .field("operation", &self.inner.extensions().get::<Operation>())
            .finish_non_exhaustive()
    }
}

/// A response body: whole, or read as it comes (a stream of events). A transport makes one
/// from bytes, a text, a `Stream` of chunks, or any `http_body::Body`.
pub struct Body {
    inner: UnsyncBoxBody<Bytes, BoxError>,
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Body::from(Bytes::new())
    }

    /// A body of the chunks of `stream`, read as they come.
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = Result<Bytes, BoxError>> + Send + 'static,
    {
        Body::wrap(Chunks(Box::pin(stream)))
    }

    /// Any `http_body::Body` of bytes (hyper's, reqwest's, `http_body_util`'s).
    pub fn wrap<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Body {
            inner: body.map_err(Into::into).boxed_unsync(),
        }
    }

    /// The next chunk of data (trailers are skipped); `None` at the end. A layer that keeps
    /// a response (a cache) reads it with this, then answers with `Body::from` the bytes.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, BoxError> {
        loop {
            let frame = std::future::poll_fn(|cx| Pin::new(&mut self.inner).poll_frame(cx)).await;
            match frame {
                None => return Ok(None),
                Some(Err(err)) => return Err(err),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body::wrap(http_body_util::Full::new(bytes))
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body::from(Bytes::from_static(text.as_bytes()))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("size_hint", &self.inner.size_hint())
            .finish_non_exhaustive()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A `Stream` of chunks as an `http_body::Body`.
struct Chunks(Pin<Box<dyn futures_core::Stream<Item = Result<Bytes, BoxError>> + Send>>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map(Frame::data)))
    }
}

/// The URL a reqwest response came from, which the redirect rule checks (a transport that
/// is not reqwest says nothing: its answer is the answer of the URI it was sent).
#[derive(Clone)]
pub(crate) struct FinalUrl(pub(crate) Url);

/// The default transport: a `reqwest::Client` that follows no redirect.
#[derive(Clone)]
pub(crate) struct Reqwest(pub(crate) reqwest::Client);

impl Service<HttpRequest> for Reqwest {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let client = self.0.clone();
        Box::pin(async move {
            let (parts, body) = request.into_http().into_parts();
            let url = Url::parse(&parts.uri.to_string())?;
            let mut request = client.request(parts.method, url).headers(parts.headers);
            // No body at all rather than an empty one, as a call without a body sends.
            if !body.is_empty() {
                request = request.body(body);
            }
            let response = request.send().await?;
            let url = FinalUrl(response.url().clone());
            let mut response = http::Response::<reqwest::Body>::from(response).map(Body::wrap);
            response.extensions_mut().insert(url);
            Ok(response)
        })
    }
}

/// Refuses a request whose URI is not on the base URL's origin: the service just around
/// the transport, inside every layer, so that no layer can send the client's credentials
/// elsewhere.
#[derive(Clone)]
pub(crate) struct Guard {
    pub(crate) base: Url,
    pub(crate) inner: Stack,
}

/// What [`Guard`] returns for a request to another origin; nothing was sent.
#[derive(Debug)]
pub(crate) struct OffOrigin;

impl fmt::Display for OffOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a layer sent the request to another origin than the API's")
    }
}

impl std::error::Error for OffOrigin {}

impl Service<HttpRequest> for Guard {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let same = Url::parse(&request.uri().to_string())
            .is_ok_and(|url| url.origin() == self.base.origin());
        if !same {
            return Box::pin(std::future::ready(Err(Box::new(OffOrigin) as BoxError)));
        }
        Box::pin(self.inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debug_of_a_request_masks_every_credential_however_it_is_written() {
        let secret = "k&1 2/3";
        let mut request = http::Request::new(Bytes::from_static(b"{\"a\":1}"));
        *request.uri_mut() = "http://h/p?x=1&api_key=k%261+2%2F3".parse().unwrap();
        let mut sensitive = http::HeaderValue::from_static("Bearer tok");
        sensitive.set_sensitive(true);
        request.headers_mut().insert("authorization", sensitive);
        // A header a layer added by hand, not marked sensitive, that repeats the secret.
        request
            .headers_mut()
            .insert("x-echo", http::HeaderValue::from_str(secret).unwrap());
        request.extensions_mut().insert(Attempt {
            number: 2,
            redirects: 0,
        });
        let masks: Arc<[String]> = Arc::from(vec![secret.to_owned(), "Bearer tok".to_owned()]);
        let debug = format!("{:?}", HttpRequest::masked(request, masks));
        assert!(
            !debug.contains("k%261") && !debug.contains("k&1"),
            "{debug}"
        );
        assert!(
            !debug.contains("tok") && !debug.contains("\\\"a\\\""),
            "{debug}"
        );
        assert!(
            debug.contains("api_key=***") && debug.contains("x=1"),
            "{debug}"
        );
        assert!(
            debug.contains("number: 2") && debug.contains("body_len: 7"),
            "{debug}"
        );
    }
}
