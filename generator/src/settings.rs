//! [`Settings`]: everything a team decides about its generated crate, in one type. It is
//! what `oagen.toml` deserializes into, what the command's flags override, and what an xtask
//! builds in code; [`crate::Generator`] takes nothing else.
//!
//! The file is read with serde and `toml` (unknown keys, wrong types and values outside an
//! enumeration are errors); then every value is checked ([`Settings::check`]). Each problem
//! is a [`Diagnostic`] located at its key, with the line and column where the key (or the
//! list item) is written. Paths in the file are relative to the file's own folder (as in
//! `Cargo.toml`).
//!
//! ```toml
//! [package]
//! name = "petstore"            # default: the API's short name from `info.title`
//! version = "1.2.0"            # default: `info.version` when it is `x.y.z`, else 0.1.0
//! workspace = "member"         # "auto" (default), "member" or "standalone"
//!
//! [runtime]                    # one of these; default: vendored = true
//! vendored = true              # a copy of the runtime shared by the workspace's clients
//! # vendored = "../oagen-runtime"   # ...or in this folder (shared by several clients)
//! # version = "0.1"            # from the registry (pin with "=0.1.0")
//! # path = "../oagen/runtime"
//! # git = "https://example.com/oagen.git", tag = "v0.1.0"   # or rev / branch
//!
//! [operations]                 # operationIds, method names or "GET /path"
//! include = ["listPets", "getPet"]
//! exclude = []
//! include-tags = []
//! exclude-tags = ["internal"]
//!
//! [rename.operations]          # operationId or method name = new method name
//! listPetsWithFilters = "list_pets"
//!
//! [rename.types]               # schema or type name = new type name
//! PetResponseSchema = "Pet"
//!
//! [derives]
//! all = ["Eq"]                 # added to every struct and enum
//! types = { Pet = ["Hash"] }
//!
//! [dependencies]               # added to the generated Cargo.toml (for derives)
//! schemars = "0.8"
//!
//! [features]                   # a Cargo feature per resource group (first tag, else path)
//! enabled = true               # false: no features, everything always compiled
//! groups = { billing = ["invoices", "charges"], admin = [] }   # merged (or new) groups
//! operations = { "DELETE /pets/{id}" = "admin" }   # an operation moved to a group
//!
//! [types]                      # how generated types are written
//! deserialize = "runtime"      # "runtime" (default) or "derive": serde's derive, the
//!                              # most code to compile, for those who want exactly it
//! serialize = "sent"           # "sent" (default): `Serialize` only on types requests send;
//!                              # "all": on every type, to re-encode what is received
//!
//! [document]                   # how the document is read
//! strict = false               # true: a broken item fails the run instead of being left out
//! allow-outside-root = false   # true: `$ref`s may leave the document's folder, or be absolute
//! urls = { "https://example.com/schemas/" = "schemas/" }   # URL prefix = local folder
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
pub use crate::emit::{Decoder, Encoder};

/// The name of the configuration file that is found beside the document or in the current
/// folder ([`Settings::find`]).
pub const SETTINGS_FILE: &str = "oagen.toml";

/// Everything about a generated crate besides the document. `Default` is what no
/// configuration means: a standalone crate named after the document, with a vendored
/// runtime, every operation, a feature per resource group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub package: Package,
    /// Where the generated crate gets `oagen-runtime` from.
    pub runtime: Runtime,
    /// Which operations are generated (and then only the types they use).
    pub operations: Operations,
    pub rename: Renames,
    pub derives: Derives,
    /// Extra dependencies of the generated crate: name → TOML value written inline (`"1"`,
    /// `{ version = "1", features = ["x"] }`).
    pub dependencies: BTreeMap<String, String>,
    /// How the document is read.
    pub document: DocumentSettings,
    /// A Cargo feature per resource group.
    pub features: FeatureSettings,
    /// How generated types are written.
    pub types: TypeSettings,
    /// The command named in every generated file's first line. `None`: the `oagen generate`
    /// command that reproduces the output (with `--config` or `--no-config` and the flags
    /// that differ from the file), which `oagen check --out DIR` reads back.
    pub command: Option<String>,
    /// The file these settings were read from (`None`: built in code). Relative paths in
    /// the settings are relative to its folder (else to the current folder).
    pub file: Option<SettingsFile>,
}

