//! The feature per resource group, in emitted code: the `#[cfg]` of each item, added by
//! the one helper each emitter calls per item (`Cx::gate_type`, `Cx::gate_operation`; for
//! enum variants, `Cx::cfg_of_type`), and the crate root's attributes.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use super::Cx;
use crate::ir::{Api, Operation, Reach, TypeId};

/// The features that compile each item, in a crate with a feature per resource group.
pub(super) struct Gates<'a> {
    /// By group index: `feature = "name"`.
    features: Vec<TokenStream>,
    /// By type id: which groups compile it ([`Api::type_reach`]).
    types: &'a [Reach],
}

impl<'a> Gates<'a> {
    pub(super) fn new(api: &Api, types: &'a [Reach]) -> Self {
        Gates {
            features: api
                .groups
                .iter()
                .map(|group| {
                    let name = &group.feature;
                    quote!(feature = #name)
                })
                .collect(),
            types,
        }
    }

    /// `#[cfg(..)]` for an item compiled when one of `groups` is on. Its note in the
    /// documentation needs no attribute of its own: with `feature(doc_cfg)` (under
    /// `docsrs`, in `lib.rs`), rustdoc shows every item's `cfg` (since `doc_auto_cfg` became
    /// part of `doc_cfg`); a `doc(cfg)` per item would add a line to every gated item.
    fn attrs(&self, groups: &[usize]) -> TokenStream {
        let features: Vec<&TokenStream> = groups
            .iter()
            .filter_map(|&g| self.features.get(g))
            .collect();
        let predicate = match features[..] {
            [] => return quote!(),
            [one] => quote!(#one),
            _ => quote!(any(#(#features),*)),
        };
        quote!(#[cfg(#predicate)])
    }
}

impl Cx<'_> {
    /// The attribute (`#[cfg]`) of an item that exists only with a type: empty unless the
    /// crate has features and only some groups reach the type. For an item that is not a
    /// whole top-level item (an enum variant).
    pub(super) fn cfg_of_type(&self, id: TypeId) -> TokenStream {
        match &self.gates {
            Some(gates) => match gates.types.get(id.0) {
                Some(Reach::Groups(groups)) => gates.attrs(groups),
                Some(Reach::Always) | None => quote!(),
            },
            None => quote!(),
        }
    }

    /// The attributes of an item that exists only with an operation: its group's feature.
    pub(super) fn cfg_of_operation(&self, op: &Operation) -> TokenStream {
        match (&self.gates, self.api.group_index(&op.group)) {
            (Some(gates), Some(group)) => gates.attrs(&[group]),
            _ => quote!(),
        }
    }

    /// `items` (any number of whole items: a type and its impls, a method) each compiled
    /// only with the type `id` ([`Cx::cfg_of_type`]).
    pub(super) fn gate_type(&self, id: TypeId, items: TokenStream) -> TokenStream {
        gate(self.cfg_of_type(id), items)
    }

    /// The group whose feature compiles the operation, when the crate has features.
    pub(super) fn gated(&self, op: &Operation) -> Option<usize> {
        self.gates.as_ref()?;
        self.api.group_index(&op.group)
    }

    /// `items` each compiled only when one of `groups` is on (the groups of the
    /// operations that use them).
    pub(super) fn gate_groups(&self, groups: &[usize], items: TokenStream) -> TokenStream {
        match &self.gates {
            Some(gates) => {
                let mut groups = groups.to_vec();
                groups.sort_unstable();
                gate(gates.attrs(&groups), items)
            }
            None => items,
        }
    }

    /// `items` each compiled only with the operation's feature.
    pub(super) fn gate_operation(&self, op: &Operation, items: TokenStream) -> TokenStream {
        gate(self.cfg_of_operation(op), items)
    }

    /// Inner attributes of the crate root: each item's `cfg` shown on docs.rs, and no
    /// unused-import warnings in a build without every feature (the modules import what
    /// some feature's items use). Empty without features.
    pub(super) fn crate_attrs(&self) -> TokenStream {
        match &self.gates {
            Some(gates) => {
                let features = &gates.features;
                quote! {
                    #![cfg_attr(docsrs, feature(doc_cfg))]
                    #![cfg_attr(not(all(#(#features),*)), allow(unused_imports))]
                }
            }
            None => quote!(),
        }
    }
}

/// `attrs` put before each top-level item of `items` (cut where `render` cuts them: after a
/// top-level `;`, or a `{ .. }` not followed by `;`; the emitters write no item that has a
/// `{ .. }` inside its signature).
fn gate(attrs: TokenStream, items: TokenStream) -> TokenStream {
    if attrs.is_empty() || items.is_empty() {
        return items;
    }
    crate::render::split_items(items)
        .into_iter()
        .map(|item| {
            // After the item's doc comments, so that the documentation comes first.
            let mut tokens = item.into_iter().peekable();
            let mut docs = TokenStream::new();
            while let Some(TokenTree::Punct(hash)) = tokens.peek() {
                if hash.as_char() != '#' {
                    break;
                }
                let hash = tokens.next();
                match tokens.next() {
                    Some(TokenTree::Group(group)) if is_doc_attribute(&group) => {
                        docs.extend(hash);
                        docs.extend([TokenTree::Group(group)]);
                    }
                    other => {
                        let rest: TokenStream =
                            hash.into_iter().chain(other).chain(tokens).collect();
                        return quote!(#docs #attrs #rest);
                    }
                }
            }
            let rest: TokenStream = tokens.collect();
            quote!(#docs #attrs #rest)
        })
        .collect()
}

/// Whether `[..]` is a `doc = ".."` attribute.
fn is_doc_attribute(group: &proc_macro2::Group) -> bool {
    group.delimiter() == proc_macro2::Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
}
