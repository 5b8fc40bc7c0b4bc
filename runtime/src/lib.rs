//! Runtime support shared by every client that `oagen` generates.
//!
//! Generated crates contain only what is specific to one API (its types, one method per
//! operation, its credentials). Everything else — building URLs, attaching credentials,
//! sending, decoding, and the error type — is ordinary hand-written code here, so it is
//! written, reviewed and tested once.

mod client;
mod error;
mod form;
mod multipart;
pub mod nullable;
mod request;
mod secret;

pub use client::{AuthLocation, ClientCore, CoreBuilder};
pub use error::{ApiError, ConfigError, DecodeError, Error};
pub use form::QueryStyle;
pub use multipart::{File, Multipart};
pub use request::{BoxFuture, Joined, Request, Response, decode_json};
pub use secret::Secret;

/// Binary response bodies.
pub use bytes::Bytes;

/// Re-exported so users can pass their own `reqwest::Client` without depending on the same
/// version of reqwest by hand.
pub use reqwest;
