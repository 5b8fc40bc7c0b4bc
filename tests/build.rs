//! Generates code into `OUT_DIR` for `src/lib.rs` to compile as modules, so that generated
//! code that does not compile (or that warns, under clippy's `-D warnings`) fails the build of
//! the tests:
//!
//! - every fixture in `fixtures/` that the generator accepts (`fixture_*` modules), and those
//!   of [`DERIVE_TOO`] once more with serde's derive decoding structs (`fixture_*_derive`);
//! - the small documents of the shared corpus, `../../shared/specs/*` under 30 KB
//!   (`corpus_*` modules). The full corpus is `cargo xtask corpus`;
//! - a fixed batch of documents made of hostile names (`hostile_*` modules, see
//!   `hostile.rs`), which must all generate.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "documents.rs"]
mod documents;
use documents::documents;

#[path = "hostile.rs"]
mod hostile;

#[path = "sample.rs"]
mod sample;

/// Fixtures also generated with `deserialize = "derive"`, for `tests/decode_modes.rs`.
const DERIVE_TOO: &[&str] = &["decode_modes"];

/// The corpus documents small enough to compile on every test run.
const SMALL: u64 = 30 * 1024;

/// Seeds of the hostile documents compiled on every test run (`tests/fuzz.rs` generates many
/// more, without compiling them).
const HOSTILE_SEEDS: [u64; 8] = [0, 1, 2, 3, 4, 5, 6, 7];

fn main() {
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    // The shared corpus beside the repository, or where `OAGEN_CORPUS_DIR` says (a checkout
    // in another folder, such as a worktree).
    println!("cargo:rerun-if-env-changed=OAGEN_CORPUS_DIR");
    let corpus_dir = std::env::var_os("OAGEN_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../../shared/specs"));
    let corpus_dir = corpus_dir.as_path();
    println!("cargo:rerun-if-changed=fixtures");
    println!("cargo:rerun-if-changed={}", corpus_dir.display());
    println!("cargo:rerun-if-changed=hostile.rs");

    let mut modules = String::new();
    let mut runs = String::new();
    let mut examples = String::from("vec![\n");
    for path in documents(Path::new("fixtures"), u64::MAX) {
        // Documents the generator rejects are covered by their diagnostic snapshots.
        if emit_module(&path, "fixture", &out_dir, &mut modules, &mut runs).is_ok() {
            let module = format!("oagen_tests::{}", fixture_module(&path, "fixture"));
            example_cases(&path, &module, &mut examples);
        }
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        if DERIVE_TOO.contains(&stem.as_ref()) {
            let module = format!("{}_derive", fixture_module(&path, "fixture"));
            let bytes = fs::read(&path).expect("a fixture is readable");
            let spec_name = path.display().to_string();
            // Its README example runs once, with the default decoder.
            let mut no_runs = String::new();
            let encoder = oagen::Encoder::All;
            if let Err(message) = emit(
                &module,
                &out_dir,
                &mut modules,
                &mut no_runs,
                encoder,
                |generator| {
                    let mut settings = generator.settings().clone();
                    settings.types.deserialize = oagen::Decoder::Derive;
                    generate_with_ir(
                        &oagen::Generator::new(settings),
                        oagen::Document::Bytes {
                            name: &spec_name,
                            bytes: &bytes,
                        },
                    )
                },
            ) {
                panic!(
                    "{} must generate with the derive:\n{message}",
                    path.display()
                );
            }
        }
    }
    // Documents spread over several files: every folder of `fixtures/` with an
    // `openapi.yaml` at its root, generated from the path so that references are followed.
    for dir in fixture_folders(Path::new("fixtures")) {
        let root = dir.join("openapi.yaml");
        let module = fixture_module(&dir, "fixture");
        let spec_name = root.display().to_string();
        let encoder = oagen::Encoder::All;
        if let Err(message) = emit(
            &module,
            &out_dir,
            &mut modules,
            &mut runs,
            encoder,
            |generator| generate_with_ir(generator, oagen::Document::File(Path::new(&spec_name))),
        ) {
            panic!(
                "the multi-file fixture {} must generate:\n{message}",
                dir.display()
            );
        }
    }
    println!("cargo:rerun-if-changed=../spec/openapi.yaml");
    example_cases(Path::new("../spec/openapi.yaml"), "zenskar", &mut examples);
    examples.push_str("]\n");
    fs::write(out_dir.join("examples.rs"), examples).expect("OUT_DIR is writable");

    for (index, seed) in HOSTILE_SEEDS.into_iter().enumerate() {
        let module = format!("hostile_{index}");
        let spec_name = format!("tests/hostile.rs (seed {seed})");
        let document = hostile::document(seed);
        let encoder = oagen::Encoder::Sent;
        if let Err(message) = emit(
            &module,
            &out_dir,
            &mut modules,
            &mut runs,
            encoder,
            |generator| {
                generate_with_ir(
                    generator,
                    oagen::Document::Bytes {
                        name: &spec_name,
                        bytes: document.as_bytes(),
                    },
                )
            },
        ) {
            panic!("hostile names must always generate; seed {seed}:\n{message}\n{document}");
        }
    }

    let mut compiled = Vec::new();
    let mut failed = Vec::new();
    if corpus_dir.is_dir() {
        for path in documents(corpus_dir, SMALL) {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            match emit_module(&path, "corpus", &out_dir, &mut modules, &mut runs) {
                Ok(()) => compiled.push(name),
                Err(message) => failed.push(format!("{name}: {message}")),
            }
        }
    } else {
        println!("cargo:warning=../shared/specs not found: the corpus documents are not compiled");
    }
    let _ = writeln!(
        modules,
        "/// Corpus documents whose generated code is compiled as modules of this crate."
    );
    let _ = writeln!(
        modules,
        "pub const CORPUS_COMPILED: &[&str] = &{compiled:?};"
    );
    let _ = writeln!(
        modules,
        "/// Corpus documents the generator rejected, with its diagnostics."
    );
    let _ = writeln!(modules, "pub const CORPUS_FAILED: &[&str] = &{failed:?};");
    let _ = writeln!(
        modules,
        "/// The README example of every generated module, to run against a loopback server."
    );
    let _ = writeln!(
        modules,
        "pub const README_RUNS: &[crate::ReadmeRun] = &[\n{runs}];"
    );
    let tests = README_TESTS.lock().map(|t| t.clone()).unwrap_or_default();
    let _ = writeln!(
        modules,
        "/// The test of every generated README (the `mock` feature's example), to run.\npub const README_TESTS: &[(&str, crate::RunTest)] = &[\n{tests}];"
    );
    fs::write(out_dir.join("generated_modules.rs"), modules).expect("OUT_DIR is writable");
}

