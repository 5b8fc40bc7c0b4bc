//! The README's streaming and page-walking example, compiled by `cargo test`. It uses two
//! fixture clients: `event_streams.yaml` mirrors OpenAI's chat completions (one 200 with JSON
//! and `text/event-stream`, a `stream` flag in the body) and `pagination_styles.yaml` has
//! GitHub's list shape (`page`/`per_page`, the next page in the `Link` header).

use oagen_tests::fixture_event_streams::types::{ChatRequest, Message};
use oagen_tests::{fixture_event_streams as chat, fixture_pagination_styles as github};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = chat::Client::builder()
        .base_url("http://127.0.0.1:8080")
        .build()?;
    let request = ChatRequest::new("gpt-4o-mini", vec![Message::new("user", "Say hello")]);

    // The JSON call stays as it was...
    let completion = client.create_chat_completion(request.clone()).await;
    println!("{:?}", completion.map(|c| c.id));

    // ...and `stream()` sends the same request with `stream: true`, asking for
    // text/event-stream. Each event is decoded as it arrives; `[DONE]` ends the stream, an
    // `error` event is an `Err` for that item, and the timeout applies between events.
    let mut chunks = client.create_chat_completion(request).stream().await?;
    while let Some(event) = chunks.try_next().await? {
        for choice in &event.data.choices {
            let text = choice.delta.as_ref().and_then(|d| d.content.as_deref());
            print!("{}", text.unwrap_or_default());
        }
    }

    // Every repository, following the `Link: <...>; rel="next"` of each page (on the API's
    // origin only), 100 at a time.
    let client = github::Client::builder()
        .base_url("http://127.0.0.1:8080")
        .build()?;
    let mut repos = client.list_repos().per_page(100).paginate().items();
    while let Some(repo) = repos.try_next().await? {
        println!("{}", repo.id);
    }
    Ok(())
}
