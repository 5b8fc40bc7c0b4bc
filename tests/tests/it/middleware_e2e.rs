//! Middleware and transports (`ClientBuilder::layer`, `ClientBuilder::transport`) on the
//! committed `zenskar` client and the fixtures `security_schemes.yaml` and
//! `event_streams.yaml`: a layer that signs the body with HMAC-SHA256 (checked by a wiremock
//! server on 127.0.0.1), one that counts and numbers attempts across retries, one that
//! answers from a cache, in-memory transports (no socket: the base URL's host does not
//! exist) for plain calls, a stream, timeouts and redirects, and the `Debug` of the request
//! a layer sees, with no credential in it.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hmac::{Hmac, Mac};
use oagen_runtime::middleware::tower::{self, Layer, Service, ServiceExt};
use oagen_runtime::middleware::{
    Attempt, Body, BoxError, HttpRequest, HttpResponse, Operation, Stack, Transport, http,
};
use oagen_runtime::{Bytes, RetryPolicy};
use serde_json::json;
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use zenskar::types::CreateCustomerRequestSchema;
use zenskar::{Client, Error};

const API_KEY: &str = "zk_test_key_123";
const ORGANISATION: &str = "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f";
const SIGNING_KEY: &[u8] = b"shared signing key";
/// A host that does not exist: a request that reached a socket would fail.
const NOWHERE: &str = "http://api.invalid";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn zenskar(base_url: &str) -> zenskar::ClientBuilder {
    Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(base_url)
        .retry(fast_retries())
}

/// What the signer signs: the method, the path and query, the `organisation` credential
/// (so the signature covers a credential the client set) and the body.
fn signature(method: &str, path_and_query: &str, organisation: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SIGNING_KEY).expect("any key length");
    for part in [
        method.as_bytes(),
        path_and_query.as_bytes(),
        organisation,
        body,
    ] {
        mac.update(part);
        mac.update(b"\n");
    }
    let digest = mac.finalize().into_bytes();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A layer that signs each request as it is sent, written with `layer_fn` and `service_fn`.
fn signer() -> impl oagen_runtime::middleware::AttemptLayer {
    tower::layer::layer_fn(|inner: Stack| {
        Stack::new(tower::service_fn(move |mut request: HttpRequest| {
            let organisation = request
                .headers()
                .get("organisation")
                .map(|value| value.as_bytes().to_vec())
                .unwrap_or_default();
            let path_and_query = request.uri().path_and_query().map_or("", |p| p.as_str());
            let signed = signature(
                request.method().as_str(),
                path_and_query,
                &organisation,
                request.body(),
            );
            let inner = inner.clone();
            async move {
                request
                    .headers_mut()
                    .insert("x-signature", http::HeaderValue::from_str(&signed)?);
                inner.oneshot(request).await
            }
        }))
    })
}

/// Whether the request the server got carries the right signature.
fn signed_correctly(request: &Request) -> bool {
    let Some(organisation) = request.headers.get("organisation") else {
        return false;
    };
    let mut path_and_query = request.url.path().to_owned();
    if let Some(query) = request.url.query() {
        path_and_query.push('?');
        path_and_query.push_str(query);
    }
    let expected = signature(
        request.method.as_str(),
        &path_and_query,
        organisation.as_bytes(),
        &request.body,
    );
    request
        .headers
        .get("x-signature")
        .is_some_and(|value| value.as_bytes() == expected.as_bytes())
}

#[tokio::test]
async fn a_layer_signs_each_request_with_an_hmac_of_its_body_and_credentials() {
    let server = MockServer::start().await;
    let id = "9b2f6c1a-3333-4c3b-9e21-0a1b2c3d4e5f";
    Mock::given(method("POST"))
        .and(path("/customers"))
        .and(signed_correctly)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": id, "customer_name": "Acme Corporation", "custom_data": {}, "address": {},
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .and(signed_correctly)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .expect(1)
        .mount(&server)
        .await;
    // Anything not signed right is refused.
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;

    let client = zenskar(&server.uri())
        .layer(signer())
        .build()
        .expect("valid settings");
    let body = CreateCustomerRequestSchema::new("Acme Corporation").email("billing@acme.com");
    let created = client.create_customer(body).await.expect("signed POST");
    assert_eq!(created.id.to_string(), id);
    let page = client.list_customers().limit(5).await.expect("signed GET");
    assert!(page.results.is_empty());

    // The same layer without it: the server refuses, so the check above is real.
    let unsigned = zenskar(&server.uri()).build().expect("valid settings");
    let err = unsigned.list_customers().await.expect_err("unsigned");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

/// What a counting layer saw: each request's attempt, operation and answer.
type Seen = Arc<Mutex<Vec<(u32, u32, Operation, u16)>>>;

/// A layer written as a `tower::Layer` and a `tower::Service` by hand.
struct Count(Seen);

impl<S> Layer<S> for Count {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            seen: self.0.clone(),
        }
    }
}

