//! The payloads of `--decode`: JSON values synthesized from a document's own schemas (its IR
//! types), deterministically, so that they decode into the generated types by construction
//! and are the same on every run.
//!
//! Every required field is written, and every optional one down to [`OPTIONAL_DEPTH`]
//! objects deep (real list pages carry most of their optional fields); one nullable value in
//! three is `null`; the list at the top of a response gets the page's item count, lists
//! below it two items, then one; a union takes its most specific variant near the top and a
//! scalar variant deeper down (as an unexpanded reference is sent); text, numbers and
//! choices of enums vary with a counter. Nothing here knows any particular API.

use serde_json::{Map, Number, Value, json};

use oagen::ir::{Api, EnumRepr, Scalar, TypeKind, TypeRef};

/// How many objects deep optional fields are still written.
const OPTIONAL_DEPTH: usize = 3;
/// Below this depth only what must be there is written (required fields, one list item).
const HARD_DEPTH: usize = 24;

/// A deterministic synthesizer over one API's types.
pub(super) struct Synth<'a> {
    api: &'a Api,
    counter: u64,
}

impl<'a> Synth<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        Synth { api, counter: 0 }
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A value of `ty` whose first list (at the top, or in a field of the top object) holds
    /// `items` values: a page of a list operation.
    pub(super) fn page(&mut self, ty: &TypeRef, items: usize) -> Value {
        match self.resolve(ty) {
            TypeRef::Array(item) => {
                Value::Array((0..items).map(|_| self.value(&item, 1)).collect())
            }
            resolved => {
                let mut value = self.value(&resolved, 0);
                if let (Value::Object(object), TypeRef::Named(id)) = (&mut value, &resolved) {
                    if let TypeKind::Struct(s) = &self.api.type_def(*id).kind {
                        let list =
                            s.fields
                                .iter()
                                .find_map(|f| match self.resolve(f.ty.non_null()) {
                                    TypeRef::Array(item) => Some((f.wire_name.clone(), item)),
                                    _ => None,
                                });
                        if let Some((key, item)) = list {
                            let values = (0..items).map(|_| self.value(&item, 1)).collect();
                            object.insert(key, Value::Array(values));
                        }
                    }
                }
                value
            }
        }
    }

    /// `ty` with aliases followed (a bounded number of steps).
    fn resolve(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..32 {
            match &ty {
                TypeRef::Named(id) => match &self.api.type_def(*id).kind {
                    TypeKind::Alias(target) | TypeKind::Newtype(target) => ty = target.clone(),
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    fn value(&mut self, ty: &TypeRef, depth: usize) -> Value {
        match self.resolve(ty) {
            TypeRef::Named(id) => self.named(id, depth),
            TypeRef::Scalar(scalar) => self.scalar(scalar),
            TypeRef::Array(item) => {
                let n = match depth {
                    _ if depth >= HARD_DEPTH => 0,
                    0..=2 => 2,
                    _ => 1,
                };
                Value::Array((0..n).map(|_| self.value(&item, depth + 1)).collect())
            }
            TypeRef::Map(value) => {
                let n = if depth <= OPTIONAL_DEPTH { 2 } else { 0 };
                let mut map = Map::new();
                for i in 0..n {
                    let v = self.value(&value, depth + 1);
                    map.insert(format!("key_{}_{i}", self.next() % 100), v);
                }
                Value::Object(map)
            }
            TypeRef::Nullable(inner) => {
                if depth >= HARD_DEPTH || self.next() % 3 == 0 {
                    Value::Null
                } else {
                    self.value(&inner, depth)
                }
            }
            TypeRef::JsonObject => json!({"source": "synth", "n": self.next() % 1000}),
            TypeRef::Any => json!({"kind": "any", "n": self.next() % 1000}),
        }
    }

    fn named(&mut self, id: oagen::ir::TypeId, depth: usize) -> Value {
        let api = self.api;
        match &api.type_def(id).kind {
            TypeKind::Struct(s) => {
                let mut object = Map::new();
                for field in &s.fields {
                    let required = field.presence == oagen::ir::Presence::Required;
                    if !required && depth > OPTIONAL_DEPTH {
                        continue;
                    }
                    let value = self.value(&field.ty, depth + 1);
                    object.insert(field.wire_name.clone(), value);
                }
                if let Some(additional) = &s.additional {
                    if depth <= OPTIONAL_DEPTH {
                        let value = self.value(&additional.ty, depth + 1);
                        object.insert(format!("extra_{}", self.next() % 100), value);
                    }
                }
                Value::Object(object)
            }
            TypeKind::Enum(e) => {
                let n = self.next() as usize;
                let Some(variant) = e.variants.get(n % e.variants.len().max(1)) else {
                    return Value::String("unknown".to_owned());
                };
                match e.repr {
                    EnumRepr::String => Value::String(variant.wire_value.clone()),
                    EnumRepr::Integer => variant
                        .wire_value
                        .parse::<i64>()
                        .map_or(Value::Null, Value::from),
                }
            }
            TypeKind::Union(u) => {
                // Near the top the most specific variant; deeper, a scalar one when there is
                // one (an unexpanded reference), so values do not grow without end.
                let scalar = u
                    .variants
                    .iter()
                    .find(|v| matches!(self.resolve(&v.ty), TypeRef::Scalar(_)));
                let variant = match scalar {
                    Some(v) if depth > 1 => v,
                    _ => match u.variants.first() {
                        Some(v) => v,
                        None => return Value::Null,
                    },
                };
                let ty = variant.ty.clone();
                self.value(&ty, depth)
            }
            TypeKind::Tagged(t) => {
                let Some(variant) = t.variants.first() else {
                    return Value::Null;
                };
                let (ty, tag) = (variant.ty.clone(), variant.tag_values.first().cloned());
                let mut value = self.value(&ty, depth);
                if let (Value::Object(object), Some(tag)) = (&mut value, tag) {
                    object.insert(t.tag.clone(), Value::String(tag));
                }
                value
            }
            TypeKind::Alias(target) | TypeKind::Newtype(target) => {
                let target = target.clone();
                self.value(&target, depth + 1)
            }
        }
    }

    fn scalar(&mut self, scalar: Scalar) -> Value {
        let n = self.next();
        match scalar {
            Scalar::String | Scalar::Binary => {
                // Between 6 and 70 characters, as names, ids and descriptions are.
                let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
                let mut text = format!("{}_{n}", words[(n % 6) as usize]);
                for i in 0..(n % 7) {
                    text.push(' ');
                    text.push_str(words[((n + i) % 6) as usize]);
                    text.push_str("ing");
                }
                Value::String(text)
            }
            Scalar::Bool => Value::Bool(n % 2 == 0),
            Scalar::I32 | Scalar::I64 => Value::from((n * 7919 % 200_000) as i64 - 100_000),
            Scalar::U32 | Scalar::U64 => Value::from(n * 7919 % 2_000_000),
            Scalar::F32 => {
                Number::from_f64((n % 1000) as f64 / 4.0).map_or(Value::Null, Value::Number)
            }
            Scalar::F64 => {
                Number::from_f64((n % 100_000) as f64 / 7.0).map_or(Value::Null, Value::Number)
            }
            Scalar::Uuid => Value::String(format!("{:08x}-0000-4000-8000-{:012x}", n, n * 31)),
            Scalar::DateTime => Value::String(format!(
                "2024-{:02}-{:02}T{:02}:{:02}:00Z",
                n % 12 + 1,
                n % 28 + 1,
                n % 24,
                n % 60
            )),
            Scalar::Date => Value::String(format!("2024-{:02}-{:02}", n % 12 + 1, n % 28 + 1)),
            Scalar::Base64 => Value::String("aGVsbG8gd29ybGQ=".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of the fixture's list operation: the page's item count, every required key,
    /// the same value on every run.
    #[test]
    fn a_page_from_the_schemas() {
        let path = crate::workspace_root().join("tests/fixtures/decode_modes.yaml");
        let bytes = std::fs::read(path).unwrap();
        let (api, _) = oagen::lower_document(&bytes).unwrap();
        let operation = api
            .operations
            .iter()
            .find(|op| op.path == "/sightings")
            .unwrap();
        let oagen::ir::ResponseBody::Json(ty) = &operation.response.body else {
            panic!("a JSON body");
        };
        let page = Synth::new(&api).page(ty, 7);
        let items = page.as_array().unwrap();
        assert_eq!(items.len(), 7);
        assert!(items.iter().all(|item| item["at"].is_string()));
        assert!(items.iter().all(|item| item["pet"]["name"].is_string()));
        assert_eq!(page, Synth::new(&api).page(ty, 7));
    }
}
