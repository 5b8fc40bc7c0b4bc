//! `oagen diff OLD NEW` and `oagen diff --git REV NEW`: what a change of the document does
//! to the generated client. Both documents are lowered with the same settings and their IRs
//! compared (`oagen::diff`); the report goes to stdout, problems to stderr.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use oagen::diff::{self, Format, Level, Wire};
use oagen::{Document, Error, Generator, Settings};

/// The exit code when a change at or above `--fail-on` exists (1, 2 and 3 mean what they
/// mean for the other commands).
pub const FAIL_ON_EXIT: u8 = 4;

pub fn command() -> Command {
    Command::new("diff")
        .about("Report what a change of the document does to the generated client")
        .arg(
            Arg::new("documents")
                .value_name("DOCUMENTS")
                .num_args(1..=2)
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("OLD NEW, or NEW alone with --git REV"),
        )
        .arg(
            Arg::new("git")
                .long("git")
                .value_name("REV")
                .help("Take OLD from git: the document (and its other files) at REV"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .short('c')
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("The configuration file, for both documents (default: oagen.toml beside NEW, else in the current folder)"),
        )
        .arg(
            Arg::new("no-config")
                .long("no-config")
                .action(ArgAction::SetTrue)
                .conflicts_with("config")
                .help("Read no configuration file"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["text", "markdown", "json"])
                .default_value("text")
                .help("How the report is written"),
        )
        .arg(
            Arg::new("fail-on")
                .long("fail-on")
                .value_name("LEVEL")
                .value_parser(["major", "minor", "wire"])
                .help("Exit with 4 when a change at or above LEVEL exists (`wire`: a wire-breaking change)"),
        )
}

pub fn run(args: &ArgMatches) -> ExitCode {
    let documents: Vec<PathBuf> = args
        .get_many::<PathBuf>("documents")
        .map(|d| d.cloned().collect())
        .unwrap_or_default();
    let git = args.get_one::<String>("git");
    let (old, new) = match (git, documents.as_slice()) {
        (None, [old, new]) => (old.clone(), new.clone()),
        (Some(_), [new]) => (PathBuf::new(), new.clone()),
        (None, _) => return usage("give two documents, OLD and NEW, or --git REV and NEW"),
        (Some(_), _) => return usage("with --git REV, give only NEW"),
    };
    let settings = match settings(args, &new) {
        Ok(settings) => settings,
        Err(err) => return failed(&err),
    };
    let generator = Generator::new(settings);
    let new_ir = match generator.lower(Document::File(&new)) {
        Ok(lowered) => lowered,
        Err(err) => return failed(&err),
    };
    let old_ir = match git {
        None => generator.lower(Document::File(&old)),
        Some(rev) => match checkout(rev, &new, &new_ir.document_files) {
            Ok(dir) => {
                let result = generator.lower(Document::File(&dir.document));
                let _ = std::fs::remove_dir_all(&dir.root);
                result
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        },
    };
    let old_ir = match old_ir {
        Ok(lowered) => lowered,
        Err(err) => return failed(&err),
    };
    let options = diff::Options {
        crate_version: generator.settings().package.version.clone(),
        features: generator.settings().features.enabled,
    };
    let report = diff::compare(&old_ir.api, &new_ir.api, &options);
    let format = match args.get_one::<String>("format").map(String::as_str) {
        Some("markdown") => Format::Markdown,
        Some("json") => Format::Json,
        _ => Format::Text,
    };
    print!("{}", report.render(format));
    let fail = match args.get_one::<String>("fail-on").map(String::as_str) {
        Some("major") => report.worst() >= Some(Level::Major),
        Some("minor") => report.worst() >= Some(Level::Minor),
        Some("wire") => report.worst_wire() >= Some(Wire::Breaking),
        _ => false,
    };
    ExitCode::from(if fail { FAIL_ON_EXIT } else { 0 })
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn failed(err: &Error) -> ExitCode {
    eprintln!("{err}");
    ExitCode::from(err.exit_code())
}

fn settings(args: &ArgMatches, new: &Path) -> Result<Settings, Error> {
    let file = match (
        args.get_one::<PathBuf>("config"),
        args.get_flag("no-config"),
    ) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => Settings::find(new),
    };
    let settings = match &file {
        Some(path) => Settings::read(path)?,
        None => Settings::default(),
    };
    settings.check()?;
    Ok(settings)
}

/// The old document, written from git into a folder of its own.
struct Checkout {
    root: PathBuf,
    document: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Process::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// `a/b/../c` as `a/c`; `None` when it leaves the repository.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Writes the document at `rev` (the file `new` names, every YAML or JSON file of its
/// folder, and the files NEW refers to elsewhere) into a temporary folder.
fn checkout(rev: &str, new: &Path, new_files: &[String]) -> Result<Checkout, String> {
    let dir = match new.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = new
        .file_name()
        .ok_or_else(|| format!("{} names no file", new.display()))?
        .to_string_lossy()
        .into_owned();
    let prefix = String::from_utf8_lossy(&git(&dir, &["rev-parse", "--show-prefix"])?)
        .trim()
        .to_owned();
    let listed = git(
        &dir,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            "--full-tree",
            rev,
            "--",
            &prefix,
        ],
    )
    .map(|out| String::from_utf8_lossy(&out).into_owned())?;
    let mut files: Vec<String> = listed
        .lines()
        .filter(|f| {
            [".yaml", ".yml", ".json"]
                .iter()
                .any(|ext| f.ends_with(ext))
        })
        .map(str::to_owned)
        .collect();
    files.extend(
        new_files
            .iter()
            .filter_map(|f| normalize(&format!("{prefix}{f}"))),
    );
    let document = format!("{prefix}{name}");
    let root = std::env::temp_dir().join(format!("oagen-diff-{}", std::process::id()));
    let write = |path: &str, required: bool| -> Result<(), String> {
        match git(&dir, &["show", &format!("{rev}:{path}")]) {
            Ok(bytes) => {
                let target = root.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))
            }
            Err(message) if required => Err(message),
            Err(_) => Ok(()),
        }
    };
    let result =
        write(&document, true).and_then(|()| files.iter().try_for_each(|f| write(f, false)));
    if let Err(message) = result {
        let _ = std::fs::remove_dir_all(&root);
        return Err(message);
    }
    Ok(Checkout {
        document: root.join(&document),
        root,
    })
}

