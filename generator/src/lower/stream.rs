//! Streams: server-sent events, JSON lines and JSON text sequences.
//!
//! **Streams.** An operation whose success response offers a stream gets a streaming call
//! (`stream()`), beside its ordinary call. The streaming media types are
//! `text/event-stream`, the JSON-lines family (`application/x-ndjson`, `application/jsonl`,
//! `application/x-jsonlines`, ...) and `application/json-seq`; `x-fern-streaming` states a
//! stream where the document's success response shows only JSON.
//!
//! The item type: for JSON lines, the media type's `itemSchema` (OpenAPI 3.2) or `schema`.
//! For server-sent events the schema may describe the *event* rather than its data: an
//! object whose properties are `data` and any of `event`, `id`, `retry` (nothing else), as
//! SDK-oriented documents and 3.2's `itemSchema` write it. Each event's data is then the
//! `data` property's schema, or, for a string with `contentMediaType: application/json`,
//! its `contentSchema`. Any other schema is the data's own (JSON; text when the schema is a
//! string or absent). A schema that fits neither reading (it looks like an event but
//! requires other keys; `data` that no event can carry) gets a located warning.
//!
//! A media type's `x-speakeasy-sse-sentinel` is data that ends the stream (as `[DONE]`
//! does). A `oneOf`/`anyOf` whose every branch describes an event (one per event name) has
//! the union of the branches' data as its data.
//!
//! `x-fern-streaming: true` (or an object without `response-stream`) makes the success
//! response's JSON schema the item of a stream that replaces the ordinary answer (JSON
//! lines unless `format: sse`). The long form (`stream-condition: $request.<flag>`,
//! `response-stream`, `response`, `format`, `terminator`) keeps the ordinary JSON call and
//! adds the stream of `response-stream` items.
//!
//! When the JSON request body has a boolean property that asks for a stream (`stream`, as
//! in every LLM API, or the one `stream-condition` names), the streaming call sets it to
//! true, so asking for a stream cannot bring back JSON. An operation states another
//! property with `x-oagen-stream-flag: <name>`, or none with `x-oagen-stream-flag: false`.

use serde_json::{Map, Value};

use super::{Lowerer, OperationContext};
use crate::diag::join;
use crate::ir::{
    BodyKind, EventFormat, EventStream, HttpMethod, PageField, Param, ParamLocation, Presence,
    RequestBody, ResponseBody, Scalar, StreamFraming, SuccessResponse, TypeRef,
};

const STREAM_FLAG: &str = "x-oagen-stream-flag";
const FERN: &str = "x-fern-streaming";
/// Names for the streaming method, the first one free of the builder's setters.
const STREAM_METHODS: [&str; 3] = ["stream", "events", "event_stream"];
/// The fields of a server-sent event.
const EVENT_FIELDS: [&str; 4] = ["data", "event", "id", "retry"];
/// What a Fern JSON stream asks for: JSON lines, or JSON as the document shows it, or
/// events (the runtime reads what the response names).
const FERN_JSON_ACCEPT: &str =
    "application/x-ndjson, application/json;q=0.9, text/event-stream;q=0.8";

/// The essence of a media type, lowercase (`text/event-stream`).
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is `text/event-stream` (parameters and case aside).
pub(super) fn is_event_stream(media_type: &str) -> bool {
    essence(media_type) == "text/event-stream"
}

/// The framing of a streaming media type.
pub(super) fn stream_framing(media_type: &str) -> Option<StreamFraming> {
    match essence(media_type).as_str() {
        "text/event-stream" => Some(StreamFraming::ServerSentEvents),
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines"
        | "application/jsonlines+json"
        | "application/stream+json" => Some(StreamFraming::JsonLines),
        "application/json-seq" => Some(StreamFraming::JsonSeq),
        _ => None,
    }
}

