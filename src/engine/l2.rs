//! Driving L2: write-behind of settled changes, batched cold reads, and restoring a
//! cold query from its stored entry.
//!
//! Writes: a change queues the query's envelope in the core's write queue (the last
//! write of a hash wins) and one writer task writes everything queued as one
//! [`Storage::write`] batch, then the next. A failed batch is put back and retried
//! with the next change; the client keeps running from L1.
//! Reads: every cold read asked for in one turn of the event loop is one
//! [`Storage::get_many`] call, sent by a task spawned with the first of them.

use std::rc::Rc;

use super::data::DataHandle;
use super::oneshot::{channel, Receiver};
use super::options::QuerySpec;
use super::shared::Shared;
use super::storage::{StorageError, StorageWrite};
use super::timeout::within;
use crate::core::persist::envelope::{self, EnvelopeMeta};
use crate::core::persist::hydration::expires_at;
use crate::core::persist::write_queue::Op;

/// Queues the current state of query `hash` for L2 (nothing without storage or data).
pub fn persist<D: DataHandle>(shared: &Rc<Shared<D>>, hash: &str) {
    if shared.options.storage.is_none() {
        return;
    }
    let text = {
        let Ok(cache) = shared.cache.try_borrow() else {
            return;
        };
        let Some(q) = cache.get(hash) else { return };
        let Some(json) = q.state.data.as_ref().and_then(|d| d.to_json()) else {
            return;
        };
        let updated_at = q.state.data_updated_at;
        envelope::encode(
            &EnvelopeMeta {
                key_hash: hash,
                buster: &shared.options.buster,
                data_updated_at: updated_at,
                is_invalidated: q.state.is_invalidated,
                expires_at: expires_at(updated_at, shared.options.max_age),
                rev: 0.0,
            },
            &json,
        )
    };
    let mut l2 = shared.l2.borrow_mut();
    if text.len() > shared.options.max_entry_bytes {
        // Too large to store: L1 keeps it, and an older stored version must not come back.
        l2.queue.delete(hash);
        l2.last_error = Some(StorageError::new(format!(
            "the L2 entry of {hash} would be {} bytes, over max_entry_bytes ({}); it stays in memory only",
            text.len(),
            shared.options.max_entry_bytes
        )));
    } else {
        l2.queue.put(hash, text);
    }
    drop(l2);
    start_writer(shared);
}

/// Queues the removal of query `hash` from L2.
pub fn forget<D: DataHandle>(shared: &Rc<Shared<D>>, hash: &str) {
    if shared.options.storage.is_none() {
        return;
    }
    shared.l2.borrow_mut().queue.delete(hash);
    start_writer(shared);
}

/// Queues the removal of the whole namespace (writes queued before it are dropped).
pub fn forget_all<D: DataHandle>(shared: &Rc<Shared<D>>) {
    if shared.options.storage.is_none() {
        return;
    }
    shared.l2.borrow_mut().queue.clear();
    start_writer(shared);
}

/// Completes when nothing is queued or being written, or the write failed (what an
/// earlier failure left queued is written again first).
pub fn flushed<D: DataHandle>(shared: &Rc<Shared<D>>) -> Receiver<()> {
    let (tx, rx) = channel();
    {
        let mut l2 = shared.l2.borrow_mut();
        if l2.queue.is_idle() {
            tx.send(());
            return rx;
        }
        l2.flushed.push(tx);
    }
    // What a failed batch left queued is tried again now.
    start_writer(shared);
    rx
}

fn start_writer<D: DataHandle>(shared: &Rc<Shared<D>>) {
    {
        let mut l2 = shared.l2.borrow_mut();
        if l2.writer_running {
            return;
        }
        l2.writer_running = true;
    }
    let shared = shared.clone();
    let host = shared.host.clone();
    host.spawn(Box::pin(async move {
        write_out(&shared).await;
    }));
}

