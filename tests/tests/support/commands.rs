//! Running the real `cargo` and `oagen` commands from the tests that build crates outside
//! this workspace (`adopt.rs`, `first_hour.rs`, `diff_compiles.rs`, `features.rs`).
//!
//! All of them build into one target folder, [`target`], with the same flags and profile, so
//! that the dependencies they have in common (reqwest, tokio, rustls, serde, wiremock, syn) are
//! compiled once per test run, not once per test.

// Each test uses part of this.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
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

/// The target folder of every build outside this workspace: `target/outside` of the
/// workspace at `root`, kept between runs, so that only what changed is rebuilt.
pub fn target(root: &Path) -> PathBuf {
    root.join("target/outside")
}

/// `cargo` in `dir`, building into `target`. The same flags for every caller, whatever the
/// caller's environment, so that the dependencies' builds are shared: `RUSTFLAGS` denies
/// warnings (of the crates under test: dependencies' lints are capped), and no debug
/// information (nothing here is debugged; the code is the same).
pub fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_TERM_COLOR", "never");
    command
}
