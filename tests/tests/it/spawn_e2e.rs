//! Request builders own what they send (a clone of the client, their parameters, their body),
//! so a call can be built in one function, handed to `tokio::spawn`, and awaited somewhere
//! else, after the client and every value it was built from are gone. Against wiremock on
//! 127.0.0.1, on a multi-threaded runtime so that the calls really move between threads.
//! (That every builder of every fixture is `Send + 'static` is checked at compile time:
//! `build.rs` writes a `send_static.rs` beside each generated module.)

use std::future::IntoFuture;

use serde_json::{Value, json};
use tokio::task::JoinHandle;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use zenskar::operations::{CreateCustomer, GetCustomerById, ListCustomers};
use zenskar::types::{CreateCustomerRequestSchema, CustomerResponseSchema};
use zenskar::{Client, Error};

const API_KEY: &str = "zk_test_key_123";
const ORGANISATION: &str = "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f";

fn uuid_n(n: u8) -> String {
    format!("00000000-0000-0000-0000-0000000000{n:02}")
}

fn customer(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "external_id": null,
        "customer_name": name,
        "custom_data": {},
        "address": {},
    })
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .api_token_auth(API_KEY)
        .organisation_auth(ORGANISATION)
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

/// The calls, built here from values that live only in this function: the builders must
/// keep what they need.
struct Calls {
    get: Vec<GetCustomerById>,
    create: CreateCustomer,
    list: ListCustomers,
}

fn build_calls(client: &Client) -> Calls {
    let ids: Vec<uuid::Uuid> = (1..=3).map(|n| uuid_n(n).parse().unwrap()).collect();
    let name = String::from("Acme Corporation");
    let body = CreateCustomerRequestSchema::new(name.as_str()).email("billing@acme.com");
    Calls {
        get: ids
            .iter()
            .map(|id| client.get_customer_by_id(*id))
            .collect(),
        create: client.create_customer(body),
        list: client.list_customers().limit(2),
    }
}

/// Starts every call on the runtime's worker threads, in all the ways a call can be sent,
/// without awaiting any of them.
type Handles = (
    Vec<JoinHandle<Result<CustomerResponseSchema, Error>>>,
    JoinHandle<Result<zenskar::Response<zenskar::types::CreateCustomerResponseSchema>, Error>>,
    JoinHandle<Result<Vec<String>, Error>>,
);

fn spawn_calls(calls: Calls) -> Handles {
    let mut get = Vec::new();
    for (index, call) in calls.get.into_iter().enumerate() {
        // `send()`, `IntoFuture` and a clone of the builder each give a future to spawn.
        get.push(match index {
            0 => tokio::spawn(call.send()),
            1 => tokio::spawn(call.into_future()),
            _ => tokio::spawn(
                call.clone()
                    .with_timeout(std::time::Duration::from_secs(5))
                    .send(),
            ),
        });
    }
    let create = tokio::spawn(calls.create.send_with_response());
    let pages = calls.list.paginate();
    let list = tokio::spawn(async move {
        let mut items = pages.items();
        let mut names = Vec::new();
        while let Some(customer) = items.try_next().await? {
            names.push(customer.customer_name);
        }
        Ok(names)
    });
    (get, create, list)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_built_in_one_function_run_in_spawned_tasks_and_are_awaited_in_another() {
    let server = MockServer::start().await;
    for n in 1..=3 {
        let id = uuid_n(n);
        Mock::given(method("GET"))
            .and(path(format!("/customers/{id}")))
            .and(header("x-api-key", API_KEY))
            .and(header("organisation", ORGANISATION))
            .respond_with(ResponseTemplate::new(200).set_body_json(customer(&id, &format!("c{n}"))))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/customers"))
        .and(body_json(json!({
            "customer_name": "Acme Corporation",
            "email": "billing@acme.com",
        })))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req-1")
                .set_body_json(customer(&uuid_n(9), "Acme Corporation")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [customer(&uuid_n(6), "third")],
            "next": null,
            "previous": "c1",
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [customer(&uuid_n(4), "first"), customer(&uuid_n(5), "second")],
            "next": "c2",
            "previous": null,
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let calls = build_calls(&client);
    // The builders hold their own clone of the client.
    drop(client);
    let (get, create, list) = spawn_calls(calls);

    for (handle, n) in get.into_iter().zip(1..=3) {
        let customer = handle
            .await
            .expect("the task ran")
            .expect("the call succeeds");
        assert_eq!(customer.id.to_string(), uuid_n(n));
        assert_eq!(customer.customer_name, format!("c{n}"));
    }
    let created = create
        .await
        .expect("the task ran")
        .expect("the call succeeds");
    assert_eq!(created.status, 201);
    assert_eq!(created.request_id(), Some("req-1"));
    let names = list
        .await
        .expect("the task ran")
        .expect("the walk succeeds");
    assert_eq!(names, ["first", "second", "third"]);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_of_events_is_opened_and_read_in_a_spawned_task() {
    use oagen_tests::fixture_event_streams::Client as ChatClient;
    use oagen_tests::fixture_event_streams::types::{ChatRequest, Message};

    let server = MockServer::start().await;
    let events = concat!(
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hel\"}}]}\n\n",
        "data: {\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n",
        "data: [DONE]\n\n",
    );
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(body_json(json!({
            "model": "gpt-test",
            "messages": [{"role": "user", "content": "Say hello"}],
            "stream": true,
        })))
        .respond_with(ResponseTemplate::new(200).set_body_raw(events, "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;

    // Built in a scope of its own; the request value is gone once the builder exists.
    let call = {
        let client = ChatClient::builder()
            .base_url(server.uri())
            .build()
            .expect("valid settings");
        let request = ChatRequest::new("gpt-test", vec![Message::new("user", "Say hello")]);
        client.create_chat_completion(request)
    };
    let opened = tokio::spawn(call.stream());
    let mut stream = opened
        .await
        .expect("the task ran")
        .expect("the stream begins");
    let read = tokio::spawn(async move {
        let mut ids = Vec::new();
        while let Some(event) = stream.try_next().await? {
            ids.push(event.data.id);
        }
        Ok::<_, oagen_tests::fixture_event_streams::Error>(ids)
    });
    let ids = read
        .await
        .expect("the task ran")
        .expect("the events decode");
    assert_eq!(ids, ["c1", "c2"]);
    server.verify().await;
}
