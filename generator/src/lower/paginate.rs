//! Pagination: which list operations can be walked page by page, and how.
//!
//! A page is the success body: a list, or an object with one list field (the items, whatever
//! its name; of several lists, the one that is not a list of links, or the one named `data`,
//! `items`, `entries`, `results`... or after the path's last segment). The style is found from how the page's fields relate to the
//! operation's query parameters, names compared as words, whatever their case or separators
//! (`names.rs`), tried in this order (`infer.rs`):
//!
//! - **next cursor**: a string field whose name (or path, one or two objects deep) says next
//!   and names an optional string query parameter: `next_<p>`, `<p>_next`, `next<P>` or `<p>`
//!   under a `next` object (`next_marker` for `marker`, `nextPageToken` for `pageToken`,
//!   `next_page` for `page_token`, `response_metadata.next_cursor` for `cursor`); absent, `null`
//!   or empty on the last page;
//! - **last item**: a string parameter ending in `after` (`starting_after`, `after`) and a
//!   boolean `has_more` (or `hasMore`, `has_next_page`...): while it is true, the next cursor
//!   is the `id` of the page's last item (Stripe, OpenAI);
//! - **header cursor**: a declared response header whose name says next and names a string
//!   query parameter (`X-Next-Cursor` for `cursor`);
//! - **next URL**: a string field whose name says next and holds a URL or URI reference (its
//!   name says `url`, `uri`, `link` or `href`, or it is declared `format: uri`, or it is `next`
//!   under `links` or `paging`): `next_page_url`, `next_page_uri`, `nextLink`, `links.next`,
//!   `meta.next_page_uri`, `_links.next.href`; followed as given, a relative reference resolved
//!   against the request's URL (Twilio, Azure, Graph, JSON:API, HAL); or the `href` of the
//!   link whose `rel` is `next` in a list of links (`links`, `servers_links`: OpenStack,
//!   HATEOAS);
//! - **link**: the response declares a `Link` header; its `rel="next"` is the next page
//!   (GitHub, RFC 8288);
//! - **page number**: an optional integer `page` (`Page`, `page_number`...) beside a page size
//!   (`per_page`, `PageSize`, `limit`, `maxResults`...); pages count from the parameter's
//!   `default` or `minimum` when it says 0 or 1, else from 1 (or from the stated `first`);
//! - **offset**: an optional integer `offset` (`skip`, `$skip`, `startAt`...) beside a page
//!   size; an integer field of the page that counts the whole collection (`total`,
//!   `total_count`, `totalCount`, `count`, `total_results`...), if present, ends the walk.
//!
//! A string field that says next but names no parameter and is no URL is not a cursor, and a
//! `next` that is not a string is nothing: such operations are not paginated.
//!
//! A document states names with `x-oagen-pagination` at its root (for every operation) or
//! on an operation: `style` (`cursor`, `header_cursor`, `link`, `next_url`, `page`,
//! `offset`; inferred from the other keys when absent), `cursor`, `next` (a dotted path:
//! `meta.next_cursor`), `has_more`, `id`, `next_header`, `next_url` (a dotted path:
//! `meta.next_page_url`), `page`, `offset`, `total` and `items`; `false` on an operation turns
//! pagination off. When names are stated and do not match, a warning says why. An operation
//! that looks paginated (a parameter named like a cursor, page or offset, or a field that says
//! next) but matches no style gets a note saying why, reported only when asked for
//! (`explain`).

mod infer;
mod names;

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

/// The names to look for, in one style (stated, or inferred from the page's shape).
#[derive(Debug, Clone)]
enum Convention {
    Cursor {
        cursor: String,
        way: Way,
    },
    HeaderCursor {
        cursor: String,
        header: String,
    },
    Link,
    /// A field of the page (or of one of its object fields) holds the next page's URL.
    NextUrl {
        path: Vec<String>,
    },
    /// A list of link objects (reached through `list`) holds the next page's URL in the
    /// `href` of the one whose `rel` is `next`.
    LinkList {
        list: Vec<String>,
        rel: String,
        href: String,
    },
    Page {
        page: String,
        first: Option<u64>,
    },
    Offset {
        offset: String,
        /// `None`: the page's total found by its shape, if it has one.
        total: Option<String>,
    },
}

