//! The wasm-bindgen surface: what JavaScript sees.
//!
//! Thin on purpose: it reads and checks JS values ([`convert`], [`options`]), turns
//! misuse into `TypeError`/`RangeError` ([`errors`]), keeps data as `JsValue`
//! references in the core's cache, runs fetches as `spawn_local` tasks ([`fetch`]) and
//! owns the one GC timer ([`timer`]) and the focus and online managers ([`managers`]). Every decision is the core's.
//!
//! Re-entrancy rule: user code (query functions, updaters, predicates, retry
//! functions, abort listeners) is never called while the cache is borrowed, and the
//! cache is only ever borrowed with `try_borrow_mut`, so no path can panic.

mod broadcast;
pub mod client;
mod convert;
mod errors;
mod exit_flush;
mod fetch;
mod global;
mod js_state;
pub mod managers;
mod memory_stats;
pub mod mutation;
pub mod observer;
mod options;
mod persister;
mod promise;
pub mod storage;
mod structural;
mod timer;
