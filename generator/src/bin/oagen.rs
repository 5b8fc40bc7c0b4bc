//! The `oagen` command: `oagen generate SPEC --out DIR [--name NAME] [--config FILE]` and
//! `oagen check ...` (the same, comparing instead of writing).
//!
//! Exit codes: 0 success; 1 the document has errors (or the configuration names what it
//! lacks); 2 usage, configuration or I/O error; 3 `check` found stale files (each named).
//! Progress and a summary go to stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use oagen::{Job, Mode, Outcome, Progress, RunError};

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
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("The OpenAPI 3.0 or 3.1 document (YAML or JSON)"),
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
                .help("The configuration file (oagen.toml)"),
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
        .about("Generates a typed Rust client crate from an OpenAPI 3.0 or 3.1 document")
        .after_help(
            "Exit codes: 0 success; 1 the document has errors; 2 usage, configuration or I/O error; 3 `check` found stale files.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            arguments(Command::new("generate"))
                .about("Generate the crate, writing only the files that change")
                .arg(
                    Arg::new("check")
                        .long("check")
                        .action(ArgAction::SetTrue)
                        .help("Write nothing; fail (exit 3) naming each file that is stale"),
                ),
        )
        .subcommand(
            arguments(Command::new("check"))
                .about("Check that the crate is up to date with the document (exit 3 if not)"),
        )
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
        _ => return ExitCode::from(2),
    };
    run(mode, args)
}

fn run(mode: Mode, args: &ArgMatches) -> ExitCode {
    let started = Instant::now();
    let (Some(spec), Some(out)) = (
        args.get_one::<PathBuf>("spec"),
        args.get_one::<PathBuf>("out"),
    ) else {
        return ExitCode::from(2);
    };
    let quiet = args.get_flag("quiet");
    let verbose = args.get_flag("verbose");
    let name = args.get_one::<String>("name").cloned();
    let config = args.get_one::<PathBuf>("config");
    let mut job = match Job::new(spec, out, config.map(PathBuf::as_path), name) {
        Ok(job) => job,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    if args.get_flag("strict") {
        job.options.strict = true;
    }
    if let Some(how) = args.get_one::<String>("deserialize") {
        job.config.deserialize = match how.as_str() {
            "derive" => oagen::Decoder::Derive,
            _ => oagen::Decoder::Runtime,
        };
        // The header's command regenerates the same code.
        job.config
            .command
            .push_str(&format!(" --deserialize {how}"));
    }
    if args.get_flag("explain") {
        let notes = oagen::explain_file(spec, &job.options);
        if !notes.is_empty() {
            eprintln!(
                "{}",
                oagen::render_diagnostics(&notes, &job.config.spec_name)
            );
        }
    }
    let say = |line: String| {
        if !quiet {
            eprintln!("{line}");
        }
    };
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
    };
    let result = oagen::job::run_with_progress(&job, mode, &mut progress);
    match &result {
        Ok(Outcome::Written {
            crate_name,
            files,
            warnings,
            unchanged,
        }) => {
            print_warnings(warnings, verbose);
            let shown = if verbose { files.len() } else { 12 };
            for file in files.iter().take(shown) {
                say(format!("  wrote {}", file.display()));
            }
            if files.len() > shown {
                say(format!("  ... and {} more", files.len() - shown));
            }
            for note in &job.notes {
                say(format!("note: {note}"));
            }
            say(format!(
                "oagen: crate `{crate_name}` in {}: {} changed, {unchanged} unchanged ({} in all)",
                out.display(),
                count(files.len(), "file"),
                seconds(started.elapsed())
            ));
        }
        Ok(Outcome::UpToDate { warnings }) => {
            print_warnings(warnings, verbose);
            say(format!(
                "oagen: {} is up to date with {} ({})",
                out.display(),
                spec.display(),
                seconds(started.elapsed())
            ));
        }
        Ok(Outcome::Stale(files)) => {
            for (path, staleness) in files {
                eprintln!("stale: {} {staleness}", path.display());
            }
            eprintln!(
                "error: {} is not up to date; run `{}` to regenerate",
                out.display(),
                regenerate_command(args)
            );
        }
        Err(err @ RunError::Invalid(_)) => {
            eprintln!("{err}");
            eprintln!("error: {} has errors; nothing was written", spec.display());
        }
        Err(err) => eprintln!("{err}"),
    }
    ExitCode::from(oagen::exit_code(&result))
}

/// The command that regenerates, with the paths as the user typed them.
fn regenerate_command(args: &ArgMatches) -> String {
    let mut command = String::from("oagen generate");
    for (key, flag) in [("spec", ""), ("out", "--out "), ("config", "--config ")] {
        if let Some(path) = args.get_one::<PathBuf>(key) {
            command.push_str(&format!(" {flag}{}", path.display()));
        }
    }
    if let Some(name) = args.get_one::<String>("name") {
        command.push_str(&format!(" --name {name}"));
    }
    if let Some(how) = args.get_one::<String>("deserialize") {
        command.push_str(&format!(" --deserialize {how}"));
    }
    command
}

fn print_warnings(warnings: &str, verbose: bool) {
    if warnings.is_empty() {
        return;
    }
    let blocks: Vec<&str> = warnings.split("\nwarning: ").collect();
    let shown = if verbose {
        blocks.len()
    } else {
        WARNINGS_SHOWN
    };
    for (index, block) in blocks.iter().take(shown).enumerate() {
        if index == 0 {
            eprintln!("{block}");
        } else {
            eprintln!("warning: {block}");
        }
    }
    if blocks.len() > shown {
        eprintln!(
            "... and {} more warnings (--verbose shows them all)",
            blocks.len() - shown
        );
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
