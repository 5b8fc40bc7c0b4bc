//! Walking every page of a paginated list operation, whatever its pagination style.

use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::Error;
use crate::future::ResponseFuture;
use crate::response::Response;

/// Where the next page is: what generated code sets on the request for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageRef {
    /// The value of the cursor parameter.
    Cursor(String),
    /// The value of the page number or offset parameter.
    Number(u64),
    /// A link to follow as it is (a `Link` header's `rel="next"`), resolved against the
    /// request's URL; see [`CallOptions::follow`](crate::CallOptions::follow).
    Link(String),
}

/// How an operation tells where its next page is.
#[non_exhaustive]
pub enum Paging<P> {
    /// The page holds the next cursor (a `next` field, or the last item's id while
    /// `has_more`); absent, `null` or empty on the last page.
    Cursor(fn(&P) -> Option<String>),
    /// A response header holds the next cursor; absent or empty on the last page.
    HeaderCursor(&'static str),
    /// The `Link` header's `rel="next"` (RFC 8288); absent on the last page.
    Link,
    /// The page holds the next page's URL, followed as [`Paging::Link`] is (a relative
    /// reference, such as `/v1/items?Page=2` or `items?Page=2`, resolved against the request's
    /// URL; another origin refused); absent, `null` or empty on the last page.
    NextUrl(fn(&P) -> Option<String>),
    /// Pages are numbered: the next is one more than this one, counted from `first` (the
    /// number the first request asked for, or the API's first page).
    PageNumber { first: u64 },
    /// Items are counted: the next page starts after this one's items, counted from
    /// `first`; it ends when the page's total (if it has one) is reached.
    Offset {
        first: u64,
        total: Option<fn(&P) -> Option<u64>>,
    },
}

type Fetch<P, B> = Box<dyn FnMut(Option<PageRef>) -> ResponseFuture<P, B> + Send>;

enum State {
    /// The first page has not been asked for.
    Start,
    /// The next page is there.
    At(PageRef),
    /// The server repeated itself; the next poll reports it.
    Loop(String),
    Done,
}

/// Every page of a list operation, in order, each fetched when the previous one has been
/// taken: a [`Stream`] of pages, or, without any extra crate, a loop over
/// [`try_next`](Self::try_next). Returned by the `paginate()` method of generated request
/// builders.
///
/// The first request is the one the builder describes (its filters, its page size, and its
/// cursor, page or offset if one was set); each later request is the same with the next
/// page's cursor, number or offset, or is the link the server gave (see [`Paging`]). The
/// walk ends after an empty page, after the page with no way to a next one, when the total
/// is reached, or at the first error, which is returned. A server that repeats itself (a
/// cursor or link it sent before, or, for numbered pages, the same page twice in a row)
/// ends the walk with [`Error::Protocol`] instead of looping forever.
pub struct Pages<P, I, B> {
    fetch: Fetch<P, B>,
    paging: Paging<P>,
    items: fn(P) -> Vec<I>,
    count: fn(&P) -> usize,
    fingerprint: fn(&P) -> u64,
    in_flight: Option<ResponseFuture<P, B>>,
    state: State,
    /// The page being fetched (`None` for the first).
    current: Option<PageRef>,
    seen: HashSet<PageRef>,
    last_fingerprint: Option<u64>,
    pages: u64,
}

impl<P, I, B> fmt::Debug for Pages<P, I, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("pages_seen", &self.pages)
            .finish_non_exhaustive()
    }
}

/// A digest of a page, to notice a server that ignores the page number: of its `Debug` text,
/// which every generated type has (a page type only received need not be `Serialize`), fed
/// to the hasher as it is written, never held whole.
fn fingerprint<P: fmt::Debug>(page: &P) -> u64 {
    struct Digest<H>(H);
    impl<H: Hasher> fmt::Write for Digest<H> {
        fn write_str(&mut self, text: &str) -> fmt::Result {
            self.0.write(text.as_bytes());
            Ok(())
        }
    }
    // Fixed keys: the digest is compared within one walk only.
    let mut digest = Digest(
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .build_hasher(),
    );
    if fmt::write(&mut digest, format_args!("{page:?}")).is_err() {
        digest.0.write_u8(0);
    }
    digest.0.finish()
}

impl<P: fmt::Debug, I, B> Pages<P, I, B> {
    /// Used by generated code: `fetch` sends the operation for the given page (or, for
    /// `None`, as the builder was set up); `paging` says how the next page is found;
    /// `items` takes a page's items out of it and `count` counts them.
    #[doc(hidden)]
    pub fn new(
        fetch: impl FnMut(Option<PageRef>) -> ResponseFuture<P, B> + Send + 'static,
        paging: Paging<P>,
        items: fn(P) -> Vec<I>,
        count: fn(&P) -> usize,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            paging,
            items,
            count,
            fingerprint: fingerprint::<P>,
            in_flight: None,
            state: State::Start,
            current: None,
            seen: HashSet::new(),
            last_fingerprint: None,
            pages: 0,
        }
    }
}

