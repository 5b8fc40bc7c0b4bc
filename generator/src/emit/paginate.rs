//! `paginate.rs`: the `paginate()` method of a paginated list operation's request builder,
//! for each pagination style of `ir::PageStyle`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::signature::struct_fields;
use super::{Cx, Place};
use crate::ir::{Boxing, NextCursor, Operation, PageStyle, Pagination, ResponseBody, TypeRef};

/// `paginate()`, for a paginated list operation: every page (or, with `.items()`, every
/// item) as a stream.
pub(super) fn paginate(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else {
        return quote!();
    };
    let ResponseBody::Json(page_ty) = &op.response.body else {
        return quote!();
    };
    let page = cx.ty(Place::Outside, page_ty, Boxing::Inline);
    let Some((item_ty, take_items, count)) = items_of(cx, pagination, page_ty) else {
        return quote!();
    };
    let item = cx.ty(Place::Outside, item_ty, Boxing::Inline);
    let items_doc = match &pagination.items {
        Some(items) => format!("the `{}` of each page", items.wire_name),
        None => "each page's items".to_owned(),
    };
    let (paging, apply, how) = paging(cx, op, pagination, page_ty, &page);
    let docs = [
        " Walks every page: the first as this request describes it, then each next one,".to_owned(),
        how,
        format!(" Call `.items()` on the result for {items_doc} instead."),
    ];
    quote! {
        #(#[doc = #docs])*
        pub fn paginate(self) -> oagen_runtime::Pages<#page, #item, ErrorBody> {
            let paging = #paging;
            oagen_runtime::Pages::new(
                move |next| {
                    let mut request = self.clone();
                    #apply
                    request.send_with_response()
                },
                paging,
                |page: #page| #take_items,
                |page: &#page| #count,
            )
        }
    }
}

