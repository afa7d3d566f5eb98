//! Nothing: this crate is its tests (tests/*.rs), run by run.mjs.
