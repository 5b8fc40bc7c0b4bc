//! Objects: `properties` (with `required`, `readOnly`/`writeOnly`, defaults and notes),
//! `additionalProperties`, and `allOf` merged into one struct.

use serde_json::{Map, Value};

use super::{View, is_null_schema, schema_docs};
use crate::diag::join;
use crate::ir::{
    Access, Additional, Boxing, Field, FieldDefault, Presence, Scalar, Struct, TypeId, TypeKind,
    TypeRef,
};
use crate::lower::Lowerer;
use crate::naming::{self, Scope};

/// Methods every generated struct has, or inherits from derived traits, which a setter must
/// not shadow.
/// Keywords that give a schema its shape; a part of an `allOf` with none of them only
/// annotates (a description, an example) or constrains (a `maxLength`) the others.
const SHAPING: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "additionalProperties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "const",
    "required",
];

fn annotates_only(part: &Value) -> bool {
    part.as_object()
        .is_some_and(|obj| !obj.keys().any(|k| SHAPING.contains(&k.as_str())))
}

pub(super) const STRUCT_METHODS: &[&str] = &[
    "new",
    "default",
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
    "serialize",
    "deserialize",
    "to_owned",
    "into",
    "from",
    "try_into",
    "try_from",
    "borrow",
    "borrow_mut",
    "type_id",
];

/// A property of an object schema: its name, its schema and the pointer to it.
type Property<'s> = (&'s str, &'s Value, String);

