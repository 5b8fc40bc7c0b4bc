//! The repository's tasks, as a library so that tests run exactly what the commands run.
//!
//! `codegen` and `generate` are thin callers of the `oagen` library ([`oagen::Job`] and
//! [`oagen::run`], the path the `oagen` command takes too); they differ only in their job:
//! `codegen` is this repository's own job (`spec/openapi.yaml` with `spec/oagen.toml` →
//! `generated/`, a member of the workspace), `generate` writes a standalone crate for any
//! document, using this repository's runtime by path.

pub mod bench;
pub mod corpus;
pub mod synth;

use std::path::{Path, PathBuf};

use oagen::{Config, ManifestKind, RuntimeDependency};
pub use oagen::{Job, Mode, Outcome, RunError, exit_code, run};

/// The repository root (the directory holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `spec/openapi.yaml` (configured by `spec/oagen.toml`) → `generated/`.
pub fn codegen_job() -> Result<Job, RunError> {
    let root = workspace_root();
    let mut job = Job::new(
        &root.join("spec/openapi.yaml"),
        &root.join("generated"),
        Some(&root.join("spec/oagen.toml")),
        None,
    )?;
    job.config.command = "cargo xtask codegen".to_owned();
    Ok(job)
}

/// Any document → a standalone crate in `out`, using this repository's runtime crate.
pub fn generate_job(spec: &Path, out: &Path, crate_name: Option<String>) -> Job {
    let runtime = workspace_root().join("runtime");
    let out_abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let runtime_abs = std::path::absolute(&runtime).unwrap_or(runtime);
    let runtime_path = oagen::job::relative_path(&out_abs, &runtime_abs);
    Job {
        spec: spec.to_path_buf(),
        out: out.to_path_buf(),
        config: Config {
            crate_name,
            runtime: RuntimeDependency::Path(runtime_path.to_string_lossy().replace('\\', "/")),
            manifest: ManifestKind::Standalone,
            command: format!(
                "cargo xtask generate {} --out {}",
                spec.display(),
                out.display()
            ),
            spec_name: spec.display().to_string(),
            ..Config::default()
        },
        options: oagen::Options::default(),
        config_file: None,
        notes: Vec::new(),
    }
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
