//! End-to-end tests of the committed, generated `zenskar` crate against a real HTTP server on
//! 127.0.0.1 (wiremock): what goes on the wire (method, path, both credentials, query,
//! body) and what comes back (the reference page's example response, typed errors, and
//! responses the API does not describe).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use zenskar::types::{
    Address, CreateCustomerRequestSchema, CreateCustomerResponseSchema, TaxId,
    UpdateCustomerRequestSchema, ValidationErrorLocItem,
};
use zenskar::{Client, Error, ErrorBody};

const API_KEY: &str = "zk_test_key_123";
const ORGANISATION: &str = "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f";

/// The example response of `POST /customers` on Zenskar's public reference page, verbatim.
const REFERENCE_RESPONSE: &str = r#"{
  "id": "123e4567-e89b-12d3-a456-426614174000",
  "customer_name": "Acme Corporation",
  "email": "billing@acme.com",
  "phone_number": "+1-555-0100",
  "address": {
    "line1": "123 Business Ave",
    "city": "San Francisco",
    "state": "CA",
    "zipCode": "94102",
    "country": "United States",
    "country_code": "US",
    "validation_status": "valid"
  },
  "tax_info": [],
  "custom_data": {
    "industry": "Technology",
    "company_size": "50-200"
  },
  "communications_enabled": true,
  "auto_charge_enabled": true
}"#;

/// A customer as GET and PATCH return it.
fn customer_json(id: &str) -> Value {
    json!({
        "id": id,
        "external_id": "sf-001",
        "customer_name": "Acme Corporation",
        "custom_data": {},
        "address": {"city": "San Francisco", "zipCode": "94102"},
        "email": "billing@acme.com",
        "created_at": "2023-01-01T00:00:00",
        "invoice_details": {},
    })
}

async fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

/// Both credentials, on every request.
fn authenticated(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header("x-api-key", API_KEY))
        .and(header("organisation", ORGANISATION))
}

