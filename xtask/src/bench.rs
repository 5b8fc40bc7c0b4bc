//! `cargo xtask bench`: how fast the generator is, phase by phase, against a floor; how it
//! scales; and what the code it emits costs to compile. Run by hand, never in CI.
//!
//! Sections (any combination; none given means `--phases`):
//! - `--phases`: for `spec/openapi.yaml` and the three largest corpus documents, a warm-up
//!   run then `--runs` runs of each phase (`load`, `lower`, `emit`, `render`) and of the
//!   whole (`oagen::generate`), and of the floor: parsing the input into a generic value
//!   (same parsers, leanest value) plus `syn::parse_file` and `prettyplease::unparse` of the
//!   emitted code. Medians with min–max spread of wall time, median CPU time, each as a
//!   ratio to the floor, and the peak memory of one generation, in a child process.
//! - `--scaling`: synthetic documents of 10, 100, 1 000 and 10 000 schemas and operations
//!   ([`crate::synth`]), time per phase and peak memory, and the ratio to the size before.
//! - `--compare`: our generator and `cargo-progenitor` side by side (each as a process, a
//!   warm-up then `--runs` runs) on every corpus document and `spec/`.
//! - `--check-cost`: `cargo check` time (warm dependency cache: built once, sources
//!   touched, checked again) and line count of the generated crate for `spec/`, the large
//!   documents and `progenitor-nexus.json` (the largest one progenitor generates), beside
//!   the crates of `cargo-progenitor` and `openapi-generator-cli` when they are installed.
//!
//! `cargo xtask bench --child-steps <SPEC>` prints the resident memory after each step of one
//! generation (a memory profile by phase).
//!
//! The comparison tools are measuring instruments, not dependencies: each is looked up on
//! `PATH` (or `OAGEN_BENCH_PROGENITOR` / `OAGEN_BENCH_OPENAPI_GENERATOR`), and skipped, with a
//! message, when absent. Everything written goes under `target/bench/`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde::de::{
    Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use oagen::{Config, Diagnostics, ManifestKind, RuntimeDependency};

const USAGE: &str = "\
usage: cargo xtask bench [--phases] [--scaling] [--compare] [--check-cost] [--all]
                         [--runs N] [--filter NAME] [--sizes 10,100,1000,10000]
  Always runs in release mode (re-runs itself through `cargo run --release` when built for debug).
  --phases      time each phase and the floor for spec/ and the three largest corpus documents (default)
  --scaling     synthetic documents of --sizes schemas and operations
  --compare     side by side with cargo-progenitor on every corpus document (skipped if not installed)
  --check-cost  `cargo check` time and lines of the generated crates (and of progenitor's and
                openapi-generator's, when installed)
  --runs N      measured runs after one warm-up (default 5; --compare and --check-cost use at most 3)
  --filter NAME only documents whose file name contains NAME";

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
    runs: usize,
    filter: Option<String>,
    sizes: Vec<usize>,
}

