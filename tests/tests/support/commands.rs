//! Running the real `cargo` and `oagen` commands from the tests that build a user's crates
//! outside this workspace (`adopt.rs`, `first_hour.rs`).

use std::path::Path;
use std::process::{Command, Output};

/// Runs a command, returning its output; panics with both streams if it succeeds or fails
/// unlike `expect_success`.
pub fn run(command: &mut Command, expect_success: bool) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("cannot run {command:?}: {err}"));
    if output.status.success() != expect_success {
        panic!(
            "{command:?} exited with {}\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

/// `cargo` in `dir`, building into `target`, without the caller's `RUSTFLAGS`.
pub fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env("CARGO_TERM_COLOR", "never");
    command
}
