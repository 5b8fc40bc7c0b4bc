//! swagger2: a Swagger 2.0 document → the OpenAPI 3.0 value `lower` reads, with a record
//! ([`Moves`]) of where each part came from, so that every diagnostic names its place in
//! the original (`#/definitions/Pet/...`, not `#/components/schemas/Pet/...`).
//!
//! What moves: `definitions` → `components/schemas` (and every `$ref` to them);
//! `securityDefinitions` → `components/securitySchemes` (basic, apiKey, oauth2 with its four
//! flows); `host` + `basePath` + `schemes` → `servers`; `x-ms-paths` → more `paths`. In each
//! operation: path-level parameters are merged in; references to the root's `parameters`
//! and `responses` are copied in place (their media types depend on the operation's
//! `consumes`/`produces`); the `body` parameter → `requestBody` (one entry per media type
//! the operation consumes, JSON when it says none); `formData` parameters → one object
//! schema of a form body (multipart when the operation consumes `multipart/form-data` or a
//! parameter is a `file`, else urlencoded); other parameters keep their place with their
//! type keywords moved into `schema` and `collectionFormat` read as `style`/`explode`
//! (`x-example` → `example`); a response's `schema` → one `content` entry per media type
//! the operation produces (with its `examples`); Azure's `x-ms-pageable` → the stated
//! pagination `x-oagen-pagination`. Schemas are read by `schema.rs`.

mod operation;
mod schema;

use serde_json::{Map, Value};

use crate::bundle::Moves;
use crate::diag::{Diagnostics, join};

/// Whether the document says it is Swagger 2.0 (any `swagger` field: a wrong value is
/// reported by [`translate`]).
pub fn is_swagger2(root: &Value) -> bool {
    root.get("swagger").is_some()
}

/// Translates a Swagger 2.0 document. `None` (with an error) when its `swagger` field is not
/// `"2.0"`.
pub fn translate(root: &Value, diags: &mut Diagnostics) -> Option<(Value, Moves)> {
    let object = root.as_object()?;
    match object.get("swagger") {
        Some(Value::String(version)) if version == "2.0" => {}
        Some(other) => {
            diags.error(
                "#/swagger",
                format!(
                    "`swagger` must be \"2.0\" (the only Swagger version), found {}",
                    crate::parse::describe(other)
                ),
            );
            return None;
        }
        None => return None,
    }
    let mut translator = Translator {
        root: object,
        moves: Moves::default(),
        diags,
    };
    let translated = translator.document();
    Some((Value::Object(translated), translator.moves))
}

/// Root keys carried over unchanged.
const KEPT_ROOT_KEYS: &[&str] = &["info", "tags", "security", "externalDocs"];

struct Translator<'a> {
    root: &'a Map<String, Value>,
    moves: Moves,
    diags: &'a mut Diagnostics,
}

