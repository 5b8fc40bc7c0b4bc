//! The `Deserialize` impl of a struct: an `oagen_runtime::de::Object` impl (a `field`
//! function matching each wire name to its index, and one `visit` function: a loop over the
//! keys' indexes, a line per field) and a
//! `Deserialize` that calls `oagen_runtime::de::object`, instead of serde's derive (issue
//! 15: the derive was most of `rustc`'s time on a generated crate; issue 27: a shared
//! visitor through `erased-serde` decoded at a fifth of the derive's speed). It decodes what
//! the derive with `fields.rs`'s attributes decoded:
//!
//! | field | key absent | `null` |
//! |---|---|---|
//! | required | `missing_field` | as the type decodes it |
//! | required, nullable (`Option<T>`) | `None` | `None` |
//! | optional (`Option<T>`) | `None`, or the default | `None` |
//! | optional, nullable (`Nullable<T>`) | `Absent`, or the default | `Null` |

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::fields::{Repr, repr};
use super::{Cx, Place};
use crate::ir::{Direction, Field, Presence, Struct, TypeRef};
use crate::naming::unraw;

/// A name for a local of the decoder that no field's local takes.
fn free_local(locals: &[String], base: &str) -> Ident {
    let mut name = base.to_owned();
    while locals.contains(&name) {
        name.push('_');
    }
    format_ident!("{}", name)
}

/// A name for a generic parameter that no type of the API takes.
pub(super) fn free_generic(cx: &Cx<'_>, base: &str) -> Ident {
    let mut name = base.to_owned();
    let mut n = 1;
    while cx.api.types.iter().any(|t| t.rust_name == name) {
        n += 1;
        name = format!("{base}{n}");
    }
    format_ident!("{}", name)
}

/// The names `visit` binds: none is a field's name, and the generic names no type of the API.
struct Names {
    map: Ident,
    keys: Ident,
    slots: Ident,
    index: Ident,
    error: Ident,
    access: Ident,
}

/// What `visit` does with each field: the `field` function's arms, the loop's arms, each
/// field's value in the struct built, and the required fields (ident, slot, wire name).
struct Fields<'s> {
    wires: Vec<TokenStream>,
    arms: Vec<TokenStream>,
    values: Vec<TokenStream>,
    required: Vec<(Ident, TokenStream, &'s String)>,
}

