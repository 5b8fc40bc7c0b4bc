//! End to end, on 127.0.0.1: one walk per pagination style through the client generated
//! from `fixtures/pagination_styles.yaml` (`oagen_tests::fixture_pagination_styles`), each
//! page answered exactly once (`expect(1)`), and idempotency keys through
//! `fixtures/idempotency_keys.yaml`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oagen_runtime::RetryPolicy;
use oagen_tests::fixture_pagination_styles::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::{header_exists, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

fn repos(ids: std::ops::Range<i64>) -> Value {
    Value::Array(ids.map(|id| json!({"id": id})).collect())
}

async fn page(
    server: &MockServer,
    url_path: &str,
    query: &[(&str, &str)],
    response: ResponseTemplate,
) {
    let mut mock = Mock::given(method("GET")).and(path(url_path));
    for (name, value) in query {
        mock = mock.and(query_param(*name, *value));
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

/// Every item of a walk, or the error that ended it with the items before.
async fn walk<P, I>(
    mut items: oagen_runtime::Items<P, I, oagen_tests::fixture_pagination_styles::ErrorBody>,
) -> (Vec<I>, Option<Error>) {
    let mut seen = Vec::new();
    loop {
        match items.try_next().await {
            Ok(Some(item)) => seen.push(item),
            Ok(None) => return (seen, None),
            Err(err) => return (seen, Some(err)),
        }
    }
}

#[tokio::test]
async fn link_header_rel_next_is_followed_until_it_is_absent() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/repos"))
        .and(query_param("per_page", "2"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200)
            .insert_header(
                "link",
                format!(
                    "<{uri}/repos?per_page=2&page=2>; rel=\"next\", <{uri}/repos?per_page=2&page=3>; rel=\"last\""
                )
                .as_str(),
            )
            .set_body_json(repos(1..3)))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/repos",
        &[("per_page", "2"), ("page", "2")],
        ResponseTemplate::new(200)
            // A relative link, resolved against the request's URL.
            .insert_header("link", "</repos?per_page=2&page=3>; rel=\"next\"")
            .set_body_json(repos(3..5)),
    )
    .await;
    page(
        &server,
        "/repos",
        &[("per_page", "2"), ("page", "3")],
        ResponseTemplate::new(200)
            .insert_header(
                "link",
                format!("<{uri}/repos?per_page=2&page=1>; rel=\"first\"").as_str(),
            )
            .set_body_json(repos(5..6)),
    )
    .await;
    let (items, err) = walk(client(&server).list_repos().per_page(2).paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    server.verify().await;
}

#[tokio::test]
async fn a_link_to_another_origin_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(repos(9..10)))
        .expect(0)
        .mount(&elsewhere)
        .await;
    page(
        &server,
        "/repos",
        &[],
        ResponseTemplate::new(200)
            .insert_header(
                "link",
                format!("<{}/repos?page=2>; rel=\"next\"", elsewhere.uri()).as_str(),
            )
            .set_body_json(repos(1..2)),
    )
    .await;
    let (items, err) = walk(client(&server).list_repos().paginate().items()).await;
    assert_eq!(items.len(), 1);
    assert!(matches!(err, Some(Error::Protocol(_))), "{err:?}");
    server.verify().await;
    elsewhere.verify().await;
}

#[tokio::test]
async fn page_numbers_count_up_until_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets"))
        .and(query_param_is_missing("page"))
        .and(query_param("page_size", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tickets": repos(1..3)})))
        .expect(1)
        .mount(&server)
        .await;
    for (number, body) in [("2", repos(3..5)), ("3", repos(5..6)), ("4", repos(0..0))] {
        page(
            &server,
            "/tickets",
            &[("page", number), ("page_size", "2")],
            ResponseTemplate::new(200).set_body_json(json!({"tickets": body})),
        )
        .await;
    }
    let (items, err) = walk(
        client(&server)
            .list_tickets()
            .page_size(2)
            .paginate()
            .items(),
    )
    .await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    server.verify().await;

    // Starting from a page the caller chose.
    let server = MockServer::start().await;
    for (number, body) in [("7", repos(1..2)), ("8", repos(0..0))] {
        page(
            &server,
            "/tickets",
            &[("page", number)],
            ResponseTemplate::new(200).set_body_json(json!({"tickets": body})),
        )
        .await;
    }
    let (items, err) = walk(client(&server).list_tickets().page(7).paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 1);
    server.verify().await;
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_is_caught() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tickets": repos(1..3)})))
        .expect(2)
        .mount(&server)
        .await;
    let (items, err) = walk(client(&server).list_tickets().paginate().items()).await;
    assert_eq!(
        items.len(),
        4,
        "both pages are returned before the repeat is noticed"
    );
    assert!(matches!(err, Some(Error::Protocol(_))), "{err:?}");
    server.verify().await;
}

#[tokio::test]
async fn offsets_move_past_the_items_read_and_stop_at_the_total() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/products"))
        .and(query_param_is_missing("offset"))
        .and(query_param("limit", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"products": repos(1..3), "total": 5})),
        )
        .expect(1)
        .mount(&server)
        .await;
    for (offset, body) in [("2", repos(3..5)), ("4", repos(5..6))] {
        page(
            &server,
            "/products",
            &[("offset", offset), ("limit", "2")],
            ResponseTemplate::new(200).set_body_json(json!({"products": body, "total": 5})),
        )
        .await;
    }
    let (items, err) = walk(client(&server).list_products().limit(2).paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    server.verify().await;
}

