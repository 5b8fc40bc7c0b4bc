//! The `Serialize` impl of a struct: one `oagen_runtime::ser` call per field instead of
//! serde's derive. It writes what the derive with `fields.rs`'s attributes wrote (wire
//! names; an optional field left out when `None`, an optional nullable one when absent; the
//! map of `additionalProperties` flattened after the fields), and `rustc` checks it in
//! about half the time: the derive's body has a `?` per field (Stripe: `serialize` was the
//! second largest part of its check).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::Cx;
use super::decode::free_generic;
use super::fields::{Repr, repr};
use crate::ir::{Direction, Presence, Struct};
use crate::naming::unraw;

/// `impl serde::Serialize for Name`.
pub(super) fn serialize_impl(
    cx: &Cx<'_>,
    name: &Ident,
    s: &Struct,
    direction: Direction,
) -> TokenStream {
    let generic = free_generic(cx, "S");
    let mut calls = Vec::new();
    let mut present = Vec::new();
    let mut always = 0usize;
    for field in &s.fields {
        let ident = format_ident!("{}", field.rust_name);
        let wire = &field.wire_name;
        let call = match (field.presence, repr(direction, field)) {
            (Presence::Required, _) => {
                always += 1;
                quote!(field)
            }
            (Presence::Optional, Repr::Nullable) => {
                present.push(quote!(!self.#ident.is_absent()));
                quote!(nullable)
            }
            (Presence::Optional, _) => {
                present.push(quote!(self.#ident.is_some()));
                quote!(optional)
            }
        };
        calls.push(quote!(object.#call(#wire, &self.#ident);));
    }
    let start = match &s.additional {
        Some(additional) => {
            let rest = format_ident!("{}", additional.rust_name);
            calls.push(quote!(object.rest(&self.#rest);));
            quote!(oagen_runtime::ser::Map::new(serializer))
        }
        None => {
            let struct_name = unraw(&name.to_string()).to_owned();
            let count = quote!(oagen_runtime::ser::count(&[#(#present),*]));
            let len = match (Literal::usize_unsuffixed(always), always) {
                (always, _) if present.is_empty() => quote!(#always),
                (_, 0) => count,
                (always, _) => quote!(#always + #count),
            };
            quote!(oagen_runtime::ser::Struct::new(serializer, #struct_name, #len))
        }
    };
    let object = if calls.is_empty() {
        quote!(let object = #start;)
    } else {
        quote!(let mut object = #start;)
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<#generic: serde::Serializer>(&self, serializer: #generic) -> ::std::result::Result<#generic::Ok, #generic::Error> {
                #object
                #(#calls)*
                object.end()
            }
        }
    }
}
