//! The engine's view of the platform: a clock, timers and a way to run tasks.
//!
//! The engine never reads a clock or starts a timer itself; it asks its [`Host`]. In a
//! browser, a worker or Node that is `Date.now`, `setTimeout` and `spawn_local`
//! (`crate::host::WasmHost`); in the engine's own tests it is a fake host with a
//! virtual clock that runs every task to completion, deterministically, without sleeping.

use std::future::Future;
use std::pin::Pin;

/// A boxed future that need not be `Send` (everything here runs on one thread).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// What the engine needs from the platform it runs on.
pub trait Host: 'static {
    /// Milliseconds since the Unix epoch.
    fn now(&self) -> f64;
    /// A future that completes after `ms` milliseconds (at once for 0 or less).
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
    /// Runs `task` to completion in the background, on this thread.
    fn spawn(&self, task: LocalBoxFuture<'static, ()>);
}