#[tokio::test]
async fn offsets_without_a_total_stop_on_an_empty_page() {
    let server = MockServer::start().await;
    for (offset, body) in [
        ("10", json!(["a", "b"])),
        ("12", json!(["c"])),
        ("13", json!([])),
    ] {
        page(
            &server,
            "/logs",
            &[("offset", offset)],
            ResponseTemplate::new(200).set_body_json(body),
        )
        .await;
    }
    let (items, err) = walk(client(&server).list_logs().offset(10).paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, ["a", "b", "c"]);
    server.verify().await;
}

#[tokio::test]
async fn a_cursor_in_a_response_header_is_sent_back_until_it_is_absent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/audit"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-next-cursor", "c2")
                .set_body_json(repos(1..3)),
        )
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/audit",
        &[("cursor", "c2")],
        ResponseTemplate::new(200)
            .insert_header("x-next-cursor", "c3")
            .set_body_json(repos(3..4)),
    )
    .await;
    page(
        &server,
        "/audit",
        &[("cursor", "c3")],
        ResponseTemplate::new(200).set_body_json(repos(4..5)),
    )
    .await;
    let api = client(&server);
    let mut pages = api.list_audit_events().paginate();
    let mut sizes = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        sizes.push(page.len());
    }
    assert_eq!(sizes, [2, 1, 1]);
    server.verify().await;

    // A header cursor that comes back is caught.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/audit"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-next-cursor", "same")
                .set_body_json(repos(1..2)),
        )
        .expect(2)
        .mount(&server)
        .await;
    let (items, err) = walk(client(&server).list_audit_events().paginate().items()).await;
    assert_eq!(items.len(), 2);
    assert!(matches!(err, Some(Error::Protocol(_))), "{err:?}");
    server.verify().await;
}

#[tokio::test]
async fn stated_page_numbers_count_from_the_stated_first_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/reports"))
        .and(query_param_is_missing("p"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"rows": ["a"], "columns": ["x"]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    for (number, rows) in [("1", json!(["b"])), ("2", json!([]))] {
        page(
            &server,
            "/reports",
            &[("p", number)],
            ResponseTemplate::new(200).set_body_json(json!({"rows": rows, "columns": ["x"]})),
        )
        .await;
    }
    let (items, err) = walk(client(&server).list_reports().paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, ["a", "b"]);
    server.verify().await;
}

#[test]
fn an_operation_that_only_looks_paginated_gets_a_note_when_asked() {
    let document = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/pagination_styles.yaml"
    ))
    .unwrap();
    let lowered = oagen::Generator::default()
        .lower(oagen::Document::bytes(&document))
        .unwrap();
    let (notes, diagnostics): (Vec<_>, Vec<_>) = lowered
        .diagnostics
        .iter()
        .partition(|d| d.severity == oagen::Severity::Note);
    let notes: Vec<String> = notes
        .iter()
        .map(|note| format!("{}: {}", note.pointer(), note.message))
        .collect();
    assert_eq!(
        notes,
        [
            "#/paths/~1widgets/get: the operation looks paginated (query parameter `page`) but \
          matches no pagination style, so it has no `paginate()`"
        ]
    );
    // Notes apart, nothing about it (the warnings are about what the fixture states wrongly).
    assert!(
        diagnostics
            .iter()
            .all(|d| d.severity == oagen::Severity::Warning
                && d.pointer().contains("x-oagen-pagination")),
        "{diagnostics:?}"
    );
}

/// Answers `503` the first `failures` times, then `200`, recording the idempotency key sent
/// each time.
struct Flaky {
    failures: usize,
    header: &'static str,
    keys: Arc<Mutex<Vec<Option<String>>>>,
}

impl Respond for Flaky {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut keys = self.keys.lock().unwrap();
        keys.push(
            request
                .headers
                .get(self.header)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        );
        if keys.len() <= self.failures {
            ResponseTemplate::new(503)
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"amount": 100, "id": "p_1"}))
        }
    }
}

