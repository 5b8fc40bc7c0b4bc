//! Snapshots of every fixture under `fixtures/`: the IR (what `lower` decided) and the code
//! (what `emit` and `render` made of it), or, for documents the generator rejects, the
//! diagnostics. A change that moves the IR snapshot is in `lower`; one that moves only the
//! code snapshot is in `emit`. Each fixture is also generated twice, to check that output
//! is deterministic. (One `glob!` test only: insta's glob bookkeeping is shared between
//! tests running in parallel.)

use std::fs;

fn generator(name: &str) -> oagen::Generator {
    oagen::Generator::new(oagen::Settings {
        package: oagen::Package {
            name: Some(name.replace('_', "-")),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Version("0.1".to_owned()),
        command: Some("cargo test -p oagen-tests".to_owned()),
        // As `build.rs` compiles them, as modules without features; `resource_groups` shows
        // the feature per group (`tests/features.rs` builds it as a crate).
        features: oagen::FeatureSettings {
            enabled: name == "resource_groups",
            ..oagen::FeatureSettings::default()
        },
        // `error_*` fixtures show what `strict` refuses; by default, damage inside one
        // schema or operation only leaves that item out (`partly_broken` shows it).
        document: oagen::DocumentSettings {
            strict: name.starts_with("error_"),
            ..oagen::DocumentSettings::default()
        },
        ..oagen::Settings::default()
    })
}

fn text(diagnostics: &[&oagen::Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    lines.join("\n")
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
        let generator = generator(&name);
        let spec_name = format!("tests/fixtures/{name}.yaml");
        let document = oagen::Document::Bytes {
            name: &spec_name,
            bytes: &bytes,
        };
        match generator.lower(document) {
            Ok(oagen::Lowered {
                api, diagnostics, ..
            }) => {
                let warnings: Vec<_> = diagnostics
                    .iter()
                    .filter(|d| d.severity != oagen::Severity::Note)
                    .collect();
                let warnings = text(&warnings);
                insta::assert_snapshot!("ir", format!("warnings:\n{warnings}\n\n{api:#?}"));
                let output = generator
                    .generate(document)
                    .expect("a document that lowers also generates");
                insta::assert_snapshot!("code", code(&output));
            }
            Err(failure) => {
                assert!(
                    name.starts_with("error_"),
                    "{name} was expected to generate:\n{failure}"
                );
                assert_eq!(failure.exit_code(), 1, "{failure}");
                insta::assert_snapshot!("diagnostics", failure.to_string());
            }
        }
        if name.starts_with("error_") {
            assert!(
                generator.generate(document).is_err(),
                "{name} was expected to be rejected"
            );
        }
    });
}
