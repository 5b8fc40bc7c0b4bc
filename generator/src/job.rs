//! job: one generation as a command runs it: a document, an output folder and a [`Config`],
//! read from disk, generated, and written (or checked) with progress reported on the way.
//!
//! The `oagen` command, `cargo xtask codegen` and a team's own xtask all go through
//! [`Job::new`] and [`run`], so they produce the same files. [`Job::new`] makes every path
//! that reaches the output relative to the output folder (the header's document and
//! configuration, a runtime `path`), so the output does not depend on how the paths were
//! typed or where the repository is checked out.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{ConfigFile, RuntimeSource, Workspace};
use crate::write::Staleness;
use crate::{Config, ManifestKind, RuntimeDependency};

/// One generation: a document, an output folder and the generator's settings.
#[derive(Debug, Clone)]
pub struct Job {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub config: Config,
    /// How the document is read (`[document]` of the configuration; `--strict`).
    pub options: crate::Options,
    /// The configuration file, when there is one (named in its own errors).
    pub config_file: Option<PathBuf>,
    /// Things worth telling the user about the setup (for example that the crate must be
    /// added to the workspace's members).
    pub notes: Vec<String>,
}

impl Job {
    /// The job for `oagen generate SPEC --out OUT [--config FILE] [--name NAME]`: the
    /// configuration file read and checked (`ConfigFile::default()` without one), `name`
    /// over the file's `package.name`, the workspace decided, and the header naming the
    /// document, the configuration and the name relative to `out`.
    pub fn new(
        spec: &Path,
        out: &Path,
        config_file: Option<&Path>,
        name: Option<String>,
    ) -> Result<Job, RunError> {
        let file = match config_file {
            Some(path) => ConfigFile::read(path).map_err(|err| RunError::Config(err.0))?,
            None => ConfigFile::default(),
        };
        if let Some(name) = &name {
            if !crate::config::is_crate_name(name) {
                return Err(RunError::Config(format!(
                    "error: `{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)"
                )));
            }
        }
        let out_abs = absolute(out);
        let spec_abs = absolute(spec);
        let base = match config_file {
            Some(path) => absolute(path)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            None => absolute(Path::new(".")),
        };
        let relative = |to: &Path| slashes(&relative_path(&out_abs, &absolute(to)));
        let runtime = match file.runtime_source(&base) {
            RuntimeSource::Vendored(None) => {
                RuntimeDependency::Vendored("oagen-runtime".to_owned())
            }
            RuntimeSource::Vendored(Some(dir)) => RuntimeDependency::Vendored(relative(&dir)),
            RuntimeSource::Path(path) => RuntimeDependency::Path(relative(&path)),
            RuntimeSource::Version(version) => RuntimeDependency::Version(version),
            RuntimeSource::Git { url, reference } => RuntimeDependency::Git { url, reference },
        };
        let mut notes = Vec::new();
        let manifest = match file.package.workspace {
            Workspace::Member => ManifestKind::WorkspaceMember,
            Workspace::Standalone => ManifestKind::Standalone,
            Workspace::Auto => match enclosing_workspace(&out_abs) {
                Some(found) => {
                    if !found.lists_member {
                        notes.push(format!(
                            "{} is inside the workspace of {}: add \"{}\" to its `members` (or depend on the crate by path from a member)",
                            out.display(),
                            found.manifest.display(),
                            found.relative
                        ));
                    }
                    ManifestKind::WorkspaceMember
                }
                None => ManifestKind::Standalone,
            },
        };
        let spec_name = relative(&spec_abs);
        let mut command = format!("oagen generate {} --out .", quote_arg(&spec_name));
        let crate_name = name.clone().or(file.package.name.clone());
        if let Some(name) = &name {
            command.push_str(&format!(" --name {name}"));
        }
        if let Some(path) = config_file {
            command.push_str(&format!(" --config {}", quote_arg(&relative(path))));
        }
        let config = Config {
            crate_name,
            crate_version: file.package.version.clone(),
            runtime,
            manifest,
            command,
            spec_name,
            tailor: file.tailor(),
            dependencies: file.dependency_lines(),
            features: file.features(),
            deserialize: file.types.deserialize,
        };
        Ok(Job {
            spec: spec.to_path_buf(),
            out: out.to_path_buf(),
            config,
            options: file.options(&base),
            config_file: config_file.map(Path::to_path_buf),
            notes,
        })
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
        /// Files that were already as generated.
        unchanged: usize,
    },
    /// `--check`: everything on disk matches the document.
    UpToDate { warnings: String },
    /// `--check`: these files are missing or differ.
    Stale(Vec<(PathBuf, Staleness)>),
}

