//! Writing pending L2 changes before they would be lost: when the page is hidden
//! (`visibilitychange` to hidden, the last event a mobile browser reliably sends: the
//! page still runs, so waking the writer is enough) or unloaded (`pagehide`: what is
//! being written and what is queued go out at once), and in Node and Deno when the event loop runs dry
//! (`beforeExit`: the back-off timer of a failing storage does not keep a process
//! alive, so writes waiting it out would be dropped). The write is issued within the
//! event's own task.
//!
//! One set of listeners per module instance serves every client, installed with the
//! first persister; persisters are held weakly, so a disposed or dropped client is
//! simply skipped. `process.exit()` and a killed process run no JavaScript: what was
//! not yet written then is lost (`await client.flush()` before exiting).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;

use super::global::{call_listener, is_page, listener, property};
use super::persister::Persister;

thread_local! {
    static PERSISTERS: RefCell<Vec<Weak<Persister>>> = const { RefCell::new(Vec::new()) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// A new persister is flushed on these events from now on.
pub fn register(persister: &Rc<Persister>) {
    PERSISTERS.with(|list| {
        // Tried, not borrowed: see managers.rs `register`.
        if let Ok(mut list) = list.try_borrow_mut() {
            list.retain(|p| p.strong_count() > 0);
            list.push(Rc::downgrade(persister));
        }
    });
    if !INSTALLED.with(|i| i.replace(true)) {
        install();
    }
}

fn live() -> Vec<Rc<Persister>> {
    PERSISTERS.with(|list| {
        list.try_borrow()
            .map(|l| l.iter().filter_map(Weak::upgrade).collect())
            .unwrap_or_default()
    })
}

fn install() {
    if is_page() {
        let on_hide = Closure::<dyn FnMut()>::new(|| {
            let hidden = js_sys::Reflect::get(&property("document"), &"visibilityState".into())
                .ok()
                .and_then(|v| v.as_string())
                .is_some_and(|state| state == "hidden");
            if hidden {
                live().iter().for_each(|p| p.flush_now());
            }
        })
        .into_js_value();
        let on_pagehide =
            Closure::<dyn FnMut()>::new(|| live().iter().for_each(|p| p.flush_for_unload()))
                .into_js_value();
        listener("addEventListener", "visibilitychange", &on_hide);
        listener("addEventListener", "pagehide", &on_pagehide);
        return;
    }
    let process = property("process");
    if process.is_object() {
        let on_exit = Closure::<dyn FnMut()>::new(|| {
            live().iter().for_each(|p| p.flush_before_exit());
        })
        .into_js_value();
        call_listener(&process, "on", "beforeExit", &on_exit);
    }
}
