//! Schemas → types. Handles 3.0 and 3.1 spellings alike: `nullable: true`, `type: [T, 'null']`,
//! `anyOf`/`oneOf` with a `{type: 'null'}` branch and `enum` with `null` all become
//! `TypeRef::Nullable`; `$ref` targets under `#/components/schemas` have ids reserved before
//! any schema is converted, so references (and cycles) resolve to them.

use serde_json::{Map, Value};

use super::{Lowerer, Slot};
use crate::diag::join;
use crate::ir::{
    Access, Additional, Boxing, Constraint, Deprecation, Docs, Enum, EnumRepr, EnumVariant, Field,
    FieldDefault, Presence, RequiredAlternatives, Scalar, Struct, Tagged, TaggedVariant, TypeId,
    TypeKind, TypeRef, Union, UnionVariant,
};
use crate::load::describe;
use crate::naming::{self, Scope};

/// Methods every generated struct has, or inherits from derived traits, which a setter must
/// not shadow.
const STRUCT_METHODS: &[&str] = &[
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

/// The keywords of one schema, read once. `nullable` gathers every way of saying "may be null".
struct View<'a> {
    obj: &'a Map<String, Value>,
    /// `type`, without `"null"`.
    types: Vec<&'a str>,
    nullable: bool,
    /// `oneOf` or `anyOf` branches other than `{type: 'null'}`, with their position.
    branches: Vec<(usize, &'a Value)>,
    branch_keyword: &'static str,
    /// `enum` values other than `null`.
    enum_values: Option<Vec<&'a Value>>,
}

impl<'a> View<'a> {
    fn new(obj: &'a Map<String, Value>) -> Self {
        let mut nullable = obj
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut types = Vec::new();
        match obj.get("type") {
            Some(Value::String(t)) if t == "null" => nullable = true,
            Some(Value::String(t)) => types.push(t.as_str()),
            Some(Value::Array(list)) => {
                for t in list.iter().filter_map(Value::as_str) {
                    if t == "null" {
                        nullable = true;
                    } else if !types.contains(&t) {
                        types.push(t);
                    }
                }
            }
            _ => {}
        }
        let (branch_keyword, list) = match (obj.get("oneOf"), obj.get("anyOf")) {
            (Some(Value::Array(list)), _) => ("oneOf", Some(list)),
            (_, Some(Value::Array(list))) => ("anyOf", Some(list)),
            _ => ("anyOf", None),
        };
        let mut branches = Vec::new();
        for (index, branch) in list.into_iter().flatten().enumerate() {
            if is_null_schema(branch) {
                nullable = true;
            } else {
                branches.push((index, branch));
            }
        }
        let enum_values = match (obj.get("enum").and_then(Value::as_array), obj.get("const")) {
            (Some(values), _) => {
                let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
                if non_null.len() < values.len() {
                    nullable = true;
                }
                Some(non_null)
            }
            // `const: x` is a one-value enum.
            (None, Some(Value::Null)) => {
                nullable = true;
                None
            }
            (None, Some(value)) => Some(vec![value]),
            (None, None) => None,
        };
        View {
            obj,
            types,
            nullable,
            branches,
            branch_keyword,
            enum_values,
        }
    }

    fn str(&self, key: &str) -> Option<&'a str> {
        self.obj.get(key).and_then(Value::as_str)
    }

    fn properties(&self) -> Option<&'a Map<String, Value>> {
        self.obj.get("properties").and_then(Value::as_object)
    }

    fn has_properties(&self) -> bool {
        self.properties().is_some_and(|p| !p.is_empty())
    }

    fn is_object_like(&self) -> bool {
        self.types == ["object"]
            || (self.types.is_empty()
                && (self.obj.contains_key("properties")
                    || self.obj.contains_key("additionalProperties")))
    }
}

/// `{type: 'null'}` (or `{enum: [null]}`), possibly with a title or description.
fn is_null_schema(schema: &Value) -> bool {
    match schema.as_object() {
        Some(obj) => {
            obj.get("type").and_then(Value::as_str) == Some("null")
                || obj
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|v| v.len() == 1 && v[0].is_null())
        }
        None => false,
    }
}

