//! The repository's tasks, as a library so that tests run exactly what the commands run.
//!
//! `codegen` and `generate` share one path ([`run`]); they differ only in their [`Job`]:
//! `codegen` is this repository's own job (`spec/openapi.yaml` → `generated/`, a member of
//! the workspace), `generate` writes a standalone crate for any document.

pub mod bench;
pub mod corpus;
pub mod synth;

use std::fmt;
use std::path::{Component, Path, PathBuf};

use oagen::write::Staleness;
use oagen::{Config, ManifestKind, RuntimeDependency};

/// The repository root (the directory holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// One generation: a document, an output directory and the generator's settings.
#[derive(Debug, Clone)]
pub struct Job {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub config: Config,
}

/// `spec/openapi.yaml` → `generated/`.
pub fn codegen_job() -> Job {
    let root = workspace_root();
    Job {
        spec: root.join("spec/openapi.yaml"),
        out: root.join("generated"),
        config: Config {
            crate_name: None,
            runtime: RuntimeDependency::Path("../runtime".to_owned()),
            manifest: ManifestKind::WorkspaceMember,
            command: "cargo xtask codegen".to_owned(),
            spec_name: "spec/openapi.yaml".to_owned(),
        },
    }
}

/// Any document → a standalone crate in `out`, using this repository's runtime crate.
pub fn generate_job(spec: &Path, out: &Path, crate_name: Option<String>) -> Job {
    let runtime = workspace_root().join("runtime");
    let out_abs = absolute(out);
    let runtime_path = relative_path(&out_abs, &absolute(&runtime)).unwrap_or(runtime);
    Job {
        spec: spec.to_path_buf(),
        out: out.to_path_buf(),
        config: Config {
            crate_name,
            runtime: RuntimeDependency::Path(runtime_path.to_string_lossy().replace('\\', "/")),
            manifest: ManifestKind::Standalone,
            command: format!(
                "cargo xtask generate {} --out {}",
                spec.display(),
                out.display()
            ),
            spec_name: spec.display().to_string(),
        },
    }
}

/// Whether to write the output or only compare it with what is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What a run did.
#[derive(Debug)]
pub enum Outcome {
    /// Files were written (only those that changed).
    Written {
        crate_name: String,
        files: Vec<PathBuf>,
        warnings: String,
    },
    /// `--check`: everything on disk matches the document.
    UpToDate { warnings: String },
    /// `--check`: these files are missing or differ.
    Stale(Vec<(PathBuf, Staleness)>),
}

/// Why a run failed.
#[derive(Debug)]
pub enum RunError {
    /// The document has errors (the diagnostics, formatted).
    Invalid(String),
    /// Reading or writing files failed.
    Io(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Invalid(diagnostics) => f.write_str(diagnostics),
            RunError::Io(message) => write!(f, "error: {message}"),
        }
    }
}

/// The process exit code for a run: 0 success (written, or up to date), 1 the document has
/// errors, 2 reading or writing failed, 3 `--check` found stale files. (Usage errors, which
/// never reach a run, are 2 as well.)
/// The exit code of an xtask command that ran a cargo child process: 0 when it succeeded,
/// 1 when it failed, 2 when it could not be started.
pub fn child_exit_code(
    status: std::io::Result<std::process::ExitStatus>,
) -> std::process::ExitCode {
    match status {
        Ok(status) if status.success() => std::process::ExitCode::SUCCESS,
        Ok(_) => std::process::ExitCode::from(1),
        Err(err) => {
            eprintln!("error: cannot run cargo: {err}");
            std::process::ExitCode::from(2)
        }
    }
}

pub fn exit_code(result: &Result<Outcome, RunError>) -> u8 {
    match result {
        Ok(Outcome::Written { .. } | Outcome::UpToDate { .. }) => 0,
        Err(RunError::Invalid(_)) => 1,
        Err(RunError::Io(_)) => 2,
        Ok(Outcome::Stale(_)) => 3,
    }
}

pub fn run(job: &Job, mode: Mode) -> Result<Outcome, RunError> {
    // A document that cannot be read at all is an I/O failure; everything else about it
    // (its size, its contents, the files it refers to) is a diagnostic.
    std::fs::metadata(&job.spec)
        .map_err(|err| RunError::Io(format!("{}: {err}", job.spec.display())))?;
    let output = oagen::generate_file(&job.spec, &job.config)
        .map_err(|failure| RunError::Invalid(failure.render(&job.config.spec_name)))?;
    let warnings = oagen::render_diagnostics(&output.warnings, &job.config.spec_name);
    match mode {
        Mode::Check => {
            let stale = oagen::write::check(&job.out, &output.files)
                .map_err(|err| RunError::Io(err.to_string()))?;
            if stale.is_empty() {
                Ok(Outcome::UpToDate { warnings })
            } else {
                Ok(Outcome::Stale(stale))
            }
        }
        Mode::Write => {
            let files = oagen::write::write(&job.out, &output.files)
                .map_err(|err| RunError::Io(err.to_string()))?;
            Ok(Outcome::Written {
                crate_name: output.crate_name,
                files,
                warnings,
            })
        }
    }
}

/// The document's bytes. A file that cannot be read is an I/O error; one too large to read is
/// invalid input, refused before it is read.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn normal_components(path: &Path) -> Option<Vec<Component<'_>>> {
    let mut out = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// `to` relative to the directory `from`, when both are absolute and normalised.
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let (from, to) = (normal_components(from)?, normal_components(to)?);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    // Sharing only the root (or nothing): an absolute path says more than `../../..`.
    let shared_root_only = common <= 1
        && from
            .first()
            .is_some_and(|c| matches!(c, Component::RootDir | Component::Prefix(_)));
    if common == 0 || shared_root_only {
        return None;
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for c in &to[common..] {
        path.push(c.as_os_str());
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/w/main/target/x"), Path::new("/w/main/runtime")),
            Some(PathBuf::from("../../runtime"))
        );
        assert_eq!(
            relative_path(Path::new("/w/main/generated"), Path::new("/w/main/runtime")),
            Some(PathBuf::from("../runtime"))
        );
        assert_eq!(
            relative_path(Path::new("/tmp/out"), Path::new("/w/main/runtime")),
            None
        );
    }
}
