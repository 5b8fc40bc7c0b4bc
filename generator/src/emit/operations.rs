//! `operations.rs`: one request builder per operation. A builder holds the client, the
//! required arguments, and optional parameters set through its methods; `.await` (or
//! `.send()`) sends it.

use std::ops::Range;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::errors::{ErrorDecoders, status_pattern};
use super::signature::{body_argument, body_type, ordered_required, struct_fields};
use super::{Cx, Place, doc_attrs};
use crate::ir::{
    Api, BodyKind, Boxing, EventStream, HttpMethod, Operation, Param, ParamEncoding, ParamLocation,
    PathPart, Presence, QueryStringFormat, QueryStyle, ResponseBody, StatusMatch, TypeRef,
};

/// The parts `operations.rs` is emitted in: its head, one per operation, then the error
/// decoders the operations share.
pub(super) fn parts(api: &Api) -> usize {
    api.operations.len() + 2
}

/// Parts `parts` of `operations.rs` ([`parts`]).
pub(super) fn operations_rs(cx: &Cx<'_>, parts: Range<usize>) -> TokenStream {
    let count = cx.api.operations.len();
    let decoders = ErrorDecoders::new(cx);
    let builders = cx
        .api
        .operations
        .iter()
        .enumerate()
        .filter(|(index, _)| parts.contains(&(index + 1)))
        .map(|(index, op)| cx.gate_operation(op, builder(cx, op, &decoders.names[index])));
    let head = parts.contains(&0).then(|| head(cx));
    let shared = (count > 0 && parts.contains(&(count + 1))).then(|| decoders.items(cx));
    quote! {
        #head
        #(#builders)*
        #shared
    }
}

/// The module's docs and imports.
fn head(cx: &Cx<'_>) -> TokenStream {
    if cx.api.operations.is_empty() {
        return quote! {
            //! Request builders: this API has no operations.
        };
    }
    let uses_types = cx.api.operations.iter().any(mentions_types);
    // Every builder's futures name `ErrorBody`.
    let mut imports = vec![quote!(Client), quote!(Error), quote!(ErrorBody)];
    if uses_types {
        imports.push(quote!(types));
    }
    quote! {
        //! Request builders, one per operation, returned by the methods of [`Client`].
        //! Set optional parameters with their methods, then `.await` the builder (or call
        //! `.send()`) to send the request. A builder owns what it sends (a clone of the
        //! client, its parameters and body), so it and its future are `Send + 'static`.


        use super::{#(#imports),*};
    }
}

fn mentions_types(op: &Operation) -> bool {
    op.refs().into_iter().any(TypeRef::mentions_named)
}

fn builder(cx: &Cx<'_>, op: &Operation, decode_error: &proc_macro2::Ident) -> TokenStream {
    let docs = doc_attrs(&op.docs);
    let name = format_ident!("{}", op.builder_name);

    let (fields, mut setters) = fields_and_setters(cx, op);
    setters.push(call_option_setters());
    let output = output_type(cx, &op.response.body);
    let send_whole = send_body(cx, op, None, decode_error);
    let build = build_request(cx, op);
    let paginate = super::paginate::paginate(cx, op);
    let stream = match &op.stream {
        Some(stream) => {
            let body = send_body(cx, op, Some(stream), decode_error);
            super::stream::stream_method(cx, op, body)
        }
        None => quote!(),
    };
    let status_enum = status_enum(cx, op);
    // Only where clippy would call the future's type too complex (deep lists of maps).
    let allow = is_complex(&output).then(|| quote!(#[allow(clippy::type_complexity)]));
    let must_use = format!(
        "a request does nothing until it is awaited or sent; see `Client::{}`",
        op.rust_name
    );
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[must_use = #must_use]
        pub struct #name {
            pub(crate) client: Client,
            pub(crate) options: oagen_runtime::CallOptions,
            #(pub(crate) #fields,)*
        }

        #allow
        impl #name {
            #(#setters)*

            /// Sends the request and decodes the response: the same as `.await` on the
            /// request. The future owns the request (`Send + 'static`).
            pub fn send(self) -> oagen_runtime::BodyFuture<#output, ErrorBody> {
                self.send_with_response().body()
            }

            /// Sends the request; the decoded body comes with the response's status and
            /// headers.
            pub fn send_with_response(self) -> oagen_runtime::ResponseFuture<#output, ErrorBody> {
                #send_whole
            }

            #paginate

            #stream
        }

        impl oagen_runtime::Build for #name {
            #build
        }

        impl ::std::future::IntoFuture for #name {
            type Output = Result<#output, Error>;
            type IntoFuture = oagen_runtime::BodyFuture<#output, ErrorBody>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #status_enum
    }
}

