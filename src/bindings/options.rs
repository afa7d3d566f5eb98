//! Reading and checking the options objects JS passes: client defaults, query
//! options and filters. Every refusal names the option and what was expected.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use super::convert::{describe, hash_key_value, js_name, key_hash, number_text, read_key};
use super::errors::{range_error, type_error};
use super::option_reader::{read, Given, List};
use crate::core::cache::DEFAULT_GC_TIME;
use crate::core::filters::{QueryFilters, QueryType};
use crate::core::network::{NetworkMode, RefetchOn};
use crate::core::retry::{Retry, RetryDelay};
use crate::core::staleness::{
    duration_from_ms, stale_time_from_ms, Duration, StaleTime, TimeError,
};
use crate::core::state::FetchStatus;
use crate::core::text::text;
use crate::core::KeyValue;

#[wasm_bindgen(module = "/js/query_option_calls.js")]
extern "C" {
    /// `retry(failureCount, error)` asked in JS: false for a throw.
    #[wasm_bindgen(js_name = askRetry)]
    fn ask_retry(retry: &Function, failure_count: u32, error: &JsValue) -> bool;
    /// `retryDelay(failureCount, error)` asked in JS: NaN for a throw or a non-number.
    #[wasm_bindgen(js_name = askRetryDelay)]
    fn ask_retry_delay(retry_delay: &Function, failure_count: u32, error: &JsValue) -> f64;
}

/// Property `name` of an options object, read on its own.
pub fn one(obj: &JsValue, name: &'static str) -> Result<Given, JsValue> {
    get(obj, name).map(Given::of)
}

/// Property `name` of an options object (`undefined` when `obj` is undefined).
pub fn get(obj: &JsValue, name: &'static str) -> Result<JsValue, JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    Reflect::get(obj, &js_name(name))
}

/// An optional function option: `None` when absent, a `TypeError` naming the option
/// and its `signature` when it is not a function.
pub fn optional_function(
    opts: &JsValue,
    option: &'static str,
    label: &str,
    signature: &str,
) -> Result<Option<Function>, JsValue> {
    function_of(&Given::of(get(opts, option)?), label, signature)
}

/// [`optional_function`] of a value already read.
pub fn function_of(
    given: &Given,
    label: &str,
    signature: &str,
) -> Result<Option<Function>, JsValue> {
    match given {
        Given::Undefined => Ok(None),
        Given::Function(f) => Ok(Some(f.clone())),
        other => Err(type_error(text(&[
            label,
            " must be a function ",
            signature,
            ", got ",
            &describe(&other.value()),
        ]))),
    }
}

/// An object that is not a function (what options must be); the message of the
/// error, which formats text, is only made when this is false.
fn is_options_object(value: &JsValue) -> bool {
    value.is_object() && !value.is_function()
}

/// Checks that `value` is an options object (or absent when `optional`).
pub fn expect_object(value: &JsValue, what: &str, optional: bool) -> Result<(), JsValue> {
    if (optional && (value.is_undefined() || value.is_null()))
        || (value.is_object() && !value.is_function())
    {
        Ok(())
    } else {
        Err(type_error(text(&[
            what,
            " must be an object, got ",
            &describe(value),
        ])))
    }
}

fn time_error(option: &str, err: TimeError) -> JsValue {
    match err {
        TimeError::NotANumber => range_error(text(&[
            option,
            " must be a number of milliseconds, got NaN",
        ])),
        TimeError::Negative => range_error(text(&[option, " must not be negative"])),
    }
}

/// A duration in ms, `Infinity` for never; `None` when absent.
pub fn read_duration(value: &Given, option: &str) -> Result<Option<Duration>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    let ms = value.as_f64().ok_or_else(|| {
        type_error(text(&[
            option,
            " must be a number of milliseconds or Infinity, got ",
            &describe(&value.value()),
        ]))
    })?;
    duration_from_ms(ms)
        .map(Some)
        .map_err(|e| time_error(option, e))
}

/// `staleTime`: ms, `Infinity` or `'static'`.
pub fn read_stale_time(value: &Given, option: &str) -> Result<Option<StaleTime>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    if value.as_string().as_deref() == Some("static") {
        return Ok(Some(StaleTime::Static));
    }
    let ms = value.as_f64().ok_or_else(|| {
        type_error(text(&[
            option,
            " must be a number of milliseconds, Infinity or 'static', got ",
            &describe(&value.value()),
        ]))
    })?;
    stale_time_from_ms(ms)
        .map(Some)
        .map_err(|e| time_error(option, e))
}

