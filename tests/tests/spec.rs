//! The repository's own document: its generated crate is committed in `generated/`, and is
//! snapshotted here too, so that a pull request that changes `spec/` or the generator shows
//! the change in the generated client as a reviewed diff.

use xtask::{Mode, Outcome};

#[test]
fn committed_client_matches_the_spec() {
    let job = xtask::codegen_job().unwrap_or_else(|err| panic!("{err}"));
    match xtask::run(&job, Mode::Check) {
        Ok(Outcome::UpToDate { .. }) => {}
        Ok(Outcome::Stale(files)) => panic!(
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
    let job = xtask::codegen_job().unwrap_or_else(|err| panic!("{err}"));
    let bytes = std::fs::read(&job.spec).expect("spec/openapi.yaml is readable");
    // The IR as emitted: lowered, then tailored by spec/oagen.toml.
    let (api, diags, _) = oagen::lower_and_tailor(&bytes, &job.config)
        .unwrap_or_else(|f| panic!("{}", f.render("spec/openapi.yaml")));
    assert!(
        diags.is_empty(),
        "the spec should produce no warnings:\n{}",
        oagen::render_diagnostics(&diags.into_sorted(), "spec/openapi.yaml")
    );
    insta::assert_snapshot!("spec_ir", format!("{api:#?}"));
    let output = oagen::generate(&bytes, &job.config)
        .unwrap_or_else(|f| panic!("{}", f.render("spec/openapi.yaml")));
    let mut text = String::new();
    for file in &output.files {
        text.push_str(&format!(
            "======== {} ========\n{}\n",
            file.path, file.contents
        ));
    }
    insta::assert_snapshot!("spec_code", text);
}
