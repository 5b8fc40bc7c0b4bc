//! Pagination: which list operations can be walked page by page, and how.
//!
//! A page is the success body: a list, or an object with one list field (the items). The
//! styles, each recognised by default names (checked in this order) or stated with
//! `x-oagen-pagination`:
//!
//! - **next cursor**: a `limit` and an optional string `cursor`, `page_token`, `pageToken` or
//!   `page` query parameter; the page's string field `next`, `next_cursor`, `next_page` or
//!   `next_page_token` is the next cursor, absent or `null` on the last page (dropshot,
//!   Stripe's search, OpenAI's usage);
//! - **last item**: a `limit` and `starting_after` or `after`; while the page's boolean
//!   `has_more` is true, the next cursor is the `id` of its last item (Stripe, OpenAI);
//! - **header cursor**: an optional string `cursor`, `page_token` or `pageToken` query
//!   parameter, and a response header declared with `next` and `cursor` or `token` in its
//!   name (`X-Next-Cursor`), which holds the next cursor;
//! - **next URL**: a string field `next_page_url`, `nextPageUrl`, `next_url`, `nextLink`,
//!   `next_link` or `@odata.nextLink` of the page, or of its `meta`, `links`, `pagination` or
//!   `paging` object, is the next page's URL, followed as it is (Twilio, Azure, Graph);
//! - **link**: the response declares a `Link` header; its `rel="next"` is the next page
//!   (GitHub, RFC 8288);
//! - **page number**: an optional integer `page` query parameter beside a page size
//!   (`per_page`, `page_size`, `pageSize`, `perPage`, `limit`, `size`, `count`); pages
//!   count from 1 (or from the stated `first`);
//! - **offset**: an optional integer `offset` (or `skip`) beside the same page sizes; a `total`, `total_count`, `totalCount` or
//!   `total_results` integer field of the page, if present, ends the walk.
//!
//! A document states names with `x-oagen-pagination` at its root (for every operation) or
//! on an operation: `style` (`cursor`, `header_cursor`, `link`, `next_url`, `page`,
//! `offset`; inferred from the other keys when absent), `cursor`, `next`, `has_more`, `id`,
//! `next_header`, `next_url` (a dotted path: `meta.next_page_url`),
//! `page`, `offset`, `total` and `items`; `false` on an operation turns pagination off.
//! When names are stated and do not match, a warning says why. An operation that looks
//! paginated (a parameter named like a cursor, page or offset) but matches no style gets a
//! note, reported only when asked for (`explain`).

use serde_json::{Map, Value};

use super::{Lowerer, OperationContext};
use crate::diag::join;
use crate::ir::{
    Field, NextCursor, PageField, PageStyle, Pagination, Param, ParamLocation, Presence,
    ResponseBody, Scalar, TypeKind, TypeRef,
};

const EXTENSION: &str = "x-oagen-pagination";
const KEYS: [&str; 12] = [
    "style",
    "next_url",
    "cursor",
    "next",
    "has_more",
    "items",
    "id",
    "next_header",
    "page",
    "offset",
    "total",
    "first",
];

const CURSOR_PARAMS: [&str; 3] = ["cursor", "page_token", "pageToken"];
/// Fields that hold the next cursor, by default.
const NEXT_FIELDS: [&str; 4] = ["next", "next_cursor", "next_page", "next_page_token"];
/// Fields that hold the next page's URL, by default, in the page or in one of its object
/// fields named in `NEXT_URL_PARENTS` (Twilio's `meta.next_page_url`, Azure's `nextLink`,
/// Microsoft Graph's `@odata.nextLink`).
const NEXT_URL_FIELDS: [&str; 6] = [
    "next_page_url",
    "nextPageUrl",
    "next_url",
    "nextLink",
    "next_link",
    "@odata.nextLink",
];
const NEXT_URL_PARENTS: [&str; 4] = ["meta", "links", "pagination", "paging"];
const PAGE_PARAMS: [&str; 3] = ["page", "page_number", "pageNumber"];
const OFFSET_PARAMS: [&str; 2] = ["offset", "skip"];
const SIZE_PARAMS: [&str; 7] = [
    "limit",
    "per_page",
    "page_size",
    "pageSize",
    "perPage",
    "size",
    "count",
];
const TOTAL_FIELDS: [&str; 5] = [
    "total",
    "total_count",
    "totalCount",
    "total_results",
    "totalResults",
];
/// Parameter names that make an operation look paginated (for the `explain` notes).
const LOOKS_PAGINATED: [&str; 10] = [
    "cursor",
    "page_token",
    "pageToken",
    "starting_after",
    "after",
    "page",
    "offset",
    "skip",
    "per_page",
    "page_size",
];

