//! lower: document → IR. Names are decided here, once; `$ref`s are resolved; recursive
//! fields are boxed; everything the generator cannot represent becomes a located diagnostic.
//!
//! Order of work: reserve an id (and a name) for every `#/components/schemas` entry, so any
//! `$ref` resolves even inside a cycle; read info, servers and security; convert the
//! components; convert the operations (creating types for their inline schemas); then box
//! cycles and sort the type table by name (`finish`).

mod finish;
mod paginate;
mod schema;

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::diag::{Diagnostics, join};
use crate::ir::{
    Api, ApiKeyLocation, BodyKind, Docs, ErrorResponse, HttpMethod, Info, Operation, Param,
    ParamEncoding, ParamLocation, PathPart, Presence, QueryStyle, RequestBody, ResponseBody,
    Scalar, SchemeKind, SecurityScheme, Server, StatusEnum, StatusMatch, StatusVariant,
    SuccessResponse, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::load::{Document, describe};
use crate::naming::{self, Scope};

/// Methods of the generated `Client` (own or derived) that an operation must not shadow.
pub(crate) const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "clone",
    "clone_from",
    "fmt",
    "into",
    "from",
    "try_into",
    "try_from",
    "borrow",
    "borrow_mut",
    "to_owned",
    "type_id",
];
/// Names visible in the generated `operations` module that a request builder must not take.
pub(crate) const BUILDER_RESERVED: &[&str] = &[
    "Box",
    "Client",
    "ClientBuilder",
    "Error",
    "ErrorBody",
    "Option",
    "Result",
    "String",
    "Vec",
];
/// Fields and methods of every request builder.
const OPERATION_RESERVED: &[&str] = &[
    "client",
    "body",
    "options",
    "send",
    "send_with_response",
    "into_future",
    "with_timeout",
    "with_retry",
    "paginate",
    "clone",
    "clone_from",
    "fmt",
];
/// Methods of the generated `ClientBuilder` that a credential setter must not shadow.
const CLIENT_BUILDER_METHODS: &[&str] = &[
    "new",
    "base_url",
    "http_client",
    "timeout",
    "connect_timeout",
    "retry",
    "max_response_bytes",
    "user_agent",
    "header",
    "build",
    "fmt",
];

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
    /// Examples found beside lowered schemas, by pointer.
    examples: std::collections::BTreeMap<String, crate::ir::Example>,
}

