//! `cargo xtask bench`: how fast the generator is, phase by phase, against a floor; how it
//! scales; and what the code it emits costs to compile. Run by hand, never in CI.
//!
//! Sections (any combination; none given means `--phases`):
//! - `--phases`: for `spec/openapi.yaml` and the three largest corpus documents, a warm-up
//!   run then `--runs` runs of each phase (`load`, `lower`, `emit`, `render`) and of the
//!   whole (`Generator::generate`), and of the floor: parsing the input into a generic value
//!   (same parsers, leanest value) plus `syn::parse_file` and `prettyplease::unparse` of the
//!   emitted code. Medians with min–max spread of wall time, median CPU time, each as a
//!   ratio to the floor, and the peak memory of one generation, in a child process.
//! - `--scaling`: synthetic documents of 10, 100, 1 000 and 10 000 schemas and operations
//!   ([`crate::synth`]), time per phase and peak memory, and the ratio to the size before.
//! - `--compare`: our generator and `cargo-progenitor` side by side (each as a process, a
//!   warm-up then `--runs` runs) on every corpus document and `spec/`.
//! - `--check-cost`: the crate-only `cargo check` of the generated crate (dependencies
//!   built once, sources touched, checked again without incremental compilation): CPU and
//!   wall time, peak `rustc` memory (`wait4`), lines; with all features and with one feature
//!   alone (`--feature`); for `spec/`, `progenitor-nexus.json` (the largest document
//!   progenitor generates) and the large documents, beside the crates of `cargo-progenitor`
//!   and `openapi-generator-cli` when they are installed; then the targets.
//! - `--decode`: decode and encode speed and allocations of real payloads through the
//!   generated types, beside serde's derive and `serde_json::Value` (`decode.rs`).
//!
//! `cargo xtask bench --child-steps <SPEC>` prints the resident memory after each step of one
//! generation (a memory profile by phase).
//!
//! The comparison tools are measuring instruments, not dependencies: each is looked up on
//! `PATH` (or `OAGEN_BENCH_PROGENITOR` / `OAGEN_BENCH_OPENAPI_GENERATOR`), and skipped, with a
//! message, when absent. Everything written goes under `target/bench/`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

mod check_cost;
mod compare;
mod decode;
mod payload;
mod phases;
mod scaling;

