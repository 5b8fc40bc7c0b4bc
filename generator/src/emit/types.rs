//! `types.rs`: one item per IR type.

use std::ops::Range;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::fields::{Repr, deprecated_attr, field_attrs, field_type, repr, setter};
use super::unions::{tagged_item, union_item};
use super::{Conversion, Cx, Place, doc_attrs};
use crate::ir::{
    Api, Direction, Enum, EnumRepr, Field, Presence, Struct, TypeDef, TypeId, TypeKind, TypeRef,
};

/// The parts `types.rs` is emitted in: one per type, then the defaults module.
pub(super) fn parts(api: &Api) -> usize {
    api.types.len() + 1
}

/// Parts `parts` of `types.rs` ([`parts`]).
pub(super) fn types_rs(cx: &Cx<'_>, parts: Range<usize>) -> TokenStream {
    let types = cx.api.types.len();
    let items = cx
        .api
        .types
        .iter()
        .enumerate()
        .skip(parts.start)
        .take(parts.end.min(types).saturating_sub(parts.start))
        .map(|(index, def)| type_item(cx, TypeId(index), def));
    let defaults = parts
        .contains(&types)
        .then(|| super::defaults::defaults_module(cx));
    quote! {
        #(#items)*
        #defaults
    }
}

pub(super) fn type_item(cx: &Cx<'_>, id: TypeId, def: &TypeDef) -> TokenStream {
    if let Some(canonical) = cx.shared.get(id.0).copied().flatten() {
        return cx.gate_type(id, shared_alias(cx, def, canonical));
    }
    let docs = doc_attrs(&def.docs);
    let deprecated = deprecated_attr(def.docs.deprecated);
    let docs = quote!(#docs #deprecated);
    let name = format_ident!("{}", def.rust_name);
    let mut item = type_definition(cx, id, def, &docs, &name);
    if let Some(derives) = super::derives::extra(cx, id, &item) {
        // After the docs, in a `#[derive]` of their own.
        item = type_definition(cx, id, def, &quote!(#docs #derives), &name);
    }
    let validate = super::validate::validate_item(cx, id, def, &name);
    cx.gate_type(id, quote!(#item #validate))
}

/// An enum written as another's name: its own docs, with a line that says which.
fn shared_alias(cx: &Cx<'_>, def: &TypeDef, canonical: TypeId) -> TokenStream {
    let target = &cx.api.type_def(canonical).rust_name;
    let mut docs = def.docs.clone();
    let same = match def.kind {
        TypeKind::Struct(_) => "fields",
        _ => "values",
    };
    docs.notes.push(format!(
        "The same type as [`{}`], which has the same {same}: one definition for both.",
        target.trim_start_matches("r#")
    ));
    let docs = doc_attrs(&docs);
    let deprecated = deprecated_attr(def.docs.deprecated);
    let name = format_ident!("{}", def.rust_name);
    let target = format_ident!("{}", target);
    quote! {
        #docs
        #deprecated
        pub type #name = #target;
    }
}

fn type_definition(
    cx: &Cx<'_>,
    id: TypeId,
    def: &TypeDef,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let serialize = cx.serializes(id);
    match &def.kind {
        TypeKind::Struct(s) => {
            // serde's derive writes `Serialize` with the derive decoder, and when the
            // configuration adds derives (which may read its `#[serde]` attributes).
            let encode = if cx.decoder == super::Decoder::Derive || cx.derives.contains_key(&id) {
                Encode::Derive
            } else {
                Encode::Calls
            };
            struct_item(cx, docs, name, s, def.direction, (serialize, encode))
        }
        TypeKind::Enum(e) => enum_item(cx, docs, name, e, serialize),
        TypeKind::Union(u) => union_item(cx, docs, name, u, serialize),
        TypeKind::Tagged(t) => tagged_item(cx, docs, name, t, serialize),
        TypeKind::Newtype(inner) => {
            let inner = cx.ty(Place::Types, inner, crate::ir::Boxing::Inline);
            let (serialize, mock) = super::serialize_derive(serialize);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Default, #serialize serde::Deserialize)]
                #mock
                #[serde(transparent)]
                pub struct #name(pub #inner);
            }
        }
        TypeKind::Alias(target) => {
            let target = cx.ty(Place::Types, target, crate::ir::Boxing::Inline);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

/// How a struct implements `Serialize`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encode {
    /// serde's derive, with `#[serde]` field attributes.
    Derive,
    /// `encode.rs`'s impl, without attributes.
    Calls,
}

/// A struct, its `Deserialize` and `Serialize` (`serialize`: whether it is sent, else only
/// with the `mock` feature; and how), its constructor and setters.
fn struct_item(
    cx: &Cx<'_>,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    s: &Struct,
    direction: Direction,
    (serialize, encode): (bool, Encode),
) -> TokenStream {
    let derive = cx.decoder == super::Decoder::Derive;
    let (fields, additional_field, additional_init) =
        struct_fields(cx, s, direction, derive, (serialize, encode));
    let (required, params_of) = required_fields(cx, s);
    // A type only received is never built by the user: no `Default`, no setters.
    let built = direction != Direction::Response;
    let derive_default = if required.is_empty() && built {
        quote!(Default,)
    } else {
        quote!()
    };
    // Nor does it need one, except to answer with in a test of the `mock` feature.
    let mock_default = if required.is_empty() && !built {
        quote!(#[cfg_attr(feature = "mock", derive(Default))])
    } else {
        quote!()
    };

    // A type only received keeps a constructor of its required fields (to build answers
    // in tests), but not an empty one: that would be `Default`.
    let methods = if built || !params_of.is_empty() {
        let constructor = constructor(cx, s, direction, &additional_init);
        let setters = s
            .fields
            .iter()
            .filter(|_| built)
            .filter_map(|field| setter(cx, direction, field));
        quote! {
            impl #name {
                #constructor

                #(#setters)*
            }
        }
    } else {
        quote!()
    };
    // Every required field is a `const`: `new()` takes nothing, so `Default` is `new()`.
    let default_impl = if built && !required.is_empty() && params_of.is_empty() {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    } else {
        quote!()
    };
    let (derive_deserialize, decode) = if derive {
        (quote!(serde::Deserialize,), quote!())
    } else {
        let decode = super::decode::deserialize_impl(cx, name, s, direction);
        (quote!(), decode)
    };
    let (derive_serialize, mock_serialize, encode) = match encode {
        Encode::Derive => {
            let (derive, mock) = super::serialize_derive(serialize);
            (derive, mock, quote!())
        }
        Encode::Calls => {
            let item = super::encode::serialize_impl(cx, name, s, direction);
            (quote!(), quote!(), super::serialize_impl(serialize, item))
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default #derive_serialize #derive_deserialize)]
        #mock_default
        #mock_serialize
        #[non_exhaustive]
        pub struct #name {
            #fields
            #additional_field
        }

        #decode

        #encode

        #methods

        #default_impl
    }
}

/// A struct's fields, its `additionalProperties` field, and that field's initializer in
/// `new()`. `#[serde]` attributes are written for serde's derives only: for its
/// `Deserialize` (`derive`), and for its `Serialize`, only with the `mock` feature when the
/// type is not sent.
fn struct_fields(
    cx: &Cx<'_>,
    s: &Struct,
    direction: Direction,
    derive: bool,
    (serialize, encode): (bool, Encode),
) -> (TokenStream, TokenStream, TokenStream) {
    let attrs_of = |attrs: TokenStream| match (derive, encode, serialize) {
        (true, _, _) | (false, Encode::Derive, true) => attrs,
        (false, Encode::Derive, false) => super::mock_only(attrs),
        (false, Encode::Calls, _) => quote!(),
    };
    let fields = s.fields.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let deprecated = deprecated_attr(field.docs.deprecated);
        let docs = quote!(#docs #deprecated);
        let attrs = attrs_of(field_attrs(direction, field, derive));
        let ident = format_ident!("{}", field.rust_name);
        let ty = field_type(cx, direction, field);
        quote! {
            #docs
            #attrs
            pub #ident: #ty,
        }
    });
    let fields = quote!(#(#fields)*);
    match &s.additional {
        Some(additional) => {
            let ident = format_ident!("{}", additional.rust_name);
            let map = cx.ty(
                Place::Types,
                &TypeRef::Map(Box::new(additional.ty.clone())),
                crate::ir::Boxing::Inline,
            );
            let flatten = attrs_of(quote!(#[serde(flatten)]));
            (
                fields,
                quote! {
                    /// The properties not named above (`additionalProperties`).
                    #flatten
                    pub #ident: #map,
                },
                quote!(#ident: ::std::default::Default::default(),),
            )
        }
        None => (fields, quote!(), quote!()),
    }
}

/// A struct's required fields, and those of them `new()` asks for: required fields with a
/// single possible value (`const`) are filled in, not asked for.
fn required_fields<'s>(cx: &Cx<'_>, s: &'s Struct) -> (Vec<&'s Field>, Vec<&'s Field>) {
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let params_of = required
        .iter()
        .copied()
        .filter(|f| fixed_value(cx, f).is_none())
        .collect();
    (required, params_of)
}

/// `new()`: the required fields as arguments, except those with a single possible value
/// (`const`), which are filled in.
fn constructor(
    cx: &Cx<'_>,
    s: &Struct,
    direction: Direction,
    additional_init: &TokenStream,
) -> TokenStream {
    let (required, params_of) = required_fields(cx, s);
    let params = params_of.iter().map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        let (ty, _) = cx.argument(Place::Types, &field.ty, field.boxing);
        quote!(#ident: #ty)
    });
    let inits = s.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        match field.presence {
            Presence::Required if fixed_value(cx, field).is_some() => {
                let value = fixed_value(cx, field);
                quote!(#ident: #value)
            }
            Presence::Required => {
                let (_, conversion) = cx.argument(Place::Types, &field.ty, field.boxing);
                let value = conversion.apply(cx, Place::Types, quote!(#ident));
                if matches!(conversion, Conversion::None) {
                    quote!(#ident)
                } else {
                    quote!(#ident: #value)
                }
            }
            Presence::Optional if repr(direction, field) == Repr::Nullable => {
                quote!(#ident: oagen_runtime::Nullable::Absent)
            }
            Presence::Optional => quote!(#ident: None),
        }
    });
    let body = if required.is_empty() {
        quote!(Self::default())
    } else {
        quote!(Self { #(#inits,)* #additional_init })
    };
    let many_arguments = if params_of.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    let constructor_doc = if required.is_empty() {
        " A value with every field unset."
    } else {
        " A value with the required fields; the optional ones start unset."
    };
    quote! {
        #[doc = #constructor_doc]
        #many_arguments
        pub fn new(#(#params),*) -> Self {
            #body
        }
    }
}

/// The one value a required field can hold: a variant of a one-value enum (`const`).
fn fixed_value(cx: &Cx<'_>, field: &Field) -> Option<TokenStream> {
    let TypeRef::Named(id) = &field.ty else {
        return None;
    };
    if field.presence != Presence::Required || field.boxing != crate::ir::Boxing::Inline {
        return None;
    }
    match &cx.api.type_def(*id).kind {
        TypeKind::Enum(e) if e.variants.len() == 1 => {
            let ty = cx.ty(Place::Types, &field.ty, field.boxing);
            let variant = format_ident!("{}", e.variants[0].rust_name);
            Some(quote!(#ty::#variant))
        }
        _ => None,
    }
}

fn enum_item(
    cx: &Cx<'_>,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    e: &Enum,
    serialize: bool,
) -> TokenStream {
    if e.repr == EnumRepr::Integer {
        return integer_enum_item(docs, name, e, serialize);
    }
    let string = cx.prelude(Place::Types, "String");
    let fallback = format_ident!("{}", e.fallback);
    let serialize = super::serialize_impl(
        serialize,
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        },
    );
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let value = if v.wire_value.is_empty() {
            "The empty string.".to_owned()
        } else {
            format!("`{}`", v.wire_value.replace('`', "'"))
        };
        let mut docs = v.docs.clone();
        docs.summary = Some(value);
        let docs = doc_attrs(&docs);
        quote!(#docs #ident,)
    });
    let as_str = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let wire = &v.wire_value;
        quote!(Self::#ident => #wire,)
    });
    let from_str = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let wire = &v.wire_value;
        quote!(#wire => Self::#ident,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know (the API added it later), kept as received.
            #fallback(#string),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        #serialize

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#string as serde::Deserialize>::deserialize(deserializer)?;
                let decoded = Self::from(value.as_str());
                if let Self::#fallback(_) = &decoded {
                    oagen_runtime::union::note_unknown();
                }
                Ok(decoded)
            }
        }
    }
}

/// An integer value as tokens that work in expressions and patterns (`-1` as `- 1`).
fn integer(value: &str) -> TokenStream {
    let n: i64 = value.parse().unwrap_or_default();
    let abs = Literal::u64_unsuffixed(n.unsigned_abs());
    if n < 0 { quote!(-#abs) } else { quote!(#abs) }
}

fn integer_enum_item(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    e: &Enum,
    serialize: bool,
) -> TokenStream {
    let fallback = format_ident!("{}", e.fallback);
    let serialize = super::serialize_impl(
        serialize,
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }
        },
    );
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let mut docs = v.docs.clone();
        docs.summary = Some(format!("`{}`", v.wire_value));
        let docs = doc_attrs(&docs);
        quote!(#docs #ident,)
    });
    let to_value = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let value = integer(&v.wire_value);
        quote!(Self::#ident => #value,)
    });
    let from_value = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let value = integer(&v.wire_value);
        quote!(#value => Self::#ident,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know (the API added it later), kept as received.
            #fallback(i64),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::#fallback(value) => *value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::std::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::#fallback(other),
                }
            }
        }

        #serialize

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <i64 as serde::Deserialize>::deserialize(deserializer)?;
                let decoded = Self::from(value);
                if let Self::#fallback(_) = decoded {
                    oagen_runtime::union::note_unknown();
                }
                Ok(decoded)
            }
        }
    }
}
