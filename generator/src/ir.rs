//! The intermediate representation: what `lower` decides and `emit` reads.
//!
//! Plain owned data, with no `serde_yaml`, `quote` or `proc_macro2` types in it. Invariants
//! that `lower` establishes and `emit` relies on:
//!
//! - every `TypeId` indexes `Api::types`; types are sorted by `rust_name`;
//! - every `rust_name` is a valid, unique identifier in its scope (types in the crate; fields
//!   in their struct; variants in their enum; parameters, with the body, in their operation;
//!   operations among themselves and the client's own methods), already cased and escaped;
//! - every `wire_name` is exactly as in the document;
//! - a `Box` is needed exactly where a field's `boxed` is `Boxing::Boxed`;
//! - all collections are in a deterministic order (document order or sorted).
//!
//! `Api` derives `Debug` so the IR of a fixture can be snapshotted: a change that moves the
//! IR snapshot is in `lower`, one that moves only the code snapshot is in `emit`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub info: Info,
    /// Base URLs, in document order; the first is the client's default.
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Indexes into `security_schemes` of the credentials `Client::new` asks for: those of
    /// the document's default security requirement (its first alternative).
    pub default_credentials: Vec<usize>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// Named types that operations declare as error bodies, sorted by name; they become the
    /// variants of the crate's `ErrorBody`.
    pub error_types: Vec<TypeId>,
    /// Every `example`/`examples` value of a schema, parameter or media type whose schema
    /// was lowered, with the type it should decode into; sorted by pointer. Not used by
    /// `emit`: tests check that each decodes and encodes back.
    pub examples: Vec<Example>,
    /// Requests the API sends to the user: the document's `webhooks` (one set named
    /// `Webhook`), then each operation's `callbacks` (a set per operation), in document order.
    pub events: Vec<EventSet>,
}

/// Requests the API sends to the user's endpoint; one enum in the `webhooks` module, with a
/// `parse(headers, body)` that picks the event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSet {
    /// `Webhook`, or the operation's builder name + `Callback`; unique in the module.
    pub rust_name: String,
    pub docs: Docs,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The variant's name, unique in its set.
    pub rust_name: String,
    /// The webhook's or the callback's name, as in the document.
    pub wire_name: String,
    pub method: HttpMethod,
    /// The operation that describes the request (`#/webhooks/newPet/post`).
    pub source: String,
    /// The JSON body's type; `None` when the request has no body.
    pub payload: Option<TypeRef>,
    pub selector: EventSelector,
    pub docs: Docs,
}