const USAGE: &str = "\
usage: cargo xtask bench [--phases] [--scaling] [--compare] [--check-cost] [--decode] [--all]
                         [--runs N] [--filter NAME] [--sizes 10,100,1000,10000]
                         [--feature [DOC=]NAME]... [--progenitor PATH] [--corpus DIR]
                         [--deserialize runtime|derive]
  Always runs in release mode (re-runs itself through `cargo run --release` when built for debug).
  --phases      time each phase and the floor for spec/ and the three largest corpus documents (default)
  --scaling     synthetic documents of --sizes schemas and operations
  --compare     side by side with cargo-progenitor on every corpus document (skipped if not installed)
  --check-cost  crate-only `cargo check` of the generated crates: CPU, wall, peak memory, lines;
                all features and one feature alone; progenitor's and openapi-generator's crates
                when installed; then the targets of issue 15 beside the results
  --decode      decode and encode real payloads (pages synthesized from the documents' schemas)
                through the generated types, serde's derive of the same types and serde_json::Value:
                `decode|encode PAYLOAD ours MBps derive MBps ratio R allocs OURS DERIVE value MBps ALLOCS`
  --instructions  with --decode: also the instructions one decoding of each payload executes, ours
                and the derive's, under valgrind's callgrind (the same count on a busy machine):
                `instructions PAYLOAD ours N derive N ratio R` (R > 1: ours executes fewer)
  --corpus DIR  the corpus documents (default ../shared/specs beside the workspace)
  --deserialize HOW  how our crates decode structs for --compare and --check-cost: `runtime`
                (the default) or `derive` (serde's derive)
  --feature F   the feature --check-cost checks alone: NAME for every document, or DOC=NAME for
                documents whose file name contains DOC (repeatable; defaults: `customers` for
                spec/ and Stripe, `issues` GitHub, `instances` nexus, `chat` OpenAI)
  --progenitor PATH  the `cargo-progenitor` executable (else OAGEN_BENCH_PROGENITOR, else PATH)
  --runs N      measured runs after one warm-up (default 5; --compare and --check-cost use at most 3)
  --filter NAME only documents whose file name contains NAME, or one of NAME,NAME... (--decode:
                payloads whose name does)";

/// The large corpus documents the issue names, in the order they are reported.
const LARGE: &[&str] = &[
    "stripe-spec3.yaml",
    "progenitor-api.github.com.json",
    "openai-openapi.yaml",
];

/// The largest corpus document `cargo-progenitor` 0.15 generates a crate for.
const PROGENITOR_LARGEST: &str = "progenitor-nexus.json";

#[derive(Debug, Clone)]
struct Options {
    phases: bool,
    scaling: bool,
    compare: bool,
    check_cost: bool,
    decode: bool,
    /// `--instructions`: with `--decode`, also count instructions under callgrind.
    instructions: bool,
    runs: usize,
    filter: Option<String>,
    sizes: Vec<usize>,
    /// `--feature [DOC=]NAME`: the feature `--check-cost` checks alone (see `check_cost`).
    features: Vec<String>,
    /// `--progenitor PATH`: `cargo-progenitor`, when it is not on `PATH`.
    progenitor: Option<PathBuf>,
    /// `--corpus DIR`: where the corpus documents are.
    corpus: Option<PathBuf>,
    /// `--deserialize HOW`: how our generated crates decode structs (`derive` or `runtime`).
    deserialize: Option<String>,
}

/// `cargo xtask bench ...`.
pub fn main(args: &[String]) -> ExitCode {
    // Hidden child modes: one generation in a fresh process, printing its peak memory.
    match args {
        [flag, path] if flag == "--child-peak" => {
            return phases::child_peak(phases::Source::File(path.into()));
        }
        [flag, path] if flag == "--child-steps" => return phases::child_steps(Path::new(path)),
        [flag, n] if flag == "--child-synth" => match n.parse() {
            Ok(n) => return phases::child_peak(phases::Source::Synthetic(n)),
            Err(_) => return usage("`--child-synth` needs a number"),
        },
        [flag] if flag == "--help" || flag == "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => return usage(&message),
    };
    if cfg!(debug_assertions) && std::env::var_os("OAGEN_BENCH_ALLOW_DEBUG").is_none() {
        return rerun_in_release(args);
    }
    println!(
        "bench: {} cores, load average at start {} (wall times suffer from other programs; CPU times much less)\n",
        std::thread::available_parallelism().map_or(0, usize::from),
        load_average()
    );
    let mut ok = true;
    if options.phases {
        ok &= phases::phases(&options);
    }
    if options.scaling {
        ok &= scaling::scaling(&options);
    }
    if options.compare {
        ok &= compare::compare(&options);
    }
    if options.check_cost {
        ok &= check_cost::check_cost(&options);
    }
    if options.decode {
        ok &= decode::decode(&options);
    }
    println!("bench: load average at end {}", load_average());
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The 1, 5 and 15 minute load averages, as the kernel prints them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        phases: false,
        scaling: false,
        compare: false,
        check_cost: false,
        decode: false,
        instructions: false,
        runs: 5,
        filter: None,
        sizes: vec![10, 100, 1_000, 10_000],
        features: Vec::new(),
        progenitor: None,
        corpus: None,
        deserialize: None,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--phases" => options.phases = true,
            "--scaling" => options.scaling = true,
            "--compare" => options.compare = true,
            "--check-cost" => options.check_cost = true,
            "--decode" => options.decode = true,
            "--instructions" => {
                options.decode = true;
                options.instructions = true;
            }
            "--deserialize" => {
                let how = iter
                    .next()
                    .ok_or("`--deserialize` needs `derive` or `runtime`")?;
                if how != "derive" && how != "runtime" {
                    return Err(format!(
                        "`--deserialize`: `{how}` is not `derive` or `runtime`"
                    ));
                }
                options.deserialize = Some(how.clone());
            }
            "--corpus" => {
                options.corpus = Some(PathBuf::from(
                    iter.next().ok_or("`--corpus` needs a folder")?,
                ))
            }
            "--all" => {
                options.phases = true;
                options.scaling = true;
                options.compare = true;
                options.check_cost = true;
                options.decode = true;
            }
            "--runs" => {
                let n = iter.next().ok_or("`--runs` needs a number")?;
                options.runs = n
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("`--runs` needs a number above 0")?;
            }
            "--filter" => {
                options.filter = Some(iter.next().ok_or("`--filter` needs a name")?.clone())
            }
            "--feature" => options.features.push(
                iter.next()
                    .ok_or("`--feature` needs a name, or DOC=NAME")?
                    .clone(),
            ),
            "--progenitor" => {
                options.progenitor = Some(PathBuf::from(
                    iter.next().ok_or("`--progenitor` needs a path")?,
                ))
            }
            "--sizes" => {
                let list = iter.next().ok_or("`--sizes` needs a list such as 10,100")?;
                options.sizes = list
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("`--sizes`: `{list}` is not a list of numbers"))?;
            }
            other => return Err(format!("unexpected argument `{other}` for `bench`")),
        }
    }
    if !(options.phases
        || options.scaling
        || options.compare
        || options.check_cost
        || options.decode)
    {
        options.phases = true;
    }
    Ok(options)
}

