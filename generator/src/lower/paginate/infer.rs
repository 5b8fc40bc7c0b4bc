//! The pagination styles a page's shape allows, in the order they are tried: from how its
//! fields (the page's own, and those of its object fields two levels down) relate to the
//! operation's query parameters and response headers, names compared as words (`names.rs`).
//! Each is then checked by `match_convention`; what nearly matched is kept to say why an
//! operation that looks paginated is not.

use serde_json::Value;

use super::names::{self, words};
use super::{Convention, Way};
use crate::ir::{Field, Param, ParamLocation, Presence, ResponseBody, Scalar, TypeRef};
use crate::lower::{Lowerer, OperationContext};

/// The conventions to try, and what to say if none fits.
#[derive(Default)]
pub(super) struct Inferred {
    pub(super) conventions: Vec<Convention>,
    /// Why a style that nearly fitted did not.
    pub(super) why: Vec<String>,
    /// What makes the operation look paginated (`query parameter `page``); empty when
    /// nothing does, and then no note is given.
    pub(super) signals: Vec<String>,
}

/// A field that is not an object, of the page or of an object field at most two levels
/// down.
struct Leaf<'t> {
    /// The object fields it is in, outermost first.
    parents: Vec<&'t Field>,
    field: &'t Field,
    /// The type `field` belongs to.
    owner: &'t TypeRef,
}

impl Leaf<'_> {
    fn field(&self) -> &Field {
        self.field
    }

    fn wire_path(&self) -> Vec<String> {
        self.parents
            .iter()
            .chain([&self.field])
            .map(|f| f.wire_name.clone())
            .collect()
    }

    fn dotted(&self) -> String {
        self.wire_path().join(".")
    }

    /// Whether the field speaks of the next page: its own name says next (`next_marker`,
    /// `meta.next_page_uri`), or it is in an object named `next` (`paging.next.after`,
    /// `_links.next.href`); not a field of an object that only begins with next
    /// (`next_action.redirect_url`).
    fn says_next(&self) -> bool {
        names::says_next(&words(&self.field.wire_name))
            || self
                .parents
                .iter()
                .any(|f| names::same(&f.wire_name, "next"))
    }
}

/// The `format`s of a string that holds a URL or a URI reference.
const URL_FORMATS: [&str; 5] = ["uri", "uri-reference", "url", "iri", "iri-reference"];

fn is_string(ty: &TypeRef) -> bool {
    *ty.non_null() == TypeRef::Scalar(Scalar::String)
}

fn is_integer(ty: &TypeRef) -> bool {
    super::is_integer(ty.non_null())
}

/// Whether a page size parameter is there for a page number or offset to go with.
fn looks_paginated(param: &Param) -> bool {
    let name = &param.wire_name;
    names::is_page_number(name)
        || names::is_offset(name)
        || names::looks_like_cursor(name)
        || names::is_after(name)
        || (names::is_page_size(name)
            && words(name)
                .iter()
                .any(|w| matches!(w.as_str(), "page" | "per")))
}

impl<'d> Lowerer<'d> {
    pub(super) fn inferred(
        &self,
        cx: &OperationContext<'_, 'd>,
        params: &[Param],
        response: &ResponseBody,
        headers: &[&str],
    ) -> Inferred {
        let mut out = Inferred::default();
        if cx.method != crate::ir::HttpMethod::Get {
            // Walking pages repeats a request: only a `GET` is inferred to be paginated
            // (another method can state it).
            return out;
        }
        let query: Vec<&Param> = params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
            .collect();
        for param in query.iter().filter(|p| looks_paginated(p)) {
            out.signals
                .push(format!("query parameter `{}`", param.wire_name));
        }
        let ResponseBody::Json(page_ty) = response else {
            out.why
                .push("the success response is not one JSON body".to_owned());
            return out;
        };
        let page_ty = self.through_aliases(page_ty.non_null());
        let item_ty = match self.page_items(page_ty, None, cx.path) {
            Ok((_, item_ty)) => item_ty,
            Err(why) => {
                out.why.push(why);
                return out;
            }
        };
        let leaves = self.leaves(page_ty);
        let next_urls = self.body_cursors(&leaves, &query, &mut out);
        self.last_item(page_ty, item_ty, &query, &mut out);
        for header in headers {
            if !names::says_next(&words(header)) {
                continue;
            }
            for param in query
                .iter()
                .filter(|p| names::header_names_param(header, &p.wire_name))
            {
                out.conventions.push(Convention::HeaderCursor {
                    cursor: param.wire_name.clone(),
                    header: (*header).to_owned(),
                });
            }
        }
        out.conventions.extend(next_urls);
        out.conventions.extend(self.link_lists(page_ty));
        if headers.iter().any(|name| name.eq_ignore_ascii_case("link")) {
            out.conventions.push(Convention::Link);
        }
        numbered(&query, &mut out);
        out
    }