/// After `check` found `out` stale: what regenerating would change in the client, compared
/// with the document as of the last commit that touched `out` (the one the committed crate
/// was most likely generated from). Says so when there is no such version.
pub fn explain_stale(generator: &Generator, spec: &Path, out: &Path) {
    let rev = git(out, &["log", "-1", "--format=%H", "--", "."])
        .map(|o| String::from_utf8_lossy(&o).trim().to_owned())
        .ok()
        .filter(|rev| !rev.is_empty());
    let Some(rev) = rev else {
        eprintln!(
            "note: {} has no committed version in git, so there is no earlier document to compare with; run `oagen diff OLD {}` to see what changed",
            out.display(),
            spec.display()
        );
        return;
    };
    let short = &rev[..rev.len().min(10)];
    let new = match generator.lower(Document::File(spec)) {
        Ok(new) => new,
        Err(_) => return,
    };
    let old = match checkout(&rev, spec, &new.document_files) {
        Ok(dir) => {
            let result = generator.lower(Document::File(&dir.document));
            let _ = std::fs::remove_dir_all(&dir.root);
            result
        }
        Err(message) => {
            eprintln!(
                "note: cannot read the document as of {short} ({message}); no summary of the change"
            );
            return;
        }
    };
    let Ok(old) = old else {
        eprintln!("note: the document as of {short} does not lower; no summary of the change");
        return;
    };
    let options = diff::Options {
        crate_version: generator.settings().package.version.clone(),
        features: generator.settings().features.enabled,
    };
    let report = diff::compare(&old.api, &new.api, &options);
    if report.changes.is_empty() {
        eprintln!(
            "note: the document's client API is the same as at {short} (the last commit touching {}): regenerating changes the code, not the API",
            out.display()
        );
    } else {
        eprintln!(
            "note: compared with the document at {short} (the last commit touching {}), regenerating changes:",
            out.display()
        );
        eprint!("{}", report.render(Format::Text));
    }
}