/// The module a document's generated code is compiled as: `<prefix>_<snake name>`.
fn fixture_module(path: &Path, prefix: &str) -> String {
    let stem = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    format!("{prefix}_{}", snake(&stem))
}

/// A file stem in snake_case: words split at anything not alphanumeric and where a
/// lowercase letter or digit meets a capital, lowercased, joined by `_`.
fn snake(stem: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in stem.chars() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        } else {
            if c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                && !out.ends_with('_')
            {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        previous = Some(c);
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "document".to_owned()
    } else {
        out
    }
}

/// One line per example of the document (`tests/examples.rs` includes the list): its place,
/// its JSON, and the round trip through the generated type it should decode into.
fn example_cases(path: &Path, module: &str, out: &mut String) {
    let Ok(bytes) = fs::read(path) else { return };
    let Ok(oagen::Lowered { api, .. }) =
        oagen::Generator::default().lower(oagen::Document::bytes(&bytes))
    else {
        return;
    };
    for example in &api.examples {
        // Files are not JSON values.
        if example.ty.mentions(oagen::ir::Scalar::Binary) {
            continue;
        }
        let ty = api.rust_path(&example.ty, module);
        let place = format!("{}{}", path.display(), example.pointer);
        let _ = writeln!(
            out,
            "    ({place:?}, {:?}, round_trip::<{ty}> as RoundTrip),",
            example.value.to_string()
        );
    }
}

/// Generates one document into `OUT_DIR/<prefix>_<name>/src` and declares it as a module.
fn emit_module(
    path: &Path,
    prefix: &str,
    out_dir: &Path,
    modules: &mut String,
    runs: &mut String,
) -> Result<(), String> {
    let module = fixture_module(path, prefix);
    let bytes = fs::read(path).map_err(|err| err.to_string())?;
    let name = path.display().to_string();
    emit(
        &module,
        out_dir,
        modules,
        runs,
        encoder(prefix),
        |generator| {
            generate_with_ir(
                generator,
                oagen::Document::Bytes {
                    name: &name,
                    bytes: &bytes,
                },
            )
        },
    )
}

/// Which types implement `Serialize` in the modules of `prefix`: every one in the fixtures,
/// whose examples `tests/examples.rs` decodes and encodes again (`serialize = "all"`); only
/// those sent in the corpus and hostile documents, as users get them by default.
fn encoder(prefix: &str) -> oagen::Encoder {
    match prefix {
        "fixture" => oagen::Encoder::All,
        _ => oagen::Encoder::Sent,
    }
}

