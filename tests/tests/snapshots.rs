//! Snapshots of every fixture under `fixtures/`: the IR (what `lower` decided) and the code
//! (what `emit` and `render` made of it), or, for documents the generator rejects, the
//! diagnostics. A change that moves the IR snapshot is in `lower`; one that moves only the
//! code snapshot is in `emit`. Each fixture is also generated twice, to check that output
//! is deterministic. (One `glob!` test only: insta's glob bookkeeping is shared between
//! tests running in parallel.)

use std::fs;

fn config(name: &str) -> oagen::Config {
    oagen::Config {
        crate_name: Some(name.replace('_', "-")),
        runtime: oagen::RuntimeDependency::Version("0.1".to_owned()),
        manifest: oagen::ManifestKind::Standalone,
        command: "cargo test -p oagen-tests".to_owned(),
        spec_name: format!("tests/fixtures/{name}.yaml"),
        // As `build.rs` compiles them, as modules without features; `resource_groups` shows
        // the feature per group (`tests/features.rs` builds it as a crate).
        features: if name == "resource_groups" {
            oagen::Features::PerGroup
        } else {
            oagen::Features::Off
        },
        ..Default::default()
    }
}

/// All generated files of a crate in one text, each under a line naming it. (The README is
/// left out: it is prose about the code; `generated/README.md` shows one.)
fn code(output: &oagen::Output) -> String {
    let mut text = String::new();
    for file in output.files.iter().filter(|f| f.path != "README.md") {
        text.push_str(&format!(
            "======== {} ========\n{}\n",
            file.path, file.contents
        ));
    }
    text
}

#[test]
fn fixtures() {
    insta::glob!("../fixtures", "*.yaml", |path: &std::path::Path| {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let bytes = fs::read(path).expect("fixture is readable");
        let config = config(&name);
        // `error_*` fixtures show what `strict` refuses; by default, damage inside one
        // schema or operation only leaves that item out (`partly_broken` shows it).
        let options = oagen::Options {
            strict: name.starts_with("error_"),
            ..oagen::Options::default()
        };
        match oagen::lower_document_with(&bytes, &options) {
            Ok((api, diags)) => {
                let warnings = oagen::render_diagnostics(&diags.into_sorted(), &config.spec_name);
                insta::assert_snapshot!("ir", format!("warnings:\n{warnings}\n\n{api:#?}"));
                let output = oagen::generate_with(&bytes, &config, &options)
                    .expect("a document that lowers also generates");
                insta::assert_snapshot!("code", code(&output));
            }
            Err(failure) => {
                assert!(
                    name.starts_with("error_"),
                    "{name} was expected to generate:\n{}",
                    failure.render(&config.spec_name)
                );
                insta::assert_snapshot!("diagnostics", failure.render(&config.spec_name));
            }
        }
        if name.starts_with("error_") {
            assert!(
                oagen::generate_with(&bytes, &config, &options).is_err(),
                "{name} was expected to be rejected"
            );
        }
    });
}
