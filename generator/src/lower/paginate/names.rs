//! Names as words, for pagination: what a parameter or field name says it is, whatever its
//! case or separators (`nextPageToken`, `next_page_token`, `Next-Page-Token` and
//! `NEXT_PAGE_TOKEN` are the words `next page token`). Pure functions of names; the types
//! and the page's shape are checked by the caller.

/// The words of a name, lowercased: split at anything not a letter or digit, at a lowercase
/// letter or digit followed by an uppercase one, and before the last capital of a run of
/// capitals followed by a lowercase letter (`nextURL` → `next url`, `URLNext` → `url next`).
pub(super) fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (index, &c) in chars.iter().enumerate() {
            let prev = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_lowercase());
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// A name without case or separators (`PageSize`, `page_size`, `page-size` → `pagesize`).
pub(super) fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether two names are the same but for case and separators.
pub(super) fn same(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

fn is_next(word: &str) -> bool {
    word == "next" || word.starts_with("next") && LINK_WORDS.iter().any(|w| word.ends_with(w))
}

/// Whether the words of a name (or of a path of names) speak of the next page: `next`,
/// `next_url`, `nextPageToken`, `links.next`; not `previous` or `first`.
pub(super) fn says_next(words: &[String]) -> bool {
    words.iter().any(|w| is_next(w))
}

const LINK_WORDS: [&str; 5] = ["url", "uri", "link", "href", "links"];

/// Whether a field's words say it holds a URL or URI reference (`next_page_url`,
/// `next_page_uri`, `nextLink`, `@odata.nextLink`, `href`).
pub(super) fn says_link(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| LINK_WORDS.iter().any(|link| w == link || w.ends_with(link)))
}

/// Words that say what kind of thing a cursor is, not which one: `page_token` and `page`
/// are the same cursor, and `next_cursor` answers `start_cursor`.
const CURSOR_KINDS: [&str; 3] = ["cursor", "token", "marker"];
/// Words that say where a walk starts rather than what it starts from.
const POSITIONS: [&str; 5] = ["start", "starting", "from", "current", "begin"];

/// What a cursor name stands for once `next`, a trailing kind word and a leading position
/// word are taken off: `next_page_token`, `pageToken` and `page` → `page`; `next_cursor`,
/// `cursor`, `start_cursor` and `NextToken` → nothing; `next_marker` and `marker` → nothing.
fn cursor_stem(words: &[String]) -> Vec<&str> {
    let mut stem: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !is_next(w))
        .collect();
    if stem.len() > 1 && POSITIONS.contains(&stem[0]) {
        stem.remove(0);
    }
    if stem.last().is_some_and(|w| CURSOR_KINDS.contains(w)) {
        stem.pop();
    }
    stem
}

/// Whether a response field (`leaf`, the last name of its path; the path says next) holds
/// the value of the query parameter `param` for the next page: `next_<p>`, `<p>_next`,
/// `next<P>` or `<p>` itself (`next_marker` for `marker`, `nextPageToken` for `pageToken`,
/// `NextToken` for `NextToken`, `after` under `paging.next` for `after`), also when they
/// differ only by a kind word or a position word (`next_page` for `page_token`,
/// `next_cursor` for `start_cursor`).
pub(super) fn names_param(leaf: &str, param: &str) -> bool {
    let (leaf_key, param_key) = (key(leaf), key(param));
    if param_key.is_empty() {
        return false;
    }
    if leaf_key == param_key
        || leaf_key.strip_prefix("next") == Some(param_key.as_str())
        || leaf_key.strip_suffix("next") == Some(param_key.as_str())
    {
        return true;
    }
    let (leaf_words, param_words) = (words(leaf), words(param));
    // The stems must say the same, and the parameter must be a cursor by its name too
    // (else `next` would name any parameter).
    cursor_stem(&leaf_words) == cursor_stem(&param_words)
        && param_words.iter().any(|w| {
            CURSOR_KINDS.contains(&w.as_str()) || w == "page" || POSITIONS.contains(&w.as_str())
        })
}

/// A query parameter that looks like a cursor (for the `explain` notes).
pub(super) fn looks_like_cursor(param: &str) -> bool {
    let words = words(param);
    words
        .iter()
        .any(|w| CURSOR_KINDS.contains(&w.as_str()) || w == "after")
}

