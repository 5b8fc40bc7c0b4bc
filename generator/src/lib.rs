//! `oagen`: OpenAPI 3.0 / 3.1 documents in, a typed Rust client crate out.
//!
//! The pipeline is four modules, each a verb: [`load`] (bytes → document value),
//! [`lower`] (document → [`ir`]: names, types, operations, diagnostics), [`tailor`] (the
//! configuration's selection, renames and derives), [`emit`] (IR → tokens) and [`render`]
//! (tokens → formatted text). [`generate`] runs them all; [`mod@write`] puts the result on
//! disk, or checks it against what is there. [`job`] is what a command does around them:
//! read the [configuration](config), the document, generate, write or check.
//!
//! Nothing here knows any particular API: everything specific comes from the document.
//!
//! # From your own xtask
//!
//! The `oagen` command is a thin caller of [`Job::new`] and [`run`]; an xtask (or a build
//! script) that depends on this crate with `default-features = false` does the same:
//!
//! ```no_run
//! use std::path::Path;
//! use std::process::ExitCode;
//!
//! use oagen::{Job, Mode, Outcome};
//!
//! fn codegen(check: bool) -> ExitCode {
//!     // What `oagen generate api/openapi.yaml --out client --config oagen.toml` does.
//!     let job = Job::new(
//!         Path::new("api/openapi.yaml"),
//!         Path::new("client"),
//!         Some(Path::new("oagen.toml")),
//!         None,
//!     );
//!     let mode = if check { Mode::Check } else { Mode::Write };
//!     let result = job.and_then(|job| oagen::run(&job, mode));
//!     match &result {
//!         Ok(Outcome::Written { files, .. }) => eprintln!("{} files changed", files.len()),
//!         Ok(Outcome::UpToDate { .. }) => eprintln!("client/ is up to date"),
//!         Ok(Outcome::Stale(files)) => eprintln!("stale: {files:?}"),
//!         Err(err) => eprintln!("{err}"),
//!     }
//!     // 0 done, 1 the document has errors, 2 configuration or I/O error, 3 stale.
//!     ExitCode::from(oagen::exit_code(&result))
//! }
//! ```
//!
//! Or in memory, from a document's bytes to the crate's files, with a [`Config`] built in
//! code (or from a [`ConfigFile`]):
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
//! let config = oagen::Config {
//!     runtime: oagen::RuntimeDependency::Version("0.1".to_owned()),
//!     tailor: oagen::ConfigFile::parse("[rename.operations]\ngetPet = \"pet\"", "oagen.toml")?
//!         .tailor(),
//!     ..oagen::Config::default()
//! };
//! let output = oagen::generate(document, &config).map_err(|f| f.render("pets.yaml"))?;
//! assert_eq!(output.crate_name, "pets");
//! let client = output.files.iter().find(|f| f.path == "src/client.rs").unwrap();
//! assert!(client.contents.contains("pub fn pet("));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bundle;
pub mod config;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod job;
pub mod load;
pub mod lower;
pub mod naming;
pub mod render;
pub mod tailor;
pub mod vendor;
pub mod write;

use std::path::Path;

pub use bundle::RefOptions;
pub use config::{ConfigError, ConfigFile};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use emit::{Decoder, Features, ManifestKind, RuntimeDependency};
pub use job::{Job, Mode, Outcome, Progress, RunError, exit_code, run};
pub use tailor::Tailor;

/// What to generate, besides the document itself. `Default` is a standalone crate named
/// after the document, with a vendored runtime, and no tailoring.
#[derive(Debug, Clone)]
pub struct Config {
    /// The generated crate's name; by default the document's `info.title` in kebab-case.
    pub crate_name: Option<String>,
    /// The generated crate's version; by default the document's `info.version` when it is
    /// `x.y.z`, otherwise `0.1.0`.
    pub crate_version: Option<String>,
    /// How the generated `Cargo.toml` refers to `oagen-runtime` (and whether a copy of it is
    /// written, [`RuntimeDependency::Vendored`]).
    pub runtime: RuntimeDependency,
    pub manifest: ManifestKind,
    /// The command that regenerates the output, named in every file's first line.
    pub command: String,
    /// How the document is named in headers (a path relative to the output folder or the
    /// repository, so that the output is the same on every machine).
    pub spec_name: String,
    /// Operations to keep, renames, extra derives.
    pub tailor: Tailor,
    /// Extra dependencies of the generated crate: name and TOML value (`"1"`,
    /// `{ version = "1", features = ["x"] }`).
    pub dependencies: Vec<(String, String)>,
    /// A Cargo feature per resource group (on by default). [`Features::Off`] for code that
    /// is compiled as a module of another crate, which has no such features.
    pub features: Features,
    /// How structs implement `Deserialize`: through the runtime (the default) or serde's
    /// derive ([`Decoder::Derive`]; `[types] deserialize` in `oagen.toml`, `--deserialize`).
    pub deserialize: Decoder,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            crate_name: None,
            crate_version: None,
            runtime: RuntimeDependency::Vendored("oagen-runtime".to_owned()),
            manifest: ManifestKind::Standalone,
            command: "oagen generate".to_owned(),
            spec_name: "openapi.yaml".to_owned(),
            tailor: Tailor::default(),
            dependencies: Vec::new(),
            features: Features::PerGroup,
            deserialize: Decoder::Runtime,
        }
    }
}

