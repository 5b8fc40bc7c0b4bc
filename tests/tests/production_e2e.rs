//! The generated `zenskar` client under the conditions of production, against a real HTTP
//! server on 127.0.0.1 with counted requests: retries (how many, on what, with
//! `Retry-After`, never a `POST` unless asked), timeouts, pagination, responses that are
//! malformed or too large, request ids, tracing spans, and secrets kept out of all of it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};
use zenskar::types::CreateCustomerRequestSchema;
use zenskar::{Client, ClientBuilder, Error, RetryPolicy};

const API_KEY: &str = "zk_live_secret_4242";
const ORGANISATION: &str = "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f";
const CUSTOMER_ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn customer(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "external_id": null,
        "customer_name": name,
        "custom_data": {},
        "address": {},
    })
}

/// Retries with tiny waits, so the tests stay fast; everything else as users get it.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn builder_for(server: &MockServer) -> ClientBuilder {
    traced();
    Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(server.uri())
        .retry(quick_retries())
}

fn client_for(server: &MockServer) -> Client {
    builder_for(server).build().expect("valid settings")
}

/// `verb` requests get `failure` the first `times` times, then a customer.
async fn fails_then_answers(
    server: &MockServer,
    verb: &str,
    failure: ResponseTemplate,
    times: u64,
) {
    Mock::given(method(verb))
        .respond_with(failure)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer(CUSTOMER_ID, "Acme")))
        .with_priority(2)
        .mount(server)
        .await;
}

fn customer_uuid() -> uuid::Uuid {
    CUSTOMER_ID.parse().unwrap()
}

async fn requests_to(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// Neither the API key nor the organisation id appears in any rendering of the error.
fn assert_no_secret(err: &Error) {
    for text in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains(API_KEY), "API key in {text}");
        assert!(!text.contains(ORGANISATION), "organisation id in {text}");
    }
}

#[tokio::test]
async fn transient_statuses_are_retried_until_the_attempts_run_out() {
    for status in [429, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .expect(3)
            .mount(&server)
            .await;
        let err = client_for(&server)
            .get_customer_by_id(customer_uuid())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.attempts(), 3, "{err}");
        assert!(err.to_string().ends_with("after 3 attempts"), "{err}");
        assert_no_secret(&err);
        server.verify().await;
    }
}

#[tokio::test]
async fn a_retry_that_succeeds_returns_the_answer_and_other_errors_are_not_retried() {
    let server = MockServer::start().await;
    fails_then_answers(&server, "GET", ResponseTemplate::new(503), 2).await;
    let response = client_for(&server)
        .get_customer_by_id(customer_uuid())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.body.customer_name, "Acme");
    assert_eq!(requests_to(&server).await, 3);

    // 400, 404, 422 and 500 say something about the request or the server's code: sending
    // the same request again would not help.
    for status in [400, 404, 422, 500] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        let err = client_for(&server)
            .get_customer_by_id(customer_uuid())
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), 1);
        server.verify().await;
    }
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    // In seconds, and as an HTTP date two seconds ahead (dates have whole seconds, so at
    // least one second); the date is written just before it is served.
    for as_date in [false, true] {
        let (status, retry_after) = if as_date {
            let date = SystemTime::now() + Duration::from_secs(2);
            (503, httpdate::fmt_http_date(date))
        } else {
            (429, "1".to_owned())
        };
        let server = MockServer::start().await;
        let failure =
            ResponseTemplate::new(status).insert_header("retry-after", retry_after.as_str());
        fails_then_answers(&server, "GET", failure, 1).await;
        let started = Instant::now();
        client_for(&server)
            .get_customer_by_id(customer_uuid())
            .await
            .unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(1),
            "{retry_after}: waited {waited:?}"
        );
        assert_eq!(requests_to(&server).await, 2);
    }
}

#[tokio::test]
async fn a_success_that_does_not_decode_after_a_retry_counts_both_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{", "application/json"))
        .with_priority(2)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_eq!(err.attempts(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client_for(&server)
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(30));
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.headers["retry-after"], "3600");
    server.verify().await;
}

