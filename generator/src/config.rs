//! `oagen.toml`: what a team decides once about its generated crate (name, version, where the
//! runtime comes from, which operations, renames, extra derives, workspace membership).
//!
//! Read with serde into [`ConfigFile`]; unknown keys, wrong types and invalid values are
//! errors that name the file, line and column. Paths in the file are relative to the file's
//! own directory (as in `Cargo.toml`). [`ConfigFile::default`] is what no file means.
//!
//! ```toml
//! [package]
//! name = "petstore"            # default: the document's `info.title`, kebab-case
//! version = "1.2.0"            # default: `info.version` when it is `x.y.z`, else 0.1.0
//! workspace = "member"         # "auto" (default), "member" or "standalone"
//!
//! [runtime]                    # one of these; default: vendored = true
//! vendored = true              # a copy of the runtime in `<out>/oagen-runtime`
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
//!                              # fastest decoding whatever it costs to compile
//!
//! [document]                   # how the document is read
//! strict = false               # true: a broken item fails the run instead of being left out
//! allow-outside-root = false   # true: `$ref`s may leave the document's folder, or be absolute
//! urls = { "https://example.com/schemas/" = "schemas/" }   # URL prefix = local folder
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::tailor::{Selection, Tailor};

/// A parsed configuration file. Every field is optional; `Default` is the empty file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub package: PackageSection,
    pub runtime: Option<RuntimeSection>,
    #[serde(default)]
    pub operations: OperationsSection,
    #[serde(default)]
    pub rename: RenameSection,
    #[serde(default)]
    pub derives: DerivesSection,
    /// Extra dependencies of the generated crate, as they would be written in its
    /// `Cargo.toml` (a version string or a table).
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub document: DocumentSection,
    #[serde(default)]
    pub features: FeaturesSection,
    #[serde(default)]
    pub types: TypesSection,
}

/// `[types]`: how generated types are written.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TypesSection {
    /// How structs implement `Deserialize`: `"runtime"` (default) or `"derive"`.
    #[serde(default)]
    pub deserialize: crate::Decoder,
}

/// `[features]`: the generated crate's Cargo feature per resource group.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSection {
    /// `false`: no features; every operation and type is always compiled.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// New group (feature name) → the groups it takes in (feature names, tags or path
    /// segments); empty for a group that `operations` fills.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    /// Operation (id, method name or `METHOD /path`) → its group.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
}

fn enabled() -> bool {
    true
}

impl Default for FeaturesSection {
    fn default() -> Self {
        FeaturesSection {
            enabled: true,
            groups: BTreeMap::new(),
            operations: BTreeMap::new(),
        }
    }
}

/// `[document]`: how the document and the files it refers to are read.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocumentSection {
    /// Local damage (a broken reference or schema inside one item) fails the run instead of
    /// leaving that item out with a warning.
    #[serde(default)]
    pub strict: bool,
    /// `$ref`s may name absolute paths and files outside the document's folder.
    #[serde(default)]
    pub allow_outside_root: bool,
    /// URL prefixes and the local folders (relative to this file) they stand for.
    #[serde(default)]
    pub urls: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackageSection {
    pub name: Option<String>,
    pub version: Option<String>,
    #[serde(default)]
    pub workspace: Workspace,
}

/// Whether the generated crate belongs to a workspace around it.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Workspace {
    /// A member when a directory above the output holds a workspace `Cargo.toml` (that does
    /// not exclude it), standalone otherwise.
    #[default]
    Auto,
    Member,
    Standalone,
}

