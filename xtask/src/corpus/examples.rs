//! `cargo xtask corpus --examples`: every example of every document decodes into its generated
//! type and encodes back.
//!
//! For each document, the crate is generated as for `cargo xtask corpus`, with a program
//! (`examples/round_trip.rs`) that decodes each example (`Api::examples`) into its type,
//! encodes it again and prints the result, one line per example. Each failure is then
//! classified by checking the example against its own schema, independently of the generated
//! code ([`Check`], in `conformance.rs`):
//!
//! - **the document's**: the example contradicts its schema (a wrong JSON type, a missing
//!   required property, keys the schema does not declare, a value out of its format's range,
//!   wire text such as `a,b` where a parameter or form field is a list or object);
//! - **read-only**: the only keys lost on encode are `readOnly` properties, which the client
//!   never sends (a concern of the types, listed apart);
//! - **the generator's**: anything else. These fail the run.
//!
//! "Equal" allows what the generated types do on purpose, as `tests/examples.rs` does: a key
//! the example leaves out may be added (a default), a number may change its spelling (`1`,
//! `1.0`, `f32` rounding), and a `null` for an optional field may be dropped.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value};

use super::conformance::Check;

/// What became of one example.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Passed,
    /// Encoded back without loss except read-only keys (their paths).
    ReadOnly(Vec<String>),
    /// The example contradicts its schema (the reasons).
    Document(String),
    /// The generated type lost or refused a value the schema allows.
    Generator(String),
}

#[derive(Debug)]
pub struct Report {
    pub document: String,
    /// (example pointer, outcome), in pointer order.
    pub outcomes: Vec<(String, Outcome)>,
    /// Examples of files (`format: binary`), which are not JSON values.
    pub skipped: usize,
    /// Why the document could not be checked at all (generation or build failed).
    pub failure: Option<String>,
}

impl Report {
    pub fn count(&self, class: fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| class(o)).count()
    }

    pub fn failed(&self) -> bool {
        self.failure.is_some() || self.count(|o| matches!(o, Outcome::Generator(_))) > 0
    }
}

