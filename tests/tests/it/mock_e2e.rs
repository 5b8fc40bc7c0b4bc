//! A user's tests written against the `mock` feature of generated crates: the Zenskar client
//! (`generated/`, a dev-dependency with `features = ["mock"]`) and fixtures compiled as
//! modules of this crate (whose default `mock` feature compiles their `mock` modules). Each
//! test starts the generated `MockServer`, expects a call by the operation's own request
//! builder, answers with the operation's own types, pages, a stream or a fault, and checks
//! what the client made of it; unmet expectations must fail naming the operation.

use std::time::Duration;

use oagen_tests::{fixture_event_streams as streams, fixture_pagination_styles as paging};
use zenskar::mock::MockServer;
use zenskar::types::{
    AddressResponse, CreateCustomerRequestSchema, CreateCustomerResponseSchema,
    CustomerListResponse, CustomerResponseSchema, HttpValidationError,
};
use zenskar::{Error, ErrorBody, RetryPolicy};

fn customer(id: u128, name: &str) -> CustomerResponseSchema {
    CustomerResponseSchema::new(
        uuid::Uuid::from_u128(id),
        None,
        name,
        serde_json::Map::new(),
        AddressResponse::default(),
    )
}

/// The panic message of a task that was expected to panic.
async fn panic_message(task: tokio::task::JoinHandle<()>) -> String {
    let Err(err) = task.await else {
        panic!("the task did not panic");
    };
    let payload = err.into_panic();
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|text| text.to_string())
            .unwrap_or_default(),
    }
}

#[tokio::test]
async fn zenskar_a_typed_body_is_matched_and_a_typed_value_answered() {
    let server = MockServer::start().await;
    let client = server.client().unwrap();
    let body = CreateCustomerRequestSchema::new("Ada").email("ada@example.com");
    let mut address = AddressResponse::default();
    address.city = Some("London".to_owned());
    let mut created = CreateCustomerResponseSchema::new(
        uuid::Uuid::from_u128(7),
        Some("ext-7".to_owned()),
        "Ada",
        serde_json::Map::new(),
        address,
    );
    // What the document's defaults fill in when the answer is decoded.
    created.communications_enabled = Some(true);
    created.auto_charge_enabled = Some(true);
    server
        .expect(client.create_customer(body.clone()))
        .respond(&created)
        .await;
    // Another body is not this expectation's: the server answers 404.
    let other = client
        .create_customer(CreateCustomerRequestSchema::new("Bob"))
        .await
        .unwrap_err();
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404), "{other:?}");
    // The code under test sends the same typed body and gets the typed answer back.
    let got = client.create_customer(body).await.unwrap();
    assert_eq!(got, created);
    server.verify().await;
}

#[tokio::test]
async fn zenskar_path_and_query_parameters_are_matched_and_an_error_body_answered() {
    let server = MockServer::start().await;
    let client = server.client().unwrap();
    let id = uuid::Uuid::from_u128(42);
    server
        .expect(client.get_customer_by_id(id))
        .respond(&customer(42, "Ada"))
        .await;
    let invalid = HttpValidationError::default();
    server
        .expect(client.list_customers().email("nobody@example.com").limit(5))
        .fail(422, &ErrorBody::HttpValidationError(invalid.clone()))
        .await;
    assert_eq!(
        client.get_customer_by_id(id).await.unwrap().customer_name,
        "Ada"
    );
    // The query parameters of the expectation are matched (in any order, among others).
    let err = client
        .list_customers()
        .limit(5)
        .email("nobody@example.com")
        .await
        .unwrap_err();
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 422);
            assert_eq!(
                api.typed,
                Some(ErrorBody::HttpValidationError(invalid.clone()))
            );
        }
        other => panic!("expected the typed error, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn zenskar_pages_are_walked_with_the_operations_own_cursor() {
    let server = MockServer::start().await;
    let client = server.client().unwrap();
    let pages = vec![
        CustomerListResponse::new(vec![customer(1, "a"), customer(2, "b")]),
        CustomerListResponse::new(vec![customer(3, "c")]),
        CustomerListResponse::new(vec![customer(4, "d")]),
    ];
    server
        .expect(client.list_customers().limit(2))
        .respond_pages(pages)
        .await;
    let mut items = client.list_customers().limit(2).paginate().items();
    let mut names = Vec::new();
    while let Some(item) = items.try_next().await.unwrap() {
        names.push(item.customer_name);
    }
    assert_eq!(names, ["a", "b", "c", "d"]);
    // Each later page was asked for with the cursor the page before gave, and the filter.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert!(requests[1].contains("cursor=mock-page-2"), "{requests:?}");
    assert!(
        requests.iter().all(|q| q.contains("limit=2")),
        "{requests:?}"
    );
    server.verify().await;
}

