//! End to end, on 127.0.0.1: request and response shapes and nullable fields, through the
//! client generated from `fixtures/read_write_shapes.yaml` (`oagen_tests::fixture_read_write_shapes`).
//! What the server receives for absent, `null` and a value; what a response decodes into and
//! encodes back to.

use oagen_tests::fixture_read_write_shapes::types::{
    Account, AccountPatch, AccountRequest2, LineRequest, Order, OrderRequest,
};
use oagen_tests::fixture_read_write_shapes::{Client, Nullable};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

fn account_json() -> Value {
    json!({
        "id": "acc_1",
        "name": "Ann",
        "created_at": "2024-05-01T10:00:00Z",
        "nickname": "annie",
        "note": "vip",
    })
}

/// The JSON bodies the server received, in order.
async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|request| serde_json::from_slice(&request.body).expect("a JSON body"))
        .collect()
}

#[tokio::test]
async fn a_patch_sends_absent_null_and_a_value_apart() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/accounts/acc_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(account_json()))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);

    // Absent: the key is left out.
    let untouched = AccountPatch::new().name("Ann");
    assert!(untouched.nickname.is_absent());
    // Null: clears the value on the server.
    let mut cleared = AccountPatch::new();
    cleared.nickname = Nullable::Null;
    // A value, through the setter.
    let renamed = AccountPatch::new().nickname("annie");
    assert_eq!(renamed.nickname.as_deref(), Some("annie"));
    for patch in [untouched, cleared, renamed] {
        client
            .update_account("acc_1", patch)
            .await
            .expect("the call succeeds");
    }
    assert_eq!(
        bodies(&server).await,
        [
            json!({"name": "Ann"}),
            json!({"nickname": null}),
            json!({"nickname": "annie"}),
        ]
    );
}

#[tokio::test]
async fn a_get_response_decodes_plainly_and_encodes_back_without_loss() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(account_json()))
        .expect(1)
        .mount(&server)
        .await;
    let account: Account = client(&server)
        .get_account("acc_1")
        .await
        .expect("the call succeeds");
    // Required read-only fields are plain values; optional nullable ones a plain `Option`.
    assert_eq!(account.id, "acc_1");
    assert_eq!(account.created_at.as_str(), "2024-05-01T10:00:00Z");
    assert_eq!(account.nickname.as_deref(), Some("annie"));
    assert_eq!(account.note.as_deref(), Some("vip"));
    assert_eq!(account.password, None);
    // Stored or logged, the response keeps everything it had, read-only fields included.
    assert_eq!(
        serde_json::to_value(&account).expect("encodes"),
        account_json()
    );

    // A type only received reads `null` and absent alike: both `None`, written back absent.
    let mut with_null = account_json();
    with_null["nickname"] = Value::Null;
    let decoded: Account = serde_json::from_value(with_null).expect("decodes");
    assert_eq!(decoded.nickname, None);
    let mut expected = account_json();
    expected
        .as_object_mut()
        .expect("an object")
        .remove("nickname");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), expected);
}

#[tokio::test]
async fn a_create_sends_the_request_shape_and_receives_the_response_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts"))
        // No read-only field; the write-only password was a constructor argument.
        .and(body_json(
            json!({"name": "Ann", "password": "correct horse", "nickname": null}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(account_json()))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = AccountRequest2::new("Ann", "correct horse");
    request.nickname = Nullable::Null;
    let created = client(&server)
        .create_account(request)
        .await
        .expect("the call succeeds");
    assert_eq!(created.id, "acc_1");
}

#[tokio::test]
async fn a_short_write_only_password_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server)
        .create_account(AccountRequest2::new("Ann", "short"))
        .await
        .expect_err("invalid");
    assert!(
        err.to_string().contains("`password` is shorter than 8"),
        "{err}"
    );
    assert!(bodies(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn nested_shapes_follow_the_direction() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(json!({"lines": [{"sku": "A-1"}]})))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"lines": [{"sku": "A-1", "line_id": 7}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let order: Order = client(&server)
        .create_order(OrderRequest::new(vec![LineRequest::new("A-1")]))
        .await
        .expect("the call succeeds");
    assert_eq!(order.lines[0].line_id, 7);
}

#[tokio::test]
async fn pages_of_a_type_also_sent_are_walked_through_nullable_fields() {
    use wiremock::matchers::{query_param, query_param_is_missing};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tag-pages"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"items": [{"label": "a"}, {"label": "b", "color": null}], "next": "c2"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tag-pages"))
        .and(query_param("cursor", "c2"))
        // `null` items and `null` next: the last page, empty.
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": null, "next": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut items = client.list_tag_pages().paginate().items();
    let mut labels = Vec::new();
    while let Some(tag) = items.try_next().await.expect("each page decodes") {
        labels.push(tag.label);
    }
    assert_eq!(labels, ["a", "b"]);
}
