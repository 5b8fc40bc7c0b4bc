//! Enums written once (`fixtures/shared_enums.yaml`, `oagen_tests::fixture_shared_enums`):
//! every name of a shared enum is still a type a user can write, build, match, send and
//! decode, on 127.0.0.1; the names of one definition are the same type, so a value of one
//! is a value of the others.

use oagen_tests::fixture_shared_enums::Client;
use oagen_tests::fixture_shared_enums::types::{
    InvoiceChannel, InvoiceObject, InvoiceStatus, ListInvoicesStatus, NewRefund, NewRefundChannel,
    NewRefundReason, NewRefundStatus, Order, OrderObject, OrderPriority, OrderStatus, Refund,
    RefundObject, RefundPriority, RefundReason, RefundStatus,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

/// Each name decodes its values, encodes them back, and keeps an unknown value.
#[test]
fn every_name_round_trips() {
    fn round_trip<T>(values: &[&str])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Display,
    {
        for value in values {
            let json = serde_json::to_string(value).expect("a string");
            let decoded: T = serde_json::from_str(&json).expect("decodes");
            assert_eq!(decoded.to_string(), *value);
            assert_eq!(serde_json::to_string(&decoded).expect("encodes"), json);
        }
    }
    let statuses = ["open", "closed", "paused"];
    round_trip::<ListInvoicesStatus>(&statuses);
    round_trip::<NewRefundStatus>(&statuses);
    round_trip::<OrderStatus>(&statuses);
    round_trip::<RefundStatus>(&statuses);
    round_trip::<InvoiceStatus>(&statuses);
    round_trip::<InvoiceObject>(&["", "x"]);
    round_trip::<OrderObject>(&["", "x"]);
    round_trip::<RefundObject>(&["", "x"]);
    round_trip::<NewRefundReason>(&["duplicate", "fraud"]);
    round_trip::<RefundReason>(&["duplicate", "fraud"]);
    round_trip::<InvoiceChannel>(&["web", "phone"]);
    round_trip::<NewRefundChannel>(&["web", "phone"]);
    assert_eq!(
        serde_json::from_value::<RefundPriority>(json!(2)).expect("decodes"),
        OrderPriority::Value2
    );
    assert_eq!(
        OrderStatus::from("paused"),
        RefundStatus::Unknown("paused".to_owned())
    );
}

/// The names of one definition are one type: a value of one is a value of another, its
/// variants are written through any name, in expressions and in patterns.
#[test]
fn the_names_of_one_definition_are_one_type() {
    let status: OrderStatus = RefundStatus::Open;
    let sent: NewRefundStatus = status.clone();
    let listed: ListInvoicesStatus = sent;
    assert!(matches!(listed, RefundStatus::Open));
    let object: RefundObject = OrderObject::Empty;
    assert_eq!(object, InvoiceObject::Empty);
    assert_eq!(object.as_str(), "");
    let channel: NewRefundChannel = InvoiceChannel::Phone;
    assert_eq!(channel.as_str(), "phone");
    match RefundReason::from("fraud") {
        NewRefundReason::Fraud => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(status.as_str(), "open");
}

/// A request sends the shared enums' values, and a response decodes into them (defaults of
/// each name's own field included).
#[tokio::test]
async fn a_call_sends_and_receives_shared_enums() {
    let server = MockServer::start().await;
    let refund = json!({"id": "re_1", "status": "closed", "object": "", "priority": 3});
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .and(body_json(
            json!({"order": "or_1", "status": "open", "channel": "phone"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(&refund))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/orders/or_1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"id": "or_1", "status": "open", "object": "", "priority": 1}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = NewRefund::new("or_1", NewRefundStatus::Open).channel(NewRefundChannel::Phone);
    let created: Refund = client.create_refund(body).await.expect("the call succeeds");
    assert_eq!(created.status, RefundStatus::Closed);
    assert_eq!(created.object, RefundObject::Empty);
    assert_eq!(created.priority, Some(RefundPriority::Value3));
    // The field's own default, though its type is `NewRefundReason`'s.
    assert_eq!(created.reason, Some(RefundReason::Duplicate));
    let order: Order = client.get_order("or_1").await.expect("the call succeeds");
    assert_eq!(order.status, OrderStatus::Open);
    assert_eq!(order.object, OrderObject::Empty);
    assert_eq!(order.priority, Some(OrderPriority::Value1));
    assert_eq!(
        serde_json::to_value(&created).expect("encodes")["status"],
        Value::from("closed")
    );
}
