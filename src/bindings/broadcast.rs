//! Cross-tab sync: tabs sharing an IndexedDB store tell each other's L1 about changes
//! through a `BroadcastChannel`, so a second tab shows what the first fetched or set
//! without waiting for its own L2 read or refetch. This file is the channel and what is
//! sent; what is heard is applied by `tab_receive.rs`, and the order both follow is
//! `origin.rs`'s.
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
//! removal) and a revision from this tab's Lamport clock (`origin.rs`). A tab applies what it hears
//! only when it is newer in that order than what it holds, and IndexedDB writes only
//! what is newer than what it stores, so the order of arrival and the order of commits
//! no longer matter. A query's data keeps the revision it was written, read or heard
//! with (`Origin`, `query_meta.rs`). A clear takes away what was written before it; a tab that wrote
//! something after hearing of it writes it again once the clearing tab says its
//! transaction is done (`cleared`), as that transaction may have taken it away too.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

use super::clock::now;
use super::convert::js_name;
use super::convert::set_prop;
use super::options::get;
use crate::core::persist::order::Version;

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

/// A field of a message (`undefined` when missing or unreadable).
pub fn field(m: &JsValue, name: &'static str) -> JsValue {
    get(m, name).unwrap_or_default()
}

impl CrossTab {
    /// `None` where the host has no `BroadcastChannel` (Node without it, workerd).
    /// `receive` is given each message another tab sends (after this tab has answered a
    /// `hello` and counted the sender as met).
    pub fn open(name: &str, receive: impl Fn(&JsValue) + 'static) -> Option<CrossTab> {
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
            receive(&data);
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
