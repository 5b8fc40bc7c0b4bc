//! The door: [`Generator`], built from [`Settings`], runs the pipeline (load, lower, tailor,
//! emit, render) in memory ([`Generator::generate`], [`Generator::lower`]) or against an
//! output folder ([`Generator::run`], in `run.rs`). Everything it returns is data: files,
//! [`Diagnostic`]s located in the document or in the settings, and typed [`Error`]s; only a
//! caller turns them into text.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Error, Location, Severity};
use crate::emit::{self, Features, ManifestKind, RuntimeDependency};
use crate::settings::{GitReference, Runtime, Settings, Workspace};
use crate::tailor::ExtraDerives;
use crate::write::OutputFile;
use crate::{ir, load, lower, naming, parts, tailor, vendor};

/// Generates a client crate from a document, as its [`Settings`] say.
#[derive(Debug, Clone, Default)]
pub struct Generator {
    pub(crate) settings: Settings,
}

/// The document to generate from.
#[derive(Debug, Clone, Copy)]
pub enum Document<'a> {
    /// A document in memory; `name` is how diagnostics and the generated files' header name
    /// it. References to other files cannot be followed from bytes.
    Bytes { name: &'a str, bytes: &'a [u8] },
    /// The document at this path, with every file it refers to.
    File(&'a Path),
}

impl<'a> Document<'a> {
    /// Bytes named `openapi.yaml`.
    pub fn bytes(bytes: &'a [u8]) -> Document<'a> {
        Document::Bytes {
            name: "openapi.yaml",
            bytes,
        }
    }

    /// How diagnostics name the document.
    pub fn name(&self) -> String {
        match self {
            Document::Bytes { name, .. } => (*name).to_owned(),
            Document::File(path) => path.display().to_string(),
        }
    }
}

/// A generated crate, with what was found on the way.
#[derive(Debug, Clone)]
pub struct Output {
    pub crate_name: String,
    pub files: Vec<OutputFile>,
    /// Warnings, then notes (`Severity::Note`: what was not generated where a user might
    /// have expected it), each located in the document.
    pub diagnostics: Vec<Diagnostic>,
    /// How many types and operations were generated (after the selection).
    pub types: usize,
    pub operations: usize,
    /// Every other file the document is made of (relative to its folder, with `/`), in the
    /// order first read: for a build script's `rerun-if-changed`.
    pub document_files: Vec<String>,
}

impl Output {
    /// The contents of the generated file at `path` (relative to the crate, `/`-separated).
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.as_str())
    }

    /// The warnings (without the notes).
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

/// The IR that would be emitted (after the selection, renames and regrouping), with the
/// warnings and notes.
#[derive(Debug, Clone)]
pub struct Lowered {
    pub api: ir::Api,
    pub diagnostics: Vec<Diagnostic>,
    /// As [`Output::document_files`].
    pub document_files: Vec<String>,
}

/// The document as `lower` reads it: its files bundled into one value and, when it is
/// Swagger 2.0, translated to OpenAPI 3.0. The pointers of [`ir::Example`] and of the
/// IR's sources are into this value; [`Read::origin`] says where each part was written.
#[derive(Debug, Clone)]
pub struct Read {
    pub root: serde_json::Value,
    refs: crate::bundle::Refs,
}

impl Read {
    /// Where the part at `pointer` (into [`Read::root`]) was written: a pointer into the
    /// original document (`#/definitions/Pet` for a Swagger 2.0 one), prefixed with its
    /// file (`schemas/pet.yaml#/...`) when it is not in the root file.
    pub fn origin(&self, pointer: &str) -> String {
        let original = self
            .refs
            .moved
            .back(pointer)
            .unwrap_or_else(|| pointer.to_owned());
        self.refs.sources.origin(&original).unwrap_or(original)
    }
}

/// What a run has done so far, for a progress display or a benchmark.
#[derive(Debug, Clone)]
pub enum Progress {
    /// The document was read and parsed.
    Read { bytes: u64, took: Duration },
    /// The document was lowered and tailored (and dropped): what will be generated.
    Lowered {
        types: usize,
        operations: usize,
        warnings: usize,
        took: Duration,
    },
    /// The files to emit were planned. (Each file is then emitted and rendered together,
    /// in parts, on every core: see `Rendered`.)
    Emitted { files: usize, took: Duration },
    /// One file was emitted and rendered to text; `took` sums the time of its parts, which
    /// ran on several threads for a large file.
    Rendered { path: String, took: Duration },
    /// Every file was generated (in memory).
    Generated { files: usize, took: Duration },
}

