//! Operations: `Client` methods, their arguments and builder setters, bodies and responses.
//! An operation is the same one in both documents when its method and path are (parameter
//! names in the path ignored): that is what a program built against OLD calls.

use std::collections::BTreeMap;

use super::{Change, Cx, Level, Side, Wire};
use crate::ir::{
    BodyKind, Deprecation, Operation, Param, ParamLocation, Presence, RequestBody, ResponseBody,
};

/// `GET /pets/{}`: the operation's identity on the wire.
fn key(op: &Operation) -> String {
    let mut path = String::new();
    let mut in_param = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_param = true;
                path.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => path.push(c),
            _ => {}
        }
    }
    format!("{} {path}", op.method.as_str())
}

fn by_key(api: &crate::ir::Api) -> BTreeMap<String, &Operation> {
    api.operations.iter().map(|op| (key(op), op)).collect()
}

pub(super) fn compare(old: &Cx<'_>, new: &Cx<'_>, changes: &mut Vec<Change>) {
    let (olds, news) = (by_key(old.api), by_key(new.api));
    for (key, op) in &olds {
        if !news.contains_key(key) {
            changes.push(
                Change::new(
                    format!("Client::{}", op.rust_name),
                    "method removed",
                    Level::Major,
                    Wire::Breaking,
                )
                .at(Side::Old, &op.source)
                .gated(old.operation_features(op))
                .because(format!(
                    "`{key}` is no longer in the document: calls to it fail to compile, and OLD programs calling it get an error (404 or 405)"
                )),
            );
        }
    }
    for (key, op) in &news {
        match olds.get(key) {
            None => changes.push(
                Change::new(
                    format!("Client::{}", op.rust_name),
                    "method added",
                    Level::Minor,
                    Wire::Compatible,
                )
                .at(Side::New, &op.source)
                .gated(new.operation_features(op))
                .because(format!("`{key}` is new")),
            ),
            Some(before) => operation(old, new, before, op, changes),
        }
    }
}

/// The changes of one operation present in both.
fn operation(old: &Cx<'_>, new: &Cx<'_>, a: &Operation, b: &Operation, out: &mut Vec<Change>) {
    let method = format!("Client::{}", b.rust_name);
    let features = new.operation_features(b);
    let push = |out: &mut Vec<Change>, change: Change| {
        out.push(change.gated(features.clone()));
    };
    if a.rust_name != b.rust_name {
        push(
            out,
            Change::new(&method, "method renamed", Level::Major, Wire::Compatible)
                .at(Side::New, &b.source)
                .because(format!(
                    "`Client::{}` is now `{method}` (same request on the wire)",
                    a.rust_name
                )),
        );
    }
    if old.features && new.features && a.group != b.group {
        push(
            out,
            Change::new(&method, "feature changed", Level::Major, Wire::Compatible)
                .at(Side::New, &b.source)
                .because(format!(
                    "moved from feature `{}` to `{}`: builds enabling only `{}` lose it",
                    a.group, b.group, a.group
                )),
        );
    }
    params(old, new, a, b, &mut |c| push(out, c));
    body(old, new, a, b, &mut |c| push(out, c));
    response(old, new, a, b, &mut |c| push(out, c));
    extras(a, b, &method, &mut |c| push(out, c));
}

fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::QueryString => "query string",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn param_key(p: &Param) -> (u8, String) {
    let name = if p.location == ParamLocation::Header {
        p.wire_name.to_ascii_lowercase()
    } else {
        p.wire_name.clone()
    };
    (p.location as u8, name)
}

/// Where a parameter shows in Rust: an argument of the method when required, else a setter
/// of the builder.
fn param_item(op: &Operation, p: &Param) -> String {
    match p.presence {
        Presence::Required => format!("Client::{}({})", op.rust_name, p.rust_name),
        Presence::Optional => format!("operations::{}::{}", op.builder_name, p.rust_name),
    }
}

