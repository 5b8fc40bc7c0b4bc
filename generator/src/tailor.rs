//! tailor: the team's choices applied to the IR after `lower`, before `emit`: which operations
//! to keep (and then only the types they use), new names for operations and types, and
//! extra derives.
//!
//! A pass of its own, so `lower` stays a function of the document alone. It keeps the IR's
//! invariants: types stay sorted by `rust_name` and every `TypeId` is remapped; new names
//! are checked to be identifiers, free in their scope. A setting that names nothing (a
//! misspelt operation, tag or type) is an error, not silently ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::Diagnostics;
use crate::ir::{Api, Group, GroupSource, ResponseBody, TypeId, TypeKind};
use crate::naming;

/// Which operations to generate. Operations are named by `operationId`, by the method name
/// the generator gives them, or as `METHOD /path` (`GET /pets/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these (with `include_tags`: these and those tagged so). `None`: all.
    pub include: Option<Vec<String>>,
    pub exclude: Vec<String>,
    /// Only operations with one of these tags (with `include`: these and those named).
    pub include_tags: Option<Vec<String>>,
    pub exclude_tags: Vec<String>,
}

impl Selection {
    pub fn is_all(&self) -> bool {
        self.include.is_none()
            && self.include_tags.is_none()
            && self.exclude.is_empty()
            && self.exclude_tags.is_empty()
    }
}

/// Everything the tailor pass does; `Default` does nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tailor {
    pub selection: Selection,
    /// Operation (id, method name or `METHOD /path`) → new snake_case method name.
    pub rename_operations: BTreeMap<String, String>,
    /// Type (schema name or generated type name) → new UpperCamelCase name.
    pub rename_types: BTreeMap<String, String>,
    /// Derives added to every struct and enum (not to aliases).
    pub derives: Vec<String>,
    /// Type name (after renaming) → derives added to it.
    pub type_derives: BTreeMap<String, Vec<String>>,
    /// How operations are grouped into Cargo features, beside what the document says.
    pub regroup: Regroup,
}

/// `[features]` of the configuration: groups merged or made, and operations moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regroup {
    /// Group (feature name) → the groups it takes in, each named by its feature name or by
    /// what it was made from (a tag, a path segment); may be empty, to make a group that
    /// `operations` fills.
    pub groups: BTreeMap<String, Vec<String>>,
    /// Operation (id, method name or `METHOD /path`) → the group it goes to: one of the
    /// document's or of `groups`.
    pub operations: BTreeMap<String, String>,
}

/// Type names `lower` never gives (a struct `New` would have a self-named constructor).
const TYPE_RESERVED: &[&str] = &["New"];

/// Extra derives by type, for `emit`.
pub type ExtraDerives = BTreeMap<TypeId, Vec<String>>;

/// Applies `tailor` to `api`. `root` is the document, read for operations' tags. Problems
/// are errors in `diags`, located by the configuration key that names them (the pointer is
/// empty: they are about the configuration, not the document).
pub fn tailor(
    api: &mut Api,
    root: &Value,
    tailor: &Tailor,
    diags: &mut Diagnostics,
) -> ExtraDerives {
    if !tailor.selection.is_all() {
        select(api, root, &tailor.selection, diags);
    }
    regroup(api, &tailor.regroup, diags);
    rename_operations(api, &tailor.rename_operations, diags);
    rename_types(api, &tailor.rename_types, diags);
    derives(api, tailor, diags)
}

/// Whether a setting's name refers to this operation.
fn names_operation(op: &crate::ir::Operation, key: &str) -> bool {
    op.operation_id.as_deref() == Some(key)
        || op.rust_name == key
        || naming::unraw(&op.rust_name) == key
        || key.split_once(' ').is_some_and(|(method, path)| {
            method.eq_ignore_ascii_case(op.method.as_str()) && path == op.path
        })
}

