use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{ConfigError, Error};
use crate::middleware::AttemptLayer;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::{BoxError, Guard, Reqwest, Stack, Transport};

/// Where a credential goes on each request, as the API's `securitySchemes` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLocation {
    /// An API key in the named request header.
    Header(&'static str),
    /// An API key in the named query parameter.
    Query(&'static str),
    /// An API key in the named cookie.
    Cookie(&'static str),
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`; the secret is `user:password`.
    Basic,
}

/// A credential after validation: ready to be attached to a request.
#[derive(Clone)]
pub(crate) struct Credential {
    pub(crate) scheme: &'static str,
    pub(crate) placement: Placement,
}

#[derive(Clone)]
pub(crate) enum Placement {
    /// Header name and a value already marked sensitive.
    Header(HeaderName, HeaderValue),
    Query(&'static str, Secret),
}

impl Credential {
    /// The credential's text as sent, to mask wherever a lower layer might repeat it.
    pub(crate) fn text(&self) -> Option<&str> {
        match &self.placement {
            Placement::Header(_, value) => value.to_str().ok(),
            Placement::Query(_, secret) => Some(secret.expose()),
        }
    }
}

/// Builds a [`ClientCore`]. Generated `ClientBuilder`s wrap this and add one setter per
/// credential of their API.
pub struct CoreBuilder {
    base_url: String,
    http: Option<reqwest::ClientBuilder>,
    connect_timeout_set: bool,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    user_agent: String,
    credentials: Vec<(&'static str, AuthLocation, Secret)>,
    headers: Vec<(String, String)>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    /// The transport, when not reqwest.
    transport: Option<Stack>,
    /// The layers around it, the first outermost.
    layers: Vec<Box<dyn AttemptLayer>>,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self
            .credentials
            .iter()
            .map(|(scheme, _, _)| *scheme)
            .collect();
        f.debug_struct("CoreBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("credentials", &schemes)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "transport",
                &self.transport.as_ref().map_or("reqwest", |_| "custom"),
            )
            .field("layers", &self.layers.len())
            .finish_non_exhaustive()
    }
}

impl CoreBuilder {
    /// The largest response body read unless the user sets another limit: 64 MiB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

    /// The timeout for one whole request (connect, send, and read the response) unless
    /// the user sets another.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The timeout for opening a connection unless the user sets another.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A builder with the API's default base URL and a user agent naming the generated crate.
    pub fn new(default_base_url: &str, user_agent: &str) -> Self {
        CoreBuilder {
            base_url: default_base_url.to_owned(),
            http: None,
            connect_timeout_set: false,
            timeout: Some(Self::DEFAULT_TIMEOUT),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            user_agent: user_agent.to_owned(),
            credentials: Vec::new(),
            headers: Vec::new(),
            retry: RetryPolicy::default(),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            transport: None,
            layers: Vec::new(),
        }
    }

    /// Wraps every attempt of every request in `layer` (a `tower::Layer`; see
    /// [`middleware`](crate::middleware)). Called again, the layer added first is the
    /// outermost.
    pub fn layer(&mut self, layer: impl AttemptLayer) {
        self.layers.push(Box::new(layer));
    }

    /// Sends requests through `transport` (a `tower::Service`; see
    /// [`middleware`](crate::middleware)) instead of reqwest. The reqwest settings
    /// ([`http_client`](Self::http_client), [`connect_timeout`](Self::connect_timeout)) then
    /// have no effect; the timeouts, retries, redirects, size limit and the credential rule
    /// still apply.
    pub fn transport(&mut self, transport: impl Transport) {
        self.transport = Some(Stack::new(transport));
    }

    /// How requests are retried ([`RetryPolicy::default`] unless set;
    /// [`RetryPolicy::disabled`] never retries).
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// The largest response body the client reads; a larger one is
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), so a misbehaving server
    /// cannot exhaust memory.
    pub fn max_response_bytes(&mut self, limit: usize) {
        self.max_response_bytes = limit;
    }

    /// Sends requests to another base URL (a sandbox, a proxy, a test server).
    pub fn base_url(&mut self, url: impl Into<String>) {
        self.base_url = url.into();
    }

    /// Builds the HTTP client from this `reqwest::ClientBuilder` (for proxies, TLS settings,
    /// a connection pool's size): its own settings apply, except two that [`build`] sets on
    /// it because credentials depend on them. Redirects are not followed by reqwest
    /// (`redirect::Policy::none()`): reqwest's default policy follows them to any host and
    /// strips only `Authorization` and `Cookie` there, so an API key in another header or
    /// in the query would reach another origin; this client follows them itself, within
    /// the API's origin only. And no `Referer` is sent. The connect timeout of this builder
    /// applies only when it was set ([`CoreBuilder::connect_timeout`]); its user agent is
    /// sent as a default header either way.
    ///
    /// A finished `reqwest::Client` is not taken: its redirect policy can no longer be
    /// changed, so nothing could keep it from carrying credentials elsewhere.
    ///
    /// [`build`]: CoreBuilder::build
    pub fn http_client(&mut self, builder: reqwest::ClientBuilder) {
        self.http = Some(builder);
    }

    /// The timeout for each attempt of a request (connect, send, and read the whole
    /// response); `None` waits forever.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The timeout for opening a connection.
    pub fn connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
        self.connect_timeout_set = true;
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(&mut self, user_agent: impl Into<String>) {
        self.user_agent = user_agent.into();
    }

    /// A header sent with every request.
    pub fn header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.headers.push((name.into(), value.into()));
    }

    /// A credential for the security scheme `scheme`, replacing any earlier one.
    pub fn credential(&mut self, scheme: &'static str, location: AuthLocation, secret: Secret) {
        self.credentials
            .retain(|(existing, _, _)| *existing != scheme);
        self.credentials.push((scheme, location, secret));
    }

    /// HTTP basic credentials for the security scheme `scheme`.
    pub fn basic_credential(&mut self, scheme: &'static str, username: &str, password: &Secret) {
        let joined = Secret::new(format!("{username}:{}", password.expose()));
        self.credential(scheme, AuthLocation::Basic, joined);
    }

    /// Validates everything and builds the client. Nothing is sent.
    pub fn build(self) -> Result<ClientCore, ConfigError> {
        let base_url = parse_base_url(&self.base_url)?;

        let mut credentials = Vec::with_capacity(self.credentials.len());
        for (scheme, location, secret) in self.credentials {
            credentials.push(Credential {
                scheme,
                placement: placement(scheme, location, secret)?,
            });
        }

        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::new(format!("`{name}` is not a valid header name")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                ConfigError::new(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            })?;
            headers.append(header_name, header_value);
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| ConfigError::new("the user agent is not a valid header value"))?;
        headers.insert(reqwest::header::USER_AGENT, user_agent);

        let transport = match self.transport {
            Some(transport) => transport,
            None => Stack::new(Reqwest(reqwest_client(
                self.http,
                self.connect_timeout_set,
                self.connect_timeout,
            )?)),
        };
        let mut stack = Stack::new(Guard {
            base: base_url.clone(),
            inner: transport,
        });
        for layer in self.layers.iter().rev() {
            stack = layer.wrap(stack);
        }
        let masks = Arc::from(secrets_of(&credentials));
        Ok(ClientCore {
            inner: Arc::new(Inner {
                stack,
                base_url,
                credentials,
                headers,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                masks,
            }),
        })
    }
}

/// The default transport's client. Redirects are followed by the request itself, within
/// the API's origin only (see `redirect.rs`); reqwest's own policy would take credentials
/// elsewhere. Set on the user's builder too, last, so that nothing they set can undo it.
fn reqwest_client(
    http: Option<reqwest::ClientBuilder>,
    connect_timeout_set: bool,
    connect_timeout: Duration,
) -> Result<reqwest::Client, ConfigError> {
    let builder = match http {
        Some(builder) if !connect_timeout_set => builder,
        Some(builder) => builder.connect_timeout(connect_timeout),
        None => reqwest::Client::builder().connect_timeout(connect_timeout),
    };
    builder
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .build()
        .map_err(|err| ConfigError::new(format!("could not build the HTTP client: {err}")))
}

/// What of `credentials` to mask (see [`ClientCore::secrets`]).
fn secrets_of(credentials: &[Credential]) -> Vec<String> {
    let mut secrets = Vec::new();
    for text in credentials.iter().filter_map(Credential::text) {
        secrets.push(text.to_owned());
        if let Some((scheme, token)) = text.split_once(' ') {
            let token = token.trim();
            let basic = scheme
                .eq_ignore_ascii_case("basic")
                .then(|| crate::Base64::decode(token))
                .flatten();
            if let Some(decoded) = basic {
                let decoded = String::from_utf8_lossy(decoded.as_bytes()).into_owned();
                if let Some((_, password)) = decoded.split_once(':') {
                    secrets.push(password.to_owned());
                }
                secrets.push(decoded);
            }
            secrets.push(token.to_owned());
        }
    }
    secrets.retain(|secret| !secret.is_empty());
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    secrets
}

fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw)
        .map_err(|err| ConfigError::new(format!("`{raw}` is not a valid base URL: {err}")))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::new(format!(
            "`{raw}` is not a valid base URL: it must be an http:// or https:// URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::new(format!(
            "`{raw}` is not a valid base URL: it must not have a query or fragment"
        )));
    }
    Ok(url)
}

fn placement(
    scheme: &'static str,
    location: AuthLocation,
    secret: Secret,
) -> Result<Placement, ConfigError> {
    // An empty credential is a mistake (an unset environment variable, say) that the server
    // would report as a 401 on the first call; it is reported here, before anything is sent.
    let exposed = secret.expose();
    let empty = match location {
        AuthLocation::Basic => exposed.split(':').next().unwrap_or("").trim().is_empty(),
        _ => exposed.trim().is_empty(),
    };
    if empty {
        let what = match location {
            AuthLocation::Basic => "the username",
            _ => "the credential",
        };
        return Err(ConfigError::new(format!("{what} for `{scheme}` is empty")));
    }
    let invalid = || {
        ConfigError::new(format!(
            "the credential for `{scheme}` is not a valid HTTP header value \
             (it must be visible ASCII, without line breaks)"
        ))
    };
    let sensitive = |value: &str| {
        HeaderValue::from_str(value).map(|mut value| {
            value.set_sensitive(true);
            value
        })
    };
    Ok(match location {
        AuthLocation::Header(name) => {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                ConfigError::new(format!(
                    "`{name}` of scheme `{scheme}` is not a valid header name"
                ))
            })?;
            Placement::Header(name, sensitive(secret.expose()).map_err(|_| invalid())?)
        }
        AuthLocation::Bearer => Placement::Header(
            reqwest::header::AUTHORIZATION,
            sensitive(&format!("Bearer {}", secret.expose())).map_err(|_| invalid())?,
        ),
        AuthLocation::Basic => Placement::Header(
            reqwest::header::AUTHORIZATION,
            sensitive(&format!(
                "Basic {}",
                crate::Base64(secret.expose().as_bytes().to_vec()).encode()
            ))
            .map_err(|_| invalid())?,
        ),
        AuthLocation::Cookie(name) => Placement::Header(
            reqwest::header::COOKIE,
            sensitive(&format!("{name}={}", secret.expose())).map_err(|_| invalid())?,
        ),
        AuthLocation::Query(name) => Placement::Query(name, secret),
    })
}

/// What every generated client holds: the HTTP client, base URL, credentials and defaults.
/// Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct ClientCore {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The layers and the transport every attempt goes through.
    pub(crate) stack: Stack,
    pub(crate) base_url: Url,
    pub(crate) credentials: Vec<Credential>,
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    /// [`ClientCore::secrets`], computed once: what the `Debug` of a request masks.
    pub(crate) masks: Arc<[String]>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.inner.credentials.iter().map(|c| c.scheme).collect();
        f.debug_struct("ClientCore")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &schemes)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// The URL that operation paths are appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// What of the client's credentials to mask wherever a lower layer or the server might
    /// repeat them: each as sent, the token of an `Authorization`-style value (`Bearer
    /// <token>`), and the password of a basic one; longest first, so that a part is not
    /// masked inside a longer whole. Every credential, whichever the call sends.
    pub(crate) fn secrets(&self) -> Vec<String> {
        self.inner.masks.to_vec()
    }

    /// A transport failure as the call's error, its cause with every credential masked.
    pub(crate) fn transport_error<B>(&self, err: BoxError, attempts: u32) -> Error<B> {
        let secrets = self.secrets();
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        Error::transport(err, attempts, &secrets)
    }

    /// The message of an error the server sent inside a stream, with every credential masked.
    pub(crate) fn server_message(&self, body: &[u8]) -> String {
        let secrets = self.secrets();
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        crate::error::server_message(body, &secrets)
    }
}