#[derive(Debug, Clone)]
enum Way {
    /// A string field, reached through these fields (each an object but the last).
    Next(Vec<String>),
    LastItem {
        has_more: String,
        id: String,
    },
}

impl<'d> Lowerer<'d> {
    pub(super) fn pagination(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        params: &[Param],
        response: &ResponseBody,
    ) -> Option<Pagination> {
        let headers = self.success_headers(cx);
        match self.stated_convention(cx) {
            Stated::Off => None,
            Stated::Names(convention, items, ptr) => {
                match self.match_convention(cx, &convention, items, params, response, &headers) {
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
                let mut inferred = self.inferred(cx, params, response, &headers);
                for convention in &inferred.conventions {
                    match self.match_convention(cx, convention, None, params, response, &headers) {
                        Ok(pagination) => return Some(pagination),
                        Err(why) => inferred.why.push(why),
                    }
                }
                self.explain_unpaginated(cx, &inferred);
                None
            }
        }
    }

    fn match_convention(
        &self,
        cx: &OperationContext<'_, 'd>,
        convention: &Convention,
        items_name: Option<&str>,
        params: &[Param],
        response: &ResponseBody,
        headers: &[&str],
    ) -> Result<Pagination, String> {
        let ResponseBody::Json(page_ty) = response else {
            return Err("the operation's success response is not one JSON body".to_owned());
        };
        let page_ty = self.through_aliases(page_ty.non_null());
        let fields = self.struct_fields(page_ty).unwrap_or(&[]);
        let (items, item_ty) = self.page_items(page_ty, items_name, cx.path)?;
        let items = items.map(page_field);

        let style = match convention {
            Convention::Cursor { cursor, way } => {
                let param = string_param(params, cursor)?;
                let next = match way {
                    Way::Next(path) => NextCursor::Field(self.string_path(fields, path)?),
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
                let declared = headers
                    .iter()
                    .find(|name| name.eq_ignore_ascii_case(header))
                    .ok_or_else(|| format!("the response declares no header `{header}`"))?;
                PageStyle::HeaderCursor {
                    param,
                    header: (*declared).to_owned(),
                }
            }
            Convention::Link => {
                if !headers.iter().any(|name| name.eq_ignore_ascii_case("link")) {
                    return Err("the response declares no `Link` header".to_owned());
                }
                PageStyle::Link
            }
            Convention::NextUrl { path } => PageStyle::NextUrl {
                path: self.string_path(fields, path)?,
            },
            Convention::LinkList { list, rel, href } => self.link_list(fields, list, rel, href)?,
            Convention::Page { page: name, first } => {
                let param = integer_param(params, name)?;
                PageStyle::PageNumber {
                    param,
                    first: first.unwrap_or_else(|| self.first_page(cx, name)),
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
                        .find(|f| names::is_total(&f.wire_name))
                        .map(page_field),
                };
                PageStyle::Offset { param, total }
            }
        };
        Ok(Pagination { style, items })
    }

    /// The items of a page: the page itself when it is a list (then `None`), else its list
    /// field named `stated`, or its one list field, or of several the one whose name says
    /// items (`names::names_items`); with the item type, or why there is none.
    fn page_items<'t>(
        &'t self,
        page_ty: &'t TypeRef,
        stated: Option<&str>,
        path: &str,
    ) -> Result<(Option<&'t Field>, &'t TypeRef), String> {
        match page_ty {
            TypeRef::Array(item) if stated.is_none() => return Ok((None, &**item)),
            TypeRef::Array(_) => {
                return Err("the response is a list, so it has no items field".to_owned());
            }
            _ => {}
        }
        let fields = self.struct_fields(page_ty).unwrap_or(&[]);
        let lists: Vec<&Field> = fields
            .iter()
            .filter(|f| matches!(f.ty.non_null(), TypeRef::Array(_)))
            .filter(|f| stated.is_none_or(|name| f.wire_name == name))
            .collect();
        let items = match (lists.as_slice(), stated) {
            ([items], _) => *items,
            ([], Some(name)) => return Err(format!("the response has no list field `{name}`")),
            ([], None) => {
                return Err(
                    "the response is neither a list nor an object with a list field".to_owned(),
                );
            }
            (several, _) => {
                let resource = path
                    .rsplit('/')
                    .find(|segment| !segment.is_empty() && !segment.starts_with('{'))
                    .unwrap_or_default();
                // Lists of links (`servers_links`, `links`) are not the items.
                let not_links: Vec<&&Field> = several
                    .iter()
                    .filter(|f| !names::says_link(&names::words(&f.wire_name)))
                    .collect();
                let named: Vec<&&Field> = match not_links.as_slice() {
                    [items] => vec![*items],
                    _ => several
                        .iter()
                        .filter(|f| names::names_items(&f.wire_name, resource))
                        .collect(),
                };
                match named.as_slice() {
                    [items] => **items,
                    _ => {
                        return Err(format!(
                            "the response has several lists ({}) and none is named as the \
                             items; name the items field with `items`",
                            several
                                .iter()
                                .map(|f| format!("`{}`", f.wire_name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
            }
        };
        match items.ty.non_null() {
            TypeRef::Array(item) => Ok((Some(items), &**item)),
            _ => Err("the items field is not a list".to_owned()),
        }
    }

    /// The string field reached through `path` from the page's `fields` (each step an
    /// object but the last), as the page fields the helper reads.
    fn string_path(&self, fields: &[Field], path: &[String]) -> Result<Vec<PageField>, String> {
        let dotted = path.join(".");
        let mut fields = fields;
        let mut steps = Vec::new();
        for (index, name) in path.iter().enumerate() {
            let field = fields
                .iter()
                .find(|f| f.wire_name == *name)
                .ok_or_else(|| format!("the response has no field `{dotted}`"))?;
            if index + 1 == path.len() {
                if field.ty.non_null() != &TypeRef::Scalar(Scalar::String) {
                    return Err(format!("`{dotted}` is not a string"));
                }
            } else {
                fields = self
                    .struct_fields(field.ty.non_null())
                    .ok_or_else(|| format!("`{name}` is not an object"))?;
            }
            steps.push(page_field(field));
        }
        if steps.is_empty() {
            return Err("the field is not named".to_owned());
        }
        Ok(steps)
    }

    /// The list of links reached through `list` from the page's `fields`, whose items have
    /// the string fields `rel` and `href`.
    fn link_list(
        &self,
        fields: &[Field],
        list: &[String],
        rel: &str,
        href: &str,
    ) -> Result<PageStyle, String> {
        let dotted = list.join(".");
        let mut fields = fields;
        let mut steps = Vec::new();
        let mut link_fields: &[Field] = &[];
        for (index, name) in list.iter().enumerate() {
            let field = fields
                .iter()
                .find(|f| f.wire_name == *name)
                .ok_or_else(|| format!("the response has no field `{dotted}`"))?;
            if index + 1 == list.len() {
                let TypeRef::Array(link) = field.ty.non_null() else {
                    return Err(format!("`{dotted}` is not a list"));
                };
                link_fields = self
                    .struct_fields(link)
                    .ok_or_else(|| format!("the items of `{dotted}` are not objects"))?;
            } else {
                fields = self
                    .struct_fields(field.ty.non_null())
                    .ok_or_else(|| format!("`{name}` is not an object"))?;
            }
            steps.push(page_field(field));
        }
        let string = TypeRef::Scalar(Scalar::String);
        let (Some(rel), Some(href)) = (
            find(link_fields, rel, &string),
            find(link_fields, href, &string),
        ) else {
            return Err(format!(
                "the links of `{dotted}` have no string fields `{rel}` and `{href}`"
            ));
        };
        if steps.is_empty() {
            return Err("the list of links is not named".to_owned());
        }
        Ok(PageStyle::LinkList {
            list: steps,
            rel: page_field(rel),
            href: page_field(href),
        })
    }

    /// The number of the page a request without the page parameter `name` gets: its
    /// declared `default`, else its `minimum`, when that is 0 or 1; else 1.
    fn first_page(&self, cx: &OperationContext<'_, 'd>, name: &str) -> u64 {
        let declared = [cx.op, cx.item]
            .into_iter()
            .filter_map(|owner| owner.get("parameters").and_then(Value::as_array))
            .flatten()
            .filter_map(|param| self.quiet_target(param))
            .find(|param| {
                param.get("name").and_then(Value::as_str) == Some(name)
                    && param.get("in").and_then(Value::as_str) == Some("query")
            })
            .and_then(|param| param.get("schema"))
            .and_then(|schema| self.quiet_target(schema));
        let number = |key: &str| declared.and_then(|s| s.get(key)).and_then(Value::as_u64);
        number("default")
            .or_else(|| number("minimum"))
            .filter(|first| *first <= 1)
            .unwrap_or(1)
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
                .quiet_target(response)
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

    /// A note (for `explain`) about an operation that looks paginated and is not, with why.
    fn explain_unpaginated(&mut self, cx: &OperationContext<'_, 'd>, inferred: &infer::Inferred) {
        if inferred.signals.is_empty() {
            return;
        }
        let mut message = format!(
            "the operation looks paginated ({}) but matches no pagination style, so it has no \
             `paginate()`",
            inferred.signals.join(", ")
        );
        let mut why: Vec<&str> = Vec::new();
        for reason in &inferred.why {
            if !why.contains(&reason.as_str()) {
                why.push(reason);
            }
        }
        if why.is_empty() {
            why.push(
                "nothing in the response says where the next page is (a field `next_<parameter>`, \
                 a next URL, a boolean `has_more`, a `Link` or next-cursor header)",
            );
        }
        message.push_str(": ");
        message.push_str(&why.join("; "));
        self.notes.push(crate::diag::Diagnostic {
            severity: crate::diag::Severity::Note,
            location: crate::diag::Location::document(cx.ptr),
            message,
            help: Some(format!(
                "state its names with `{EXTENSION}` (see the README), or turn this note off \
                 with `{EXTENSION}: false`"
            )),
        });
    }

    /// What the document says for this operation.
    fn stated_convention(&mut self, cx: &OperationContext<'_, 'd>) -> Stated<'d> {
        let owned = |name: Option<&str>, default: &str| name.unwrap_or(default).to_owned();
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
                        cursor: owned(name("cursor"), "cursor"),
                        way: match name("has_more") {
                            Some(has_more) => Way::LastItem {
                                has_more: has_more.to_owned(),
                                id: owned(name("id"), "id"),
                            },
                            None => Way::Next(dotted(name("next").unwrap_or("next"))),
                        },
                    },
                    "header_cursor" => Convention::HeaderCursor {
                        cursor: owned(name("cursor"), "cursor"),
                        header: owned(name("next_header"), "X-Next-Cursor"),
                    },
                    "link" => Convention::Link,
                    "next_url" => Convention::NextUrl {
                        path: dotted(name("next_url").unwrap_or("next")),
                    },
                    "page" => Convention::Page {
                        page: owned(name("page"), "page"),
                        first: names.get("first").and_then(Value::as_u64),
                    },
                    "offset" => Convention::Offset {
                        offset: owned(name("offset"), "offset"),
                        total: name("total").map(str::to_owned),
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
                        crate::parse::describe(other)
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
    Names(Convention, Option<&'d str>, String),
}

/// A dotted path (`meta.next_page_url`) as its names.
fn dotted(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
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