fn params(old: &Cx<'_>, new: &Cx<'_>, a: &Operation, b: &Operation, out: &mut dyn FnMut(Change)) {
    let olds: BTreeMap<_, _> = a.params.iter().map(|p| (param_key(p), p)).collect();
    let news: BTreeMap<_, _> = b.params.iter().map(|p| (param_key(p), p)).collect();
    let at = |p: &Param| {
        format!(
            "{}/parameters ({} `{}`)",
            b.source,
            location(p.location),
            p.wire_name
        )
    };
    for (key, p) in &olds {
        if !news.contains_key(key) {
            let place = location(p.location);
            out(Change::new(param_item(a, p), "parameter removed", Level::Major, Wire::Risky)
                .at(Side::Old, format!("{}/parameters ({place} `{}`)", a.source, p.wire_name))
                .because(format!(
                    "the {place} parameter `{}` is gone: code passing it fails to compile; the server no longer reads it",
                    p.wire_name
                )));
        }
    }
    for (key, p) in &news {
        let place = location(p.location);
        let Some(before) = olds.get(key) else {
            let change = match p.presence {
                Presence::Required => Change::new(param_item(b, p), "required parameter added", Level::Major, Wire::Breaking)
                    .because(format!(
                        "`Client::{}` takes a new argument; the server requires the {place} parameter `{}`, which OLD programs do not send",
                        b.rust_name, p.wire_name
                    )),
                Presence::Optional => Change::new(param_item(b, p), "optional parameter added", Level::Minor, Wire::Compatible)
                    .because(format!("a new setter for the {place} parameter `{}`", p.wire_name)),
            };
            out(change.at(Side::New, at(p)));
            continue;
        };
        if before.presence != p.presence {
            let (what, wire, detail) = match p.presence {
                Presence::Required => (
                    "parameter became required",
                    Wire::Breaking,
                    "a setter became an argument of the method; OLD programs that leave it out are refused",
                ),
                Presence::Optional => (
                    "parameter became optional",
                    Wire::Compatible,
                    "an argument of the method became a setter of the builder",
                ),
            };
            out(Change::new(param_item(b, p), what, Level::Major, wire)
                .at(Side::New, at(p))
                .because(format!("{place} parameter `{}`: {detail}", p.wire_name)));
        } else if before.rust_name != p.rust_name {
            out(Change::new(
                param_item(b, p),
                "parameter renamed",
                Level::Major,
                Wire::Compatible,
            )
            .at(Side::New, at(p))
            .because(format!("was `{}`", before.rust_name)));
        }
        let (ta, tb) = (old.rust(&before.ty), new.rust(&p.ty));
        if ta != tb {
            let wire = sent_type_change(old, new, &before.ty, &p.ty);
            out(Change::new(
                param_item(b, p),
                "parameter type changed",
                Level::Major,
                wire,
            )
            .at(Side::New, at(p))
            .because(format!("`{ta}` is now `{tb}`")));
        }
        if before.docs != p.docs {
            out(docs_change(
                param_item(b, p),
                at(p),
                &before.docs.deprecated,
                &p.docs.deprecated,
            ));
        }
    }
}

/// The wire verdict of a value sent whose type changed: a nullable version of the same
/// shape accepts everything it did; another shape may refuse what OLD sends.
fn sent_type_change(
    old: &Cx<'_>,
    new: &Cx<'_>,
    a: &crate::ir::TypeRef,
    b: &crate::ir::TypeRef,
) -> Wire {
    let (sa, sb) = (old.shape(a), new.shape(b));
    if sa == sb || format!("{sa}?") == sb {
        Wire::Compatible
    } else {
        Wire::Breaking
    }
}

/// The wire verdict of a value received whose type changed: the same shape decodes, a
/// nullable one does not (OLD requires a value), another shape does not.
fn received_type_change(
    old: &Cx<'_>,
    new: &Cx<'_>,
    a: &crate::ir::TypeRef,
    b: &crate::ir::TypeRef,
) -> Wire {
    let (sa, sb) = (old.shape(a), new.shape(b));
    if sa == sb || sa == format!("{sb}?") {
        Wire::Compatible
    } else {
        Wire::Breaking
    }
}

pub(super) fn docs_change(
    item: String,
    pointer: String,
    a: &Deprecation,
    b: &Deprecation,
) -> Change {
    match (a, b) {
        (Deprecation::Current, Deprecation::Deprecated) => {
            Change::new(item, "deprecated", Level::Minor, Wire::Compatible)
                .at(Side::New, pointer)
                .because("now `#[deprecated]`: uses warn")
        }
        _ => Change::new(
            item,
            "documentation changed",
            Level::Patch,
            Wire::Compatible,
        )
        .at(Side::New, pointer),
    }
}

fn body_type(cx: &Cx<'_>, body: &RequestBody) -> (String, String) {
    match &body.kind {
        BodyKind::Json(ty) | BodyKind::Form { ty, .. } | BodyKind::Multipart(ty) => {
            (cx.rust(ty), cx.shape(ty))
        }
        BodyKind::Text => ("String".to_owned(), "text".to_owned()),
        BodyKind::Binary => ("Bytes".to_owned(), "binary".to_owned()),
    }
}