/// `retry` as given: a count, a boolean or a function.
#[derive(Clone)]
pub enum RetrySpec {
    Times(u32),
    Always,
    Func(Function),
}

impl RetrySpec {
    pub fn read(value: &Given, option: &str) -> Result<Option<RetrySpec>, JsValue> {
        if value.is_undefined() {
            return Ok(None);
        }
        if let Some(b) = value.as_bool() {
            return Ok(Some(if b {
                RetrySpec::Always
            } else {
                RetrySpec::Times(0)
            }));
        }
        if let Some(n) = value.as_f64() {
            if n.is_nan() || n < 0.0 {
                return Err(range_error(text(&[
                    option,
                    " must be a count of retries ≥ 0, got ",
                    &number_text(n),
                ])));
            }
            return Ok(Some(if n.is_infinite() {
                RetrySpec::Always
            } else {
                RetrySpec::Times(n.floor() as u32)
            }));
        }
        if let Some(f) = value.as_function() {
            return Ok(Some(RetrySpec::Func(f.clone())));
        }
        Err(type_error(text(&[
            option,
            " must be a number, a boolean or a function (failureCount, error) => boolean, got ",
            &describe(&value.value()),
        ])))
    }

    /// The core's policy; a function is asked in JS (`askRetry`), where a throw counts as
    /// "do not retry".
    pub fn to_core(&self) -> Retry<JsValue> {
        match self {
            RetrySpec::Times(n) => Retry::Times(*n),
            RetrySpec::Always => Retry::Always,
            RetrySpec::Func(f) => {
                let f = f.clone();
                Retry::Custom(Box::new(move |count, err| ask_retry(&f, count, err)))
            }
        }
    }
}

/// `retryDelay` as given: ms or a function.
#[derive(Clone)]
pub enum RetryDelaySpec {
    Millis(f64),
    Func(Function),
}

impl RetryDelaySpec {
    pub fn read(value: &Given, option: &str) -> Result<Option<RetryDelaySpec>, JsValue> {
        if value.is_undefined() {
            return Ok(None);
        }
        if let Some(n) = value.as_f64() {
            return match duration_from_ms(n) {
                Ok(Duration::Millis(ms)) => Ok(Some(RetryDelaySpec::Millis(ms))),
                Ok(Duration::Never) => Err(range_error(text(&[option, " must be finite"]))),
                Err(e) => Err(time_error(option, e)),
            };
        }
        if let Some(f) = value.as_function() {
            return Ok(Some(RetryDelaySpec::Func(f.clone())));
        }
        Err(type_error(text(&[
            option,
            " must be a number of milliseconds or a function (failureCount, error) => number, got ",
            &describe(&value.value()),
        ])))
    }

    /// The core's delay; a function is asked in JS (`askRetryDelay`), where a throw falls
    /// back to the default delay.
    pub fn to_core(spec: &Option<RetryDelaySpec>) -> RetryDelay<JsValue> {
        match spec {
            None => RetryDelay::Default,
            Some(RetryDelaySpec::Millis(ms)) => RetryDelay::Millis(*ms),
            Some(RetryDelaySpec::Func(f)) => {
                let f = f.clone();
                RetryDelay::Custom(Box::new(move |count, err| ask_retry_delay(&f, count, err)))
            }
        }
    }
}

/// Where the client runs (`runtime` option). `Edge` arms no timer for GC: due queries
/// are collected on the client's next call, so nothing outlives a request's isolate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    Browser,
    Server,
    Edge,
}

impl Runtime {
    fn read(value: &JsValue) -> Result<Runtime, JsValue> {
        match value.as_string().as_deref() {
            None if value.is_undefined() => Ok(Self::detect()),
            Some("auto") => Ok(Self::detect()),
            Some("browser") => Ok(Runtime::Browser),
            Some("server") => Ok(Runtime::Server),
            Some("edge") => Ok(Runtime::Edge),
            _ => Err(type_error(text(&[
                "runtime must be 'auto', 'browser', 'server' or 'edge', got ",
                &show(value),
            ]))),
        }
    }