/// Where the generated crate gets `oagen-runtime` from.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSection {
    /// `true` (in `<out>/oagen-runtime`) or a directory (relative to this file).
    pub vendored: Option<Vendored>,
    pub path: Option<String>,
    pub version: Option<String>,
    pub git: Option<String>,
    pub rev: Option<String>,
    pub tag: Option<String>,
    pub branch: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Vendored {
    Enabled(bool),
    Dir(String),
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OperationsSection {
    pub include: Option<Vec<String>>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub include_tags: Option<Vec<String>>,
    #[serde(default)]
    pub exclude_tags: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RenameSection {
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DerivesSection {
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub types: BTreeMap<String, Vec<String>>,
}

/// A configuration file that could not be read or is not valid: the message names the
/// file and, where there is one, the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigFile {
    /// Reads and checks a configuration file.
    pub fn read(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| ConfigError(format!("error: {}: {err}", path.display())))?;
        ConfigFile::parse(&text, &path.display().to_string())
    }

    /// Parses and checks the text of a configuration file; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<ConfigFile, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|err| located(text, name, &err))?;
        file.validate(name)?;
        Ok(file)
    }

    /// Checks what serde cannot: names that must be identifiers, one runtime source, paths
    /// of derives.
    fn validate(&self, name: &str) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        if let Some(crate_name) = &self.package.name {
            if !is_crate_name(crate_name) {
                problems.push(format!(
                    "`package.name`: `{crate_name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)"
                ));
            }
        }
        if let Some(version) = &self.package.version {
            if !is_semver(version) {
                problems.push(format!(
                    "`package.version`: `{version}` is not a version of the form 1.2.3"
                ));
            }
        }
        if let Some(runtime) = &self.runtime {
            let sources = [
                runtime.vendored.is_some(),
                runtime.path.is_some(),
                runtime.git.is_some(),
                runtime.version.is_some(),
            ];
            let count = sources.iter().filter(|s| **s).count();
            if count != 1 {
                problems.push(
                    "`runtime`: give exactly one of `vendored`, `path`, `version` or `git`"
                        .to_owned(),
                );
            }
            if runtime.git.is_none()
                && (runtime.rev.is_some() || runtime.tag.is_some() || runtime.branch.is_some())
            {
                problems.push("`runtime`: `rev`, `tag` and `branch` go with `git`".to_owned());
            }
            if [&runtime.rev, &runtime.tag, &runtime.branch]
                .iter()
                .filter(|v| v.is_some())
                .count()
                > 1
            {
                problems
                    .push("`runtime`: give at most one of `rev`, `tag` and `branch`".to_owned());
            }
            if runtime.vendored == Some(Vendored::Enabled(false)) {
                problems.push(
                    "`runtime.vendored = false`: name where the runtime comes from instead (`path`, `version` or `git`)"
                        .to_owned(),
                );
            }
        }
        for (from, to) in &self.rename.operations {
            if !is_snake_identifier(to) {
                problems.push(format!(
                    "`rename.operations.{from}`: `{to}` is not a snake_case method name (lowercase ASCII letters, digits and `_`, not a keyword)"
                ));
            }
        }
        for (from, to) in &self.rename.types {
            if !is_camel_identifier(to) {
                problems.push(format!(
                    "`rename.types.{from}`: `{to}` is not an UpperCamelCase type name (ASCII letters and digits, starting with a capital)"
                ));
            }
        }
        let derives = self
            .derives
            .all
            .iter()
            .map(|d| ("derives.all".to_owned(), d))
            .chain(self.derives.types.iter().flat_map(|(ty, list)| {
                list.iter().map(move |d| (format!("derives.types.{ty}"), d))
            }));
        for (key, derive) in derives {
            if !is_derive_path(derive) {
                problems.push(format!(
                    "`{key}`: `{derive}` is not the path of a derive macro (such as `Hash` or `schemars::JsonSchema`)"
                ));
            }
        }
        let group_names = self
            .features
            .groups
            .keys()
            .map(|g| (format!("features.groups.{g}"), g))
            .chain(
                self.features
                    .operations
                    .iter()
                    .map(|(op, g)| (format!("features.operations.{op}"), g)),
            );
        for (key, group) in group_names {
            if crate::naming::feature(group) != *group
                || crate::naming::RESERVED_FEATURES.contains(&group.as_str())
            {
                problems.push(format!(
                    "`{key}`: `{group}` is not a group's feature name (lowercase ASCII letters, digits and `_`, not `default`)"
                ));
            }
        }
        for dependency in self.dependencies.keys() {
            if !is_crate_name(dependency) {
                problems.push(format!(
                    "`dependencies.{dependency}`: not a valid crate name"
                ));
            } else if ["oagen-runtime", "serde", "serde_json", "uuid"]
                .contains(&dependency.as_str())
            {
                problems.push(format!(
                    "`dependencies.{dependency}`: the generated crate depends on `{dependency}` already (the runtime is set in `[runtime]`)"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(
                problems
                    .iter()
                    .map(|p| format!("error: {p}\n  --> {name}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ))
        }
    }

    /// The selection, renames and derives, for [`crate::Config::tailor`].
    /// How the document is read: `[document]`, with paths relative to `base` (the
    /// configuration file's folder).
    pub fn options(&self, base: &Path) -> crate::Options {
        crate::Options {
            strict: self.document.strict,
            refs: crate::RefOptions {
                allow_outside_root: self.document.allow_outside_root,
                url_map: self
                    .document
                    .urls
                    .iter()
                    .map(|(prefix, dir)| (prefix.clone(), base.join(dir)))
                    .collect(),
            },
        }
    }

    pub fn tailor(&self) -> Tailor {
        Tailor {
            selection: Selection {
                include: self.operations.include.clone(),
                exclude: self.operations.exclude.clone(),
                include_tags: self.operations.include_tags.clone(),
                exclude_tags: self.operations.exclude_tags.clone(),
            },
            rename_operations: self.rename.operations.clone(),
            rename_types: self.rename.types.clone(),
            derives: self.derives.all.clone(),
            type_derives: self.derives.types.clone(),
            regroup: crate::tailor::Regroup {
                groups: self.features.groups.clone(),
                operations: self.features.operations.clone(),
            },
        }
    }

    /// Whether the generated crate gets a feature per resource group.
    pub fn features(&self) -> crate::Features {
        if self.features.enabled {
            crate::Features::PerGroup
        } else {
            crate::Features::Off
        }
    }

    /// Extra dependencies as `(name, TOML value)` lines for the generated `Cargo.toml`.
    pub fn dependency_lines(&self) -> Vec<(String, String)> {
        self.dependencies
            .iter()
            .map(|(name, value)| (name.clone(), inline_toml(value)))
            .collect()
    }

    /// Where the runtime comes from, with paths resolved against `base` (the file's
    /// directory). `None`: vendored into the default place.
    pub fn runtime_source(&self, base: &Path) -> RuntimeSource {
        let Some(runtime) = &self.runtime else {
            return RuntimeSource::Vendored(None);
        };
        if let Some(vendored) = &runtime.vendored {
            return match vendored {
                Vendored::Dir(dir) => RuntimeSource::Vendored(Some(base.join(dir))),
                Vendored::Enabled(_) => RuntimeSource::Vendored(None),
            };
        }
        if let Some(path) = &runtime.path {
            return RuntimeSource::Path(base.join(path));
        }
        if let Some(url) = &runtime.git {
            let reference = runtime
                .rev
                .as_ref()
                .map(|r| ("rev", r))
                .or(runtime.tag.as_ref().map(|t| ("tag", t)))
                .or(runtime.branch.as_ref().map(|b| ("branch", b)))
                .map(|(k, v)| (k.to_owned(), v.clone()));
            return RuntimeSource::Git {
                url: url.clone(),
                reference,
            };
        }
        match &runtime.version {
            Some(version) => RuntimeSource::Version(version.clone()),
            None => RuntimeSource::Vendored(None),
        }
    }
}

/// The runtime's source as the configuration names it, before paths are made relative to
/// the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A copy of the runtime written by the generator: in this folder, or `<out>/oagen-runtime`.
    Vendored(Option<PathBuf>),
    Path(PathBuf),
    Version(String),
    Git {
        url: String,
        reference: Option<(String, String)>,
    },
}

/// A TOML value written inline (`"1"`, `{ version = "1", features = ["x"] }`).
fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            let items: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), inline_toml(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline_toml).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

fn toml_key(key: &str) -> String {
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

/// A TOML error with the file name in front of toml's own message (which gives the line,
/// the column and the line itself, with the key or value underlined).
fn located(_text: &str, name: &str, err: &toml::de::Error) -> ConfigError {
    ConfigError(format!("error: invalid configuration in {name}\n{err}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_section_becomes_the_reading_options() {
        let file = ConfigFile::parse(
            "[document]\nstrict = true\nallow-outside-root = true\nurls = { \"https://example.com/s/\" = \"schemas\" }\n",
            "oagen.toml",
        )
        .expect("valid");
        let options = file.options(Path::new("/repo/api"));
        assert!(options.strict && options.refs.allow_outside_root);
        assert_eq!(
            options.refs.url_map,
            vec![(
                "https://example.com/s/".to_owned(),
                PathBuf::from("/repo/api/schemas")
            )]
        );
        let none = ConfigFile::default().options(Path::new("/repo"));
        assert!(!none.strict && !none.refs.allow_outside_root && none.refs.url_map.is_empty());
        let err = ConfigFile::parse("[document]\nstrikt = true\n", "oagen.toml")
            .expect_err("unknown key");
        assert!(err.0.contains("strikt"), "{}", err.0);
    }

    #[test]
    fn the_documented_example_parses() {
        let text = include_str!("config.rs")
            .lines()
            .filter_map(|line| line.strip_prefix("//! "))
            .skip_while(|line| !line.starts_with("```toml"))
            .skip(1)
            .take_while(|line| !line.starts_with("```"))
            .collect::<Vec<_>>()
            .join("\n");
        let file = ConfigFile::parse(&text, "oagen.toml").expect("the example is valid");
        assert_eq!(file.package.workspace, Workspace::Member);
        assert_eq!(
            file.runtime_source(Path::new("/repo")),
            RuntimeSource::Vendored(None)
        );
        assert_eq!(
            file.tailor().rename_operations["listPetsWithFilters"],
            "list_pets"
        );
        assert_eq!(
            file.dependency_lines(),
            vec![("schemars".to_owned(), "\"0.8\"".to_owned())]
        );
    }

    #[test]
    fn unknown_keys_are_located() {
        let err = ConfigFile::parse("[package]\nname = \"a\"\nnmae = \"b\"\n", "oagen.toml")
            .expect_err("unknown key");
        assert!(err.0.contains("oagen.toml"), "{err}");
        assert!(err.0.contains("line 3"), "{err}");
        assert!(err.0.contains("unknown field `nmae`"), "{err}");
        let err = ConfigFile::parse("[operation]\ninclude = []\n", "x.toml").expect_err("unknown");
        assert!(err.0.contains("line 1"), "{err}");
    }

    #[test]
    fn invalid_values_are_named() {
        let err = ConfigFile::parse(
            "[runtime]\npath = \"a\"\nversion = \"1\"\ngit = \"g\"\n[rename.operations]\nx = \"Not-Snake\"\n[derives]\nall = [\"a b\"]\n",
            "oagen.toml",
        )
        .expect_err("invalid");
        assert!(err.0.contains("exactly one of"), "{err}");
        assert!(err.0.contains("`rename.operations.x`"), "{err}");
        assert!(err.0.contains("`derives.all`"), "{err}");
        let err =
            ConfigFile::parse("[dependencies]\nserde = \"1\"\n", "oagen.toml").expect_err("taken");
        assert!(err.0.contains("depends on `serde` already"), "{err}");
    }

    #[test]
    fn runtime_sources() {
        let base = Path::new("/repo/api");
        let parse = |text: &str| ConfigFile::parse(text, "t").expect("valid");
        assert_eq!(
            parse("runtime = { version = \"0.1\" }").runtime_source(base),
            RuntimeSource::Version("0.1".to_owned())
        );
        assert_eq!(
            parse("runtime = { path = \"../runtime\" }").runtime_source(base),
            RuntimeSource::Path(PathBuf::from("/repo/api/../runtime"))
        );
        assert_eq!(
            parse("runtime = { git = \"https://x/y.git\", tag = \"v1\" }").runtime_source(base),
            RuntimeSource::Git {
                url: "https://x/y.git".to_owned(),
                reference: Some(("tag".to_owned(), "v1".to_owned())),
            }
        );
        assert_eq!(
            parse("runtime = { vendored = \"vendor/rt\" }").runtime_source(base),
            RuntimeSource::Vendored(Some(PathBuf::from("/repo/api/vendor/rt")))
        );
        assert_eq!(
            ConfigFile::default().runtime_source(base),
            RuntimeSource::Vendored(None)
        );
    }
}
