//! End to end, on 127.0.0.1: a sender signs a webhook the Standard Webhooks way and POSTs
//! it to an endpoint (wiremock, which records what it received); the receiving side checks
//! the signature with `oagen_runtime::webhook::StandardWebhooks` and parses the request
//! with the enums generated from `fixtures/webhooks.yaml` and `fixtures/callbacks.yaml`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oagen_runtime::reqwest::header::HeaderMap;
use oagen_runtime::webhook::{ParseError, StandardWebhooks, VerifyError};
use oagen_tests::fixture_callbacks::webhooks::SubscribeCallback;
use oagen_tests::fixture_webhooks::webhooks::Webhook;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// What the endpoint received: the request's headers and body.
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
}

/// POSTs `body` to a fresh endpoint with the Standard Webhooks headers, signed with
/// `signing_secret` at `timestamp`, plus `extra` headers; returns what the endpoint got.
async fn deliver(
    body: &str,
    signing_secret: &str,
    timestamp: i64,
    extra: &[(&str, &str)],
) -> Received {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let signer = StandardWebhooks::new(signing_secret).expect("a valid secret");
    let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    let mut request = oagen_runtime::reqwest::Client::new()
        .post(format!("{}/hooks", server.uri()))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signer.sign(id, timestamp, body.as_bytes()),
        )
        .body(body.to_owned());
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the endpoint answers");
    assert_eq!(response.status(), 204);
    let mut received = server
        .received_requests()
        .await
        .expect("requests are recorded");
    assert_eq!(received.len(), 1);
    let request = received.remove(0);
    Received {
        headers: request.headers,
        body: request.body,
    }
}

fn verifier() -> StandardWebhooks {
    StandardWebhooks::new(SECRET).expect("a valid secret")
}

#[tokio::test]
async fn a_signed_event_named_by_a_body_field_is_verified_and_parsed() {
    let body = r#"{"id": "evt_1", "type": "invoice.paid", "data": {"id": "in_1", "amount": 4200}}"#;
    let received = deliver(body, SECRET, now(), &[]).await;
    verifier()
        .verify(&received.headers, &received.body)
        .expect("the signature is valid");
    let event = Webhook::parse(&received.headers, &received.body).expect("a known event");
    assert_eq!(event.name(), "invoice.paid");
    let Webhook::InvoicePaid(paid) = event else {
        panic!("the invoice.paid event, found {event:?}");
    };
    assert_eq!(paid.data.amount, 4200);
    assert_eq!(paid.id, "evt_1");
}

#[tokio::test]
async fn events_sharing_a_payload_type_are_told_apart_by_its_field() {
    let body = r#"{"type": "order.updated", "order_id": "o_1"}"#;
    let received = deliver(body, SECRET, now(), &[]).await;
    match Webhook::parse(&received.headers, &received.body).expect("a known event") {
        Webhook::OrderUpdated(order) => assert_eq!(order.order_id, "o_1"),
        other => panic!("order.updated, found {other:?}"),
    }
}