async fn received(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .into_iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn zenskar_faults_rate_limit_delay_disconnect_and_a_malformed_body() {
    let server = MockServer::start().await;
    let client = server.client().unwrap();
    let id = uuid::Uuid::from_u128(9);
    // A 429 with Retry-After, then the answer: the client's retry policy waits and retries.
    server
        .expect(client.get_customer_by_id(id))
        .rate_limited(Duration::from_secs(0))
        .await;
    server
        .expect(client.get_customer_by_id(id))
        .respond(&customer(9, "after a 429"))
        .await;
    let got = client.get_customer_by_id(id).await.unwrap();
    assert_eq!(got.customer_name, "after a 429");
    server.verify().await;

    // A delay longer than the call's timeout.
    let slow = uuid::Uuid::from_u128(10);
    server
        .expect(client.get_customer_by_id(slow))
        .delay(Duration::from_secs(5))
        .respond(&customer(10, "late"))
        .await;
    let err = client
        .get_customer_by_id(slow)
        .with_timeout(Duration::from_millis(200))
        .with_retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");

    // A closed connection, and a body that does not decode.
    let gone = uuid::Uuid::from_u128(11);
    server
        .expect(client.get_customer_by_id(gone))
        .disconnect()
        .await;
    let err = client
        .get_customer_by_id(gone)
        .with_retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    let broken = uuid::Uuid::from_u128(12);
    server
        .expect(client.get_customer_by_id(broken))
        .answer(zenskar::mock::Answer::bytes(
            200,
            b"{\"id\": 1",
            "application/json",
        ))
        .await;
    let err = client.get_customer_by_id(broken).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn zenskar_an_unmet_expectation_fails_naming_the_operation() {
    // At `verify`.
    let task = tokio::spawn(async {
        let server = MockServer::start().await;
        let client = server.client().unwrap();
        server
            .expect(client.get_customer_by_id(uuid::Uuid::from_u128(1)))
            .respond(&customer(1, "never asked"))
            .await;
        server.verify().await;
    });
    let message = panic_message(task).await;
    assert!(
        message.contains("`get_customer_by_id` (GET /customers/{customer_id})"),
        "{message}"
    );
    // When the server is dropped, with an expectation of two calls that got one.
    let task = tokio::spawn(async {
        let server = MockServer::start().await;
        let client = server.client().unwrap();
        let body = CreateCustomerRequestSchema::new("Ada");
        let created = CreateCustomerResponseSchema::new(
            uuid::Uuid::from_u128(1),
            None,
            "Ada",
            serde_json::Map::new(),
            AddressResponse::default(),
        );
        server
            .expect(client.create_customer(body.clone()))
            .times(2)
            .respond(&created)
            .await;
        client.create_customer(body).await.unwrap();
    });
    let message = panic_message(task).await;
    assert!(
        message.contains("`create_customer` (POST /customers)"),
        "{message}"
    );
}

#[tokio::test]
async fn fixture_a_stream_is_framed_as_the_operations_and_its_flag_matched() {
    let server = streams::mock::MockServer::start().await;
    let client = server.client().unwrap();
    let request =
        streams::types::ChatRequest::new("m", vec![streams::types::Message::new("user", "hi")]);
    let chunks = vec![
        streams::types::CompletionChunk::new("c1", Vec::new()),
        streams::types::CompletionChunk::new("c2", Vec::new()),
    ];
    // Matched with the body's `stream` flag set, as `stream()` sends it.
    server
        .expect(client.create_chat_completion(request.clone()))
        .respond_stream(chunks.clone())
        .await;
    let mut stream = client
        .create_chat_completion(request.clone())
        .stream()
        .await
        .unwrap();
    let mut got = Vec::new();
    while let Some(event) = stream.try_next().await.unwrap() {
        got.push(event.data);
    }
    assert_eq!(got, chunks);
    // Text events.
    server
        .expect(client.watch_notifications())
        .respond_stream(vec!["one".to_owned(), "two\nlines".to_owned()])
        .await;
    let mut stream = client.watch_notifications().stream().await.unwrap();
    let mut texts = Vec::new();
    while let Some(event) = stream.try_next().await.unwrap() {
        texts.push(event.data);
    }
    assert_eq!(texts, ["one", "two\nlines"]);
    // The whole (not streamed) call is another request: its body has no flag.
    let completion = streams::types::Completion::new("whole", Vec::new());
    server
        .expect(client.create_chat_completion(request.clone()))
        .respond(&completion)
        .await;
    assert_eq!(
        client.create_chat_completion(request).await.unwrap(),
        completion
    );
    server.verify().await;
}

#[tokio::test]
async fn fixture_an_error_body_fault_and_unmet_expectation() {
    let server = streams::mock::MockServer::start().await;
    let client = server.client().unwrap();
    let request = streams::types::ChatRequest::new("m", Vec::new());
    let error =
        streams::types::ErrorResponse::new(streams::types::ErrorResponseError::new("slow down"));
    server
        .expect(client.create_chat_completion(request.clone()))
        .fail(429, &streams::ErrorBody::ErrorResponse(error.clone()))
        .await;
    let err = client
        .create_chat_completion(request.clone())
        .await
        .unwrap_err();
    assert_eq!(
        err.typed(),
        Some(&streams::ErrorBody::ErrorResponse(error)),
        "{err:?}"
    );
    // A POST is not retried: one 429 with Retry-After reaches the caller.
    server
        .expect(client.create_chat_completion(request.clone()))
        .rate_limited(Duration::from_secs(1))
        .await;
    let err = client.create_chat_completion(request).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    server.verify().await;

    let task = tokio::spawn(async {
        let server = streams::mock::MockServer::start().await;
        let client = server.client().unwrap();
        server
            .expect(client.watch_notifications().topic("news"))
            .respond_stream(Vec::new())
            .await;
    });
    let message = panic_message(task).await;
    assert!(message.contains("`watch_notifications`"), "{message}");
}

/// Item counts of every page style of the fixture, walked through the mock's pages.
#[tokio::test]
async fn fixture_every_pagination_style_is_answered_with_pages() {
    use paging::types::{
        ListMessagesResponse, ListProductsResponse, ListTicketsResponse, ListVaultsResponse, Repo,
    };
    let server = paging::mock::MockServer::start().await;
    let client = server.client().unwrap();
    let repos = |ids: &[i64]| ids.iter().map(|&id| Repo::new(id)).collect::<Vec<_>>();

    // `Link` headers.
    server
        .expect(client.list_repos().per_page(2))
        .respond_pages(vec![repos(&[1, 2]), repos(&[3])])
        .await;
    let mut items = client.list_repos().per_page(2).paginate().items();
    let mut ids = Vec::new();
    while let Some(repo) = items.try_next().await.unwrap() {
        ids.push(repo.id);
    }
    assert_eq!(ids, [1, 2, 3]);

    // Page numbers, until an empty page.
    server
        .expect(client.list_tickets())
        .respond_pages(vec![
            ListTicketsResponse::new(repos(&[1])),
            ListTicketsResponse::new(repos(&[2])),
        ])
        .await;
    let pages = count_pages(client.list_tickets().paginate()).await;
    assert_eq!(pages, 3, "two pages and the empty one after them");

    // An offset with a total.
    let mut first = ListProductsResponse::default();
    first.products = Some(repos(&[1, 2]));
    let mut second = ListProductsResponse::default();
    second.products = Some(repos(&[3]));
    server
        .expect(client.list_products().limit(2))
        .respond_pages(vec![first, second])
        .await;
    assert_eq!(
        count_pages(client.list_products().limit(2).paginate()).await,
        2
    );

    // An offset without a total, the page being the list.
    server
        .expect(client.list_logs())
        .respond_pages(vec![vec!["a".to_owned()], vec!["b".to_owned()]])
        .await;
    assert_eq!(count_pages(client.list_logs().paginate()).await, 3);

    // A cursor in a header.
    server
        .expect(client.list_audit_events())
        .respond_pages(vec![repos(&[1]), repos(&[2]), repos(&[3])])
        .await;
    assert_eq!(count_pages(client.list_audit_events().paginate()).await, 3);

    // The next URL in a nested field, and beside the items.
    let mut message_page = ListMessagesResponse::default();
    message_page.messages = Some(vec!["m".to_owned()]);
    server
        .expect(client.list_messages())
        .respond_pages(vec![message_page.clone(), message_page])
        .await;
    assert_eq!(count_pages(client.list_messages().paginate()).await, 2);
    server
        .expect(client.list_vaults())
        .respond_pages(vec![
            ListVaultsResponse::new(vec!["v1".to_owned()]),
            ListVaultsResponse::new(vec!["v2".to_owned()]),
        ])
        .await;
    assert_eq!(count_pages(client.list_vaults().paginate()).await, 2);
    server.verify().await;
}

async fn count_pages<P, I, B: std::fmt::Debug>(mut pages: oagen_runtime::Pages<P, I, B>) -> usize {
    let mut count = 0;
    while pages.try_next().await.unwrap().is_some() {
        count += 1;
    }
    count
}

/// The last item's id while `has_more` (Stripe), and a list of links (OpenStack).
#[tokio::test]
async fn fixture_last_item_and_link_list_pages() {
    use oagen_tests::fixture_pagination as stripe;
    use oagen_tests::fixture_pagination_marker as openstack;
    let server = stripe::mock::MockServer::start().await;
    let client = server.client().unwrap();
    let charges = |ids: &[&str]| {
        let data = ids
            .iter()
            .map(|&id| stripe::types::Charge::new(id))
            .collect();
        // `has_more` is written by the mock.
        stripe::types::ListChargesResponse::new(data, false)
    };
    server
        .expect(client.list_charges().limit(2))
        .respond_pages(vec![charges(&["ch_1", "ch_2"]), charges(&["ch_3"])])
        .await;
    let mut items = client.list_charges().limit(2).paginate().items();
    let mut ids = Vec::new();
    while let Some(charge) = items.try_next().await.unwrap() {
        ids.push(charge.id);
    }
    assert_eq!(ids, ["ch_1", "ch_2", "ch_3"]);
    let requests = server.received_requests().await;
    assert_eq!(
        requests[1]
            .url
            .query_pairs()
            .find(|(k, _)| k == "starting_after")
            .map(|(_, v)| v.into_owned()),
        Some("ch_2".to_owned())
    );
    server.verify().await;

    let server = openstack::mock::MockServer::start().await;
    let client = server.client().unwrap();
    let page =
        || openstack::types::ListFlavorsResponse::new(vec![openstack::types::Server::default()]);
    server
        .expect(client.list_flavors())
        .respond_pages(vec![page(), page(), page()])
        .await;
    assert_eq!(count_pages(client.list_flavors().paginate()).await, 3);
    server.verify().await;
}
