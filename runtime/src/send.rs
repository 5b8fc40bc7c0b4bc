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
use crate::error::{ApiError, Error, TooLargeError};
use crate::future::ErrorDecoder;
use crate::redirect;
use crate::response::Response;

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
    Stream(reqwest::Response),
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
    Transport(reqwest::Error),
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
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
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
    /// says to try again.
    pub(crate) async fn attempts<B>(self, mode: Mode) -> Result<Exchange, Error<B>> {
        let inner = &self.core.inner;
        let (url, headers, query_credentials) = self.addressed()?;
        let policy = self.options.retry.as_ref().unwrap_or(&inner.retry);
        let timeout = self.options.timeout.or(inner.timeout);
        let repeatable = self.keyed || policy.may_repeat(&self.endpoint.method, &headers);
        let outgoing = redirect::Outgoing {
            http: &inner.http,
            method: self.endpoint.method.clone(),
            url,
            headers,
            body: self.body.as_ref().map(|(bytes, _)| bytes.clone()),
            // A stream's timeout applies to each wait, so not to the whole exchange.
            timeout: if mode == Mode::Whole { timeout } else { None },
            base: &inner.base_url,
            query_credentials: &query_credentials,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= policy.attempts();
            let sent = match (timeout, mode) {
                (Some(timeout), Mode::Stream) => {
                    match tokio::time::timeout(timeout, redirect::send(&outgoing)).await {
                        Ok(sent) => sent,
                        Err(_) if !last && repeatable => {
                            wait(attempt, policy.backoff(attempt), &"timeout").await;
                            continue;
                        }
                        Err(_) => {
                            return Err(Error::IdleTimeout {
                                idle: timeout,
                                attempts: attempt,
                            });
                        }
                    }
                }
                _ => redirect::send(&outgoing).await,
            };
            let response = match sent {
                Ok(response) => response,
                Err(redirect::Failure::Redirect(mut err)) => {
                    err.attempts = attempt;
                    return Err(Error::Redirect(err));
                }
                Err(redirect::Failure::Transport(err)) => {
                    // A request that never connected was never sent, so it is safe to send
                    // whatever its method. A failure that would repeat is not retried.
                    if !last && will_pass(&err) && (repeatable || err.is_connect()) {
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
            if mode == Mode::Stream && status.is_success() {
                return Ok(Exchange {
                    status,
                    headers: response_headers,
                    body: Payload::Stream(response),
                    attempts: attempt,
                });
            }
            match read_body(response, inner.max_response_bytes).await {
                Ok(body) => {
                    return Ok(Exchange {
                        status,
                        headers: response_headers,
                        body: Payload::Whole(body),
                        attempts: attempt,
                    });
                }
                Err(BodyError::Transport(err)) if !last && repeatable => {
                    wait(attempt, policy.backoff(attempt), &transport_reason(&err)).await;
                    continue;
                }
                Err(err) => {
                    return Err(err.into_error(&self.core, status, response_headers, attempt));
                }
            }
        }
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
/// report as an I/O error of kind `InvalidData`.
fn will_pass(err: &reqwest::Error) -> bool {
    use std::error::Error as _;
    if err.is_builder() || err.is_redirect() {
        return false;
    }
    let mut next = err.source();
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

/// Why a transport error happened, in words that cannot hold the URL (whose query may hold
/// a credential).
fn transport_reason(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connection failed"
    } else {
        "network error"
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