/// Converts a loaded document into the IR. Returns `None` when errors were reported.
pub fn lower(doc: &Document, diags: &mut Diagnostics) -> Option<Api> {
    let mut lowerer = Lowerer {
        root: &doc.root,
        diags,
        types: Vec::new(),
        by_pointer: HashMap::new(),
        ref_stack: Vec::new(),
        // A struct `New` would have a constructor `New::new` (clippy: self_named_constructors).
        type_names: Scope::with_reserved(&["New"]),
        default_fns: Scope::new(),
        error_types: BTreeSet::new(),
        examples: std::collections::BTreeMap::new(),
    };
    let components = lowerer.reserve_components();
    let info = lowerer.info();
    let servers = lowerer.servers();
    let (security_schemes, default_credentials) = lowerer.security_schemes();
    for (id, schema, ptr) in components {
        lowerer.lower_schema(schema, &ptr, "", Some(id));
    }
    let operations = lowerer.operations(&security_schemes);

    let Lowerer {
        diags,
        types,
        error_types,
        examples,
        ..
    } = lowerer;
    let types: Vec<TypeDef> = types
        .into_iter()
        .map(|slot| {
            slot.def.unwrap_or_else(|| TypeDef {
                // Only reachable after an error was reported for this schema.
                rust_name: slot.rust_name,
                source: slot.source,
                docs: Docs::default(),
                kind: TypeKind::Alias(TypeRef::Any),
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
    };
    let api = finish::finish(api, diags);
    (!diags.has_errors()).then_some(api)
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
            let rust_name = self.type_names.claim_camel(&naming::camel(name, "Type"));
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

    /// Resolves a local `$ref`. Returns the canonical pointer and the value there.
    fn resolve(&mut self, reference: &str, ref_ptr: &str) -> Option<(String, &'d Value)> {
        let Some(fragment) = reference.strip_prefix('#') else {
            self.diags.error_with_help(
                ref_ptr,
                format!("`{reference}` refers to another file, which is not supported yet"),
                "bundle the document into one file first (for example `redocly bundle`)",
            );
            return None;
        };
        let fragment = percent_decode(fragment);
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
            self.diags
                .warning("#/info", "`info` has no `title`; the API is called \"api\"");
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

    fn security_schemes(&mut self) -> (Vec<SecurityScheme>, Vec<usize>) {
        let mut schemes = Vec::new();
        let mut names = Scope::with_reserved(CLIENT_BUILDER_METHODS);
        if let Some(map) = self
            .root
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
        {
            for (wire_name, scheme) in map {
                let ptr = join("#/components/securitySchemes", &[wire_name]);
                let Some((scheme, ptr)) = self.deref(scheme, ptr) else {
                    continue;
                };
                let Some(kind) = self.scheme_kind(scheme, &ptr) else {
                    continue;
                };
                schemes.push(SecurityScheme {
                    wire_name: wire_name.clone(),
                    rust_name: names.claim_snake(&naming::snake(wire_name, "credential")),
                    kind,
                    docs: Docs {
                        description: scheme
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        ..Docs::default()
                    },
                });
            }
        }
        let default = self
            .root
            .get("security")
            .and_then(Value::as_array)
            .and_then(|alternatives| alternatives.first())
            .and_then(Value::as_object)
            .map(|requirement| {
                schemes
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| requirement.contains_key(&s.wire_name))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        (schemes, default)
    }

    fn scheme_kind(&mut self, scheme: &Value, ptr: &str) -> Option<SchemeKind> {
        let text = |key: &str| scheme.get(key).and_then(Value::as_str);
        match (
            text("type"),
            text("scheme").map(str::to_ascii_lowercase).as_deref(),
        ) {
            (Some("apiKey"), _) => {
                let location = match text("in") {
                    Some("header") => ApiKeyLocation::Header,
                    Some("query") => ApiKeyLocation::Query,
                    Some("cookie") => ApiKeyLocation::Cookie,
                    other => {
                        self.diags.error(
                            join(ptr, &["in"]),
                            format!(
                                "an apiKey scheme must be `in` header, query or cookie, found {}",
                                found(other)
                            ),
                        );
                        return None;
                    }
                };
                let Some(name) = text("name") else {
                    self.diags.error(ptr, "an apiKey scheme needs a `name`");
                    return None;
                };
                Some(SchemeKind::ApiKey {
                    location,
                    name: name.to_owned(),
                })
            }
            (Some("http"), Some("bearer")) | (Some("oauth2" | "openIdConnect"), _) => {
                Some(SchemeKind::Bearer)
            }
            (Some("http"), Some("basic")) => Some(SchemeKind::Basic),
            (kind, scheme) => {
                self.diags.warning(
                    ptr,
                    format!(
                        "security scheme type {} is not supported yet; requests are sent without it",
                        match (kind, scheme) {
                            (Some(k), Some(s)) => format!("`{k}` (`{s}`)"),
                            (Some(k), None) => format!("`{k}`"),
                            _ => "(missing)".to_owned(),
                        }
                    ),
                );
                None
            }
        }
    }

    fn operations(&mut self, schemes: &[SecurityScheme]) -> Vec<Operation> {
        let mut operations = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return operations;
        };
        let mut method_names = Scope::with_reserved(CLIENT_METHODS);
        let mut builder_names = Scope::with_reserved(BUILDER_RESERVED);
        for (path, item) in paths {
            let item_ptr = join("#/paths", &[path]);
            let Some((item, item_ptr)) = self.deref(item, item_ptr) else {
                continue;
            };
            let Some(item_obj) = item.as_object() else {
                self.diags.error(
                    item_ptr,
                    format!("a path item must be an object, found {}", describe(item)),
                );
                continue;
            };
            for (key, op) in item_obj {
                let Some(method) = HttpMethod::ALL
                    .iter()
                    .find(|(m, _)| m == key)
                    .map(|(_, m)| *m)
                else {
                    continue;
                };
                let ptr = join(&item_ptr, &[key]);
                let Some(op_obj) = op.as_object() else {
                    self.diags.error(
                        ptr,
                        format!("an operation must be an object, found {}", describe(op)),
                    );
                    continue;
                };
                let context = OperationContext {
                    path,
                    method,
                    item: item_obj,
                    item_ptr: &item_ptr,
                    op: op_obj,
                    ptr: &ptr,
                };
                if let Some(operation) =
                    self.lower_operation(&context, schemes, &mut method_names, &mut builder_names)
                {
                    operations.push(operation);
                }
            }
        }
        operations
    }

    fn lower_operation(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        schemes: &[SecurityScheme],
        method_names: &mut Scope,
        builder_names: &mut Scope,
    ) -> Option<Operation> {
        let operation_id = cx
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let base = match &operation_id {
            Some(id) => naming::snake(id, "operation"),
            None => derived_operation_name(cx.method, cx.path),
        };
        let rust_name = method_names.claim_snake(&base);
        let builder_name =
            builder_names.claim_camel(&naming::camel(naming::unraw(&rust_name), "Operation"));

        let mut names = Scope::with_reserved(OPERATION_RESERVED);
        // Everything is looked at even when one part fails, so that all the problems of an
        // operation are reported in one run; the path needs the parameters to be checked.
        let params = self.lower_params(cx, &builder_name, &mut names);
        let segments = params
            .as_ref()
            .and_then(|params| self.path_segments(cx, params));
        let fixed_query = cx
            .path
            .split_once('?')
            .map(|(_, query)| {
                query
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                        (name.to_owned(), value.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = self.lower_body(cx, &builder_name);
        let (response, errors) = self.lower_responses(cx, &builder_name, builder_names);
        let (Some(params), Some(segments), Some(body)) = (params, segments, body) else {
            return None;
        };

        let security_value = cx.op.get("security").or_else(|| self.root.get("security"));
        let mut security = Vec::new();
        if let Some(alternatives) = security_value.and_then(Value::as_array) {
            for requirement in alternatives.iter().filter_map(Value::as_object) {
                for name in requirement.keys() {
                    if !schemes.iter().any(|s| &s.wire_name == name)
                        && self
                            .root
                            .pointer(&format!(
                                "/components/securitySchemes/{}",
                                crate::diag::escape_token(name)
                            ))
                            .is_none()
                    {
                        self.diags.warning(cx.ptr, format!("security scheme `{name}` is not defined in `components/securitySchemes`"));
                    }
                }
            }
            for scheme in schemes {
                if alternatives
                    .iter()
                    .filter_map(Value::as_object)
                    .any(|requirement| requirement.contains_key(&scheme.wire_name))
                {
                    security.push(scheme.wire_name.clone());
                }
            }
        }

        let text = |key: &str| cx.op.get(key).and_then(Value::as_str).map(str::to_owned);
        let mut docs = Docs {
            summary: text("summary"),
            description: text("description"),
            notes: Vec::new(),
            deprecated: if cx.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
                crate::ir::Deprecation::Deprecated
            } else {
                crate::ir::Deprecation::Current
            },
        };
        docs.notes
            .push(format!("`{} {}`", cx.method.as_str(), cx.path));

        let pagination = self.pagination(cx, &params, &response.body);
        Some(Operation {
            rust_name,
            builder_name,
            operation_id,
            method: cx.method,
            path: cx.path.to_owned(),
            segments,
            fixed_query,
            source: cx.ptr.to_owned(),
            docs,
            params,
            body,
            response,
            errors,
            security,
            pagination,
        })
    }

    fn lower_params(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
        names: &mut Scope,
    ) -> Option<Vec<Param>> {
        // Path-level parameters first, replaced by operation-level ones with the same name and
        // location.
        let mut declared: Vec<(&'d Value, String)> = Vec::new();
        for (owner, owner_ptr) in [(cx.item, cx.item_ptr), (cx.op, cx.ptr)] {
            let Some(list) = owner.get("parameters") else {
                continue;
            };
            let list_ptr = join(owner_ptr, &["parameters"]);
            let Some(list) = list.as_array() else {
                self.diags.error(list_ptr, "`parameters` must be a list");
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let Some((param, ptr)) = self.deref(param, join(&list_ptr, &[&i.to_string()]))
                else {
                    continue;
                };
                let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                match declared
                    .iter_mut()
                    .find(|(existing, _)| key(existing) == key(param))
                {
                    Some(slot) => *slot = (param, ptr),
                    None => declared.push((param, ptr)),
                }
            }
        }

        let mut params = Vec::new();
        let mut usable = true;
        for (param, ptr) in declared {
            let Some(wire_name) = param.get("name").and_then(Value::as_str) else {
                self.diags.error(&ptr, "a parameter needs a `name`");
                usable = false;
                continue;
            };
            let location = match param.get("in").and_then(Value::as_str) {
                Some("path") => ParamLocation::Path,
                Some("query") => ParamLocation::Query,
                Some("header") => ParamLocation::Header,
                Some("cookie") => ParamLocation::Cookie,
                other => {
                    self.diags.error(
                        join(&ptr, &["in"]),
                        format!(
                            "a parameter must be `in` path, query, header or cookie, found {}",
                            found(other)
                        ),
                    );
                    usable = false;
                    continue;
                }
            };
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            let presence = match (location, required) {
                (ParamLocation::Path, false) => {
                    self.diags.warning(&ptr, format!("path parameter `{wire_name}` must be required; it is treated as required"));
                    Presence::Required
                }
                (_, true) => Presence::Required,
                (_, false) => Presence::Optional,
            };
            let hint = format!("{builder_name}{}", naming::camel(wire_name, "Param"));
            let ty = match param.get("schema") {
                Some(schema) => self.lower_schema(schema, &join(&ptr, &["schema"]), &hint, None),
                None => TypeRef::Scalar(Scalar::String),
            };
            // A parameter is sent or not; "null" has no meaning on the wire.
            let ty = ty.non_null().clone();
            let Some(encoding) = self.param_encoding(param, &ty, location, &ptr) else {
                self.diags.warning(
                    join(&ptr, &["schema"]),
                    format!(
                        "parameter `{wire_name}` has a shape that cannot be sent in the {} yet; the operation is skipped",
                        location_name(location)
                    ),
                );
                return None;
            };
            let docs = Docs {
                description: param
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                deprecated: if param.get("deprecated").and_then(Value::as_bool) == Some(true) {
                    crate::ir::Deprecation::Deprecated
                } else {
                    crate::ir::Deprecation::Current
                },
                ..Docs::default()
            };
            params.push(Param {
                rust_name: names.claim_snake(&naming::snake(wire_name, "param")),
                wire_name: wire_name.to_owned(),
                location,
                ty,
                presence,
                encoding,
                docs,
            });
        }
        usable.then_some(params)
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
    pub(super) fn through_aliases<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        for _ in 0..64 {
            let TypeRef::Named(id) = ty else { break };
            match self.types[id.0].def.as_ref().map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => break,
            }
        }
        ty
    }

    /// How a parameter is written, from its type, `style` and `explode`; `None` when it
    /// cannot be (an object in a path or header).
    fn param_encoding(
        &mut self,
        param: &Value,
        ty: &TypeRef,
        location: ParamLocation,
        ptr: &str,
    ) -> Option<ParamEncoding> {
        let textual = self.displayable(ty);
        if location != ParamLocation::Query {
            return textual.then_some(ParamEncoding::Text);
        }
        let explode = param.get("explode").and_then(Value::as_bool);
        let style = match param.get("style").and_then(Value::as_str) {
            Some("deepObject") => QueryStyle::DeepObject,
            Some("form") | None if explode == Some(false) => QueryStyle::FormJoined,
            Some("form") | None => QueryStyle::FormExploded,
            Some(other) => {
                self.diags.warning(
                    join(ptr, &["style"]),
                    format!("query style `{other}` is not supported yet; the parameter is written as `form`"),
                );
                if explode == Some(false) {
                    QueryStyle::FormJoined
                } else {
                    QueryStyle::FormExploded
                }
            }
        };
        let scalar_text = textual && !matches!(ty, TypeRef::Array(_));
        Some(match style {
            _ if scalar_text => ParamEncoding::Text,
            QueryStyle::FormExploded if textual => ParamEncoding::Text,
            style => ParamEncoding::Structured(style),
        })
    }

    /// Whether a parameter of this type can be written as text (`Display`), or, in a query, as
    /// one pair per item.
    fn displayable(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Scalar(_) | TypeRef::Any | TypeRef::Named(_) => {
                let kind_of = |id: TypeId| self.types[id.0].def.as_ref().map(|d| &d.kind);
                crate::ir::is_textual(ty, &kind_of, 0)
            }
            TypeRef::Array(item) => {
                // Repeated in a query, joined with commas elsewhere (`simple` style).
                !matches!(**item, TypeRef::Array(_)) && self.displayable(item)
            }
            TypeRef::Nullable(inner) => self.displayable(inner),
            TypeRef::Map(_) | TypeRef::JsonObject => false,
        }
    }

    fn path_segments(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &[Param],
    ) -> Option<Vec<Vec<PathPart>>> {
        let mut segments = Vec::new();
        let mut ok = true;
        // A query written into the template (`/things?beta=true`) is not part of the path.
        let path = cx.path.split_once('?').map_or(cx.path, |(path, _)| path);
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        if trimmed.is_empty() {
            return Some(segments);
        }
        for raw in trimmed.split('/') {
            let mut parts = Vec::new();
            let mut rest = raw;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}').map(|c| c + open) else {
                    break;
                };
                if open > 0 {
                    parts.push(PathPart::Literal(rest[..open].to_owned()));
                }
                let name = &rest[open + 1..close];
                match params
                    .iter()
                    .position(|p| p.location == ParamLocation::Path && p.wire_name == name)
                {
                    Some(index) => parts.push(PathPart::Param(index)),
                    None => {
                        self.diags.error(
                            cx.ptr,
                            format!("the path uses `{{{name}}}` but the operation declares no path parameter `{name}`"),
                        );
                        ok = false;
                    }
                }
                rest = &rest[close + 1..];
            }
            if !rest.is_empty() || parts.is_empty() {
                parts.push(PathPart::Literal(rest.to_owned()));
            }
            segments.push(parts);
        }
        for (index, param) in params.iter().enumerate() {
            let used = segments
                .iter()
                .flatten()
                .any(|part| *part == PathPart::Param(index));
            if param.location == ParamLocation::Path && !used {
                self.diags.warning(
                    cx.ptr,
                    format!(
                        "path parameter `{}` does not appear in the path `{}`",
                        param.wire_name, cx.path
                    ),
                );
            }
        }
        ok.then_some(segments)
    }

    fn lower_body(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
    ) -> Option<Option<RequestBody>> {
        let Some(body) = cx.op.get("requestBody") else {
            return Some(None);
        };
        let (body, ptr) = self.deref(body, join(cx.ptr, &["requestBody"]))?;
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            self.diags
                .warning(&ptr, "the request body has no `content`; it is not sent");
            return Some(None);
        };
        let Some((media_type, media, class)) = pick_media(
            content,
            &[
                MediaClass::Json,
                MediaClass::Form,
                MediaClass::Multipart,
                MediaClass::Text,
                MediaClass::Binary,
            ],
        ) else {
            let types: Vec<&str> = content.keys().map(String::as_str).collect();
            self.diags.warning(
                join(&ptr, &["content"]),
                format!(
                    "request bodies of type {} are not supported yet; the operation is skipped",
                    types.join(", ")
                ),
            );
            return None;
        };
        let schema_ptr = join(&ptr, &["content", media_type, "schema"]);
        let hint = format!("{builder_name}Body");
        let mut ty = || match media.get("schema") {
            Some(schema) => self.lower_schema(schema, &schema_ptr, &hint, None),
            None => TypeRef::Any,
        };
        let kind = match class {
            MediaClass::Json => BodyKind::Json(ty()),
            MediaClass::Form => {
                let deep_object = media
                    .get("encoding")
                    .and_then(Value::as_object)
                    .map(|encoding| {
                        encoding
                            .iter()
                            .filter(|(_, e)| {
                                e.get("style").and_then(Value::as_str) == Some("deepObject")
                            })
                            .map(|(name, _)| name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                BodyKind::Form {
                    ty: ty(),
                    deep_object,
                }
            }
            MediaClass::Multipart => {
                let ty = ty();
                if !self.is_struct(&ty) {
                    self.diags.warning(
                        schema_ptr.as_str(),
                        "multipart bodies that are not objects with properties are not supported yet; the operation is skipped",
                    );
                    return None;
                }
                BodyKind::Multipart(ty)
            }
            MediaClass::Text => BodyKind::Text,
            MediaClass::Binary => BodyKind::Binary,
        };
        let presence = if body.get("required").and_then(Value::as_bool) == Some(true) {
            Presence::Required
        } else {
            Presence::Optional
        };
        Some(Some(RequestBody {
            kind,
            presence,
            media_type: media_type.to_owned(),
            docs: Docs {
                description: body
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                ..Docs::default()
            },
        }))
    }

    fn lower_responses(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
        builder_names: &mut Scope,
    ) -> (SuccessResponse, Vec<ErrorResponse>) {
        let mut successes: Vec<(StatusMatch, ResponseBody, Docs)> = Vec::new();
        let mut success_docs = Docs::default();
        let mut errors = Vec::new();
        let responses_ptr = join(cx.ptr, &["responses"]);
        let responses = cx.op.get("responses").and_then(Value::as_object);
        if responses.is_none_or(Map::is_empty) {
            self.diags.warning(
                &responses_ptr,
                "the operation declares no responses; its result is ignored",
            );
        }
        for (status, response) in responses.into_iter().flatten() {
            let Some(status_match) = parse_status(status) else {
                self.diags.warning(join(&responses_ptr, &[status]), format!("`{status}` is not a status code, a range like `4XX`, or `default`; it is ignored"));
                continue;
            };
            let Some((response, ptr)) = self.deref(response, join(&responses_ptr, &[status]))
            else {
                continue;
            };
            let is_success = matches!(
                status_match,
                StatusMatch::Code(200..=299) | StatusMatch::Range(2)
            );
            let content = response.get("content").and_then(Value::as_object);
            let preference: &[MediaClass] = if is_success {
                &[
                    MediaClass::Json,
                    MediaClass::Text,
                    MediaClass::Binary,
                    MediaClass::Form,
                    MediaClass::Multipart,
                ]
            } else {
                &[MediaClass::Json]
            };
            let media = content.and_then(|c| pick_media(c, preference));
            let label = naming::camel(status, "Status");
            let body = match media {
                None => ResponseBody::Empty,
                Some((media_type, media, MediaClass::Json)) => {
                    let ty = match media.get("schema") {
                        Some(schema) => {
                            let hint = if is_success {
                                format!("{builder_name}Response")
                            } else {
                                format!("{builder_name}Error{label}")
                            };
                            self.lower_schema(
                                schema,
                                &join(&ptr, &["content", media_type, "schema"]),
                                &hint,
                                None,
                            )
                        }
                        None => TypeRef::Any,
                    };
                    ResponseBody::Json(ty)
                }
                Some((media_type, _, MediaClass::Text)) => ResponseBody::Text {
                    media_type: media_type.to_owned(),
                },
                Some((media_type, _, _)) => ResponseBody::Binary {
                    media_type: media_type.to_owned(),
                },
            };
            if is_success {
                if success_docs.description.is_none() {
                    success_docs.description = response
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
                let docs = Docs {
                    description: response
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    ..Docs::default()
                };
                successes.push((status_match, body, docs));
            } else {
                let body = match body.ty().map(TypeRef::non_null) {
                    Some(TypeRef::Named(id)) => {
                        self.error_types.insert(*id);
                        Some(*id)
                    }
                    _ => None,
                };
                errors.push(ErrorResponse {
                    status: status_match,
                    body,
                });
            }
        }
        (
            SuccessResponse {
                body: self.success_body(successes, builder_name, builder_names),
                docs: success_docs,
            },
            errors,
        )
    }
}

impl Lowerer<'_> {
    /// One result type for the success statuses: their common body; `Option<T>` when some
    /// statuses have a JSON body and the others none (an empty body reads as `None`); else an
    /// enum with a variant per status.
    fn success_body(
        &mut self,
        mut successes: Vec<(StatusMatch, ResponseBody, Docs)>,
        builder_name: &str,
        builder_names: &mut Scope,
    ) -> ResponseBody {
        let mut distinct: Vec<&ResponseBody> = Vec::new();
        for (_, body, _) in &successes {
            if !distinct.contains(&body) {
                distinct.push(body);
            }
        }
        match distinct.as_slice() {
            [] => return ResponseBody::Empty,
            [single] => return (*single).clone(),
            [ResponseBody::Empty, ResponseBody::Json(ty)]
            | [ResponseBody::Json(ty), ResponseBody::Empty] => {
                return match ty {
                    TypeRef::Nullable(_) | TypeRef::Any => ResponseBody::Json(ty.clone()),
                    ty => ResponseBody::Json(TypeRef::Nullable(Box::new(ty.clone()))),
                };
            }
            _ => {}
        }
        successes.sort_by_key(|(status, _, _)| *status);
        let mut names = Scope::new();
        let variants = successes
            .into_iter()
            .map(|(status, body, docs)| StatusVariant {
                rust_name: names.claim_camel(&status_variant_name(status)),
                status,
                body,
                docs,
            })
            .collect();
        ResponseBody::PerStatus(StatusEnum {
            rust_name: builder_names.claim_camel(&format!("{builder_name}Response")),
            variants,
            other: names.claim_camel("Other"),
        })
    }
}

/// `Ok` for 200, `Created` for 201 ...: the reason phrase of the common success statuses.
fn status_variant_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".to_owned(),
        StatusMatch::Code(201) => "Created".to_owned(),
        StatusMatch::Code(202) => "Accepted".to_owned(),
        StatusMatch::Code(203) => "NonAuthoritative".to_owned(),
        StatusMatch::Code(204) => "NoContent".to_owned(),
        StatusMatch::Code(205) => "ResetContent".to_owned(),
        StatusMatch::Code(206) => "PartialContent".to_owned(),
        StatusMatch::Code(code) => format!("Status{code}"),
        StatusMatch::Range(digit) => format!("Status{digit}xx"),
        StatusMatch::Default => "Default".to_owned(),
    }
}

struct OperationContext<'a, 'd> {
    path: &'a str,
    method: HttpMethod,
    item: &'d Map<String, Value>,
    item_ptr: &'a str,
    op: &'d Map<String, Value>,
    ptr: &'a str,
}

/// `` `body` `` for a value that was given, `nothing` for one that was not.
fn found(value: Option<&str>) -> String {
    value.map_or_else(|| "nothing".to_owned(), |v| format!("`{v}`"))
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "headers",
        ParamLocation::Cookie => "cookies",
    }
}

fn parse_status(status: &str) -> Option<StatusMatch> {
    if status == "default" {
        return Some(StatusMatch::Default);
    }
    let bytes = status.as_bytes();
    if bytes.len() == 3 && bytes[0].is_ascii_digit() && matches!(&bytes[1..], b"XX" | b"xx") {
        return Some(StatusMatch::Range(u16::from(bytes[0] - b'0')));
    }
    status
        .parse::<u16>()
        .ok()
        .filter(|code| (100..=599).contains(code))
        .map(StatusMatch::Code)
}

/// A method name for an operation without `operationId`: the method and the path's words,
/// with parameters as `by_<name>` (`GET /pets/{id}` → `get_pets_by_id`).
fn derived_operation_name(method: HttpMethod, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                words.push("by".to_owned());
                words.push(param.to_owned());
            }
            None => words.push(segment.to_owned()),
        }
    }
    naming::snake(&words.join(" "), "operation")
}

/// Decodes `%XX` escapes in a `$ref` fragment (URI fragments may be percent-encoded).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What kind of content a media type holds, for choosing how to encode or decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaClass {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

fn classify(media_type: &str) -> MediaClass {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "json" {
        MediaClass::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaClass::Form
    } else if essence.starts_with("multipart/") {
        MediaClass::Multipart
    } else if essence.starts_with("text/") || essence.ends_with("/xml") || essence.ends_with("+xml")
    {
        MediaClass::Text
    } else {
        MediaClass::Binary
    }
}

/// The first media type of `content` in the order of `preference`, by class.
fn pick_media<'c>(
    content: &'c Map<String, Value>,
    preference: &[MediaClass],
) -> Option<(&'c str, &'c Value, MediaClass)> {
    preference.iter().find_map(|wanted| {
        content
            .iter()
            .find(|(media_type, _)| classify(media_type) == *wanted)
            .map(|(media_type, media)| (media_type.as_str(), media, *wanted))
    })
}
