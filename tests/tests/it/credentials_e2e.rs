//! End to end, on 127.0.0.1: credentials of each kind go where their scheme says, and only
//! on the operations that name the scheme (fixtures `security_schemes.yaml`,
//! `parameters.yaml`).

use oagen_tests::fixture_security_schemes::Client;
use wiremock::matchers::{header, headers, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn each_scheme_is_sent_where_it_belongs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/admin"))
        // base64("admin:s3cret")
        .and(header("authorization", "Basic YWRtaW46czNjcmV0"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/private"))
        .and(header("authorization", "Bearer tok_1"))
        .and(query_param("api_key", "k_1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/public"))
        .respond_with(|request: &Request| {
            assert!(
                request.headers.get("authorization").is_none(),
                "no credential on a public operation"
            );
            assert_eq!(
                request.url.query(),
                None,
                "no api key on a public operation"
            );
            ResponseTemplate::new(204)
        })
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder()
        .base_url(server.uri())
        .query_key("k_1")
        .token("tok_1")
        .basic("admin", "s3cret")
        .build()
        .expect("valid settings");
    client.admin_info().await.expect("basic");
    client.private_info().await.expect("bearer and api key");
    client.public_info().await.expect("no credentials");
    let debug = format!("{client:?}");
    assert!(
        !debug.contains("s3cret") && !debug.contains("tok_1") && !debug.contains("k_1"),
        "{debug}"
    );
}

#[tokio::test]
async fn header_lists_are_joined_and_template_queries_are_kept() {
    use oagen_tests::fixture_parameters::Client;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("preview", "true"))
        .and(query_param("v", "2"))
        // wiremock reads a comma-separated header as a list of values.
        .and(headers("features", vec!["a", "b"]))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    client
        .list_beta_things()
        .features(vec!["a".to_owned(), "b".to_owned()])
        .await
        .expect("the call succeeds");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        requests[0]
            .headers
            .get("features")
            .and_then(|v| v.to_str().ok()),
        Some("a,b")
    );
}