/// The names to look for, in one style.
enum Convention<'d> {
    Cursor {
        cursor: &'d str,
        way: Way<'d>,
    },
    HeaderCursor {
        cursor: &'d str,
        header: &'d str,
    },
    Link,
    /// A field of the page (or of one of its object fields) holds the next page's URL.
    NextUrl {
        path: Vec<&'d str>,
    },
    Page {
        page: &'d str,
        first: Option<u64>,
    },
    Offset {
        offset: &'d str,
        total: Option<&'d str>,
    },
}

enum Way<'d> {
    Next(&'d str),
    LastItem { has_more: &'d str, id: &'d str },
}

/// What the success response offers besides its body.
struct Page<'d> {
    headers: Vec<&'d str>,
}

impl<'d> Lowerer<'d> {
    pub(super) fn pagination(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &[Param],
        response: &ResponseBody,
    ) -> Option<Pagination> {
        let page = Page {
            headers: self.success_headers(cx),
        };
        match self.stated_convention(cx) {
            Stated::Off => None,
            Stated::Names(convention, items, ptr) => {
                match self.match_convention(&convention, items, params, response, &page) {
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
            Stated::Nothing => {
                let found = self
                    .default_conventions(params, &page)
                    .into_iter()
                    .find_map(|convention| {
                        self.match_convention(&convention, None, params, response, &page)
                            .ok()
                    });
                if found.is_none() {
                    self.explain_unpaginated(cx, params);
                }
                found
            }
        }
    }

    /// The styles the default names allow, in the order they are tried.
    fn default_conventions(&self, params: &[Param], page: &Page<'d>) -> Vec<Convention<'d>> {
        let has = |names: &[&str]| {
            params.iter().any(|p| {
                p.location == ParamLocation::Query && names.contains(&p.wire_name.as_str())
            })
        };
        let mut conventions = Vec::new();
        if has(&["limit"]) {
            for cursor in CURSOR_PARAMS.into_iter().chain(["page"]) {
                for next in NEXT_FIELDS {
                    conventions.push(Convention::Cursor {
                        cursor,
                        way: Way::Next(next),
                    });
                }
            }
            for cursor in ["starting_after", "after"] {
                conventions.push(Convention::Cursor {
                    cursor,
                    way: Way::LastItem {
                        has_more: "has_more",
                        id: "id",
                    },
                });
            }
        }
        let next_header = page.headers.iter().copied().find(|name| {
            let lower = name.to_ascii_lowercase();
            lower.contains("next") && (lower.contains("cursor") || lower.contains("token"))
        });
        if let Some(header) = next_header {
            for cursor in CURSOR_PARAMS {
                conventions.push(Convention::HeaderCursor { cursor, header });
            }
        }
        for field in NEXT_URL_FIELDS {
            conventions.push(Convention::NextUrl { path: vec![field] });
            for parent in NEXT_URL_PARENTS {
                conventions.push(Convention::NextUrl {
                    path: vec![parent, field],
                });
            }
        }
        if page
            .headers
            .iter()
            .any(|name| name.eq_ignore_ascii_case("link"))
        {
            conventions.push(Convention::Link);
        }
        if has(&SIZE_PARAMS) {
            for name in PAGE_PARAMS {
                conventions.push(Convention::Page {
                    page: name,
                    first: None,
                });
            }
            for name in OFFSET_PARAMS {
                conventions.push(Convention::Offset {
                    offset: name,
                    total: None,
                });
            }
        }
        conventions
    }

    fn match_convention(
        &self,
        convention: &Convention<'_>,
        items_name: Option<&str>,
        params: &[Param],
        response: &ResponseBody,
        page: &Page<'_>,
    ) -> Result<Pagination, String> {
        let ResponseBody::Json(page_ty) = response else {
            return Err("the operation's success response is not one JSON body".to_owned());
        };
        let page_ty = self.through_aliases(page_ty.non_null());
        let fields = self.struct_fields(page_ty).unwrap_or(&[]);
        // The items: the page itself when it is a list, else its one list field.
        let (items, item_ty) = match page_ty {
            TypeRef::Array(item) if items_name.is_none() => (None, &**item),
            TypeRef::Array(_) => {
                return Err("the response is a list, so it has no items field".to_owned());
            }
            _ => {
                let lists: Vec<&Field> = fields
                    .iter()
                    .filter(|f| matches!(f.ty.non_null(), TypeRef::Array(_)))
                    .filter(|f| items_name.is_none_or(|name| f.wire_name == name))
                    .collect();
                let [items] = lists.as_slice() else {
                    return Err(match items_name {
                        Some(name) => format!("the response has no list field `{name}`"),
                        None => "the response is neither a list nor an object with exactly one \
                                 list field; name the items field with `items`"
                            .to_owned(),
                    });
                };
                let TypeRef::Array(item) = items.ty.non_null() else {
                    return Err("the items field is not a list".to_owned());
                };
                (Some(page_field(items)), &**item)
            }
        };

        let style = match convention {
            Convention::Cursor { cursor, way } => {
                let param = string_param(params, cursor)?;
                let next = match way {
                    Way::Next(name) => NextCursor::Field(page_field(
                        find(fields, name, &TypeRef::Scalar(Scalar::String))
                            .ok_or_else(|| format!("the response has no string field `{name}`"))?,
                    )),
                    Way::LastItem { has_more, id } => {
                        let has_more = find(fields, has_more, &TypeRef::Scalar(Scalar::Bool))
                            .ok_or_else(|| {
                                format!("the response has no boolean field `{has_more}`")
                            })?;
                        let item_fields = self
                            .struct_fields(self.through_aliases(item_ty))
                            .ok_or("the items are not objects")?;
                        let id = find(item_fields, id, &TypeRef::Scalar(Scalar::String))
                            .ok_or_else(|| format!("the items have no string field `{id}`"))?;
                        NextCursor::LastItem {
                            has_more: page_field(has_more),
                            id: page_field(id),
                        }
                    }
                };
                PageStyle::Cursor { param, next }
            }
            Convention::HeaderCursor { cursor, header } => {
                let param = string_param(params, cursor)?;
                let declared = page
                    .headers
                    .iter()
                    .find(|name| name.eq_ignore_ascii_case(header))
                    .ok_or_else(|| format!("the response declares no header `{header}`"))?;
                PageStyle::HeaderCursor {
                    param,
                    header: (*declared).to_owned(),
                }
            }
            Convention::Link => {
                if !page
                    .headers
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case("link"))
                {
                    return Err("the response declares no `Link` header".to_owned());
                }
                PageStyle::Link
            }
            Convention::NextUrl { path } => {
                let mut fields = fields;
                let mut steps = Vec::new();
                for (index, name) in path.iter().enumerate() {
                    let last = index + 1 == path.len();
                    let field = fields
                        .iter()
                        .find(|f| f.wire_name == *name)
                        .ok_or_else(|| format!("the response has no field `{}`", path.join(".")))?;
                    if last {
                        if field.ty.non_null() != &TypeRef::Scalar(Scalar::String) {
                            return Err(format!("`{}` is not a string", path.join(".")));
                        }
                    } else {
                        fields = self
                            .struct_fields(field.ty.non_null())
                            .ok_or_else(|| format!("`{name}` is not an object"))?;
                    }
                    steps.push(page_field(field));
                }
                if steps.is_empty() {
                    return Err("the next page's URL field is not named".to_owned());
                }
                PageStyle::NextUrl { path: steps }
            }
            Convention::Page { page: name, first } => {
                let param = integer_param(params, name)?;
                PageStyle::PageNumber {
                    param,
                    first: first.unwrap_or(1),
                }
            }
            Convention::Offset { offset, total } => {
                let param = integer_param(params, offset)?;
                let is_integer = |f: &&Field| is_integer(f.ty.non_null());
                let total = match total {
                    Some(name) => Some(page_field(
                        fields
                            .iter()
                            .filter(is_integer)
                            .find(|f| f.wire_name == *name)
                            .ok_or_else(|| format!("the response has no integer field `{name}`"))?,
                    )),
                    None => fields
                        .iter()
                        .filter(is_integer)
                        .find(|f| TOTAL_FIELDS.contains(&f.wire_name.as_str()))
                        .map(page_field),
                };
                PageStyle::Offset { param, total }
            }
        };
        Ok(Pagination { style, items })
    }

    /// Names of the headers the success responses declare, in document order.
    fn success_headers(&self, cx: &OperationContext<'_, 'd>) -> Vec<&'d str> {
        let mut names = Vec::new();
        let Some(responses) = cx.op.get("responses").and_then(Value::as_object) else {
            return names;
        };
        for (status, response) in responses {
            if !(status.starts_with('2') && status.len() == 3) {
                continue;
            }
            let headers = self
                .silent_deref(response)
                .and_then(|r| r.get("headers"))
                .and_then(Value::as_object);
            for name in headers.into_iter().flat_map(Map::keys) {
                if !names.contains(&name.as_str()) {
                    names.push(name.as_str());
                }
            }
        }
        names
    }

    /// A value, or what its `$ref` points to (a missing target is reported elsewhere).
    pub(super) fn silent_deref(&self, value: &'d Value) -> Option<&'d Value> {
        let mut value = value;
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    value = self.root.pointer(reference.strip_prefix('#')?)?;
                }
                None => return Some(value),
            }
        }
        None
    }

    /// A note (for `explain`) about an operation that looks paginated and is not.
    fn explain_unpaginated(&mut self, cx: &OperationContext<'_, 'd>, params: &[Param]) {
        let looks: Vec<&str> = params
            .iter()
            .filter(|p| {
                p.location == ParamLocation::Query
                    && LOOKS_PAGINATED.contains(&p.wire_name.as_str())
            })
            .map(|p| p.wire_name.as_str())
            .collect();
        if looks.is_empty() {
            return;
        }
        self.notes.push(crate::diag::Diagnostic {
            severity: crate::diag::Severity::Note,
            location: crate::diag::Location::document(cx.ptr),
            message: format!(
                "the operation looks paginated (query parameter {}) but matches no pagination \
                 style, so it has no `paginate()`",
                looks
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: Some(format!(
                "state its names with `{EXTENSION}` (see the README), or turn this note off \
                 with `{EXTENSION}: false`"
            )),
        });
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
                    let fits = match key.as_str() {
                        "first" => value.as_u64().is_some(),
                        _ => value.is_string(),
                    };
                    if !KEYS.contains(&key.as_str()) || !fits {
                        self.diags.warning(
                            join(&ptr, &[key]),
                            format!(
                                "`{EXTENSION}` takes the string keys `style`, `cursor`, `next`, \
                                 `has_more`, `id`, `next_header`, `next_url`, `page`, `offset`, \
                                 `total` and `items`, and the number `first`; `{key}` is ignored"
                            ),
                        );
                    }
                }
                let name = |key: &str| names.get(key).and_then(Value::as_str);
                let style = name("style").unwrap_or(if name("next_header").is_some() {
                    "header_cursor"
                } else if name("next_url").is_some() {
                    "next_url"
                } else if name("page").is_some() {
                    "page"
                } else if name("offset").is_some() {
                    "offset"
                } else {
                    "cursor"
                });
                let convention = match style {
                    "cursor" => Convention::Cursor {
                        cursor: name("cursor").unwrap_or("cursor"),
                        way: match name("has_more") {
                            Some(has_more) => Way::LastItem {
                                has_more,
                                id: name("id").unwrap_or("id"),
                            },
                            None => Way::Next(name("next").unwrap_or("next")),
                        },
                    },
                    "header_cursor" => Convention::HeaderCursor {
                        cursor: name("cursor").unwrap_or("cursor"),
                        header: name("next_header").unwrap_or("X-Next-Cursor"),
                    },
                    "link" => Convention::Link,
                    "next_url" => Convention::NextUrl {
                        path: name("next_url").unwrap_or("next").split('.').collect(),
                    },
                    "page" => Convention::Page {
                        page: name("page").unwrap_or("page"),
                        first: names.get("first").and_then(Value::as_u64),
                    },
                    "offset" => Convention::Offset {
                        offset: name("offset").unwrap_or("offset"),
                        total: name("total"),
                    },
                    other => {
                        self.diags.warning(
                            join(&ptr, &["style"]),
                            format!(
                                "`{other}` is not a pagination style; the styles are `cursor`, \
                                 `header_cursor`, `link`, `next_url`, `page` and `offset`"
                            ),
                        );
                        return Stated::Off;
                    }
                };
                Stated::Names(convention, name("items"), ptr)
            }
            other => {
                self.diags.warning(
                    ptr,
                    format!(
                        "`{EXTENSION}` must be an object (`style`, `cursor`, `next`, `has_more`, \
                         `items`...) or `false`, found {}",
                        crate::load::describe(other)
                    ),
                );
                Stated::Off
            }
        }
    }

    /// The fields of the struct a type names, through aliases.
    pub(super) fn struct_fields<'t>(&'t self, ty: &'t TypeRef) -> Option<&'t [Field]> {
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
    /// Names stated at this pointer (the items field, if named).
    Names(Convention<'d>, Option<&'d str>, String),
}

fn string_param(params: &[Param], name: &str) -> Result<usize, String> {
    optional_query_param(params, name, "string", |ty| {
        *ty == TypeRef::Scalar(Scalar::String)
    })
}

fn integer_param(params: &[Param], name: &str) -> Result<usize, String> {
    optional_query_param(params, name, "integer", is_integer)
}

/// The optional query parameter `name` whose type `fits`, or why there is none.
fn optional_query_param(
    params: &[Param],
    name: &str,
    kind: &str,
    fits: impl Fn(&TypeRef) -> bool,
) -> Result<usize, String> {
    params
        .iter()
        .position(|p| {
            p.location == ParamLocation::Query
                && p.wire_name == name
                && p.presence == Presence::Optional
                && fits(&p.ty)
        })
        .ok_or_else(|| format!("the operation has no optional {kind} query parameter `{name}`"))
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64)
    )
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
