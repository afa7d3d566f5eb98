//! [`RemoteStorage`]: the Rust face's L2 in a remote Redis over the Upstash REST
//! protocol (Upstash, Vercel KV, or any server that speaks it), through the global
//! `fetch` (pages, workers, Node 18+, Deno).
//!
//! One command is `POST {url}` with a JSON array body (`["GET", key]`), answered
//! `{"result": …}` or `{"error": "…"}`; a write batch is one `POST {url}/pipeline` of
//! `SET`s (`PX` for a time to live) and `DEL`s, answered with an array of such replies;
//! reads of many keys are `MGET`s of [`MGET_CHUNK`] keys; key listings are `SCAN`s with
//! `MATCH`. Every request carries `Authorization: Bearer {token}`. The same keys and
//! text as the JS package's `RemoteStorage`, so both share one Redis.
//!
//! HTTP errors, timeouts (each request, its reply's body included, is aborted after
//! `timeout_ms`), bodies that are not JSON, replies of the wrong shape and `{"error"}`
//! replies are storage errors, whose text never holds the token in any form (see
//! [`Redactor`]); a URL holding a user name or password is refused.

use std::fmt;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::js_util::global_property;
use crate::core::key::json_string_array as command;
use crate::core::redact::Redactor;
use crate::engine::{LocalBoxFuture, Storage, StorageError, StorageWrite};

/// Keys per `MGET`.
pub const MGET_CHUNK: usize = 200;

/// Keys each `SCAN` page is asked for.
const SCAN_COUNT: &str = "500";

/// At most this many `SCAN` pages for one key listing.
const MAX_SCAN_PAGES: usize = 1000;

/// How long a request may take when not told (ms).
const DEFAULT_TIMEOUT_MS: f64 = 5000.0;

/// The longest delay one `setTimeout` takes (2^31 - 1 ms); longer timeouts are cut
/// to it (a longer one would fire at once).
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// How much of an error reply goes into a message, in characters.
const MAX_ERROR_TEXT: usize = 200;

/// The longest time to live sent (ms): Redis refuses an expiry past `i64::MAX` ms.
const MAX_TTL_MS: f64 = 9.0e15;

/// L2 in a remote Redis over the Upstash REST protocol. Clones share its settings.
#[derive(Clone)]
pub struct RemoteStorage {
    inner: Rc<Remote>,
}

struct Remote {
    /// The REST endpoint, without a trailing `/`.
    url: String,
    token: String,
    timeout_ms: f64,
    /// Blanks every form of the token out of messages.
    redactor: Redactor,
}

impl fmt::Debug for RemoteStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteStorage")
            .field("url", &self.inner.url)
            .field("token", &"***")
            .field("timeout_ms", &self.inner.timeout_ms)
            .finish()
    }
}

impl RemoteStorage {
    /// A store at `url` (the REST endpoint: `https://…` or `http://…`, without a user
    /// name or password in it) authorized by `token`; requests time out after 5 s.
    ///
    /// Fails, with a message that repeats neither, when `url` is not http(s), has no
    /// host or holds credentials, or when `token` is empty. Nothing is sent until the
    /// first call.
    pub fn new(url: &str, token: &str) -> Result<RemoteStorage, StorageError> {
        let url = url.trim();
        let rest = strip_prefix_ignoring_case(url, "https://")
            .or_else(|| strip_prefix_ignoring_case(url, "http://"))
            .ok_or_else(|| {
                StorageError::new("RemoteStorage: the url must start with https:// or http://")
            })?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(StorageError::new(
                "RemoteStorage: the url must not hold a user name or password; pass the REST token as `token`",
            ));
        }
        if authority.is_empty() {
            return Err(StorageError::new("RemoteStorage: the url has no host"));
        }
        // fetch sends a header value trimmed: that is what the store sees and may echo.
        let token = token.trim_matches([' ', '\t', '\n', '\r']);
        if token.is_empty() {
            return Err(StorageError::new("RemoteStorage: the token is empty"));
        }
        Ok(RemoteStorage {
            inner: Rc::new(Remote {
                url: url.trim_end_matches('/').to_owned(),
                token: token.to_owned(),
                timeout_ms: DEFAULT_TIMEOUT_MS,
                redactor: Redactor::new([token]),
            }),
        })
    }

    /// How long one request, its reply's body included, may take before it is aborted,
    /// in milliseconds (default 5000). Zero, less or NaN keep the current value; more
    /// than 2^31 - 1 (about 24.8 days) is cut to it.
    pub fn timeout_ms(self, ms: f64) -> RemoteStorage {
        let r = &self.inner;
        RemoteStorage {
            inner: Rc::new(Remote {
                url: r.url.clone(),
                token: r.token.clone(),
                timeout_ms: if ms > 0.0 {
                    ms.min(MAX_TIMEOUT_MS)
                } else {
                    r.timeout_ms
                },
                redactor: r.redactor.clone(),
            }),
        }
    }
}