/// How an incoming request is recognised as this event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSelector {
    /// A header names the event (the document gives the header a single value:
    /// `X-Event: {enum: [push]}`).
    Header { name: String, value: String },
    /// A field of the JSON body names the event (the payload's schema gives it a single
    /// value: `type: {const: invoice.paid}`).
    Field { name: String, value: String },
    /// Nothing names it: it is the first (in document order) whose payload decodes.
    Payload,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the example value.
    pub pointer: String,
    /// JSON pointer of the schema it illustrates (where a `$ref` may stand).
    pub schema: String,
    pub value: Value,
    pub ty: TypeRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// With `{variables}` replaced by their defaults.
    pub url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The key under `components/securitySchemes`.
    pub wire_name: String,
    /// snake_case: the `Client::new` argument and the `ClientBuilder` setter.
    pub rust_name: String,
    pub kind: SchemeKind,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    ApiKey {
        location: ApiKeyLocation,
        name: String,
    },
    Bearer,
    /// HTTP basic: a username and a password.
    Basic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// Human text from the document, kept apart so `emit` can lay it out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// A one-line summary (an operation's `summary`, or a schema `title` that says more than
    /// the name).
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Facts worth a line each: defaults, formats, constraints.
    pub notes: Vec<String>,
    pub deprecated: Deprecation,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Deprecation {
    #[default]
    Current,
    Deprecated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub rust_name: String,
    /// JSON pointer of the schema this type comes from.
    pub source: String,
    pub docs: Docs,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A closed set of string values, with a fallback for values this client does not know.
    Enum(Enum),
    /// `oneOf`/`anyOf`: one of several shapes; the one that accounts for a value best is
    /// chosen, ties going to the earlier variant.
    Union(Union),
    /// `oneOf`/`anyOf` with a `discriminator`, or whose branches each hold distinct values of
    /// one required property: that property's value names the shape.
    Tagged(Tagged),
    /// A named schema that is not an object: `pub type Name = ...;`.
    Alias(TypeRef),
    /// An alias that would contain itself (`type A = Vec<A>`, not valid Rust):
    /// `pub struct Name(pub ...);`, transparent on the wire.
    Newtype(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside `properties` (`true` or a schema): the other keys,
    /// kept in a flattened map. `None` when absent or `false` (other keys are ignored).
    pub additional: Option<Additional>,
    /// `oneOf`/`anyOf` beside `properties` whose branches only list `required` names: which
    /// fields must be present together. Checked by `validate()`.
    pub alternatives: Option<RequiredAlternatives>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequiredAlternatives {
    /// `oneOf`: exactly one set is complete; `anyOf`: at least one.
    pub exactly_one: bool,
    /// Wire names of the fields of each set.
    pub sets: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Additional {
    /// Unique among the struct's fields.
    pub rust_name: String,
    /// The type of each value (`Any` for `true`).
    pub ty: TypeRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    /// The builder-style setter of an optional field (`.email(..)`), unique among the
    /// struct's methods. Required fields are set by the constructor instead.
    pub setter: Option<String>,
    pub docs: Docs,
    pub ty: TypeRef,
    pub presence: Presence,
    pub boxing: Boxing,
    /// A value to use when the key is absent on decode.
    pub default: Option<FieldDefault>,
    /// Rules the (non-null) value must follow when the user builds it; each fits the
    /// field's type (lengths and patterns on strings, bounds on numbers, items on lists).
    pub constraints: Vec<Constraint>,
    pub access: Access,
}

/// `readOnly` / `writeOnly`. Both kinds of field are optional in Rust whatever `required`
/// says (the other direction never carries them); a read-only field has no setter and is
/// never sent; a write-only field listed in `required` is checked by `validate()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
    WriteOnly,
    /// Write-only and listed in `required`: required in requests.
    WriteOnlyRequired,
}

/// A constraint checked by the generated `validate()` (never when decoding).
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    MinLength(u64),
    MaxLength(u64),
    /// A regular expression that the `regex` crate accepts.
    Pattern(String),
    Minimum {
        bound: f64,
        exclusive: bool,
    },
    Maximum {
        bound: f64,
        exclusive: bool,
    },
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    /// Constraints of each item of a list (never empty).
    Items(Vec<Constraint>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldDefault {
    pub value: Value,
    /// Name of the generated function that produces it (unique in the crate).
    pub function: String,
}

/// Whether a key must be present. Independent of nullability, which lives in the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
}

/// Whether a field's value is stored behind a `Box` (to break a cycle of types that contain
/// each other by value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boxing {
    Inline,
    Boxed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub repr: EnumRepr,
    pub variants: Vec<EnumVariant>,
    /// The name of the variant that holds values not in the document (`Unknown(String)`).
    pub fallback: String,
}

/// How an enum's values are written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings; the fallback holds a `String`.
    String,
    /// JSON integers (`i64`); `wire_value` is the number's text, the fallback holds an `i64`.
    Integer,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub rust_name: String,
    /// The value as a string (an integer enum's value in decimal).
    pub wire_value: String,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// Most specific first (ranked in `finish`, once every variant's type is known).
    pub variants: Vec<UnionVariant>,
    /// Whether every variant can be written as text, so the union can be too (as a path,
    /// query or header parameter).
    pub display: UnionDisplay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnionDisplay {
    /// `impl Display`: each variant writes its own text.
    Text,
    None,
}

/// Whether values of `ty` can be written as plain text (`Display`): scalars, string enums,
/// any JSON value, and aliases and unions of those. `kind_of` looks a named type up (it may
/// not be defined yet while lowering). Deep or recursive unions are not text.
pub fn is_textual<'a>(
    ty: &TypeRef,
    kind_of: &dyn Fn(TypeId) -> Option<&'a TypeKind>,
    depth: usize,
) -> bool {
    if depth > 8 {
        return false;
    }
    match ty {
        TypeRef::Scalar(scalar) => *scalar != Scalar::Binary,
        TypeRef::Any => true,
        TypeRef::Named(id) => match kind_of(*id) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(target)) => is_textual(target, kind_of, depth + 1),
            Some(TypeKind::Union(union)) => union.variants.iter().all(|v| {
                !matches!(v.ty, TypeRef::Nullable(_)) && is_textual(&v.ty, kind_of, depth + 1)
            }),
            Some(TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Newtype(_)) | None => false,
        },
        TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Nullable(_) | TypeRef::JsonObject => false,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    /// The discriminating property, as on the wire.
    pub tag: String,
    pub origin: TagOrigin,
    /// In document order: the `mapping` entries, then branches it does not name (for an
    /// inferred tag: the union's ranked variants).
    pub variants: Vec<TaggedVariant>,
    /// The variant that keeps, as JSON, a value whose tag this client does not know.
    pub fallback: String,
}

