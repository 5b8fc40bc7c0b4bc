//! Structs written once (`fixtures/shared_structs.yaml`, `oagen_tests::fixture_shared_structs`):
//! every name of a shared struct is still a type a user can write, build, send, validate and
//! decode, on 127.0.0.1; the names of one definition are one type.

use oagen_tests::fixture_shared_structs::Client;
use oagen_tests::fixture_shared_structs::types::{
    CreateCustomerBody, CreateCustomerBodyAddress, CreateShopBody, CreateShopBodyAddress,
    CreateShopBodyAddressGeo, CustomerOwner, CustomerOwnerKind, Shop, ShopOwner, ShopOwnerKind,
};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

/// The names of one definition are one type, built and matched through any of them.
#[test]
fn the_names_of_one_definition_are_one_type() {
    let address: CreateShopBodyAddress = CreateCustomerBodyAddress::new("1 Main St")
        .city("Oslo")
        .geo(CreateShopBodyAddressGeo::new().lat(59.9));
    let again: CreateCustomerBodyAddress = address.clone();
    assert_eq!(again, address);
    let CreateShopBodyAddress { line1, .. } = &address;
    assert_eq!(line1, "1 Main St");
    let kind: ShopOwnerKind = CustomerOwnerKind::Company;
    assert_eq!(kind.as_str(), "company");
}

/// A body sends a shared struct under each name, and a response decodes into one; a broken
/// constraint of the shared definition stops the call before anything is sent.
#[tokio::test]
async fn a_call_sends_validates_and_receives_shared_structs() {
    let server = MockServer::start().await;
    let address = json!({"line1": "1 Main St", "geo": {"lat": 59.9, "lng": 10.7}});
    Mock::given(method("POST"))
        .and(path("/shops"))
        .and(body_json(json!({"title": "Books", "address": address})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "sh_1",
            "owner": {"id": "ow_1", "kind": "person"},
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/customers"))
        .and(body_json(json!({"name": "Ada", "address": address})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "cu_1",
            "owner": {"id": "ow_1", "email": "ada@example.com"},
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let geo = CreateShopBodyAddressGeo::new().lat(59.9).lng(10.7);
    let shop_address = CreateShopBodyAddress::new("1 Main St").geo(geo);
    let shop: Shop = client
        .create_shop(CreateShopBody::new("Books").address(shop_address.clone()))
        .await
        .expect("the call succeeds");
    let owner: ShopOwner = shop.owner;
    assert_eq!(owner.kind, Some(CustomerOwnerKind::Person));
    let customer = client
        .create_customer(CreateCustomerBody::new("Ada").address(shop_address))
        .await
        .expect("the call succeeds");
    let owner: CustomerOwner = customer.owner;
    assert_eq!(owner.email.as_deref(), Some("ada@example.com"));

    // `line1` is at most 40 characters, under either name.
    let long = CreateShopBodyAddress::new("x".repeat(41));
    let err = client
        .create_shop(CreateShopBody::new("Books").address(long))
        .await
        .expect_err("invalid");
    assert!(err.to_string().contains("address.line1"), "{err}");
}
