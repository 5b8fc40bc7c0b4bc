//! `--scaling`: synthetic documents of growing size, time per phase and peak memory.

use std::fmt::Write as _;
use std::time::Duration;

use super::phases::{mb, measure, peak_memory};
use super::{Options, ms, ratio};

pub(super) fn scaling(options: &Options) -> bool {
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
