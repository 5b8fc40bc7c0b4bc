//! End to end, on 127.0.0.1: OpenAPI 3.2's `query` (the QUERY method, with a body) and
//! `additionalOperations` (any method, sent by its name), through the client generated
//! from `fixtures/openapi_3_2_methods.yaml`.

use oagen_tests::fixture_openapi_3_2_methods::Client;
use oagen_tests::fixture_openapi_3_2_methods::types::Search;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

#[tokio::test]
async fn query_sends_the_query_method_with_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/documents"))
        .and(body_json(serde_json::json!({"text": "rust"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(["a.md"])))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .search_documents(Search::new("rust"))
        .await
        .expect("the call succeeds");
    assert_eq!(found, vec!["a.md".to_owned()]);
}

#[tokio::test]
async fn additional_operations_send_their_method_by_name() {
    let server = MockServer::start().await;
    Mock::given(method("LINK"))
        .and(path("/documents"))
        .and(query_param("target", "b.md"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PURGE"))
        .and(path("/documents"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .link_documents("b.md")
        .await
        .expect("the call succeeds");
    client(&server)
        .purge_documents()
        .await
        .expect("the call succeeds");
}