/// The cursor parameter of the last-item way: `starting_after`, `after`, `startingAfter`.
pub(super) fn is_after(param: &str) -> bool {
    words(param).last().is_some_and(|w| w == "after")
}

/// The boolean that says another page follows: `has_more`, `hasMore`, `more`,
/// `has_next_page`.
pub(super) fn is_has_more(field: &str) -> bool {
    let words = words(field);
    words.iter().any(|w| w == "more")
        || (words.first().is_some_and(|w| w == "has") && words.iter().any(|w| w == "next"))
}

/// The page number parameter: `page`, `Page`, `page_number`, `pageNumber`, `page_no`,
/// `pageIndex`.
pub(super) fn is_page_number(param: &str) -> bool {
    let words = words(param);
    matches!(words.first().map(String::as_str), Some("page"))
        && words[1..]
            .iter()
            .all(|w| matches!(w.as_str(), "number" | "num" | "no" | "index" | "idx"))
        || matches!(key(param).as_str(), "pagenumber" | "pagenum" | "pageno")
}

/// The offset parameter: `offset`, `skip` (`$skip`), `startAt`, `start_index`,
/// `first_result`.
pub(super) fn is_offset(param: &str) -> bool {
    let words = words(param);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        words.as_slice(),
        ["offset"] | ["skip"] | ["start", "at" | "index" | "offset"] | ["first", "result"]
    )
}

/// The page size parameter: `limit`, `per_page`, `page_size`, `PageSize`, `pageSize`,
/// `size`, `count`, `maxResults`, `MaxKeys`, `max_items`, `$top`, `results_per_page`.
pub(super) fn is_page_size(param: &str) -> bool {
    let words = words(param);
    words.iter().any(|w| w == "per")
        || words
            .last()
            .is_some_and(|w| matches!(w.as_str(), "size" | "limit" | "count" | "length"))
        || words.first().is_some_and(|w| w == "max")
        || matches!(words.as_slice(), [w] if w == "top")
}

/// Words of an integer that are no count of items.
const NOT_COUNTS: [&str; 9] = [
    "page", "pages", "amount", "price", "cost", "bytes", "time", "duration", "ms",
];

/// An integer field that counts the whole collection: `total`, `total_count`,
/// `totalCount`, `count`, `total_results`, `totalSize`, `totalElements`; not `total_pages`
/// or `total_amount`.
pub(super) fn is_total(field: &str) -> bool {
    let words = words(field);
    (words.iter().any(|w| w == "total") || matches!(words.as_slice(), [w] if w == "count"))
        && !words.iter().any(|w| NOT_COUNTS.contains(&w.as_str()))
}

/// Names a page uses for its list of items whatever they are.
const COLLECTIONS: [&str; 14] = [
    "data", "items", "results", "entries", "values", "value", "records", "elements", "objects",
    "rows", "list", "content", "hits", "nodes",
];

/// Whether a list field's name says it holds the page's items: a generic name (`data`,
/// `items`, `entries`...) or the name of the resource (`resource`, the path's last literal
/// segment: `users` for `/v1/users`).
pub(super) fn names_items(field: &str, resource: &str) -> bool {
    let field = key(field);
    COLLECTIONS.contains(&field.as_str()) || (!field.is_empty() && field == key(resource))
}

