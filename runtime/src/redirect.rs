//! Redirects, followed by the client itself so that credentials never leave the API's origin.
//!
//! reqwest follows redirects on its own by default, and on a change of host it strips only
//! `Authorization`, `Cookie` and their kind: an API key in a custom header, or in the query,
//! goes along to wherever the server points, and so does the body of a `307`. The client that
//! [`CoreBuilder`](crate::CoreBuilder) builds therefore follows none (`Policy::none()`, and no
//! `Referer`), and [`send`] follows them here:
//!
//! - to the base URL's origin (scheme, host and port): followed, with the credentials
//!   applied again (a query credential is set on the new URL);
//! - to any other origin, `https` to `http` included: not followed; the redirect is returned
//!   as [`Error::Redirect`](crate::Error::Redirect) with its status and location, for the
//!   caller to decide;
//! - a location seen before in the chain, or more than [`RedirectError::MAX_HOPS`] hops:
//!   [`Error::Redirect`](crate::Error::Redirect), never retried, since it would happen again.
//!
//! `301` and `302` turn a `POST` into a `GET` without body, and `303` turns any method but
//! `HEAD` into one, as browsers and reqwest do; `307` and `308` repeat the method and body.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Method, StatusCode, Url};
use tower::ServiceExt;

use crate::error::{RedirectError, RedirectReason};
use crate::transport::{Attempt, BoxError, FinalUrl, HttpRequest, HttpResponse, Operation, Stack};

/// One request to send, and where its credentials may go.
pub(crate) struct Outgoing<'a> {
    /// The client's layers and transport.
    pub(crate) stack: &'a Stack,
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    /// The base URL: only its origin receives the request.
    pub(crate) base: &'a Url,
    /// Credentials placed in the query (name, value), set again on every URL followed.
    pub(crate) query_credentials: &'a [(&'static str, &'a str)],
    /// What the `Debug` of a request masks.
    pub(crate) masks: &'a Arc<[String]>,
    /// The operation, for the layers.
    pub(crate) operation: Operation,
}

/// Why [`send`] returned no response.
pub(crate) enum Failure {
    Transport(BoxError),
    /// `attempts` is filled in by the caller.
    Redirect(Box<RedirectError>),
}

impl Outgoing<'_> {
    /// One request through the layers and the transport.
    async fn once(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&Bytes>,
        attempt: Attempt,
    ) -> Result<HttpResponse, BoxError> {
        let mut request = http::Request::new(body.cloned().unwrap_or_default());
        *request.method_mut() = method.clone();
        *request.uri_mut() = url.as_str().parse()?;
        *request.headers_mut() = headers.clone();
        request.extensions_mut().insert(attempt);
        request.extensions_mut().insert(self.operation);
        let request = HttpRequest::masked(request, self.masks.clone());
        self.stack.clone().oneshot(request).await
    }
}

/// Sends the request, following redirects within the base URL's origin; `number` is the
/// attempt's.
pub(crate) async fn send(outgoing: &Outgoing<'_>, number: u32) -> Result<HttpResponse, Failure> {
    let mut method = outgoing.method.clone();
    let mut url = outgoing.url.clone();
    let mut headers = outgoing.headers.clone();
    let mut body = outgoing.body.clone();
    let mut visited: Vec<Url> = Vec::new();
    loop {
        let attempt = Attempt {
            number,
            redirects: u32::try_from(visited.len()).unwrap_or(u32::MAX),
        };
        let response = outgoing
            .once(&method, &url, &headers, body.as_ref(), attempt)
            .await
            .map_err(Failure::Transport)?;
        let status = response.status();

        // A user's own `reqwest::Client` may have followed redirects itself: an answer from
        // another origin is not the API's answer.
        if let Some(FinalUrl(answered)) = response.extensions().get::<FinalUrl>() {
            if !same_origin(answered, outgoing.base) {
                let mut location = answered.clone();
                strip_query_credentials(&mut location, outgoing.query_credentials);
                return Err(refused(
                    status,
                    response.headers().clone(),
                    location,
                    RedirectReason::OtherOrigin,
                ));
            }
        }
        let Some(location) = location(status, response.headers(), &url) else {
            // Not a redirect, or one without a usable location: that is the answer.
            return Ok(response);
        };
        // The next URL as it will be sent; the error keeps the location as the server gave
        // it, so that it never holds a credential of ours.
        let mut next = location.clone();
        set_query_credentials(&mut next, outgoing.query_credentials);
        let reason = if !same_origin(&location, outgoing.base) {
            Some(RedirectReason::OtherOrigin)
        } else if next == url || visited.contains(&next) {
            Some(RedirectReason::Loop)
        } else if visited.len() >= RedirectError::MAX_HOPS as usize {
            Some(RedirectReason::TooMany)
        } else {
            None
        };
        if let Some(reason) = reason {
            let mut shown = location;
            strip_query_credentials(&mut shown, outgoing.query_credentials);
            return Err(refused(status, response.headers().clone(), shown, reason));
        }

        let becomes_get = match status {
            StatusCode::SEE_OTHER => method != Method::HEAD,
            StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => method == Method::POST,
            _ => false,
        };
        if becomes_get {
            method = Method::GET;
            body = None;
            headers.remove(CONTENT_TYPE);
        }
        visited.push(std::mem::replace(&mut url, next));
    }
}

