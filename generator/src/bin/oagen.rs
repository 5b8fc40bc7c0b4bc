//! The `oagen` command: `oagen generate SPEC --out DIR [--name NAME] [--config FILE |
//! --no-config] [--strict]` and `oagen check [SPEC] --out DIR ...` (the same, comparing
//! instead of writing; without SPEC, the command recorded in DIR's generated files), and
//! `oagen diff OLD NEW` (`diff.rs`: what a change of the document does to the client).
//!
//! `oagen.toml` beside the document, else in the current folder, is read unless `--config`
//! names another or `--no-config` is given. Exit codes: 0 success; 1 the document has
//! errors; 2 usage, configuration or I/O error; 3 `check` found stale files (each named);
//! 4 `diff --fail-on` found a change at or above the level.
//! Progress and a summary go to stderr. This is the only place diagnostics become text.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use oagen::{Error, Generator, Mode, Outcome, Progress, Settings, Severity};

#[path = "oagen/diff.rs"]
mod diff;

/// glibc's allocator slows down as the heap grows (generation holds millions of small
/// allocations); mimalloc keeps the cost per allocation flat, so time stays linear in the
/// document's size.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How many warnings are printed before the rest are only counted (`--verbose`: all).
const WARNINGS_SHOWN: usize = 10;

