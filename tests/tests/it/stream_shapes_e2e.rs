//! End to end, on 127.0.0.1: every way a document describes a stream
//! (`fixtures/stream_shapes.yaml`, compiled as `oagen_tests::fixture_stream_shapes`): event
//! envelopes, `contentSchema`, `itemSchema`, JSON lines, JSON text sequences and Fern's
//! `x-fern-streaming`, against a server that writes chosen chunks; then how an error sent
//! inside a stream renders, and the per-call options (idle timeout, headers, query).

use std::time::Duration;

use oagen_runtime::{Framing, RetryPolicy};
use oagen_tests::fixture_stream_shapes::types::{ChatRequest, GenerateBody};
use oagen_tests::fixture_stream_shapes::{Client, Error, ErrorBody};

use crate::support::loopback;
use loopback::{EVENT_STREAM_HEAD, pause, serve, write};

const TOKEN: &str = "sk-live-secret-token";

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(TOKEN)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("valid settings")
}

fn head(content_type: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n")
}

fn chat() -> ChatRequest {
    ChatRequest::new("m", vec!["hi".to_owned()])
}

#[tokio::test]
async fn an_envelope_schema_decodes_each_events_data_and_keeps_its_name_and_id() {
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("event: delta\nid: 1\ndata: {\"id\":\"c1\",\"del"),
        write("ta\":\"he\"}\n\n"),
        write("event: delta\ndata: {\"id\":\"c2\",\"delta\":\"llo\"}\n\n"),
        write("data: [DONE]\n\n"),
    ];
    let (url, requests) = serve(vec![script]).await;
    let mut stream = client(&url).chat_envelope(chat()).stream().await.unwrap();
    let one = stream.try_next().await.unwrap().unwrap();
    assert_eq!(
        (one.event.as_str(), one.id.as_deref()),
        ("delta", Some("1"))
    );
    assert_eq!(
        (one.data.id.as_str(), one.data.delta.as_str()),
        ("c1", "he")
    );
    let two = stream.try_next().await.unwrap().unwrap();
    assert_eq!(two.data.delta, "llo");
    assert!(stream.try_next().await.unwrap().is_none());
    let request = requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(request.contains("accept: text/event-stream"), "{request}");
    assert!(request.contains(r#""stream":true"#), "{request}");
}

#[tokio::test]
async fn content_schema_and_item_schema_decode_the_json_text_of_each_event() {
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: {\"id\":\"c1\",\"delta\":\"x\"}\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).chat_content(chat()).stream().await.unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.delta, "x");
    assert!(stream.try_next().await.unwrap().is_none());

    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: {\"title\":\"n\"}\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).watch_notices().stream().await.unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.title, "n");

    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("event: item\nid: 7\nretry: 2500\ndata: {\"title\":\"caf\u{e9}\"}\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).watch_feed().stream().await.unwrap();
    let item = stream.try_next().await.unwrap().unwrap();
    assert_eq!(item.data.title, "caf\u{e9}");
    assert_eq!(item.id.as_deref(), Some("7"));
    assert_eq!(item.retry, Some(Duration::from_millis(2500)));
    assert_eq!(stream.last_event_id(), Some("7"));
}

#[tokio::test]
async fn json_lines_come_whole_however_split_and_an_error_line_is_an_error() {
    let first = "{\"response\":\"h\u{e9}\",\"done\":false}\n";
    let cut = first.find('\u{e9}').unwrap() + 1;
    let script = vec![
        write(head("application/x-ndjson")),
        write(&first.as_bytes()[..cut]),
        write(&first.as_bytes()[cut..]),
        write("\r\n\n{\"response\":\"llo\",\"done\":false}\r\n"),
        write("{\"error\":\"model 'x' not found\"}\n"),
        write("{\"response\":\"\",\"done\":true}"),
    ];
    let (url, requests) = serve(vec![script]).await;
    let mut stream = client(&url)
        .generate(GenerateBody::new("x", "hello"))
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.framing(), Framing::JsonLines);
    let one = stream.try_next().await.unwrap().unwrap();
    assert_eq!(
        (one.event.as_str(), one.data.response.as_str()),
        ("message", "h\u{e9}")
    );
    assert_eq!(
        stream.try_next().await.unwrap().unwrap().data.response,
        "llo"
    );
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the stream sent an error event: model 'x' not found"
    );
    assert!(matches!(&err, Error::Api(api) if api.status.as_u16() == 200));
    // The last line has no line feed after it, and is whole.
    assert!(stream.try_next().await.unwrap().unwrap().data.done);
    assert!(stream.try_next().await.unwrap().is_none());
    let request = requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(
        request.contains("accept: application/x-ndjson"),
        "{request}"
    );
    assert!(request.contains(r#""stream":true"#), "{request}");

    // A body cut inside a line ends the stream with an error.
    let script = vec![
        write(head("application/x-ndjson")),
        write("{\"response\":\"a\",\"done\":false}\n{\"respo"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url)
        .generate(GenerateBody::new("x", "hello"))
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.response, "a");
    assert!(matches!(stream.try_next().await, Err(Error::Protocol(_))));
}

#[tokio::test]
async fn a_json_text_sequence_and_jsonl_strings_are_streams_too() {
    let script = vec![
        write(head("application/json-seq")),
        write("\u{1e}{\"title\":\n  \"one\"}\n"),
        write("\u{1e}{\"title\":\"t"),
        write("wo\"}\n"),
    ];
    let (url, requests) = serve(vec![script]).await;
    let mut stream = client(&url).export_records().stream().await.unwrap();
    assert_eq!(stream.framing(), Framing::JsonSeq);
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.title, "one");
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.title, "two");
    assert!(stream.try_next().await.unwrap().is_none());
    assert!(
        requests.lock().unwrap()[0]
            .to_ascii_lowercase()
            .contains("accept: application/json-seq")
    );

    let script = vec![
        write(head("application/jsonl")),
        write("\"first\"\n\"sec"),
        write("ond\"\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).tail_logs().stream().await.unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data, "first");
    assert_eq!(stream.try_next().await.unwrap().unwrap().data, "second");
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn fern_short_form_streams_json_lines_and_follows_the_response_content_type() {
    let lines = "{\"response\":\"a\",\"done\":false}\n{\"response\":\"b\",\"done\":true}\n";
    // Served as `application/json`, as Fern's documents show it: read as JSON lines.
    let (url, requests) = serve(vec![vec![write(head("application/json")), write(lines)]]).await;
    let client_ = client(&url);
    let body = oagen_tests::fixture_stream_shapes::types::FernJsonBody::new().prompt("p");
    let mut stream = client_.fern_json(body.clone()).stream().await.unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.response, "a");
    assert!(stream.try_next().await.unwrap().unwrap().data.done);
    assert!(stream.try_next().await.unwrap().is_none());
    assert!(
        requests.lock().unwrap()[0].to_ascii_lowercase().contains(
            "accept: application/x-ndjson, application/json;q=0.9, text/event-stream;q=0.8"
        )
    );

    // A server that answers with server-sent events instead is read as one.
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: {\"response\":\"sse\",\"done\":true}\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).fern_json(body.clone()).stream().await.unwrap();
    assert_eq!(stream.framing(), Framing::ServerSentEvents);
    assert_eq!(
        stream.try_next().await.unwrap().unwrap().data.response,
        "sse"
    );

    // The ordinary call reads the whole answer as bytes.
    let (url, _) = serve(vec![vec![write(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{lines}",
        lines.len()
    ))]])
    .await;
    let bytes = client(&url).fern_json(body).await.unwrap();
    assert_eq!(bytes, lines.as_bytes());
}

#[tokio::test]
async fn fern_sse_ends_at_its_terminator_and_the_long_form_keeps_the_json_call() {
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: {\"id\":\"c1\",\"delta\":\"a\"}\n\n"),
        write("data: [END]\n\n"),
        write("data: {\"id\":\"c2\",\"delta\":\"never\"}\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).fern_sse().stream().await.unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.id, "c1");
    assert!(stream.try_next().await.unwrap().is_none());

    let body = r#"{"id":"x","text":"whole"}"#;
    let json = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: {\"id\":\"c1\",\"delta\":\"a\"}\n\n"),
    ];
    let (url, requests) = serve(vec![vec![write(json)], script]).await;
    let client = client(&url);
    let completion = client.fern_chat(chat()).await.unwrap();
    assert_eq!(completion.text, "whole");
    let mut stream = client.fern_chat(chat()).stream().await.unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.delta, "a");
    let requests = requests.lock().unwrap();
    assert!(!requests[0].contains(r#""stream":true"#), "{}", requests[0]);
    assert!(requests[1].contains(r#""stream":true"#), "{}", requests[1]);
}

#[tokio::test]
async fn an_error_event_says_what_the_server_sent_bounded_and_masked() {
    let long = "x".repeat(5_000);
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write(format!(
            "event: error\ndata: {{\"error\":{{\"message\":\"bad key {TOKEN}: rate\\nlimited\"}}}}\n\n"
        )),
        write(format!(
            "event: error\ndata: {{\"error\":{{\"message\":\"{long}\"}}}}\n\n"
        )),
        write("event: error\ndata: plain words\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).fern_chat(chat()).stream().await.unwrap();

    let err = stream.try_next().await.unwrap_err();
    let shown = err.to_string();
    assert_eq!(
        shown,
        "the stream sent an error event: bad key ***: rate limited"
    );
    assert!(!format!("{err:?}").contains("\n"));
    match err.typed() {
        Some(ErrorBody::ErrorResponse(body)) => assert!(body.error.message.contains("rate")),
        other => panic!("expected the typed error, got {other:?}"),
    }

    let err = stream.try_next().await.unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("the stream sent an error event: xxx"));
    assert!(shown.len() < 400, "{} bytes", shown.len());
    let debug = format!("{err:?}");
    assert!(debug.len() < 4_000, "{} bytes of Debug", debug.len());
    assert!(debug.contains("bytes in all"), "{debug}");

    let err = stream.try_next().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the stream sent an error event: plain words"
    );
}

#[tokio::test]
async fn the_idle_timeout_is_apart_from_the_request_timeout() {
    // Events 500 ms apart: a request timeout of 250 ms (which bounds the wait for the
    // response to begin) does not end the stream when the idle timeout is longer, and a
    // short idle timeout does under a long request timeout.
    let mut script = vec![write(EVENT_STREAM_HEAD)];
    for index in 0..3 {
        script.push(pause(500));
        script.push(write(format!("data: {{\"title\":\"t{index}\"}}\n\n")));
    }
    let (url, _) = serve(vec![script.clone()]).await;
    let mut stream = client(&url)
        .watch_feed()
        .with_timeout(Duration::from_millis(250))
        .with_idle_timeout(Duration::from_secs(2))
        .stream()
        .await
        .unwrap();
    for index in 0..3 {
        assert_eq!(
            stream.try_next().await.unwrap().unwrap().data.title,
            format!("t{index}")
        );
    }
    assert!(stream.try_next().await.unwrap().is_none());

    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url)
        .watch_feed()
        .with_timeout(Duration::from_secs(5))
        .with_idle_timeout(Duration::from_millis(100))
        .stream()
        .await
        .unwrap();
    match stream.try_next().await.unwrap_err() {
        Error::IdleTimeout { idle, .. } => assert_eq!(idle, Duration::from_millis(100)),
        other => panic!("expected an idle timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn call_headers_and_query_go_with_every_attempt_and_never_replace_the_credential() {
    let unavailable = vec![write(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    )];
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: {\"title\":\"t\"}\n\n"),
    ];
    let (url, requests) = serve(vec![unavailable, script]).await;
    let mut stream = client(&url)
        .watch_feed()
        .with_header("X-Trace", "abc")
        .with_header("Authorization", "Bearer stolen")
        .with_query("lang", "fr")
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.title, "t");
    let requests = requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "retried once before the stream began");
    for request in requests.iter() {
        let lower = request.to_ascii_lowercase();
        assert!(request.starts_with("GET /feed?lang=fr "), "{request}");
        assert!(lower.contains("x-trace: abc"), "{request}");
        assert!(
            lower.contains(&format!("authorization: bearer {TOKEN}")),
            "{request}"
        );
        assert!(!lower.contains("stolen"), "{request}");
    }

    // A header that frames the message is refused before anything is sent.
    let err = client(&url)
        .watch_feed()
        .with_header("Host", "elsewhere.example")
        .stream()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    let debug = format!(
        "{:?}",
        client(&url)
            .watch_feed()
            .with_header("X-Key", "hidden-value")
    );
    assert!(!debug.contains("hidden-value"), "{debug}");
}

#[tokio::test]
async fn a_json_lines_schema_that_is_an_array_describes_the_whole_stream() {
    let script = vec![
        write(head("application/x-ndjson")),
        write("{\"response\":\"pulling\",\"done\":false}\n{\"response\":\"ok\",\"done\":true}\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).pull_model().stream().await.unwrap();
    assert_eq!(
        stream.try_next().await.unwrap().unwrap().data.response,
        "pulling"
    );
    assert!(stream.try_next().await.unwrap().unwrap().data.done);
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn a_union_of_event_schemas_decodes_each_events_data_and_a_sentinel_ends_it() {
    use oagen_tests::fixture_stream_shapes::types::StreamRunEvent;
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("event: progress\ndata: {\"response\":\"half\",\"done\":false}\n\n"),
        write("event: item\ndata: {\"title\":\"t\"}\n\n"),
        write("data: [STOP]\n\n"),
        write("event: item\ndata: {\"title\":\"never\"}\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url).stream_run().stream().await.unwrap();
    let one = stream.try_next().await.unwrap().unwrap();
    assert_eq!(one.event, "progress");
    assert!(matches!(&one.data, StreamRunEvent::Piece(piece) if piece.response == "half"));
    let two = stream.try_next().await.unwrap().unwrap();
    assert!(matches!(&two.data, StreamRunEvent::FeedItem(item) if item.title == "t"));
    assert!(stream.try_next().await.unwrap().is_none());
}
