//! The README of every generated test client (fixtures, small corpus documents, hostile
//! names) shows a program; this runs each one against a loopback server (wiremock on
//! 127.0.0.1) that answers its one call with a valid response made from the operation's
//! response type. The program reads its credentials from the environment variables the
//! README names, and its base URL is the server's (`build.rs` adds `.base_url(..)` to the
//! builder, after what the README sets): nothing else is changed.

use oagen_tests::README_RUNS;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn every_readme_example_runs_against_a_loopback_server() {
    // Set before any other thread of this test binary starts (it has this one test), so no
    // other thread reads the environment while it changes.
    for run in README_RUNS {
        for var in run.env {
            // SAFETY: single-threaded at this point (see above).
            unsafe { std::env::set_var(var, format!("readme-secret-{var}")) };
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut failures = Vec::new();
    let mut calls = 0;
    runtime.block_on(async {
        for run in README_RUNS {
            let server = MockServer::start().await;
            let mut answer = ResponseTemplate::new(run.status);
            if let Some(content_type) = run.content_type {
                answer = answer.set_body_raw(run.body.to_vec(), content_type);
            }
            Mock::given(wiremock::matchers::any())
                .respond_with(answer)
                .mount(&server)
                .await;
            if let Err(err) = (run.run)(server.uri()).await {
                failures.push(format!("{}: {err}", run.module));
                continue;
            }
            let requests = server.received_requests().await.unwrap_or_default();
            let expected = usize::from(!run.method.is_empty());
            calls += expected;
            if requests.len() != expected {
                failures.push(format!(
                    "{}: {} requests, expected {expected}",
                    run.module,
                    requests.len()
                ));
            } else if let Some(request) = requests.first() {
                if request.method.as_str() != run.method {
                    failures.push(format!("{}: sent {}", run.module, request.method));
                }
                // Each credential the program read reached the server.
                for var in run.env {
                    let secret = format!("readme-secret-{var}");
                    let sent = request.headers.values().any(|v| {
                        v.to_str()
                            .is_ok_and(|v| v.contains(&secret) || basic_contains(v, &secret))
                    }) || request.url.query().is_some_and(|q| q.contains(&secret));
                    if !sent {
                        failures.push(format!("{}: {var} was not sent", run.module));
                    }
                }
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{} of {} README examples failed:\n{}",
        failures.len(),
        README_RUNS.len(),
        failures.join("\n")
    );
    // Without the shared corpus beside the repository: 56 examples, 30 of which call.
    assert!(README_RUNS.len() >= 50, "{} examples", README_RUNS.len());
    assert!(calls >= 25, "{calls} examples called their server");
}

/// Whether a `Basic` authorization value holds `secret` as its user name or password.
fn basic_contains(value: &str, secret: &str) -> bool {
    let Some(encoded) = value.strip_prefix("Basic ") else {
        return false;
    };
    oagen_runtime::Base64::decode(encoded)
        .is_some_and(|bytes| String::from_utf8_lossy(bytes.as_bytes()).contains(secret))
}

/// The test every generated README shows (`## Testing your code`, with the `mock` feature):
/// run as a user's test would be, against the generated mock server; it must pass.
#[test]
fn every_readme_test_passes_against_the_generated_mock() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let failures: Vec<String> = runtime.block_on(async {
        let mut failures = Vec::new();
        for (module, run) in oagen_tests::README_TESTS {
            if let Err(err) = run().await {
                failures.push(format!("{module}: {err}"));
            }
        }
        failures
    });
    assert!(
        failures.is_empty(),
        "{} of {} README tests failed:\n{}",
        failures.len(),
        oagen_tests::README_TESTS.len(),
        failures.join("\n")
    );
    // Without the shared corpus beside the repository: one per document with an operation.
    assert!(
        oagen_tests::README_TESTS.len() >= 40,
        "{} README tests",
        oagen_tests::README_TESTS.len()
    );
}