    /// Cloudflare Workers say so in `navigator.userAgent`; pages and workers have a
    /// `document` or `self`; anything else is a server.
    fn detect() -> Runtime {
        let global = js_sys::global();
        let user_agent = Reflect::get(&global, &js_name("navigator"))
            .ok()
            .filter(|n| n.is_object())
            .and_then(|n| Reflect::get(&n, &js_name("userAgent")).ok())
            .and_then(|u| u.as_string());
        if user_agent.as_deref() == Some("Cloudflare-Workers") {
            return Runtime::Edge;
        }
        let has = |name: &str| Reflect::has(&global, &name.into()).unwrap_or(false);
        if has("document") || has("WorkerGlobalScope") {
            Runtime::Browser
        } else {
            Runtime::Server
        }
    }
}

/// The client-wide defaults (`new QueryClient({...})`).
pub struct ClientOptions {
    pub stale_time: StaleTime,
    pub gc_time: Duration,
    /// `retry` when the client was given one; otherwise observers retry 3 times and
    /// imperative fetches not at all (TanStack's defaults).
    pub retry: Option<RetrySpec>,
    pub retry_delay: Option<RetryDelaySpec>,
    pub max_entries: usize,
    pub runtime: Runtime,
    pub network_mode: NetworkMode,
    pub refetch_on_window_focus: RefetchOn,
    pub refetch_on_reconnect: RefetchOn,
}

/// `networkMode`: `'online'` (default), `'offlineFirst'` or `'always'`.
pub fn read_network_mode(v: &Given) -> Result<Option<NetworkMode>, JsValue> {
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_string()
        .and_then(|s| NetworkMode::parse(&s))
        .map(Some)
        .ok_or_else(|| {
            type_error(text(&[
                "networkMode must be 'online', 'offlineFirst' or 'always', got ",
                &describe(&v.value()),
            ]))
        })
}

/// `refetchOnWindowFocus` / `refetchOnReconnect` / `refetchOnMount`: a boolean or `'always'`.
pub fn read_refetch_on(v: &Given, option: &'static str) -> Result<Option<RefetchOn>, JsValue> {
    match v {
        Given::Undefined => Ok(None),
        Given::Bool(true) => Ok(Some(RefetchOn::IfStale)),
        Given::Bool(false) => Ok(Some(RefetchOn::Never)),
        _ if v.as_string().as_deref() == Some("always") => Ok(Some(RefetchOn::Always)),
        _ => Err(type_error(text(&[
            option,
            " must be true, false or 'always', got ",
            &describe(&v.value()),
        ]))),
    }
}

impl ClientOptions {
    /// The retry policy of a query whose call did not give one: the client's, else
    /// TanStack's default for who asked (`observer`: 3 times; `fetchQuery` & co: none).
    pub fn retry_for(&self, observer: bool) -> RetrySpec {
        match &self.retry {
            Some(retry) => retry.clone(),
            None if observer => RetrySpec::Times(3),
            None => RetrySpec::Times(0),
        }
    }

    pub fn read(opts: &JsValue) -> Result<ClientOptions, JsValue> {
        expect_object(opts, "QueryClient options", true)?;
        let mut given = read(opts, List::Client)?;
        let max_entries = match given.next() {
            Given::Undefined => 1000,
            v => {
                let n = v.as_f64().ok_or_else(|| {
                    type_error(text(&[
                        "maxEntries must be a number, got ",
                        &describe(&v.value()),
                    ]))
                })?;
                if n.is_nan() || n < 1.0 {
                    return Err(range_error(text(&[
                        "maxEntries must be at least 1 (it bounds how many queries L1 keeps), got ",
                        &number_text(n),
                    ])));
                }
                if n.is_infinite() {
                    usize::MAX
                } else {
                    n.floor() as usize
                }
            }
        };
        let options = ClientOptions {
            stale_time: read_stale_time(&given.next(), "staleTime")?.unwrap_or_default(),
            gc_time: read_duration(&given.next(), "gcTime")?.unwrap_or(DEFAULT_GC_TIME),
            retry: RetrySpec::read(&given.next(), "retry")?,
            retry_delay: RetryDelaySpec::read(&given.next(), "retryDelay")?,
            max_entries,
            runtime: Runtime::read(&given.next().value())?,
            network_mode: read_network_mode(&given.next())?.unwrap_or_default(),
            refetch_on_window_focus: read_refetch_on(&given.next(), "refetchOnWindowFocus")?
                .unwrap_or_default(),
            refetch_on_reconnect: read_refetch_on(&given.next(), "refetchOnReconnect")?
                .unwrap_or_default(),
        };
        given.finish()?;
        Ok(options)
    }
}

