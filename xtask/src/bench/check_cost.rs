//! `--check-cost`: `cargo check` time and line count of generated crates (ours and, when
//! installed, those of the comparison tools).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use super::compare::{
    bench_dir, crate_name_for, openapi_generator, openapi_generator_command, ours_command,
    progenitor, progenitor_command,
};
use super::{
    Options, PROGENITOR_LARGEST, Samples, cargo, file_name, matches_filter, phase_documents, ratio,
    run_timed,
};

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

pub(super) fn check_cost(options: &Options) -> bool {
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
