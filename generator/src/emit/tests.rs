//! What a type can do follows its direction, checked on the code emitted for small
//! documents: a type only received is decoded, never built.

use super::{Decoder, Encoder, Features, Plan, types};
use crate::diag::Diagnostics;
use crate::ir::{Api, Boxing, TypeRef};

/// The IR of a document whose `paths` and `components` are given.
fn lower(paths: &str, schemas: &str) -> Api {
    let text = format!(
        "openapi: 3.1.0\ninfo: {{ title: t, version: '1' }}\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}"
    );
    let mut diags = Diagnostics::default();
    let doc = crate::load::load(text.as_bytes(), &mut diags).expect("loads");
    let (api, _) = crate::lower::lower_explained(&doc, &mut diags, false);
    assert!(!diags.has_errors(), "{:?}", diags.into_sorted());
    api.expect("lowers")
}

/// `Place` (sent) and `Seen` (received), each with an optional `zipCode` and a required
/// `id`; `Shape` (received) is a union of `Seen` and a string, `Small` (received) one of
/// two scalars.
fn api() -> Api {
    let paths = r#"
  /places:
    post:
      operationId: createPlace
      requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Place' } } } }
      responses: { '204': { description: done } }
    get:
      operationId: listPlaces
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Seen' } } } }
  /shapes:
    get:
      operationId: getShape
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Shape' } } } }
        '201': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Small' } } } }
  /empty:
    get:
      operationId: getEmpty
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Empty' } } } }"#;
    let schemas = r#"
    Place: { type: object, required: [id], properties: { id: { type: string }, zipCode: { type: string } } }
    Seen: { type: object, required: [id], properties: { id: { type: string }, zipCode: { type: string } } }
    Empty: { type: object, properties: { note: { type: string } } }
    Shape: { anyOf: [ { $ref: '#/components/schemas/Seen' }, { type: string } ] }
    Small: { anyOf: [ { type: integer }, { type: string } ] }"#;
    lower(paths, schemas)
}

/// The emitted `types.rs`, as `quote` spells tokens.
fn types_text(api: &Api) -> String {
    let derives = crate::tailor::ExtraDerives::new();
    let plan = Plan::new(api, &derives, Features::Off, Decoder::Runtime, Encoder::All);
    types::types_rs(&plan.cx(), 0..types::parts(api)).to_string()
}

/// The text of the item named `name`, from its `#[derive]` to the next item's.
fn item<'a>(text: &'a str, name: &str) -> &'a str {
    let at = text
        .find(&format!("pub struct {name} "))
        .or_else(|| text.find(&format!("pub enum {name} ")))
        .unwrap_or_else(|| panic!("no item {name} in {text}"));
    let start = text[..at].rfind("# [derive").unwrap_or(at);
    let after = at + 4;
    let next = ["pub struct ", "pub enum "]
        .iter()
        .filter_map(|k| text[after..].find(k).map(|i| after + i))
        .min()
        .unwrap_or(text.len());
    let end = text[..next]
        .rfind("# [derive")
        .filter(|&end| end > at)
        .unwrap_or(next);
    &text[start..end]
}

