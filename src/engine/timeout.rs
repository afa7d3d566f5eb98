//! Bounding a storage call in time: [`within`] races it against a timer of the host's,
//! so a store that never answers (an IndexedDB open blocked by another tab, a remote
//! store that hangs) costs a query at most that long, never forever.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::host::{Host, LocalBoxFuture};

struct Race<T> {
    work: LocalBoxFuture<'static, T>,
    timer: LocalBoxFuture<'static, ()>,
}

impl<T> Future for Race<T> {
    type Output = Option<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Poll::Ready(v) = self.work.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        if self.timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

/// `work`'s output, or `None` when `ms` milliseconds pass first (`work` is dropped).
pub async fn within<T>(host: &dyn Host, ms: f64, work: LocalBoxFuture<'static, T>) -> Option<T> {
    Race {
        work,
        timer: host.sleep(ms),
    }
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fake_host::FakeHost;

    #[test]
    fn work_that_finishes_first_wins_and_work_that_hangs_times_out() {
        let host = FakeHost::new();
        let quick = host.sleep(10.0);
        let fast = host.start({
            let h = host.clone();
            async move {
                within(
                    &h,
                    100.0,
                    Box::pin(async move {
                        quick.await;
                        1
                    }),
                )
                .await
            }
        });
        let hung = host.start({
            let h = host.clone();
            async move { within(&h, 100.0, Box::pin(std::future::pending::<u8>())).await }
        });
        host.advance(99.0);
        assert_eq!(fast.take(), Some(Some(1)));
        assert_eq!(hung.take(), None, "still waiting");
        host.advance(1.0);
        assert_eq!(hung.take(), Some(None));
    }
}
