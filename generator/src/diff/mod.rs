//! `diff`: what a change of the API document does to the generated client. Compares two
//! [`ir::Api`]s (each after configuration, as [`crate::Generator::lower`] returns them), never
//! the texts, and lists every change with the Rust item it touches, the Cargo feature that
//! gates it, the document location that caused it, and two verdicts: the Rust API's (by
//! Cargo's semver rules, knowing what `emit` writes) and the wire's (whether a program built
//! against OLD keeps working against a server that speaks NEW).
//!
//! Items are matched by their wire identity (an operation by method and path, a type by the
//! schema it comes from, a field by its wire name, a variant by its value), so a rename in the
//! document shows as a removal and an addition, and a rename in Rust alone as a change.

mod operations;
mod render;
mod types;

use crate::ir::{self, Api, Reach, TypeRef};

pub use render::Format;

/// A Rust API verdict, by Cargo's semver rules; ordered from harmless to breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Documentation only.
    Patch,
    /// Additions: code that compiles keeps compiling.
    Minor,
    /// Code that compiles today may not.
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// A wire verdict: does a program built against OLD keep working against a server that
/// speaks NEW? Ordered from harmless to breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wire {
    /// Nothing an OLD program sends or receives changes meaning.
    Compatible,
    /// It keeps working unless the server is strict (a value it no longer reads is ignored
    /// or refused) or a value sent is one NEW dropped.
    Risky,
    /// An OLD program fails: a response it cannot decode, a request the server refuses, an
    /// operation that is gone.
    Breaking,
}

impl Wire {
    pub fn as_str(self) -> &'static str {
        match self {
            Wire::Compatible => "compatible",
            Wire::Risky => "risky",
            Wire::Breaking => "breaking",
        }
    }
}

/// Which document a location is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Old,
    New,
}

/// One change of the generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The Rust item touched: `Client::create_pet`, `types::Pet::name`,
    /// `operations::ListPets::limit` (a builder setter), `types::Status::Sold`.
    pub item: String,
    /// What happened, in a few words: `method removed`, `field type changed`.
    pub what: String,
    /// Why the verdicts are what they are, for a reviewer.
    pub detail: String,
    /// The Cargo features gating the item (empty: always compiled).
    pub features: Vec<String>,
    /// The document location that caused it: in NEW, or in OLD for what was removed.
    pub side: Side,
    pub pointer: String,
    pub rust: Level,
    pub wire: Wire,
}

/// Every change between two clients, breaking ones first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// The crate version before (from the settings, else OLD's `info.version`).
    pub version: Option<String>,
}

/// What the comparison needs beyond the two IRs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The crate's version as the settings give it (`package.version`); `None`: the old
    /// document's `info.version`.
    pub crate_version: Option<String>,
    /// Whether resource groups become Cargo features (`[features] enabled`).
    pub features: bool,
}

/// Compares the client generated from `old` with the one generated from `new`.
pub fn compare(old: &Api, new: &Api, options: &Options) -> Diff {
    let old_cx = Cx::new(old, options.features);
    let new_cx = Cx::new(new, options.features);
    let mut changes = Vec::new();
    operations::compare(&old_cx, &new_cx, &mut changes);
    types::compare(&old_cx, &new_cx, &mut changes);
    changes.sort_by(|a, b| {
        (b.rust, b.wire)
            .cmp(&(a.rust, a.wire))
            .then_with(|| a.item.cmp(&b.item))
            .then_with(|| a.what.cmp(&b.what))
    });
    changes.dedup();
    let version = options
        .crate_version
        .clone()
        .or_else(|| Some(old.info.version.clone()).filter(|v| parse_version(v).is_some()));
    Diff { changes, version }
}

impl Diff {
    /// The worst Rust verdict, `None` when nothing changed.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.rust).max()
    }

    /// The worst wire verdict, `None` when nothing changed.
    pub fn worst_wire(&self) -> Option<Wire> {
        self.changes.iter().map(|c| c.wire).max()
    }

    /// How many changes have this Rust verdict.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.rust == level).count()
    }

    /// The next crate version: the version bumped by the worst Rust verdict (below 1.0, a
    /// major change bumps the minor number and anything else the patch number, as Cargo
    /// reads `0.y.z`). `None` without a version in `x.y.z` form.
    pub fn next_version(&self) -> Option<String> {
        let (major, minor, patch) = parse_version(self.version.as_deref()?)?;
        let next = match (self.worst(), major) {
            (None, _) => (major, minor, patch),
            (Some(Level::Major), 0) => (0, minor + 1, 0),
            (Some(Level::Major), _) => (major + 1, 0, 0),
            (Some(Level::Minor), 0) | (Some(Level::Patch), _) => (major, minor, patch + 1),
            (Some(Level::Minor), _) => (major, minor + 1, 0),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }

    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        render::render(self, format)
    }
}

