//! The focus and online managers (`focusManager`, `onlineManager`, as in TanStack):
//! whether the page is visible and the network up, and what happens when that changes.
//!
//! One reading per module instance, shared by every client. In a page the sources are
//! `visibilitychange` and the window's `online`/`offline` events; workers, Node, Deno
//! and workerd have none, so there the page counts as focused and the network as up
//! unless the app says otherwise (`setFocused`, `setOnline`, or its own source through
//! `setEventListener`). Fetches that may not run wait here, `paused`; when the network
//! comes back or the page is shown they go on, and observed queries refetch by their
//! `refetchOnReconnect` / `refetchOnWindowFocus` option.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::client::Inner;
use super::convert::{describe, js_name};
use super::errors::type_error;
use super::global::{is_page, listener};
use super::reentry;
use super::timer::Sleep;

/// What happened, for the clients to react to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    WindowFocus,
    Reconnect,
}

/// Subscribers of a manager (`onlineManager.subscribe`), by id.
type Listeners = RefCell<Vec<(u32, Function)>>;

#[derive(Default)]
struct Managers {
    offline: Cell<bool>,
    /// Set by the app; `None` means "ask `document.visibilityState`".
    focused: Cell<Option<bool>>,
    clients: RefCell<Vec<Weak<Inner>>>,
    /// Wake-ups of paused fetches.
    waiting: RefCell<Vec<Rc<Sleep>>>,
    /// Removes the current event sources (the defaults or the app's own).
    online_cleanup: RefCell<Option<Function>>,
    focus_cleanup: RefCell<Option<Function>>,
    /// The default sources were installed, or the app chose its own.
    sources_chosen: Cell<bool>,
    /// `onlineManager.subscribe` / `focusManager.subscribe` listeners, by id.
    online_listeners: Listeners,
    focus_listeners: Listeners,
    next_listener: Cell<u32>,
}

thread_local! {
    static MANAGERS: Managers = Managers::default();
}

pub fn is_online() -> bool {
    MANAGERS.with(|m| !m.offline.get())
}

pub fn is_focused() -> bool {
    if let Some(f) = MANAGERS.with(|m| m.focused.get()) {
        return f;
    }
    let document = Reflect::get(&js_sys::global(), &js_name("document")).unwrap_or_default();
    if !document.is_object() {
        return true;
    }
    Reflect::get(&document, &js_name("visibilityState"))
        .ok()
        .and_then(|v| v.as_string())
        .is_none_or(|state| state != "hidden")
}

/// A new client hears about focus and reconnection; the first one in a page installs
/// the default event sources.
pub fn register(client: &Rc<Inner>) {
    MANAGERS.with(|m| {
        let mut clients = m.clients.borrow_mut();
        clients.retain(|c| c.strong_count() > 0);
        clients.push(Rc::downgrade(client));
    });
    if !MANAGERS.with(|m| m.sources_chosen.replace(true)) {
        install_page_sources();
    }
}

/// A wake-up for a fetch that must pause: it ends at the next change of either reading.
pub fn wait() -> Rc<Sleep> {
    let sleep = Rc::new(Sleep::until_woken());
    MANAGERS.with(|m| {
        let mut waiting = m.waiting.borrow_mut();
        // Wake-ups nobody holds any more (their fetch was cancelled) go.
        waiting.retain(|w| Rc::strong_count(w) > 1);
        waiting.push(sleep.clone());
    });
    sleep
}

/// Paused fetches and mutations look again now (`resumePausedMutations()`).
pub fn wake_waiting() {
    let waiting = MANAGERS.with(|m| std::mem::take(&mut *m.waiting.borrow_mut()));
    for sleep in waiting {
        sleep.wake();
    }
}