#[tokio::test]
async fn a_post_is_retried_only_when_the_caller_opts_in_or_sets_an_idempotency_key() {
    let request = CreateCustomerRequestSchema::new("Acme Corporation");

    // By default: one attempt, whatever the status.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .create_customer(request.clone())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    server.verify().await;

    // Opted in for this call.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(4)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .create_customer(request.clone())
        .with_retry(quick_retries().max_attempts(4).retry_non_idempotent(true))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 4);
    server.verify().await;

    // An idempotency key makes repeating safe: the server deduplicates.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("idempotency-key", "create-acme-1"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .header("Idempotency-Key", "create-acme-1")
        .build()
        .unwrap();
    let err = client.create_customer(request.clone()).await.unwrap_err();
    assert_eq!(err.attempts(), 3);
    server.verify().await;

    // Retries can be turned off for the whole client.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    server.verify().await;
}

/// A server that accepts connections and closes them without answering, counting them.
async fn hang_up_server() -> (String, Arc<AtomicU32>) {
    traced();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{address}"), count)
}

#[tokio::test]
async fn connection_errors_are_retried_for_idempotent_requests_only() {
    let (url, connections) = hang_up_server().await;
    let client = Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(&url)
        .retry(quick_retries().max_attempts(4))
        .build()
        .unwrap();
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert_eq!(err.attempts(), 4);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
    assert_no_secret(&err);

    // The POST reached the server (the connection was accepted), so it is not repeated.
    let before = connections.load(Ordering::SeqCst);
    let request = CreateCustomerRequestSchema::new("Acme Corporation");
    let err = client.create_customer(request).await.unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(connections.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn timeouts_fire_per_client_and_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(customer(CUSTOMER_ID, "Acme"))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;

    // Per call, without retries: one attempt, cut short.
    let client = client_for(&server);
    let started = Instant::now();
    let err = client
        .get_customer_by_id(customer_uuid())
        .with_timeout(Duration::from_millis(200))
        .with_retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(err.attempts(), 1);
    assert_no_secret(&err);

    // Per client; a timed-out GET is retried, each attempt with its own timeout.
    let client = builder_for(&server)
        .timeout(Some(Duration::from_millis(150)))
        .retry(quick_retries().max_attempts(2))
        .build()
        .unwrap();
    let before = requests_to(&server).await;
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(err.attempts(), 2);
    assert_eq!(requests_to(&server).await, before + 2);

    // A call can wait longer than the client's default.
    let fast = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(customer(CUSTOMER_ID, "Acme"))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&fast)
        .await;
    let client = builder_for(&fast)
        .timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let customer = client
        .get_customer_by_id(customer_uuid())
        .with_timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(customer.customer_name, "Acme");
}

fn page(ids: &[&str], next: Option<&str>) -> ResponseTemplate {
    let results: Vec<Value> = ids.iter().map(|id| customer(id, id)).collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "results": results,
        "next": next,
        "previous": null,
    }))
}

fn uuid_n(n: u8) -> String {
    format!("00000000-0000-0000-0000-0000000000{n:02}")
}

/// Three pages of five customers, for a walk filtered by email with pages of two. Each
/// page answers exactly once.
async fn three_pages(server: &MockServer) -> Vec<String> {
    let ids: Vec<String> = (1..=5).map(uuid_n).collect();
    let filtered = |mock: wiremock::MockBuilder| {
        mock.and(path("/customers"))
            .and(query_param("limit", "2"))
            .and(query_param("email__ilike", "%@acme.com"))
    };
    filtered(Mock::given(method("GET")).and(query_param_is_missing("cursor")))
        .respond_with(page(&[&ids[0], &ids[1]], Some("c2")))
        .expect(1)
        .mount(server)
        .await;
    filtered(Mock::given(method("GET")).and(query_param("cursor", "c2")))
        .respond_with(page(&[&ids[2], &ids[3]], Some("c3")))
        .expect(1)
        .mount(server)
        .await;
    filtered(Mock::given(method("GET")).and(query_param("cursor", "c3")))
        .respond_with(page(&[&ids[4]], None))
        .expect(1)
        .mount(server)
        .await;
    ids
}

