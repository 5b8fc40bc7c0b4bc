//! The README's example of the `mock` feature: code under test, and the expectations of
//! its calls, answered with the operation's own types. A program here (examples have a
//! `main`); in a crate of yours it is a `#[tokio::test]`. `tests/tests/it/mock_e2e.rs` runs
//! the same kind of test.

use std::time::Duration;

use zenskar::mock::MockServer;
use zenskar::types::{AddressResponse, CustomerListResponse, CustomerResponseSchema};
use zenskar::{Client, Error};

/// The code under test: the names of every customer.
async fn names(client: &Client) -> Result<Vec<String>, Error> {
    let mut items = client.list_customers().limit(2).paginate().items();
    let mut names = Vec::new();
    while let Some(customer) = items.try_next().await? {
        names.push(customer.customer_name);
    }
    Ok(names)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let client = server.client()?; // or server.client_builder(), to add credentials
    let customer = |id, name| {
        let id = uuid::Uuid::from_u128(id);
        let address = AddressResponse::default();
        CustomerResponseSchema::new(id, None, name, Default::default(), address)
    };
    // A 429 first (retried after `Retry-After`), then two pages, walked with the
    // operation's own cursor.
    server
        .expect(client.list_customers().limit(2))
        .rate_limited(Duration::ZERO)
        .await;
    let pages = vec![
        CustomerListResponse::new(vec![customer(1, "Ada"), customer(2, "Grace")]),
        CustomerListResponse::new(vec![customer(3, "Edsger")]),
    ];
    server
        .expect(client.list_customers().limit(2))
        .respond_pages(pages)
        .await;
    assert_eq!(names(&client).await?, ["Ada", "Grace", "Edsger"]);
    // Unmet expectations fail here (or when `server` is dropped), naming the operation.
    server.verify().await;
    Ok(())
}