fn tags_of<'a>(root: &'a Value, op: &crate::ir::Operation) -> Vec<&'a str> {
    root.pointer(op.source.strip_prefix('#').unwrap_or(&op.source))
        .and_then(|o| o.get("tags"))
        .and_then(Value::as_array)
        .map(|tags| tags.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn select(api: &mut Api, root: &Value, selection: &Selection, diags: &mut Diagnostics) {
    let all_tags: BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|op| tags_of(root, op))
        .collect();
    let unknown_op = |key: &str, list: &str, diags: &mut Diagnostics| {
        diags.error_with_help(
            "",
            format!("`operations.{list}` names `{key}`, which is no operation of the document"),
            "name an operation by its operationId, its method name, or as `METHOD /path`",
        );
    };
    for (list, keys) in [
        ("include", selection.include.as_deref().unwrap_or_default()),
        ("exclude", &selection.exclude[..]),
    ] {
        for key in keys {
            if !api.operations.iter().any(|op| names_operation(op, key)) {
                unknown_op(key, list, diags);
            }
        }
    }
    for (list, tags) in [
        (
            "include-tags",
            selection.include_tags.as_deref().unwrap_or_default(),
        ),
        ("exclude-tags", &selection.exclude_tags[..]),
    ] {
        for tag in tags {
            if !all_tags.contains(tag.as_str()) {
                let known: Vec<&str> = all_tags.iter().copied().collect();
                diags.error_with_help(
                    "",
                    format!("`operations.{list}` names the tag `{tag}`, which no operation has"),
                    format!("the document's tags: {}", known.join(", ")),
                );
            }
        }
    }
    let keep: Vec<bool> = api
        .operations
        .iter()
        .map(|op| {
            let tags = tags_of(root, op);
            let named = |keys: &[String]| keys.iter().any(|k| names_operation(op, k));
            let tagged = |wanted: &[String]| tags.iter().any(|t| wanted.iter().any(|w| w == t));
            let included = match (&selection.include, &selection.include_tags) {
                (None, None) => true,
                (include, include_tags) => {
                    include.as_deref().is_some_and(named)
                        || include_tags.as_deref().is_some_and(tagged)
                }
            };
            included && !named(&selection.exclude) && !tagged(&selection.exclude_tags)
        })
        .collect();
    let mut index = 0;
    api.operations.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    prune_types(api);
}

/// Keeps only the types that the remaining operations and events reach, and renumbers them.
fn prune_types(api: &mut Api) {
    let mut roots = api.event_type_ids();
    for op in &api.operations {
        op.named_ids(&mut roots);
    }
    let reached = api.reached_from(roots);
    api.retain_types(&reached);
}

/// Applies `[features]`, then rebuilds `api.groups` from the operations that remain (after
/// the selection too), so a group without operations has no feature.
fn regroup(api: &mut Api, regroup: &Regroup, diags: &mut Diagnostics) {
    let mut sources: BTreeMap<String, BTreeSet<GroupSource>> = api
        .groups
        .iter()
        .map(|g| (g.feature.clone(), g.sources.iter().cloned().collect()))
        .collect();
    let known = |sources: &BTreeMap<String, BTreeSet<GroupSource>>| {
        sources.keys().cloned().collect::<Vec<_>>().join(", ")
    };
    // Member (by its feature or a source's text) → the group that takes it in.
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for (target, members) in &regroup.groups {
        let mut taken: BTreeSet<GroupSource> = BTreeSet::new();
        for member in members {
            let found: Vec<String> = sources
                .iter()
                .filter(|(feature, srcs)| {
                    *feature == member
                        || srcs
                            .iter()
                            .any(|s| !matches!(s, GroupSource::Root) && s.text() == member.as_str())
                })
                .map(|(feature, _)| feature.clone())
                .collect();
            if found.is_empty() {
                diags.error_with_help(
                    "",
                    format!("`features.groups.{target}` names `{member}`, which is no group of the document"),
                    format!("the document's groups: {}", known(&sources)),
                );
            }
            for feature in found {
                taken.extend(sources.get(&feature).into_iter().flatten().cloned());
                moved.insert(feature, target.clone());
            }
        }
        if taken.is_empty() {
            taken.insert(GroupSource::Config(target.clone()));
        }
        sources.entry(target.clone()).or_default().extend(taken);
    }
    for op in &mut api.operations {
        if let Some(target) = moved.get(&op.group) {
            op.group = target.clone();
        }
    }
    for (key, target) in &regroup.operations {
        if !sources.contains_key(target) {
            diags.error_with_help(
                "",
                format!("`features.operations.{key}` names the group `{target}`, which is neither a group of the document nor one of `features.groups`"),
                format!("the groups: {}", known(&sources)),
            );
            continue;
        }
        let mut found = false;
        for op in api
            .operations
            .iter_mut()
            .filter(|op| names_operation(op, key))
        {
            op.group = target.clone();
            found = true;
        }
        if found {
            if let Some(srcs) = sources.get_mut(target) {
                srcs.insert(GroupSource::Config(key.clone()));
            }
        } else {
            diags.error_with_help(
                "",
                format!("`features.operations.{key}` names no operation of the document (or one not selected)"),
                "name an operation by its operationId, its method name, or as `METHOD /path`",
            );
        }
    }
    let used: BTreeSet<&str> = api.operations.iter().map(|op| op.group.as_str()).collect();
    api.groups = sources
        .into_iter()
        .filter(|(feature, _)| used.contains(feature.as_str()))
        .map(|(feature, sources)| Group {
            feature,
            sources: sources.into_iter().collect(),
        })
        .collect();
}