/// Why a run failed.
#[derive(Debug)]
pub enum RunError {
    /// The document has errors, or the configuration names what the document lacks (the
    /// diagnostics, formatted).
    Invalid(String),
    /// Reading or writing files failed.
    Io(String),
    /// The configuration file or the command line is not valid (formatted, with the file,
    /// line and column).
    Config(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Invalid(diagnostics) => f.write_str(diagnostics),
            RunError::Io(message) => write!(f, "error: {message}"),
            RunError::Config(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for RunError {}

/// The process exit code for a run: 0 success (written, or up to date), 1 the document has
/// errors, 2 the configuration or command line is invalid, or reading or writing failed, 3
/// `--check` found stale files.
pub fn exit_code(result: &Result<Outcome, RunError>) -> u8 {
    match result {
        Ok(Outcome::Written { .. } | Outcome::UpToDate { .. }) => 0,
        Err(RunError::Invalid(_)) => 1,
        Err(RunError::Io(_) | RunError::Config(_)) => 2,
        Ok(Outcome::Stale(_)) => 3,
    }
}

/// What a run has done so far, for a progress display.
#[derive(Debug, Clone)]
pub enum Progress {
    /// The document was read.
    Read { bytes: u64, took: Duration },
    /// The document was lowered and tailored: what will be generated.
    Lowered {
        types: usize,
        operations: usize,
        warnings: usize,
        took: Duration,
    },
    /// The files were generated (in memory).
    Generated { files: usize, took: Duration },
}

/// Generates and writes (or checks) without reporting progress.
pub fn run(job: &Job, mode: Mode) -> Result<Outcome, RunError> {
    run_with_progress(job, mode, &mut |_| {})
}

/// Generates and writes (or checks), telling `progress` after each step.
pub fn run_with_progress(
    job: &Job,
    mode: Mode,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, RunError> {
    let started = Instant::now();
    // A document that is not there is an I/O error naming it; what it holds (and the files
    // it refers to, read by `load_file` under the size limits) is the generator's to judge.
    let size = std::fs::metadata(&job.spec)
        .map_err(|err| RunError::Io(format!("{}: {err}", job.spec.display())))?
        .len();
    progress(Progress::Read {
        bytes: size,
        took: started.elapsed(),
    });
    let spec_name = job.spec.display().to_string();
    let config_name = job
        .config_file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the configuration".to_owned());
    let failed = |failure: crate::Failure| {
        let failure = crate::Failure {
            file: failure.file.map(|_| config_name.clone()),
            ..failure
        };
        RunError::Invalid(failure.render(&spec_name))
    };
    let step = Instant::now();
    let (api, diags, derives) =
        crate::lower_file_and_tailor(&job.spec, &job.config, &job.options).map_err(failed)?;
    progress(Progress::Lowered {
        types: api.types.len(),
        operations: api.operations.len(),
        warnings: diags.iter().count(),
        took: step.elapsed(),
    });
    let step = Instant::now();
    let output = crate::generate_from(&api, diags, &derives, &job.config).map_err(failed)?;
    drop(api);
    progress(Progress::Generated {
        files: output.files.len(),
        took: step.elapsed(),
    });
    let warnings = crate::render_diagnostics(&output.warnings, &spec_name);
    match mode {
        Mode::Check => {
            let stale = crate::write::check(&job.out, &output.files)
                .map_err(|err| RunError::Io(err.to_string()))?;
            if stale.is_empty() {
                Ok(Outcome::UpToDate { warnings })
            } else {
                Ok(Outcome::Stale(stale))
            }
        }
        Mode::Write => {
            let files = crate::write::write(&job.out, &output.files)
                .map_err(|err| RunError::Io(err.to_string()))?;
            Ok(Outcome::Written {
                crate_name: output.crate_name,
                unchanged: output.files.len() - files.len(),
                files,
                warnings,
            })
        }
    }
}

/// A workspace `Cargo.toml` above the output folder.
struct EnclosingWorkspace {
    manifest: PathBuf,
    /// The output folder relative to the workspace root, with `/`.
    relative: String,
    /// Whether its `members` already name the output folder.
    lists_member: bool,
}

/// The nearest `Cargo.toml` above `out` with a `[workspace]` table, unless that workspace
/// `exclude`s `out` (Cargo then treats the crate as outside it).
fn enclosing_workspace(out: &Path) -> Option<EnclosingWorkspace> {
    for dir in out.ancestors().skip(1) {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let Ok(table) = toml::from_str::<toml::Table>(&text) else {
            continue;
        };
        let Some(workspace) = table.get("workspace").and_then(toml::Value::as_table) else {
            continue;
        };
        let relative = slashes(out.strip_prefix(dir).unwrap_or(out));
        let listed = |key: &str| -> Vec<String> {
            workspace
                .get(key)
                .and_then(toml::Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(toml::Value::as_str)
                        .map(|s| s.trim_end_matches('/').trim_start_matches("./").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let excluded = listed("exclude")
            .iter()
            .any(|e| relative == *e || relative.starts_with(&format!("{e}/")));
        if excluded {
            return None;
        }
        let lists_member = listed("members").iter().any(|m| glob_matches(m, &relative));
        return Some(EnclosingWorkspace {
            manifest,
            relative,
            lists_member,
        });
    }
    None
}

/// Cargo's `members` patterns: `*` within one path segment.
fn glob_matches(pattern: &str, path: &str) -> bool {
    let patterns: Vec<&str> = pattern.split('/').collect();
    let parts: Vec<&str> = path.split('/').collect();
    patterns.len() == parts.len()
        && patterns
            .iter()
            .zip(&parts)
            .all(|(p, s)| segment_matches(p.as_bytes(), s.as_bytes()))
}

fn segment_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| segment_matches(rest, &text[i..])),
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, text)| t == c && segment_matches(rest, text)),
    }
}

fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // `a/../b` → `b`, lexically (the folders may not exist yet).
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `to` relative to the folder `from` (both absolute and normalised); `to` itself when they
/// share no root (another drive).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to_parts: Vec<Component<'_>> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for c in &to_parts[common..] {
        path.push(c.as_os_str());
    }
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A path as a shell would need it in the header's command.
fn quote_arg(arg: &str) -> String {
    if arg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./+=:@".contains(c))
    {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let rel = |a: &str, b: &str| relative_path(Path::new(a), Path::new(b));
        assert_eq!(
            rel("/w/main/target/x", "/w/main/runtime"),
            PathBuf::from("../../runtime")
        );
        assert_eq!(
            rel("/w/main/generated", "/w/main/runtime"),
            PathBuf::from("../runtime")
        );
        assert_eq!(
            rel("/tmp/out", "/w/main/runtime"),
            PathBuf::from("../../w/main/runtime")
        );
        assert_eq!(rel("/w/a", "/w/a"), PathBuf::from("."));
        assert_eq!(
            absolute(Path::new("/w/a/../b/./c")),
            PathBuf::from("/w/b/c")
        );
    }

    #[test]
    fn member_patterns() {
        assert!(glob_matches("crates/*", "crates/client"));
        assert!(glob_matches("client", "client"));
        assert!(glob_matches("c*t", "client"));
        assert!(!glob_matches("crates/*", "client"));
        assert!(!glob_matches("crates/*", "crates/a/b"));
    }

    #[test]
    fn the_header_does_not_depend_on_how_paths_are_typed() {
        let cwd = std::env::current_dir().expect("cwd");
        let a = Job::new(
            Path::new("api/openapi.yaml"),
            Path::new("client"),
            None,
            None,
        )
        .expect("job");
        let b = Job::new(
            &cwd.join("api/../api/openapi.yaml"),
            &cwd.join("./client/"),
            None,
            None,
        )
        .expect("job");
        assert_eq!(a.config.command, b.config.command);
        assert_eq!(a.config.spec_name, "../api/openapi.yaml");
        assert_eq!(
            a.config.command,
            "oagen generate ../api/openapi.yaml --out ."
        );
    }
}
