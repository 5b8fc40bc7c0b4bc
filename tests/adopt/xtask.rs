//! A user's own `cargo xtask codegen [--check]`, as in the adoption test
//! (tests/tests/adopt.rs): the `oagen` library, the same path the `oagen` command takes.

use std::path::Path;
use std::process::ExitCode;

use oagen::{Generator, Mode, Outcome, Settings};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["codegen"] => Mode::Write,
        ["codegen", "--check"] => Mode::Check,
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return ExitCode::from(2);
        }
    };
    // The repository root: xtask/ is one of its members.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let result = Settings::read(&root.join("oagen.toml")).and_then(|settings| {
        Generator::new(settings).run(&root.join("api/openapi.yaml"), &root.join("client"), mode)
    });
    match &result {
        Ok(Outcome::Written { files, .. }) => eprintln!("{} files changed", files.len()),
        Ok(Outcome::UpToDate { .. }) => eprintln!("client/ is up to date"),
        Ok(Outcome::Stale { files, .. }) => {
            for (path, _) in files {
                eprintln!("stale: {}", path.display());
            }
        }
        Err(err) => eprintln!("{err}"),
    }
    ExitCode::from(oagen::exit_code(&result))
}
