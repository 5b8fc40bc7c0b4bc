//! Cursor pagination: which list operations can be walked page by page.
//!
//! An operation is paginated when it takes a string query parameter that names the page to
//! fetch (the cursor) and answers with an object that holds the next page's cursor and a list
//! of items. By default this is recognised by names: a `cursor` and a `limit` query
//! parameter, and a response with a `next` field and exactly one list field. A document
//! states other names with an `x-oagen-pagination` object at its root (for every operation)
//! or on an operation, whose keys are `cursor` (parameter), `next` (field) and `items`
//! (field); `x-oagen-pagination: false` on an operation turns it off. When the names are
//! stated and do not match, a warning says why.

use serde_json::Value;

use super::{Lowerer, OperationContext};
use crate::diag::join;
use crate::ir::{
    Field, Pagination, Param, ParamLocation, Presence, ResponseBody, Scalar, TypeKind, TypeRef,
};

const EXTENSION: &str = "x-oagen-pagination";

/// The names to look for, and whether they were stated (so a mismatch is worth a warning).
struct Convention<'d> {
    cursor: &'d str,
    next: &'d str,
    items: Option<&'d str>,
    /// Where the names were stated; `None` for the defaults.
    stated_at: Option<String>,
}

impl<'d> Lowerer<'d> {
    pub(super) fn pagination(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &[Param],
        response: &ResponseBody,
    ) -> Option<Pagination> {
        let convention = self.convention(cx)?;
        let mismatch = |lowerer: &mut Self, message: String| {
            if let Some(ptr) = &convention.stated_at {
                lowerer.diags.warning(
                    ptr.clone(),
                    format!("{message}; no pagination helper is generated for this operation"),
                );
            }
            None
        };

        let cursor_param = params.iter().position(|p| {
            p.location == ParamLocation::Query
                && p.wire_name == convention.cursor
                && p.presence == Presence::Optional
                && p.ty == TypeRef::Scalar(Scalar::String)
        });
        let Some(cursor_param) = cursor_param else {
            return mismatch(
                self,
                format!(
                    "the operation has no optional string query parameter `{}`",
                    convention.cursor
                ),
            );
        };
        if convention.stated_at.is_none()
            && !params
                .iter()
                .any(|p| p.location == ParamLocation::Query && p.wire_name == "limit")
        {
            return None;
        }

        let ResponseBody::Json(page) = response else {
            return mismatch(
                self,
                "the operation's success response is not one JSON object".to_owned(),
            );
        };
        let Some(fields) = self.struct_fields(page) else {
            return mismatch(
                self,
                "the operation's success response is not an object".to_owned(),
            );
        };

        let next = fields.iter().find(|f| {
            f.wire_name == convention.next && *f.ty.non_null() == TypeRef::Scalar(Scalar::String)
        });
        let Some(next) = next else {
            return mismatch(
                self,
                format!(
                    "the response has no string field `{}` for the next page's cursor",
                    convention.next
                ),
            );
        };
        let is_list = |f: &&Field| matches!(f.ty.non_null(), TypeRef::Array(_));
        let items: Vec<&Field> = match convention.items {
            Some(name) => fields
                .iter()
                .filter(is_list)
                .filter(|f| f.wire_name == name)
                .collect(),
            None => fields.iter().filter(is_list).collect(),
        };
        let [items] = items.as_slice() else {
            return mismatch(
                self,
                match convention.items {
                    Some(name) => format!("the response has no list field `{name}`"),
                    None => "the response does not have exactly one list field; name the \
                             items field with `items`"
                        .to_owned(),
                },
            );
        };

        Some(Pagination {
            cursor_param,
            next_field: next.rust_name.clone(),
            next_depth: depth(next),
            items_field: items.rust_name.clone(),
            items_depth: depth(items),
        })
    }

    /// The names stated for this operation, or the defaults; `None` when it is turned off or
    /// the extension is malformed (a warning says so).
    fn convention(&mut self, cx: &OperationContext<'_, 'd>) -> Option<Convention<'d>> {
        let root = self.root;
        let stated = [
            (cx.op.get(EXTENSION), join(cx.ptr, &[EXTENSION])),
            (root.get(EXTENSION), join("#", &[EXTENSION])),
        ]
        .into_iter()
        .find_map(|(value, ptr)| value.map(|value| (value, ptr)));
        let Some((value, ptr)) = stated else {
            return Some(Convention {
                cursor: "cursor",
                next: "next",
                items: None,
                stated_at: None,
            });
        };
        match value {
            Value::Bool(false) => None,
            Value::Object(names) => {
                let name = |key: &str| names.get(key).and_then(Value::as_str);
                if let Some(key) = names
                    .iter()
                    .find(|(key, value)| {
                        !matches!(key.as_str(), "cursor" | "next" | "items") || !value.is_string()
                    })
                    .map(|(key, _)| key)
                {
                    self.diags.warning(
                        join(&ptr, &[key]),
                        format!("`{EXTENSION}` takes the string keys `cursor`, `next` and `items`; `{key}` is ignored"),
                    );
                }
                Some(Convention {
                    cursor: name("cursor").unwrap_or("cursor"),
                    next: name("next").unwrap_or("next"),
                    items: name("items"),
                    stated_at: Some(ptr),
                })
            }
            other => {
                self.diags.warning(
                    ptr,
                    format!(
                        "`{EXTENSION}` must be an object (`cursor`, `next`, `items`) or `false`, found {}",
                        crate::load::describe(other)
                    ),
                );
                None
            }
        }
    }

    /// The fields of the struct a type names, through aliases (a bounded walk).
    fn struct_fields(&self, ty: &TypeRef) -> Option<Vec<Field>> {
        let mut ty = ty;
        for _ in 0..=self.types.len() {
            let TypeRef::Named(id) = ty else {
                return None;
            };
            match &self.types.get(id.0)?.def.as_ref()?.kind {
                TypeKind::Struct(s) => return Some(s.fields.clone()),
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            }
        }
        None
    }
}

/// How many `Option`s the field's Rust type has around its value: one for an optional key,
/// one for a nullable value.
fn depth(field: &Field) -> u8 {
    u8::from(field.presence == Presence::Optional)
        + u8::from(matches!(field.ty, TypeRef::Nullable(_)))
}
