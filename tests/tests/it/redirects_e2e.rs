//! Credentials stay on the API's origin, on 127.0.0.1 with two real servers on different
//! ports: a redirect to another origin is returned, not followed, for every redirect status
//! and every placement of a credential; a same-origin redirect is followed with the
//! credentials and without a `Referer`; loops and long chains are errors that are not
//! retried. Also: every kind of error renders on one line without a secret or a URL, with
//! bodies bounded in `Debug`, and empty credentials are refused when the client is built.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use zenskar::types::CreateCustomerRequestSchema;
use zenskar::{Client, Error, RedirectReason, RetryPolicy};

const API_KEY: &str = "zk_live_secret_4242";
const ORGANISATION: &str = "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f";
const CUSTOMER_ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn customer() -> Value {
    json!({
        "id": CUSTOMER_ID,
        "external_id": null,
        "customer_name": "Acme",
        "custom_data": {},
        "address": {},
    })
}

fn customer_uuid() -> uuid::Uuid {
    CUSTOMER_ID.parse().unwrap()
}

/// Three quick attempts: a redirect that was retried would show as more requests.
fn client_for(uri: &str) -> Client {
    Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(uri)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .expect("valid settings")
}

async fn requests_to(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// One line, no credential, no path or query of any URL.
fn assert_one_clean_line(text: &str) {
    assert!(!text.contains('\n'), "more than one line: {text}");
    for secret in [API_KEY, ORGANISATION, "k_1", "tok_1", "s3cret"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    for url_part in ["/customers", "/steal", "?", "api_key"] {
        assert!(!text.contains(url_part), "{url_part} in {text}");
    }
}

#[tokio::test]
async fn credentials_and_bodies_never_follow_a_redirect_to_another_origin() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    // The other origin answers anything, and must see nothing.
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(customer()))
        .expect(0)
        .mount(&other)
        .await;
    let client = client_for(&api.uri());
    let api_port = api.address().port();
    // Another port on the same host, and the same port under another host name.
    let elsewhere = [
        format!("{}/steal?key=x", other.uri()),
        format!("http://localhost:{api_port}/steal"),
    ];

    for status in [301, 302, 303, 307, 308] {
        for location in &elsewhere {
            api.reset().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(ResponseTemplate::new(status).insert_header("location", location))
                .mount(&api)
                .await;

            let get = client.get_customer_by_id(customer_uuid()).await;
            let post = client
                .create_customer(CreateCustomerRequestSchema::new("Acme"))
                .await;
            for result in [get.map(|_| ()), post.map(|_| ())] {
                let err = result.expect_err("a redirect to another origin is an error");
                let Error::Redirect(redirect) = &err else {
                    panic!("{status} to {location}: {err:?}")
                };
                assert_eq!(redirect.reason, RedirectReason::OtherOrigin);
                assert_eq!(redirect.status.as_u16(), status);
                assert_eq!(redirect.location.as_str(), location.as_str());
                assert_eq!(err.attempts(), 1, "not retried");
                let display = err.to_string();
                assert!(
                    display.contains(&redirect.origin()) && display.contains("another origin"),
                    "{display}"
                );
                assert_one_clean_line(&display);
                let debug = format!("{err:?}");
                assert!(
                    !debug.contains(API_KEY) && !debug.contains("key=x"),
                    "{debug}"
                );
            }
            // One request for each call, both at the API, none repeated.
            let seen = requests_to(&api).await;
            assert_eq!(seen.len(), 2, "{status} {location}");
        }
    }
    // `expect(0)` on the other server is checked when it drops; say it here too.
    assert!(requests_to(&other).await.is_empty());
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_credentials_and_no_referer() {
    let api = MockServer::start().await;
    let target = format!("/customers/{CUSTOMER_ID}");
    // 307 keeps the method and the body; 303 turns the POST into a GET without body.
    Mock::given(method("GET"))
        .and(path(target.as_str()))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved?page=2"))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/customers"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/v2/customers", api.uri())),
        )
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/customers"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/created"))
        .expect(1)
        .mount(&api)
        .await;
    for (verb, to) in [("GET", "/moved"), ("GET", "/created")] {
        Mock::given(method(verb))
            .and(path(to))
            .and(header("x-api-key", API_KEY))
            .and(header("organisation", ORGANISATION))
            .respond_with(ResponseTemplate::new(200).set_body_json(customer()))
            .expect(1)
            .mount(&api)
            .await;
    }
    let client = client_for(&api.uri());
    let found = client
        .get_customer_by_id(customer_uuid())
        .await
        .expect("followed");
    assert_eq!(found.customer_name, "Acme");
    client
        .create_customer(CreateCustomerRequestSchema::new("Acme"))
        .await
        .expect("followed twice");

    let seen = requests_to(&api).await;
    let paths: Vec<String> = seen.iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            target.as_str(),
            "/moved",
            "/customers",
            "/v2/customers",
            "/created"
        ]
    );
    assert_eq!(seen[1].url.query(), Some("page=2"));
    // 307 re-sent the body; 303 dropped it, and its content type.
    assert_eq!(seen[3].method.as_str(), "POST");
    assert_eq!(seen[3].body, seen[2].body);
    assert!(!seen[2].body.is_empty());
    assert_eq!(seen[4].method.as_str(), "GET");
    assert!(seen[4].body.is_empty());
    assert!(seen[4].headers.get("content-type").is_none());
    for request in &seen {
        assert!(request.headers.get("referer").is_none(), "{request:?}");
        assert_eq!(
            request
                .headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok()),
            Some(API_KEY)
        );
    }
}

