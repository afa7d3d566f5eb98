//! Running a query function: one fetch per query at a time (later callers join it),
//! retried by the core's policy, its outcome written to L1, L2 and every waiter.

use std::rc::Rc;

use super::abort::AbortHandle;
use super::data::{DataHandle, FetchError};
use super::oneshot::{channel, Receiver};
use super::options::QuerySpec;
use super::shared::Shared;
use super::{gc_timer, l2, observers};
use crate::core::cache::{FetchId, FetchStart};
use crate::core::retry::{after_failure, AfterFailure};

/// How a fetch is asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Refetch {
    /// Join a running fetch.
    Join,
    /// Replace a running fetch of a query that has data (TanStack's `cancelRefetch`).
    Restart,
}

/// Starts a fetch of `spec`'s query (which must exist) or joins the running one;
/// the receiver gets its outcome. `None` when the query does not exist.
pub fn start<D: DataHandle>(
    shared: &Rc<Shared<D>>,
    spec: &Rc<QuerySpec<D>>,
    how: Refetch,
) -> Option<Receiver<Result<D, FetchError>>> {
    let hash = spec.hash.as_str();
    let start = {
        let mut cache = shared.cache.try_borrow_mut().ok()?;
        if let Some(q) = cache.get_mut(hash) {
            q.meta = Some(spec.clone());
            q.stale_time = spec.stale_time;
        }
        let restarted = match how {
            Refetch::Restart => cache.restart_fetch(hash),
            Refetch::Join => None,
        };
        match restarted {
            Some((old, new)) => Some((FetchStart::Started(new), Some(old))),
            None => cache.begin_fetch(hash).map(|s| (s, None)),
        }
    };
    let (start, orphaned) = start?;
    if let Some(old) = orphaned {
        // The replaced fetch's waiters take the new fetch's outcome, as TanStack's do.
        let moved = shared.waiters.borrow_mut().remove(&old);
        if let (Some(moved), FetchStart::Started(new)) = (moved, start) {
            shared
                .waiters
                .borrow_mut()
                .entry(new)
                .or_default()
                .extend(moved);
        }
        let handle = shared.aborts.borrow_mut().remove(&old);
        if let Some(h) = handle {
            h.abort();
        }
    }
    let (tx, rx) = channel();
    let id = match start {
        FetchStart::Started(id) | FetchStart::Joined(id) => id,
    };
    shared.waiters.borrow_mut().entry(id).or_default().push(tx);
    if let FetchStart::Started(id) = start {
        let abort = AbortHandle::new();
        shared.aborts.borrow_mut().insert(id, abort.clone());
        let task = run(shared.clone(), spec.clone(), id, abort);
        shared.host.spawn(Box::pin(task));
    }
    observers::notify(shared);
    Some(rx)
}

/// The retry loop of fetch `id`.
async fn run<D: DataHandle>(
    shared: Rc<Shared<D>>,
    spec: Rc<QuerySpec<D>>,
    id: FetchId,
    abort: AbortHandle,
) {
    let hash = spec.hash.as_str();
    let mut failures: u32 = 0;
    loop {
        let attempt = (spec.fetcher)();
        let Some(outcome) = abort.wrap(attempt).await else {
            return; // cancelled: whoever aborted settled the waiters
        };
        match outcome {
            Ok(data) => {
                let now = shared.now();
                let current = match shared.cache.try_borrow_mut() {
                    Ok(mut cache) => cache.fetch_succeeded(hash, id, data.clone(), now),
                    Err(_) => false,
                };
                if current {
                    l2::persist(&shared, hash);
                }
                shared.settle_fetch(id, Ok(data));
                break;
            }
            Err(error) => {
                let next = after_failure(&spec.retry, &spec.retry_delay, failures, &error);
                failures += 1;
                match next {
                    AfterFailure::RetryIn(ms) => {
                        let current = match shared.cache.try_borrow_mut() {
                            Ok(mut cache) => {
                                cache.attempt_failed(hash, id, failures, error.clone())
                            }
                            Err(_) => false,
                        };
                        observers::notify(&shared);
                        if !current {
                            shared.settle_fetch(id, Err(FetchError::Failed(error)));
                            return;
                        }
                        if abort.wrap(shared.host.sleep(ms)).await.is_none() {
                            return;
                        }
                    }
                    AfterFailure::GiveUp => {
                        let now = shared.now();
                        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
                            cache.fetch_failed(hash, id, error.clone(), failures, now);
                        }
                        shared.settle_fetch(id, Err(FetchError::Failed(error)));
                        break;
                    }
                }
            }
        }
    }
    observers::notify(&shared);
    gc_timer::arm(&shared);
}
