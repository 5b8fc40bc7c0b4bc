//! Swagger 2.0 path items and operations → OpenAPI 3.0: parameters, bodies, responses.

use serde_json::{Map, Value, json};

use super::Translator;
use super::schema::{schema, simple_schema};
use crate::diag::join;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const JSON: &str = "application/json";

/// A parameter or response as written (a reference to the root's already followed), and
/// the pointer of where it is written.
type Placed<'a> = (&'a Value, String);

impl<'a> Translator<'a> {
    /// A path item written at `from` in the original, standing at `to` in the translation.
    pub(super) fn path_item(&mut self, item: &'a Value, from: &str, to: &str) -> Value {
        let Some(object) = item.as_object() else {
            return item.clone();
        };
        if object.contains_key("$ref") {
            return item.clone();
        }
        let shared: Vec<Placed<'a>> = match object.get("parameters") {
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    self.follow(p, join(from, &["parameters", &i.to_string()]), "parameters")
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut out = Map::new();
        for (key, value) in object {
            if METHODS.contains(&key.as_str()) {
                let op = self.operation(value, &shared, &join(from, &[key]), &join(to, &[key]));
                out.insert(key.clone(), op);
            } else if key != "parameters" {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// A reference to the root's `parameters` or `responses` (`kind`), followed; anything
    /// else as it is.
    fn follow(&self, value: &'a Value, ptr: String, kind: &str) -> Placed<'a> {
        let target = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.strip_prefix(kind))
            .and_then(|r| r.strip_prefix('/'));
        let Some(name) = target else {
            return (value, ptr);
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        match self.root.get(kind).and_then(|all| all.get(&name)) {
            Some(found) => (found, join(&format!("#/{kind}"), &[&name])),
            None => (value, ptr),
        }
    }

    fn media_types(&self, op: &Map<String, Value>, key: &str) -> Vec<String> {
        op.get(key)
            .or_else(|| self.root.get(key))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn operation(&mut self, op: &'a Value, shared: &[Placed<'a>], from: &str, to: &str) -> Value {
        let Some(object) = op.as_object() else {
            return op.clone();
        };
        let consumes = self.media_types(object, "consumes");
        let produces = self.media_types(object, "produces");
        let own: Vec<Placed<'a>> = match object.get("parameters") {
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    self.follow(p, join(from, &["parameters", &i.to_string()]), "parameters")
                })
                .collect(),
            _ => Vec::new(),
        };
        let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        let mut all: Vec<Placed<'a>> = shared
            .iter()
            .filter(|(p, _)| !own.iter().any(|(o, _)| key(o) == key(p)))
            .cloned()
            .collect();
        all.extend(own);

        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "parameters" | "responses" | "consumes" | "produces" | "schemes" => {}
                "x-ms-pageable" => {
                    if !object.contains_key("x-oagen-pagination") {
                        out.insert("x-oagen-pagination".to_owned(), pageable(value));
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let mut params = Vec::new();
        let mut body: Option<Placed<'a>> = None;
        let mut form: Vec<Placed<'a>> = Vec::new();
        for (param, ptr) in all {
            match param.get("in").and_then(Value::as_str) {
                Some("body") if body.is_some() => {
                    self.diags.warning(
                        ptr,
                        "an operation has at most one `body` parameter; this one is left out",
                    );
                }
                Some("body") => body = Some((param, ptr)),
                Some("formData") => form.push((param, ptr)),
                _ => {
                    let param_to = join(to, &["parameters", &params.len().to_string()]);
                    params.push(self.parameter(param, &ptr, &param_to));
                }
            }
        }
        if !params.is_empty() {
            out.insert("parameters".to_owned(), Value::Array(params));
        }
        let body_to = join(to, &["requestBody"]);
        if let Some((param, ptr)) = body {
            if !form.is_empty() {
                self.diags.warning(
                    &form[0].1,
                    "an operation with a `body` parameter cannot also have `formData` ones; these are left out",
                );
            }
            out.insert(
                "requestBody".to_owned(),
                self.body(param, &ptr, &consumes, &body_to),
            );
        } else if !form.is_empty() {
            out.insert(
                "requestBody".to_owned(),
                self.form(&form, &consumes, &body_to),
            );
        }
        if let Some(Value::Object(responses)) = object.get("responses") {
            let mut translated = Map::new();
            for (code, response) in responses {
                let (response, ptr) =
                    self.follow(response, join(from, &["responses", code]), "responses");
                let response_to = join(to, &["responses", code]);
                translated.insert(
                    code.clone(),
                    self.response(response, &ptr, &produces, &response_to),
                );
            }
            out.insert("responses".to_owned(), Value::Object(translated));
        } else if let Some(other) = object.get("responses") {
            out.insert("responses".to_owned(), other.clone());
        }
        Value::Object(out)
    }

    /// A path, query or header parameter: its type keywords become its `schema`.
    fn parameter(&mut self, param: &Value, from: &str, to: &str) -> Value {
        self.moves.record(to, from);
        let Some(object) = param.as_object() else {
            return param.clone();
        };
        if object.contains_key("$ref") {
            // A reference the bundler could not follow, or to something that is not a root
            // parameter: `lower` reports it.
            return param.clone();
        }
        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "name" | "in" | "description" | "required" | "deprecated" | "allowEmptyValue" => {
                    out.insert(key.clone(), value.clone());
                }
                "x-example" => {
                    out.insert("example".to_owned(), value.clone());
                }
                _ if key.starts_with("x-") && key != "x-ms-enum" && key != "x-nullable" => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        let location = object.get("in").and_then(Value::as_str).unwrap_or("");
        if object.get("type").is_some_and(|t| t == "array") {
            let format = object.get("collectionFormat").and_then(Value::as_str);
            if let Some((style, explode)) = self.style(location, format, from) {
                out.insert("style".to_owned(), Value::from(style));
                out.insert("explode".to_owned(), Value::Bool(explode));
                let written = join(from, &["collectionFormat"]);
                self.moves.record(&join(to, &["style"]), &written);
                self.moves.record(&join(to, &["explode"]), &written);
            }
        }
        out.insert("schema".to_owned(), simple_schema(object));
        self.moves.record(&join(to, &["schema"]), from);
        Value::Object(out)
    }

    /// `collectionFormat` → 3.0's `style` and `explode`. 2.0's default is `csv`, which 3.0
    /// spells `form` without `explode` in a query (whose 3.0 default explodes).
    fn style(
        &mut self,
        location: &str,
        format: Option<&str>,
        from: &str,
    ) -> Option<(&'static str, bool)> {
        let simple = matches!(location, "path" | "header");
        let style = match (format.unwrap_or("csv"), simple) {
            ("csv", true) => ("simple", false),
            ("csv", false) => ("form", false),
            ("multi", false) => ("form", true),
            ("ssv", false) => ("spaceDelimited", false),
            ("pipes", false) => ("pipeDelimited", false),
            (other, _) => {
                self.diags.warning(
                    join(from, &["collectionFormat"]),
                    format!(
                        "`collectionFormat: {other}` is not supported in {location}; the values are sent comma-separated"
                    ),
                );
                if simple {
                    ("simple", false)
                } else {
                    ("form", false)
                }
            }
        };
        Some(style)
    }

    fn body(&mut self, param: &Value, from: &str, consumes: &[String], to: &str) -> Value {
        self.moves.record(to, from);
        let mut out = Map::new();
        for key in ["description", "required"] {
            if let Some(value) = param.get(key) {
                out.insert(key.to_owned(), value.clone());
            }
        }
        let body_schema = param.get("schema").map(schema).unwrap_or_else(|| json!({}));
        let mut types: Vec<&str> = consumes
            .iter()
            .map(String::as_str)
            .filter(|t| *t != FORM && *t != MULTIPART)
            .collect();
        if types.is_empty() {
            types.push(JSON);
        }
        let mut content = Map::new();
        for media_type in types {
            content.insert(media_type.to_owned(), json!({ "schema": body_schema }));
            self.moves.record(
                &join(to, &["content", media_type, "schema"]),
                &join(from, &["schema"]),
            );
        }
        out.insert("content".to_owned(), Value::Object(content));
        Value::Object(out)
    }

    /// `formData` parameters → one object schema, urlencoded or multipart.
    fn form(&mut self, params: &[Placed<'a>], consumes: &[String], to: &str) -> Value {
        let has_file = params
            .iter()
            .any(|(p, _)| p.get("type").is_some_and(|t| t == "file"));
        let media_type = if has_file || consumes.iter().any(|t| t == MULTIPART) {
            MULTIPART
        } else {
            FORM
        };
        let schema_to = join(to, &["content", media_type, "schema"]);
        self.moves.record(to, &params[0].1);
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        for (param, from) in params {
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                self.diags
                    .warning(from, "a `formData` parameter without a `name` is left out");
                continue;
            };
            let Some(object) = param.as_object() else {
                continue;
            };
            let mut property = simple_schema(object);
            if let (Some(description), Some(property)) =
                (object.get("description"), property.as_object_mut())
            {
                property.insert("description".to_owned(), description.clone());
            }
            if object.get("required").is_some_and(|r| r == true) {
                required.push(Value::from(name));
            }
            if object.get("type").is_some_and(|t| t == "array") {
                let format = object.get("collectionFormat").and_then(Value::as_str);
                if let Some((style, explode)) = self.style("formData", format, from) {
                    encoding.insert(
                        name.to_owned(),
                        json!({ "style": style, "explode": explode }),
                    );
                }
            }
            if properties.contains_key(name) {
                self.diags.warning(
                    from,
                    format!("the `formData` parameter `{name}` is declared again; this declaration replaces the earlier one"),
                );
            }
            self.moves
                .record(&join(&schema_to, &["properties", name]), from);
            properties.insert(name.to_owned(), property);
        }
        let mut form_schema = Map::new();
        form_schema.insert("type".to_owned(), Value::from("object"));
        form_schema.insert("properties".to_owned(), Value::Object(properties));
        if !required.is_empty() {
            form_schema.insert("required".to_owned(), Value::Array(required.clone()));
        }
        let mut media = Map::new();
        media.insert("schema".to_owned(), Value::Object(form_schema));
        if !encoding.is_empty() {
            media.insert("encoding".to_owned(), Value::Object(encoding));
        }
        let mut content = Map::new();
        content.insert(media_type.to_owned(), Value::Object(media));
        json!({ "required": !required.is_empty(), "content": content })
    }

    fn response(&mut self, response: &Value, from: &str, produces: &[String], to: &str) -> Value {
        self.moves.record(to, from);
        let Some(object) = response.as_object() else {
            return response.clone();
        };
        if object.contains_key("$ref") {
            return response.clone();
        }
        let mut out = Map::new();
        out.insert(
            "description".to_owned(),
            object
                .get("description")
                .cloned()
                .unwrap_or_else(|| Value::from("")),
        );
        if let Some(Value::Object(headers)) = object.get("headers") {
            let mut translated = Map::new();
            for (name, header) in headers {
                let header_from = join(from, &["headers", name]);
                let header_to = join(to, &["headers", name]);
                self.moves.record(&header_to, &header_from);
                self.moves
                    .record(&join(&header_to, &["schema"]), &header_from);
                let mut out_header = Map::new();
                if let Some(description) = header.get("description") {
                    out_header.insert("description".to_owned(), description.clone());
                }
                let header_schema = header.as_object().map(simple_schema).unwrap_or_default();
                out_header.insert("schema".to_owned(), header_schema);
                translated.insert(name.clone(), Value::Object(out_header));
            }
            out.insert("headers".to_owned(), Value::Object(translated));
        }
        if let Some(response_schema) = object.get("schema") {
            let examples = object.get("examples").and_then(Value::as_object);
            let mut types: Vec<&str> = produces.iter().map(String::as_str).collect();
            if types.is_empty() {
                types.push(JSON);
            }
            let translated = schema(response_schema);
            let mut content = Map::new();
            for media_type in types {
                let mut media = Map::new();
                media.insert("schema".to_owned(), translated.clone());
                self.moves.record(
                    &join(to, &["content", media_type, "schema"]),
                    &join(from, &["schema"]),
                );
                if let Some(example) = examples.and_then(|e| e.get(media_type)) {
                    media.insert("example".to_owned(), example.clone());
                    self.moves.record(
                        &join(to, &["content", media_type, "example"]),
                        &join(from, &["examples", media_type]),
                    );
                }
                content.insert(media_type.to_owned(), Value::Object(media));
            }
            out.insert("content".to_owned(), Value::Object(content));
        }
        for (key, value) in object {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }
}

/// Azure's `x-ms-pageable` → the pagination this generator reads: the next page's URL is
/// the field `nextLinkName` of the page, its items the field `itemName` (`value` unless
/// said). Without a next link, every result is one page.
fn pageable(value: &Value) -> Value {
    let Some(next) = value.get("nextLinkName").and_then(Value::as_str) else {
        return Value::Bool(false);
    };
    let items = value
        .get("itemName")
        .and_then(Value::as_str)
        .unwrap_or("value");
    json!({ "style": "next_url", "next_url": next, "items": items })
}
