//! `QueryClient`, the JS entry point: the class the face's `QueryClient` extends, its
//! constructor (the client's state, [`Inner`], its L2 and cross-tab channel wired up)
//! and its methods. `watch` is `observer.rs`'s, the face's calls `face_link.rs`'s.
//!
//! Data is kept as `JsValue` references, so a cache hit returns the very object the
//! query function resolved with. Methods read and check their arguments first, then
//! borrow the cache briefly; user callbacks run after the borrow ends.

use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::broadcast::CrossTab;
use super::clock::now;
use super::convert::{hash_key_value, key_of};
use super::errors::{disposed_error, range_error};
use super::fetch;
use super::inner::{resolve_initial, Inner, WhenStale};
use super::js_state::state_object;
use super::l2_build;
use super::options::{get, ClientOptions, Filters, QueryOptions, RefetchType, Runtime};
use super::query_meta::{release, release_removed, take_reverted, Meta};
use super::{managers, origin, promise, reentry, structural, tab_receive};
use crate::core::cache::CacheError;
use crate::core::filters::{QueryFilters, QueryType};
use crate::core::persist::order::State;
use crate::core::state::FetchStatus;
use crate::core::text::text;
use crate::core::QueryCache;

/// `options.updatedAt` of `setQueryData` / `setQueriesData`: a time in ms, or none.
fn updated_at(options: &JsValue, method: &str) -> Result<Option<f64>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let at = super::options::get(options, "updatedAt")?;
    if at.is_undefined() {
        return Ok(None);
    }
    match at.as_f64() {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(ms)),
        _ => Err(range_error(text(&[
            method,
            ": options.updatedAt must be a time in milliseconds (a finite number ≥ 0)",
        ]))),
    }
}

