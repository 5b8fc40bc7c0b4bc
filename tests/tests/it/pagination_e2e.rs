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
          matches no pagination style, so it has no `paginate()`: `page` is a page number only \
          when it is an optional integer"
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

/// Every item of a walk through any client, or the error that ended it with the items
/// before.
async fn walk_any<P, I, B>(
    mut items: oagen_runtime::Items<P, I, B>,
) -> (Vec<I>, Option<oagen_runtime::Error<B>>) {
    let mut seen = Vec::new();
    loop {
        match items.try_next().await {
            Ok(Some(item)) => seen.push(item),
            Ok(None) => return (seen, None),
            Err(err) => return (seen, Some(err)),
        }
    }
}

fn entries(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "type": "file"}))
            .collect(),
    )
}

/// `fixtures/pagination_marker.yaml`: `marker` answered by `next_marker`, items in `entries`
/// beside another list (`order`), until `next_marker` is `null`.
#[tokio::test]
async fn a_marker_is_answered_by_next_marker_until_it_is_null() {
    use oagen_tests::fixture_pagination_marker::Client;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/folders/0/items"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 3,
            "limit": 2,
            "entries": entries(&["a", "b"]),
            "next_marker": "m2",
            "order": [{"by": "name", "direction": "ASC"}],
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/folders/0/items",
        &[("limit", "2"), ("marker", "m2")],
        ResponseTemplate::new(200).set_body_json(json!({
            "entries": entries(&["c"]),
            "next_marker": null,
            "order": [],
        })),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(client.list_folder_items("0").limit(2).paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    server.verify().await;

    // A stream position answered by `next_stream_position`, which never ends: the empty
    // page does.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param_is_missing("stream_position"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "chunk_size": 1, "next_stream_position": "p2", "entries": [{"event_id": "e1"}],
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/events",
        &[("stream_position", "p2")],
        ResponseTemplate::new(200).set_body_json(json!({
            "chunk_size": 0, "next_stream_position": "p3", "entries": [],
        })),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(client.list_events().paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 1);
    server.verify().await;
}

/// `fixtures/pagination_marker.yaml`: the next page is the relative `href` of the
/// `flavors_links` link whose `rel` is `next` (OpenStack), until there is none.
#[tokio::test]
async fn a_next_link_in_a_list_of_links_is_followed() {
    use oagen_tests::fixture_pagination_marker::Client;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/flavors"))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "flavors": [{"id": "f1"}, {"id": "f2"}],
            "flavors_links": [
                {"rel": "self", "href": "/flavors"},
                {"rel": "next", "href": "/flavors?limit=2&marker=f2"},
            ],
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/flavors",
        &[("limit", "2"), ("marker", "f2")],
        ResponseTemplate::new(200).set_body_json(json!({
            "flavors": [{"id": "f3"}],
            "flavors_links": [{"rel": "previous", "href": "/flavors?limit=2&marker=f1"}],
        })),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(client.list_flavors().paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items
            .iter()
            .map(|f| f.id.as_deref().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["f1", "f2", "f3"]
    );
    server.verify().await;
}

/// `fixtures/pagination_marker.yaml`: offsets until `total_count`.
#[tokio::test]
async fn offsets_stop_at_total_count() {
    use oagen_tests::fixture_pagination_marker::Client;
    let server = MockServer::start().await;
    for (offset, ids) in [("0", &["a", "b"][..]), ("2", &["c"][..])] {
        page(
            &server,
            "/collections",
            &[("offset", offset), ("limit", "2")],
            ResponseTemplate::new(200).set_body_json(json!({
                "total_count": 3, "limit": 2, "offset": offset.parse::<i64>().unwrap(),
                "entries": entries(ids),
            })),
        )
        .await;
    }
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(
        client
            .list_collections()
            .offset(0)
            .limit(2)
            .paginate()
            .items(),
    )
    .await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 3);
    server.verify().await;
}

/// `fixtures/pagination_next_uri.yaml`: a path-absolute `meta.next_page_uri` (the base URL
/// has a path of its own, which the URI repeats), then a path-relative `next_page_uri`
/// beside the items; a network-path reference to another host is refused.
#[tokio::test]
async fn a_relative_next_page_uri_is_resolved_against_the_request() {
    use oagen_tests::fixture_pagination_next_uri::Client;
    let server = MockServer::start().await;
    let messages = "/2010-04-01/v1/Accounts/AC1/Messages";
    Mock::given(method("GET"))
        .and(path(messages))
        .and(query_param("PageSize", "2"))
        .and(query_param_is_missing("PageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [{"sid": "SM1"}, {"sid": "SM2"}],
            "meta": {
                "page": 0,
                "page_size": 2,
                "next_page_uri": format!("{messages}?PageSize=2&Page=1&PageToken=PASM2"),
            },
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        messages,
        &[("PageSize", "2"), ("Page", "1"), ("PageToken", "PASM2")],
        ResponseTemplate::new(200).set_body_json(json!({
            "messages": [{"sid": "SM3"}],
            "meta": {"page": 1, "page_size": 2, "next_page_uri": null},
        })),
    )
    .await;
    let client = Client::builder()
        .base_url(format!("{}/2010-04-01", server.uri()))
        .build()
        .unwrap();
    let (items, err) = walk_any(client.list_messages("AC1").page_size(2).paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items
            .iter()
            .map(|m| m.sid.as_deref().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["SM1", "SM2", "SM3"]
    );
    server.verify().await;

    // The older shape: `next_page_uri` beside the items, relative to the request's path.
    let server = MockServer::start().await;
    let recordings = "/v1/Accounts/AC1/Recordings";
    Mock::given(method("GET"))
        .and(path(recordings))
        .and(query_param_is_missing("Page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "recordings": [{"sid": "RE1"}],
            "next_page_uri": "Recordings?Page=1&PageToken=PARE1",
            "page": 0,
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        recordings,
        &[("Page", "1"), ("PageToken", "PARE1")],
        ResponseTemplate::new(200).set_body_json(json!({
            "recordings": [{"sid": "RE2"}], "next_page_uri": null, "page": 1,
        })),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(client.list_recordings("AC1").paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 2);
    server.verify().await;

    // `//host:port/...` is relative too, but to another origin: not followed.
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let network_path = elsewhere.uri().replacen("http:", "", 1);
    page(
        &server,
        recordings,
        &[],
        ResponseTemplate::new(200).set_body_json(json!({
            "recordings": [{"sid": "RE1"}],
            "next_page_uri": format!("{network_path}{recordings}?Page=1"),
        })),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(client.list_recordings("AC1").paginate().items()).await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(err, Some(oagen_runtime::Error::Protocol(_))),
        "{err:?}"
    );
    server.verify().await;
    elsewhere.verify().await;
}

/// `fixtures/pagination_next_link.yaml`: an absolute `nextLink` carrying the required
/// `api-version`, and HAL's `_links.next.href`.
#[tokio::test]
async fn next_links_in_value_pages_and_hal_links_are_followed() {
    use oagen_tests::fixture_pagination_next_link::Client;
    let server = MockServer::start().await;
    let uri = server.uri();
    let groups = "/subscriptions/s1/resourcegroups";
    Mock::given(method("GET"))
        .and(path(groups))
        .and(query_param("api-version", "2024-01-01"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"name": "rg1"}, {"name": "rg2"}],
            "nextLink": format!("{uri}{groups}?api-version=2024-01-01&$skiptoken=t2"),
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        groups,
        &[("api-version", "2024-01-01"), ("$skiptoken", "t2")],
        ResponseTemplate::new(200).set_body_json(json!({"value": [{"name": "rg3"}]})),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(
        client
            .resource_groups_list("s1", "2024-01-01")
            .paginate()
            .items(),
    )
    .await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        items
            .iter()
            .map(|r| r.name.as_deref().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["rg1", "rg2", "rg3"]
    );
    server.verify().await;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/deployments"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"name": "d1"}],
            "_links": {"self": {"href": "/deployments"}, "next": {"href": "/deployments?page=2"}},
        })))
        .expect(1)
        .mount(&server)
        .await;
    page(
        &server,
        "/deployments",
        &[("page", "2")],
        ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"name": "d2"}],
            "_links": {"self": {"href": "/deployments?page=2"}},
        })),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let (items, err) = walk_any(client.deployments_list().paginate().items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 2);
    server.verify().await;
}