/// The crate generated from `document`, with the IR it was emitted from.
fn generate_with_ir(
    generator: &oagen::Generator,
    document: oagen::Document<'_>,
) -> Result<(oagen::Output, oagen::ir::Api), oagen::Error> {
    let api = generator.lower(document)?.api;
    Ok((generator.generate(document)?, api))
}

/// The folders of `dir` that hold a multi-file document (an `openapi.yaml` at their root),
/// sorted.
fn fixture_folders(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|path| path.join("openapi.yaml").is_file());
    found.sort();
    found
}

/// Generates one document into `OUT_DIR/<module>/src` and declares it as a module.
fn emit(
    module: &str,
    out_dir: &Path,
    modules: &mut String,
    runs: &mut String,
    encoder: oagen::Encoder,
    generate: impl FnOnce(&oagen::Generator) -> Result<(oagen::Output, oagen::ir::Api), oagen::Error>,
) -> Result<(), String> {
    let settings = oagen::Settings {
        package: oagen::Package {
            name: Some(module.replace('_', "-")),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Version("0.1".to_owned()),
        command: Some("cargo test -p oagen-tests".to_owned()),
        // Compiled as modules of this crate, which has no feature per resource group: every
        // operation and type is always compiled (tests/features.rs builds gated crates).
        features: oagen::FeatureSettings {
            enabled: false,
            ..oagen::FeatureSettings::default()
        },
        types: oagen::TypeSettings {
            serialize: encoder,
            ..oagen::TypeSettings::default()
        },
        ..oagen::Settings::default()
    };
    let (output, api) =
        generate(&oagen::Generator::new(settings)).map_err(|failure| failure.to_string())?;
    let dir = out_dir.join(module);
    fs::create_dir_all(dir.join("src")).expect("OUT_DIR is writable");
    for file in output.files.iter().filter(|f| f.path.ends_with(".rs")) {
        fs::write(dir.join(&file.path), &file.contents).expect("OUT_DIR is writable");
    }
    let lib = dir.join("src/lib.rs");
    let _ = writeln!(
        modules,
        "#[path = {:?}]\npub mod {module};",
        lib.display().to_string()
    );
    send_static_assertions(module, &output, &dir, modules);
    // The examples of the generated README, each a module beside the generated one: they
    // must compile (without warnings) for every document, and the first is run against a
    // loopback server (`tests/readme_examples.rs`).
    let readme = output
        .files
        .iter()
        .find(|f| f.path == "README.md")
        .ok_or("no README.md")?;
    let blocks = readme_examples(&readme.contents, module)?;
    for (index, example) in blocks.iter().enumerate() {
        let name = match index {
            0 => format!("{module}_readme"),
            n => format!("{module}_readme_{}", n + 1),
        };
        let path = dir.join(format!("{name}.rs"));
        fs::write(&path, example).expect("OUT_DIR is writable");
        readme_test(&name, &readme.contents, index);
        let _ = writeln!(
            modules,
            "/// An example of the generated README of `{module}`.\n#[path = {:?}]\npub mod {name};",
            path.display().to_string()
        );
    }
    readme_run(module, &readme.contents, &api, runs);
    Ok(())
}

/// The README's tests (`#[tokio::test]`, the `mock` feature's example): an entry of
/// `README_TESTS` per test function, which `tests/readme_examples.rs` runs.
static README_TESTS: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// Registers the test of the README's example number `index` (in module `name`), if it is one.
fn readme_test(name: &str, readme: &str, index: usize) {
    let Some(example) = readme.split("```rust\n").nth(index + 1) else {
        return;
    };
    let example = example.split("```").next().unwrap_or_default();
    let Some(after) = example.split("#[tokio::test]\n").nth(1) else {
        return;
    };
    let Some(function) = after
        .strip_prefix("async fn ")
        .and_then(|rest| rest.split('(').next())
    else {
        return;
    };
    if let Ok(mut tests) = README_TESTS.lock() {
        let _ = writeln!(
            tests,
            "    ({name:?}, || Box::pin(async {{ crate::{name}::{function}().await.map_err(|e| e.to_string()) }})),"
        );
    }
}

/// The table entry that runs the README's first example against a loopback server: the
/// call it makes (from its `// `METHOD /path`` comment), the response to give (made from
/// the operation's response type), and the environment variables it reads.
fn readme_run(module: &str, readme: &str, api: &oagen::ir::Api, runs: &mut String) {
    let call = readme.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("// `")?.strip_suffix('`')?;
        rest.split_once(' ')
    });
    let operation = call.and_then(|(method, path)| {
        api.operations.iter().find(|op| {
            // The README writes the path on one line.
            let one_line = op.path.split_whitespace().collect::<Vec<_>>().join(" ");
            op.method.as_str() == method && one_line == path
        })
    });
    let (method, sample) = match operation {
        Some(op) => (op.method.as_str(), sample::response(api, &op.response.body)),
        // No operation: the example only prints the base URL; nothing is called.
        None => ("", sample::response(api, &oagen::ir::ResponseBody::Empty)),
    };
    // The program: the first Rust block.
    let example = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_default();
    let env: Vec<&str> = example
        .split("std::env::var(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let _ = writeln!(
        runs,
        "    crate::ReadmeRun {{ module: {module:?}, method: {method:?}, status: {}, content_type: {:?}, body: &{:?}, env: &{env:?}, run: |url| Box::pin(async move {{ crate::{module}_readme::main(&url).await.map_err(|e| e.to_string()) }}) }},",
        sample.status, sample.content_type, sample.body
    );
}

