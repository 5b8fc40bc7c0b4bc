//! Property tests of the generator's robustness, on any input:
//!
//! - mutated documents (the fixtures and the small documents of the shared corpus, with keys
//!   deleted and renamed, values replaced, `$ref`s and `type`s rewritten, subtrees copied)
//!   never make it panic; a failure has an error, and every diagnostic is located by a
//!   pointer;
//! - documents made of hostile names (`hostile.rs`) always generate, identically twice;
//! - in both, generated code holds no text-direction controls (which rustc rejects).
//!
//! A case that fails writes its document to `target/fuzz-failures/<hash>.json` and names the
//! file; proptest then shrinks it, so the last file named is the smallest. A stack overflow
//! aborts the process before anything is named: the document being tried is always in
//! `target/fuzz-failures/last-<property>.json`. Findings are kept, reduced, as
//! fixtures (`tests/fixtures/fuzz_*.yaml`, `error_fuzz_*.yaml`), so they are snapshotted,
//! compiled and fuzzed from on every run.
//!
//! `cargo test` runs a few hundred cases of each property; `PROPTEST_CASES` sets how many,
//! and `cargo xtask fuzz` runs many in release mode.

#[path = "../documents.rs"]
mod documents;
use documents::documents;

#[path = "../hostile.rs"]
mod hostile;

#[path = "../value.rs"]
mod value;

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Number, Value};

/// Cases per property when `PROPTEST_CASES` is not set: about 5 seconds for both in a debug
/// build on two cores.
const DEFAULT_CASES: u32 = 256;

/// The corpus documents used as seeds, as in `build.rs`.
const SMALL: u64 = 30 * 1024;

/// Documents grow by copying subtrees; a copy that would make one larger than this many nodes
/// is skipped, so that a case stays fast.
const MAX_NODES: usize = 20_000;

fn proptest_config() -> ProptestConfig {
    // `ProptestConfig::default()` reads `PROPTEST_CASES`, but setting `cases` here would
    // override it, so it is read here too.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        // Failing documents are kept by `save` instead of regression files in the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn mutated_documents_never_panic(
        seed in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        mutated_document(&seed, &mutations)?;
    }

    #[test]
    fn hostile_names_always_generate(seed in any::<u64>()) {
        hostile_document(seed)?;
    }
}

/// A seed with mutations applied: the generator does not panic, and locates what it reports.
fn mutated_document(seed: &Index, mutations: &[Mutation]) -> Result<(), TestCaseError> {
    let seeds = seeds();
    let mut document = seeds[seed.index(seeds.len())].1.clone();
    for mutation in mutations {
        mutation.apply(&mut document);
    }
    let bytes = serde_json::to_vec(&document).expect("a JSON value serializes");
    guarded(&bytes, "mutated", || match generate(&bytes) {
        Ok(output) => check_output(&output),
        Err(failure) => {
            let rendered = failure.to_string();
            let errors = failure.diagnostics().iter();
            if !errors.clone().any(|d| d.severity == oagen::Severity::Error) {
                return Err(format!("a failure without an error:\n{rendered}"));
            }
            match errors.map(|d| d.pointer()).find(|p| !p.starts_with('#')) {
                Some(pointer) => Err(format!(
                    "pointer {pointer:?} does not start with `#`:\n{rendered}"
                )),
                None => Ok(()),
            }
        }
    })
}

/// A document of hostile names: it generates, the same twice.
fn hostile_document(seed: u64) -> Result<(), TestCaseError> {
    let document = hostile::document(seed);
    let bytes = document.as_bytes();
    guarded(bytes, "hostile", || {
        if hostile::document(seed) != document {
            return Err("hostile.rs wrote two documents for one seed".to_owned());
        }
        if let Err(err) = serde_json::from_str::<Value>(&document) {
            return Err(format!("hostile.rs wrote invalid JSON: {err}"));
        }
        let first = generate(bytes).map_err(|failure| {
            let rendered = failure.to_string();
            format!("a valid document was rejected:\n{rendered}")
        })?;
        check_output(&first)?;
        let second = generate(bytes).map_err(|_| "the second run failed".to_owned())?;
        if first.files != second.files {
            return Err("two runs generated different code".to_owned());
        }
        Ok(())
    })
}

/// Every document the generator can read (fixtures, and small corpus documents) is a seed, so
/// that a document that silently fails to load does not narrow what is fuzzed.
#[test]
fn every_readable_document_is_a_seed() {
    let readable: Vec<PathBuf> = seed_paths()
        .into_iter()
        .filter(|path| {
            // What the generator generates from (it reads some documents it then refuses).
            let bytes = fs::read(path).expect("document is readable");
            generator().lower(oagen::Document::bytes(&bytes)).is_ok()
        })
        .collect();
    assert!(
        readable.len() > 10,
        "only {} readable documents",
        readable.len()
    );
    let missing: Vec<&PathBuf> = readable
        .iter()
        .filter(|path| !seeds().iter().any(|(seed, _)| seed == *path))
        .collect();
    assert!(
        missing.is_empty(),
        "documents the generator reads but the seeds do not: {missing:?}"
    );
}

