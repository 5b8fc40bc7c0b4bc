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
        (quote!(), quote!())
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
    let variants = t.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let ty = cx.ty(Place::Types, &v.ty, v.boxing);
        let values: Vec<String> = v
            .tag_values
            .iter()
            .map(|value| format!("`{}`", value.replace('`', "'")))
            .collect();
        let doc = super::escape_controls(&format!(
            " `{}` is {}.",
            tag.replace('`', "'"),
            values.join(" or ")
        ));
        quote!(#[doc = #doc] #ident(#ty),)
    });
    let arms: Vec<TokenStream> = t.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        match (t.origin, v.tag_values.as_slice()) {
            (TagOrigin::Discriminator, [value, ..]) => quote!(
                Self::#ident(value) => oagen_runtime::tagged::serialize(serializer, #tag, #value, value),
            ),
            // The variant's own tag field says which value it is.
            _ => quote!(Self::#ident(value) => serde::Serialize::serialize(value, serializer),),
        }
    }).collect();
    let deserialize = t.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let values = &v.tag_values;
        quote!(Some(#(#values)|*) => oagen_runtime::tagged::variant(&value).map(Self::#ident),)
    });
    let serialize_impl = serialize.then(|| {
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
        " A value whose `{}` this client does not know (the API added it later), kept as received.",
        tag.replace('`', "'")
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
                    _ => oagen_runtime::tagged::unknown(value).map(Self::#fallback),
                }
            }
        }
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
