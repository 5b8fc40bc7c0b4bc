//! The `defaults` module of `types.rs`: functions a struct's `Deserialize` (`decode.rs`)
//! calls for absent keys that have a default.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::fields::{Repr, field_type, repr, stored};
use super::{Cx, Place};
use crate::ir::{EnumRepr, Scalar, TypeId, TypeKind, TypeRef};

/// Functions that decoding calls for fields whose key is absent but which have a default.
pub(super) fn defaults_module(cx: &Cx<'_>) -> TokenStream {
    let functions: Vec<TokenStream> = cx
        .api
        .types
        .iter()
        .enumerate()
        .filter_map(|(index, def)| match &def.kind {
            TypeKind::Struct(s) => Some(
                s.fields
                    .iter()
                    .map(move |field| (TypeId(index), def.direction, field)),
            ),
            _ => None,
        })
        .flatten()
        .filter_map(|(id, direction, field)| {
            let default = field.default.as_ref()?;
            let function = format_ident!("{}", default.function);
            let ty = field_type(cx, direction, field);
            let repr = repr(direction, field);
            let value = match literal(cx, &default.value, field.ty.non_null()) {
                Some(value) => stored(repr, value),
                None => {
                    let text = default.value.to_string();
                    if repr == Repr::Nullable {
                        // `null` is `Null`; a default that does not decode is left out.
                        quote!(serde_json::from_str(#text).unwrap_or_default())
                    } else {
                        quote!(serde_json::from_str(#text).ok())
                    }
                }
            };
            Some(cx.gate_type(
                id,
                quote! {
                    pub(super) fn #function() -> #ty {
                        #value
                    }
                },
            ))
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
