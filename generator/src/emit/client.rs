//! `lib.rs` and `client.rs`: the crate root, `Client`, `ClientBuilder`, `Error`, `ErrorBody`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::signature::{body_argument, ordered_required};
use super::{Cx, Place, doc_attrs, inner_doc_lines};
use crate::ir::{ApiKeyLocation, Docs, Operation, Presence, Scalar, SchemeKind, SecurityScheme};

pub(super) fn lib_rs(cx: &Cx<'_>) -> TokenStream {
    let info = &cx.api.info;
    let mut paragraphs = vec![format!(
        "A client for the {} (version {}), generated from its OpenAPI description.",
        super::api_name(&info.title),
        info.version
    )];
    paragraphs.extend(
        info.description
            .as_deref()
            .map(super::markdown::escape_document_text),
    );
    paragraphs.push(
        "Build a [`Client`], call one method per operation, and `.await` the request it returns \
         (optional parameters are set on the request before awaiting). Data types are in \
         [`types`]; every call fails with the one [`Error`] type."
            .to_owned(),
    );
    let docs = inner_doc_lines(&paragraphs);
    let crate_attrs = cx.crate_attrs();
    let uuid = if cx.api.uses_scalar(Scalar::Uuid) {
        quote! {
            /// Re-exported: identifiers in this API are `uuid::Uuid`s.
            pub use uuid;
        }
    } else {
        quote!()
    };
    // Deprecated types and fields are used by the generated code itself.
    let allow_deprecated = if cx.api.uses_deprecated() {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    let webhooks = if cx.api.events.is_empty() {
        quote!()
    } else {
        quote! {
            #[rustfmt::skip]
            #allow_deprecated
            pub mod webhooks;
        }
    };
    quote! {
        #docs
        #crate_attrs

        // The generator formats these files itself (deterministically, with prettyplease);
        // rustfmt must not reformat them, or `cargo xtask codegen --check` would see drift.
        #[rustfmt::skip]
        #allow_deprecated
        mod client;
        /// The request builders, one per operation, which the methods of [`Client`] return:
        /// set optional parameters on one, then `.await` it (or call `send_with_response`).
        #[rustfmt::skip]
        #allow_deprecated
        pub mod operations;
        /// The API's data types: one per schema of its OpenAPI description, and one per
        /// inline schema that needs a name (named after where it appears).
        #[rustfmt::skip]
        #allow_deprecated
        pub mod types;
        #webhooks
        /// A typed mock of the API for your tests (the `mock` feature).
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        #allow_deprecated
        pub mod mock;

        // In the order rustfmt sorts them, so that `cargo fmt` leaves this file as generated.
        pub use client::{Client, ClientBuilder, Error, ErrorBody};
        /// Absent, `null` or a value: optional nullable fields of the types that are sent
        /// (assign `Nullable::Null` to send `null`).
        pub use oagen_runtime::Nullable;
        /// Layers around every attempt, and transports in place of reqwest (`tower`).
        pub use oagen_runtime::middleware;
        /// Re-exported so that a `reqwest::ClientBuilder` for [`ClientBuilder::http_client`] comes from
        /// the same version.
        pub use oagen_runtime::reqwest;
        pub use oagen_runtime::{ApiError, ConfigError, DecodeError, Items, Pages, Response};
        /// The futures of a call, to name them (in a struct field, a `JoinHandle`...).
        pub use oagen_runtime::{BodyFuture, ResponseFuture};
        /// What `stream()` returns for an operation that answers with a stream (server-sent
        /// events or JSON lines): the stream, and each item in it.
        pub use oagen_runtime::{Event, EventStream};
        pub use oagen_runtime::{RedirectError, RedirectReason};
        pub use oagen_runtime::{RetryPolicy, Secret, TooLargeError, TransportError};
        #uuid
    }
}

pub(super) fn client_rs(cx: &Cx<'_>) -> TokenStream {
    let api = cx.api;
    let uses_types =
        !api.error_types.is_empty() || api.operations.iter().any(operation_mentions_types);
    let use_types = if uses_types {
        quote!(
            use super::types;
        )
    } else {
        quote!()
    };
    let use_operations = if api.operations.is_empty() {
        quote!()
    } else {
        quote!(
            use super::operations;
        )
    };

    let error_variants = api.error_types.iter().map(|id| {
        let name = format_ident!("{}", api.type_def(*id).rust_name);
        let cfg = cx.cfg_of_type(*id);
        quote!(#cfg #name(types::#name),)
    });
    let large = super::unions::allow_large(
        api.error_types
            .iter()
            .any(|id| cx.large(&crate::ir::TypeRef::Named(*id), crate::ir::Boxing::Inline)),
    );
    let default_base_url = api.servers.first().map(|s| s.url.as_str()).unwrap_or("");
    let base_url_doc = match api.servers.first() {
        Some(_) => " The base URL of the API's first server.".to_owned(),
        None => " The API description names no server: set one with [`ClientBuilder::base_url`]."
            .to_owned(),
    };

    let new = client_new(cx);
    let builder = client_builder(cx);
    let methods = api
        .operations
        .iter()
        .map(|op| cx.gate_operation(op, operation_method(cx, op)));

    quote! {
        #use_operations
        #use_types

        /// The error bodies that the API declares, decoded. Found in [`Error::Api`] (as
        /// `typed`) when a response's status declares one and its body matches.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #large
        pub enum ErrorBody {
            #(#error_variants)*
        }

        /// The error of every call, and of building a [`Client`].
        pub type Error = oagen_runtime::Error<ErrorBody>;

        /// A client for the API: cheap to clone, and safe to share between tasks.
        ///
        /// Credentials never appear in its `Debug` output.
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) core: oagen_runtime::ClientCore,
        }

        impl Client {
            #[doc = #base_url_doc]
            pub const DEFAULT_BASE_URL: &'static str = #default_base_url;

            #new

            /// A builder for a client with other settings: base URL, timeouts, user agent,
            /// extra headers, or your own `reqwest::Client`.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: oagen_runtime::CoreBuilder::new(
                        Self::DEFAULT_BASE_URL,
                        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
                    ),
                }
            }

            /// The URL that operation paths are appended to.
            pub fn base_url(&self) -> &str {
                self.core.base_url().as_str()
            }

            #(#methods)*
        }

        #builder
    }
}

