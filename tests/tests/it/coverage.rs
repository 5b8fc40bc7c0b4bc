//! Nothing silently dropped: over the shared corpus and the fixtures, every path item,
//! operation, webhook, callback and component of a document either becomes code or is
//! named by a diagnostic at (or under) its place.

use std::collections::BTreeSet;
use std::path::Path;

use oagen::ir::Api;
use serde_json::Value;

#[path = "../../documents.rs"]
mod documents;

#[path = "../../value.rs"]
mod value;

/// Documents larger than this are left out (lowering the three largest, 3 to 4 MB each, in
/// a debug build takes most of a minute); `OAGEN_COVERAGE_ALL=1` includes them.
const MAX_SIZE: u64 = 1_500_000;

#[test]
fn every_part_of_every_document_is_generated_or_reported() {
    let mut checked = 0;
    let mut problems = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let max_size = if std::env::var_os("OAGEN_COVERAGE_ALL").is_some() {
        u64::MAX
    } else {
        MAX_SIZE
    };
    let mut paths = documents::documents(&root.join("../../shared/specs"), max_size);
    paths.extend(documents::documents(&root.join("fixtures"), max_size));
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Some(doc) = value::parse(&path, &bytes) else {
            continue;
        };
        checked += 1;
        let name = path.display().to_string();
        match oagen::Generator::default().lower(oagen::Document::bytes(&bytes)) {
            // A document refused as a whole names why: nothing is dropped silently.
            Err(failure) => assert!(
                failure
                    .diagnostics()
                    .iter()
                    .any(|d| d.severity == oagen::Severity::Error),
                "{name}: refused without an error"
            ),
            Ok(oagen::Lowered {
                api, diagnostics, ..
            }) => {
                let reported: Vec<String> =
                    diagnostics.iter().map(|d| d.pointer().to_owned()).collect();
                for part in unaccounted(&doc, &api, &reported) {
                    problems.push(format!("{name}: {part}"));
                }
            }
        }
    }
    assert!(checked > 20, "the corpus and the fixtures were found");
    assert!(
        problems.is_empty(),
        "parts neither generated nor reported:\n{}",
        problems.join("\n")
    );
}

/// The parts of `doc` that are neither in `api` nor at or under a reported pointer.
fn unaccounted(doc: &Value, api: &Api, reported: &[String]) -> Vec<String> {
    let is_reported = |ptr: &str| {
        reported.iter().any(|r| {
            r == ptr
                || r.strip_prefix(ptr)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let operations: BTreeSet<&str> = api.operations.iter().map(|o| o.source.as_str()).collect();
    let types: BTreeSet<&str> = api.types.iter().map(|t| t.source.as_str()).collect();
    let schemes: BTreeSet<&str> = api
        .security_schemes
        .iter()
        .map(|s| s.wire_name.as_str())
        .collect();
    let mut refs = BTreeSet::new();
    collect_refs(doc, &mut refs);
    let mut missing = Vec::new();

    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_ptr = oagen::diag::join("#/paths", &[path]);
        if is_reported(&item_ptr) {
            continue;
        }
        // A path item given by a local reference: its operations are where it points.
        let (item, base) = match item.get("$ref").and_then(Value::as_str) {
            Some(target) if target.starts_with('#') => {
                (doc.pointer(&target[1..]).unwrap_or(item), target.to_owned())
            }
            _ => (item, item_ptr.clone()),
        };
        for method in methods {
            let Some(op) = item.get(method) else { continue };
            let op_ptr = oagen::diag::join(&base, &[method]);
            let declared = oagen::diag::join(&item_ptr, &[method]);
            let target = op
                .get("$ref")
                .and_then(Value::as_str)
                .filter(|t| t.starts_with('#'))
                .map(str::to_owned)
                .unwrap_or_else(|| op_ptr.clone());
            let generated = operations.contains(target.as_str());
            if !generated && !is_reported(&op_ptr) && !is_reported(&declared) {
                missing.push(format!("operation {op_ptr}"));
                continue;
            }
            // Callbacks of a generated operation.
            if generated {
                let op = doc.pointer(&target[1..]).unwrap_or(op);
                for name in op
                    .get("callbacks")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, _)| name)
                {
                    let ptr = oagen::diag::join(&target, &["callbacks", name]);
                    if !is_reported(&ptr) && !api_has_event(api, &ptr) {
                        missing.push(format!("callback {ptr}"));
                    }
                }
            }
        }
    }

    for name in doc
        .get("webhooks")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| name)
    {
        let ptr = oagen::diag::join("#/webhooks", &[name]);
        if !is_reported(&ptr) && !api_has_event(api, &ptr) {
            missing.push(format!("webhook {ptr}"));
        }
    }

    for (kind, entries) in doc
        .get("components")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for name in entries.keys() {
            let ptr = oagen::diag::join("#/components", &[kind, name]);
            let accounted = is_reported(&ptr)
                || match kind.as_str() {
                    "schemas" => types.contains(ptr.as_str()),
                    "securitySchemes" => schemes.contains(name.as_str()),
                    // Code only through what refers to them.
                    _ => refs.contains(&ptr),
                };
            if !accounted {
                missing.push(format!("component {ptr}"));
            }
        }
    }
    missing
}

/// Whether a webhook or callback at `ptr` became code (an event of one of its operations).
fn api_has_event(api: &Api, ptr: &str) -> bool {
    api.events.iter().flat_map(|set| &set.events).any(|event| {
        event
            .source
            .strip_prefix(ptr)
            .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                match (key.as_str(), child) {
                    ("$ref", Value::String(reference)) => {
                        out.insert(reference.replace("%7B", "{").replace("%7D", "}"));
                    }
                    ("example", _) => {}
                    _ if key.starts_with("x-") => {}
                    _ => collect_refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}
