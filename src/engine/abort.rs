//! Stopping a running query function: [`Abortable`] wraps its future and completes
//! early, with `None`, once its [`AbortHandle`] is aborted (the future is dropped
//! then, which is how Rust futures are cancelled).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct State {
    aborted: bool,
    waker: Option<Waker>,
}

/// Aborts the [`Abortable`] it was made with. Clones abort the same future.
#[derive(Clone, Default)]
pub struct AbortHandle {
    state: Rc<RefCell<State>>,
}

impl AbortHandle {
    pub fn new() -> AbortHandle {
        AbortHandle::default()
    }

    /// Stops the future at its next poll, waking it so that happens soon.
    pub fn abort(&self) {
        let waker = {
            let mut s = self.state.borrow_mut();
            s.aborted = true;
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Wraps `future` so that this handle can stop it.
    pub fn wrap<F: Future>(&self, future: F) -> Abortable<F> {
        Abortable {
            future: Box::pin(future),
            state: self.state.clone(),
        }
    }
}

/// A future that yields `Some(output)`, or `None` when aborted first.
pub struct Abortable<F: Future> {
    future: Pin<Box<F>>,
    state: Rc<RefCell<State>>,
}

impl<F: Future> Future for Abortable<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.state.borrow().aborted {
            return Poll::Ready(None);
        }
        if let Poll::Ready(v) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        let mut s = self.state.borrow_mut();
        if s.aborted {
            return Poll::Ready(None);
        }
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fake_host::FakeHost;
    use crate::engine::Host;

    #[test]
    fn an_aborted_future_ends_with_none_and_is_dropped() {
        let host = FakeHost::new();
        let handle = AbortHandle::new();
        let sleep = host.sleep(1000.0);
        let got = host.start(handle.wrap(async move {
            sleep.await;
            "done"
        }));
        host.run();
        handle.abort();
        host.run();
        assert_eq!(got.take(), Some(None));
        assert_eq!(host.now(), 0.0, "no time had to pass");
    }

    #[test]
    fn a_future_that_finishes_first_gives_its_output() {
        let host = FakeHost::new();
        let handle = AbortHandle::new();
        let got = host.start(handle.wrap(async { 5 }));
        host.run();
        handle.abort();
        assert_eq!(got.take(), Some(Some(5)));
    }
}
