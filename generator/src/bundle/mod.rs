//! bundle: a document spread over several files → one document value, as a bundler such as
//! `redocly bundle` would write it, so that `lower` only ever sees one document.
//!
//! Every `$ref` whose target is in another file (`./schemas/pet.yaml`,
//! `../common.yaml#/components/schemas/Error`, or, inside such a file, `#/...` of that
//! file) is replaced, depending on where it stands:
//!
//! - where a schema stands, the target becomes an entry of the root's
//!   `components/schemas`, named from the component name when the target is one (or the
//!   last token of its pointer), else from the file name; the `$ref` points to it. Each
//!   target is placed once, however many references reach it, so cycles across files end
//!   at the second visit. A root component that is only a `$ref` to another file takes the
//!   target's content under its own name. `discriminator.mapping` values are rewritten
//!   the same way;
//! - anywhere else (path items, operations, parameters, responses, request bodies, headers,
//!   examples), the target is copied in place of the reference (these have no identity of
//!   their own in the generated code); sibling keys of the `$ref` (`summary`,
//!   `description`) win over the target's.
//!
//! References from other files back into the root become local references. Each file is
//! read (and parsed) once. File names are kept relative to the root document's folder, with
//! `/`, so the result does not depend on the working directory; a [`SourceMap`] turns a
//! pointer into the bundle back into `file#pointer`, so diagnostics name the file a problem
//! is in.
//!
//! Refused, each with a diagnostic at the `$ref`: absolute paths and paths that leave the
//! root document's folder tree (unless [`RefOptions::allow_outside_root`]); `http(s)`
//! references (nothing is fetched) unless [`RefOptions::url_map`] maps them to a local
//! file; files that cannot be read or parsed; pointers to nothing; copies that contain
//! themselves. These are recorded as broken references rather than errors: `lower`
//! reports each where it is reached, and drops what depends on it (local damage).
//! Limits: every file, and all files together, at most [`parse::MAX_DOCUMENT_BYTES`]; at most
//! [`MAX_FILES`] files; nesting of copies at most [`MAX_DEPTH`]; the bundle at most
//! [`MAX_NODES`] values.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diag::{Diagnostics, join};
use crate::parse;

mod base;
mod files;
mod ids;
mod local;
mod source_map;
mod targets;

use files::read_bounded;
pub use source_map::{Moves, SourceMap};
pub use targets::percent_decode;
use targets::{mapping_is_reference, refers_to_other_files};

/// At most this many files are read for one document.
pub const MAX_FILES: usize = 10_000;
/// Copies of references inside copies nest at most this deep.
pub const MAX_DEPTH: usize = 64;
/// The bundled document holds at most this many values (copies of one file in many places
/// count each time), so references cannot make a small tree expand without bound.
pub const MAX_NODES: usize = 20_000_000;

/// How references to other files may be followed.
#[derive(Debug, Clone, Default)]
pub struct RefOptions {
    /// Allow absolute paths and paths that leave the root document's folder tree.
    pub allow_outside_root: bool,
    /// `http(s)` URL prefixes and the local files or folders they stand for: a reference
    /// that starts with the prefix is read from the path with the rest of the URL appended
    /// (a path relative to the root document's folder, or absolute).
    pub url_map: Vec<(String, PathBuf)>,
}

/// A reference that could not be followed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenRef {
    pub message: String,
    pub help: Option<String>,
    /// Refused for safety (outside the root's folder, absolute, a URL): an error even when
    /// other broken references only cost their item.
    pub refused: bool,
}

/// What bundling left for `lower`: where each part of the bundle came from, and the
/// references that could not be followed (keyed by the bundle pointer of their `$ref`).
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// Every other file the document is made of (relative to the root's folder, with `/`),
    /// in the order first read; each is read once. For build scripts that regenerate when
    /// any of them changes.
    pub files: Vec<String>,
    pub sources: SourceMap,
    pub broken: BTreeMap<String, BrokenRef>,
    /// Where a document translated from Swagger 2.0 moved each part (empty otherwise):
    /// diagnostics of `lower` are moved back to the original's pointers before `sources`
    /// names their file.
    pub moved: Moves,
}

