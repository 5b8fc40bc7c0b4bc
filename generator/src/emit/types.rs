//! `types.rs`: one item per IR type.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::unions::{tagged_item, union_item};
use super::{Conversion, Cx, Place, doc_attrs};
use crate::ir::{
    Access, Constraint, Deprecation, Enum, EnumRepr, Field, Presence, Scalar, Struct, TypeDef,
    TypeId, TypeKind, TypeRef,
};
use crate::naming::unraw;

pub(super) fn types_rs(cx: &Cx<'_>) -> TokenStream {
    let items = cx
        .api
        .types
        .iter()
        .enumerate()
        .map(|(index, def)| type_item(cx, TypeId(index), def));
    let defaults = defaults_module(cx);
    quote! {
        #(#items)*
        #defaults
    }
}

fn type_item(cx: &Cx<'_>, id: TypeId, def: &TypeDef) -> TokenStream {
    let docs = doc_attrs(&def.docs);
    let deprecated = deprecated_attr(def.docs.deprecated);
    let docs = quote!(#docs #deprecated);
    let name = format_ident!("{}", def.rust_name);
    let mut item = type_definition(cx, def, &docs, &name);
    if let Some(derives) = super::derives::extra(cx, id, &item) {
        // After the docs, in a `#[derive]` of their own.
        item = type_definition(cx, def, &quote!(#docs #derives), &name);
    }
    let validate = validate_item(cx, def, &name);
    quote!(#item #validate)
}

/// `#[deprecated]` for an item the document marks `deprecated: true`. (The generated
/// modules allow deprecated items inside themselves; users see the warning.)
fn deprecated_attr(deprecation: Deprecation) -> TokenStream {
    match deprecation {
        Deprecation::Deprecated => quote!(#[deprecated]),
        Deprecation::Current => quote!(),
    }
}

/// Whether `validate()` of a value of `ty` can fail, so that it is worth calling: named
/// types that can (aliases through their target), and lists, maps and options of those.
pub(super) fn validates(cx: &Cx<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(id) => cx.can_fail.get(id.0).copied().unwrap_or(true),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            validates(cx, inner)
        }
        TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => false,
    }
}

/// `impl oagen_runtime::Validate`: the constraints of each field, then the values inside.
fn validate_item(cx: &Cx<'_>, def: &TypeDef, name: &proc_macro2::Ident) -> TokenStream {
    let result = cx.prelude(Place::Types, "Result");
    let body = match &def.kind {
        TypeKind::Alias(_) => return quote!(),
        TypeKind::Newtype(inner) if validates(cx, inner) => {
            quote!(oagen_runtime::Validate::validate(&self.0))
        }
        TypeKind::Newtype(_) => quote!(),
        TypeKind::Struct(s) => {
            let checks: Vec<TokenStream> = s
                .fields
                .iter()
                .map(|field| field_checks(cx, field))
                .collect();
            let additional = match &s.additional {
                Some(a) if validates(cx, &a.ty) => {
                    let ident = format_ident!("{}", a.rust_name);
                    quote!(oagen_runtime::Validate::validate(&self.#ident)?;)
                }
                _ => quote!(),
            };
            let alternatives = s
                .alternatives
                .as_ref()
                .map(|a| alternatives_check(s, a))
                .unwrap_or_default();
            if checks.iter().all(TokenStream::is_empty)
                && additional.is_empty()
                && alternatives.is_empty()
            {
                quote!()
            } else {
                quote!(#(#checks)* #additional #alternatives Ok(()))
            }
        }
        TypeKind::Enum(e) => {
            let fallback = format_ident!("{}", e.fallback);
            quote! {
                match self {
                    Self::#fallback(value) => Err(oagen_runtime::ValidationError::new(
                        format!("`{value}`, which is not one of the values the API allows (enum)"),
                    )),
                    _ => Ok(()),
                }
            }
        }
        TypeKind::Union(u) if !u.variants.iter().any(|v| validates(cx, &v.ty)) => quote!(),
        TypeKind::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let ident = format_ident!("{}", v.rust_name);
                if validates(cx, &v.ty) {
                    quote!(Self::#ident(value) => oagen_runtime::Validate::validate(value),)
                } else {
                    quote!(Self::#ident(_) => Ok(()),)
                }
            });
            quote!(match self { #(#arms)* })
        }
        TypeKind::Tagged(t) if !t.variants.iter().any(|v| validates(cx, &v.ty)) => quote!(),
        TypeKind::Tagged(t) => {
            let fallback = format_ident!("{}", t.fallback);
            let arms = t.variants.iter().map(|v| {
                let ident = format_ident!("{}", v.rust_name);
                if validates(cx, &v.ty) {
                    quote!(Self::#ident(value) => oagen_runtime::Validate::validate(value),)
                } else {
                    quote!(Self::#ident(_) => Ok(()),)
                }
            });
            quote!(match self { #(#arms)* Self::#fallback(_) => Ok(()), })
        }
    };
    // Nothing to check: the trait's default method (always valid) does.
    if body.is_empty() {
        return quote!(impl oagen_runtime::Validate for #name {});
    }
    quote! {
        impl oagen_runtime::Validate for #name {
            fn validate(&self) -> #result<(), oagen_runtime::ValidationError> {
                #body
            }
        }
    }
}

/// Checks of `value` (a reference), each error turned by `wrap` (an expression of `e`).
/// `depth` counts the lists around `value` (each has its own index binding).
fn constraint_checks(
    constraints: &[Constraint],
    wrap: &TokenStream,
    depth: usize,
) -> Vec<TokenStream> {
    constraints
        .iter()
        .map(|constraint| {
            let call = match constraint {
                Constraint::MinLength(n) => {
                    let n = Literal::u64_unsuffixed(*n);
                    quote!(min_length(value, #n))
                }
                Constraint::MaxLength(n) => {
                    let n = Literal::u64_unsuffixed(*n);
                    quote!(max_length(value, #n))
                }
                Constraint::Pattern(p) => quote!(pattern(value, #p)),
                Constraint::Minimum { bound, exclusive } => {
                    let bound = Literal::f64_unsuffixed(*bound);
                    quote!(minimum(*value, #bound, #exclusive))
                }
                Constraint::Maximum { bound, exclusive } => {
                    let bound = Literal::f64_unsuffixed(*bound);
                    quote!(maximum(*value, #bound, #exclusive))
                }
                Constraint::MinItems(n) => {
                    let n = Literal::u64_unsuffixed(*n);
                    quote!(min_items(value, #n))
                }
                Constraint::MaxItems(n) => {
                    let n = Literal::u64_unsuffixed(*n);
                    quote!(max_items(value, #n))
                }
                Constraint::UniqueItems => quote!(unique_items(value)),
                Constraint::Items(inner) => {
                    let index = format_ident!("index{}", depth);
                    let checks = constraint_checks(
                        inner,
                        &quote!({ let e = e.at_index(#index); #wrap }),
                        depth + 1,
                    );
                    return quote! {
                        for (#index, value) in value.iter().enumerate() {
                            #(#checks)*
                        }
                    };
                }
            };
            quote!(oagen_runtime::validate::#call.map_err(|e| #wrap)?;)
        })
        .collect()
}

/// `oneOf`/`anyOf` of `required` lists: how many of the sets of fields are all present.
fn alternatives_check(s: &Struct, alternatives: &crate::ir::RequiredAlternatives) -> TokenStream {
    let sets = alternatives.sets.iter().map(|set| {
        let present: Vec<TokenStream> = set
            .iter()
            .filter_map(|wire| s.fields.iter().find(|f| f.wire_name == *wire))
            .filter(|f| f.presence == Presence::Optional)
            .map(|f| {
                let ident = format_ident!("{}", f.rust_name);
                quote!(self.#ident.is_some())
            })
            .collect();
        if present.is_empty() {
            quote!(true)
        } else {
            quote!(#(#present)&&*)
        }
    });
    let described = alternatives
        .sets
        .iter()
        .map(|set| {
            let names: Vec<String> = set
                .iter()
                .map(|n| format!("`{}`", n.replace('`', "'")))
                .collect();
            names.join(" and ")
        })
        .collect::<Vec<_>>()
        .join(", or ");
    let (test, rule) = if alternatives.exactly_one {
        (
            quote!(complete != 1),
            format!(
                "missing, or set together with, the fields of exactly one of: {described} (oneOf)"
            ),
        )
    } else {
        (
            quote!(complete == 0),
            format!("missing the fields of at least one of: {described} (anyOf)"),
        )
    };
    let rule = super::escape_controls(&rule);
    quote! {
        let complete = [#(#sets),*].iter().filter(|set| **set).count();
        if #test {
            return Err(oagen_runtime::ValidationError::new(#rule));
        }
    }
}

/// The checks of one field: its constraints on its value (when set and not null), then the
/// constraints of the values it holds.
fn field_checks(cx: &Cx<'_>, field: &Field) -> TokenStream {
    let ident = format_ident!("{}", field.rust_name);
    let wire = &field.wire_name;
    let checks = constraint_checks(&field.constraints, &quote!(e.within(#wire)), 0);
    let own = if checks.is_empty() {
        quote!()
    } else {
        let nullable = matches!(field.ty, TypeRef::Nullable(_));
        match (field.presence, nullable) {
            (Presence::Required, false) => quote!({ let value = &self.#ident; #(#checks)* }),
            (Presence::Required, true) | (Presence::Optional, false) => {
                quote!(if let Some(value) = &self.#ident { #(#checks)* })
            }
            (Presence::Optional, true) => {
                quote!(if let Some(Some(value)) = &self.#ident { #(#checks)* })
            }
        }
    };
    let write_only = if field.access == Access::WriteOnlyRequired {
        quote! {
            if self.#ident.is_none() {
                return Err(oagen_runtime::ValidationError::new("missing (required in requests)").within(#wire));
            }
        }
    } else {
        quote!()
    };
    let inner = if validates(cx, &field.ty) {
        quote!(oagen_runtime::Validate::validate(&self.#ident).map_err(|e| e.within(#wire))?;)
    } else {
        quote!()
    };
    quote!(#write_only #own #inner)
}

fn type_definition(
    cx: &Cx<'_>,
    def: &TypeDef,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => struct_item(cx, docs, name, s),
        TypeKind::Enum(e) => enum_item(cx, docs, name, e),
        TypeKind::Union(u) => union_item(cx, docs, name, u),
        TypeKind::Tagged(t) => tagged_item(cx, docs, name, t),
        TypeKind::Newtype(inner) => {
            let inner = cx.ty(Place::Types, inner, crate::ir::Boxing::Inline);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
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

/// The Rust type of a field: presence and nullability together decide the `Option`s.
fn field_type(cx: &Cx<'_>, field: &Field) -> TokenStream {
    let ty = cx.ty(Place::Types, &field.ty, field.boxing);
    match field.presence {
        Presence::Required => ty,
        Presence::Optional => {
            let option = cx.prelude(Place::Types, "Option");
            quote!(#option<#ty>)
        }
    }
}

fn field_attrs(field: &Field) -> TokenStream {
    let mut serde = Vec::new();
    if unraw(&field.rust_name) != field.wire_name {
        let wire = &field.wire_name;
        serde.push(quote!(rename = #wire));
    }
    if field.presence == Presence::Optional {
        match &field.default {
            Some(default) => {
                let path = format!("defaults::{}", default.function);
                serde.push(quote!(default = #path));
            }
            None => serde.push(quote!(default)),
        }
        if field.access == Access::ReadOnly {
            serde.push(quote!(skip_serializing));
        } else {
            serde.push(quote!(
                skip_serializing_if = "::std::option::Option::is_none"
            ));
        }
        if matches!(field.ty, TypeRef::Nullable(_)) {
            serde.push(quote!(
                deserialize_with = "oagen_runtime::nullable::deserialize"
            ));
        }
    }
    if serde.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde),*)])
    }
}

fn struct_item(
    cx: &Cx<'_>,
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    s: &Struct,
) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let deprecated = deprecated_attr(field.docs.deprecated);
        let docs = quote!(#docs #deprecated);
        let attrs = field_attrs(field);
        let ident = format_ident!("{}", field.rust_name);
        let ty = field_type(cx, field);
        quote! {
            #docs
            #attrs
            pub #ident: #ty,
        }
    });
    let (additional_field, additional_init) = match &s.additional {
        Some(additional) => {
            let ident = format_ident!("{}", additional.rust_name);
            let map = cx.ty(
                Place::Types,
                &TypeRef::Map(Box::new(additional.ty.clone())),
                crate::ir::Boxing::Inline,
            );
            (
                quote! {
                    /// The properties not named above (`additionalProperties`).
                    #[serde(flatten)]
                    pub #ident: #map,
                },
                quote!(#ident: ::std::default::Default::default(),),
            )
        }
        None => (quote!(), quote!()),
    };
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    // Required fields with a single possible value (`const`) are filled in, not asked for.
    let params_of: Vec<&Field> = required
        .iter()
        .copied()
        .filter(|f| fixed_value(cx, f).is_none())
        .collect();
    let derive_default = if required.is_empty() {
        quote!(Default,)
    } else {
        quote!()
    };

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
            Presence::Optional => {
                let none = quote!(None);
                quote!(#ident: #none)
            }
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
    let setters = s.fields.iter().filter_map(|field| setter(cx, field));
    // Every required field is a `const`: `new()` takes nothing, so `Default` is `new()`.
    let default_impl = if !required.is_empty() && params_of.is_empty() {
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
    let constructor_doc = if required.is_empty() {
        " A value with every field unset."
    } else {
        " A value with the required fields; the optional ones start unset."
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional_field
        }

        impl #name {
            #[doc = #constructor_doc]
            #many_arguments
            pub fn new(#(#params),*) -> Self {
                #body
            }

            #(#setters)*
        }

        #default_impl
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

/// `pub fn email(mut self, value: impl Into<String>) -> Self`, for an optional field. A
/// nullable field's setter sets a value; assign `Some(None)` to the field to send `null`.
fn setter(cx: &Cx<'_>, field: &Field) -> Option<TokenStream> {
    let setter = format_ident!("{}", field.setter.as_ref()?);
    let ident = format_ident!("{}", field.rust_name);
    let (inner, nullable) = match &field.ty {
        TypeRef::Nullable(inner) => (&**inner, true),
        other => (other, false),
    };
    let (arg, conversion) = cx.argument(Place::Types, inner, field.boxing);
    let value = conversion.apply(cx, Place::Types, quote!(value));
    let stored = if nullable {
        quote!(Some(Some(#value)))
    } else {
        quote!(Some(#value))
    };
    let doc = format!(" Sets `{}`.", super::escape_controls(&field.wire_name));
    let null_doc = if nullable {
        let line = format!(
            " To send `null`, assign `Some(None)` to the `{}` field.",
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
            self.#ident = #stored;
            self
        }
    })
}

fn enum_item(cx: &Cx<'_>, docs: &TokenStream, name: &proc_macro2::Ident, e: &Enum) -> TokenStream {
    if e.repr == EnumRepr::Integer {
        return integer_enum_item(docs, name, e);
    }
    let string = cx.prelude(Place::Types, "String");
    let fallback = format_ident!("{}", e.fallback);
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

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

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

fn integer_enum_item(docs: &TokenStream, name: &proc_macro2::Ident, e: &Enum) -> TokenStream {
    let fallback = format_ident!("{}", e.fallback);
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

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

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

/// Functions that serde calls for fields whose key is absent but which have a default.
fn defaults_module(cx: &Cx<'_>) -> TokenStream {
    let functions: Vec<TokenStream> = cx
        .api
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(s.fields.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|field| {
            let default = field.default.as_ref()?;
            let function = format_ident!("{}", default.function);
            let ty = field_type(cx, field);
            let nullable = matches!(field.ty, TypeRef::Nullable(_));
            let value = match literal(cx, &default.value, field.ty.non_null()) {
                Some(value) if nullable => quote!(Some(Some(#value))),
                Some(value) => quote!(Some(#value)),
                None => {
                    let text = default.value.to_string();
                    if nullable {
                        quote!(serde_json::from_str(#text).ok().map(Some))
                    } else {
                        quote!(serde_json::from_str(#text).ok())
                    }
                }
            };
            Some(quote! {
                pub(super) fn #function() -> #ty {
                    #value
                }
            })
        })
        .collect();
    if functions.is_empty() {
        return quote!();
    }
    quote! {
        /// Defaults that the API description gives for absent fields, applied when decoding.
        mod defaults {
            #[allow(unused_imports)]
            use super::*;

            #(#functions)*
        }
    }
}

fn literal(cx: &Cx<'_>, value: &Value, ty: &TypeRef) -> Option<TokenStream> {
    Some(match (ty, value) {
        (TypeRef::Scalar(Scalar::Bool), Value::Bool(b)) => quote!(#b),
        (TypeRef::Scalar(Scalar::String), Value::String(s)) => {
            let string = cx.prelude(Place::Types, "String");
            quote!(#string::from(#s))
        }
        (TypeRef::Scalar(Scalar::I32), Value::Number(n)) => {
            let n = Literal::i32_unsuffixed(i32::try_from(n.as_i64()?).ok()?);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::I64), Value::Number(n)) => {
            let n = Literal::i64_unsuffixed(n.as_i64()?);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::U32), Value::Number(n)) => {
            let n = Literal::u32_unsuffixed(u32::try_from(n.as_u64()?).ok()?);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::U64), Value::Number(n)) => {
            let n = Literal::u64_unsuffixed(n.as_u64()?);
            quote!(#n)
        }
        (TypeRef::Named(id), value) => {
            let TypeKind::Enum(e) = &cx.api.type_def(*id).kind else {
                return None;
            };
            let wire = match (e.repr, value) {
                (EnumRepr::String, Value::String(s)) => s.clone(),
                (EnumRepr::Integer, Value::Number(n)) if n.is_i64() => n.to_string(),
                _ => return None,
            };
            let ty = cx.ty(Place::Types, ty, crate::ir::Boxing::Inline);
            let variant = e.variants.iter().find(|v| v.wire_value == wire)?;
            let variant = format_ident!("{}", variant.rust_name);
            quote!(#ty::#variant)
        }
        (TypeRef::Scalar(scalar @ (Scalar::DateTime | Scalar::Date)), Value::String(s)) => {
            let ty = cx.scalar(Place::Types, *scalar);
            quote!(#ty::from(#s))
        }
        (TypeRef::Scalar(Scalar::F32), Value::Number(n)) => {
            let n = Literal::f32_unsuffixed(n.as_f64()? as f32);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::F64), Value::Number(n)) => {
            let n = Literal::f64_unsuffixed(n.as_f64()?);
            quote!(#n)
        }
        _ => return None,
    })
}
