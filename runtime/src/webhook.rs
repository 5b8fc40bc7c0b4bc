//! Incoming requests: webhooks and callbacks the API sends to the user's endpoint.
//!
//! Generated crates have a `webhooks` module with one enum per set of events (the
//! document's `webhooks`, and each operation's `callbacks`) whose `parse(headers, body)`
//! picks the event and decodes its payload; [`ParseError`] says why it could not.
//! With the `webhooks` feature, `StandardWebhooks` verifies the signature of the
//! Standard Webhooks scheme (<https://www.standardwebhooks.com>) before parsing.

use std::fmt;

use reqwest::header::HeaderMap;

/// Why an incoming request is not one of the events the API description declares.
#[derive(Debug)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not JSON.
    InvalidJson(serde_json::Error),
    /// No declared event matches the request. `name` is the event name the request gave (in
    /// a header or a field of the body), when it gave one.
    UnknownEvent { name: Option<String> },
    /// The event was recognised, but its payload does not decode into the event's type.
    InvalidPayload {
        event: &'static str,
        source: serde_json::Error,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::InvalidJson(err) => write!(f, "the body is not JSON: {err}"),
            ParseError::UnknownEvent { name: Some(name) } => {
                write!(f, "`{name}` is not an event the API description declares")
            }
            ParseError::UnknownEvent { name: None } => {
                f.write_str("the request matches no event the API description declares")
            }
            ParseError::InvalidPayload { event, source } => {
                write!(
                    f,
                    "the payload of the `{event}` event does not decode: {source}"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ParseError::InvalidJson(err) | ParseError::InvalidPayload { source: err, .. } => {
                Some(err)
            }
            ParseError::UnknownEvent { .. } => None,
        }
    }
}

/// The body as JSON (an empty body is `null`).
#[doc(hidden)]
pub fn parse_json(body: &[u8]) -> Result<serde_json::Value, ParseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(body).map_err(ParseError::InvalidJson)
}

/// A header's value as text, if present and text.
#[doc(hidden)]
pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A string field of a JSON object body (`type` in `{"type": "invoice.paid", ...}`).
#[doc(hidden)]
pub fn field<'v>(body: &'v serde_json::Value, name: &str) -> Option<&'v str> {
    body.get(name).and_then(serde_json::Value::as_str)
}

/// Decodes the payload of the event called `event`.
#[doc(hidden)]
pub fn payload<T: serde::de::DeserializeOwned>(
    event: &'static str,
    body: serde_json::Value,
) -> Result<T, ParseError> {
    serde_json::from_value(body).map_err(|source| ParseError::InvalidPayload { event, source })
}

#[cfg(feature = "webhooks")]
pub use standard::{StandardWebhooks, VerifyError};

#[cfg(feature = "webhooks")]
mod standard {
    use std::fmt;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use hmac::{Hmac, Mac};
    use reqwest::header::HeaderMap;
    use sha2::Sha256;

    use crate::Base64;

    type HmacSha256 = Hmac<Sha256>;

    /// Verifies the Standard Webhooks signature of an incoming request: the
    /// `webhook-signature` header holds `v1,<base64 HMAC-SHA256>` signatures (space
    /// separated) of `<webhook-id>.<webhook-timestamp>.<body>`, made with the endpoint's
    /// secret; the timestamp (seconds since 1970) must be within the tolerance of now (five
    /// minutes by default), so a captured request cannot be replayed later. Signatures are
    /// compared in constant time.
    #[derive(Clone)]
    pub struct StandardWebhooks {
        key: Vec<u8>,
        tolerance: Duration,
    }

    /// Why a request's signature is not accepted.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum VerifyError {
        /// The secret is not `whsec_` followed by base64 (or not base64).
        InvalidSecret,
        /// A `webhook-id`, `webhook-timestamp` or `webhook-signature` header is missing.
        MissingHeader(&'static str),
        /// `webhook-timestamp` is not a number of seconds.
        InvalidTimestamp,
        /// The timestamp is further from now than the tolerance (too old: a replay; or in
        /// the future).
        TimestampOutOfTolerance,
        /// No `v1` signature in `webhook-signature` matches the body.
        InvalidSignature,
    }

