//! `webhooks.rs`: one enum per set of events (the document's webhooks, each operation's
//! callbacks), a variant per event holding its decoded payload, and `parse(headers, body)`
//! that tells which event a request is: by a header, then by a body field, whose value
//! names the event, then by which payload decodes (in document order).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Place, doc_attrs};
use crate::ir::{Boxing, Event, EventSelector, EventSet};

pub(super) fn webhooks_rs(cx: &Cx<'_>) -> TokenStream {
    let uses_types = cx
        .api
        .events
        .iter()
        .flat_map(|set| &set.events)
        .any(|event| {
            event
                .payload
                .as_ref()
                .is_some_and(crate::ir::TypeRef::mentions_named)
        });
    let use_types = if uses_types {
        quote!(
            use super::types;
        )
    } else {
        quote!()
    };
    let sets = cx.api.events.iter().map(|set| event_set(cx, set));
    quote! {
        //! Requests the API sends to you: webhooks and callbacks. Read the request's headers
        //! and body in your server, check its signature (for Standard Webhooks, with
        //! `oagen_runtime::webhook::StandardWebhooks`, behind the runtime's `webhooks`
        //! feature), then `parse` it into the event it is.
        #use_types
        /// Why a request is not one of the events: re-exported so it can be matched on.
        pub use oagen_runtime::webhook::ParseError;

        #(#sets)*
    }
}

fn event_set(cx: &Cx<'_>, set: &EventSet) -> TokenStream {
    let name = format_ident!("{}", set.rust_name);
    let docs = doc_attrs(&set.docs);
    let variants = set.events.iter().map(|event| {
        let ident = format_ident!("{}", event.rust_name);
        let docs = doc_attrs(&event.docs);
        match &event.payload {
            Some(ty) => {
                let ty = cx.ty(Place::Outside, ty, Boxing::Inline);
                // Boxed: payloads differ widely in size.
                quote!(#docs #ident(Box<#ty>),)
            }
            None => quote!(#docs #ident,),
        }
    });
    let names = set.events.iter().map(|event| {
        let ident = format_ident!("{}", event.rust_name);
        let wire = &event.wire_name;
        match event.payload {
            Some(_) => quote!(Self::#ident(_) => #wire,),
            None => quote!(Self::#ident => #wire,),
        }
    });
    let parse = parse_fn(cx, set);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The event's name in the API description.
            pub fn name(&self) -> &'static str {
                match self {
                    #(#names)*
                }
            }

            #parse
        }
    }
}

/// `parse`: by headers, then body fields, that name an event; then by payload.
fn parse_fn(cx: &Cx<'_>, set: &EventSet) -> TokenStream {
    // Groups of events named by the same header or field, in order of first appearance.
    let mut headers: Vec<(&str, Vec<(&str, &Event)>)> = Vec::new();
    let mut fields: Vec<(&str, Vec<(&str, &Event)>)> = Vec::new();
    let mut by_payload = Vec::new();
    for event in &set.events {
        let (groups, name, value) = match &event.selector {
            EventSelector::Header { name, value } => (&mut headers, name, value),
            EventSelector::Field { name, value } => (&mut fields, name, value),
            EventSelector::Payload => {
                by_payload.push(event);
                continue;
            }
        };
        match groups.iter_mut().find(|(group, _)| group == name) {
            Some((_, members)) => members.push((value, event)),
            None => groups.push((name, vec![(value, event)])),
        }
    }
    let named_used = !headers.is_empty() || !fields.is_empty();
    let mut first_group = true;
    let mut group_checks = Vec::new();
    for (source, groups) in [("header", &headers), ("field", &fields)] {
        for (key, members) in groups {
            let arms = members.iter().map(|(value, event)| {
                let build = build_event(cx, event);
                quote!(#value => return #build,)
            });
            let remember = if first_group {
                quote!(named = Some(other.to_owned());)
            } else {
                quote!(if named.is_none() {
                    named = Some(other.to_owned());
                })
            };
            first_group = false;
            // A field's value is copied, so that the payload can take the body.
            let lookup = if source == "header" {
                quote!(oagen_runtime::webhook::header(headers, #key))
            } else {
                quote!(oagen_runtime::webhook::field(&body, #key).map(str::to_owned))
            };
            let scrutinee = if source == "header" {
                quote!(value)
            } else {
                quote!(value.as_str())
            };
            group_checks.push(quote! {
                if let Some(value) = #lookup {
                    match #scrutinee {
                        #(#arms)*
                        other => { #remember }
                    }
                }
            });
        }
    }
    let tries = by_payload.iter().map(|event| {
        let ident = format_ident!("{}", event.rust_name);
        let wire = &event.wire_name;
        match &event.payload {
            Some(ty) => {
                let ty = cx.ty(Place::Outside, ty, Boxing::Inline);
                quote! {
                    if let Ok(payload) = oagen_runtime::webhook::payload::<#ty>(#wire, body.clone()) {
                        return Ok(Self::#ident(Box::new(payload)));
                    }
                }
            }
            None => quote! {
                if body.is_null() {
                    return Ok(Self::#ident);
                }
            },
        }
    });
    let (declare, name) = if named_used {
        (quote!(let mut named: Option<String> = None;), quote!(named))
    } else {
        (quote!(), quote!(None))
    };
    let uses_body = !fields.is_empty()
        || set.events.iter().any(|event| event.payload.is_some())
        || !by_payload.is_empty();
    let read_body = if uses_body {
        quote!(let body = oagen_runtime::webhook::parse_json(body)?;)
    } else {
        quote!(oagen_runtime::webhook::parse_json(body)?;)
    };
    let headers_arg = if headers.is_empty() {
        quote!(_headers)
    } else {
        quote!(headers)
    };
    quote! {
        /// Tells which event a request is, from its headers and body, and decodes its payload.
        /// Fails with `UnknownEvent` (naming the event when the request did) for a request
        /// that is none of them.
        pub fn parse(
            #headers_arg: &oagen_runtime::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> Result<Self, oagen_runtime::webhook::ParseError> {
            #read_body
            #declare
            #(#group_checks)*
            #(#tries)*
            Err(oagen_runtime::webhook::ParseError::UnknownEvent { name: #name })
        }
    }
}

/// `Ok(Self::Event(..))` for an event recognised by a header or field: its payload decoded
/// (a failure is `InvalidPayload`).
fn build_event(cx: &Cx<'_>, event: &Event) -> TokenStream {
    let ident = format_ident!("{}", event.rust_name);
    let wire = &event.wire_name;
    match &event.payload {
        Some(ty) => {
            let ty = cx.ty(Place::Outside, ty, Boxing::Inline);
            quote!(Ok(Self::#ident(Box::new(
                oagen_runtime::webhook::payload::<#ty>(#wire, body)?
            ))))
        }
        None => quote!(Ok(Self::#ident)),
    }
}
