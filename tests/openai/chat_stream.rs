//! Streams a chat completion through the client generated from OpenAI's whole description.
//! Not compiled by `cargo test` (checking that crate takes minutes and gigabytes): the ignored
//! test `openai_chat_completions_stream_through_the_generated_client` in `tests/tests/openai.rs`
//! generates the crate, copies this file in as an example and checks it.
use openai_client::types::{
    ChatCompletionRequestMessage, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, CreateChatCompletionRequest, ModelIdsShared,
};
use openai_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::builder()
        .api_key_auth(std::env::var("OPENAI_API_KEY").unwrap_or_default())
        .build()?;
    let request = CreateChatCompletionRequest::new(
        vec![ChatCompletionRequestMessage::ChatCompletionRequestUserMessage(
            ChatCompletionRequestUserMessage::new(ChatCompletionRequestUserMessageContent::String(
                "Say hello".to_owned(),
            )),
        )],
        ModelIdsShared::String("gpt-4o-mini".to_owned()),
    );
    // `stream()` sets `stream: true` on the body and asks for text/event-stream.
    let mut chunks = client.create_chat_completion(request).stream().await?;
    while let Some(event) = chunks.try_next().await? {
        for choice in &event.data.choices {
            if let Some(text) = &choice.delta.content {
                print!("{text}");
            }
        }
    }
    println!();
    Ok(())
}
