//! OpenAPI 3.2's `in: querystring` parameters: one value that is the whole query string,
//! described by `content`, whose one media type says how it is written (a form's pairs,
//! JSON text, or text). An operation has at most one, and none beside `in: query`
//! parameters; both rules are checked here, each break a located warning.

use serde_json::Value;

use super::Lowerer;
use super::params::param_docs;
use crate::diag::join;
use crate::ir::{
    Param, ParamEncoding, ParamLocation, Presence, QueryStringFormat, Scalar, TypeKind, TypeRef,
};
use crate::naming::{self, Scope};

/// The media type a `querystring` parameter without `content` is read as.
const FORM: &str = "application/x-www-form-urlencoded";

impl<'d> Lowerer<'d> {
    /// The parameter at `ptr`, whose `in` is `querystring`.
    pub(super) fn query_string_param(
        &mut self,
        param: &'d Value,
        ptr: &str,
        wire_name: &str,
        hint: &str,
        presence: Presence,
        names: &mut Scope,
    ) -> Param {
        for key in ["style", "explode", "allowReserved"] {
            if param.get(key).is_some() {
                self.diags.warning(
                    join(ptr, &[key]),
                    format!("`{key}` does not apply to a `querystring` parameter (its `content` says how it is written); it is ignored"),
                );
            }
        }
        let content = param.get("content").and_then(Value::as_object);
        let first = content.and_then(|c| c.iter().next());
        let (media_type, schema, schema_ptr) = match first {
            Some((media_type, entry)) => {
                if content.is_some_and(|c| c.len() > 1) {
                    self.diags.warning(
                        join(ptr, &["content"]),
                        "the `content` of a parameter has one media type; only the first is read",
                    );
                }
                (
                    media_type.as_str(),
                    entry.get("schema"),
                    join(ptr, &["content", media_type, "schema"]),
                )
            }
            None => {
                self.diags.warning(
                    ptr,
                    format!("a `querystring` parameter is described by `content` (one media type); without it, `{wire_name}` is read as `{FORM}`"),
                );
                (FORM, param.get("schema"), join(ptr, &["schema"]))
            }
        };
        let mut format = format_of(media_type);
        let ty = match schema {
            Some(schema) => self.lower_schema(schema, &schema_ptr, hint, None),
            None => match format {
                QueryStringFormat::Form => TypeRef::Map(Box::new(TypeRef::Scalar(Scalar::String))),
                QueryStringFormat::Json => TypeRef::Any,
                QueryStringFormat::Text => TypeRef::Scalar(Scalar::String),
            },
        };
        let ty = ty.non_null().clone();
        // A form whose schema is not an object is text already written as a form.
        if format == QueryStringFormat::Form && !self.is_object_like(&ty) {
            format = QueryStringFormat::Text;
        }
        let mut docs = param_docs(param);
        docs.notes
            .push(format!("Sent as the whole query string (`{media_type}`)."));
        Param {
            rust_name: names.claim_snake(&naming::snake(wire_name, "param")),
            wire_name: wire_name.to_owned(),
            location: ParamLocation::QueryString,
            ty,
            presence,
            encoding: ParamEncoding::QueryString(format),
            docs,
        }
    }

    /// OpenAPI 3.2: one `querystring` parameter at most (the others are left out), and none
    /// beside `in: query` parameters (both are sent, the query parameters after the query
    /// string). `op_ptr` is the operation's pointer.
    pub(super) fn check_query_string(&mut self, params: &mut Vec<Param>, op_ptr: &str) {
        let mut whole = params
            .iter()
            .filter(|p| p.location == ParamLocation::QueryString)
            .map(|p| p.wire_name.clone());
        let Some(first) = whole.next() else {
            return;
        };
        let extra: Vec<String> = whole.collect();
        if !extra.is_empty() {
            self.diags.warning(
                op_ptr,
                format!(
                    "an operation has at most one `querystring` parameter; `{first}` is read and {} left out",
                    quoted(&extra)
                ),
            );
            let mut seen = false;
            params.retain(|p| {
                let keep = p.location != ParamLocation::QueryString || !seen;
                seen |= p.location == ParamLocation::QueryString;
                keep
            });
        }
        let query: Vec<String> = params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
            .map(|p| p.wire_name.clone())
            .collect();
        if !query.is_empty() {
            self.diags.warning(
                op_ptr,
                format!(
                    "`in: query` parameters ({}) may not stand beside the `querystring` parameter `{first}`; both are sent, the query parameters after the query string",
                    quoted(&query)
                ),
            );
        }
    }

    /// Whether values of `ty` are JSON objects (or may be), so a form can hold them.
    fn is_object_like(&self, ty: &TypeRef) -> bool {
        match self.through_aliases(ty) {
            TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Any => true,
            TypeRef::Named(id) => matches!(
                self.types[id.0].def.as_ref().map(|d| &d.kind),
                Some(TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Union(_)) | None
            ),
            _ => false,
        }
    }
}

/// How a value of this media type is written as a query string.
fn format_of(media_type: &str) -> QueryStringFormat {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == FORM {
        QueryStringFormat::Form
    } else if essence.ends_with("/json") || essence.ends_with("+json") {
        QueryStringFormat::Json
    } else {
        QueryStringFormat::Text
    }
}

/// `` `a`, `b` ``.
fn quoted(names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_choose_the_format() {
        assert_eq!(format_of(FORM), QueryStringFormat::Form);
        assert_eq!(
            format_of("Application/X-WWW-Form-Urlencoded; charset=utf-8"),
            QueryStringFormat::Form
        );
        assert_eq!(format_of("application/json"), QueryStringFormat::Json);
        assert_eq!(
            format_of("application/vnd.api+json"),
            QueryStringFormat::Json
        );
        assert_eq!(format_of("application/jsonpath"), QueryStringFormat::Text);
        assert_eq!(format_of("text/plain"), QueryStringFormat::Text);
    }
}
