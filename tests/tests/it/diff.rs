//! `oagen::diff`: the verdicts of each rule on a fixture pair (`fixtures/diff/base.yaml` →
//! `fixtures/diff/<change>.yaml`, one change each), and the consecutive versions of real
//! APIs in `../shared/spec-history/`, checked against what a plain reading of the two JSON
//! documents says was removed or retyped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oagen::diff::{self, Diff, Format, Level, Side, Wire};
use oagen::{Document, Generator, Settings};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    xtask::workspace_root().join(format!("tests/fixtures/diff/{name}.yaml"))
}

fn lower(path: &Path) -> oagen::ir::Api {
    Generator::new(Settings::default())
        .lower(Document::File(path))
        .unwrap_or_else(|err| panic!("{} lowers: {err}", path.display()))
        .api
}

fn compare(old: &Path, new: &Path) -> Diff {
    let options = diff::Options {
        crate_version: None,
        features: true,
    };
    diff::compare(&lower(old), &lower(new), &options)
}

/// Each pair: the one change expected (item, what, Rust verdict, wire verdict, where).
const PAIRS: &[(&str, &str, &str, Level, Wire, Side)] = {
    use Level::*;
    use Side::*;
    use Wire::*;
    &[
        (
            "removed_operation",
            "Client::delete_customer",
            "method removed",
            Major,
            Breaking,
            Old,
        ),
        (
            "added_operation",
            "Client::archive_customer",
            "method added",
            Minor,
            Compatible,
            New,
        ),
        (
            "added_optional_field",
            "types::NewCustomer::phone",
            "optional field added",
            Minor,
            Compatible,
            New,
        ),
        (
            "added_required_request_field",
            "types::NewCustomer::phone",
            "required field added",
            Major,
            Breaking,
            New,
        ),
        (
            "field_type_changed",
            "types::Payment::amount",
            "field type changed",
            Major,
            Breaking,
            New,
        ),
        (
            "field_became_nullable",
            "types::Payment::amount",
            "field became nullable",
            Major,
            Breaking,
            New,
        ),
        (
            "response_field_became_optional",
            "types::Payment::amount",
            "field presence changed",
            Major,
            Breaking,
            New,
        ),
        // Generated enums are exhaustive (a `match` naming every variant compiles), so a
        // variant is a major change; the `Unknown` fallback keeps it off the wire.
        (
            "enum_variant_added",
            "types::PaymentStatus::Failed",
            "enum variant added",
            Major,
            Compatible,
            New,
        ),
        (
            "enum_variant_removed",
            "types::PaymentStatus::Refunded",
            "enum variant removed",
            Major,
            Breaking,
            Old,
        ),
        (
            "required_parameter_added",
            "Client::list_customers(region)",
            "required parameter added",
            Major,
            Breaking,
            New,
        ),
        (
            "optional_parameter_added",
            "operations::ListCustomers::region",
            "optional parameter added",
            Minor,
            Compatible,
            New,
        ),
        (
            "parameter_removed",
            "operations::ListCustomers::limit",
            "parameter removed",
            Major,
            Risky,
            Old,
        ),
        (
            "type_removed",
            "types::Note",
            "type removed",
            Major,
            Compatible,
            Old,
        ),
    ]
};

#[test]
fn each_fixture_pair_reports_its_one_change_with_its_verdicts() {
    let base = fixture("base");
    for &(name, item, what, rust, wire, side) in PAIRS {
        let diff = compare(&base, &fixture(name));
        assert_eq!(diff.changes.len(), 1, "{name}: {:#?}", diff.changes);
        let change = &diff.changes[0];
        assert_eq!(
            (
                change.item.as_str(),
                change.what.as_str(),
                change.rust,
                change.wire,
                change.side
            ),
            (item, what, rust, wire, side),
            "{name}: {change:#?}"
        );
        assert!(change.pointer.starts_with("#/"), "{name}: {change:#?}");
        assert!(!change.detail.is_empty(), "{name}: {change:#?}");
        // The feature of the resource group that reaches the item; `Note` is reached by
        // no operation, so always compiled.
        let features: &[&str] = if item.contains("Payment") {
            &["payments"]
        } else if item.contains("Note") {
            &[]
        } else {
            &["customers"]
        };
        assert_eq!(change.features, features, "{name}");
    }
}

#[test]
fn documentation_alone_is_a_patch() {
    let diff = compare(&fixture("base"), &fixture("doc_only"));
    assert_eq!(diff.changes.len(), 2, "{:#?}", diff.changes);
    assert!(
        diff.changes
            .iter()
            .all(|c| c.rust == Level::Patch && c.wire == Wire::Compatible)
    );
    assert_eq!(diff.version.as_deref(), Some("1.2.0"));
    assert_eq!(diff.next_version().as_deref(), Some("1.2.1"));
}

#[test]
fn every_document_against_itself_reports_nothing() {
    let mut documents: Vec<PathBuf> = PAIRS.iter().map(|p| fixture(p.0)).collect();
    documents.push(fixture("base"));
    documents.extend(history().into_iter().flat_map(|(a, b)| [a, b]));
    for document in documents {
        let diff = compare(&document, &document);
        assert!(
            diff.changes.is_empty(),
            "{}: {:#?}",
            document.display(),
            diff.changes
        );
    }
}