impl Lowerer<'_> {
    pub(super) fn lower_object(
        &mut self,
        view: &View<'_>,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        let has_properties = view.properties().is_some_and(|p| !p.is_empty());
        if has_properties {
            let sources = [(view.obj, ptr.to_owned())];
            return self.merged_struct(&sources, view.obj, ptr, hint, slot);
        }
        match view.obj.get("additionalProperties") {
            Some(Value::Object(schema)) if !schema.is_empty() => {
                let value = self.lower_schema(
                    &Value::Object(schema.clone()),
                    &join(ptr, &["additionalProperties"]),
                    &format!("{hint}Value"),
                    None,
                );
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        }
    }

    /// `allOf`: one part (often `$ref` plus a description) is that part, whatever it is; so is
    /// one part beside parts that only annotate (`[{$ref: X}, {description}, {example}]`), and
    /// parts that only annotate are any JSON value. Several parts that are objects merge into
    /// one struct.
    pub(super) fn lower_all_of(
        &mut self,
        view: &View<'_>,
        all_of: &Value,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        let all_of_ptr = join(ptr, &["allOf"]);
        let Some(parts) = all_of.as_array() else {
            self.diags
                .error(all_of_ptr, "`allOf` must be a list of schemas");
            return TypeRef::Any;
        };
        let own_properties = view.properties().is_some_and(|p| !p.is_empty());
        let shaping: Vec<usize> = (0..parts.len())
            .filter(|&i| !annotates_only(&parts[i]))
            .collect();
        if !own_properties && !view.obj.contains_key("required") {
            match shaping.as_slice() {
                [] => return TypeRef::Any,
                [single] => {
                    let part_ptr = join(&all_of_ptr, &[&single.to_string()]);
                    return self.lower_schema(&parts[*single], &part_ptr, hint, slot);
                }
                _ => {}
            }
        }
        // Gather the object schemas to merge, following references.
        let mut sources: Vec<(&Map<String, Value>, String)> = Vec::new();
        let mut pending: Vec<(&Value, String)> = parts
            .iter()
            .enumerate()
            .rev()
            .map(|(i, part)| (part, join(&all_of_ptr, &[&i.to_string()])))
            .collect();
        let mut seen = Vec::new();
        while let Some((part, part_ptr)) = pending.pop() {
            let Some(obj) = part.as_object() else {
                continue;
            };
            if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
                let Some((target_ptr, target)) =
                    self.resolve(reference, &join(&part_ptr, &["$ref"]))
                else {
                    continue;
                };
                if seen.contains(&target_ptr) {
                    continue;
                }
                seen.push(target_ptr.clone());
                pending.push((target, target_ptr));
                continue;
            }
            if let Some(nested) = obj.get("allOf").and_then(Value::as_array) {
                let nested_ptr = join(&part_ptr, &["allOf"]);
                for (i, inner) in nested.iter().enumerate().rev() {
                    pending.push((inner, join(&nested_ptr, &[&i.to_string()])));
                }
            }
            let part_view = View::new(obj);
            if !part_view.branches.is_empty() {
                self.diags.warning(
                    &part_ptr,
                    format!(
                        "`{}` inside `allOf` is not supported yet; its branches are not merged",
                        part_view.branch_keyword
                    ),
                );
            }
            if obj.contains_key("properties") || obj.contains_key("required") {
                sources.push((obj, part_ptr));
            }
        }
        if own_properties || view.obj.contains_key("required") {
            sources.push((view.obj, ptr.to_owned()));
        }
        if sources.is_empty() {
            // Several parts, none of them an object: there is nothing to merge into a struct.
            let first = shaping.first().copied().unwrap_or_default();
            self.diags.warning(
                &all_of_ptr,
                "`allOf` of several parts that are not objects is not merged; only the first is used",
            );
            let part_ptr = join(&all_of_ptr, &[&first.to_string()]);
            return match parts.get(first) {
                Some(part) => self.lower_schema(part, &part_ptr, hint, slot),
                None => TypeRef::Any,
            };
        }
        self.merged_struct(&sources, view.obj, ptr, hint, slot)
    }

    /// One struct from the properties of every source (a schema, or the parts of an
    /// `allOf`), with the additional properties they allow.
    pub(super) fn merged_struct(
        &mut self,
        sources: &[(&Map<String, Value>, String)],
        schema: &Map<String, Value>,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        let id = self.slot_for(ptr, hint, slot);
        let fields = self.lower_fields(sources, id);
        let additional = self.additional(sources, &fields, hint);
        self.fill(
            id,
            TypeKind::Struct(Struct {
                fields,
                additional,
                alternatives: None,
            }),
            schema,
        );
        TypeRef::Named(id)
    }

    /// `additionalProperties: true | <schema>` beside properties (the last source that says).
    pub(super) fn additional(
        &mut self,
        sources: &[(&Map<String, Value>, String)],
        fields: &[Field],
        hint: &str,
    ) -> Option<Additional> {
        let (schema, ptr) = sources.iter().rev().find_map(|(obj, ptr)| {
            obj.get("additionalProperties")
                .map(|s| (s, join(ptr, &["additionalProperties"])))
        })?;
        let ty = match schema {
            Value::Bool(false) => return None,
            Value::Bool(true) => TypeRef::Any,
            Value::Object(obj) if obj.is_empty() => TypeRef::Any,
            other => self.lower_schema(other, &ptr, &format!("{hint}Value"), None),
        };
        let mut rust_name = "additional_properties".to_owned();
        let mut n = 1;
        while fields.iter().any(|f| f.rust_name == rust_name) {
            n += 1;
            rust_name = format!("additional_properties_{n}");
        }
        Some(Additional { rust_name, ty })
    }

    /// Fields from one or more object schemas (several for `allOf`); a property defined again
    /// by a later schema replaces the earlier one.
    pub(super) fn lower_fields(
        &mut self,
        sources: &[(&Map<String, Value>, String)],
        owner: TypeId,
    ) -> Vec<Field> {
        let owner_name = self.types[owner.0].rust_name.clone();
        let (required, properties) = self.properties_of(sources);
        let mut field_names = Scope::new();
        let mut setters = Scope::with_reserved(STRUCT_METHODS);
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, schema, prop_ptr) in properties {
            // The code's name: the document's client name for it, else the wire name.
            let name = super::super::client_name(schema).unwrap_or(wire_name);
            let rust_name = field_names.claim_snake(&naming::snake(name, "field"));
            let hint = format!("{owner_name}{}", naming::camel(name, "Field"));
            let ty = self.lower_schema(schema, &prop_ptr, &hint, None);
            let flag = |key: &str| access_flag(self.root, schema, key);
            let access = match (flag("readOnly"), flag("writeOnly")) {
                (true, false) => Access::ReadOnly,
                (false, true) => Access::WriteOnly,
                _ => Access::ReadWrite,
            };
            // What `required` says; `finish` shapes read-only and write-only fields by the
            // way their type travels (and may make them optional, so they get a setter).
            let presence = if required.contains(&wire_name) {
                Presence::Required
            } else {
                Presence::Optional
            };
            let setter = match (presence, access) {
                (Presence::Required, Access::ReadWrite) => None,
                _ => {
                    // `.with_default(..)` reads better than `.default_2(..)`.
                    let plain = naming::unraw(&rust_name);
                    let base = if STRUCT_METHODS.contains(&plain) {
                        format!("with_{plain}")
                    } else {
                        rust_name.clone()
                    };
                    Some(setters.claim_snake(&base))
                }
            };
            let obj = schema.as_object();
            let mut docs = obj.map(|o| schema_docs(o, wire_name)).unwrap_or_default();
            if let Some(obj) = obj {
                docs.notes = self.field_notes(obj, presence == Presence::Optional);
            }
            match (access, presence) {
                (Access::ReadOnly, _) => docs
                    .notes
                    .push("Read-only: set by the server, never part of a request.".to_owned()),
                (Access::WriteOnly, Presence::Required) => docs
                    .notes
                    .push("Write-only: required in requests, absent from responses.".to_owned()),
                (Access::WriteOnly, Presence::Optional) => docs
                    .notes
                    .push("Write-only: absent from responses.".to_owned()),
                (Access::ReadWrite, _) => {}
            }
            let default = match (obj.and_then(|o| o.get("default")), setter.is_some()) {
                (Some(value), true) => {
                    self.field_default(value, &ty, &owner_name, &rust_name, &prop_ptr)
                }
                _ => None,
            };
            let constraints = self.constraints(schema, &prop_ptr, &ty);
            fields.push(Field {
                access,
                constraints,
                rust_name,
                wire_name: wire_name.to_owned(),
                setter,
                docs,
                ty,
                presence,
                boxing: Boxing::Inline,
                default,
            });
        }
        for name in required {
            if !fields.iter().any(|f| f.wire_name == name) {
                // Listed as required but never described: nothing to generate for it.
                let ptr = sources
                    .last()
                    .map(|(_, p)| join(p, &["required"]))
                    .unwrap_or_default();
                self.diags.warning(
                    ptr,
                    format!(
                        "`{name}` is required but has no schema in `properties`; it is ignored"
                    ),
                );
            }
        }
        fields
    }

    /// The `required` names and the properties (name, schema, pointer) of `sources`, in
    /// order; a property defined again by a later source replaces the earlier one.
    fn properties_of<'s>(
        &mut self,
        sources: &[(&'s Map<String, Value>, String)],
    ) -> (Vec<&'s str>, Vec<Property<'s>>) {
        let mut required: Vec<&str> = Vec::new();
        let mut properties: Vec<Property<'s>> = Vec::new();
        for (obj, ptr) in sources {
            if let Some(list) = obj.get("required").and_then(Value::as_array) {
                let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                for (index, name) in names.iter().enumerate() {
                    if names[..index].contains(name) {
                        self.diags.warning(
                            join(ptr, &["required", &index.to_string()]),
                            format!("`{name}` is listed twice in `required`; once is enough"),
                        );
                    }
                }
                required.extend(names);
            }
            if let Some(props) = obj.get("properties").and_then(Value::as_object) {
                for (name, schema) in props {
                    let prop_ptr = join(ptr, &["properties", name]);
                    match properties
                        .iter_mut()
                        .find(|(existing, _, _)| *existing == name)
                    {
                        Some(slot) => *slot = (name.as_str(), schema, prop_ptr),
                        None => properties.push((name.as_str(), schema, prop_ptr)),
                    }
                }
            }
        }
        (required, properties)
    }

    /// One-line facts about a field that its Rust type does not say.
    ///
    /// `with_default`: whether a default can apply (to an optional field; a required one
    /// is always sent and received).
    pub(super) fn field_notes(&self, obj: &Map<String, Value>, with_default: bool) -> Vec<String> {
        let mut notes = Vec::new();
        let mut collect = |obj: &Map<String, Value>| {
            if let Some(format) = obj.get("format").and_then(Value::as_str) {
                if !matches!(
                    format,
                    "uuid"
                        | "binary"
                        | "int32"
                        | "int64"
                        | "float"
                        | "double"
                        | "date-time"
                        | "date"
                        | "byte"
                ) {
                    notes.push(format!("Format: `{format}`."));
                }
            }
            if let Some(n) = obj.get("maxLength") {
                notes.push(format!("Maximum length: {n}."));
            }
            if let Some(n) = obj.get("minLength") {
                notes.push(format!("Minimum length: {n}."));
            }
            if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
                notes.push(format!("Pattern: `{p}`."));
            }
            if let Some(n) = obj.get("minimum") {
                notes.push(format!("Minimum: {n}."));
            }
            if let Some(n) = obj.get("maximum") {
                notes.push(format!("Maximum: {n}."));
            }
        };
        collect(obj);
        // Constraints of a nullable field sit inside its non-null branch.
        for keyword in ["anyOf", "oneOf"] {
            if let Some(branches) = obj.get(keyword).and_then(Value::as_array) {
                let non_null: Vec<&Map<String, Value>> = branches
                    .iter()
                    .filter(|b| !is_null_schema(b))
                    .filter_map(Value::as_object)
                    .collect();
                if let [single] = non_null.as_slice() {
                    collect(single);
                }
            }
        }
        if let Some(default) = obj.get("default").filter(|_| with_default) {
            notes.push(format!("Defaults to `{default}`."));
        }
        notes
    }

    /// A default the generated code can apply when decoding: a scalar matching the type.
    pub(super) fn field_default(
        &mut self,
        value: &Value,
        ty: &TypeRef,
        owner: &str,
        field: &str,
        ptr: &str,
    ) -> Option<FieldDefault> {
        let fits = match (ty.non_null(), value) {
            (TypeRef::Scalar(Scalar::Bool), Value::Bool(_)) => true,
            (TypeRef::Scalar(Scalar::String), Value::String(_)) => true,
            (TypeRef::Scalar(Scalar::I32), Value::Number(n)) => {
                n.as_i64().is_some_and(|v| i32::try_from(v).is_ok())
            }
            (TypeRef::Scalar(Scalar::I64), Value::Number(n)) => n.is_i64(),
            (TypeRef::Scalar(Scalar::U32), Value::Number(n)) => {
                n.as_u64().is_some_and(|v| u32::try_from(v).is_ok())
            }
            (TypeRef::Scalar(Scalar::U64), Value::Number(n)) => n.is_u64(),
            (TypeRef::Scalar(Scalar::DateTime | Scalar::Date), Value::String(_)) => true,
            (TypeRef::Scalar(Scalar::F32 | Scalar::F64), Value::Number(n)) => {
                n.as_f64().is_some_and(f64::is_finite)
            }
            (_, Value::Null) => return None,
            (TypeRef::Scalar(_), _) => {
                self.diags.warning(
                    join(ptr, &["default"]),
                    format!(
                        "the default `{value}` does not match the field's type; it is not applied"
                    ),
                );
                return None;
            }
            // Enums, lists, objects: decoded from the JSON text of the default when the key is
            // absent (a default that does not decode leaves the field unset).
            _ => true,
        };
        fits.then(|| FieldDefault {
            value: value.clone(),
            function: self.default_fns.claim_snake(&naming::snake(
                &format!("{owner}_{}", naming::unraw(field)),
                "default",
            )),
        })
    }
}

