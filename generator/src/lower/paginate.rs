//! Cursor pagination: which list operations can be walked page by page.
//!
//! An operation is paginated when it takes an optional string query parameter that names the
//! page to fetch (the cursor) and answers with an object holding a list of items and the way
//! to the next page. Two ways are known:
//!
//! - **next cursor**: a string field of the page is the next cursor (`next`), absent or
//!   `null` on the last page;
//! - **last item**: while a boolean field (`has_more`) is true, the next cursor is the `id` of
//!   the page's last item (Stripe's `starting_after`, OpenAI's `after`).
//!
//! By default they are recognised by names: a `limit` query parameter with `cursor` (next
//! cursor) or with `starting_after` / `after` (last item), a `next` or `has_more` field, and
//! exactly one list field. A document states other names with `x-oagen-pagination` at its
//! root (for every operation) or on an operation: `cursor` (parameter), `next` or `has_more`
//! (field), `items` (field) and `id` (field of an item); `false` on an operation turns it off.
//! When names are stated and do not match, a warning says why.

use serde_json::Value;

use super::{Lowerer, OperationContext};
use crate::diag::join;
use crate::ir::{
    Field, NextCursor, PageField, Pagination, Param, ParamLocation, Presence, ResponseBody, Scalar,
    TypeKind, TypeRef,
};

const EXTENSION: &str = "x-oagen-pagination";
const KEYS: [&str; 5] = ["cursor", "next", "has_more", "items", "id"];

/// The names to look for.
struct Convention<'d> {
    cursor: &'d str,
    way: Way<'d>,
    items: Option<&'d str>,
}

enum Way<'d> {
    Next(&'d str),
    LastItem { has_more: &'d str, id: &'d str },
}

impl<'d> Lowerer<'d> {
    pub(super) fn pagination(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &[Param],
        response: &ResponseBody,
    ) -> Option<Pagination> {
        match self.stated_convention(cx) {
            Stated::Off => None,
            Stated::Names(convention, ptr) => {
                match self.match_convention(&convention, params, response) {
                    Ok(pagination) => Some(pagination),
                    Err(why) => {
                        self.diags.warning(
                            ptr,
                            format!("{why}; no pagination helper is generated for this operation"),
                        );
                        None
                    }
                }
            }
            // The defaults apply only with a `limit` beside the cursor, and silently.
            Stated::Nothing => {
                let has_limit = params
                    .iter()
                    .any(|p| p.location == ParamLocation::Query && p.wire_name == "limit");
                if !has_limit {
                    return None;
                }
                [
                    ("cursor", Way::Next("next")),
                    (
                        "starting_after",
                        Way::LastItem {
                            has_more: "has_more",
                            id: "id",
                        },
                    ),
                    (
                        "after",
                        Way::LastItem {
                            has_more: "has_more",
                            id: "id",
                        },
                    ),
                ]
                .into_iter()
                .find_map(|(cursor, way)| {
                    let convention = Convention {
                        cursor,
                        way,
                        items: None,
                    };
                    self.match_convention(&convention, params, response).ok()
                })
            }
        }
    }

