//! `cargo xtask corpus [--filter NAME] [--dir DIR]`: generate a standalone crate for every
//! document of the corpus (`../shared/specs` by default), `cargo check` each one (all sharing
//! one target directory), and print a table. Fails if any document makes the generator panic,
//! or if any generated crate has a compile error or warning. With `--examples`, every example
//! of every document round-trips through its type instead (`examples.rs`); with
//! `--pagination`, list operations and `paginate()` are counted instead (`pagination.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use oagen::{Document, Generator, Settings};

pub mod conformance;
pub mod examples;
pub mod pagination;

/// How generating one document went.
#[derive(Debug)]
pub enum Generated {
    /// Generated, with this many warnings.
    Ok { warnings: usize },
    /// The generator reported errors (located diagnostics), and wrote nothing.
    Diagnostics { errors: usize },
    /// The generator panicked: always a bug.
    Panic(String),
}

/// How `cargo check` of the generated crate went.
#[derive(Debug)]
pub enum Checked {
    Ok,
    Failed { errors: usize, warnings: usize },
    NotRun,
}

#[derive(Debug)]
pub struct Row {
    pub document: String,
    pub version: String,
    pub operations: usize,
    pub types: usize,
    pub generated: Generated,
    pub generate_time: Duration,
    pub checked: Checked,
    pub check_time: Duration,
    pub lines: usize,
}

impl Row {
    pub fn failed(&self) -> bool {
        matches!(self.generated, Generated::Panic(_))
            || matches!(self.checked, Checked::Failed { .. })
    }
}

pub fn default_dir() -> PathBuf {
    crate::workspace_root().join("../shared/specs")
}

/// The Swagger 2.0 documents, read by `corpus` beside [`default_dir`]'s when no `--dir` is
/// given.
pub fn swagger2_dir() -> PathBuf {
    crate::workspace_root().join("../shared/specs-v2")
}

/// File names that make a folder of the corpus one document spread over several files.
const ROOT_NAMES: &[&str] = &[
    "openapi.yaml",
    "openapi.json",
    "swagger.yaml",
    "swagger.json",
    "spec/openapi.yaml",
    "spec/swagger.yaml",
];

/// Every `.yaml`, `.yml` and `.json` document under `dir` whose name contains `filter`,
/// sorted by name.
pub fn documents(dir: &Path, filter: Option<&str>) -> std::io::Result<Vec<PathBuf>> {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            filter.is_none_or(|f| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(f))
            })
        })
        .filter_map(|path| {
            if path.is_dir() {
                // A document spread over several files: its root.
                return ROOT_NAMES
                    .iter()
                    .map(|name| path.join(name))
                    .find(|root| root.is_file());
            }
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
            .then_some(path)
        })
        .collect();
    documents.sort();
    Ok(documents)
}

/// The crate generated for a document: its file name in kebab case (the folder's for the
/// root of a document spread over several files).
pub fn crate_name_of(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem == "openapi" || stem == "swagger" {
        if let Some(folder) = path
            .ancestors()
            .skip(1)
            .filter_map(Path::file_name)
            .find(|name| *name != "spec")
        {
            return kebab(&folder.to_string_lossy());
        }
    }
    kebab(&stem)
}

/// A file stem as a crate name: lowercase ASCII words joined by `-` (`api` when none).
pub fn kebab(stem: &str) -> String {
    let mut name = String::new();
    for word in stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !name.is_empty() {
            name.push('-');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
        name.truncate(name.trim_end_matches('-').len());
    }
    name
}

