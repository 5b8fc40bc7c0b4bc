//! The derives the configuration adds to generated types (`[derives]` in `oagen.toml`,
//! decided by `tailor`), kept apart from `types.rs`, which only asks for them.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

use super::Cx;
use crate::ir::TypeId;

/// The `#[derive]` of what the configuration adds to a type; those the definition already
/// derives or implements (compared by their last path segment) are left out, so `Eq` added
/// to every type does not clash with the enums that have it, nor `serde::Deserialize` with
/// the impls `decode.rs` writes.
pub(super) fn extra(cx: &Cx<'_>, id: TypeId, item: &TokenStream) -> Option<TokenStream> {
    let extra = cx.derives.get(&id)?;
    let mut existing = Vec::new();
    // The outer attributes of the definition, up to its `struct`/`enum` keyword.
    for token in item.clone() {
        match token {
            TokenTree::Ident(ident) if ident == "struct" || ident == "enum" => break,
            TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => {
                let mut inner = group.stream().into_iter();
                if matches!(inner.next(), Some(TokenTree::Ident(i)) if i == "derive") {
                    if let Some(TokenTree::Group(list)) = inner.next() {
                        let mut last = None;
                        for t in list.stream() {
                            match t {
                                TokenTree::Ident(i) => last = Some(i.to_string()),
                                TokenTree::Punct(p) if p.as_char() == ',' => {
                                    existing.extend(last.take())
                                }
                                _ => {}
                            }
                        }
                        existing.extend(last);
                    }
                }
            }
            _ => {}
        }
    }
    // The traits the item implements by hand (`impl<'de> serde::Deserialize<'de> for`): a
    // derive of one would be a second impl.
    let mut tokens = item.clone().into_iter();
    while let Some(token) = tokens.next() {
        if matches!(&token, TokenTree::Ident(i) if i == "impl") {
            for t in tokens.by_ref() {
                match t {
                    TokenTree::Ident(i) if i == "for" => break,
                    TokenTree::Ident(i) => existing.push(i.to_string()),
                    // An inherent impl: `impl Name { .. }`.
                    TokenTree::Group(_) => break,
                    _ => {}
                }
            }
        }
    }
    let paths: Vec<TokenStream> = extra
        .iter()
        .filter(|path| {
            let last = path.rsplit("::").next().unwrap_or(path);
            !existing.iter().any(|e| e == last)
        })
        .filter_map(|path| path.parse::<TokenStream>().ok())
        .collect();
    if paths.is_empty() {
        return None;
    }
    Some(quote!(#[derive(#(#paths),*)]))
}
