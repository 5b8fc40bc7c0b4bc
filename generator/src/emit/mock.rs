//! `mock.rs`: the typed mock of the API for users' tests, compiled with the crate's `mock`
//! feature. The logic is the runtime's (`oagen_runtime::mock`); this file only says, per
//! operation, what its success type is and how a value of it is answered, and for paginated
//! and streaming operations where the next page is and how the stream is framed. The
//! request an expectation matches is the builder's own (`Build::build` in `operations.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Place};
use crate::ir::{
    Boxing, NextCursor, Operation, PageField, PageStyle, ResponseBody, StatusEnum, StatusMatch,
};

pub(super) fn mock_rs(cx: &Cx<'_>) -> TokenStream {
    let api = cx.api;
    let mentions_types = api.operations.iter().any(|op| {
        matches!(&op.response.body, ResponseBody::Json(ty) if ty.mentions_named())
            || op.stream.as_ref().is_some_and(|s| s.data.mentions_named())
    });
    let mut imports = vec![
        quote!(Client),
        quote!(ClientBuilder),
        quote!(Error),
        quote!(ErrorBody),
    ];
    if !api.operations.is_empty() {
        imports.push(quote!(operations));
    }
    if mentions_types {
        imports.push(quote!(types));
    }
    let server = server();
    let errors = error_answer(cx);
    let operations = api
        .operations
        .iter()
        .map(|op| cx.gate_operation(op, operation(cx, op)));
    quote! {
        //! A mock of the API for your tests (the `mock` feature): a server on 127.0.0.1, and
        //! per call an expectation that matches the request your code sends, by the same
        //! request builder (its typed parameters and body), and answers with the operation's
        //! own types: a value, an error body, pages, a stream, or a fault.
        //!
        //! An expectation that is not met fails the test when the server is dropped (or at
        //! [`MockServer::verify`]), naming the operation.

        use super::{#(#imports),*};

        pub use oagen_runtime::mock::{Answer, Expectation};

        #server
        #errors
        #(#operations)*
    }
}

fn server() -> TokenStream {
    quote! {
        /// A mock of the API on a free port of 127.0.0.1; see the module's documentation.
        #[derive(Debug)]
        pub struct MockServer {
            server: oagen_runtime::mock::MockServer,
        }

        impl MockServer {
            /// Starts a server on a free port of 127.0.0.1.
            pub async fn start() -> Self {
                MockServer {
                    server: oagen_runtime::mock::MockServer::start().await,
                }
            }

            /// The server's base URL.
            pub fn uri(&self) -> String {
                self.server.uri()
            }

            /// A client builder whose base URL is this server (add credentials, a retry
            /// policy or timeouts to it).
            pub fn client_builder(&self) -> ClientBuilder {
                Client::builder().base_url(self.server.uri())
            }

            /// A client whose base URL is this server, without credentials.
            pub fn client(&self) -> Result<Client, Error> {
                self.client_builder().build()
            }

            /// Expects the request `request` (a request builder, from any client) sends:
            /// the same path, the query and header parameters it sets, the same body. Once,
            /// unless `times` says otherwise; then answer it (`respond`, `fail`,
            /// `respond_pages`, `respond_stream`, `rate_limited`, `disconnect`...).
            pub fn expect<O: oagen_runtime::mock::Operation>(&self, request: O) -> Expectation<'_, O> {
                self.server.expect(request)
            }

            /// The requests received so far, in order (for checks of your own).
            pub async fn received_requests(&self) -> Vec<oagen_runtime::mock::ReceivedRequest> {
                self.server.received_requests().await
            }

            /// Fails (panics) unless every expectation so far was met, naming each
            /// operation that was not. Dropping the server checks the same.
            pub async fn verify(&self) {
                self.server.verify().await
            }
        }
    }
}

