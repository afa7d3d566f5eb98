//! The focus and online managers' engine side. The readings, their listeners and their
//! event sources are the JS face's (`js/managers.js`: `onlineManager`, `focusManager`,
//! as in TanStack); this file asks it whether a fetch may run, and hears of each change
//! (`__managersChanged`): fetches waiting here, `paused`, look again, and when it is good
//! news every client's observed queries refetch by their `refetchOnWindowFocus` /
//! `refetchOnReconnect` option.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;

use super::inner::Inner;
use super::reentry;
use super::timer::Sleep;
use super::watcher::Trigger;

// Reached through one object (`engineManagers`): three functions imported from the module
// directly became three imports of it under one name in the glue's import object.
#[wasm_bindgen(module = "/js/managers.js")]
extern "C" {
    /// Whether the network is up (`onlineManager.isOnline()`).
    #[wasm_bindgen(js_namespace = engineManagers, js_name = isOnline)]
    fn js_is_online() -> bool;
    /// Whether the page is focused (`focusManager.isFocused()`; never throws).
    #[wasm_bindgen(js_namespace = engineManagers, js_name = isFocused)]
    fn js_is_focused() -> bool;
    /// A client was made: the first one in a page installs the default event sources.
    #[wasm_bindgen(js_namespace = engineManagers, js_name = clientMade)]
    fn js_client_made();
}

#[derive(Default)]
struct Managers {
    clients: RefCell<Vec<Weak<Inner>>>,
    /// Wake-ups of paused fetches.
    waiting: RefCell<Vec<Rc<Sleep>>>,
}

thread_local! {
    static MANAGERS: Managers = Managers::default();
}

pub fn is_online() -> bool {
    js_is_online()
}

pub fn is_focused() -> bool {
    js_is_focused()
}

/// A new client hears about focus and reconnection.
pub fn register(client: &Rc<Inner>) {
    MANAGERS.with(|m| {
        // Tried (here and below): a borrow left taken by a frame a JS exception unwound
        // through (reentry.rs) must not trap; the client then hears no focus or network change.
        if let Ok(mut clients) = m.clients.try_borrow_mut() {
            clients.retain(|c| c.strong_count() > 0);
            clients.push(Rc::downgrade(client));
        }
    });
    js_client_made();
}

/// A wake-up for a fetch that must pause: it ends at the next change of either reading.
pub fn wait() -> Rc<Sleep> {
    let sleep = Rc::new(Sleep::until_woken());
    MANAGERS.with(|m| {
        if let Ok(mut waiting) = m.waiting.try_borrow_mut() {
            // Wake-ups nobody holds any more (their fetch was cancelled) go.
            waiting.retain(|w| Rc::strong_count(w) > 1);
            waiting.push(sleep.clone());
        }
    });
    sleep
}

/// Paused fetches look again now (`resumePausedMutations()`).
pub fn wake_waiting() {
    let waiting = MANAGERS.with(|m| {
        m.waiting
            .try_borrow_mut()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    });
    for sleep in waiting {
        sleep.wake();
    }
}

/// A reading changed (its listeners have heard): paused fetches look again, and on good
/// news (`trigger` 1: the page became focused, 2: the network came back) the clients
/// refetch what asks for it.
#[wasm_bindgen(js_name = __managersChanged)]
pub fn managers_changed(trigger: u8) -> Result<(), JsValue> {
    let _entered = reentry::enter("a focus or online change")?;
    let trigger = match trigger {
        1 => Some(Trigger::WindowFocus),
        2 => Some(Trigger::Reconnect),
        _ => None,
    };
    let (waiting, clients) = MANAGERS.with(|m| {
        let waiting = m
            .waiting
            .try_borrow_mut()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        let clients: Vec<Rc<Inner>> = m
            .clients
            .try_borrow()
            .map(|c| c.iter().filter_map(Weak::upgrade).collect())
            .unwrap_or_default();
        (waiting, clients)
    });
    for sleep in waiting {
        sleep.wake();
    }
    if let Some(t) = trigger {
        for client in clients {
            client.on_trigger(t);
        }
    }
    Ok(())
}
