//! A Cargo feature per resource group: every combination a user can pick compiles without
//! warnings, and `oagen.toml` regroups.
//!
//! The build test generates real crates (the `resource_groups` and form fixtures, and every corpus
//! document under 1 MB with several groups) as members of one workspace under
//! `target/features/`, and checks each with no features, each feature alone, a few pairs,
//! and all (clippy, `-D warnings`, on the first and the last). Builds use `target/outside`
//! (kept between runs, and shared with `adopt.rs`: `support/commands.rs`), `--offline` and
//! this workspace's `Cargo.lock`, as `adopt.rs` does.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use oagen::{Document, Generator, Settings};

#[path = "../documents.rs"]
mod documents;

#[path = "support/commands.rs"]
mod commands;

fn root() -> PathBuf {
    xtask::workspace_root()
}

/// The corpus documents the build test covers: under 1 MB (each feature alone is one
/// `cargo check`).
const ALONE_MAX: u64 = 1024 * 1024;

fn generate(bytes: &[u8], settings: Settings) -> oagen::Output {
    Generator::new(settings)
        .generate(Document::bytes(bytes))
        .unwrap_or_else(|f| panic!("{f}"))
}

fn file<'a>(output: &'a oagen::Output, path: &str) -> &'a str {
    output
        .file(path)
        .unwrap_or_else(|| panic!("{path} is generated"))
}

fn fixture() -> Vec<u8> {
    fs::read(root().join("tests/fixtures/resource_groups.yaml")).expect("fixture")
}

fn with_config(text: &str) -> Result<oagen::Output, String> {
    let mut settings = Settings::parse(text, None).map_err(|e| e.to_string())?;
    settings.runtime = oagen::Runtime::Version("0.1".to_owned());
    let bytes = fixture();
    Generator::new(settings)
        .generate(Document::Bytes {
            name: "resource_groups.yaml",
            bytes: &bytes,
        })
        .map_err(|f| f.to_string())
}

#[test]
fn the_manifest_and_readme_list_the_features() {
    let output = with_config("").expect("generates");
    let manifest = file(&output, "Cargo.toml");
    assert!(
        manifest.contains(
            "[features]\n# One feature per resource group of the API (README.md lists them); all by default.\ndefault = [\"analytics\", \"customers\", \"invoices\"]\nanalytics = []\ncustomers = []\ninvoices = []\n# A typed mock of the API for your tests (the `mock` module); off by default.\nmock = [\"oagen-runtime/mock\"]\n"
        ),
        "{manifest}"
    );
    assert!(manifest.contains(
        "[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n"
    ));
    let readme = file(&output, "README.md");
    assert!(
        readme.contains("default-features = false, features = [\""),
        "{readme}"
    );
    assert!(
        readme.contains("| `customers` | 2 | tag `Customers`, tag `customers` |"),
        "{readme}"
    );
    assert!(
        readme.contains("| `invoices` | 2 | path segment `invoices` |"),
        "{readme}"
    );
    assert!(
        readme.contains("| `analytics` | 1 | `x-oaiMeta.group` `analytics` |"),
        "{readme}"
    );
    assert!(file(&output, "src/lib.rs").contains("#![cfg_attr(docsrs, feature(doc_cfg))]"));
}

/// The features table of a crate without a feature per group: `mock` alone.
const MOCK_FEATURE: &str = "\n[features]\n# A typed mock of the API for your tests (the `mock` module); off by default.\nmock = [\"oagen-runtime/mock\"]\n";

#[test]
fn a_single_group_or_features_off_emit_no_features() {
    let single = br#"
openapi: 3.1.0
info: {title: one, version: '1'}
paths:
  /v1/pets: {get: {tags: [pets], responses: {'204': {description: ok}}}}
  /v1/pets/{id}: {delete: {tags: [pets], parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {'204': {description: ok}}}}
"#;
    let output = generate(single, Settings::default());
    let off = with_config("[features]\nenabled = false\n").expect("generates");
    for output in [&output, &off] {
        for path in [
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "src/client.rs",
            "src/types.rs",
        ] {
            // The one feature every crate has: `mock`, off by default.
            let text = without_mock_attributes(
                &file(output, path)
                    .replace(MOCK_FEATURE, "")
                    .replace("#[cfg(feature = \"mock\")]", ""),
            );
            for word in ["[features]", "feature =", "## Features", "docsrs"] {
                assert!(!text.contains(word), "{path}:\n{text}");
            }
        }
    }
}

