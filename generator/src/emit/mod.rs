//! emit: IR → Rust tokens (and the crate's `Cargo.toml`). Reads only the IR, never the
//! document. Many small functions that each return tokens; branching happens here in Rust,
//! not inside `quote!` templates.
//!
//! The generated crate's files, and what each may name:
//! - `lib.rs`: crate docs and re-exports.
//! - `types.rs`: one item per IR type. Refers to sibling types by bare name, so prelude
//!   types an API type would shadow (`String`, `Option`...) are written out in full there.
//! - `client.rs`: `Client`, `ClientBuilder`, `Error`, `ErrorBody`.
//! - `operations.rs`: one request builder per operation.
//! - `mock.rs`: the typed mock server of the `mock` feature (compiled only with it).
//! - `webhooks.rs` (when the document has webhooks or callbacks): an enum per set of
//!   events, with `parse(headers, body)`.
//! - `Cargo.toml` and `README.md` (text, not tokens: `manifest.rs`, `readme.rs`).
//!
//! Files refer to each other through `super::`, never `crate::`, so a generated crate can
//! also be compiled as a module of another crate (the fixture tests do that).

mod client;
mod decode;
mod defaults;
mod derives;
mod encode;
mod errors;
mod fields;
mod gates;
mod manifest;
mod markdown;
mod mock;
mod operations;
mod paginate;
mod readme;
mod readme_sections;
mod shared;
mod signature;
mod stream;
#[cfg(test)]
mod tests;
mod types;
mod unions;
mod validate;
mod webhooks;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Boxing, Deprecation, Docs, Scalar, TypeRef};
use crate::naming::PRELUDE_TYPES;
use crate::tailor::ExtraDerives;

pub use manifest::{ManifestKind, ManifestSettings, RuntimeDependency, manifest};
pub use readme::readme;

/// How the API is named in prose: its title, with ` API` after it unless the title ends
/// with that word already (`Stripe API`, not `Stripe API API`).
pub(crate) fn api_name(title: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let ends_with_api = title
        .rsplit(' ')
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("api"));
    if ends_with_api {
        title
    } else {
        format!("{title} API")
    }
}

/// Whether the generated crate has a Cargo feature per resource group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Features {
    /// One feature per group of `Api::groups` (all on by default) when there are several;
    /// each operation, and each type only some groups reach, is compiled with its features.
    #[default]
    PerGroup,
    /// Everything is always compiled: for generated code that is a module of another crate
    /// (which has no such features), or a crate that wants none.
    Off,
}

/// How generated structs implement `Deserialize` (`deserialize` of `[types]` in `oagen.toml`:
/// `"runtime"` or `"derive"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decoder {
    /// A short impl per struct over `oagen_runtime::de` (`decode.rs`): about as fast as
    /// serde's derive, and much less for `rustc` to check in a large crate.
    #[default]
    Runtime,
    /// `#[derive(serde::Deserialize)]` with its attributes: the most code for `rustc`, for
    /// users who want exactly serde's derive (and the baseline of `cargo xtask bench --decode`).
    Derive,
}

impl Decoder {
    /// The value in `oagen.toml` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Decoder::Runtime => "runtime",
            Decoder::Derive => "derive",
        }
    }
}

/// Which types implement `Serialize` (`serialize` of `[types]` in `oagen.toml`: `"sent"` or
/// `"all"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoder {
    /// Only the types a request sends (and those the configuration derives `Serialize` for),
    /// with every type they hold: what is only received is only decoded, and `rustc` checks
    /// no encoder for it (issue 27: half of a large API's types are only received).
    #[default]
    Sent,
    /// Every type, for users who re-encode what they receive (to store or forward it).
    All,
}

impl Encoder {
    /// The value in `oagen.toml` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoder::Sent => "sent",
            Encoder::All => "all",
        }
    }
}

/// Whether `api` gets features: asked for, and more than one group to choose from.
pub fn has_features(api: &Api, features: Features) -> bool {
    features == Features::PerGroup && api.groups.len() > 1
}

