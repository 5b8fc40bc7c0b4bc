//! lower: document → IR. Names are decided here, once; `$ref`s are resolved; recursive
//! fields are boxed; everything the generator cannot represent becomes a located diagnostic.
//!
//! Order of work: reserve an id (and a name) for every `#/components/schemas` entry, so any
//! `$ref` resolves even inside a cycle; read info, servers and security; convert the
//! components; convert the operations (creating types for their inline schemas); then box
//! cycles and sort the type table by name (`finish`).

mod bodies;
mod damage;
mod events;
mod finish;
mod groups;
mod idempotency;
mod method_names;
mod methods;
mod operations;
mod paginate;
mod params;
mod querystring;
mod schema;
mod security;
mod stream;
mod unused;

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::diag::{Diagnostics, join};
use crate::ir::{Api, Docs, Info, Server, TypeDef, TypeId, TypeKind, TypeRef};
use crate::load::Document;
use crate::naming::{self, Scope};
use operations::OperationContext;
/// Names an operation may not take (the configuration's renames check them too).
pub(crate) use operations::{BUILDER_RESERVED, CLIENT_METHODS};

/// A type being built: its id and name are fixed before its definition exists.
struct Slot {
    rust_name: String,
    source: String,
    /// The schema itself admits `null`, so every reference to it is nullable.
    nullable: bool,
    def: Option<TypeDef>,
}

pub(crate) struct Lowerer<'d> {
    root: &'d Value,
    /// The document's version: fields of a later version are reported, not read.
    version: crate::load::SpecVersion,
    /// References to other files that bundling could not follow, and where parts came from.
    refs: &'d crate::bundle::Refs,
    diags: &'d mut Diagnostics,
    types: Vec<Slot>,
    /// JSON pointer → type made from the schema there. Only looked up, never iterated, so
    /// its order cannot reach the output.
    by_pointer: HashMap<String, TypeId>,
    /// Pointers being resolved through chains of `$ref`, to catch cycles with no schema.
    ref_stack: Vec<String>,
    type_names: Scope,
    default_fns: Scope,
    error_types: BTreeSet<TypeId>,
    /// References refused for safety, reported as errors when lowering ends.
    refused: Vec<crate::diag::Diagnostic>,
    /// Each operation's callbacks, in document order.
    callback_sets: Vec<crate::ir::EventSet>,
    /// Names of the enums in the generated `webhooks` module.
    event_set_names: Scope,
    /// The method name of every operation, decided before any is lowered.
    method_names: method_names::MethodNames,
    /// Broken references to other files that lowering reached (and reported).
    reached_broken: std::collections::HashSet<String>,
    /// Local damage is an error (the run fails) instead of a warning that drops the item.
    strict: bool,
    damage: damage::Damage,
    /// Examples found beside lowered schemas, by pointer.
    examples: std::collections::BTreeMap<String, crate::ir::Example>,
    /// Notes said only when asked for (`explain`), in document order.
    notes: Vec<crate::diag::Diagnostic>,
}

