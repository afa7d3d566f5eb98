//! Cross-tab sync: tabs sharing an IndexedDB store tell each other's L1 about changes
//! through a `BroadcastChannel`, so a second tab shows what the first fetched or set
//! without waiting for its own L2 read or refetch.
//!
//! What is sent: new settled data (fetch result, `setQueryData`), invalidation, removal
//! and `clear()`; the same events that reach L2, sent from the same place. What is
//! received is applied to L1 only, and never sent on (no echo loops; L2 was already
//! written by the sender). Received data is applied only when it is newer than what
//! this tab holds, and only to queries this tab has: others read L2 when first used.
//! The channel's name holds the storage's name and the `keyPrefix`, so clients with
//! different prefixes never hear each other. Changes made in one task go out as one
//! message (a loop of 10,000 `setQueryData` is one structured clone, not 10,000).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

use super::client::{release_removed, Inner};
use super::convert::js_name;
use super::convert::set_prop;
use super::options::get;
use super::persister::Entry;
use super::structural;

/// One open channel and its listener; closed when dropped.
pub struct CrossTab {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    /// Changes of the current task, sent together when it ends.
    outbox: Rc<RefCell<Vec<Object>>>,
}

impl Drop for CrossTab {
    fn drop(&mut self) {
        // What was said just before `dispose()` (a `clear()` at log-out) still goes out.
        // Taken first: posting clones the data, which may run getters.
        let queued = std::mem::take(&mut *self.outbox.borrow_mut());
        post_all(&self.channel, queued);
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Sends the changes of one task: one message, or one each if the batch cannot be
/// cloned (so that only the data that cannot travel falls back to "refetch it").
fn post_all(channel: &BroadcastChannel, messages: Vec<Object>) {
    if messages.len() > 1 {
        let batch = message("batch", "");
        let list: Array = messages.iter().collect();
        set_prop(&batch, "m", &list);
        if channel.post_message(&batch).is_ok() {
            return;
        }
    }
    for m in messages {
        if channel.post_message(&m).is_err() {
            // Data the structured clone cannot copy: the other tabs refetch instead.
            let hash = field(&m, "h").as_string().unwrap_or_default();
            let _ = channel.post_message(&message("inv", &hash));
        }
    }
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
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(client) = client.upgrade() {
                receive(&client, &e.data());
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        super::timer::unref(&channel); // Node and Deno: it must not keep the process alive
        Some(CrossTab {
            channel,
            _on_message: on_message,
            outbox: Rc::new(RefCell::new(Vec::new())),
        })
    }

    /// Queues a message; the first of a task schedules the send for when it ends.
    fn send(&self, m: Object) {
        let first = {
            let mut outbox = self.outbox.borrow_mut();
            outbox.push(m);
            outbox.len() == 1
        };
        if first {
            let outbox = Rc::downgrade(&self.outbox);
            let channel = self.channel.clone();
            let flush = Closure::once_into_js(move || {
                if let Some(outbox) = outbox.upgrade() {
                    let messages = std::mem::take(&mut *outbox.borrow_mut());
                    post_all(&channel, messages);
                }
            });
            let _ = super::promise::map(
                &Promise::resolve(&JsValue::UNDEFINED),
                flush.unchecked_ref(),
            );
        }
    }

    /// New settled data (or an invalidation) of a query.
    pub fn put(&self, hash: &str, data: &JsValue, updated_at: f64, invalidated: bool) {
        let m = message("put", hash);
        set_prop(&m, "d", data);
        set_prop(&m, "u", &updated_at.into());
        set_prop(&m, "i", &invalidated.into());
        self.send(m);
    }

    pub fn remove(&self, hash: &str) {
        self.send(message("del", hash));
    }

    pub fn clear(&self) {
        self.send(message("clear", ""));
    }
}

/// Applies another tab's change to this tab's L1. Malformed messages are ignored.
fn receive(client: &Rc<Inner>, m: &JsValue) {
    let (Some(kind), Some(hash)) = (field(m, "t").as_string(), field(m, "h").as_string()) else {
        return;
    };
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
    let mut refetch = false;
    let removed = match client.cache() {
        Ok(mut cache) => match kind.as_str() {
            "del" => cache.remove(&hash).into_iter().collect(),
            "clear" => cache.clear(),
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
                let (updated_at, invalidated) = (field(m, "u"), field(m, "i").is_truthy());
                let Some(updated_at) = updated_at.as_f64().filter(|u| u.is_finite()) else {
                    return;
                };
                let local_at = local
                    .state
                    .data
                    .as_ref()
                    .map(|_| local.state.data_updated_at);
                let (old, sharing) = (
                    local.state.data.clone(),
                    local.meta.structural_sharing.clone(),
                );
                if local_at.is_some_and(|at| at >= updated_at) {
                    if local_at == Some(updated_at) && invalidated {
                        cache.invalidate(&hash);
                    }
                    Vec::new()
                } else {
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
                    cache.restore(&hash, data.clone(), updated_at, invalidated);
                    if let Some(q) = cache.get_mut(&hash) {
                        q.meta.hydrated = true;
                    }
                    drop(cache);
                    // An older write of ours still queued must not land after theirs.
                    if let Some(p) = client.persister().filter(|p| p.has_pending(&hash)) {
                        p.put(
                            &hash,
                            Entry {
                                data,
                                updated_at,
                                is_invalidated: invalidated,
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
    // What we still had queued must not bring back what they removed or cleared.
    if let Some(p) = client.persister() {
        match kind.as_str() {
            "del" if p.has_pending(&hash) => p.delete(&hash),
            "clear" if !p.is_idle() => p.clear_again(),
            _ => {}
        }
    }
    release_removed(removed);
    client.notify_changed();
    if refetch {
        if let Ok(Some(p)) = super::fetch::start(client, &hash) {
            super::promise::handle(&p, &client.noop);
        }
    }
    client.arm_gc();
}
