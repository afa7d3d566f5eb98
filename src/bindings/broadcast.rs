//! Cross-tab sync: tabs sharing an IndexedDB store tell each other's L1 about changes
//! through a `BroadcastChannel`, so a second tab shows what the first fetched or set
//! without waiting for its own L2 read or refetch.
//!
//! What is sent: new settled data (fetch result, `setQueryData`), invalidation, removal
//! and `clear()`; the same events that reach L2, sent from the same place. What is
//! received is applied to L1 only, and never sent on (no echo loops; L2 was already
//! written by the sender). Received data is applied only to queries this tab has
//! (others read L2 when first used). The channel's name holds the storage's name and
//! the `keyPrefix`, so clients with different prefixes never hear each other. Changes
//! made in one task go out as one message (a loop of 10,000 `setQueryData` is one
//! structured clone, not 10,000).
//!
//! Every tab ends with what the store holds because data and removals carry their place
//! in one order ([`crate::core::persist::order`]): `dataUpdatedAt` (or the instant of a
//! removal) and a revision from this module's Lamport clock. A tab applies what it hears
//! only when it is newer in that order than what it holds, and IndexedDB writes only
//! what is newer than what it stores, so the order of arrival and the order of commits
//! no longer matter. A query's data keeps the revision it was written, read or heard
//! with ([`Origin`]). A clear takes away what was written before it; a tab that wrote
//! something after hearing of it writes it again once the clearing tab says its
//! transaction is done (`cleared`), as that transaction may have taken it away too.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

use super::client::{now, release_removed, Inner, Meta};
use super::convert::js_name;
use super::convert::set_prop;
use super::options::get;
use super::persister::Entry;
use super::structural;
use crate::core::cache::Query;
use crate::core::persist::order::{self, is_rev, Clock, State, Version};

thread_local! {
    /// This module instance's (this tab's) revisions.
    static CLOCK: RefCell<Clock> =
        RefCell::new(Clock::new((js_sys::Math::random() * f64::from(1u32 << order::WRITER_BITS)) as u64));
}

/// A revision newer than every one this tab has made, heard or read.
pub fn next_rev() -> f64 {
    CLOCK.with(|c| c.borrow_mut().tick())
}

/// Moves this tab's clock past a revision heard or read.
pub fn observe_rev(rev: f64) {
    CLOCK.with(|c| c.borrow_mut().observe(rev));
}

/// The revision a query's data was written, read or heard with. It belongs to the data
/// while the query holds that data: the data-update count and `dataUpdatedAt` are still
/// those it was recorded at.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    count: u32,
    at: f64,
    rev: f64,
}

type Q = Query<JsValue, JsValue, Meta>;

/// The revision of the query's data; 0 when none was recorded for it.
fn rev_of(q: &Q) -> f64 {
    q.meta
        .origin
        .as_ref()
        .filter(|o| o.count == q.state.data_update_count && o.at == q.state.data_updated_at)
        .map_or(0.0, |o| o.rev)
}

/// Where the query's data stands in the order tabs agree on.
pub fn held(q: &Q) -> State {
    match q.state.data {
        None => State::Nothing,
        Some(_) => State::Data {
            version: Version::new(q.state.data_updated_at, rev_of(q)),
            invalidated: q.state.is_invalidated,
        },
    }
}

/// Records that the data the query holds now came with revision `rev`.
pub fn record(q: &mut Q, rev: f64) {
    observe_rev(rev);
    q.meta.origin = Some(Box::new(Origin {
        count: q.state.data_update_count,
        at: q.state.data_updated_at,
        rev,
    }));
}

/// The revision of the query's data, a new one if it has none yet (data made here).
pub fn stamp(q: &mut Q) -> f64 {
    match rev_of(q) {
        0.0 => {
            let rev = next_rev();
            record(q, rev);
            rev
        }
        rev => rev,
    }
}

/// One open channel and its listener; closed when dropped.
pub struct CrossTab {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    /// Changes of the current task, sent together when it ends.
    outbox: Rc<RefCell<Vec<Change>>>,
    unheard: Rc<RefCell<Unheard>>,
}

/// How long a tab that has heard no other tab keeps its changes (ms), and how many at
/// most: long enough for a tab opened meanwhile to be heard from (its `hello` waits for
/// this tab's current task), bounded for a tab that stays alone.
const KEEP_MS: f64 = 5_000.0;
const KEEP_MAX: usize = 10_000;

