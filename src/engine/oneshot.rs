//! A one-value channel between engine tasks: how a caller waits for a fetch it
//! started or joined, or for an L2 read that is batched with others.
//!
//! Single-threaded (`Rc`), no runtime needed. A receiver whose sender is dropped
//! without sending completes with `None`, so no waiter hangs on a task that ended.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

struct Slot<T> {
    value: Option<T>,
    closed: bool,
    waker: Option<Waker>,
}

/// The sending half: [`Sender::send`] once, or drop it.
pub struct Sender<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

/// The receiving half: a future of `Some(value)`, or `None` if the sender was dropped.
pub struct Receiver<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

/// A new channel.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Rc::new(RefCell::new(Slot {
        value: None,
        closed: false,
        waker: None,
    }));
    (Sender { slot: slot.clone() }, Receiver { slot })
}

impl<T> Sender<T> {
    /// Hands `value` to the receiver (dropped if the receiver is gone).
    pub fn send(self, value: T) {
        let waker = {
            let mut slot = self.slot.borrow_mut();
            slot.value = Some(value);
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = match self.slot.try_borrow_mut() {
            Ok(mut slot) => {
                slot.closed = true;
                slot.waker.take()
            }
            Err(_) => None,
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = self.slot.borrow_mut();
        if let Some(v) = slot.value.take() {
            return Poll::Ready(Some(v));
        }
        if slot.closed {
            return Poll::Ready(None);
        }
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fake_host::FakeHost;

    #[test]
    fn a_value_sent_reaches_the_receiver() {
        let host = FakeHost::new();
        let (tx, rx) = channel();
        let got = host.start(rx);
        host.run();
        assert_eq!(got.take(), None, "nothing sent yet");
        tx.send(7);
        host.run();
        assert_eq!(got.take(), Some(Some(7)));
    }

    #[test]
    fn a_dropped_sender_completes_the_receiver_with_none() {
        let host = FakeHost::new();
        let (tx, rx) = channel::<u8>();
        let got = host.start(rx);
        drop(tx);
        host.run();
        assert_eq!(got.take(), Some(None));
    }
}
