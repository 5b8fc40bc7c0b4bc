//! Idempotency keys.
//!
//! A header parameter named `Idempotency-Key` or `X-Idempotency-Key`
//! (any case) carries an idempotency key: the client makes one per call when the caller
//! sets none, sends the same one on every attempt, and so retries the operation whatever its
//! method. `x-oagen-idempotency-key: <header name>` states the header: on an operation, for
//! that operation (which gains the header parameter if it does not declare it); at the
//! root, for every `POST` and `PATCH` operation; `false` on an operation turns it off.

use serde_json::Value;

use super::{Lowerer, OperationContext};
use crate::diag::join;
use crate::ir::{Docs, HttpMethod, Param, ParamEncoding, ParamLocation, Presence, Scalar, TypeRef};

const IDEMPOTENCY: &str = "x-oagen-idempotency-key";
const IDEMPOTENCY_HEADERS: [&str; 2] = ["idempotency-key", "x-idempotency-key"];

impl<'d> Lowerer<'d> {
    /// The header parameter that carries an idempotency key, added to `params` where the
    /// document states one the operation does not declare.
    pub(super) fn idempotency_key(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &mut Vec<Param>,
    ) -> Option<usize> {
        let stated_on_op = cx.op.get(IDEMPOTENCY);
        let stated_at_root = self.root.get(IDEMPOTENCY);
        let (stated, ptr) = match (stated_on_op, stated_at_root) {
            (Some(value), _) => (Some(value), join(cx.ptr, &[IDEMPOTENCY])),
            (None, Some(value)) => (Some(value), join("#", &[IDEMPOTENCY])),
            (None, None) => (None, String::new()),
        };
        let name = match stated {
            None => None,
            Some(Value::Bool(false)) => return None,
            Some(Value::String(name)) => Some(name.as_str()),
            Some(other) => {
                self.diags.warning(
                    ptr.clone(),
                    format!(
                        "`{IDEMPOTENCY}` must be a header name or `false`, found {}",
                        crate::parse::describe(other)
                    ),
                );
                None
            }
        };
        let declared = params.iter().position(|p| {
            p.location == ParamLocation::Header
                && p.ty == TypeRef::Scalar(Scalar::String)
                && (name.is_some_and(|name| p.wire_name.eq_ignore_ascii_case(name))
                    || IDEMPOTENCY_HEADERS
                        .iter()
                        .any(|h| p.wire_name.eq_ignore_ascii_case(h)))
        });
        if let Some(index) = declared {
            params[index].docs.notes.push(
                "Unless it is set, the client sends a new random key, the same on every attempt."
                    .to_owned(),
            );
            return declared;
        }
        let name = name?;
        let applies =
            stated_on_op.is_some() || matches!(cx.method, HttpMethod::Post | HttpMethod::Patch);
        if !applies || reqwest_header_name_is_invalid(name) {
            if applies {
                self.diags
                    .warning(ptr, format!("`{name}` is not a valid header name"));
            }
            return None;
        }
        let rust_name = ["idempotency_key", "idempotency_key_2", "idempotency_key_3"]
            .into_iter()
            .find(|candidate| !params.iter().any(|p| p.rust_name == *candidate))?;
        params.push(Param {
            rust_name: rust_name.to_owned(),
            wire_name: name.to_owned(),
            location: ParamLocation::Header,
            ty: TypeRef::Scalar(Scalar::String),
            presence: Presence::Optional,
            encoding: ParamEncoding::Text,
            docs: Docs {
                description: Some(
                    "The idempotency key of this call; by default a new random one, sent \
                     with every attempt."
                        .to_owned(),
                ),
                ..Docs::default()
            },
        });
        Some(params.len() - 1)
    }
}

/// A header name must be a non-empty HTTP token.
fn reqwest_header_name_is_invalid(name: &str) -> bool {
    name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
