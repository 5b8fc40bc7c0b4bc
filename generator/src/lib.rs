//! `oagen`: OpenAPI 3.0 / 3.1 documents in, a typed Rust client crate out.
//!
//! One door: a [`Generator`] built from [`Settings`] (what `oagen.toml` deserializes into,
//! what the `oagen` command's flags override, and what an xtask builds in code). It
//! returns the files, the [diagnostics](diag) and the notes, or a typed [`Error`]; nothing is
//! text until the caller formats it. Inside, the pipeline is a verb per module: load (bytes
//! → document value), lower (document → [`ir`]), tailor (the settings' selection, renames
//! and derives), emit (IR → tokens) and render (tokens → formatted text). Nothing here knows
//! any particular API: everything specific comes from the document.
//!
//! # From your own xtask
//!
//! ```no_run
//! use std::path::Path;
//! use oagen::{Generator, Mode, Settings};
//!
//! fn codegen(check: bool) -> std::process::ExitCode {
//!     let mode = if check { Mode::Check } else { Mode::Write };
//!     let result = Settings::read(Path::new("oagen.toml")).and_then(|settings| {
//!         Generator::new(settings).run(Path::new("api/openapi.yaml"), Path::new("client"), mode)
//!     });
//!     if let Err(err) = &result {
//!         eprintln!("{err}"); // every diagnostic, located: `oagen.toml:3:1`, `openapi.yaml#/paths/..`
//!     }
//!     // 0 done, 1 the document has errors, 2 settings or I/O error, 3 stale.
//!     std::process::ExitCode::from(oagen::exit_code(&result))
//! }
//! ```
//!
//! Or in memory, from a document's bytes to the crate's files, with settings built in code:
//!
//! ```
//! let document = br#"
//! openapi: 3.1.0
//! info: { title: Pets, version: 1.0.0 }
//! paths:
//!   /pets/{id}:
//!     get:
//!       operationId: getPet
//!       parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
//!       responses:
//!         '200':
//!           description: A pet.
//!           content:
//!             application/json:
//!               schema: { type: object, properties: { name: { type: string } } }
//! "#;
//! let mut settings = oagen::Settings {
//!     runtime: oagen::Runtime::Version("0.1".to_owned()),
//!     ..oagen::Settings::default()
//! };
//! settings.rename.operations.insert("getPet".to_owned(), "pet".to_owned());
//! let output = oagen::Generator::new(settings).generate(oagen::Document::bytes(document))?;
//! assert_eq!(output.crate_name, "pets");
//! assert!(output.file("src/client.rs").unwrap().contains("pub fn pet("));
//! # Ok::<(), oagen::Error>(())
//! ```

mod bundle;
pub mod diag;
pub mod diff;
mod emit;
mod generator;
pub mod ir;
mod load;
mod lower;
mod naming;
mod parse;
mod parts;
mod render;
mod run;
mod settings;
mod swagger2;
mod tailor;
mod vendor;
mod write;

pub use diag::{Diagnostic, Error, Location, Severity};
pub use generator::{Document, Generator, Lowered, Output, Progress, Read};
pub use run::{Mode, Outcome, Report, exit_code, recorded_command, split_command};
pub use settings::Derives;
pub use settings::{
    Decoder, DocumentSettings, Encoder, FeatureSettings, GitReference, Operations, Package,
    Renames, Runtime, SETTINGS_FILE, Settings, SettingsFile, TypeSettings, Workspace,
};
pub use write::{OutputFile, Staleness};
