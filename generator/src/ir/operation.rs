//! Operations: parameters, request bodies, responses (success and error), pagination and
//! event streams.

use super::{Docs, Presence, TypeId, TypeRef};

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// snake_case method on `Client`.
    pub rust_name: String,
    /// UpperCamelCase request builder in the `operations` module.
    pub builder_name: String,
    pub operation_id: Option<String>,
    pub method: HttpMethod,
    /// The path template exactly as in the document.
    pub path: String,
    /// The path split into segments, each made of literal text and parameters.
    pub segments: Vec<Vec<PathPart>>,
    /// Query pairs written into the path template itself (`/things?beta=true`).
    pub fixed_query: Vec<(String, String)>,
    pub source: String,
    /// The operation's `tags`, as in the document (the configuration selects by them).
    pub tags: Vec<String>,
    pub docs: Docs,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: SuccessResponse,
    pub errors: Vec<ErrorResponse>,
    /// Wire names of the security schemes whose credentials this operation sends.
    pub security: Vec<String>,
    /// Wire names of the schemes of its first security requirement (its own, else the
    /// document's): the credentials one call needs. Empty when the first needs none.
    pub security_needed: Vec<String>,
    /// How to walk every page, for a paginated list operation.
    pub pagination: Option<Pagination>,
    /// The streaming call, for an operation that answers with a stream.
    pub stream: Option<EventStream>,
    /// Index in `params` of the header that carries an idempotency key: the client fills
    /// it in when the caller does not, and then retries the operation whatever its method.
    pub idempotency_key: Option<usize>,
    /// The feature name of its group in `Api::groups`.
    pub group: String,
}

/// A streaming success response (server-sent events, JSON lines or a JSON text sequence,
/// as the document's media type or `x-fern-streaming` says): a method returning the typed
/// items.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStream {
    /// The builder's method (`stream`), unique among its setters.
    pub method: String,
    /// The type of each item (an event's data, or one JSON value).
    pub data: TypeRef,
    pub format: EventFormat,
    /// How the body is cut into items (the runtime follows the response's `Content-Type`
    /// where it names a framing).
    pub framing: StreamFraming,
    /// Sent as `Accept`.
    pub media_type: String,
    /// A data value that ends the stream besides `[DONE]` (`x-fern-streaming`'s
    /// `terminator`).
    pub terminator: Option<String>,
    /// The boolean field of the request body that asks for a stream (`stream`), set to
    /// true by the streaming call.
    pub flag: Option<PageField>,
    /// The builder's method that resumes a `GET` stream of server-sent events after an
    /// event id (sends `Last-Event-ID`), unless a parameter already sends that header.
    pub resume: Option<String>,
}

/// How an event's data is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFormat {
    Json,
    /// The schema is a string (or absent): the data is the text itself.
    Text,
}

/// How a streaming body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFraming {
    /// `text/event-stream`.
    ServerSentEvents,
    /// One JSON value per line (`application/x-ndjson`, `application/jsonl`, ...).
    JsonLines,
    /// `application/json-seq` (RFC 7464): each value after an RS byte.
    JsonSeq,
}

/// A paginated list operation: how the next page is asked for, and where a page (the
/// success body) holds its items.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub style: PageStyle,
    /// The page's field holding the items (a list); `None` when the page is the list.
    pub items: Option<PageField>,
}

/// The ways list operations say where the next page is.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// A cursor query parameter (index in `params`: an optional string), with the next
    /// cursor read from the page.
    Cursor { param: usize, next: NextCursor },
    /// A cursor query parameter, with the next cursor in a response header.
    HeaderCursor { param: usize, header: String },
    /// The next page is the `Link` header's `rel="next"`.
    Link,
    /// The next page's URL is a string field of the page, reached through these fields
    /// (each an object but the last).
    NextUrl { path: Vec<PageField> },
    /// The next page's URL is the `href` of the link whose `rel` is `next`, in a list of
    /// link objects reached through `list` (each an object but the last, a list):
    /// OpenStack's `servers_links`, HATEOAS `links`.
    LinkList {
        list: Vec<PageField>,
        rel: PageField,
        href: PageField,
    },
    /// A page number query parameter (an optional integer); pages count from `first`.
    PageNumber { param: usize, first: u64 },
    /// An offset query parameter (an optional integer), with the page's total if it has one.
    Offset {
        param: usize,
        total: Option<PageField>,
    },
}

/// Where the cursor of the next page comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum NextCursor {
    /// A string field of the page (`next`), reached through these fields (each an object
    /// but the last: `response_metadata.next_cursor`); absent, `null` or empty on the last
    /// page.
    Field(Vec<PageField>),
    /// The identifier of the page's last item, while the page's boolean `has_more` is true
    /// (Stripe's `starting_after`, OpenAI's `after`).
    LastItem { has_more: PageField, id: PageField },
}

/// A field read by the pagination helper.
#[derive(Debug, Clone, PartialEq)]
pub struct PageField {
    pub rust_name: String,
    pub wire_name: String,
    /// How the value is wrapped in Rust: 0 not at all, 1 in an `Option` (optional, or
    /// nullable), 2 in an `oagen_runtime::Nullable` (optional and nullable in a type that
    /// keeps `null` apart). Set from the shaped field in `finish`.
    pub depth: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// OpenAPI 3.2's `query` (the QUERY method: safe, with a body).
    Query,
    /// A method of OpenAPI 3.2's `additionalOperations`, exactly as written (a valid HTTP
    /// token, none of the above).
    Other(String),
}

