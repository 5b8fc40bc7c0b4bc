//! What a run does to the output folder, and what it exits with: files the generator does not
//! produce are left alone; a file it would replace but did not write (no `@generated` in its
//! first line) makes the run refuse, writing nothing; a failed run (bad document, or a write
//! that fails halfway) changes nothing and leaves no temporary files; `--check` never writes;
//! exit codes tell invalid input, I/O failures and stale output apart.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::{Error, Mode, Outcome};

/// A fresh, empty folder under `target/tmp` for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = xtask::workspace_root().join("target/tmp/writes").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("target/tmp is writable");
    dir
}

fn fixture(name: &str) -> PathBuf {
    xtask::workspace_root().join("tests/fixtures").join(name)
}

/// Every file under `dir` with its contents, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let contents = fs::read(&path).expect("readable");
                files.push((path, contents));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn files_the_generator_does_not_produce_are_left_alone() {
    let out = scratch("unowned");
    fs::create_dir_all(out.join("src")).expect("writable");
    fs::write(out.join("NOTES.md"), "mine").expect("writable");
    fs::write(out.join("src/extra.rs"), "// mine").expect("writable");
    let job = xtask::generate_task(&fixture("parameters.yaml"), &out, None);
    let result = job.run(Mode::Write);
    assert_eq!(xtask::exit_code(&result), 0);
    assert_eq!(
        fs::read_to_string(out.join("NOTES.md")).expect("kept"),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(out.join("src/extra.rs")).expect("kept"),
        "// mine"
    );
    assert!(out.join("src/types.rs").is_file());
}