/// `Client::new`: the credentials every operation needs as arguments.
fn client_new(cx: &Cx<'_>) -> TokenStream {
    let api = cx.api;
    let credentials: Vec<&SecurityScheme> = api
        .default_credentials
        .iter()
        .map(|&i| &api.security_schemes[i])
        .collect();
    let new_params = credentials.iter().map(|scheme| {
        let ident = format_ident!("{}", scheme.rust_name);
        match scheme.kind {
            SchemeKind::Basic => {
                let (username, password) = basic_args(scheme);
                quote!(#username: impl Into<String>, #password: impl Into<oagen_runtime::Secret>)
            }
            _ => quote!(#ident: impl Into<oagen_runtime::Secret>),
        }
    });
    let new_calls = credentials.iter().map(|scheme| {
        let ident = format_ident!("{}", scheme.rust_name);
        match scheme.kind {
            SchemeKind::Basic => {
                let (username, password) = basic_args(scheme);
                quote!(.#ident(#username, #password))
            }
            _ => quote!(.#ident(#ident)),
        }
    });
    let new_doc = if credentials.is_empty() {
        " A client with default settings.".to_owned()
    } else {
        let names: Vec<String> = credentials
            .iter()
            .map(|s| format!("`{}`", super::escape_controls(&s.wire_name)))
            .collect();
        format!(
            " A client with default settings and the credentials every operation needs ({}).",
            names.join(", ")
        )
    };
    let new_failure = if credentials.is_empty() {
        " Fails only if the HTTP client cannot be set up; nothing is sent."
    } else {
        " Fails if a credential is not a valid header value; nothing is sent."
    };
    quote! {
        #[doc = #new_doc]
        ///
        #[doc = #new_failure]
        pub fn new(#(#new_params),*) -> Result<Self, Error> {
            Self::builder()#(#new_calls)*.build()
        }
    }
}

/// `ClientBuilder`: a setter per security scheme and the client's settings.
fn client_builder(cx: &Cx<'_>) -> TokenStream {
    let credential_setters = cx.api.security_schemes.iter().map(credential_setter);
    quote! {
    /// Settings for a [`Client`]; see [`Client::builder`].
    #[derive(Debug)]
    pub struct ClientBuilder {
        core: oagen_runtime::CoreBuilder,
    }

    impl ClientBuilder {
        #(#credential_setters)*

        /// Sends requests to another base URL (a sandbox, a proxy, a test server).
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.core.base_url(url);
            self
        }

        /// Builds the HTTP client from this `reqwest::ClientBuilder` (proxies, TLS
        /// settings). Its settings apply, but redirects are never followed by reqwest and
        /// no `Referer` is sent: this client follows redirects itself, within the API's
        /// origin only, so credentials never reach another origin.
        pub fn http_client(mut self, builder: oagen_runtime::reqwest::ClientBuilder) -> Self {
            self.core.http_client(builder);
            self
        }

        /// The timeout for each attempt of a request: connecting, sending and reading the
        /// whole response (60 seconds unless set); `None` waits forever. A call can
        /// override it with `with_timeout`.
        pub fn timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self.core.timeout(timeout);
            self
        }

        /// How failed requests are retried: by default 3 attempts in all, for connection
        /// errors, timeouts and 429, 502, 503 and 504 answers, honouring `Retry-After`,
        /// and only for idempotent methods. `RetryPolicy::disabled()` never retries. A
        /// call can override it with `with_retry`.
        pub fn retry(mut self, policy: oagen_runtime::RetryPolicy) -> Self {
            self.core.retry(policy);
            self
        }

        /// The largest response body read (64 MiB unless set); a larger one is
        /// `Error::ResponseTooLarge`.
        pub fn max_response_bytes(mut self, limit: usize) -> Self {
            self.core.max_response_bytes(limit);
            self
        }

        /// The timeout for opening a connection (10 seconds unless set).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.core.connect_timeout(timeout);
            self
        }

        /// Wraps every attempt of every request in `layer`, a `tower::Layer` (to sign,
        /// add headers, time, or answer from a cache): see [`middleware`](super::middleware).
        /// The layer added first is the outermost.
        pub fn layer(mut self, layer: impl oagen_runtime::middleware::AttemptLayer) -> Self {
            self.core.layer(layer);
            self
        }

        /// Sends requests through `transport`, a `tower::Service` (an in-memory one in
        /// tests), instead of reqwest: see [`middleware`](super::middleware). Timeouts,
        /// retries, redirects and the credential rule still apply.
        pub fn transport(
            mut self,
            transport: impl oagen_runtime::middleware::Transport,
        ) -> Self {
            self.core.transport(transport);
            self
        }

        /// The `User-Agent` header (the crate's name and version unless set).
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.core.user_agent(user_agent);
            self
        }

        /// A header sent with every request.
        pub fn header(
            mut self,
            name: impl Into<String>,
            value: impl Into<String>,
        ) -> Self {
            self.core.header(name, value);
            self
        }

        /// Checks the settings and builds the client. Nothing is sent.
        pub fn build(self) -> Result<Client, Error> {
            Ok(Client {
                core: self.core.build()?,
            })
        }
    }
    }
}