/// `text` without the `#[cfg_attr(feature = "mock", ..)]` attributes (a `Default` or a
/// `Serialize` that only the `mock` feature adds, and their serde attributes).
fn without_mock_attributes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg_attr(") {
        let end = rest[at..].find(")]").map(|e| at + e + 2);
        match end {
            Some(end) if rest[at..end].contains("feature = \"mock\"") => {
                out.push_str(&rest[..at]);
                rest = &rest[end..];
            }
            _ => {
                out.push_str(&rest[..at + 2]);
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_configuration_regroups() {
    let output = with_config(
        "[features]\ngroups = { billing = [\"invoices\", \"Customers\"], admin = [] }\noperations = { getReport = \"admin\", \"GET /v1/customers/{id}\" = \"analytics\" }\n",
    )
    .expect("generates");
    let manifest = file(&output, "Cargo.toml");
    assert!(
        manifest.contains("default = [\"admin\", \"analytics\", \"billing\"]"),
        "{manifest}"
    );
    let client = file(&output, "src/client.rs");
    let gate_of = |method: &str| {
        let at = client.find(&format!("pub fn {method}(")).expect("method");
        let before = &client[..at];
        let cfg = before.rfind("#[cfg(").expect("gated");
        before[cfg..].lines().next().unwrap_or_default().to_owned()
    };
    assert_eq!(gate_of("list_customers"), "#[cfg(feature = \"billing\")]");
    assert_eq!(gate_of("get_invoice"), "#[cfg(feature = \"billing\")]");
    assert_eq!(gate_of("get_customer"), "#[cfg(feature = \"analytics\")]");
    assert_eq!(gate_of("get_report"), "#[cfg(feature = \"admin\")]");
    // `Customer` is now reached by two groups (and only received: `Serialize` only for the
    // mock).
    let types = file(&output, "src/types.rs");
    let at = types.find("pub struct Customer {").expect("Customer");
    assert!(
        types[..at].ends_with(
            "#[cfg(any(feature = \"analytics\", feature = \"billing\"))]\n#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\n"
        ),
        "{}",
        &types[at.saturating_sub(300)..at]
    );
    let at = types
        .find("impl serde::Serialize for Customer {")
        .expect("Customer's Serialize");
    assert!(
        types[..at].ends_with(
            "#[cfg(any(feature = \"analytics\", feature = \"billing\"))]\n#[cfg(feature = \"mock\")]\n"
        ),
        "{}",
        &types[at.saturating_sub(300)..at]
    );
}

#[test]
fn regrouping_errors_name_their_key() {
    let err =
        with_config("[features]\ngroups = { billing = [\"invoicez\"] }\n").expect_err("unknown");
    assert!(
        err.contains(
            "`features.groups.billing` names `invoicez`, which is no group of the document"
        ),
        "{err}"
    );
    assert!(err.contains("analytics, customers, invoices"), "{err}");
    let err =
        with_config("[features]\noperations = { getReport = \"nowhere\" }\n").expect_err("unknown");
    assert!(
        err.contains("`features.operations.getReport` names the group `nowhere`"),
        "{err}"
    );
    let err = with_config("[features]\noperations = { getRepot = \"customers\" }\n")
        .expect_err("unknown");
    assert!(
        err.contains("`features.operations.getRepot` names no operation"),
        "{err}"
    );
    let err =
        with_config("[features]\ngroups = { Billing = [], default = [] }\n").expect_err("invalid");
    assert!(
        err.contains("`Billing` is not a group's feature name")
            && err.contains("--> oagen.toml:2:12 (`features.groups.Billing`)"),
        "{err}"
    );
    assert!(err.contains("(`features.groups.default`)"), "{err}");
    let err = with_config("[features]\nenable = false\n").expect_err("unknown key");
    assert!(err.contains("unknown field `enable`"), "{err}");
}

// Real builds.

fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = commands::cargo(dir, target);
    command.arg("--offline");
    command
}

/// One generated crate of the build test: its package name and features.
struct Crate {
    name: String,
    features: Vec<String>,
}

/// Generates `bytes` as a member `name` of the workspace in `ws`; `None` when it has fewer
/// than two groups (nothing to choose).
fn member(ws: &Path, name: &str, bytes: &[u8]) -> Option<Crate> {
    let api = Generator::default().lower(Document::bytes(bytes)).ok()?.api;
    if api.groups.len() < 2 {
        return None;
    }
    let dir = ws.join(name);
    let runtime = root().join("runtime");
    let settings = Settings {
        package: oagen::Package {
            name: Some(name.to_owned()),
            workspace: oagen::Workspace::Member,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Path(runtime),
        command: Some("cargo test -p oagen-tests --test features".to_owned()),
        ..Settings::default()
    };
    let output = Generator::new(settings)
        .generate(Document::bytes(bytes))
        .ok()?;
    for file in &output.files {
        let path = dir.join(&file.path);
        fs::create_dir_all(path.parent().expect("a folder")).expect("writable");
        // Unchanged files keep their times, so cargo rebuilds only what changed.
        if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            fs::write(&path, &file.contents).expect("writable");
        }
    }
    Some(Crate {
        name: name.to_owned(),
        features: api.groups.iter().map(|g| g.feature.clone()).collect(),
    })
}

/// One build of the test: a crate, `clippy` or `check`, and the features it turns on
/// (`None`: its default ones).
struct Build<'a> {
    name: &'a str,
    tool: &'static str,
    features: Option<Vec<&'a str>>,
}

impl Build<'_> {
    /// What the builds of one cargo run share: the tool, default features or not, and the
    /// `mock` feature (which turns on the runtime's: cargo unifies the dependencies' features
    /// over the packages of one run, so each build sees the dependencies it would alone).
    fn batch_key(&self) -> (&'static str, bool, bool) {
        let mock = self.features.as_ref().is_some_and(|f| f.contains(&"mock"));
        (self.tool, self.features.is_none(), mock)
    }
}

