//! A typed mock of an API for users' tests (the `mock` feature), on wiremock: a server on
//! 127.0.0.1, and per call an expectation that matches the request a generated request
//! builder would send (its own typed parameters and body, encoded by the client's own code)
//! and answers with the operation's own types, pages, a stream, an error or a fault.
//!
//! Generated code supplies, per operation, the request (`Operation::request`) and how its
//! success type is answered (`Operation::answer`), and for paginated and streaming
//! operations where the next page is and how the stream is framed (`Paginated`,
//! `Streamed`). Everything else is here. Imports `request.rs`, `call.rs` and `stream.rs`
//! (through `mock_pages.rs`) and nothing imports it.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use wiremock::{Mock, ResponseTemplate};

use crate::request::Parts;

pub use crate::mock_pages::{NextPage, PageShape};
/// A request the mock received (wiremock's): method, URL, headers and body.
pub use wiremock::Request as ReceivedRequest;

/// A mock of the API on a free port of 127.0.0.1, which stops when dropped.
///
/// Every expectation that was not met fails the test when the server is dropped (or at
/// [`MockServer::verify`]), with a message that names the operation. A request that no
/// expectation matches gets a `404` answer.
pub struct MockServer {
    server: wiremock::MockServer,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish()
    }
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        MockServer {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`), for a client's `base_url`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// An expectation for the request that `request` (a generated request builder) would
    /// send: the same path, the query and header parameters it sets, and the same body.
    /// Parameters it does not set are not compared, nor the call's own settings
    /// (`with_header`, `with_query`, timeouts), the client's headers or credentials.
    /// Expected once unless [`Expectation::times`] says otherwise.
    pub fn expect<O: Operation>(&self, request: O) -> Expectation<'_, O> {
        Expectation {
            server: &self.server,
            request,
            times: Some(1),
            delay: None,
        }
    }

    /// Fails (panics) unless every expectation so far was met, naming each one that was
    /// not (by its operation) and listing the requests received. Dropping the server checks
    /// the same.
    pub async fn verify(&self) {
        self.server.verify().await
    }

    /// The requests received so far, in order (for checks of your own).
    pub async fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

/// A request builder of a generated client, seen by the mock: implemented by generated code
/// for each operation (with the `mock` feature).
/// Its request comes from `Build`, what the client itself sends.
pub trait Operation: crate::Build + Sized {
    /// What a successful call returns.
    type Output;
    /// The crate's typed error bodies (`ErrorBody`).
    type Error: ErrorAnswer;
    /// The response that decodes into `output`.
    fn answer(output: &Self::Output) -> Answer;
}

/// A paginated list operation: where its pages hold their items and the next page.
pub trait Paginated: Operation {
    const PAGES: PageShape;
}

/// An operation that answers with a stream of events.
pub trait Streamed: Operation {
    /// One item of the stream.
    type Event: Serialize;
    /// How the stream is framed.
    const FORMAT: crate::StreamFormat;
}

/// A typed error body as an answer (implemented by generated `ErrorBody`).
pub trait ErrorAnswer {
    fn answer(&self, status: u16) -> Answer;
}

/// A response the mock sends: a status, headers and a body.
#[derive(Debug, Clone)]
pub struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Option<(Vec<u8>, String)>,
}

impl Answer {
    /// A status without a body.
    pub fn empty(status: u16) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// A JSON body. Panics (failing the test) if `value` cannot be written as JSON.
    pub fn json(status: u16, value: &impl Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Answer::bytes(status, &bytes, "application/json"),
            Err(err) => panic!("a mock's answer could not be written as JSON: {err}"),
        }
    }

    /// A text body of the given media type.
    pub fn text(status: u16, text: &str, media_type: &str) -> Self {
        Answer::bytes(status, text.as_bytes(), media_type)
    }

    /// Any body of the given media type, as it is (one that does not decode: a malformed
    /// answer).
    pub fn bytes(status: u16, body: &[u8], media_type: &str) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: Some((body.to_vec(), media_type.to_owned())),
        }
    }

    /// The same answer with another status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The same answer with a header added.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn template(&self, delay: Option<Duration>) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status);
        for (name, value) in &self.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        if let Some((body, media_type)) = &self.body {
            template = template.set_body_raw(body.clone(), media_type);
        }
        match delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

/// The error a disconnecting expectation gives the server: it closes the connection
/// without answering.
#[derive(Debug)]
struct Disconnect;

impl fmt::Display for Disconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the mock closed the connection without answering")
    }
}

impl std::error::Error for Disconnect {}

/// An expected call of one operation, and the answer it gets: made by
/// [`MockServer::expect`], set up with `times` and `delay`, then mounted by one of its
/// answering methods (`respond`, `fail`, `respond_pages`, `respond_stream`,
/// `rate_limited`, `disconnect`...), which is awaited.
#[must_use = "an expectation does nothing until one of its answering methods is awaited"]
pub struct Expectation<'a, O> {
    server: &'a wiremock::MockServer,
    request: O,
    /// Exactly this many matching calls (and no more are answered); `None`: any number.
    times: Option<u64>,
    delay: Option<Duration>,
}

impl<O> fmt::Debug for Expectation<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("times", &self.times)
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl<'a, O: Operation> Expectation<'a, O> {
    /// Expects exactly `n` matching calls and answers no more (`0`: the call must not be
    /// made). Once by default.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers any number of matching calls, none required.
    pub fn any_number_of_times(mut self) -> Self {
        self.times = None;
        self
    }

    /// Waits this long before answering (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers with a success value of the operation's own type (its status: the one the
    /// API describes for a value of several statuses, else 200, or 204 without a body).
    pub async fn respond(self, output: &O::Output) {
        let answer = O::answer(output);
        self.answer(answer).await
    }

    /// Answers with a success value, with another status.
    pub async fn respond_with_status(self, status: u16, output: &O::Output) {
        let answer = O::answer(output).with_status(status);
        self.answer(answer).await
    }

    /// Answers with one of the API's error bodies (a variant of the crate's `ErrorBody`)
    /// and an error status.
    pub async fn fail(self, status: u16, error: &O::Error) {
        let answer = error.answer(status);
        self.answer(answer).await
    }

    /// Answers with this status and no body.
    pub async fn respond_status(self, status: u16) {
        self.answer(Answer::empty(status)).await
    }

    /// Answers `429 Too Many Requests` with `Retry-After` (whole seconds). The client's
    /// retry policy retries it (for an idempotent call), so expect one call per attempt.
    pub async fn rate_limited(self, retry_after: Duration) {
        let seconds = retry_after.as_secs().to_string();
        let answer = Answer::empty(429).with_header("retry-after", &seconds);
        self.answer(answer).await
    }

    /// Closes the connection without answering (the client sees a network error, and
    /// retries it as its policy says).
    pub async fn disconnect(self) {
        let (name, matcher) = matcher(self.request, false);
        let mock = Mock::given(matcher).respond_with_err(|_: &wiremock::Request| Disconnect);
        mount(self.server, mock, name, self.times).await
    }

    /// Answers with any answer: a body that does not decode, headers of your own.
    pub async fn answer(self, answer: Answer) {
        let (name, matcher) = matcher(self.request, false);
        let mock = Mock::given(matcher).respond_with(answer.template(self.delay));
        mount(self.server, mock, name, self.times).await
    }
}

impl<'a, O: Paginated> Expectation<'a, O>
where
    O::Output: Serialize,
{
    /// Answers a walk over every page (`paginate()`), one call per page, with these pages
    /// (each a value of the operation's own page type), in order. The way to each next page
    /// is written into the pages as the operation's pagination says (a cursor, a link, a
    /// header); a walk by page number or offset gets an empty page after the last. Each
    /// page is expected once; `times` is not used.
    pub async fn respond_pages(self, pages: Vec<O::Output>) {
        let pages: Vec<serde_json::Value> = pages
            .iter()
            .map(|page| match serde_json::to_value(page) {
                Ok(value) => value,
                Err(err) => panic!("a mock's page could not be written as JSON: {err}"),
            })
            .collect();
        let (name, base) = matcher(self.request, false);
        let plan = crate::mock_pages::plan(&O::PAGES, &base.query, base.path.clone(), pages);
        let count = plan.len();
        for (index, page) in plan.into_iter().enumerate() {
            let mut matcher = base.clone();
            if let Some((param, value)) = page.query {
                matcher.query.retain(|(name, _)| *name != param);
                if page.link {
                    matcher.query.clear();
                }
                matcher.query.push((param, value));
            }
            let mut answer = Answer::json(200, &page.body);
            for (header, value) in &page.headers {
                answer = answer.with_header(header, value);
            }
            let mock = Mock::given(matcher).respond_with(answer.template(self.delay));
            let name = format!("{name}, page {} of {count}", index + 1);
            mount(self.server, mock, name, Some(1)).await;
        }
    }
}

impl<'a, O: Streamed> Expectation<'a, O> {
    /// Answers the streaming call (the builder's `stream()`) with these items, framed as
    /// the operation's stream is (server-sent events, JSON lines or a JSON text sequence).
    pub async fn respond_stream(self, events: Vec<O::Event>) {
        let (body, media_type) = crate::mock_pages::stream_body(&O::FORMAT, &events);
        let (name, matcher) = matcher(self.request, true);
        let answer = Answer::bytes(200, &body, media_type);
        let mock = Mock::given(matcher).respond_with(answer.template(self.delay));
        mount(self.server, mock, name, self.times).await
    }
}

async fn mount(server: &wiremock::MockServer, mock: Mock, name: String, times: Option<u64>) {
    let mock = match times {
        Some(n) => mock.expect(n).up_to_n_times(n.max(1)),
        None => mock,
    };
    mock.named(name).mount(server).await
}

/// The operation's name for messages (`` `create_pet` (POST /pets) ``) and the matcher of
/// the request the builder would send. Panics (failing the test) if the builder holds a
/// request the client would refuse to send.
fn matcher<O: Operation>(request: O, stream: bool) -> (String, Matcher) {
    let parts: Parts = request.build(stream).into_parts();
    let endpoint = &parts.endpoint;
    let name = format!(
        "`{}` ({} {})",
        endpoint.operation, endpoint.method, endpoint.path
    );
    if let Some(problem) = &parts.problem {
        panic!("the expected request of {name} would not be sent: {problem}");
    }
    let body = parts.body.map(|(bytes, content_type)| {
        let media_type = content_type
            .to_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if media_type.starts_with("multipart/") {
            // Its boundary is new on every request.
            BodyMatch::Any
        } else if media_type.contains("json") {
            match serde_json::from_slice(&bytes) {
                Ok(value) => BodyMatch::Json(value),
                Err(_) => BodyMatch::Bytes(bytes.to_vec()),
            }
        } else {
            BodyMatch::Bytes(bytes.to_vec())
        }
    });
    let matcher = Matcher {
        method: endpoint.method.as_str().to_owned(),
        path: parts.url.path().to_owned(),
        query: parts.url.query_pairs().into_owned().collect(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect(),
        body,
    };
    (name, matcher)
}

/// What a request must carry to match: its method and path, these query pairs and headers
/// (among others), and this body.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    method: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<BodyMatch>,
}

#[derive(Debug, Clone)]
enum BodyMatch {
    /// Equal as JSON values (key order and spacing aside).
    Json(serde_json::Value),
    Bytes(Vec<u8>),
    Any,
}

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        if request.method.as_str() != self.method || request.url.path() != self.path {
            return false;
        }
        let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let mut unused: Vec<&(String, String)> = pairs.iter().collect();
        for expected in &self.query {
            match unused.iter().position(|pair| *pair == expected) {
                Some(index) => {
                    unused.swap_remove(index);
                }
                None => return false,
            }
        }
        let headers = self.headers.iter().all(|(name, value)| {
            request
                .headers
                .get_all(name.as_str())
                .iter()
                .any(|sent| sent.as_bytes() == value.as_slice())
        });
        headers
            && match &self.body {
                None | Some(BodyMatch::Any) => true,
                Some(BodyMatch::Bytes(bytes)) => request.body == *bytes,
                Some(BodyMatch::Json(value)) => {
                    serde_json::from_slice::<serde_json::Value>(&request.body)
                        .is_ok_and(|sent| sent == *value)
                }
            }
    }
}
