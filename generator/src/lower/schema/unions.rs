//! `oneOf`/`anyOf`/several `type`s: untagged unions, unions tagged by a `discriminator`, and
//! `oneOf` beside `properties` whose branches only list `required` names.

use serde_json::Value;

use super::View;
use crate::diag::join;
use crate::ir::{
    Boxing, Scalar, TagOrigin, Tagged, TaggedVariant, TypeId, TypeKind, TypeRef, Union,
    UnionVariant,
};
use crate::lower::Lowerer;
use crate::naming::{self, Scope};

/// `oneOf: [{required: [a]}, {required: [b]}]` beside `properties`: branches that only say
/// which properties must be present. Returns each branch's names.
pub(super) fn required_sets(branches: &[(usize, &Value)]) -> Option<Vec<Vec<String>>> {
    branches
        .iter()
        .map(|(_, branch)| {
            let obj = branch.as_object()?;
            let allowed = ["required", "description", "title"];
            if obj.keys().any(|k| !allowed.contains(&k.as_str())) {
                return None;
            }
            obj.get("required")?
                .as_array()?
                .iter()
                .map(|name| name.as_str().map(str::to_owned))
                .collect()
        })
        .collect()
}

impl Lowerer<'_> {
    /// `oneOf`/`anyOf` with several non-null branches, or `type` with several types.
    pub(super) fn lower_union(
        &mut self,
        view: &View<'_>,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        let id = self.slot_for(ptr, hint, slot);
        let mut tys = Vec::new();
        if view.branches.is_empty() {
            for (index, t) in view.types.iter().enumerate() {
                let mut single = view.obj.clone();
                single.insert("type".into(), Value::String((*t).to_owned()));
                single.remove("enum");
                single.remove("const");
                tys.push(self.lower_schema(
                    &Value::Object(single),
                    &join(ptr, &["type", &index.to_string()]),
                    &format!("{hint}{}", naming::camel(t, "Variant")),
                    None,
                ));
            }
        } else {
            for (index, branch) in &view.branches {
                let branch_ptr = join(ptr, &[view.branch_keyword, &index.to_string()]);
                tys.push(self.lower_schema(
                    branch,
                    &branch_ptr,
                    &format!("{hint}Variant{index}"),
                    None,
                ));
            }
        }
        // In document order: `finish` ranks them (or tags the union) once every branch's type
        // exists.
        let mut names = Scope::new();
        let variants = tys
            .into_iter()
            .map(|ty| UnionVariant {
                rust_name: names.claim_camel(&self.variant_name(&ty)),
                ty,
                boxing: Boxing::Inline,
            })
            .collect();
        self.fill(
            id,
            TypeKind::Union(Union {
                variants,
                // Decided in `finish`, once every variant's type is known.
                display: crate::ir::UnionDisplay::None,
            }),
            view.obj,
        );
        TypeRef::Named(id)
    }

    /// `oneOf`/`anyOf` of `$ref`s with a `discriminator`: an enum chosen by the tag's value,
    /// which `mapping` gives or, for a branch it does not name, the schema's name. `None`
    /// (after a warning) when the union cannot be tagged; it is then untagged.
    pub(super) fn lower_tagged(
        &mut self,
        view: &View<'_>,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> Option<TypeRef> {
        let discriminator = view.obj.get("discriminator")?;
        let disc_ptr = join(ptr, &["discriminator"]);
        let Some(tag) = discriminator.get("propertyName").and_then(Value::as_str) else {
            self.diags.warning(
                join(&disc_ptr, &["propertyName"]),
                "a `discriminator` needs a string `propertyName`; the union is untagged",
            );
            return None;
        };
        let mut branches: Vec<(String, &Value, String)> = Vec::new();
        for (index, branch) in &view.branches {
            let branch_ptr = join(ptr, &[view.branch_keyword, &index.to_string()]);
            match branch.get("$ref").and_then(Value::as_str) {
                Some(reference) => branches.push((reference.to_owned(), *branch, branch_ptr)),
                None => {
                    self.diags.warning(
                        branch_ptr,
                        "a branch of a union with a `discriminator` must be a `$ref`; the union is untagged",
                    );
                    return None;
                }
            }
        }
        // (tag value, the schema, where it is written)
        let mut entries: Vec<(String, Value, String)> = Vec::new();
        if let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) {
            for (value, target) in mapping {
                let entry_ptr = join(&disc_ptr, &["mapping", value]);
                let Some(target) = target.as_str() else {
                    self.diags.warning(
                        entry_ptr,
                        "a `mapping` value must be a string; it is ignored",
                    );
                    continue;
                };
                // A bare name is a schema under `components/schemas`.
                let reference = if target.starts_with('#') || target.contains('/') {
                    target.to_owned()
                } else {
                    format!("#/components/schemas/{target}")
                };
                match branches.iter().find(|(r, _, _)| *r == reference) {
                    Some((_, branch, branch_ptr)) => {
                        entries.push((value.clone(), (*branch).clone(), branch_ptr.clone()))
                    }
                    None => entries.push((
                        value.clone(),
                        serde_json::json!({ "$ref": reference }),
                        entry_ptr,
                    )),
                }
            }
        }
        for (reference, branch, branch_ptr) in &branches {
            let named = entries.iter().any(|(_, schema, _)| {
                schema.get("$ref").and_then(Value::as_str) == Some(reference.as_str())
            });
            let value = reference.rsplit('/').next().unwrap_or_default().to_owned();
            if !named && !entries.iter().any(|(v, _, _)| *v == value) {
                entries.push((value, (*branch).clone(), branch_ptr.clone()));
            }
        }
        let default_ref = self.default_mapping(discriminator, &disc_ptr);
        let id = self.slot_for(ptr, hint, slot);
        let mut names = Scope::new();
        let mut variants = Vec::new();
        let mut default = None;
        for (value, schema, entry_ptr) in entries {
            let reference = schema.get("$ref").and_then(Value::as_str);
            if default.is_none() && reference.is_some() && reference == default_ref.as_deref() {
                default = Some(variants.len());
            }
            let ty = self.lower_schema(&schema, &entry_ptr, &format!("{hint}Variant"), None);
            variants.push(TaggedVariant {
                rust_name: names.claim_camel(&naming::camel(&value, "Empty")),
                tag_values: vec![value],
                ty: ty.non_null().clone(),
                boxing: Boxing::Inline,
            });
        }
        // A default outside the branches is a variant of its own, with no tag value.
        if let (None, Some(reference)) = (default, &default_ref) {
            let schema = serde_json::json!({ "$ref": reference });
            let at = join(&disc_ptr, &["defaultMapping"]);
            let ty = self.lower_schema(&schema, &at, &format!("{hint}Default"), None);
            let name = reference.rsplit('/').next().unwrap_or_default();
            default = Some(variants.len());
            variants.push(TaggedVariant {
                rust_name: names.claim_camel(&naming::camel(name, "Default")),
                tag_values: Vec::new(),
                ty: ty.non_null().clone(),
                boxing: Boxing::Inline,
            });
        }
        let fallback = names.claim_camel("Unknown");
        self.fill(
            id,
            TypeKind::Tagged(Tagged {
                tag: tag.to_owned(),
                origin: TagOrigin::Discriminator,
                variants,
                default,
                fallback,
            }),
            view.obj,
        );
        Some(TypeRef::Named(id))
    }

    /// OpenAPI 3.2's `defaultMapping` of a discriminator, as a reference (a bare name is a
    /// schema under `components/schemas`). In an earlier version it is reported, not read.
    fn default_mapping(&mut self, discriminator: &Value, disc_ptr: &str) -> Option<String> {
        let value = discriminator.get("defaultMapping")?;
        let at = join(disc_ptr, &["defaultMapping"]);
        if !self.reads_3_2(&at, "`discriminator.defaultMapping`") {
            return None;
        }
        let Some(target) = value.as_str() else {
            self.diags
                .warning(at, "`defaultMapping` must be a string; it is ignored");
            return None;
        };
        Some(if target.starts_with('#') || target.contains('/') {
            target.to_owned()
        } else {
            format!("#/components/schemas/{target}")
        })
    }

    pub(super) fn variant_name(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.types[id.0].rust_name.clone(),
            TypeRef::Scalar(Scalar::String) => "String".into(),
            TypeRef::Scalar(Scalar::Bool) => "Boolean".into(),
            TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64) => {
                "Integer".into()
            }
            TypeRef::Scalar(Scalar::DateTime) => "DateTime".into(),
            TypeRef::Scalar(Scalar::Date) => "Date".into(),
            TypeRef::Scalar(Scalar::Base64) => "Bytes".into(),
            TypeRef::Scalar(Scalar::F32 | Scalar::F64) => "Number".into(),
            TypeRef::Scalar(Scalar::Uuid) => "Uuid".into(),
            TypeRef::Scalar(Scalar::Binary) => "File".into(),
            TypeRef::Array(inner) => format!("{}List", self.variant_name(inner)),
            TypeRef::Map(inner) => format!("{}Map", self.variant_name(inner)),
            TypeRef::Nullable(inner) => self.variant_name(inner),
            TypeRef::JsonObject => "Object".into(),
            TypeRef::Any => "Value".into(),
        }
    }
}
