//! What an operation's call takes, shared by the client's methods, the request builders,
//! pagination and the README: the required parameters in order, and the body's types.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, Place};
use crate::ir::{BodyKind, Boxing, Operation, Presence, TypeRef};

/// Required parameters in argument order: path parameters as they appear in the path, then
/// the others as declared.
pub(super) fn ordered_required(op: &Operation) -> Vec<&crate::ir::Param> {
    let ordered: Vec<&crate::ir::Param> = op
        .segments
        .iter()
        .flatten()
        .filter_map(|part| match part {
            crate::ir::PathPart::Param(index) => Some(&op.params[*index]),
            crate::ir::PathPart::Literal(_) => None,
        })
        .collect();
    let mut unique: Vec<&crate::ir::Param> = Vec::with_capacity(ordered.len());
    for param in ordered {
        if !unique.iter().any(|p| p.rust_name == param.rust_name) {
            unique.push(param);
        }
    }
    for param in &op.params {
        if param.presence == Presence::Required
            && !unique.iter().any(|p| p.rust_name == param.rust_name)
        {
            unique.push(param);
        }
    }
    unique
}

/// How a body is taken as an argument: its type, and whether the value is converted
/// (`.into()`) into the type the builder holds. Text and bytes are taken in any form that
/// converts (`&str`, `String`; `Vec<u8>`, `&'static [u8]`, `Bytes`); typed bodies by value.
pub(super) fn body_argument(cx: &Cx<'_>, kind: &BodyKind) -> (TokenStream, bool) {
    match kind {
        BodyKind::Text => (quote!(impl Into<String>), true),
        BodyKind::Binary => (quote!(impl Into<oagen_runtime::Bytes>), true),
        BodyKind::Json(_) | BodyKind::Form { .. } | BodyKind::Multipart(_) => {
            (body_type(cx, kind), false)
        }
    }
}

/// The type a request builder holds its body as (owned).
pub(super) fn body_type(cx: &Cx<'_>, kind: &BodyKind) -> TokenStream {
    match kind {
        BodyKind::Json(ty) | BodyKind::Form { ty, .. } | BodyKind::Multipart(ty) => {
            cx.ty(Place::Outside, ty, Boxing::Inline)
        }
        BodyKind::Text => quote!(String),
        BodyKind::Binary => quote!(oagen_runtime::Bytes),
    }
}

/// The fields of the struct `ty` names, through aliases.
pub(super) fn struct_fields<'a>(cx: &Cx<'a>, ty: &TypeRef) -> Option<&'a [crate::ir::Field]> {
    match cx.api.through_aliases(ty) {
        TypeRef::Named(id) => match &cx.api.type_def(*id).kind {
            crate::ir::TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    }
}
