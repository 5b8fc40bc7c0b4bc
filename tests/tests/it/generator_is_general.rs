//! The generator knows OpenAPI, not any particular API: everything specific to Zenskar lives
//! in `spec/`. This test fails if the generator's or runtime's sources name the API or
//! anything from its description.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir)
        .expect("readable source directory")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn generator_and_runtime_name_nothing_from_the_spec() {
    let root = xtask::workspace_root();
    let mut files = Vec::new();
    for dir in ["generator", "runtime"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {} files", files.len());
    let words = ["zenskar", "customer", "organisation", "acme"];
    for file in files {
        let text = fs::read_to_string(&file)
            .expect("readable source")
            .to_lowercase();
        for word in words {
            assert!(!text.contains(word), "{} mentions `{word}`", file.display());
        }
    }
}

#[test]
fn generate_writes_a_standalone_crate_through_the_codegen_path() {
    let root = xtask::workspace_root();
    let out = root.join("target/tmp/generate-standalone");
    let _ = fs::remove_dir_all(&out);
    let spec = root.join("tests/fixtures/default_error_only.yaml");
    let job = xtask::generate_task(&spec, &out, Some("petstore-style".to_owned()));
    match job.run(xtask::Mode::Write) {
        Ok(xtask::Outcome::Written {
            crate_name, files, ..
        }) => {
            assert_eq!(crate_name, "petstore-style");
            assert_eq!(
                files.len(),
                7,
                "Cargo.toml, README.md and five source files (mock.rs with them): {files:?}"
            );
        }
        other => panic!("unexpected outcome: {other:?}"),
    }
    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml written");
    assert!(manifest.contains("name = \"petstore-style\""), "{manifest}");
    assert!(
        manifest.contains("\n[workspace]\n"),
        "a standalone crate has its own workspace: {manifest}"
    );
    // The runtime path in the manifest resolves to this repository's runtime crate.
    let runtime = manifest
        .lines()
        .find_map(|line| {
            line.strip_prefix("oagen-runtime = { path = \"")?
                .strip_suffix("\" }")
        })
        .expect("runtime dependency by path");
    assert!(
        out.join(runtime).join("Cargo.toml").is_file(),
        "{runtime} does not resolve"
    );
    // A second run changes nothing, and --check agrees.
    assert!(
        matches!(job.run(xtask::Mode::Write), Ok(xtask::Outcome::Written { files, .. }) if files.is_empty())
    );
    assert!(matches!(
        job.run(xtask::Mode::Check),
        Ok(xtask::Outcome::UpToDate { .. })
    ));
}

#[test]
fn readme_examples_are_the_compiled_examples() {
    let root = xtask::workspace_root();
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    for (name, first_line) in [
        ("quickstart.rs", "use zenskar"),
        ("production.rs", "use std::time"),
        ("streaming.rs", "use oagen_tests"),
        ("testing.rs", "use std::time"),
    ] {
        let example = fs::read_to_string(root.join("tests/examples").join(name)).expect(name);
        let code = &example[example
            .find(first_line)
            .expect("the example starts with its imports")..];
        assert!(
            readme.contains(&format!("```rust\n{code}```")),
            "README.md must have a Rust block that is tests/examples/{name} from `{first_line}`"
        );
    }
}

#[test]
fn small_corpus_documents_generate_and_compile() {
    // Compiling them is the build of this crate (see build.rs); here we check they were there.
    assert!(
        oagen_tests::CORPUS_FAILED.is_empty(),
        "rejected: {:#?}",
        oagen_tests::CORPUS_FAILED
    );
    if xtask::workspace_root().join("../shared/specs").is_dir() {
        assert!(
            oagen_tests::CORPUS_COMPILED.len() >= 10,
            "expected the petstore-sized corpus documents, compiled only {:?}",
            oagen_tests::CORPUS_COMPILED
        );
    }
}

#[test]
fn deeply_nested_documents_are_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let yaml = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx: {}{}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    for (name, document) in [("json", json), ("yaml", yaml)] {
        let failure = oagen::Generator::default()
            .generate(oagen::Document::Bytes {
                name,
                bytes: document.as_bytes(),
            })
            .expect_err("too deep to read");
        let text = failure.to_string();
        assert!(
            text.contains("recursion limit") || text.contains("nested more than 1000 levels deep"),
            "{name}: {text}"
        );
    }
}