/// `ErrorBody` as an answer: each variant's body as JSON.
fn error_answer(cx: &Cx<'_>) -> TokenStream {
    let arms = cx.api.error_types.iter().map(|id| {
        let name = format_ident!("{}", cx.api.type_def(*id).rust_name);
        let cfg = cx.cfg_of_type(*id);
        quote!(#cfg ErrorBody::#name(ref value) => Answer::json(status, value),)
    });
    let status = if cx.api.error_types.is_empty() {
        quote!(_status)
    } else {
        quote!(status)
    };
    // With some features off, every arm may be compiled out, and `status` unused.
    let gated = cx
        .api
        .error_types
        .iter()
        .any(|id| !cx.cfg_of_type(*id).is_empty());
    let allow = gated.then(|| quote!(#[allow(unused_variables)]));
    quote! {
        impl oagen_runtime::mock::ErrorAnswer for ErrorBody {
            #allow
            fn answer(&self, #status: u16) -> Answer {
                match *self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The impls of one operation's builder: its success type and answer; its pages and stream.
fn operation(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let builder = format_ident!("{}", op.builder_name);
    let (output, answer) = match &op.response.body {
        ResponseBody::PerStatus(statuses) => {
            let name = format_ident!("{}", statuses.rust_name);
            (quote!(operations::#name), per_status(statuses))
        }
        body => (output_type(cx, body), answer(body, 200, quote!(output))),
    };
    let output_arg = if op.response.body == ResponseBody::Empty {
        quote!(_output)
    } else {
        quote!(output)
    };
    let pages = pages(op).map(|shape| {
        quote! {
            impl oagen_runtime::mock::Paginated for operations::#builder {
                const PAGES: oagen_runtime::mock::PageShape = #shape;
            }
        }
    });
    let stream = op.stream.as_ref().map(|stream| {
        let data = cx.ty(Place::Outside, &stream.data, Boxing::Inline);
        let format = super::stream::stream_format(stream);
        quote! {
            impl oagen_runtime::mock::Streamed for operations::#builder {
                type Event = #data;
                const FORMAT: oagen_runtime::StreamFormat = #format;
            }
        }
    });
    quote! {
        impl oagen_runtime::mock::Operation for operations::#builder {
            type Output = #output;
            type Error = ErrorBody;

            fn answer(#output_arg: &#output) -> Answer {
                #answer
            }
        }
        #pages
        #stream
    }
}

fn output_type(cx: &Cx<'_>, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => cx.ty(Place::Outside, ty, Boxing::Inline),
        ResponseBody::Text { .. } => quote!(String),
        ResponseBody::Binary { .. } | ResponseBody::PerStatus(_) => {
            quote!(oagen_runtime::Bytes)
        }
    }
}

/// The answer for a value (`value`, a reference) of a body, with this status.
fn answer(body: &ResponseBody, status: u16, value: TokenStream) -> TokenStream {
    let status = match body {
        ResponseBody::Empty if status == 200 => 204,
        _ => status,
    };
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    match body {
        ResponseBody::Empty => quote!(Answer::empty(#status)),
        ResponseBody::Json(_) => quote!(Answer::json(#status, #value)),
        ResponseBody::Text { media_type } => quote!(Answer::text(#status, #value, #media_type)),
        ResponseBody::Binary { media_type } => {
            quote!(Answer::bytes(#status, #value, #media_type))
        }
        ResponseBody::PerStatus(_) => {
            quote!(Answer::bytes(#status, #value, "application/octet-stream"))
        }
    }
}

/// The answer of a value of a status enum: each variant with its status.
fn per_status(statuses: &StatusEnum) -> TokenStream {
    let name = format_ident!("{}", statuses.rust_name);
    let other = format_ident!("{}", statuses.other);
    let status_of = |status: StatusMatch| match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(digit) => digit * 100,
        StatusMatch::Default => 200,
    };
    let literal = proc_macro2::Literal::u16_unsuffixed;
    let arms = statuses.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let status = status_of(variant.status);
        let code = literal(status);
        match &variant.body {
            ResponseBody::Empty => {
                quote!(operations::#name::#ident => Answer::empty(#code),)
            }
            body => {
                let answer = answer(body, status, quote!(value));
                quote!(operations::#name::#ident(ref value) => #answer,)
            }
        }
    });
    // A success status no variant takes (decoded as the raw variant).
    let listed = |code: u16| {
        statuses.variants.iter().any(|v| match v.status {
            StatusMatch::Code(listed) => listed == code,
            StatusMatch::Range(digit) => code / 100 == digit,
            StatusMatch::Default => false,
        })
    };
    let unlisted = literal((200..300).find(|&code| !listed(code)).unwrap_or(299));
    quote! {
        match *output {
            #(#arms)*
            operations::#name::#other(ref value) => {
                Answer::bytes(#unlisted, value, "application/octet-stream")
            }
        }
    }
}

/// `PageShape { .. }` of a paginated operation: where its items and next page are.
fn pages(op: &Operation) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    if !matches!(op.response.body, ResponseBody::Json(_)) {
        return None;
    }
    let items = fields(pagination.items.as_slice());
    let param = |index: usize| op.params.get(index).map(|p| p.wire_name.as_str());
    let next = match &pagination.style {
        PageStyle::Cursor { param: index, next } => {
            let param = param(*index)?;
            match next {
                NextCursor::Field(path) => {
                    let field = fields(path);
                    quote!(Cursor { param: #param, field: #field })
                }
                NextCursor::LastItem { has_more, id } => {
                    let has_more = fields(std::slice::from_ref(has_more));
                    let id = &id.wire_name;
                    quote!(LastItem { param: #param, has_more: #has_more, id: #id })
                }
            }
        }
        PageStyle::HeaderCursor {
            param: index,
            header,
        } => {
            let param = param(*index)?;
            quote!(HeaderCursor { param: #param, header: #header })
        }
        PageStyle::Link => quote!(Link),
        PageStyle::NextUrl { path } => {
            let field = fields(path);
            quote!(NextUrl { field: #field })
        }
        PageStyle::LinkList { list, rel, href } => {
            let list = fields(list);
            let (rel, href) = (&rel.wire_name, &href.wire_name);
            quote!(LinkList { list: #list, rel: #rel, href: #href })
        }
        PageStyle::PageNumber {
            param: index,
            first,
        } => {
            let param = param(*index)?;
            let first = proc_macro2::Literal::u64_unsuffixed(*first);
            quote!(PageNumber { param: #param, first: #first })
        }
        PageStyle::Offset {
            param: index,
            total,
        } => {
            let param = param(*index)?;
            let total = match total {
                Some(total) => {
                    let total = fields(std::slice::from_ref(total));
                    quote!(Some(#total))
                }
                None => quote!(None),
            };
            quote!(Offset { param: #param, total: #total })
        }
    };
    Some(quote! {
        oagen_runtime::mock::PageShape {
            items: #items,
            next: oagen_runtime::mock::NextPage::#next,
        }
    })
}

/// `&["a", "b"]`: a path of fields by their wire names.
fn fields(path: &[PageField]) -> TokenStream {
    let names = path.iter().map(|field| &field.wire_name);
    quote!(&[#(#names),*])
}