/// `[package]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Package {
    /// The crate's name; by default the API's short name from `info.title` (`Orbit AI API`
    /// → `orbit-ai`).
    pub name: Option<String>,
    /// The crate's version; by default `info.version` when it is `x.y.z`, else `0.1.0`.
    pub version: Option<String>,
    pub workspace: Workspace,
}

/// Whether the generated crate belongs to a workspace around it.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Workspace {
    /// A member when a folder above the output holds a workspace `Cargo.toml` that does not
    /// exclude it, standalone otherwise (and standalone when there is no output folder).
    #[default]
    Auto,
    /// A member of the workspace around it: no `[workspace]` table of its own.
    Member,
    /// A crate of its own, with an empty `[workspace]` table, buildable anywhere.
    Standalone,
}

/// Where the generated crate gets `oagen-runtime` from. Paths are relative to the settings
/// file's folder when the output is written by [`crate::Generator::run`], and written as
/// given (relative to the generated crate) by [`crate::Generator::generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A copy of the runtime's source, written by the generator: in this folder, or (`None`)
    /// in `<out>/oagen-runtime`.
    Vendored(Option<PathBuf>),
    Path(PathBuf),
    /// A version requirement on the registry.
    Version(String),
    Git {
        url: String,
        reference: Option<GitReference>,
    },
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::Vendored(None)
    }
}

/// Which commit of a git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitReference {
    Rev(String),
    Tag(String),
    Branch(String),
}

/// `[operations]`: which operations to generate, each named by its `operationId`, the
/// method name the generator gives it, or as `METHOD /path` (`GET /pets/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operations {
    /// Only these (with `include_tags`: these and those tagged so). `None`: all.
    pub include: Option<Vec<String>>,
    pub exclude: Vec<String>,
    /// Only operations with one of these tags (with `include`: these and those named).
    pub include_tags: Option<Vec<String>>,
    pub exclude_tags: Vec<String>,
}

impl Operations {
    pub fn is_all(&self) -> bool {
        self.include.is_none()
            && self.include_tags.is_none()
            && self.exclude.is_empty()
            && self.exclude_tags.is_empty()
    }
}

/// `[rename]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// Operation (id, method name or `METHOD /path`) → new snake_case method name.
    pub operations: BTreeMap<String, String>,
    /// Type (schema name or generated type name) → new UpperCamelCase name.
    pub types: BTreeMap<String, String>,
}

/// `[derives]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derives {
    /// Added to every struct and enum (not to aliases).
    pub all: Vec<String>,
    /// Type name (after renaming) → derives added to it.
    pub types: BTreeMap<String, Vec<String>>,
}

/// `[document]`: how the document and the files it refers to are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentSettings {
    /// Local damage (a broken reference or schema inside one item) fails the run instead of
    /// leaving that item out with a warning.
    pub strict: bool,
    /// `$ref`s may name absolute paths and files outside the document's folder.
    pub allow_outside_root: bool,
    /// URL prefixes and the local folders they stand for.
    pub urls: BTreeMap<String, PathBuf>,
}

/// `[features]`: the generated crate's Cargo features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSettings {
    /// `false`: no features; every operation and type is always compiled (also for code
    /// compiled as a module of another crate, which has no such features).
    pub enabled: bool,
    /// New group (feature name) → the groups it takes in (feature names, tags or path
    /// segments); empty for a group that `operations` fills.
    pub groups: BTreeMap<String, Vec<String>>,
    /// Operation (id, method name or `METHOD /path`) → its group.
    pub operations: BTreeMap<String, String>,
}

/// `[types]`: how generated types are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeSettings {
    /// How structs implement `Deserialize`: through `oagen_runtime::de` (the default) or
    /// serde's derive ([`Decoder::Derive`]; `--deserialize derive`).
    pub deserialize: Decoder,
    /// Which types implement `Serialize`: those sent (the default) or all
    /// ([`Encoder::All`]; `--serialize all`).
    pub serialize: Encoder,
}

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            enabled: true,
            groups: BTreeMap::new(),
            operations: BTreeMap::new(),
        }
    }
}