/// Generates `path`'s crate under `scratch`, runs its round trip (building in `target_dir`,
/// shared between documents) and classifies every example.
pub fn run_one(path: &Path, scratch: &Path, target_dir: &Path) -> Report {
    let document = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut report = Report {
        document: document.clone(),
        outcomes: Vec::new(),
        skipped: 0,
        failure: None,
    };
    // A name of its own: `cargo xtask corpus` builds the same document's crate in the same
    // target directory, and two packages of one name at two paths confuse its freshness.
    let crate_name = format!("{}-examples", crate::corpus::crate_name_of(path));
    let generator = oagen::Generator::new(oagen::Settings {
        package: oagen::Package {
            name: Some(crate_name.clone()),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Path(crate::workspace_root().join("runtime")),
        command: Some("cargo xtask corpus --examples".to_owned()),
        // As `cargo xtask corpus`: a document of the corpus spread over several folders may
        // refer to a sibling of its root's.
        document: oagen::DocumentSettings {
            allow_outside_root: true,
            ..oagen::DocumentSettings::default()
        },
        // Each example is decoded and encoded again, responses too.
        types: oagen::TypeSettings {
            serialize: oagen::Encoder::All,
            ..oagen::TypeSettings::default()
        },
        ..oagen::Settings::default()
    });
    let source = oagen::Document::File(path);
    // Each example's schema is read in the document as the generator reads it (its files
    // bundled, a Swagger 2.0 document translated to 3.0), where the IR's pointers lead.
    let Ok(read) = generator.read(source) else {
        report.failure = Some("the generator reports errors".to_owned());
        return report;
    };
    let Ok(oagen::Lowered { api, .. }) = generator.lower(source) else {
        report.failure = Some("the generator reports errors".to_owned());
        return report;
    };
    let cases: Vec<&oagen::ir::Example> = api
        .examples
        .iter()
        .filter(|e| !e.ty.mentions(oagen::ir::Scalar::Binary))
        .collect();
    report.skipped = api.examples.len() - cases.len();
    if cases.is_empty() {
        return report;
    }

    let out = scratch.join(&crate_name);
    let output = match generator.generate(source) {
        Ok(output) => output,
        Err(failure) => {
            report.failure = Some(failure.to_string());
            return report;
        }
    };
    if let Err(err) = crate::write_files(&out, &output.files) {
        report.failure = Some(format!("cannot write the crate: {err}"));
        return report;
    }
    let krate = crate_name.replace('-', "_");
    let program = round_trip_program(&api, &cases, &krate);
    let examples_dir = out.join("examples");
    if let Err(err) = std::fs::create_dir_all(&examples_dir)
        .and_then(|()| std::fs::write(examples_dir.join("round_trip.rs"), program))
    {
        report.failure = Some(format!("cannot write the program: {err}"));
        return report;
    }
    let run = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--quiet", "--example", "round_trip"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target_dir)
        // Debug information makes building the largest crates (and linking) much slower and
        // is of no use here.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .output();
    let stdout = match run {
        Ok(run) if run.status.success() => String::from_utf8_lossy(&run.stdout).into_owned(),
        Ok(run) => {
            let log = out.join("round_trip.log");
            let _ = std::fs::write(&log, &run.stderr);
            report.failure = Some(format!(
                "the round trip did not build or run ({})",
                log.display()
            ));
            return report;
        }
        Err(err) => {
            report.failure = Some(format!("cannot run cargo: {err}"));
            return report;
        }
    };
    let lines: Vec<&str> = stdout.lines().collect();
    for (index, case) in cases.iter().enumerate() {
        let result = match lines.get(index) {
            Some(line) => match line.split_once(' ') {
                Some(("ok", json)) => {
                    serde_json::from_str::<Value>(json).map_err(|e| e.to_string())
                }
                Some((_, message)) => Err(message.to_owned()),
                None => Err(line.to_string()),
            },
            None => Err("no result printed".to_owned()),
        };
        let outcome = classify(&read.root, case, result);
        // Listed where the example is written (a Swagger 2.0 document's own pointer).
        report.outcomes.push((read.origin(&case.pointer), outcome));
    }
    report
}

/// The program that decodes and re-encodes each example, one output line per example:
/// `ok <json>` or `err <message>`.
fn round_trip_program(api: &oagen::ir::Api, cases: &[&oagen::ir::Example], krate: &str) -> String {
    let mut out = String::from(
        "//! Written by `cargo xtask corpus --examples`.\n\n\
         type RoundTrip = fn(&str) -> Result<serde_json::Value, String>;\n\n\
         fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> Result<serde_json::Value, String> {\n    \
             let typed: T = serde_json::from_str(text).map_err(|e| format!(\"does not decode: {e}\"))?;\n    \
             serde_json::to_value(&typed).map_err(|e| format!(\"does not encode: {e}\"))\n}\n\n\
         fn main() {\n    let cases: Vec<(&str, RoundTrip)> = vec![\n",
    );
    for case in cases {
        let ty = api.rust_path(&case.ty, krate);
        let _ = writeln!(
            out,
            "        ({:?}, round_trip::<{ty}>),",
            case.value.to_string()
        );
    }
    out.push_str(
        "    ];\n    for (text, round_trip) in cases {\n        match round_trip(text) {\n            \
         Ok(value) => println!(\"ok {value}\"),\n            \
         Err(err) => println!(\"err {}\", err.replace('\\n', \" \")),\n        }\n    }\n}\n",
    );
    out
}

/// Decides whose fault a failed round trip is.
fn classify(root: &Value, case: &oagen::ir::Example, result: Result<Value, String>) -> Outcome {
    let wire_place = is_wire_place(&case.pointer) || is_wire_place(&case.schema);
    let mut check = Check::new(root);
    let schema = Value::Object(Map::from_iter([(
        "$ref".to_owned(),
        Value::String(case.schema.clone()),
    )]));
    check.check(&case.value, &schema, "$", 0, false);
    let contradiction = |check: &Check<'_>| {
        let mut reasons = check.reasons.clone();
        if wire_place && case.value.is_string() && reasons.iter().any(|r| r.contains("expected")) {
            reasons.insert(
                0,
                "wire text (as it would appear in a query or form) where the schema describes a value".to_owned(),
            );
        }
        reasons.truncate(3);
        reasons.join("; ")
    };
    match result {
        Err(message) if check.reasons.is_empty() => Outcome::Generator(message),
        Err(_) => Outcome::Document(contradiction(&check)),
        Ok(encoded) => {
            let mut differences = Vec::new();
            compare(&case.value, &encoded, "$", &mut differences);
            if differences.is_empty() {
                return Outcome::Passed;
            }
            let (read_only, other): (Vec<Difference>, Vec<Difference>) = differences
                .into_iter()
                .partition(|d| d.dropped && check.read_only.contains(&d.path));
            if other.is_empty() {
                Outcome::ReadOnly(read_only.into_iter().map(|d| d.path).collect())
            } else if check.reasons.is_empty() {
                let text: Vec<String> = other.iter().take(3).map(|d| d.text.clone()).collect();
                Outcome::Generator(text.join("; "))
            } else {
                Outcome::Document(contradiction(&check))
            }
        }
    }
}

/// A parameter, or a form or multipart body: examples there are often written as wire text.
fn is_wire_place(pointer: &str) -> bool {
    pointer.contains("/parameters/")
        || pointer.contains("x-www-form-urlencoded")
        || pointer.contains("multipart~1form-data")
}