#[derive(Clone)]
struct Counted<S> {
    inner: S,
    seen: Seen,
}

impl<S: Transport> Service<HttpRequest> for Counted<S> {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let attempt = *request.extensions().get::<Attempt>().expect("an attempt");
        let operation = *request
            .extensions()
            .get::<Operation>()
            .expect("an operation");
        let seen = self.seen.clone();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            let status = response.status().as_u16();
            let entry = (attempt.number, attempt.redirects, operation, status);
            seen.lock().unwrap().push(entry);
            Ok(response)
        })
    }
}

#[tokio::test]
async fn a_layer_sees_every_attempt_numbered_across_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .expect(1)
        .mount(&server)
        .await;
    let seen = Seen::default();
    let client = zenskar(&server.uri())
        .layer(Count(seen.clone()))
        .build()
        .expect("valid settings");
    let response = client
        .list_customers()
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert_eq!(response.attempts, 2);
    let seen = seen.lock().unwrap().clone();
    let numbers: Vec<(u32, u32, u16)> = seen.iter().map(|(n, r, _, s)| (*n, *r, *s)).collect();
    assert_eq!(numbers, [(1, 0, 503), (2, 0, 200)]);
    assert!(
        seen.iter()
            .all(|(_, _, op, _)| op.name == "list_customers" && op.path == "/customers")
    );
}

/// An in-memory transport: answers with `answer(n, request)` for the n-th request (from 1)
/// and keeps every URI it was sent.
fn memory<F>(answer: F) -> (impl Transport, Arc<Mutex<Vec<String>>>)
where
    F: Fn(usize, &HttpRequest) -> HttpResponse + Clone + Send + Sync + 'static,
{
    let sent = Arc::new(Mutex::new(Vec::new()));
    let log = sent.clone();
    let transport = tower::service_fn(move |request: HttpRequest| {
        let answer = answer.clone();
        let log = log.clone();
        async move {
            let n = {
                let mut log = log.lock().unwrap();
                log.push(request.uri().to_string());
                log.len()
            };
            Ok::<_, BoxError>(answer(n, &request))
        }
    });
    (transport, sent)
}