// ---- Running the generator ----

fn generator() -> oagen::Generator {
    oagen::Generator::new(oagen::Settings {
        package: oagen::Package {
            name: Some("fuzzed".to_owned()),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Version("0.1".to_owned()),
        command: Some("cargo test -p oagen-tests --test fuzz".to_owned()),
        ..oagen::Settings::default()
    })
}

fn generate(bytes: &[u8]) -> Result<oagen::Output, oagen::Error> {
    generator().generate(oagen::Document::Bytes {
        name: "fuzz.json",
        bytes,
    })
}

/// Runs the checks of one case on a document. A failed check, or a panic (the generator's,
/// caught here), fails the case with a message that names a file holding the document. `name`
/// says which property runs; the document is also written to
/// `target/fuzz-failures/last-<name>.json` first, because a stack overflow aborts the process
/// before anything can be caught.
fn guarded(
    bytes: &[u8],
    name: &str,
    checks: impl FnOnce() -> Result<(), String>,
) -> Result<(), TestCaseError> {
    let _ = fs::create_dir_all(failures_dir());
    let _ = fs::write(failures_dir().join(format!("last-{name}.json")), bytes);
    let message = match panic::catch_unwind(AssertUnwindSafe(checks)) {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(message)) => message,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("the generator panicked: {text}")
        }
    };
    let path = save(bytes);
    Err(TestCaseError::fail(format!(
        "{message}\ndocument: {}",
        path.display()
    )))
}

/// What generated code must satisfy beyond parsing (which `generate` checks): no Unicode
/// text-direction controls in Rust sources, which rustc rejects in comments and literals
/// alike (TOML takes them); and warnings located like errors.
fn check_output(output: &oagen::Output) -> Result<(), String> {
    for file in output.files.iter().filter(|f| f.path.ends_with(".rs")) {
        let found = file
            .contents
            .lines()
            .enumerate()
            .find(|(_, text)| text.contains(is_bidi_control));
        if let Some((line, text)) = found {
            return Err(format!(
                "{}:{} holds a text-direction control, which does not compile: {text:?}",
                file.path,
                line + 1
            ));
        }
    }
    match output
        .diagnostics
        .iter()
        .find(|d| !d.pointer().starts_with('#'))
    {
        Some(d) => Err(format!(
            "warning pointer {:?} does not start with `#`",
            d.pointer()
        )),
        None => Ok(()),
    }
}

/// The characters of rustc's `text_direction_codepoint_in_comment` and
/// `text_direction_codepoint_in_literal` lints (deny by default).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes a document to `target/fuzz-failures/<hash>.json`, named by its contents so that
/// the same document is written once.
fn save(bytes: &[u8]) -> PathBuf {
    // FNV-1a: stable across runs and Rust versions, unlike `DefaultHasher`.
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let path = failures_dir().join(format!("{hash:016x}.json"));
    if let Err(err) = fs::write(&path, bytes) {
        eprintln!("cannot write {}: {err}", path.display());
    }
    path
}

fn failures_dir() -> PathBuf {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`, wherever the target directory is.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new("target"))
        .join("fuzz-failures")
}

// ---- Seeds ----

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture, and the corpus documents under 30 KB (when `../shared/specs` exists).
fn seed_paths() -> Vec<PathBuf> {
    let mut paths = documents(&manifest_dir().join("fixtures"), u64::MAX);
    paths.extend(documents(&manifest_dir().join("../../shared/specs"), SMALL));
    paths
}

/// The documents of [`seed_paths`], parsed, with their paths; documents that are not YAML or
/// JSON (some `error_*` fixtures) are left out.
fn seeds() -> &'static [(PathBuf, Value)] {
    static SEEDS: OnceLock<Vec<(PathBuf, Value)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        seed_paths()
            .into_iter()
            .filter_map(|path| {
                let bytes = fs::read(&path).ok()?;
                Some((path.clone(), value::parse(&path, &bytes)?))
            })
            .collect()
    })
}

// ---- Mutations ----

/// One change to a document. Nodes are chosen by [`Index`] among the nodes the document has
/// when the change is applied (parents before children), so shrinking moves toward the root
/// and the first keys.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes a key or a list item.
    Delete(Index),
    /// Replaces a value by another.
    Replace(Index, Value),
    /// Adds a `$ref` to an object, or replaces a value by `{"$ref": ...}`.
    Ref(Index, Target),
    /// Renames a key to a hostile name (from `hostile.rs`), in place.
    Rename(Index, Index),
    /// Copies a subtree over another value (which may be inside it).
    Duplicate(Index, Index),
    /// Sets an object's `type`.
    Type(Index, Value),
}

/// Where a `$ref` points.
#[derive(Debug, Clone)]
enum Target {
    /// `#/components/schemas/<a schema of the document>`.
    Schema(Index),
    /// Any node of the document: its ancestors make cycles, the root included.
    Node(Index),
    /// A fixed text, most of it pointing nowhere.
    Text(&'static str),
}

/// `$ref`s that point nowhere, elsewhere, or at odd places.
const REF_TEXTS: &[&str] = &[
    "",
    "#",
    "#/",
    "#/components/schemas/",
    "#/components/schemas/Missing",
    "#/components/schemas/Missing/properties/x",
    "#/paths",
    "#/paths/~1",
    "#/info/title",
    "#/a~2b",
    "#/%zz",
    "#/components/schemas/%",
    "other.yaml#/components/schemas/X",
    "https://example.com/schema.json",
    "#components/schemas/X",
    "//",
];

/// `type` names, valid and not.
const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null", "", "str", "Object",
    "int", "file", "any", "😀",
];

