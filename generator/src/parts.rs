//! The crate's Rust files, emitted ([`emit::Plan`]) and rendered ([`render::piece`]) in
//! parts, on as many threads as the machine has cores.
//!
//! Emitting and printing a large API's `types.rs` is most of a generation, and its types
//! are independent of each other, so a file is cut into runs of whole items. Tokens are not
//! `Send`, so a part is emitted and printed on the same thread; the printed parts are joined
//! in order ([`render::join`]), so the output is byte for byte the same whatever the number
//! of threads (one, on a one-core machine or for a small document).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::emit::{Plan, PlannedFile};
use crate::render::{self, Piece};

/// Below this many parts in all, the files are done on the calling thread.
const PARALLEL_FROM: usize = 64;
/// The fewest items in one part (smaller parts cost more in hand-offs than they gain).
const SMALLEST_PART: usize = 16;

/// One rendered file, with the time its parts took (summed over threads).
pub(crate) struct Rendered {
    pub(crate) path: &'static str,
    pub(crate) contents: String,
    pub(crate) took: Duration,
}

/// A run of parts of one file.
struct Job {
    file: usize,
    parts: std::ops::Range<usize>,
}

/// Emits and renders every file of `plan`, in the order of [`Plan::files`]. An `Err` names
/// the file whose emitted tokens do not parse (a bug in the generator).
pub(crate) fn render_all(
    plan: &Plan<'_>,
    header: &str,
) -> Result<Vec<Rendered>, (&'static str, String)> {
    let total: usize = plan.files().iter().map(|f| f.parts).sum();
    let threads = if total < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    render_on(plan, header, threads)
}

/// [`render_all`] on `threads` threads.
fn render_on(
    plan: &Plan<'_>,
    header: &str,
    threads: usize,
) -> Result<Vec<Rendered>, (&'static str, String)> {
    let files = plan.files();
    let total: usize = files.iter().map(|f| f.parts).sum();
    let jobs = jobs(&files, total, threads);
    let done = if threads == 1 {
        jobs.iter().map(|job| run(plan, &files, job)).collect()
    } else {
        in_parallel(plan, &files, &jobs, threads)
    };
    let mut rendered: Vec<(Vec<Piece>, Duration)> =
        files.iter().map(|_| (Vec::new(), Duration::ZERO)).collect();
    for (job, (piece, took)) in jobs.iter().zip(done) {
        let piece = piece.map_err(|message| (files[job.file].path, message))?;
        if let Some((pieces, time)) = rendered.get_mut(job.file) {
            pieces.push(piece);
            *time += took;
        }
    }
    Ok(files
        .iter()
        .zip(rendered)
        .map(|(file, (pieces, took))| Rendered {
            path: file.path,
            contents: render::join(header, pieces),
            took,
        })
        .collect())
}

/// Each file cut into runs of parts, about four runs per thread in all so that threads
/// finishing early find more work; files in order, parts in order.
fn jobs(files: &[PlannedFile], total: usize, threads: usize) -> Vec<Job> {
    let size = if threads == 1 {
        usize::MAX
    } else {
        total.div_ceil(threads * 4).max(SMALLEST_PART)
    };
    let mut jobs = Vec::new();
    for (file, planned) in files.iter().enumerate() {
        let mut start: usize = 0;
        loop {
            let end = start.saturating_add(size).min(planned.parts);
            jobs.push(Job {
                file,
                parts: start..end,
            });
            if end >= planned.parts {
                break;
            }
            start = end;
        }
    }
    jobs
}

fn run(plan: &Plan<'_>, files: &[PlannedFile], job: &Job) -> (Result<Piece, String>, Duration) {
    let started = Instant::now();
    let piece = render::piece(plan.emit(&files[job.file], job.parts.clone()));
    (piece, started.elapsed())
}