/// Emits the Rust files of the crate, with derives added to some types (from
/// [`crate::tailor`]), a feature per resource group or none, structs decoded as `decoder`
/// says, and `Serialize` where `encoder` says: [`Plan::files`] lists them, [`Plan::emit`] emits any run of a file's
/// parts, on any thread (`crate::parts` runs them on every core). A plan holds what
/// emitting any part of any file needs, worked out once: plain data that threads share
/// (tokens are not `Send`, so each thread makes its own from this).
pub struct Plan<'a> {
    api: &'a Api,
    derives: &'a ExtraDerives,
    decoder: Decoder,
    /// Prelude type names that an API type takes inside `types.rs`.
    shadowed: BTreeSet<&'static str>,
    /// [`can_fail`], by type id.
    can_fail: Vec<bool>,
    /// Which groups reach each type, when the crate has a feature per group.
    reach: Option<Vec<crate::ir::Reach>>,
    /// [`serialized`], by type id.
    serialized: Vec<bool>,
    /// [`validated`], by type id (widened over shared definitions: [`shared::widen`]).
    validated: Vec<bool>,
    /// By type id: the enum or struct whose definition it shares ([`shared::shared_types`]).
    shared: Vec<Option<crate::ir::TypeId>>,
}

/// One file of the crate and the number of parts it can be emitted in: each part is whole
/// top-level items, and the parts in order, joined, are the file.
pub struct PlannedFile {
    pub path: &'static str,
    pub parts: usize,
    kind: FileKind,
}

#[cfg(test)]
impl PlannedFile {
    pub(crate) fn for_test(path: &'static str, parts: usize) -> Self {
        PlannedFile {
            path,
            parts,
            kind: FileKind::Types,
        }
    }
}

#[derive(Clone, Copy)]
enum FileKind {
    Lib,
    Client,
    Operations,
    Types,
    Mock,
    Webhooks,
}

impl<'a> Plan<'a> {
    pub fn new(
        api: &'a Api,
        derives: &'a ExtraDerives,
        features: Features,
        decoder: Decoder,
        encoder: Encoder,
    ) -> Self {
        let shared = shared::shared_types(api, derives);
        let mut reach = has_features(api, features).then(|| api.type_reach());
        let mut serialized = serialized(api, derives, encoder);
        shared::widen(api, &shared, &mut serialized, reach.as_deref_mut());
        let mut validated = validated(api);
        shared::widen(api, &shared, &mut validated, None);
        Plan {
            api,
            derives,
            decoder,
            shadowed: PRELUDE_TYPES
                .iter()
                .copied()
                .filter(|name| api.types.iter().any(|t| t.rust_name == *name))
                .collect(),
            can_fail: can_fail(api, &validated),
            reach,
            serialized,
            validated,
            shared,
        }
    }

    /// The files, in the order they are listed in the crate.
    pub fn files(&self) -> Vec<PlannedFile> {
        let file = |path, parts, kind| PlannedFile { path, parts, kind };
        let mut files = vec![
            file("src/lib.rs", 1, FileKind::Lib),
            file("src/client.rs", 1, FileKind::Client),
            file(
                "src/operations.rs",
                operations::parts(self.api),
                FileKind::Operations,
            ),
            file("src/types.rs", types::parts(self.api), FileKind::Types),
            file("src/mock.rs", 1, FileKind::Mock),
        ];
        if !self.api.events.is_empty() {
            files.push(file("src/webhooks.rs", 1, FileKind::Webhooks));
        }
        files
    }

    /// The tokens of parts `parts` of `file` (a file of one part is emitted whole).
    pub fn emit(&self, file: &PlannedFile, parts: std::ops::Range<usize>) -> TokenStream {
        let cx = self.cx();
        match file.kind {
            FileKind::Lib => client::lib_rs(&cx),
            FileKind::Client => client::client_rs(&cx),
            FileKind::Operations => operations::operations_rs(&cx, parts),
            FileKind::Types => types::types_rs(&cx, parts),
            FileKind::Mock => mock::mock_rs(&cx),
            FileKind::Webhooks => webhooks::webhooks_rs(&cx),
        }
    }

    fn cx(&self) -> Cx<'_> {
        Cx {
            api: self.api,
            shadowed: &self.shadowed,
            can_fail: &self.can_fail,
            derives: self.derives,
            gates: self
                .reach
                .as_deref()
                .map(|reach| gates::Gates::new(self.api, reach)),
            decoder: self.decoder,
            serialized: &self.serialized,
            validated: &self.validated,
            shared: &self.shared,
        }
    }
}

/// `attrs` (outer attributes, `#[serde(..)]` and the like) each written only with the
/// generated crate's `mock` feature: a type that is only received implements `Serialize`
/// there alone, so the typed mock server can answer with it.
fn mock_only(attrs: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let mut out = TokenStream::new();
    let mut trees = attrs.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let is_pound = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '#');
        match trees.peek() {
            Some(TokenTree::Group(group))
                if is_pound && group.delimiter() == Delimiter::Bracket =>
            {
                let inner = group.stream();
                trees.next();
                out.extend(quote!(#[cfg_attr(feature = "mock", #inner)]));
            }
            _ => out.extend([tree]),
        }
    }
    out
}