/// Timings of a debug build mean nothing: run the same command from a release build.
fn rerun_in_release(args: &[String]) -> ExitCode {
    eprintln!(
        "bench: this is a debug build; re-running as `cargo run --release -p xtask -- bench`"
    );
    let status = Command::new(cargo())
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "bench",
        ])
        .args(args)
        .current_dir(crate::workspace_root())
        .status();
    crate::child_exit_code(status)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

// ---------------------------------------------------------------------------------------
// Statistics

/// One measurement: wall-clock time, and CPU time (of this process, or of the child
/// processes), which other programs competing for the cores barely change.
#[derive(Debug, Clone, Copy, Default)]
struct Time {
    wall: Duration,
    cpu: Duration,
}

impl std::ops::Add for Time {
    type Output = Time;

    fn add(self, other: Time) -> Time {
        Time {
            wall: self.wall + other.wall,
            cpu: self.cpu + other.cpu,
        }
    }
}

/// The measured runs of one thing.
#[derive(Debug, Clone, Default)]
struct Samples(Vec<Time>);

fn median_of(mut values: Vec<Duration>) -> Duration {
    values.sort();
    match values.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

impl Samples {
    fn push(&mut self, t: Time) {
        self.0.push(t);
    }

    /// The median wall time.
    fn median(&self) -> Duration {
        median_of(self.0.iter().map(|t| t.wall).collect())
    }

    /// The median CPU time.
    fn cpu(&self) -> Duration {
        median_of(self.0.iter().map(|t| t.cpu).collect())
    }

    fn min(&self) -> Duration {
        self.0.iter().map(|t| t.wall).min().unwrap_or_default()
    }

    fn max(&self) -> Duration {
        self.0.iter().map(|t| t.wall).max().unwrap_or_default()
    }

    /// `median (min–max)` of the wall time, in milliseconds.
    fn cell(&self) -> String {
        format!(
            "{} ({}–{})",
            ms(self.median()),
            ms(self.min()),
            ms(self.max())
        )
    }
}

/// CPU clocks, through the C library (Linux; elsewhere CPU time reads as zero).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod cpu_clock {
    use std::time::Duration;

    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    #[repr(C)]
    struct Timeval {
        tv_sec: i64,
        tv_usec: i64,
    }

    #[repr(C)]
    struct Rusage {
        ru_utime: Timeval,
        ru_stime: Timeval,
        ru_rest: [i64; 14],
    }

    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
        fn wait4(pid: i32, status: *mut i32, options: i32, usage: *mut Rusage) -> i32;
    }

    fn empty_usage() -> Rusage {
        Rusage {
            ru_utime: Timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            ru_stime: Timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            ru_rest: [0; 14],
        }
    }

    fn micros(t: &Timeval) -> u64 {
        t.tv_sec.max(0) as u64 * 1_000_000 + t.tv_usec.max(0) as u64
    }

    /// Waits for the child `pid` (not yet waited for), returning whether it exited with 0
    /// (`None` for another code or a signal), its CPU time (user plus system, its waited-for
    /// descendants included) and the peak resident memory, in bytes, of it or of any of
    /// those descendants (Linux folds a reaped child's peak into its parent's). A `None`
    /// for the whole when the wait fails.
    pub fn wait_child(pid: u32) -> Option<(Option<i32>, Duration, u64)> {
        let pid = i32::try_from(pid).ok()?;
        let mut status = 0;
        let mut usage = empty_usage();
        loop {
            // SAFETY: `status` and `usage` are valid and writable (`usage` is a `struct
            // rusage`: two `timeval`s and fourteen longs on 64-bit Linux); `pid` is a child
            // of this process that `std` has not reaped.
            let got = unsafe { wait4(pid, &mut status, 0, &mut usage) };
            if got == pid {
                break;
            }
            // EINTR: wait again; anything else is a failure.
            if got != -1
                || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                return None;
            }
        }
        // WIFEXITED and WEXITSTATUS, as glibc defines them.
        let code = (status & 0x7f == 0).then_some((status >> 8) & 0xff);
        let cpu = Duration::from_micros(micros(&usage.ru_utime) + micros(&usage.ru_stime));
        // `ru_maxrss`, in kilobytes, is the first long after the two times.
        let peak = u64::try_from(usage.ru_rest[0]).unwrap_or(0) * 1024;
        Some((code, cpu, peak))
    }

    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    const RUSAGE_CHILDREN: i32 = -1;

    /// CPU time used by this process's threads so far: the generator's own rendering
    /// threads included (xtask runs nothing else while it measures).
    pub fn process() -> Duration {
        let mut time = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is a valid, writable `struct timespec` (two 64-bit fields on 64-bit
        // Linux), and the clock id is a constant the kernel defines.
        let ok = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut time) } == 0;
        if ok {
            Duration::new(
                time.tv_sec.max(0) as u64,
                time.tv_nsec.clamp(0, 999_999_999) as u32,
            )
        } else {
            Duration::ZERO
        }
    }

    /// User plus system CPU time of every child process waited for so far (and of their
    /// waited-for descendants, such as the `rustc`s of a `cargo check`).
    pub fn children() -> Duration {
        let mut usage = empty_usage();
        // SAFETY: `usage` is a valid, writable `struct rusage` (two `timeval`s and fourteen
        // longs on 64-bit Linux).
        let ok = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) } == 0;
        if ok {
            Duration::from_micros(micros(&usage.ru_utime) + micros(&usage.ru_stime))
        } else {
            Duration::ZERO
        }
    }
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
mod cpu_clock {
    use std::time::Duration;

