//! The repository's tasks, as a library so that tests run exactly what the commands run.
//!
//! `codegen` and `generate` are thin callers of the `oagen` library ([`oagen::Generator`]
//! and [`oagen::Generator::run`], the path the `oagen` command takes too); they differ only
//! in their settings: `codegen` is this repository's own (`spec/openapi.yaml` with
//! `spec/oagen.toml` → `generated/`, a member of the workspace), `generate` writes a
//! standalone crate for any document, using this repository's runtime by path.

pub mod bench;
pub mod corpus;
pub mod synth;

use std::path::{Path, PathBuf};

pub use oagen::{Error, Generator, Mode, Outcome, Settings, exit_code};

/// The repository root (the directory holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// One generation: a document, an output folder, and the generator with its settings.
#[derive(Debug, Clone)]
pub struct Task {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub settings: Settings,
}

impl Task {
    pub fn run(&self, mode: Mode) -> Result<Outcome, Error> {
        self.generator().run(&self.spec, &self.out, mode)
    }

    pub fn generator(&self) -> Generator {
        Generator::new(self.settings.clone())
    }
}

/// `spec/openapi.yaml` (configured by `spec/oagen.toml`) → `generated/`.
pub fn codegen_task() -> Result<Task, Error> {
    let root = workspace_root();
    let mut settings = Settings::read(&root.join("spec/oagen.toml"))?;
    settings.command = Some("cargo xtask codegen".to_owned());
    Ok(Task {
        spec: root.join("spec/openapi.yaml"),
        out: root.join("generated"),
        settings,
    })
}

/// Any document → a standalone crate in `out`, using this repository's runtime crate.
pub fn generate_task(spec: &Path, out: &Path, crate_name: Option<String>) -> Task {
    let settings = Settings {
        package: oagen::Package {
            name: crate_name,
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Path(
            std::path::absolute(workspace_root().join("runtime"))
                .unwrap_or_else(|_| workspace_root().join("runtime")),
        ),
        command: Some(format!(
            "cargo xtask generate {} --out {}",
            spec.display(),
            out.display()
        )),
        ..Settings::default()
    };
    Task {
        spec: spec.to_path_buf(),
        out: out.to_path_buf(),
        settings,
    }
}

/// Writes generated files under `dir` (a scratch folder of the corpus or the examples).
pub fn write_files(dir: &Path, files: &[oagen::OutputFile]) -> std::io::Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::read(&path).ok().as_deref() != Some(file.contents.as_bytes()) {
            std::fs::write(&path, &file.contents)?;
        }
    }
    Ok(())
}

/// The exit code of an xtask command that ran a cargo child process: 0 when it succeeded,
/// 1 when it failed, 2 when it could not be started.
pub fn child_exit_code(
    status: std::io::Result<std::process::ExitStatus>,
) -> std::process::ExitCode {
    match status {
        Ok(status) if status.success() => std::process::ExitCode::SUCCESS,
        Ok(_) => std::process::ExitCode::from(1),
        Err(err) => {
            eprintln!("error: cannot run cargo: {err}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Copies `runtime/Cargo.toml` (as `manifest.toml`) and `runtime/src` into
/// `generator/runtime-source/`, replacing what was there: what a published `oagen` vendors.
pub fn copy_runtime_source(root: &Path) -> std::io::Result<()> {
    let to = root.join("generator/runtime-source");
    if to.exists() {
        std::fs::remove_dir_all(&to)?;
    }
    std::fs::create_dir_all(to.join("src"))?;
    std::fs::copy(root.join("runtime/Cargo.toml"), to.join("manifest.toml"))?;
    for entry in std::fs::read_dir(root.join("runtime/src"))? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, to.join("src").join(name))?;
        }
    }
    Ok(())
}
