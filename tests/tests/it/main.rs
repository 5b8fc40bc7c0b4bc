//! Most of the tests of this crate, as modules of one test binary: each former
//! `tests/tests/NAME.rs` is the module `NAME` (`cargo test -p oagen-tests --test it NAME::`).
//! One binary instead of 27 compiles and links tokio, reqwest, hyper and wiremock's code once.
//!
//! The tests run in parallel threads of one process, so none may change process-wide state
//! (environment variables, the current folder, a global tracing subscriber) or use fixed
//! ports or shared scratch folders. Those that must, or that are timed or heavy enough to
//! disturb the others, are binaries of their own in `tests/tests/`: `readme_examples.rs` (sets
//! environment variables), `production_e2e.rs` (a global tracing subscriber), `snapshots.rs`,
//! `spec.rs` and `multi_file.rs` (insta names their snapshots after the binary and module),
//! `fuzz.rs` (half a minute of CPU), and the real cargo builds outside the workspace (`adopt.rs`, `first_hour.rs`,
//! `diff_compiles.rs`, `features.rs`, `openai.rs`).

/// What several modules share.
mod support {
    pub mod loopback;
}

mod bodies_e2e;
mod call_options_e2e;
mod coverage;
mod credentials_e2e;
mod damage;
mod decode_modes;
mod diff;
mod e2e;
mod examples;
mod generator_is_general;
mod middleware_e2e;
mod mock_e2e;
mod openapi_3_2;
mod openapi_3_2_e2e;
mod pagination_e2e;
mod params_e2e;
mod query_e2e;
mod redirects_e2e;
mod schema_shapes;
mod shapes_e2e;
mod shared_enums_e2e;
mod shared_structs_e2e;
mod spawn_e2e;
mod stream_shapes_e2e;
mod streams_e2e;
mod swagger2_e2e;
mod webhooks_e2e;
mod writes;
