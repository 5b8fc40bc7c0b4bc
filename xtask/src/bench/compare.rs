//! `--compare`: our generator and `cargo-progenitor` side by side, each as a process; and
//! the comparison tools, found on `PATH`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Options, Samples, file_name, matches_filter, ms, ratio, run_timed};

/// A comparison tool's executable: the environment variable, else the first match on `PATH`.
fn find_tool(env: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

pub(super) fn progenitor() -> Option<PathBuf> {
    find_tool("OAGEN_BENCH_PROGENITOR", "cargo-progenitor")
}

pub(super) fn openapi_generator() -> Option<PathBuf> {
    find_tool("OAGEN_BENCH_OPENAPI_GENERATOR", "openapi-generator-cli")
}

pub(super) fn bench_dir() -> PathBuf {
    crate::workspace_root().join("target/bench")
}

/// The crate generated for a document: the name `cargo xtask corpus` gives it.
pub(super) use crate::corpus::crate_name_of as crate_name_for;

/// `cargo xtask generate` of a document; `deserialize` is passed on (`--deserialize`).
pub(super) fn ours_command(
    spec: &Path,
    out: &Path,
    deserialize: Option<&str>,
) -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command
        .arg("generate")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", &crate_name_for(spec)]);
    if let Some(how) = deserialize {
        command.args(["--deserialize", how]);
    }
    Ok(command)
}

pub(super) fn progenitor_command(tool: &Path, spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(tool);
    command
        .arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(["-n", &crate_name_for(spec), "-v", "0.1.0"]);
    command
}

pub(super) fn openapi_generator_command(tool: &Path, spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(tool);
    if std::env::var_os("JAVA_OPTS").is_none() {
        // Its YAML parser refuses documents over 3 MB (Stripe's is 4 MB) unless told otherwise.
        command.env("JAVA_OPTS", "-DmaxYamlCodePoints=100000000");
    }
    command
        .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        // The document's `info.version` (Stripe's is a date) is not always a valid crate version.
        .arg(format!(
            "--additional-properties=packageName={},packageVersion=0.1.0",
            crate_name_for(spec)
        ));
    command
}

/// A warm-up, then `runs` runs of a generator command into a fresh directory each time.
fn time_generator(
    runs: usize,
    out: &Path,
    mut make: impl FnMut(&Path) -> Result<Command, String>,
) -> Result<Samples, String> {
    let mut samples = Samples::default();
    for run in 0..=runs {
        let _ = std::fs::remove_dir_all(out);
        let mut command = make(out)?;
        let elapsed = run_timed(&mut command)?;
        if run > 0 {
            samples.push(elapsed);
        }
    }
    Ok(samples)
}

pub(super) fn compare(options: &Options) -> bool {
    let Some(tool) = progenitor() else {
        println!(
            "## Side by side with progenitor\n\nskipped: `cargo-progenitor` is not installed (`cargo install cargo-progenitor`, then put it on PATH or set OAGEN_BENCH_PROGENITOR)\n"
        );
        return true;
    };
    let runs = options.runs.min(3);
    let mut documents = vec![crate::workspace_root().join("spec/openapi.yaml")];
    match crate::corpus::documents(&crate::corpus::default_dir(), None) {
        Ok(found) => documents.extend(found),
        Err(err) => println!("corpus: {err}"),
    }
    documents.retain(|path| matches_filter(path, options.filter.as_deref()));
    let dir = bench_dir().join("compare");
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| document | size | oagen wall ms (min–max) | oagen CPU ms | progenitor wall ms (min–max) | progenitor CPU ms | progenitor / oagen (wall, CPU) |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---:|---:|---:|");
    for spec in &documents {
        let name = file_name(spec);
        eprintln!("bench: compare {name}...");
        let size = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
        let ours = time_generator(runs, &dir.join("oagen").join(crate_name_for(spec)), |out| {
            ours_command(spec, out, options.deserialize.as_deref())
        });
        let theirs = time_generator(
            runs,
            &dir.join("progenitor").join(crate_name_for(spec)),
            |out| Ok(progenitor_command(&tool, spec, out)),
        );
        let cell = |r: &Result<Samples, String>| match r {
            Ok(s) => format!("{} | {}", s.cell(), ms(s.cpu())),
            Err(e) => format!("fails ({}) | -", e.replace('|', "/")),
        };
        let speedup = match (&ours, &theirs) {
            (Ok(o), Ok(t)) => format!(
                "{}, {}",
                ratio(t.median(), o.median()),
                ratio(t.cpu(), o.cpu())
            ),
            _ => "-".to_owned(),
        };
        let _ = writeln!(
            table,
            "| {name} | {:.0} KB | {} | {} | {speedup} |",
            size as f64 / 1024.0,
            cell(&ours),
            cell(&theirs)
        );
    }
    println!(
        "## Side by side with progenitor (each a process: read, generate, write; {runs} runs after a warm-up)\n\n{table}"
    );
    true
}