    /// Cursor conventions for the string fields that say next and name a parameter (pushed
    /// to `out`), and next URL conventions for those that hold a URL (returned, to be tried
    /// after the cursors of every kind).
    fn body_cursors(
        &self,
        leaves: &[Leaf<'_>],
        query: &[&Param],
        out: &mut Inferred,
    ) -> Vec<Convention> {
        let mut next_urls = Vec::new();
        for leaf in leaves.iter().filter(|leaf| leaf.says_next()) {
            let dotted = leaf.dotted();
            out.signals.push(format!("response field `{dotted}`"));
            if !is_string(&leaf.field().ty) {
                out.why.push(format!("`{dotted}` is not a string"));
                continue;
            }
            if self.holds_url(leaf) {
                next_urls.push(Convention::NextUrl {
                    path: leaf.wire_path(),
                });
                continue;
            }
            let named: Vec<&&Param> = query
                .iter()
                .filter(|p| names::names_param(&leaf.field().wire_name, &p.wire_name))
                .collect();
            if named.is_empty() {
                out.why.push(format!(
                    "`{dotted}` names no query parameter (a cursor is `next_<parameter>`) and is \
                     not declared a URL"
                ));
            }
            for param in named {
                if param.presence == Presence::Optional && is_string(&param.ty) {
                    out.conventions.push(Convention::Cursor {
                        cursor: param.wire_name.clone(),
                        way: Way::Next(leaf.wire_path()),
                    });
                } else {
                    out.why.push(format!(
                        "`{dotted}` names `{}`, which is not an optional string",
                        param.wire_name
                    ));
                }
            }
        }
        next_urls
    }

    /// The last-item way: a string parameter ending in `after`, a boolean that says more
    /// follow, and items with an `id`.
    fn last_item(
        &self,
        page_ty: &TypeRef,
        item_ty: &TypeRef,
        query: &[&Param],
        out: &mut Inferred,
    ) {
        let afters: Vec<&&Param> = query
            .iter()
            .filter(|p| names::is_after(&p.wire_name) && is_string(&p.ty))
            .collect();
        let Some(first) = afters.first() else {
            return;
        };
        let fields = self.struct_fields(page_ty).unwrap_or(&[]);
        let Some(has_more) = fields.iter().find(|f| {
            *f.ty.non_null() == TypeRef::Scalar(Scalar::Bool) && names::is_has_more(&f.wire_name)
        }) else {
            out.why.push(format!(
                "`{}` is a cursor after the last item only with a boolean `has_more` in the page",
                first.wire_name
            ));
            return;
        };
        let item_fields = self
            .struct_fields(self.through_aliases(item_ty))
            .unwrap_or(&[]);
        let Some(id) = item_fields
            .iter()
            .find(|f| names::same(&f.wire_name, "id") && is_string(&f.ty))
        else {
            out.why.push(format!(
                "`{}` is a cursor after the last item only when the items have a string `id`",
                first.wire_name
            ));
            return;
        };
        for param in afters {
            out.conventions.push(Convention::Cursor {
                cursor: param.wire_name.clone(),
                way: Way::LastItem {
                    has_more: has_more.wire_name.clone(),
                    id: id.wire_name.clone(),
                },
            });
        }
    }

    /// The fields of the page that are not objects, with those of its object fields two
    /// levels down, shallowest first, in document order.
    fn leaves<'t>(&'t self, page_ty: &'t TypeRef) -> Vec<Leaf<'t>> {
        let mut leaves = Vec::new();
        let mut level: Vec<(Vec<&'t Field>, &'t TypeRef)> = vec![(Vec::new(), page_ty)];
        for _ in 0..3 {
            let mut deeper = Vec::new();
            for (path, owner) in level {
                for field in self.struct_fields(owner).unwrap_or(&[]) {
                    if self.struct_fields(field.ty.non_null()).is_some() {
                        let mut path = path.clone();
                        path.push(field);
                        deeper.push((path, field.ty.non_null()));
                    } else {
                        leaves.push(Leaf {
                            parents: path.clone(),
                            field,
                            owner,
                        });
                    }
                }
            }
            level = deeper;
        }
        leaves
    }

    /// The lists of link objects in the page or one object down: named for links
    /// (`links`, `servers_links`), their items with a string `rel` and a string `href` (or
    /// another field named for a URL).
    fn link_lists(&self, page_ty: &TypeRef) -> Vec<Convention> {
        let mut found = Vec::new();
        let mut level: Vec<(Vec<String>, &TypeRef)> = vec![(Vec::new(), page_ty)];
        for _ in 0..2 {
            let mut deeper = Vec::new();
            for (path, owner) in level {
                for field in self.struct_fields(owner).unwrap_or(&[]) {
                    let mut path = path.clone();
                    path.push(field.wire_name.clone());
                    let link = match field.ty.non_null() {
                        TypeRef::Array(link) if names::says_link(&words(&field.wire_name)) => link,
                        ty if self.struct_fields(ty).is_some() => {
                            deeper.push((path, ty));
                            continue;
                        }
                        _ => continue,
                    };
                    let strings: Vec<&Field> = self
                        .struct_fields(link)
                        .unwrap_or(&[])
                        .iter()
                        .filter(|f| is_string(&f.ty))
                        .collect();
                    let rel = strings.iter().find(|f| names::same(&f.wire_name, "rel"));
                    let href = strings
                        .iter()
                        .find(|f| names::same(&f.wire_name, "href"))
                        .or_else(|| {
                            strings
                                .iter()
                                .find(|f| names::says_link(&words(&f.wire_name)))
                        });
                    if let (Some(rel), Some(href)) = (rel, href) {
                        found.push(Convention::LinkList {
                            list: path,
                            rel: rel.wire_name.clone(),
                            href: href.wire_name.clone(),
                        });
                    }
                }
            }
            level = deeper;
        }
        found
    }

    /// Whether a string field that says next holds a URL: its name says so (`next_url`,
    /// `nextLink`, `href`), its schema is declared a URI (`format: uri`) or has a URL for an
    /// example, or it is `next` in an object of links (`links.next`, `paging.next`).
    fn holds_url(&self, leaf: &Leaf<'_>) -> bool {
        let field = leaf.field();
        let parent_says_links = leaf.parents.iter().any(|f| {
            let words = words(&f.wire_name);
            names::says_link(&words)
                || words
                    .iter()
                    .any(|w| matches!(w.as_str(), "paging" | "pagination"))
        });
        names::says_link(&words(&field.wire_name))
            || (names::same(&field.wire_name, "next") && parent_says_links)
            || self
                .raw_property(leaf.owner, &field.wire_name)
                .is_some_and(|schema| self.declares_url(schema, 0))
    }

    /// The schema of the property `wire` of the object type `owner`, as the document
    /// writes it (in its `properties`, or those of an `allOf`, `anyOf` or `oneOf` part).
    fn raw_property(&self, owner: &TypeRef, wire: &str) -> Option<&'d Value> {
        let TypeRef::Named(id) = self.through_aliases(owner.non_null()) else {
            return None;
        };
        let source = &self.types.get(id.0)?.source;
        let schema = self.root.pointer(source.strip_prefix('#')?)?;
        self.property_in(schema, wire, 0)
    }

