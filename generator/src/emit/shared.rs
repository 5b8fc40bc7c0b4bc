//! Types written once: two enums, or two structs, whose items would be the same but for
//! their name and docs share one definition, and every other name is a `pub type` of it. A
//! large API repeats the same enum under many names (the values of a `status` or `type`
//! field declared inline in each schema) and the same object under many names (an address
//! or a set of options declared inline in each request body), and `rustc` checks each
//! definition's impls again; a type alias costs it almost nothing, and every name a user
//! can write still names a type.
//!
//! The choice is made once, in [`super::Plan::new`], from the IR alone, so every part of
//! `types.rs`, emitted on any thread, agrees on it.

use std::collections::BTreeMap;

use crate::ir::{Api, Deprecation, Enum, EnumRepr, Reach, TypeId, TypeKind, TypeRef};
use crate::tailor::ExtraDerives;

/// By type id: the enum whose definition the type shares (`pub type Name = Canonical;`),
/// or `None` for every type written in full. The canonical of a set is its first type in
/// the table, the order `types.rs` is written in; it is never itself an alias.
pub(super) fn shared_enums(api: &Api, derives: &ExtraDerives) -> Vec<Option<TypeId>> {
    let mut canonical = vec![None; api.types.len()];
    // What `types::enum_item` and `validate::validate_item` read of an enum, apart from its
    // name and docs: the values and their variants (names, docs), the fallback, whether it
    // is deprecated and the derives the configuration adds. Whether it implements
    // `Serialize` and `Validate`, and its `#[cfg]`, are made to cover every name of the set
    // ([`widen`]).
    let mut sets: BTreeMap<Key<'_>, Vec<(TypeId, Same<'_>)>> = BTreeMap::new();
    for (index, def) in api.types.iter().enumerate() {
        let TypeKind::Enum(e) = &def.kind else {
            continue;
        };
        let id = TypeId(index);
        let same = Same {
            e,
            deprecated: def.docs.deprecated,
            derives: derives.get(&id).map(Vec::as_slice),
        };
        let candidates = sets.entry(key(e)).or_default();
        // Variant docs and the rest are compared in full among the few of the same values.
        match candidates.iter().find(|(_, other)| *other == same) {
            Some((first, _)) => canonical[index] = Some(*first),
            None => candidates.push((id, same)),
        }
    }
    canonical
}

/// By type id: the type whose definition it shares (`pub type Name = Canonical;`), or
/// `None` for every type written in full: enums ([`shared_enums`]), then structs
/// ([`shared_structs`]).
pub(super) fn shared_types(api: &Api, derives: &ExtraDerives) -> Vec<Option<TypeId>> {
    let mut canonical = shared_enums(api, derives);
    shared_structs(api, derives, &mut canonical);
    canonical
}