/// How a document is read, beside what is generated from it ([`Config`]).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Local damage (a broken reference, an invalid schema or an impossible parameter inside
    /// one operation or schema) is an error, as it was before damage stayed local, instead of
    /// a warning that leaves out that item and what depends on it.
    pub strict: bool,
    /// Which references to other files may be followed (outside the root's folder, URLs
    /// mapped to local files).
    pub refs: RefOptions,
}

/// One generated file: its path relative to the crate root (with `/`), and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

/// A generated crate, with the warnings collected on the way.
#[derive(Debug, Clone)]
pub struct Output {
    pub crate_name: String,
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
    /// How many types and operations were generated (after the tailor pass).
    pub types: usize,
    pub operations: usize,
}

impl Output {
    /// The contents of the generated file at `path` (relative to the crate, `/`-separated).
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.as_str())
    }
}

/// Why nothing was generated: every diagnostic, errors first.
#[derive(Debug, Clone)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    /// The file the diagnostics are about when it is not the document (the configuration,
    /// for settings that name no operation or type).
    pub file: Option<String>,
}

impl Failure {
    /// Every diagnostic formatted for a terminal, naming the document (or [`Failure::file`]).
    pub fn render(&self, spec_name: &str) -> String {
        render_diagnostics(&self.diagnostics, self.file.as_deref().unwrap_or(spec_name))
    }

    fn internal(message: String) -> Failure {
        Failure {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                pointer: "#".to_owned(),
                message,
                help: Some(
                    "this is a bug in the generator; please report it with the document".to_owned(),
                ),
            }],
            file: None,
        }
    }
}

/// Formats diagnostics for a terminal, one block each.
pub fn render_diagnostics(diagnostics: &[Diagnostic], spec_name: &str) -> String {
    diagnostics
        .iter()
        .map(|d| d.display(spec_name).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads the document, lowers it and builds the IR, or reports why not. References to
/// other files cannot be followed from bytes: use [`lower_file`] for those.
pub fn lower_document(bytes: &[u8]) -> Result<(ir::Api, Diagnostics), Failure> {
    lower_document_with(bytes, &Options::default())
}

/// [`lower_document`] with [`Options`] (`strict`).
pub fn lower_document_with(
    bytes: &[u8],
    options: &Options,
) -> Result<(ir::Api, Diagnostics), Failure> {
    let mut diags = Diagnostics::default();
    let doc = load::load(bytes, &mut diags);
    lowered(doc, diags, options).map(|(api, diags, _)| (api, diags))
}

/// Like [`lower_document`], for the document at `path` and every file it refers to.
pub fn lower_file(path: &Path, options: &Options) -> Result<(ir::Api, Diagnostics), Failure> {
    let mut diags = Diagnostics::default();
    let doc = load::load_file(path, &options.refs, &mut diags);
    lowered(doc, diags, options).map(|(api, diags, _)| (api, diags))
}

/// The IR of a loaded document, with the document (the configuration's selection by tag
/// reads it), or every diagnostic.
fn lowered(
    doc: Option<load::Document>,
    mut diags: Diagnostics,
    options: &Options,
) -> Result<(ir::Api, Diagnostics, load::Document), Failure> {
    let api = doc
        .as_ref()
        .and_then(|doc| lower::lower_with(doc, &mut diags, options.strict));
    match (api, doc) {
        (Some(api), Some(doc)) if !diags.has_errors() => Ok((api, diags, doc)),
        _ => Err(Failure {
            diagnostics: diags.into_sorted(),
            file: None,
        }),
    }
}

/// The notes that explain what was not generated where a user might have expected it (for
/// now: list operations that look paginated but match no pagination style), each located
/// by a JSON pointer. Empty when the document does not lower.
pub fn explain(bytes: &[u8]) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    match load::load(bytes, &mut diags) {
        Some(doc) => lower::lower_explained(&doc, &mut diags, false).1,
        None => Vec::new(),
    }
}

/// [`explain`] for the document at `path` and every file it refers to, read as `options` say.
pub fn explain_file(path: &Path, options: &Options) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    match load::load_file(path, &options.refs, &mut diags) {
        Some(doc) => lower::lower_explained(&doc, &mut diags, options.strict).1,
        None => Vec::new(),
    }
}