/// Where a union's tag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOrigin {
    /// A `discriminator`: the variant decides the tag written (one value per variant),
    /// whatever the variant's own field holds.
    Discriminator,
    /// Inferred in `finish`: every variant is a struct with a required field of a string enum
    /// (a `const`, a one-value `enum`, or a set), the sets disjoint. The variant's own field
    /// holds the tag and is written as it is.
    Inferred,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub rust_name: String,
    /// The tag's values for this variant (exactly one for a `discriminator`).
    pub tag_values: Vec<String>,
    /// A named struct (or an alias of one).
    pub ty: TypeRef,
    pub boxing: Boxing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    pub boxing: Boxing,
}

/// The type of a value in some position (field, item, parameter, body).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    Named(TypeId),
    Scalar(Scalar),
    Array(Box<TypeRef>),
    /// An object with arbitrary keys whose values all have one type.
    Map(Box<TypeRef>),
    /// The value may be JSON `null`.
    Nullable(Box<TypeRef>),
    /// An object with arbitrary keys and values, kept as JSON.
    JsonObject,
    /// Any JSON value.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scalar {
    String,
    Bool,
    I32,
    I64,
    /// An `int32` with `minimum` at or above 0.
    U32,
    /// An `int64` (or unsized integer) with `minimum` at or above 0.
    U64,
    F32,
    F64,
    Uuid,
    /// `format: date-time`: `oagen_runtime::DateTime`, the text as sent with typed views.
    DateTime,
    /// `format: date`: `oagen_runtime::Date`.
    Date,
    /// `format: byte`: base64 text, `oagen_runtime::Base64`.
    Base64,
    /// `format: binary`: bytes, with a file name and media type for multipart bodies.
    Binary,
}

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
    pub docs: Docs,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: SuccessResponse,
    pub errors: Vec<ErrorResponse>,
    /// Wire names of the security schemes whose credentials this operation sends.
    pub security: Vec<String>,
    /// How to walk every page, for a paginated list operation.
    pub pagination: Option<Pagination>,
    /// The streaming call, for an operation that answers with `text/event-stream`.
    pub stream: Option<EventStream>,
    /// Index in `params` of the header that carries an idempotency key: the client fills
    /// it in when the caller does not, and then retries the operation whatever its method.
    pub idempotency_key: Option<usize>,
}

/// A `text/event-stream` success response: a method returning the typed events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStream {
    /// The builder's method (`stream`), unique among its setters.
    pub method: String,
    /// The type of each event's data.
    pub data: TypeRef,
    pub format: EventFormat,
    /// The boolean field of the request body that asks for a stream (`stream`), set to
    /// true by the streaming call.
    pub flag: Option<PageField>,
    /// The builder's method that resumes a `GET` stream after an event id (sends
    /// `Last-Event-ID`), unless a parameter already sends that header.
    pub resume: Option<String>,
}

/// How an event's data is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFormat {
    Json,
    /// The schema is a string (or absent): the data is the text itself.
    Text,
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
    /// A string field of the page (`next`); absent, `null` or empty on the last page.
    Field(PageField),
    /// The identifier of the page's last item, while the page's boolean `has_more` is true
    /// (Stripe's `starting_after`, OpenAI's `after`).
    LastItem { has_more: PageField, id: PageField },
}

