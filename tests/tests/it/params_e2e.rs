//! End to end, on 127.0.0.1: parameters whose types are unions of text-like values, through
//! the client generated from `fixtures/textual_params.yaml`.

use oagen_tests::fixture_textual_params::Client;
use oagen_tests::fixture_textual_params::types::{
    GetWorkflowOwner, GetWorkflowWorkflowId, SortMode,
};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn union_and_enum_parameters_are_written_as_their_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/workflows/42"))
        .and(query_param("owner", "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f"))
        .and(query_param("sort_by", "name_descending"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/workflows/deploy.yml"))
        .and(query_param("sort_by", "newest_first"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    client
        .get_workflow(GetWorkflowWorkflowId::Integer(42))
        .owner(GetWorkflowOwner::Uuid(
            "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f"
                .parse()
                .expect("uuid"),
        ))
        .sort_by(SortMode::NameDescending)
        .await
        .expect("the call succeeds");
    // A value the document does not list is still sent as given.
    client
        .get_workflow(GetWorkflowWorkflowId::String("deploy.yml".to_owned()))
        .sort_by(SortMode::from("newest_first"))
        .await
        .expect("the call succeeds");
}
