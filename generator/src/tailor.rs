//! tailor: the team's choices applied to the IR after `lower`, before `emit`: which operations
//! to keep (and then only the types they use), new names for operations and types, and
//! extra derives.
//!
//! A pass of its own, so `lower` stays a function of the document alone. It keeps the IR's
//! invariants: types stay sorted by `rust_name` and every `TypeId` is remapped; new names
//! are checked to be identifiers, free in their scope. A setting that names nothing (a
//! misspelt operation, tag or type) is an error, not silently ignored.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostics;
use crate::ir::{Api, Group, GroupSource, ResponseBody, TypeId, TypeKind};
use crate::naming;
use crate::settings::{Operations, Settings, key_part};

/// Type names `lower` never gives (a struct `New` would have a self-named constructor).
const TYPE_RESERVED: &[&str] = &["New"];

/// Extra derives by type, for `emit`.
pub(crate) type ExtraDerives = BTreeMap<TypeId, Vec<String>>;

/// Applies the settings' selection, regrouping, renames and derives to `api`. Problems are
/// errors in `diags`, located by the key of the setting that names them. A step whose
/// settings name nothing stops what depends on it, so one mistake is one error: a bad
/// selection stops everything after it (renames of what it removed would fail too), a bad
/// type rename stops the derives (which name types by their new names).
pub(crate) fn tailor(api: &mut Api, settings: &Settings, diags: &mut Diagnostics) -> ExtraDerives {
    if !settings.operations.is_all() {
        select(api, &settings.operations, diags);
        if diags.has_errors() {
            return ExtraDerives::new();
        }
    }
    regroup(api, &settings.features, diags);
    rename_operations(api, &settings.rename.operations, diags);
    let mark = diags.mark();
    rename_types(api, &settings.rename.types, diags);
    if diags
        .iter()
        .skip(mark)
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return ExtraDerives::new();
    }
    derives(api, settings, diags)
}

const NAME_AN_OPERATION: &str =
    "name an operation by its operationId, its method name, or as `METHOD /path`";

/// Whether a setting's name refers to this operation.
fn names_operation(op: &crate::ir::Operation, key: &str) -> bool {
    op.operation_id.as_deref() == Some(key)
        || op.rust_name == key
        || naming::unraw(&op.rust_name) == key
        || key.split_once(' ').is_some_and(|(method, path)| {
            method.eq_ignore_ascii_case(op.method.as_str()) && path == op.path
        })
}

