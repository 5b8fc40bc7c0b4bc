//! The `Deserialize` impl of a struct: a call of `oagen_runtime::de::object` with one line
//! per field, instead of serde's derive (issue 15: the derive was most of `rustc`'s time on
//! a generated crate). It decodes what the derive with `fields.rs`'s attributes decoded:
//!
//! | field | key absent | `null` |
//! |---|---|---|
//! | required | `missing_field` | as the type decodes it |
//! | required, nullable (`Option<T>`) | `None` | `None` |
//! | optional (`Option<T>`) | `None`, or the default | `None` |
//! | optional, nullable (`Nullable<T>`) | `Absent`, or the default | `Null` |

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::fields::{Repr, repr};
use super::{Cx, Place};
use crate::ir::{Direction, Presence, Struct, TypeRef};
use crate::naming::unraw;

/// `impl<'de> serde::Deserialize<'de> for Name`, through `oagen_runtime::de::object`.
pub(super) fn deserialize_impl(
    cx: &Cx<'_>,
    name: &Ident,
    s: &Struct,
    direction: Direction,
) -> TokenStream {
    // The locals are the fields' names: the parameter takes a name none of them has, and the
    // deserializer's type one no type of the API has (the map of `additionalProperties` names
    // its value type).
    let locals: Vec<String> = s
        .fields
        .iter()
        .map(|f| unraw(&f.rust_name).to_owned())
        .chain(s.additional.iter().map(|a| unraw(&a.rust_name).to_owned()))
        .collect();
    let mut parameter = "deserializer".to_owned();
    while locals.contains(&parameter) {
        parameter.push('_');
    }
    let parameter = format_ident!("{}", parameter);
    let mut generic = "D".to_owned();
    let mut n = 1;
    while cx.api.types.iter().any(|t| t.rust_name == generic) {
        n += 1;
        generic = format!("D{n}");
    }
    let generic = format_ident!("{}", generic);

    let mut slots = Vec::new();
    let mut entries = Vec::new();
    let mut values = Vec::new();
    for field in &s.fields {
        let ident = format_ident!("{}", field.rust_name);
        let wire = &field.wire_name;
        slots.push(quote!(let mut #ident = None;));
        let nullable = matches!(field.ty, TypeRef::Nullable(_));
        let value = match (field.presence, repr(direction, field), &field.default) {
            (Presence::Required, _, _) if !nullable => {
                entries.push(quote!(de::required(#wire, &mut #ident)));
                quote!(de::take::<#generic, _>(#ident, #wire)?)
            }
            // A missing `Option` is `None`, required or not, as with the derive.
            (Presence::Required, _, _) | (Presence::Optional, Repr::Option, None) => {
                entries.push(quote!(de::optional(#wire, &mut #ident)));
                quote!(#ident.flatten())
            }
            (Presence::Optional, _, Some(default)) => {
                entries.push(quote!(de::optional(#wire, &mut #ident)));
                let function = format_ident!("{}", default.function);
                quote!(#ident.unwrap_or_else(defaults::#function))
            }
            (Presence::Optional, _, None) => {
                entries.push(quote!(de::optional(#wire, &mut #ident)));
                quote!(#ident.unwrap_or_default())
            }
        };
        values.push(quote!(#ident: #value));
    }
    let rest = match &s.additional {
        Some(additional) => {
            let ident = format_ident!("{}", additional.rust_name);
            let map = cx.ty(
                Place::Types,
                &TypeRef::Map(Box::new(additional.ty.clone())),
                crate::ir::Boxing::Inline,
            );
            slots.push(quote!(let mut #ident: #map = ::std::default::Default::default();));
            values.push(quote!(#ident));
            quote!(Some(&mut #ident))
        }
        None => quote!(None),
    };
    let struct_name = name.to_string();
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<#generic: serde::Deserializer<'de>>(#parameter: #generic) -> ::std::result::Result<Self, #generic::Error> {
                use oagen_runtime::de;
                #(#slots)*
                de::object(#parameter, #struct_name, &mut [#(#entries),*], #rest)?;
                Ok(Self { #(#values),* })
            }
        }
    }
}