/// `text` without `prefix`, matched in any ASCII case.
fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

/// The command for one write: `SET` (with `PX`, whole milliseconds rounded up, for a
/// time to live of 1 ms or more) or `DEL`.
fn write_command(op: &StorageWrite) -> String {
    match op {
        StorageWrite::Put {
            key,
            value,
            ttl_ms: Some(ms),
        } if *ms >= 1.0 && ms.is_finite() => {
            let px = ms.ceil().min(MAX_TTL_MS) as u64;
            command(&["SET", key, value, "PX", &px.to_string()])
        }
        StorageWrite::Put { key, value, .. } => command(&["SET", key, value]),
        StorageWrite::Delete { key } => command(&["DEL", key]),
    }
}

/// A glob matching the keys that start with `prefix` (Redis `MATCH` syntax: its
/// special characters escaped).
fn glob(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('*');
    out
}

/// `target[name]`; undefined when it cannot be read.
fn prop(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A JS error (an Error, a DOMException, a thrown string) as `name: message`.
fn describe(e: &JsValue) -> String {
    let message = prop(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .filter(|m| !m.is_empty());
    match (prop(e, "name").as_string(), message) {
        (Some(n), Some(m)) => format!("{n}: {m}"),
        (Some(n), None) => n,
        (None, Some(m)) => m,
        (None, None) => "unknown error".to_owned(),
    }
}

/// Calls `f` (a promise-returning method or function) with `this` and `args`, and
/// awaits it.
async fn call_async(f: &Function, this: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
    let promise: Promise = f.apply(this, args)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// A timer that aborts a request.
struct AbortTimer {
    id: JsValue,
}

impl AbortTimer {
    /// Calls `controller.abort()` after `ms`; `None` where there is no `setTimeout`.
    fn start(controller: &web_sys::AbortController, ms: f64) -> Option<AbortTimer> {
        let set: Function = global_property("setTimeout")?;
        let abort: Function = prop(controller, "abort").dyn_into().ok()?;
        let abort = abort.bind0(controller); // no Rust closure to keep or leak
        let id = set
            .call2(&js_sys::global(), &abort, &JsValue::from_f64(ms))
            .ok()?;
        Some(AbortTimer { id })
    }

    /// Cancels the timer (a pending one would keep Node running).
    fn stop(self) {
        if let Some(clear) = global_property::<Function>("clearTimeout") {
            let _ = clear.call1(&js_sys::global(), &self.id);
        }
    }
}

impl Remote {
    /// A storage error saying `what`, with every form of the token blanked out.
    fn error(&self, what: &str) -> StorageError {
        StorageError::new(self.redactor.redact(&format!("remote store: {what}")))
    }

    /// `what` of a reply's text: redacted first, then cut (a cut must not leave part of
    /// the token behind).
    fn excerpt(&self, text: &str) -> String {
        let clean = self.redactor.redact(text);
        let mut cut: String = clean.chars().take(MAX_ERROR_TEXT).collect();
        if cut.len() < clean.len() {
            cut.push('…');
        }
        cut
    }

    /// POSTs `body` to `{url}{path}`: the reply's status and text.
    async fn exchange(
        &self,
        path: &str,
        body: &str,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<(f64, String), StorageError> {
        let fetch: Function =
            global_property("fetch").ok_or_else(|| self.error("fetch is not available here"))?;
        let set = |o: &Object, k: &str, v: &JsValue| {
            let _ = Reflect::set(o, &JsValue::from_str(k), v);
        };
        let headers = Object::new();
        set(
            &headers,
            "Authorization",
            &JsValue::from_str(&format!("Bearer {}", self.token)),
        );
        set(&headers, "Content-Type", &"application/json".into());
        let init = Object::new();
        set(&init, "method", &"POST".into());
        set(&init, "headers", &headers);
        set(&init, "body", &JsValue::from_str(body));
        if let Some(signal) = signal {
            set(&init, "signal", signal);
        }
        let url = JsValue::from_str(&format!("{}{path}", self.url));
        let response = call_async(&fetch, &js_sys::global(), &Array::of2(&url, &init))
            .await
            .map_err(|e| {
                self.error(&format!("the store could not be reached: {}", describe(&e)))
            })?;
        let status = prop(&response, "status").as_f64().unwrap_or(0.0);
        let text = match prop(&response, "text").dyn_into::<Function>() {
            Ok(text) => call_async(&text, &response, &Array::new()).await,
            Err(_) => Err(JsValue::from_str("the reply has no body")),
        }
        .map_err(|e| self.error(&format!("the reply broke off: {}", describe(&e))))?;
        Ok((status, text.as_string().unwrap_or_default()))
    }

    /// POSTs `body` to `{url}{path}` and parses the JSON reply; aborted after
    /// `timeout_ms`.
    async fn post(&self, path: &str, body: &str) -> Result<JsValue, StorageError> {
        // Without AbortController (an old runtime) the request simply has no timeout.
        let controller = web_sys::AbortController::new().ok();
        let timer = controller
            .as_ref()
            .and_then(|c| AbortTimer::start(c, self.timeout_ms));
        let signal = controller.as_ref().map(|c| c.signal());
        let outcome = self.exchange(path, body, signal.as_ref()).await;
        if let Some(timer) = timer {
            timer.stop();
        }
        let (status, text) = match outcome {
            Err(_) if signal.as_ref().is_some_and(|s| s.aborted()) => {
                return Err(self.error(&format!(
                    "no reply within {} ms (the request was aborted)",
                    self.timeout_ms
                )));
            }
            outcome => outcome?,
        };
        let parsed = js_sys::JSON::parse(&text).ok();
        if !(200.0..300.0).contains(&status) {
            if status == 401.0 || status == 403.0 {
                return Err(self.error(&format!("the store refused the token (HTTP {status})")));
            }
            let detail = parsed
                .as_ref()
                .map(|p| prop(p, "error"))
                .and_then(|e| e.as_string())
                .unwrap_or(text);
            return Err(self.error(&format!("HTTP {status}: {}", self.excerpt(&detail))));
        }
        let parsed = parsed.ok_or_else(|| self.error("the reply is not JSON"))?;
        // `{"error": …}` in place of a pipeline's array of replies fails it too.
        if parsed.is_object() && !Array::is_array(&parsed) {
            self.check(&parsed)?;
        }
        Ok(parsed)
    }

    /// A reply's `error`, if it has one, as a storage error.
    fn check(&self, reply: &JsValue) -> Result<(), StorageError> {
        let error = prop(reply, "error");
        if error.is_undefined() || error.is_null() {
            return Ok(());
        }
        let text = error
            .as_string()
            .unwrap_or_else(|| "an error without a message".to_owned());
        Err(self.error(&format!("the store answered: {}", self.excerpt(&text))))
    }

    /// The `result` of one command's reply, or its `error` as a storage error.
    fn result(&self, reply: &JsValue) -> Result<JsValue, StorageError> {
        if !reply.is_object() || Array::is_array(reply) {
            return Err(self.error("a reply that is not an object"));
        }
        self.check(reply)?;
        Ok(prop(reply, "result"))
    }

    /// Runs one command: its result.
    async fn call(&self, parts: &[&str]) -> Result<JsValue, StorageError> {
        let reply = self.post("", &command(parts)).await?;
        self.result(&reply)
    }

    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.call(&["GET", key]).await?.as_string())
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, StorageError> {
        let mut values = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(MGET_CHUNK) {
            let mut parts = Vec::with_capacity(chunk.len() + 1);
            parts.push("MGET");
            parts.extend(chunk.iter().map(String::as_str));
            let found: Array = self
                .call(&parts)
                .await?
                .dyn_into()
                .map_err(|_| self.error("MGET did not answer an array"))?;
            if found.length() as usize != chunk.len() {
                return Err(self.error(&format!(
                    "MGET answered {} values for {} keys",
                    found.length(),
                    chunk.len()
                )));
            }
            values.extend(found.iter().map(|v| v.as_string()));
        }
        Ok(values)
    }

    /// The whole batch in one pipeline request; any failed command fails it.
    async fn write(&self, batch: &[StorageWrite]) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut body = String::from("[");
        for (i, op) in batch.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&write_command(op));
        }
        body.push(']');
        let replies: Array = self
            .post("/pipeline", &body)
            .await?
            .dyn_into()
            .map_err(|_| self.error("the pipeline did not answer an array"))?;
        if replies.length() as usize != batch.len() {
            // A command without a reply may not have run.
            return Err(self.error(&format!(
                "the pipeline answered {} replies for {} commands",
                replies.length(),
                batch.len()
            )));
        }
        for reply in replies.iter() {
            self.result(&reply)?;
        }
        Ok(())
    }

    /// `SCAN 0 MATCH prefix* COUNT 500` and on, until the cursor is `0` again; a
    /// repeated cursor, or more than [`MAX_SCAN_PAGES`] pages, is an error (a store
    /// whose walk never ends must not keep the client busy for ever).
    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let pattern = glob(prefix);
        let mut cursor = String::from("0");
        let mut seen: Vec<String> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for _ in 0..MAX_SCAN_PAGES {
            let page: Array = self
                .call(&["SCAN", &cursor, "MATCH", &pattern, "COUNT", SCAN_COUNT])
                .await?
                .dyn_into()
                .map_err(|_| self.error("SCAN did not answer [cursor, keys]"))?;
            let next = page.get(0);
            let next = next
                .as_string()
                .or_else(|| next.as_f64().map(|n| n.to_string()))
                .ok_or_else(|| self.error("SCAN answered no cursor"))?;
            let found: Array = page
                .get(1)
                .dyn_into()
                .map_err(|_| self.error("SCAN answered no keys"))?;
            keys.extend(
                found
                    .iter()
                    .filter_map(|k| k.as_string())
                    .filter(|k| k.starts_with(prefix)),
            );
            if next == "0" {
                keys.sort_unstable(); // SCAN may list a key twice
                keys.dedup();
                return Ok(keys);
            }
            if seen.contains(&next) {
                return Err(self.error("SCAN repeated a cursor"));
            }
            seen.push(next.clone());
            cursor = next;
        }
        Err(self.error(&format!("SCAN did not finish in {MAX_SCAN_PAGES} pages")))
    }
}

impl Storage for RemoteStorage {
    fn get(&self, key: String) -> LocalBoxFuture<'static, Result<Option<String>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.get(&key).await })
    }

    fn get_many(
        &self,
        keys: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Option<String>>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.get_many(&keys).await })
    }

    fn write(&self, batch: Vec<StorageWrite>) -> LocalBoxFuture<'static, Result<(), StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.write(&batch).await })
    }

    fn keys(&self, prefix: String) -> LocalBoxFuture<'static, Result<Vec<String>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.keys(&prefix).await })
    }
}
