//! The README's production example (retries, timeouts, errors, pagination), compiled by
//! `cargo test` so it cannot drift from the generated API. Run it against a real account with:
//! `ZENSKAR_API_KEY=... ZENSKAR_ORGANISATION=... cargo run -p oagen-tests --example production`

use std::time::Duration;

use zenskar::types::CreateCustomerRequestSchema;
use zenskar::{Client, Error, ErrorBody, RetryPolicy};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::builder()
        .api_token_auth(std::env::var("ZENSKAR_API_KEY").unwrap_or_default())
        .organisation_auth(std::env::var("ZENSKAR_ORGANISATION").unwrap_or_default())
        // Each attempt may take 30 s; connecting may take 5 s.
        .timeout(Some(Duration::from_secs(30)))
        .connect_timeout(Duration::from_secs(5))
        // Up to 5 attempts for idempotent calls, on connection errors, timeouts, 429, 502,
        // 503 and 504, with exponential backoff from 500 ms; Retry-After up to 2 minutes.
        .retry(
            RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(Duration::from_millis(500))
                .max_retry_after(Duration::from_secs(120)),
        )
        .build()?;

    // A POST is not retried unless you say it is safe to repeat (or it sends an idempotency
    // key: where the API declares one, the client makes one per call, see below).
    let request = CreateCustomerRequestSchema::new("Acme Corporation");
    let created = client
        .create_customer(request)
        .with_timeout(Duration::from_secs(10))
        .with_retry(RetryPolicy::default().retry_non_idempotent(true))
        .await;

    match created {
        Ok(customer) => println!("created {}", customer.id),
        // The API's declared error body, decoded.
        Err(err) if err.typed().is_some() => {
            if let Some(ErrorBody::HttpValidationError(invalid)) = err.typed() {
                eprintln!("rejected: {invalid:?}");
            }
        }
        // Anything else: status, request id and attempts are in the message; the raw body,
        // headers and cause are on the error.
        Err(Error::Api(api)) => eprintln!(
            "{} (request id {:?}): {}",
            api.status,
            api.request_id(),
            api.body_text()
        ),
        Err(Error::Timeout(_) | Error::Network(_)) => eprintln!("Zenskar is unreachable"),
        Err(err) => return Err(err),
    }

    // Every customer, page after page (pages of 100, following each page's `next` cursor).
    let mut customers = client.list_customers().limit(100).paginate().items();
    while let Some(customer) = customers.try_next().await? {
        println!("{} {}", customer.id, customer.customer_name);
    }
    Ok(())
}