/// The options of one query call (`fetchQuery`, `prefetchQuery`, `ensureQueryData`) or
/// of an observer (`method` starting with `QueryObserver`).
#[derive(Clone)]
pub struct QueryOptions {
    pub key_js: JsValue,
    /// The key, when it was read in Rust (see [`hash_key_value`]).
    pub key: Option<Vec<KeyValue>>,
    pub hash: String,
    pub query_fn: Option<Function>,
    pub stale_time: StaleTime,
    pub gc_time: Duration,
    pub retry: RetrySpec,
    pub retry_delay: Option<RetryDelaySpec>,
    /// `initialData`: a value or a function giving it.
    pub initial_data: JsValue,
    /// `initialDataUpdatedAt`: when `initialData` was current (ms, or a function giving
    /// it); default: when the query is made.
    pub initial_data_updated_at: JsValue,
    pub meta: JsValue,
    /// `persist`: write this query to L2 (default: when the client has storage).
    pub persist: Option<bool>,
    pub network_mode: NetworkMode,
    /// `structuralSharing`: `true` (default), `false`, or `(oldData, newData) => data`.
    pub structural_sharing: JsValue,
}

impl QueryOptions {
    pub fn read(
        opts: &JsValue,
        defaults: &ClientOptions,
        method: &str,
    ) -> Result<QueryOptions, JsValue> {
        if !is_options_object(opts) {
            expect_object(opts, &text(&[method, " options"]), false)?;
        }
        // A getter that threw: after the checks of the options before it (`Read`).
        let mut given = read(opts, List::Query)?;
        let key_js = given.next().value();
        let (hash, key) = hash_key_value(&key_js, "queryKey")?;
        let query_fn = function_of(&given.next(), "queryFn", "({ queryKey, signal }) => data")?;
        let stale_time =
            read_stale_time(&given.next(), "staleTime")?.unwrap_or(defaults.stale_time);
        let gc_time = read_duration(&given.next(), "gcTime")?.unwrap_or(defaults.gc_time);
        let retry = RetrySpec::read(&given.next(), "retry")?
            .unwrap_or_else(|| defaults.retry_for(method.starts_with("QueryObserver")));
        let retry_delay = RetryDelaySpec::read(&given.next(), "retryDelay")?
            .or_else(|| defaults.retry_delay.clone());
        let (initial_data, initial_data_updated_at, meta) =
            (given.next(), given.next(), given.next());
        let options = QueryOptions {
            hash,
            key,
            key_js,
            query_fn,
            stale_time,
            gc_time,
            retry,
            retry_delay,
            initial_data: initial_data.value(),
            initial_data_updated_at: initial_data_updated_at.value(),
            meta: meta.value(),
            persist: match given.next() {
                Given::Undefined => None,
                Given::Bool(b) => Some(b),
                v => {
                    return Err(type_error(text(&["persist must be a boolean, got ", &describe(&v.value())])))
                }
            },
            network_mode: read_network_mode(&given.next())?.unwrap_or(defaults.network_mode),
            structural_sharing: match given.next() {
                v @ (Given::Undefined | Given::Bool(_) | Given::Function(_)) => v.value(),
                v => {
                    return Err(type_error(text(&["structuralSharing must be a boolean or a function (oldData, newData) => data, got ", &describe(&v.value())])))
                }
            },
        };
        given.finish()?;
        Ok(options)
    }

    /// The options of a query known only by its key (`key_js`, whose hash is `hash`):
    /// the client's defaults, with no option object read (the bulk restore).
    pub fn for_key(key_js: JsValue, hash: String, defaults: &ClientOptions) -> QueryOptions {
        QueryOptions {
            hash,
            key: None,
            key_js,
            query_fn: None,
            stale_time: defaults.stale_time,
            gc_time: defaults.gc_time,
            retry: defaults.retry_for(false),
            retry_delay: defaults.retry_delay.clone(),
            initial_data: JsValue::UNDEFINED,
            initial_data_updated_at: JsValue::UNDEFINED,
            meta: JsValue::UNDEFINED,
            persist: None,
            network_mode: defaults.network_mode,
            structural_sharing: JsValue::UNDEFINED,
        }
    }