/// Reads `path` and every file it refers to, into one document value. `None` (with errors)
/// when the root itself cannot be read or parsed.
pub fn bundle(path: &Path, options: &RefOptions, diags: &mut Diagnostics) -> Option<(Value, Refs)> {
    // Checked before reading, so a huge file is never loaded.
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.len() > parse::MAX_DOCUMENT_BYTES {
            parse::too_large(metadata.len(), diags);
            return None;
        }
    }
    let bytes = read_bounded(path, 0)
        .map_err(|message| diags.error("#", message))
        .ok()?;
    let mut root = parse::parse(&bytes, diags)?;
    ids::resolve(&mut root);
    // Most documents are one file whose references stand where `lower` follows them: then
    // there is nothing to rewrite, and the walk below (which builds a pointer per value) is
    // skipped.
    if !refers_to_other_files(&root, 0) && !local::needs_walk(&root, "", 0) {
        return Some((root, Refs::default()));
    }
    let root_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let folder_canonical = std::fs::canonicalize(if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &folder
    })
    .ok();
    let mut bundler = Bundler::new(
        folder,
        folder_canonical,
        options,
        root_name.clone(),
        bytes.len() as u64,
        diags,
    );
    bundler.run(&mut root);
    let refs = bundler.refs;
    Some((root, refs))
}

/// [`bundle`] for a document read from bytes: references within it that stand for a whole
/// map or lead outside the named parts of the document are copied in place; references to
/// other files stay as written (there is no folder to read them from; `lower` says so).
pub fn in_memory(root: &mut Value, diags: &mut Diagnostics) -> Refs {
    ids::resolve(root);
    if !local::needs_walk(root, "", 0) {
        return Refs::default();
    }
    let options = RefOptions::default();
    let mut bundler = Bundler::new(PathBuf::new(), None, &options, String::new(), 0, diags);
    bundler.in_memory = true;
    bundler.run(root);
    bundler.refs
}

/// Where a value stands, which decides what a `$ref` in it becomes and which of its keys
/// are keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A schema: only the keywords that hold schemas are followed.
    Schema,
    /// An OpenAPI object (path item, operation, parameter, response...): its keys are
    /// keywords; `example`, `value` (of an Example) and extensions are literal data.
    Object,
    /// A map from names (paths, status codes, media types, component names) to objects.
    Names,
    /// `components`: a map from kinds to maps of names.
    Components,
    /// `callbacks`: names → expressions → path items.
    Callbacks,
    /// A map of names to schemas inside a schema (`properties`, `$defs`...): a `$ref` in
    /// place of the whole map is copied in place, and each entry is walked as a schema.
    SchemaMap,
}

/// Keywords of OpenAPI objects whose value is a map of names to objects.
const NAME_MAPS: &[&str] = &[
    "paths",
    "webhooks",
    "responses",
    "content",
    "examples",
    "headers",
    "links",
    "encoding",
    "variables",
    "securitySchemes",
];

struct Bundler<'a> {
    /// The root document's folder, as given (relative paths stay relative).
    folder: PathBuf,
    folder_canonical: Option<PathBuf>,
    options: &'a RefOptions,
    root_name: String,
    /// Files read so far, by name relative to the root's folder; `Err` when reading failed
    /// (the reason, repeated at every reference to it).
    files: BTreeMap<String, Result<Value, BrokenRef>>,
    total_bytes: u64,
    /// `file#pointer` of each schema placed in `components/schemas` → its bundle pointer.
    /// Only looked up, never iterated.
    placed: HashMap<String, String>,
    /// Keys of the root's `components/schemas`, to name new entries uniquely.
    schema_keys: BTreeSet<String>,
    /// Schemas from other files, in the order they were first reached.
    new_schemas: Vec<(String, Value)>,
    /// `file#pointer` of the copies being made, innermost last, to stop a copy that
    /// contains itself.
    copying: Vec<String>,
    nodes: usize,
    refs: Refs,
    /// The document was given as bytes: references to other files are left to `lower`.
    in_memory: bool,
    diags: &'a mut Diagnostics,
    /// The root says `openapi: 3.2.x`, so `$self` is read (`base.rs`).
    reads_self: bool,
    /// The root's `$self`.
    root_self: Option<String>,
}