    fn match_convention(
        &self,
        convention: &Convention<'_>,
        params: &[Param],
        response: &ResponseBody,
    ) -> Result<Pagination, String> {
        let cursor_param = params
            .iter()
            .position(|p| {
                p.location == ParamLocation::Query
                    && p.wire_name == convention.cursor
                    && p.presence == Presence::Optional
                    && p.ty == TypeRef::Scalar(Scalar::String)
            })
            .ok_or_else(|| {
                format!(
                    "the operation has no optional string query parameter `{}`",
                    convention.cursor
                )
            })?;
        let ResponseBody::Json(page) = response else {
            return Err("the operation's success response is not one JSON object".to_owned());
        };
        let fields = self
            .struct_fields(page)
            .ok_or("the operation's success response is not an object")?;

        let is_list = |f: &&Field| matches!(f.ty.non_null(), TypeRef::Array(_));
        let lists: Vec<&Field> = fields
            .iter()
            .filter(is_list)
            .filter(|f| convention.items.is_none_or(|name| f.wire_name == name))
            .collect();
        let [items] = lists.as_slice() else {
            return Err(match convention.items {
                Some(name) => format!("the response has no list field `{name}`"),
                None => "the response does not have exactly one list field; name the items \
                         field with `items`"
                    .to_owned(),
            });
        };

        let next = match convention.way {
            Way::Next(name) => NextCursor::Field(page_field(
                find(fields, name, &TypeRef::Scalar(Scalar::String))
                    .ok_or_else(|| format!("the response has no string field `{name}`"))?,
            )),
            Way::LastItem { has_more, id } => {
                let has_more = find(fields, has_more, &TypeRef::Scalar(Scalar::Bool))
                    .ok_or_else(|| format!("the response has no boolean field `{has_more}`"))?;
                let TypeRef::Array(item) = items.ty.non_null() else {
                    return Err("the items field is not a list".to_owned());
                };
                let item_fields = self
                    .struct_fields(item)
                    .ok_or("the items are not objects")?;
                let id = find(item_fields, id, &TypeRef::Scalar(Scalar::String))
                    .ok_or_else(|| format!("the items have no string field `{id}`"))?;
                NextCursor::LastItem {
                    has_more: page_field(has_more),
                    id: page_field(id),
                }
            }
        };
        Ok(Pagination {
            cursor_param,
            next,
            items: page_field(items),
        })
    }

    /// What the document says for this operation.
    fn stated_convention(&mut self, cx: &OperationContext<'_, 'd>) -> Stated<'d> {
        let root = self.root;
        let stated = [
            (cx.op.get(EXTENSION), join(cx.ptr, &[EXTENSION])),
            (root.get(EXTENSION), join("#", &[EXTENSION])),
        ]
        .into_iter()
        .find_map(|(value, ptr)| value.map(|value| (value, ptr)));
        let Some((value, ptr)) = stated else {
            return Stated::Nothing;
        };
        match value {
            Value::Bool(false) => Stated::Off,
            Value::Object(names) => {
                for (key, value) in names {
                    if !KEYS.contains(&key.as_str()) || !value.is_string() {
                        self.diags.warning(
                            join(&ptr, &[key]),
                            format!(
                                "`{EXTENSION}` takes the string keys `cursor`, `next`, \
                                 `has_more`, `items` and `id`; `{key}` is ignored"
                            ),
                        );
                    }
                }
                let name = |key: &str| names.get(key).and_then(Value::as_str);
                let way = match name("has_more") {
                    Some(has_more) => Way::LastItem {
                        has_more,
                        id: name("id").unwrap_or("id"),
                    },
                    None => Way::Next(name("next").unwrap_or("next")),
                };
                Stated::Names(
                    Convention {
                        cursor: name("cursor").unwrap_or("cursor"),
                        way,
                        items: name("items"),
                    },
                    ptr,
                )
            }
            other => {
                self.diags.warning(
                    ptr,
                    format!(
                        "`{EXTENSION}` must be an object (`cursor`, `next`, `has_more`, \
                         `items`, `id`) or `false`, found {}",
                        crate::load::describe(other)
                    ),
                );
                Stated::Off
            }
        }
    }

    /// The fields of the struct a type names, through aliases.
    fn struct_fields<'t>(&'t self, ty: &'t TypeRef) -> Option<&'t [Field]> {
        let TypeRef::Named(id) = self.through_aliases(ty) else {
            return None;
        };
        match &self.types.get(id.0)?.def.as_ref()?.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        }
    }
}

enum Stated<'d> {
    Nothing,
    Off,
    /// Names stated at this pointer.
    Names(Convention<'d>, String),
}

/// The field with this wire name whose value (`null` aside) has this type.
fn find<'f>(fields: &'f [Field], wire_name: &str, ty: &TypeRef) -> Option<&'f Field> {
    fields
        .iter()
        .find(|f| f.wire_name == wire_name && f.ty.non_null() == ty)
}

fn page_field(field: &Field) -> PageField {
    PageField {
        rust_name: field.rust_name.clone(),
        wire_name: field.wire_name.clone(),
        depth: u8::from(field.presence == Presence::Optional)
            + u8::from(matches!(field.ty, TypeRef::Nullable(_))),
    }
}
