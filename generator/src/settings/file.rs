//! Reading `oagen.toml`: the file's own shape as serde reads it (a private mirror of the
//! TOML, `deny_unknown_fields`), turned into [`Settings`]; the one runtime source of
//! `[runtime]`; and where each key is written, from the spans of `toml::de::DeTable`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::{
    Derives, DocumentSettings, FeatureSettings, GitReference, Operations, Package, Renames,
    Runtime, Settings, Workspace, key_part,
};
use crate::diag::Diagnostics;

// The file's own shape, as serde reads it; turned into `Settings` by `into_settings`.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    package: RawPackage,
    runtime: Option<RawRuntime>,
    #[serde(default)]
    operations: RawOperations,
    #[serde(default)]
    rename: RawRenames,
    #[serde(default)]
    derives: RawDerives,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    document: RawDocument,
    #[serde(default)]
    features: RawFeatures,
    #[serde(default)]
    types: RawTypes,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTypes {
    #[serde(default)]
    deserialize: super::Decoder,
    #[serde(default)]
    serialize: super::Encoder,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    workspace: Workspace,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuntime {
    vendored: Option<toml::Value>,
    path: Option<String>,
    version: Option<String>,
    git: Option<String>,
    rev: Option<String>,
    tag: Option<String>,
    branch: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOperations {
    include: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    include_tags: Option<Vec<String>>,
    #[serde(default)]
    exclude_tags: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRenames {
    #[serde(default)]
    operations: BTreeMap<String, String>,
    #[serde(default)]
    types: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerives {
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    types: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDocument {
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    allow_outside_root: bool,
    #[serde(default)]
    urls: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeatures {
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    operations: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

impl Default for RawFeatures {
    fn default() -> Self {
        RawFeatures {
            enabled: true,
            groups: BTreeMap::new(),
            operations: BTreeMap::new(),
        }
    }
}

impl RawFile {
    pub(super) fn into_settings(self, diags: &mut Diagnostics) -> Settings {
        let runtime = match &self.runtime {
            Some(raw) => raw.runtime(diags),
            None => Runtime::default(),
        };
        Settings {
            package: Package {
                name: self.package.name,
                version: self.package.version,
                workspace: self.package.workspace,
            },
            runtime,
            operations: Operations {
                include: self.operations.include,
                exclude: self.operations.exclude,
                include_tags: self.operations.include_tags,
                exclude_tags: self.operations.exclude_tags,
            },
            rename: Renames {
                operations: self.rename.operations,
                types: self.rename.types,
            },
            derives: Derives {
                all: self.derives.all,
                types: self.derives.types,
            },
            dependencies: self
                .dependencies
                .iter()
                .map(|(name, value)| (name.clone(), inline_toml(value)))
                .collect(),
            document: DocumentSettings {
                strict: self.document.strict,
                allow_outside_root: self.document.allow_outside_root,
                urls: self
                    .document
                    .urls
                    .into_iter()
                    .map(|(prefix, dir)| (prefix, PathBuf::from(dir)))
                    .collect(),
            },
            features: FeatureSettings {
                enabled: self.features.enabled,
                groups: self.features.groups,
                operations: self.features.operations,
            },
            types: super::TypeSettings {
                deserialize: self.types.deserialize,
                serialize: self.types.serialize,
            },
            command: None,
            file: None,
        }
    }
}

impl RawRuntime {
    /// The one source the section names; every other combination is an error.
    fn runtime(&self, diags: &mut Diagnostics) -> Runtime {
        let vendored = match &self.vendored {
            None => None,
            Some(toml::Value::Boolean(on)) => Some(on.then_some(None)),
            Some(toml::Value::String(dir)) if is_folder_path(dir) => {
                Some(Some(Some(PathBuf::from(dir))))
            }
            Some(other) => {
                diags.setting_error(
                    "runtime.vendored",
                    format!("`vendored` is `true`, `false` or a folder path, not {other}"),
                    Some("a folder such as \"../oagen-runtime\" (letters, digits, `.`, `_`, `-` and `/`), relative to this file".to_owned()),
                );
                Some(Some(None))
            }
        };
        let on = matches!(vendored, Some(Some(_)));
        let others = [
            self.path.is_some(),
            self.git.is_some(),
            self.version.is_some(),
        ];
        let count = others.iter().filter(|s| **s).count() + usize::from(on);
        if count != 1 {
            let message = if vendored == Some(None) && count == 0 {
                "`vendored = false`: name where the runtime comes from instead (`path`, `version` or `git`)"
            } else {
                "give exactly one of `vendored`, `path`, `version` or `git`"
            };
            diags.setting_error("runtime", message, None);
        }
        let references = [&self.rev, &self.tag, &self.branch];
        if self.git.is_none() && references.iter().any(|r| r.is_some()) {
            diags.setting_error("runtime", "`rev`, `tag` and `branch` go with `git`", None);
        }
        if references.iter().filter(|r| r.is_some()).count() > 1 {
            diags.setting_error(
                "runtime",
                "give at most one of `rev`, `tag` and `branch`",
                None,
            );
        }
        if let Some(Some(dir)) = vendored {
            return Runtime::Vendored(dir);
        }
        if let Some(path) = &self.path {
            return Runtime::Path(PathBuf::from(path));
        }
        if let Some(url) = &self.git {
            let reference = (self.rev.clone().map(GitReference::Rev))
                .or(self.tag.clone().map(GitReference::Tag))
                .or(self.branch.clone().map(GitReference::Branch));
            return Runtime::Git {
                url: url.clone(),
                reference,
            };
        }
        match &self.version {
            Some(version) => Runtime::Version(version.clone()),
            None => Runtime::default(),
        }
    }
}

/// A folder path as a setting may give it: portable characters only, and not a word that
/// means yes or no (`"yes please"`, `"no"` are mistakes, not folders).
fn is_folder_path(text: &str) -> bool {
    let word = text.trim().to_ascii_lowercase();
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
        && !["yes", "no", "true", "false", "on", "off", "y", "n"].contains(&word.as_str())
}

/// A TOML value written inline (`"1"`, `{ version = "1", features = ["x"] }`).
fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            let items: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{} = {}", key_part(k), inline_toml(v)))
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

/// Where every key and list item of a TOML text is written: `a.b.c` and `a.b[2]` (parts as
/// [`key_part`] writes them) → line and column. Empty when the text does not parse (the
/// parse error has its own place).
pub(super) fn key_positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    if let Ok(table) = toml::de::DeTable::parse(text) {
        walk_table(text, table.get_ref(), "", &mut out);
    }
    out
}

fn walk_table(
    text: &str,
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    out: &mut BTreeMap<String, (usize, usize)>,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key_part(key.get_ref())
        } else {
            format!("{prefix}.{}", key_part(key.get_ref()))
        };
        out.insert(path.clone(), line_column(text, key.span().start));
        walk_value(text, value, &path, out);
    }
}

fn walk_value(
    text: &str,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    path: &str,
    out: &mut BTreeMap<String, (usize, usize)>,
) {
    match value.get_ref() {
        toml::de::DeValue::Table(table) => walk_table(text, table, path, out),
        toml::de::DeValue::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{index}]");
                out.insert(item_path.clone(), line_column(text, item.span().start));
                walk_value(text, item, &item_path, out);
            }
        }
        _ => {}
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
