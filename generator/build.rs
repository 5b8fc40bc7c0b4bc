//! Finds the runtime's source for `vendor.rs` (the copy of `oagen-runtime` written beside a
//! generated crate) and lists its files in `OUT_DIR/runtime_sources.rs`.
//!
//! In this repository the source is `../runtime`. A published `oagen` cannot reach outside
//! its package, so `cargo xtask package` copies the runtime into `runtime-source/` (its
//! manifest as `manifest.toml`: a folder with a `Cargo.toml` would be left out of the
//! package as a crate of its own); a build from the registry reads that copy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let here = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let (dir, manifest) = match here.join("../runtime") {
        repo if repo.join("Cargo.toml").is_file() => {
            let manifest = repo.join("Cargo.toml");
            (repo, manifest)
        }
        _ => {
            let copy = here.join("runtime-source");
            let manifest = copy.join("manifest.toml");
            (copy, manifest)
        }
    };
    println!("cargo:rerun-if-changed={}", manifest.display());
    println!("cargo:rerun-if-changed={}", dir.join("src").display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join("src"))
        .unwrap_or_else(|err| panic!("the runtime's source is not in {}: {err}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "const MANIFEST: &str = include_str!({:?});",
        absolute(&manifest)
    );
    out.push_str("const SOURCES: &[(&str, &str)] = &[\n");
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    (\"src/{name}\", include_str!({:?})),",
            absolute(file)
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    fs::write(out_dir.join("runtime_sources.rs"), out).expect("OUT_DIR is writable");
}

fn absolute(path: &Path) -> String {
    fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}