    impl fmt::Display for VerifyError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                VerifyError::InvalidSecret => {
                    f.write_str("the webhook secret is not `whsec_` followed by base64")
                }
                VerifyError::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
                VerifyError::InvalidTimestamp => {
                    f.write_str("`webhook-timestamp` is not a number of seconds")
                }
                VerifyError::TimestampOutOfTolerance => {
                    f.write_str("the webhook's timestamp is too far from now")
                }
                VerifyError::InvalidSignature => {
                    f.write_str("no webhook signature matches the request")
                }
            }
        }
    }

    impl std::error::Error for VerifyError {}

    impl fmt::Debug for StandardWebhooks {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("StandardWebhooks")
                .field("key", &"[redacted]")
                .field("tolerance", &self.tolerance)
                .finish()
        }
    }

    impl StandardWebhooks {
        /// The default tolerance between the request's timestamp and now.
        pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

        /// A verifier for the endpoint secret `whsec_<base64>` (the prefix is optional).
        pub fn new(secret: &str) -> Result<Self, VerifyError> {
            let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
            let key = Base64::decode(encoded)
                .filter(|key| !key.as_bytes().is_empty())
                .ok_or(VerifyError::InvalidSecret)?;
            Ok(Self::from_key(key.0))
        }

        /// A verifier for a secret given as its raw bytes.
        pub fn from_key(key: impl Into<Vec<u8>>) -> Self {
            StandardWebhooks {
                key: key.into(),
                tolerance: Self::DEFAULT_TOLERANCE,
            }
        }

        /// Sets how far the request's timestamp may be from now.
        pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
            self.tolerance = tolerance;
            self
        }

        /// Checks the request's signature and timestamp against the current time.
        pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
            self.verify_at(headers, body, SystemTime::now())
        }

        /// Checks the request's signature and timestamp against `now`.
        pub fn verify_at(
            &self,
            headers: &HeaderMap,
            body: &[u8],
            now: SystemTime,
        ) -> Result<(), VerifyError> {
            let header = |name: &'static str| {
                super::header(headers, name).ok_or(VerifyError::MissingHeader(name))
            };
            let id = header("webhook-id")?;
            let timestamp = header("webhook-timestamp")?;
            let signatures = header("webhook-signature")?;
            let seconds: i64 = timestamp
                .trim()
                .parse()
                .map_err(|_| VerifyError::InvalidTimestamp)?;
            let now = match now.duration_since(UNIX_EPOCH) {
                Ok(since) => i128::from(since.as_secs()),
                Err(before) => -i128::from(before.duration().as_secs()),
            };
            if (now - i128::from(seconds)).unsigned_abs() > u128::from(self.tolerance.as_secs()) {
                return Err(VerifyError::TimestampOutOfTolerance);
            }
            let mac = self.mac(id, timestamp.trim(), body);
            let matches = signatures.split(' ').any(|signature| {
                let Some(("v1", encoded)) = signature.split_once(',') else {
                    return false;
                };
                Base64::decode(encoded)
                    .is_some_and(|expected| mac.clone().verify_slice(expected.as_bytes()).is_ok())
            });
            if matches {
                Ok(())
            } else {
                Err(VerifyError::InvalidSignature)
            }
        }

        /// The `webhook-signature` value for a request (`v1,<base64>`): what a sender
        /// writes, and what tests need.
        pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
            let tag = self
                .mac(id, &timestamp.to_string(), body)
                .finalize()
                .into_bytes();
            format!("v1,{}", Base64(tag.to_vec()).encode())
        }

        fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
            // HMAC takes keys of every length, so this never falls back.
            let mut mac = HmacSha256::new_from_slice(&self.key)
                .unwrap_or_else(|_| <HmacSha256 as Mac>::new(&Default::default()));
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.as_bytes());
            mac.update(b".");
            mac.update(body);
            mac
        }
    }
}

#[cfg(all(test, feature = "webhooks"))]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use reqwest::header::HeaderMap;

    use super::*;

    /// The example of the Standard Webhooks specification's reference libraries.
    #[test]
    fn the_reference_signature_verifies() {
        let verifier = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let signature = verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let mut headers = HeaderMap::new();
        headers.insert(
            "webhook-id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek".parse().unwrap(),
        );
        headers.insert("webhook-timestamp", "1614265330".parse().unwrap());
        // Several signatures (a rotated secret): one match is enough.
        headers.insert(
            "webhook-signature",
            format!("v1,Ym9ndXM= v2,xyz {signature}").parse().unwrap(),
        );
        let at = UNIX_EPOCH + Duration::from_secs(1614265330 + 60);
        assert_eq!(verifier.verify_at(&headers, body, at), Ok(()));
        assert_eq!(
            verifier.verify_at(&headers, b"{\"test\": 1}", at),
            Err(VerifyError::InvalidSignature)
        );
    }
}