/// A reading changed: paused fetches look again, and when it is good news the
/// clients refetch what asks for it.
fn changed(trigger: Option<Trigger>) {
    let (waiting, clients) = MANAGERS.with(|m| {
        let waiting = std::mem::take(&mut *m.waiting.borrow_mut());
        let clients: Vec<Rc<Inner>> = m
            .clients
            .borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
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
}

fn set_online(online: bool) {
    let was = MANAGERS.with(|m| !m.offline.replace(!online));
    if was != online {
        tell(|m| &m.online_listeners, online);
        changed(online.then_some(Trigger::Reconnect));
    }
}

/// The page's visibility changed: look again, keeping any override the app set (as
/// TanStack's default listener does).
fn visibility_changed() {
    let focused = is_focused();
    tell(|m| &m.focus_listeners, focused);
    changed(focused.then_some(Trigger::WindowFocus));
}

fn set_focused(focused: Option<bool>) {
    let before = is_focused();
    let overridden = MANAGERS.with(|m| m.focused.replace(focused));
    let now = is_focused();
    // As TanStack's: listeners hear every change of what the app set.
    if overridden != focused {
        tell(|m| &m.focus_listeners, now);
    }
    if before != now || focused.is_none() {
        changed(now.then_some(Trigger::WindowFocus));
    }
}

/// Calls a manager's listeners with its new reading (a throwing one stops none of the
/// others), before the clients react.
fn tell(list: impl Fn(&Managers) -> &Listeners, reading: bool) {
    let listeners: Vec<Function> =
        MANAGERS.with(|m| list(m).borrow().iter().map(|(_, f)| f.clone()).collect());
    for f in listeners {
        let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from(reading));
    }
}

/// `subscribe(listener)`: `listener(reading)` on each change; returns the unsubscribe.
fn subscribe(
    list: fn(&Managers) -> &Listeners,
    listener: JsValue,
    label: &str,
) -> Result<JsValue, JsValue> {
    let listener: Function = listener.dyn_into().map_err(|v| {
        type_error(format!(
            "{label}.subscribe needs a listener function, got {}",
            describe(&v)
        ))
    })?;
    let id = MANAGERS.with(|m| {
        let id = m.next_listener.get() + 1;
        m.next_listener.set(id);
        list(m).borrow_mut().push((id, listener));
        id
    });
    Ok(super::promise::once_fn(move || {
        MANAGERS.with(|m| list(m).borrow_mut().retain(|(i, _)| *i != id));
    }))
}

/// `addEventListener` on the global object, when this is a page (workers have no
/// focus and their `online` events say nothing useful).
fn install_page_sources() {
    if !is_page() {
        return;
    }
    // Events can be dispatched by the app from inside a call (a listener): counted.
    let visibility = Closure::<dyn FnMut()>::new(|| {
        if let Ok(_entered) = reentry::enter("visibilitychange") {
            visibility_changed();
        }
    })
    .into_js_value();
    let online = Closure::<dyn FnMut()>::new(|| {
        if let Ok(_entered) = reentry::enter("the online event") {
            set_online(true);
        }
    })
    .into_js_value();
    let offline = Closure::<dyn FnMut()>::new(|| {
        if let Ok(_entered) = reentry::enter("the offline event") {
            set_online(false);
        }
    })
    .into_js_value();
    listener("addEventListener", "visibilitychange", &visibility);
    listener("addEventListener", "online", &online);
    listener("addEventListener", "offline", &offline);
    let focus_cleanup = super::promise::once_fn(move || {
        listener("removeEventListener", "visibilitychange", &visibility);
    });
    let online_cleanup = super::promise::once_fn(move || {
        listener("removeEventListener", "online", &online);
        listener("removeEventListener", "offline", &offline);
    });
    MANAGERS.with(|m| {
        *m.focus_cleanup.borrow_mut() = focus_cleanup.dyn_into().ok();
        *m.online_cleanup.borrow_mut() = online_cleanup.dyn_into().ok();
    });
}

/// `setEventListener(setup)`: the app's own source. `setup(setter)` may return a
/// cleanup function, called when the source is replaced.
fn replace_source(
    setup: JsValue,
    cleanup: impl Fn(&Managers) -> &RefCell<Option<Function>>,
    setter: JsValue,
    label: &str,
) -> Result<(), JsValue> {
    let setup: Function = setup.dyn_into().map_err(|v| {
        type_error(format!(
            "{label}.setEventListener needs a function (setter) => cleanup, got {}",
            describe(&v)
        ))
    })?;
    if !MANAGERS.with(|m| m.sources_chosen.replace(true)) {
        install_page_sources(); // so that they can be removed below
    }
    let old = MANAGERS.with(|m| cleanup(m).borrow_mut().take());
    if let Some(old) = old {
        let _ = old.call0(&JsValue::UNDEFINED);
    }
    let returned = setup.call1(&JsValue::UNDEFINED, &setter)?;
    MANAGERS.with(|m| *cleanup(m).borrow_mut() = returned.dyn_into::<Function>().ok());
    Ok(())
}

fn expect_bool(value: &JsValue, what: &str) -> Result<bool, JsValue> {
    value
        .as_bool()
        .ok_or_else(|| type_error(format!("{what} needs a boolean, got {}", describe(value))))
}

/// `onlineManager.isOnline()`, `.setOnline(online)`, `.setEventListener(setup)`.
#[wasm_bindgen(js_name = onlineManager)]
pub struct OnlineManager;

#[wasm_bindgen(js_class = onlineManager)]
impl OnlineManager {
    #[wasm_bindgen(js_name = isOnline)]
    pub fn is_online() -> bool {
        is_online()
    }

    /// Tells stackquery the network went down (fetches pause) or came back (they go on,
    /// and observed queries refetch by `refetchOnReconnect`).
    #[wasm_bindgen(js_name = setOnline)]
    pub fn set_online(online: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("onlineManager.setOnline")?;
        set_online(expect_bool(&online, "onlineManager.setOnline")?);
        Ok(())
    }

    /// Replaces the event source: `setup(setOnline)` returns an optional cleanup.
    #[wasm_bindgen(js_name = setEventListener)]
    pub fn set_event_listener(setup: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("onlineManager.setEventListener")?;
        let setter = Closure::<dyn FnMut(JsValue) -> Result<(), JsValue>>::new(|v: JsValue| {
            let _entered = reentry::enter("setOnline")?;
            set_online(v.as_bool().unwrap_or(true));
            Ok(())
        })
        .into_js_value();
        replace_source(setup, |m| &m.online_cleanup, setter, "onlineManager")
    }

    /// `listener(online)` each time the network goes or comes back; returns the
    /// unsubscribe function.
    pub fn subscribe(listener: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("onlineManager.subscribe")?;
        subscribe(|m| &m.online_listeners, listener, "onlineManager")
    }
}

/// `focusManager.isFocused()`, `.setFocused(focused?)`, `.setEventListener(setup)`.
#[wasm_bindgen(js_name = focusManager)]
pub struct FocusManager;

#[wasm_bindgen(js_class = focusManager)]
impl FocusManager {
    #[wasm_bindgen(js_name = isFocused)]
    pub fn is_focused() -> Result<bool, JsValue> {
        let _entered = reentry::enter("focusManager.isFocused")?;
        Ok(is_focused())
    }

    /// `true`/`false` overrides the page's visibility; `undefined` goes back to it.
    /// Becoming focused refetches observed queries by `refetchOnWindowFocus`.
    #[wasm_bindgen(js_name = setFocused)]
    pub fn set_focused(focused: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("focusManager.setFocused")?;
        let focused = match focused.is_undefined() {
            true => None,
            false => Some(expect_bool(&focused, "focusManager.setFocused")?),
        };
        set_focused(focused);
        Ok(())
    }

    /// Replaces the event source: `setup(setFocused)` returns an optional cleanup.
    #[wasm_bindgen(js_name = setEventListener)]
    pub fn set_event_listener(setup: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("focusManager.setEventListener")?;
        let setter = Closure::<dyn FnMut(JsValue) -> Result<(), JsValue>>::new(|v: JsValue| {
            let _entered = reentry::enter("setFocused")?;
            set_focused(v.as_bool());
            Ok(())
        })
        .into_js_value();
        replace_source(setup, |m| &m.focus_cleanup, setter, "focusManager")
    }

    /// `listener(focused)` each time the page is shown or hidden (or `setFocused`
    /// changes it); returns the unsubscribe function.
    pub fn subscribe(listener: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("focusManager.subscribe")?;
        subscribe(|m| &m.focus_listeners, listener, "focusManager")
    }
}
