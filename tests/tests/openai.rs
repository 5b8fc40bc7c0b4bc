//! The "done when": OpenAI's chat completions stream through a client generated from
//! OpenAI's whole description, in a compiled example. Ignored by default: the generated crate
//! takes 2.5 to 4.5 minutes and 3.7 GB to `cargo check` (measured on the 2-core machine).
//! Run it with `cargo test -p oagen-tests --test openai -- --ignored`.

use std::path::PathBuf;
use std::process::Command;

#[test]
#[ignore = "generates and checks OpenAI's whole client: minutes"]
fn openai_chat_completions_stream_through_the_generated_client() {
    let root = xtask::workspace_root();
    let spec = root.join("../shared/specs/openai-openapi.yaml");
    if !spec.is_file() {
        eprintln!("skipped: {} is not there", spec.display());
        return;
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("openai-client");
    let job = xtask::generate_task(&spec, &out, Some("openai-client".to_owned()));
    job.run(xtask::Mode::Write)
        .expect("OpenAI's description generates");
    let manifest = out.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    if !text.contains("[dev-dependencies]") {
        text.push_str(
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        );
        std::fs::write(&manifest, text).unwrap();
    }
    std::fs::create_dir_all(out.join("examples")).unwrap();
    std::fs::copy(
        root.join("tests/openai/chat_stream.rs"),
        out.join("examples/chat_stream.rs"),
    )
    .unwrap();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "check",
            "--quiet",
            "--example",
            "chat_stream",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", out.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the example does not compile");
}