#[test]
fn a_type_only_received_gets_no_setters_default_or_empty_validate() {
    let api = api();
    let text = types_text(&api);
    let seen = item(&text, "Seen");
    assert!(!seen.contains("Default"), "{seen}");
    assert!(!seen.contains("fn zip_code"), "{seen}");
    assert!(!seen.contains("Validate for Seen"), "{seen}");
    // Its required field still makes a constructor, to build answers in tests.
    assert!(seen.contains("pub fn new"), "{seen}");
    // Nothing required: no constructor at all (an empty one would be `Default`).
    // Nor `Default`, except with the `mock` feature, to build answers in tests.
    let empty = item(&text, "Empty");
    assert!(!empty.contains("fn new"), "{empty}");
    let without_mock = empty.replace(r#"# [cfg_attr (feature = "mock" , derive (Default))]"#, "");
    assert!(!without_mock.contains("Default"), "{empty}");
    assert!(empty.contains("cfg_attr (feature"), "{empty}");
}

#[test]
fn a_type_that_is_sent_keeps_its_setters_named_after_the_field() {
    let text = types_text(&api());
    let place = item(&text, "Place");
    assert!(place.contains("pub fn zip_code"), "{place}");
    assert!(place.contains("\" Sets `zip_code`.\""), "{place}");
    assert!(!place.contains("zipCode`."), "{place}");
    assert!(place.contains("Validate for Place"), "{place}");
}

#[test]
fn only_an_enum_holding_a_struct_by_value_allows_a_large_variant() {
    let api = api();
    let text = types_text(&api);
    assert!(item(&text, "Shape").contains("large_enum_variant"));
    assert!(!item(&text, "Small").contains("large_enum_variant"));
    let derives = crate::tailor::ExtraDerives::new();
    let plan = Plan::new(
        &api,
        &derives,
        Features::Off,
        Decoder::Runtime,
        Encoder::All,
    );
    let cx = plan.cx();
    let id = |name: &str| {
        let index = api.types.iter().position(|t| t.rust_name == name).unwrap();
        TypeRef::Named(crate::ir::TypeId(index))
    };
    assert!(cx.large(&id("Seen"), Boxing::Inline));
    assert!(!cx.large(&id("Seen"), Boxing::Boxed));
    assert!(cx.large(&TypeRef::Nullable(Box::new(id("Seen"))), Boxing::Inline));
    assert!(!cx.large(&TypeRef::Array(Box::new(id("Seen"))), Boxing::Inline));
    assert!(!cx.large(&TypeRef::Scalar(crate::ir::Scalar::String), Boxing::Inline));
}

/// The emitted `types.rs` with `Serialize` where `encoder` says.
fn types_text_with(api: &Api, encoder: super::Encoder) -> String {
    let derives = crate::tailor::ExtraDerives::new();
    let plan = Plan::new(api, &derives, Features::Off, Decoder::Runtime, encoder);
    types::types_rs(&plan.cx(), 0..types::parts(api)).to_string()
}

#[test]
fn only_what_is_sent_is_serialize_unless_all_are_asked_for() {
    let api = api();
    let sent = types_text_with(&api, super::Encoder::Sent);
    let place = item(&sent, "Place");
    assert!(
        place.contains("impl serde :: Serialize for Place"),
        "{place}"
    );
    // An optional field is left out when `None` (`encode.rs`), as the derive's
    // `skip_serializing_if` did.
    assert!(place.contains("object . optional ("), "{place}");
    for name in ["Seen", "Empty", "Shape", "Small"] {
        let received = item(&sent, name);
        // `Serialize` only with the `mock` feature (for the typed mock server's answers).
        assert!(!received.contains("serde :: Serialize ,"), "{received}");
        assert!(
            !received.contains("Serialize") || received.contains("feature = \"mock\""),
            "{received}"
        );
        // No `#[serde]` attribute is left without a derive to read it.
        assert!(!received.contains("# [serde"), "{received}");
    }
    let all = types_text_with(&api, super::Encoder::All);
    for name in ["Place", "Seen", "Empty", "Shape", "Small"] {
        assert!(item(&all, name).contains("serde :: Serialize"), "{name}");
    }
}

/// What a sent type holds is `Serialize` too, whatever its own direction says.
#[test]
fn what_a_sent_type_holds_is_serialize() {
    let paths = r#"
  /orders:
    post:
      operationId: createOrder
      requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
      responses: { '204': { description: done } }"#;
    let schemas = r#"
    Order: { type: object, properties: { line: { $ref: '#/components/schemas/Line' }, kind: { type: string, enum: [a, b] } } }
    Line: { type: object, properties: { note: { type: string } } }"#;
    let api = lower(paths, schemas);
    let sent = types_text_with(&api, super::Encoder::Sent);
    assert!(item(&sent, "Line").contains("serde :: Serialize"), "{sent}");
    assert!(
        sent.contains("impl serde :: Serialize for OrderKind"),
        "{sent}"
    );
}
