//! Enums written once: two enums whose items would be the same but for their name and
//! docs share one definition, and every other name is a `pub type` of it. A large API
//! repeats the same enum under many names (the values of a `status` or `type` field declared
//! inline in each schema), and `rustc` checks each definition's dozen impls again; a type
//! alias costs it almost nothing, and every name a user can write still names a type.
//!
//! The choice is made once, in [`super::Plan::new`], from the IR alone, so every part of
//! `types.rs`, emitted on any thread, agrees on it.

use std::collections::BTreeMap;

use crate::ir::{Api, Deprecation, Enum, EnumRepr, Reach, TypeId, TypeKind};
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

/// Widens each canonical enum's `serialized` (or `validated`) flag and `#[cfg]` to those of
/// every type that shares it: it implements the trait when any of them must, and exists
/// whenever any of them does.
pub(super) fn widen(
    shared: &[Option<TypeId>],
    serialized: &mut [bool],
    reach: Option<&mut [Reach]>,
) {
    for (index, canonical) in shared.iter().enumerate() {
        let Some(canonical) = canonical else {
            continue;
        };
        if serialized.get(index).copied().unwrap_or(true) {
            if let Some(s) = serialized.get_mut(canonical.0) {
                *s = true;
            }
        }
    }
    let Some(reach) = reach else {
        return;
    };
    for (index, canonical) in shared.iter().enumerate() {
        let Some(canonical) = canonical else {
            continue;
        };
        let alias = reach.get(index).cloned().unwrap_or(Reach::Always);
        if let Some(target) = reach.get_mut(canonical.0) {
            *target = union(target, &alias);
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

    /// `tokens` without doc attributes (at any depth), and with `from` renamed `to`.
    fn normalized(tokens: TokenStream, from: &str, to: &str) -> TokenStream {
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
                TokenTree::Ident(i) if i == from => {
                    out.push(TokenTree::Ident(Ident::new(to, i.span())));
                }
                TokenTree::Group(g) => {
                    let inner = normalized(g.stream(), from, to);
                    out.push(TokenTree::Group(Group::new(g.delimiter(), inner)));
                }
                other => out.push(other),
            }
        }
        out.into_iter().collect()
    }

    /// The key is what the emitter reads: each enum that shares another's definition,
    /// emitted in full on its own, is the same item as that one but for its name and docs;
    /// and the fixture's enums that must stay apart do.
    #[test]
    fn shared_enums_would_be_emitted_identically() {
        let api = lower(include_str!("../../../tests/fixtures/shared_enums.yaml"));
        let derives = ExtraDerives::new();
        // Every type serialized, so that only the key can tell two enums apart.
        let plan = Plan::new(
            &api,
            &derives,
            Features::Off,
            Decoder::Runtime,
            Encoder::All,
        );
        let unshared = vec![None; api.types.len()];
        // Every type validated too (a shared definition is when any of its names is).
        let validated = vec![true; api.types.len()];
        let mut cx = plan.cx();
        cx.shared = &unshared;
        cx.validated = &validated;
        let mut aliases = Vec::new();
        for (index, canonical) in plan.shared.iter().enumerate() {
            let Some(canonical) = canonical else { continue };
            assert!(canonical.0 < index && plan.shared[canonical.0].is_none());
            let alias = api.type_def(TypeId(index));
            let target = api.type_def(*canonical);
            let own = types::type_item(&cx, TypeId(index), alias);
            let shared = types::type_item(&cx, *canonical, target);
            assert_eq!(
                normalized(own, &alias.rust_name, &target.rust_name).to_string(),
                normalized(shared, "", "").to_string(),
                "{} shares {}",
                alias.rust_name,
                target.rust_name
            );
            aliases.push(alias.rust_name.as_str());
        }
        aliases.sort_unstable();
        assert_eq!(
            aliases,
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
