//! When fetches may run and when queries refetch on their own: the rules behind the
//! focus and online managers, with the managers' readings passed in.
//!
//! The same rules as TanStack's retryer: under `networkMode: 'online'` (the default)
//! an attempt waits for the network; `'offlineFirst'` lets the first attempt run
//! anyway (a service worker or HTTP cache may answer it); `'always'` never waits for
//! the network. Retries also wait for the page to be visible, whatever the mode. A
//! fetch that waits is `paused`, not failed: it continues where it stopped.

/// The `networkMode` option of a query.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NetworkMode {
    #[default]
    /// Fetch only while online; pause while offline (the default).
    Online,
    /// Try once regardless; retries wait for the network.
    OfflineFirst,
    /// Never pause for the network.
    Always,
}

impl NetworkMode {
    /// The option's JS spelling (`online`, `offlineFirst`, `always`); `None` for anything else.
    pub fn parse(text: &str) -> Option<NetworkMode> {
        match text {
            "online" => Some(NetworkMode::Online),
            "offlineFirst" => Some(NetworkMode::OfflineFirst),
            "always" => Some(NetworkMode::Always),
            _ => None,
        }
    }
}

/// Whether attempt number `attempt` (0 for the first, then one per retry) may start
/// now; if not, the fetch pauses until the managers' readings change.
pub fn may_attempt(mode: NetworkMode, attempt: u32, online: bool, focused: bool) -> bool {
    let network = match mode {
        NetworkMode::Online => online,
        NetworkMode::OfflineFirst => attempt == 0 || online,
        NetworkMode::Always => true,
    };
    network && (attempt == 0 || focused)
}

/// `refetchOnWindowFocus` / `refetchOnReconnect`: `false`, `true` (when stale) or
/// `'always'`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefetchOn {
    /// `false`: never.
    Never,
    #[default]
    /// `true`: when the data is stale (the default).
    IfStale,
    /// `'always'`: even when fresh.
    Always,
}

impl RefetchOn {
    /// Whether an enabled, observed query refetches when the event happens.
    pub fn should_refetch(self, stale: bool) -> bool {
        match self {
            RefetchOn::Never => false,
            RefetchOn::IfStale => stale,
            RefetchOn::Always => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_mode_waits_for_the_network_before_every_attempt() {
        assert!(may_attempt(NetworkMode::Online, 0, true, true));
        assert!(!may_attempt(NetworkMode::Online, 0, false, true));
        assert!(!may_attempt(NetworkMode::Online, 2, false, true));
    }

    #[test]
    fn the_first_attempt_does_not_wait_for_focus_but_retries_do() {
        assert!(may_attempt(NetworkMode::Online, 0, true, false));
        assert!(!may_attempt(NetworkMode::Online, 1, true, false));
        assert!(!may_attempt(NetworkMode::Always, 1, false, false));
        assert!(may_attempt(NetworkMode::Always, 1, false, true));
    }

    #[test]
    fn offline_first_tries_once_then_waits_like_online() {
        assert!(may_attempt(NetworkMode::OfflineFirst, 0, false, true));
        assert!(!may_attempt(NetworkMode::OfflineFirst, 1, false, true));
        assert!(may_attempt(NetworkMode::OfflineFirst, 1, true, true));
    }

    #[test]
    fn always_mode_ignores_the_network() {
        assert!(may_attempt(NetworkMode::Always, 0, false, false));
    }

    #[test]
    fn mode_names_are_tanstacks() {
        assert_eq!(
            NetworkMode::parse("offlineFirst"),
            Some(NetworkMode::OfflineFirst)
        );
        assert_eq!(NetworkMode::parse("always"), Some(NetworkMode::Always));
        assert_eq!(NetworkMode::parse("online"), Some(NetworkMode::Online));
        assert_eq!(NetworkMode::parse("offline"), None);
    }

    #[test]
    fn refetch_triggers_respect_staleness_unless_always() {
        assert!(RefetchOn::IfStale.should_refetch(true));
        assert!(!RefetchOn::IfStale.should_refetch(false));
        assert!(RefetchOn::Always.should_refetch(false));
        assert!(!RefetchOn::Never.should_refetch(true));
    }
}
