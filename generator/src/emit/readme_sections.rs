//! The README's sections on what the crate has beyond a plain call, each only when the
//! document has it, each with an example drawn from the document's own operations: event
//! streams, pagination, webhooks (with their verification), and errors with timeouts and
//! retries. Every example is a function a user could paste; the repository's tests compile
//! them all (`tests/build.rs`).

use crate::ir::{Api, BodyKind, Operation, Presence, StreamFraming, TypeRef};

use super::signature::ordered_required;

/// `## Event streams`, when an operation answers with a stream (events or JSON lines).
pub(super) fn streams(api: &Api, krate: &str) -> Option<String> {
    let (op, params) = api
        .operations
        .iter()
        .filter(|op| op.stream.is_some())
        .find_map(|op| Some((op, parameters(api, op, krate)?)))?;
    let framing = match op.stream.as_ref().map(|s| s.framing) {
        Some(StreamFraming::ServerSentEvents) | None => "server-sent events",
        Some(StreamFraming::JsonLines) => "JSON lines",
        Some(StreamFraming::JsonSeq) => "JSON text sequences",
    };
    let mut out = String::from("## Event streams\n\n");
    out.push_str(&format!(
        "`{}` answers with a stream of {framing}. Awaiting the request gives the answer as one value; `.stream()` gives an `EventStream`, whose items (`Event`: name, id, and `data`, decoded) arrive as the server sends them. Each wait between items is bounded by the call's timeout, or by `.with_idle_timeout(..)` for this call; `[DONE]` ends the stream, and an error event is an `Err` whose message is the server's.\n\n",
        op.rust_name
    ));
    let body = format!(
        "    let mut events = client.{}({}).stream().await?;\n    while let Some(event) = events.try_next().await? {{\n        println!(\"{{}}: {{:?}}\", event.event, event.data);\n    }}\n    Ok(())\n",
        op.rust_name,
        arguments(&params)
    );
    let name = format!("stream_{}", crate::naming::unraw(&op.rust_name));
    out.push_str(&function(krate, &name, &params, &body));
    Some(out)
}

/// `## Pagination`, when an operation is paginated.
pub(super) fn pagination(api: &Api, krate: &str) -> Option<String> {
    let (op, params) = api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .find_map(|op| Some((op, parameters(api, op, krate)?)))?;
    let count = api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .count();
    let mut out = String::from("## Pagination\n\n");
    out.push_str(&format!(
        "{count} list {} paginated: besides the call for one page, `.paginate()` walks every page (`Pages`) and `.items()` every item across pages (`Items`), asking for the next page only when the last is used up. A next link is followed on the API's origin only, and a repeated cursor or page ends the walk with an error rather than a loop.\n\n",
        if count == 1 { "operation is" } else { "operations are" }
    ));
    let body = format!(
        "    let mut items = client.{}({}).paginate().items();\n    while let Some(item) = items.try_next().await? {{\n        println!(\"{{item:?}}\");\n    }}\n    Ok(())\n",
        op.rust_name,
        arguments(&params)
    );
    let name = format!("every_{}", crate::naming::unraw(&op.rust_name));
    out.push_str(&function(krate, &name, &params, &body));
    Some(out)
}