/// Writes batches until the queue is empty, then wakes [`flushed`] waiters. A failed
/// batch is put back and the writer stops (waking them too); the next change starts it
/// again.
async fn write_out<D: DataHandle>(shared: &Rc<Shared<D>>) {
    let Some(storage) = shared.options.storage.clone() else {
        return;
    };
    loop {
        let batch = shared.l2.borrow_mut().queue.take_batch();
        let Some(batch) = batch else { break };
        let mut ops = Vec::with_capacity(batch.ops.len());
        let mut failed = None;
        if batch.clear_first {
            let listing = storage.keys(shared.namespace.prefix().to_owned());
            match within(&*shared.host, shared.options.storage_timeout_ms, listing).await {
                Some(Ok(keys)) => {
                    ops.extend(keys.into_iter().map(|key| StorageWrite::Delete { key }))
                }
                Some(Err(e)) => failed = Some(e),
                None => failed = Some(timed_out(shared)),
            }
        }
        for (hash, op) in &batch.ops {
            let key = shared.namespace.key(hash);
            ops.push(match op {
                Op::Put(text) => StorageWrite::Put {
                    key,
                    value: text.clone(),
                    ttl_ms: shared.options.max_age.after(0.0),
                },
                Op::Delete => StorageWrite::Delete { key },
            });
        }
        if failed.is_none() {
            let write = within(
                &*shared.host,
                shared.options.storage_timeout_ms,
                storage.write(ops),
            );
            match write.await {
                Some(Ok(())) => {}
                Some(Err(e)) => failed = Some(e),
                None => failed = Some(timed_out(shared)),
            }
        }
        let mut l2 = shared.l2.borrow_mut();
        match failed {
            None => l2.queue.settle(None),
            Some(e) => {
                l2.queue.settle(Some(batch));
                l2.last_error = Some(e);
                break;
            }
        }
    }
    // Idle, or stopped by a failure (reported through `last_error`): either way a
    // flush has its answer, and must not wait for a store that may never recover.
    let waiters = {
        let mut l2 = shared.l2.borrow_mut();
        l2.writer_running = false;
        std::mem::take(&mut l2.flushed)
    };
    for w in waiters {
        w.send(());
    }
}

/// Reads the L2 entry of `storage_key`, in one batch with the other reads of this turn.
fn read<D: DataHandle>(
    shared: &Rc<Shared<D>>,
    storage_key: String,
) -> Receiver<Result<Option<String>, StorageError>> {
    let (tx, rx) = channel();
    let opens_batch = {
        let mut l2 = shared.l2.borrow_mut();
        let opens = l2.batch.is_none();
        l2.batch
            .get_or_insert_with(Vec::new)
            .push((storage_key, tx));
        opens
    };
    if opens_batch {
        let shared = shared.clone();
        let host = shared.host.clone();
        host.spawn(Box::pin(async move {
            let batch = shared.l2.borrow_mut().batch.take().unwrap_or_default();
            let Some(storage) = shared.options.storage.clone() else {
                return;
            };
            let (keys, senders): (Vec<String>, Vec<_>) = batch.into_iter().unzip();
            let expected = keys.len();
            let reads = storage.get_many(keys);
            let outcome = within(&*shared.host, shared.options.storage_timeout_ms, reads)
                .await
                .unwrap_or_else(|| Err(timed_out(&shared)));
            match outcome {
                Ok(values) if values.len() == expected => {
                    for (tx, v) in senders.into_iter().zip(values) {
                        tx.send(Ok(v));
                    }
                }
                outcome => {
                    let e = match outcome {
                        Err(e) => e,
                        Ok(_) => {
                            StorageError::new("a batch read returned the wrong number of values")
                        }
                    };
                    shared.l2.borrow_mut().last_error = Some(e.clone());
                    for tx in senders {
                        tx.send(Err(e.clone()));
                    }
                }
            }
        }));
    }
    rx
}

/// Makes sure query `spec.hash` is in L1, restored from L2 when it was cold: builds it
/// and, when this made it, reads its entry; callers that come while an entry is read
/// wait for that one read. Without storage it only builds. Returns false when the query
/// was removed or cleared while its entry was read (it is then not made again).
pub async fn hydrate<D: DataHandle>(shared: &Rc<Shared<D>>, spec: &Rc<QuerySpec<D>>) -> bool {
    let hash = spec.hash.as_str();
    let wait = {
        let mut l2 = shared.l2.borrow_mut();
        l2.hydrating.get_mut(hash).map(|(_, waiters)| {
            let (tx, rx) = channel();
            waiters.push(tx);
            rx
        })
    };
    if let Some(rx) = wait {
        if rx.await == Some(false) {
            return false;
        }
        build(shared, spec); // evicted or collected meanwhile: made again, cold
        return true;
    }
    if build(shared, spec) {
        if let Some(token) = begin_restore(shared, hash) {
            return finish_restore(shared, spec, token).await;
        }
    }
    true
}

/// Finds or makes the query in L1 with `spec` as its last use; whether it was made.
pub fn build<D: DataHandle>(shared: &Rc<Shared<D>>, spec: &Rc<QuerySpec<D>>) -> bool {
    let now = shared.now();
    let Ok(mut cache) = shared.cache.try_borrow_mut() else {
        return false;
    };
    let (created, _evicted) = cache.build(
        &spec.hash,
        || spec.key.clone(),
        || Some(spec.clone()),
        spec.gc_time,
        None,
        now,
    );
    if let Some(q) = cache.get_mut(&spec.hash) {
        q.meta = Some(spec.clone());
        q.stale_time = spec.stale_time;
    }
    created
}

