//! Resource groups: which Cargo feature each operation sits behind. An operation goes to its
//! first navigation tag, or rather to the top of that tag's OpenAPI 3.2 `parent` chain (a
//! child tag's operations are its parent's resource); without one, to the resource a vendor
//! extension names (`x-oaiMeta.group`, `x-github.category`); without either, to the first
//! literal segment of its path after any version prefix (`/v1/pets/{id}` → `pets`).
//! Spellings that make the same feature name (`Pet store`, `pet-store`) are one group.
//!
//! A navigation tag is one whose 3.2 `kind` is `nav` or absent; tags of other kinds
//! (`badge`, `audience`...) label operations across resources and make no group. A cycle of
//! parents, or a parent that names no tag, is a located warning, and the chain stops there.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::{Diagnostics, join};
use crate::ir::{Api, Group, GroupSource, Operation};
use crate::load::SpecVersion;
use crate::naming::{self, Scope};

/// Vendor extensions of an operation that name its resource: the extension and its key.
const RESOURCE_EXTENSIONS: &[(&str, &str)] = &[("x-oaiMeta", "group"), ("x-github", "category")];

/// Gives every operation of `api` its group and sets `api.groups`. `root` is the document
/// (each operation's object is read at its `source` pointer).
pub(super) fn assign(api: &mut Api, root: &Value, version: SpecVersion, diags: &mut Diagnostics) {
    let tags = Tags::read(root, version, diags);
    let sources: Vec<GroupSource> = api
        .operations
        .iter()
        .map(|op| source_of(root, &tags, op))
        .collect();
    let mut groups: BTreeMap<String, BTreeSet<GroupSource>> = BTreeMap::new();
    let mut features = Scope::with_reserved(naming::RESERVED_FEATURES);
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for (op, source) in api.operations.iter_mut().zip(sources) {
        let base = naming::feature(source.text());
        let feature = named
            .entry(base.clone())
            .or_insert_with(|| features.claim_snake(&base))
            .clone();
        groups.entry(feature.clone()).or_default().insert(source);
        op.group = feature;
    }
    api.groups = groups
        .into_iter()
        .map(|(feature, sources)| Group {
            feature,
            sources: sources.into_iter().collect(),
        })
        .collect();
}

/// Where an operation's group comes from: its first tag, a vendor resource extension, or
/// its path.
fn source_of<'d>(root: &'d Value, tags: &Tags<'d>, op: &Operation) -> GroupSource {
    let object = root.pointer(op.source.strip_prefix('#').unwrap_or(&op.source));
    let tag = object
        .and_then(|o| o.get("tags"))
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .find(|tag| tags.is_nav(tag))
        })
        .map(|tag| tags.top(tag))
        .filter(|tag| !naming::feature(tag).is_empty());
    if let Some(tag) = tag {
        return GroupSource::Tag(tag.to_owned());
    }
    for (extension, key) in RESOURCE_EXTENSIONS {
        let value = object
            .and_then(|o| o.get(*extension))
            .and_then(|e| e.get(*key))
            .and_then(Value::as_str)
            .filter(|v| !naming::feature(v).is_empty());
        if let Some(value) = value {
            return GroupSource::Extension {
                key: format!("{extension}.{key}"),
                value: value.to_owned(),
            };
        }
    }
    match resource_segment(&op.path) {
        Some(segment) => GroupSource::PathSegment(segment.to_owned()),
        None => GroupSource::Root,
    }
}

/// The document's tags, by name: each one's 3.2 `kind` and the top of its `parent` chain.
struct Tags<'d> {
    /// Names of the tags whose `kind` says they make no group.
    labels: BTreeSet<&'d str>,
    /// Each child tag → the top navigation tag of its chain of parents.
    top: BTreeMap<&'d str, &'d str>,
}

impl<'d> Tags<'d> {
    fn read(root: &'d Value, version: SpecVersion, diags: &mut Diagnostics) -> Self {
        let mut tags = Tags {
            labels: BTreeSet::new(),
            top: BTreeMap::new(),
        };
        let Some(list) = root.get("tags").and_then(Value::as_array) else {
            return tags;
        };
        // (name, parent and where it is written)
        let mut parents: BTreeMap<&str, (&str, String)> = BTreeMap::new();
        let mut names = BTreeSet::new();
        for (index, tag) in list.iter().enumerate() {
            let Some(name) = tag.get("name").and_then(Value::as_str) else {
                continue;
            };
            names.insert(name);
            let ptr = join("#/tags", &[&index.to_string()]);
            if version != SpecVersion::V3_2 {
                for field in ["parent", "kind"] {
                    if tag.get(field).is_some() {
                        diags.warning_with_help(
                            join(&ptr, &[field]),
                            format!("the tag's `{field}` is an OpenAPI 3.2 field; in this document it is not read"),
                            "declare `openapi: 3.2.0` if the document is written for 3.2",
                        );
                    }
                }
                continue;
            }
            let kind = tag.get("kind").and_then(Value::as_str);
            if kind.is_some_and(|kind| kind != "nav") {
                tags.labels.insert(name);
            }
            if let Some(parent) = tag.get("parent").and_then(Value::as_str) {
                parents.insert(name, (parent, join(&ptr, &["parent"])));
            }
        }
        for (&child, (parent, ptr)) in &parents {
            if !names.contains(parent) {
                diags.warning(
                    ptr.clone(),
                    format!("the parent `{parent}` of tag `{child}` names no tag; the tag makes its own group"),
                );
            }
        }
        for &child in parents.keys() {
            let top = tags.climb(child, &parents, &names, diags);
            if top != child {
                tags.top.insert(child, top);
            }
        }
        tags
    }