/// The builds of one crate: clippy with no features, the default ones, and the `mock`
/// module with every group and with none; `check` of each feature alone and of a few pairs.
fn builds<'a>(krate: &'a Crate) -> Vec<Build<'a>> {
    let name = krate.name.as_str();
    let features: Vec<&str> = krate.features.iter().map(String::as_str).collect();
    let build = |tool, features: Option<Vec<&'a str>>| Build {
        name,
        tool,
        features,
    };
    let mut all = features.clone();
    all.push("mock");
    let mut builds = vec![
        build("clippy", Some(vec![])),
        build("clippy", None),
        build("clippy", Some(all)),
        build("clippy", Some(vec!["mock"])),
    ];
    for feature in &features {
        builds.push(build("check", Some(vec![feature])));
    }
    // A few pairs: neighbours at both ends, and the first with the last.
    let last = features.len() - 1;
    let mut pairs = vec![vec![features[0], features[last]]];
    if features.len() > 2 {
        pairs.push(vec![features[0], features[1]]);
        pairs.push(vec![features[last - 1], features[last]]);
    }
    builds.extend(pairs.into_iter().map(|pair| build("check", Some(pair))));
    builds
}

/// The builds as few cargo runs: each run holds builds of one batch key and at most one
/// build per crate (a package is selected once per run), so cargo checks several crates at
/// once where one run per build would check one crate at a time.
fn batches(builds: Vec<Build<'_>>) -> Vec<Vec<Build<'_>>> {
    let mut batches: Vec<Vec<Build>> = Vec::new();
    for build in builds {
        let fits = |batch: &&mut Vec<Build>| {
            batch[0].batch_key() == build.batch_key() && batch.iter().all(|b| b.name != build.name)
        };
        match batches.iter_mut().find(fits) {
            Some(batch) => batch.push(build),
            None => batches.push(vec![build]),
        }
    }
    batches
}

#[test]
fn every_combination_of_features_compiles_without_warnings() {
    let started = Instant::now();
    let base = root().join("target/features");
    let ws = base.join("ws");
    let target = commands::target(&root());
    fs::create_dir_all(&ws).expect("writable");
    let mut crates = Vec::new();
    crates.extend(member(&ws, "fixture-resource-groups", &fixture()));
    // Form bodies at their edges once emitted a `let mut` never mutated: kept as a crate
    // checked with `-D warnings`. An enum or struct shared by several groups' types, and
    // what a shared struct holds, must exist with each of their features (`shared_enums`,
    // `shared_structs`).
    for name in [
        "form_edge_cases",
        "swagger2_form_duplicates",
        "shared_enums",
        "shared_structs",
    ] {
        let bytes = fs::read(root().join(format!("tests/fixtures/{name}.yaml"))).expect("fixture");
        crates.extend(member(
            &ws,
            &format!("fixture-{}", name.replace('_', "-")),
            &bytes,
        ));
    }
    let corpus = root().join("../shared/specs");
    for path in documents::documents(&corpus, ALONE_MAX) {
        let bytes = fs::read(&path).expect("readable");
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let name = format!("corpus-{}", xtask::corpus::kebab(&stem));
        crates.extend(member(&ws, &name, &bytes));
    }
    assert!(
        crates.len() >= 2,
        "the fixture and at least one corpus document have several groups"
    );
    let members: Vec<String> = crates.iter().map(|c| format!("{:?}", c.name)).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(ws.join("Cargo.toml"), manifest).expect("writable");
    fs::copy(root().join("Cargo.lock"), ws.join("Cargo.lock")).expect("lock file");

    let builds: Vec<Build> = crates.iter().flat_map(builds).collect();
    let runs = builds.len();
    let batches = batches(builds);
    let mut failures = Vec::new();
    for batch in &batches {
        let (tool, default, _) = batch[0].batch_key();
        let mut command = cargo(&ws, &target);
        // Every error of the batch, not the first crate's only.
        command.args([tool, "--keep-going"]);
        for build in batch {
            command.args(["-p", build.name]);
        }
        if !default {
            command.arg("--no-default-features");
            let features: Vec<String> = batch
                .iter()
                .flat_map(|b| {
                    b.features
                        .iter()
                        .flatten()
                        .map(|f| format!("{}/{f}", b.name))
                })
                .collect();
            if !features.is_empty() {
                command.args(["--features", &features.join(",")]);
            }
        }
        let output = command.output().expect("cargo runs");
        if !output.status.success() {
            let what: Vec<String> = batch
                .iter()
                .map(|b| format!("{} {:?}", b.name, b.features))
                .collect();
            failures.push(format!(
                "{tool} of {}:\n{}",
                what.join(", "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    eprintln!(
        "{} crates, {runs} builds in {} cargo runs, {:.0} s",
        crates.len(),
        batches.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