/// Converts a loaded document into the IR, with the notes that explain what was not
/// generated where a user might have expected it (operations that look paginated but match
/// no style). No IR when errors were reported. A damaged schema or operation is left out
/// with a warning (with `strict`, local damage (see `damage.rs`) is an error).
pub fn lower_explained(
    doc: &Document,
    diags: &mut Diagnostics,
    strict: bool,
) -> (Option<Api>, Vec<crate::diag::Diagnostic>) {
    let start = diags.mark();
    let mut lowerer = Lowerer {
        strict,
        damage: damage::Damage::default(),
        reached_broken: std::collections::HashSet::new(),
        callback_sets: Vec::new(),
        refused: Vec::new(),
        event_set_names: Scope::with_reserved(&["Webhook", "types"]),
        method_names: method_names::MethodNames::default(),
        root: &doc.root,
        version: doc.version,
        refs: &doc.refs,
        diags,
        types: Vec::new(),
        by_pointer: HashMap::new(),
        ref_stack: Vec::new(),
        // A struct `New` would have a constructor `New::new` (clippy: self_named_constructors).
        type_names: Scope::with_reserved(&["New"]),
        default_fns: Scope::new(),
        error_types: BTreeSet::new(),
        examples: std::collections::BTreeMap::new(),
        notes: Vec::new(),
    };
    let components = lowerer.reserve_components();
    let info = lowerer.info();
    if doc.root.get("$self").is_some() {
        lowerer.reads_3_2("#/$self", "`$self`");
    }
    let servers = lowerer.servers();
    let (security_schemes, default_credentials) = lowerer.security_schemes();
    let mut is_component = vec![false; lowerer.types.len()];
    for (id, schema, ptr) in components {
        is_component[id.0] = true;
        let mark = lowerer.begin_item();
        lowerer.lower_schema(schema, &ptr, "", Some(id));
        let what = format!("the schema `{}`", lowerer.types[id.0].rust_name);
        lowerer.end_item(mark, &ptr, &what, Some(id));
    }
    let operations = lowerer.operations(&security_schemes);
    let webhooks = lowerer.webhooks();
    lowerer.report_unused_components();
    lowerer.report_unreached_broken_refs();

    for refused in std::mem::take(&mut lowerer.refused) {
        lowerer.diags.push_diagnostic(refused);
    }
    let Lowerer {
        diags,
        types,
        error_types,
        examples,
        notes,
        damage,
        callback_sets,
        ..
    } = lowerer;
    let events = webhooks.into_iter().chain(callback_sets).collect();
    let types: Vec<TypeDef> = types
        .into_iter()
        .map(|slot| {
            slot.def.unwrap_or_else(|| TypeDef {
                // Only reachable after an error was reported for this schema.
                rust_name: slot.rust_name,
                source: slot.source,
                docs: Docs::default(),
                kind: TypeKind::Alias(TypeRef::Any),
                direction: crate::ir::Direction::Unused,
            })
        })
        .collect();
    let api = Api {
        info,
        servers,
        security_schemes,
        default_credentials,
        types,
        operations,
        error_types: error_types.into_iter().collect(),
        examples: examples.into_values().collect(),
        events,
        groups: Vec::new(),
    };
    let mut api = api;
    damage::prune(&mut api, &damage, &is_component, diags);
    groups::assign(&mut api, &doc.root, doc.version, diags);
    let api = finish::finish(api, diags);
    // What `lower` found, in a translated Swagger 2.0 document, is moved back to the
    // original's pointers (what `load` found already names them); then every diagnostic is
    // moved to the file it is about.
    diags.relocate_since(start, |pointer| doc.refs.moved.back(pointer));
    diags.relocate(|pointer| doc.refs.sources.origin(pointer));
    ((!diags.has_errors()).then_some(api), notes)
}

/// The name a document gives an item for the code rather than the wire: Azure's
/// `x-ms-client-name` on a property or a parameter (the wire name stays as written). Only a
/// string with a letter or digit counts.
pub(super) fn client_name(item: &Value) -> Option<&str> {
    item.get("x-ms-client-name")
        .and_then(Value::as_str)
        .filter(|name| name.chars().any(|c| c.is_ascii_alphanumeric()))
}

impl<'d> Lowerer<'d> {
    fn reserve_components(&mut self) -> Vec<(TypeId, &'d Value, String)> {
        let mut components = Vec::new();
        let Some(schemas) = self.root.pointer("/components/schemas") else {
            return components;
        };
        let Some(schemas) = schemas.as_object() else {
            self.diags.error(
                "#/components/schemas",
                "`components/schemas` must be an object",
            );
            return components;
        };
        for (name, schema) in schemas {
            let ptr = join("#/components/schemas", &[name]);
            // The name an SDK generator was told to use, if any (`x-fern-type-name`).
            let chosen = schema
                .get("x-fern-type-name")
                .and_then(Value::as_str)
                .filter(|n| n.chars().any(|c| c.is_ascii_alphanumeric()));
            let rust_name = self
                .type_names
                .claim_camel(&naming::camel(chosen.unwrap_or(name), "Type"));
            let id = TypeId(self.types.len());
            self.types.push(Slot {
                rust_name,
                source: ptr.clone(),
                nullable: Self::component_nullable(schema),
                def: None,
            });
            self.by_pointer.insert(ptr.clone(), id);
            components.push((id, schema, ptr));
        }
        components
    }

