//! The streaming method of a request builder (`stream()`), and what the runtime is told
//! about a stream: its framing, data format and accepted media type, and how error events
//! decode.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Place};
use crate::ir::{Boxing, ErrorResponse, EventFormat, EventStream, Operation, StreamFraming};

/// The streaming method (`stream()`) of an operation that answers with a stream; `body`
/// builds and sends its request (`send_body` of `operations.rs`).
pub(super) fn stream_method(cx: &Cx<'_>, op: &Operation, body: TokenStream) -> TokenStream {
    let Some(stream) = &op.stream else {
        return quote!();
    };
    let method = format_ident!("{}", stream.method);
    let data = cx.ty(Place::Outside, &stream.data, Boxing::Inline);
    let what = match stream.framing {
        StreamFraming::ServerSentEvents => "server-sent events (`text/event-stream`)",
        StreamFraming::JsonLines => "JSON values (one per line)",
        StreamFraming::JsonSeq => "JSON values (`application/json-seq`)",
    };
    let mut docs = vec![
        format!(" Sends the request asking for a stream of {what}"),
        " and returns them as they come, each decoded; see `oagen_runtime::EventStream` for"
            .to_owned(),
        " how `[DONE]`, error events and timeouts are handled.".to_owned(),
    ];
    if let Some(terminator) = &stream.terminator {
        docs.push(String::new());
        docs.push(format!(
            " The data `{}` ends the stream.",
            super::escape_controls(terminator)
        ));
    }
    if let Some(flag) = &stream.flag {
        docs.push(String::new());
        docs.push(format!(
            " The body is sent with `{}` set to true.",
            super::escape_controls(&flag.wire_name)
        ));
    }
    let resume = stream.resume.as_ref().map(|name| {
        let name = format_ident!("{}", name);
        quote! {
            /// Resumes the stream after the event with this id (sent as `Last-Event-ID`; see
            /// `EventStream::last_event_id`), where the API supports it.
            pub fn #name(mut self, id: impl Into<String>) -> Self {
                self.options.last_event_id(id.into());
                self
            }
        }
    });
    quote! {
        #(#[doc = #docs])*
        pub async fn #method(self) -> Result<oagen_runtime::EventStream<#data, ErrorBody>, Error> {
            #body
        }

        #resume
    }
}

/// `oagen_runtime::StreamFormat::new(...)`: how the runtime reads the stream.
pub(super) fn stream_format(stream: &EventStream) -> TokenStream {
    let framing = match stream.framing {
        StreamFraming::ServerSentEvents => quote!(ServerSentEvents),
        StreamFraming::JsonLines => quote!(JsonLines),
        StreamFraming::JsonSeq => quote!(JsonSeq),
    };
    let data = match stream.format {
        EventFormat::Json => quote!(Json),
        EventFormat::Text => quote!(Text),
    };
    let accept = &stream.media_type;
    let terminator = stream
        .terminator
        .as_ref()
        .map(|terminator| quote!(.terminator(#terminator)));
    quote! {
        oagen_runtime::StreamFormat::new(
            oagen_runtime::Framing::#framing,
            oagen_runtime::DataFormat::#data,
            #accept,
        )#terminator
    }
}

/// The function that decodes the data of an error event into `ErrorBody`: the first of the
/// operation's error types that matches.
pub(super) fn event_error(cx: &Cx<'_>, errors: &[ErrorResponse]) -> TokenStream {
    let mut sorted: Vec<&ErrorResponse> = errors.iter().collect();
    sorted.sort_by_key(|e| e.status);
    let mut variants: Vec<proc_macro2::Ident> = Vec::new();
    for id in sorted.iter().filter_map(|e| e.body) {
        let variant = format_ident!("{}", cx.api.type_def(id).rust_name);
        if !variants.contains(&variant) {
            variants.push(variant);
        }
    }
    let Some((first, rest)) = variants.split_first() else {
        return quote!(|_| None);
    };
    quote! {
        |body| oagen_runtime::decode_json(body).map(ErrorBody::#first)
            #(.or_else(|| oagen_runtime::decode_json(body).map(ErrorBody::#rest)))*
    }
}