fn json_response(status: u16, body: serde_json::Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn an_in_memory_transport_answers_with_no_socket_and_retries_still_apply() {
    let (transport, sent) = memory(|n, request| {
        assert_eq!(request.headers()["x-api-key"], API_KEY);
        match n {
            1 => json_response(503, json!({})),
            _ => json_response(200, json!({"results": [], "total_count": 0})),
        }
    });
    let seen = Seen::default();
    let client = zenskar(NOWHERE)
        .transport(transport)
        .layer(Count(seen.clone()))
        .build()
        .expect("valid settings");
    let response = client
        .list_customers()
        .limit(2)
        .send_with_response()
        .await
        .expect("answered in memory");
    assert_eq!(response.body.total_count, Some(0));
    assert_eq!(response.attempts, 2);
    assert_eq!(
        *sent.lock().unwrap(),
        [
            "http://api.invalid/customers?limit=2",
            "http://api.invalid/customers?limit=2"
        ]
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_timeout_covers_a_transport_that_never_answers() {
    let transport = tower::service_fn(|_: HttpRequest| async {
        std::future::pending::<()>().await;
        Ok::<HttpResponse, BoxError>(json_response(200, json!({})))
    });
    let client = zenskar(NOWHERE)
        .transport(transport)
        .timeout(Some(Duration::from_millis(50)))
        .retry(fast_retries().max_attempts(2))
        .build()
        .expect("valid settings");
    let err = client.list_customers().await.expect_err("it never answers");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(err.attempts(), 2, "a timeout is retried");
}

#[tokio::test]
async fn a_layer_can_answer_from_a_cache_without_calling_the_transport() {
    let id = "9b2f6c1a-3333-4c3b-9e21-0a1b2c3d4e5f";
    let (transport, sent) = memory(move |_, _| {
        json_response(
            200,
            json!({"id": id, "customer_name": "Acme", "custom_data": {}, "address": {},
                   "created_at": "2023-01-01T00:00:00", "invoice_details": {}}),
        )
    });
    let cache: Arc<Mutex<Vec<(String, Bytes)>>> = Arc::default();
    let layer = tower::layer::layer_fn(move |inner: Stack| {
        let cache = cache.clone();
        Stack::new(tower::service_fn(move |request: HttpRequest| {
            let (inner, cache) = (inner.clone(), cache.clone());
            async move {
                let key = request.uri().to_string();
                let hit = cache
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|(k, _)| *k == key)
                    .cloned();
                if let Some((_, body)) = hit {
                    return Ok(json_response_bytes(body));
                }
                let (parts, mut body) = inner.oneshot(request).await?.into_parts();
                let mut whole = Vec::new();
                while let Some(chunk) = body.chunk().await? {
                    whole.extend_from_slice(&chunk);
                }
                cache
                    .lock()
                    .unwrap()
                    .push((key, Bytes::from(whole.clone())));
                Ok(http::Response::from_parts(parts, Body::from(whole)))
            }
        }))
    });
    let client = zenskar(NOWHERE)
        .transport(transport)
        .layer(layer)
        .build()
        .expect("valid settings");
    let uuid: uuid::Uuid = id.parse().unwrap();
    for _ in 0..3 {
        let customer = client.get_customer_by_id(uuid).await.expect("answered");
        assert_eq!(customer.id, uuid);
    }
    assert_eq!(
        sent.lock().unwrap().len(),
        1,
        "two answers came from the cache"
    );
}

fn json_response_bytes(body: Bytes) -> HttpResponse {
    http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// Chunks handed out one by one, then silence forever (or the end, if `end`).
struct Chunks {
    chunks: VecDeque<Bytes>,
    end: bool,
}

impl oagen_runtime::Stream for Chunks {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None if self.end => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

#[tokio::test]
async fn a_stream_comes_through_an_in_memory_transport_with_its_idle_timeout() {
    use oagen_tests::fixture_event_streams::types::{ChatRequest, Message};

    let event = |content: &str| {
        format!(r#"data: {{"id":"c","choices":[{{"index":0,"delta":{{"content":"{content}"}}}}]}}"#)
    };
    let first = format!("{}\n\n", event("hel"));
    let second = format!("{}\n\n", event("lo"));
    for end in [true, false] {
        // The first event split in the middle, the second whole.
        let chunks: VecDeque<Bytes> = [&first[..10], &first[10..], &second]
            .into_iter()
            .map(|part| Bytes::from(part.to_owned()))
            .collect();
        let transport = tower::service_fn(move |request: HttpRequest| {
            assert_eq!(request.headers()["accept"], "text/event-stream");
            let body = Body::from_stream(Chunks {
                chunks: chunks.clone(),
                end,
            });
            let response = http::Response::builder()
                .header("content-type", "text/event-stream")
                .body(body)
                .unwrap();
            async move { Ok::<_, BoxError>(response) }
        });
        let client = oagen_tests::fixture_event_streams::Client::builder()
            .base_url(NOWHERE)
            .transport(transport)
            .timeout(Some(Duration::from_millis(100)))
            .build()
            .expect("valid settings");
        let request = ChatRequest::new("m", vec![Message::new("user", "hi")]);
        let mut stream = client
            .create_chat_completion(request)
            .stream()
            .await
            .expect("the stream begins");
        let mut text = String::new();
        for _ in 0..2 {
            let item = stream.try_next().await.unwrap().expect("an event");
            for choice in item.data.choices {
                text.push_str(&choice.delta.and_then(|d| d.content).unwrap_or_default());
            }
        }
        assert_eq!(text, "hello");
        let last = stream.try_next().await;
        if end {
            assert!(matches!(last, Ok(None)), "{last:?}");
        } else {
            let err = last.expect_err("silence past the idle timeout");
            assert!(
                matches!(
                    err,
                    oagen_tests::fixture_event_streams::Error::IdleTimeout { .. }
                ),
                "{err:?}"
            );
        }
    }
}

#[tokio::test]
async fn redirects_go_through_the_layers_and_never_leave_the_origin() {
    // A redirect within the origin: followed, the layer sees both hops of attempt 1.
    let (transport, sent) = memory(|n, _| match n {
        1 => http::Response::builder()
            .status(307)
            .header("location", "/customers?page=2")
            .body(Body::empty())
            .unwrap(),
        _ => json_response(200, json!({"results": []})),
    });
    let seen = Seen::default();
    let client = zenskar(NOWHERE)
        .transport(transport)
        .layer(Count(seen.clone()))
        .build()
        .expect("valid settings");
    client.list_customers().await.expect("followed");
    assert_eq!(sent.lock().unwrap().len(), 2);
    let hops: Vec<(u32, u32)> = seen.lock().unwrap().iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(hops, [(1, 0), (1, 1)]);

    // A transport (or a layer) answering with a redirect to another origin: not followed.
    let (transport, sent) = memory(|_, _| {
        http::Response::builder()
            .status(302)
            .header("location", "http://elsewhere.invalid/steal")
            .body(Body::empty())
            .unwrap()
    });
    let client = zenskar(NOWHERE)
        .transport(transport)
        .build()
        .expect("valid settings");
    let err = client.list_customers().await.expect_err("not followed");
    assert!(matches!(err, Error::Redirect(_)), "{err:?}");
    assert_eq!(sent.lock().unwrap().len(), 1);

    // A layer that sends the request to another origin: refused before the transport.
    let (transport, sent) = memory(|_, _| json_response(200, json!({"results": []})));
    let elsewhere = tower::layer::layer_fn(|inner: Stack| {
        Stack::new(tower::service_fn(move |mut request: HttpRequest| {
            *request.uri_mut() = "http://elsewhere.invalid/customers".parse().unwrap();
            inner.clone().oneshot(request)
        }))
    });
    let client = zenskar(NOWHERE)
        .transport(transport)
        .layer(elsewhere)
        .build()
        .expect("valid settings");
    let err = client.list_customers().await.expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(
        sent.lock().unwrap().is_empty(),
        "nothing reached the transport"
    );
}

/// The `Debug` of each request a layer saw, and its `Authorization` header.
type DebugLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A layer that keeps the `Debug` of every request it sees, and the request's own
/// `Authorization` header, to show the credential is there but not printed.
fn debug_recorder(log: DebugLog) -> impl oagen_runtime::middleware::AttemptLayer {
    tower::layer::layer_fn(move |inner: Stack| {
        let log = log.clone();
        Stack::new(tower::service_fn(move |request: HttpRequest| {
            let authorization = request
                .headers()
                .get("authorization")
                .map(|value| value.to_str().unwrap().to_owned());
            log.lock()
                .unwrap()
                .push((format!("{request:?}"), authorization));
            inner.clone().oneshot(request)
        }))
    })
}

#[tokio::test]
async fn no_credential_appears_in_the_debug_of_the_request_a_layer_sees() {
    use oagen_tests::fixture_security_schemes::Client;

    let log = DebugLog::default();
    let (transport, sent) = memory(|_, _| {
        http::Response::builder()
            .status(204)
            .body(Body::empty())
            .unwrap()
    });
    let client = Client::builder()
        .base_url(NOWHERE)
        .query_key("k_1_query_secret")
        .token("tok_1_bearer_secret")
        .basic("admin", "s3cret_basic")
        .transport(transport.clone())
        .layer(debug_recorder(log.clone()))
        .build()
        .expect("valid settings");
    client.admin_info().await.expect("basic");
    client.private_info().await.expect("bearer and query key");
    // The transport got them all...
    let uris = sent.lock().unwrap().clone();
    assert!(uris[1].contains("api_key=k_1_query_secret"), "{uris:?}");
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 2);
    // ...and the layer saw them in the request, but not in its `Debug`.
    assert_eq!(log[0].1.as_deref(), Some("Basic YWRtaW46czNjcmV0X2Jhc2lj"));
    assert_eq!(log[1].1.as_deref(), Some("Bearer tok_1_bearer_secret"));
    for (debug, _) in &log {
        for secret in [
            "k_1_query_secret",
            "tok_1_bearer_secret",
            "s3cret_basic",
            "YWRtaW46czNjcmV0X2Jhc2lj",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("Sensitive"), "{debug}");
    }
    assert!(log[1].0.contains("api_key=***"), "{}", log[1].0);

    // API keys in headers (zenskar's two).
    let zlog = DebugLog::default();
    let (transport, _) = memory(|_, _| json_response(200, json!({"results": []})));
    let client = zenskar(NOWHERE)
        .transport(transport)
        .layer(debug_recorder(zlog.clone()))
        .build()
        .expect("valid settings");
    client.list_customers().await.expect("answered");
    let zlog = zlog.lock().unwrap().clone();
    assert_eq!(zlog.len(), 1);
    let debug = &zlog[0].0;
    assert!(
        !debug.contains(API_KEY) && !debug.contains(ORGANISATION),
        "{debug}"
    );
    assert!(
        debug.contains("x-api-key") && debug.contains("Attempt"),
        "{debug}"
    );
}