#[test]
fn an_invalid_document_writes_nothing() {
    let out = scratch("invalid");
    fs::write(out.join("Cargo.toml"), "# before").expect("writable");
    let before = snapshot(&out);
    // Structurally invalid: refused as a whole (a broken reference would only cost its item).
    let job = xtask::generate_task(&fixture("error_swagger_1_2.yaml"), &out, None);
    let result = job.run(Mode::Write);
    assert!(matches!(result, Err(Error::Document(_))), "{result:?}");
    assert_eq!(xtask::exit_code(&result), 1);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_write_that_fails_halfway_changes_nothing() {
    let out = scratch("halfway");
    let job = xtask::generate_task(&fixture("parameters.yaml"), &out, None);
    assert_eq!(xtask::exit_code(&job.run(Mode::Write)), 0);
    // Make the output stale (as earlier output: generated, then changed), and make one of the
    // files impossible to replace: a directory (with something in it) where `src/types.rs`
    // should be.
    fs::write(out.join("src/lib.rs"), "// @generated, stale").expect("writable");
    fs::write(out.join("src/operations.rs"), "// @generated, stale").expect("writable");
    fs::remove_file(out.join("src/types.rs")).expect("removable");
    fs::create_dir_all(out.join("src/types.rs/inside")).expect("writable");
    let before = snapshot(&out);

    let result = job.run(Mode::Write);
    assert!(matches!(result, Err(Error::Io { .. })), "{result:?}");
    assert_eq!(xtask::exit_code(&result), 2);
    // Nothing changed: the stale files are still stale, and no temporary file is left.
    assert_eq!(snapshot(&out), before);
}

#[test]
fn check_never_writes_and_names_what_is_stale() {
    let out = scratch("check");
    let job = xtask::generate_task(&fixture("parameters.yaml"), &out, None);
    let result = job.run(Mode::Check);
    let Ok(Outcome::Stale { files, .. }) = &result else {
        panic!("expected stale, got {result:?}")
    };
    assert_eq!(files.len(), 7, "every file is missing: {files:?}");
    assert_eq!(xtask::exit_code(&result), 3);
    assert!(snapshot(&out).is_empty(), "check mode wrote files");

    assert_eq!(xtask::exit_code(&job.run(Mode::Write)), 0);
    let result = job.run(Mode::Check);
    assert!(matches!(result, Ok(Outcome::UpToDate { .. })), "{result:?}");
    assert_eq!(xtask::exit_code(&result), 0);
    fs::write(out.join("src/client.rs"), "// edited by hand").expect("writable");
    let result = job.run(Mode::Check);
    let Ok(Outcome::Stale { files, .. }) = &result else {
        panic!("expected stale, got {result:?}")
    };
    assert_eq!(files.len(), 1);
    assert!(files[0].0.ends_with("src/client.rs"));
}

#[test]
fn a_missing_document_is_an_io_error_naming_the_file() {
    let out = scratch("missing");
    let job = xtask::generate_task(Path::new("/nonexistent/openapi.yaml"), &out, None);
    let result = job.run(Mode::Write);
    let Err(err @ Error::Io { path, .. }) = &result else {
        panic!("{result:?}")
    };
    assert_eq!(path, Path::new("/nonexistent/openapi.yaml"));
    assert!(
        err.to_string().contains("/nonexistent/openapi.yaml"),
        "{err}"
    );
    assert_eq!(xtask::exit_code(&result), 2);
}

#[test]
fn a_hundred_megabyte_document_is_refused_without_being_read() {
    let out = scratch("huge");
    // A sparse file: 100 MB on paper, nothing on disk, and never read.
    let huge = out.join("huge.yaml");
    let file = fs::File::create(&huge).expect("writable");
    file.set_len(100 * 1024 * 1024).expect("sparse file");
    let job = xtask::generate_task(&huge, &out.join("crate"), None);
    let result = job.run(Mode::Write);
    let Err(Error::Document(_)) = &result else {
        panic!("{result:?}")
    };
    let message = result.expect_err("refused").to_string();
    assert!(
        message.contains("the document is 100 MB, more than the 64 MB"),
        "{message}"
    );
    // The in-memory entry point refuses it too.
    let bytes = vec![b' '; 100 * 1024 * 1024];
    let failure = job
        .generator()
        .generate(oagen::Document::bytes(&bytes))
        .expect_err("too large");
    assert!(failure.to_string().contains("more than the 64 MB"));
}

/// A crate someone wrote by hand: its own manifest and library, and a file of notes.
fn hand_written_crate(out: &Path) {
    fs::create_dir_all(out.join("src")).expect("writable");
    fs::write(
        out.join("Cargo.toml"),
        "[package]\nname = \"mine\"\nversion = \"0.1.0\"\n",
    )
    .expect("writable");
    fs::write(out.join("src/lib.rs"), "pub fn mine() {}\n").expect("writable");
    fs::write(out.join("NOTES.md"), "mine").expect("writable");
}

#[test]
fn a_hand_written_crate_is_never_overwritten() {
    let out = scratch("hand_written");
    hand_written_crate(&out);
    let before = snapshot(&out);
    // `generate`'s job, and `codegen`'s settings pointed at the same folder: one path.
    let generate = xtask::generate_task(&fixture("parameters.yaml"), &out, None);
    let mut codegen = xtask::codegen_task().expect("the repository's configuration is valid");
    codegen.spec = fixture("parameters.yaml");
    codegen.out = out.clone();
    // spec/oagen.toml renames Zenskar's operations, which this fixture does not have.
    codegen.settings.rename = oagen::Renames::default();
    for job in [generate, codegen] {
        let result = job.run(Mode::Write);
        let Err(err @ Error::NotGenerated(_)) = &result else {
            panic!("expected a refusal, got {result:?}")
        };
        let message = err.to_string();
        assert_eq!(xtask::exit_code(&result), 2);
        assert!(message.contains("refusing to overwrite"), "{message}");
        for name in ["Cargo.toml", "src/lib.rs"] {
            assert!(
                message.contains(&out.join(name).display().to_string()),
                "{name} not named: {message}"
            );
        }
        // Nothing written: not the two files, nor the generated files beside them.
        assert_eq!(snapshot(&out), before);
    }
}

#[test]
fn one_foreign_file_among_generated_ones_stops_the_whole_run() {
    let out = scratch("one_foreign");
    let job = xtask::generate_task(&fixture("parameters.yaml"), &out, None);
    assert_eq!(xtask::exit_code(&job.run(Mode::Write)), 0);
    // Earlier output may be regenerated: a generated file that went stale is replaced.
    fs::write(out.join("src/client.rs"), "// @generated by hand, stale").expect("writable");
    assert_eq!(xtask::exit_code(&job.run(Mode::Write)), 0);
    assert_ne!(
        fs::read_to_string(out.join("src/client.rs")).expect("readable"),
        "// @generated by hand, stale"
    );
    // The mark must be in the first line, not somewhere below it.
    fs::write(out.join("src/client.rs"), "// stale").expect("writable");
    fs::write(
        out.join("src/types.rs"),
        "// mine\n// @generated is mentioned here, not in the first line\n",
    )
    .expect("writable");
    let before = snapshot(&out);
    let result = job.run(Mode::Write);
    let Err(err @ Error::NotGenerated(_)) = &result else {
        panic!("expected a refusal, got {result:?}")
    };
    let message = err.to_string();
    assert!(
        message.contains("src/client.rs") && message.contains("src/types.rs"),
        "{message}"
    );
    assert_eq!(snapshot(&out), before);
}
