//! End to end, on 127.0.0.1: the bodies that are not JSON, through the client generated from
//! `fixtures/bodies.yaml` (compiled as `oagen_tests::fixture_bodies`).

use oagen_tests::fixture_bodies::types::{Charge, ChargeForm};
use oagen_tests::fixture_bodies::{Client, Error};
use wiremock::matchers::{body_bytes, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

#[tokio::test]
async fn form_body_with_nested_objects_and_deep_object_lists() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/charges"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("cookie", "session=abc"))
        .and(body_string(
            "amount=2000&currency=usd&metadata%5Border%5D=6735&expand%5B0%5D=customer&tags=a&tags=b",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "ch_1", "amount": 2000})))
        .expect(1)
        .mount(&server)
        .await;
    let mut metadata = std::collections::BTreeMap::new();
    metadata.insert("order".to_owned(), "6735".to_owned());
    let form = ChargeForm::new(2000, "usd")
        .metadata(metadata)
        .expand(vec!["customer".to_owned()])
        .tags(vec!["a".to_owned(), "b".to_owned()]);
    let charge = client(&server)
        .create_charge(form)
        .session("abc")
        .await
        .expect("the call succeeds");
    assert_eq!(charge, Charge::new().id("ch_1").amount(2000));
}

#[tokio::test]
async fn other_json_media_types_and_an_empty_success_body() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/charges/ch_1"))
        .and(header("content-type", "application/merge-patch+json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .patch_charge("ch_1", Charge::new().amount(5))
        .await;
    assert_eq!(result.expect("204 is a success"), None);

    server.reset().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "ch_1"})))
        .mount(&server)
        .await;
    let result = client(&server).patch_charge("ch_1", Charge::new()).await;
    assert_eq!(
        result.expect("200 is a success"),
        Some(Charge::new().id("ch_1"))
    );
}

#[tokio::test]
async fn text_bodies_both_ways() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/notes"))
        .and(header("content-type", "text/plain"))
        .and(header("accept", "text/html"))
        .and(body_string("hello, *world*"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<p>hello, <em>world</em></p>", "text/html"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let html = client(&server)
        .put_note("hello, *world*")
        .await
        .expect("the call succeeds");
    assert_eq!(html, "<p>hello, <em>world</em></p>");

    server.reset().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe, b'x'], "text/html"))
        .mount(&server)
        .await;
    let err = client(&server).put_note("x").await.expect_err("not UTF-8");
    let Error::Decode(decode) = err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(&decode.body[..], &[0xff, 0xfe, b'x']);
}

#[tokio::test]
async fn binary_bodies_both_ways() {
    let server = MockServer::start().await;
    let bytes: Vec<u8> = (0..=255).collect();
    Mock::given(method("POST"))
        .and(path("/files"))
        .and(header("content-type", "application/octet-stream"))
        .and(body_bytes(bytes.clone()))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(bytes.clone(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let stored = client(&server)
        .upload_file()
        .body(bytes.clone())
        .await
        .expect("the call succeeds");
    assert_eq!(&stored[..], &bytes[..]);
}

#[tokio::test]
async fn success_statuses_with_different_bodies_decode_by_status() {
    use oagen_tests::fixture_bodies::operations::StartJobResponse;
    use oagen_tests::fixture_bodies::types::Job;

    let server = MockServer::start().await;
    let answers = [
        (200, r#"{"id": "ch_1", "amount": 5}"#),
        (202, r#"{"id": "job_7"}"#),
        (204, ""),
        (203, "kept as received"),
    ];
    let mut results = Vec::new();
    for (status, body) in answers {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path("/jobs"))
            .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        results.push(
            client(&server)
                .start_job()
                .await
                .expect("every 2xx is a success"),
        );
    }
    assert_eq!(
        results,
        [
            StartJobResponse::Ok(Charge::new().id("ch_1").amount(5)),
            StartJobResponse::Accepted(Job::new("job_7")),
            StartJobResponse::NoContent,
            StartJobResponse::Other(oagen_runtime::Bytes::from_static(b"kept as received")),
        ]
    );
}

#[tokio::test]
async fn multipart_sends_a_part_per_field() {
    use oagen_runtime::File;
    use oagen_tests::fixture_bodies::types::{UploadBody, UploadBodyPurpose, UploadBodySettings};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut body = UploadBody::new(
        File::new(&b"{\"prompt\": 1}\n"[..]).file_name("train.jsonl"),
        UploadBodyPurpose::FineTune,
    )
    .attachments(vec![File::new(&b"\x00\x01"[..]).content_type("image/png")])
    .labels(vec!["a".to_owned(), "b".to_owned()])
    .settings(UploadBodySettings::new().retain_days(30));
    body.comment = oagen_runtime::Nullable::Null; // null: not sent (a multipart body has no null)
    client(&server)
        .upload(body)
        .await
        .expect("the call succeeds");

    let requests = server.received_requests().await.expect("recorded");
    let request = &requests[0];
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let text = String::from_utf8_lossy(&request.body).into_owned();
    let parts: Vec<&str> = text
        .split(&format!("--{boundary}"))
        .map(|part| part.trim_start_matches("\r\n"))
        .filter(|part| !part.is_empty() && *part != "--\r\n")
        .collect();
    assert_eq!(
        parts,
        [
            "Content-Disposition: form-data; name=\"file\"; filename=\"train.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n{\"prompt\": 1}\n\r\n",
            "Content-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n",
            "Content-Disposition: form-data; name=\"attachments\"; filename=\"attachments\"\r\nContent-Type: image/png\r\n\r\n\u{0}\u{1}\r\n",
            "Content-Disposition: form-data; name=\"labels\"\r\n\r\na\r\n",
            "Content-Disposition: form-data; name=\"labels\"\r\n\r\nb\r\n",
            "Content-Disposition: form-data; name=\"settings\"\r\nContent-Type: application/json\r\n\r\n{\"retain_days\":30}\r\n",
        ]
    );
}
