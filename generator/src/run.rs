//! [`Generator::run`]: one generation as a command runs it, against an output folder: the
//! document read from disk, generated, and written (or checked) with progress reported on
//! the way.
//!
//! The `oagen` command, `cargo xtask codegen` and a team's own xtask all go through it, so
//! they produce the same files. Every path that reaches the output (the header's document
//! and configuration, a runtime path) is made relative to the output folder, so the output
//! does not depend on how the paths were typed or where the repository is checked out.

use std::path::{Component, Path, PathBuf};

use crate::diag::Diagnostic;
use crate::diag::Error;
use crate::emit::{ManifestKind, RuntimeDependency};
use crate::generator::{Document, Generator, Progress, Target, runtime_with};
use crate::settings::{Runtime, Settings, Workspace};
use crate::write::Staleness;

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
        /// Files that were already as generated.
        unchanged: usize,
        report: Report,
    },
    /// `Mode::Check`: everything on disk matches the document.
    UpToDate { report: Report },
    /// `Mode::Check`: these files are missing or differ.
    Stale {
        files: Vec<(PathBuf, Staleness)>,
        report: Report,
    },
}

/// What a run found beside its result: warnings and notes about the document, and notes
/// about the set-up (a workspace that should list the crate).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

impl Outcome {
    /// 0 written or up to date, 3 stale.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Written { .. } | Outcome::UpToDate { .. } => 0,
            Outcome::Stale { .. } => 3,
        }
    }

    pub fn report(&self) -> &Report {
        match self {
            Outcome::Written { report, .. }
            | Outcome::UpToDate { report }
            | Outcome::Stale { report, .. } => report,
        }
    }
}

/// The process exit code of a run: 0 success (written, or up to date), 1 the document has
/// errors, 2 the settings or command line are invalid, or reading or writing failed, 3 a
/// check found stale files.
pub fn exit_code(result: &Result<Outcome, Error>) -> u8 {
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => err.exit_code(),
    }
}

impl Generator {
    /// Generates from the document at `document` into the folder `out`, writing the files
    /// that changed ([`Mode::Write`]) or comparing ([`Mode::Check`]). Paths in the settings
    /// are relative to the settings file's folder; `Workspace::Auto` looks for a workspace
    /// above `out`.
    pub fn run(&self, document: &Path, out: &Path, mode: Mode) -> Result<Outcome, Error> {
        self.run_with_progress(document, out, mode, &mut |_| {})
    }