/// Short strings that tend to mean something somewhere: to Rust, to JSON pointers, to
/// OpenAPI.
const WEIRD_STRINGS: &[&str] = &[
    "", " ", "\0", "\n", "\t", "\r\n", "\u{202e}", "\u{feff}", "\u{fffd}", "😀", "名前",
    "e\u{301}", "\\", "\"", "'", "{", "}", "{}", "{x}", "/", "#", "#/", "~", "~0", "~1", "%",
    "%zz", "%2F", "*/", "/*", "//", "///", "#[", "r#", "r#type", "${x}", "a\0b", "null", "true",
    "0", "-1", "1e999", "*/*", "2XX", "200", "204", "4XX", "999", "3.0.3", "3.1.0", "2.0", "date",
    "uuid", "binary", "byte", "int32", "int64", "float", "double", "path", "query", "header",
    "cookie", "form", "simple", "default",
];

/// Longer words of OpenAPI: media types, formats, styles, a templated URL.
const WORDS: &[&str] = &[
    "application/json",
    "text/plain",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "date-time",
    "deepObject",
    "spaceDelimited",
    "http://example.com/{x}",
];

/// Keys of OpenAPI and JSON Schema, for the objects of random values.
const KEYS: &[&str] = &[
    "type",
    "properties",
    "items",
    "$ref",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
    "required",
    "nullable",
    "additionalProperties",
    "format",
    "default",
    "schema",
    "content",
    "in",
    "name",
    "responses",
    "parameters",
    "requestBody",
    "discriminator",
    "propertyName",
    "mapping",
    "description",
    "200",
    "default",
    "application/json",
    "style",
    "explode",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let target = prop_oneof![
        any::<Index>().prop_map(Target::Schema),
        any::<Index>().prop_map(Target::Node),
        select(REF_TEXTS).prop_map(Target::Text),
    ];
    let types = prop_oneof![
        select(TYPES).prop_map(Value::from),
        prop::collection::vec(select(TYPES).prop_map(Value::from), 0..4).prop_map(Value::Array),
    ];
    prop_oneof![
        any::<Index>().prop_map(Mutation::Delete),
        (any::<Index>(), value()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        (any::<Index>(), target).prop_map(|(at, t)| Mutation::Ref(at, t)),
        (any::<Index>(), any::<Index>()).prop_map(|(at, n)| Mutation::Rename(at, n)),
        (any::<Index>(), any::<Index>()).prop_map(|(from, to)| Mutation::Duplicate(from, to)),
        (any::<Index>(), types).prop_map(|(at, t)| Mutation::Type(at, t)),
    ]
}

/// Any JSON value, a few levels deep.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        let key = prop_oneof![select(KEYS).prop_map(str::to_owned), string()];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Integers at the edges, and floats JSON can hold.
const INTEGERS: &[i64] = &[0, 1, -1, 2, 100, i64::MIN, i64::MAX];
const FLOATS: &[f64] = &[
    0.5,
    -0.0,
    1e20,
    1e308,
    -1e308,
    1e-308,
    f64::MAX,
    f64::MIN_POSITIVE,
];

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        select(INTEGERS).prop_map(Number::from),
        Just(Number::from(u64::MAX)),
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        select(FLOATS).prop_filter_map("finite", Number::from_f64),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        select(WEIRD_STRINGS).prop_map(str::to_owned),
        select(WORDS).prop_map(str::to_owned),
        select(hostile::names()),
        any::<String>(),
        Just("x".repeat(1000)),
    ]
}