/// The `Serialize` derive of a type: in the derive list when the type is sent, else an
/// attribute of its own that only the `mock` feature turns on ([`mock_only`]).
fn serialize_derive(serialize: bool) -> (TokenStream, TokenStream) {
    if serialize {
        (quote!(serde::Serialize,), quote!())
    } else {
        (
            quote!(),
            quote!(#[cfg_attr(feature = "mock", derive(serde::Serialize))]),
        )
    }
}

/// A hand-written `impl Serialize`: as it is when the type is sent, else only with the
/// `mock` feature.
fn serialize_impl(serialize: bool, item: TokenStream) -> TokenStream {
    if serialize {
        item
    } else {
        quote!(#[cfg(feature = "mock")] #item)
    }
}

/// Where a type is written from: inside `types.rs`, or from another module.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Types,
    Outside,
}

struct Cx<'a> {
    api: &'a Api,
    /// Prelude type names that an API type takes inside `types.rs`.
    shadowed: &'a BTreeSet<&'static str>,
    /// By type id: whether `validate()` of a value of the type can fail (it has constraints,
    /// or holds a type that does). Types that cannot fail get the trait's default method, and
    /// nothing calls it on their values.
    can_fail: &'a [bool],
    /// Derives the configuration adds, by type.
    derives: &'a ExtraDerives,
    /// The `#[cfg]` of each group and type, when the crate has a feature per group.
    gates: Option<gates::Gates<'a>>,
    /// How structs implement `Deserialize`.
    decoder: Decoder,
    /// By type id: whether the type implements `Serialize` (see [`serialized`]).
    serialized: &'a [bool],
    /// By type id: whether the type implements `Validate` (see [`validated`]).
    validated: &'a [bool],
    /// By type id: the enum or struct whose definition it shares, written as a `pub type`
    /// of it.
    shared: &'a [Option<crate::ir::TypeId>],
}

