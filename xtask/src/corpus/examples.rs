//! `cargo xtask corpus --examples`: every example of every document decodes into its generated
//! type and encodes back.
//!
//! For each document, the crate is generated as for `cargo xtask corpus`, with a program
//! (`examples/round_trip.rs`) that decodes each example (`Api::examples`) into its type,
//! encodes it again and prints the result, one line per example. Each failure is then
//! classified by checking the example against its own schema, independently of the generated
//! code (`Check`):
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
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            report.failure = Some(format!("cannot read: {err}"));
            return report;
        }
    };
    let mut diags = oagen::Diagnostics::default();
    let Some(root) = oagen::load::parse(&bytes, &mut diags) else {
        report.failure = Some("does not load".to_owned());
        return report;
    };
    let Ok((api, _)) = oagen::lower_document(&bytes) else {
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

    // A name of its own: `cargo xtask corpus` builds the same document's crate in the same
    // target directory, and two packages of one name at two paths confuse its freshness.
    let crate_name = format!("{}-examples", crate::corpus::crate_name_of(path));
    let out = scratch.join(&crate_name);
    let config = oagen::Config {
        crate_name: Some(crate_name.clone()),
        runtime: oagen::RuntimeDependency::Path(
            crate::workspace_root()
                .join("runtime")
                .display()
                .to_string(),
        ),
        manifest: oagen::ManifestKind::Standalone,
        command: "cargo xtask corpus --examples".to_owned(),
        spec_name: document.clone(),
        ..oagen::Config::default()
    };
    let output = match oagen::generate(&bytes, &config) {
        Ok(output) => output,
        Err(failure) => {
            report.failure = Some(failure.render(&document));
            return report;
        }
    };
    if let Err(err) = oagen::write::write(&out, &output.files) {
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
        let outcome = classify(&root, case, result);
        report.outcomes.push((case.pointer.clone(), outcome));
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

/// Checks a value against a schema of the document, as JSON Schema reads it, for the rules
/// whose breach makes a generated type fail: types, `required`, undeclared keys (where
/// `additionalProperties` does not allow them), integer ranges of `int32` and unsigned
/// fields, `uuid` and `byte` formats. Enum values are not checked: the generated enums keep
/// values they do not know.
pub struct Check<'a> {
    root: &'a Value,
    /// Why the value contradicts the schema (empty: it does not, as far as checked).
    pub reasons: Vec<String>,
    /// Paths of the value that are `readOnly` properties.
    pub read_only: Vec<String>,
}

impl<'a> Check<'a> {
    pub fn new(root: &'a Value) -> Self {
        Check {
            root,
            reasons: Vec::new(),
            read_only: Vec::new(),
        }
    }

    /// `in_all_of`: the schema is one part of an `allOf`, whose other parts may declare the
    /// keys this one does not.
    pub fn check(
        &mut self,
        value: &Value,
        schema: &Value,
        path: &str,
        depth: usize,
        in_all_of: bool,
    ) {
        if depth > 64 {
            return;
        }
        // The `$ref` is resolved against the document root, which outlives `self`.
        let root = self.root;
        let resolved = {
            let mut schema = schema;
            let mut found = None;
            for _ in 0..32 {
                match schema.get("$ref").and_then(Value::as_str) {
                    Some(target) => match target.strip_prefix('#').and_then(|p| root.pointer(p)) {
                        Some(next) => schema = next,
                        None => break,
                    },
                    None => {
                        found = Some(schema);
                        break;
                    }
                }
            }
            found
        };
        let Some(obj) = resolved.and_then(Value::as_object) else {
            return;
        };
        let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true)
            || match obj.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(list)) => list.iter().any(|t| t == "null"),
                _ => false,
            }
            || obj
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|v| v.iter().any(Value::is_null));
        if value.is_null() && nullable {
            return;
        }
        if let Some(parts) = obj.get("allOf").and_then(Value::as_array) {
            let own = obj.contains_key("properties");
            for part in parts {
                self.check(value, part, path, depth + 1, true);
            }
            if !own {
                self.undeclared(value, obj, path, in_all_of);
                return;
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            let Some(branches) = obj.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let mut first_reasons = None;
            let mut matched = false;
            for branch in branches {
                let mut inner = Check::new(root);
                inner.check(value, branch, path, depth + 1, in_all_of);
                if inner.reasons.is_empty() {
                    self.read_only.extend(inner.read_only);
                    matched = true;
                    break;
                }
                first_reasons.get_or_insert(inner.reasons);
            }
            if !matched && !branches.is_empty() {
                let first = first_reasons
                    .and_then(|r| r.into_iter().next())
                    .unwrap_or_default();
                self.reasons.push(format!(
                    "{path}: matches no branch of `{keyword}` (first: {first})"
                ));
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if value.is_null() && !types.is_empty() {
            self.reasons
                .push(format!("{path}: null, which the schema does not allow"));
            return;
        }
        if !types.is_empty() && !types.iter().any(|t| fits_type(value, t)) {
            self.reasons.push(format!(
                "{path}: {} where the schema expected {}",
                kind(value),
                types.join(" or ")
            ));
            return;
        }
        self.format(value, obj, path);
        match value {
            Value::Object(map) => {
                if let Some(required) = obj.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !map.contains_key(name) {
                            self.reasons
                                .push(format!("{path}: the required property `{name}` is missing"));
                        }
                    }
                }
                let properties = obj.get("properties").and_then(Value::as_object);
                for (key, item) in map {
                    let item_path = format!("{path}.{key}");
                    match properties.and_then(|p| p.get(key)) {
                        Some(property) => {
                            let read_only = self.resolve_flag(property, "readOnly");
                            if read_only {
                                self.read_only.push(item_path.clone());
                            }
                            self.check(item, property, &item_path, depth + 1, false);
                        }
                        None => {
                            if let Some(extra) = obj.get("additionalProperties") {
                                if extra.is_object() {
                                    self.check(item, extra, &item_path, depth + 1, false);
                                }
                            }
                        }
                    }
                }
                if !obj.contains_key("allOf") {
                    self.undeclared(value, obj, path, in_all_of);
                }
            }
            Value::Array(items) => {
                if let Some(schema) = obj.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item, schema, &format!("{path}[{i}]"), depth + 1, false);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether a property's schema (or the one its `$ref` names) has `flag: true`.
    fn resolve_flag(&self, schema: &Value, flag: &str) -> bool {
        let root = self.root;
        let mut schema = schema;
        for _ in 0..32 {
            if schema.get(flag).and_then(Value::as_bool) == Some(true) {
                return true;
            }
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.strip_prefix('#'))
                .and_then(|p| root.pointer(p))
            {
                Some(next) => schema = next,
                None => return false,
            }
        }
        false
    }

    /// Keys the schema (with the parts of its `allOf`) does not declare, where
    /// `additionalProperties` does not allow others.
    fn undeclared(&mut self, value: &Value, obj: &Map<String, Value>, path: &str, in_all_of: bool) {
        let Value::Object(map) = value else { return };
        if in_all_of || obj.contains_key("oneOf") || obj.contains_key("anyOf") {
            return;
        }
        let mut declared: Vec<&str> = Vec::new();
        let mut open = false;
        let mut described = false;
        self.declared(obj, &mut declared, &mut open, &mut described, 0);
        if open || !described {
            return;
        }
        let extra: Vec<&str> = map
            .keys()
            .map(String::as_str)
            .filter(|k| !declared.contains(k))
            .collect();
        if !extra.is_empty() {
            self.reasons.push(format!(
                "{path}: keys the schema does not declare: {}",
                extra.join(", ")
            ));
        }
    }

    fn declared<'s>(
        &self,
        obj: &'s Map<String, Value>,
        names: &mut Vec<&'s str>,
        open: &mut bool,
        described: &mut bool,
        depth: usize,
    ) where
        'a: 's,
    {
        if depth > 16 {
            *open = true;
            return;
        }
        if let Some(properties) = obj.get("properties").and_then(Value::as_object) {
            *described = true;
            names.extend(properties.keys().map(String::as_str));
        }
        match obj.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => *open = true,
        }
        if obj.contains_key("oneOf") || obj.contains_key("anyOf") {
            *open = true;
        }
        for part in obj
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let root: &'a Value = self.root;
            let part = match part
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.strip_prefix('#'))
            {
                Some(pointer) => match root.pointer(pointer) {
                    Some(target) => target,
                    None => continue,
                },
                None => part,
            };
            if let Some(part) = part.as_object() {
                self.declared(part, names, open, described, depth + 1);
            }
        }
    }

    /// Formats the generated types parse: `uuid`, `byte`, `int32` and unsigned integers.
    fn format(&mut self, value: &Value, obj: &Map<String, Value>, path: &str) {
        let format = obj.get("format").and_then(Value::as_str);
        match (value, format) {
            (Value::String(text), Some("uuid")) if !is_uuid(text) => {
                self.reasons.push(format!("{path}: `{text}` is not a UUID"));
            }
            (Value::String(text), Some("byte")) if !is_base64(text) => {
                self.reasons.push(format!("{path}: `{text}` is not base64"));
            }
            (Value::Number(n), _) if obj.get("type").and_then(Value::as_str) == Some("integer") => {
                let minimum = obj.get("minimum").and_then(Value::as_f64);
                if let Some(v) = n.as_f64() {
                    if format == Some("int32")
                        && (v < f64::from(i32::MIN) || v > f64::from(u32::MAX))
                    {
                        self.reasons
                            .push(format!("{path}: {n} is out of range for int32"));
                    }
                    if minimum.is_some_and(|m| v < m) {
                        self.reasons
                            .push(format!("{path}: {n} is below the minimum"));
                    }
                }
            }
            _ => {}
        }
    }
}