/// Whether `oagen_runtime::BodyFuture<output, ErrorBody>` may reach clippy's
/// `type_complexity` threshold (a score of 250: 10 for each path type times its depth, 1 for
/// each reference), with a margin.
fn is_complex(output: &TokenStream) -> bool {
    fn score(ty: &syn::Type, nest: u64) -> u64 {
        match ty {
            syn::Type::Path(path) => {
                let args = path
                    .path
                    .segments
                    .iter()
                    .flat_map(|segment| match &segment.arguments {
                        syn::PathArguments::AngleBracketed(args) => args.args.iter().collect(),
                        _ => Vec::new(),
                    });
                10 * nest
                    + args
                        .map(|arg| match arg {
                            syn::GenericArgument::Type(ty) => score(ty, nest + 1),
                            _ => 0,
                        })
                        .sum::<u64>()
            }
            syn::Type::Reference(r) => nest + score(&r.elem, nest + 1),
            syn::Type::Tuple(t) => t.elems.iter().map(|e| score(e, nest + 1)).sum(),
            syn::Type::Slice(s) => score(&s.elem, nest + 1),
            syn::Type::Array(a) => score(&a.elem, nest + 1),
            _ => 50 * nest,
        }
    }
    match syn::parse2::<syn::Type>(output.clone()) {
        // The future (10 at depth 1) and `ErrorBody` (20) around the output at depth 2.
        Ok(ty) => 30 + score(&ty, 2) >= 200,
        Err(_) => true,
    }
}