/// `x.y.z` (a leading `v` and anything after a `-` or `+` ignored).
fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let text = text.trim().trim_start_matches('v');
    let core = text.split(['-', '+']).next()?;
    if !core.contains('.') {
        return None;
    }
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    parts.next().is_none().then_some((major, minor, patch))
}

/// One side of the comparison, with what is derived from its IR once.
pub(crate) struct Cx<'a> {
    pub(crate) api: &'a Api,
    /// Each type's Cargo features (empty: always compiled).
    type_features: Vec<Vec<String>>,
    /// Whether groups are Cargo features at all.
    features: bool,
    /// Each type's identity on the wire (`type_keys`).
    type_keys: Vec<String>,
}

impl<'a> Cx<'a> {
    fn new(api: &'a Api, features: bool) -> Cx<'a> {
        let features = features && api.groups.len() > 1;
        let type_features = if features {
            api.type_reach()
                .into_iter()
                .map(|reach| match reach {
                    Reach::Always => Vec::new(),
                    Reach::Groups(groups) => groups
                        .into_iter()
                        .map(|g| api.groups[g].feature.clone())
                        .collect(),
                })
                .collect()
        } else {
            vec![Vec::new(); api.types.len()]
        };
        Cx {
            api,
            type_features,
            features,
            type_keys: type_keys(api),
        }
    }

    /// The features of an operation's group.
    fn operation_features(&self, op: &ir::Operation) -> Vec<String> {
        if self.features {
            vec![op.group.clone()]
        } else {
            Vec::new()
        }
    }

    fn type_features(&self, id: ir::TypeId) -> Vec<String> {
        self.type_features.get(id.0).cloned().unwrap_or_default()
    }

    /// The Rust type as a user of the crate writes it (`types::Pet`, `Vec<String>`).
    fn rust(&self, ty: &TypeRef) -> String {
        self.api
            .rust_path(ty, "crate")
            .replace("crate::", "")
            .replace("::std::string::", "")
            .replace("::std::vec::", "")
            .replace("::std::option::", "")
            .replace("::std::collections::", "")
    }

    /// The type's identity on the wire: the schema it comes from.
    fn type_key(&self, id: ir::TypeId) -> String {
        self.type_keys.get(id.0).cloned().unwrap_or_default()
    }

    /// A type reference by wire identity: named types by their key.
    fn shape(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => format!("<{}>", self.type_key(*id)),
            TypeRef::Scalar(s) => format!("{s:?}"),
            TypeRef::Array(inner) => format!("[{}]", self.shape(inner)),
            TypeRef::Map(inner) => format!("{{{}}}", self.shape(inner)),
            TypeRef::Nullable(inner) => format!("{}?", self.shape(inner)),
            TypeRef::JsonObject => "object".to_owned(),
            TypeRef::Any => "any".to_owned(),
        }
    }
}

/// Each type's identity on the wire: the schema it comes from; when one schema makes a
/// response and a request shape, the request shape is `(request)` beside it (so a schema
/// that gains a read-only field keeps its response type and gains a request type); any
/// other types from one schema are told apart by their Rust names.
fn type_keys(api: &Api) -> Vec<String> {
    let mut sources = std::collections::BTreeMap::new();
    for def in &api.types {
        *sources.entry(def.source.as_str()).or_insert(0usize) += 1;
    }
    let mut keys: Vec<String> = api
        .types
        .iter()
        .map(|def| {
            let shared = sources.get(def.source.as_str()).copied().unwrap_or(0) > 1;
            if shared && def.direction == ir::Direction::Request {
                format!("{} (request)", def.source)
            } else {
                def.source.clone()
            }
        })
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for key in &keys {
        *counts.entry(key.clone()).or_insert(0usize) += 1;
    }
    for (key, def) in keys.iter_mut().zip(&api.types) {
        if counts.get(key.as_str()).copied().unwrap_or(0) > 1 {
            *key = format!("{key} ({})", def.rust_name);
        }
    }
    keys
}

/// Escapes a JSON pointer token.
fn token(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests;

impl Change {
    fn new(item: impl Into<String>, what: impl Into<String>, rust: Level, wire: Wire) -> Change {
        Change {
            item: item.into(),
            what: what.into(),
            detail: String::new(),
            features: Vec::new(),
            side: Side::New,
            pointer: String::new(),
            rust,
            wire,
        }
    }

    fn at(mut self, side: Side, pointer: impl Into<String>) -> Change {
        self.side = side;
        self.pointer = pointer.into();
        self
    }

    fn gated(mut self, features: Vec<String>) -> Change {
        self.features = features;
        self
    }

    fn because(mut self, detail: impl Into<String>) -> Change {
        self.detail = detail.into();
        self
    }
}