#[tokio::test]
async fn create_customer_sends_the_body_and_decodes_the_reference_response() {
    let server = MockServer::start().await;
    authenticated(Mock::given(method("POST")).and(path("/customers")))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"customer_name": "Acme Corporation", "email": "billing@acme.com"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(REFERENCE_RESPONSE, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let request = CreateCustomerRequestSchema::new("Acme Corporation").email("billing@acme.com");
    let customer = client
        .create_customer(request)
        .await
        .expect("the call succeeds");

    // Every field of the reference page's example, checked.
    assert_eq!(
        customer.id.to_string(),
        "123e4567-e89b-12d3-a456-426614174000"
    );
    assert_eq!(customer.customer_name, "Acme Corporation");
    assert_eq!(customer.email, Some("billing@acme.com".to_owned()));
    assert_eq!(customer.phone_number, Some("+1-555-0100".to_owned()));
    // Required but nullable, and absent from the example: decodes as null.
    assert_eq!(customer.external_id, None);
    let address = &customer.address;
    assert_eq!(address.line1, Some("123 Business Ave".to_owned()));
    assert_eq!(address.line2, None);
    assert_eq!(address.line3, None);
    assert_eq!(address.city, Some("San Francisco".to_owned()));
    assert_eq!(address.state, Some("CA".to_owned()));
    assert_eq!(address.zip_code, Some("94102".to_owned()));
    assert_eq!(address.country, Some("United States".to_owned()));
    assert_eq!(address.country_code, Some("US".to_owned()));
    assert_eq!(address.validation_status, Some("valid".to_owned()));
    assert_eq!(address.connector_validation, None);
    assert_eq!(customer.tax_info, Some(Vec::new()));
    let custom_data: Value = Value::Object(customer.custom_data.clone());
    assert_eq!(
        custom_data,
        json!({"industry": "Technology", "company_size": "50-200"})
    );
    assert_eq!(customer.communications_enabled, Some(true));
    assert_eq!(customer.auto_charge_enabled, Some(true));
    assert_eq!(customer.ship_to_address, None);
    assert_eq!(customer.custom_attributes, None);
    assert_eq!(customer.business_entity_id, None);
}

#[tokio::test]
async fn reference_response_round_trips_without_loss() {
    let customer: CreateCustomerResponseSchema =
        serde_json::from_str(REFERENCE_RESPONSE).expect("decodes");
    let encoded = serde_json::to_value(&customer).expect("encodes");
    let original: Value = serde_json::from_str(REFERENCE_RESPONSE).expect("valid JSON");
    // `external_id` is required and nullable, so it is always written (as null here).
    let mut expected = original;
    expected["external_id"] = Value::Null;
    assert_eq!(encoded, expected);
}

#[tokio::test]
async fn defaults_apply_when_the_server_omits_a_field() {
    let body = json!({
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "external_id": null,
        "customer_name": "Acme",
        "custom_data": {},
        "address": {},
        "communications_enabled": null,
    });
    let customer: CreateCustomerResponseSchema = serde_json::from_value(body).expect("decodes");
    // Absent: the documented default (true). Explicitly null: no value (a type that is only
    // received reads absent and null alike).
    assert_eq!(customer.auto_charge_enabled, Some(true));
    assert_eq!(customer.communications_enabled, None);
}

#[tokio::test]
async fn full_create_request_encodes_every_field() {
    let server = MockServer::start().await;
    let expected = json!({
        "customer_name": "Globex",
        "external_id": "sf-42",
        "custom_data": {"tier": "gold"},
        "address": {"line1": "1 Main St", "zipCode": "10001", "country_code": "US"},
        "tax_info": [{"country_code": "USA", "tax_code": "VAT", "tax_id": "123"}],
        "email": null,
        "phone_number": "+1-555-0199",
        "communications_enabled": false,
        "business_entity_id": "123e4567-e89b-12d3-a456-426614174000",
    });
    authenticated(Mock::given(method("POST")).and(path("/customers")))
        .and(body_json(expected))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(REFERENCE_RESPONSE, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut custom_data = serde_json::Map::new();
    custom_data.insert("tier".to_owned(), json!("gold"));
    let mut request = CreateCustomerRequestSchema::new("Globex")
        .external_id("sf-42")
        .custom_data(custom_data)
        .address(
            Address::new()
                .line1("1 Main St")
                .zip_code("10001")
                .country_code("US"),
        )
        .tax_info(vec![
            TaxId::new()
                .country_code("USA")
                .tax_code("VAT")
                .tax_id("123"),
        ])
        .phone_number("+1-555-0199")
        .communications_enabled(false)
        .business_entity_id(
            "123e4567-e89b-12d3-a456-426614174000"
                .parse()
                .expect("uuid"),
        );
    // An explicit null, distinct from leaving the field out.
    request.email = oagen_runtime::Nullable::Null;
    client_for(&server)
        .await
        .create_customer(request)
        .await
        .expect("the call succeeds");
}

#[tokio::test]
async fn get_customer_puts_the_id_in_the_path() {
    let server = MockServer::start().await;
    let id = "9b2f6c1a-1111-4c3b-9e21-0a1b2c3d4e5f";
    authenticated(Mock::given(method("GET")).and(path(format!("/customers/{id}"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(id)))
        .expect(1)
        .mount(&server)
        .await;

    let customer = client_for(&server)
        .await
        .get_customer_by_id(id.parse().expect("uuid"))
        .await
        .expect("the call succeeds");
    assert_eq!(customer.id.to_string(), id);
    assert_eq!(customer.external_id.as_deref(), Some("sf-001"));
    assert_eq!(customer.address.zip_code, Some("94102".to_owned()));
    // A date-time without an offset decodes, keeps its text, and has a wall-clock view.
    let created_at = customer.created_at.expect("created_at is set");
    assert_eq!(created_at.as_str(), "2023-01-01T00:00:00");
    assert_eq!(
        created_at.civil(),
        Some(oagen_runtime::jiff::civil::date(2023, 1, 1).at(0, 0, 0, 0))
    );
    assert_eq!(created_at.timestamp(), None);
}

#[tokio::test]
async fn update_customer_sends_only_what_was_set_and_explicit_nulls() {
    let server = MockServer::start().await;
    let id = "9b2f6c1a-2222-4c3b-9e21-0a1b2c3d4e5f";
    authenticated(Mock::given(method("PATCH")).and(path(format!("/customers/{id}"))))
        .and(body_json(
            json!({"customer_name": "Acme Corp", "phone_number": null}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(id)))
        .expect(1)
        .mount(&server)
        .await;

    let mut patch = UpdateCustomerRequestSchema::new().customer_name("Acme Corp");
    patch.phone_number = oagen_runtime::Nullable::Null;
    client_for(&server)
        .await
        .update_customer(id, patch)
        .await
        .expect("the call succeeds");
}

#[tokio::test]
async fn list_customers_encodes_query_and_header_parameters() {
    let server = MockServer::start().await;
    let id = "9b2f6c1a-3333-4c3b-9e21-0a1b2c3d4e5f";
    authenticated(Mock::given(method("GET")).and(path("/customers")))
        .and(query_param("limit", "25"))
        .and(query_param("cursor", "V2VsbCBhcmV1IGN1cmlvdxM="))
        .and(query_param("email__ilike", "%@acme.com"))
        .and(query_param("communications_enabled", "true"))
        .and(header("apiversion", "20230501"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [customer_json(id)],
            "next": "next-cursor",
            "previous": null,
            "total_count": 1,
        })))
        .expect(1)
        .mount(&server)
        .await;

    let page = client_for(&server)
        .await
        .list_customers()
        .limit(25)
        .cursor("V2VsbCBhcmV1IGN1cmlvdxM=")
        .email_ilike("%@acme.com")
        .communications_enabled(true)
        .apiversion(20230501)
        .await
        .expect("the call succeeds");
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.next, Some("next-cursor".to_owned()));
    assert_eq!(page.previous, None);
    assert_eq!(page.total_count, Some(1));
}

#[tokio::test]
async fn unset_optional_parameters_are_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .respond_with(|request: &Request| {
            // No query string at all, and no `apiversion` header.
            assert_eq!(request.url.query(), None, "unexpected query");
            assert!(request.headers.get("apiversion").is_none());
            ResponseTemplate::new(200).set_body_json(json!({"results": []}))
        })
        .expect(1)
        .mount(&server)
        .await;
    let page = client_for(&server).await.list_customers().send().await;
    assert_eq!(page.expect("the call succeeds").results, Vec::new());
}

#[tokio::test]
async fn validation_error_decodes_into_the_typed_body() {
    let server = MockServer::start().await;
    let detail = json!({"detail": [
        {"loc": ["body", "customer_name"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "tax_info", 0, "tax_id"], "msg": "String should have at most 255 characters", "type": "string_too_long"},
    ]});
    Mock::given(method("POST"))
        .and(path("/customers"))
        .respond_with(ResponseTemplate::new(422).set_body_json(detail.clone()))
        .mount(&server)
        .await;

    let err = client_for(&server)
        .await
        .create_customer(CreateCustomerRequestSchema::new(""))
        .await
        .expect_err("422 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let Some(ErrorBody::HttpValidationError(validation)) = err.typed() else {
        panic!("expected the typed validation error, got {err:?}");
    };
    let details = validation.detail.as_ref().expect("detail is present");
    assert_eq!(details.len(), 2);
    assert_eq!(details[0].msg, "Field required");
    assert_eq!(details[0].r#type, "missing");
    assert_eq!(
        details[1].loc,
        vec![
            ValidationErrorLocItem::String("body".to_owned()),
            ValidationErrorLocItem::String("tax_info".to_owned()),
            ValidationErrorLocItem::Integer(0),
            ValidationErrorLocItem::String("tax_id".to_owned()),
        ]
    );
    // The raw body is kept too.
    let raw: Value = serde_json::from_slice(err.body().expect("body kept")).expect("JSON");
    assert_eq!(raw, detail);
}

#[tokio::test]
async fn server_error_with_a_non_json_body_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customers"))
        .respond_with(
            ResponseTemplate::new(500).set_body_raw("<html>upstream exploded</html>", "text/html"),
        )
        .mount(&server)
        .await;

    let err = client_for(&server)
        .await
        .create_customer(CreateCustomerRequestSchema::new("Acme"))
        .await
        .expect_err("500 is an error");
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 500);
            assert_eq!(api.typed, None);
            assert_eq!(api.body_text(), "<html>upstream exploded</html>");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "the server answered 500 Internal Server Error"
    );
}