fn arguments(command: Command) -> Command {
    command
        .arg(
            Arg::new("spec")
                .value_name("SPEC")
                .value_parser(value_parser!(PathBuf))
                .help("The OpenAPI 3.x or Swagger 2.0 document (YAML or JSON)"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .short('o')
                .value_name("DIR")
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("The folder of the generated crate"),
        )
        .arg(
            Arg::new("name")
                .long("name")
                .value_name("CRATE")
                .help("The crate's name (over `package.name` of the configuration)"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .short('c')
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("The configuration file (default: oagen.toml beside the document, else in the current folder)"),
        )
        .arg(
            Arg::new("no-config")
                .long("no-config")
                .action(ArgAction::SetTrue)
                .conflicts_with("config")
                .help("Read no configuration file, even if one is found"),
        )
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(ArgAction::SetTrue)
                .help(
                    "Fail on a broken item (a dangling reference, an invalid schema) instead of \
                     leaving it out with a warning (also `strict` in `[document]`)",
                ),
        )
        .arg(
            Arg::new("deserialize")
                .long("deserialize")
                .value_name("HOW")
                .value_parser(["runtime", "derive"])
                .help(
                    "How structs decode: `runtime` (default; quick to compile) or `derive` \
                     (serde's derive; over `deserialize` in `[types]`)",
                ),
        )
        .arg(
            Arg::new("serialize")
                .long("serialize")
                .value_name("WHICH")
                .value_parser(["sent", "all"])
                .help(
                    "Which types implement `Serialize`: `sent` (default; those requests send) \
                     or `all` (to re-encode responses; over `serialize` in `[types]`)",
                ),
        )
        .arg(
            Arg::new("explain")
                .long("explain")
                .action(ArgAction::SetTrue)
                .help(
                    "Also print notes on what was not generated where it might be expected \
                     (operations that look paginated but match no pagination style)",
                ),
        )
        .arg(
            Arg::new("quiet")
                .long("quiet")
                .short('q')
                .action(ArgAction::SetTrue)
                .help("Print only warnings and errors"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .action(ArgAction::SetTrue)
                .help("Print every warning and every file written"),
        )
}

fn cli() -> Command {
    Command::new("oagen")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Generates a typed Rust client crate from an OpenAPI 3.x or Swagger 2.0 document")
        .after_help(
            "Exit codes: 0 success; 1 the document has errors; 2 usage, configuration or I/O error; 3 `check` found stale files; 4 `diff --fail-on` found a change at or above the level.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            arguments(Command::new("generate"))
                .about("Generate the crate, writing only the files that change")
                .mut_arg("spec", |arg| arg.required(true))
                .arg(
                    Arg::new("check")
                        .long("check")
                        .action(ArgAction::SetTrue)
                        .help("Write nothing; fail (exit 3) naming each file that is stale"),
                ),
        )
        .subcommand(
            arguments(Command::new("check")).about(
                "Check that the crate is up to date with the document (exit 3 if not); \
                 without SPEC, with the command recorded in the generated files",
            ),
        )
        .subcommand(diff::command())
}

fn main() -> ExitCode {
    let matches = match cli().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => {
            let _ = err.print();
            // Help and version are not failures; usage errors exit with 2, as clap does.
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let (mode, args) = match matches.subcommand() {
        Some(("generate", args)) if args.get_flag("check") => (Mode::Check, args),
        Some(("generate", args)) => (Mode::Write, args),
        Some(("check", args)) => (Mode::Check, args),
        Some(("diff", args)) => return diff::run(args),
        _ => return ExitCode::from(2),
    };
    run(mode, args)
}

/// What one run uses, from the command line (or, for `check --out DIR` alone, from the
/// command recorded in DIR).
struct Invocation {
    spec: PathBuf,
    out: PathBuf,
    name: Option<String>,
    config: Option<PathBuf>,
    no_config: bool,
    strict: bool,
    deserialize: Option<String>,
    serialize: Option<String>,
}

impl Invocation {
    fn from_args(args: &ArgMatches, spec: PathBuf, out: PathBuf) -> Invocation {
        Invocation {
            spec,
            out,
            name: args.get_one::<String>("name").cloned(),
            config: args.get_one::<PathBuf>("config").cloned(),
            no_config: args.get_flag("no-config"),
            strict: args.get_flag("strict"),
            deserialize: args.get_one::<String>("deserialize").cloned(),
            serialize: args.get_one::<String>("serialize").cloned(),
        }
    }

    /// `oagen check --out DIR`: the `oagen generate` command in DIR's header, its paths
    /// relative to DIR; flags given now are added to it.
    fn recorded(args: &ArgMatches, out: &Path) -> Result<Invocation, String> {
        let Some(command) = oagen::recorded_command(out) else {
            return Err(format!(
                "error: {} holds no generated crate (no `@generated by` line in its Cargo.toml); give the document: `oagen check SPEC --out {}`",
                out.display(),
                out.display()
            ));
        };
        let words = oagen::split_command(&command);
        if words.get(..2) != Some(&["oagen".to_owned(), "generate".to_owned()][..]) {
            return Err(format!(
                "error: {} was generated by `{command}`, not by the `oagen` command; check it with that command (`--check`)",
                out.display()
            ));
        }
        let recorded = arguments(Command::new("generate"))
            .no_binary_name(true)
            .try_get_matches_from(&words[2..])
            .map_err(|err| {
                format!(
                    "error: the command recorded in {} is not valid: `{command}`\n{err}",
                    out.display()
                )
            })?;
        let spec = recorded
            .get_one::<PathBuf>("spec")
            .map(|spec| out.join(spec))
            .ok_or_else(|| {
                format!(
                    "error: the command recorded in {} names no document",
                    out.display()
                )
            })?;
        let mut invocation = Invocation::from_args(&recorded, spec, out.to_path_buf());
        invocation.config = invocation.config.map(|config| out.join(config));
        invocation.name = args.get_one::<String>("name").cloned().or(invocation.name);
        invocation.strict |= args.get_flag("strict");
        if let Some(how) = args.get_one::<String>("deserialize") {
            invocation.deserialize = Some(how.clone());
        }
        if let Some(which) = args.get_one::<String>("serialize") {
            invocation.serialize = Some(which.clone());
        }
        if let Some(config) = args.get_one::<PathBuf>("config") {
            invocation.config = Some(config.clone());
            invocation.no_config = false;
        }
        invocation.no_config |= args.get_flag("no-config");
        Ok(invocation)
    }

    /// The settings: the configuration file (given, found, or none) with the flags over it.
    fn settings(&self) -> Result<Settings, Error> {
        let file = match (&self.config, self.no_config) {
            (_, true) => None,
            (Some(path), false) => Some(path.clone()),
            (None, false) => Settings::find(&self.spec),
        };
        let mut settings = match &file {
            Some(path) => Settings::read(path)?,
            None => Settings::default(),
        };
        if let Some(name) = &self.name {
            settings.package.name = Some(name.clone());
        }
        settings.document.strict |= self.strict;
        match self.deserialize.as_deref() {
            Some("derive") => settings.types.deserialize = oagen::Decoder::Derive,
            Some("runtime") => settings.types.deserialize = oagen::Decoder::Runtime,
            _ => {}
        }
        match self.serialize.as_deref() {
            Some("sent") => settings.types.serialize = oagen::Encoder::Sent,
            Some("all") => settings.types.serialize = oagen::Encoder::All,
            _ => {}
        }
        settings.check()?;
        Ok(settings)
    }

    /// The command that regenerates, with the paths and flags as given (a configuration
    /// found without being named is found again).
    fn regenerate_command(&self) -> String {
        let mut command = format!(
            "oagen generate {} --out {}",
            self.spec.display(),
            self.out.display()
        );
        if let Some(config) = &self.config {
            command.push_str(&format!(" --config {}", config.display()));
        }
        if self.no_config {
            command.push_str(" --no-config");
        }
        if let Some(name) = &self.name {
            command.push_str(&format!(" --name {name}"));
        }
        if self.strict {
            command.push_str(" --strict");
        }
        if let Some(how) = &self.deserialize {
            command.push_str(&format!(" --deserialize {how}"));
        }
        if let Some(which) = &self.serialize {
            command.push_str(&format!(" --serialize {which}"));
        }
        command
    }
}

fn run(mode: Mode, args: &ArgMatches) -> ExitCode {
    let started = Instant::now();
    let Some(out) = args.get_one::<PathBuf>("out") else {
        return ExitCode::from(2);
    };
    let invocation = match args.get_one::<PathBuf>("spec") {
        Some(spec) => Invocation::from_args(args, spec.clone(), out.clone()),
        None => match Invocation::recorded(args, out) {
            Ok(invocation) => invocation,
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        },
    };
    let settings = match invocation.settings() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("{err}");
            if let Some(file) = err.diagnostics().iter().find_map(settings_file) {
                eprintln!("error: {file} has errors; nothing was written");
            }
            return ExitCode::from(err.exit_code());
        }
    };
    let quiet = args.get_flag("quiet");
    let say = |line: String| {
        if !quiet {
            eprintln!("{line}");
        }
    };
    let spec = &invocation.spec;
    let mut progress = |step: Progress| match step {
        Progress::Read { bytes, took } => say(format!(
            "oagen: read {} ({}) in {}",
            spec.display(),
            size(bytes),
            seconds(took)
        )),
        Progress::Lowered {
            types,
            operations,
            warnings,
            took,
        } => say(format!(
            "oagen: {}, {}, {} (in {})",
            count(types, "type"),
            count(operations, "operation"),
            count(warnings, "warning"),
            seconds(took)
        )),
        Progress::Generated { files, took } => say(format!(
            "oagen: generated {files} files in {}",
            seconds(took)
        )),
        Progress::Emitted { .. } | Progress::Rendered { .. } => {}
    };
    let generator = Generator::new(settings);
    let result = generator.run_with_progress(spec, out, mode, &mut progress);
    let report = Report {
        invocation: &invocation,
        settings: generator.settings(),
        verbose: args.get_flag("verbose"),
        explain: args.get_flag("explain"),
        quiet,
    };
    report.print(&result, started.elapsed());
    if matches!(result, Ok(Outcome::Stale { .. })) && !quiet {
        diff::explain_stale(&generator, spec, out);
    }
    ExitCode::from(oagen::exit_code(&result))
}

/// How a run's result is told on stderr.
struct Report<'a> {
    invocation: &'a Invocation,
    settings: &'a Settings,
    verbose: bool,
    explain: bool,
    quiet: bool,
}

