//! What a client asks of its mounted observers (`observer.rs`), named here so the client
//! holds them without depending on their file: hear that their query changed, hear
//! that the page was focused or the network came back ([`Trigger`], which `managers.rs`
//! raises), and say by which `staleTime` they judge its data.

use std::rc::Rc;

use crate::core::staleness::StaleTime;

/// What happened, for the clients to react to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    WindowFocus,
    Reconnect,
}

/// A mounted observer, as its client sees it.
pub trait Watcher {
    /// Its query's state changed: compare, and tell the listeners if they would see a
    /// change.
    fn notify(self: Rc<Self>);
    /// Focus or reconnection: refetch by `refetchOnWindowFocus` / `refetchOnReconnect`.
    fn on_trigger(self: Rc<Self>, trigger: Trigger);
    /// The client is disposed: stop timers and let go of the client.
    fn release_for_dispose(&self);
    /// Its `staleTime` when it is enabled (`None`: disabled), for its query's
    /// `isStale()` (TanStack's: stale to any of its enabled observers).
    fn stale_time_if_enabled(&self) -> Option<StaleTime>;
}
