//! String and integer enums (`enum`, `const`), and unions of one-value string branches read
//! as one documented enum.

use serde_json::Value;

use super::View;
use crate::ir::{Docs, Enum, EnumRepr, EnumVariant, TypeId, TypeKind, TypeRef};
use crate::lower::Lowerer;
use crate::naming::{self, Scope};

/// `oneOf: [{type: string, enum: [a], description: ..}, {const: b}, ...]`: every branch a
/// string enum (or `const`) with nothing else to it. Such a union is one enum whose values
/// are documented one by one; returns each value with its branch's description.
pub(super) fn enum_branches<'a>(
    branches: &[(usize, &'a Value)],
) -> Option<Vec<(&'a str, Option<&'a str>)>> {
    let mut values = Vec::new();
    for (_, branch) in branches {
        let obj = branch.as_object()?;
        let allowed = ["type", "enum", "const", "description", "title"];
        if obj.keys().any(|k| !allowed.contains(&k.as_str())) {
            return None;
        }
        if obj.get("type").is_some_and(|t| t != "string") {
            return None;
        }
        let description = obj.get("description").and_then(Value::as_str);
        let branch_values: Vec<&str> = match (obj.get("enum"), obj.get("const")) {
            (Some(Value::Array(list)), None) => {
                list.iter().map(Value::as_str).collect::<Option<_>>()?
            }
            (None, Some(Value::String(value))) => vec![value.as_str()],
            _ => return None,
        };
        let single = branch_values.len() == 1;
        values.extend(
            branch_values
                .into_iter()
                .map(|v| (v, description.filter(|_| single))),
        );
    }
    (!values.is_empty()).then_some(values)
}

impl Lowerer<'_> {
    /// One enum from several branches of string values, each value keeping its description.
    pub(super) fn lower_documented_enum(
        &mut self,
        view: &View<'_>,
        values: &[(&str, Option<&str>)],
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        self.lower_enum_values(view, values, ptr, hint, slot, EnumRepr::String)
    }

    pub(super) fn lower_enum_values(
        &mut self,
        view: &View<'_>,
        values: &[(&str, Option<&str>)],
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
        repr: EnumRepr,
    ) -> TypeRef {
        let id = self.slot_for(ptr, hint, slot);
        let mut names = Scope::new();
        let mut variants: Vec<EnumVariant> = Vec::new();
        // `x-enum-varnames` (or `x-enumNames`) names the variants when it names them all.
        let given: Option<Vec<&str>> = ["x-enum-varnames", "x-enumNames"]
            .iter()
            .find_map(|key| view.obj.get(*key).and_then(Value::as_array))
            .and_then(|names| names.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .filter(|names| names.len() == values.len());
        for (index, (value, description)) in values.iter().enumerate() {
            if variants.iter().any(|v| v.wire_value == *value) {
                continue;
            }
            let base = match (&given, repr) {
                (Some(names), _) => naming::camel(names[index], "Empty"),
                (None, EnumRepr::String) => naming::camel(value, "Empty"),
                (None, EnumRepr::Integer) => match value.strip_prefix('-') {
                    Some(magnitude) => format!("Minus{magnitude}"),
                    None => format!("Value{value}"),
                },
            };
            variants.push(EnumVariant {
                rust_name: names.claim_camel(&base),
                wire_value: (*value).to_owned(),
                docs: Docs {
                    description: description.map(str::to_owned),
                    ..Docs::default()
                },
            });
        }
        let fallback = names.claim_camel("Unknown");
        self.fill(
            id,
            TypeKind::Enum(Enum {
                repr,
                variants,
                fallback,
            }),
            view.obj,
        );
        TypeRef::Named(id)
    }

    pub(super) fn lower_enum(
        &mut self,
        view: &View<'_>,
        values: &[&Value],
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
        repr: EnumRepr,
    ) -> TypeRef {
        let texts: Vec<String> = values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        let values: Vec<(&str, Option<&str>)> = texts.iter().map(|v| (v.as_str(), None)).collect();
        self.lower_enum_values(view, &values, ptr, hint, slot, repr)
    }
}
