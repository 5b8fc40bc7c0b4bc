//! Decisions about unions that need every type to exist first, so that the order in which
//! schemas are declared (a branch defined after its union) never changes the result:
//!
//! - a union whose branches are structs that each hold a required string-enum field with
//!   values no other branch has (`type: {const: card}`, `enum: [paypal]`, or disjoint sets)
//!   is tagged by that field, as with an explicit `discriminator`;
//! - the variants of the remaining unions are ranked, most specific first, which is how ties
//!   are broken when several variants account for a value equally well.

use crate::ir::{
    Api, EnumRepr, Presence, TagOrigin, Tagged, TaggedVariant, TypeKind, TypeRef, Union,
    UnionVariant,
};
use crate::naming::Scope;

/// `ty` without aliases (a bounded walk: alias cycles are reported elsewhere).
fn through_aliases<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    api.through_aliases(ty)
}

fn kind_of<'a>(api: &'a Api, ty: &'a TypeRef) -> Option<&'a TypeKind> {
    match through_aliases(api, ty) {
        TypeRef::Named(id) => api.types.get(id.0).map(|t| &t.kind),
        _ => None,
    }
}

/// Turns the unions that can be told apart by one property into tagged unions.
pub(super) fn infer_tags(api: &mut Api) {
    for index in 0..api.types.len() {
        let TypeKind::Union(union) = &api.types[index].kind else {
            continue;
        };
        if let Some(tagged) = inferred_tag(api, union) {
            api.types[index].kind = TypeKind::Tagged(tagged);
        }
    }
}

/// The values of the required string-enum field `wire_name` of the struct behind `ty`.
fn tag_values(api: &Api, ty: &TypeRef, wire_name: &str) -> Option<Vec<String>> {
    let Some(TypeKind::Struct(s)) = kind_of(api, ty) else {
        return None;
    };
    let field = s
        .fields
        .iter()
        .find(|f| f.wire_name == wire_name && f.presence == Presence::Required)?;
    match kind_of(api, &field.ty)? {
        TypeKind::Enum(e) if e.repr == EnumRepr::String && !e.variants.is_empty() => {
            Some(e.variants.iter().map(|v| v.wire_value.clone()).collect())
        }
        _ => None,
    }
}

/// The first property (in the first variant's field order) whose values tell every variant
/// apart, and each variant's values.
fn inferred_tag(api: &Api, union: &Union) -> Option<Tagged> {
    if union.variants.len() < 2 {
        return None;
    }
    let first = union.variants.first()?;
    let Some(TypeKind::Struct(first_struct)) = kind_of(api, &first.ty) else {
        return None;
    };
    'candidates: for candidate in &first_struct.fields {
        let mut sets: Vec<Vec<String>> = Vec::with_capacity(union.variants.len());
        for variant in &union.variants {
            // A nullable variant admits `null`, which has no tag.
            if matches!(variant.ty, TypeRef::Nullable(_)) {
                return None;
            }
            let Some(values) = tag_values(api, &variant.ty, &candidate.wire_name) else {
                continue 'candidates;
            };
            if sets.iter().flatten().any(|seen| values.contains(seen)) {
                continue 'candidates;
            }
            sets.push(values);
        }
        let names: Vec<&str> = union
            .variants
            .iter()
            .map(|v| v.rust_name.as_str())
            .collect();
        let fallback = Scope::with_reserved(&names).claim_camel("Unknown");
        let variants = union
            .variants
            .iter()
            .zip(sets)
            .map(|(variant, tag_values)| TaggedVariant {
                rust_name: variant.rust_name.clone(),
                tag_values,
                ty: variant.ty.clone(),
                boxing: variant.boxing,
            })
            .collect();
        return Some(Tagged {
            default: None,
            tag: candidate.wire_name.clone(),
            origin: TagOrigin::Inferred,
            variants,
            fallback,
        });
    }
    None
}

/// Orders the variants of every untagged union most specific first (a stable sort: ties
/// keep document order).
pub(super) fn rank_variants(api: &mut Api) {
    for index in 0..api.types.len() {
        let TypeKind::Union(union) = &api.types[index].kind else {
            continue;
        };
        let mut ranked: Vec<((u8, usize, usize), UnionVariant)> = union
            .variants
            .iter()
            .map(|v| (specificity(api, &v.ty, 0), v.clone()))
            .collect();
        ranked.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
        if let TypeKind::Union(union) = &mut api.types[index].kind {
            union.variants = ranked.into_iter().map(|(_, v)| v).collect();
        }
    }
}

/// How much a value must have to decode as `ty`: (accepts less than anything, required
/// fields, properties). Only the order matters. `depth` bounds the walk through nullable
/// aliases (a cycle of them is reported by `check_alias_cycles`, which does not remove it).
fn specificity(api: &Api, ty: &TypeRef, depth: usize) -> (u8, usize, usize) {
    if depth > 8 {
        return (0, 0, 0);
    }
    match through_aliases(api, ty) {
        TypeRef::Any | TypeRef::JsonObject | TypeRef::Map(_) => (0, 0, 0),
        TypeRef::Named(id) => match api.types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => {
                let required = s
                    .fields
                    .iter()
                    .filter(|f| f.presence == Presence::Required)
                    .count();
                (1, required, s.fields.len())
            }
            // A cycle of aliases, cut short by `through_aliases`.
            Some(TypeKind::Alias(_)) | None => (0, 0, 0),
            _ => (1, 0, 0),
        },
        TypeRef::Nullable(inner) => match through_aliases(api, inner) {
            TypeRef::Nullable(_) => (1, 0, 0),
            other => specificity(api, other, depth + 1),
        },
        TypeRef::Scalar(_) | TypeRef::Array(_) => (1, 0, 0),
    }
}