/// The held-out-style fixtures: which operations are list operations and which get
/// `paginate()`, by operation id; every other operation (a single resource, a list with no
/// way to the next page, a `next_*` that names no parameter or is not a string, a `next`
/// object, a `POST`) has none.
#[test]
fn the_held_out_style_fixtures_paginate_exactly_their_list_operations() {
    let cases: [(&str, &[&str], usize); 3] = [
        (
            "pagination_marker.yaml",
            &[
                "listFolderItems",
                "listUsers",
                "listWebhooks",
                "listCollections",
                "listFolderCollaborations",
                "listServers",
                "listFlavors",
                "listEvents",
            ],
            12,
        ),
        (
            "pagination_next_uri.yaml",
            &[
                "listMessages",
                "listCalls",
                "listRecordings",
                "listConferences",
            ],
            6,
        ),
        (
            "pagination_next_link.yaml",
            &[
                "ResourceGroups_List",
                "VirtualMachines_ListAll",
                "Disks_List",
                "Users_List",
                "Deployments_List",
                "Policies_List",
                "Invoices_List",
            ],
            10,
        ),
    ];
    for (fixture, paginated, lists) in cases {
        let document =
            std::fs::read(format!("{}/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let api = oagen::Generator::default()
            .lower(oagen::Document::bytes(&document))
            .unwrap()
            .api;
        let found: Vec<&str> = api
            .operations
            .iter()
            .filter(|op| op.pagination.is_some())
            .filter_map(|op| op.operation_id.as_deref())
            .collect();
        assert_eq!(found, paginated, "{fixture}");
        let list_operations = api
            .operations
            .iter()
            .filter(|op| api.is_list_operation(op))
            .count();
        assert_eq!(list_operations, lists, "{fixture}");
    }
}

/// `--explain` says why each operation of the held-out-style fixtures that looks paginated
/// is not: no list, a `next_marker` naming no parameter or not a string, no way to the next
/// page, a `next_page` that is a number and a `Page` without a page size.
#[test]
fn explain_says_why_a_held_out_style_operation_is_not_paginated() {
    let notes = |fixture: &str| -> Vec<(String, String)> {
        let document =
            std::fs::read(format!("{}/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        oagen::Generator::default()
            .lower(oagen::Document::bytes(&document))
            .unwrap()
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == oagen::Severity::Note)
            .map(|note| (note.pointer().to_owned(), note.message))
            .collect()
    };
    let marker = notes("pagination_marker.yaml");
    let expected = [
        (
            "~1users~1me",
            "neither a list nor an object with a list field",
        ),
        ("~1recent_items", "`next_marker` names no query parameter"),
        (
            "~1files~1{file_id}~1versions",
            "`next_marker` is not a string",
        ),
        (
            "~1files~1{file_id}~1comments",
            "nothing in the response says where the next page is",
        ),
    ];
    assert_eq!(marker.len(), expected.len(), "{marker:#?}");
    for ((pointer, message), (path, why)) in marker.iter().zip(expected) {
        assert_eq!(*pointer, format!("#/paths/{path}/get"));
        assert!(message.contains(why), "{message}");
    }
    let next_uri = notes("pagination_next_uri.yaml");
    assert_eq!(next_uri.len(), 1, "{next_uri:#?}");
    assert!(next_uri[0].1.contains("`next_page` is not a string"));
    assert!(
        next_uri[0]
            .1
            .contains("`Page` is a page number only beside a page size")
    );
}