/// The configuration file that [`Settings`] were read from: its path, where each key is
/// written (for diagnostics), and what it said for the settings that flags override (so the
/// header names only the flags that reproduce the output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsFile {
    pub path: PathBuf,
    /// Key (as in [`Location::Settings`]) → 1-based line and column.
    keys: BTreeMap<String, (usize, usize)>,
    pub(crate) name: Option<String>,
    pub(crate) strict: bool,
    pub(crate) deserialize: Decoder,
    pub(crate) serialize: Encoder,
}

impl Settings {
    /// `oagen.toml` beside the document, else in the current folder.
    pub fn find(document: &Path) -> Option<PathBuf> {
        let beside = document
            .parent()
            .map(|dir| dir.join(SETTINGS_FILE))
            .filter(|p| p.is_file());
        beside.or_else(|| Some(PathBuf::from(SETTINGS_FILE)).filter(|p| p.is_file()))
    }

    /// Reads a configuration file and checks every value. An unreadable file is
    /// [`crate::diag::Error::Io`]; every problem in it, [`crate::diag::Error::Settings`].
    pub fn read(path: &Path) -> Result<Settings, crate::diag::Error> {
        let text = std::fs::read_to_string(path).map_err(|source| crate::diag::Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Settings::parse(&text, Some(path))
    }

    /// Parses and checks the text of a configuration file; `path` is where it was read
    /// from (named in diagnostics, and the folder relative paths start from).
    pub fn parse(text: &str, path: Option<&Path>) -> Result<Settings, crate::diag::Error> {
        let keys = file::key_positions(text);
        let file = SettingsFile {
            path: path
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(SETTINGS_FILE)),
            keys,
            name: None,
            strict: false,
            deserialize: Decoder::default(),
            serialize: Encoder::default(),
        };
        let raw: file::RawFile = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(err) => {
                let (line, column) = match err.span() {
                    Some(span) => file::line_column(text, span.start),
                    None => (0, 0),
                };
                let diagnostic = Diagnostic {
                    severity: Severity::Error,
                    location: Location::Settings {
                        file: Some(file.path.display().to_string()),
                        key: String::new(),
                        line: (line > 0).then_some(line),
                        column: (column > 0).then_some(column),
                    },
                    message: err.message().trim().to_owned(),
                    help: None,
                };
                return Err(crate::diag::Error::Settings(vec![diagnostic]));
            }
        };
        let mut diags = Diagnostics::default();
        let mut settings = raw.into_settings(&mut diags);
        settings.file = Some(SettingsFile {
            name: settings.package.name.clone(),
            strict: settings.document.strict,
            deserialize: settings.types.deserialize,
            serialize: settings.types.serialize,
            ..file
        });
        settings.check_into(&mut diags);
        settings.fail_on(diags)?;
        Ok(settings)
    }

    /// Checks what types cannot: names that must be identifiers or crate names, derive
    /// paths, group names, extra dependencies. `Ok` or every problem, located.
    pub fn check(&self) -> Result<(), crate::diag::Error> {
        let mut diags = Diagnostics::default();
        self.check_into(&mut diags);
        self.fail_on(diags)
    }

    /// `Err` with every error of `diags` located in these settings' file, if there is one.
    pub(crate) fn fail_on(&self, diags: Diagnostics) -> Result<(), crate::diag::Error> {
        if !diags.has_errors() {
            return Ok(());
        }
        let mut errors = diags.into_sorted();
        self.locate(&mut errors);
        Err(crate::diag::Error::Settings(errors))
    }

    /// Fills in the file, line and column of every diagnostic about a setting.
    pub(crate) fn locate(&self, diagnostics: &mut [Diagnostic]) {
        let Some(file) = &self.file else {
            return;
        };
        for diagnostic in diagnostics {
            if let Location::Settings {
                file: name,
                key,
                line,
                column,
            } = &mut diagnostic.location
            {
                *name = Some(file.path.display().to_string());
                // The key itself, else the nearest enclosing key that is written.
                let mut probe = key.as_str();
                loop {
                    if let Some((l, c)) = file.keys.get(probe) {
                        *line = Some(*l);
                        *column = Some(*c);
                        break;
                    }
                    match probe.rfind(['.', '[']) {
                        Some(cut) => probe = &probe[..cut],
                        None => break,
                    }
                }
            }
        }
    }

    fn check_into(&self, diags: &mut Diagnostics) {
        let error = |diags: &mut Diagnostics, key: String, message: String| {
            diags.setting_error(key, message, None)
        };
        if let Some(name) = &self.package.name {
            if !is_crate_name(name) {
                error(
                    diags,
                    "package.name".to_owned(),
                    format!(
                        "`{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)"
                    ),
                );
            }
        }
        if let Some(version) = &self.package.version {
            if !is_semver(version) {
                error(
                    diags,
                    "package.version".to_owned(),
                    format!("`{version}` is not a version of the form 1.2.3"),
                );
            }
        }
        for (from, to) in &self.rename.operations {
            if !is_snake_identifier(to) {
                error(
                    diags,
                    format!("rename.operations.{}", key_part(from)),
                    format!(
                        "`{to}` is not a snake_case method name (lowercase ASCII letters, digits and `_`, not a keyword)"
                    ),
                );
            }
        }
        for (from, to) in &self.rename.types {
            if !is_camel_identifier(to) {
                error(
                    diags,
                    format!("rename.types.{}", key_part(from)),
                    format!(
                        "`{to}` is not an UpperCamelCase type name (ASCII letters and digits, starting with a capital)"
                    ),
                );
            }
        }
        let all = self
            .derives
            .all
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("derives.all[{i}]"), d));
        let by_type = self.derives.types.iter().flat_map(|(ty, list)| {
            list.iter()
                .enumerate()
                .map(move |(i, d)| (format!("derives.types.{}[{i}]", key_part(ty)), d))
        });
        for (key, derive) in all.chain(by_type) {
            if !is_derive_path(derive) {
                error(
                    diags,
                    key,
                    format!(
                        "`{derive}` is not the path of a derive macro (such as `Hash` or `schemars::JsonSchema`)"
                    ),
                );
            }
        }
        let groups = self
            .features
            .groups
            .keys()
            .map(|g| (format!("features.groups.{}", key_part(g)), g));
        let moved = self
            .features
            .operations
            .iter()
            .map(|(op, g)| (format!("features.operations.{}", key_part(op)), g));
        for (key, group) in groups.chain(moved) {
            if crate::naming::feature(group) != *group
                || crate::naming::RESERVED_FEATURES.contains(&group.as_str())
            {
                error(
                    diags,
                    key,
                    format!(
                        "`{group}` is not a group's feature name (lowercase ASCII letters, digits and `_`, not `default`)"
                    ),
                );
            }
        }
        for dependency in self.dependencies.keys() {
            let key = format!("dependencies.{}", key_part(dependency));
            if !is_crate_name(dependency) {
                error(diags, key, "not a valid crate name".to_owned());
            } else if ["oagen-runtime", "serde", "serde_json", "uuid"]
                .contains(&dependency.as_str())
            {
                error(
                    diags,
                    key,
                    format!(
                        "the generated crate depends on `{dependency}` already (the runtime is set in `[runtime]`)"
                    ),
                );
            }
        }
    }

    /// The folder relative paths start from: the file's, else the current folder.
    pub(crate) fn base(&self) -> PathBuf {
        let Some(file) = &self.file else {
            return PathBuf::new();
        };
        // Absolute, so that a URL's folder is not taken as relative to the document's.
        let parent = file
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf())
    }

    /// How references to other files are followed.
    pub(crate) fn ref_options(&self) -> crate::bundle::RefOptions {
        let base = self.base();
        crate::bundle::RefOptions {
            allow_outside_root: self.document.allow_outside_root,
            url_map: self
                .document
                .urls
                .iter()
                .map(|(prefix, dir)| (prefix.clone(), base.join(dir)))
                .collect(),
        }
    }
}

/// A key part as written in TOML: bare when it can be, else quoted.
pub(crate) fn key_part(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_owned()
    } else {
        toml::Value::String(key.to_owned()).to_string()
    }
}

pub(crate) fn is_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn is_snake_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name != "_"
        && !crate::naming::is_keyword(name)
}

pub(crate) fn is_camel_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !crate::naming::is_keyword(name)
}

fn is_derive_path(path: &str) -> bool {
    let path = path.strip_prefix("::").unwrap_or(path);
    !path.is_empty()
        && path.split("::").all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !crate::naming::is_keyword(segment)
        })
}

mod file;

#[cfg(test)]
#[path = "settings/tests.rs"]
mod tests;
