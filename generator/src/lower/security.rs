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
                        notes: self.oauth_flows(scheme, &ptr),
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

    /// An OAuth 2 scheme's flows, one line each for the credential's documentation: the
    /// client sends the access token the user obtained (`Authorization: Bearer`), so the
    /// flows say where to obtain one. OpenAPI 3.2's device authorization flow is read in a
    /// 3.2 document (reported in an earlier one); a flow without the URLs it needs is a
    /// warning.
    fn oauth_flows(&mut self, scheme: &Value, ptr: &str) -> Vec<String> {
        let is_oauth = scheme.get("type").and_then(Value::as_str) == Some("oauth2");
        let Some(flows) = scheme
            .get("flows")
            .and_then(Value::as_object)
            .filter(|_| is_oauth)
        else {
            return Vec::new();
        };
        let mut notes = Vec::new();
        for (name, flow) in flows {
            let flow_ptr = join(ptr, &["flows", name]);
            let (title, needs): (&str, &[&str]) = match name.as_str() {
                "implicit" => ("implicit", &["authorizationUrl"]),
                "password" => ("resource owner password", &["tokenUrl"]),
                "clientCredentials" => ("client credentials", &["tokenUrl"]),
                "authorizationCode" => ("authorization code", &["authorizationUrl", "tokenUrl"]),
                "deviceAuthorization" => {
                    if !self.reads_3_2(&flow_ptr, "the OAuth 2 `deviceAuthorization` flow") {
                        continue;
                    }
                    (
                        "device authorization",
                        &["deviceAuthorizationUrl", "tokenUrl"],
                    )
                }
                _ if name.starts_with("x-") => continue,
                _ => {
                    self.diags.warning(
                        &flow_ptr,
                        format!("`{name}` is not an OAuth 2 flow of OpenAPI; it is not read"),
                    );
                    continue;
                }
            };
            let text = |key: &str| flow.get(key).and_then(Value::as_str);
            let missing: Vec<&str> = needs
                .iter()
                .copied()
                .filter(|k| text(k).is_none())
                .collect();
            if !missing.is_empty() {
                self.diags.warning(
                    &flow_ptr,
                    format!("the OAuth 2 {title} flow needs `{}`", missing.join("`, `")),
                );
            }
            let mut line = format!("OAuth 2 {title} flow");
            let urls = [
                ("deviceAuthorizationUrl", "device authorization"),
                ("authorizationUrl", "authorization"),
                ("tokenUrl", "token"),
                ("refreshUrl", "refresh"),
            ];
            let places: Vec<String> = urls
                .iter()
                .filter_map(|(key, what)| {
                    text(key).map(|url| format!("{what} at `{}`", url.replace('`', "'")))
                })
                .collect();
            if !places.is_empty() {
                line.push_str(": ");
                line.push_str(&places.join(", "));
            }
            if let Some(scopes) = flow.get("scopes").and_then(Value::as_object) {
                if !scopes.is_empty() {
                    let names: Vec<String> = scopes
                        .keys()
                        .map(|s| format!("`{}`", s.replace('`', "'")))
                        .collect();
                    line.push_str(&format!("; scopes {}", names.join(", ")));
                }
            }
            line.push('.');
            notes.push(line);
        }
        notes
    }
}