/// A compile-time assertion, beside the module, that every request builder of the document
/// and the future it gives when awaited are `Send + 'static` (so `tokio::spawn` takes them).
/// The builders are the structs of `operations.rs`, the only structs it declares.
fn send_static_assertions(module: &str, output: &oagen::Output, dir: &Path, modules: &mut String) {
    let Some(operations) = output.files.iter().find(|f| f.path == "src/operations.rs") else {
        return;
    };
    let builders: Vec<&str> = operations
        .contents
        .lines()
        .filter_map(|line| line.strip_prefix("pub struct "))
        .filter_map(|rest| rest.split([' ', '{', '<', '(']).next())
        .collect();
    if builders.is_empty() {
        return;
    }
    let mut text = format!(
        "//! Every request builder of `{module}` and its future are `Send + 'static`.\n\n\
         const _: () = {{\n    const fn send_static<T: Send + 'static>() {{}}\n"
    );
    for builder in builders {
        let path = format!("crate::{module}::operations::{builder}");
        let _ = writeln!(text, "    send_static::<{path}>();");
        let _ = writeln!(
            text,
            "    send_static::<<{path} as ::std::future::IntoFuture>::IntoFuture>();"
        );
    }
    text.push_str("};\n");
    let path = dir.join("send_static.rs");
    fs::write(&path, text).expect("OUT_DIR is writable");
    let _ = writeln!(
        modules,
        "/// Builders of `{module}` are `Send + 'static`.\n#[path = {:?}]\nmod {module}_send_static;",
        path.display().to_string()
    );
}

/// Every Rust example of the README as a module of this crate. The first is a program: its
/// `main` becomes an ordinary async function of the base URL (the crate has no `tokio`
/// macros), which it sets on the builder after what the README sets, so that it calls a
/// loopback server. The others are functions, made public (they are not called). Their
/// `use` of the crate becomes a path to the module.
fn readme_examples(readme: &str, module: &str) -> Result<Vec<String>, String> {
    let mut blocks = Vec::new();
    let mut rest = readme;
    while let Some(start) = rest.find("```rust\n") {
        let start = start + 8;
        let end = rest[start..].find("```").ok_or("unclosed example")? + start;
        let mut out = String::new();
        for line in rest[start..end].lines() {
            if line == "#[tokio::main]" || line == "#[tokio::test]" {
                continue;
            }
            let line = line
                .replace(
                    &format!("use {module}::"),
                    &format!("use crate::{module}::"),
                )
                .replace(&format!("{module}::"), &format!("crate::{module}::"))
                .replace("crate::crate::", "crate::")
                .replace(
                    "async fn main() -> Result<(), Box<dyn std::error::Error>>",
                    "pub async fn main(base_url: &str) -> Result<(), Box<dyn std::error::Error>>",
                );
            // Only the program, whose `main` takes the base URL, calls the server.
            let line = if blocks.is_empty() {
                line.replace(".build()?", ".base_url(base_url).build()?")
            } else {
                line
            };
            let line = match line.strip_prefix("async fn ") {
                Some(rest) => format!("pub async fn {rest}"),
                None => match line.strip_prefix("fn ") {
                    Some(rest) => format!("pub fn {rest}"),
                    None => line,
                },
            };
            out.push_str(&line);
            out.push('\n');
        }
        if blocks.is_empty() && !out.contains("base_url: &str") {
            return Err("the README's first example is not `async fn main()`".to_owned());
        }
        blocks.push(out);
        rest = &rest[end + 3..];
    }
    if blocks.is_empty() {
        return Err("no Rust example in README.md".to_owned());
    }
    Ok(blocks)
}
