//! Nothing silently dropped: the parts of a document that no code comes from get one
//! located warning each. Components other than schemas and security schemes become code only
//! through the operations that refer to them; those that nothing refers to are reported
//! here, as are `links`, which are not generated.

use std::collections::HashSet;

use serde_json::Value;

use super::Lowerer;
use crate::diag::join;

/// Kinds of `components` that become code only where they are referred to.
const REFERRED_KINDS: &[&str] = &[
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "pathItems",
    "callbacks",
];

impl Lowerer<'_> {
    pub(super) fn report_unused_components(&mut self) {
        let Some(components) = self.root.get("components").and_then(Value::as_object) else {
            return;
        };
        if !REFERRED_KINDS
            .iter()
            .chain(&["links"])
            .any(|kind| components.contains_key(*kind))
        {
            return;
        }
        let mut referred = HashSet::new();
        collect_refs(self.root, &mut referred, 0);
        for kind in REFERRED_KINDS {
            let Some(entries) = components.get(*kind).and_then(Value::as_object) else {
                continue;
            };
            for name in entries.keys() {
                let ptr = join("#/components", &[kind, name]);
                if !referred.contains(ptr.as_str()) {
                    self.diags.warning(
                        ptr,
                        format!("nothing in the document refers to this entry of `components/{kind}`; no code comes from it"),
                    );
                }
            }
        }
        if let Some(links) = components.get("links").and_then(Value::as_object) {
            for name in links.keys() {
                self.diags.warning(
                    join("#/components/links", &[name]),
                    "links are not generated yet; this one is ignored",
                );
            }
        }
    }
}

impl Lowerer<'_> {
    /// References to other files that could not be followed, in parts of the document that
    /// no code comes from (and so were never reached): reported all the same.
    pub(super) fn report_unreached_broken_refs(&mut self) {
        for (ref_ptr, broken) in &self.refs.broken {
            if self.reached_broken.contains(ref_ptr) {
                continue;
            }
            let message = format!(
                "{}; the part that holds it is not generated, so nothing else is lost",
                broken.message
            );
            if self.strict || broken.refused {
                self.diags.error(ref_ptr, message);
            } else {
                self.diags.warning(ref_ptr, message);
            }
        }
    }
}

/// Every `$ref` string in the document (percent-decoded), except in examples and
/// extensions, whose contents are data.
fn collect_refs(value: &Value, out: &mut HashSet<String>, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                if key == "$ref" {
                    if let Some(reference) = child.as_str() {
                        out.insert(crate::bundle::percent_decode(reference));
                    }
                } else if !matches!(key.as_str(), "example" | "dataValue") && !key.starts_with("x-")
                {
                    collect_refs(child, out, depth + 1);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_refs(item, out, depth + 1)),
        _ => {}
    }
}