/// The builder's fields (required parameters, optional ones, the body) and the setters of
/// what is optional.
fn fields_and_setters(cx: &Cx<'_>, op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut fields = Vec::new();
    for param in ordered_required(op) {
        let ident = format_ident!("{}", param.rust_name);
        let ty = cx.ty(Place::Outside, &param.ty, Boxing::Inline);
        fields.push(quote!(#ident: #ty));
    }
    for param in op
        .params
        .iter()
        .filter(|p| p.presence == Presence::Optional)
    {
        let ident = format_ident!("{}", param.rust_name);
        let ty = cx.ty(Place::Outside, &param.ty, Boxing::Inline);
        fields.push(quote!(#ident: Option<#ty>));
    }
    let mut setters: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.presence == Presence::Optional)
        .map(|p| param_setter(cx, p))
        .collect();
    if let Some(body) = &op.body {
        let ty = body_type(cx, &body.kind);
        match body.presence {
            Presence::Required => fields.push(quote!(body: #ty)),
            Presence::Optional => {
                fields.push(quote!(body: Option<#ty>));
                let (arg, converts) = body_argument(cx, &body.kind);
                let value = if converts {
                    quote!(body.into())
                } else {
                    quote!(body)
                };
                setters.push(quote! {
                    /// Sets the request body.
                    pub fn body(mut self, body: #arg) -> Self {
                        self.body = Some(#value);
                        self
                    }
                });
            }
        }
    }
    (fields, setters)
}

/// The per-call settings every builder has (`with_timeout`, `with_retry`...): written once,
/// in the runtime's `call_methods!`, which each builder's `impl` expands.
fn call_option_setters() -> TokenStream {
    quote!(oagen_runtime::call_methods!();)
}

/// Builds a multipart body from the fields of the struct `body` (a place of type `T`): one
/// part per field that is set, lists giving one part per item.
fn multipart(cx: &Cx<'_>, ty: &TypeRef, body: &TokenStream) -> TokenStream {
    let fields = match struct_fields(cx, ty) {
        Some(fields) if !fields.is_empty() => fields,
        // A struct with no field that is sent (all read-only, say): an empty form, with no
        // `mut` to spare; the body is still taken, so no binding goes unused. (`lower` only
        // lets structs through.)
        _ => {
            return quote! {
                let _ = &#body;
                request.multipart(oagen_runtime::Multipart::new());
            };
        }
    };
    let kind_of = |id: crate::ir::TypeId| Some(&cx.api.type_def(id).kind);
    let textual = |ty: &TypeRef| crate::ir::is_textual(ty, &kind_of, 0);
    let parts = fields.iter().map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        let wire = &field.wire_name;
        let ty = field.ty.non_null();
        let part = |value: TokenStream| match ty {
            TypeRef::Scalar(crate::ir::Scalar::Binary) => quote!(form.file(#wire, #value);),
            TypeRef::Array(item) if **item == TypeRef::Scalar(crate::ir::Scalar::Binary) => {
                quote! {
                    for item in #value {
                        form.file(#wire, item);
                    }
                }
            }
            TypeRef::Array(item) if textual(item) => quote! {
                for item in #value {
                    form.text(#wire, item);
                }
            },
            ty if textual(ty) => quote!(form.text(#wire, #value);),
            _ => quote!(form.json(#wire, #value);),
        };
        if field.presence == Presence::Required && !matches!(field.ty, TypeRef::Nullable(_)) {
            part(quote!(&#body.#ident))
        } else {
            super::fields::with_value(field, quote!(#body.#ident), part(quote!(value)))
        }
    });
    quote! {
        let mut form = oagen_runtime::Multipart::new();
        #(#parts)*
        request.multipart(form);
    }
}

fn output_type(cx: &Cx<'_>, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => cx.ty(Place::Outside, ty, Boxing::Inline),
        ResponseBody::Text { .. } => quote!(String),
        ResponseBody::Binary { .. } => quote!(oagen_runtime::Bytes),
        ResponseBody::PerStatus(statuses) => {
            let name = format_ident!("{}", statuses.rust_name);
            quote!(#name)
        }
    }
}

/// The media type to ask for (`Accept`) when the JSON default is not right, or when several
/// statuses answer differently.
fn accept(body: &ResponseBody) -> Option<&str> {
    match body {
        ResponseBody::Text { media_type } | ResponseBody::Binary { media_type } => Some(media_type),
        ResponseBody::PerStatus(statuses) => {
            let bodies = || statuses.variants.iter().map(|v| &v.body);
            if bodies().any(|b| matches!(b, ResponseBody::Json(_))) {
                Some("application/json")
            } else {
                bodies().find_map(accept)
            }
        }
        ResponseBody::Empty | ResponseBody::Json(_) => None,
    }
}

/// `pub enum CreatePetResponse { Ok(types::Pet), NoContent, Other(Bytes) }`: the result of an
/// operation whose success statuses have different bodies.
fn status_enum(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let ResponseBody::PerStatus(statuses) = &op.response.body else {
        return quote!();
    };
    let name = format_ident!("{}", statuses.rust_name);
    let other = format_ident!("{}", statuses.other);
    let variants = statuses.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let status = match variant.status {
            StatusMatch::Code(code) => format!("`{code}`"),
            StatusMatch::Range(digit) => format!("`{digit}XX`"),
            StatusMatch::Default => "`default`".to_owned(),
        };
        let mut docs = variant.docs.clone();
        docs.summary = Some(status);
        let docs = doc_attrs(&docs);
        match &variant.body {
            ResponseBody::Empty => quote!(#docs #ident,),
            body => {
                let ty = output_type(cx, body);
                quote!(#docs #ident(#ty),)
            }
        }
    });
    let doc = format!(
        " The success responses of [`Client::{}`], by status.",
        op.rust_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A success status the API description does not list, with its body as received.
            #other(oagen_runtime::Bytes),
        }
    }
}

/// Decodes a `Response<Bytes>` named `response` into the status enum (the body of a closure
/// that captures nothing, given to `Request::send_with`).
fn decode_statuses(statuses: &crate::ir::StatusEnum) -> TokenStream {
    let name = format_ident!("{}", statuses.rust_name);
    let other = format_ident!("{}", statuses.other);
    let arms = statuses.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let pattern = status_pattern(variant.status);
        let value = match &variant.body {
            ResponseBody::Empty => quote!(Ok(response.map(|_| #name::#ident))),
            ResponseBody::Json(_) => quote!(response.decode_json().map(|r| r.map(#name::#ident))),
            ResponseBody::Text { .. } => {
                quote!(response.decode_text().map(|r| r.map(#name::#ident)))
            }
            ResponseBody::Binary { .. } => quote!(Ok(response.map(#name::#ident))),
            ResponseBody::PerStatus(_) => quote!(Ok(response.map(#name::#other))),
        };
        quote!(#pattern => #value,)
    });
    quote! {
        match response.status.as_u16() {
            #(#arms)*
            _ => Ok(response.map(#name::#other)),
        }
    }
}

fn param_setter(cx: &Cx<'_>, param: &Param) -> TokenStream {
    let ident = format_ident!("{}", param.rust_name);
    let (ty, conversion) = cx.argument(Place::Outside, &param.ty, Boxing::Inline);
    let value = conversion.apply(cx, Place::Outside, quote!(value));
    let docs = doc_attrs(&param.docs);
    let summary = format!(
        " Sets the {} parameter `{}`.",
        location_name(param.location),
        super::escape_controls(&param.wire_name)
    );
    let separator = if param.docs.description.is_some() {
        quote!(#[doc = ""])
    } else {
        quote!()
    };
    quote! {
        #[doc = #summary]
        #separator
        #docs
        pub fn #ident(mut self, value: #ty) -> Self {
            self.#ident = Some(#value);
            self
        }
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::QueryString => "query string",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The request's method: a constant of `reqwest::Method`, or one made from its name (QUERY,
/// and OpenAPI 3.2's other methods, whose names `lower` checked are HTTP tokens, so the
/// fallback is never taken).
fn method(method: &HttpMethod) -> TokenStream {
    match method {
        HttpMethod::Query | HttpMethod::Other(_) => {
            let name = proc_macro2::Literal::byte_string(method.as_str().as_bytes());
            quote!(oagen_runtime::reqwest::Method::from_bytes(#name).unwrap_or_default())
        }
        _ => {
            let constant = format_ident!("{}", method.as_str());
            quote!(oagen_runtime::reqwest::Method::#constant)
        }
    }
}

/// The body of `send_with_response`, which builds the request (`Build::build`) and returns
/// the runtime's future for it (`stream` set: of the streaming method, which awaits it).
fn send_body(
    cx: &Cx<'_>,
    op: &Operation,
    stream: Option<&EventStream>,
    decode_error: &proc_macro2::Ident,
) -> TokenStream {
    if let Some(stream) = stream {
        let format = super::stream::stream_format(stream);
        let event_error = super::stream::event_error(cx, &op.errors);
        return quote! {
            oagen_runtime::Build::build(self, true)
                .send_stream(#decode_error, #event_error, #format)
                .await
        };
    }
    let send = match &op.response.body {
        ResponseBody::Empty => quote!(send_empty(#decode_error)),
        ResponseBody::Json(_) => quote!(send(#decode_error)),
        ResponseBody::Text { .. } => quote!(send_text(#decode_error)),
        ResponseBody::Binary { .. } => quote!(send_bytes(#decode_error)),
        ResponseBody::PerStatus(statuses) => {
            let decode = decode_statuses(statuses);
            quote!(send_with(#decode_error, |response| #decode))
        }
    };
    match accept(&op.response.body) {
        Some(media_type) => quote! {
            let mut request = oagen_runtime::Build::build(self, false);
            request.accept(#media_type);
            request.#send
        },
        None => quote!(oagen_runtime::Build::build(self, false).#send),
    }
}

/// `Build::build` of a builder: the request it sends, built but not sent, for the streaming
/// call or not (`stream`, used where the body has a flag that asks for a stream).
fn build_request(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let method = method(&op.method);
    let security = &op.security;
    let fixed_query: Vec<TokenStream> = op
        .fixed_query
        .iter()
        .map(|(name, value)| quote!(request.query(#name, &#value);))
        .collect();
    let segments: Vec<TokenStream> = op.segments.iter().map(|parts| segment(op, parts)).collect();
    // The whole query string (OpenAPI 3.2's `querystring`) first, so query parameters a
    // document puts beside it follow it.
    let mut sent: Vec<(usize, &Param)> = op
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location != ParamLocation::Path)
        .collect();
    sent.sort_by_key(|(_, p)| p.location != ParamLocation::QueryString);
    let params: Vec<TokenStream> = sent
        .into_iter()
        .map(|(index, param)| {
            if op.idempotency_key == Some(index) {
                idempotency_key(param)
            } else {
                send_param(param)
            }
        })
        .collect();
    let flag = op.stream.as_ref().and_then(|s| s.flag.as_ref());
    let body = set_body(cx, op, flag);
    let stream = match (flag, &op.body) {
        (Some(_), Some(_)) => quote!(stream),
        _ => quote!(_stream),
    };
    let path = &op.path;
    let operation = &op.rust_name;
    let endpoint = quote! {
        let endpoint = oagen_runtime::Endpoint {
            method: #method,
            path: #path,
            operation: #operation,
            security: &[#(#security),*],
        };
    };
    let changed =
        !(segments.is_empty() && fixed_query.is_empty() && params.is_empty()) || op.body.is_some();
    if !changed {
        return quote! {
            fn build(self, #stream: bool) -> oagen_runtime::Request {
                #endpoint
                self.client.core.request(endpoint, self.options)
            }
        };
    }
    quote! {
        fn build(self, #stream: bool) -> oagen_runtime::Request {
            #endpoint
            let mut request = self.client.core.request(endpoint, self.options);
            #(#segments)*
            #(#fixed_query)*
            #(#params)*
            #body
            request
        }
    }
}

/// The statements that set the request's body (checked first where it has constraints);
/// where the body has a flag that asks for a stream, with it set when `stream` is true.
fn set_body(cx: &Cx<'_>, op: &Operation, flag: Option<&crate::ir::PageField>) -> TokenStream {
    // The streaming call sets the body's flag that asks for a stream (the body is owned).
    let flag = flag.map(|flag| {
        let field = format_ident!("{}", flag.rust_name);
        let value = match flag.depth {
            0 => quote!(true),
            1 => quote!(Some(true)),
            _ => quote!(oagen_runtime::Nullable::Value(true)),
        };
        quote! {
            if stream {
                body.#field = #value;
            }
        }
    });
    match &op.body {
        Some(body) => {
            // A place holding the owned body: borrowed by typed bodies, moved by the others.
            let value = match (body.presence, &flag) {
                (Presence::Required, None) => quote!(self.body),
                _ => quote!(body),
            };
            let media_type = &body.media_type;
            let set = match &body.kind {
                BodyKind::Json(_) if media_type == "application/json" => {
                    quote!(request.json(&#value);)
                }
                BodyKind::Json(_) => quote!(request.json_as(&#value, #media_type);),
                BodyKind::Form { deep_object, .. } => {
                    quote!(request.form(&#value, &[#(#deep_object),*]);)
                }
                BodyKind::Multipart(ty) => multipart(cx, ty, &value),
                BodyKind::Text => quote!(request.text(#value, #media_type);),
                BodyKind::Binary => quote!(request.bytes(#value, #media_type);),
            };
            // Constraints are checked on what the user built, before anything is sent.
            let set = match body.kind.ty() {
                Some(ty) if super::validate::validates(cx, ty) => {
                    quote!(request.validate(&#value); #set)
                }
                _ => set,
            };
            match (body.presence, &flag) {
                (Presence::Required, Some(flag)) => quote! {
                    let mut body = self.body;
                    #flag
                    #set
                },
                (Presence::Required, None) => set,
                (Presence::Optional, Some(flag)) => quote! {
                    if let Some(mut body) = self.body {
                        #flag
                        #set
                    }
                },
                (Presence::Optional, None) => quote! {
                    if let Some(body) = self.body {
                        #set
                    }
                },
            }
        }
        None => quote!(),
    }
}

fn segment(op: &Operation, parts: &[PathPart]) -> TokenStream {
    match parts {
        [PathPart::Literal(text)] => quote!(request.path(#text);),
        [PathPart::Param(index)] => {
            let value = path_value(&op.params[*index]);
            quote!(request.path_param(&#value);)
        }
        parts => {
            let mut format = String::new();
            let mut args = Vec::new();
            for part in parts {
                match part {
                    PathPart::Literal(text) => {
                        format.push_str(&text.replace('{', "{{").replace('}', "}}"))
                    }
                    PathPart::Param(index) => {
                        format.push_str("{}");
                        args.push(path_value(&op.params[*index]));
                    }
                }
            }
            quote!(request.path_param(&format_args!(#format, #(#args),*));)
        }
    }
}

/// A path parameter's value as something `Display`: lists are joined with commas.
fn path_value(param: &Param) -> TokenStream {
    let ident = format_ident!("{}", param.rust_name);
    match param.ty {
        TypeRef::Array(_) => quote!(oagen_runtime::Joined(&self.#ident)),
        _ => quote!(self.#ident),
    }
}

/// Sends the idempotency key the caller set, or a new one.
fn idempotency_key(param: &Param) -> TokenStream {
    let ident = format_ident!("{}", param.rust_name);
    let wire = &param.wire_name;
    match param.presence {
        Presence::Required => quote!(request.idempotency_key(#wire, Some(&self.#ident));),
        Presence::Optional => quote!(request.idempotency_key(#wire, self.#ident.as_deref());),
    }
}

fn send_param(param: &Param) -> TokenStream {
    let ident = format_ident!("{}", param.rust_name);
    let wire = &param.wire_name;
    let put = |value: TokenStream| match (param.encoding, param.location) {
        (ParamEncoding::Structured(style), _) => {
            let style = match style {
                QueryStyle::DeepObject => quote!(DeepObject),
                QueryStyle::FormExploded => quote!(FormExploded),
                QueryStyle::FormJoined => quote!(FormJoined),
            };
            quote!(request.query_value(#wire, #value, oagen_runtime::QueryStyle::#style);)
        }
        (ParamEncoding::QueryString(format), _) => {
            let format = match format {
                QueryStringFormat::Form => quote!(Form),
                QueryStringFormat::Json => quote!(Json),
                QueryStringFormat::Text => quote!(Text),
            };
            quote!(request.query_string(#value, oagen_runtime::QueryStringFormat::#format);)
        }
        (ParamEncoding::Text, location) => {
            let call = match location {
                ParamLocation::Header => quote!(header),
                ParamLocation::Cookie => quote!(cookie),
                ParamLocation::Query | ParamLocation::QueryString | ParamLocation::Path => {
                    quote!(query)
                }
            };
            match (&param.ty, location) {
                (TypeRef::Array(_), ParamLocation::Query) => quote! {
                    for item in #value {
                        request.#call(#wire, item);
                    }
                },
                (TypeRef::Array(_), _) => {
                    quote!(request.#call(#wire, &oagen_runtime::Joined(#value));)
                }
                _ => quote!(request.#call(#wire, #value);),
            }
        }
    };
    match param.presence {
        Presence::Required => put(quote!(&self.#ident)),
        Presence::Optional => {
            let inner = put(quote!(value));
            quote! {
                if let Some(value) = &self.#ident {
                    #inner
                }
            }
        }
    }
}
