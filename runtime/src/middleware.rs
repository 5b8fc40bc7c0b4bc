//! Middleware around every attempt, and the transport under it: `tower` layers and services
//! over [`HttpRequest`] and [`HttpResponse`].
//!
//! A generated `ClientBuilder` takes any number of layers (`.layer(..)`, the first one
//! outermost) and one transport (`.transport(..)`, reqwest unless set). For each attempt of
//! a call, and each redirect the client follows, the request goes through every layer and
//! then the transport:
//!
//! ```text
//! call ─▶ retries ─▶ redirects ─▶ layer 1 ─▶ … ─▶ layer n ─▶ origin guard ─▶ transport
//! ```
//!
//! - A layer sees the request as it is sent: the credentials in it (header values marked
//!   sensitive), its body whole (to sign it), the [`Attempt`] and the [`Operation`] in its
//!   extensions. It may change it, time it, or answer itself without calling the service
//!   it wraps (from a cache). Its `Debug` masks every credential.
//! - Retries, timeouts, the response size limit and redirects stay the client's: a layer
//!   sees each attempt, and a timeout covers the layers as well as the transport.
//! - A request that a layer sends to another origin than the API's is refused before the
//!   transport sees it (`Error::InvalidRequest`), and a redirect to another origin is not
//!   followed, whoever answered it: the client's credentials go to the API's origin only.
//!
//! A layer that signs the body with HMAC-SHA256, written with `tower::layer::layer_fn` and
//! `tower::service_fn` (both re-exported here):
//!
//! ```
//! use oagen_runtime::middleware::{http, tower, BoxError, HttpRequest, Stack};
//! use tower::ServiceExt;
//!
//! fn signed(inner: Stack) -> Stack {
//!     Stack::new(tower::service_fn(move |mut request: HttpRequest| {
//!         let signature = format!("{:x}", request.body().len()); // an HMAC of the body
//!         let value = http::HeaderValue::from_str(&signature);
//!         let inner = inner.clone();
//!         async move {
//!             request.headers_mut().insert("x-signature", value?);
//!             inner.oneshot(request).await
//!         }
//!     }))
//! }
//! let layer = tower::layer::layer_fn(signed);
//! # let _ = layer;
//! # let _: Option<BoxError> = None;
//! ```

pub use crate::transport::{
    Attempt, Body, BoxError, HttpRequest, HttpResponse, Operation, Stack, Transport,
};
/// `http`, whose `Request`, `Response` and headers layers and transports handle.
pub use http;
/// `tower`, whose `Layer` and `Service` layers and transports implement (with its `util`
/// helpers: `service_fn`, `layer_fn`, `ServiceExt`).
pub use tower;

/// A `tower::Layer` a client can wrap around its transport: implemented for every layer
/// whose service is a [`Transport`] when it wraps a [`Stack`].
pub trait AttemptLayer: Send + Sync + 'static {
    /// Wraps `inner` in this layer, boxed.
    fn wrap(&self, inner: Stack) -> Stack;
}

impl<L> AttemptLayer for L
where
    L: tower::Layer<Stack> + Send + Sync + 'static,
    L::Service: Transport,
{
    fn wrap(&self, inner: Stack) -> Stack {
        Stack::new(self.layer(inner))
    }
}
