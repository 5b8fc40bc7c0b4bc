//! What generated code says about one call before it is built: the operation
//! ([`Endpoint`]) and the settings the caller gave for this call ([`CallOptions`]).

use std::fmt;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};

use crate::retry::RetryPolicy;

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
    pub(crate) timeout: Timeout,
    pub(crate) idle_timeout: Timeout,
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
        self.timeout = Timeout::from(timeout);
    }

    /// For a stream: the longest silence between two reads of the response once it has
    /// begun ([`Error::IdleTimeout`]); `None` waits forever. Without it, the call's timeout
    /// applies.
    pub fn idle_timeout(&mut self, idle: Option<Duration>) {
        self.idle_timeout = Timeout::from(idle);
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

/// A timeout one call sets for itself, or leaves to the client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Timeout {
    /// The client's timeout applies.
    #[default]
    Client,
    /// This call waits forever.
    Never,
    /// This call waits this long.
    After(Duration),
}

impl Timeout {
    fn from(timeout: Option<Duration>) -> Self {
        timeout.map_or(Timeout::Never, Timeout::After)
    }

    /// The timeout in force: this call's, else `fallback` (the client's).
    pub(crate) fn or(self, fallback: Option<Duration>) -> Option<Duration> {
        match self {
            Timeout::Client => fallback,
            Timeout::Never => None,
            Timeout::After(timeout) => Some(timeout),
        }
    }
}