impl<P, I, B> Pages<P, I, B> {
    /// The items of every page, one at a time, in order.
    pub fn items(self) -> Items<P, I, B> {
        Items {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    /// The next page; `Ok(None)` once the last page has been returned.
    pub async fn try_next(&mut self) -> Result<Option<P>, Error<B>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Where the page after `response` is, given where it was.
    fn next_state(&mut self, response: &Response<P>) -> State {
        let count = (self.count)(&response.body);
        if count == 0 {
            return State::Done;
        }
        let numbered = |first: u64, current: &Option<PageRef>| match current {
            Some(PageRef::Number(number)) => *number,
            _ => first,
        };
        let next = match &self.paging {
            Paging::Cursor(next) => next(&response.body).map(PageRef::Cursor),
            Paging::HeaderCursor(name) => {
                response.header(name).map(|c| PageRef::Cursor(c.to_owned()))
            }
            Paging::Link => response
                .headers
                .get_all(reqwest::header::LINK)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(next_link)
                .map(PageRef::Link),
            Paging::NextUrl(next) => next(&response.body).map(PageRef::Link),
            Paging::PageNumber { first } => Some(PageRef::Number(
                numbered(*first, &self.current).saturating_add(1),
            )),
            Paging::Offset { first, total } => {
                let next = numbered(*first, &self.current).saturating_add(count as u64);
                match total.and_then(|total| total(&response.body)) {
                    Some(total) if next >= total => None,
                    _ => Some(PageRef::Number(next)),
                }
            }
        };
        let next = match next {
            None => return State::Done,
            Some(PageRef::Cursor(c) | PageRef::Link(c)) if c.is_empty() => return State::Done,
            Some(next) => next,
        };
        match (&self.paging, &next) {
            (Paging::PageNumber { .. } | Paging::Offset { .. }, _) => {
                let digest = (self.fingerprint)(&response.body);
                if self.last_fingerprint.replace(digest) == Some(digest) {
                    return State::Loop(
                        "the server returned the same page twice in a row, whatever page was \
                         asked for; the walk stopped instead of looping"
                            .to_owned(),
                    );
                }
                State::At(next)
            }
            (_, PageRef::Cursor(c) | PageRef::Link(c)) if self.seen.contains(&next) => {
                State::Loop(format!(
                    "the server returned the pagination cursor `{c}` a second time; the walk \
                     stopped instead of looping"
                ))
            }
            _ => {
                self.seen.insert(next.clone());
                State::At(next)
            }
        }
    }
}

/// The target of the first link with `rel="next"` in a `Link` header value (RFC 8288):
/// `<https://api.example.com/items?page=2>; rel="next", <...>; rel="last"`.
pub(crate) fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let after_open = rest.strip_prefix('<')?;
        let close = after_open.find('>')?;
        let target = &after_open[..close];
        rest = &after_open[close + 1..];
        // The parameters run to the next comma outside quotes.
        let mut end = rest.len();
        let mut quoted = false;
        for (index, c) in rest.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    end = index;
                    break;
                }
                _ => {}
            }
        }
        let params = &rest[..end];
        rest = &rest[end..];
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
    }
}

impl<P, I, B> Stream for Pages<P, I, B> {
    type Item = Result<P, Error<B>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            let next = match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Loop(message) => return Poll::Ready(Some(Err(Error::Protocol(message)))),
                State::Start => None,
                State::At(next) => Some(next),
            };
            this.current = next.clone();
            this.in_flight = Some((this.fetch)(next));
        }
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match Pin::new(in_flight).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.in_flight = None;
        let response = match result {
            Ok(response) => response,
            Err(err) => return Poll::Ready(Some(Err(err))),
        };
        this.pages += 1;
        this.state = this.next_state(&response);
        Poll::Ready(Some(Ok(response.body)))
    }
}

/// The items of every page of a list operation, in order; see [`Pages`].
pub struct Items<P, I, B> {
    pages: Pages<P, I, B>,
    buffer: std::vec::IntoIter<I>,
}

// Nothing in `Items` is ever pinned in place: items are moved out of the buffer, and the
// in-flight request is already boxed.
impl<P, I, B> Unpin for Items<P, I, B> {}

impl<P, I, B> fmt::Debug for Items<P, I, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<P, I, B> Items<P, I, B> {
    /// The next item; `Ok(None)` once every page has been read.
    pub async fn try_next(&mut self) -> Result<Option<I>, Error<B>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl<P, I, B> Stream for Items<P, I, B> {
    type Item = Result<I, Error<B>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(Some(Ok(page))) => {
                    this.buffer = (this.pages.items)(page).into_iter();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn the_next_link_is_found_among_others() {
        let github = "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", \
                      <https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"";
        assert_eq!(
            next_link(github).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        let reordered =
            "<https://x.test/a?page=1,2>; rel=\"prev\"; title=\"a, b\", </a?page=3>; REL=next";
        assert_eq!(next_link(reordered).as_deref(), Some("/a?page=3"));
        assert_eq!(next_link("<https://x.test/b>; rel=\"prev last\""), None);
        assert_eq!(
            next_link("<https://x.test/c>; rel=\"last next\"").as_deref(),
            Some("https://x.test/c")
        );
        for nonsense in ["", "garbage", "<unclosed; rel=next", "rel=next"] {
            assert_eq!(next_link(nonsense), None, "{nonsense}");
        }
    }
}
