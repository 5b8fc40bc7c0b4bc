//! The `oagen` command: its exit codes, and what it prints on stderr.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

fn oagen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oagen"))
        .args(args)
        .output()
        .expect("the oagen binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch folder that is a user's workspace of its own, so that what is generated
/// there does not depend on where the target folder is (CARGO_TARGET_DIR may point inside
/// this repository, whose workspace would then be around it, or anywhere else).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("writable");
    fs::write(dir.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\n").expect("writable");
    dir
}

const DOCUMENT: &str = "openapi: 3.0.3\ninfo: { title: Tiny, version: 1.0.0 }\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses: { '204': { description: pong } }\n";

#[test]
fn usage_errors_exit_with_2_and_help_with_0() {
    let output = oagen(&["generate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--out <DIR>"),
        "{}",
        stderr(&output)
    );
    assert_eq!(oagen(&["frobnicate"]).status.code(), Some(2));
    let help = oagen(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("generate") && text.contains("check"),
        "{text}"
    );
}

#[test]
fn generate_then_check_and_the_exit_codes_of_failures() {
    let dir = scratch("flow");
    let spec = dir.join("tiny.yaml");
    fs::write(&spec, DOCUMENT).expect("writable");
    let out = dir.join("tiny");
    let (spec, out) = (spec.to_str().expect("utf-8"), out.to_str().expect("utf-8"));

    let output = oagen(&["generate", spec, "--out", out]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("oagen: 0 types, 1 operation, 0 warnings"),
        "{text}"
    );
    assert!(text.contains("oagen: crate `tiny` in"), "{text}");
    // With a vendored runtime at the workspace's root, shared by every client generated
    // there; inside the workspace, so a member (no `[workspace]` table), with a note on
    // how to make it one.
    let manifest = fs::read_to_string(dir.join("tiny/Cargo.toml")).expect("written");
    assert!(
        manifest.contains("oagen-runtime = { path = \"../oagen-runtime\" }"),
        "{manifest}"
    );
    assert!(!manifest.contains("[workspace]"), "{manifest}");
    assert!(text.contains("is inside the workspace of"), "{text}");
    assert!(text.contains("to its `members`"), "{text}");
    assert!(dir.join("oagen-runtime/src/lib.rs").is_file());
    assert!(!dir.join("tiny/oagen-runtime").exists());

    let again = oagen(&["generate", spec, "--out", out, "--quiet"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).is_empty(), "{}", stderr(&again));
    assert_eq!(oagen(&["check", spec, "--out", out]).status.code(), Some(0));
    assert_eq!(
        oagen(&["generate", spec, "--out", out, "--check"])
            .status
            .code(),
        Some(0)
    );

    fs::write(dir.join("tiny/src/types.rs"), "// edited").expect("writable");
    let stale = oagen(&["check", spec, "--out", out]);
    assert_eq!(stale.status.code(), Some(3));
    assert!(
        stderr(&stale).contains("src/types.rs"),
        "{}",
        stderr(&stale)
    );
    assert!(
        stderr(&stale).contains(&format!("run `oagen generate {spec} --out {out}`")),
        "{}",
        stderr(&stale)
    );

    // A document with errors: 1, and nothing written.
    let broken = dir.join("broken.yaml");
    fs::write(&broken, "openapi: 2.0\n").expect("writable");
    let output = oagen(&["generate", broken.to_str().expect("utf-8"), "--out", out]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // An invalid configuration: 2, located.
    let config = dir.join("oagen.toml");
    fs::write(&config, "[package]\nnmae = \"x\"\n").expect("writable");
    let output = oagen(&[
        "generate",
        spec,
        "--out",
        out,
        "--config",
        config.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("oagen.toml:2:1"),
        "{}",
        stderr(&output)
    );
    // A missing document: 2.
    let output = oagen(&["generate", "/nonexistent/openapi.yaml", "--out", out]);
    assert_eq!(output.status.code(), Some(2));
}

/// `--explain` prints the notes of what was not generated where it might be expected, and
/// `--strict` turns a broken item (here a schema with a dangling reference, otherwise left
/// out with a warning) into an error: the two options wired from other issues into the
/// command.
#[test]
fn explain_prints_notes_and_strict_refuses_local_damage() {
    let dir = scratch("explain_strict");
    let spec = dir.join("openapi.yaml");
    fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: { title: Notes, version: 1.0.0 }\npaths:\n  /widgets:\n    get:\n      operationId: listWidgets\n      parameters:\n        - { name: page, in: query, schema: { type: integer } }\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { type: array, items: { type: string } }\ncomponents:\n  schemas:\n    Broken:\n      type: object\n      properties:\n        part: { $ref: '#/components/schemas/Missing' }\n",
    )
    .expect("writable");
    let out = dir.join("client");
    let (spec, out) = (spec.to_str().unwrap(), out.to_str().unwrap());

    let plain = oagen(&["generate", spec, "--out", out, "-q"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(
        !stderr(&plain).contains("looks paginated"),
        "{}",
        stderr(&plain)
    );
    assert!(
        stderr(&plain).contains("Broken"),
        "the damage is a warning: {}",
        stderr(&plain)
    );

    let explained = oagen(&["check", spec, "--out", out, "--explain", "-q"]);
    assert_eq!(explained.status.code(), Some(0), "{}", stderr(&explained));
    assert!(
        stderr(&explained).contains("#/paths/~1widgets/get")
            && stderr(&explained).contains("looks paginated"),
        "{}",
        stderr(&explained)
    );

    let strict = oagen(&["check", spec, "--out", out, "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("Missing"), "{}", stderr(&strict));
}
