//! Local damage: `fixtures/partly_broken.yaml` generates by default (its snapshot shows the
//! warnings and the code; `build.rs` compiles it), and `strict` turns each problem back into
//! an error at the same place.

use oagen::{Document, DocumentSettings, Generator, Settings, Severity};

fn document() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/partly_broken.yaml"
    ))
    .expect("the fixture is readable")
}

/// The places of the problems inside items (not those of the items left out because they
/// use one).
const PROBLEMS: &[&str] = &[
    "#/components/schemas/Item/properties/sku/$ref",
    "#/components/schemas/Animal/properties/legs/type",
    "#/components/schemas/Shape/discriminator/mapping/ghost/$ref",
    "#/paths/~1pets~1{petId}/get/parameters/1/in",
    "#/paths/~1owners~1{ownerId}/get",
    "#/paths/~1dangling/$ref",
];

#[test]
fn by_default_each_broken_item_is_left_out_with_one_warning() {
    let bytes = document();
    let lowered = Generator::default()
        .lower(Document::bytes(&bytes))
        .expect("generates");
    let api = lowered.api;
    let diags: Vec<_> = lowered
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .collect();
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    for place in PROBLEMS {
        assert_eq!(
            diags.iter().filter(|d| d.pointer() == *place).count(),
            1,
            "one warning at {place}"
        );
    }
    // Each dependent: one warning at its own place.
    for place in [
        "#/components/schemas/Store",
        "#/paths/~1stores/get",
        "#/paths/~1orders/post",
    ] {
        assert_eq!(
            diags.iter().filter(|d| d.pointer() == place).count(),
            1,
            "{place}"
        );
    }
    let operations: Vec<&str> = api
        .operations
        .iter()
        .map(|o| o.rust_name.as_str())
        .collect();
    assert_eq!(operations, ["list_pets"]);
    let types: Vec<&str> = api.types.iter().map(|t| t.rust_name.as_str()).collect();
    assert_eq!(types, ["Pet"]);
}

#[test]
fn strict_makes_each_problem_an_error_again() {
    let strict = Generator::new(Settings {
        document: DocumentSettings {
            strict: true,
            ..DocumentSettings::default()
        },
        ..Settings::default()
    });
    let bytes = document();
    let failure = strict.lower(Document::bytes(&bytes)).expect_err("refused");
    assert_eq!(failure.exit_code(), 1);
    for place in PROBLEMS {
        assert!(
            failure
                .diagnostics()
                .iter()
                .any(|d| d.severity == Severity::Error && d.pointer() == *place),
            "an error at {place}:\n{failure}"
        );
    }
}
