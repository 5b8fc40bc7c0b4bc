//! Runtime support shared by every client that `oagen` generates.
//!
//! Generated crates contain only what is specific to one API (its types, one method per
//! operation, its credentials). Everything else — building URLs, attaching credentials,
//! sending, decoding, and the error type — is ordinary hand-written code here, so it is
//! written, reviewed and tested once.

mod base64;
mod client;
mod date;
pub mod de;
mod error;
mod form;
mod future;
mod lines;
mod multipart;
mod nullable;
mod paginate;
mod redirect;
mod request;
mod response;
mod retry;
mod secret;
mod send;
mod sse;
mod stream;
pub mod tagged;
pub mod union;
pub mod validate;
pub mod webhook;

pub use base64::Base64;
pub use client::{AuthLocation, ClientCore, CoreBuilder};
pub use date::{Date, DateTime};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, REQUEST_ID_HEADERS, RedirectError, RedirectReason,
    TooLargeError, TransportError, request_id,
};
pub use form::QueryStyle;
pub use future::{BodyFuture, ResponseFuture};
pub use multipart::{File, Multipart};
pub use nullable::Nullable;
pub use paginate::{Items, PageRef, Pages, Paging};
pub use request::{
    BoxFuture, CallOptions, Endpoint, ErrorDecoder, Joined, Request, Response, ResponseDecoder,
    decode_json,
};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use stream::{DataFormat, Event, EventStream, Framing, StreamFormat};
pub use validate::{Validate, ValidationError};

/// Binary response bodies.
pub use bytes::Bytes;

/// Dates and times: the typed views of [`DateTime`] and [`Date`].
pub use jiff;

/// Re-exported so users can pass their own `reqwest::Client` without depending on the same
/// version of reqwest by hand.
pub use reqwest;

/// Re-exported so users can consume [`Pages`] and [`Items`] with stream combinators.
pub use futures_core::Stream;