#[tokio::test]
async fn success_with_a_body_that_does_not_decode_keeps_the_raw_body() {
    let server = MockServer::start().await;
    for (route, body) in [
        ("/customers", "{\"customer_name\": tru"),
        ("/customers", ""),
    ] {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let err = client_for(&server)
            .await
            .create_customer(CreateCustomerRequestSchema::new("Acme"))
            .await
            .expect_err("a body that does not decode is an error");
        let Error::Decode(decode) = &err else {
            panic!("expected a decode error, got {err:?}")
        };
        assert_eq!(decode.status.as_u16(), 200);
        assert_eq!(&decode.body[..], body.as_bytes());
    }
}

#[tokio::test]
async fn connection_refused_is_a_network_error() {
    // A port that nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let client = Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("valid settings");
    let err = client
        .get_customer_by_id(uuid_zero())
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, Error::Network(_)),
        "expected a network error, got {err:?}"
    );
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("no"))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let err = client
        .get_customer_by_id(uuid_zero())
        .await
        .expect_err("401");
    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", Client::builder().api_token_auth(API_KEY)),
    ] {
        assert!(!text.contains(API_KEY), "the API key leaked: {text}");
        assert!(
            !text.contains(ORGANISATION),
            "the organisation id leaked: {text}"
        );
    }
}

