//! Applying what another tab says (`broadcast.rs`'s channel hears it) to this tab's L1:
//! data newer in the tabs' order than what this tab holds, invalidations, removals and
//! clears. Malformed messages are ignored; nothing heard is sent on or written to L2.

use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use super::broadcast::field;
use super::inner::Inner;
use super::origin::{entry_of, held, observe_rev, record};
use super::persister::Entry;
use super::query_meta::release_removed;
use super::structural;
use crate::core::persist::order::{self, is_rev, State, Version};

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
pub fn receive(client: &Rc<Inner>, m: &JsValue) {
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
