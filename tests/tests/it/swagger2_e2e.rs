//! End to end, on 127.0.0.1: clients generated from Swagger 2.0 documents
//! (`fixtures/swagger2_*.yaml`) send what 2.0 says: `collectionFormat`, `formData` as a
//! form, the `body` parameter as JSON; Azure's `x-ms-pageable` walks `nextLink`.

use oagen_tests::fixture_swagger2_azure as azure;
use oagen_tests::fixture_swagger2_params_and_bodies::types::{Item, LoginBody};
use oagen_tests::fixture_swagger2_params_and_bodies::{Client, ErrorBody};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

#[tokio::test]
async fn collection_formats_are_sent_as_2_0_says() {
    let server = MockServer::start().await;
    // csv (the default) joins with commas; multi repeats the name.
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("ids", "1,2"))
        .and(query_param("tags", "a"))
        .and(query_param("tags", "b"))
        .and(query_param("limit", "5"))
        .and(header("x-trace-id", "t1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!([{"id": 1, "name": "one"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let items = client(&server)
        .list_items()
        .ids(vec![1, 2])
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .limit(5)
        .x_trace_id("t1")
        .await
        .expect("the call succeeds");
    assert_eq!(items, vec![Item::new(1).name("one")]);
    let request = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(
        request.url.query(),
        Some("limit=5&ids=1%2C2&tags=a&tags=b"),
        "{}",
        request.url
    );
}

#[tokio::test]
async fn a_root_response_is_the_operation_s_error_and_a_body_parameter_is_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "gone"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/items"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({"id": 7})))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).list_items().await.expect_err("404");
    let Some(ErrorBody::Error(body)) = err.typed() else {
        panic!("a typed error body: {err:?}");
    };
    assert_eq!(body.message.as_deref(), Some("gone"));
    let created = client(&server)
        .create_item(Item::new(7))
        .await
        .expect("the call succeeds");
    assert_eq!(created, Item::new(7));
}

#[tokio::test]
async fn form_data_is_an_urlencoded_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("user=ann&password=s3cret&scopes=a&scopes=b"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .login(LoginBody::new("ann", "s3cret").scopes(vec!["a".to_owned(), "b".to_owned()]))
        .await
        .expect("the call succeeds");
}

#[tokio::test]
async fn ms_pageable_follows_next_link() {
    let server = MockServer::start().await;
    let next = format!("{}/networks?page=2", server.uri());
    Mock::given(method("GET"))
        .and(path("/networks"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": [{"name": "b"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/networks"))
        .and(query_param("api-version", "2016-06-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"value": [{"name": "a", "tier": "Basic"}], "nextLink": next}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = azure::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    let mut items = client.networks_list("2016-06-01").paginate().items();
    let mut names = Vec::new();
    while let Some(network) = items.try_next().await.expect("each page succeeds") {
        names.push(network.name.clone().unwrap_or_default());
        if network.name.as_deref() == Some("a") {
            assert_eq!(network.tier, Some(azure::types::NetworkTier::Cheap));
        }
    }
    assert_eq!(names, ["a", "b"]);
}

#[tokio::test]
async fn ms_client_name_names_the_code_and_the_wire_keeps_its_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/networks/n"))
        .and(query_param("$expand", "subnets"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"name": "n", "etag": "W/1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = azure::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    let network = client
        .networks_get("n")
        .expand_with("subnets")
        .await
        .expect("the call succeeds");
    assert_eq!(network.entity_tag.as_deref(), Some("W/1"));
    let encoded = serde_json::to_value(&network).expect("encodes");
    assert_eq!(encoded["etag"], "W/1");
}