#[tokio::test]
async fn pagination_visits_every_page_exactly_once() {
    let server = MockServer::start().await;
    let ids = three_pages(&server).await;
    let client = client_for(&server);
    let mut customers = client
        .list_customers()
        .limit(2)
        .email_ilike("%@acme.com")
        .paginate()
        .items();
    let mut seen = Vec::new();
    while let Some(customer) = customers.try_next().await.unwrap() {
        seen.push(customer.id.to_string());
    }
    assert_eq!(seen, ids);
    // The walk is over: asking again sends nothing.
    assert!(customers.try_next().await.unwrap().is_none());
    server.verify().await;

    // Pages one at a time, through the `Stream` trait (what `futures::StreamExt` uses).
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = client_for(&server);
    let mut pages = client
        .list_customers()
        .limit(2)
        .email_ilike("%@acme.com")
        .paginate();
    let mut sizes = Vec::new();
    while let Some(page) = std::future::poll_fn(|cx| {
        oagen_runtime::Stream::poll_next(std::pin::Pin::new(&mut pages), cx)
    })
    .await
    {
        sizes.push(page.unwrap().results.len());
    }
    assert_eq!(sizes, [2, 2, 1]);
    server.verify().await;
}

#[tokio::test]
async fn pagination_stops_on_an_error_and_on_a_cursor_that_repeats() {
    // The second page fails: the first page's items, then the error, then nothing.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&[&uuid_n(1)], Some("c2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let mut items = client.list_customers().paginate().items();
    assert!(items.try_next().await.unwrap().is_some());
    let err = items.try_next().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(items.try_next().await.unwrap().is_none());
    server.verify().await;

    // A server that keeps answering with the same cursor would loop forever.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&[&uuid_n(1)], Some("same")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "same"))
        .respond_with(page(&[&uuid_n(2)], Some("same")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let mut pages = client.list_customers().paginate();
    assert!(pages.try_next().await.unwrap().is_some());
    assert!(pages.try_next().await.unwrap().is_some());
    let err = pages.try_next().await.unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    assert!(pages.try_next().await.unwrap().is_none());
    server.verify().await;
}

#[tokio::test]
async fn malformed_responses_are_errors_of_the_right_kind_never_panics() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty body", b"", "application/json"),
        ("html", b"<html>maintenance</html>", "text/html"),
        (
            "truncated json",
            br#"{"id": "123e4567-e89b-12d3-a456-4266"#,
            "application/json",
        ),
        ("wrong shape", b"[1, 2, 3]", "application/json"),
        ("not utf-8", &[0xff, 0xfe, 0x00], "application/json"),
    ];
    for (name, body, content_type) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_vec(), content_type))
            .expect(1)
            .mount(&server)
            .await;
        let err = client_for(&server)
            .get_customer_by_id(customer_uuid())
            .await
            .unwrap_err();
        let Error::Decode(decode) = &err else {
            panic!("{name}: expected a decode error, got {err:?}");
        };
        assert_eq!(decode.status.as_u16(), 200, "{name}");
        // What the server sent is kept, byte for byte.
        assert_eq!(&decode.body[..], body, "{name}");
        assert_eq!(decode.headers["content-type"], content_type, "{name}");
        assert_no_secret(&err);
        server.verify().await;
    }

    // Unknown fields are not errors.
    let server = MockServer::start().await;
    let mut body = customer(CUSTOMER_ID, "Acme");
    body["a_field_added_later"] = json!({"nested": [1, 2]});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let customer = client_for(&server)
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap();
    assert_eq!(customer.customer_name, "Acme");

    // Nor are enum values the client does not know (the Zenskar spec has no enums; a
    // fixture's client does).
    use oagen_tests::fixture_string_enum::types::{ItemColor, Status};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"status": "a-status-added-later", "color": "ultraviolet"}
        ])))
        .mount(&server)
        .await;
    let client = oagen_tests::fixture_string_enum::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let items = client.list_items().await.unwrap();
    assert_eq!(
        items[0].status,
        Status::Unknown2("a-status-added-later".into())
    );
    assert_eq!(
        items[0].color,
        Some(ItemColor::Unknown("ultraviolet".into()))
    );
}