/// A cache of queries. See the package README for the API.
#[wasm_bindgen]
pub struct QueryClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl QueryClient {
    /// `new QueryClient({ staleTime, gcTime, retry, retryDelay, maxEntries })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<QueryClient, JsValue> {
        let _entered = reentry::enter("new QueryClient")?;
        let defaults = ClientOptions::read(&options)?;
        let (persister, channel) = match l2_build::open(&options)? {
            Some((persister, channel)) => (Some(persister), channel),
            None => (None, None),
        };
        let cache = QueryCache::new(defaults.max_entries)
            .map_err(|CacheError::ZeroCapacity| range_error("maxEntries must be at least 1"))?;
        let client = QueryClient {
            inner: Rc::new(Inner::new(defaults, cache, persister)),
        };
        if let Some(name) = channel {
            let weak = Rc::downgrade(&client.inner);
            let tabs = CrossTab::open(&name, move |message| {
                if let Some(inner) = weak.upgrade() {
                    tab_receive::receive(&inner, message);
                }
            });
            *client.inner.cross_tab.borrow_mut() = l2_build::in_build(tabs);
        }
        managers::register(&client.inner);
        Ok(client)
    }

    fn alive(&self) -> Result<&Rc<Inner>, JsValue> {
        if self.inner.disposed.get() {
            Err(disposed_error())
        } else {
            Ok(&self.inner)
        }
    }

    /// The client's shared state, disposed or not (for the face's link).
    pub(crate) fn shared(&self) -> &Rc<Inner> {
        &self.inner
    }

    /// The client's shared state (for observers).
    pub(crate) fn inner(&self) -> Result<Rc<Inner>, JsValue> {
        self.alive().cloned()
    }

    fn fetch_or_cached(
        &self,
        opts: &JsValue,
        method: &'static str,
        when_stale: Option<WhenStale>,
    ) -> Result<Promise, JsValue> {
        let _entered = reentry::enter(method)?;
        let inner = self.alive()?;
        let o = QueryOptions::read(opts, &inner.defaults, method)?;
        let when_stale = match when_stale {
            Some(w) => w,
            // ensureQueryData: `revalidateIfStale` asks for stale-while-revalidate.
            None if get(opts, "revalidateIfStale")?.is_truthy() => WhenStale::Revalidate,
            None => WhenStale::Answer,
        };
        inner.fetch_or_cached(o, when_stale)
    }

    /// Fresh cached data, or the data of a fetch (stale data is refetched first).
    #[wasm_bindgen(js_name = fetchQuery)]
    pub fn fetch_query(&self, options: JsValue) -> Result<Promise, JsValue> {
        self.fetch_or_cached(&options, "fetchQuery", Some(WhenStale::Refetch))
    }

    /// Like `fetchQuery`, but resolves with nothing and never rejects on fetch failure.
    #[wasm_bindgen(js_name = prefetchQuery)]
    pub fn prefetch_query(&self, options: JsValue) -> Result<Promise, JsValue> {
        let p = self.fetch_or_cached(&options, "prefetchQuery", Some(WhenStale::Refetch))?;
        Ok(promise::then(&p, &self.inner.noop, &self.inner.noop))
    }

    /// Cached data whether stale or not; fetches only when there is none.
    /// `revalidateIfStale: true`: stale data now, and a refetch in the background.
    #[wasm_bindgen(js_name = ensureQueryData)]
    pub fn ensure_query_data(&self, options: JsValue) -> Result<Promise, JsValue> {
        self.fetch_or_cached(&options, "ensureQueryData", None)
    }

    /// Paused fetches look again now (the face's `resumePausedMutations()`, which
    /// resumes the face's paused mutations itself, as TanStack's resumes its own). Online
    /// only, as TanStack's.
    #[wasm_bindgen(js_name = __wakePaused)]
    pub fn wake_paused(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("resumePausedMutations")?;
        self.inner()?;
        if managers::is_online() {
            managers::wake_waiting();
        }
        Ok(())
    }

    /// L1 data of a key, synchronously; `undefined` when none.
    #[wasm_bindgen(js_name = getQueryData)]
    pub fn get_query_data(&self, query_key: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("getQueryData")?;
        let (hash, _) = hash_key_value(&query_key, "queryKey")?;
        let mut cache = self.alive()?.cache()?;
        Ok(cache
            .touch(&hash)
            .and_then(|q| q.state.data.clone())
            .unwrap_or(JsValue::UNDEFINED))
    }

    /// The state of a query (status, fetchStatus, data, error, …) or `undefined`.
    #[wasm_bindgen(js_name = getQueryState)]
    pub fn get_query_state(&self, query_key: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("getQueryState")?;
        let (hash, _) = hash_key_value(&query_key, "queryKey")?;
        let cache = self.alive()?.cache_ref()?;
        Ok(cache
            .get(&hash)
            .map(|q| state_object(&q.state))
            .unwrap_or(JsValue::UNDEFINED))
    }

    /// Writes `data` (a value: the face's `setQueryData` runs an updater function and
    /// calls this with what it gave); creates the query when missing. `undefined`
    /// changes nothing. Returns the data written.
    /// `options.updatedAt`: the data's `dataUpdatedAt` (default: now).
    #[wasm_bindgen(js_name = setQueryData)]
    pub fn set_query_data(
        &self,
        query_key: JsValue,
        data: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("setQueryData")?;
        let (hash, key) = hash_key_value(&query_key, "queryKey")?;
        let updated_at = updated_at(&options, "setQueryData")?;
        let key = || key_of(&query_key, key);
        let (hash, key_js) = (hash.as_str(), &query_key);
        let inner = self.alive()?;
        let new = data;
        if new.is_undefined() {
            return Ok(JsValue::UNDEFINED);
        }
        // Shared with the data there now, as TanStack's write shares with the data it
        // replaces.
        // (A structuralSharing function is asked for a query's first data too.)
        let base = inner.cache()?.get(hash).and_then(|q| {
            let old = q.state.data.clone();
            let sharing = q.meta.structural_sharing.clone();
            (old.is_some() || sharing.is_function()).then(|| (q.id(), old, sharing))
        });
        let new = match base {
            None => new,
            Some((id, old, sharing)) => {
                let shared = structural::share(&sharing, old.as_ref(), new.clone())?;
                // Getters and a structuralSharing function are user code: what they
                // did to this query stands.
                match inner.cache()?.get(hash) {
                    // Removed (or removed and made again) meanwhile: it stays so.
                    Some(q) if q.id() == id => {
                        if q.state.data == old {
                            shared
                        } else {
                            new // written meanwhile: this later write wins, unshared
                        }
                    }
                    _ => return Ok(shared),
                }
            }
        };
        let evicted = {
            let mut cache = inner.cache()?;
            let t = now();
            let (_, evicted) = cache.build(
                hash,
                key,
                || Meta {
                    key_js: key_js.clone(),
                    query_fn: None,
                    retry: inner.defaults.retry_for(false),
                    retry_delay: inner.defaults.retry_delay.clone(),
                    initial_data: JsValue::UNDEFINED,
                    meta: JsValue::UNDEFINED,
                    in_flight: None,
                    persist: inner.persister.is_some(),
                    // Data set now is newer than anything L2 holds.
                    hydrated: true,
                    network_mode: inner.defaults.network_mode,
                    structural_sharing: JsValue::UNDEFINED,
                    origin: None,
                },
                inner.defaults.gc_time,
                None,
                t,
            );
            if let Some(q) = cache.get_mut(hash) {
                if q.meta.query_fn.is_none() {
                    q.stale_time = inner.defaults.stale_time;
                }
                q.meta.hydrated = true;
            }
            cache.set_data(hash, new.clone(), updated_at.unwrap_or(t));
            evicted
        };
        drop(evicted);
        inner.persist(hash);
        inner.notify_changed();
        inner.arm_gc_sparing(Some(hash));
        Ok(new)
    }

    /// The hashes that match `filters`.
    pub(crate) fn matching(&self, filters: &Filters) -> Result<Vec<String>, JsValue> {
        Ok(self.alive()?.cache_ref()?.find_all(&filters.core, now()))
    }

    /// `[queryKey, data]` of every matching query. `for_set`: the face's
    /// `setQueriesData` lists its queries here, and errors name it.
    #[wasm_bindgen(js_name = getQueriesData)]
    pub fn get_queries_data(
        &self,
        filters: JsValue,
        for_set: Option<bool>,
    ) -> Result<Array, JsValue> {
        let method = match for_set {
            Some(true) => "setQueriesData",
            _ => "getQueriesData",
        };
        let _entered = reentry::enter(method)?;
        let f = Filters::read(&filters, method)?;
        let hashes = self.matching(&f)?;
        let cache = self.alive()?.cache()?;
        let out = Array::new();
        for h in hashes {
            if let Some(q) = cache.get(&h) {
                let data = q.state.data.clone().unwrap_or(JsValue::UNDEFINED);
                out.push(&Array::of2(&q.meta.key_js, &data));
            }
        }
        Ok(out)
    }

    /// Refetches `hashes` as TanStack's `refetchQueries` does: disabled and `'static'`
    /// queries are skipped; a running fetch is replaced unless `cancelRefetch: false`;
    /// resolves when all have settled (a paused one at once), and rejects with the
    /// first error only with `throwOnError`.
    fn refetch(&self, hashes: &[String], options: &JsValue) -> Result<Promise, JsValue> {
        let inner = self.alive()?;
        let cancel_refetch = match get(options, "cancelRefetch")? {
            v if v.is_undefined() => true,
            v => v.is_truthy(),
        };
        let throw_on_error = get(options, "throwOnError")?.is_truthy();
        let chosen: Vec<String> = {
            let cache = inner.cache_ref()?;
            hashes
                .iter()
                .filter(|h| {
                    cache
                        .get(h)
                        .is_some_and(|q| !q.is_disabled() && !q.is_static())
                })
                .cloned()
                .collect()
        };
        let promises = Array::new();
        for h in &chosen {
            let Some(p) = fetch::refetch(inner, h, cancel_refetch)? else {
                continue;
            };
            let paused = inner.cache_ref().is_ok_and(|c| {
                c.get(h)
                    .is_some_and(|q| q.state.fetch_status == FetchStatus::Paused)
            });
            if !paused {
                promises.push(&p);
            }
        }
        let settled = if throw_on_error {
            Promise::all(&promises)
        } else {
            Promise::all_settled(&promises)
        };
        Ok(promise::map(&settled, &inner.noop))
    }

    /// Hashes among `hashes` whose activity fits `kind`.
    fn of_type(&self, hashes: Vec<String>, kind: QueryType) -> Result<Vec<String>, JsValue> {
        let cache = self.alive()?.cache()?;
        Ok(hashes
            .into_iter()
            .filter(|h| {
                cache.get(h).is_some_and(|q| match kind {
                    QueryType::All => true,
                    QueryType::Active => q.is_active(),
                    QueryType::Inactive => !q.is_active(),
                })
            })
            .collect())
    }

    /// Marks matches invalidated (stale whatever their staleTime, `'static'` aside),
    /// then refetches them by `refetchType` (default: the filters' `type`, else the
    /// active ones).
    #[wasm_bindgen(js_name = invalidateQueries)]
    pub fn invalidate_queries(
        &self,
        filters: JsValue,
        options: JsValue,
    ) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("invalidateQueries")?;
        let f = Filters::read(&filters, "invalidateQueries")?;
        // TanStack's `refetchType ?? type ?? 'active'` (the filters' `type`, checked above).
        let refetch_type = match RefetchType::read(&get(&filters, "refetchType")?)? {
            Some(t) => t,
            None => match RefetchType::read(&get(&options, "refetchType")?)? {
                Some(t) => t,
                None if get(&filters, "type")?.is_undefined() => RefetchType::Active,
                None => match f.core.kind {
                    QueryType::Active => RefetchType::Active,
                    QueryType::Inactive => RefetchType::Inactive,
                    QueryType::All => RefetchType::All,
                },
            },
        };
        let hashes = self.matching(&f)?;
        {
            let mut cache = self.alive()?.cache()?;
            for h in &hashes {
                cache.invalidate(h);
            }
        }
        for h in &hashes {
            self.inner.persist(h); // the flag reaches L2 too
        }
        self.inner.notify_changed();
        let kind = match refetch_type {
            RefetchType::None => return Ok(Promise::resolve(&JsValue::UNDEFINED)),
            RefetchType::Active => QueryType::Active,
            RefetchType::Inactive => QueryType::Inactive,
            RefetchType::All => QueryType::All,
        };
        // TanStack's: `refetchQueries` with the same filters and that type, so with a
        // `type` and another `refetchType` it reaches queries the invalidation did not.
        let refetch_filters = Filters {
            core: QueryFilters { kind, ..f.core },
        };
        let chosen = self.matching(&refetch_filters)?;
        self.refetch(&chosen, &options)
    }

    /// Refetches every match that has a query function and is neither disabled nor
    /// `'static'`; resolves when all settled. Options: `cancelRefetch` (default true),
    /// `throwOnError`.
    #[wasm_bindgen(js_name = refetchQueries)]
    pub fn refetch_queries(&self, filters: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("refetchQueries")?;
        let f = Filters::read(&filters, "refetchQueries")?;
        let hashes = self.matching(&f)?;
        self.refetch(&hashes, &options)
    }

    /// Aborts running fetches of matches: their `signal` aborts, their waiters get a
    /// `CancelledError` and their state goes back to what it was before; the call that
    /// started a fetch gets that data instead, unless `{ revert: false }` (TanStack's
    /// cancel options; the state goes back either way).
    #[wasm_bindgen(js_name = cancelQueries)]
    pub fn cancel_queries(&self, filters: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("cancelQueries")?;
        let f = Filters::read(&filters, "cancelQueries")?;
        let revert = get(&options, "revert")?.as_bool() != Some(false);
        let hashes = self.matching(&f)?;
        let inner = self.alive()?;
        let orphans = {
            let mut cache = inner.cache()?;
            let t = now();
            hashes
                .iter()
                .filter_map(|h| take_reverted(&mut cache, h, t))
                .collect::<Vec<_>>()
        };
        for (fetch, data) in orphans {
            fetch.cancel_reverted(data.filter(|_| revert));
        }
        inner.notify_changed();
        inner.arm_gc();
        Ok(Promise::resolve(&JsValue::UNDEFINED))
    }

    /// Drops matches from the cache (running fetches are cancelled).
    #[wasm_bindgen(js_name = removeQueries)]
    pub fn remove_queries(&self, filters: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("removeQueries")?;
        let f = Filters::read(&filters, "removeQueries")?;
        let hashes = self.matching(&f)?;
        let removed: Vec<_> = {
            let mut cache = self.alive()?.cache()?;
            hashes.iter().filter_map(|h| cache.remove(h)).collect()
        };
        for (h, q) in &removed {
            self.inner.unpersist(h, &origin::held(q));
        }
        if let Some(h) = f.unloaded_exact_key(&removed) {
            self.inner.unpersist(h, &State::Nothing);
        }
        release_removed(removed);
        self.inner.notify_changed();
        Ok(())
    }

    /// Puts matches back in their initial state (`initialData` or pending), cancels
    /// their fetches and refetches the active ones.
    #[wasm_bindgen(js_name = resetQueries)]
    pub fn reset_queries(&self, filters: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("resetQueries")?;
        let f = Filters::read(&filters, "resetQueries")?;
        let hashes = self.matching(&f)?;
        let inner = self.alive()?;
        let mut orphans = Vec::new();
        let mut reset = || -> Result<(), JsValue> {
            for h in &hashes {
                let (initial, held) = match inner.cache()?.get(h) {
                    Some(q) => (q.meta.initial_data.clone(), origin::held(q)),
                    None => continue,
                };
                let initial = resolve_initial(&initial)?;
                let mut cache = inner.cache()?;
                if cache.reset(h, initial, now()).is_some() {
                    orphans.extend(cache.get_mut(h).and_then(|q| q.meta.in_flight.take()));
                }
                drop(cache);
                inner.unpersist(h, &held);
            }
            Ok(())
        };
        // An `initialData` function that throws stops the resets there; the fetches of
        // the queries already reset are cancelled all the same (never left hanging).
        let done = reset();
        release(orphans);
        inner.notify_changed();
        inner.arm_gc();
        done?;
        let active = self.of_type(hashes, QueryType::Active)?;
        self.refetch(&active, &options)
    }

    /// How many matching queries are fetching.
    #[wasm_bindgen(js_name = isFetching)]
    pub fn is_fetching(&self, filters: JsValue) -> Result<u32, JsValue> {
        let _entered = reentry::enter("isFetching")?;
        let f = Filters::read(&filters, "isFetching")?;
        Ok(self.alive()?.cache()?.count_fetching(&f.core, now()) as u32)
    }

    /// Empties L1 and this client's L2 namespace (log-out); running fetches are
    /// cancelled. Resolves when L2 has been cleared; rejects with the storage's error
    /// when that failed (L1 is empty either way, and L2 is tried again later).
    pub fn clear(&self) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("clear")?;
        let inner = self.alive()?;
        let removed = inner.cache()?.clear();
        let hashes: Vec<String> = removed.iter().map(|(h, _)| h.clone()).collect();
        release_removed(removed);
        let flushed = match &inner.persister {
            Some(p) => p.clear(hashes),
            None => Promise::resolve(&JsValue::UNDEFINED),
        };
        if let (Ok(Some(tabs)), Some(p)) =
            (inner.cross_tab.try_borrow().as_deref(), &inner.persister)
        {
            tabs.clear(p.cleared_at(), &flushed, &inner.noop);
        }
        inner.notify_changed();
        Ok(flushed)
    }

    /// Resolves when every L2 write and delete issued so far has been tried (edge
    /// workers: `ctx.waitUntil(client.flush())`).
    pub fn flush(&self) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("flush")?;
        Ok(match &self.inner.persister {
            Some(p) => p.flush(),
            None => Promise::resolve(&JsValue::UNDEFINED),
        })
    }

    /// The runtime mode in use: `'browser'`, `'server'` or `'edge'`.
    #[wasm_bindgen(getter)]
    pub fn runtime(&self) -> String {
        match self.inner.defaults.runtime {
            Runtime::Browser => "browser",
            Runtime::Server => "server",
            Runtime::Edge => "edge",
        }
        .to_owned()
    }

    /// How many storage calls (reads, batch writes, clears) L2 has made.
    #[wasm_bindgen(getter, js_name = storageCalls)]
    pub fn storage_calls(&self) -> u32 {
        self.inner
            .persister
            .as_ref()
            .map(|p| p.calls.get())
            .unwrap_or(0)
    }

    /// Stops the timer, cancels fetches and empties the cache; the client cannot be
    /// used afterwards (mutations waiting for their scope reject). Calling it twice is
    /// harmless.
    pub fn dispose(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("dispose")?;
        if self.inner.disposed.get() {
            return Ok(());
        }
        self.inner.stop_gc_timer();
        if let Some(p) = &self.inner.persister {
            p.stop();
        }
        if let Ok(mut tabs) = self.inner.cross_tab.try_borrow_mut() {
            tabs.take(); // closes the channel
        }
        let removed = match self.inner.cache() {
            Ok(mut c) => c.clear(),
            Err(_) => Vec::new(),
        };
        self.inner.disposed.set(true);
        self.inner.face.changed();
        let observers = match self.inner.observers.try_borrow_mut() {
            Ok(mut mounted) => mounted.take_all(),
            Err(_) => Vec::new(),
        };
        for observer in observers {
            observer.release_for_dispose();
        }
        release_removed(removed);
        // Fetches paused offline look again, find the client disposed and end (those of
        // other clients go back to waiting).
        managers::wake_waiting();
        Ok(())
    }

    /// How many queries L1 holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<u32, JsValue> {
        Ok(self.alive()?.cache_ref()?.len() as u32)
    }
}