/// Runs the jobs on `threads` threads, each taking the next job not yet taken; the results
/// in the jobs' order.
fn in_parallel(
    plan: &Plan<'_>,
    files: &[PlannedFile],
    jobs: &[Job],
    threads: usize,
) -> Vec<(Result<Piece, String>, Duration)> {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return done;
            };
            done.push((index, run(plan, files, job)));
        }
    };
    let mut results: Vec<Option<(Result<Piece, String>, Duration)>> =
        jobs.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        for handle in handles {
            // A worker that panicked leaves its jobs unfilled: reported below, not re-raised.
            for (index, result) in handle.join().unwrap_or_default() {
                results[index] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| {
                (
                    Err("a rendering thread stopped before finishing its part".to_owned()),
                    Duration::ZERO,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(parts: usize) -> PlannedFile {
        PlannedFile::for_test("src/x.rs", parts)
    }

    #[test]
    fn jobs_cover_every_part_once_in_order() {
        let files = [planned(1), planned(1), planned(300), planned(1000)];
        for threads in [1, 2, 8] {
            let jobs = jobs(&files, 1302, threads);
            for (index, file) in files.iter().enumerate() {
                let mut covered = 0;
                for job in jobs.iter().filter(|j| j.file == index) {
                    assert_eq!(job.parts.start, covered);
                    covered = job.parts.end;
                }
                assert_eq!(covered, file.parts, "{threads} threads, file {index}");
            }
        }
        assert_eq!(jobs(&files, 1302, 1).len(), 4);
        assert!(jobs(&files, 1302, 2).len() > 8);
    }

    /// A document of 80 schemas (structs, enums, unions, with features per tag) and 80
    /// operations, rendered on 1, 2 and 5 threads: the same bytes.
    #[test]
    fn the_output_does_not_depend_on_the_number_of_threads() {
        let mut paths = String::new();
        let mut schemas = String::new();
        for i in 0..80 {
            let tag = ["alpha", "beta", "gamma"][i % 3];
            paths.push_str(&format!(
                "  /things{i}/{{id}}:\n    get:\n      tags: [{tag}]\n      operationId: getThing{i}\n      parameters: [{{ name: id, in: path, required: true, schema: {{ type: string }} }}]\n      responses: {{ '200': {{ description: ok, content: {{ application/json: {{ schema: {{ $ref: '#/components/schemas/Thing{i}' }} }} }} }} }}\n"
            ));
            let next = (i + 1) % 80;
            schemas.push_str(&format!(
                "    Thing{i}:\n      description: \"Thing {i}.\\ttabbed\"\n      type: object\n      required: [id]\n      properties:\n        id: {{ type: string }}\n        kind: {{ type: string, enum: [a{i}, b{i}] }}\n        next: {{ $ref: '#/components/schemas/Thing{next}' }}\n        either: {{ oneOf: [ {{ type: integer }}, {{ type: string }} ] }}\n"
            ));
        }
        let text = format!(
            "openapi: 3.1.0\ninfo: {{ title: t, version: '1' }}\npaths:\n{paths}components:\n  schemas:\n{schemas}"
        );
        let mut diags = crate::diag::Diagnostics::default();
        let doc = crate::load::load(text.as_bytes(), &mut diags).expect("loads");
        let (api, _) = crate::lower::lower_explained(&doc, &mut diags, false);
        let api = api.expect("lowers");
        let derives = crate::tailor::ExtraDerives::new();
        let plan = Plan::new(
            &api,
            &derives,
            crate::emit::Features::PerGroup,
            Default::default(),
            Default::default(),
        );
        let texts = |threads| -> Vec<String> {
            render_on(&plan, "h", threads)
                .map_err(|(file, message)| format!("{file}: {message}"))
                .expect("renders")
                .into_iter()
                .map(|file| file.contents)
                .collect()
        };
        let one = texts(1);
        assert!(one.iter().map(|t| t.lines().count()).sum::<usize>() > 2000);
        assert_eq!(one, texts(2));
        assert_eq!(one, texts(5));
    }
}
