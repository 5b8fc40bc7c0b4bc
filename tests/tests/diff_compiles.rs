//! The diff's Rust verdicts, proven by the compiler. For a sample of the fixture pairs
//! (`fixtures/diff/base.yaml` → `<change>.yaml`), OLD's crate and each NEW crate are
//! generated, and one small cargo project holds a module per pair that uses OLD's API in the
//! ordinary ways (calls with setters, reads fields, builds types with `new()`, matches enums).
//! Every module compiles against OLD; a pair judged minor must compile against NEW; a pair
//! judged major is shown to break (its module alone, against NEW, fails to compile).
//!
//! Builds share `target/outside` with `tests/adopt.rs`, run `--offline` with this
//! workspace's `Cargo.lock`, and only `cargo check`, so they cost little after the first.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use oagen::diff::{self, Level};

#[path = "support/commands.rs"]
mod commands;
use oagen::{Document, Generator, Package, Runtime, Settings, Workspace};

/// A pair, and the code using OLD's API (`api` is the crate under test).
struct Case {
    pair: &'static str,
    uses: &'static str,
}

const CASES: &[Case] = &[
    Case {
        pair: "added_optional_field",
        uses: r#"
pub fn uses(client: &api::Client) {
    let body = api::types::NewCustomer::new("Ada").email("ada@example.com");
    let name: &String = &body.name;
    let email: &Option<String> = &body.email;
    let _ = (name, email);
    let _call = client.create_customer(body);
}
"#,
    },
    Case {
        pair: "added_operation",
        uses: r#"
pub fn uses(client: &api::Client) {
    let _list = client.list_customers().limit(10).with_header("x-trace", "1");
    let _one = client.get_customer("c_1");
    let _gone = client.delete_customer("c_1");
    let _payments = client.list_payments();
}
"#,
    },
    Case {
        pair: "optional_parameter_added",
        uses: r#"
pub fn uses(client: &api::Client) {
    let _list = client.list_customers().limit(10);
}
"#,
    },
    Case {
        pair: "enum_variant_added",
        uses: r#"
pub fn uses(payment: &api::types::Payment) -> &'static str {
    // The ordinary match with a wildcard arm keeps compiling; this exhaustive one does not.
    let _ = match &payment.status {
        api::types::PaymentStatus::Paid => 1,
        _ => 0,
    };
    match &payment.status {
        api::types::PaymentStatus::Pending => "pending",
        api::types::PaymentStatus::Paid => "paid",
        api::types::PaymentStatus::Refunded => "refunded",
        api::types::PaymentStatus::Unknown(_) => "other",
    }
}
"#,
    },
    Case {
        pair: "enum_variant_removed",
        uses: r#"
pub fn uses(client: &api::Client) {
    let _list = client.list_payments().status(api::types::PaymentStatus::Refunded);
}
"#,
    },
    Case {
        pair: "added_required_request_field",
        uses: r#"
pub fn uses(client: &api::Client) {
    let _call = client.create_customer(api::types::NewCustomer::new("Ada"));
}
"#,
    },
    Case {
        pair: "field_became_nullable",
        uses: r#"
pub fn uses(payment: &api::types::Payment) -> i64 {
    let amount: i64 = payment.amount;
    amount + 1
}
"#,
    },
];

fn root() -> PathBuf {
    xtask::workspace_root()
}

fn generate(document: &Path, name: &str, out: &Path) {
    let settings = Settings {
        package: Package {
            name: Some(name.to_owned()),
            workspace: Workspace::Standalone,
            ..Package::default()
        },
        runtime: Runtime::Path(root().join("runtime")),
        ..Settings::default()
    };
    let output = Generator::new(settings)
        .generate(Document::File(document))
        .unwrap_or_else(|err| panic!("{} generates: {err}", document.display()));
    for file in &output.files {
        let path = out.join(&file.path);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("writable");
        fs::write(path, &file.contents).expect("writable");
    }
}

