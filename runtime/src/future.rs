//! The futures that generated request builders return: one sending future per crate (boxed,
//! generic only over the API's error type), and a plain function that decodes its response.
//! A generated crate writes no `async` code for its operations, so the compiler builds no
//! state machine per operation.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use reqwest::StatusCode;

use crate::error::Error;
use crate::response::Response;

/// A boxed future that can be sent between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Decodes the body of a non-success response into the API's typed error, where the API
/// declares one for that status. Generated code passes a closure that captures nothing.
pub type ErrorDecoder<B> = fn(StatusCode, &[u8]) -> Option<B>;

/// Turns a success response into the operation's output (decoding JSON or text, or choosing
/// the variant of a status enum).
pub type ResponseDecoder<T, B> = fn(Response<Bytes>) -> Result<Response<T>, Error<B>>;

type Exchange<B> = BoxFuture<'static, Result<Response<Bytes>, Error<B>>>;

/// A request being sent: resolves to the decoded [`Response`] (status, headers and body), or
/// the call's error. Returned by `send_with_response()` of generated request builders; it
/// owns everything it needs, so it is `Send + 'static` and can be given to `tokio::spawn`.
/// Nothing is sent until it is polled.
#[must_use = "futures do nothing unless awaited"]
pub struct ResponseFuture<T, B> {
    state: State<T, B>,
}

enum State<T, B> {
    Sending(Exchange<B>, ResponseDecoder<T, B>),
    /// Resolved, or failed before sending (for example a next page the parameters cannot
    /// express): the error still to return, if any.
    Done(Option<Error<B>>),
}

impl<T, B> ResponseFuture<T, B> {
    pub(crate) fn new(exchange: Exchange<B>, decode: ResponseDecoder<T, B>) -> Self {
        ResponseFuture {
            state: State::Sending(exchange, decode),
        }
    }

    /// A future that resolves to `error` at once, sending nothing.
    #[doc(hidden)]
    pub fn failed(error: Error<B>) -> Self {
        ResponseFuture {
            state: State::Done(Some(error)),
        }
    }

    /// The decoded body alone, without the status and headers.
    pub fn body(self) -> BodyFuture<T, B> {
        BodyFuture { response: self }
    }
}

impl<T, B> fmt::Debug for ResponseFuture<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

// Nothing in it is pinned in place: the exchange is boxed and the rest is plain data.
impl<T, B> Unpin for ResponseFuture<T, B> {}

impl<T, B> Future for ResponseFuture<T, B> {
    type Output = Result<Response<T>, Error<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let output = match &mut this.state {
            State::Sending(exchange, decode) => match exchange.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(response)) => decode(response),
                Poll::Ready(Err(err)) => Err(err),
            },
            // Polled again after it resolved: an error, never a panic.
            State::Done(error) => Err(error.take().unwrap_or_else(|| {
                Error::Protocol("a request future was polled after it completed".to_owned())
            })),
        };
        this.state = State::Done(None);
        Poll::Ready(output)
    }
}

/// A request being sent: resolves to the decoded body alone, or the call's error. What
/// awaiting a generated request builder (or its `send()`) gives; `Send + 'static`.
#[must_use = "futures do nothing unless awaited"]
pub struct BodyFuture<T, B> {
    response: ResponseFuture<T, B>,
}

impl<T, B> fmt::Debug for BodyFuture<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyFuture").finish_non_exhaustive()
    }
}

impl<T, B> Future for BodyFuture<T, B> {
    type Output = Result<T, Error<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().response)
            .poll(cx)
            .map(|result| result.map(Response::into_body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_futures_are_send_and_static() {
        fn send_static<F: Future + Send + 'static>() {}
        // A body type that is neither `Sync` nor `Clone` still gives `Send` futures.
        send_static::<ResponseFuture<std::cell::Cell<u8>, String>>();
        send_static::<BodyFuture<std::cell::Cell<u8>, String>>();
    }

    #[tokio::test]
    async fn a_future_polled_after_it_resolved_is_an_error_not_a_panic() {
        // Nothing listens on port 9: the call fails to connect, then is polled again.
        let core = crate::CoreBuilder::new("http://127.0.0.1:9", "test")
            .build()
            .unwrap();
        let endpoint = crate::Endpoint {
            method: reqwest::Method::GET,
            path: "/",
            operation: "test",
            security: &[],
        };
        let mut future = core
            .request(endpoint, crate::CallOptions::default())
            .send_bytes::<()>(|_, _| None);
        let first = (&mut future).await.unwrap_err();
        assert!(matches!(first, Error::Network(_)), "{first:?}");
        let again = future.await.unwrap_err();
        assert!(matches!(again, Error::Protocol(_)), "{again:?}");
    }

    #[tokio::test]
    async fn a_failed_future_resolves_to_its_error_once() {
        let mut future = ResponseFuture::<(), ()>::failed(Error::Protocol("no".to_owned()));
        let err = (&mut future).await.unwrap_err();
        assert!(matches!(&err, Error::Protocol(m) if m == "no"), "{err:?}");
        let again = future.await.unwrap_err();
        assert!(matches!(again, Error::Protocol(_)), "{again:?}");
    }
}