fn fits_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn is_uuid(text: &str) -> bool {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_base64(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
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

    use super::{Check, Outcome, classify};

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

    fn reasons(root: &serde_json::Value, value: serde_json::Value) -> Vec<String> {
        let mut check = Check::new(root);
        check.check(
            &value,
            &json!({"$ref": "#/components/schemas/A"}),
            "$",
            0,
            false,
        );
        check.reasons
    }

    #[test]
    fn the_check_finds_contradictions_and_allows_the_rest() {
        let root = json!({"components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"c": {"type": "integer", "format": "int32"}}}]},
            "B": {"type": "object", "required": ["b"], "properties": {"b": {"type": "string", "readOnly": true}}}
        }}});
        assert!(reasons(&root, json!({"b": "x", "c": 1})).is_empty());
        let found = reasons(&root, json!({"c": "1", "d": true}));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("`b` is missing"), "{found:?}");
        assert!(found[1].contains("$.c: a string where the schema expected integer"));
        assert!(found[2].contains("do not declare: d") || found[2].contains("does not declare: d"));
        let mut check = Check::new(&root);
        check.check(
            &json!({"b": "x"}),
            &json!({"$ref": "#/components/schemas/A"}),
            "$",
            0,
            false,
        );
        assert_eq!(check.read_only, ["$.b"]);
    }

    #[test]
    fn unions_need_one_branch_that_fits() {
        let root = json!({"components": {"schemas": {
            "A": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
        }}});
        assert!(reasons(&root, json!(["a"])).is_empty());
        assert!(reasons(&root, json!(1))[0].contains("matches no branch of `anyOf`"));
    }
}
