//! `impl Validate` of each generated type: the constraints of each field, then the values inside.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Cx, Place};
use crate::ir::{Constraint, Field, Presence, Struct, TypeDef, TypeId, TypeKind, TypeRef};

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
pub(super) fn validate_item(
    cx: &Cx<'_>,
    id: TypeId,
    def: &TypeDef,
    name: &proc_macro2::Ident,
) -> TokenStream {
    // A type only received has no `validate()` (`Cx::validated`).
    if !cx.validated(id) {
        return quote!();
    }
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
                .map(|a| alternatives_check(s, a, def.direction))
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
                    Self::#fallback(value) => oagen_runtime::validate::unknown_value(value),
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
    // For a type the user builds, nothing to check: the trait's default method (always
    // valid) does.
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

/// Checks of `value` (a reference), each result turned by `wrap` (from the check's result
/// to the result seen from the value checked). `depth` counts the lists around `value`
/// (each has its own index binding).
fn constraint_checks(
    constraints: &[Constraint],
    wrap: &dyn Fn(TokenStream) -> TokenStream,
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
                        &|result| wrap(quote!(oagen_runtime::validate::at_index(#result, #index))),
                        depth + 1,
                    );
                    return quote! {
                        for (#index, value) in value.iter().enumerate() {
                            #(#checks)*
                        }
                    };
                }
            };
            let checked = wrap(quote!(oagen_runtime::validate::#call));
            quote!(#checked?;)
        })
        .collect()
}

/// `oneOf`/`anyOf` of `required` lists: how many of the sets of fields are all present.
fn alternatives_check(
    s: &Struct,
    alternatives: &crate::ir::RequiredAlternatives,
    direction: crate::ir::Direction,
) -> TokenStream {
    let sets = alternatives.sets.iter().map(|set| {
        let present: Vec<TokenStream> = set
            .iter()
            .filter_map(|wire| s.fields.iter().find(|f| f.wire_name == *wire))
            .filter(|f| f.presence == Presence::Optional)
            .map(|f| {
                let ident = format_ident!("{}", f.rust_name);
                // A key sent as `null` is there.
                match super::fields::repr(direction, f) {
                    super::fields::Repr::Nullable => quote!(!self.#ident.is_absent()),
                    _ => quote!(self.#ident.is_some()),
                }
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
    let within = |result| quote!(oagen_runtime::validate::within(#result, #wire));
    let checks = constraint_checks(&field.constraints, &within, 0);
    let own = if checks.is_empty() {
        quote!()
    } else {
        super::fields::with_value(field, quote!(self.#ident), quote!(#(#checks)*))
    };
    let inner = if validates(cx, &field.ty) {
        let checked = within(quote!(oagen_runtime::Validate::validate(&self.#ident)));
        quote!(#checked?;)
    } else {
        quote!()
    };
    quote!(#own #inner)
}