impl Report<'_> {
    fn say(&self, line: String) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    fn print(&self, result: &Result<Outcome, Error>, took: Duration) {
        let (spec, out) = (&self.invocation.spec, &self.invocation.out);
        if let Ok(outcome) = result {
            let diagnostics = &outcome.report().diagnostics;
            print_warnings(diagnostics, self.verbose);
            if self.explain {
                for note in diagnostics.iter().filter(|d| d.severity == Severity::Note) {
                    eprintln!("{note}");
                }
            }
        }
        match result {
            Ok(Outcome::Written {
                crate_name,
                files,
                unchanged,
                report,
            }) => {
                let shown = if self.verbose { files.len() } else { 12 };
                for file in files.iter().take(shown) {
                    self.say(format!("  wrote {}", file.display()));
                }
                if files.len() > shown {
                    self.say(format!("  ... and {} more", files.len() - shown));
                }
                for note in &report.notes {
                    self.say(format!("note: {note}"));
                }
                self.say(format!(
                    "oagen: crate `{crate_name}` in {}: {} changed, {unchanged} unchanged ({} in all)",
                    out.display(),
                    count(files.len(), "file"),
                    seconds(took)
                ));
            }
            Ok(Outcome::UpToDate { .. }) => self.say(format!(
                "oagen: {} is up to date with {} ({})",
                out.display(),
                spec.display(),
                seconds(took)
            )),
            Ok(Outcome::Stale { files, .. }) => {
                for (path, staleness) in files {
                    eprintln!("stale: {} {staleness}", path.display());
                }
                self.unused_configuration();
                eprintln!(
                    "error: {} is not up to date; run `{}` to regenerate",
                    out.display(),
                    self.invocation.regenerate_command()
                );
            }
            Err(err @ Error::Document(_)) => {
                eprintln!("{err}");
                eprintln!("error: {} has errors; nothing was written", spec.display());
            }
            Err(err @ Error::Settings(diagnostics)) => {
                eprintln!("{err}");
                let file = diagnostics.iter().find_map(settings_file);
                let file = file.unwrap_or_else(|| "the settings".to_owned());
                eprintln!("error: {file} has errors; nothing was written");
            }
            Err(err) => eprintln!("{err}"),
        }
    }

    /// On stale files: a configuration this run did not read, or files made with another.
    fn unused_configuration(&self) {
        let used = self.settings.file.as_ref().map(|f| f.path.clone());
        if used.is_none() {
            if let Some(found) = Settings::find(&self.invocation.spec) {
                eprintln!(
                    "note: {} exists but was not used (--no-config); the files may have been generated with it",
                    found.display()
                );
            }
        }
        let recorded = oagen::recorded_command(&self.invocation.out).unwrap_or_default();
        let words = oagen::split_command(&recorded);
        let recorded_config = words
            .iter()
            .position(|w| w == "--config")
            .and_then(|i| words.get(i + 1))
            .map(|config| self.invocation.out.join(config));
        let same = |a: &Path, b: &Path| {
            std::fs::canonicalize(a)
                .ok()
                .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
        };
        match (&recorded_config, &used) {
            (Some(recorded), Some(used)) if !same(recorded, used) => eprintln!(
                "note: the files were generated with the configuration {}, not {}",
                recorded.display(),
                used.display()
            ),
            (Some(recorded), None) => eprintln!(
                "note: the files were generated with the configuration {}, which this check did not use",
                recorded.display()
            ),
            _ => {}
        }
    }
}

fn print_warnings(diagnostics: &[oagen::Diagnostic], verbose: bool) {
    let warnings: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    let shown = if verbose {
        warnings.len()
    } else {
        WARNINGS_SHOWN
    };
    for warning in warnings.iter().take(shown) {
        eprintln!("{warning}");
    }
    if warnings.len() > shown {
        eprintln!(
            "... and {} more warnings (--verbose shows them all)",
            warnings.len() - shown
        );
    }
}

/// The configuration file a diagnostic is located in.
fn settings_file(diagnostic: &oagen::Diagnostic) -> Option<String> {
    match &diagnostic.location {
        oagen::Location::Settings { file, .. } => file.clone(),
        oagen::Location::Document { .. } => None,
    }
}

/// `1 type`, `2 types`.
fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}