#[tokio::test]
async fn query_credentials_are_set_again_on_the_same_origin_and_never_sent_elsewhere() {
    use oagen_tests::fixture_security_schemes::Client;

    let api = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(path("/private"))
        .and(query_param("api_key", "k_1"))
        // The server echoes the key; the client sets its own, once.
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "/elsewhere?x=1&api_key=k_1"),
        )
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&api)
        .await;
    let client = Client::builder()
        .base_url(api.uri())
        .query_key("k_1")
        .token("tok_1")
        .build()
        .expect("valid settings");
    client.private_info().await.expect("followed");
    let seen = requests_to(&api).await;
    assert_eq!(seen[1].url.query(), Some("x=1&api_key=k_1"));
    assert!(seen[1].headers.get("referer").is_none());
    assert_eq!(
        seen[1]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer tok_1")
    );

    // To another origin: nothing reaches it, and the error does not carry the echoed key.
    api.reset().await;
    Mock::given(path("/private"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/steal?api_key=k_1&page=2", other.uri()),
        ))
        .mount(&api)
        .await;
    let err = client.private_info().await.expect_err("not followed");
    let oagen_runtime::Error::Redirect(redirect) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(redirect.location.query(), Some("page=2"));
    assert_one_clean_line(&err.to_string());
    assert!(!format!("{err:?}").contains("k_1"));
    assert!(requests_to(&other).await.is_empty());
}

#[tokio::test]
async fn redirect_loops_and_long_chains_are_errors_that_are_not_retried() {
    let api = MockServer::start().await;
    let client = client_for(&api.uri());

    // A loop of two.
    Mock::given(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/b"))
        .mount(&api)
        .await;
    Mock::given(path("/b"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("/customers/{CUSTOMER_ID}")),
        )
        .mount(&api)
        .await;
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .expect_err("a loop");
    let Error::Redirect(redirect) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(redirect.reason, RedirectReason::Loop);
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests_to(&api).await.len(), 2, "one pass round the loop");
    assert_one_clean_line(&err.to_string());

    // A chain that never ends: /hop/1, /hop/2, ... The client follows ten hops.
    api.reset().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(|request: &Request| {
            let n: u32 = request
                .url
                .path()
                .strip_prefix("/hop/")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            ResponseTemplate::new(307).insert_header("location", format!("/hop/{}", n + 1))
        })
        .mount(&api)
        .await;
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .expect_err("too many");
    let Error::Redirect(redirect) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(redirect.reason, RedirectReason::TooMany);
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        requests_to(&api).await.len(),
        11,
        "the request and ten hops"
    );
    assert_eq!(
        err.to_string(),
        "the server redirected (307 Temporary Redirect) more than 10 times"
    );
}

/// A user's own HTTP client comes as a `reqwest::ClientBuilder`, whose redirect policy the
/// client sets before building it: even one built to follow every redirect (reqwest's
/// default, which carries custom headers such as an API key to any host) sends nothing to
/// another origin, for every redirect status and every policy the user could set.
#[tokio::test]
async fn a_users_own_http_client_never_carries_credentials_to_another_origin() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(customer()))
        .mount(&other)
        .await;
    for status in [301, 302, 303, 307, 308] {
        api.reset().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/x", other.uri())),
            )
            .mount(&api)
            .await;
        let policies = [
            zenskar::reqwest::redirect::Policy::default(),
            zenskar::reqwest::redirect::Policy::limited(3),
            zenskar::reqwest::redirect::Policy::custom(|attempt| attempt.follow()),
        ];
        for policy in policies {
            let client = Client::builder()
                .api_token_auth(API_KEY)
                .organisation_auth(ORGANISATION)
                .base_url(api.uri())
                .http_client(
                    zenskar::reqwest::Client::builder()
                        .redirect(policy)
                        .referer(true)
                        .pool_max_idle_per_host(1),
                )
                .retry(RetryPolicy::disabled())
                .build()
                .unwrap();
            let err = client
                .get_customer_by_id(customer_uuid())
                .await
                .expect_err("not followed");
            let Error::Redirect(redirect) = &err else {
                panic!("{status}: {err:?}")
            };
            assert_eq!(redirect.reason, RedirectReason::OtherOrigin, "{status}");
        }
        let reached = requests_to(&other).await;
        assert!(
            reached.is_empty(),
            "{status}: the other origin was reached: {reached:?}"
        );
    }
    // The user's settings apply otherwise: their default headers are sent.
    api.reset().await;
    Mock::given(header("x-team", "billing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer()))
        .expect(1)
        .mount(&api)
        .await;
    let mut headers = zenskar::reqwest::header::HeaderMap::new();
    headers.insert("x-team", "billing".parse().unwrap());
    let client = Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(api.uri())
        .http_client(zenskar::reqwest::Client::builder().default_headers(headers))
        .build()
        .unwrap();
    client.get_customer_by_id(customer_uuid()).await.unwrap();
}

#[tokio::test]
async fn a_network_error_names_its_cause_in_one_line() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port");
    let client = client_for(&format!("http://127.0.0.1:{port}"));
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "network error after 3 attempts: tcp connect error: connection refused"
    );
    let Error::Network(transport) = &err else {
        unreachable!()
    };
    assert_eq!(transport.cause(), "tcp connect error: connection refused");
}

