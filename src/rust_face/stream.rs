//! [`ResultStream`]: an observer as a `futures` [`Stream`] of its query's results.
//!
//! The stream yields the current result at once, then a result each time the query
//! changes. A consumer slower than the changes gets the latest one (older ones are
//! skipped, as a view only needs the latest). It never ends; dropping it stops the
//! observer.

use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::observer::{Observer, OnChange, QueryResult};

struct Latest<T, E> {
    result: Option<QueryResult<T, E>>,
    waker: Option<Waker>,
}

/// A query's results as a stream. Made by [`crate::Query::stream`].
pub struct ResultStream<T, E> {
    latest: Rc<RefCell<Latest<T, E>>>,
    /// Kept for its `Drop`, which stops watching.
    _observer: Observer<T, E>,
}

impl<T, E> ResultStream<T, E>
where
    T: Serialize + DeserializeOwned + 'static,
    E: 'static,
{
    /// A stream of the observer `observe` makes with the callback it is given.
    pub(crate) fn new(
        observe: impl FnOnce(OnChange<T, E>) -> Observer<T, E>,
    ) -> ResultStream<T, E> {
        let latest = Rc::new(RefCell::new(Latest {
            result: None,
            waker: None,
        }));
        let sink = latest.clone();
        let observer = observe(Rc::new(move |r: &QueryResult<T, E>| {
            let waker = match sink.try_borrow_mut() {
                Ok(mut l) => {
                    l.result = Some(r.clone());
                    l.waker.take()
                }
                Err(_) => None,
            };
            if let Some(w) = waker {
                w.wake();
            }
        }));
        // The first item is the result as it stands, unless a change came already.
        {
            let mut l = latest.borrow_mut();
            if l.result.is_none() {
                l.result = Some(observer.result());
            }
        }
        ResultStream {
            latest,
            _observer: observer,
        }
    }
}

impl<T, E> Stream for ResultStream<T, E> {
    type Item = QueryResult<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut l = self.latest.borrow_mut();
        match l.result.take() {
            Some(r) => Poll::Ready(Some(r)),
            None => {
                l.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
