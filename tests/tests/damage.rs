//! Local damage: `fixtures/partly_broken.yaml` generates by default (its snapshot shows the
//! warnings and the code; `build.rs` compiles it), and `strict` turns each problem back into
//! an error at the same place.

use oagen::{Options, Severity};

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
    let (api, diags) = oagen::lower_document(&document()).expect("generates");
    let diags: Vec<_> = diags.iter().collect();
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    for place in PROBLEMS {
        assert_eq!(
            diags.iter().filter(|d| d.pointer == *place).count(),
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
            diags.iter().filter(|d| d.pointer == place).count(),
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
    let options = Options {
        strict: true,
        ..Options::default()
    };
    let failure = oagen::lower_document_with(&document(), &options).expect_err("refused");
    for place in PROBLEMS {
        assert!(
            failure
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error && d.pointer == *place),
            "an error at {place}:\n{}",
            failure.render("partly_broken.yaml")
        );
    }
}
