//! The send loop of a built request ([`Call`]): its attempts, as the retry policy allows,
//! each response body read against the size limit (the one place a body is read whole);
//! whether a transport failure may pass on another attempt, and the wait before it; the
//! tracing span of the call and the judging of the final status.

use std::fmt::Display;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use tracing::Instrument;
use tracing::field::Empty;

use crate::call::{CallOptions, Endpoint};
use crate::client::{ClientCore, Placement};
use crate::error::{ApiError, Error, TimedOut, TooLargeError};
use crate::future::ErrorDecoder;
use crate::redirect;
use crate::response::Response;
use crate::transport::{Body, BoxError, HttpResponse, OffOrigin, Operation};

/// Credentials sent in the query: each parameter's name and value.
type QueryCredentials<'a> = Vec<(&'static str, &'a str)>;

/// A request built without problems, ready to send.
pub(crate) struct Call {
    pub(crate) core: ClientCore,
    pub(crate) endpoint: Endpoint,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<(Bytes, HeaderValue)>,
    pub(crate) options: CallOptions,
    /// An idempotency key is sent, so the request may be repeated whatever its method.
    pub(crate) keyed: bool,
}

/// A response read to its end (or, for a stream, begun), before its status is judged.
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Payload,
    pub(crate) attempts: u32,
}

pub(crate) enum Payload {
    Whole(Bytes),
    /// A success response of a streaming call, its body not read yet.
    Stream(Body),
}

/// How a call reads its response.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Read the whole body within the call's timeout.
    Whole,
    /// Hand a success body over unread; the timeout applies to each wait (for the headers,
    /// then for each chunk).
    Stream,
}

/// Why a response body could not be read.
pub(crate) enum BodyError {
    Transport(BoxError),
    TooLarge,
}

impl BodyError {
    /// The call's error for a body that could not be read: a transport failure with every
    /// credential of `core` masked, or a body over the size limit.
    pub(crate) fn into_error<B>(
        self,
        core: &ClientCore,
        status: StatusCode,
        headers: HeaderMap,
        attempts: u32,
    ) -> Error<B> {
        match self {
            BodyError::Transport(err) => core.transport_error(err, attempts),
            BodyError::TooLarge => Error::ResponseTooLarge(Box::new(TooLargeError {
                status,
                headers,
                limit: core.inner.max_response_bytes,
                attempts,
            })),
        }
    }
}

/// Reads a whole body, refusing one beyond `limit` bytes without reading it all.
pub(crate) async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    if http_body::Body::size_hint(&body)
        .exact()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut read = bytes::BytesMut::new();
    while let Some(chunk) = body.chunk().await.map_err(BodyError::Transport)? {
        if read.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        read.extend_from_slice(&chunk);
    }
    Ok(read.freeze())
}

impl Call {
    /// Sends the request (again, as the retry policy allows), reads the response (to its
    /// end, or for a stream until it begins) and judges its status, inside a tracing span
    /// that records the method, the path template, the operation, the final status, the
    /// number of attempts and the duration.
    pub(crate) async fn exchange<B>(
        self,
        mode: Mode,
        decode_error: ErrorDecoder<B>,
    ) -> Result<Response<Payload>, Error<B>> {
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
            return Ok(Response {
                status,
                headers,
                body,
                attempts,
            });
        }
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