/// How a schema reads as the schema of a whole server-sent event.
enum Envelope<'d> {
    /// An event: its `data` property's schema, and where it is.
    Event(&'d Value, String),
    /// Like an event, but it requires other keys (these), at this pointer.
    Neither(String, Vec<&'d str>),
    /// The schema of the data itself.
    Data,
}

/// What a document says about a stream, before the method and flag are chosen.
struct Shape {
    data: TypeRef,
    format: EventFormat,
    framing: StreamFraming,
    media_type: String,
    terminator: Option<String>,
    /// The flag `x-fern-streaming` names (`stream-condition`), and where.
    flag: Option<(String, String)>,
}

impl<'d> Lowerer<'d> {
    pub(super) fn event_stream(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
        params: &[Param],
        body: Option<&RequestBody>,
        response: &mut SuccessResponse,
    ) -> Option<EventStream> {
        let shape = match cx.op.get(FERN) {
            None | Some(Value::Bool(false)) => self.media_stream(cx, builder_name)?,
            Some(fern) => self.fern_stream(cx, builder_name, fern, response)?,
        };
        let method = STREAM_METHODS
            .iter()
            .find(|name| !params.iter().any(|p| p.rust_name == **name))
            .map(|name| (*name).to_owned())?;
        let flag = self.stream_flag(cx, body, shape.flag);
        let declares_header = params.iter().any(|p| {
            p.location == ParamLocation::Header && p.wire_name.eq_ignore_ascii_case("last-event-id")
        });
        let resume = (cx.method == HttpMethod::Get
            && !declares_header
            && shape.framing == StreamFraming::ServerSentEvents)
            .then(|| {
                ["last_event_id", "resume_after"]
                    .into_iter()
                    .find(|name| !params.iter().any(|p| p.rust_name == *name) && *name != method)
            })
            .flatten()
            .map(str::to_owned);
        Some(EventStream {
            method,
            data: shape.data,
            format: shape.format,
            framing: shape.framing,
            media_type: shape.media_type,
            terminator: shape.terminator,
            flag,
            resume,
        })
    }

    /// The stream a success response's media type offers (server-sent events first).
    fn media_stream(&mut self, cx: &OperationContext<'_, 'd>, builder_name: &str) -> Option<Shape> {
        let responses = cx.op.get("responses").and_then(Value::as_object)?;
        let mut found: Option<(StreamFraming, &'d str, &'d Value, String)> = None;
        for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
            let Some((response, ptr)) =
                self.quiet_deref(response, join(cx.ptr, &["responses", status]))
            else {
                continue;
            };
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (media_type, media) in content {
                let Some(framing) = stream_framing(media_type) else {
                    continue;
                };
                let better = found
                    .as_ref()
                    .is_none_or(|(f, ..)| rank(framing) < rank(*f));
                if better {
                    let at = join(&ptr, &["content", media_type]);
                    found = Some((framing, media_type.as_str(), media, at));
                }
            }
        }
        let (framing, media_type, media, ptr) = found?;
        let item_schema = media.get("itemSchema");
        if item_schema.is_some() {
            self.read_ahead(&join(&ptr, &["itemSchema"]), "`itemSchema`");
        }
        let (mut schema, mut schema_ptr) = match (item_schema, media.get("schema")) {
            (Some(item), _) => (Some(item), join(&ptr, &["itemSchema"])),
            (None, schema) => (schema, join(&ptr, &["schema"])),
        };
        // A `schema` that is an array of the items describes the whole stream (3.2): of
        // JSON values always; of events only when its items describe an event, since an
        // event's data may itself be a JSON array.
        if item_schema.is_none() {
            let items = schema.and_then(|schema| self.array_items(schema, &schema_ptr));
            if let Some((items, items_ptr)) = items {
                let whole_stream = framing != StreamFraming::ServerSentEvents
                    || matches!(self.envelope(items, &items_ptr), Envelope::Event(..));
                if whole_stream {
                    (schema, schema_ptr) = (Some(items), items_ptr);
                }
            }
        }
        let hint = format!("{builder_name}Event");
        let (data, format) = match (framing, schema) {
            (StreamFraming::ServerSentEvents, schema) => {
                self.event_item(schema, &schema_ptr, &hint)
            }
            (_, Some(schema)) => (
                self.lower_schema(schema, &schema_ptr, &hint, None),
                EventFormat::Json,
            ),
            (_, None) => (TypeRef::Any, EventFormat::Json),
        };
        Some(Shape {
            data,
            format,
            framing,
            media_type: essence(media_type),
            // Speakeasy's extension on the media type names the data that ends the stream.
            terminator: media
                .get("x-speakeasy-sse-sentinel")
                .and_then(Value::as_str)
                .map(str::to_owned),
            flag: None,
        })
    }

    /// The data type of a server-sent event from its media type's schema: the `data` of an
    /// event envelope, or the schema itself.
    fn event_item(
        &mut self,
        schema: Option<&'d Value>,
        ptr: &str,
        hint: &str,
    ) -> (TypeRef, EventFormat) {
        let Some(schema) = schema else {
            return (TypeRef::Scalar(Scalar::String), EventFormat::Text);
        };
        if let Some(found) = self.union_of_events(schema, ptr, hint) {
            return found;
        }
        // The schema of the data itself may also say that it is JSON text.
        match self.envelope_data(schema, ptr) {
            Some((data, data_ptr)) => self.event_data(data, &data_ptr, hint),
            None => self.event_data(schema, ptr, hint),
        }
    }

    /// A `oneOf`/`anyOf` whose every branch describes a whole event (one per event name):
    /// the data is the union of the branches' data, JSON.
    fn union_of_events(
        &mut self,
        schema: &'d Value,
        ptr: &str,
        hint: &str,
    ) -> Option<(TypeRef, EventFormat)> {
        let (resolved, at) = self.quiet_deref(schema, ptr.to_owned())?;
        let obj = resolved.as_object()?;
        if obj.contains_key("properties") {
            return None;
        }
        let (key, branches) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|key| Some((*key, obj.get(*key)?.as_array()?)))?;
        let mut items: Vec<String> = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let branch_ptr = join(&at, &[key, &index.to_string()]);
            let Envelope::Event(data, data_ptr) = self.envelope(branch, &branch_ptr) else {
                return None;
            };
            let item = self.json_item_of(data, data_ptr)?;
            if !items.contains(&item) {
                items.push(item);
            }
        }
        let refs: Vec<Value> = items
            .iter()
            .map(|item| serde_json::json!({ "$ref": item.replace('%', "%25") }))
            .collect();
        let union = match refs.as_slice() {
            [] => return None,
            [one] => one.clone(),
            _ => serde_json::json!({ "anyOf": refs }),
        };
        let union_ptr = join(&at, &["x-oagen-event-data"]);
        Some((
            self.lower_schema(&union, &union_ptr, hint, None),
            EventFormat::Json,
        ))
    }

    /// Where the JSON schema of an event's `data` is: its `contentSchema` when it is JSON
    /// text, else the property itself; `None` for data read as text.
    fn json_item_of(&self, data: &'d Value, data_ptr: String) -> Option<String> {
        let (resolved, resolved_ptr) = self.quiet_deref(data, data_ptr.clone())?;
        let obj = resolved.as_object()?;
        if let Some(media_type) = obj.get("contentMediaType").and_then(Value::as_str) {
            let json = matches!(essence(media_type).as_str(), "application/json" | "json")
                || essence(media_type).ends_with("+json");
            return (json && obj.contains_key("contentSchema"))
                .then(|| join(&resolved_ptr, &["contentSchema"]));
        }
        if obj.get("type").and_then(Value::as_str) == Some("string") {
            return None;
        }
        Some(data_ptr)
    }

    /// The `data` property of a schema that describes a whole event, and its pointer.
    fn envelope_data(&mut self, schema: &'d Value, ptr: &str) -> Option<(&'d Value, String)> {
        match self.envelope(schema, ptr) {
            Envelope::Event(data, data_ptr) => Some((data, data_ptr)),
            Envelope::Neither(at, required) => {
                self.diags.warning(
                    at,
                    format!(
                        "this event-stream schema has `data` beside `event` or `retry`, like a \
                         server-sent event, but also requires {}, which no event carries; it is \
                         read as the schema of each event's data",
                        quoted(&required)
                    ),
                );
                None
            }
            Envelope::Data => None,
        }
    }

    /// How a schema reads as the schema of a whole server-sent event.
    fn envelope(&self, schema: &'d Value, ptr: &str) -> Envelope<'d> {
        let Some((schema, ptr)) = self.quiet_deref(schema, ptr.to_owned()) else {
            return Envelope::Data;
        };
        let Some(obj) = schema.as_object() else {
            return Envelope::Data;
        };
        if obj
            .get("type")
            .is_some_and(|t| t.as_str() != Some("object"))
        {
            return Envelope::Data;
        }
        let Some(properties) = obj.get("properties").and_then(Value::as_object) else {
            return Envelope::Data;
        };
        let Some(data) = properties.get("data") else {
            return Envelope::Data;
        };
        let others = properties
            .keys()
            .any(|key| !EVENT_FIELDS.contains(&key.as_str()));
        let required_others: Vec<&'d str> = obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|key| !EVENT_FIELDS.contains(key))
            .collect();
        if !others && required_others.is_empty() {
            return Envelope::Event(data, join(&ptr, &["properties", "data"]));
        }
        let looks_like_event = properties.contains_key("event") || properties.contains_key("retry");
        if looks_like_event && !required_others.is_empty() {
            return Envelope::Neither(ptr, required_others);
        }
        Envelope::Data
    }

    /// The items of an array schema (OpenAPI 3.2 describes a whole stream that way in a
    /// sequential media type's `schema`), and their pointer.
    fn array_items(&self, schema: &'d Value, ptr: &str) -> Option<(&'d Value, String)> {
        let (schema, ptr) = self.quiet_deref(schema, ptr.to_owned())?;
        let obj = schema.as_object()?;
        if obj.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        obj.get("items")
            .filter(|items| items.is_object())
            .map(|items| (items, join(&ptr, &["items"])))
    }

    /// The type of an envelope's `data`: its `contentSchema` where it is JSON text.
    fn event_data(&mut self, data: &'d Value, ptr: &str, hint: &str) -> (TypeRef, EventFormat) {
        let Some((resolved, resolved_ptr)) = self.quiet_deref(data, ptr.to_owned()) else {
            return self.plain_data(data, ptr, hint);
        };
        let impossible = match resolved {
            Value::Object(obj) => obj.get("type").and_then(Value::as_str) == Some("null"),
            Value::Bool(true) => false,
            _ => true,
        };
        if impossible {
            self.diags.warning(
                ptr,
                "this schema of event data accepts no text an event can carry; each event's \
                 data is read as text",
            );
            return (TypeRef::Scalar(Scalar::String), EventFormat::Text);
        }
        let Some(obj) = resolved.as_object() else {
            return (TypeRef::Any, EventFormat::Json);
        };
        let media_type = obj.get("contentMediaType").and_then(Value::as_str);
        let json_text = media_type.is_some_and(|m| {
            matches!(essence(m).as_str(), "application/json" | "json")
                || essence(m).ends_with("+json")
        });
        match (obj.get("contentSchema"), media_type) {
            (Some(content), None) | (Some(content), Some(_))
                if json_text || media_type.is_none() =>
            {
                let content_ptr = join(&resolved_ptr, &["contentSchema"]);
                (
                    self.lower_schema(content, &content_ptr, hint, None),
                    EventFormat::Json,
                )
            }
            (Some(_), other) => {
                let other = other.unwrap_or_default();
                self.diags.warning(
                    join(&resolved_ptr, &["contentMediaType"]),
                    format!(
                        "event data of type `{other}` cannot be decoded by its `contentSchema`; \
                         it is read as text"
                    ),
                );
                (TypeRef::Scalar(Scalar::String), EventFormat::Text)
            }
            (None, _) if json_text => (TypeRef::Any, EventFormat::Json),
            (None, _) => self.plain_data(data, ptr, hint),
        }
    }

    /// The data type of a schema that is the data itself: JSON, or text for strings.
    fn plain_data(&mut self, schema: &'d Value, ptr: &str, hint: &str) -> (TypeRef, EventFormat) {
        let ty = self.lower_schema(schema, ptr, hint, None);
        match self.through_aliases(&ty) {
            TypeRef::Scalar(Scalar::String) => (ty, EventFormat::Text),
            // Bytes cannot be told apart in a text stream: the data is text.
            TypeRef::Scalar(Scalar::Binary) => (TypeRef::Scalar(Scalar::String), EventFormat::Text),
            _ => (ty, EventFormat::Json),
        }
    }

    /// The stream `x-fern-streaming` states.
    fn fern_stream(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
        fern: &'d Value,
        response: &mut SuccessResponse,
    ) -> Option<Shape> {
        let ptr = join(cx.ptr, &[FERN]);
        let empty = Map::new();
        let options = match fern {
            Value::Bool(true) => &empty,
            Value::Object(options) => options,
            other => {
                self.diags.warning(
                    ptr,
                    format!(
                        "`{FERN}` must be `true` or an object, found {}",
                        crate::parse::describe(other)
                    ),
                );
                return None;
            }
        };
        let framing = match options.get("format").map(|f| (f, f.as_str())) {
            None | Some((_, Some("json"))) => StreamFraming::JsonLines,
            Some((_, Some("sse"))) => StreamFraming::ServerSentEvents,
            Some((other, _)) => {
                self.diags.warning(
                    join(&ptr, &["format"]),
                    format!(
                        "`format` must be `sse` or `json`, found {}; the stream is read as JSON lines",
                        crate::parse::describe(other)
                    ),
                );
                StreamFraming::JsonLines
            }
        };
        let terminator = match options.get("terminator") {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(other) => {
                self.diags.warning(
                    join(&ptr, &["terminator"]),
                    format!(
                        "`terminator` must be text, found {}",
                        crate::parse::describe(other)
                    ),
                );
                None
            }
        };
        let flag = self.fern_flag(
            options.get("stream-condition"),
            &join(&ptr, &["stream-condition"]),
        );
        let hint = format!("{builder_name}Event");
        let data = match options.get("response-stream") {
            Some(schema) => {
                let ty = self.lower_schema(schema, &join(&ptr, &["response-stream"]), &hint, None);
                if let (ResponseBody::Empty, Some(answer)) =
                    (&response.body, options.get("response"))
                {
                    let answer_ptr = join(&ptr, &["response"]);
                    let hint = format!("{builder_name}Response");
                    response.body =
                        ResponseBody::Json(self.lower_schema(answer, &answer_ptr, &hint, None));
                }
                ty
            }
            // The short form: the success response's schema is the item, and the stream is
            // the answer (read whole, as for a document that shows the stream's media type).
            None => {
                let ResponseBody::Json(ty) = &response.body else {
                    self.diags.warning(
                        ptr,
                        "the stream's item is the JSON schema of the success response, and \
                         this operation has none (or several); it gets no stream",
                    );
                    return None;
                };
                let ty = ty.clone();
                response.body = match framing {
                    StreamFraming::ServerSentEvents => ResponseBody::Empty,
                    _ => ResponseBody::Binary {
                        media_type: "application/json".to_owned(),
                    },
                };
                ty
            }
        };
        let text = framing == StreamFraming::ServerSentEvents
            && matches!(self.through_aliases(&data), TypeRef::Scalar(Scalar::String));
        Some(Shape {
            data,
            format: if text {
                EventFormat::Text
            } else {
                EventFormat::Json
            },
            framing,
            media_type: match framing {
                StreamFraming::ServerSentEvents => "text/event-stream".to_owned(),
                _ => FERN_JSON_ACCEPT.to_owned(),
            },
            terminator,
            flag,
        })
    }

    /// The body property `stream-condition: $request.<name>` names.
    fn fern_flag(&mut self, condition: Option<&Value>, ptr: &str) -> Option<(String, String)> {
        let condition = condition?;
        let name = condition
            .as_str()
            .and_then(|c| c.strip_prefix("$request."))
            .filter(|name| !name.is_empty() && !name.contains('.'));
        match name {
            Some(name) => Some((name.to_owned(), ptr.to_owned())),
            None => {
                self.diags.warning(
                    ptr,
                    format!(
                        "`stream-condition` must be `$request.<property>`, found {}",
                        crate::parse::describe(condition)
                    ),
                );
                None
            }
        }
    }

    /// The boolean body property that asks for a stream: the one `x-oagen-stream-flag`
    /// states, else the one `x-fern-streaming` names, else `stream` if there is one.
    fn stream_flag(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        body: Option<&RequestBody>,
        fern: Option<(String, String)>,
    ) -> Option<PageField> {
        let stated = cx.op.get(STREAM_FLAG);
        let mut ptr = join(cx.ptr, &[STREAM_FLAG]);
        let mut required = stated.is_some();
        let name = match (stated, &fern) {
            (None, Some((name, at))) => {
                ptr = at.clone();
                required = true;
                name.as_str()
            }
            (None, None) => "stream",
            (Some(Value::Bool(false)), _) => return None,
            (Some(Value::String(name)), _) => name.as_str(),
            (Some(other), _) => {
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
                if required {
                    self.diags.warning(
                        ptr,
                        format!("the JSON request body has no boolean property `{name}`"),
                    );
                }
                None
            }
        }
    }
}

/// Server-sent events first, then JSON lines, then JSON text sequences.
fn rank(framing: StreamFraming) -> u8 {
    match framing {
        StreamFraming::ServerSentEvents => 0,
        StreamFraming::JsonLines => 1,
        StreamFraming::JsonSeq => 2,
    }
}

/// `a`, `b` and `c`, each in backticks.
fn quoted(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}