    pub fn process() -> Duration {
        Duration::ZERO
    }

    pub fn children() -> Duration {
        Duration::ZERO
    }

    pub fn wait_child(_pid: u32) -> Option<(Option<i32>, Duration, u64)> {
        None
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

fn ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        "-".to_owned()
    } else {
        format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
    }
}

/// A stopwatch for the steps of one call: [`Lap::lap`] is the time since the last lap.
struct Lap {
    wall: Instant,
    cpu: Duration,
}

impl Lap {
    fn start() -> Lap {
        Lap {
            wall: Instant::now(),
            cpu: cpu_clock::process(),
        }
    }

    fn lap(&mut self) -> Time {
        let next = Lap::start();
        let time = Time {
            wall: next.wall - self.wall,
            cpu: next.cpu.saturating_sub(self.cpu),
        };
        *self = next;
        time
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Time) {
    let (started, cpu) = (Instant::now(), cpu_clock::process());
    let value = f();
    let time = Time {
        wall: started.elapsed(),
        cpu: cpu_clock::process().saturating_sub(cpu),
    };
    (value, time)
}

/// Runs a command to completion, returning its wall time, or its output when it failed.
fn run_timed(command: &mut Command) -> Result<Time, String> {
    let (started, cpu) = (Instant::now(), cpu_clock::children());
    let output = command.output().map_err(|e| e.to_string())?;
    let elapsed = Time {
        wall: started.elapsed(),
        cpu: cpu_clock::children().saturating_sub(cpu),
    };
    if output.status.success() {
        Ok(elapsed)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last = stderr
            .lines()
            .chain(stdout.lines())
            .filter(|l| !l.trim().is_empty())
            .find(|l| l.contains("rror") || l.contains("panicked"))
            .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
            .unwrap_or("")
            .trim()
            .chars()
            .take(160)
            .collect::<String>();
        Err(format!(
            "exit {}: {last}",
            output.status.code().unwrap_or(-1)
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Documents

/// `spec/openapi.yaml` and the large corpus documents that exist, filtered.
fn phase_documents(filter: Option<&str>) -> Vec<PathBuf> {
    let root = crate::workspace_root();
    let corpus = crate::corpus::default_dir();
    std::iter::once(root.join("spec/openapi.yaml"))
        .chain(LARGE.iter().map(|name| corpus.join(name)))
        .filter(|path| matches_filter(path, filter))
        .collect()
}

/// Whether the document's file name contains the filter, or one of its comma-separated names.
fn matches_filter(path: &Path, filter: Option<&str>) -> bool {
    let name = file_name(path);
    filter.is_none_or(|f| f.split(',').any(|f| name.contains(f)))
}

/// The name a document is reported (and filtered) by: its file name, or `spec/openapi.yaml`
/// for the repository's own document.
fn file_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "spec")
    {
        format!("spec/{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let mut s = Samples::default();
        for ms in [5, 1, 3] {
            s.push(Time {
                wall: Duration::from_millis(ms),
                cpu: Duration::from_millis(ms),
            });
        }
        assert_eq!(s.median(), Duration::from_millis(3));
        assert_eq!(s.min(), Duration::from_millis(1));
        assert_eq!(s.max(), Duration::from_millis(5));
        s.push(Time {
            wall: Duration::from_millis(4),
            cpu: Duration::from_millis(4),
        });
        assert_eq!(s.median(), Duration::from_micros(3500));
        assert_eq!(s.cpu(), Duration::from_micros(3500));
    }

    #[test]
    fn options() {
        let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let o = parse(&args("")).unwrap();
        assert!(o.phases && !o.scaling && !o.compare && !o.check_cost);
        let o = parse(&args("--scaling --runs 3 --sizes 10,20")).unwrap();
        assert!(!o.phases && o.scaling && o.runs == 3 && o.sizes == [10, 20]);
        assert!(parse(&args("--runs 0")).is_err());
        assert!(parse(&args("--bogus")).is_err());
    }
}
