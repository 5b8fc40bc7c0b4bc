//! The repository's own document: its generated crate is committed in `generated/`, and is
//! snapshotted here too, so that a pull request that changes `spec/` or the generator shows
//! the change in the generated client as a reviewed diff.

use xtask::{Mode, Outcome};

#[test]
fn committed_client_matches_the_spec() {
    let task = xtask::codegen_task().unwrap_or_else(|err| panic!("{err}"));
    match task.run(Mode::Check) {
        Ok(Outcome::UpToDate { .. }) => {}
        Ok(Outcome::Stale { files, .. }) => panic!(
            "generated/ is stale; run `cargo xtask codegen`. Stale files: {:?}",
            files
                .iter()
                .map(|(path, _)| path.display().to_string())
                .collect::<Vec<_>>()
        ),
        Ok(Outcome::Written { .. }) => unreachable!("check mode never writes"),
        Err(err) => panic!("{err}"),
    }
}

#[test]
fn spec_snapshots() {
    let task = xtask::codegen_task().unwrap_or_else(|err| panic!("{err}"));
    let bytes = std::fs::read(&task.spec).expect("spec/openapi.yaml is readable");
    // Named as `cargo xtask codegen` names it, relative to `generated/`.
    let document = oagen::Document::Bytes {
        name: "../spec/openapi.yaml",
        bytes: &bytes,
    };
    // The IR as emitted: lowered, then tailored by spec/oagen.toml.
    let generator = task.generator();
    let lowered = generator
        .lower(document)
        .unwrap_or_else(|err| panic!("{err}"));
    let warnings: Vec<String> = lowered
        .diagnostics
        .iter()
        .filter(|d| d.severity != oagen::Severity::Note)
        .map(ToString::to_string)
        .collect();
    assert!(
        warnings.is_empty(),
        "the spec should produce no warnings:\n{}",
        warnings.join("\n")
    );
    let api = lowered.api;
    insta::assert_snapshot!("spec_ir", format!("{api:#?}"));
    let output = generator
        .generate(document)
        .unwrap_or_else(|err| panic!("{err}"));
    let mut text = String::new();
    for file in &output.files {
        text.push_str(&format!(
            "======== {} ========\n{}\n",
            file.path, file.contents
        ));
    }
    insta::assert_snapshot!("spec_code", text);
}