/// The items of one page: their type, the expression that takes them out of `page` (owned),
/// and the one that counts them (borrowed).
fn items_of<'a>(
    cx: &Cx<'a>,
    pagination: &Pagination,
    page_ty: &'a TypeRef,
) -> Option<(&'a TypeRef, TokenStream, TokenStream)> {
    let items = match &pagination.items {
        None => {
            let (item_ty, nullable) = list_of(cx, page_ty)?;
            if nullable {
                (
                    item_ty,
                    quote!(page.unwrap_or_default()),
                    quote!(page.as_ref().map_or(0, |items| items.len())),
                )
            } else {
                (item_ty, quote!(page), quote!(page.len()))
            }
        }
        Some(items) => {
            let items_field = struct_fields(cx, page_ty)
                .and_then(|fields| fields.iter().find(|f| f.rust_name == items.rust_name))?;
            let TypeRef::Array(item_ty) = items_field.ty.non_null() else {
                return None;
            };
            let field = format_ident!("{}", items.rust_name);
            let (take, count) = match items.depth {
                0 => (quote!(page.#field), quote!(page.#field.len())),
                1 => (
                    quote!(page.#field.unwrap_or_default()),
                    quote!(page.#field.as_ref().map_or(0, |items| items.len())),
                ),
                _ => (
                    quote!(page.#field.into_option().unwrap_or_default()),
                    quote!(page.#field.as_ref().map_or(0, |items| items.len())),
                ),
            };
            (&**item_ty, take, count)
        }
    };
    Some(items)
}

/// How the walk goes from a page to the next: the runtime's `Paging`, the statements that set
/// the next request's parameter from `next` (a `PageRef`), and the doc text that says so.
fn paging(
    cx: &Cx<'_>,
    op: &Operation,
    pagination: &Pagination,
    page_ty: &TypeRef,
    page: &TokenStream,
) -> (TokenStream, TokenStream, String) {
    match &pagination.style {
        PageStyle::Cursor { param, next } => {
            let (cursor, wire) = number_param(op, *param);
            let (next_cursor, how) = next_cursor(pagination, next);
            (
                quote!(oagen_runtime::Paging::Cursor(|page: &#page| #next_cursor)),
                quote! {
                    if let Some(oagen_runtime::PageRef::Cursor(cursor)) = next {
                        request.#cursor = Some(cursor);
                    }
                },
                format!(" with `{wire}` set to {how}."),
            )
        }
        PageStyle::HeaderCursor { param, header } => {
            let (cursor, wire) = number_param(op, *param);
            (
                quote!(oagen_runtime::Paging::HeaderCursor(#header)),
                quote! {
                    if let Some(oagen_runtime::PageRef::Cursor(cursor)) = next {
                        request.#cursor = Some(cursor);
                    }
                },
                format!(" with `{wire}` set to the `{header}` header of the response before."),
            )
        }
        PageStyle::Link => (
            quote!(oagen_runtime::Paging::Link),
            quote! {
                if let Some(oagen_runtime::PageRef::Link(link)) = next {
                    request.options.follow(link);
                }
            },
            " at the `Link` header's `rel=\"next\"` of the response before (on the API's \
             origin only)."
                .to_owned(),
        ),
        PageStyle::NextUrl { path } => {
            let value = string_at(path);
            let names: Vec<&str> = path.iter().map(|f| f.wire_name.as_str()).collect();
            (
                quote!(oagen_runtime::Paging::NextUrl(|page: &#page| #value)),
                quote! {
                    if let Some(oagen_runtime::PageRef::Link(link)) = next {
                        request.options.follow(link);
                    }
                },
                format!(
                    " at the `{}` of the page before (on the API's origin only).",
                    super::escape_controls(&names.join("."))
                ),
            )
        }
        PageStyle::LinkList { list, rel, href } => {
            let value = link_in_list(list, rel, href);
            let names: Vec<&str> = list.iter().map(|f| f.wire_name.as_str()).collect();
            (
                quote!(oagen_runtime::Paging::NextUrl(|page: &#page| #value)),
                quote! {
                    if let Some(oagen_runtime::PageRef::Link(link)) = next {
                        request.options.follow(link);
                    }
                },
                format!(
                    " at the `{}` of the link in `{}` whose `{}` is `next` in the page before \
                     (on the API's origin only).",
                    super::escape_controls(&href.wire_name),
                    super::escape_controls(&names.join(".")),
                    super::escape_controls(&rel.wire_name),
                ),
            )
        }
        PageStyle::PageNumber { param, first } => {
            let (ident, wire) = number_param(op, *param);
            let ty = &op.params[*param].ty;
            let first = Literal::u64_unsuffixed(*first);
            let start = to_u64(ty, quote!(self.#ident));
            (
                quote! {
                    oagen_runtime::Paging::PageNumber {
                        first: #start.unwrap_or(#first),
                    }
                },
                set_number(ty, &ident, &wire),
                format!(" with `{wire}` one more each time, until a page is empty."),
            )
        }
        PageStyle::Offset { param, total } => offset(cx, op, page_ty, page, *param, total.as_ref()),
    }
}

/// Offset paging: the first offset from the request, and the total from the page where the
/// API states one.
fn offset(
    cx: &Cx<'_>,
    op: &Operation,
    page_ty: &TypeRef,
    page: &TokenStream,
    param: usize,
    total_field: Option<&crate::ir::PageField>,
) -> (TokenStream, TokenStream, String) {
    let (ident, wire) = number_param(op, param);
    let ty = &op.params[param].ty;
    let start = to_u64(ty, quote!(self.#ident));
    let total = match total_field {
        Some(total) => {
            let field = format_ident!("{}", total.rust_name);
            let total_ty = struct_fields(cx, page_ty)
                .and_then(|fields| fields.iter().find(|f| f.rust_name == total.rust_name))
                .map_or(&TypeRef::Any, |f| f.ty.non_null());
            let value = match total.depth {
                0 => match total_ty {
                    TypeRef::Scalar(crate::ir::Scalar::U64) => quote!(Some(page.#field)),
                    TypeRef::Scalar(crate::ir::Scalar::U32) => {
                        quote!(Some(u64::from(page.#field)))
                    }
                    _ => quote!(u64::try_from(page.#field).ok()),
                },
                1 => to_u64(total_ty, quote!(page.#field)),
                _ => to_u64(total_ty, quote!(page.#field.into_option())),
            };
            quote!(Some((|page: &#page| #value) as fn(&#page) -> Option<u64>))
        }
        None => quote!(None),
    };
    let until = match total_field {
        Some(total) => format!(
            "until a page is empty or the `{}` is reached",
            total.wire_name
        ),
        None => "until a page is empty".to_owned(),
    };
    (
        quote! {
            oagen_runtime::Paging::Offset {
                first: #start.unwrap_or(0),
                total: #total,
            }
        },
        set_number(ty, &ident, &wire),
        format!(" with `{wire}` moved past the items read, {until}."),
    )
}

/// The Rust and wire names of the parameter at `param`.
fn number_param(op: &Operation, param: usize) -> (proc_macro2::Ident, String) {
    let param = &op.params[param];
    (
        format_ident!("{}", param.rust_name),
        param.wire_name.clone(),
    )
}

/// The string read through `path` from `page` (a `&Page`), as an `Option<String>`: the next
/// page's URL or cursor.
fn string_at(path: &[crate::ir::PageField]) -> TokenStream {
    let Some((last, parents)) = path.split_last() else {
        return quote!(None);
    };
    let mut steps = Vec::new();
    let mut at = quote!(page);
    for (index, field) in parents.iter().enumerate() {
        let name = format_ident!("{}", field.rust_name);
        let next = format_ident!("level{}", index + 1);
        let value = match field.depth {
            0 => quote!(&#at.#name),
            1 => quote!(#at.#name.as_ref()?),
            _ => quote!(#at.#name.as_ref()?),
        };
        steps.push(quote!(let #next = #value;));
        at = quote!(#next);
    }
    let name = format_ident!("{}", last.rust_name);
    let value = match last.depth {
        0 => quote!(Some(#at.#name.clone())),
        1 => quote!(#at.#name.clone()),
        _ => quote!(#at.#name.clone().into_option()),
    };
    if steps.is_empty() {
        value
    } else {
        quote!({ #(#steps)* #value })
    }
}

/// The `href` of the link whose `rel` is `next` (any case), in the list of links reached
/// through `list` from `page` (a `&Page`), as an `Option<String>`.
fn link_in_list(
    list: &[crate::ir::PageField],
    rel: &crate::ir::PageField,
    href: &crate::ir::PageField,
) -> TokenStream {
    let Some((last, parents)) = list.split_last() else {
        return quote!(None);
    };
    let mut steps = Vec::new();
    let mut at = quote!(page);
    for (index, field) in parents.iter().enumerate() {
        let name = format_ident!("{}", field.rust_name);
        let next = format_ident!("level{}", index + 1);
        let value = match field.depth {
            0 => quote!(&#at.#name),
            _ => quote!(#at.#name.as_ref()?),
        };
        steps.push(quote!(let #next = #value;));
        at = quote!(#next);
    }
    let name = format_ident!("{}", last.rust_name);
    let links = match last.depth {
        0 => quote!(#at.#name.iter()),
        _ => quote!(#at.#name.as_ref()?.iter()),
    };
    let rel_name = format_ident!("{}", rel.rust_name);
    let is_next = match rel.depth {
        0 => quote!(link.#rel_name.eq_ignore_ascii_case("next")),
        _ => quote!(link
            .#rel_name
            .as_deref()
            .is_some_and(|rel| rel.eq_ignore_ascii_case("next"))),
    };
    let href_name = format_ident!("{}", href.rust_name);
    let take = match href.depth {
        0 => quote!(map(|link| link.#href_name.clone())),
        1 => quote!(and_then(|link| link.#href_name.clone())),
        _ => quote!(and_then(|link| link.#href_name.clone().into_option())),
    };
    quote!({
        #(#steps)*
        #links.find(|link| #is_next).#take
    })
}

/// An `Option` of an integer (`option`, of the integer type `ty`) as an `Option<u64>`: with
/// no conversion where none is needed (clippy flags those), `None` for a negative number.
fn to_u64(ty: &TypeRef, option: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Scalar(crate::ir::Scalar::U64) => option,
        TypeRef::Scalar(crate::ir::Scalar::U32) => quote!(#option.map(u64::from)),
        _ => quote!(#option.and_then(|number| u64::try_from(number).ok())),
    }
}

/// Sets an integer page parameter from `PageRef::Number`, refusing a number the parameter's
/// type cannot hold.
fn set_number(ty: &TypeRef, ident: &proc_macro2::Ident, wire: &str) -> TokenStream {
    if *ty == TypeRef::Scalar(crate::ir::Scalar::U64) {
        return quote! {
            if let Some(oagen_runtime::PageRef::Number(number)) = next {
                request.#ident = Some(number);
            }
        };
    }
    let message = format!("the next page's `{wire}` does not fit its parameter's type");
    quote! {
        if let Some(oagen_runtime::PageRef::Number(number)) = next {
            match number.try_into() {
                Ok(number) => request.#ident = Some(number),
                Err(_) => {
                    return oagen_runtime::ResponseFuture::failed(Error::Protocol(
                        #message.to_owned(),
                    ));
                }
            }
        }
    }
}

/// The item type of a list type (through aliases), and whether the list is nullable.
fn list_of<'a>(cx: &Cx<'a>, ty: &'a TypeRef) -> Option<(&'a TypeRef, bool)> {
    match cx.api.through_aliases(ty) {
        TypeRef::Array(item) => Some((item, false)),
        TypeRef::Nullable(inner) => list_of(cx, inner).map(|(item, _)| (item, true)),
        _ => None,
    }
}

/// The next cursor read from a page, and how the docs say it.
fn next_cursor(pagination: &Pagination, next: &NextCursor) -> (TokenStream, String) {
    match next {
        NextCursor::Field(path) => {
            let names: Vec<&str> = path.iter().map(|f| f.wire_name.as_str()).collect();
            (
                string_at(path),
                format!(
                    "the `{}` of the page before",
                    super::escape_controls(&names.join("."))
                ),
            )
        }
        NextCursor::LastItem { has_more, id } => {
            let flag = format_ident!("{}", has_more.rust_name);
            let more = match has_more.depth {
                0 => quote!(page.#flag),
                1 => quote!(page.#flag.unwrap_or(false)),
                _ => quote!(page.#flag.into_option().unwrap_or(false)),
            };
            let items_depth = pagination.items.as_ref().map_or(0, |items| items.depth);
            let items = pagination
                .items
                .as_ref()
                .map(|items| format_ident!("{}", items.rust_name));
            let last = match (items, items_depth) {
                (None, _) => quote!(page.last()),
                (Some(items), 0) => quote!(page.#items.last()),
                (Some(items), 1) => quote!(page.#items.as_ref().and_then(|items| items.last())),
                (Some(items), _) => quote!(page.#items.as_ref().and_then(|items| items.last())),
            };
            let id_field = format_ident!("{}", id.rust_name);
            let id_value = match id.depth {
                0 => quote!(map(|item| item.#id_field.clone())),
                1 => quote!(and_then(|item| item.#id_field.clone())),
                _ => quote!(and_then(|item| item.#id_field.clone().into_option())),
            };
            (
                quote! {
                    if #more {
                        #last.#id_value
                    } else {
                        None
                    }
                },
                format!(
                    "the `{}` of the last item of the page before, while its `{}` is true",
                    id.wire_name, has_more.wire_name
                ),
            )
        }
    }
}