/// Structs written once. Two structs share a definition when everything the emitter reads
/// of them but their name and docs is the same (direction, deprecation, configured derives,
/// and each field: names, setter, docs, type, presence, boxing, default, constraints,
/// access; the map of other keys; the required-field alternatives), where a field's type
/// is compared by the definition it names: two structs whose fields name two enums or
/// structs that share a definition are the same. Sharing one set can make their holders
/// the same, so the sets are found again until nothing changes (each round only merges;
/// Stripe takes four). Structs that hold themselves stay apart (conservative). A field
/// default names a function of its own struct, so a struct with one is never shared.
fn shared_structs(api: &Api, derives: &ExtraDerives, canonical: &mut [Option<TypeId>]) {
    // Each struct's key in two parts: what never changes, written once with every named
    // type blanked out (interned to a number), and the types it names, in order, which are
    // looked up again each round.
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut structs: Vec<(usize, usize, Vec<TypeId>)> = Vec::new();
    for (index, def) in api.types.iter().enumerate() {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        let mut kind = TypeKind::Struct(s.clone());
        let mut named = Vec::new();
        for ty in kind.refs_mut() {
            ty.named_ids(&mut named);
            blank(ty);
        }
        let id = TypeId(index);
        let shape = format!(
            "{:?} {:?} {:?} {:?}",
            def.direction,
            def.docs.deprecated,
            derives.get(&id),
            kind
        );
        let next = shapes.len();
        let shape = *shapes.entry(shape).or_insert(next);
        structs.push((index, shape, named));
    }
    loop {
        let mut first: BTreeMap<(usize, Vec<TypeId>), TypeId> = BTreeMap::new();
        let mut changed = false;
        for (index, shape, named) in &structs {
            let named = named
                .iter()
                .map(|id| canonical.get(id.0).copied().flatten().unwrap_or(*id))
                .collect();
            let id = TypeId(*index);
            let to = *first.entry((*shape, named)).or_insert(id);
            let now = (to != id).then_some(to);
            if canonical[*index] != now {
                canonical[*index] = now;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// `ty` with every named type the same placeholder (the types a key names are compared
/// apart, by definition).
fn blank(ty: &mut TypeRef) {
    match ty {
        TypeRef::Named(id) => *id = TypeId(usize::MAX),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => blank(inner),
        TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => {}
    }
}

/// What sorts enums into sets cheaply: the representation, fallback and each variant's
/// name and value.
type Key<'a> = (bool, &'a str, Vec<(&'a str, &'a str)>);

fn key(e: &Enum) -> Key<'_> {
    (
        e.repr == EnumRepr::Integer,
        &e.fallback,
        e.variants
            .iter()
            .map(|v| (v.rust_name.as_str(), v.wire_value.as_str()))
            .collect(),
    )
}

/// Everything the emitted item depends on besides its name and docs.
#[derive(PartialEq)]
struct Same<'a> {
    e: &'a Enum,
    deprecated: Deprecation,
    derives: Option<&'a [String]>,
}

/// Widens each shared definition's `serialized` (or `validated`) flag and `#[cfg]` to those
/// of every type that shares it: it implements the trait when any of them must, and exists
/// whenever any of them does. Then what a widened definition holds is widened too (a shared
/// struct's fields name its own field types, which must exist, and implement the trait,
/// wherever it does), down to the leaves.
pub(super) fn widen(
    api: &Api,
    shared: &[Option<TypeId>],
    flags: &mut [bool],
    reach: Option<&mut [Reach]>,
) {
    let mut changed = Vec::new();
    for (index, canonical) in shared.iter().enumerate() {
        let Some(canonical) = canonical else {
            continue;
        };
        if flags.get(index).copied().unwrap_or(true) {
            if let Some(s) = flags.get_mut(canonical.0) {
                if !*s {
                    *s = true;
                    changed.push(*canonical);
                }
            }
        }
    }
    down(api, shared, &mut changed, |from, to| {
        let on = flags.get(from.0).copied().unwrap_or(true);
        match flags.get_mut(to.0) {
            Some(flag) if on && !*flag => {
                *flag = true;
                true
            }
            _ => false,
        }
    });
    let Some(reach) = reach else {
        return;
    };
    for (index, canonical) in shared.iter().enumerate() {
        let Some(canonical) = canonical else {
            continue;
        };
        let alias = reach.get(index).cloned().unwrap_or(Reach::Always);
        if let Some(target) = reach.get_mut(canonical.0) {
            let wider = union(target, &alias);
            if wider != *target {
                *target = wider;
                changed.push(*canonical);
            }
        }
    }
    down(api, shared, &mut changed, |from, to| {
        let outer = reach.get(from.0).cloned().unwrap_or(Reach::Always);
        match reach.get_mut(to.0) {
            Some(target) => {
                let wider = union(target, &outer);
                let grew = wider != *target;
                *target = wider;
                grew
            }
            None => false,
        }
    });
}

/// From each type in `pending`, `widen_into(holder, held)` for each type its definition
/// names (and the definition an alias shares), and on from each that grew.
fn down(
    api: &Api,
    shared: &[Option<TypeId>],
    pending: &mut Vec<TypeId>,
    mut widen_into: impl FnMut(TypeId, TypeId) -> bool,
) {
    while let Some(holder) = pending.pop() {
        let mut held = Vec::new();
        if let Some(def) = api.types.get(holder.0) {
            def.kind
                .refs()
                .into_iter()
                .for_each(|ty| ty.named_ids(&mut held));
        }
        held.extend(shared.get(holder.0).copied().flatten());
        for held in held {
            if widen_into(holder, held) {
                pending.push(held);
            }
        }
    }
}

/// The reach of an item that exists with either of two.
fn union(a: &Reach, b: &Reach) -> Reach {
    match (a, b) {
        (Reach::Groups(a), Reach::Groups(b)) => {
            let mut groups: Vec<usize> = a.iter().chain(b).copied().collect();
            groups.sort_unstable();
            groups.dedup();
            Reach::Groups(groups)
        }
        _ => Reach::Always,
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};

    use super::*;
    use crate::emit::{Decoder, Encoder, Features, Plan, types};

    fn lower(text: &str) -> Api {
        let mut diags = crate::diag::Diagnostics::default();
        let doc = crate::load::load(text.as_bytes(), &mut diags).expect("loads");
        let (api, _) = crate::lower::lower_explained(&doc, &mut diags, false);
        assert!(!diags.has_errors(), "{:?}", diags.into_sorted());
        api.expect("lowers")
    }

    /// `tokens` without doc attributes (at any depth), with each name in `names` (and the
    /// string literal of it) renamed to what it maps to.
    fn normalized(tokens: TokenStream, names: &BTreeMap<String, String>) -> TokenStream {
        let mut out = Vec::new();
        let mut trees = tokens.into_iter().peekable();
        while let Some(tree) = trees.next() {
            match tree {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    let doc = matches!(trees.peek(), Some(TokenTree::Group(g))
                        if g.delimiter() == Delimiter::Bracket
                            && g.stream().to_string().starts_with("doc "));
                    if doc {
                        trees.next();
                    } else {
                        out.push(TokenTree::Punct(p));
                    }
                }
                TokenTree::Ident(i) => match names.get(&i.to_string()) {
                    Some(to) => out.push(TokenTree::Ident(Ident::new(to, i.span()))),
                    None => out.push(TokenTree::Ident(i)),
                },
                TokenTree::Literal(l) => {
                    let text = l.to_string();
                    match names.get(text.trim_matches('"')) {
                        Some(to) if text.starts_with('"') => {
                            out.push(TokenTree::Literal(proc_macro2::Literal::string(to)))
                        }
                        _ => out.push(TokenTree::Literal(l)),
                    }
                }
                TokenTree::Group(g) => {
                    let inner = normalized(g.stream(), names);
                    out.push(TokenTree::Group(Group::new(g.delimiter(), inner)));
                }
                other => out.push(other),
            }
        }
        out.into_iter().collect()
    }

    /// The names of the types that share a definition, sorted, after checking that each,
    /// emitted in full on its own, is the same item as its definition but for its name and
    /// docs (and the names of what it holds, which may be shared in turn).
    fn shared_and_emitted_identically(api: &Api) -> Vec<String> {
        let derives = ExtraDerives::new();
        // Every type serialized, so that only the key can tell two types apart.
        let plan = Plan::new(api, &derives, Features::Off, Decoder::Runtime, Encoder::All);
        let unshared = vec![None; api.types.len()];
        // Every type validated too (a shared definition is when any of its names is).
        let validated = vec![true; api.types.len()];
        let mut cx = plan.cx();
        cx.shared = &unshared;
        cx.validated = &validated;
        let names: BTreeMap<String, String> = plan
            .shared
            .iter()
            .enumerate()
            .filter_map(|(index, canonical)| {
                let canonical = (*canonical)?;
                Some((
                    api.type_def(TypeId(index)).rust_name.clone(),
                    api.type_def(canonical).rust_name.clone(),
                ))
            })
            .collect();
        for (index, canonical) in plan.shared.iter().enumerate() {
            let Some(canonical) = canonical else { continue };
            assert!(canonical.0 < index && plan.shared[canonical.0].is_none());
            let alias = api.type_def(TypeId(index));
            let target = api.type_def(*canonical);
            let own = types::type_item(&cx, TypeId(index), alias);
            let shared = types::type_item(&cx, *canonical, target);
            assert_eq!(
                normalized(own, &names).to_string(),
                normalized(shared, &names).to_string(),
                "{} shares {}",
                alias.rust_name,
                target.rust_name
            );
        }
        names.into_keys().collect()
    }

    /// The key is what the emitter reads: each enum that shares another's definition is
    /// emitted as that one would be; and the fixture's enums that must stay apart do.
    #[test]
    fn shared_enums_would_be_emitted_identically() {
        let api = lower(include_str!("../../../tests/fixtures/shared_enums.yaml"));
        assert_eq!(
            shared_and_emitted_identically(&api),
            [
                "NewRefundChannel",
                "NewRefundStatus",
                "OrderObject",
                "OrderStatus",
                "RefundObject",
                "RefundPriority",
                "RefundReason",
                "RefundStatus"
            ]
        );
    }

    /// The same for structs: shared through what they hold (the addresses share because
    /// their `geo` objects do), and the fixture's structs that must stay apart (a field's
    /// docs, a constraint, a default, the direction, holding themselves) do.
    #[test]
    fn shared_structs_would_be_emitted_identically() {
        let api = lower(include_str!("../../../tests/fixtures/shared_structs.yaml"));
        assert_eq!(
            shared_and_emitted_identically(&api),
            [
                "CreateShopBodyAddress",
                "CreateShopBodyAddressGeo",
                "ShopManagerKind",
                "ShopOwner",
                "ShopOwnerKind"
            ]
        );
    }

    /// A shared definition implements `Serialize` when any of its names is sent.
    #[test]
    fn the_shared_definition_serializes_when_any_name_is_sent() {
        let api = lower(include_str!("../../../tests/fixtures/shared_enums.yaml"));
        let derives = ExtraDerives::new();
        let plan = Plan::new(
            &api,
            &derives,
            Features::Off,
            Decoder::Runtime,
            Encoder::Sent,
        );
        let id = |name: &str| {
            TypeId(
                api.types
                    .iter()
                    .position(|t| t.rust_name == name)
                    .expect(name),
            )
        };
        // Only received, but `NewRefundChannel` (sent) shares its definition.
        let canonical = id("InvoiceChannel");
        assert_eq!(plan.shared[id("NewRefundChannel").0], Some(canonical));
        assert!(plan.serialized[canonical.0]);
        // Only received, all of them.
        let object = plan.shared[id("OrderObject").0].expect("shared");
        assert!(!plan.serialized[object.0]);
    }

    #[test]
    fn union_of_reaches_is_sorted_and_always_wins() {
        let a = Reach::Groups(vec![0, 3]);
        let b = Reach::Groups(vec![1, 3]);
        assert_eq!(union(&a, &b), Reach::Groups(vec![0, 1, 3]));
        assert_eq!(union(&a, &Reach::Always), Reach::Always);
        assert_eq!(union(&Reach::Always, &b), Reach::Always);
    }
}