#[tokio::test]
async fn every_error_kind_renders_one_clean_line_and_a_bounded_debug() {
    let api = MockServer::start().await;
    // 600 KB bodies, as a misbehaving server or a proxy's error page might send.
    let big = "x".repeat(600 * 1024);
    Mock::given(method("GET"))
        .and(path(format!("/customers/{CUSTOMER_ID}")))
        .respond_with(ResponseTemplate::new(404).set_body_string(big.clone()))
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_string(big.clone()))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_string(big.clone()))
        .mount(&api)
        .await;
    let client = client_for(&api.uri());
    let small = Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(api.uri())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let slow = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&slow)
        .await;
    let timing_out = Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(slow.uri())
        .timeout(Some(Duration::from_millis(50)))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    let api_error = client
        .get_customer_by_id(customer_uuid())
        .await
        .unwrap_err();
    let decode = client
        .create_customer(CreateCustomerRequestSchema::new("Acme"))
        .await
        .unwrap_err();
    let too_large = small.list_customers().await;
    let timeout = timing_out.get_customer_by_id(customer_uuid()).await;
    let config = Client::new(API_KEY, "").unwrap_err();
    let errors = [
        ("Api", api_error, "the server answered 404 Not Found"),
        ("Decode", decode, "could not decode the 200 OK response"),
        (
            "ResponseTooLarge",
            too_large.unwrap_err(),
            "the 200 OK response is larger than the limit of 1024 bytes",
        ),
        ("Timeout", timeout.unwrap_err(), "the request timed out"),
        (
            "Config",
            config,
            "invalid client configuration: the credential for `OrganisationAuth` is empty",
        ),
    ];
    for (kind, err, starts) in &errors {
        let display = err.to_string();
        assert!(display.starts_with(starts), "{kind}: {display}");
        assert_one_clean_line(&display);
        let debug = format!("{err:?}");
        assert!(debug.len() < 4096, "{kind}: Debug is {} bytes", debug.len());
        assert!(!debug.contains(API_KEY), "{kind}: {debug}");
    }
    // The bodies are all there, only not in Debug.
    let debug = format!("{:?}", errors[0].1);
    assert!(debug.contains("... (614400 bytes in all)"), "{debug}");
    assert_eq!(errors[0].1.body().map(<[u8]>::len), Some(600 * 1024));
    assert!(format!("{:?}", errors[1].1).contains("... (614400 bytes in all)"));
    assert_eq!(errors[1].1.body().map(<[u8]>::len), Some(600 * 1024));
}

#[test]
fn empty_credentials_are_refused_when_the_client_is_built() {
    for (key, organisation, scheme) in [
        ("", ORGANISATION, "ApiTokenAuth"),
        (API_KEY, "", "OrganisationAuth"),
        ("  ", ORGANISATION, "ApiTokenAuth"),
    ] {
        let err = Client::new(key, organisation).expect_err("refused");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("invalid client configuration: the credential for `{scheme}` is empty")
        );
    }
    assert!(Client::new(API_KEY, ORGANISATION).is_ok());

    use oagen_tests::fixture_security_schemes::Client as Secured;
    let secured = || Secured::builder().base_url("http://127.0.0.1:9");
    let err = secured()
        .basic("", "s3cret")
        .build()
        .expect_err("no username");
    assert!(
        err.to_string()
            .contains("the username for `Basic` is empty"),
        "{err}"
    );
    // An empty password is how some APIs take a key as the username.
    assert!(secured().basic("sk_test", "").build().is_ok());
    assert!(secured().token("").build().is_err());
    assert!(secured().query_key("").build().is_err());
}

#[tokio::test]
async fn a_tls_handshake_that_fails_is_not_retried() {
    // A server that answers a TLS hello in plain HTTP, as a misconfigured port would.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut hello = [0u8; 512];
            let _ = socket.read(&mut hello).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let client = client_for(&format!("https://{address}"));
    let err = client
        .get_customer_by_id(customer_uuid())
        .await
        .expect_err("no TLS there");
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert_eq!(err.attempts(), 1, "{err}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_one_clean_line(&err.to_string());
}