impl Cx<'_> {
    /// Whether the type implements `Serialize`.
    fn serializes(&self, id: crate::ir::TypeId) -> bool {
        self.serialized.get(id.0).copied().unwrap_or(true)
    }

    /// Whether the type implements `Validate`.
    fn validated(&self, id: crate::ir::TypeId) -> bool {
        self.validated.get(id.0).copied().unwrap_or(true)
    }

    /// A prelude type as it must be written in `types.rs`.
    fn prelude(&self, from: Place, name: &'static str) -> TokenStream {
        let ident = format_ident!("{}", name);
        if from == Place::Outside || !self.shadowed.contains(name) {
            return quote!(#ident);
        }
        match name {
            "Box" => quote!(::std::boxed::Box),
            "Into" => quote!(::std::convert::Into),
            "Option" => quote!(::std::option::Option),
            "Result" => quote!(::std::result::Result),
            "String" => quote!(::std::string::String),
            "Vec" => quote!(::std::vec::Vec),
            _ => quote!(#ident),
        }
    }

    /// The Rust type for a type reference. `Boxing::Boxed` puts the `Box` around the named
    /// type itself, inside any `Option`.
    fn ty(&self, from: Place, ty: &TypeRef, boxing: Boxing) -> TokenStream {
        match ty {
            TypeRef::Named(id) => {
                let name = format_ident!("{}", self.api.type_def(*id).rust_name);
                let path = match from {
                    Place::Types => quote!(#name),
                    Place::Outside => quote!(types::#name),
                };
                match boxing {
                    Boxing::Boxed => {
                        let boxed = self.prelude(from, "Box");
                        quote!(#boxed<#path>)
                    }
                    Boxing::Inline => path,
                }
            }
            TypeRef::Scalar(scalar) => self.scalar(from, *scalar),
            TypeRef::Array(item) => {
                let vec = self.prelude(from, "Vec");
                let item = self.ty(from, item, Boxing::Inline);
                quote!(#vec<#item>)
            }
            TypeRef::Map(value) => {
                let string = self.prelude(from, "String");
                let value = self.ty(from, value, Boxing::Inline);
                quote!(::std::collections::BTreeMap<#string, #value>)
            }
            TypeRef::Nullable(inner) => {
                let option = self.prelude(from, "Option");
                let inner = self.ty(from, inner, boxing);
                quote!(#option<#inner>)
            }
            TypeRef::JsonObject => {
                let string = self.prelude(from, "String");
                quote!(serde_json::Map<#string, serde_json::Value>)
            }
            TypeRef::Any => quote!(serde_json::Value),
        }
    }

    fn scalar(&self, from: Place, scalar: Scalar) -> TokenStream {
        match scalar {
            Scalar::String => self.prelude(from, "String"),
            Scalar::Bool => quote!(bool),
            Scalar::I32 => quote!(i32),
            Scalar::I64 => quote!(i64),
            Scalar::U32 => quote!(u32),
            Scalar::U64 => quote!(u64),
            Scalar::DateTime => quote!(oagen_runtime::DateTime),
            Scalar::Date => quote!(oagen_runtime::Date),
            Scalar::Base64 => quote!(oagen_runtime::Base64),
            Scalar::F32 => quote!(f32),
            Scalar::F64 => quote!(f64),
            Scalar::Uuid => quote!(uuid::Uuid),
            Scalar::Binary => quote!(oagen_runtime::File),
        }
    }

    /// Whether a value of `ty` held as `boxing` may be large: a struct, union or newtype held
    /// by value (through aliases and `Option`), as opposed to scalars, enums, lists and maps,
    /// whose size is a few words.
    pub(super) fn large(&self, ty: &TypeRef, boxing: crate::ir::Boxing) -> bool {
        if boxing == crate::ir::Boxing::Boxed {
            return false;
        }
        match self.api.through_aliases(ty.non_null()).non_null() {
            TypeRef::Named(id) => !matches!(
                self.api.type_def(*id).kind,
                crate::ir::TypeKind::Enum(_) | crate::ir::TypeKind::Alias(_)
            ),
            _ => false,
        }
    }

    /// Whether a named type is an alias (of an alias...) of `String` or a date.
    fn aliases_text(&self, id: crate::ir::TypeId) -> bool {
        matches!(self.api.type_def(id).kind, crate::ir::TypeKind::Alias(_))
            && matches!(
                self.api.through_aliases(&TypeRef::Named(id)),
                TypeRef::Scalar(Scalar::String | Scalar::DateTime | Scalar::Date)
            )
    }

    /// An argument type for a setter or constructor, and how to store the argument: strings
    /// are taken as `impl Into<String>`.
    fn argument(&self, from: Place, ty: &TypeRef, boxing: Boxing) -> (TokenStream, Conversion) {
        match (ty, boxing) {
            (TypeRef::Scalar(Scalar::String), _) => {
                let string = self.prelude(from, "String");
                let into = self.prelude(from, "Into");
                (quote!(impl #into<#string>), Conversion::Into)
            }
            // Text or a `jiff` value (`jiff::Timestamp`, `civil::Date`...); bytes as `Vec<u8>` or `&[u8]`.
            (TypeRef::Scalar(scalar @ (Scalar::DateTime | Scalar::Date | Scalar::Base64)), _) => {
                let into = self.prelude(from, "Into");
                let ty = self.scalar(from, *scalar);
                (quote!(impl #into<#ty>), Conversion::Into)
            }
            // An alias of text (`Code = String`) is taken as `impl Into<Code>` too.
            (TypeRef::Named(id), Boxing::Inline) if self.aliases_text(*id) => {
                let into = self.prelude(from, "Into");
                let ty = self.ty(from, ty, boxing);
                (quote!(impl #into<#ty>), Conversion::Into)
            }
            (TypeRef::Named(_), Boxing::Boxed) => {
                (self.ty(from, ty, Boxing::Inline), Conversion::Box)
            }
            _ => (self.ty(from, ty, boxing), Conversion::None),
        }
    }
}

#[derive(Clone, Copy)]
enum Conversion {
    None,
    Into,
    Box,
}

impl Conversion {
    fn apply(self, cx: &Cx<'_>, from: Place, value: TokenStream) -> TokenStream {
        match self {
            Conversion::None => value,
            Conversion::Into => quote!(#value.into()),
            Conversion::Box => {
                let boxed = cx.prelude(from, "Box");
                quote!(#boxed::new(#value))
            }
        }
    }
}

/// `#[doc]` attributes for one item: summary, description, then notes, separated by blank
/// doc lines. Each line becomes one `#[doc = " line"]`, which prints as `/// line`.
fn doc_attrs(docs: &Docs) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    // The document's text, with brackets that rustdoc would take for links escaped.
    paragraphs.extend(docs.summary.as_deref().map(markdown::escape_document_text));
    paragraphs.extend(
        docs.description
            .as_deref()
            .map(markdown::escape_document_text),
    );
    if !docs.notes.is_empty() {
        paragraphs.push(docs.notes.join("\n"));
    }
    if docs.deprecated == Deprecation::Deprecated {
        paragraphs.push("**Deprecated** in the API description.".to_owned());
    }
    doc_lines(&paragraphs)
}

fn doc_lines(paragraphs: &[String]) -> TokenStream {
    let attrs = lines(paragraphs)
        .into_iter()
        .map(|line| quote!(#[doc = #line]));
    quote!(#(#attrs)*)
}

/// Inner `#![doc]` attributes (module or crate docs), printed as `//! line`.
fn inner_doc_lines(paragraphs: &[String]) -> TokenStream {
    let attrs = lines(paragraphs)
        .into_iter()
        .map(|line| quote!(#![doc = #line]));
    quote!(#(#attrs)*)
}

fn lines(paragraphs: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        let text = paragraph.trim();
        if text.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(sanitize_markdown(text));
    }
    lines
        .into_iter()
        .map(|line| {
            if line.is_empty() {
                line
            } else {
                format!(" {}", escape_controls(&line))
            }
        })
        .collect()
}

/// A line for a doc comment, with the characters that cannot stand in a comment escaped
/// (see [`crate::render::escape_comment`]; `render` checks every doc attribute again).
pub(super) fn escape_controls(line: &str) -> String {
    crate::render::escape_comment(line, false)
}

/// Lines of Markdown made safe for rustdoc: code fences without a language (or marked
/// `rust`) are marked `text`, so rustdoc never compiles an API's example as a doctest.
fn sanitize_markdown(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|line| {
            let line = line.trim_end();
            let trimmed = line.trim_start();
            if let Some(info) = trimmed.strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                let info = info.trim();
                if opening && (info.is_empty() || info.eq_ignore_ascii_case("rust")) {
                    let indent = &line[..line.len() - trimmed.len()];
                    let lang = "text";
                    return format!("{indent}```{lang}");
                }
            }
            line.to_owned()
        })
        .collect()
}

/// Which types implement `Serialize`: with [`Encoder::All`] every one; with
/// [`Encoder::Sent`] those sent (`Direction::Request` or `Both`) or given a `Serialize` derive
/// by the configuration, and every type they hold, so a `Serialize` impl never needs one that
/// is missing. Requests serialize only their body and parameters, which are sent types.
fn serialized(api: &Api, derives: &ExtraDerives, encoder: Encoder) -> Vec<bool> {
    use crate::ir::{Direction, TypeId};

    if encoder == Encoder::All {
        return vec![true; api.types.len()];
    }
    let mut roots: Vec<TypeId> = api
        .types
        .iter()
        .enumerate()
        .filter(|(index, def)| {
            matches!(def.direction, Direction::Request | Direction::Both)
                || derives.get(&TypeId(*index)).is_some_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.rsplit("::").next() == Some("Serialize"))
                })
        })
        .map(|(index, _)| TypeId(index))
        .collect();
    for op in &api.operations {
        op.request_refs()
            .into_iter()
            .for_each(|ty| ty.named_ids(&mut roots));
    }
    api.reached_from(roots)
}

/// Which types implement `Validate`: every type but those only received, and every type
/// those hold (so a `validate()` never calls one that is missing). Nothing calls
/// `validate()` on a value only received: decoding never checks constraints, and nothing
/// sent holds it. Half of Stripe's `validate` bodies were of such types.
fn validated(api: &Api) -> Vec<bool> {
    use crate::ir::{Direction, TypeId};

    let roots = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| def.direction != Direction::Response)
        .map(|(index, _)| TypeId(index))
        .collect();
    api.reached_from(roots)
}

/// Which types can fail `validate()`: those with constraints of their own (a constrained
/// field, required-field alternatives, an enum's unknown values), and
/// every type that holds one of those, found by walking the references backwards (linear in
/// the size of the type table). A type without `validate()` ([`validated`]) fails nothing.
fn can_fail(api: &Api, validated: &[bool]) -> Vec<bool> {
    use crate::ir::TypeKind;

    let count = api.types.len();
    let mut fails = vec![false; count];
    let mut held_by: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, def) in api.types.iter().enumerate() {
        if !validated.get(index).copied().unwrap_or(true) {
            continue;
        }
        fails[index] = match &def.kind {
            TypeKind::Struct(s) => {
                s.alternatives.is_some() || s.fields.iter().any(|f| !f.constraints.is_empty())
            }
            TypeKind::Enum(_) => true,
            _ => false,
        };
        let mut held = Vec::new();
        def.kind
            .refs()
            .into_iter()
            .for_each(|ty| ty.named_ids(&mut held));
        for held in held {
            if let Some(holders) = held_by.get_mut(held.0) {
                holders.push(index);
            }
        }
    }
    let mut pending: Vec<usize> = (0..count).filter(|&i| fails[i]).collect();
    while let Some(held) = pending.pop() {
        for &holder in &held_by[held] {
            if !fails[holder] {
                fails[holder] = true;
                pending.push(holder);
            }
        }
    }
    fails
}