fn body(old: &Cx<'_>, new: &Cx<'_>, a: &Operation, b: &Operation, out: &mut dyn FnMut(Change)) {
    let pointer = format!("{}/requestBody", b.source);
    let item = |op: &Operation, body: &RequestBody| match body.presence {
        Presence::Required => format!("Client::{}(body)", op.rust_name),
        Presence::Optional => format!("operations::{}::body", op.builder_name),
    };
    match (&a.body, &b.body) {
        (None, None) => {}
        (Some(body), None) => out(Change::new(item(a, body), "request body removed", Level::Major, Wire::Risky)
            .at(Side::Old, format!("{}/requestBody", a.source))
            .because("code passing a body fails to compile; the server no longer reads it")),
        (None, Some(body)) => out(match body.presence {
            Presence::Required => Change::new(item(b, body), "required request body added", Level::Major, Wire::Breaking)
                .because("the method takes a new argument; the server requires a body OLD programs do not send"),
            Presence::Optional => Change::new(item(b, body), "optional request body added", Level::Minor, Wire::Compatible)
                .because("a new `body` setter"),
        }
        .at(Side::New, &pointer)),
        (Some(x), Some(y)) => {
            if x.presence != y.presence {
                let wire = match y.presence {
                    Presence::Required => Wire::Breaking,
                    Presence::Optional => Wire::Compatible,
                };
                out(Change::new(item(b, y), "request body presence changed", Level::Major, wire)
                    .at(Side::New, &pointer)
                    .because("an argument became a setter, or a setter an argument"));
            }
            let ((ra, sa), (rb, sb)) = (body_type(old, x), body_type(new, y));
            if ra != rb {
                let wire = if sa == sb || format!("{sa}?") == sb { Wire::Compatible } else { Wire::Breaking };
                out(Change::new(item(b, y), "request body type changed", Level::Major, wire)
                    .at(Side::New, &pointer)
                    .because(format!("`{ra}` is now `{rb}`")));
            }
            if x.media_type != y.media_type {
                out(Change::new(item(b, y), "request media type changed", Level::Patch, Wire::Breaking)
                    .at(Side::New, &pointer)
                    .because(format!("`{}` is now `{}`: the server may refuse what OLD programs send", x.media_type, y.media_type)));
            }
        }
    }
}

/// The Rust type a call returns, and its shape on the wire.
fn response_type(cx: &Cx<'_>, body: &ResponseBody) -> (String, String) {
    match body {
        ResponseBody::Empty => ("()".to_owned(), "empty".to_owned()),
        ResponseBody::Json(ty) => (cx.rust(ty), cx.shape(ty)),
        ResponseBody::Text { .. } => ("String".to_owned(), "text".to_owned()),
        ResponseBody::Binary { .. } => ("Bytes".to_owned(), "binary".to_owned()),
        ResponseBody::PerStatus(statuses) => {
            let shapes: Vec<String> = statuses
                .variants
                .iter()
                .map(|v| format!("{:?}:{}", v.status, response_type(cx, &v.body).1))
                .collect();
            (
                format!("operations::{}", statuses.rust_name),
                shapes.join(","),
            )
        }
    }
}

fn response(old: &Cx<'_>, new: &Cx<'_>, a: &Operation, b: &Operation, out: &mut dyn FnMut(Change)) {
    let method = format!("Client::{}", b.rust_name);
    let pointer = format!("{}/responses", b.source);
    let ((ra, sa), (rb, sb)) = (
        response_type(old, &a.response.body),
        response_type(new, &b.response.body),
    );
    if ra != rb || sa != sb {
        let wire = match (&a.response.body, &b.response.body) {
            (ResponseBody::Json(x), ResponseBody::Json(y)) => received_type_change(old, new, x, y),
            (_, ResponseBody::Empty) => Wire::Risky,
            _ => Wire::Breaking,
        };
        let rust = if ra == rb { Level::Patch } else { Level::Major };
        out(Change::new(&method, "response type changed", rust, wire)
            .at(Side::New, &pointer)
            .because(format!("returns `{rb}` (was `{ra}`)")));
    }
    for header in &a.response.headers {
        let now = b
            .response
            .headers
            .iter()
            .find(|h| h.wire_name.eq_ignore_ascii_case(&header.wire_name));
        if header.required && now.is_none_or(|h| !h.required) {
            out(Change::new(&method, "response header no longer guaranteed", Level::Patch, Wire::Risky)
                .at(Side::New, &pointer)
                .because(format!("`{}` was a required response header; programs reading it from `Response::headers` may not find it", header.wire_name)));
        }
    }
    if a.response.docs != b.response.docs {
        out(Change::new(
            &method,
            "response documentation changed",
            Level::Patch,
            Wire::Compatible,
        )
        .at(Side::New, &pointer));
    }
}

/// Pagination, streams and documentation of the operation.
fn extras(a: &Operation, b: &Operation, method: &str, out: &mut dyn FnMut(Change)) {
    let builder = format!("operations::{}", b.builder_name);
    let added_removed =
        |was: bool, is: bool, name: &str, out: &mut dyn FnMut(Change)| match (was, is) {
            (true, false) => out(Change::new(
                format!("{builder}::{name}"),
                format!("`{name}()` removed"),
                Level::Major,
                Wire::Compatible,
            )
            .at(Side::Old, &a.source)
            .because(format!("code calling `{name}()` fails to compile"))),
            (false, true) => out(Change::new(
                format!("{builder}::{name}"),
                format!("`{name}()` added"),
                Level::Minor,
                Wire::Compatible,
            )
            .at(Side::New, &b.source)),
            _ => {}
        };
    added_removed(
        a.pagination.is_some(),
        b.pagination.is_some(),
        "paginate",
        out,
    );
    added_removed(a.stream.is_some(), b.stream.is_some(), "stream", out);
    if a.docs != b.docs {
        out(docs_change(
            method.to_owned(),
            b.source.clone(),
            &a.docs.deprecated,
            &b.docs.deprecated,
        ));
    }
}
