//! The constraints of a field (`maxLength`, `pattern`, `minimum`, `minItems`...) that fit its
//! type, checked by the generated `validate()`.

use serde_json::{Map, Value};

use super::is_null_schema;
use crate::diag::join;
use crate::ir::{Constraint, Scalar, TypeRef};
use crate::lower::Lowerer;

impl Lowerer<'_> {
    /// The constraints of a field's schema that fit its type: on the schema itself, on its
    /// one non-null branch, or on the component it refers to.
    pub(super) fn constraints(
        &mut self,
        schema: &Value,
        ptr: &str,
        ty: &TypeRef,
    ) -> Vec<Constraint> {
        self.constraints_at(schema, ptr, ty, 0)
    }

    /// `constraints`, `depth` lists deep (bounded: a list of itself has items of itself).
    pub(super) fn constraints_at(
        &mut self,
        schema: &Value,
        ptr: &str,
        ty: &TypeRef,
        depth: usize,
    ) -> Vec<Constraint> {
        if depth > 4 {
            return Vec::new();
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
        let sources = sources(self.root, schema, ptr);
        let mut out = Vec::new();
        for (obj, ptr) in sources {
            match shape {
                Shape::Text => self.text_constraints(obj, &ptr, &mut out),
                Shape::Number => number_constraints(obj, &mut out),
                Shape::List => self.list_constraints(obj, &ptr, ty, depth, &mut out),
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
    /// `minLength`, `maxLength` and a `pattern` the `regex` crate understands.
    fn text_constraints(&mut self, obj: &Map<String, Value>, ptr: &str, out: &mut Vec<Constraint>) {
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
                    join(ptr, &["pattern"]),
                    "this pattern is not one the Rust `regex` crate understands (lookaround or backreferences?); it is documented but not checked",
                ),
            }
        }
    }

    /// `minItems`, `maxItems`, `uniqueItems`, and the constraints of non-null items.
    fn list_constraints(
        &mut self,
        obj: &Map<String, Value>,
        ptr: &str,
        ty: &TypeRef,
        depth: usize,
        out: &mut Vec<Constraint>,
    ) {
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
            let inner = self.constraints_at(items, &join(ptr, &["items"]), &item_ty, depth + 1);
            if !inner.is_empty() {
                out.push(Constraint::Items(inner));
            }
        }
    }
}

fn count(obj: &Map<String, Value>, key: &str) -> Option<u64> {
    obj.get(key).and_then(Value::as_u64)
}

fn bound(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64)
}

/// `minimum`, `maximum` and their exclusive forms (3.0's flags and 3.1's numbers).
fn number_constraints(obj: &Map<String, Value>, out: &mut Vec<Constraint>) {
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

/// The schemas whose constraints apply to a field, each with its pointer: the field's own,
/// what it refers to (within the document), and its one non-null `anyOf`/`oneOf` branch;
/// at most five.
fn sources<'v>(
    root: &'v Value,
    schema: &'v Value,
    ptr: &str,
) -> Vec<(&'v Map<String, Value>, String)> {
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
                if let Some(target) = root.pointer(fragment) {
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
    sources
}

/// What kind of constraints a field's type can take.
enum Shape {
    Text,
    Number,
    List,
    Other,
}