fn rename_operations(api: &mut Api, renames: &BTreeMap<String, String>, diags: &mut Diagnostics) {
    for (key, new_name) in renames {
        let matches: Vec<usize> = (0..api.operations.len())
            .filter(|&i| names_operation(&api.operations[i], key))
            .collect();
        let [index] = matches[..] else {
            let what = if matches.is_empty() {
                "no operation of the document (or one not selected)"
            } else {
                "more than one operation"
            };
            diags.error_with_help(
                "",
                format!("`rename.operations.{key}` names {what}"),
                "name an operation by its operationId, its method name, or as `METHOD /path`",
            );
            continue;
        };
        let new_name = new_name.clone();
        let builder = naming::camel(naming::unraw(&new_name), "Operation");
        let taken_method = crate::lower::CLIENT_METHODS.contains(&new_name.as_str())
            || api
                .operations
                .iter()
                .enumerate()
                .any(|(i, op)| i != index && op.rust_name == new_name);
        let taken_builder = crate::lower::BUILDER_RESERVED.contains(&builder.as_str())
            || api.operations.iter().enumerate().any(|(i, op)| {
                (i != index && op.builder_name == builder)
                    || matches!(&op.response.body, ResponseBody::PerStatus(s) if s.rust_name == builder)
            });
        if taken_method || taken_builder {
            diags.error(
                "",
                format!(
                    "`rename.operations.{key}`: the name `{new_name}` (request builder `{builder}`) is already taken"
                ),
            );
            continue;
        }
        let op = &mut api.operations[index];
        op.rust_name = new_name;
        op.builder_name = builder;
    }
}

fn names_type(def: &crate::ir::TypeDef, key: &str) -> bool {
    def.rust_name == key
        || def
            .source
            .strip_prefix("#/components/schemas/")
            .is_some_and(|schema| schema == crate::diag::escape_token(key))
}

fn rename_types(api: &mut Api, renames: &BTreeMap<String, String>, diags: &mut Diagnostics) {
    if renames.is_empty() {
        return;
    }
    let mut renamed = false;
    for (key, new_name) in renames {
        let Some(index) = api.types.iter().position(|def| names_type(def, key)) else {
            diags.error_with_help(
                "",
                format!("`rename.types.{key}` names no type that is generated"),
                "name a type by its schema name (`components/schemas`) or its generated name",
            );
            continue;
        };
        let taken = TYPE_RESERVED.contains(&new_name.as_str())
            || api
                .types
                .iter()
                .enumerate()
                .any(|(i, def)| i != index && def.rust_name == *new_name);
        if taken {
            diags.error(
                "",
                format!("`rename.types.{key}`: the name `{new_name}` is already taken"),
            );
            continue;
        }
        api.types[index].rust_name = new_name.clone();
        renamed = true;
    }
    if !renamed {
        return;
    }
    // Sorted by name again, and every id renumbered.
    api.sort_types_by_name();
}

fn derives(api: &Api, tailor: &Tailor, diags: &mut Diagnostics) -> ExtraDerives {
    let mut out = ExtraDerives::new();
    if !tailor.derives.is_empty() {
        for (index, def) in api.types.iter().enumerate() {
            if !matches!(def.kind, TypeKind::Alias(_)) {
                out.insert(TypeId(index), tailor.derives.clone());
            }
        }
    }
    for (key, list) in &tailor.type_derives {
        let Some(index) = api.types.iter().position(|def| names_type(def, key)) else {
            diags.error(
                "",
                format!("`derives.types.{key}` names no type that is generated"),
            );
            continue;
        };
        if let TypeKind::Alias(_) = api.types[index].kind {
            diags.error(
                "",
                format!(
                    "`derives.types.{key}`: `{}` is a type alias, which cannot derive; derive on the type it names",
                    api.types[index].rust_name
                ),
            );
            continue;
        }
        let entry = out.entry(TypeId(index)).or_default();
        for derive in list {
            if !entry.contains(derive) {
                entry.push(derive.clone());
            }
        }
    }
    out
}
