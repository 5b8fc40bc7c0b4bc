//! The generated crate's `Cargo.toml`. TOML, not Rust, so it is written as text; every value
//! that comes from the document is escaped.

use crate::ir::{Api, Scalar};

/// How the generated `Cargo.toml` refers to the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path, relative to the generated crate (or absolute).
    Path(String),
    /// A version requirement on the registry.
    Version(String),
    /// A git repository, with an optional `rev`, `tag` or `branch` (key, value).
    Git {
        url: String,
        reference: Option<(String, String)>,
    },
    /// A copy of the runtime's source that the generator writes into this folder (relative
    /// to the generated crate, with `/`), pinned to the generator's version.
    Vendored(String),
}

/// Whether the generated crate belongs to an enclosing workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    /// A member of the workspace around it (like `generated/` in this repository), or a
    /// path dependency of one of its members: no `[workspace]` table.
    WorkspaceMember,
    /// A crate of its own, with an empty `[workspace]` table so that it builds wherever it
    /// is written.
    Standalone,
}

/// What the generated `Cargo.toml` says beyond what the document decides.
#[derive(Debug, Clone, Copy)]
pub struct ManifestSettings<'a> {
    pub crate_name: &'a str,
    /// The crate's version; `None`: the document's `info.version` when it is `x.y.z`.
    pub version: Option<&'a str>,
    pub runtime: &'a RuntimeDependency,
    pub kind: ManifestKind,
    /// Extra dependencies: name and TOML value, written as they are.
    pub dependencies: &'a [(String, String)],
    /// A feature per resource group (when the API has several).
    pub features: super::Features,
}

pub fn manifest(api: &Api, settings: &ManifestSettings<'_>) -> String {
    let version = match settings.version {
        Some(version) => version.to_owned(),
        None => crate_version(&api.info.version),
    };
    let description = format!(
        "A client for the {}, generated from its OpenAPI description",
        super::api_name(&api.info.title)
    );
    let runtime = match settings.runtime {
        RuntimeDependency::Path(path) | RuntimeDependency::Vendored(path) => {
            format!("{{ path = {} }}", toml_string(path))
        }
        RuntimeDependency::Version(version) => toml_string(version),
        RuntimeDependency::Git { url, reference } => match reference {
            Some((key, value)) => format!(
                "{{ git = {}, {key} = {} }}",
                toml_string(url),
                toml_string(value)
            ),
            None => format!("{{ git = {} }}", toml_string(url)),
        },
    };
    let mut out = String::new();
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(settings.crate_name)));
    out.push_str(&format!("version = {}\n", toml_string(&version)));
    out.push_str("edition = \"2024\"\n");
    out.push_str("rust-version = \"1.85\"\n");
    out.push_str(&format!("description = {}\n", toml_string(&description)));
    out.push_str("readme = \"README.md\"\n");
    out.push_str("publish = false\n");
    let features = super::has_features(api, settings.features);
    if features {
        out.push_str("\n# Items behind a feature are marked in the documentation.\n");
        out.push_str("[package.metadata.docs.rs]\n");
        out.push_str("all-features = true\n");
        out.push_str("rustdoc-args = [\"--cfg\", \"docsrs\"]\n");
    }
    out.push_str("\n[lib]\n");
    out.push_str("# Descriptions from the API document are not Rust examples.\n");
    out.push_str("doctest = false\n");
    out.push_str("\n[dependencies]\n");
    out.push_str(&format!("oagen-runtime = {runtime}\n"));
    out.push_str("serde = { version = \"1\", features = [\"derive\"] }\n");
    out.push_str("serde_json = \"1\"\n");
    if api.uses_scalar(Scalar::Uuid) {
        out.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    for (name, value) in settings.dependencies {
        out.push_str(&format!("{name} = {value}\n"));
    }
    out.push_str(&features_table(api, features));
    if settings.kind == ManifestKind::Standalone {
        out.push_str("\n# A crate of its own, not part of any workspace around it.\n[workspace]\n");
    }
    out
}

/// `[features]`: `mock` (the typed mock server for tests, off by default), and, with
/// `groups`, one per resource group, all of them on by default (README.md lists them).
/// Group names are bare keys (lowercase ASCII letters, digits and `_`) and never one of
/// [`crate::naming::RESERVED_FEATURES`], the only other features the crate has.
fn features_table(api: &Api, groups: bool) -> String {
    let mut out = String::new();
    out.push_str("\n[features]\n");
    if groups {
        let names: Vec<String> = api.groups.iter().map(|g| toml_string(&g.feature)).collect();
        out.push_str(
            "# One feature per resource group of the API (README.md lists them); all by default.\n",
        );
        if names.len() <= 4 {
            out.push_str(&format!("default = [{}]\n", names.join(", ")));
        } else {
            out.push_str("default = [\n");
            for name in &names {
                out.push_str(&format!("    {name},\n"));
            }
            out.push_str("]\n");
        }
        for group in &api.groups {
            out.push_str(&format!("{} = []\n", group.feature));
        }
    }
    out.push_str("# A typed mock of the API for your tests (the `mock` module); off by default.\n");
    out.push_str("mock = [\"oagen-runtime/mock\"]\n");
    out
}

/// The API's version when it is a plain `x.y.z`, otherwise `0.1.0`.
fn crate_version(version: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    let plain = parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        });
    if plain {
        version.to_owned()
    } else {
        "0.1.0".to_owned()
    }
}

/// A TOML basic string.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
