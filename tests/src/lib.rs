//! Generated code compiled as modules of this crate (see `build.rs`): every fixture under
//! `fixtures/` (`fixture_*`) and the small documents of the shared corpus (`corpus_*`). This
//! crate exists so that `cargo test` and `cargo clippy` check that what the generator emits
//! compiles without warnings; the tests live in `tests/`.

include!(concat!(env!("OUT_DIR"), "/generated_modules.rs"));

/// A README example's run: its `main`, given the server's base URL, as a boxed future.
pub type RunExample =
    fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>;

/// A README's test (`#[tokio::test]` in the README), as a boxed future.
pub type RunTest = fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>;

/// The README example of a generated module, and what a loopback server answers to the one
/// call it makes (`tests/readme_examples.rs` runs each).
pub struct ReadmeRun {
    /// The generated module.
    pub module: &'static str,
    /// The call's method (empty when the example calls nothing).
    pub method: &'static str,
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: &'static [u8],
    /// The environment variables the example reads its credentials from.
    pub env: &'static [&'static str],
    /// The example's `main`, given the server's base URL.
    pub run: RunExample,
}
