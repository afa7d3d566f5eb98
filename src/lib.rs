//! stackquery: a two-tier query cache for JavaScript runtimes.
//!
//! [`core`] is plain Rust and decides everything (keys, state, staleness, dedup,
//! retry, GC, filters); it is tested natively. `bindings` (wasm32 only) is the
//! wasm-bindgen surface of the engine; the package's JS face (`js/face/`) extends its
//! classes and is what JavaScript imports.

pub mod core;

#[cfg(target_arch = "wasm32")]
mod bindings;