/// One step from a value to a child: a key or a list index.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Item(usize),
}

/// The paths of every node, parents before children; the root's is empty.
fn nodes(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(Step::Key(key.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Step::Item(i));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key.as_str()),
        Step::Item(i) => value.get_mut(*i),
    })
}

/// The `$ref` text pointing at a path: RFC 6901 tokens in a URI fragment.
fn pointer(path: &[Step]) -> String {
    let mut text = "#".to_owned();
    for step in path {
        text.push('/');
        match step {
            Step::Key(key) => text.push_str(
                &key.replace('~', "~0")
                    .replace('/', "~1")
                    .replace('%', "%25"),
            ),
            Step::Item(i) => text.push_str(&i.to_string()),
        }
    }
    text
}

/// Picks one of `candidates`, or none when there are none.
fn pick<T>(candidates: &[T], index: &Index) -> Option<T>
where
    T: Clone,
{
    (!candidates.is_empty()).then(|| candidates[index.index(candidates.len())].clone())
}

impl Mutation {
    fn apply(&self, document: &mut Value) {
        let all = nodes(document);
        // The root is never deleted or replaced: that only tests "not an object".
        let below_root = &all[1..];
        match self {
            Mutation::Delete(at) => {
                let Some(path) = pick(below_root, at) else {
                    return;
                };
                let (last, parent) = path.split_last().expect("below the root");
                match (node_mut(document, parent), last) {
                    (Some(Value::Object(map)), Step::Key(key)) => {
                        map.shift_remove(key);
                    }
                    (Some(Value::Array(items)), Step::Item(i)) => {
                        items.remove(*i);
                    }
                    _ => unreachable!("a path leads to its parent"),
                }
            }
            Mutation::Replace(at, value) => {
                if let Some(node) = pick(below_root, at).and_then(|p| node_mut(document, &p)) {
                    *node = value.clone();
                }
            }
            Mutation::Ref(at, target) => {
                let reference = match target {
                    Target::Schema(index) => {
                        let names: Vec<String> = document
                            .pointer("/components/schemas")
                            .and_then(Value::as_object)
                            .map(|schemas| schemas.keys().cloned().collect())
                            .unwrap_or_default();
                        match pick(&names, index) {
                            Some(name) => pointer(&[
                                Step::Key("components".to_owned()),
                                Step::Key("schemas".to_owned()),
                                Step::Key(name),
                            ]),
                            None => "#/components/schemas/None".to_owned(),
                        }
                    }
                    Target::Node(index) => pointer(&pick(&all, index).unwrap_or_default()),
                    Target::Text(text) => (*text).to_owned(),
                };
                let Some(node) = pick(below_root, at).and_then(|p| node_mut(document, &p)) else {
                    return;
                };
                match node {
                    Value::Object(map) => {
                        map.insert("$ref".to_owned(), Value::String(reference));
                    }
                    other => *other = serde_json::json!({ "$ref": reference }),
                }
            }
            Mutation::Rename(at, name) => {
                let keys: Vec<Vec<Step>> = below_root
                    .iter()
                    .filter(|path| matches!(path.last(), Some(Step::Key(_))))
                    .cloned()
                    .collect();
                let Some(path) = pick(&keys, at) else {
                    return;
                };
                let (Some(Step::Key(old)), parent) = (path.last(), &path[..path.len() - 1]) else {
                    unreachable!("only keys were kept");
                };
                let new = pick(&hostile::names(), name).expect("the pool is not empty");
                if let Some(Value::Object(map)) = node_mut(document, parent) {
                    // Rebuilt so that the key keeps its place; another key already named
                    // `new` is dropped (an object cannot hold it twice).
                    let renamed = std::mem::take(map)
                        .into_iter()
                        .filter(|(key, _)| key != &new || key == old)
                        .map(|(key, value)| (if &key == old { new.clone() } else { key }, value))
                        .collect();
                    *map = renamed;
                }
            }
            Mutation::Duplicate(from, to) => {
                let (Some(from), Some(to)) = (pick(&all, from), pick(below_root, to)) else {
                    return;
                };
                let Some(copy) = node_mut(document, &from).map(|v| v.clone()) else {
                    return;
                };
                if all.len() + nodes(&copy).len() > MAX_NODES {
                    return;
                }
                if let Some(node) = node_mut(document, &to) {
                    *node = copy;
                }
            }
            Mutation::Type(at, types) => {
                let objects: Vec<Vec<Step>> = all
                    .iter()
                    .filter(|path| node_mut(document, path).is_some_and(|v| v.is_object()))
                    .cloned()
                    .collect();
                if let Some(Value::Object(map)) =
                    pick(&objects, at).and_then(|p| node_mut(document, &p))
                {
                    map.insert("type".to_owned(), types.clone());
                }
            }
        }
    }
}