    fn property_in(&self, schema: &'d Value, wire: &str, depth: usize) -> Option<&'d Value> {
        let schema = self.quiet_target(schema)?;
        if let Some(property) = schema.get("properties").and_then(|p| p.get(wire)) {
            return Some(property);
        }
        if depth >= 8 {
            return None;
        }
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|key| schema.get(*key).and_then(Value::as_array))
            .flatten()
            .find_map(|part| self.property_in(part, wire, depth + 1))
    }

    /// Whether a string schema says it holds a URL: a URI `format`, or an example that is
    /// an absolute URL or a path.
    fn declares_url(&self, schema: &'d Value, depth: usize) -> bool {
        let Some(schema) = self.quiet_target(schema) else {
            return false;
        };
        let is_url = |value: &Value| {
            value.as_str().is_some_and(|text| {
                text.starts_with("https://") || text.starts_with("http://") || text.starts_with('/')
            })
        };
        let examples = schema.get("examples").and_then(Value::as_array);
        schema
            .get("format")
            .and_then(Value::as_str)
            .is_some_and(|format| URL_FORMATS.contains(&format))
            || schema.get("example").is_some_and(is_url)
            || examples.is_some_and(|examples| examples.iter().any(is_url))
            || (depth < 4
                && ["anyOf", "oneOf"]
                    .iter()
                    .filter_map(|key| schema.get(*key).and_then(Value::as_array))
                    .flatten()
                    .any(|part| self.declares_url(part, depth + 1)))
    }
}