/// The `Client::new` arguments of a basic scheme: `<scheme>_username`, `<scheme>_password`.
fn basic_args(scheme: &SecurityScheme) -> (proc_macro2::Ident, proc_macro2::Ident) {
    let stem = crate::naming::unraw(&scheme.rust_name);
    (
        format_ident!("{stem}_username"),
        format_ident!("{stem}_password"),
    )
}

fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let ident = format_ident!("{}", scheme.rust_name);
    let wire = &scheme.wire_name;
    let docs = |summary: String| {
        doc_attrs(&Docs {
            summary: Some(format!(
                "The credential of security scheme `{wire}`, {summary}."
            )),
            description: scheme.docs.description.clone(),
            notes: scheme.docs.notes.clone(),
            ..Docs::default()
        })
    };
    let location = match &scheme.kind {
        SchemeKind::ApiKey { location, name } => match location {
            ApiKeyLocation::Header => (
                quote!(Header(#name)),
                format!("sent in the `{name}` header"),
            ),
            ApiKeyLocation::Query => (
                quote!(Query(#name)),
                format!("sent as the `{name}` query parameter"),
            ),
            ApiKeyLocation::Cookie => (
                quote!(Cookie(#name)),
                format!("sent as the `{name}` cookie"),
            ),
        },
        SchemeKind::Bearer => (
            quote!(Bearer),
            "sent as `Authorization: Bearer <token>`".to_owned(),
        ),
        SchemeKind::Basic => {
            let docs =
                docs("a username and password sent as `Authorization: Basic ...`".to_owned());
            return quote! {
                #docs
                pub fn #ident(
                    mut self,
                    username: impl Into<String>,
                    password: impl Into<oagen_runtime::Secret>,
                ) -> Self {
                    self.core.basic_credential(#wire, &username.into(), &password.into());
                    self
                }
            };
        }
    };
    let (location, summary) = location;
    let docs = docs(summary);
    quote! {
        #docs
        pub fn #ident(mut self, value: impl Into<oagen_runtime::Secret>) -> Self {
            self.core.credential(#wire, oagen_runtime::AuthLocation::#location, value.into());
            self
        }
    }
}

fn operation_mentions_types(op: &Operation) -> bool {
    let named = |ty: &crate::ir::TypeRef| ty.mentions_named();
    op.params
        .iter()
        .any(|p| p.presence == Presence::Required && named(&p.ty))
        || op
            .body
            .as_ref()
            .filter(|b| b.presence == Presence::Required)
            .and_then(|b| b.kind.ty())
            .is_some_and(named)
}

/// `pub fn create_pet(&self, body: types::NewPet) -> operations::CreatePet`: required
/// parameters and a required body are arguments; the rest are set on the builder, which owns
/// them and a clone of the client.
fn operation_method(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let docs = doc_attrs(&op.docs);
    let name = format_ident!("{}", op.rust_name);
    let builder = format_ident!("{}", op.builder_name);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for param in ordered_required(op) {
        let ident = format_ident!("{}", param.rust_name);
        let (ty, conversion) = cx.argument(Place::Outside, &param.ty, crate::ir::Boxing::Inline);
        params.push(quote!(#ident: #ty));
        inits.push(match conversion {
            super::Conversion::None => quote!(#ident),
            other => {
                let value = other.apply(cx, Place::Outside, quote!(#ident));
                quote!(#ident: #value)
            }
        });
    }
    for param in op
        .params
        .iter()
        .filter(|p| p.presence == Presence::Optional)
    {
        let ident = format_ident!("{}", param.rust_name);
        inits.push(quote!(#ident: None));
    }
    if let Some(body) = &op.body {
        match body.presence {
            Presence::Required => {
                let (ty, converts) = body_argument(cx, &body.kind);
                params.push(quote!(body: #ty));
                inits.push(if converts {
                    quote!(body: body.into())
                } else {
                    quote!(body)
                });
            }
            Presence::Optional => inits.push(quote!(body: None)),
        }
    }
    let many_arguments = if params.len() > 6 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #docs
        #many_arguments
        pub fn #name(&self, #(#params),*) -> operations::#builder {
            operations::#builder {
                client: self.clone(),
                options: oagen_runtime::CallOptions::default(),
                #(#inits,)*
            }
        }
    }
}