/// A field read by the pagination helper.
#[derive(Debug, Clone, PartialEq)]
pub struct PageField {
    pub rust_name: String,
    pub wire_name: String,
    /// How many `Option`s wrap the value in Rust: one for an optional key, one for `null`.
    pub depth: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
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

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
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

// Every type reference of the IR, in one place: passes that renumber the type table (`finish`
// sorts it, local damage and the configuration's selection remove types) or that follow
// references (reachability) go through these walks, so a new place that holds a `TypeRef`
// is added here once.

impl TypeKind {
    /// The type references this definition holds directly.
    pub fn refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.as_ref().map(|a| &a.ty))
                .collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Tagged(t) => t.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
            TypeKind::Enum(_) => Vec::new(),
        }
    }

    /// [`TypeKind::refs`], to change them.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .map(|f| &mut f.ty)
                .chain(s.additional.as_mut().map(|a| &mut a.ty))
                .collect(),
            TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Tagged(t) => t.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
            TypeKind::Enum(_) => Vec::new(),
        }
    }
}

impl ResponseBody {
    fn types_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            ResponseBody::Json(ty) => vec![ty],
            ResponseBody::PerStatus(statuses) => statuses
                .variants
                .iter_mut()
                .filter_map(|v| match &mut v.body {
                    ResponseBody::Json(ty) => Some(ty),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Operation {
    /// The type references of the operation: parameters, request body, success bodies and
    /// the data of its event stream (error bodies are [`ErrorResponse::body`] ids).
    pub fn refs(&self) -> Vec<&TypeRef> {
        let mut refs: Vec<&TypeRef> = self.params.iter().map(|p| &p.ty).collect();
        refs.extend(self.body.as_ref().and_then(|b| b.kind.ty()));
        refs.extend(self.response.body.types());
        refs.extend(self.stream.as_ref().map(|s| &s.data));
        refs
    }

    /// [`Operation::refs`], to change them.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        let mut refs: Vec<&mut TypeRef> = self.params.iter_mut().map(|p| &mut p.ty).collect();
        refs.extend(self.body.as_mut().and_then(|b| b.kind.ty_mut()));
        refs.extend(self.response.body.types_mut());
        refs.extend(self.stream.as_mut().map(|s| &mut s.data));
        refs
    }
}

impl TypeRef {
    /// The named types this reference mentions, appended to `out`.
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.named_ids(out)
            }
            TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => {}
        }
    }

    /// Points every named type at its new place (`new_id[old]`); an id outside `new_id` is
    /// left as it is.
    pub fn renumber(&mut self, new_id: &[usize]) {
        match self {
            TypeRef::Named(id) => id.renumber(new_id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.renumber(new_id)
            }
            TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => {}
        }
    }
}

impl TypeId {
    /// This id's new place (`new_id[old]`); an id outside `new_id` is left as it is.
    pub fn renumber(&mut self, new_id: &[usize]) {
        self.0 = new_id.get(self.0).copied().unwrap_or(self.0);
    }
}

impl Api {
    /// Sorts the type table by `rust_name` (the order of the generated files), renumbering
    /// every reference.
    pub fn sort_types_by_name(&mut self) {
        let mut order: Vec<usize> = (0..self.types.len()).collect();
        order.sort_by(|&a, &b| self.types[a].rust_name.cmp(&self.types[b].rust_name));
        let mut new_id = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old] = new;
        }
        let mut slots: Vec<Option<TypeDef>> = std::mem::take(&mut self.types)
            .into_iter()
            .map(Some)
            .collect();
        self.types = order.iter().filter_map(|&old| slots[old].take()).collect();
        self.renumber_types(&new_id);
        self.error_types.sort();
    }

    /// Keeps the types whose `keep` is true (in their order), renumbering every reference.
    /// Error types and examples of removed types go with them; nothing else may still refer
    /// to a removed type.
    pub fn retain_types(&mut self, keep: &[bool]) {
        let kept = |id: TypeId| keep.get(id.0).copied().unwrap_or(false);
        let mut new_id = vec![usize::MAX; keep.len()];
        let mut next = 0;
        for (old, &kept) in keep.iter().enumerate() {
            if kept {
                new_id[old] = next;
                next += 1;
            }
        }
        self.error_types.retain(|&id| kept(id));
        self.examples.retain(|example| {
            let mut ids = Vec::new();
            example.ty.named_ids(&mut ids);
            ids.into_iter().all(kept)
        });
        let mut index = 0;
        self.types.retain(|_| {
            index += 1;
            keep.get(index - 1).copied().unwrap_or(false)
        });
        self.renumber_types(&new_id);
        self.error_types.sort();
    }

    /// Renumbers every type reference and id of the API after its type table was reordered
    /// or thinned: the type that was at `old` is now at `new_id[old]`.
    pub fn renumber_types(&mut self, new_id: &[usize]) {
        for def in &mut self.types {
            def.kind
                .refs_mut()
                .into_iter()
                .for_each(|ty| ty.renumber(new_id));
        }
        self.examples.iter_mut().for_each(|e| e.ty.renumber(new_id));
        for op in &mut self.operations {
            op.refs_mut().into_iter().for_each(|ty| ty.renumber(new_id));
            for id in op.errors.iter_mut().filter_map(|e| e.body.as_mut()) {
                id.renumber(new_id);
            }
        }
        self.error_types
            .iter_mut()
            .for_each(|id| id.renumber(new_id));
        for event in self.events.iter_mut().flat_map(|set| &mut set.events) {
            if let Some(ty) = &mut event.payload {
                ty.renumber(new_id);
            }
        }
    }
}

