//! `types.rs`, the fields of structs: their Rust type (presence, nullability and the way the
//! type travels decide the wrappers), their serde attributes and their setters.
//!
//! | field | in a type that is sent (or unused) | in a type only received |
//! |---|---|---|
//! | required | `T` | `T` |
//! | required, nullable | `Option<T>`, `null` written for `None` | same |
//! | optional | `Option<T>`, not written when `None` | same |
//! | optional, nullable | `oagen_runtime::Nullable<T>`: absent, `null`, value | `Option<T>`: absent and `null` are `None` |

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Place};
use crate::ir::{Deprecation, Direction, Field, Presence, TypeRef};
use crate::naming::unraw;

/// How a field holds its value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Repr {
    /// `T`.
    Plain,
    /// `Option<T>`.
    Option,
    /// `oagen_runtime::Nullable<T>`.
    Nullable,
}

pub(super) fn repr(direction: Direction, field: &Field) -> Repr {
    let nullable = matches!(field.ty, TypeRef::Nullable(_));
    match (field.presence, nullable) {
        (Presence::Required, false) => Repr::Plain,
        (Presence::Optional, true) if direction.keeps_null() => Repr::Nullable,
        _ => Repr::Option,
    }
}

/// The Rust type of a field.
pub(super) fn field_type(cx: &Cx<'_>, direction: Direction, field: &Field) -> TokenStream {
    match repr(direction, field) {
        // A required nullable field is `Option<T>` through its type.
        Repr::Plain => cx.ty(Place::Types, &field.ty, field.boxing),
        Repr::Option if field.presence == Presence::Required => {
            cx.ty(Place::Types, &field.ty, field.boxing)
        }
        Repr::Option => {
            let option = cx.prelude(Place::Types, "Option");
            let ty = cx.ty(Place::Types, field.ty.non_null(), field.boxing);
            quote!(#option<#ty>)
        }
        Repr::Nullable => {
            let ty = cx.ty(Place::Types, field.ty.non_null(), field.boxing);
            quote!(oagen_runtime::Nullable<#ty>)
        }
    }
}

/// `#[serde(..)]` of a field: its wire name when it differs; for an optional field, when it
/// is left out, and, when `derive` (serde's derive decodes the struct, not `decode.rs`), its
/// default (the document's; `Nullable` is `Absent`; a missing `Option` is `None` by itself).
pub(super) fn field_attrs(direction: Direction, field: &Field, derive: bool) -> TokenStream {
    let mut serde = Vec::new();
    if unraw(&field.rust_name) != field.wire_name {
        let wire = &field.wire_name;
        serde.push(quote!(rename = #wire));
    }
    let repr = repr(direction, field);
    if field.presence == Presence::Optional {
        match &field.default {
            Some(default) if derive => {
                let path = format!("defaults::{}", default.function);
                serde.push(quote!(default = #path));
            }
            None if derive && repr == Repr::Nullable => serde.push(quote!(default)),
            _ => {}
        }
        if repr == Repr::Nullable {
            serde.push(quote!(
                skip_serializing_if = "oagen_runtime::Nullable::is_absent"
            ));
        } else {
            serde.push(quote!(
                skip_serializing_if = "::std::option::Option::is_none"
            ));
        }
    }
    if serde.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde),*)])
    }
}

/// A field's value with a type of its own, stored: `Some(value)`, `Nullable::Value(value)`.
pub(super) fn stored(repr: Repr, value: TokenStream) -> TokenStream {
    match repr {
        Repr::Plain => value,
        Repr::Option => quote!(Some(#value)),
        Repr::Nullable => quote!(oagen_runtime::Nullable::Value(#value)),
    }
}

/// `then`, with `value` bound to a reference to the value of the field at `place` (an
/// expression), when it has one (not absent, not `null`).
pub(super) fn with_value(field: &Field, place: TokenStream, then: TokenStream) -> TokenStream {
    let nullable = matches!(field.ty, TypeRef::Nullable(_));
    if field.presence == Presence::Required && !nullable {
        quote!({ let value = &#place; #then })
    } else {
        // `as_ref` reads `Option` and `Nullable` alike.
        quote!(if let Some(value) = #place.as_ref() { #then })
    }
}

/// `#[deprecated]` for an item the document marks `deprecated: true`. (The generated
/// modules allow deprecated items inside themselves; users see the warning.)
pub(super) fn deprecated_attr(deprecation: Deprecation) -> TokenStream {
    match deprecation {
        Deprecation::Deprecated => quote!(#[deprecated]),
        Deprecation::Current => quote!(),
    }
}

/// `pub fn email(mut self, value: impl Into<String>) -> Self`, for an optional field. The
/// setter of a field that keeps `null` apart sets a value; its docs say how to send `null`.
pub(super) fn setter(cx: &Cx<'_>, direction: Direction, field: &Field) -> Option<TokenStream> {
    let setter = format_ident!("{}", field.setter.as_ref()?);
    let ident = format_ident!("{}", field.rust_name);
    let repr = repr(direction, field);
    let (arg, conversion) = cx.argument(Place::Types, field.ty.non_null(), field.boxing);
    let value = stored(repr, conversion.apply(cx, Place::Types, quote!(value)));
    let doc = format!(" Sets `{}`.", unraw(&field.rust_name));
    let null_doc = if repr == Repr::Nullable {
        let line = format!(
            " To send `null`, assign `oagen_runtime::Nullable::Null` to the `{}` field.",
            unraw(&field.rust_name)
        );
        quote!(#[doc = ""] #[doc = #line])
    } else {
        quote!()
    };
    let deprecated = deprecated_attr(field.docs.deprecated);
    Some(quote! {
        #[doc = #doc]
        #null_doc
        #deprecated
        pub fn #setter(mut self, value: #arg) -> Self {
            self.#ident = #value;
            self
        }
    })
}