/// Until another tab of the namespace is heard from, nobody listens: a tab's changes are
/// kept, not posted (a loop of 10,000 `setQueryData` then costs no structured clone). The
/// first tab heard from (its `hello`, or the `here` of a tab opened before) gets the
/// changes of the last [`KEEP_MS`]: it may have opened, and read L2, while they were made.
/// Puts and removals only: each carries its version, and a tab applies it only where it
/// is newer, so one heard late changes nothing that came after it (clears are posted at
/// once, [`CrossTab::clear`]).
#[derive(Default)]
struct Unheard {
    /// Another tab has been heard from: changes are posted as they are made.
    met: bool,
    /// What was not posted, oldest first, with when it was made.
    kept: Vec<(f64, Change)>,
}

/// One change to tell the other tabs of, held in wasm memory until it is posted: a write
/// made while no other tab listens costs no call into JS (10,000 `setQueryData` in a
/// lone tab spent 25–50 ms making message objects and decoding their hashes).
struct Change {
    hash: Box<str>,
    /// The new data; `None`: the query was removed.
    data: Option<JsValue>,
    at: f64,
    rev: f64,
    invalidated: bool,
}

/// Posts `messages`, or keeps them while no other tab has been heard from.
fn deliver(channel: &BroadcastChannel, unheard: &RefCell<Unheard>, messages: Vec<Change>) {
    let mut u = unheard.borrow_mut();
    if u.met {
        drop(u);
        post_all(channel, messages);
        return;
    }
    let t = now();
    u.kept.extend(messages.into_iter().map(|m| (t, m)));
    let old = u.kept.iter().take_while(|(at, _)| t - at > KEEP_MS).count();
    let over = u.kept.len().saturating_sub(KEEP_MAX);
    u.kept.drain(..old.max(over));
}

/// Another tab has been heard from: what was kept goes out, and from now on all does.
fn met(channel: &BroadcastChannel, unheard: &RefCell<Unheard>) {
    let kept: Vec<Change> = {
        let mut u = unheard.borrow_mut();
        if u.met {
            return;
        }
        u.met = true;
        std::mem::take(&mut u.kept)
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    };
    post_all(channel, kept);
}

