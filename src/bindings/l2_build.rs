//! Whether this build of the engine carries L2: the full build (the package's
//! `stackquery` entries) or the L1-only build (the `l1_only` feature: the package's
//! `stackquery/l1` entry, for clients without storage).
//!
//! The L1-only build leaves out the persister, the storage calls, the restores and the
//! cross-tab channel without a `cfg` in the code that uses them: the client holds each as
//! an `Option<InBuild<T>>`, and in the L1-only build [`InBuild`] has no value, so every
//! `Some` is a branch the compiler knows cannot be taken and drops, with all it reaches.
//! What the client can be given is refused at the door: `storage` is a `TypeError`
//! naming the option and the entry that has it.

use std::ops::Deref;
use std::rc::Rc;

use wasm_bindgen::JsValue;

use super::persister::Persister;

/// A persister or a cross-tab channel, held only where the build has L2. In the L1-only
/// build it holds no `T` and cannot be made: an `Option` of it is `None` by its type.
#[cfg(not(feature = "l1_only"))]
pub struct InBuild<T>(T);
#[cfg(feature = "l1_only")]
pub struct InBuild<T>(Absent, std::marker::PhantomData<T>);

/// The L1-only build's [`InBuild`] content: no value, and no bytes. (A type with no value
/// but with bytes, such as `(T, Absent)`, would not do: the compiler keeps an enum's
/// variants that hold bytes, taken or not.)
#[cfg(feature = "l1_only")]
#[derive(Clone, Copy)]
enum Absent {}

impl<T> Deref for InBuild<T> {
    type Target = T;
    #[cfg(not(feature = "l1_only"))]
    fn deref(&self) -> &T {
        &self.0
    }
    #[cfg(feature = "l1_only")]
    fn deref(&self) -> &T {
        match self.0 {}
    }
}

impl<T: Clone> Clone for InBuild<T> {
    #[cfg(not(feature = "l1_only"))]
    fn clone(&self) -> Self {
        InBuild(self.0.clone())
    }
    #[cfg(feature = "l1_only")]
    fn clone(&self) -> Self {
        match self.0 {}
    }
}

impl<T> InBuild<T> {
    #[cfg(not(feature = "l1_only"))]
    fn new(value: T) -> Self {
        InBuild(value)
    }
}

/// A client's L2: its persister, and the name of the channel its tabs share, if they do.
pub type Opened = (InBuild<Rc<Persister>>, Option<String>);

/// The client's L2, from its options: the persister and, when tabs share the storage,
/// the name of their channel. `None` without `storage`.
#[cfg(not(feature = "l1_only"))]
pub fn open(options: &JsValue) -> Result<Option<Opened>, JsValue> {
    let Some(persist_options) = super::persister::PersistOptions::read(options)? else {
        return Ok(None);
    };
    let channel = persist_options.cross_tab.clone();
    let persister = Persister::new(persist_options);
    super::exit_flush::register(&persister); // flushed when the page hides or the process ends
    Ok(Some((InBuild::new(persister), channel)))
}

/// The L1-only build: `storage` is refused; the other L2 options are ignored, as the
/// full build ignores them without `storage`.
#[cfg(feature = "l1_only")]
pub fn open(options: &JsValue) -> Result<Option<Opened>, JsValue> {
    let storage = super::options::get(options, "storage")?;
    if storage.is_undefined() || storage.is_null() {
        return Ok(None);
    }
    Err(super::errors::type_error(
        "storage is not kept by stackquery/l1, the build without L2: import QueryClient from 'stackquery' for a client with storage",
    ))
}

/// The cross-tab channel of a client with L2 (`None` when it cannot be opened).
#[cfg(not(feature = "l1_only"))]
pub fn in_build<T>(value: Option<T>) -> Option<InBuild<T>> {
    value.map(InBuild::new)
}

#[cfg(feature = "l1_only")]
pub fn in_build<T>(_value: Option<T>) -> Option<InBuild<T>> {
    None
}
