//! The generated code of every fixture under `fixtures/`, compiled as one module per fixture
//! (see `build.rs`). This crate exists so that `cargo test` and `cargo clippy` check that
//! what the generator emits compiles without warnings; the tests live in `tests/`.

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
