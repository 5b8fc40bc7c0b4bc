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
    let corpus_dir = Path::new("../../shared/specs");
    println!("cargo:rerun-if-changed=fixtures");
    println!("cargo:rerun-if-changed={}", corpus_dir.display());
    println!("cargo:rerun-if-changed=hostile.rs");

    let mut modules = String::new();
    let mut examples = String::from("vec![\n");
    for path in documents(Path::new("fixtures"), u64::MAX) {
        // Documents the generator rejects are covered by their diagnostic snapshots.
        if emit_module(&path, "fixture", &out_dir, &mut modules).is_ok() {
            let module = format!("oagen_tests::{}", fixture_module(&path, "fixture"));
            example_cases(&path, &module, &mut examples);
        }
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        if DERIVE_TOO.contains(&stem.as_ref()) {
            let module = format!("{}_derive", fixture_module(&path, "fixture"));
            let bytes = fs::read(&path).expect("a fixture is readable");
            let spec_name = path.display().to_string();
            if let Err(message) = emit(&module, &spec_name, &out_dir, &mut modules, |config| {
                let config = oagen::Config {
                    deserialize: oagen::Decoder::Derive,
                    ..config.clone()
                };
                oagen::generate(&bytes, &config)
            }) {
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
        if let Err(message) = emit(&module, &spec_name, &out_dir, &mut modules, |config| {
            oagen::generate_file(&root, config)
        }) {
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
        if let Err(message) = emit(&module, &spec_name, &out_dir, &mut modules, |config| {
            oagen::generate(document.as_bytes(), config)
        }) {
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
            match emit_module(&path, "corpus", &out_dir, &mut modules) {
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
    fs::write(out_dir.join("generated_modules.rs"), modules).expect("OUT_DIR is writable");
}

/// The module a document's generated code is compiled as: `<prefix>_<snake name>`.
fn fixture_module(path: &Path, prefix: &str) -> String {
    let stem = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    format!(
        "{prefix}_{}",
        oagen::naming::snake(&stem, "document").trim_start_matches("r#")
    )
}

/// One line per example of the document (`tests/examples.rs` includes the list): its place,
/// its JSON, and the round trip through the generated type it should decode into.
fn example_cases(path: &Path, module: &str, out: &mut String) {
    let Ok(bytes) = fs::read(path) else { return };
    let Ok((api, _)) = oagen::lower_document(&bytes) else {
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
) -> Result<(), String> {
    let module = fixture_module(path, prefix);
    let bytes = fs::read(path).map_err(|err| err.to_string())?;
    emit(
        &module,
        &path.display().to_string(),
        out_dir,
        modules,
        |config| oagen::generate(&bytes, config),
    )
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

/// Generates one document, named `spec_name` in headers and diagnostics, into
/// `OUT_DIR/<module>/src` and declares it as a module.
fn emit(
    module: &str,
    spec_name: &str,
    out_dir: &Path,
    modules: &mut String,
    generate: impl FnOnce(&oagen::Config) -> Result<oagen::Output, oagen::Failure>,
) -> Result<(), String> {
    let config = oagen::Config {
        crate_name: Some(module.replace('_', "-")),
        runtime: oagen::RuntimeDependency::Version("0.1".to_owned()),
        manifest: oagen::ManifestKind::Standalone,
        command: "cargo test -p oagen-tests".to_owned(),
        spec_name: spec_name.to_owned(),
        // Compiled as modules of this crate, which has no feature per resource group: every
        // operation and type is always compiled (tests/features.rs builds gated crates).
        features: oagen::Features::Off,
        ..Default::default()
    };
    let output = generate(&config).map_err(|failure| failure.render(&config.spec_name))?;
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
    // The example of the generated README, as a function beside the module: it must compile
    // (without warnings) for every document.
    let readme = output
        .files
        .iter()
        .find(|f| f.path == "README.md")
        .ok_or("no README.md")?;
    let example = readme_example(&readme.contents, module)?;
    let path = dir.join("readme_example.rs");
    fs::write(&path, example).expect("OUT_DIR is writable");
    let _ = writeln!(
        modules,
        "/// The example of the generated README of `{module}`.\n#[path = {:?}]\npub mod {module}_readme;",
        path.display().to_string()
    );
    Ok(())
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

/// The README's Rust example as a module of this crate: its `main` an ordinary async
/// function (the crate has no `tokio` macros), its `use` of the crate a path to the module.
fn readme_example(readme: &str, module: &str) -> Result<String, String> {
    let start = readme
        .find("```rust\n")
        .ok_or("no Rust example in README.md")?
        + 8;
    let end = readme[start..].find("```").ok_or("unclosed example")? + start;
    let mut out = String::new();
    for line in readme[start..end].lines() {
        if line == "#[tokio::main]" {
            continue;
        }
        let line = line
            .replace(
                &format!("use {module}::"),
                &format!("use crate::{module}::"),
            )
            .replace("async fn main()", "pub async fn main()");
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}