fn keyed_client(server: &MockServer) -> oagen_tests::fixture_idempotency_keys::Client {
    oagen_tests::fixture_idempotency_keys::Client::builder()
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_with_the_same_key() {
    use oagen_tests::fixture_idempotency_keys::types::Payment;
    let server = MockServer::start().await;
    let keys = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/charges"))
        .and(header_exists("idempotency-key"))
        .respond_with(Flaky {
            failures: 2,
            header: "idempotency-key",
            keys: keys.clone(),
        })
        .expect(3)
        .mount(&server)
        .await;
    let client = keyed_client(&server);
    let payment = client.create_charge(Payment::new(100)).await.unwrap();
    assert_eq!(payment.id.as_deref(), Some("p_1"));
    server.verify().await;
    let keys: Vec<String> = keys.lock().unwrap().iter().flatten().cloned().collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
    assert_eq!(keys[0].len(), 36, "a UUID: {}", keys[0]);

    // The next call has a key of its own; a key the caller sets is sent as it is.
    let server = MockServer::start().await;
    let more = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(Flaky {
            failures: 1,
            header: "x-idempotency-key",
            keys: more.clone(),
        })
        .expect(2)
        .mount(&server)
        .await;
    let client = keyed_client(&server);
    client
        .create_payment(Payment::new(100))
        .x_idempotency_key("order-6735")
        .await
        .unwrap();
    assert_eq!(
        *more.lock().unwrap(),
        [Some("order-6735".to_owned()), Some("order-6735".to_owned())]
    );
    server.verify().await;

    // Without a key (turned off), the POST is sent once.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = keyed_client(&server).create_refund().await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    server.verify().await;
    assert_ne!(keys[0], new_key().await, "each call has its own key");
}

/// The key a fresh call to `create_charge` sends.
async fn new_key() -> String {
    let server = MockServer::start().await;
    let keys = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .respond_with(Flaky {
            failures: 0,
            header: "idempotency-key",
            keys: keys.clone(),
        })
        .mount(&server)
        .await;
    keyed_client(&server)
        .create_charge(oagen_tests::fixture_idempotency_keys::types::Payment::new(
            1,
        ))
        .await
        .unwrap();
    keys.lock().unwrap()[0].clone().unwrap()
}

#[tokio::test]
async fn the_server_says_whether_and_when_to_retry() {
    use oagen_tests::fixture_idempotency_keys::types::Payment;
    // `x-should-retry: false` on a 503: not retried.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .expect(1)
        .mount(&server)
        .await;
    let err = keyed_client(&server)
        .create_charge(Payment::new(1))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    server.verify().await;

    // `x-should-retry: true` on a 500 with `retry-after-ms`: retried after that wait.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("x-should-retry", "true")
                .insert_header("retry-after-ms", "150"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"amount": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    keyed_client(&server)
        .create_charge(Payment::new(1))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    server.verify().await;
}

#[tokio::test]
async fn a_next_page_url_in_the_page_is_followed_until_it_is_null() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/messages"))
        .and(query_param_is_missing("PageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": ["a", "b"],
            "meta": {"next_page_url": format!("{uri}/messages?PageSize=2&Page=1&PageToken=PT2"), "page_size": 2},
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/messages",
        &[("PageToken", "PT2"), ("PageSize", "2")],
        ResponseTemplate::new(200).set_body_json(json!({
            "messages": ["c"],
            "meta": {"next_page_url": null, "page_size": 2},
        })),
    )
    .await;
    let (items, err) = walk(
        client(&server)
            .list_messages()
            .page_size(2)
            .paginate()
            .items(),
    )
    .await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, ["a", "b", "c"]);
    server.verify().await;

    // Azure's `nextLink` beside the items, relative this time; absent on the last page.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/vaults"))
        .and(query_param_is_missing("skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": ["v1"],
            "nextLink": "/vaults?skiptoken=s2",
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/vaults",
        &[("skiptoken", "s2")],
        ResponseTemplate::new(200).set_body_json(json!({"value": ["v2"]})),
    )
    .await;
    let (items, err) = walk(client(&server).list_vaults().paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, ["v1", "v2"]);
    server.verify().await;
}

#[tokio::test]
async fn a_followed_link_carries_the_query_credential_once() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/starred"))
        .and(query_param("api_key", "real-key"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    // The server echoes a key in its link: it is replaced, not sent twice.
                    format!("<{uri}/starred?api_key=echoed&page=2>; rel=\"next\"").as_str(),
                )
                .set_body_json(repos(1..2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/starred"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(repos(2..3)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .query_key("real-key")
        .build()
        .unwrap();
    let (items, err) = walk(client.list_starred().paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 2);
    let requests = server.received_requests().await.unwrap();
    let second = requests[1].url.query().unwrap_or_default().to_owned();
    assert_eq!(second, "page=2&api_key=real-key");
    server.verify().await;
}