/// `cargo xtask bench ...`.
pub fn main(args: &[String]) -> ExitCode {
    // Hidden child modes: one generation in a fresh process, printing its peak memory.
    match args {
        [flag, path] if flag == "--child-peak" => return child_peak(Source::File(path.into())),
        [flag, path] if flag == "--child-steps" => return child_steps(Path::new(path)),
        [flag, n] if flag == "--child-synth" => match n.parse() {
            Ok(n) => return child_peak(Source::Synthetic(n)),
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
        ok &= phases(&options);
    }
    if options.scaling {
        ok &= scaling(&options);
    }
    if options.compare {
        ok &= compare(&options);
    }
    if options.check_cost {
        ok &= check_cost(&options);
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
        runs: 5,
        filter: None,
        sizes: vec![10, 100, 1_000, 10_000],
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--phases" => options.phases = true,
            "--scaling" => options.scaling = true,
            "--compare" => options.compare = true,
            "--check-cost" => options.check_cost = true,
            "--all" => {
                options.phases = true;
                options.scaling = true;
                options.compare = true;
                options.check_cost = true;
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
    if !(options.phases || options.scaling || options.compare || options.check_cost) {
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

/// One measurement: wall-clock time, and CPU time (of this thread, or of the child
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
    }

    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    const RUSAGE_CHILDREN: i32 = -1;

    /// CPU time used by the calling thread so far.
    pub fn thread() -> Duration {
        let mut time = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is a valid, writable `struct timespec` (two 64-bit fields on 64-bit
        // Linux), and the clock id is a constant the kernel defines.
        let ok = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) } == 0;
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
        let zero = Timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        let mut usage = Rusage {
            ru_utime: zero,
            ru_stime: Timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            ru_rest: [0; 14],
        };
        // SAFETY: `usage` is a valid, writable `struct rusage` (two `timeval`s and fourteen
        // longs on 64-bit Linux).
        let ok = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) } == 0;
        let micros = |t: &Timeval| t.tv_sec.max(0) as u64 * 1_000_000 + t.tv_usec.max(0) as u64;
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

    pub fn thread() -> Duration {
        Duration::ZERO
    }

    pub fn children() -> Duration {
        Duration::ZERO
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

fn timed<T>(f: impl FnOnce() -> T) -> (T, Time) {
    let (started, cpu) = (Instant::now(), cpu_clock::thread());
    let value = f();
    let time = Time {
        wall: started.elapsed(),
        cpu: cpu_clock::thread().saturating_sub(cpu),
    };
    (value, time)
}

// ---------------------------------------------------------------------------------------
// Phases

fn config(name: &str) -> Config {
    Config {
        crate_name: Some("bench-client".to_owned()),
        runtime: RuntimeDependency::Path("../runtime".to_owned()),
        manifest: ManifestKind::Standalone,
        command: "cargo xtask bench".to_owned(),
        spec_name: name.to_owned(),
        ..Default::default()
    }
}

/// One run of everything measured for a document.
#[derive(Debug, Default, Clone)]
struct PhaseRuns {
    floor_parse: Samples,
    floor_code: Samples,
    floor: Samples,
    load: Samples,
    lower: Samples,
    emit: Samples,
    render: Samples,
    whole: Samples,
}

/// What one generation produced, for the report.
#[derive(Debug, Default, Clone, Copy)]
struct Size {
    types: usize,
    operations: usize,
    lines: usize,
}

/// Parses the input into a generic value, with the parsers the generator's `load` uses
/// (`serde_json` for JSON, `serde_yaml` for YAML) and the leanest value there is: an enum
/// with maps as vectors of pairs (no hashing, no key checks). Not `serde_yaml::Value`, which
/// cannot hold the integers beyond 64 bits that real documents have (OpenAI's).
fn generic_parse(text: &str) -> Result<(), String> {
    let value = if text.trim_start().starts_with(['{', '[']) {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Generic::deserialize(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        value
    } else {
        Generic::deserialize(serde_yaml::Deserializer::from_str(text)).map_err(|e| e.to_string())?
    };
    drop(black_box(value));
    Ok(())
}

/// Any JSON or YAML value.
#[allow(
    dead_code,
    reason = "built and dropped, never read: only the parse is measured"
)]
enum Generic {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    String(String),
    List(Vec<Generic>),
    Map(Vec<(Generic, Generic)>),
}

impl<'de> Deserialize<'de> for Generic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(GenericVisitor)
    }
}

struct GenericVisitor;

impl<'de> Visitor<'de> for GenericVisitor {
    type Value = Generic;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_unit<E>(self) -> Result<Generic, E> {
        Ok(Generic::Null)
    }

