//! The last step of `lower`, once every type exists: reject recursion Rust cannot express,
//! tag and rank unions (`unions.rs`), decide which ways each type travels and split the
//! types that need a request and a response shape (`shapes.rs`), decide which fields need a
//! `Box`, and sort the type table by name (renumbering every reference).

use crate::diag::Diagnostics;
use crate::ir::{Api, Boxing, TypeId, TypeKind, TypeRef};

mod shapes;
mod unions;

pub(super) fn finish(mut api: Api, diags: &mut Diagnostics) -> Api {
    check_alias_cycles(&mut api, diags);
    unions::infer_tags(&mut api);
    unions::rank_variants(&mut api);
    mark_textual_unions(&mut api);
    shapes::shape(&mut api);
    box_cycles(&mut api);
    sort_types(&mut api);
    api
}

/// Unions whose variants can all be written as text get `Display` (and can be parameters).
fn mark_textual_unions(api: &mut Api) {
    let textual: Vec<bool> = {
        let kind_of = |id: TypeId| api.types.get(id.0).map(|t| &t.kind);
        (0..api.types.len())
            .map(|i| {
                matches!(api.types[i].kind, TypeKind::Union(_))
                    && crate::ir::is_textual(&TypeRef::Named(TypeId(i)), &kind_of, 0)
            })
            .collect()
    };
    for (def, textual) in api.types.iter_mut().zip(textual) {
        if let TypeKind::Union(union) = &mut def.kind {
            union.display = if textual {
                crate::ir::UnionDisplay::Text
            } else {
                crate::ir::UnionDisplay::None
            };
        }
    }
}

/// The types a type contains by value (not behind a `Vec` or map): those that make its size.
fn by_value(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Nullable(inner) => by_value(inner, out),
        TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::Scalar(_)
        | TypeRef::JsonObject
        | TypeRef::Any => {}
    }
}

fn edges(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        // Map values are behind the map's allocation: not by value.
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| by_value(&f.ty, &mut out)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| by_value(&v.ty, &mut out)),
        TypeKind::Tagged(t) => t.variants.iter().for_each(|v| by_value(&v.ty, &mut out)),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => by_value(ty, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// A field or variant is boxed when the type it holds by value is in the same strongly
/// connected component as its owner: exactly the edges that close a cycle of sizes.
fn box_cycles(api: &mut Api) {
    let graph: Vec<Vec<TypeId>> = api.types.iter().map(|t| edges(&t.kind)).collect();
    let component = strongly_connected(&graph);
    let recursive = |owner: usize, ty: &TypeRef| {
        let mut targets = Vec::new();
        by_value(ty, &mut targets);
        targets.iter().any(|t| component[t.0] == component[owner])
    };
    for (owner, def) in api.types.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    if recursive(owner, &field.ty) {
                        field.boxing = Boxing::Boxed;
                    }
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    if recursive(owner, &variant.ty) {
                        variant.boxing = Boxing::Boxed;
                    }
                }
            }
            TypeKind::Tagged(t) => {
                for variant in &mut t.variants {
                    if recursive(owner, &variant.ty) {
                        variant.boxing = Boxing::Boxed;
                    }
                }
            }
            TypeKind::Alias(_) | TypeKind::Newtype(_) | TypeKind::Enum(_) => {}
        }
    }
}

/// Tarjan's algorithm, iterative so that deep type graphs cannot overflow the stack.
/// Returns a component number per node.
fn strongly_connected(graph: &[Vec<TypeId>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        // (node, position of the next edge to look at)
        let mut work = vec![(start, 0usize)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&TypeId(next)) = graph[node].get(*edge) {
                *edge += 1;
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// An alias that reaches itself through aliases alone is not valid Rust. Through `$ref`s only
/// (`A: {$ref: B}`, `B: {$ref: A}`: no schema at all) it is an error, reported once at the
/// cycle's first member; through lists or maps (`type A = Vec<A>`) the first member becomes
/// a newtype (`struct A(Vec<A>)`), which breaks the cycle. An alias names at most one other
/// type, so aliases form chains.
fn check_alias_cycles(api: &mut Api, diags: &mut Diagnostics) {
    let mut newtypes = Vec::new();
    /// The type an alias refers to, and whether a list or map lies on the way.
    fn target(ty: &TypeRef, through_container: bool) -> Option<(usize, bool)> {
        match ty {
            TypeRef::Named(id) => Some((id.0, through_container)),
            TypeRef::Nullable(inner) => target(inner, through_container),
            TypeRef::Array(inner) | TypeRef::Map(inner) => target(inner, true),
            TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => None,
        }
    }
    let mut reported = vec![false; api.types.len()];
    for (start, def) in api.types.iter().enumerate() {
        let mut chain = vec![start];
        let mut container = false;
        let mut current = start;
        while let TypeKind::Alias(ty) = &api.types[current].kind {
            let Some((next, through)) = target(ty, false) else {
                break;
            };
            container |= through;
            if next == start {
                if !chain.iter().any(|&member| reported[member]) {
                    let names: Vec<&str> = chain
                        .iter()
                        .chain(std::iter::once(&start))
                        .map(|&member| api.types[member].rust_name.as_str())
                        .collect();
                    if container {
                        newtypes.push(start);
                    } else {
                        let message = format!(
                            "`{}` is defined only by references that lead back to it ({}); no schema says what it is",
                            def.rust_name,
                            names.join(" → ")
                        );
                        diags.error(&def.source, message);
                    }
                    chain.iter().for_each(|&member| reported[member] = true);
                }
                break;
            }
            if chain.contains(&next) {
                break;
            }
            chain.push(next);
            current = next;
        }
    }
    for index in newtypes {
        let def = &mut api.types[index];
        if let TypeKind::Alias(ty) = &def.kind {
            def.kind = TypeKind::Newtype(ty.clone());
        }
    }
}

fn sort_types(api: &mut Api) {
    api.sort_types_by_name();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_cycle_and_a_self_loop() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 alone
        let graph = vec![
            vec![TypeId(1)],
            vec![TypeId(2)],
            vec![TypeId(0)],
            vec![TypeId(3)],
            vec![],
        ];
        let c = strongly_connected(&graph);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