impl Generator {
    pub fn new(settings: Settings) -> Generator {
        Generator { settings }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Generates the whole crate (manifest, README, sources, and the vendored runtime when
    /// the settings ask for one), in memory. Runtime paths are written as the settings give
    /// them; `Workspace::Auto` is standalone (there is no output folder to look around).
    pub fn generate(&self, document: Document<'_>) -> Result<Output, Error> {
        self.generate_with_progress(document, &mut |_| {})
    }

    /// [`Generator::generate`], telling `progress` after each step.
    pub fn generate_with_progress(
        &self,
        document: Document<'_>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output, Error> {
        let target = Target {
            spec_name: document.name(),
            command: self.settings.command.clone(),
            runtime: runtime_as_given(&self.settings.runtime),
            manifest: match self.settings.package.workspace {
                Workspace::Member => ManifestKind::WorkspaceMember,
                Workspace::Auto | Workspace::Standalone => ManifestKind::Standalone,
            },
        };
        self.generate_for(document, &target, progress)
    }

    /// The IR the settings' selection leaves (what [`Generator::generate`] emits), with the
    /// warnings and notes.
    pub fn lower(&self, document: Document<'_>) -> Result<Lowered, Error> {
        let (lowered, _) = self.lowered(document, &mut |_| {})?;
        Ok(lowered)
    }

    /// The document as `lower` reads it (see [`Read`]), for tools that look at the document
    /// beside the IR (an examples check reads each example's schema there).
    pub fn read(&self, document: Document<'_>) -> Result<Read, Error> {
        self.settings.check()?;
        let mut diags = Diagnostics::default();
        let doc = match document {
            Document::Bytes { bytes, .. } => load::load(bytes, &mut diags),
            Document::File(path) => load::load_file(path, &self.settings.ref_options(), &mut diags),
        };
        match doc {
            Some(doc) if !diags.has_errors() => Ok(Read {
                root: doc.root,
                refs: doc.refs,
            }),
            _ => Err(Error::Document(in_document(
                diags.into_sorted(),
                &document.name(),
            ))),
        }
    }

    /// Checks the settings, reads, lowers and tailors.
    fn lowered(
        &self,
        document: Document<'_>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(Lowered, ExtraDerives), Error> {
        self.settings.check()?;
        let started = Instant::now();
        let mut diags = Diagnostics::default();
        let (doc, bytes) = match document {
            Document::Bytes { bytes, .. } => (load::load(bytes, &mut diags), bytes.len() as u64),
            Document::File(path) => {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                let refs = self.settings.ref_options();
                (load::load_file(path, &refs, &mut diags), size)
            }
        };
        progress(Progress::Read {
            bytes,
            took: started.elapsed(),
        });
        let step = Instant::now();
        let strict = self.settings.document.strict;
        let (api, notes) = match &doc {
            Some(doc) => lower::lower_explained(doc, &mut diags, strict),
            None => (None, Vec::new()),
        };
        let document_files = doc
            .as_ref()
            .map(|d| d.refs.files.clone())
            .unwrap_or_default();
        drop(doc);
        let name = document.name();
        let mut api = match api {
            Some(api) if !diags.has_errors() => api,
            _ => return Err(Error::Document(in_document(diags.into_sorted(), &name))),
        };
        let mut problems = Diagnostics::default();
        let derives = tailor::tailor(&mut api, &self.settings, &mut problems);
        self.settings.fail_on(problems)?;
        let mut diagnostics = diags.into_sorted();
        diagnostics.extend(notes);
        let diagnostics = in_document(diagnostics, &name);
        progress(Progress::Lowered {
            types: api.types.len(),
            operations: api.operations.len(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
            took: step.elapsed(),
        });
        let lowered = Lowered {
            api,
            diagnostics,
            document_files,
        };
        Ok((lowered, derives))
    }

    /// The crate for the document, written for `target`.
    pub(crate) fn generate_for(
        &self,
        document: Document<'_>,
        target: &Target,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output, Error> {
        let started = Instant::now();
        let (lowered, derives) = self.lowered(document, progress)?;
        let Lowered {
            api,
            diagnostics,
            document_files,
        } = lowered;
        let settings = &self.settings;
        let crate_name = match &settings.package.name {
            Some(name) => name.clone(),
            None => naming::crate_name(&api.info.title),
        };
        let command = target.command.as_deref().unwrap_or("oagen generate");
        let header = format!(
            "@generated by `{command}` from `{}`. Do not edit by hand.",
            target.spec_name
        );
        let features = if settings.features.enabled {
            Features::PerGroup
        } else {
            Features::Off
        };
        let dependencies: Vec<(String, String)> = settings
            .dependencies
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let manifest = emit::ManifestSettings {
            crate_name: &crate_name,
            version: settings.package.version.as_deref(),
            runtime: &target.runtime,
            kind: target.manifest,
            dependencies: &dependencies,
            features,
        };
        let mut files = vec![
            OutputFile {
                path: "Cargo.toml".to_owned(),
                contents: format!("# {header}\n{}", emit::manifest(&api, &manifest)),
            },
            OutputFile {
                path: "README.md".to_owned(),
                contents: emit::readme(&api, &crate_name, &header, features),
            },
        ];
        let step = Instant::now();
        let plan = emit::Plan::new(
            &api,
            &derives,
            features,
            self.settings.types.deserialize,
            self.settings.types.serialize,
        );
        progress(Progress::Emitted {
            files: plan.files().len(),
            took: step.elapsed(),
        });
        let rendered = parts::render_all(&plan, &header).map_err(|(file, message)| Error::Bug {
            file: file.to_owned(),
            message,
        })?;
        drop(plan);
        let (types, operations) = (api.types.len(), api.operations.len());
        drop(api);
        for file in rendered {
            progress(Progress::Rendered {
                path: file.path.to_owned(),
                took: file.took,
            });
            files.push(OutputFile {
                path: file.path.to_owned(),
                contents: file.contents,
            });
        }
        if let RuntimeDependency::Vendored(dir) = &target.runtime {
            files.extend(vendor::runtime_files(dir));
        }
        progress(Progress::Generated {
            files: files.len(),
            took: started.elapsed(),
        });
        Ok(Output {
            crate_name,
            files,
            diagnostics,
            types,
            operations,
            document_files,
        })
    }
}

/// What depends on where the output goes: the header's command and document, how the
/// manifest names the runtime, and whether the crate is a workspace member.
pub(crate) struct Target {
    pub(crate) spec_name: String,
    pub(crate) command: Option<String>,
    pub(crate) runtime: RuntimeDependency,
    pub(crate) manifest: ManifestKind,
}

/// The runtime as the manifest names it, with paths as the settings give them.
pub(crate) fn runtime_as_given(runtime: &Runtime) -> RuntimeDependency {
    runtime_with(runtime, &|path: &Path| {
        path.to_string_lossy().replace('\\', "/")
    })
}

/// The runtime as the manifest names it, each path written by `path`.
pub(crate) fn runtime_with(runtime: &Runtime, path: &dyn Fn(&Path) -> String) -> RuntimeDependency {
    match runtime {
        Runtime::Vendored(None) => RuntimeDependency::Vendored("oagen-runtime".to_owned()),
        Runtime::Vendored(Some(dir)) => RuntimeDependency::Vendored(path(dir)),
        Runtime::Path(dir) => RuntimeDependency::Path(path(dir)),
        Runtime::Version(version) => RuntimeDependency::Version(version.clone()),
        Runtime::Git { url, reference } => RuntimeDependency::Git {
            url: url.clone(),
            reference: reference.as_ref().map(|r| match r {
                GitReference::Rev(v) => ("rev".to_owned(), v.clone()),
                GitReference::Tag(v) => ("tag".to_owned(), v.clone()),
                GitReference::Branch(v) => ("branch".to_owned(), v.clone()),
            }),
        },
    }
}

/// Names the document's file in every diagnostic about it.
fn in_document(mut diagnostics: Vec<Diagnostic>, name: &str) -> Vec<Diagnostic> {
    for diagnostic in &mut diagnostics {
        if let Location::Document { file, .. } = &mut diagnostic.location {
            *file = name.to_owned();
        }
    }
    diagnostics
}