    /// Resolves a `$ref` (local, or to another file that bundling copied in). Returns the
    /// canonical pointer and the value there.
    fn resolve(&mut self, reference: &str, ref_ptr: &str) -> Option<(String, &'d Value)> {
        let Some(fragment) = self.local_fragment(reference) else {
            let broken = self.refs.broken.get(ref_ptr);
            if broken.is_some() {
                self.reached_broken.insert(ref_ptr.to_owned());
            }
            match broken {
                // Refused for safety: an error for the whole run, not local damage (kept
                // aside so that the item's bracket does not turn it into a warning).
                Some(broken) if broken.refused => {
                    self.refused.push(crate::diag::Diagnostic {
                        severity: crate::diag::Severity::Error,
                        location: crate::diag::Location::document(ref_ptr),
                        message: broken.message.clone(),
                        help: broken.help.clone(),
                    });
                }
                Some(broken) => match &broken.help {
                    Some(help) => {
                        self.diags
                            .error_with_help(ref_ptr, broken.message.clone(), help.clone())
                    }
                    None => self.diags.error(ref_ptr, broken.message.clone()),
                },
                None => self.diags.error_with_help(
                    ref_ptr,
                    format!("`{reference}` refers to another file, which cannot be read when the document is given as bytes"),
                    "generate from the document's path (`generate_file`), so that files beside it can be read",
                ),
            }
            return None;
        };
        // One the bundler could not copy in place is reported here, once.
        if self.refs.broken.contains_key(ref_ptr) {
            self.reached_broken.insert(ref_ptr.to_owned());
        }
        let fragment = crate::bundle::percent_decode(fragment);
        match self.root.pointer(&fragment) {
            Some(value) if fragment.is_empty() || fragment.starts_with('/') => {
                Some((format!("#{fragment}"), value))
            }
            _ => {
                self.diags.error(
                    ref_ptr,
                    format!("`{reference}` points to nothing in this document"),
                );
                None
            }
        }
    }

    /// Whether `ref_ptr` is a reference the bundler could not follow in place of a whole
    /// map (`properties: {$ref: ...}`); if so, its reason is reported there as an error, so
    /// that the item holding it is left out.
    pub(super) fn broken_in_place(&mut self, ref_ptr: &str) -> bool {
        let Some(broken) = self.refs.broken.get(ref_ptr) else {
            return false;
        };
        self.reached_broken.insert(ref_ptr.to_owned());
        self.diags.error(ref_ptr, broken.message.clone());
        true
    }