    /// The top of `child`'s chain of navigation parents. On a cycle (reported once, at the
    /// `parent` of its first member by name) the tag makes its own group.
    fn climb(
        &self,
        child: &'d str,
        parents: &BTreeMap<&'d str, (&'d str, String)>,
        names: &BTreeSet<&'d str>,
        diags: &mut Diagnostics,
    ) -> &'d str {
        let mut seen = vec![child];
        let mut current = child;
        while let Some((parent, ptr)) = parents.get(current) {
            if !names.contains(parent) || self.labels.contains(parent) {
                break;
            }
            if seen.contains(parent) {
                // Reported once per cycle: by its first member in name order.
                if *parent == child && seen.iter().all(|name| child <= *name) {
                    diags.warning(
                        ptr.clone(),
                        format!(
                            "the tags' parents make a cycle ({} → {parent}); `{child}` makes its own group",
                            seen.join(" → ")
                        ),
                    );
                }
                return child;
            }
            seen.push(parent);
            current = parent;
        }
        current
    }

    /// Whether an operation's tag can name its group: its `kind` is `nav` or absent.
    fn is_nav(&self, tag: &str) -> bool {
        !self.labels.contains(tag)
    }

    /// The tag whose group `tag`'s operations join.
    fn top(&self, tag: &'d str) -> &'d str {
        self.top.get(tag).copied().unwrap_or(tag)
    }
}

/// The first segment of `path` that names a resource: not empty, not a parameter
/// (`{id}`), not a version (`v1`, `v2beta`, `2023-01-01`, `1.0`), not `api`, and with a
/// letter or digit a feature name can keep.
fn resource_segment(path: &str) -> Option<&str> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.split('/').find(|segment| {
        !segment.is_empty()
            && !segment.contains('{')
            && !is_version(segment)
            && !segment.eq_ignore_ascii_case("api")
            && !naming::feature(segment).is_empty()
    })
}

/// Whether a path segment is an API version: `v` and a digit, then letters, digits, `.`,
/// `_` or `-` (`v1`, `V2`, `v2beta`, `v1.1`, `v1alpha1`), or digits with `.`/`-`/`_`
/// between them (`1.0`, `2`, `2023-01`, `2023-01-01`).
fn is_version(segment: &str) -> bool {
    let separators = |c: char| c == '.' || c == '-' || c == '_';
    if let Some(rest) = segment
        .strip_prefix('v')
        .or_else(|| segment.strip_prefix('V'))
    {
        return rest.starts_with(|c: char| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || separators(c));
    }
    segment.starts_with(|c: char| c.is_ascii_digit())
        && segment.chars().all(|c| c.is_ascii_digit() || separators(c))
}

impl GroupSource {
    /// The text the feature name is made from.
    pub fn text(&self) -> &str {
        match self {
            GroupSource::Config(name) | GroupSource::Tag(name) | GroupSource::PathSegment(name) => {
                name
            }
            GroupSource::Extension { value, .. } => value,
            GroupSource::Root => "root",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_parameters_are_skipped() {
        assert_eq!(resource_segment("/v1/pets/{id}"), Some("pets"));
        assert_eq!(resource_segment("/v2beta/things"), Some("things"));
        assert_eq!(resource_segment("/2023-01-01/orders"), Some("orders"));
        assert_eq!(resource_segment("/api/v1.1/users?x=1"), Some("users"));
        assert_eq!(resource_segment("/{tenant}/invoices"), Some("invoices"));
        assert_eq!(resource_segment("/V3/Services/{Sid}"), Some("Services"));
        assert_eq!(resource_segment("/vendors"), Some("vendors"));
        assert_eq!(resource_segment("/v1"), None);
        assert_eq!(resource_segment("/"), None);
        assert_eq!(resource_segment("/{id}"), None);
        assert_eq!(resource_segment("/名前/x"), Some("x"));
    }
}
