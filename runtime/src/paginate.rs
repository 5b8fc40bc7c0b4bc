//! Walking every page of a cursor-paginated list operation.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::Error;
use crate::request::BoxFuture;

type Fetch<'a, P, B> =
    Box<dyn FnMut(Option<String>) -> BoxFuture<'a, Result<P, Error<B>>> + Send + 'a>;

enum State {
    /// The first page has not been asked for.
    Start,
    /// The next page is the one at this cursor.
    At(String),
    /// The server sent a cursor it had sent before; the next poll reports it.
    Loop(String),
    Done,
}

/// Every page of a list operation, in order, each fetched when the previous one has been
/// taken: a [`Stream`] of pages, or, without any extra crate, a loop over
/// [`try_next`](Self::try_next). Returned by the `paginate()` method of generated request
/// builders.
///
/// The first request is the one the builder describes (its filters, its page size, and its
/// cursor if one was set); each later request is the same with the cursor of the page
/// before. The walk ends after the page whose cursor is absent, `null` or empty, or at the
/// first error, which is returned. A cursor that comes back a second time ends the walk with
/// [`Error::Protocol`] instead of looping forever.
pub struct Pages<'a, P, I, B> {
    fetch: Fetch<'a, P, B>,
    next_cursor: fn(&P) -> Option<String>,
    items: fn(P) -> Vec<I>,
    in_flight: Option<BoxFuture<'a, Result<P, Error<B>>>>,
    state: State,
    seen: HashSet<String>,
}

impl<P, I, B> fmt::Debug for Pages<'_, P, I, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("pages_seen", &self.seen.len())
            .finish_non_exhaustive()
    }
}

impl<'a, P, I, B> Pages<'a, P, I, B> {
    /// Used by generated code: `fetch` sends the operation with the given cursor (or, for
    /// `None`, as the builder was set up); `next_cursor` reads a page's cursor for the next
    /// one; `items` takes a page's items out of it.
    pub fn new(
        fetch: impl FnMut(Option<String>) -> BoxFuture<'a, Result<P, Error<B>>> + Send + 'a,
        next_cursor: fn(&P) -> Option<String>,
        items: fn(P) -> Vec<I>,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            next_cursor,
            items,
            in_flight: None,
            state: State::Start,
            seen: HashSet::new(),
        }
    }

    /// The items of every page, one at a time, in order.
    pub fn items(self) -> Items<'a, P, I, B> {
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
}

impl<P, I, B> Stream for Pages<'_, P, I, B> {
    type Item = Result<P, Error<B>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            let cursor = match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Loop(cursor) => {
                    return Poll::Ready(Some(Err(Error::Protocol(format!(
                        "the server returned the pagination cursor `{cursor}` a second time; \
                         the walk stopped instead of looping"
                    )))));
                }
                State::Start => None,
                State::At(cursor) => Some(cursor),
            };
            this.in_flight = Some((this.fetch)(cursor));
        }
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match in_flight.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.in_flight = None;
        let page = match result {
            Ok(page) => page,
            Err(err) => return Poll::Ready(Some(Err(err))),
        };
        this.state = match (this.next_cursor)(&page).filter(|cursor| !cursor.is_empty()) {
            None => State::Done,
            Some(cursor) if this.seen.insert(cursor.clone()) => State::At(cursor),
            Some(cursor) => State::Loop(cursor),
        };
        Poll::Ready(Some(Ok(page)))
    }
}

/// The items of every page of a list operation, in order; see [`Pages`].
pub struct Items<'a, P, I, B> {
    pages: Pages<'a, P, I, B>,
    buffer: std::vec::IntoIter<I>,
}

// Nothing in `Items` is ever pinned in place: items are moved out of the buffer, and the
// in-flight request is already boxed.
impl<P, I, B> Unpin for Items<'_, P, I, B> {}

impl<P, I, B> fmt::Debug for Items<'_, P, I, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<P, I, B> Items<'_, P, I, B> {
    /// The next item; `Ok(None)` once every page has been read.
    pub async fn try_next(&mut self) -> Result<Option<I>, Error<B>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl<P, I, B> Stream for Items<'_, P, I, B> {
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