/// `readOnly` or `writeOnly` of a property: said beside it, or on the schema its local
/// `$ref`s lead to (a component such as `alert-number: {type: integer, readOnly: true}`). A
/// flag written beside the `$ref` wins; references that lead nowhere are reported where the
/// schema is lowered, not here.
fn access_flag(root: &Value, schema: &Value, key: &str) -> bool {
    let mut schema = schema;
    for _ in 0..16 {
        if let Some(flag) = schema.get(key).and_then(Value::as_bool) {
            return flag;
        }
        let Some(fragment) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
        else {
            return false;
        };
        match root.pointer(&crate::bundle::percent_decode(fragment)) {
            Some(target) => schema = target,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostics;
    use crate::ir::{Api, TypeKind};

    fn lower(text: &str) -> Api {
        let mut diags = Diagnostics::default();
        let doc = crate::load::load(text.as_bytes(), &mut diags).expect("loads");
        let (api, _) = crate::lower::lower_explained(&doc, &mut diags, false);
        api.expect("lowers")
    }

    #[test]
    fn only_an_optional_field_says_what_it_defaults_to() {
        let api = lower(
            r#"
openapi: 3.1.0
info: { title: t, version: '1' }
paths: {}
components:
  schemas:
    Page:
      type: object
      required: [size]
      properties:
        size: { type: integer, default: 10 }
        order: { type: string, default: asc }
"#,
        );
        let page = api.types.iter().find(|t| t.rust_name == "Page").unwrap();
        let TypeKind::Struct(s) = &page.kind else {
            panic!("{page:?}")
        };
        let notes = |name: &str| {
            let field = s.fields.iter().find(|f| f.wire_name == name).unwrap();
            field.docs.notes.clone()
        };
        assert!(
            !notes("size").iter().any(|n| n.starts_with("Defaults to")),
            "{:?}",
            notes("size")
        );
        assert!(
            notes("order").contains(&"Defaults to `\"asc\"`.".to_owned()),
            "{:?}",
            notes("order")
        );
        // The setter and the decoding default follow the same rule.
        let order = s.fields.iter().find(|f| f.wire_name == "order").unwrap();
        assert!(order.default.is_some());
        let size = s.fields.iter().find(|f| f.wire_name == "size").unwrap();
        assert!(size.default.is_none() && size.setter.is_none());
    }
}
