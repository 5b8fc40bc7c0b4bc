//! The pages and streams of the mock (`mock.rs`), as JSON: where a page holds its items and
//! its way to the next page ([`PageShape`], supplied by generated code), the pages of a walk
//! with that way written in, and a stream's body framed as the operation's. Imports
//! `stream.rs`; `mock.rs` imports it.

use serde::Serialize;
use serde_json::Value;

use crate::stream::{DataFormat, Framing, StreamFormat};

/// Where a page of a paginated operation holds its items and the way to the next page
/// (wire names: a path of fields from the page down).
#[derive(Debug, Clone, Copy)]
pub struct PageShape {
    /// The field holding the items; empty when the page is the list.
    pub items: &'static [&'static str],
    pub next: NextPage,
}

/// How a paginated operation says where its next page is (its `paginate()` follows the
/// same).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum NextPage {
    /// A cursor query parameter, the next cursor in a field of the page.
    Cursor {
        param: &'static str,
        field: &'static [&'static str],
    },
    /// A cursor query parameter set to the last item's id while the page's `has_more`.
    LastItem {
        param: &'static str,
        has_more: &'static [&'static str],
        id: &'static str,
    },
    /// A cursor query parameter, the next cursor in a response header.
    HeaderCursor {
        param: &'static str,
        header: &'static str,
    },
    /// The `Link` header's `rel="next"`.
    Link,
    /// The next page's URL in a field of the page.
    NextUrl { field: &'static [&'static str] },
    /// The next page's URL as the `href` of the link whose `rel` is `next`, in a list.
    LinkList {
        list: &'static [&'static str],
        rel: &'static str,
        href: &'static str,
    },
    /// A page number query parameter, counted from `first`.
    PageNumber { param: &'static str, first: u64 },
    /// An offset query parameter, with the page's total in a field if it has one.
    Offset {
        param: &'static str,
        total: Option<&'static [&'static str]>,
    },
}

/// One page of a walk as the mock answers it.
pub(crate) struct Page {
    pub body: Value,
    pub headers: Vec<(String, String)>,
    /// The query pair the request for this page carries (none for the first).
    pub query: Option<(String, String)>,
    /// The request follows a link: only the link's query is compared.
    pub link: bool,
}

/// The query parameter of a link the mock gives to a next page.
const LINK_PARAM: &str = "oagen_mock_page";

/// The pages of a walk: `pages` with the way to each next page written in, asked for as
/// `shape` says; a walk by number or offset without a total gets an empty page at its end.
/// `query` is what the first request carries, `path` its path.
pub(crate) fn plan(
    shape: &PageShape,
    query: &[(String, String)],
    path: String,
    mut pages: Vec<Value>,
) -> Vec<Page> {
    let last = pages.len().saturating_sub(1);
    let link = |index: usize| format!("{path}?{LINK_PARAM}={index}");
    let asked = |param: &str| {
        query
            .iter()
            .find(|(name, _)| name == param)
            .and_then(|(_, value)| value.parse::<u64>().ok())
    };
    let counts: Vec<u64> = pages
        .iter()
        .map(|page| items(page, shape.items).map_or(0, |items| items.len() as u64))
        .collect();
    let total: u64 = counts.iter().sum();
    let mut out: Vec<Page> = Vec::new();
    let mut request: Option<(String, String)> = None;
    let mut offset = match shape.next {
        NextPage::Offset { param, .. } => asked(param).unwrap_or(0),
        NextPage::PageNumber { param, first } => asked(param).unwrap_or(first),
        _ => 0,
    };
    let mut tail = None;
    let links = matches!(
        shape.next,
        NextPage::Link | NextPage::NextUrl { .. } | NextPage::LinkList { .. }
    );
    for (index, page) in pages.iter_mut().enumerate() {
        let more = index < last;
        let token = format!("mock-page-{}", index + 2);
        let mut headers = Vec::new();
        let next: Option<(String, String)>;
        match shape.next {
            NextPage::Cursor { param, field } => {
                set(page, field, more.then(|| Value::from(token.clone())));
                next = Some((param.to_owned(), token));
            }
            NextPage::LastItem {
                param,
                has_more,
                id,
            } => {
                set(page, has_more, Some(Value::Bool(more)));
                let last_id = items(page, shape.items)
                    .and_then(|items| items.last())
                    .and_then(|item| item.get(id))
                    .map(|id| match id {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    });
                next = last_id.map(|id| (param.to_owned(), id));
            }
            NextPage::HeaderCursor { param, header } => {
                if more {
                    headers.push((header.to_owned(), token.clone()));
                }
                next = Some((param.to_owned(), token));
            }
            NextPage::Link => {
                if more {
                    headers.push((
                        "link".to_owned(),
                        format!("<{}>; rel=\"next\"", link(index + 2)),
                    ));
                }
                next = Some((LINK_PARAM.to_owned(), (index + 2).to_string()));
            }
            NextPage::NextUrl { field } => {
                set(page, field, more.then(|| Value::from(link(index + 2))));
                next = Some((LINK_PARAM.to_owned(), (index + 2).to_string()));
            }
            NextPage::LinkList { list, rel, href } => {
                let links = more.then(|| next_link(rel, href, link(index + 2)));
                set(page, list, Some(Value::Array(links.into_iter().collect())));
                next = Some((LINK_PARAM.to_owned(), (index + 2).to_string()));
            }
            NextPage::PageNumber { param, .. } => {
                offset += 1;
                next = Some((param.to_owned(), offset.to_string()));
                if !more {
                    tail = next.clone();
                }
            }
            NextPage::Offset {
                param,
                total: field,
            } => {
                offset += counts[index];
                next = Some((param.to_owned(), offset.to_string()));
                match field {
                    Some(field) => set(page, field, Some(Value::from(total))),
                    None if !more => tail = next.clone(),
                    None => {}
                }
            }
        }
        out.push(Page {
            body: page.clone(),
            headers,
            query: request.take(),
            link: index > 0 && links,
        });
        request = next;
    }
    if let (Some(query), Some(last)) = (tail, pages.last()) {
        out.push(empty_page(shape, last, query));
    }
    out
}