    /// A value, or what its local `$ref`s lead to, with its pointer; silent, since the
    /// schema or response is lowered (and a broken reference reported) elsewhere.
    pub(super) fn quiet_deref(&self, value: &'d Value, ptr: String) -> Option<(&'d Value, String)> {
        let (mut value, mut ptr) = (value, ptr);
        for _ in 0..crate::ir::ALIAS_DEPTH {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let fragment = self.local_fragment(reference)?;
                    let pointer = crate::bundle::percent_decode(fragment);
                    value = self.root.pointer(&pointer)?;
                    ptr = format!("#{fragment}");
                }
                None => return Some((value, ptr)),
            }
        }
        None
    }

    /// The fragment of a reference into this document: `#...`, or in OpenAPI 3.2 the
    /// document's own `$self` URI followed by `#...` (a document read from a file has these
    /// made local by `bundle` already; one read from bytes has not).
    fn local_fragment<'r>(&self, reference: &'r str) -> Option<&'r str> {
        if let Some(fragment) = reference.strip_prefix('#') {
            return Some(fragment);
        }
        let own = self
            .root
            .get("$self")
            .and_then(Value::as_str)
            .filter(|_| self.version == crate::load::SpecVersion::V3_2)?;
        reference
            .strip_prefix(own.split('#').next()?)?
            .strip_prefix('#')
    }

    /// [`Lowerer::quiet_deref`], without the pointer.
    pub(super) fn quiet_target(&self, value: &'d Value) -> Option<&'d Value> {
        self.quiet_deref(value, String::new())
            .map(|(value, _)| value)
    }

    /// Follows `$ref`s (to `components/parameters`, `responses`, `requestBodies`...) until a
    /// value without one. Returns the value and its pointer.
    fn deref(&mut self, mut value: &'d Value, mut ptr: String) -> Option<(&'d Value, String)> {
        let mut seen = Vec::new();
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let (target_ptr, target) = self.resolve(reference, &join(&ptr, &["$ref"]))?;
            if seen.contains(&target_ptr) {
                self.diags.error(
                    join(&ptr, &["$ref"]),
                    format!("`{reference}` is part of a cycle of references"),
                );
                return None;
            }
            seen.push(target_ptr.clone());
            value = target;
            ptr = target_ptr;
        }
        Some((value, ptr))
    }

    fn info(&mut self) -> Info {
        let info = self.root.get("info");
        let text = |key: &str| {
            info.and_then(|i| i.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let title = text("title").unwrap_or_else(|| {
            // Without `info` at all, `load` said so already.
            if info.is_some() {
                self.diags
                    .warning("#/info", "`info` has no `title`; the API is called \"api\"");
            }
            "api".to_owned()
        });
        Info {
            title,
            version: text("version").unwrap_or_else(|| "0.0.0".to_owned()),
            description: text("description"),
        }
    }

    fn servers(&mut self) -> Vec<Server> {
        let Some(servers) = self.root.get("servers").and_then(Value::as_array) else {
            return Vec::new();
        };
        servers
            .iter()
            .filter_map(|server| {
                let mut url = server.get("url")?.as_str()?.to_owned();
                if let Some(variables) = server.get("variables").and_then(Value::as_object) {
                    for (name, variable) in variables {
                        if let Some(default) = variable.get("default").and_then(Value::as_str) {
                            url = url.replace(&format!("{{{name}}}"), default);
                        }
                    }
                }
                Some(Server {
                    url,
                    description: server
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
            })
            .collect()
    }

    /// Whether `ty` names a struct (through aliases).
    fn is_struct(&self, ty: &TypeRef) -> bool {
        match self.through_aliases(ty) {
            TypeRef::Named(id) => matches!(
                self.types[id.0].def.as_ref().map(|d| &d.kind),
                Some(TypeKind::Struct(_))
            ),
            _ => false,
        }
    }

    /// The type an alias (or chain of aliases) stands for. Stops after a bounded number of
    /// steps: a cycle of aliases (`A: {$ref: A}`) is reported later, in `finish`, and must
    /// not make lowering recurse forever before that.
    pub(super) fn through_aliases<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        crate::ir::through_aliases(ty, |id| {
            self.types
                .get(id.0)
                .and_then(|slot| slot.def.as_ref())
                .map(|def| &def.kind)
        })
    }
}

impl Lowerer<'_> {
    /// Whether a field of OpenAPI 3.2 at `ptr` is read: in a 3.2 document it is; in an
    /// earlier one it is reported with a located warning, and not read.
    pub(super) fn reads_3_2(&mut self, ptr: &str, what: &str) -> bool {
        if self.version == crate::load::SpecVersion::V3_2 {
            return true;
        }
        self.diags.warning_with_help(
            ptr,
            format!("{what} is an OpenAPI 3.2 field; in this document it is not read"),
            "declare `openapi: 3.2.0` if the document is written for 3.2",
        );
        false
    }

    /// A field of OpenAPI 3.2 that is read in any document (`itemSchema`: SDK-oriented 3.0
    /// and 3.1 documents write it for streams): in an earlier version it is reported.
    pub(super) fn read_ahead(&mut self, ptr: &str, what: &str) {
        if self.version != crate::load::SpecVersion::V3_2 {
            self.diags.warning_with_help(
                ptr,
                format!(
                    "{what} is an OpenAPI 3.2 field; it is read ahead of this document's version"
                ),
                "declare `openapi: 3.2.0` if the document is written for 3.2",
            );
        }
    }
}

/// `` `body` `` for a value that was given, `nothing` for one that was not.
fn found(value: Option<&str>) -> String {
    value.map_or_else(|| "nothing".to_owned(), |v| format!("`{v}`"))
}