/// `impl oagen_runtime::de::Object for Name` and `impl<'de> serde::Deserialize<'de> for Name`.
pub(super) fn deserialize_impl(
    cx: &Cx<'_>,
    name: &Ident,
    s: &Struct,
    direction: Direction,
) -> TokenStream {
    // The decoder's own locals take names no field has (the map of `additionalProperties`
    // is a local named after its field), and its generics names no type of the API has (the
    // map names its value type).
    let locals: Vec<String> = s
        .fields
        .iter()
        .map(|f| unraw(&f.rust_name).to_owned())
        .chain(s.additional.iter().map(|a| unraw(&a.rust_name).to_owned()))
        .collect();
    let names = Names {
        map: free_local(&locals, "map"),
        keys: free_local(&locals, "keys"),
        slots: free_local(&locals, "slots"),
        index: free_local(&locals, "index"),
        error: free_local(&locals, "error"),
        access: free_generic(cx, "A"),
    };
    let generic = free_generic(cx, "D");
    let Names {
        map, keys, access, ..
    } = &names;
    let mut fields = fields(s, direction, &names);
    // The fields' slots are one tuple, not a local each: an early return drops one value,
    // not one per field (the drops of every early return weigh on the borrow checker's
    // time on large structs).
    let slots_local = if s.fields.is_empty() {
        quote!()
    } else {
        let slots = &names.slots;
        let nones = s.fields.iter().map(|_| quote!(None,));
        quote!(let mut #slots = (#(#nones)*);)
    };
    let (other, new_keys, map_local) = other_keys(cx, s, &names, &mut fields.values);
    let struct_name = name.to_string();
    let field = field_fn(&fields.wires);
    // Without fields or other keys to keep, every key is skipped (as clippy would write it).
    let by_hand = !(fields.arms.is_empty() && s.additional.is_none());
    let read_keys = if by_hand {
        read_keys(&names, &fields.arms, &other)
    } else {
        quote! {
            while #keys.next(&mut #map)?.is_some() {
                de::skip(&mut #map)?;
            }
        }
    };
    let build = build(&fields.required, &fields.values, access);
    // clippy suggests the `?` the arms do without on purpose (`read_keys`).
    let allow = if by_hand {
        quote!(#[allow(clippy::question_mark)])
    } else {
        quote!()
    };
    quote! {
        impl oagen_runtime::de::Object for #name {
            const NAME: &'static str = #struct_name;

            #field

            #allow
            fn visit<'de, #access: serde::de::MapAccess<'de>>(mut #map: #access) -> ::std::result::Result<Self, #access::Error> {
                use oagen_runtime::de;
                #slots_local
                #map_local
                let mut #keys = #new_keys();
                #read_keys
                #build
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<#generic: serde::Deserializer<'de>>(deserializer: #generic) -> ::std::result::Result<Self, #generic::Error> {
                oagen_runtime::de::object(deserializer)
            }
        }
    }
}

/// Each field's `field` arm, loop arm (`de::put` into its slot), and value.
fn fields<'s>(s: &'s Struct, direction: Direction, names: &Names) -> Fields<'s> {
    let Names {
        map, slots, error, ..
    } = names;
    let mut out = Fields {
        wires: Vec::new(),
        arms: Vec::new(),
        values: Vec::new(),
        required: Vec::new(),
    };
    for (position, field) in s.fields.iter().enumerate() {
        let ident = format_ident!("{}", field.rust_name);
        let wire = &field.wire_name;
        let position = Literal::usize_unsuffixed(position);
        out.wires.push(quote!(#wire => Some(#position),));
        out.arms.push(quote!(#position => if let Err(#error) = de::put(&mut #map, &mut #slots.#position, #wire) {
            return Err(#error);
        }));
        let slot = quote!(#slots.#position);
        match field_value(field, direction, &slot) {
            Some(value) => out.values.push(quote!(#ident: #value)),
            None => {
                out.values.push(quote!(#ident));
                out.required.push((ident, slot, wire));
            }
        }
    }
    out
}

/// What becomes of a key no field takes (the loop's last arm), how keys are read, and the
/// local of the map that keeps them (`additionalProperties`, whose value joins `values`).
fn other_keys(
    cx: &Cx<'_>,
    s: &Struct,
    names: &Names,
    values: &mut Vec<TokenStream>,
) -> (TokenStream, TokenStream, TokenStream) {
    let Names {
        map, keys, error, ..
    } = names;
    match &s.additional {
        Some(additional) => {
            let ident = format_ident!("{}", additional.rust_name);
            let ty = cx.ty(
                Place::Types,
                &TypeRef::Map(Box::new(additional.ty.clone())),
                crate::ir::Boxing::Inline,
            );
            values.push(quote!(#ident));
            (
                quote!(_ => if let Err(#error) = de::keep(&mut #map, &mut #ident, &mut #keys) {
                    return Err(#error);
                }),
                quote!(de::KeptKeys::<Self>::new),
                quote!(let mut #ident: #ty = ::std::default::Default::default();),
            )
        }
        None => (
            quote!(_ => if let Err(#error) = de::skip(&mut #map) {
                return Err(#error);
            }),
            quote!(de::Keys::<Self>::new),
            quote!(),
        ),
    }
}

/// The key's index, by a `match` the compiler turns into comparisons of constants.
fn field_fn(wires: &[TokenStream]) -> TokenStream {
    if wires.is_empty() {
        return quote!(
            fn field(_: &str) -> ::std::option::Option<usize> {
                None
            }
        );
    }
    // Never inlined, like the derive's field visitor: the code reading a key stays small,
    // so the compiler inlines it into the loop (callgrind: 1.7% fewer instructions on
    // OpenAI's chat completion, whose structs are small).
    quote! {
        #[inline(never)]
        fn field(key: &str) -> ::std::option::Option<usize> {
            match key {
                #(#wires)*
                _ => None,
            }
        }
    }
}

/// The loop over the keys. Each arm returns its error itself, with no `?`: a `?` is a
/// `match` on a `Try` result and a conversion that `rustc` type-checks apart, and they were
/// a third of its time on `visit` (`-Zself-profile` on Stripe). Not one `?` after the
/// `match` either: that joins every arm's result before one test, and the optimizer no
/// longer makes the derive's code of it (GitHub's page took 17% more instructions under
/// callgrind).
fn read_keys(names: &Names, arms: &[TokenStream], other: &TokenStream) -> TokenStream {
    let Names {
        map, keys, index, ..
    } = names;
    quote! {
        while let Some(#index) = #keys.next(&mut #map)? {
            match #index {
                #(#arms)*
                #other
            }
        }
    }
}

/// The value of one field, from its `slot`, once every key was read; `None` for a required
/// field, which is taken out of its slot by the `match` that builds the struct.
fn field_value(field: &Field, direction: Direction, slot: &TokenStream) -> Option<TokenStream> {
    let nullable = matches!(field.ty, TypeRef::Nullable(_));
    Some(
        match (field.presence, repr(direction, field), &field.default) {
            (Presence::Required, _, _) if !nullable => return None,
            // A missing `Option` is `None`, required or not, as with the derive.
            (Presence::Required, _, _) | (Presence::Optional, Repr::Option, None) => {
                quote!(#slot.flatten())
            }
            (Presence::Optional, _, Some(default)) => {
                let function = format_ident!("{}", default.function);
                quote!(#slot.unwrap_or_else(defaults::#function))
            }
            (Presence::Optional, _, None) => quote!(#slot.unwrap_or_default()),
        },
    )
}

/// The struct, built once every key was read: with required fields, one `match` on their
/// slots, so a missing one is the only way out and its error names the first missing in
/// the order of the fields, as the derive's does.
fn build(
    required: &[(Ident, TokenStream, &String)],
    values: &[TokenStream],
    access: &Ident,
) -> TokenStream {
    if required.is_empty() {
        return quote!(Ok(Self { #(#values),* }));
    }
    let idents: Vec<&Ident> = required.iter().map(|(ident, _, _)| ident).collect();
    let slots = required.iter().map(|(_, slot, _)| slot);
    let wires = required.iter().map(|(_, _, wire)| wire);
    quote! {
        match (#(#slots,)*) {
            (#(Some(#idents),)*) => Ok(Self { #(#values),* }),
            (#(#idents,)*) => Err(de::missing::<#access>(&[#((#idents.is_none(), #wires)),*])),
        }
    }
}
