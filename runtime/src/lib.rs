//! Runtime support shared by every client that `oagen` generates.
//!
//! Generated crates contain only what is specific to one API (its types, one method per
//! operation, its credentials). Everything else — building URLs, attaching credentials,
//! sending, decoding, and the error type — is ordinary hand-written code here, so it is
//! written, reviewed and tested once.

mod base64;
mod builder;
mod call;
mod client;
mod date;
mod error;
mod form;
mod future;
mod lines;
pub mod middleware;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "mock")]
mod mock_pages;
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
mod transport;
pub mod webhook;

// What users name: the errors, the values generated types hold, the streams, pages and
// futures that calls return, the retry policy, and the webhook checks.
pub use base64::Base64;
pub use date::{Date, DateTime};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, REQUEST_ID_HEADERS, RedirectError, RedirectReason,
    TooLargeError, TransportError, request_id,
};
pub use future::{BodyFuture, ResponseFuture};
pub use multipart::{File, Multipart};
pub use nullable::Nullable;
pub use paginate::{Items, Pages};
pub use response::Response;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use stream::{Event, EventStream, Framing};
pub use validate::{Validate, ValidationError};

// What only generated code names: not public API, and free to change with the generator
// that emits it. Hidden from the documentation; a user never needs to write these.
#[doc(hidden)]
pub mod de;
#[doc(hidden)]
pub mod ser;
#[doc(hidden)]
pub mod tagged;
#[doc(hidden)]
pub mod union;
#[doc(hidden)]
pub mod validate;
#[doc(hidden)]
pub use call::{CallOptions, Endpoint};
#[doc(hidden)]
pub use client::{AuthLocation, ClientCore, CoreBuilder};
#[doc(hidden)]
pub use form::{QueryStringFormat, QueryStyle};
#[doc(hidden)]
pub use future::{BoxFuture, ErrorDecoder, ResponseDecoder};
#[doc(hidden)]
pub use paginate::{PageRef, Paging};
#[doc(hidden)]
pub use request::{Build, Joined, Request, decode_json};
#[doc(hidden)]
pub use stream::{DataFormat, StreamFormat};

/// Binary response bodies.
pub use bytes::Bytes;

/// Dates and times: the typed views of [`DateTime`] and [`Date`].
pub use jiff;

/// Re-exported so users can pass their own `reqwest::Client` without depending on the same
/// version of reqwest by hand.
pub use reqwest;

/// Re-exported so users can consume [`Pages`] and [`Items`] with stream combinators.
pub use futures_core::Stream;
