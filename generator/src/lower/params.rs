//! Parameters: path-level and operation-level, merged; how each is written on the wire;
//! the path template cut into literal and parameter parts.

use serde_json::Value;

use super::operations::OperationContext;
use super::{Lowerer, found};
use crate::diag::join;
use crate::ir::{
    Docs, Param, ParamEncoding, ParamLocation, PathPart, Presence, QueryStyle, Scalar, TypeId,
    TypeRef,
};
use crate::load::SpecVersion;
use crate::naming::{self, Scope};

impl<'d> Lowerer<'d> {
    pub(super) fn lower_params(
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
                Some("querystring") if self.version == SpecVersion::V3_2 => {
                    ParamLocation::QueryString
                }
                Some("querystring") => {
                    self.diags.warning_with_help(
                        join(&ptr, &["in"]),
                        format!("`in: querystring` is an OpenAPI 3.2 location; in this document the parameter `{wire_name}` is not read"),
                        "declare `openapi: 3.2.0` if the document is written for 3.2",
                    );
                    continue;
                }
                other => {
                    self.diags.error(
                        join(&ptr, &["in"]),
                        format!(
                            "a parameter must be `in` path, query, querystring, header or cookie, found {}",
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
            // The code's name: the document's client name for it, else the wire name.
            let name = super::client_name(param).unwrap_or(wire_name);
            let hint = format!("{builder_name}{}", naming::camel(name, "Param"));
            if location == ParamLocation::QueryString {
                params
                    .push(self.query_string_param(param, &ptr, wire_name, &hint, presence, names));
                continue;
            }
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
            params.push(Param {
                rust_name: names.claim_snake(&naming::snake(name, "param")),
                wire_name: wire_name.to_owned(),
                location,
                ty,
                presence,
                encoding,
                docs: param_docs(param),
            });
        }
        self.check_query_string(&mut params, cx.ptr);
        usable.then_some(params)
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

    /// Cuts the path template into literal and parameter parts. A path parameter that the
    /// template does not use is dropped from `params` (it could never be sent), with a
    /// warning; a template name with no parameter is an error.
    pub(super) fn path_segments(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &mut Vec<Param>,
    ) -> Option<Vec<Vec<PathPart>>> {
        // A query written into the template (`/things?beta=true`) is not part of the path.
        let path = cx.path.split_once('?').map_or(cx.path, |(path, _)| path);
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let template: Vec<Vec<TemplatePart<'_>>> = if trimmed.is_empty() {
            Vec::new()
        } else {
            trimmed.split('/').map(template_parts).collect()
        };
        params.retain(|param| {
            let used = param.location != ParamLocation::Path
                || template
                    .iter()
                    .flatten()
                    .any(|part| *part == TemplatePart::Param(&param.wire_name));
            if !used {
                self.diags.warning(
                    cx.ptr,
                    format!(
                        "path parameter `{}` does not appear in the path `{}`; it is left out of the method's arguments",
                        param.wire_name, cx.path
                    ),
                );
            }
            used
        });
        let mut ok = true;
        let mut segments = Vec::with_capacity(template.len());
        for raw in template {
            let mut parts = Vec::with_capacity(raw.len());
            for part in raw {
                match part {
                    TemplatePart::Literal(text) => parts.push(PathPart::Literal(text.to_owned())),
                    TemplatePart::Param(name) => match params
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
                    },
                }
            }
            segments.push(parts);
        }
        ok.then_some(segments)
    }
}

/// A piece of one segment of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemplatePart<'p> {
    Literal(&'p str),
    Param(&'p str),
}

/// The pieces of one path segment: `{id}.json` → `Param(id)`, `Literal(.json)`. A segment
/// always has at least one piece (an empty literal for an empty segment).
fn template_parts(raw: &str) -> Vec<TemplatePart<'_>> {
    let mut parts = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        if open > 0 {
            parts.push(TemplatePart::Literal(&rest[..open]));
        }
        parts.push(TemplatePart::Param(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(TemplatePart::Literal(rest));
    }
    parts
}

/// A parameter's description and deprecation.
pub(super) fn param_docs(param: &Value) -> Docs {
    Docs {
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
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::QueryString => "query string",
        ParamLocation::Header => "headers",
        ParamLocation::Cookie => "cookies",
    }
}
