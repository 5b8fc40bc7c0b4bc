//! What a run does to the output folder, and what it exits with: files the generator does not
//! produce are left alone; a failed run (bad document, or a write that fails halfway) changes
//! nothing and leaves no temporary files; `--check` never writes; exit codes tell invalid
//! input, I/O failures and stale output apart.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::{Mode, Outcome, RunError};

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
    let job = xtask::generate_job(&fixture("parameters.yaml"), &out, None);
    let result = xtask::run(&job, Mode::Write);
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
    let job = xtask::generate_job(&fixture("error_missing_ref.yaml"), &out, None);
    let result = xtask::run(&job, Mode::Write);
    assert!(matches!(result, Err(RunError::Invalid(_))), "{result:?}");
    assert_eq!(xtask::exit_code(&result), 1);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_write_that_fails_halfway_changes_nothing() {
    let out = scratch("halfway");
    let job = xtask::generate_job(&fixture("parameters.yaml"), &out, None);
    assert_eq!(xtask::exit_code(&xtask::run(&job, Mode::Write)), 0);
    // Make the output stale, and make one of the files impossible to replace: a directory
    // (with something in it) where `src/types.rs` should be.
    fs::write(out.join("src/lib.rs"), "// stale").expect("writable");
    fs::write(out.join("src/operations.rs"), "// stale").expect("writable");
    fs::remove_file(out.join("src/types.rs")).expect("removable");
    fs::create_dir_all(out.join("src/types.rs/inside")).expect("writable");
    let before = snapshot(&out);

    let result = xtask::run(&job, Mode::Write);
    assert!(matches!(result, Err(RunError::Io(_))), "{result:?}");
    assert_eq!(xtask::exit_code(&result), 2);
    // Nothing changed: the stale files are still stale, and no temporary file is left.
    assert_eq!(snapshot(&out), before);
}

#[test]
fn check_never_writes_and_names_what_is_stale() {
    let out = scratch("check");
    let job = xtask::generate_job(&fixture("parameters.yaml"), &out, None);
    let result = xtask::run(&job, Mode::Check);
    let Ok(Outcome::Stale(files)) = &result else {
        panic!("expected stale, got {result:?}")
    };
    assert_eq!(files.len(), 6, "every file is missing: {files:?}");
    assert_eq!(xtask::exit_code(&result), 3);
    assert!(snapshot(&out).is_empty(), "check mode wrote files");

    assert_eq!(xtask::exit_code(&xtask::run(&job, Mode::Write)), 0);
    let result = xtask::run(&job, Mode::Check);
    assert!(matches!(result, Ok(Outcome::UpToDate { .. })), "{result:?}");
    assert_eq!(xtask::exit_code(&result), 0);
    fs::write(out.join("src/client.rs"), "// edited by hand").expect("writable");
    let result = xtask::run(&job, Mode::Check);
    let Ok(Outcome::Stale(files)) = &result else {
        panic!("expected stale, got {result:?}")
    };
    assert_eq!(files.len(), 1);
    assert!(files[0].0.ends_with("src/client.rs"));
}

#[test]
fn a_missing_document_is_an_io_error_naming_the_file() {
    let out = scratch("missing");
    let job = xtask::generate_job(Path::new("/nonexistent/openapi.yaml"), &out, None);
    let result = xtask::run(&job, Mode::Write);
    let Err(RunError::Io(message)) = &result else {
        panic!("{result:?}")
    };
    assert!(message.contains("/nonexistent/openapi.yaml"), "{message}");
    assert_eq!(xtask::exit_code(&result), 2);
}

#[test]
fn a_hundred_megabyte_document_is_refused_without_being_read() {
    let out = scratch("huge");
    // A sparse file: 100 MB on paper, nothing on disk, and never read.
    let huge = out.join("huge.yaml");
    let file = fs::File::create(&huge).expect("writable");
    file.set_len(100 * 1024 * 1024).expect("sparse file");
    let job = xtask::generate_job(&huge, &out.join("crate"), None);
    let result = xtask::run(&job, Mode::Write);
    let Err(RunError::Invalid(message)) = &result else {
        panic!("{result:?}")
    };
    assert!(
        message.contains("the document is 100 MB, more than the 64 MB"),
        "{message}"
    );
    // The in-memory entry point refuses it too.
    let bytes = vec![b' '; 100 * 1024 * 1024];
    let failure = oagen::generate(&bytes, &job.config).expect_err("too large");
    assert!(failure.render("huge").contains("more than the 64 MB"));
}
