//! `--phases`: each phase of a generation against the floor (generic parse, `syn` and
//! `prettyplease`), and the peak memory of one generation in a child process.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use serde::de::{
    Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use oagen::{Document, Generator, Progress, Settings};

use super::{Lap, Options, Samples, Time, file_name, ms, phase_documents, ratio, timed};

fn generator() -> Generator {
    Generator::new(Settings {
        package: oagen::Package {
            name: Some("bench-client".to_owned()),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Path("../runtime".into()),
        command: Some("cargo xtask bench".to_owned()),
        ..Settings::default()
    })
}

/// One run of everything measured for a document.
#[derive(Debug, Default, Clone)]
pub(super) struct PhaseRuns {
    pub(super) floor_parse: Samples,
    pub(super) floor_code: Samples,
    pub(super) floor: Samples,
    pub(super) load: Samples,
    pub(super) lower: Samples,
    pub(super) emit: Samples,
    pub(super) render: Samples,
    pub(super) whole: Samples,
}

/// What one generation produced, for the report.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Size {
    pub(super) types: usize,
    pub(super) operations: usize,
    pub(super) lines: usize,
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
    let generator = generator();
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;

    let (parsed, floor_parse) = timed(|| generic_parse(text));
    parsed?;

    // Each phase as the generator reports it: load, lower (the document dropped once it
    // is lowered), emit, and render (the IR dropped once the files are emitted).
    let document = Document::Bytes { name, bytes };
    let (mut load, mut lower, mut emit, mut render): (Time, Time, Time, Time) = Default::default();
    let mut lap = Lap::start();
    let output = generator
        .generate_with_progress(document, &mut |step| match step {
            Progress::Read { .. } => load = lap.lap(),
            Progress::Lowered { .. } => lower = lap.lap(),
            Progress::Emitted { .. } => emit = lap.lap(),
            Progress::Rendered { .. } => render = render + lap.lap(),
            Progress::Generated { .. } => {}
        })
        .map_err(|failure| failure.to_string())?;
    let rendered: Vec<String> = output
        .files
        .into_iter()
        .filter(|file| file.path.ends_with(".rs"))
        .map(|file| file.contents)
        .collect();
    let size = Size {
        types: output.types,
        operations: output.operations,
        lines: rendered.iter().map(|t| t.lines().count()).sum(),
    };

    let (output, whole) = timed(|| generator.generate(document));
    output.map_err(|failure| failure.to_string())?;

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
pub(super) fn measure(bytes: &[u8], name: &str, runs: usize) -> Result<(PhaseRuns, Size), String> {
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
        ("emit: plan", &runs.emit),
        ("emit + render (every core)", &runs.render),
        ("**whole** (`Generator::generate`)", &runs.whole),
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
pub(super) fn peak_memory(source: &str) -> Result<u64, String> {
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

pub(super) enum Source {
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

pub(super) fn child_peak(source: Source) -> ExitCode {
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
    let output = generator().generate(Document::Bytes {
        name: &name,
        bytes: &bytes,
    });
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

/// In the child: the steps of `Generator::generate` one by one, in the same order, printing the
/// resident memory after each and the peak so far: which step sets the peak.
pub(super) fn child_steps(path: &Path) -> ExitCode {
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
    let output =
        generator().generate_with_progress(Document::bytes(&bytes), &mut |step| match step {
            Progress::Read { .. } => report("load (document value held)"),
            Progress::Lowered { .. } => report("lower (document dropped, IR held)"),
            Progress::Emitted { .. } => report("emit (IR and every file's tokens held)"),
            Progress::Rendered { path, .. } => report(&format!("render {path}")),
            Progress::Generated { .. } => {}
        });
    let Ok(output) = output else {
        return ExitCode::from(1);
    };
    let rendered: Vec<String> = output.files.into_iter().map(|f| f.contents).collect();
    let lines: usize = rendered.iter().map(|t| t.lines().count()).sum();
    let bytes_out: usize = rendered.iter().map(String::len).sum();
    println!(
        "output: {lines} lines, {:.1} MB of text",
        bytes_out as f64 / 1e6
    );
    ExitCode::SUCCESS
}

pub(super) fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

pub(super) fn phases(options: &Options) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_run_of_a_small_document() {
        let text = crate::synth::document(10);
        let (runs, size) = measure(text.as_bytes(), "synthetic 10", 1).unwrap();
        assert_eq!(runs.whole.0.len(), 1);
        assert_eq!(size.operations, 10);
        assert!(size.lines > 100);
    }
}