#[tokio::test]
async fn a_huge_body_is_refused_without_being_read() {
    let big = "x".repeat(64 * 1024);
    for status in [200, 500] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(big.clone(), "application/json"),
            )
            .mount(&server)
            .await;
        let client = builder_for(&server)
            .max_response_bytes(16 * 1024)
            .build()
            .unwrap();
        let err = client
            .get_customer_by_id(customer_uuid())
            .await
            .unwrap_err();
        let Error::ResponseTooLarge(too_large) = &err else {
            panic!("expected ResponseTooLarge, got {err:?}");
        };
        assert_eq!(too_large.status.as_u16(), status);
        assert_eq!(too_large.limit, 16 * 1024);
        assert!(err.to_string().contains("larger than the limit"), "{err}");
    }
}

#[tokio::test]
async fn errors_carry_the_request_id_status_headers_and_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req_8f3a")
                .set_body_raw(r#"{"detail": "Customer not found"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let err = client_for(&server)
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("req_8f3a"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        err.body(),
        Some(&br#"{"detail": "Customer not found"}"#[..])
    );
    assert!(
        err.headers()
            .is_some_and(|h| h.contains_key("x-request-id"))
    );
    assert_eq!(
        err.to_string(),
        "the server answered 404 Not Found (request id req_8f3a)"
    );

    // Successful responses give theirs too.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_ok")
                .set_body_json(customer(CUSTOMER_ID, "Acme")),
        )
        .mount(&server)
        .await;
    let response = client_for(&server)
        .get_customer_by_id(customer_uuid())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.request_id(), Some("req_ok"));
}

#[tokio::test]
async fn the_default_user_agent_names_the_crate_and_its_version() {
    let server = MockServer::start().await;
    let expected = format!("zenskar/{}", zenskar_version());
    Mock::given(method("GET"))
        .and(header("user-agent", expected.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer(CUSTOMER_ID, "Acme")))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap();
    server.verify().await;
}

/// The generated crate's version, from its manifest.
fn zenskar_version() -> String {
    let manifest = include_str!("../../generated/Cargo.toml");
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a version in generated/Cargo.toml")
        .to_owned()
}

/// Spans and events as a tracing subscriber sees them: each span's name and fields, and
/// every event's fields with the span it happened in.
#[derive(Default)]
struct Recorded {
    spans: Vec<(String, BTreeMap<String, String>)>,
    events: Vec<(Option<usize>, BTreeMap<String, String>)>,
}