#[tokio::test]
async fn invalid_credentials_are_rejected_when_building() {
    let err = Client::new("sk_SECRET_9f2\nX", ORGANISATION).expect_err("not a header value");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(
            !text.contains("sk_SECRET_9f2"),
            "the message must not echo the secret: {text}"
        );
    }
    let err = Client::builder()
        .base_url("not a url")
        .build()
        .expect_err("invalid base URL");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn default_base_url_is_the_spec_server() {
    let client = Client::new(API_KEY, ORGANISATION).expect("valid credentials");
    assert_eq!(client.base_url(), "https://api.zenskar.com/");
    assert_eq!(Client::DEFAULT_BASE_URL, "https://api.zenskar.com");
}

#[tokio::test]
async fn base_url_with_a_path_prefix_keeps_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/v2/", server.uri()))
        .build()
        .expect("valid");
    client.list_customers().await.expect("the call succeeds");
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_within_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/customers/a%2Fb%20c"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(customer_json("9b2f6c1a-4444-4c3b-9e21-0a1b2c3d4e5f")),
        )
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .await
        .update_customer("a/b c", UpdateCustomerRequestSchema::new())
        .await
        .expect("the call succeeds");
}

fn uuid_zero() -> zenskar::uuid::Uuid {
    zenskar::uuid::Uuid::nil()
}

#[tokio::test]
async fn status_and_headers_come_with_the_body_when_asked() {
    let server = MockServer::start().await;
    let id = "9b2f6c1a-5555-4c3b-9e21-0a1b2c3d4e5f";
    Mock::given(method("GET"))
        .and(path(format!("/customers/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_123")
                .set_body_json(customer_json(id)),
        )
        .mount(&server)
        .await;
    let response = client_for(&server)
        .await
        .get_customer_by_id(id.parse().expect("uuid"))
        .send_with_response()
        .await
        .expect("the call succeeds");
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.header("x-request-id"), Some("req_123"));
    assert_eq!(response.into_body().id.to_string(), id);
}