impl Api {
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Whether any type or field is deprecated (the generated modules then allow the use
    /// of deprecated items inside themselves).
    pub fn uses_deprecated(&self) -> bool {
        self.types.iter().any(|def| {
            def.docs.deprecated == Deprecation::Deprecated
                || matches!(&def.kind, TypeKind::Struct(s)
                    if s.fields.iter().any(|f| f.docs.deprecated == Deprecation::Deprecated))
        })
    }

    /// Whether any type or parameter uses `Scalar::Uuid` (the generated crate then depends
    /// on `uuid`).
    pub fn uses_scalar(&self, scalar: Scalar) -> bool {
        let in_types = self
            .types
            .iter()
            .any(|def| def.kind.refs().iter().any(|t| t.mentions(scalar)));
        let in_operations = self
            .operations
            .iter()
            .any(|op| op.refs().iter().any(|t| t.mentions(scalar)));
        let in_events = self
            .events
            .iter()
            .flat_map(|set| &set.events)
            .any(|e| e.payload.as_ref().is_some_and(|t| t.mentions(scalar)));
        in_types || in_operations || in_events
    }
}

impl Api {
    /// The Rust type of `ty` written from outside the generated crate, whose root is
    /// `krate` (a crate name or module path): for tests and tools that name generated types.
    pub fn rust_path(&self, ty: &TypeRef, krate: &str) -> String {
        self.rust_path_at(ty, krate, 0)
    }

    fn rust_path_at(&self, ty: &TypeRef, krate: &str, depth: usize) -> String {
        if depth > 32 {
            return "serde_json::Value".to_owned();
        }
        match ty {
            TypeRef::Named(id) => format!("{krate}::types::{}", self.type_def(*id).rust_name),
            TypeRef::Scalar(scalar) => match scalar {
                Scalar::String => "::std::string::String",
                Scalar::Bool => "bool",
                Scalar::I32 => "i32",
                Scalar::I64 => "i64",
                Scalar::U32 => "u32",
                Scalar::U64 => "u64",
                Scalar::F32 => "f32",
                Scalar::F64 => "f64",
                Scalar::Uuid => "uuid::Uuid",
                Scalar::DateTime => "oagen_runtime::DateTime",
                Scalar::Date => "oagen_runtime::Date",
                Scalar::Base64 => "oagen_runtime::Base64",
                Scalar::Binary => "oagen_runtime::File",
            }
            .to_owned(),
            TypeRef::Array(item) => format!(
                "::std::vec::Vec<{}>",
                self.rust_path_at(item, krate, depth + 1)
            ),
            TypeRef::Map(value) => format!(
                "::std::collections::BTreeMap<::std::string::String, {}>",
                self.rust_path_at(value, krate, depth + 1)
            ),
            TypeRef::Nullable(inner) => format!(
                "::std::option::Option<{}>",
                self.rust_path_at(inner, krate, depth + 1)
            ),
            TypeRef::JsonObject => {
                "serde_json::Map<::std::string::String, serde_json::Value>".to_owned()
            }
            TypeRef::Any => "serde_json::Value".to_owned(),
        }
    }
}

impl TypeRef {
    pub fn mentions(&self, scalar: Scalar) -> bool {
        match self {
            TypeRef::Scalar(s) => *s == scalar,
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.mentions(scalar)
            }
            TypeRef::Named(_) | TypeRef::JsonObject | TypeRef::Any => false,
        }
    }

    /// The type without any `Nullable` wrapper.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.non_null(),
            other => other,
        }
    }
}