/// Page number and offset conventions: an optional integer parameter named so, beside a
/// page size.
fn numbered(query: &[&Param], out: &mut Inferred) {
    let size = query
        .iter()
        .find(|p| names::is_page_size(&p.wire_name) && is_integer(&p.ty));
    // Page numbers first, then offsets.
    let pages = query.iter().filter(|p| names::is_page_number(&p.wire_name));
    let offsets = query
        .iter()
        .filter(|p| !names::is_page_number(&p.wire_name) && names::is_offset(&p.wire_name));
    for param in pages.chain(offsets) {
        let name = &param.wire_name;
        let is_page = names::is_page_number(name);
        let kind = if is_page { "page number" } else { "offset" };
        if param.presence != Presence::Optional || !is_integer(&param.ty) {
            out.why.push(format!(
                "`{name}` is a {kind} only when it is an optional integer"
            ));
            continue;
        }
        if size.is_none() {
            out.why.push(format!(
                "`{name}` is a {kind} only beside a page size parameter (`limit`, `per_page`, \
                 `page_size`...)"
            ));
            continue;
        }
        out.conventions.push(if is_page {
            Convention::Page {
                page: name.clone(),
                first: None,
            }
        } else {
            Convention::Offset {
                offset: name.clone(),
                total: None,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::ir::{NextCursor, PageStyle};

    fn query(name: &str, ty: &str) -> Value {
        json!({"name": name, "in": "query", "schema": {"type": ty}})
    }

    /// The pagination of `GET /things` (or of `method`) with these query parameters and
    /// this response schema, in a few words: `cursor pageToken from nextPageToken`.
    fn style_of(method: &str, params: Value, schema: Value) -> String {
        let document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things": {method: {
                "operationId": "listThings",
                "parameters": params,
                "responses": {"200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": schema}},
                }},
            }}},
        });
        let bytes = serde_json::to_vec(&document).unwrap();
        let document = crate::Document::Bytes {
            name: "t.json",
            bytes: &bytes,
        };
        let api = crate::Generator::default().lower(document).unwrap().api;
        let op = &api.operations[0];
        let param = |index: usize| op.params[index].wire_name.clone();
        let dotted = |path: &[crate::ir::PageField]| {
            path.iter()
                .map(|f| f.wire_name.as_str())
                .collect::<Vec<_>>()
                .join(".")
        };
        let Some(pagination) = &op.pagination else {
            return "none".to_owned();
        };
        let items = pagination
            .items
            .as_ref()
            .map_or("", |items| items.wire_name.as_str());
        let style = match &pagination.style {
            PageStyle::Cursor {
                param: p,
                next: NextCursor::Field(path),
            } => format!("cursor {} from {}", param(*p), dotted(path)),
            PageStyle::Cursor {
                param: p,
                next: NextCursor::LastItem { has_more, id },
            } => format!(
                "cursor {} from last {} while {}",
                param(*p),
                id.wire_name,
                has_more.wire_name
            ),
            PageStyle::NextUrl { path } => format!("next url {}", dotted(path)),
            PageStyle::LinkList { list, rel, href } => format!(
                "next url {}[{}=next].{}",
                dotted(list),
                rel.wire_name,
                href.wire_name
            ),
            PageStyle::PageNumber { param: p, first } => format!("page {} from {first}", param(*p)),
            PageStyle::Offset { param: p, total } => format!(
                "offset {} until {}",
                param(*p),
                total.as_ref().map_or("-", |t| t.wire_name.as_str())
            ),
            other => format!("{other:?}"),
        };
        format!("{style} ({items})")
    }

    fn object(properties: Value) -> Value {
        json!({"type": "object", "properties": properties})
    }

    #[test]
    fn cursors_are_the_fields_that_name_a_parameter() {
        let strings = json!({"type": "array", "items": {"type": "string"}});
        let google = object(json!({"files": strings, "nextPageToken": {"type": "string"}}));
        assert_eq!(
            style_of(
                "get",
                json!([query("pageToken", "string"), query("pageSize", "integer")]),
                google
            ),
            "cursor pageToken from nextPageToken (files)"
        );
        let aws = object(json!({"Items": strings, "NextToken": {"type": "string"}}));
        assert_eq!(
            style_of("get", json!([query("NextToken", "string")]), aws),
            "cursor NextToken from NextToken (Items)"
        );
        let slack = object(json!({
            "members": strings,
            "response_metadata": object(json!({"next_cursor": {"type": "string"}})),
        }));
        assert_eq!(
            style_of("get", json!([query("cursor", "string")]), slack),
            "cursor cursor from response_metadata.next_cursor (members)"
        );
        let hubspot = object(json!({
            "results": strings,
            "paging": object(json!({"next": object(json!({
                "after": {"type": "string"},
                "link": {"type": "string"},
            }))})),
        }));
        assert_eq!(
            style_of(
                "get",
                json!([query("after", "string"), query("limit", "integer")]),
                hubspot
            ),
            "cursor after from paging.next.after (results)"
        );
        let notion = object(json!({
            "results": strings,
            "next_cursor": {"type": ["string", "null"]},
            "has_more": {"type": "boolean"},
        }));
        assert_eq!(
            style_of("get", json!([query("start_cursor", "string")]), notion),
            "cursor start_cursor from next_cursor (results)"
        );
    }

    #[test]
    fn a_next_field_is_a_link_only_when_it_holds_a_url() {
        let strings = json!({"type": "array", "items": {"type": "string"}});
        let params = json!([query("page", "integer"), query("page_size", "integer")]);
        // Django REST framework: `next` declared a URI, before the page number.
        let drf = object(json!({
            "count": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "results": strings,
        }));
        assert_eq!(
            style_of("get", params.clone(), drf),
            "next url next (results)"
        );
        // The same `next` without a format names no parameter and is no URL: the page
        // number is used.
        let bare = object(json!({"next": {"type": "string"}, "results": strings}));
        assert_eq!(
            style_of("get", params, bare.clone()),
            "page page from 1 (results)"
        );
        // And with nothing else, nothing.
        assert_eq!(
            style_of("get", json!([query("limit", "integer")]), bare),
            "none"
        );
        // A list of links: the one whose `rel` is `next` (PayPal, HATEOAS).
        let hateoas = object(json!({
            "items": strings,
            "links": {"type": "array", "items": object(json!({
                "href": {"type": "string"},
                "rel": {"type": "string"},
                "method": {"type": "string"},
            }))},
        }));
        assert_eq!(
            style_of("get", json!([query("page_size", "integer")]), hateoas),
            "next url links[rel=next].href (items)"
        );
        // An example URL says it too.
        let example = object(json!({
            "next": {"type": "string", "example": "https://api.example.test/things?page=2"},
            "data": strings,
        }));
        assert_eq!(style_of("get", json!([]), example), "next url next (data)");
    }

    #[test]
    fn numbers_and_offsets_read_their_first_page_and_total() {
        let objects = json!({"type": "array", "items": object(json!({"id": {"type": "string"}}))});
        // Spring Data: pages from 0, `content`, `totalElements` beside `totalPages`.
        let spring = object(json!({
            "content": objects,
            "totalElements": {"type": "integer"},
            "totalPages": {"type": "integer"},
        }));
        let page =
            json!({"name": "page", "in": "query", "schema": {"type": "integer", "default": 0}});
        assert_eq!(
            style_of("get", json!([page, query("size", "integer")]), spring),
            "page page from 0 (content)"
        );
        // Jira: `startAt`, `maxResults`, `total`, `values`.
        let jira = object(json!({
            "values": objects,
            "total": {"type": "integer"},
            "isLast": {"type": "boolean"},
        }));
        assert_eq!(
            style_of(
                "get",
                json!([query("startAt", "integer"), query("maxResults", "integer")]),
                jira
            ),
            "offset startAt until total (values)"
        );
        let pages_only = object(json!({"items": objects, "total_pages": {"type": "integer"}}));
        assert_eq!(
            style_of(
                "get",
                json!([query("$skip", "integer"), query("$top", "integer")]),
                pages_only
            ),
            "offset $skip until - (items)"
        );
    }

    #[test]
    fn what_is_not_a_page_is_not_paginated() {
        let strings = json!({"type": "array", "items": {"type": "string"}});
        let marker = json!([query("marker", "string")]);
        let page = object(json!({"next_marker": {"type": "string"}, "entries": strings}));
        assert_eq!(
            style_of("get", marker.clone(), page.clone()),
            "cursor marker from next_marker (entries)"
        );
        // Only a `GET` is inferred to be paginated.
        assert_eq!(style_of("post", marker.clone(), page), "none");
        // No list.
        let no_list = object(json!({"next_marker": {"type": "string"}}));
        assert_eq!(style_of("get", marker.clone(), no_list), "none");
        // Two lists, neither named as items.
        let two = object(json!({
            "next_marker": {"type": "string"},
            "folders": strings,
            "files": strings,
        }));
        assert_eq!(style_of("get", marker.clone(), two), "none");
        // A `next_*` in an object that only begins with next is no next page.
        let action = object(json!({
            "entries": strings,
            "next_action": object(json!({"redirect_url": {"type": "string", "format": "uri"}})),
        }));
        assert_eq!(style_of("get", marker, action), "none");
    }
}