struct Recorder(&'static Mutex<Recorded>);

thread_local! {
    /// The spans entered on this thread, innermost last (as indexes into `spans`).
    static ENTERED: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Everything every test of this file traced. One global subscriber, installed before any
/// client exists: tracing caches which call sites are enabled, and a subscriber set for one
/// thread only (`set_default`) misses call sites first reached by tests running in parallel.
fn traced() -> &'static Mutex<Recorded> {
    static RECORDED: OnceLock<&'static Mutex<Recorded>> = OnceLock::new();
    RECORDED.get_or_init(|| {
        let recorded: &'static Mutex<Recorded> = Box::leak(Box::default());
        tracing::subscriber::set_global_default(Recorder(recorded))
            .expect("no other global subscriber in this test binary");
        recorded
    })
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

fn index(id: &tracing::span::Id) -> usize {
    usize::try_from(id.into_u64()).unwrap() - 1
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut recorded = self.0.lock().unwrap();
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        recorded
            .spans
            .push((span.metadata().name().to_owned(), fields));
        tracing::span::Id::from_u64(recorded.spans.len() as u64)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut recorded = self.0.lock().unwrap();
        values.record(&mut Fields(&mut recorded.spans[index(span)].1));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let parent = ENTERED.with(|entered| entered.borrow().last().copied());
        self.0.lock().unwrap().events.push((parent, fields));
    }

    fn enter(&self, span: &tracing::span::Id) {
        ENTERED.with(|entered| entered.borrow_mut().push(index(span)));
    }

    fn exit(&self, _: &tracing::span::Id) {
        ENTERED.with(|entered| entered.borrow_mut().pop());
    }
}

#[tokio::test]
async fn each_call_has_a_span_with_method_template_status_attempts_and_duration() {
    let server = MockServer::start().await;
    fails_then_answers(
        &server,
        "PATCH",
        ResponseTemplate::new(503).insert_header("retry-after", "0"),
        1,
    )
    .await;
    let update = zenskar::types::UpdateCustomerRequestSchema::new().customer_name("Acme");
    client_for(&server)
        .update_customer(CUSTOMER_ID, update)
        .with_retry(quick_retries().retry_non_idempotent(true))
        .await
        .unwrap();

    // Only this test calls `update_customer`.
    let recorded = traced().lock().unwrap();
    let calls: Vec<(usize, &BTreeMap<String, String>)> = recorded
        .spans
        .iter()
        .enumerate()
        .filter(|(_, (name, fields))| {
            name == "request"
                && fields.get("operation").map(String::as_str) == Some("update_customer")
        })
        .map(|(index, (_, fields))| (index, fields))
        .collect();
    let [(index, span)] = calls.as_slice() else {
        panic!("expected one request span, got {:?}", recorded.spans);
    };
    assert_eq!(span["http.method"], "PATCH");
    assert_eq!(span["url.template"], "/customers/{customer_id}");
    assert_eq!(span["http.status"], "200");
    assert_eq!(span["attempts"], "2");
    assert!(span["duration_ms"].parse::<u64>().is_ok(), "{span:?}");
    // The retry is an event inside the span, saying why.
    let retries: Vec<&BTreeMap<String, String>> = recorded
        .events
        .iter()
        .filter(|(parent, _)| *parent == Some(*index))
        .map(|(_, fields)| fields)
        .collect();
    assert!(
        retries
            .iter()
            .any(|e| e.get("reason").is_some_and(|r| r.contains("503"))
                && e.get("attempt").map(String::as_str) == Some("1")),
        "{retries:?}"
    );
    // No credential anywhere in what any test of this file traced, and no filled-in path or
    // body in this call's span or events.
    let everything = format!("{:?} {:?}", recorded.spans, recorded.events);
    for secret in [API_KEY, ORGANISATION] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
    let this_call = format!("{span:?} {retries:?}");
    for value in [CUSTOMER_ID, "Acme"] {
        assert!(!this_call.contains(value), "{value} in {this_call}");
    }
}

#[tokio::test]
async fn last_item_pagination_follows_has_more_and_the_last_id() {
    // Stripe's way, in a fixture client: `starting_after` is the last id while `has_more`.
    let server = MockServer::start().await;
    let charges = |ids: &[&str], has_more: bool| {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "amount": 100}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"data": data, "has_more": has_more}))
    };
    Mock::given(method("GET"))
        .and(path("/charges"))
        .and(query_param_is_missing("starting_after"))
        .and(query_param("limit", "2"))
        .respond_with(charges(&["ch_1", "ch_2"], true))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/charges"))
        .and(query_param("starting_after", "ch_2"))
        .and(query_param("limit", "2"))
        .respond_with(charges(&["ch_3"], false))
        .expect(1)
        .mount(&server)
        .await;
    traced();
    let client = oagen_tests::fixture_pagination::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let mut items = client.list_charges().limit(2).paginate().items();
    let mut ids = Vec::new();
    while let Some(charge) = items.try_next().await.unwrap() {
        ids.push(charge.id);
    }
    assert_eq!(ids, ["ch_1", "ch_2", "ch_3"]);
    server.verify().await;
}
