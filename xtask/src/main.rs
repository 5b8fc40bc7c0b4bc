//! `cargo xtask codegen [--check]` and `cargo xtask generate <SPEC> --out <DIR> [--name <CRATE>] [--check]`.
//!
//! Exit codes: 0 success; 1 the document has errors (diagnostics printed); 2 usage or I/O
//! error; 3 `--check` found stale files (each one named).

use std::path::PathBuf;
use std::process::ExitCode;

use oagen::Severity;
use xtask::{Error, Mode, Outcome, Task};

/// glibc's allocator slows down as the heap grows: generating a 10 000-schema document holds
/// hundreds of megabytes of tokens in millions of small allocations, and `malloc` then spent a
/// third of all cycles searching its free lists (`cargo xtask bench --scaling`: 16x the time
/// for 10x the schemas). mimalloc keeps allocation cost flat.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]
      Regenerate generated/ from spec/openapi.yaml, configured by spec/oagen.toml (--check: fail,
      naming each stale file, if it differs). The `oagen` command does the same for any repository.
  cargo xtask generate <SPEC> --out <DIR> [--name <CRATE>] [--check] [--explain] [--deserialize HOW] [--serialize WHICH]
      Generate a standalone client crate for any OpenAPI 3.0/3.1 document (YAML or JSON).
      --deserialize derive: structs decode through serde's derive (default: runtime).
      --serialize all: every type implements Serialize (default: sent, only what requests send).
      --explain: also print notes on what was not generated where it might be expected
      (operations that look paginated but match no pagination style).
  cargo xtask corpus [--filter NAME] [--dir DIR] [--examples | --pagination]
      Generate and `cargo check` a crate for every document in ../shared/specs (slow).
      --examples: decode every example of each document into its type and encode it back;
      fails when the generator is at fault (the document's own faults are listed).
      --pagination: count each document's list operations and those with `paginate()` (and
      spec/openapi.yaml's), without generating anything.
  cargo xtask package [CARGO PACKAGE OPTIONS]
      `cargo package` for oagen-runtime and oagen, with the runtime's source copied into
      generator/runtime-source/ (a published oagen cannot read ../runtime to vendor it).
  cargo xtask fuzz [--cases N]
      The fuzz and hostile-name property tests with N cases (default 20000), in release mode.
  cargo xtask bench [--phases] [--scaling] [--compare] [--check-cost] [--decode] [--all] [--runs N] [--filter NAME]
      Time each phase against a floor, the scaling run, progenitor side by side, the
      `cargo check` cost of generated crates, and decoding through them, in release mode
      (see `cargo xtask bench --help`).";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let explain = args.first().map(String::as_str) == Some("generate")
        && args.iter().any(|arg| arg == "--explain");
    args.retain(|arg| !explain || arg != "--explain");
    let parsed = match args.first().map(String::as_str) {
        Some("codegen") => parse_codegen(&args[1..]),
        Some("generate") => parse_generate(&args[1..]),
        Some("corpus") => return corpus(&args[1..]),
        Some("fuzz") => return fuzz(&args[1..]),
        Some("package") => return package(&args[1..]),
        Some("bench") => return xtask::bench::main(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`")),
        None => Err("no task given".to_owned()),
    };
    let (task, mode) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let result = task
        .generator()
        .run_with_progress(&task.spec, &task.out, mode, &mut |step| {
            if let oagen::Progress::Lowered {
                types, operations, ..
            } = step
            {
                eprintln!(
                    "{}: {types} types, {operations} operations",
                    task.spec.display()
                );
            }
        });
    let code = report(&task, mode, explain, result);
    eprintln!("({:.2} s)", started.elapsed().as_secs_f64());
    code
}

fn parse_codegen(args: &[String]) -> Result<(Task, Mode), String> {
    let mut mode = Mode::Write;
    for arg in args {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            other => return Err(format!("unexpected argument `{other}` for `codegen`")),
        }
    }
    Ok((xtask::codegen_task().map_err(|err| err.to_string())?, mode))
}

fn parse_generate(args: &[String]) -> Result<(Task, Mode), String> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut decoder = None;
    let mut encoder = None;
    let mut mode = Mode::Write;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--out" => {
                out = Some(PathBuf::from(
                    iter.next().ok_or("`--out` needs a directory")?,
                ))
            }
            "--name" => name = Some(iter.next().ok_or("`--name` needs a crate name")?.clone()),
            "--deserialize" => {
                decoder = Some(match iter.next().map(String::as_str) {
                    Some("derive") => oagen::Decoder::Derive,
                    Some("runtime") => oagen::Decoder::Runtime,
                    _ => return Err("`--deserialize` needs `derive` or `runtime`".to_owned()),
                })
            }
            "--serialize" => {
                encoder = Some(match iter.next().map(String::as_str) {
                    Some("sent") => oagen::Encoder::Sent,
                    Some("all") => oagen::Encoder::All,
                    _ => return Err("`--serialize` needs `sent` or `all`".to_owned()),
                })
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            path if spec.is_none() => spec = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    let spec = spec.ok_or("`generate` needs the path of an OpenAPI document")?;
    let out = out.ok_or("`generate` needs `--out <DIR>`")?;
    if let Some(name) = &name {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && name.starts_with(|c: char| c.is_ascii_alphabetic());
        if !valid {
            return Err(format!("`{name}` is not a valid crate name"));
        }
    }
    let mut task = xtask::generate_task(&spec, &out, name);
    if let Some(decoder) = decoder {
        task.settings.types.deserialize = decoder;
    }
    if let Some(encoder) = encoder {
        task.settings.types.serialize = encoder;
    }
    Ok((task, mode))
}

fn report(task: &Task, mode: Mode, explain: bool, result: Result<Outcome, Error>) -> ExitCode {
    if let Ok(outcome) = &result {
        for diagnostic in &outcome.report().diagnostics {
            if diagnostic.severity == Severity::Warning
                || (explain && diagnostic.severity == Severity::Note)
            {
                eprintln!("{diagnostic}");
            }
        }
    }
    match &result {
        Ok(Outcome::Written {
            crate_name, files, ..
        }) => {
            if files.is_empty() {
                eprintln!("{}: crate `{crate_name}` is up to date", task.out.display());
            } else {
                for file in files {
                    eprintln!("wrote {}", file.display());
                }
            }
        }
        Ok(Outcome::UpToDate { .. }) => {
            eprintln!(
                "{} is up to date with {}",
                task.out.display(),
                task.spec.display()
            );
        }
        Ok(Outcome::Stale { files, .. }) => {
            for (path, staleness) in files {
                eprintln!("stale: {} {staleness}", path.display());
            }
            let command = match mode {
                Mode::Check => task.settings.command.as_deref().unwrap_or_default(),
                Mode::Write => "",
            };
            eprintln!("run `{command}` to regenerate");
        }
        Err(err @ Error::Document(_)) => {
            eprintln!("{err}");
            eprintln!(
                "error: {} has errors; nothing was written",
                task.spec.display()
            );
        }
        Err(err) => eprintln!("{err}"),
    }
    ExitCode::from(xtask::exit_code(&result))
}

fn corpus(args: &[String]) -> ExitCode {
    let mut filter = None;
    let mut dir = None;
    let examples = args.iter().any(|a| a == "--examples");
    let pagination = args.iter().any(|a| a == "--pagination");
    let mut iter = args
        .iter()
        .filter(|a| *a != "--examples" && *a != "--pagination");
    while let Some(arg) = iter.next() {
        match (arg.as_str(), iter.next()) {
            ("--filter", Some(value)) => filter = Some(value.clone()),
            ("--dir", Some(value)) => dir = Some(PathBuf::from(value)),
            (other, _) => {
                eprintln!("error: unexpected argument `{other}` for `corpus`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    // Without `--dir`: the corpus of OpenAPI 3 documents, then the Swagger 2.0 ones.
    let dirs = match dir {
        Some(dir) => vec![dir],
        None => vec![xtask::corpus::default_dir(), xtask::corpus::swagger2_dir()],
    };
    let found: Result<Vec<PathBuf>, (PathBuf, std::io::Error)> =
        dirs.iter().try_fold(Vec::new(), |mut all, dir| {
            let found = xtask::corpus::documents(dir, filter.as_deref())
                .map_err(|err| (dir.clone(), err))?;
            all.extend(found);
            Ok(all)
        });
    let dir = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let documents = match found {
        Ok(documents) if !documents.is_empty() => documents,
        Ok(_) => {
            eprintln!("error: no documents in {dir} match");
            return ExitCode::from(2);
        }
        Err((dir, err)) => {
            eprintln!("error: {}: {err}", dir.display());
            return ExitCode::from(2);
        }
    };
    let root = xtask::workspace_root();
    if pagination {
        let mut documents = documents;
        documents.push(root.join("spec/openapi.yaml"));
        let rows = xtask::corpus::pagination::run(&documents);
        for row in &rows {
            for op in row.counts.iter().flat_map(|c| &c.unpaginated) {
                eprintln!("{}: not paginated: {op}", row.document);
            }
            for op in row.counts.iter().flat_map(|c| &c.paginated_ops) {
                eprintln!("{}: paginated: {op}", row.document);
            }
        }
        println!("{}", xtask::corpus::pagination::table(&rows));
        return ExitCode::SUCCESS;
    }
    let scratch = root.join("target/corpus/crates");
    let target_dir = root.join("target/corpus/target");
    if examples {
        return corpus_examples(&documents, &scratch, &target_dir);
    }
    let mut rows = Vec::new();
    for document in &documents {
        let row = xtask::corpus::run_one(document, &scratch, &target_dir);
        eprintln!(
            "{}: generate {:?}, check {:?} ({:.1}s)",
            row.document,
            row.generated,
            row.checked,
            row.generate_time.as_secs_f64() + row.check_time.as_secs_f64()
        );
        rows.push(row);
    }
    println!("{}", xtask::corpus::table(&rows));
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.failed())
        .map(|r| r.document.as_str())
        .collect();
    if failed.is_empty() {
        println!(
            "{} documents: no panic, every generated crate compiles without errors or warnings",
            rows.len()
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "failed: {} (logs: target/corpus/crates/*/check.log)",
            failed.join(", ")
        );
        ExitCode::from(1)
    }
}

fn corpus_examples(
    documents: &[PathBuf],
    scratch: &std::path::Path,
    target_dir: &std::path::Path,
) -> ExitCode {
    use xtask::corpus::examples;
    let mut reports = Vec::new();
    for document in documents {
        let report = examples::run_one(document, scratch, target_dir);
        eprintln!(
            "{}: {} examples, {} the generator's fault{}",
            report.document,
            report.outcomes.len(),
            report.count(|o| matches!(o, examples::Outcome::Generator(_))),
            report
                .failure
                .as_deref()
                .map(|f| format!(" (FAILED: {f})"))
                .unwrap_or_default()
        );
        reports.push(report);
    }
    println!("{}", examples::table(&reports));
    if reports.iter().any(examples::Report::failed) {
        println!("failed: some examples fail because of the generator (listed above)");
        ExitCode::from(1)
    } else {
        println!("no example fails because of the generator");
        ExitCode::SUCCESS
    }
}

/// The long fuzz run: the same property tests `cargo test` runs briefly, with many cases.
fn fuzz(args: &[String]) -> ExitCode {
    let cases = match args {
        [] => 20_000,
        [flag, n] if flag == "--cases" => match n.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("error: `--cases` needs a number\n\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("error: unexpected arguments for `fuzz`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args([
            "test",
            "--release",
            "-p",
            "oagen-tests",
            "--test",
            "fuzz",
            "--",
            "--nocapture",
        ])
        .env("PROPTEST_CASES", cases.to_string())
        .current_dir(xtask::workspace_root())
        .status();
    xtask::child_exit_code(status)
}

/// `cargo package -p oagen-runtime -p oagen`, after copying the runtime's source into the
/// generator's package (see generator/build.rs), so the published `oagen` vendors the
/// runtime of its own release.
fn package(args: &[String]) -> ExitCode {
    let root = xtask::workspace_root();
    if let Err(err) = xtask::copy_runtime_source(&root) {
        eprintln!("error: cannot copy the runtime into generator/runtime-source: {err}");
        return ExitCode::from(2);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args([
            "package",
            "-p",
            "oagen-runtime",
            "-p",
            "oagen",
            "--allow-dirty",
        ])
        .args(args)
        .current_dir(&root)
        .status();
    xtask::child_exit_code(status)
}