#[test]
fn the_markdown_puts_breaking_changes_first_and_ends_with_the_next_version() {
    let diff = compare(&fixture("base"), &fixture("removed_operation"));
    let markdown = diff.render(Format::Markdown);
    assert!(markdown.contains("### Breaking"), "{markdown}");
    assert!(
        markdown.contains("| major | breaking | `Client::delete_customer` |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Next version: 2.0.0 (from 1.2.0, a major change)."),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&diff.render(Format::Json)).expect("JSON");
    assert_eq!(json["summary"]["next_version"], "2.0.0");
    assert_eq!(json["changes"][0]["document"], "old");
}

/// The consecutive versions in `../shared/spec-history/` (old, new), by `INDEX.md`.
fn history() -> Vec<(PathBuf, PathBuf)> {
    let dir = xtask::workspace_root().join("../shared/spec-history");
    let Ok(index) = std::fs::read_to_string(dir.join("INDEX.md")) else {
        eprintln!("../shared/spec-history not found: the real pairs are not checked");
        return Vec::new();
    };
    index
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (old, new) = (cells.get(1)?, cells.get(2)?);
            (old.ends_with(".json") || old.ends_with(".yaml"))
                .then(|| (dir.join(old), dir.join(new)))
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable");
    serde_yaml::from_str(&text).expect("JSON or YAML")
}

/// `GET /pets/{}` for every operation of a document.
fn operations(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let path: String = path
            .split('{')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_owned()
                } else {
                    format!("{{}}{}", part.split_once('}').map_or("", |p| p.1))
                }
            })
            .collect();
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                found.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    found
}

/// The declared type of a property (`type`, `format`, `$ref`, `items`), for retyping.
fn declared(property: &Value) -> Value {
    let mut kept = serde_json::Map::new();
    for key in ["type", "format", "$ref", "items", "nullable"] {
        if let Some(value) = property.get(key) {
            kept.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(kept)
}

#[test]
fn real_pairs_report_every_removal_and_retyping_and_nothing_unchanged() {
    for (old_path, new_path) in history() {
        let diff = compare(&old_path, &new_path);
        let (old, new) = (read_json(&old_path), read_json(&new_path));
        let name = old_path.display();
        let reported = |what: &str, side: Side, pointer: &str| {
            diff.changes
                .iter()
                .any(|c| c.what == what && c.side == side && c.pointer == pointer)
        };
        // Every operation removed from the document is a removed method.
        for key in operations(&old).difference(&operations(&new)) {
            assert!(
                diff.changes
                    .iter()
                    .any(|c| c.what == "method removed" && c.detail.contains(key.as_str())),
                "{name}: {key} removed but not reported"
            );
        }
        let schemas = |doc: &Value| {
            doc["components"]["schemas"]
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        let (old_schemas, new_schemas) = (schemas(&old), schemas(&new));
        for (schema, before) in &old_schemas {
            let Some(after) = new_schemas.get(schema) else {
                continue;
            };
            for (property, value) in before["properties"].as_object().into_iter().flatten() {
                let pointer = format!("#/components/schemas/{schema}/properties/{property}");
                match after["properties"].get(property) {
                    None => assert!(
                        reported("field removed", Side::Old, &pointer),
                        "{name}: {pointer} removed but not reported"
                    ),
                    Some(now) if declared(now) != declared(value) => assert!(
                        diff.changes
                            .iter()
                            .any(|c| c.pointer == pointer && c.rust == Level::Major),
                        "{name}: {pointer} retyped but not reported"
                    ),
                    Some(_) => {}
                }
            }
        }
        // Nothing is reported at a property that did not change.
        for change in &diff.changes {
            let Some(rest) = change.pointer.strip_prefix("#/components/schemas/") else {
                continue;
            };
            let Some((schema, property)) = rest.split_once("/properties/") else {
                continue;
            };
            // A place under the property (its `enum`, its `items`) is the property's.
            let property = property.split('/').next().unwrap_or(property);
            let side = |schemas: &serde_json::Map<String, Value>| {
                let s = schemas.get(schema)?;
                let required = s["required"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|n| n == property));
                Some((s["properties"].get(property).cloned(), required))
            };
            assert_ne!(
                side(&old_schemas),
                side(&new_schemas),
                "{name}: {change:#?} reported at an unchanged property"
            );
        }
        // Stable counts, so a change of the engine shows here.
        let counts = (
            diff.count(Level::Major),
            diff.count(Level::Minor),
            diff.count(Level::Patch),
        );
        let file = old_path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let expected = match file.as_str() {
            "adyen-BinLookupService-v53.json" => Some((0, 1, 0)),
            "adyen-LegalEntityService-v3.json" => Some((23, 27, 14)),
            _ => None,
        };
        if let Some(expected) = expected {
            assert_eq!(counts, expected, "{name}");
        }
    }
}