fn select(api: &mut Api, selection: &Operations, diags: &mut Diagnostics) {
    let all_tags: BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|op| op.tags.iter().map(String::as_str))
        .collect();
    for (list, keys) in [
        ("include", selection.include.as_deref().unwrap_or_default()),
        ("exclude", &selection.exclude[..]),
    ] {
        for (index, key) in keys.iter().enumerate() {
            if !api.operations.iter().any(|op| names_operation(op, key)) {
                diags.setting_error(
                    format!("operations.{list}[{index}]"),
                    format!(
                        "`operations.{list}` names `{key}`, which is no operation of the document"
                    ),
                    Some(NAME_AN_OPERATION.to_owned()),
                );
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
        for (index, tag) in tags.iter().enumerate() {
            if !all_tags.contains(tag.as_str()) {
                let known: Vec<&str> = all_tags.iter().copied().collect();
                diags.setting_error(
                    format!("operations.{list}[{index}]"),
                    format!("`operations.{list}` names the tag `{tag}`, which no operation has"),
                    Some(format!("the document's tags: {}", known.join(", "))),
                );
            }
        }
    }
    if diags.has_errors() {
        return;
    }
    let keep: Vec<bool> = api
        .operations
        .iter()
        .map(|op| {
            let tags = &op.tags;
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
fn regroup(api: &mut Api, regroup: &crate::settings::FeatureSettings, diags: &mut Diagnostics) {
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
        for (index, member) in members.iter().enumerate() {
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
                diags.setting_error(
                    format!("features.groups.{}[{index}]", key_part(target)),
                    format!("`features.groups.{target}` names `{member}`, which is no group of the document"),
                    Some(format!("the document's groups: {}", known(&sources))),
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
        let setting = format!("features.operations.{}", key_part(key));
        if !sources.contains_key(target) {
            diags.setting_error(
                setting,
                format!("`features.operations.{key}` names the group `{target}`, which is neither a group of the document nor one of `features.groups`"),
                Some(format!("the groups: {}", known(&sources))),
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
            diags.setting_error(
                setting,
                format!("`features.operations.{key}` names no operation of the document (or one not selected)"),
                Some(NAME_AN_OPERATION.to_owned()),
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
            diags.setting_error(
                format!("rename.operations.{}", key_part(key)),
                format!("`rename.operations.{key}` names {what}"),
                Some(NAME_AN_OPERATION.to_owned()),
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
            diags.setting_error(
                format!("rename.operations.{}", key_part(key)),
                format!(
                    "`rename.operations.{key}`: the name `{new_name}` (request builder `{builder}`) is already taken"
                ),
                None,
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
            diags.setting_error(
                format!("rename.types.{}", key_part(key)),
                format!("`rename.types.{key}` names no type that is generated"),
                Some(
                    "name a type by its schema name (`components/schemas`) or its generated name"
                        .to_owned(),
                ),
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
            diags.setting_error(
                format!("rename.types.{}", key_part(key)),
                format!("`rename.types.{key}`: the name `{new_name}` is already taken"),
                None,
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

fn derives(api: &Api, settings: &Settings, diags: &mut Diagnostics) -> ExtraDerives {
    let mut out = ExtraDerives::new();
    if !settings.derives.all.is_empty() {
        for (index, def) in api.types.iter().enumerate() {
            if !matches!(def.kind, TypeKind::Alias(_)) {
                out.insert(TypeId(index), settings.derives.all.clone());
            }
        }
    }
    for (key, list) in &settings.derives.types {
        let setting = format!("derives.types.{}", key_part(key));
        let Some(index) = api.types.iter().position(|def| names_type(def, key)) else {
            diags.setting_error(
                setting,
                format!("`derives.types.{key}` names no type that is generated"),
                None,
            );
            continue;
        };
        if let TypeKind::Alias(_) = api.types[index].kind {
            diags.setting_error(
                setting,
                format!(
                    "`derives.types.{key}`: `{}` is a type alias, which cannot derive; derive on the type it names",
                    api.types[index].rust_name
                ),
                None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Location};

    /// The IR of a small document: `pets` (two operations, tag `pets`, type `Pet`) and
    /// `admin` (one operation, tag `internal`, type `Audit`).
    fn api() -> Api {
        let text = r#"
openapi: 3.1.0
info: { title: t, version: '1' }
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses: { '200': { description: ok, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Pet' } } } } } }
  /pets/{id}:
    delete:
      operationId: deletePet
      tags: [pets]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '204': { description: gone } }
  /audit:
    get:
      operationId: listAudit
      tags: [internal]
      responses:
        '200':
          description: ok
          headers: { X-Total: { required: true, schema: { type: integer } } }
          content: { application/json: { schema: { $ref: '#/components/schemas/Audit' } } }
components:
  schemas:
    Pet: { type: object, properties: { name: { type: string } } }
    Audit: { type: object, properties: { who: { type: string } } }
"#;
        let mut diags = Diagnostics::default();
        let doc = crate::load::load(text.as_bytes(), &mut diags).expect("loads");
        let (api, _) = crate::lower::lower_explained(&doc, &mut diags, false);
        assert!(!diags.has_errors(), "{:?}", diags.into_sorted());
        api.expect("lowers")
    }

    fn run(settings: &Settings) -> (Api, Vec<Diagnostic>) {
        let mut api = api();
        let mut diags = Diagnostics::default();
        tailor(&mut api, settings, &mut diags);
        (api, diags.into_sorted())
    }

    fn keys(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics
            .iter()
            .map(|d| match &d.location {
                Location::Settings { key, .. } => key.as_str(),
                Location::Document { .. } => panic!("a document diagnostic: {d}"),
            })
            .collect()
    }

    fn names(api: &Api) -> (Vec<&str>, Vec<&str>) {
        (
            api.operations
                .iter()
                .map(|o| o.rust_name.as_str())
                .collect(),
            api.types.iter().map(|t| t.rust_name.as_str()).collect(),
        )
    }

    #[test]
    fn the_ir_carries_tags_and_response_headers() {
        let api = api();
        let audit = api.operations.iter().find(|o| o.rust_name == "list_audit");
        let audit = audit.expect("listAudit");
        assert_eq!(audit.tags, ["internal"]);
        let [header] = &audit.response.headers[..] else {
            panic!("{:?}", audit.response.headers)
        };
        assert_eq!(
            (header.wire_name.as_str(), header.required),
            ("X-Total", true)
        );
    }

    #[test]
    fn selection_by_tag_keeps_only_what_the_kept_operations_reach() {
        let mut settings = Settings::default();
        settings.operations.exclude_tags = vec!["internal".to_owned()];
        let (api, diags) = run(&settings);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(names(&api), (vec!["list_pets", "delete_pet"], vec!["Pet"]));
        let mut settings = Settings::default();
        settings.operations.include = Some(vec!["GET /audit".to_owned()]);
        settings.operations.include_tags = Some(vec![]);
        let (api, _) = run(&settings);
        assert_eq!(names(&api), (vec!["list_audit"], vec!["Audit"]));
    }

    #[test]
    fn a_selection_that_names_nothing_is_one_error_without_knock_on() {
        let mut settings = Settings::default();
        settings.operations.include_tags = Some(vec!["pets".to_owned(), "petz".to_owned()]);
        // Would fail too if the selection had been applied (nothing left to rename).
        settings
            .rename
            .operations
            .insert("listAudit".to_owned(), "audit".to_owned());
        settings
            .derives
            .types
            .insert("Audit".to_owned(), vec!["Hash".to_owned()]);
        let (_, diags) = run(&settings);
        assert_eq!(keys(&diags), ["operations.include-tags[1]"]);
        assert!(diags[0].message.contains("the tag `petz`"), "{}", diags[0]);
    }

    #[test]
    fn a_bad_type_rename_stops_the_derives_that_would_name_it() {
        let mut settings = Settings::default();
        settings
            .rename
            .types
            .insert("Pet".to_owned(), "Audit".to_owned());
        settings
            .derives
            .types
            .insert("Audit".to_owned(), vec!["Hash".to_owned()]);
        let (_, diags) = run(&settings);
        assert_eq!(keys(&diags), ["rename.types.Pet"]);
        // Independent settings still each report: a rename of operations and a group.
        let mut settings = Settings::default();
        settings
            .rename
            .operations
            .insert("GET /nowhere".to_owned(), "x".to_owned());
        settings.features.groups.insert(
            "everything".to_owned(),
            vec!["pets".to_owned(), "nope".to_owned()],
        );
        let (_, diags) = run(&settings);
        assert_eq!(
            keys(&diags),
            [
                "features.groups.everything[1]",
                "rename.operations.\"GET /nowhere\""
            ]
        );
    }

    #[test]
    fn regrouping_merges_groups_and_moves_operations() {
        let mut settings = Settings::default();
        settings
            .features
            .groups
            .insert("all_pets".to_owned(), vec!["pets".to_owned()]);
        settings
            .features
            .groups
            .insert("ops".to_owned(), Vec::new());
        settings
            .features
            .operations
            .insert("deletePet".to_owned(), "ops".to_owned());
        let (api, diags) = run(&settings);
        assert!(diags.is_empty(), "{diags:?}");
        let groups: Vec<(&str, &str)> = api
            .operations
            .iter()
            .map(|o| (o.rust_name.as_str(), o.group.as_str()))
            .collect();
        assert_eq!(
            groups,
            [
                ("list_pets", "all_pets"),
                ("delete_pet", "ops"),
                ("list_audit", "internal")
            ]
        );
        let features: Vec<&str> = api.groups.iter().map(|g| g.feature.as_str()).collect();
        assert_eq!(features, ["all_pets", "internal", "ops"]);
    }

    #[test]
    fn renames_apply_and_keep_the_types_sorted() {
        let mut settings = Settings::default();
        settings
            .rename
            .types
            .insert("Pet".to_owned(), "Animal".to_owned());
        settings
            .rename
            .operations
            .insert("listPets".to_owned(), "pets".to_owned());
        settings.derives.all = vec!["Hash".to_owned()];
        let mut api = api();
        let mut diags = Diagnostics::default();
        let derives = tailor(&mut api, &settings, &mut diags);
        assert!(!diags.has_errors());
        assert_eq!(
            names(&api),
            (
                vec!["pets", "delete_pet", "list_audit"],
                vec!["Animal", "Audit"]
            )
        );
        assert_eq!(derives.len(), 2);
    }
}
