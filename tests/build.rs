//! Generates the code of every fixture in `fixtures/` that the generator accepts, into
//! `OUT_DIR`, so that `src/lib.rs` compiles each one as a module: generated code that does
//! not compile (or that warns, under `-D warnings`) fails the build of the tests.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let fixtures = Path::new("fixtures");
    println!("cargo:rerun-if-changed=fixtures");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let out_dir = Path::new(&out_dir);

    let mut entries: Vec<_> = fs::read_dir(fixtures)
        .expect("tests/fixtures exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    entries.sort();

    let mut modules = String::new();
    for path in entries {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let bytes = fs::read(&path).expect("fixture is readable");
        let config = oagen::Config {
            crate_name: Some(stem.replace('_', "-")),
            runtime: oagen::RuntimeDependency::Version("0.1".to_owned()),
            manifest: oagen::ManifestKind::Standalone,
            command: "cargo test -p oagen-tests".to_owned(),
            spec_name: format!(
                "tests/fixtures/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
        };
        // Documents the generator rejects are covered by their diagnostic snapshots.
        let Ok(output) = oagen::generate(&bytes, &config) else {
            continue;
        };
        let dir = out_dir.join("fixtures").join(&stem);
        fs::create_dir_all(dir.join("src")).expect("OUT_DIR is writable");
        for file in output.files.iter().filter(|f| f.path.ends_with(".rs")) {
            fs::write(dir.join(&file.path), &file.contents).expect("OUT_DIR is writable");
        }
        let lib = dir.join("src/lib.rs");
        writeln!(
            modules,
            "#[path = {:?}]\npub mod {stem};",
            lib.display().to_string()
        )
        .ok();
    }
    fs::write(out_dir.join("fixtures.rs"), modules).expect("OUT_DIR is writable");
}