/// Lowers the document and applies [`Config::tailor`]: the IR that [`generate`] emits, the
/// warnings, and the extra derives by type.
pub fn lower_and_tailor(
    bytes: &[u8],
    config: &Config,
) -> Result<(ir::Api, Diagnostics, tailor::ExtraDerives), Failure> {
    let mut diags = Diagnostics::default();
    let doc = load::load(bytes, &mut diags);
    tailored(lowered(doc, diags, &Options::default())?, config)
}

/// [`lower_and_tailor`] for the document at `path` and every file it refers to.
pub fn lower_file_and_tailor(
    path: &Path,
    config: &Config,
    options: &Options,
) -> Result<(ir::Api, Diagnostics, tailor::ExtraDerives), Failure> {
    let mut diags = Diagnostics::default();
    let doc = load::load_file(path, &options.refs, &mut diags);
    tailored(lowered(doc, diags, options)?, config)
}

fn tailored(
    (mut api, diags, doc): (ir::Api, Diagnostics, load::Document),
    config: &Config,
) -> Result<(ir::Api, Diagnostics, tailor::ExtraDerives), Failure> {
    let mut problems = Diagnostics::default();
    let derives = tailor::tailor(&mut api, &doc.root, &config.tailor, &mut problems);
    if problems.has_errors() {
        return Err(Failure {
            diagnostics: problems.into_sorted(),
            file: Some("the configuration".to_owned()),
        });
    }
    Ok((api, diags, derives))
}

/// Generates the whole crate (manifest, README and sources, and the vendored runtime when
/// [`Config::runtime`] asks for one) from a document's bytes.
pub fn generate(bytes: &[u8], config: &Config) -> Result<Output, Failure> {
    generate_with(bytes, config, &Options::default())
}

/// [`generate`] with [`Options`] (`strict`).
pub fn generate_with(bytes: &[u8], config: &Config, options: &Options) -> Result<Output, Failure> {
    let mut diags = Diagnostics::default();
    let doc = load::load(bytes, &mut diags);
    let (api, diags, derives) = tailored(lowered(doc, diags, options)?, config)?;
    generate_from(&api, diags, &derives, config)
}

/// The crate for an IR that [`lower_and_tailor`] made.
pub fn generate_from(
    api: &ir::Api,
    diags: Diagnostics,
    derives: &tailor::ExtraDerives,
    config: &Config,
) -> Result<Output, Failure> {
    let crate_name = match &config.crate_name {
        Some(name) => name.clone(),
        None => naming::unraw(&naming::snake(&api.info.title, "api")).replace('_', "-"),
    };
    let header = format!(
        "@generated by `{}` from `{}`. Do not edit by hand.",
        config.command, config.spec_name
    );
    let settings = emit::ManifestSettings {
        crate_name: &crate_name,
        version: config.crate_version.as_deref(),
        runtime: &config.runtime,
        kind: config.manifest,
        dependencies: &config.dependencies,
        features: config.features,
    };
    let mut files = vec![
        OutputFile {
            path: "Cargo.toml".to_owned(),
            contents: format!("# {header}\n{}", emit::manifest(api, &settings)),
        },
        OutputFile {
            path: "README.md".to_owned(),
            contents: emit::readme(api, &crate_name, &header, config.features),
        },
    ];
    for file in emit::emit_with(api, derives, config.features, config.deserialize) {
        let contents = render::render(file.tokens, &header).map_err(|message| {
            Failure::internal(format!("internal error in `{}`: {message}", file.path))
        })?;
        files.push(OutputFile {
            path: file.path.to_owned(),
            contents,
        });
    }
    if let RuntimeDependency::Vendored(dir) = &config.runtime {
        files.extend(vendor::runtime_files(dir));
    }
    Ok(Output {
        crate_name,
        files,
        warnings: diags.into_sorted(),
        types: api.types.len(),
        operations: api.operations.len(),
    })
}

/// Reads a document from disk, with every file it refers to, and generates from it; an
/// unreadable file is a diagnostic.
pub fn generate_file(path: &Path, config: &Config) -> Result<Output, Failure> {
    generate_file_with(path, config, &Options::default())
}

/// [`generate_file`] with [`Options`].
pub fn generate_file_with(
    path: &Path,
    config: &Config,
    options: &Options,
) -> Result<Output, Failure> {
    let (api, diags, derives) = lower_file_and_tailor(path, config, options)?;
    generate_from(&api, diags, &derives, config)
}
