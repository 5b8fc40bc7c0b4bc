use super::*;
use crate::{Document, Generator, Settings};

fn lower(yaml: &str) -> Api {
    Generator::new(Settings::default())
        .lower(Document::bytes(yaml.as_bytes()))
        .expect("lowers")
        .api
}

const BASE: &str = r#"
openapi: 3.1.0
info: { title: Shop, version: 1.4.2 }
paths:
  /owners:
    post:
      operationId: createOwner
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: '#/components/schemas/Owner' } } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Owner' } } } }
components:
  schemas:
    Owner:
      type: object
      required: [name]
      properties:
        name: { type: string }
"#;

fn diff(old: &str, new: &str) -> Diff {
    compare(&lower(old), &lower(new), &Options::default())
}

#[test]
fn a_document_against_itself_changes_nothing() {
    let d = diff(BASE, BASE);
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(d.next_version().as_deref(), Some("1.4.2"));
}

#[test]
fn an_optional_field_is_minor_and_a_required_one_major() {
    let optional = BASE.replace(
        "name: { type: string }",
        "name: { type: string }\n        email: { type: string }",
    );
    let d = diff(BASE, &optional);
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
    assert_eq!(d.changes[0].item, "types::Owner::email");
    assert_eq!(
        (d.changes[0].rust, d.changes[0].wire),
        (Level::Minor, Wire::Compatible)
    );
    assert_eq!(
        d.changes[0].pointer,
        "#/components/schemas/Owner/properties/email"
    );
    assert_eq!(d.next_version().as_deref(), Some("1.5.0"));

    let required = optional.replace("required: [name]", "required: [name, email]");
    let d = diff(BASE, &required);
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
    assert_eq!(
        (d.changes[0].rust, d.changes[0].wire),
        (Level::Major, Wire::Breaking)
    );
    assert_eq!(d.next_version().as_deref(), Some("2.0.0"));
}

#[test]
fn versions_bump_by_cargo_rules() {
    let diff = |version: &str, level: Level| Diff {
        changes: vec![Change::new("x", "y", level, Wire::Compatible)],
        version: Some(version.to_owned()),
    };
    assert_eq!(
        diff("0.3.1", Level::Major).next_version().as_deref(),
        Some("0.4.0")
    );
    assert_eq!(
        diff("0.3.1", Level::Minor).next_version().as_deref(),
        Some("0.3.2")
    );
    assert_eq!(
        diff("1.3.1", Level::Minor).next_version().as_deref(),
        Some("1.4.0")
    );
    assert_eq!(
        diff("v2.0", Level::Patch).next_version().as_deref(),
        Some("2.0.1")
    );
    assert_eq!(diff("2024-01", Level::Patch).next_version(), None);
}

#[test]
fn a_schema_split_by_a_read_only_field_keeps_its_response_type() {
    let split = BASE.replace(
        "name: { type: string }",
        "name: { type: string }\n        id: { type: string, readOnly: true }",
    );
    let d = diff(BASE, &split);
    let whats: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.item.as_str(), c.what.as_str()))
        .collect();
    assert!(
        whats.contains(&("types::Owner::id", "optional field added")),
        "{whats:?}"
    );
    assert!(
        whats.contains(&("types::OwnerRequest", "type added")),
        "{whats:?}"
    );
    assert!(
        !whats.iter().any(|(_, what)| *what == "type removed"),
        "{whats:?}"
    );
}