/// Whether a response header holds the next cursor for the query parameter `param`:
/// `X-Next-Cursor` for `cursor`, `X-Next-Page-Token` for `page_token`.
pub(super) fn header_names_param(header: &str, param: &str) -> bool {
    let words = words(header);
    if !says_next(&words) {
        return false;
    }
    let rest: Vec<String> = words.into_iter().filter(|w| w != "x").collect();
    names_param(&rest.join("_"), param)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str) -> Vec<String> {
        words(name)
    }

    #[test]
    fn words_split_at_case_and_separators() {
        for (name, expected) in [
            ("nextPageToken", "next page token"),
            ("next_page_token", "next page token"),
            ("Next-Page-Token", "next page token"),
            ("NEXT_PAGE_TOKEN", "next page token"),
            ("nextURL", "next url"),
            ("URLNext", "url next"),
            ("@odata.nextLink", "odata next link"),
            ("$skip", "skip"),
            ("PageSize", "page size"),
            ("page[size]", "page size"),
            ("v2Items", "v2 items"),
            ("", ""),
        ] {
            assert_eq!(w(name).join(" "), expected, "{name}");
        }
        assert!(same("PageSize", "page-size") && same("page_size", "pageSize"));
        assert!(!same("page_size", "size"));
    }

    #[test]
    fn a_cursor_field_names_its_parameter() {
        for (field, param) in [
            ("next_marker", "marker"),
            ("nextMarker", "Marker"),
            ("NextMarker", "marker"),
            ("nextPageToken", "pageToken"),
            ("next_page_token", "PageToken"),
            ("marker_next", "marker"),
            ("NextToken", "NextToken"),
            ("after", "after"),
            ("next_page", "page_token"),
            ("next_page", "page"),
            ("next", "cursor"),
            ("next_cursor", "cursor"),
            ("next_cursor", "start_cursor"),
            ("nextCursor", "startingCursor"),
        ] {
            assert!(names_param(field, param), "{field} for {param}");
        }
        for (field, param) in [
            ("next_marker", "limit"),
            ("next", "limit"),
            ("next", "filter"),
            ("next_page", "cursor"),
            ("next_id", "marker"),
            ("next_page_token", "token"),
            ("next_token", "page_token"),
            ("next", ""),
        ] {
            assert!(!names_param(field, param), "{field} for {param}");
        }
        assert!(header_names_param("X-Next-Cursor", "cursor"));
        assert!(header_names_param("X-Next-Page-Token", "pageToken"));
        assert!(!header_names_param("X-Cursor", "cursor"));
        assert!(!header_names_param("X-Next-Cursor", "limit"));
    }

    #[test]
    fn next_links_are_told_by_their_words() {
        for name in [
            "next_url",
            "nextLink",
            "next_page_uri",
            "nextPageUrl",
            "@odata.nextLink",
        ] {
            assert!(says_next(&w(name)) && says_link(&w(name)), "{name}");
        }
        assert!(says_next(&w("next")) && !says_link(&w("next")));
        assert!(!says_next(&w("previous_page_uri")) && !says_next(&w("nextval")));
        assert!(says_next(&w("nextlink")));
        assert!(!says_link(&w("next_page_token")));
    }

    #[test]
    fn parameters_are_known_by_their_words() {
        for page in [
            "page",
            "Page",
            "page_number",
            "pageNumber",
            "PageNo",
            "pagenumber",
        ] {
            assert!(is_page_number(page), "{page}");
        }
        for not in ["page_size", "pageToken", "per_page", "pages"] {
            assert!(!is_page_number(not), "{not}");
        }
        for offset in [
            "offset",
            "Offset",
            "$skip",
            "startAt",
            "start_index",
            "firstResult",
        ] {
            assert!(is_offset(offset), "{offset}");
        }
        for not in ["start", "from", "offset_id", "skip_validation"] {
            assert!(!is_offset(not), "{not}");
        }
        for size in [
            "limit",
            "per_page",
            "PageSize",
            "page-size",
            "size",
            "count",
            "maxResults",
            "MaxKeys",
            "$top",
            "perPage",
        ] {
            assert!(is_page_size(size), "{size}");
        }
        for not in ["page", "offset", "sort", "top_level"] {
            assert!(!is_page_size(not), "{not}");
        }
        assert!(is_after("starting_after") && is_after("startingAfter") && is_after("after"));
        assert!(!is_after("ending_before") && !is_after("after_date"));
        for more in ["has_more", "hasMore", "more", "has_next_page", "HasNext"] {
            assert!(is_has_more(more), "{more}");
        }
        assert!(!is_has_more("is_last") && !is_has_more("has_children"));
    }

    #[test]
    fn totals_count_the_collection() {
        for total in [
            "total",
            "total_count",
            "totalCount",
            "TotalCount",
            "count",
            "total_results",
            "totalSize",
            "totalElements",
        ] {
            assert!(is_total(total), "{total}");
        }
        for not in [
            "total_pages",
            "totalPages",
            "total_amount",
            "page_count",
            "limit",
        ] {
            assert!(!is_total(not), "{not}");
        }
    }

    #[test]
    fn items_are_named_generically_or_after_the_resource() {
        assert!(names_items("entries", "folders") && names_items("data", ""));
        assert!(names_items("servers", "servers") && names_items("Users", "users"));
        assert!(!names_items("servers_links", "servers") && !names_items("order", "items"));
    }
}