/// `## Webhooks`, when the document describes requests the API sends.
pub(super) fn webhooks(api: &Api, krate: &str) -> Option<String> {
    let set = api.events.first()?;
    let mut out = String::from("## Webhooks and callbacks\n\n");
    out.push_str(&format!(
        "Requests the API sends to you are in the `webhooks` module: an enum per set of events ({}), with `parse(headers, body)`, which tells which event a request is and decodes its payload. Check a request's signature before you trust it: for [Standard Webhooks](https://www.standardwebhooks.com), `oagen_runtime::webhook::StandardWebhooks` checks the HMAC signature and the timestamp (depend on `oagen-runtime`, the copy this crate's `Cargo.toml` names, with its `webhooks` feature).\n\n",
        api.events
            .iter()
            .map(|s| format!("`{}`", s.rust_name))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let env = format!("{}_WEBHOOK_SECRET", crate::naming::env_prefix(krate));
    out.push_str("```rust\n");
    out.push_str(&format!("use {krate}::reqwest::header::HeaderMap;\n"));
    out.push_str(&format!("use {krate}::webhooks::{};\n", set.rust_name));
    out.push_str("use oagen_runtime::webhook::StandardWebhooks;\n\n");
    out.push_str("/// In the handler of your server for the API's requests.\n");
    out.push_str(
        "fn receive(headers: &HeaderMap, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    out.push_str(&format!("    let secret = std::env::var(\"{env}\")?;\n"));
    out.push_str("    StandardWebhooks::new(&secret)?.verify(headers, body)?;\n");
    out.push_str(&format!(
        "    let event = {}::parse(headers, body)?;\n",
        set.rust_name
    ));
    out.push_str("    println!(\"{}: {event:?}\", event.name());\n");
    out.push_str("    Ok(())\n}\n```\n\n");
    Some(out)
}

/// The example of `## Errors, timeouts and retries`: one call with its own timeout and no
/// retries, its errors told apart.
pub(super) fn errors_example(krate: &str, op: &Operation, args: &[String]) -> String {
    let mut out = String::from("```rust\n");
    out.push_str("use std::time::Duration;\n\n");
    out.push_str(&format!("use {krate}::{{Client, Error, RetryPolicy}};\n\n"));
    out.push_str("async fn careful(client: &Client) -> Result<(), Error> {\n");
    out.push_str(&format!(
        "    let call = client\n        .{}({})\n        .with_timeout(Duration::from_secs(10))\n        .with_retry(RetryPolicy::disabled());\n",
        op.rust_name,
        args.join(", ")
    ));
    out.push_str("    match call.await {\n");
    out.push_str("        Ok(answer) => println!(\"{answer:?}\"),\n");
    out.push_str("        Err(Error::Api(err)) => {\n");
    out.push_str(
        "            eprintln!(\"the API answered {}: {}\", err.status, err.body_text());\n",
    );
    out.push_str("            if let Some(typed) = &err.typed {\n");
    out.push_str("                eprintln!(\"{typed:?}\");\n");
    out.push_str("            }\n");
    out.push_str("        }\n");
    out.push_str("        Err(err) => return Err(err),\n");
    out.push_str("    }\n    Ok(())\n}\n```\n\n");
    out
}

/// An example function taking the client and what the call needs.
fn function(krate: &str, name: &str, params: &[(String, String)], body: &str) -> String {
    let mut signature = format!("async fn {name}(\n    client: &{krate}::Client,\n");
    for (param, ty) in params {
        signature.push_str(&format!("    {param}: {ty},\n"));
    }
    signature.push_str(&format!(") -> Result<(), {krate}::Error> {{\n"));
    format!("```rust\n{signature}{body}}}\n```\n\n")
}

/// The call's arguments: the function's parameters, in order.
fn arguments(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The parameters of a function that makes the call: each required argument with its Rust
/// type as a user's crate names it. `None` when one cannot be named there (a type of the
/// runtime or of `serde_json`, which a user's crate may not depend on) or a name would
/// shadow the client.
fn parameters(api: &Api, op: &Operation, krate: &str) -> Option<Vec<(String, String)>> {
    let mut params = Vec::new();
    for param in ordered_required(op) {
        if matches!(param.ty, TypeRef::Nullable(_)) {
            return None;
        }
        params.push((param.rust_name.clone(), user_path(api, &param.ty, krate)?));
    }
    if let Some(body) = op
        .body
        .as_ref()
        .filter(|b| b.presence == Presence::Required)
    {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form { ty, .. } | BodyKind::Multipart(ty) => {
                user_path(api, ty, krate)?
            }
            BodyKind::Text => "String".to_owned(),
            BodyKind::Binary => "Vec<u8>".to_owned(),
        };
        let name = if params.iter().any(|(n, _)| n == "body") {
            "request_body"
        } else {
            "body"
        };
        params.push((name.to_owned(), ty));
    }
    if params.iter().any(|(name, _)| name == "client") {
        return None;
    }
    Some(params)
}

/// A type's path as a user's crate writes it, through this crate's re-exports.
fn user_path(api: &Api, ty: &TypeRef, krate: &str) -> Option<String> {
    let path = api
        .rust_path(ty, krate)
        .replace("::std::string::String", "String")
        .replace("::std::vec::Vec", "Vec")
        .replace("::std::collections::BTreeMap", "std::collections::BTreeMap");
    let path = match path.strip_prefix("uuid::") {
        Some(rest) => format!("{krate}::uuid::{rest}"),
        None => path,
    };
    (!path.contains("oagen_runtime") && !path.contains("serde_json") && !path.contains("<uuid"))
        .then_some(path)
}

/// `## Testing your code`: a test of the user's against the `mock` feature's server, which
/// expects the example's call and answers it with a value of its own type where one can be
/// made without knowing the API (`Default`), else with a status.
pub(super) fn testing(
    api: &Api,
    krate: &str,
    crate_name: &str,
    op: &Operation,
    args: &[String],
) -> String {
    let mut out = String::from("## Testing your code\n\n");
    out.push_str(&format!(
        "With the `mock` feature, `{krate}::mock::MockServer` is a mock of the API on 127.0.0.1 for your tests. `server.expect(request)` takes the request your code will send, built with the client's own request builder, and matches its path, parameters and body; it answers with the operation's own types (`respond`, `fail` with an error body, `respond_pages` for a paginated list, `respond_stream` for a stream) or a fault (`delay`, `rate_limited`, `disconnect`, a malformed `answer`). An expectation that is not met (once, unless `.times(n)` says otherwise) fails the test, naming the operation.\n\n```toml\n[dev-dependencies]\n{crate_name} = {{ path = \"path/to/{crate_name}\", features = [\"mock\"] }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n"
    ));
    let call = format!("client.{}({})", op.rust_name, args.join(", "));
    let mut lines = vec![
        format!("use {krate}::mock::MockServer;"),
        String::new(),
        "#[tokio::test]".to_owned(),
        "async fn my_code_gets_the_answer() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        "    let server = MockServer::start().await;".to_owned(),
        "    let client = server.client()?;".to_owned(),
        "    // The call your code makes, and its answer.".to_owned(),
    ];
    if let Some(value) = answer_value(api, krate, &op.response.body) {
        lines.push(format!(
            "    server.expect({call}).respond(&{value}).await;"
        ));
        lines.push("    // Your code, given the client:".to_owned());
        if op.response.body == crate::ir::ResponseBody::Empty {
            lines.push(format!("    {call}.await?;"));
        } else {
            lines.push(format!("    let answer = {call}.await?;"));
            lines.push("    println!(\"{answer:?}\");".to_owned());
        }
    } else {
        lines.push(format!(
            "    server.expect({call}).respond_status(404).await;"
        ));
        lines.push("    // Your code, given the client:".to_owned());
        lines.push(format!(
            "    let err = {call}.await.err().ok_or(\"an error\")?;"
        ));
        lines.push("    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));".to_owned());
    }
    lines.push(
        "    // Fails unless every expectation was met (so does dropping the server).".to_owned(),
    );
    lines.push("    server.verify().await;".to_owned());
    lines.push("    Ok(())".to_owned());
    lines.push("}".to_owned());
    out.push_str("```rust\n");
    out.push_str(&lines.join("\n"));
    out.push_str("\n```\n\n");
    out
}

/// A success value of `body` that can be written without knowing the API: `Default` (with
/// the `mock` feature: no body, text, bytes, a list, a map, a plain scalar, a struct without
/// required fields), or a struct whose required fields are all lists, maps, text, numbers
/// or booleans, made with its `new`.
fn answer_value(api: &Api, krate: &str, body: &crate::ir::ResponseBody) -> Option<String> {
    use crate::ir::{ResponseBody, Scalar, TypeKind};
    let default = || Some("Default::default()".to_owned());
    let ty = match body {
        ResponseBody::Empty | ResponseBody::Text { .. } | ResponseBody::Binary { .. } => {
            return default();
        }
        ResponseBody::PerStatus(_) => return None,
        ResponseBody::Json(ty) => api.through_aliases(ty),
    };
    let plain = |ty: &TypeRef| match ty {
        TypeRef::Array(_) => Some("Vec::new()"),
        TypeRef::Map(_) | TypeRef::JsonObject => Some("Default::default()"),
        TypeRef::Scalar(Scalar::String) => Some("\"\""),
        TypeRef::Scalar(Scalar::Bool) => Some("false"),
        TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64) => Some("0"),
        TypeRef::Scalar(Scalar::F32 | Scalar::F64) => Some("0.0"),
        _ => None,
    };
    match ty {
        TypeRef::Any | TypeRef::Nullable(_) => default(),
        TypeRef::Named(id) => {
            let def = api.type_def(*id);
            let TypeKind::Struct(s) = &def.kind else {
                return None;
            };
            let args: Vec<&str> = s
                .fields
                .iter()
                .filter(|f| f.presence == Presence::Required)
                .map(|f| plain(&f.ty))
                .collect::<Option<_>>()?;
            if args.is_empty() {
                return default();
            }
            Some(format!(
                "{krate}::types::{}::new({})",
                def.rust_name,
                args.join(", ")
            ))
        }
        ty => plain(ty).map(|_| "Default::default()".to_owned()),
    }
}
