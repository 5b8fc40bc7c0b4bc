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
//! - every type's `direction` says which ways it travels; a type sent has no read-only
//!   fields, and a type that travels both ways has neither read-only nor write-only ones;
//! - all collections are in a deterministic order (document order or sorted).
//!
//! `Api` derives `Debug` so the IR of a fixture can be snapshotted: a change that moves the
//! IR snapshot is in `lower`, one that moves only the code snapshot is in `emit`.

use serde_json::Value;

mod groups;
mod operation;
mod walk;

pub use groups::Reach;
pub use operation::*;
pub use walk::{ALIAS_DEPTH, through_aliases, through_aliases_and_null};

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
    /// The resource groups of the operations, sorted by feature name: each becomes a Cargo
    /// feature of the generated crate when there are several (`Operation::group` names one).
    pub groups: Vec<Group>,
}

/// A resource group: operations compiled together behind one Cargo feature, with the types
/// only they reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The Cargo feature: lowercase ASCII letters, digits and `_`, unique, never `default`.
    pub feature: String,
    /// What the operations were grouped by, as in the document (or the configuration);
    /// sorted, without repeats. Several when different spellings make one name.
    pub sources: Vec<GroupSource>,
}

/// What an operation's group comes from, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupSource {
    /// The configuration put the operation (or the groups it merged) here.
    Config(String),
    /// The operation's first tag.
    Tag(String),
    /// A vendor extension that names the operation's resource (`x-oaiMeta.group`,
    /// `x-github.category`): the key and the value.
    Extension { key: String, value: String },
    /// The path's first literal segment after any version prefix (`/v1/pets/{id}`).
    PathSegment(String),
    /// A path with no literal segment but versions and parameters (`/`, `/{id}`).
    Root,
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
    /// Which ways its values travel (decided in `finish`, once every type and operation
    /// exists).
    pub direction: Direction,
}

/// Which ways the values of a type travel, from where it is reachable: request bodies and
/// parameters send it; success and error bodies, event streams, webhooks and callbacks
/// receive it. Decides the shape of its fields: `readOnly` fields exist only in what is
/// received, `writeOnly` ones are required only in what is sent, and an optional nullable
/// field keeps absent and `null` apart only where the value can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Only sent.
    Request,
    /// Only received.
    Response,
    /// Sent and received (and without `readOnly`/`writeOnly` fields, in itself or in what it
    /// holds: such a type is split into a response shape and a request shape).
    Both,
    /// No operation or event reaches it (a component kept for the user).
    Unused,
}

impl Direction {
    /// Whether an optional, nullable field of such a type tells absent and `null` apart
    /// (`Nullable<T>`): wherever the value may be sent. Only received, both are `None`.
    pub fn keeps_null(self) -> bool {
        !matches!(self, Direction::Response)
    }
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

/// `readOnly` / `writeOnly`. `Field::presence` says what `required` says; `finish` then
/// shapes each type by its `Direction`: a read-only field is left out of types that are sent
/// and keeps its presence in types that are received; a write-only field keeps its presence
/// in types that are sent and is optional in types that are received. A type that travels
/// both ways and holds such fields (itself or through the types it holds) becomes two: the
/// response shape keeps the schema's name, the request shape is named after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
    WriteOnly,
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
    /// Index in `variants` of the one a value decodes to when its tag is missing or names no
    /// variant (OpenAPI 3.2's `defaultMapping`); it may have no tag value of its own.
    pub default: Option<usize>,
    /// The variant that keeps, as JSON, a value whose tag this client does not know (and
    /// that does not fit the default variant).
    pub fallback: String,
}

/// Where a union's tag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOrigin {
    /// A `discriminator`: the variant decides the tag written (one value per variant),
    /// whatever the variant's own field holds (but the `default` variant keeps its own).
    Discriminator,
    /// Inferred in `finish`: every variant is a struct with a required field of a string enum
    /// (a `const`, a one-value `enum`, or a set), the sets disjoint. The variant's own field
    /// holds the tag and is written as it is.
    Inferred,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub rust_name: String,
    /// The tag's values for this variant (exactly one for a `discriminator`, except none for
    /// a `defaultMapping` schema outside the branches).
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
