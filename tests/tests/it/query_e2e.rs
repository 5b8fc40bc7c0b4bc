//! End to end, on 127.0.0.1: query parameters holding objects and lists, in each style,
//! through the client generated from `fixtures/query_styles.yaml`.

use std::collections::BTreeMap;

use oagen_tests::fixture_query_styles::Client;
use oagen_tests::fixture_query_styles::types::{ListEventsCreated, ListEventsPage, RangeQuery};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn objects_and_lists_in_each_style() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(|request: &Request| {
            let query = request.url.query().unwrap_or_default().to_owned();
            ResponseTemplate::new(204).insert_header("x-seen-query", query.as_str())
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings");

    let mut metadata = BTreeMap::new();
    metadata.insert("order".to_owned(), "6735".to_owned());
    client
        .list_events()
        .created(ListEventsCreated::RangeQuery(
            RangeQuery::new().gte(10).lt(20),
        ))
        .page(ListEventsPage::new().size(50).after("ev_1"))
        .types(vec![
            "charge.created".to_owned(),
            "charge.failed".to_owned(),
        ])
        .metadata(metadata)
        .await
        .expect("the call succeeds");
    client
        .list_events()
        .created(ListEventsCreated::Integer(1_700_000_000))
        .await
        .expect("the call succeeds");

    let seen: Vec<String> = server
        .received_requests()
        .await
        .expect("requests are recorded")
        .iter()
        .map(|r| percent_decoded(r.url.query().unwrap_or_default()))
        .collect();
    assert_eq!(
        seen,
        [
            "created[gte]=10&created[lt]=20&size=50&after=ev_1&types=charge.created,charge.failed&metadata[order]=6735",
            "created=1700000000",
        ]
    );
}

/// The query with percent-escapes decoded, to compare with what a person would write.
fn percent_decoded(query: &str) -> String {
    let url =
        oagen_runtime::reqwest::Url::parse(&format!("http://x/?{query}")).expect("valid query");
    let pairs: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join("&")
}