/// A `$ref` taken apart: the file it leads to (named relative to the root's folder) and the
/// JSON pointer in it.
struct Target {
    file: String,
    pointer: String,
}

impl Target {
    fn location(&self) -> String {
        format!("{}#{}", self.file, self.pointer)
    }
}

impl<'a> Bundler<'a> {
    /// A bundler for the root document `root_name` in `folder`, before any other file is read.
    fn new(
        folder: PathBuf,
        folder_canonical: Option<PathBuf>,
        options: &'a RefOptions,
        root_name: String,
        total_bytes: u64,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Bundler {
            folder,
            folder_canonical,
            options,
            root_name,
            files: BTreeMap::new(),
            total_bytes,
            placed: HashMap::new(),
            schema_keys: BTreeSet::new(),
            new_schemas: Vec::new(),
            copying: Vec::new(),
            nodes: 0,
            refs: Refs::default(),
            in_memory: false,
            diags,
            reads_self: false,
            root_self: None,
        }
    }
}

impl Bundler<'_> {
    fn run(&mut self, root: &mut Value) {
        let root_file = self.root_name.clone();
        if !root.is_object() {
            return;
        }
        // Parts of the root copied in place are read as it was written.
        self.files.insert(root_file.clone(), Ok(root.clone()));
        let Some(object) = root.as_object_mut() else {
            return;
        };
        self.reads_self = object
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v == "3.2" || v.starts_with("3.2."));
        self.root_self = object
            .get("$self")
            .and_then(Value::as_str)
            .map(str::to_owned);
        // Root components that are only a reference to another file take the target's
        // content under their own name; registered first, so every other reference to the
        // same target finds them.
        let mut own_slots = Vec::new();
        if let Some(schemas) = object
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(Value::as_object_mut)
        {
            self.schema_keys.extend(schemas.keys().cloned());
            for (name, schema) in schemas.iter() {
                let Some(reference) = only_ref(schema) else {
                    continue;
                };
                let ptr = join("#/components/schemas", &[name]);
                if let Ok(target) = self.target(reference, &root_file) {
                    if target.file != root_file {
                        if let std::collections::hash_map::Entry::Vacant(entry) =
                            self.placed.entry(target.location())
                        {
                            entry.insert(ptr.clone());
                            own_slots.push((name.clone(), ptr, target));
                        }
                    }
                }
            }
        }
        // A Swagger 2.0 root keeps its schemas in `definitions`: schemas from other files
        // are named apart from them too (`swagger2` moves both into `components/schemas`).
        let swagger2 = object.contains_key("swagger");
        if swagger2 {
            if let Some(definitions) = object.get("definitions").and_then(Value::as_object) {
                self.schema_keys.extend(definitions.keys().cloned());
            }
        }
        let skip: BTreeSet<String> = own_slots.iter().map(|(_, ptr, _)| ptr.clone()).collect();
        for (key, value) in object.iter_mut() {
            let ptr = join("#", &[key]);
            if key == "components" {
                self.walk_components(value, &root_file, &ptr, &skip);
            } else if key == "definitions" && swagger2 {
                // Swagger 2.0's schemas.
                self.walk_map(value, &root_file, Place::Schema, &ptr, 0);
            } else if let Some(place) = object_child(key) {
                self.walk(value, &root_file, place, &ptr, 0);
            }
        }
        for (name, ptr, target) in own_slots {
            let value = self.copy(&target, Place::Schema, &ptr, &join(&ptr, &["$ref"]), 0);
            if let (Some(value), Some(slot)) = (
                value,
                object
                    .get_mut("components")
                    .and_then(|c| c.get_mut("schemas"))
                    .and_then(|s| s.get_mut(&name)),
            ) {
                *slot = value;
            }
        }
        if self.new_schemas.is_empty() {
            return;
        }
        let components = object
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(components) = components.as_object_mut() {
            let schemas = components
                .entry("schemas")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(schemas) = schemas.as_object_mut() {
                for (name, schema) in std::mem::take(&mut self.new_schemas) {
                    schemas.insert(name, schema);
                }
            }
        }
    }

    /// The root's `components`: schemas are walked as schemas, the rest as other objects.
    fn walk_components(
        &mut self,
        components: &mut Value,
        file: &str,
        ptr: &str,
        skip: &BTreeSet<String>,
    ) {
        let Some(components) = components.as_object_mut() else {
            return;
        };
        for (kind, entries) in components.iter_mut() {
            let kind_ptr = join(ptr, &[kind]);
            if kind != "schemas" {
                self.walk(entries, file, Place::Names, &kind_ptr, 0);
                continue;
            }
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            for (name, schema) in entries.iter_mut() {
                let entry_ptr = join(&kind_ptr, &[name]);
                if !skip.contains(&entry_ptr) {
                    self.walk(schema, file, Place::Schema, &entry_ptr, 0);
                }
            }
        }
    }

    /// Rewrites every reference in `value` (which comes from `file` and stands at `ptr` in
    /// the bundle) that leaves the root document.
    fn walk(&mut self, value: &mut Value, file: &str, place: Place, ptr: &str, depth: usize) {
        self.nodes += 1;
        if self.nodes == MAX_NODES {
            self.diags.error(
                ptr,
                format!("the references to other files make the document larger than {MAX_NODES} values; it is not read further"),
            );
        }
        if self.nodes >= MAX_NODES {
            return;
        }
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, file, place, &join(ptr, &[&i.to_string()]), depth);
                }
            }
            Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    let reference = reference.to_owned();
                    self.reference(value, &reference, file, place, ptr, depth);
                    return;
                }
                self.walk_keys(object, file, place, ptr, depth);
            }
            _ => {}
        }
    }

    /// The keys of an object that is not a reference.
    fn walk_keys(
        &mut self,
        object: &mut Map<String, Value>,
        file: &str,
        place: Place,
        ptr: &str,
        depth: usize,
    ) {
        match place {
            Place::Schema => self.walk_schema(object, file, ptr, depth),
            Place::SchemaMap => {
                for (name, child) in object.iter_mut() {
                    self.walk(child, file, Place::Schema, &join(ptr, &[name]), depth);
                }
            }
            Place::Object => self.walk_other(object, file, ptr, depth),
            Place::Names | Place::Components | Place::Callbacks => {
                for (key, child) in object.iter_mut() {
                    let child_place = match place {
                        Place::Components if key == "schemas" => Place::Names,
                        Place::Components | Place::Callbacks => Place::Names,
                        _ => Place::Object,
                    };
                    let child_ptr = join(ptr, &[key]);
                    if place == Place::Components && key == "schemas" {
                        self.walk_map(child, file, Place::Schema, &child_ptr, depth);
                    } else {
                        self.walk(child, file, child_place, &child_ptr, depth);
                    }
                }
            }
        }
    }

    fn walk_other(&mut self, object: &mut Map<String, Value>, file: &str, ptr: &str, depth: usize) {
        for (key, child) in object.iter_mut() {
            if let Some(place) = object_child(key) {
                self.walk(child, file, place, &join(ptr, &[key]), depth);
            }
        }
    }

    fn walk_schema(
        &mut self,
        object: &mut Map<String, Value>,
        file: &str,
        ptr: &str,
        depth: usize,
    ) {
        for (key, child) in object.iter_mut() {
            let child_ptr = join(ptr, &[key]);
            match key.as_str() {
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "additionalItems"
                | "contentSchema"
                | "allOf"
                | "anyOf"
                | "oneOf"
                | "prefixItems" => self.walk(child, file, Place::Schema, &child_ptr, depth),
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => {
                    self.walk(child, file, Place::SchemaMap, &child_ptr, depth);
                }
                "discriminator" => {
                    if let Some(mapping) = child.get_mut("mapping").and_then(Value::as_object_mut) {
                        let mapping_ptr = join(&child_ptr, &["mapping"]);
                        for (tag, target) in mapping.iter_mut() {
                            self.mapping_value(target, file, &join(&mapping_ptr, &[tag]));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A map whose every value is in `place` (its keys are names, not keywords).
    fn walk_map(&mut self, map: &mut Value, file: &str, place: Place, ptr: &str, depth: usize) {
        if let Some(map) = map.as_object_mut() {
            for (name, child) in map.iter_mut() {
                self.walk(child, file, place, &join(ptr, &[name]), depth);
            }
        }
    }

    /// A `discriminator.mapping` value: a schema name stays; a reference is treated as a
    /// schema `$ref`.
    fn mapping_value(&mut self, target: &mut Value, file: &str, ptr: &str) {
        let Some(reference) = target.as_str() else {
            return;
        };
        if !mapping_is_reference(reference) {
            return;
        }
        let reference = reference.to_owned();
        let mut node = Value::Object(Map::from_iter([(
            "$ref".to_owned(),
            Value::String(reference.clone()),
        )]));
        // A broken mapping is recorded like a broken `$ref` and left as written.
        self.reference(&mut node, &reference, file, Place::Schema, ptr, 0);
        if let Some(rewritten) = node.get("$ref").and_then(Value::as_str) {
            *target = Value::String(rewritten.to_owned());
        }
    }

    /// A `$ref` at `ptr` in a value from `file`.
    fn reference(
        &mut self,
        node: &mut Value,
        reference: &str,
        file: &str,
        place: Place,
        ptr: &str,
        depth: usize,
    ) {
        let ref_ptr = join(ptr, &["$ref"]);
        if self.in_memory && !reference.starts_with('#') {
            return;
        }
        let target = match self.target(reference, file) {
            Ok(target) => target,
            // An anchor of the root (`#name`) is for `ids` to find.
            Err(_) if file == self.root_name && reference.starts_with('#') => {
                self.walk_siblings(node, file, place, ptr, depth);
                return;
            }
            Err(broken) => {
                self.refs.broken.insert(ref_ptr, broken);
                return;
            }
        };
        if target.file == self.root_name && !local::copied_in_place(place, &target.pointer) {
            // Left for `lower`, which follows a reference where a schema, a path item, an
            // operation, a parameter, a request body, a response, a callback or a security
            // scheme stands.
            if let Some(object) = node.as_object_mut() {
                object.insert(
                    "$ref".to_owned(),
                    Value::String(format!("#{}", target.pointer)),
                );
            }
            self.walk_siblings(node, file, place, ptr, depth);
            return;
        }
        match place {
            Place::Schema => {
                let location = target.location();
                let bundle_ptr = match self.placed.get(&location) {
                    Some(existing) => existing.clone(),
                    None => {
                        let name = self.schema_name(&target);
                        let bundle_ptr = join("#/components/schemas", &[&name]);
                        self.placed.insert(location, bundle_ptr.clone());
                        // Reserved before the copy, so references back to it (cycles) find it.
                        let index = self.new_schemas.len();
                        self.new_schemas.push((name, Value::Null));
                        match self.copy(&target, Place::Schema, &bundle_ptr, &ref_ptr, depth) {
                            Some(schema) => self.new_schemas[index].1 = schema,
                            None => {
                                // Recorded at this `$ref`, which stays as written; nothing
                                // was walked, so nothing refers to the entry yet.
                                self.new_schemas.truncate(index);
                                self.placed.remove(&target.location());
                                if let Some(name) = bundle_ptr.rsplit('/').next() {
                                    let name = name.replace("~1", "/").replace("~0", "~");
                                    self.schema_keys.remove(&name);
                                }
                                return;
                            }
                        }
                        bundle_ptr
                    }
                };
                if let Some(object) = node.as_object_mut() {
                    object.insert("$ref".to_owned(), Value::String(bundle_ptr));
                }
                self.walk_siblings(node, file, place, ptr, depth);
            }
            Place::Object
            | Place::Names
            | Place::Components
            | Place::Callbacks
            | Place::SchemaMap => {
                let Some(mut copy) = self.copy(&target, place, ptr, &ref_ptr, depth) else {
                    return;
                };
                // Sibling keys of a reference (`summary`, `description`) win over the target's.
                if let (Some(copy), Some(object)) = (copy.as_object_mut(), node.as_object()) {
                    for (key, sibling) in object {
                        if key != "$ref" {
                            copy.insert(key.clone(), sibling.clone());
                        }
                    }
                }
                *node = copy;
            }
        }
    }

    /// The keys beside a `$ref` (3.1 allows them in schemas).
    fn walk_siblings(
        &mut self,
        node: &mut Value,
        file: &str,
        place: Place,
        ptr: &str,
        depth: usize,
    ) {
        let Some(object) = node.as_object_mut() else {
            return;
        };
        if object.len() == 1 {
            return;
        }
        let reference = object.remove("$ref");
        self.walk_keys(object, file, place, ptr, depth);
        if let Some(reference) = reference {
            // Back in front, where it was.
            let rest = std::mem::take(object);
            object.insert("$ref".to_owned(), reference);
            object.extend(rest);
        }
    }

    /// A copy of the target with its own references rewritten, placed at `bundle_ptr`.
    /// `None` (recorded as a broken reference at `ref_ptr`) when it cannot be made.
    fn copy(
        &mut self,
        target: &Target,
        place: Place,
        bundle_ptr: &str,
        ref_ptr: &str,
        depth: usize,
    ) -> Option<Value> {
        let location = target.location();
        let broken = |message: String| BrokenRef {
            message,
            help: None,
            refused: false,
        };
        if depth >= MAX_DEPTH {
            self.refs.broken.insert(
                ref_ptr.to_owned(),
                broken(format!(
                    "references to other files nest more than {MAX_DEPTH} deep here (at `{location}`)"
                )),
            );
            return None;
        }
        if place != Place::Schema && self.copying.contains(&location) {
            self.refs.broken.insert(
                ref_ptr.to_owned(),
                broken(format!("`{location}` contains a reference to itself")),
            );
            return None;
        }
        let in_root = target.file == self.root_name;
        let value = match self.file(&target.file) {
            Ok(root) => match root.pointer(&target.pointer) {
                Some(value) => value.clone(),
                None if in_root => {
                    self.refs.broken.insert(
                        ref_ptr.to_owned(),
                        broken(format!(
                            "`#{}` points to nothing in this document",
                            target.pointer
                        )),
                    );
                    return None;
                }
                None => {
                    self.refs.broken.insert(
                        ref_ptr.to_owned(),
                        broken(format!(
                            "`{}` has nothing at `#{}`",
                            target.file, target.pointer
                        )),
                    );
                    return None;
                }
            },
            Err(why) => {
                self.refs.broken.insert(
                    ref_ptr.to_owned(),
                    BrokenRef {
                        message: format!("`{}`: {}", target.file, why.message),
                        ..why
                    },
                );
                return None;
            }
        };
        let origin = if in_root {
            format!("#{}", target.pointer)
        } else {
            format!("{}#{}", target.file, target.pointer)
        };
        self.refs.sources.insert(bundle_ptr, origin);
        self.copying.push(location);
        let mut value = value;
        self.walk(&mut value, &target.file, place, bundle_ptr, depth + 1);
        self.copying.pop();
        Some(value)
    }

    /// The key of a schema from another file in `components/schemas`: the component's name
    /// (the pointer's last token), else the file's name without extension; unique.
    fn schema_name(&mut self, target: &Target) -> String {
        let from_pointer = target
            .pointer
            .rsplit('/')
            .next()
            .filter(|token| !token.is_empty() && target.pointer.len() > 1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"));
        let base = from_pointer.unwrap_or_else(|| {
            let file = target.file.rsplit('/').next().unwrap_or(&target.file);
            let stem = file.split('.').next().unwrap_or(file);
            if stem.is_empty() {
                "schema".to_owned()
            } else {
                stem.to_owned()
            }
        });
        let mut name = base.clone();
        let mut n = 2;
        while self.schema_keys.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.schema_keys.insert(name.clone());
        name
    }
}

/// Where the value of `key` in an OpenAPI object stands; `None` for literal data (`example`,
/// an Example's `value`, a server variable's `default`) and extensions, which may hold
/// anything.
fn object_child(key: &str) -> Option<Place> {
    match key {
        "example" | "value" | "dataValue" | "serializedValue" | "default" => None,
        _ if key.starts_with("x-") => None,
        "schema" => Some(Place::Schema),
        "components" => Some(Place::Components),
        "callbacks" => Some(Place::Callbacks),
        _ if NAME_MAPS.contains(&key) => Some(Place::Names),
        _ => Some(Place::Object),
    }
}

/// The `$ref` of a value that is nothing but a reference.
fn only_ref(value: &Value) -> Option<&str> {
    let object = value.as_object()?;
    if object.len() != 1 {
        return None;
    }
    object.get("$ref")?.as_str()
}