    /// TanStack's error for a fetch with no `queryFn` to run (`Missing queryFn: '<hash>'`),
    /// which the fetch call rejects with; `None` when there is one.
    pub fn missing_query_fn(&self) -> Option<JsValue> {
        self.query_fn
            .is_none()
            .then(|| js_sys::Error::new(&text(&["Missing queryFn: '", &self.hash, "'"])).into())
    }
}

/// Query filters as the engine reads them. A `predicate` is the face's
/// (js/face/predicate_filters.js): the face applies it and names each query it kept.
pub struct Filters {
    pub core: QueryFilters,
}

impl Filters {
    /// The hash an exact, key-only filter names when L1 did not hold it (say, just
    /// after a reload): its L2 entry must go too. Prefix filters cannot reach unloaded
    /// keys (L2 keys are hashes, not prefixes).
    pub fn unloaded_exact_key<T>(&self, removed: &[(String, T)]) -> Option<&String> {
        let c = &self.core;
        let key_only = c.stale.is_none() && c.fetch_status.is_none() && c.kind == QueryType::All;
        c.exact_hash
            .as_ref()
            .filter(|h| key_only && !removed.iter().any(|(r, _)| r == *h))
    }

    pub fn read(filters: &JsValue, method: &str) -> Result<Filters, JsValue> {
        if !(filters.is_undefined() || filters.is_null() || is_options_object(filters)) {
            expect_object(filters, &text(&[method, " filters"]), true)?;
        }
        let key_js = get(filters, "queryKey")?;
        let query_key = if key_js.is_undefined() {
            None
        } else {
            Some(read_key(&key_js, "filters.queryKey")?)
        };
        let exact = get(filters, "exact")?.is_truthy();
        if exact && query_key.is_none() {
            return Err(type_error("filters.exact needs filters.queryKey"));
        }
        let kind = match get(filters, "type")? {
            v if v.is_undefined() => QueryType::All,
            v => match v.as_string().as_deref() {
                Some("all") => QueryType::All,
                Some("active") => QueryType::Active,
                Some("inactive") => QueryType::Inactive,
                _ => {
                    return Err(type_error(text(&[
                        "filters.type must be 'all', 'active' or 'inactive', got ",
                        &show(&v),
                    ])))
                }
            },
        };
        let stale = match get(filters, "stale")? {
            v if v.is_undefined() => None,
            v => Some(v.as_bool().ok_or_else(|| {
                type_error(text(&[
                    "filters.stale must be a boolean, got ",
                    &describe(&v),
                ]))
            })?),
        };
        let fetch_status = match get(filters, "fetchStatus")? {
            v if v.is_undefined() => None,
            v => Some(match v.as_string().as_deref() {
                Some("fetching") => FetchStatus::Fetching,
                Some("paused") => FetchStatus::Paused,
                Some("idle") => FetchStatus::Idle,
                _ => {
                    return Err(type_error(text(&[
                        "filters.fetchStatus must be 'fetching', 'paused' or 'idle', got ",
                        &show(&v),
                    ])))
                }
            }),
        };
        Ok(Filters {
            core: QueryFilters {
                exact_hash: if exact {
                    query_key.as_deref().map(key_hash)
                } else {
                    None
                },
                query_key,
                kind,
                stale,
                fetch_status,
            },
        })
    }
}

/// `refetchType` of `invalidateQueries`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RefetchType {
    Active,
    Inactive,
    All,
    None,
}

impl RefetchType {
    pub fn read(value: &JsValue) -> Result<Option<RefetchType>, JsValue> {
        if value.is_undefined() {
            return Ok(None);
        }
        Ok(Some(match value.as_string().as_deref() {
            Some("active") => RefetchType::Active,
            Some("inactive") => RefetchType::Inactive,
            Some("all") => RefetchType::All,
            Some("none") => RefetchType::None,
            _ => {
                return Err(type_error(text(&[
                    "refetchType must be 'active', 'inactive', 'all' or 'none', got ",
                    &show(value),
                ])))
            }
        }))
    }
}

/// A value as it would be quoted in an error message.
fn show(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => text(&["'", &s, "'"]),
        None => describe(value),
    }
}