#[tokio::test]
async fn an_event_named_by_a_header_or_recognised_by_its_payload_is_parsed() {
    let received = deliver("", SECRET, now(), &[("X-Event", "ping")]).await;
    verifier()
        .verify(&received.headers, &received.body)
        .expect("an empty body is signed too");
    assert_eq!(
        Webhook::parse(&received.headers, &received.body).expect("ping"),
        Webhook::Ping
    );

    let received = deliver(r#"{"name": "Tom"}"#, SECRET, now(), &[]).await;
    match Webhook::parse(&received.headers, &received.body).expect("a pet") {
        Webhook::NewPet(pet) => assert_eq!(pet.name, "Tom"),
        other => panic!("the newPet event, found {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_signature_is_rejected() {
    let body = r#"{"id": "evt_1", "type": "invoice.paid", "data": {"id": "in_1", "amount": 1}}"#;
    // Signed with another secret.
    let received = deliver(body, "whsec_c2VjcmV0LW9mLXNvbWVib2R5LWVsc2U=", now(), &[]).await;
    assert_eq!(
        verifier().verify(&received.headers, &received.body),
        Err(VerifyError::InvalidSignature)
    );
    // Signed with ours, then tampered with on the way.
    let mut received = deliver(body, SECRET, now(), &[]).await;
    received.body = body
        .replace("\"amount\": 1", "\"amount\": 1000")
        .into_bytes();
    assert_eq!(
        verifier().verify(&received.headers, &received.body),
        Err(VerifyError::InvalidSignature)
    );
}

#[tokio::test]
async fn an_expired_or_future_timestamp_is_rejected() {
    let body = r#"{"name": "Tom"}"#;
    let received = deliver(body, SECRET, now() - 3600, &[]).await;
    assert_eq!(
        verifier().verify(&received.headers, &received.body),
        Err(VerifyError::TimestampOutOfTolerance)
    );
    let received = deliver(body, SECRET, now() + 3600, &[]).await;
    assert_eq!(
        verifier().verify(&received.headers, &received.body),
        Err(VerifyError::TimestampOutOfTolerance)
    );
    // Within a tolerance set by the user, it passes.
    let received = deliver(body, SECRET, now() - 3600, &[]).await;
    verifier()
        .with_tolerance(Duration::from_secs(2 * 3600))
        .verify(&received.headers, &received.body)
        .expect("within the tolerance");
}

#[tokio::test]
async fn an_unknown_event_is_reported_with_its_name() {
    let body = r#"{"id": "evt_1", "type": "invoice.exploded", "data": {}}"#;
    let received = deliver(body, SECRET, now(), &[]).await;
    verifier()
        .verify(&received.headers, &received.body)
        .expect("signed");
    match Webhook::parse(&received.headers, &received.body) {
        Err(ParseError::UnknownEvent { name }) => {
            assert_eq!(name.as_deref(), Some("invoice.exploded"))
        }
        other => panic!("an unknown event, found {other:?}"),
    }
    // A known event whose payload does not decode says which event it was.
    let body = r#"{"id": "evt_1", "type": "invoice.paid", "data": {"id": 7}}"#;
    match Webhook::parse(&HeaderMap::new(), body.as_bytes()) {
        Err(ParseError::InvalidPayload { event, .. }) => assert_eq!(event, "invoice.paid"),
        other => panic!("an invalid payload, found {other:?}"),
    }
    assert!(matches!(
        Webhook::parse(&HeaderMap::new(), b"not json"),
        Err(ParseError::InvalidJson(_))
    ));
}

#[tokio::test]
async fn callbacks_are_parsed_per_operation() {
    let received = deliver(r#"{"event": "data", "value": 2.5}"#, SECRET, now(), &[]).await;
    match SubscribeCallback::parse(&received.headers, &received.body).expect("onData") {
        SubscribeCallback::OnData(data) => assert_eq!(data.value, 2.5),
        other => panic!("onData, found {other:?}"),
    }
    let received = deliver(r#"{"event": "end", "reason": "done"}"#, SECRET, now(), &[]).await;
    assert_eq!(
        SubscribeCallback::parse(&received.headers, &received.body)
            .expect("onEnd")
            .name(),
        "onEnd"
    );
    // The referenced callback has no event field: recognised by its payload.
    let received = deliver(r#"{"status": "paused"}"#, SECRET, now(), &[]).await;
    assert_eq!(
        SubscribeCallback::parse(&received.headers, &received.body)
            .expect("onStatus")
            .name(),
        "onStatus"
    );
    let received = deliver(r#"{"event": "restart"}"#, SECRET, now(), &[]).await;
    assert!(matches!(
        SubscribeCallback::parse(&received.headers, &received.body),
        Err(ParseError::UnknownEvent { name: Some(name) }) if name == "restart"
    ));
}

#[test]
fn missing_headers_and_bad_secrets_are_named() {
    assert!(matches!(
        StandardWebhooks::new("whsec_!!!"),
        Err(VerifyError::InvalidSecret)
    ));
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", "msg_1".parse().expect("header"));
    headers.insert(
        "webhook-timestamp",
        now().to_string().parse().expect("header"),
    );
    assert_eq!(
        verifier().verify(&headers, b"{}"),
        Err(VerifyError::MissingHeader("webhook-signature"))
    );
    headers.insert("webhook-signature", "v1,AAAA".parse().expect("header"));
    headers.insert("webhook-timestamp", "soon".parse().expect("header"));
    assert_eq!(
        verifier().verify(&headers, b"{}"),
        Err(VerifyError::InvalidTimestamp)
    );
    // The key never shows in Debug.
    assert!(!format!("{:?}", verifier()).contains("MfKQ"));
}
