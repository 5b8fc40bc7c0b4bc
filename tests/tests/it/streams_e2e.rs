//! End to end, on 127.0.0.1: server-sent events through the client generated from
//! `fixtures/event_streams.yaml` (compiled as `oagen_tests::fixture_event_streams`), against
//! a small tokio server that writes the response in the chunks each test chooses (split
//! mid-line, mid-character, mid-CRLF), pauses between them, and counts connections.

use std::time::Duration;

use oagen_runtime::RetryPolicy;
use oagen_tests::fixture_event_streams::types::{ChatRequest, Message};
use oagen_tests::fixture_event_streams::{Client, Error, ErrorBody};

use crate::support::loopback;
use loopback::{EVENT_STREAM_HEAD, pause, serve, write};

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("valid settings")
}

fn chat() -> ChatRequest {
    ChatRequest::new("gpt-test", vec![Message::new("user", "Say hello")])
}

fn chunk(id: &str, content: &str) -> String {
    format!(r#"{{"id":"{id}","choices":[{{"index":0,"delta":{{"content":"{content}"}}}}]}}"#)
}

/// The text of every chunk, concatenated.
fn content(chunk: &oagen_tests::fixture_event_streams::types::CompletionChunk) -> String {
    chunk
        .choices
        .iter()
        .filter_map(|choice| choice.delta.as_ref()?.content.clone())
        .collect()
}

#[tokio::test]
async fn events_come_whole_however_the_bytes_are_split() {
    // "héllo 😀" split inside both the é and the emoji; CRLF split between CR and LF; LF
    // lines; a comment; a data field over two lines; then [DONE] and an event after it that
    // must never be seen.
    let first = format!("data: {}\r\n\r\n", chunk("c1", "h\u{e9}llo \u{1F600}"));
    let bytes = first.as_bytes();
    let e_acute = first.find('\u{e9}').unwrap() + 1;
    let emoji = first.find('\u{1F600}').unwrap() + 2;
    let cr = first.len() - 3;
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write(": keep-alive\n\n"),
        write(&bytes[..e_acute]),
        write(&bytes[e_acute..emoji]),
        write(&bytes[emoji..cr]),
        write(&bytes[cr..cr + 1]),
        write(&bytes[cr + 1..]),
        write("event: chunk\nid: 2\ndata: {\"id\":\"c2\",\n"),
        write("data: \"choices\":[{\"delta\":{\"content\":\" world\"}}]}\n\n"),
        write(": another comment\r\n"),
        write("data: [DO"),
        write("NE]\n\n"),
        write(format!("data: {}\n\n", chunk("c3", "never"))),
    ];
    let (url, requests) = serve(vec![script]).await;
    let mut stream = client(&url)
        .create_chat_completion(chat())
        .stream()
        .await
        .expect("the stream begins");
    let one = stream.try_next().await.unwrap().expect("a first event");
    assert_eq!(one.event, "message");
    assert_eq!(one.id, None);
    assert_eq!(one.data.id, "c1");
    assert_eq!(content(&one.data), "h\u{e9}llo \u{1F600}");
    let two = stream.try_next().await.unwrap().expect("a second event");
    assert_eq!(two.event, "chunk");
    assert_eq!(two.id.as_deref(), Some("2"));
    assert_eq!(content(&two.data), " world");
    assert!(stream.try_next().await.unwrap().is_none(), "[DONE] ends it");
    assert!(stream.try_next().await.unwrap().is_none());
    assert_eq!(stream.last_event_id(), Some("2"));

    // The streaming call asked for a stream, both ways.
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 1);
    let request = requests[0].to_ascii_lowercase();
    assert!(request.contains("accept: text/event-stream"), "{request}");
    assert!(request.contains(r#""stream":true"#), "{request}");
}

#[tokio::test]
async fn the_json_call_stays_and_does_not_ask_for_a_stream() {
    let body =
        r#"{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}"#;
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let (url, requests) = serve(vec![vec![write(&response)]]).await;
    let client = client(&url);
    let completion = client.create_chat_completion(chat()).await.unwrap();
    assert_eq!(completion.id, "c1");
    let request = requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(request.contains("accept: application/json"), "{request}");
    assert!(!request.contains(r#""stream":true"#), "{request}");

    // A stream asked for and JSON answered: a decode error that keeps the body.
    let err = client
        .create_chat_completion(chat())
        .stream()
        .await
        .unwrap_err();
    match err {
        Error::Decode(err) => assert_eq!(err.body, body.as_bytes()),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_event_and_a_malformed_event_are_errors_for_their_item_only() {
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write(format!("data: {}\n\n", chunk("c1", "a"))),
        write(
            "event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
        ),
        write("data: {\"id\": 42, oops\n\n"),
        write("data: {\"error\":{\"message\":\"in the data\"}}\n\n"),
        write(format!("data: {}\n\n", chunk("c2", "b"))),
        write("data: [DONE]\n\n"),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url)
        .create_chat_completion(chat())
        .stream()
        .await
        .unwrap();
    assert_eq!(
        content(&stream.try_next().await.unwrap().unwrap().data),
        "a"
    );
    match stream.try_next().await.unwrap_err() {
        Error::Api(err) => match err.typed {
            Some(ErrorBody::ErrorResponse(body)) => assert_eq!(body.error.message, "overloaded"),
            other => panic!("expected the typed error, got {other:?}"),
        },
        other => panic!("expected an API error, got {other:?}"),
    }
    match stream.try_next().await.unwrap_err() {
        Error::Decode(err) => assert_eq!(err.body, &b"{\"id\": 42, oops"[..]),
        other => panic!("expected a decode error, got {other:?}"),
    }
    match stream.try_next().await.unwrap_err() {
        Error::Api(err) => assert!(err.body_text().contains("in the data")),
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(
        content(&stream.try_next().await.unwrap().unwrap().data),
        "b"
    );
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn the_timeout_applies_between_events_not_to_the_whole_stream() {
    // Five events 150 ms apart outlast a 400 ms timeout in all, and each wait is shorter.
    let mut script = vec![write(EVENT_STREAM_HEAD)];
    for index in 0..5 {
        script.push(pause(150));
        script.push(write(format!(
            "data: {}\n\n",
            chunk(&format!("c{index}"), "x")
        )));
    }
    // Then a stall longer than the timeout.
    script.push(pause(2_000));
    script.push(write(format!("data: {}\n\n", chunk("late", "x"))));
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url)
        .create_chat_completion(chat())
        .with_timeout(Duration::from_millis(400))
        .stream()
        .await
        .unwrap();
    for index in 0..5 {
        let event = stream.try_next().await.unwrap().unwrap();
        assert_eq!(event.data.id, format!("c{index}"));
    }
    match stream.try_next().await.unwrap_err() {
        Error::IdleTimeout { idle, attempts } => {
            assert_eq!(idle, Duration::from_millis(400));
            assert_eq!(attempts, 1);
        }
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "the stream is closed"
    );
}

#[tokio::test]
async fn a_body_that_ends_without_done_ends_the_stream_unless_it_stops_mid_event() {
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write(format!("data: {}\n\n", chunk("c1", "a"))),
        write(format!("data: {}\r\n\r\n", chunk("c2", "b"))),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url)
        .create_chat_completion(chat())
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.id, "c1");
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.id, "c2");
    assert!(stream.try_next().await.unwrap().is_none());

    let script = vec![
        write(EVENT_STREAM_HEAD),
        write(format!("data: {}\n\n", chunk("c1", "a"))),
        write("data: {\"id\":\"c2\","),
    ];
    let (url, _) = serve(vec![script]).await;
    let mut stream = client(&url)
        .create_chat_completion(chat())
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data.id, "c1");
    assert!(matches!(
        stream.try_next().await.unwrap_err(),
        Error::Protocol(_)
    ));
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn a_get_stream_is_retried_before_it_begins_and_text_events_are_strings() {
    let unavailable = vec![write(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    )];
    let stream_script = vec![
        write(EVENT_STREAM_HEAD),
        write("data: first line\ndata: second line\n\n"),
        write("event: notice\ndata: caf\u{e9}\n\n"),
    ];
    let (url, requests) = serve(vec![unavailable, stream_script]).await;
    let mut stream = client(&url)
        .watch_notifications()
        .topic("billing")
        .stream()
        .await
        .expect("the second attempt streams");
    let one = stream.try_next().await.unwrap().unwrap();
    assert_eq!(one.data, "first line\nsecond line");
    let two = stream.try_next().await.unwrap().unwrap();
    assert_eq!(
        (two.event.as_str(), two.data.as_str()),
        ("notice", "caf\u{e9}")
    );
    assert!(stream.try_next().await.unwrap().is_none());
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].starts_with("GET /notifications?topic=billing "));
}

