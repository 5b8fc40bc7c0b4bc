//! Generated code compiled as modules of this crate (see `build.rs`): every fixture under
//! `fixtures/` (`fixture_*`) and the small documents of the shared corpus (`corpus_*`). This
//! crate exists so that `cargo test` and `cargo clippy` check that what the generator emits
//! compiles without warnings; the tests live in `tests/`.

include!(concat!(env!("OUT_DIR"), "/generated_modules.rs"));