/// Starts restoring query `hash` (which exists in L1) from L2, unless there is no
/// storage, it is being read already or a queued write is newer than what L2 holds:
/// later callers of [`hydrate`] wait, and the query shows `fetching` meanwhile.
/// [`finish_restore`] must follow, with the token (the query's id) this returns.
pub fn begin_restore<D: DataHandle>(shared: &Rc<Shared<D>>, hash: &str) -> Option<u64> {
    shared.options.storage.as_ref()?;
    let query = shared.cache.try_borrow().ok()?.get(hash)?.id();
    {
        let mut l2 = shared.l2.borrow_mut();
        if l2.hydrating.contains_key(hash) || l2.queue.pending(hash).is_some() {
            return None;
        }
        l2.hydrating.insert(hash.to_owned(), (query, Vec::new()));
    }
    if let Ok(mut cache) = shared.cache.try_borrow_mut() {
        cache.set_hydrating(hash, true);
    }
    Some(query)
}

/// Reads query `spec.hash`'s entry and restores it unless L1 or a queued write is
/// newer; wakes those waiting for it. The caller notifies observers. Returns false, restoring nothing, when the query
/// was removed or cleared meanwhile ([`abandon_restores`]); a query that was evicted or
/// collected meanwhile is made again with what was read.
pub async fn finish_restore<D: DataHandle>(
    shared: &Rc<Shared<D>>,
    spec: &Rc<QuerySpec<D>>,
    token: u64,
) -> bool {
    let hash = spec.hash.as_str();
    super::observers::notify(shared);
    let stored = read(shared, shared.namespace.key(hash)).await;
    // Still ours? `remove_queries` and `clear` take the entry out (and a query made
    // after them under the same hash may have put in its own).
    let waiters = {
        let mut l2 = shared.l2.borrow_mut();
        match l2.hydrating.get(hash) {
            Some((query, _)) if *query == token => l2.hydrating.remove(hash).map(|(_, w)| w),
            _ => None,
        }
    };
    let Some(waiters) = waiters else {
        return false;
    };
    let restored = match stored {
        Some(Ok(Some(text))) => decode_entry(shared, spec, &text),
        _ => None,
    };
    let newer_queued = shared.l2.borrow().queue.pending(hash).is_some();
    build(shared, spec);
    let mut keep_invalidation = false;
    if let Ok(mut cache) = shared.cache.try_borrow_mut() {
        cache.set_hydrating(hash, false);
        if let (Some((data, updated_at, invalidated)), false) = (restored, newer_queued) {
            // An invalidation made while the entry was read stands.
            let l1_invalidated = cache.get(hash).is_some_and(|q| q.state.is_invalidated);
            keep_invalidation = l1_invalidated && !invalidated;
            let restored = cache.restore(hash, data, updated_at, invalidated || l1_invalidated);
            keep_invalidation &= restored;
        }
    }
    if keep_invalidation {
        persist(shared, hash);
    }
    for w in waiters {
        w.send(true);
    }
    // No notification here: the caller goes on at once (no await in between) to start a
    // fetch or to answer, and notifies then. Observers so see the read end and the fetch
    // begin as one change, never an idle query without data in between.
    true
}

/// Forgets the reads under way for the removed `hashes` (`None`: all, for `clear`):
/// what they bring is not restored, and those waiting for them are told the query is
/// gone.
pub fn abandon_restores<D>(shared: &Rc<Shared<D>>, hashes: Option<&[String]>) {
    let abandoned: Vec<Vec<_>> = {
        let mut l2 = shared.l2.borrow_mut();
        match hashes {
            None => l2.hydrating.drain().map(|(_, (_, w))| w).collect(),
            Some(hashes) => hashes
                .iter()
                .filter_map(|h| l2.hydrating.remove(h).map(|(_, w)| w))
                .collect(),
        }
    };
    for w in abandoned.into_iter().flatten() {
        w.send(false);
    }
}

/// A storage call that took longer than `storage_timeout_ms`.
fn timed_out<D>(shared: &Shared<D>) -> StorageError {
    StorageError::new(format!(
        "no answer within {} ms (storage_timeout_ms)",
        shared.options.storage_timeout_ms
    ))
}

/// The data, `updatedAt` and invalidation of a stored envelope, if it is one for this
/// query and client (key, buster, not expired) and its data decodes.
fn decode_entry<D: DataHandle>(
    shared: &Rc<Shared<D>>,
    spec: &Rc<QuerySpec<D>>,
    text: &str,
) -> Option<(D, f64, bool)> {
    if text.len() > shared.options.max_entry_bytes {
        return None; // judged by its length: never parsed
    }
    let decoded = envelope::read(text, &spec.hash, &shared.options.buster, shared.now()).ok()?;
    let data = (spec.decode)(decoded.data_json)?;
    Some((data, decoded.data_updated_at, decoded.is_invalidated))
}