impl HttpMethod {
    pub const ALL: [(&'static str, HttpMethod); 8] = [
        ("get", HttpMethod::Get),
        ("put", HttpMethod::Put),
        ("post", HttpMethod::Post),
        ("delete", HttpMethod::Delete),
        ("options", HttpMethod::Options),
        ("head", HttpMethod::Head),
        ("patch", HttpMethod::Patch),
        ("trace", HttpMethod::Trace),
    ];

    pub fn as_str(&self) -> &str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
            HttpMethod::Query => "QUERY",
            HttpMethod::Other(name) => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Literal(String),
    /// Index into the operation's `params`.
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub rust_name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    /// Never `Nullable`: a parameter is either sent or not.
    pub ty: TypeRef,
    pub presence: Presence,
    pub encoding: ParamEncoding,
    pub docs: Docs,
}

/// How a parameter's value becomes text on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEncoding {
    /// Written with `Display`; a list in a query repeats the name (`form`, exploded).
    Text,
    /// A query parameter holding an object (or a list written joined): serialized, then
    /// written in this style.
    Structured(QueryStyle),
    /// OpenAPI 3.2's `in: querystring`: the value is the whole query string, written in the
    /// media type of the parameter's `content`.
    QueryString(QueryStringFormat),
}

/// How a `querystring` parameter's value becomes the query string, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStringFormat {
    /// `application/x-www-form-urlencoded`: the object's properties as `key=value` pairs
    /// (nested objects with brackets, lists repeating their key), as a form body would be.
    Form,
    /// A JSON media type: the value's JSON text, percent-encoded.
    Json,
    /// Any other media type: the value (text) itself, percent-encoded.
    Text,
}

/// OpenAPI's `style` and `explode` for structured query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name[key]=value`.
    DeepObject,
    /// `key=value` for each property; a list repeats the name.
    FormExploded,
    /// `name=key,value,...` or `name=a,b,c`.
    FormJoined,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    /// OpenAPI 3.2's `in: querystring`: one value that is the whole query string (its
    /// `wire_name` names it in the document only; it is not sent).
    QueryString,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub kind: BodyKind,
    pub presence: Presence,
    /// Sent as `Content-Type`.
    pub media_type: String,
    pub docs: Docs,
}

/// How a request body is encoded, chosen from the operation's media types (JSON first, then
/// form, text, binary).
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`. `deep_object` lists the properties whose `encoding`
    /// says `style: deepObject` (lists written `key[0]`).
    Form {
        ty: TypeRef,
        deep_object: Vec<String>,
    },
    /// `multipart/form-data`: the body is a struct, sent one part per field (binary fields as
    /// files, text-like fields as text, anything else as JSON).
    Multipart(TypeRef),
    /// `text/*` (and XML): the body is a `&str`.
    Text,
    /// Anything else (`application/octet-stream`, images...): the body is bytes.
    Binary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SuccessResponse {
    pub body: ResponseBody,
    pub docs: Docs,
    /// The headers the success responses declare, by status then name.
    pub headers: Vec<ResponseHeader>,
}

/// A header a success response declares (`responses/2XX/headers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    pub status: StatusMatch,
    /// The header's name exactly as in the document.
    pub wire_name: String,
    pub required: bool,
    pub description: Option<String>,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body is described: `()`.
    Empty,
    Json(TypeRef),
    /// A `String`; `media_type` is sent as `Accept`.
    Text {
        media_type: String,
    },
    /// Bytes; `media_type` is sent as `Accept`.
    Binary {
        media_type: String,
    },
    /// Success statuses with different bodies: an enum in `operations.rs` with one variant
    /// per status, and one for a success status the document does not list.
    PerStatus(StatusEnum),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusEnum {
    /// Unique among the request builders.
    pub rust_name: String,
    /// Sorted: exact codes, then ranges.
    pub variants: Vec<StatusVariant>,
    /// The variant that holds the raw body of an unlisted success status.
    pub other: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    pub rust_name: String,
    pub status: StatusMatch,
    /// Never `PerStatus`.
    pub body: ResponseBody,
    pub docs: Docs,
}

impl BodyKind {
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            BodyKind::Json(ty) | BodyKind::Form { ty, .. } | BodyKind::Multipart(ty) => Some(ty),
            BodyKind::Text | BodyKind::Binary => None,
        }
    }

    pub fn ty_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            BodyKind::Json(ty) | BodyKind::Form { ty, .. } | BodyKind::Multipart(ty) => Some(ty),
            BodyKind::Text | BodyKind::Binary => None,
        }
    }
}

impl ResponseBody {
    /// The type of a single JSON body.
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        }
    }

    /// Every JSON body type, across statuses.
    pub fn types(&self) -> Vec<&TypeRef> {
        match self {
            ResponseBody::Json(ty) => vec![ty],
            ResponseBody::PerStatus(statuses) => statuses
                .variants
                .iter()
                .filter_map(|v| v.body.ty())
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    pub status: StatusMatch,
    /// The declared error body, where it is a named type (a variant of `ErrorBody`).
    pub body: Option<TypeId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX`: the first digit.
    Range(u16),
    Default,
}

impl super::Api {
    /// Whether `op` lists things: a `GET` whose success body is a list, or an object with a
    /// list field (through aliases and `null`). What pagination is measured against
    /// (`cargo xtask corpus --pagination`); not every list operation is paginated.
    pub fn is_list_operation(&self, op: &Operation) -> bool {
        let Some(body) = op.response.body.ty() else {
            return false;
        };
        let is_list = |ty: &TypeRef| matches!(self.value_type(ty), TypeRef::Array(_));
        op.method == HttpMethod::Get
            && match self.value_type(body) {
                TypeRef::Array(_) => true,
                TypeRef::Named(id) => match &self.type_def(*id).kind {
                    super::TypeKind::Struct(s) => s.fields.iter().any(|f| is_list(&f.ty)),
                    _ => false,
                },
                _ => false,
            }
    }
}
