//! `oagen`: OpenAPI 3.0 / 3.1 documents in, a typed Rust client crate out.
//!
//! The pipeline is four modules, each a verb: [`load`] (bytes → document value),
//! [`lower`] (document → [`ir`]: names, types, operations, diagnostics), [`emit`] (IR →
//! tokens) and [`render`] (tokens → formatted text). [`generate`] runs them all; [`write`]
//! puts the result on disk, or checks it against what is there.
//!
//! Nothing here knows any particular API: everything specific comes from the document.

pub mod bundle;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod render;
pub mod write;

use std::path::Path;

pub use bundle::RefOptions;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use emit::{ManifestKind, RuntimeDependency};

/// What to generate, besides the document itself.
#[derive(Debug, Clone)]
pub struct Config {
    /// The generated crate's name; by default the document's `info.title` in kebab-case.
    pub crate_name: Option<String>,
    /// How the generated `Cargo.toml` refers to `oagen-runtime`.
    pub runtime: RuntimeDependency,
    pub manifest: ManifestKind,
    /// The command that regenerates the output, named in every file's first line.
    pub command: String,
    /// How the document is named in headers and diagnostics (a path relative to the
    /// repository, so the output is the same on every machine).
    pub spec_name: String,
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
}

/// Why nothing was generated: every diagnostic, errors first.
#[derive(Debug, Clone)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    /// Every diagnostic formatted for a terminal, naming the document.
    pub fn render(&self, spec_name: &str) -> String {
        render_diagnostics(&self.diagnostics, spec_name)
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
    lowered(doc, diags, options)
}

/// Like [`lower_document`], for the document at `path` and every file it refers to.
pub fn lower_file(path: &Path, options: &Options) -> Result<(ir::Api, Diagnostics), Failure> {
    let mut diags = Diagnostics::default();
    let doc = load::load_file(path, &options.refs, &mut diags);
    lowered(doc, diags, options)
}

fn lowered(
    doc: Option<load::Document>,
    mut diags: Diagnostics,
    options: &Options,
) -> Result<(ir::Api, Diagnostics), Failure> {
    let api = doc.and_then(|doc| lower::lower_with(&doc, &mut diags, options.strict));
    match api {
        Some(api) if !diags.has_errors() => Ok((api, diags)),
        _ => Err(Failure {
            diagnostics: diags.into_sorted(),
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

/// Generates the whole crate (manifest and sources) from a document's bytes.
pub fn generate(bytes: &[u8], config: &Config) -> Result<Output, Failure> {
    generate_with(bytes, config, &Options::default())
}

/// [`generate`] with [`Options`] (`strict`).
pub fn generate_with(bytes: &[u8], config: &Config, options: &Options) -> Result<Output, Failure> {
    let (api, diags) = lower_document_with(bytes, options)?;
    generate_from(api, diags, config)
}

/// Generates the crate from the IR of a lowered document.
fn generate_from(api: ir::Api, diags: Diagnostics, config: &Config) -> Result<Output, Failure> {
    let crate_name = match &config.crate_name {
        Some(name) => name.clone(),
        None => naming::unraw(&naming::snake(&api.info.title, "api")).replace('_', "-"),
    };
    let header = format!(
        "@generated by `{}` from `{}`. Do not edit by hand.",
        config.command, config.spec_name
    );
    let mut files = vec![OutputFile {
        path: "Cargo.toml".to_owned(),
        contents: format!(
            "# {header}\n{}",
            emit::manifest(&api, &crate_name, &config.runtime, config.manifest)
        ),
    }];
    for file in emit::emit(&api) {
        let contents = render::render(file.tokens, &header).map_err(|message| Failure {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                pointer: "#".to_owned(),
                message: format!("internal error in `{}`: {message}", file.path),
                help: Some(
                    "this is a bug in the generator; please report it with the document".to_owned(),
                ),
            }],
        })?;
        files.push(OutputFile {
            path: file.path.to_owned(),
            contents,
        });
    }
    Ok(Output {
        crate_name,
        files,
        warnings: diags.into_sorted(),
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
    let (api, diags) = lower_file(path, options)?;
    generate_from(api, diags, config)
}