/// `oneOf: [{type: string, enum: [a], description: ..}, {const: b}, ...]`: every branch a
/// string enum (or `const`) with nothing else to it. Such a union is one enum whose values
/// are documented one by one; returns each value with its branch's description.
fn enum_branches<'a>(branches: &[(usize, &'a Value)]) -> Option<Vec<(&'a str, Option<&'a str>)>> {
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

/// `int32` / `int64`, unsigned when `minimum` rules out negative values.
fn integer_scalar(view: &View<'_>) -> Scalar {
    let unsigned = view
        .obj
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|min| min >= 0.0);
    match (view.str("format"), unsigned) {
        (Some("int32"), false) => Scalar::I32,
        (Some("int32"), true) => Scalar::U32,
        (_, false) => Scalar::I64,
        (_, true) => Scalar::U64,
    }
}

/// `oneOf: [{required: [a]}, {required: [b]}]` beside `properties`: branches that only say
/// which properties must be present. Returns each branch's names.
fn required_sets(branches: &[(usize, &Value)]) -> Option<Vec<Vec<String>>> {
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

/// Whether a title adds anything to a name: FastAPI titles are usually the name re-cased.
fn title_is_redundant(title: &str, name: &str) -> bool {
    let squash = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    squash(title) == squash(name)
}

/// Docs from a schema's `title`, `description` and `deprecated`.
pub(super) fn schema_docs(obj: &Map<String, Value>, name: &str) -> Docs {
    let title = obj
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| !title_is_redundant(t, name))
        .map(str::to_owned);
    let description = obj
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Docs {
        summary: title,
        description,
        notes: Vec::new(),
        deprecated: deprecation(obj),
    }
}

fn deprecation(obj: &Map<String, Value>) -> Deprecation {
    if obj.get("deprecated").and_then(Value::as_bool) == Some(true) {
        Deprecation::Deprecated
    } else {
        Deprecation::Current
    }
}