impl Translator<'_> {
    fn document(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("openapi".to_owned(), Value::from("3.0.3"));
        for key in KEPT_ROOT_KEYS {
            if let Some(value) = self.root.get(*key) {
                out.insert((*key).to_owned(), value.clone());
            }
        }
        if let Some(servers) = self.servers() {
            out.insert("servers".to_owned(), servers);
            self.moves.record("#/servers", "#/host");
        }
        if let Some(paths) = self.paths() {
            out.insert("paths".to_owned(), paths);
        }
        let components = self.components();
        if !components.is_empty() {
            out.insert("components".to_owned(), Value::Object(components));
        }
        for (key, value) in self.root {
            if key.starts_with("x-") && key != "x-ms-paths" {
                out.insert(key.clone(), value.clone());
            }
        }
        out
    }

    /// `schemes` × `host` + `basePath`. Without `host`, the base path alone (relative to
    /// wherever the client is pointed); without either, no server.
    fn servers(&self) -> Option<Value> {
        let host = self.root.get("host").and_then(Value::as_str);
        let base = self
            .root
            .get("basePath")
            .and_then(Value::as_str)
            .unwrap_or("");
        let base = base.trim_end_matches('/');
        let Some(host) = host else {
            return (!base.is_empty()).then(|| serde_json::json!([{ "url": base }]));
        };
        let schemes: Vec<&str> = self
            .root
            .get("schemes")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // The document does not say: the scheme it was served with, most likely https.
        let mut schemes: Vec<&str> = schemes
            .into_iter()
            .filter(|s| matches!(*s, "https" | "http"))
            .collect();
        if schemes.is_empty() {
            schemes.push("https");
        }
        // https first: the client's default server is the first.
        schemes.sort_by_key(|s| *s != "https");
        let servers = schemes
            .into_iter()
            .map(|scheme| serde_json::json!({ "url": format!("{scheme}://{host}{base}") }))
            .collect();
        Some(Value::Array(servers))
    }

    fn components(&mut self) -> Map<String, Value> {
        let mut components = Map::new();
        let mut schemas = Map::new();
        if let Some(Value::Object(definitions)) = self.root.get("definitions") {
            for (name, definition) in definitions {
                schemas.insert(name.clone(), schema::schema(definition));
                self.moves.record(
                    &join("#/components/schemas", &[name]),
                    &join("#/definitions", &[name]),
                );
            }
        }
        // Schemas the bundler brought from other files.
        if let Some(Value::Object(bundled)) =
            self.root.get("components").and_then(|c| c.get("schemas"))
        {
            for (name, bundled) in bundled {
                schemas.insert(name.clone(), schema::schema(bundled));
            }
        }
        if !schemas.is_empty() {
            components.insert("schemas".to_owned(), Value::Object(schemas));
        }
        if let Some(Value::Object(definitions)) = self.root.get("securityDefinitions") {
            let mut schemes = Map::new();
            for (name, definition) in definitions {
                let ptr = join("#/securityDefinitions", &[name]);
                self.moves
                    .record(&join("#/components/securitySchemes", &[name]), &ptr);
                if let Some(scheme) = self.security_scheme(definition, &ptr) {
                    schemes.insert(name.clone(), scheme);
                }
            }
            components.insert("securitySchemes".to_owned(), Value::Object(schemes));
        }
        components
    }

    fn security_scheme(&mut self, definition: &Value, ptr: &str) -> Option<Value> {
        let object = definition.as_object()?;
        let mut out = Map::new();
        if let Some(description) = object.get("description") {
            out.insert("description".to_owned(), description.clone());
        }
        match object.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".to_owned(), Value::from("http"));
                out.insert("scheme".to_owned(), Value::from("basic"));
            }
            Some("apiKey") => {
                out.insert("type".to_owned(), Value::from("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = object.get(key) {
                        out.insert(key.to_owned(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                let flow = match object.get("flow").and_then(Value::as_str) {
                    Some("implicit") => "implicit",
                    Some("password") => "password",
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    _ => {
                        self.diags.warning(
                            join(ptr, &["flow"]),
                            "an oauth2 scheme needs `flow`: implicit, password, application or accessCode; read as application",
                        );
                        "clientCredentials"
                    }
                };
                let mut flow_object = Map::new();
                for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                    if let Some(value) = object.get(key) {
                        flow_object.insert(key.to_owned(), value.clone());
                    }
                }
                flow_object
                    .entry("scopes")
                    .or_insert_with(|| Value::Object(Map::new()));
                let mut flows = Map::new();
                flows.insert(flow.to_owned(), Value::Object(flow_object));
                out.insert("type".to_owned(), Value::from("oauth2"));
                out.insert("flows".to_owned(), Value::Object(flows));
            }
            _ => {
                // Left as written: `lower` reports the scheme it does not know.
                return Some(definition.clone());
            }
        }
        Some(Value::Object(out))
    }

    /// `paths`, then the entries of Azure's `x-ms-paths` (paths that differ only in their
    /// query string) whose keys are not in `paths`.
    fn paths(&mut self) -> Option<Value> {
        let paths = self.root.get("paths");
        let ms_paths = self.root.get("x-ms-paths").and_then(Value::as_object);
        let mut out = Map::new();
        match paths {
            Some(Value::Object(paths)) => {
                for (path, item) in paths {
                    let ptr = join("#/paths", &[path]);
                    out.insert(path.clone(), self.path_item(item, &ptr, &ptr));
                }
            }
            // Not an object: left as it is, for `load` to report.
            Some(other) if ms_paths.is_none() => return Some(other.clone()),
            _ => {}
        }
        for (path, item) in ms_paths.into_iter().flatten() {
            let from = join("#/x-ms-paths", &[path]);
            if out.contains_key(path) {
                self.diags.warning(
                    from,
                    "this path is also in `paths`; the one in `paths` is used",
                );
                continue;
            }
            let to = join("#/paths", &[path]);
            self.moves.record(&to, &from);
            out.insert(path.clone(), self.path_item(item, &from, &to));
        }
        (paths.is_some() || ms_paths.is_some()).then_some(Value::Object(out))
    }
}