    /// [`Generator::run`], telling `progress` after each step.
    pub fn run_with_progress(
        &self,
        document: &Path,
        out: &Path,
        mode: Mode,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Outcome, Error> {
        // A document that is not there is an I/O error naming it; what it holds (and the
        // files it refers to, read under the size limits) is the generator's to judge.
        std::fs::metadata(document).map_err(|source| Error::Io {
            path: document.to_path_buf(),
            source,
        })?;
        let (target, notes) = self.target(document, out);
        let output = self.generate_for(Document::File(document), &target, progress)?;
        let mut report = Report {
            diagnostics: output.diagnostics,
            notes,
        };
        match mode {
            Mode::Check => {
                let stale = crate::write::check(out, &output.files)?;
                if stale.is_empty() {
                    Ok(Outcome::UpToDate { report })
                } else {
                    Ok(Outcome::Stale {
                        files: stale,
                        report,
                    })
                }
            }
            Mode::Write => {
                crate::vendor::before_write(out, &target.runtime)?;
                let files = crate::write::write(out, &output.files)?;
                if let Some(removed) = crate::vendor::after_write(out, &target.runtime)? {
                    report.notes.push(removed);
                }
                Ok(Outcome::Written {
                    crate_name: output.crate_name,
                    unchanged: output.files.len() - files.len(),
                    files,
                    report,
                })
            }
        }
    }

    /// The header, runtime and membership for output in `out`, and notes on the set-up.
    fn target(&self, document: &Path, out: &Path) -> (Target, Vec<String>) {
        let settings = &self.settings;
        let out_abs = absolute(out);
        let base = absolute(&settings.base());
        let relative = |to: &Path| slashes(&relative_path(&out_abs, &absolute(to)));
        let workspace = enclosing_workspace(&out_abs);
        let runtime = match &settings.runtime {
            // One copy per workspace, shared by every client generated there.
            Runtime::Vendored(None) => RuntimeDependency::Vendored(relative(&crate::vendor::home(
                &out_abs,
                workspace.as_ref().and_then(|w| w.manifest.parent()),
            ))),
            other => runtime_with(other, &|path: &Path| relative(&base.join(path))),
        };
        let mut notes = Vec::new();
        let manifest = match settings.package.workspace {
            Workspace::Member => ManifestKind::WorkspaceMember,
            Workspace::Standalone => ManifestKind::Standalone,
            Workspace::Auto => match workspace {
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
        let spec_name = relative(document);
        let command = settings
            .command
            .clone()
            .unwrap_or_else(|| reproducing_command(settings, &spec_name, &relative));
        let target = Target {
            spec_name,
            command: Some(command),
            runtime,
            manifest,
        };
        (target, notes)
    }
}

/// The `oagen generate` command that reproduces the output, run from the output folder:
/// the document, `--config` (or `--no-config`), and the flags whose values differ from
/// the file's.
fn reproducing_command(
    settings: &Settings,
    spec_name: &str,
    relative: &dyn Fn(&Path) -> String,
) -> String {
    let mut command = format!("oagen generate {} --out .", quote_arg(spec_name));
    let (file_name, file_strict) = match &settings.file {
        Some(file) => (file.name.clone(), file.strict),
        None => (None, false),
    };
    if let Some(name) = &settings.package.name {
        if Some(name) != file_name.as_ref() {
            command.push_str(&format!(" --name {}", quote_arg(name)));
        }
    }
    if settings.document.strict && !file_strict {
        command.push_str(" --strict");
    }
    let file_deserialize = settings
        .file
        .as_ref()
        .map(|f| f.deserialize)
        .unwrap_or_default();
    if settings.types.deserialize != file_deserialize {
        command.push_str(&format!(
            " --deserialize {}",
            settings.types.deserialize.as_str()
        ));
    }
    let file_serialize = settings
        .file
        .as_ref()
        .map(|f| f.serialize)
        .unwrap_or_default();
    if settings.types.serialize != file_serialize {
        command.push_str(&format!(
            " --serialize {}",
            settings.types.serialize.as_str()
        ));
    }
    match &settings.file {
        Some(file) => command.push_str(&format!(" --config {}", quote_arg(&relative(&file.path)))),
        None => command.push_str(" --no-config"),
    }
    command
}

/// The command recorded in the first line of a generated file (`@generated by `COMMAND``),
/// if the folder holds one.
pub fn recorded_command(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("Cargo.toml")).ok()?;
    let first = text.lines().next()?;
    let rest = first.split_once("@generated by `")?.1;
    Some(rest.split_once('`')?.0.to_owned())
}

/// Splits a command as the header writes it (words, `'...'` quoted, `'\''` for a quote).
pub fn split_command(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            '\\' if !quoted => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
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
pub(crate) fn relative_path(from: &Path, to: &Path) -> PathBuf {
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
        let generator = Generator::default();
        let (a, _) = generator.target(Path::new("api/openapi.yaml"), Path::new("client"));
        let (b, _) = generator.target(&cwd.join("api/../api/openapi.yaml"), &cwd.join("./client/"));
        assert_eq!(a.command, b.command);
        assert_eq!(a.spec_name, "../api/openapi.yaml");
        assert_eq!(
            a.command.as_deref(),
            Some("oagen generate ../api/openapi.yaml --out . --no-config")
        );
    }

    #[test]
    fn recorded_commands_split_back_into_their_words() {
        let command = format!(
            "oagen generate {} --out . --name {}",
            quote_arg("my api/open api's.yaml"),
            quote_arg("pets")
        );
        assert_eq!(
            split_command(&command),
            [
                "oagen",
                "generate",
                "my api/open api's.yaml",
                "--out",
                ".",
                "--name",
                "pets"
            ]
        );
    }
}