/// The URL a redirect response points at, resolved against the request's URL; `None` for
/// any other response, or a redirect whose `Location` is missing or not a URL.
fn location(status: StatusCode, headers: &HeaderMap, url: &Url) -> Option<Url> {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let value = headers.get(LOCATION)?.to_str().ok()?;
    url.join(value).ok()
}

fn same_origin(url: &Url, base: &Url) -> bool {
    url.origin() == base.origin()
}

/// Sets each query credential on `url`, replacing any value the location (or a followed
/// link) carried.
pub(crate) fn set_query_credentials(url: &mut Url, credentials: &[(&'static str, &str)]) {
    strip_query_credentials(url, credentials);
    if !credentials.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in credentials {
            pairs.append_pair(name, value);
        }
    }
}

/// Removes the query pairs named like a query credential (a server may echo the query it
/// was sent into its `Location`).
fn strip_query_credentials(url: &mut Url, credentials: &[(&'static str, &str)]) {
    if credentials.is_empty() || url.query().is_none() {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !credentials.iter().any(|(n, _)| n == name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
        return;
    }
    let mut pairs = url.query_pairs_mut();
    pairs.clear();
    for (name, value) in &kept {
        pairs.append_pair(name, value);
    }
}

fn refused(
    status: StatusCode,
    headers: HeaderMap,
    location: Url,
    reason: RedirectReason,
) -> Failure {
    Failure::Redirect(Box::new(RedirectError {
        status,
        headers,
        location,
        reason,
        attempts: 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_differ_by_scheme_host_or_port() {
        let base = Url::parse("https://api.example.com/v1").unwrap();
        for same in [
            "https://api.example.com/other?x=1",
            "https://api.example.com:443/v2",
        ] {
            assert!(same_origin(&Url::parse(same).unwrap(), &base), "{same}");
        }
        for other in [
            "http://api.example.com/v1",
            "https://api.example.com:8443/v1",
            "https://evil.example.com/v1",
            "https://api.example.com.evil.example/v1",
        ] {
            assert!(!same_origin(&Url::parse(other).unwrap(), &base), "{other}");
        }
    }

    #[test]
    fn query_credentials_replace_what_the_location_carried() {
        let mut url = Url::parse("http://h/p?a=1&key=stolen&b=2").unwrap();
        set_query_credentials(&mut url, &[("key", "mine")]);
        assert_eq!(url.query(), Some("a=1&b=2&key=mine"));
        let mut url = Url::parse("http://h/p").unwrap();
        set_query_credentials(&mut url, &[]);
        assert_eq!(url.query(), None);
        let mut url = Url::parse("http://h/p?key=echoed").unwrap();
        strip_query_credentials(&mut url, &[("key", "mine")]);
        assert_eq!(url.as_str(), "http://h/p");
    }

    #[test]
    fn only_redirect_statuses_with_a_location_are_followed() {
        let url = Url::parse("http://h/a/b").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, "../c?x=1".parse().unwrap());
        for status in [301, 302, 303, 307, 308] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                location(status, &headers, &url).map(String::from),
                Some("http://h/c?x=1".to_owned())
            );
        }
        for status in [200, 300, 304, 305, 404] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(location(status, &headers, &url), None);
        }
        assert_eq!(location(StatusCode::FOUND, &HeaderMap::new(), &url), None);
    }
}
