//! `types.rs`, the unions: untagged `Union`s (the variant chosen by
//! `oagen_runtime::union`, `Display` when every variant is text) and tagged `Tagged` ones
//! (chosen by a tag property, an unknown tag kept as JSON), with their `Deserialize` and
//! `Serialize` impls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Place};
use crate::ir::{TagOrigin, Tagged, Union, UnionDisplay};

pub(super) fn union_item(
    cx: &Cx<'_>,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    u: &Union,
    serialize: bool,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let ty = cx.ty(Place::Types, &v.ty, v.boxing);
        quote!(#ident(#ty),)
    });
    let display = match u.display {
        UnionDisplay::Text => {
            let arms = u.variants.iter().map(|v| {
                let ident = format_ident!("{}", v.rust_name);
                quote!(Self::#ident(value) => ::std::fmt::Display::fmt(value, f),)
            });
            quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self {
                            #(#arms)*
                        }
                    }
                }
            }
        }
        UnionDisplay::None => quote!(),
    };
    let result = cx.prelude(Place::Types, "Result");
    let large = allow_large(u.variants.iter().any(|v| cx.large(&v.ty, v.boxing)));
    let attempts = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        quote!(|v| oagen_runtime::union::variant(v).map(Self::#ident),)
    });
    let (derive_serialize, untagged) = if serialize {
        (quote!(, serde::Serialize), quote!(#[serde(untagged)]))
    } else {
        (
            quote!(),
            super::mock_only(quote!(#[derive(serde::Serialize)] #[serde(untagged)])),
        )
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #derive_serialize)]
        #untagged
        #large
        pub enum #name {
            #(#variants)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                oagen_runtime::union::deserialize(deserializer, &[#(#attempts)*])
            }
        }

        #display
    }
}

/// An enum chosen by a tag property; a value with an unknown tag is kept as JSON.
pub(super) fn tagged_item(
    cx: &Cx<'_>,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    t: &Tagged,
    serialize: bool,
) -> TokenStream {
    let result = cx.prelude(Place::Types, "Result");
    let fallback = format_ident!("{}", t.fallback);
    let tag = &t.tag;
    let variants = t.variants.iter().enumerate().map(|(index, v)| {
        let ident = format_ident!("{}", v.rust_name);
        let ty = cx.ty(Place::Types, &v.ty, v.boxing);
        let doc = super::escape_controls(&variant_doc(t, index));
        quote!(#[doc = #doc] #ident(#ty),)
    });
    let arms: Vec<TokenStream> = t.variants.iter().enumerate().map(|(index, v)| {
        let ident = format_ident!("{}", v.rust_name);
        match (t.origin, v.tag_values.as_slice()) {
            // The default keeps a tag it was received with.
            (TagOrigin::Discriminator, [value, ..]) if t.default == Some(index) => quote!(
                Self::#ident(value) => oagen_runtime::tagged::serialize_default(serializer, #tag, #value, value),
            ),
            (TagOrigin::Discriminator, [value, ..]) => quote!(
                Self::#ident(value) => oagen_runtime::tagged::serialize(serializer, #tag, #value, value),
            ),
            // The variant's own tag field says which value it is.
            _ => quote!(Self::#ident(value) => serde::Serialize::serialize(value, serializer),),
        }
    }).collect();
    let deserialize = t
        .variants
        .iter()
        .filter(|v| !v.tag_values.is_empty())
        .map(|v| {
            let ident = format_ident!("{}", v.rust_name);
            let values = &v.tag_values;
            quote!(Some(#(#values)|*) => oagen_runtime::tagged::variant(&value).map(Self::#ident),)
        });
    // A missing or unknown tag: the default variant (`defaultMapping`) when the value fits
    // it, else kept as JSON.
    let otherwise = match t.default.and_then(|index| t.variants.get(index)) {
        Some(v) => {
            let ident = format_ident!("{}", v.rust_name);
            quote!(match oagen_runtime::tagged::variant::<_, D::Error>(&value) {
                Ok(variant) => Ok(Self::#ident(variant)),
                Err(_) => oagen_runtime::tagged::unknown(value).map(Self::#fallback),
            })
        }
        None => quote!(oagen_runtime::tagged::unknown(value).map(Self::#fallback)),
    };
    let serialize_impl = super::serialize_impl(serialize, {
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                    match self {
                        #(#arms)*
                        Self::#fallback(value) => serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        }
    });
    let large = allow_large(t.variants.iter().any(|v| cx.large(&v.ty, v.boxing)));
    let fallback_doc = super::escape_controls(&format!(
        " A value whose `{}` this client does not know (the API added it later), kept as received{}.",
        tag.replace('`', "'"),
        if t.default.is_some() {
            " when it does not fit the default variant either"
        } else {
            ""
        }
    ));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #large
        pub enum #name {
            #(#variants)*
            #[doc = #fallback_doc]
            #fallback(serde_json::Value),
        }

        #serialize_impl

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match oagen_runtime::tagged::tag(&value, #tag).as_deref() {
                    #(#deserialize)*
                    _ => #otherwise,
                }
            }
        }
    }
}

/// The doc line of a tagged union's variant: the tag values that choose it, and whether it
/// is the default (`defaultMapping`).
fn variant_doc(t: &Tagged, index: usize) -> String {
    let tag = t.tag.replace('`', "'");
    let values: Vec<String> = t.variants[index]
        .tag_values
        .iter()
        .map(|value| format!("`{}`", value.replace('`', "'")))
        .collect();
    match (t.default == Some(index), values.is_empty()) {
        (false, _) => format!(" `{tag}` is {}.", values.join(" or ")),
        (true, true) => format!(" `{tag}` is missing or names no other variant (the default)."),
        (true, false) => format!(
            " `{tag}` is {}, or is missing or names no other variant (the default).",
            values.join(" or ")
        ),
    }
}

/// `#[allow(clippy::large_enum_variant)]` on an enum one of whose variants may be large.
pub(super) fn allow_large(large: bool) -> TokenStream {
    if large {
        quote!(#[allow(clippy::large_enum_variant)])
    } else {
        quote!()
    }
}
