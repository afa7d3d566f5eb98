//! The wasm-bindgen surface: what JavaScript sees.
//!
//! Thin on purpose: it reads and checks JS values ([`convert`], [`options`]), turns
//! misuse into `TypeError`/`RangeError` ([`errors`]), keeps data as `JsValue`
//! references in the core's cache, runs fetches as `spawn_local` tasks ([`fetch`]) and
//! owns the one GC timer ([`timer`]) and the focus and online managers ([`managers`]). Every decision is the core's.
//!
//! Re-entrancy rules: user code is never called while the cache is borrowed, and the
//! cache is only ever borrowed with `try_borrow_mut`, so no path can panic. A JS call
//! that can run user code (a function, a getter, a proxy trap, a `then`) must catch
//! what it throws: an exception that unwinds through wasm frames runs none of their
//! destructors, so it leaves borrows taken and the shadow stack pointer lowered
//! ([`promise`] has the forms of `Promise.resolve` and of awaiting that keep to this).
//! Every entry point that can reach user code is counted by [`reentry`], which
//! refuses calls nested deep enough to threaten the stack.
//!
//! The user's functions are called in JavaScript, by the face or by the small modules
//! the glue imports: query functions (`js/query_fn_context.js`), `retry`, `retryDelay`,
//! `initialData` (`js/query_option_calls.js`), `structuralSharing`
//! (`js/replace_equal_deep.js`), an observer's subscribers (the face's one listener per
//! observer), `select`, `placeholderData`, updaters and predicates (the face). What the
//! engine still calls itself: a storage object's methods and `onStorageError`, and, through
//! `AbortController.abort()`, the abort listeners of a query function's signal.

mod broadcast;
mod cache_view;
pub mod client;
mod clock;
mod console;
mod convert;
mod envelopes;
mod errors;
// Flushing L2 when the page hides or the process ends: the build without L2 has none.
#[cfg(not(feature = "l1_only"))]
mod exit_flush;
mod face_link;
mod face_slots;
mod fetch;
#[cfg(not(feature = "l1_only"))]
mod global;
mod heap_growth;
mod in_flight;
mod inner;
mod js_catching;
mod js_state;
mod json_slice;
mod l2_build;
pub mod managers;
mod memory_stats;
mod mounted_observers;
pub mod observer;
mod option_reader;
mod options;
mod origin;
mod persister;
mod promise;
mod query_meta;
mod read_batch;
mod reentry;
mod restore_queries;
pub mod storage;
mod stored_envelope;
mod string_batch;
mod structural;
mod tab_receive;
mod timer;
mod watcher;
