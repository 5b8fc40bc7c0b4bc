//! Request bodies and responses: which media type is used, the body's type, the success
//! result (one type, `Option<T>`, or an enum by status) and the error bodies.

use serde_json::{Map, Value};

use super::Lowerer;
use super::operations::OperationContext;
use crate::diag::join;
use crate::ir::{
    BodyKind, Docs, ErrorResponse, Presence, RequestBody, ResponseBody, ResponseHeader, StatusEnum,
    StatusMatch, StatusVariant, SuccessResponse, TypeRef,
};
use crate::naming::{self, Scope};

impl<'d> Lowerer<'d> {
    pub(super) fn lower_body(
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
            MediaClass::Text | MediaClass::EventStream => BodyKind::Text,
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

    pub(super) fn lower_responses(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        builder_name: &str,
        builder_names: &mut Scope,
    ) -> (SuccessResponse, Vec<ErrorResponse>) {
        let mut successes: Vec<(StatusMatch, ResponseBody, Docs)> = Vec::new();
        let mut success_docs = Docs::default();
        let mut headers = Vec::new();
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
            if status == "$ref" && self.broken_in_place(&join(&responses_ptr, &[status])) {
                continue;
            }
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
                headers.extend(self.response_headers(status_match, response));
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
                headers,
            },
            errors,
        )
    }
}

impl Lowerer<'_> {
    /// The headers a response declares, in the document's order. A header given by a local
    /// `$ref` is read where it points; one that cannot be read keeps its name only (the
    /// reference itself is reported where references are checked).
    fn response_headers(&self, status: StatusMatch, response: &Value) -> Vec<ResponseHeader> {
        let Some(headers) = response.get("headers").and_then(Value::as_object) else {
            return Vec::new();
        };
        headers
            .iter()
            .map(|(name, header)| {
                let header = header
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                    .and_then(|pointer| self.root.pointer(pointer))
                    .unwrap_or(header);
                ResponseHeader {
                    status,
                    wire_name: name.clone(),
                    required: header.get("required").and_then(Value::as_bool) == Some(true),
                    description: header
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                }
            })
            .collect()
    }

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

/// What kind of content a media type holds, for choosing how to encode or decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaClass {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
    /// `text/event-stream`: never read whole, see `stream.rs`.
    EventStream,
}

fn classify(media_type: &str) -> MediaClass {
    if super::stream::is_event_stream(media_type) {
        return MediaClass::EventStream;
    }
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
pub(super) fn pick_media<'c>(
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