    fn visit_none<E>(self) -> Result<Generic, E> {
        Ok(Generic::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Generic, D::Error> {
        Generic::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Generic, E> {
        Ok(Generic::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Generic, E> {
        Ok(Generic::Int(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Generic, E> {
        Ok(Generic::Int(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Generic, E> {
        Ok(Generic::Int(v))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Generic, E> {
        Ok(i128::try_from(v).map_or(Generic::Float(v as f64), Generic::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Generic, E> {
        Ok(Generic::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Generic, E> {
        Ok(Generic::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Generic, E> {
        Ok(Generic::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Generic, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Generic::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Generic, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Generic::Map(entries))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Generic, A::Error> {
        // A YAML tag (`!Tag value`): keep the value, as the generator does.
        let (_tag, variant): (Generic, _) = data.variant()?;
        variant.newtype_variant()
    }
}

/// `syn::parse_file` and `prettyplease::unparse` of each emitted Rust file.
fn reformat(files: &[String]) -> Result<(), String> {
    for text in files {
        let file = syn::parse_file(text).map_err(|e| e.to_string())?;
        black_box(prettyplease::unparse(&file));
    }
    Ok(())
}

/// One run: every phase, the whole, the floor. Returns the emitted Rust sources.
fn run_phases(
    bytes: &[u8],
    name: &str,
    runs: &mut PhaseRuns,
) -> Result<(Vec<String>, Size), String> {
    let config = config(name);
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;

    let (parsed, floor_parse) = timed(|| generic_parse(text));
    parsed?;

    let mut diags = Diagnostics::default();
    let (doc, load) = timed(|| oagen::load::load(bytes, &mut diags));
    let doc = doc.ok_or("load failed")?;
    // `generate` drops the document once it is lowered: so does this phase.
    let (api, lower) = timed(|| {
        let api = oagen::lower::lower(&doc, &mut diags);
        drop(doc);
        api
    });
    let api = api.ok_or("lower failed")?;
    if diags.has_errors() {
        return Err("the document has errors".to_owned());
    }
    let (files, emit) = timed(|| oagen::emit::emit(&api));
    let header = format!("@generated by `cargo xtask bench` from `{name}`");
    let size = Size {
        types: api.types.len(),
        operations: api.operations.len(),
        lines: 0,
    };
    // ... and the IR once the files are rendered: so does this phase.
    let (rendered, render) = timed(|| {
        let rendered = files
            .into_iter()
            .map(|file| oagen::render::render(file.tokens, &header))
            .collect::<Result<Vec<String>, String>>();
        drop(api);
        rendered
    });
    let rendered = rendered?;
    let size = Size {
        lines: rendered.iter().map(|t| t.lines().count()).sum(),
        ..size
    };

    let (output, whole) = timed(|| oagen::generate(bytes, &config));
    output.map_err(|f| f.render(name))?;

    let (reformatted, floor_code) = timed(|| reformat(&rendered));
    reformatted?;

    runs.floor_parse.push(floor_parse);
    runs.floor_code.push(floor_code);
    runs.floor.push(floor_parse + floor_code);
    runs.load.push(load);
    runs.lower.push(lower);
    runs.emit.push(emit);
    runs.render.push(render);
    runs.whole.push(whole);
    Ok((rendered, size))
}

/// A warm-up run, then `runs` measured ones.
fn measure(bytes: &[u8], name: &str, runs: usize) -> Result<(PhaseRuns, Size), String> {
    let mut warm_up = PhaseRuns::default();
    let (_, size) = run_phases(bytes, name, &mut warm_up)?;
    let mut measured = PhaseRuns::default();
    for _ in 0..runs {
        run_phases(bytes, name, &mut measured)?;
    }
    Ok((measured, size))
}

fn phase_table(out: &mut String, runs: &PhaseRuns) {
    let floor = &runs.floor;
    let _ = writeln!(
        out,
        "| phase | wall ms: median (min–max) | wall / floor | CPU ms: median | CPU / floor |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let rows: [(&str, &Samples); 8] = [
        ("load", &runs.load),
        ("lower", &runs.lower),
        ("emit", &runs.emit),
        ("render", &runs.render),
        ("**whole** (`oagen::generate`)", &runs.whole),
        ("floor: generic parse", &runs.floor_parse),
        ("floor: syn + prettyplease", &runs.floor_code),
        ("**floor**", &runs.floor),
    ];
    for (label, samples) in rows {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} |",
            samples.cell(),
            ratio(samples.median(), floor.median()),
            ms(samples.cpu()),
            ratio(samples.cpu(), floor.cpu()),
        );
    }
}

/// Peak resident memory (kB) of one generation in a fresh process.
fn peak_memory(source: &str) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (flag, value) = match source.strip_prefix("synthetic:") {
        Some(n) => ("--child-synth", n),
        None => ("--child-peak", source),
    };
    let output = Command::new(exe)
        .args(["bench", flag, value])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("child failed: {text}"));
    }
    text.lines()
        .find_map(|line| line.strip_prefix("peak_kb "))
        .and_then(|kb| kb.trim().parse().ok())
        .ok_or_else(|| format!("child printed no peak: {text}"))
}

enum Source {
    File(PathBuf),
    Synthetic(usize),
}

/// In the child: the process's peak so far (`VmHWM`), in kB.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn child_peak(source: Source) -> ExitCode {
    let before = vm_hwm_kb().unwrap_or(0);
    let (bytes, name) = match source {
        Source::File(path) => match std::fs::read(&path) {
            Ok(bytes) => (bytes, path.display().to_string()),
            Err(err) => {
                eprintln!("error: {}: {err}", path.display());
                return ExitCode::from(2);
            }
        },
        Source::Synthetic(n) => (
            crate::synth::document(n).into_bytes(),
            format!("synthetic {n}"),
        ),
    };
    let output = oagen::generate(&bytes, &config(&name));
    drop(bytes);
    let ok = output.is_ok();
    drop(output);
    match vm_hwm_kb() {
        Some(kb) if ok => {
            println!("peak_kb {kb}");
            println!("start_kb {before}");
            ExitCode::SUCCESS
        }
        Some(_) => {
            eprintln!("error: {name} did not generate");
            ExitCode::from(1)
        }
        None => {
            eprintln!("error: cannot read VmHWM from /proc/self/status (Linux only)");
            ExitCode::from(2)
        }
    }
}

/// In the child: the steps of `oagen::generate` one by one, in the same order, printing the
/// resident memory after each and the peak so far: which step sets the peak.
fn child_steps(path: &Path) -> ExitCode {
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("error: cannot read {}", path.display());
        return ExitCode::from(2);
    };
    let report = |step: &str| {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        println!(
            "step {step}: VmRSS {}, VmHWM {}",
            field("VmRSS:"),
            field("VmHWM:")
        );
    };
    report("start");
    let mut diags = Diagnostics::default();
    let Some(doc) = oagen::load::load(&bytes, &mut diags) else {
        return ExitCode::from(1);
    };
    report("load (document value held)");
    let Some(api) = oagen::lower::lower(&doc, &mut diags) else {
        return ExitCode::from(1);
    };
    report("lower (document and IR held)");
    drop(doc);
    report("document dropped (IR held)");
    let files = oagen::emit::emit(&api);
    report("emit (IR and every file's tokens held)");
    let mut rendered = Vec::new();
    for file in files {
        let path = file.path;
        match oagen::render::render(file.tokens, "bench") {
            Ok(text) => rendered.push(text),
            Err(_) => return ExitCode::from(1),
        }
        report(&format!("render {path}"));
    }
    let lines: usize = rendered.iter().map(|t| t.lines().count()).sum();
    let bytes_out: usize = rendered.iter().map(String::len).sum();
    println!(
        "output: {lines} lines, {:.1} MB of text",
        bytes_out as f64 / 1e6
    );
    ExitCode::SUCCESS
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

/// `spec/openapi.yaml` and the large corpus documents that exist, filtered.
fn phase_documents(filter: Option<&str>) -> Vec<PathBuf> {
    let root = crate::workspace_root();
    let corpus = crate::corpus::default_dir();
    std::iter::once(root.join("spec/openapi.yaml"))
        .chain(LARGE.iter().map(|name| corpus.join(name)))
        .filter(|path| matches_filter(path, filter))
        .collect()
}

fn matches_filter(path: &Path, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| file_name(path).contains(f))
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

fn phases(options: &Options) -> bool {
    let mut ok = true;
    let mut summary = String::new();
    let _ = writeln!(
        summary,
        "| document | size | types | ops | lines | whole ms (wall) | floor ms (wall) | whole / floor (wall) | whole / floor (CPU) | peak memory |"
    );
    let _ = writeln!(
        summary,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    println!(
        "## Phases ({} runs after a warm-up; median and min–max, in ms)\n",
        options.runs
    );
    for path in phase_documents(options.filter.as_deref()) {
        let name = file_name(&path);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                println!(
                    "### {name}\n\nskipped: cannot read {}: {err}\n",
                    path.display()
                );
                continue;
            }
        };
        eprintln!("bench: {name}...");
        let (runs, size) = match measure(&bytes, &name, options.runs) {
            Ok(result) => result,
            Err(err) => {
                println!("### {name}\n\nFAILED: {err}\n");
                ok = false;
                continue;
            }
        };
        let peak = peak_memory(&path.display().to_string());
        let mut table = String::new();
        phase_table(&mut table, &runs);
        println!(
            "### {name} ({:.1} MB, {} types, {} operations, {} lines of Rust)\n\n{table}",
            bytes.len() as f64 / 1e6,
            size.types,
            size.operations,
            size.lines
        );
        let peak = match peak {
            Ok(kb) => mb(kb),
            Err(err) => {
                ok = false;
                format!("error: {err}")
            }
        };
        println!("peak memory of one generation (VmHWM, own process): {peak}\n");
        let _ = writeln!(
            summary,
            "| {name} | {:.1} MB | {} | {} | {} | {} | {} | {} | {} | {peak} |",
            bytes.len() as f64 / 1e6,
            size.types,
            size.operations,
            size.lines,
            ms(runs.whole.median()),
            ms(runs.floor.median()),
            ratio(runs.whole.median(), runs.floor.median()),
            ratio(runs.whole.cpu(), runs.floor.cpu()),
        );
    }
    println!("### Summary\n\n{summary}");
    ok
}

// ---------------------------------------------------------------------------------------
// Scaling

fn scaling(options: &Options) -> bool {
    let mut ok = true;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| schemas + ops | input | lines | load | lower | emit | render | whole (wall, min–max) | whole (CPU) | floor (wall) | whole / floor (wall, CPU) | peak memory | whole / previous size (wall, CPU) |"
    );
    let _ = writeln!(
        table,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut previous: Option<(usize, Duration, Duration)> = None;
    for &n in &options.sizes {
        eprintln!("bench: synthetic {n}...");
        let text = crate::synth::document(n);
        // The largest sizes take seconds a run; three runs still give a median.
        let runs = if n >= 10_000 {
            options.runs.min(3)
        } else {
            options.runs
        };
        let name = format!("synthetic {n}");
        let (measured, size) = match measure(text.as_bytes(), &name, runs) {
            Ok(result) => result,
            Err(err) => {
                println!("synthetic {n}: FAILED: {err}");
                ok = false;
                continue;
            }
        };
        let peak = match peak_memory(&format!("synthetic:{n}")) {
            Ok(kb) => mb(kb),
            Err(err) => {
                ok = false;
                format!("error: {err}")
            }
        };
        let (wall, cpu) = (measured.whole.median(), measured.whole.cpu());
        let growth = match previous {
            Some((m, wall_before, cpu_before)) => format!(
                "{}, {} (size x{})",
                ratio(wall, wall_before),
                ratio(cpu, cpu_before),
                n / m.max(1)
            ),
            None => "-".to_owned(),
        };
        previous = Some((n, wall, cpu));
        let _ = writeln!(
            table,
            "| {n} | {:.1} MB | {} | {} | {} | {} | {} | {} | {} | {} | {}, {} | {peak} | {growth} |",
            text.len() as f64 / 1e6,
            size.lines,
            ms(measured.load.median()),
            ms(measured.lower.median()),
            ms(measured.emit.median()),
            ms(measured.render.median()),
            measured.whole.cell(),
            ms(cpu),
            ms(measured.floor.median()),
            ratio(wall, measured.floor.median()),
            ratio(cpu, measured.floor.cpu()),
        );
    }
    println!("## Scaling (synthetic documents; wall-clock medians in ms unless marked)\n\n{table}");
    ok
}

// ---------------------------------------------------------------------------------------
// Comparison tools

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

fn progenitor() -> Option<PathBuf> {
    find_tool("OAGEN_BENCH_PROGENITOR", "cargo-progenitor")
}

fn openapi_generator() -> Option<PathBuf> {
    find_tool("OAGEN_BENCH_OPENAPI_GENERATOR", "openapi-generator-cli")
}

fn bench_dir() -> PathBuf {
    crate::workspace_root().join("target/bench")
}

fn crate_name_for(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    oagen::naming::snake(&stem, "api")
        .trim_start_matches("r#")
        .replace('_', "-")
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

fn ours_command(spec: &Path, out: &Path) -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command
        .arg("generate")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", &crate_name_for(spec)]);
    Ok(command)
}

fn progenitor_command(tool: &Path, spec: &Path, out: &Path) -> Command {
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

fn openapi_generator_command(tool: &Path, spec: &Path, out: &Path) -> Command {
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

fn compare(options: &Options) -> bool {
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
            ours_command(spec, out)
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

// ---------------------------------------------------------------------------------------
// Cost of the emitted code

/// Lines of Rust under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                rust_lines(&path)
            } else if path.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or(0)
            } else {
                0
            }
        })
        .sum()
}

/// Marks every `.rs` file under `dir` as modified now, so that `cargo check` checks the crate
/// again (and only the crate).
fn touch_sources(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            touch_sources(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if let Ok(file) = std::fs::File::options().append(true).open(&path) {
                let _ = file.set_modified(SystemTime::now());
            }
        }
    }
}

/// Makes a generated crate build on its own, outside the repository's workspace.
fn detach_from_workspace(dir: &Path) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
    }
    Ok(())
}

struct CheckCost {
    lines: usize,
    /// The whole crate checked, its dependencies already built (no incremental cache).
    full: Samples,
    /// `cargo check` again after touching the sources, with the incremental cache.
    touched: Samples,
}

/// For each of two target directories (one without incremental compilation, one with):
/// checks the crate once (building its dependencies; warnings allowed), then `runs` times
/// after touching its sources. Without incremental compilation each timed check checks the
/// whole crate again; with it, a check after a touch reuses what has not changed.
fn check_crate(dir: &Path, target: &Path, runs: usize) -> Result<CheckCost, String> {
    detach_from_workspace(dir)?;
    let check = |incremental: bool| {
        let mut command = Command::new(cargo());
        command
            .args(["check", "--quiet", "--message-format=short"])
            .current_dir(dir)
            .env(
                "CARGO_TARGET_DIR",
                target.join(if incremental { "incremental" } else { "full" }),
            )
            .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
            .env_remove("RUSTFLAGS");
        run_timed(&mut command)
    };
    let mut cost = CheckCost {
        lines: rust_lines(dir),
        full: Samples::default(),
        touched: Samples::default(),
    };
    for incremental in [false, true] {
        check(incremental)?;
        for _ in 0..runs {
            touch_sources(dir);
            let time = check(incremental)?;
            if incremental {
                cost.touched.push(time);
            } else {
                cost.full.push(time);
            }
        }
    }
    Ok(cost)
}

fn check_cost(options: &Options) -> bool {
    let runs = options.runs.min(3);
    let dir = bench_dir().join("check");
    let target = dir.join("targets");
    let progenitor = progenitor();
    let openapi_generator = openapi_generator();
    if progenitor.is_none() {
        println!("progenitor: skipped, `cargo-progenitor` is not installed");
    }
    if openapi_generator.is_none() {
        println!(
            "openapi-generator: skipped, `openapi-generator-cli` is not installed (`pip install openapi-generator-cli`; needs Java)"
        );
    }
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| document | generator | lines of Rust | full check: wall s, median (min–max) | CPU s | ratio to oagen (wall, CPU) | re-check after touch (incremental): wall s | CPU s | ratio to oagen (wall, CPU) |"
    );
    let _ = writeln!(table, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    // Progenitor generates none of the large documents; Nexus is the largest it does.
    let mut documents = phase_documents(None);
    documents.push(crate::corpus::default_dir().join(PROGENITOR_LARGEST));
    documents.retain(|path| path.exists() && matches_filter(path, options.filter.as_deref()));
    for spec in documents {
        let name = file_name(&spec);
        let crate_name = crate_name_for(&spec);
        let mut tools: Vec<(&str, Option<Command>)> = Vec::new();
        let ours_dir = dir.join("oagen").join(&crate_name);
        let _ = std::fs::remove_dir_all(&ours_dir);
        tools.push(("oagen", ours_command(&spec, &ours_dir).ok()));
        let progenitor_dir = dir.join("progenitor").join(&crate_name);
        if let Some(tool) = &progenitor {
            let _ = std::fs::remove_dir_all(&progenitor_dir);
            tools.push((
                "progenitor",
                Some(progenitor_command(tool, &spec, &progenitor_dir)),
            ));
        }
        let oag_dir = dir.join("openapi-generator").join(&crate_name);
        if let Some(tool) = &openapi_generator {
            let _ = std::fs::remove_dir_all(&oag_dir);
            tools.push((
                "openapi-generator",
                Some(openapi_generator_command(tool, &spec, &oag_dir)),
            ));
        }
        let mut ours: Option<(Samples, Samples)> = None;
        for (tool, command) in tools {
            eprintln!("bench: cargo check {name} ({tool})...");
            let out = match tool {
                "oagen" => &ours_dir,
                "progenitor" => &progenitor_dir,
                _ => &oag_dir,
            };
            let result = match command {
                None => Err("cannot start".to_owned()),
                Some(mut command) => run_timed(&mut command)
                    .map_err(|e| format!("generation fails ({e})"))
                    .and_then(|_| {
                        check_crate(out, &target, runs).map_err(|e| format!("check fails ({e})"))
                    }),
            };
            let row = match result {
                Ok(cost) => {
                    if tool == "oagen" {
                        ours = Some((cost.full.clone(), cost.touched.clone()));
                    }
                    let cells = |samples: &Samples, base: Option<&Samples>| {
                        let vs = base.map_or("-".to_owned(), |b| {
                            format!(
                                "{}, {}",
                                ratio(samples.median(), b.median()),
                                ratio(samples.cpu(), b.cpu())
                            )
                        });
                        format!(
                            "{:.2} ({:.2}–{:.2}) | {:.2} | {vs}",
                            samples.median().as_secs_f64(),
                            samples.min().as_secs_f64(),
                            samples.max().as_secs_f64(),
                            samples.cpu().as_secs_f64()
                        )
                    };
                    format!(
                        "| {} | {} | {} |",
                        cost.lines,
                        cells(&cost.full, ours.as_ref().map(|o| &o.0)),
                        cells(&cost.touched, ours.as_ref().map(|o| &o.1)),
                    )
                }
                Err(err) => format!("| - | {} | - | - | - | - | - |", err.replace('|', "/")),
            };
            let _ = writeln!(table, "| {name} | {tool} {row}");
        }
    }
    println!(
        "## Cost of the emitted code (`cargo check` of the crate, dependencies built; {runs} runs after a warm-up)\n\n{table}"
    );
    true
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

    #[test]
    fn one_run_of_a_small_document() {
        let text = crate::synth::document(10);
        let (runs, size) = measure(text.as_bytes(), "synthetic 10", 1).unwrap();
        assert_eq!(runs.whole.0.len(), 1);
        assert_eq!(size.operations, 10);
        assert!(size.lines > 100);
    }
}