/// `{rel: "next", href: url}`: the link to the next page in a list of links.
fn next_link(rel: &str, href: &str, url: String) -> Value {
    let mut object = serde_json::Map::new();
    object.insert(rel.to_owned(), Value::from("next"));
    object.insert(href.to_owned(), Value::from(url));
    Value::Object(object)
}

/// The empty page after the last one (`last` without items), asked for with `query`.
fn empty_page(shape: &PageShape, last: &Value, query: (String, String)) -> Page {
    let mut empty = last.clone();
    if shape.items.is_empty() {
        empty = Value::Array(Vec::new());
    } else {
        set(&mut empty, shape.items, Some(Value::Array(Vec::new())));
    }
    Page {
        body: empty,
        headers: Vec::new(),
        query: Some(query),
        link: false,
    }
}

/// The items of a page: the list at `path` (the page itself for an empty path).
fn items<'a>(page: &'a Value, path: &[&str]) -> Option<&'a Vec<Value>> {
    let mut value = page;
    for field in path {
        value = value.get(field)?;
    }
    value.as_array()
}

/// Sets the field at `path` (making the objects on the way), or removes it (`None`).
fn set(page: &mut Value, path: &[&str], value: Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut place = page;
    for field in parents {
        let Value::Object(object) = place else {
            return;
        };
        place = object
            .entry(field.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    if let Value::Object(object) = place {
        match value {
            Some(value) => {
                object.insert(last.to_string(), value);
            }
            None => {
                object.remove(*last);
            }
        }
    }
}

/// A stream's body and media type: each event framed as `format` says (text data as it
/// is, other data as JSON). Panics (failing the test) if an event cannot be written as
/// JSON.
pub(crate) fn stream_body<E: Serialize>(
    format: &StreamFormat,
    events: &[E],
) -> (Vec<u8>, &'static str) {
    let data: Vec<String> = events
        .iter()
        .map(|event| match (serde_json::to_value(event), format.data) {
            (Ok(Value::String(text)), DataFormat::Text) => text,
            (Ok(value), _) => value.to_string(),
            (Err(err), _) => panic!("a mock's event could not be written as JSON: {err}"),
        })
        .collect();
    let mut body = String::new();
    let media_type = match format.framing {
        Framing::ServerSentEvents => {
            for item in &data {
                for line in item.split('\n') {
                    body.push_str("data: ");
                    body.push_str(line);
                    body.push('\n');
                }
                body.push('\n');
            }
            "text/event-stream"
        }
        Framing::JsonLines => {
            for item in &data {
                body.push_str(item);
                body.push('\n');
            }
            "application/x-ndjson"
        }
        Framing::JsonSeq => {
            for item in &data {
                body.push('\u{1e}');
                body.push_str(item);
                body.push('\n');
            }
            "application/json-seq"
        }
    };
    (body.into_bytes(), media_type)
}
