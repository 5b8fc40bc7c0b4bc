//! Security schemes: `components/securitySchemes` and the API's default requirement.

use serde_json::Value;

use super::{Lowerer, found};
use crate::diag::join;
use crate::ir::{ApiKeyLocation, Docs, SchemeKind, SecurityScheme};
use crate::naming::{self, Scope};

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

impl Lowerer<'_> {
    pub(super) fn security_schemes(&mut self) -> (Vec<SecurityScheme>, Vec<usize>) {
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
}
