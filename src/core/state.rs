//! The state of one query and the transitions between its states.
//!
//! Mirrors TanStack's query reducer: `status` says whether there is data
//! (`pending`/`success`/`error`), `fetch_status` whether a fetch runs. Data and error
//! types are generic: the wasm surface keeps JS values here without copying them.
//! `None` data means "no data"; a JS `null` is a value like any other.

/// Whether the query has data, or failed without data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No data yet.
    Pending,
    /// Has data.
    Success,
    /// The last fetch failed (with no data, or over it).
    Error,
}

impl Status {
    /// The name TanStack uses: `pending`, `success` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Success => "success",
            Status::Error => "error",
        }
    }
}

/// Whether a fetch is running (or waiting for the network to come back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchStatus {
    /// A fetch runs.
    Fetching,
    /// A fetch waits for the network (or focus).
    Paused,
    /// Nothing runs.
    Idle,
}

impl FetchStatus {
    /// The name TanStack uses: `fetching`, `paused` or `idle`.
    pub fn as_str(self) -> &'static str {
        match self {
            FetchStatus::Fetching => "fetching",
            FetchStatus::Paused => "paused",
            FetchStatus::Idle => "idle",
        }
    }
}

/// Everything a user can read about one query.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryState<D, E> {
    /// `pending`, `success` or `error`.
    pub status: Status,
    /// `fetching`, `paused` or `idle`.
    pub fetch_status: FetchStatus,
    /// The last data (kept through errors and refetches).
    pub data: Option<D>,
    /// The last fetch's error, until data comes.
    pub error: Option<E>,
    /// Milliseconds since the epoch; 0 while there never was data.
    pub data_updated_at: f64,
    /// When the last error came, ms since the epoch; 0 while there never was one.
    pub error_updated_at: f64,
    /// Failed attempts of the current (or last) fetch.
    pub failure_count: u32,
    /// The current fetch's last failed attempt's error.
    pub failure_reason: Option<E>,
    /// Set by invalidation, cleared by new data. A flag, never a zero timestamp.
    pub is_invalidated: bool,
    /// How many times data came (fetched, set or restored).
    pub data_update_count: u32,
    /// How many fetches failed.
    pub error_update_count: u32,
}

impl<D, E> Default for QueryState<D, E> {
    fn default() -> Self {
        QueryState {
            status: Status::Pending,
            fetch_status: FetchStatus::Idle,
            data: None,
            error: None,
            data_updated_at: 0.0,
            error_updated_at: 0.0,
            failure_count: 0,
            failure_reason: None,
            is_invalidated: false,
            data_update_count: 0,
            error_update_count: 0,
        }
    }
}

impl<D, E> QueryState<D, E> {
    /// The initial state: pending, or success when initial data is given.
    pub fn initial(initial_data: Option<D>, updated_at: f64) -> Self {
        let mut state = Self::default();
        if let Some(data) = initial_data {
            state.status = Status::Success;
            state.data = Some(data);
            state.data_updated_at = updated_at;
        }
        state
    }

    /// Whether it holds data.
    pub fn has_data(&self) -> bool {
        self.data.is_some()
    }

    /// A fetch begins: failures of earlier fetches are forgotten; with no data, an
    /// earlier error too: the query is pending again (TanStack's `fetchState`).
    pub fn on_fetch_start(&mut self) {
        self.fetch_status = FetchStatus::Fetching;
        self.failure_count = 0;
        self.failure_reason = None;
        if !self.has_data() {
            self.status = Status::Pending;
            self.error = None;
        }
    }

    /// The fetch waits for the network (or for the page to be visible again).
    pub fn on_pause(&mut self) {
        self.fetch_status = FetchStatus::Paused;
    }

    /// A paused fetch goes on.
    pub fn on_continue(&mut self) {
        self.fetch_status = FetchStatus::Fetching;
    }

    /// One attempt failed and another will follow.
    pub fn on_attempt_failed(&mut self, failure_count: u32, reason: E) {
        self.failure_count = failure_count;
        self.failure_reason = Some(reason);
    }

    /// Data arrived (from a fetch, `setQueryData` or storage).
    pub fn on_success(&mut self, data: D, updated_at: f64) {
        self.status = Status::Success;
        self.fetch_status = FetchStatus::Idle;
        self.data = Some(data);
        self.data_updated_at = updated_at;
        self.data_update_count += 1;
        self.error = None;
        self.failure_count = 0;
        self.failure_reason = None;
        self.is_invalidated = false;
    }