impl Drop for CrossTab {
    fn drop(&mut self) {
        // What was said just before `dispose()` (a `clear()` at log-out) still goes out.
        // Taken first: posting clones the data, which may run getters.
        // With no other tab heard from, nobody is there to hear it.
        let queued = std::mem::take(&mut *self.outbox.borrow_mut());
        if self.unheard.borrow().met {
            post_all(&self.channel, queued);
        }
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Sends the changes of one task: one message, or one each if the batch cannot be
/// cloned (so that only the data that cannot travel falls back to "refetch it").
fn post_all(channel: &BroadcastChannel, changes: Vec<Change>) {
    if changes.is_empty() {
        return;
    }
    let messages: Array = changes.iter().map(message_of).collect();
    if changes.len() > 1 {
        let batch = message("batch", "");
        set_prop(&batch, "m", &messages);
        if channel.post_message(&batch).is_ok() {
            return;
        }
    }
    for (m, change) in messages.iter().zip(&changes) {
        if channel.post_message(&m).is_err() {
            // Data the structured clone cannot copy: the other tabs refetch instead.
            let _ = channel.post_message(&message("inv", &change.hash));
        }
    }
}

/// The message of one change.
fn message_of(change: &Change) -> Object {
    match &change.data {
        Some(d) => put_message(&change.hash, d, change.at, change.invalidated, change.rev),
        None => remove_message(&change.hash, change.at, change.rev),
    }
}

#[wasm_bindgen(module = "/js/tab_messages.js")]
extern "C" {
    #[wasm_bindgen(js_name = putMessage)]
    fn put_message(hash: &str, data: &JsValue, at: f64, invalidated: bool, rev: f64) -> Object;
    #[wasm_bindgen(js_name = removeMessage)]
    fn remove_message(hash: &str, at: f64, rev: f64) -> Object;
}

fn message(kind: &str, hash: &str) -> Object {
    let m = Object::new();
    set_prop(&m, "t", &kind.into());
    set_prop(&m, "h", &hash.into());
    m
}

fn field(m: &JsValue, name: &'static str) -> JsValue {
    get(m, name).unwrap_or_default()
}

impl CrossTab {
    /// `None` where the host has no `BroadcastChannel` (Node without it, workerd).
    pub fn open(name: &str, client: Weak<Inner>) -> Option<CrossTab> {
        if !Reflect::has(&js_sys::global(), &js_name("BroadcastChannel")).unwrap_or(false) {
            return None;
        }
        let channel = BroadcastChannel::new(name).ok()?;
        let reply_to = channel.clone();
        let unheard = Rc::new(RefCell::new(Unheard::default()));
        let heard = unheard.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if field(&data, "t").as_string().as_deref() == Some("hello") {
                let _ = reply_to.post_message(&message("here", "")); // a new tab: we are here
            }
            met(&reply_to, &heard);
            if let Some(client) = client.upgrade() {
                receive(&client, &data);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        super::timer::unref(&channel); // Node and Deno: it must not keep the process alive
                                       // Tabs already open answer, and from then on both write in order.
        let _ = channel.post_message(&message("hello", ""));
        Some(CrossTab {
            channel,
            _on_message: on_message,
            outbox: Rc::new(RefCell::new(Vec::new())),
            unheard,
        })
    }

    /// Queues a message; the first of a task schedules the send for when it ends.
    fn send(&self, m: Change) {
        let first = {
            let mut outbox = self.outbox.borrow_mut();
            outbox.push(m);
            outbox.len() == 1
        };
        if first {
            let outbox = Rc::downgrade(&self.outbox);
            let unheard = self.unheard.clone();
            let channel = self.channel.clone();
            let flush = super::promise::once_fn(move || {
                if let Some(outbox) = outbox.upgrade() {
                    let messages = std::mem::take(&mut *outbox.borrow_mut());
                    deliver(&channel, &unheard, messages);
                }
            });
            let _ = super::promise::map(
                &Promise::resolve(&JsValue::UNDEFINED),
                flush.unchecked_ref(),
            );
        }
    }

    /// New settled data (or an invalidation) of a query, at version (`updated_at`, `rev`).
    pub fn put(&self, hash: &str, data: &JsValue, updated_at: f64, invalidated: bool, rev: f64) {
        self.send(Change {
            hash: hash.into(),
            data: Some(data.clone()),
            at: updated_at,
            rev,
            invalidated,
        });
    }

    /// The removal of a query, made at `version`.
    pub fn remove(&self, hash: &str, version: Version) {
        self.send(Change {
            hash: hash.into(),
            data: None,
            at: version.at,
            rev: version.rev,
            invalidated: false,
        });
    }

    /// `clear()` made at `at`; `done` settles when its transaction has been tried.
    /// Then the other tabs hear `cleared`: what they wrote after hearing of the clear
    /// may have been taken by that transaction, and they write it again.
    ///
    /// A clear is posted at once, met or not, and is never kept: a tab that hears it
    /// empties its L1, which a clear replayed seconds later would do to data read after
    /// it. What this tab said before it (queued this task, or kept) goes out first, or,
    /// with nobody heard from yet, is dropped: the clear takes it away.
    pub fn clear(&self, at: f64, done: &Promise, ignore: &js_sys::Function) {
        let m = message("clear", "");
        set_prop(&m, "u", &at.into());
        let earlier = std::mem::take(&mut *self.outbox.borrow_mut());
        if self.unheard.borrow().met {
            post_all(&self.channel, earlier);
        } else {
            self.unheard.borrow_mut().kept.clear();
        }
        let _ = self.channel.post_message(&m);
        let channel = self.channel.clone();
        let cleared = super::promise::once_fn(move || {
            let m = message("cleared", "");
            set_prop(&m, "u", &at.into());
            let _ = channel.post_message(&m); // a closed channel (disposed): nobody to tell
        });
        // Only once the namespace is empty; a failed clear is the caller's to hear.
        let _ = super::promise::then(done, cleared.unchecked_ref(), ignore);
    }
}

/// A finite number field.
fn time(m: &JsValue, name: &'static str) -> Option<f64> {
    field(m, name).as_f64().filter(|t| t.is_finite())
}

/// A revision field; 0 when missing (a tab of an older version) or not one.
fn revision(m: &JsValue) -> f64 {
    let rev = field(m, "r").as_f64().filter(|r| is_rev(*r)).unwrap_or(0.0);
    observe_rev(rev);
    rev
}

/// Applies another tab's change to this tab's L1. Malformed messages are ignored.
fn receive(client: &Rc<Inner>, m: &JsValue) {
    let (Some(kind), Some(hash)) = (field(m, "t").as_string(), field(m, "h").as_string()) else {
        return;
    };
    // Another tab of this namespace exists: from now on writes go in the order tabs agree on.
    if let Some(p) = client.persister() {
        p.meet_other_tabs();
    }
    if kind == "hello" || kind == "here" {
        return;
    }
    if kind == "batch" {
        if let Ok(list) = field(m, "m").dyn_into::<Array>() {
            // One level only: a batch inside a batch (not one of ours) is ignored.
            for item in list.iter() {
                if field(&item, "t").as_string().as_deref() != Some("batch") {
                    receive(client, &item);
                }
            }
        }
        return;
    }
    // Where the storage does not keep the order (another storage with `crossTab: true`),
    // what we still have queued must not land after what we heard.
    let repair = client.persister().filter(|p| !p.is_ordered()).cloned();
    let mut refetch = false;
    let removed = match client.cache() {
        Ok(mut cache) => match kind.as_str() {
            "del" => {
                // From a tab of an older version (no version): removed whatever we hold.
                let version = time(m, "u").map(|at| Version::new(at, revision(m)));
                let removal = version.map(|version| State::Removed { version });
                let mine = cache.get(&hash).map(held);
                if let (Some(r), Some(mine)) = (removal, mine) {
                    if !order::supersedes(&r, &mine) {
                        return; // ours is newer
                    }
                }
                if let Some(p) = repair.as_ref().filter(|p| p.has_pending(&hash)) {
                    p.delete(&hash);
                }
                cache.remove(&hash).into_iter().collect()
            }
            "clear" => {
                if let Some(p) = repair.as_ref().filter(|p| !p.is_idle()) {
                    p.clear_again();
                }
                cache.clear()
            }
            "cleared" => {
                // What we wrote after hearing of the clear may have been taken by its
                // transaction: write it again (a put loses to nothing newer).
                let (Some(at), Some(p)) = (time(m, "u"), client.persister()) else {
                    return;
                };
                if !p.is_ordered() {
                    return;
                }
                let again: Vec<String> = cache
                    .hashes()
                    .filter(|h| {
                        cache.get(h).is_some_and(|q| {
                            q.meta.persist
                                && q.state.data.is_some()
                                && order::survives_clear(q.state.data_updated_at, at)
                        })
                    })
                    .map(str::to_owned)
                    .collect();
                for h in again {
                    if let Some(entry) = cache.get_mut(&h).and_then(entry_of) {
                        p.put(&h, entry);
                    }
                }
                return;
            }
            "inv" => {
                // The data could not travel: active queries fetch it themselves.
                cache.invalidate(&hash);
                refetch = cache.get(&hash).is_some_and(|q| q.is_active());
                Vec::new()
            }
            "put" => {
                let Some(local) = cache.get(&hash) else {
                    return;
                };
                let Some(updated_at) = time(m, "u") else {
                    return;
                };
                let invalidated = field(m, "i").is_truthy();
                let version = Version::new(updated_at, revision(m));
                let theirs = State::Data {
                    version,
                    invalidated,
                };
                let mine = held(local);
                if !order::supersedes(&theirs, &mine) {
                    return;
                }
                if mine.version() == Some(version) {
                    // The same data, invalidated there.
                    cache.invalidate(&hash);
                    Vec::new()
                } else {
                    let (old, sharing) = (
                        local.state.data.clone(),
                        local.meta.structural_sharing.clone(),
                    );
                    drop(cache);
                    // Equal parts keep this tab's references (no borrow held).
                    let data = structural::share(&sharing, old.as_ref(), field(m, "d"))
                        .unwrap_or_else(|_| field(m, "d"));
                    if data.is_undefined() {
                        return;
                    }
                    let Ok(mut cache) = client.cache() else {
                        return;
                    };
                    // The query may have changed while user code ran: still newer?
                    if !cache
                        .get(&hash)
                        .is_some_and(|q| order::supersedes(&theirs, &held(q)))
                    {
                        return;
                    }
                    cache.adopt(&hash, data.clone(), updated_at, invalidated);
                    if let Some(q) = cache.get_mut(&hash) {
                        q.meta.hydrated = true;
                        record(q, version.rev);
                    }
                    drop(cache);
                    // An older write of ours still queued must not land after theirs.
                    if let Some(p) = repair.as_ref().filter(|p| p.has_pending(&hash)) {
                        p.put(
                            &hash,
                            Entry {
                                data,
                                updated_at,
                                is_invalidated: invalidated,
                                rev: version.rev,
                                removed: false,
                            },
                        );
                    }
                    Vec::new()
                }
            }
            _ => return,
        },
        Err(_) => return,
    };
    release_removed(removed);
    client.notify_changed();
    if refetch {
        if let Ok(Some(p)) = super::fetch::start(client, &hash) {
            super::promise::handle(&p, &client.noop);
        }
    }
    client.arm_gc();
}

/// What L2 should hold for a query (when it is persisted and has data), with the
/// revision of its data (a new one for data made here).
pub fn entry_of(q: &mut Q) -> Option<Entry> {
    if !q.meta.persist {
        return None;
    }
    let data = q.state.data.clone()?;
    Some(Entry {
        data,
        updated_at: q.state.data_updated_at,
        is_invalidated: q.state.is_invalidated,
        rev: stamp(q),
        removed: false,
    })
}

/// The version of a removal of data held at `held`, made now.
pub fn removal(held: &State) -> Version {
    order::removal(now(), held.version(), next_rev())
}