impl Lowerer<'_> {
    /// Whether the schema at `pointer` (a component) is nullable at its top level, so that
    /// every `$ref` to it is.
    pub(super) fn component_nullable(schema: &Value) -> bool {
        schema
            .as_object()
            .is_some_and(|obj| View::new(obj).nullable)
    }

    /// Converts the schema at `ptr` into a type reference. Shapes that need a named Rust type
    /// (objects with properties, enums, unions, `allOf` merges) become a new type named from
    /// `hint`, or fill `slot` when one is given (a component's reserved id).
    pub(super) fn lower_schema(
        &mut self,
        schema: &Value,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        // Inline schemas inside a component are named from it (`PetVariant1`, `ListItem`).
        let component_name;
        let hint = match slot {
            Some(id) if hint.is_empty() => {
                component_name = self.types[id.0].rust_name.clone();
                component_name.as_str()
            }
            _ => hint,
        };
        let ty = self.lower_schema_inner(schema, ptr, hint, slot);
        self.record_examples(schema, ptr, &ty);
        match slot {
            // A component that is not itself a struct, enum or union becomes an alias.
            Some(id) if self.types[id.0].def.is_none() => {
                let target = match &ty {
                    TypeRef::Nullable(inner) if self.types[id.0].nullable => (**inner).clone(),
                    other => other.clone(),
                };
                let empty = Map::new();
                self.fill(
                    id,
                    TypeKind::Alias(target),
                    schema.as_object().unwrap_or(&empty),
                );
                TypeRef::Named(id)
            }
            _ => ty,
        }
    }

    /// Keeps the examples of a schema, and of the parameter, header or media type whose
    /// `schema` it is, with the type they should decode into.
    fn record_examples(&mut self, schema: &Value, ptr: &str, ty: &TypeRef) {
        let mut places: Vec<(&Map<String, Value>, String)> = Vec::new();
        if let Some(obj) = schema.as_object() {
            places.push((obj, ptr.to_owned()));
        }
        if let Some(parent_ptr) = ptr.strip_suffix("/schema") {
            let parent = parent_ptr
                .strip_prefix('#')
                .and_then(|p| self.root.pointer(p))
                .and_then(Value::as_object);
            if let Some(parent) = parent {
                places.push((parent, parent_ptr.to_owned()));
            }
        }
        for (obj, at) in places {
            let mut values: Vec<(String, &Value)> = Vec::new();
            if let Some(value) = obj.get("example") {
                values.push((join(&at, &["example"]), value));
            }
            match obj.get("examples") {
                // A schema's 3.1 `examples`: a list of values.
                Some(Value::Array(list)) => values.extend(
                    list.iter()
                        .enumerate()
                        .map(|(i, v)| (join(&at, &["examples", &i.to_string()]), v)),
                ),
                // A media type's or parameter's named Example Objects (or `$ref`s to them).
                Some(Value::Object(named)) => {
                    for (name, example) in named {
                        let mut example = example;
                        let mut value_ptr = join(&at, &["examples", name, "value"]);
                        if let Some(target) = example.get("$ref").and_then(Value::as_str) {
                            match target.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                                Some(found) => {
                                    example = found;
                                    value_ptr = format!("{target}/value");
                                }
                                None => continue,
                            }
                        }
                        if let Some(value) = example.get("value") {
                            values.push((value_ptr, value));
                        }
                    }
                }
                _ => {}
            }
            for (pointer, value) in values {
                self.examples.insert(
                    pointer.clone(),
                    crate::ir::Example {
                        pointer,
                        value: value.clone(),
                        ty: ty.clone(),
                    },
                );
            }
        }
    }

    fn lower_schema_inner(
        &mut self,
        schema: &Value,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        let obj = match schema {
            Value::Object(obj) => obj,
            // 3.1 boolean schemas: `true` accepts anything.
            Value::Bool(true) => return TypeRef::Any,
            Value::Bool(false) => {
                self.diags.warning(
                    ptr,
                    "the schema `false` accepts no value; it is treated as any JSON value",
                );
                return TypeRef::Any;
            }
            other => {
                self.diags.error(
                    ptr,
                    format!("a schema must be an object, found {}", describe(other)),
                );
                return TypeRef::Any;
            }
        };

        if let Some(reference) = obj.get("$ref") {
            return self.lower_ref(reference, ptr, hint);
        }
        // The same schema reached twice (inline, and through a `$ref` into it) is one type.
        if slot.is_none() {
            if let Some(&id) = self.by_pointer.get(ptr) {
                return self.named(id);
            }
        }

        let view = View::new(obj);
        let ty = self.lower_view(&view, ptr, hint, slot);
        // Any JSON value already includes `null`.
        if view.nullable && !matches!(ty, TypeRef::Nullable(_) | TypeRef::Any) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    fn lower_ref(&mut self, reference: &Value, ptr: &str, hint: &str) -> TypeRef {
        let ref_ptr = join(ptr, &["$ref"]);
        let Some(target) = reference.as_str() else {
            self.diags.error(ref_ptr, "`$ref` must be a string");
            return TypeRef::Any;
        };
        let Some((target_ptr, target_schema)) = self.resolve(target, &ref_ptr) else {
            return TypeRef::Any;
        };
        if let Some(&id) = self.by_pointer.get(&target_ptr) {
            return self.named(id);
        }
        if self.ref_stack.contains(&target_ptr) {
            self.diags.error(
                &ref_ptr,
                format!("`{target}` is part of a cycle of references with no schema in it"),
            );
            return TypeRef::Any;
        }
        self.ref_stack.push(target_ptr.clone());
        let last = target_ptr.rsplit('/').next().unwrap_or(hint).to_owned();
        let hint = naming::camel(&last, hint);
        let ty = self.lower_schema(target_schema, &target_ptr, &hint, None);
        self.ref_stack.pop();
        ty
    }

    /// A reference to a reserved type, nullable when the type's schema is.
    pub(super) fn named(&self, id: TypeId) -> TypeRef {
        if self.types[id.0].nullable {
            TypeRef::Nullable(Box::new(TypeRef::Named(id)))
        } else {
            TypeRef::Named(id)
        }
    }

    fn lower_view(
        &mut self,
        view: &View<'_>,
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        if let Some(all_of) = view.obj.get("allOf") {
            return self.lower_all_of(view, all_of, ptr, hint, slot);
        }
        match view.branches.len() {
            0 if view.obj.contains_key("oneOf") || view.obj.contains_key("anyOf") => {
                return TypeRef::Any;
            }
            0 => {}
            // `type: object` with branches but no properties of its own is just the union.
            1 if !view.has_properties() => {
                let (index, branch) = view.branches[0];
                let branch_ptr = join(ptr, &[view.branch_keyword, &index.to_string()]);
                return self.lower_schema(branch, &branch_ptr, hint, slot);
            }
            _ if !view.has_properties() => {
                if let Some(values) = enum_branches(&view.branches) {
                    return self.lower_documented_enum(view, &values, ptr, hint, slot);
                }
                if let Some(tagged) = self.lower_tagged(view, ptr, hint, slot) {
                    return tagged;
                }
                return self.lower_union(view, ptr, hint, slot);
            }
            _ => {
                if let Some(sets) = required_sets(&view.branches) {
                    if view.obj.contains_key("not") {
                        self.diags
                            .warning(join(ptr, &["not"]), "`not` is not supported; it is ignored");
                    }
                    let ty = self.lower_object(view, ptr, hint, slot);
                    if let TypeRef::Named(id) = ty {
                        if let Some(TypeKind::Struct(s)) =
                            self.types[id.0].def.as_mut().map(|d| &mut d.kind)
                        {
                            s.alternatives = Some(RequiredAlternatives {
                                exactly_one: view.branch_keyword == "oneOf",
                                sets,
                            });
                        }
                    }
                    return ty;
                }
                self.diags.warning(
                    join(ptr, &[view.branch_keyword]),
                    format!("`{}` beside `properties` is not supported yet; only the properties are used", view.branch_keyword),
                );
            }
        }
        if view.obj.contains_key("not") {
            self.diags
                .warning(join(ptr, &["not"]), "`not` is not supported; it is ignored");
        }
        if let Some(values) = &view.enum_values {
            let base = view.types.first().copied();
            if !values.is_empty()
                && values.iter().all(|v| v.is_string())
                && matches!(base, None | Some("string"))
            {
                return self.lower_enum(view, values, ptr, hint, slot, EnumRepr::String);
            }
            if !values.is_empty()
                && values.iter().all(|v| v.is_i64())
                && matches!(base, None | Some("integer" | "number"))
            {
                return self.lower_enum(view, values, ptr, hint, slot, EnumRepr::Integer);
            }
            if !values.is_empty() && !values.iter().all(|v| v.is_boolean()) {
                self.diags.warning(
                    join(ptr, &[if view.obj.contains_key("enum") { "enum" } else { "const" }]),
                    "only enums of strings or of integers become Rust enums; this one is kept as its base type",
                );
            }
        }
        if view.types.len() > 1 {
            return self.lower_union(view, ptr, hint, slot);
        }
        match view.types.first().copied() {
            Some("string") => TypeRef::Scalar(self.string_scalar(view)),
            Some("integer") => TypeRef::Scalar(integer_scalar(view)),
            Some("number") => TypeRef::Scalar(match view.str("format") {
                Some("float") => Scalar::F32,
                _ => Scalar::F64,
            }),
            Some("boolean") => TypeRef::Scalar(Scalar::Bool),
            Some("array") => self.lower_items(view, ptr, hint),
            Some("object") => self.lower_object(view, ptr, hint, slot),
            Some(other) => {
                self.diags
                    .error(join(ptr, &["type"]), format!("unknown type `{other}`"));
                TypeRef::Any
            }
            None if view.obj.contains_key("items") => self.lower_items(view, ptr, hint),
            None if view.is_object_like() => self.lower_object(view, ptr, hint, slot),
            None => match view.obj.get("const") {
                Some(Value::String(_)) => TypeRef::Scalar(Scalar::String),
                Some(Value::Bool(_)) => TypeRef::Scalar(Scalar::Bool),
                Some(Value::Number(n)) if n.is_f64() => TypeRef::Scalar(Scalar::F64),
                Some(Value::Number(_)) => TypeRef::Scalar(Scalar::I64),
                _ => TypeRef::Any,
            },
        }
    }

    fn string_scalar(&self, view: &View<'_>) -> Scalar {
        match view.str("format") {
            Some("uuid") => Scalar::Uuid,
            Some("binary") => Scalar::Binary,
            Some("date-time") => Scalar::DateTime,
            Some("date") => Scalar::Date,
            Some("byte") => Scalar::Base64,
            _ => Scalar::String,
        }
    }

    fn lower_items(&mut self, view: &View<'_>, ptr: &str, hint: &str) -> TypeRef {
        let item = match view.obj.get("items") {
            Some(items) => {
                self.lower_schema(items, &join(ptr, &["items"]), &format!("{hint}Item"), None)
            }
            None => TypeRef::Any,
        };
        TypeRef::Array(Box::new(item))
    }

    fn lower_object(
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

    /// `allOf`: one part (often `$ref` plus a description) is that part; several parts that
    /// are objects merge into one struct.
    fn lower_all_of(
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
        if parts.len() == 1 && !own_properties {
            return self.lower_schema(&parts[0], &join(&all_of_ptr, &["0"]), hint, slot);
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
            return TypeRef::JsonObject;
        }
        self.merged_struct(&sources, view.obj, ptr, hint, slot)
    }

    /// One struct from the properties of every source (a schema, or the parts of an
    /// `allOf`), with the additional properties they allow.
    fn merged_struct(
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
    fn additional(
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
    fn lower_fields(
        &mut self,
        sources: &[(&Map<String, Value>, String)],
        owner: TypeId,
    ) -> Vec<Field> {
        let owner_name = self.types[owner.0].rust_name.clone();
        let mut required: Vec<&str> = Vec::new();
        let mut properties: Vec<(&str, &Value, String)> = Vec::new();
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

        let mut field_names = Scope::new();
        let mut setters = Scope::with_reserved(STRUCT_METHODS);
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, schema, prop_ptr) in properties {
            let rust_name = field_names.claim_snake(&naming::snake(wire_name, "field"));
            let hint = format!("{owner_name}{}", naming::camel(wire_name, "Field"));
            let ty = self.lower_schema(schema, &prop_ptr, &hint, None);
            let flag = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
            let access = match (flag("readOnly"), flag("writeOnly")) {
                (true, false) => Access::ReadOnly,
                (false, true) => Access::WriteOnly,
                _ => Access::ReadWrite,
            };
            let listed = required.contains(&wire_name);
            let access = match access {
                Access::WriteOnly if listed => Access::WriteOnlyRequired,
                other => other,
            };
            let presence = if listed && access == Access::ReadWrite {
                Presence::Required
            } else {
                Presence::Optional
            };
            let setter = match presence {
                Presence::Optional if access == Access::ReadOnly => None,
                Presence::Optional => {
                    // `.with_default(..)` reads better than `.default_2(..)`.
                    let plain = naming::unraw(&rust_name);
                    let base = if STRUCT_METHODS.contains(&plain) {
                        format!("with_{plain}")
                    } else {
                        rust_name.clone()
                    };
                    Some(setters.claim_snake(&base))
                }
                Presence::Required => None,
            };
            let obj = schema.as_object();
            let mut docs = obj.map(|o| schema_docs(o, wire_name)).unwrap_or_default();
            if let Some(obj) = obj {
                docs.notes = self.field_notes(obj);
            }
            match access {
                Access::ReadOnly => docs
                    .notes
                    .push("Read-only: set by the server, never sent.".to_owned()),
                Access::WriteOnlyRequired => docs
                    .notes
                    .push("Write-only: required in requests, absent from responses.".to_owned()),
                Access::WriteOnly => docs
                    .notes
                    .push("Write-only: absent from responses.".to_owned()),
                Access::ReadWrite => {}
            }
            let default = match (obj.and_then(|o| o.get("default")), presence) {
                (Some(value), Presence::Optional) => {
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

    /// The constraints of a field's schema that fit its type: on the schema itself, on its
    /// one non-null branch, or on the component it refers to.
    fn constraints(&mut self, schema: &Value, ptr: &str, ty: &TypeRef) -> Vec<Constraint> {
        self.constraints_at(schema, ptr, ty, 0)
    }

    /// `constraints`, `depth` lists deep (bounded: a list of itself has items of itself).
    fn constraints_at(
        &mut self,
        schema: &Value,
        ptr: &str,
        ty: &TypeRef,
        depth: usize,
    ) -> Vec<Constraint> {
        if depth > 4 {
            return Vec::new();
        }
        enum Shape {
            Text,
            Number,
            List,
            Other,
        }
        let shape = match self.through_aliases(ty.non_null()) {
            TypeRef::Nullable(inner) => match self.through_aliases(inner) {
                TypeRef::Scalar(Scalar::String) => Shape::Text,
                _ => Shape::Other,
            },
            TypeRef::Scalar(Scalar::String) => Shape::Text,
            TypeRef::Scalar(
                Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 | Scalar::F32 | Scalar::F64,
            ) => Shape::Number,
            TypeRef::Array(_) => Shape::List,
            _ => Shape::Other,
        };
        // (schema, its pointer)
        let mut sources: Vec<(&Map<String, Value>, String)> = Vec::new();
        let mut pending = vec![(schema, ptr.to_owned())];
        while let Some((schema, ptr)) = pending.pop() {
            let Some(obj) = schema.as_object() else {
                continue;
            };
            if sources.len() > 4 {
                break;
            }
            if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
                if let Some(fragment) = reference.strip_prefix('#') {
                    if let Some(target) = self.root.pointer(fragment) {
                        pending.push((target, reference.to_owned()));
                    }
                }
            }
            for keyword in ["anyOf", "oneOf"] {
                if let Some(branches) = obj.get(keyword).and_then(Value::as_array) {
                    let non_null: Vec<(usize, &Value)> = branches
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| !is_null_schema(b))
                        .collect();
                    if let [(index, single)] = non_null.as_slice() {
                        pending.push((single, join(&ptr, &[keyword, &index.to_string()])));
                    }
                }
            }
            sources.push((obj, ptr));
        }
        let count = |obj: &Map<String, Value>, key: &str| obj.get(key).and_then(Value::as_u64);
        let bound = |obj: &Map<String, Value>, key: &str| obj.get(key).and_then(Value::as_f64);
        let mut out = Vec::new();
        for (obj, ptr) in sources {
            match shape {
                Shape::Text => {
                    if let Some(n) = count(obj, "minLength") {
                        out.push(Constraint::MinLength(n));
                    }
                    if let Some(n) = count(obj, "maxLength") {
                        out.push(Constraint::MaxLength(n));
                    }
                    if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
                        match regex_syntax::Parser::new().parse(pattern) {
                            Ok(_) => out.push(Constraint::Pattern(pattern.to_owned())),
                            Err(_) => self.diags.warning(
                                join(&ptr, &["pattern"]),
                                "this pattern is not one the Rust `regex` crate understands (lookaround or backreferences?); it is documented but not checked",
                            ),
                        }
                    }
                }
                Shape::Number => {
                    // 3.0 writes `exclusiveMinimum: true` beside `minimum`; 3.1 a number.
                    let flag = |key: &str| obj.get(key).and_then(Value::as_bool) == Some(true);
                    if let Some(b) = bound(obj, "minimum") {
                        out.push(Constraint::Minimum {
                            bound: b,
                            exclusive: flag("exclusiveMinimum"),
                        });
                    }
                    if let Some(b) = bound(obj, "exclusiveMinimum") {
                        out.push(Constraint::Minimum {
                            bound: b,
                            exclusive: true,
                        });
                    }
                    if let Some(b) = bound(obj, "maximum") {
                        out.push(Constraint::Maximum {
                            bound: b,
                            exclusive: flag("exclusiveMaximum"),
                        });
                    }
                    if let Some(b) = bound(obj, "exclusiveMaximum") {
                        out.push(Constraint::Maximum {
                            bound: b,
                            exclusive: true,
                        });
                    }
                }
                Shape::List => {
                    if let Some(n) = count(obj, "minItems") {
                        out.push(Constraint::MinItems(n));
                    }
                    if let Some(n) = count(obj, "maxItems") {
                        out.push(Constraint::MaxItems(n));
                    }
                    if obj.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
                        out.push(Constraint::UniqueItems);
                    }
                    // Items that are not null (a nullable item is not checked).
                    let item_ty = match self.through_aliases(ty.non_null()) {
                        TypeRef::Array(item) if !matches!(**item, TypeRef::Nullable(_)) => {
                            Some((**item).clone())
                        }
                        _ => None,
                    };
                    if let (Some(items), Some(item_ty)) = (obj.get("items"), item_ty) {
                        let inner = self.constraints_at(
                            items,
                            &join(&ptr, &["items"]),
                            &item_ty,
                            depth + 1,
                        );
                        if !inner.is_empty() {
                            out.push(Constraint::Items(inner));
                        }
                    }
                }
                Shape::Other => {}
            }
        }
        // An unsigned type already says `minimum: 0`.
        if matches!(
            self.through_aliases(ty.non_null()),
            TypeRef::Scalar(Scalar::U32 | Scalar::U64)
        ) {
            out.retain(
                |c| !matches!(c, Constraint::Minimum { bound, exclusive: false } if *bound <= 0.0),
            );
        }
        out.dedup();
        out
    }

    /// One-line facts about a field that its Rust type does not say.
    fn field_notes(&self, obj: &Map<String, Value>) -> Vec<String> {
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
        if let Some(default) = obj.get("default") {
            notes.push(format!("Defaults to `{default}`."));
        }
        notes
    }

    /// A default the generated code can apply when decoding: a scalar matching the type.
    fn field_default(
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

    /// One enum from several branches of string values, each value keeping its description.
    fn lower_documented_enum(
        &mut self,
        view: &View<'_>,
        values: &[(&str, Option<&str>)],
        ptr: &str,
        hint: &str,
        slot: Option<TypeId>,
    ) -> TypeRef {
        self.lower_enum_values(view, values, ptr, hint, slot, EnumRepr::String)
    }

    fn lower_enum_values(
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

    fn lower_enum(
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

    /// `oneOf`/`anyOf` with several non-null branches, or `type` with several types.
    fn lower_union(
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
        // Untagged variants are tried in order and the first that decodes wins, so the most
        // specific shapes go first: objects with more required fields, then more properties;
        // shapes that accept anything go last. The sort is stable: ties keep document order.
        tys.sort_by_key(|ty| std::cmp::Reverse(self.specificity(ty)));
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
    fn lower_tagged(
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
        let id = self.slot_for(ptr, hint, slot);
        let mut names = Scope::new();
        let mut variants = Vec::new();
        for (value, schema, entry_ptr) in entries {
            let ty = self.lower_schema(&schema, &entry_ptr, &format!("{hint}Variant"), None);
            variants.push(TaggedVariant {
                rust_name: names.claim_camel(&naming::camel(&value, "Empty")),
                tag_value: value,
                ty: ty.non_null().clone(),
                boxing: Boxing::Inline,
            });
        }
        let fallback = names.claim_camel("Unknown");
        self.fill(
            id,
            TypeKind::Tagged(Tagged {
                tag: tag.to_owned(),
                variants,
                fallback,
            }),
            view.obj,
        );
        Some(TypeRef::Named(id))
    }

    /// How much a value must have to decode as `ty`: (accepts less than anything, required
    /// fields, properties). Only the order matters.
    fn specificity(&self, ty: &TypeRef) -> (u8, usize, usize) {
        match self.through_aliases(ty) {
            TypeRef::Any | TypeRef::JsonObject | TypeRef::Map(_) => (0, 0, 0),
            TypeRef::Named(id) => match self.types[id.0].def.as_ref().map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => {
                    let required = s
                        .fields
                        .iter()
                        .filter(|f| f.presence == Presence::Required)
                        .count();
                    (1, required, s.fields.len())
                }
                // A cycle of aliases, cut short by `through_aliases`.
                Some(TypeKind::Alias(_)) => (0, 0, 0),
                _ => (1, 0, 0),
            },
            TypeRef::Nullable(inner) => match self.through_aliases(inner) {
                TypeRef::Nullable(_) => (1, 0, 0),
                other => self.specificity(other),
            },
            TypeRef::Scalar(_) | TypeRef::Array(_) => (1, 0, 0),
        }
    }

    fn variant_name(&self, ty: &TypeRef) -> String {
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

    /// The id for a named shape at `ptr`: the component's reserved slot, or a new type.
    fn slot_for(&mut self, ptr: &str, hint: &str, slot: Option<TypeId>) -> TypeId {
        if let Some(id) = slot {
            return id;
        }
        let rust_name = self.type_names.claim_camel(&naming::camel(hint, "Type"));
        let id = TypeId(self.types.len());
        self.types.push(Slot {
            rust_name,
            source: ptr.to_owned(),
            nullable: false,
            def: None,
        });
        self.by_pointer.insert(ptr.to_owned(), id);
        id
    }

    pub(super) fn fill(&mut self, id: TypeId, kind: TypeKind, schema: &Map<String, Value>) {
        let slot = &mut self.types[id.0];
        let docs = schema_docs(schema, &slot.rust_name);
        slot.def = Some(crate::ir::TypeDef {
            rust_name: slot.rust_name.clone(),
            source: slot.source.clone(),
            docs,
            kind,
        });
    }
}