/// Generates and checks one document.
pub fn run_one(path: &Path, scratch: &Path, target_dir: &Path) -> Row {
    let document = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let crate_name = crate_name_of(path);
    let out = scratch.join(&crate_name);
    let mut row = Row {
        document,
        version: String::from("?"),
        operations: 0,
        types: 0,
        generated: Generated::Ok { warnings: 0 },
        generate_time: Duration::ZERO,
        checked: Checked::NotRun,
        check_time: Duration::ZERO,
        lines: 0,
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            row.generated = Generated::Panic(format!("cannot read: {err}"));
            return row;
        }
    };
    let generator = Generator::new(Settings {
        package: oagen::Package {
            name: Some(crate_name),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Path(crate::workspace_root().join("runtime")),
        command: Some("cargo xtask corpus".to_owned()),
        // The corpus is local test data: a document spread over several folders may refer
        // to a sibling of its root's.
        document: oagen::DocumentSettings {
            allow_outside_root: true,
            ..oagen::DocumentSettings::default()
        },
        ..Settings::default()
    });
    let document = Document::File(path);
    let result = std::panic::catch_unwind(|| {
        let started = Instant::now();
        let output = generator.generate(document);
        (output, started.elapsed())
    });
    row.version = version_of(&bytes);
    let output = match result {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            row.generated = Generated::Panic(message);
            return row;
        }
        Ok((Err(failure), elapsed)) => {
            row.generate_time = elapsed;
            let _ = std::fs::create_dir_all(&out);
            let _ = std::fs::write(out.join("generate.log"), failure.to_string());
            let errors = failure
                .diagnostics()
                .iter()
                .filter(|d| d.severity == oagen::Severity::Error)
                .count();
            row.generated = Generated::Diagnostics { errors };
            return row;
        }
        Ok((Ok(output), elapsed)) => {
            row.generate_time = elapsed;
            row.operations = output.operations;
            row.types = output.types;
            row.generated = Generated::Ok {
                warnings: output.warnings().count(),
            };
            output
        }
    };
    row.lines = output
        .files
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    let _ = std::fs::create_dir_all(&out);
    let log: Vec<String> = output.warnings().map(ToString::to_string).collect();
    let _ = std::fs::write(out.join("generate.log"), log.join("\n"));
    if let Err(err) = crate::write_files(&out, &output.files) {
        row.checked = Checked::Failed {
            errors: 1,
            warnings: 0,
        };
        eprintln!("{}: {err}", row.document);
        return row;
    }

    let started = Instant::now();
    let checked = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target_dir)
        .output();
    row.check_time = started.elapsed();
    row.checked = match checked {
        Ok(result) => {
            let text = String::from_utf8_lossy(&result.stderr);
            let errors = text
                .lines()
                .filter(|l| l.contains("error[") || l.contains(": error:"))
                .count();
            let warnings = text.lines().filter(|l| l.contains(": warning:")).count();
            if result.status.success() && errors == 0 && warnings == 0 {
                Checked::Ok
            } else {
                let log = out.join("check.log");
                let _ = std::fs::write(&log, text.as_bytes());
                Checked::Failed {
                    errors: errors.max(usize::from(!result.status.success())),
                    warnings,
                }
            }
        }
        Err(err) => {
            eprintln!("{}: cannot run cargo: {err}", row.document);
            Checked::Failed {
                errors: 1,
                warnings: 0,
            }
        }
    };
    row
}

/// The `openapi` (or `swagger`) version string, read leniently for the table.
fn version_of(bytes: &[u8]) -> String {
    serde_yaml::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|root| {
            root.get("openapi")
                .or_else(|| root.get("swagger"))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "?".to_owned())
}

pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| document | openapi | ops | types | generate | gen time | lines | cargo check | check time |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---|---:|---:|---|---:|");
    for row in rows {
        let generated = match &row.generated {
            Generated::Ok { warnings: 0 } => "ok".to_owned(),
            Generated::Ok { warnings } => format!("ok ({warnings} warnings)"),
            Generated::Diagnostics { errors } => format!("{errors} located errors"),
            Generated::Panic(message) => format!("PANIC: {message}"),
        };
        let checked = match &row.checked {
            Checked::Ok => "ok (0 errors, 0 warnings)".to_owned(),
            Checked::Failed { errors, warnings } => {
                format!("FAILED ({errors} errors, {warnings} warnings)")
            }
            Checked::NotRun => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.2}s | {} | {} | {:.1}s |",
            row.document,
            row.version,
            row.operations,
            row.types,
            generated,
            row.generate_time.as_secs_f64(),
            row.lines,
            checked,
            row.check_time.as_secs_f64()
        );
    }
    out
}
