//! The JS-facing behaviour of `QueryClient` in real headless Chromium
//! (`wasm-pack test --headless --chrome`). The tests themselves are JavaScript
//! (`tests/browser/*.test.js`), written as a user of the package would write them;
//! each gets `make(options)`, which constructs a `QueryClient`, and `lib`, which
//! constructs the package's storage classes.
//!
//! The JS tests live in three modules on purpose: with five or more JS snippet modules,
//! wasm-bindgen-test-runner's headless page load stalls intermittently (measured here:
//! 2 to 5 hangs in 8 runs with five modules, 10 of 10 runs fine with four).
#![cfg(target_arch = "wasm32")]

use stackquery::{
    FocusManager, IndexedDbStorage, MemoryStorage, OnlineManager, QueryClient, RemoteStorage,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `make(options)` → a new `QueryClient`, as JS would call `new QueryClient(options)`.
fn factory() -> JsValue {
    Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(|options| {
        QueryClient::new(options).map(JsValue::from)
    })
    .into_js_value()
}

/// `{ IndexedDbStorage(options), MemoryStorage(), RemoteStorage(options), setOnline,
/// setFocused, isOnline, isFocused }`: the package's storage classes and what
/// `onlineManager` / `focusManager` do.
fn library() -> JsValue {
    let lib = js_sys::Object::new();
    let idb = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(|options| {
        IndexedDbStorage::new(options).map(JsValue::from)
    });
    let memory = Closure::<dyn Fn() -> JsValue>::new(|| JsValue::from(MemoryStorage::new()));
    let _ = js_sys::Reflect::set(&lib, &"IndexedDbStorage".into(), &idb.into_js_value());
    let _ = js_sys::Reflect::set(&lib, &"MemoryStorage".into(), &memory.into_js_value());
    let remote = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(|options| {
        RemoteStorage::new(options).map(JsValue::from)
    });
    let _ = js_sys::Reflect::set(&lib, &"RemoteStorage".into(), &remote.into_js_value());
    let set_online =
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(OnlineManager::set_online);
    let set_focused =
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(FocusManager::set_focused);
    let is_online = Closure::<dyn Fn() -> bool>::new(OnlineManager::is_online);
    let is_focused = Closure::<dyn Fn() -> Result<bool, JsValue>>::new(FocusManager::is_focused);
    let _ = js_sys::Reflect::set(&lib, &"setOnline".into(), &set_online.into_js_value());
    let _ = js_sys::Reflect::set(&lib, &"setFocused".into(), &set_focused.into_js_value());
    let _ = js_sys::Reflect::set(&lib, &"isOnline".into(), &is_online.into_js_value());
    let _ = js_sys::Reflect::set(&lib, &"isFocused".into(), &is_focused.into_js_value());
    lib.into()
}

macro_rules! js_tests {
    ($module:literal: $($rust_name:ident => $js_name:literal),* $(,)?) => {
        mod js {
            use wasm_bindgen::prelude::*;
            #[wasm_bindgen(module = $module)]
            extern "C" {
                $(
                    #[wasm_bindgen(js_name = $js_name)]
                    pub fn $rust_name(make: &JsValue, lib: &JsValue) -> js_sys::Promise;
                )*
            }
        }
        $(
            #[wasm_bindgen_test]
            async fn $rust_name() -> Result<(), JsValue> {
                JsFuture::from(js::$rust_name(&factory(), &library())).await.map(|_| ())
            }
        )*
    };
}

mod client {
    use super::*;
    js_tests! { "/tests/browser/client.test.js":
        second_fetch_returns_cached_data_without_calling_query_fn => "secondFetchReturnsCachedDataWithoutCallingQueryFn",
        stale_data_is_returned_at_once_then_refetched => "staleDataIsReturnedAtOnceThenRefetchedInTheBackground",
        concurrent_fetches_run_query_fn_once => "concurrentFetchesRunQueryFnOnce",
        concurrent_failures_reject_every_waiter => "concurrentFailuresRejectEveryWaiterWithTheSameError",
        failing_query_fn_retries_then_rejects_and_keeps_old_data => "failingQueryFnRetriesThenRejectsAndKeepsOldData",
        retry_delay_function_spaces_attempts => "retryDelayFunctionSpacesAttempts",
        invalidate_by_prefix_marks_matches_and_refetches_by_type => "invalidateByPrefixMarksEveryMatchAndRefetchesByType",
        static_stale_time_ignores_invalidation => "staticStaleTimeIgnoresInvalidation",
        remove_and_reset_queries => "removeAndResetQueries",
        set_query_data_creates_unknown_keys => "setQueryDataCreatesUnknownKeys",
        cold_fetch_resolves_with_real_data_and_null_is_cached => "coldFetchResolvesWithRealDataAndNullIsCached",
        undefined_from_query_fn_is_an_error => "undefinedFromQueryFnIsAnError",
        cancel_queries_aborts_the_signal_and_reverts_state => "cancelQueriesAbortsTheSignalAndRevertsState",
        cancelling_during_a_retry_sleep_stops_retrying => "cancellingDuringARetrySleepStopsRetrying",
        bad_input_gets_clear_errors => "badInputGetsClearErrors",
        keys_hash_like_tanstack => "keysHashLikeTanstack",
        get_and_set_queries_data_by_prefix_and_predicate => "getAndSetQueriesDataByPrefixAndPredicate",
        unobserved_queries_are_garbage_collected => "unobservedQueriesAreGarbageCollected",
        max_entries_evicts_least_recently_used => "maxEntriesEvictsLeastRecentlyUsed",
        ensure_and_prefetch => "ensureAndPrefetch",
        clear_and_dispose => "clearAndDispose",
        edge_runtime_collects_without_timers => "edgeRuntimeCollectsWithoutTimers",
        nothing_runs_on_a_disposed_client => "nothingRunsOnADisposedClient",
        structural_sharing_keeps_unchanged_subtrees => "structuralSharingKeepsUnchangedSubtrees",
    }
}

mod persistence {
    use super::*;
    js_tests! { "/tests/browser/persistence.test.js":
        data_survives_a_reload_without_a_network_call => "dataSurvivesAReloadWithoutANetworkCall",
        concurrent_cold_reads_share_one_storage_read => "concurrentColdReadsShareOneStorageRead",
        write_behind_batches_a_thousand_writes => "writeBehindBatchesAThousandWrites",
        only_settled_data_is_persisted_with_ttl_in_seconds => "onlySettledDataIsPersistedWithTtlInSeconds",
        invalidate_remove_reset_and_clear_reach_l2 => "invalidateRemoveResetAndClearReachL2",
        removed_keys_are_not_resurrected_from_l2 => "removedKeysAreNotResurrectedFromL2",
        l1_data_newer_than_l2_is_never_overwritten => "l1DataNewerThanL2IsNeverOverwritten",
        buster_and_expiry_make_entries_misses_that_are_deleted => "busterAndExpiryMakeEntriesMissesThatAreDeleted",
        fault_matrix_get => "faultMatrixGet",
        fault_matrix_set => "faultMatrixSet",
        fault_matrix_delete => "faultMatrixDelete",
        indexed_db_unavailable_falls_back_to_l1 => "indexedDbUnavailableFallsBackToL1",
        quota_exceeded_evicts_oldest_and_retries_once => "quotaExceededEvictsOldestAndRetriesOnce",
        sync_storage_objects_work => "syncStorageObjectsWork",
        readme_local_storage_recipe_runs => "readmeLocalStorageRecipeRuns",
        memory_storage_is_a_working_l2 => "memoryStorageIsAWorkingL2",
        bad_storage_options_are_type_errors => "badStorageOptionsAreTypeErrors",
        key_prefixes_isolate_clients_sharing_a_store => "keyPrefixesIsolateClientsSharingAStore",
        entries_over_max_entry_bytes_stay_in_l1 => "entriesOverMaxEntryBytesStayInL1",
        cross_tab_changes_reach_other_clients_on_the_same_store => "crossTabChangesReachOtherClientsOnTheSameStore",
        a_late_write_never_comes_back_after_clear => "aLateWriteNeverComesBackAfterClear",
        a_query_fn_given_earlier_serves_later_calls_on_a_cold_key => "aQueryFnGivenEarlierServesLaterCallsOnAColdKey",
        namespaces_never_overlap_on_indexed_db => "namespacesNeverOverlapOnIndexedDb",
        a_huge_entry_in_indexed_db_is_never_parsed => "aHugeEntryInIndexedDbIsNeverParsed",
    }
}

mod observer {
    use super::*;
    js_tests! { "/tests/browser/reactive.test.js":
        subscribe_gives_the_current_result_then_each_change => "subscribeGivesTheCurrentResultThenEachChange",
        listeners_hear_only_real_changes => "listenersHearOnlyRealChanges",
        invalidate_refetches_only_active_queries => "invalidateRefetchesOnlyActiveQueries",
        enabled_is_honoured_and_changeable => "enabledIsHonouredAndChangeable",
        the_last_unsubscribe_starts_the_gc_clock => "theLastUnsubscribeStartsTheGcClock",
        an_observer_on_a_cold_key_uses_fresh_l2_data => "anObserverOnAColdKeyUsesFreshL2Data",
        removed_under_an_observer_the_query_comes_back => "removedUnderAnObserverTheQueryComesBack",
        observer_misuse_is_a_type_error => "observerMisuseIsATypeError",
        select_is_memoized_and_a_throwing_select_is_an_error => "selectIsMemoizedAndAThrowingSelectIsAnError",
        placeholder_data_shows_until_real_data_but_is_never_cached => "placeholderDataShowsUntilRealDataButIsNeverCached",
        refetch_interval_keeps_polling_through_failures_and_stops => "refetchIntervalKeepsPollingThroughFailuresAndStops",
        offline_fetches_pause_and_continue_on_reconnect => "offlineFetchesPauseAndContinueOnReconnect",
        focus_and_reconnect_refetch_stale_observed_queries => "focusAndReconnectRefetchStaleObservedQueries",
        retries_wait_while_the_page_is_hidden => "retriesWaitWhileThePageIsHidden",
        a_cold_key_shows_loading_while_l2_is_read => "aColdKeyShowsLoadingWhileL2IsRead",
        reading_a_result_never_hides_a_change_from_listeners => "readingAResultNeverHidesAChangeFromListeners",
        listeners_hear_when_data_turns_stale => "listenersHearWhenDataTurnsStale",
    }
}

mod remote {
    use super::*;
    js_tests! { "/tests/browser/persistence.test.js":
        remote_store_from_the_browser => "remoteStoreFromTheBrowser",
        remote_store_failures_fall_back_to_l1 => "remoteStoreFailuresFallBackToL1",
    }
}

mod mutation {
    use super::*;
    js_tests! { "/tests/browser/reactive.test.js":
        lifecycle_callbacks_get_the_context => "lifecycleCallbacksGetTheContext",
        optimistic_update_rolls_back_on_error => "optimisticUpdateRollsBackOnError",
        a_throwing_callback_never_reruns_mutation_fn => "aThrowingCallbackNeverRerunsMutationFn",
        retry_defaults_to_zero => "retryDefaultsToZero",
        a_scope_runs_one_at_a_time => "aScopeRunsOneAtATime",
        mutation_misuse_is_a_type_error => "mutationMisuseIsATypeError",
    }
}