    /// Data written by the user (`setQueryData`): a success, but a fetch running meanwhile
    /// goes on (its `fetchStatus` and failure count stay, as TanStack's manual update).
    pub fn on_set(&mut self, data: D, updated_at: f64) {
        let (fetch_status, failure_count) = (self.fetch_status, self.failure_count);
        let failure_reason = self.failure_reason.take();
        self.on_success(data, updated_at);
        self.fetch_status = fetch_status;
        self.failure_count = failure_count;
        self.failure_reason = failure_reason;
    }

    /// Data restored from L2: as it was when written, invalidation included.
    pub fn on_restored(&mut self, data: D, updated_at: f64, is_invalidated: bool) {
        self.status = Status::Success;
        self.data = Some(data);
        self.data_updated_at = updated_at;
        self.data_update_count += 1;
        self.error = None;
        self.is_invalidated = is_invalidated;
    }

    /// The fetch failed for good. Earlier data is kept, and counts as invalidated (stale
    /// whatever its `staleTime`, as TanStack's error does).
    pub fn on_error(&mut self, error: E, failure_count: u32, at: f64)
    where
        E: Clone,
    {
        self.is_invalidated = true;
        self.status = Status::Error;
        self.fetch_status = FetchStatus::Idle;
        self.failure_reason = Some(error.clone());
        self.error = Some(error);
        self.error_updated_at = at;
        self.error_update_count += 1;
        self.failure_count = failure_count;
    }

    /// Marks it invalidated: stale until new data comes.
    pub fn invalidate(&mut self) {
        self.is_invalidated = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type S = QueryState<&'static str, &'static str>;

    #[test]
    fn starts_pending_and_idle() {
        let s = S::initial(None, 5.0);
        assert_eq!(
            (s.status, s.fetch_status),
            (Status::Pending, FetchStatus::Idle)
        );
        assert!(!s.has_data());
        let s = S::initial(Some("seed"), 5.0);
        assert_eq!(
            (s.status, s.data, s.data_updated_at),
            (Status::Success, Some("seed"), 5.0)
        );
        assert_eq!(s.data_update_count, 0, "initial data is not an update");
    }

    #[test]
    fn a_fetch_after_an_error_without_data_is_pending_again_and_an_error_invalidates() {
        let mut s = S::initial(None, 0.0);
        s.on_fetch_start();
        s.on_error("down", 1, 5.0);
        assert_eq!((s.status, s.error), (Status::Error, Some("down")));
        assert!(s.is_invalidated, "TanStack's error step invalidates");
        s.on_fetch_start();
        assert_eq!(
            (s.status, s.error, s.fetch_status, s.failure_count),
            (Status::Pending, None, FetchStatus::Fetching, 0),
            "no data: pending again, the old error gone"
        );
        assert_eq!(s.error_update_count, 1, "the count of errors stays");
        s.on_success("v", 9.0);
        assert!(!s.is_invalidated);
        s.on_fetch_start();
        s.on_error("again", 1, 10.0);
        s.on_fetch_start();
        assert_eq!(
            (s.status, s.error),
            (Status::Error, Some("again")),
            "with data, the error stays shown while it refetches"
        );
    }

    #[test]
    fn a_failed_refetch_keeps_old_data() {
        let mut s = S::initial(None, 0.0);
        s.on_fetch_start();
        s.on_success("v1", 10.0);
        s.invalidate();
        s.on_fetch_start();
        s.on_attempt_failed(1, "boom");
        assert_eq!((s.failure_count, s.failure_reason), (1, Some("boom")));
        assert_eq!(s.fetch_status, FetchStatus::Fetching);
        s.on_error("boom", 2, 20.0);
        assert_eq!(s.status, Status::Error);
        assert_eq!(s.data, Some("v1"), "data survives the error");
        assert_eq!(s.data_updated_at, 10.0);
        assert_eq!(
            (s.error, s.error_updated_at, s.failure_count),
            (Some("boom"), 20.0, 2)
        );
        assert!(s.is_invalidated, "an error does not make data fresh");
        s.on_fetch_start();
        s.on_success("v2", 30.0);
        assert_eq!(
            (s.status, s.error, s.failure_count),
            (Status::Success, None, 0)
        );
        assert_eq!(s.data_update_count, 2);
        assert!(!s.is_invalidated);
    }

    #[test]
    fn a_paused_fetch_continues_and_settles_like_any_other() {
        let mut s = S::initial(None, 0.0);
        s.on_fetch_start();
        s.on_pause();
        assert_eq!(s.fetch_status, FetchStatus::Paused);
        assert_eq!(s.status, Status::Pending, "pausing is not failing");
        s.on_continue();
        assert_eq!(s.fetch_status, FetchStatus::Fetching);
        s.on_success("v", 5.0);
        assert_eq!(s.fetch_status, FetchStatus::Idle);
    }
}
