//! `operations.rs`, the error bodies: the closure that decodes a non-success body into
//! `ErrorBody` by status, one per distinct set of error responses, shared by the operations
//! that declare it.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Cx;
use crate::ir::{ErrorResponse, StatusMatch};

/// One decoder of error bodies per distinct set of error responses, shared by the operations
/// that declare that set (issue 27: a large API declares the same errors on hundreds of
/// operations, and `rustc` checked a closure for each).
pub(super) struct ErrorDecoders {
    /// By operation index: the name of its decoder.
    pub(super) names: Vec<proc_macro2::Ident>,
    /// By decoder, in order of first use: its name, its closure, and the groups of the
    /// operations that use it (`None`: one of them is always compiled).
    decoders: Vec<(proc_macro2::Ident, TokenStream, Option<Vec<usize>>)>,
}

impl ErrorDecoders {
    pub(super) fn new(cx: &Cx<'_>) -> Self {
        let mut index_of: std::collections::BTreeMap<String, usize> = Default::default();
        let mut closures: Vec<(TokenStream, Option<Vec<usize>>)> = Vec::new();
        let mut indices = Vec::new();
        for op in &cx.api.operations {
            let closure = decode_error(cx, &op.errors);
            let index = *index_of.entry(closure.to_string()).or_insert_with(|| {
                closures.push((closure, Some(Vec::new())));
                closures.len() - 1
            });
            let groups = &mut closures[index].1;
            match (cx.gated(op), groups.as_mut()) {
                (Some(group), Some(groups)) if !groups.contains(&group) => groups.push(group),
                (Some(_), _) => {}
                (None, _) => *groups = None,
            }
            indices.push(index);
        }
        let single = closures.len() == 1;
        let decoders: Vec<_> = closures
            .into_iter()
            .enumerate()
            .map(|(index, (closure, groups))| {
                let name = if single {
                    format_ident!("DECODE_ERROR")
                } else {
                    format_ident!("DECODE_ERROR_{}", index + 1)
                };
                (name, closure, groups)
            })
            .collect();
        ErrorDecoders {
            names: indices.into_iter().map(|i| decoders[i].0.clone()).collect(),
            decoders,
        }
    }

    /// The decoders: constants of the runtime's `ErrorDecoder` type, each compiled with the
    /// features of the operations that use it.
    pub(super) fn items(&self, cx: &Cx<'_>) -> TokenStream {
        let items = self.decoders.iter().map(|(name, closure, groups)| {
            let item = quote! {
                /// Decodes the error body of a response, by status, for the operations
                /// that declare these error responses.
                const #name: oagen_runtime::ErrorDecoder<ErrorBody> = #closure;
            };
            match groups {
                Some(groups) => cx.gate_groups(groups, item),
                None => item,
            }
        });
        quote!(#(#items)*)
    }
}

/// The `match` pattern for a status: `404`, `400..=499`, or `_` for `default`.
pub(super) fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(digit) => {
            let low = Literal::u16_unsuffixed(digit * 100);
            let high = Literal::u16_unsuffixed(digit * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// The closure that decodes a non-success body into `ErrorBody`, by status: exact codes
/// first, then ranges, then `default`.
fn decode_error(cx: &Cx<'_>, errors: &[ErrorResponse]) -> TokenStream {
    if errors.iter().all(|e| e.body.is_none()) {
        return quote!(|_, _| None);
    }
    let mut sorted: Vec<&ErrorResponse> = errors.iter().collect();
    sorted.sort_by_key(|e| e.status);
    // An arm without a body matters only when a broader arm after it would decode.
    let covered_later = |index: usize, status: StatusMatch| {
        sorted[index + 1..].iter().any(|later| {
            later.body.is_some()
                && match (status, later.status) {
                    (_, StatusMatch::Default) => true,
                    (StatusMatch::Code(code), StatusMatch::Range(digit)) => code / 100 == digit,
                    _ => false,
                }
        })
    };
    let mut has_default = false;
    let arms: Vec<TokenStream> = sorted
        .iter()
        .enumerate()
        .filter(|(index, error)| error.body.is_some() || covered_later(*index, error.status))
        .map(|(_, error)| {
            has_default |= error.status == StatusMatch::Default;
            let pattern = status_pattern(error.status);
            let value = match error.body {
                Some(id) => {
                    let variant = format_ident!("{}", cx.api.type_def(id).rust_name);
                    quote!(oagen_runtime::decode_json(body).map(ErrorBody::#variant))
                }
                None => quote!(None),
            };
            quote!(#pattern => #value,)
        })
        .collect();
    // Only `default` declares a body: no status to tell apart.
    if let [only] = sorted.as_slice() {
        if let (StatusMatch::Default, Some(id)) = (only.status, only.body) {
            let variant = format_ident!("{}", cx.api.type_def(id).rust_name);
            return quote!(|_, body| oagen_runtime::decode_json(body).map(ErrorBody::#variant));
        }
    }
    let fallback = if has_default {
        quote!()
    } else {
        quote!(_ => None,)
    };
    quote! {
        |status, body| match status.as_u16() {
            #(#arms)*
            #fallback
        }
    }
}
