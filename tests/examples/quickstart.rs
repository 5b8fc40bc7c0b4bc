//! The README's example, compiled by `cargo test` so it cannot drift from the generated API.
//! Run it against a real account with:
//! `ZENSKAR_API_KEY=... ZENSKAR_ORGANISATION=... cargo run -p oagen-tests --example quickstart`

use zenskar::types::CreateCustomerRequestSchema;
use zenskar::{Client, Error, ErrorBody};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let api_key = std::env::var("ZENSKAR_API_KEY").unwrap_or_default();
    let organisation_id = std::env::var("ZENSKAR_ORGANISATION").unwrap_or_default();

    // Base URL defaults to the spec's server, https://api.zenskar.com.
    let client = Client::new(api_key, organisation_id)?;

    let request = CreateCustomerRequestSchema::new("Acme Corporation").email("billing@acme.com");
    match client.create_customer(request).await {
        Ok(customer) => println!(
            "created {} <{}>",
            customer.id,
            customer.email.as_deref().unwrap_or("no email")
        ),
        Err(err) => match err.typed() {
            Some(ErrorBody::HttpValidationError(invalid)) => eprintln!("rejected: {invalid:?}"),
            _ => eprintln!("failed: {err}"),
        },
    }

    // Optional parameters are set on the request before awaiting it.
    let page = client
        .list_customers()
        .limit(50)
        .email_ilike("%@acme.com")
        .await?;
    for customer in &page.results {
        println!("{} {}", customer.id, customer.customer_name);
    }
    Ok(())
}
