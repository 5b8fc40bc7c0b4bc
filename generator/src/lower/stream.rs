//! Streams of server-sent events, and idempotency keys.
//!
//! **Streams.** An operation whose success response offers `text/event-stream` gets a
//! streaming call (`stream()`), beside its ordinary call when the same response also offers
//! JSON. The event data's type is the schema of the `text/event-stream` media type (JSON;
//! text when the schema is a string or absent). When the JSON request body has a boolean
//! property that asks for a stream (`stream`, as in every LLM API), the streaming call sets
//! it to true, so asking for a stream cannot bring back JSON. An operation states another
//! property with `x-oagen-stream-flag: <name>`, or none with `x-oagen-stream-flag: false`.
//!
//! **Idempotency keys.** A header parameter named `Idempotency-Key` or `X-Idempotency-Key`
//! (any case) carries an idempotency key: the client makes one per call when the caller
//! sets none, sends the same one on every attempt, and so retries the operation whatever its
//! method. `x-oagen-idempotency-key: <header name>` states the header: on an operation, for
//! that operation (which gains the header parameter if it does not declare it); at the
//! root, for every `POST` and `PATCH` operation; `false` on an operation turns it off.

use serde_json::Value;

use super::{Lowerer, OperationContext};
use crate::diag::join;
use crate::ir::{
    BodyKind, Docs, EventFormat, EventStream, HttpMethod, PageField, Param, ParamEncoding,
    ParamLocation, Presence, RequestBody, Scalar, TypeRef,
};

const STREAM_FLAG: &str = "x-oagen-stream-flag";
const IDEMPOTENCY: &str = "x-oagen-idempotency-key";
const IDEMPOTENCY_HEADERS: [&str; 2] = ["idempotency-key", "x-idempotency-key"];
/// Names for the streaming method, the first one free of the builder's setters.
const STREAM_METHODS: [&str; 3] = ["stream", "events", "event_stream"];

/// Whether a media type is `text/event-stream` (parameters and case aside).
pub(super) fn is_event_stream(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("text/event-stream")
}

impl<'d> Lowerer<'d> {
    pub(super) fn event_stream(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
        params: &[Param],
        body: Option<&RequestBody>,
    ) -> Option<EventStream> {
        let responses = cx.op.get("responses").and_then(Value::as_object)?;
        let (ptr, media) = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .find_map(|(status, response)| {
                let content = self.silent_deref(response)?.get("content")?.as_object()?;
                let (media_type, media) = content.iter().find(|(m, _)| is_event_stream(m))?;
                Some((
                    join(cx.ptr, &["responses", status, "content", media_type]),
                    media,
                ))
            })?;
        let (data, format) = match media.get("schema") {
            Some(schema) => {
                let ty = self.lower_schema(
                    schema,
                    &join(&ptr, &["schema"]),
                    &format!("{builder_name}Event"),
                    None,
                );
                match self.through_aliases(&ty) {
                    TypeRef::Scalar(Scalar::String) => (ty, EventFormat::Text),
                    // Bytes cannot be told apart in a text stream: the data is text.
                    TypeRef::Scalar(Scalar::Binary) => {
                        (TypeRef::Scalar(Scalar::String), EventFormat::Text)
                    }
                    _ => (ty, EventFormat::Json),
                }
            }
            None => (TypeRef::Scalar(Scalar::String), EventFormat::Text),
        };
        let method = STREAM_METHODS
            .iter()
            .find(|name| !params.iter().any(|p| p.rust_name == **name))
            .map(|name| (*name).to_owned())?;
        let flag = self.stream_flag(cx, body);
        let declares_header = params.iter().any(|p| {
            p.location == ParamLocation::Header && p.wire_name.eq_ignore_ascii_case("last-event-id")
        });
        let resume = (cx.method == HttpMethod::Get && !declares_header)
            .then(|| {
                ["last_event_id", "resume_after"]
                    .into_iter()
                    .find(|name| !params.iter().any(|p| p.rust_name == *name) && *name != method)
            })
            .flatten()
            .map(str::to_owned);
        Some(EventStream {
            method,
            data,
            format,
            flag,
            resume,
        })
    }

    /// The boolean body property that asks for a stream.
    fn stream_flag(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        body: Option<&RequestBody>,
    ) -> Option<PageField> {
        let stated = cx.op.get(STREAM_FLAG);
        let ptr = join(cx.ptr, &[STREAM_FLAG]);
        let name = match stated {
            None => "stream",
            Some(Value::Bool(false)) => return None,
            Some(Value::String(name)) => name.as_str(),
            Some(other) => {
                self.diags.warning(
                    ptr,
                    format!(
                        "`{STREAM_FLAG}` must be the name of a boolean body property or `false`, \
                         found {}",
                        crate::parse::describe(other)
                    ),
                );
                return None;
            }
        };
        let field = match body.map(|b| &b.kind) {
            Some(BodyKind::Json(ty)) => self.struct_fields(ty).and_then(|fields| {
                fields.iter().find(|f| {
                    f.wire_name == name && f.ty.non_null() == &TypeRef::Scalar(Scalar::Bool)
                })
            }),
            _ => None,
        };
        match field {
            Some(field) => Some(PageField {
                rust_name: field.rust_name.clone(),
                wire_name: field.wire_name.clone(),
                depth: u8::from(field.presence == Presence::Optional)
                    + u8::from(matches!(field.ty, TypeRef::Nullable(_))),
            }),
            None => {
                if stated.is_some() {
                    self.diags.warning(
                        ptr,
                        format!("the JSON request body has no boolean property `{name}`"),
                    );
                }
                None
            }
        }
    }

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
