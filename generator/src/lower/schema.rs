//! Schemas → types. Handles 3.0 and 3.1 spellings alike: `nullable: true`, `type: [T, 'null']`,
//! `anyOf`/`oneOf` with a `{type: 'null'}` branch and `enum` with `null` all become
//! `TypeRef::Nullable`; `$ref` targets under `#/components/schemas` have ids reserved before
//! any schema is converted, so references (and cycles) resolve to them.

mod constraints;
mod enums;
mod objects;
mod unions;

use enums::enum_branches;
use unions::required_sets;

use serde_json::{Map, Value};

use super::{Lowerer, Slot};
use crate::diag::join;
use crate::ir::{
    Deprecation, Docs, EnumRepr, RequiredAlternatives, Scalar, TypeId, TypeKind, TypeRef,
};
use crate::naming;
use crate::parse::describe;

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
            let mut values: Vec<(String, Value)> = Vec::new();
            if let Some(value) = obj.get("example") {
                values.push((join(&at, &["example"]), value.clone()));
            }
            match obj.get("examples") {
                // A schema's 3.1 `examples`: a list of values.
                Some(Value::Array(list)) => values.extend(
                    list.iter()
                        .enumerate()
                        .map(|(i, v)| (join(&at, &["examples", &i.to_string()]), v.clone())),
                ),
                // A media type's or parameter's named Example Objects (or `$ref`s to them).
                Some(Value::Object(named)) => {
                    for (name, example) in named {
                        let mut example = example;
                        let mut example_ptr = join(&at, &["examples", name]);
                        if let Some(target) = example.get("$ref").and_then(Value::as_str) {
                            match target.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                                Some(found) => {
                                    example = found;
                                    example_ptr = target.to_owned();
                                }
                                None => continue,
                            }
                        }
                        let json = is_json_media_type(&at);
                        values.extend(self.example_values(example, &example_ptr, json));
                    }
                }
                _ => {}
            }
            for (pointer, value) in values {
                self.examples.insert(
                    pointer.clone(),
                    crate::ir::Example {
                        pointer,
                        schema: ptr.to_owned(),
                        value,
                        ty: ty.clone(),
                    },
                );
            }
        }
    }

    /// The values of one Example Object at `ptr`: its `value`; in OpenAPI 3.2 its
    /// `dataValue` (the data), and its `serializedValue` (the data as text) when `json`
    /// says the text is JSON, which is then the value. `externalValue` is not read (nothing
    /// is fetched).
    fn example_values(&mut self, example: &Value, ptr: &str, json: bool) -> Vec<(String, Value)> {
        let mut values = Vec::new();
        if let Some(value) = example.get("value") {
            values.push((join(ptr, &["value"]), value.clone()));
        }
        if let Some(value) = example.get("dataValue") {
            let at = join(ptr, &["dataValue"]);
            if self.reads_3_2(&at, "an example's `dataValue`") {
                values.push((at, value.clone()));
            }
        }
        if let Some(text) = example.get("serializedValue") {
            let at = join(ptr, &["serializedValue"]);
            let parsed = text.as_str().map(serde_json::from_str::<Value>);
            if self.reads_3_2(&at, "an example's `serializedValue`") && json {
                match parsed {
                    Some(Ok(value)) => values.push((at, value)),
                    _ => self.diags.warning(
                        at,
                        "`serializedValue` of a JSON media type must be a string of JSON text; it is not read",
                    ),
                }
            }
        }
        values
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
            _ if self.broken_in_place(ptr) => return TypeRef::Any,
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
            // Decided in `finish`, once every operation exists.
            direction: crate::ir::Direction::Unused,
        });
    }
}

/// Whether the object at `ptr` is a JSON media type of a `content` map
/// (`.../content/application~1json`), whose serialized examples are JSON text.
fn is_json_media_type(ptr: &str) -> bool {
    let mut tokens = ptr.rsplit('/');
    let media_type = tokens.next().unwrap_or_default().replace("~1", "/");
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    tokens.next() == Some("content") && (essence.ends_with("/json") || essence.ends_with("+json"))
}
