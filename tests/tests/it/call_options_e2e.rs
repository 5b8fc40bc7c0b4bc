//! End to end, on 127.0.0.1 (wiremock): a call's own headers and query parameters
//! (`with_header`, `with_query`) go with the request of every page of a paginated walk,
//! whether the next page is a cursor the builder sets or a link the server gave, and never
//! replace the API's query credential.

use oagen_tests::fixture_pagination_styles::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn repos(ids: std::ops::Range<i64>) -> Value {
    Value::Array(ids.map(|id| json!({"id": id})).collect())
}

async fn count<P, I>(
    mut items: oagen_runtime::Items<P, I, oagen_tests::fixture_pagination_styles::ErrorBody>,
) -> Result<usize, Error> {
    let mut seen = 0;
    while items.try_next().await?.is_some() {
        seen += 1;
    }
    Ok(seen)
}

#[tokio::test]
async fn call_options_go_with_every_page_of_a_link_walk() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/starred"))
        .and(query_param_is_missing("page"))
        .and(query_param("api_key", "real-key"))
        .and(query_param("lang", "fr"))
        .and(header("x-trace", "abc"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    // The link echoes the call's parameter: it is replaced, not doubled.
                    format!("<{uri}/starred?page=2&lang=fr>; rel=\"next\"").as_str(),
                )
                .set_body_json(repos(1..3)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/starred"))
        .and(query_param("page", "2"))
        .and(query_param("api_key", "real-key"))
        .and(query_param("lang", "fr"))
        .and(header("x-trace", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(repos(3..4)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .query_key("real-key")
        .build()
        .unwrap();
    let walk = client
        .list_starred()
        .with_header("X-Trace", "abc")
        .with_query("lang", "fr")
        .with_query("api_key", "stolen")
        .paginate()
        .items();
    assert_eq!(count(walk).await.unwrap(), 3);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[1].url.query(),
        Some("page=2&lang=fr&api_key=real-key")
    );
    server.verify().await;
}

#[tokio::test]
async fn call_options_go_with_every_page_of_a_numbered_walk() {
    let server = MockServer::start().await;
    for (page, body) in [
        (None, repos(1..3)),
        (Some("2"), repos(3..4)),
        (Some("3"), repos(0..0)),
    ] {
        let mut mock = Mock::given(method("GET"))
            .and(path("/tickets"))
            .and(query_param("view", "all"))
            .and(header("x-trace", "abc"));
        mock = match page {
            Some(page) => mock.and(query_param("page", page)),
            None => mock.and(query_param_is_missing("page")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({"tickets": body})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let walk = client
        .list_tickets()
        .with_header("X-Trace", "abc")
        .with_query("view", "all")
        .paginate()
        .items();
    assert_eq!(count(walk).await.unwrap(), 3);
    server.verify().await;
}