#[tokio::test]
async fn a_post_stream_is_not_retried_and_a_stated_flag_is_set() {
    let unavailable = vec![write(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    )];
    let (url, requests) = serve(vec![unavailable]).await;
    let body = oagen_tests::fixture_event_streams::types::FollowJobLogsBody::new().since("t0");
    let err = client(&url)
        .follow_job_logs("job-1")
        .body(body)
        .events()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let requests = requests.lock().unwrap();
    assert_eq!(
        requests.len(),
        1,
        "a POST without an idempotency key is sent once"
    );
    assert!(requests[0].contains(r#""follow":true"#), "{}", requests[0]);
    assert!(requests[0].contains(r#""since":"t0""#), "{}", requests[0]);
}

#[tokio::test]
async fn a_get_stream_resumes_after_the_last_event_id() {
    let script = vec![
        write(EVENT_STREAM_HEAD),
        write("id: 42\ndata: forty-two\n\n"),
        write("data: no id of its own\n\n"),
    ];
    let (url, requests) = serve(vec![script]).await;
    let client = client(&url);
    let mut stream = client.watch_notifications().stream().await.unwrap();
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("42"));
    let second = stream.try_next().await.unwrap().unwrap();
    assert_eq!(second.id.as_deref(), Some("42"), "the id carries over");
    assert!(stream.try_next().await.unwrap().is_none());
    let resume_from = stream.last_event_id().unwrap().to_owned();

    let mut resumed = client
        .watch_notifications()
        .last_event_id(resume_from)
        .stream()
        .await
        .unwrap();
    while resumed.try_next().await.unwrap().is_some() {}
    let requests = requests.lock().unwrap();
    assert!(!requests[0].to_ascii_lowercase().contains("last-event-id"));
    assert!(
        requests[1]
            .to_ascii_lowercase()
            .contains("last-event-id: 42"),
        "{}",
        requests[1]
    );
}