fn check(project: &Path, features: &[&str]) -> Output {
    let mut command = commands::cargo(project, &commands::target(&root()));
    command.args(["check", "--offline", "--quiet", "--lib"]);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    command.output().expect("cargo runs")
}

fn verdict(pair: &str) -> Level {
    let fixture = |name: &str| root().join(format!("tests/fixtures/diff/{name}.yaml"));
    let lower = |path: &Path| {
        Generator::new(Settings::default())
            .lower(Document::File(path))
            .expect("lowers")
            .api
    };
    let report = diff::compare(
        &lower(&fixture("base")),
        &lower(&fixture(pair)),
        &diff::Options::default(),
    );
    report.worst().expect("the pair changes something")
}

#[test]
fn minor_verdicts_compile_against_new_and_major_ones_do_not() {
    let dir = std::env::temp_dir().join(format!("oagen-diff-compiles-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let fixtures = root().join("tests/fixtures/diff");
    generate(
        &fixtures.join("base.yaml"),
        "shop-base",
        &dir.join("crates/base"),
    );
    let project = dir.join("project");
    let mut manifest = String::from(
        "[package]\nname = \"diff-check\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\nbase = { package = \"shop-base\", path = \"../crates/base\" }\n",
    );
    let mut features = String::from("\n[features]\nold = []\n");
    let mut lib = String::from("#![allow(dead_code)]\n");
    let verdicts: Vec<(&str, Level)> = CASES.iter().map(|c| (c.pair, verdict(c.pair))).collect();
    for (case, (_, level)) in CASES.iter().zip(&verdicts) {
        let pair = case.pair;
        generate(
            &fixtures.join(format!("{pair}.yaml")),
            &format!("shop-{}", pair.replace('_', "-")),
            &dir.join("crates").join(pair),
        );
        manifest.push_str(&format!(
            "{pair} = {{ package = \"shop-{}\", path = \"../crates/{pair}\" }}\n",
            pair.replace('_', "-")
        ));
        features.push_str(&format!("{pair} = []\n"));
        // Minor pairs are always compiled; a major pair's module only against OLD or alone.
        if *level == Level::Major {
            lib.push_str(&format!(
                "#[cfg(any(feature = \"old\", feature = \"{pair}\"))]\n"
            ));
        }
        lib.push_str(&format!("mod {pair};\n"));
        let module = format!(
            "#[cfg(feature = \"old\")]\nuse base as api;\n#[cfg(not(feature = \"old\"))]\nuse {pair} as api;\n{}",
            case.uses
        );
        fs::create_dir_all(project.join("src")).expect("writable");
        fs::write(project.join(format!("src/{pair}.rs")), module).expect("writable");
    }
    manifest.push_str(&features);
    fs::write(project.join("Cargo.toml"), manifest).expect("writable");
    fs::write(project.join("src/lib.rs"), lib).expect("writable");
    fs::copy(root().join("Cargo.lock"), project.join("Cargo.lock")).expect("lock file");

    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let old = check(&project, &["old"]);
    assert!(
        old.status.success(),
        "the uses of OLD's API compile against OLD:\n{}",
        stderr(&old)
    );
    let new = check(&project, &[]);
    assert!(
        new.status.success(),
        "a change judged minor broke code written against OLD:\n{}",
        stderr(&new)
    );
    for (pair, level) in &verdicts {
        if *level != Level::Major {
            continue;
        }
        let output = check(&project, &[pair]);
        assert!(
            !output.status.success(),
            "{pair}: judged major, but OLD's code compiles against NEW"
        );
        assert!(
            stderr(&output).contains(&format!("src/{pair}.rs")),
            "{pair}: {}",
            stderr(&output)
        );
    }
    let expected = [
        ("added_optional_field", Level::Minor),
        ("added_operation", Level::Minor),
        ("optional_parameter_added", Level::Minor),
        ("enum_variant_added", Level::Major),
        ("enum_variant_removed", Level::Major),
        ("added_required_request_field", Level::Major),
        ("field_became_nullable", Level::Major),
    ];
    assert_eq!(verdicts, expected);
    let _ = fs::remove_dir_all(&dir);
}