    /// The URL (a followed link, the call's query, query credentials) and headers (the
    /// client's, the request's, the call's, then the credentials) of every attempt, and the
    /// query credentials to set again on any URL a redirect leads to.
    fn addressed<B>(&self) -> Result<(Url, HeaderMap, QueryCredentials<'_>), Error<B>> {
        let inner = &self.core.inner;
        let mut url = match self
            .options
            .follow
            .as_deref()
            .map(|link| self.url.join(link))
        {
            Some(Ok(next)) if next.origin() == inner.base_url.origin() => next,
            Some(_) => {
                return Err(Error::Protocol(
                    "the server linked to a next page that is not a URL on the API's origin; \
                     it was not followed"
                        .to_owned(),
                ));
            }
            None => self.url.clone(),
        };
        set_query(&mut url, &self.options.query);
        let mut headers = inner.headers.clone();
        for (name, value) in self.headers.iter() {
            headers.append(name.clone(), value.clone());
        }
        // The call's own headers replace those of the same name; credentials, set below,
        // replace them in turn.
        for (name, _) in &self.options.headers {
            headers.remove(name);
        }
        for (name, value) in &self.options.headers {
            headers.append(name.clone(), value.clone());
        }
        if let Some(id) = &self.options.last_event_id {
            match HeaderValue::from_str(id) {
                Ok(value) => {
                    headers.insert("last-event-id", value);
                }
                Err(_) => {
                    return Err(Error::InvalidRequest(
                        "the last event id is not a valid header value".to_owned(),
                    ));
                }
            }
        }
        // Credentials in the query, set again on any URL a redirect leads to.
        let mut query_credentials: Vec<(&'static str, &str)> = Vec::new();
        for credential in &inner.credentials {
            if !self.endpoint.security.contains(&credential.scheme) {
                continue;
            }
            match &credential.placement {
                Placement::Header(name, value) => {
                    if *name == COOKIE {
                        headers.append(name.clone(), value.clone());
                    } else {
                        headers.insert(name.clone(), value.clone());
                    }
                }
                Placement::Query(name, secret) => {
                    query_credentials.push((name, secret.expose()));
                }
            }
        }
        // Set once each, replacing any value a followed link carried.
        redirect::set_query_credentials(&mut url, &query_credentials);
        if let Some((_, content_type)) = &self.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
        Ok((url, headers, query_credentials))
    }

    /// The attempts themselves: every answer is returned, except those the retry policy
    /// says to try again. The timeout of an attempt covers the layers and the transport,
    /// and for a whole body its reading too.
    pub(crate) async fn attempts<B>(self, mode: Mode) -> Result<Exchange, Error<B>> {
        let inner = &self.core.inner;
        let (url, headers, query_credentials) = self.addressed()?;
        let policy = self.options.retry.as_ref().unwrap_or(&inner.retry);
        let timeout = self.options.timeout.or(inner.timeout);
        let repeatable = self.keyed || policy.may_repeat(&self.endpoint.method, &headers);
        let outgoing = redirect::Outgoing {
            stack: &inner.stack,
            method: self.endpoint.method.clone(),
            url,
            headers,
            body: self.body.as_ref().map(|(bytes, _)| bytes.clone()),
            base: &inner.base_url,
            query_credentials: &query_credentials,
            masks: &inner.masks,
            operation: Operation {
                name: self.endpoint.operation,
                path: self.endpoint.path,
            },
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= policy.attempts();
            let deadline = timeout.map(|timeout| tokio::time::Instant::now() + timeout);
            let response = match within(deadline, redirect::send(&outgoing, attempt)).await {
                Some(Ok(response)) => response,
                None if !last && repeatable => {
                    wait(attempt, policy.backoff(attempt), &"timeout").await;
                    continue;
                }
                None => return Err(self.timed_out(mode, timeout, attempt)),
                Some(Err(redirect::Failure::Redirect(mut err))) => {
                    err.attempts = attempt;
                    return Err(Error::Redirect(err));
                }
                Some(Err(redirect::Failure::Transport(err))) => {
                    if err.is::<OffOrigin>() {
                        return Err(Error::InvalidRequest(err.to_string()));
                    }
                    // A request that never connected was never sent, so it is safe to send
                    // whatever its method. A failure that would repeat is not retried.
                    if !last && will_pass(&err) && (repeatable || never_connected(&err)) {
                        wait(attempt, policy.backoff(attempt), &transport_reason(&err)).await;
                        continue;
                    }
                    return Err(self.core.transport_error(err, attempt));
                }
            };
            let status = response.status();
            let response_headers = response.headers().clone();
            if !last && repeatable {
                if let Some(delay) = policy.after_status(status, &response_headers, attempt) {
                    wait(attempt, delay, &status).await;
                    continue;
                }
            }
            let exchange = |body| Exchange {
                status,
                headers: response_headers.clone(),
                body,
                attempts: attempt,
            };
            if mode == Mode::Stream && status.is_success() {
                return Ok(exchange(Payload::Stream(response.into_body())));
            }
            let body = HttpResponse::into_body(response);
            match within(deadline, read_body(body, inner.max_response_bytes)).await {
                Some(Ok(body)) => return Ok(exchange(Payload::Whole(body))),
                None if !last && repeatable => {
                    wait(attempt, policy.backoff(attempt), &"timeout").await;
                }
                None => return Err(self.timed_out(mode, timeout, attempt)),
                Some(Err(BodyError::Transport(err))) if !last && repeatable => {
                    wait(attempt, policy.backoff(attempt), &transport_reason(&err)).await;
                }
                Some(Err(err)) => {
                    return Err(err.into_error(&self.core, status, response_headers, attempt));
                }
            }
        }
    }

    /// The error of an attempt whose timeout passed: for a stream, the wait for it to
    /// begin; else the whole exchange.
    fn timed_out<B>(&self, mode: Mode, timeout: Option<Duration>, attempts: u32) -> Error<B> {
        match mode {
            Mode::Stream => Error::IdleTimeout {
                idle: timeout.unwrap_or_default(),
                attempts,
            },
            Mode::Whole => self.core.transport_error(Box::new(TimedOut), attempts),
        }
    }
}

/// `future`'s output, or `None` once `deadline` has passed.
async fn within<F: std::future::Future>(
    deadline: Option<tokio::time::Instant>,
    future: F,
) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

/// Sets the call's own query parameters on `url`, in place of any pair of the same name.
fn set_query(url: &mut reqwest::Url, extra: &[(String, String)]) {
    if extra.is_empty() {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !extra.iter().any(|(n, _)| n == name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let mut pairs = url.query_pairs_mut();
    pairs.clear();
    for (name, value) in kept.iter().chain(extra) {
        pairs.append_pair(name, value);
    }
}

/// Whether a transport failure may pass if the request is sent again: not a request that
/// could not be built, nor a chain of redirects (a user's own client may follow them) that
/// looped or ran too long, nor a TLS handshake that failed on what the server sent (a
/// certificate that is not trusted, or a server that does not speak TLS), which TLS layers
/// report as an I/O error of kind `InvalidData`. Another transport's error may pass, unless
/// it says the same.
fn will_pass(err: &BoxError) -> bool {
    if let Some(err) = err.downcast_ref::<reqwest::Error>() {
        if err.is_builder() || err.is_redirect() {
            return false;
        }
    }
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&**err);
    while let Some(source) = next {
        // An I/O error wrapping another hides it from `source()`: look inside too.
        let mut io = source.downcast_ref::<std::io::Error>();
        while let Some(error) = io {
            if error.kind() == std::io::ErrorKind::InvalidData {
                return false;
            }
            io = error
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<std::io::Error>());
        }
        next = source.source();
    }
    true
}

/// Whether the request surely never left: reqwest's connection failure.
fn never_connected(err: &BoxError) -> bool {
    err.downcast_ref::<reqwest::Error>()
        .is_some_and(reqwest::Error::is_connect)
}

/// Why a transport error happened, in words that cannot hold the URL (whose query may hold
/// a credential).
fn transport_reason(err: &BoxError) -> &'static str {
    match err.downcast_ref::<reqwest::Error>() {
        Some(err) if err.is_timeout() => "timeout",
        Some(err) if err.is_connect() => "connection failed",
        _ => "network error",
    }
}

/// Waits before the next attempt, saying why in a `debug` event of the request's span.
fn wait(attempt: u32, delay: Duration, reason: &dyn Display) -> tokio::time::Sleep {
    tracing::debug!(
        attempt,
        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        reason = %reason,
        "retrying"
    );
    tokio::time::sleep(delay)
}