struct Difference {
    path: String,
    /// A key of the example that the encoded value lacks.
    dropped: bool,
    text: String,
}

/// Every difference between the example and its encoding beyond those the module docs allow.
fn compare(original: &Value, encoded: &Value, path: &str, out: &mut Vec<Difference>) {
    match (original, encoded) {
        (Value::Number(a), Value::Number(b)) => {
            let (Some(a), Some(b)) = (a.as_f64(), b.as_f64()) else {
                return;
            };
            let close = a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs());
            if !close {
                out.push(Difference {
                    path: path.to_owned(),
                    dropped: false,
                    text: format!("{path}: {a} became {b}"),
                });
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (a, b)) in a.iter().zip(b).enumerate() {
                compare(a, b, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let path = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => compare(value, other, &path, out),
                    None if value.is_null() => {}
                    None => out.push(Difference {
                        text: format!("{path}: dropped on encode"),
                        path,
                        dropped: true,
                    }),
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Difference {
            path: path.to_owned(),
            dropped: false,
            text: format!("{path}: {a} became {b}"),
        }),
    }
}

/// The table of counts per document, and the listings of the document's faults and of
/// read-only losses.
pub fn table(reports: &[Report]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| document | examples | passed | generator's fault | document's fault | read-only dropped | files skipped |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    let mut totals = [0usize; 6];
    for report in reports {
        if let Some(failure) = &report.failure {
            let _ = writeln!(
                out,
                "| {} | FAILED: {} | | | | | |",
                report.document,
                failure.lines().next().unwrap_or_default()
            );
            continue;
        }
        let row = [
            report.outcomes.len(),
            report.count(|o| *o == Outcome::Passed),
            report.count(|o| matches!(o, Outcome::Generator(_))),
            report.count(|o| matches!(o, Outcome::Document(_))),
            report.count(|o| matches!(o, Outcome::ReadOnly(_))),
            report.skipped,
        ];
        for (total, n) in totals.iter_mut().zip(row) {
            *total += n;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            report.document, row[0], row[1], row[2], row[3], row[4], row[5]
        );
    }
    let _ = writeln!(
        out,
        "| **total** | {} | {} | {} | {} | {} | {} |",
        totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]
    );
    for (title, pick) in [
        ("The generator's fault", 0u8),
        (
            "The document's fault (the example contradicts its schema)",
            1,
        ),
        ("Read-only fields dropped on encode", 2),
    ] {
        let mut lines = Vec::new();
        for report in reports {
            for (pointer, outcome) in &report.outcomes {
                let text = match (outcome, pick) {
                    (Outcome::Generator(reason), 0) | (Outcome::Document(reason), 1) => {
                        reason.clone()
                    }
                    (Outcome::ReadOnly(paths), 2) => paths.join(", "),
                    _ => continue,
                };
                lines.push(format!("- {}{pointer}: {text}", report.document));
            }
        }
        if !lines.is_empty() {
            let _ = writeln!(out, "\n{title} ({}):\n{}", lines.len(), lines.join("\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Outcome, classify};

    fn example(value: serde_json::Value) -> oagen::ir::Example {
        oagen::ir::Example {
            pointer: "#/components/schemas/B/example".to_owned(),
            schema: "#/components/schemas/B".to_owned(),
            value,
            ty: oagen::ir::TypeRef::Any,
        }
    }

    #[test]
    fn failures_are_classified_by_the_example_s_own_schema() {
        let root = json!({"components": {"schemas": {
            "B": {"type": "object", "required": ["b"], "properties": {
                "b": {"type": "string", "readOnly": true},
                "c": {"type": "integer"}
            }}
        }}});
        let fits = example(json!({"b": "x", "c": 1}));
        assert_eq!(
            classify(&root, &fits, Ok(json!({"b": "x", "c": 1}))),
            Outcome::Passed
        );
        // Only the read-only key lost: listed apart.
        assert_eq!(
            classify(&root, &fits, Ok(json!({"c": 1}))),
            Outcome::ReadOnly(vec!["$.b".to_owned()])
        );
        // A key the schema allows lost, or a refusal: the generator's fault.
        assert!(matches!(
            classify(&root, &fits, Ok(json!({"b": "x"}))),
            Outcome::Generator(reason) if reason == "$.c: dropped on encode"
        ));
        assert!(matches!(
            classify(&root, &fits, Err("does not decode".to_owned())),
            Outcome::Generator(_)
        ));
        // The example breaks its schema: the document's fault, with the reason.
        let wrong = example(json!({"b": "x", "c": "1"}));
        assert!(matches!(
            classify(&root, &wrong, Err("does not decode".to_owned())),
            Outcome::Document(reason) if reason.contains("$.c: a string where the schema expected integer")
        ));
    }
}
