//! [`RemoteStorage`]: the Rust face's L2 in a remote Redis over the Upstash REST
//! protocol (Upstash, Vercel KV, or any server that speaks it), through the global
//! `fetch` (pages, workers, Node 18+, Deno).
//!
//! One command is `POST {url}` with a JSON array body (`["GET", key]`); a write batch is
//! one `POST {url}/pipeline`; reads of many keys are `MGET`s of [`MGET_CHUNK`];
//! `Authorization: Bearer {token}`. HTTP errors, timeouts (each request, its body
//! included, is aborted after `timeout_ms`), bodies that are not JSON and `{"error"}`
//! replies are storage errors, whose text never holds the token in any form; a URL
//! holding a user name or password is refused.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::js_util::{global_property, set_timeout};
use crate::core::key::write_json_string;
use crate::core::redact::Redactor;
use crate::engine::{LocalBoxFuture, Storage, StorageError, StorageWrite};

/// Keys per `MGET`.
pub const MGET_CHUNK: usize = 200;

/// At most this many `SCAN` pages for one key listing.
const MAX_SCAN_PAGES: usize = 1000;

/// How much of an error reply goes into a message.
const MAX_ERROR_TEXT: usize = 200;

/// L2 in a remote Redis over REST. Clones share its settings.
#[derive(Clone)]
pub struct RemoteStorage {
    inner: Rc<Remote>,
}

struct Remote {
    url: String,
    token: String,
    timeout_ms: f64,
    redactor: Redactor,
}

impl RemoteStorage {
    /// A store at `url` (http or https, without credentials in it) with `token`.
    pub fn new(url: &str, token: &str) -> Result<RemoteStorage, StorageError> {
        let lower = url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or_else(|| {
                StorageError::new("RemoteStorage: url must start with https:// or http://")
            })?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(StorageError::new(
                "RemoteStorage: url must not hold a user name or password (pass the token on its own)",
            ));
        }
        Ok(RemoteStorage {
            inner: Rc::new(Remote {
                url: url.trim_end_matches('/').to_owned(),
                token: token.to_owned(),
                timeout_ms: 5000.0,
                redactor: Redactor::new([token]),
            }),
        })
    }

    /// How long a request (its reply's body included) may take (default 5 s).
    pub fn timeout_ms(self, ms: f64) -> RemoteStorage {
        let r = &self.inner;
        RemoteStorage {
            inner: Rc::new(Remote {
                url: r.url.clone(),
                token: r.token.clone(),
                timeout_ms: if ms > 0.0 { ms } else { r.timeout_ms },
                redactor: r.redactor.clone(),
            }),
        }
    }
}

/// `[…]` of JSON strings.
fn command(parts: &[&str]) -> String {
    let mut out = String::from("[");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(&mut out, p);
    }
    out.push(']');
    out
}

/// A glob matching the keys that start with `prefix` (Redis `MATCH` syntax).
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

fn prop(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

impl Remote {
    fn error(&self, what: &str) -> StorageError {
        StorageError::new(self.redactor.redact(&format!("remote store: {what}")))
    }

    fn js_error(&self, context: &str, e: &JsValue) -> StorageError {
        let message = prop(e, "message").as_string().or_else(|| e.as_string());
        let name = prop(e, "name").as_string();
        let detail = match (name, message) {
            (Some(n), Some(m)) => format!("{n}: {m}"),
            (Some(n), None) => n,
            (None, Some(m)) => m,
            (None, None) => "unknown error".to_owned(),
        };
        self.error(&format!("{context}: {detail}"))
    }

    /// POSTs `body` to `url{path}` and parses the JSON reply.
    async fn post(&self, path: &str, body: String) -> Result<JsValue, StorageError> {
        let fetch: Function =
            global_property("fetch").ok_or_else(|| self.error("fetch is not available here"))?;
        let controller = web_sys::AbortController::new()
            .map_err(|e| self.js_error("cannot make an AbortController", &e))?;
        let headers = Object::new();
        let auth = format!("Bearer {}", self.token);
        let init = Object::new();
        let set = |o: &Object, k: &str, v: &JsValue| {
            let _ = Reflect::set(o, &JsValue::from_str(k), v);
        };
        set(&headers, "Authorization", &JsValue::from_str(&auth));
        set(&headers, "Content-Type", &"application/json".into());
        set(&init, "method", &"POST".into());
        set(&init, "headers", &headers);
        set(&init, "body", &JsValue::from_str(&body));
        set(&init, "signal", &controller.signal());
        let abort = controller.clone();
        let on_timeout = Closure::once_into_js(move || abort.abort());
        if let Some(f) = on_timeout.dyn_ref::<Function>() {
            set_timeout(f, self.timeout_ms);
        }
        let url = format!("{}{}", self.url, path);
        let response = fetch
            .call2(&js_sys::global(), &JsValue::from_str(&url), &init)
            .and_then(|p| p.dyn_into::<Promise>());
        let response = match response {
            Ok(p) => JsFuture::from(p).await,
            Err(e) => Err(e),
        }
        .map_err(|e| self.js_error("request failed", &e))?;
        let status = prop(&response, "status").as_f64().unwrap_or(0.0);
        let text = match prop(&response, "text").dyn_into::<Function>() {
            Ok(f) => match f.call0(&response).and_then(|p| p.dyn_into::<Promise>()) {
                Ok(p) => JsFuture::from(p).await,
                Err(e) => Err(e),
            },
            Err(_) => Err(JsValue::from_str("the reply has no body")),
        }
        .map_err(|e| self.js_error("reading the reply failed", &e))?
        .as_string()
        .unwrap_or_default();
        if !(200.0..300.0).contains(&status) {
            let excerpt: String = text.chars().take(MAX_ERROR_TEXT).collect();
            return Err(self.error(&format!("HTTP {status}: {excerpt}")));
        }
        js_sys::JSON::parse(&text).map_err(|_| self.error("the reply is not JSON"))
    }

    /// The `result` of one command's reply, or its `error`.
    fn result(&self, reply: &JsValue) -> Result<JsValue, StorageError> {
        let error = prop(reply, "error");
        if !error.is_undefined() && !error.is_null() {
            let text = error.as_string().unwrap_or_else(|| "an error".to_owned());
            return Err(self.error(&text));
        }
        if !reply.is_object() {
            return Err(self.error("a reply that is not an object"));
        }
        Ok(prop(reply, "result"))
    }

    async fn call(&self, parts: &[&str]) -> Result<JsValue, StorageError> {
        let reply = self.post("", command(parts)).await?;
        self.result(&reply)
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, StorageError> {
        let mut values = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(MGET_CHUNK) {
            let mut parts = vec!["MGET"];
            parts.extend(chunk.iter().map(String::as_str));
            let found = self.call(&parts).await?;
            let found: Array = found
                .dyn_into()
                .map_err(|_| self.error("MGET did not answer an array"))?;
            if found.length() as usize != chunk.len() {
                return Err(self.error("MGET answered the wrong number of values"));
            }
            values.extend(found.iter().map(|v| v.as_string()));
        }
        Ok(values)
    }

    async fn write(&self, batch: &[StorageWrite]) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut body = String::from("[");
        for (i, op) in batch.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&match op {
                StorageWrite::Put {
                    key,
                    value,
                    ttl_ms: Some(ms),
                } if *ms >= 1.0 && ms.is_finite() => {
                    let px = ms.ceil().min(9.0e15) as u64;
                    command(&["SET", key, value, "PX", &px.to_string()])
                }
                StorageWrite::Put { key, value, .. } => command(&["SET", key, value]),
                StorageWrite::Delete { key } => command(&["DEL", key]),
            });
        }
        body.push(']');
        let replies = self.post("/pipeline", body).await?;
        let replies: Array = replies
            .dyn_into()
            .map_err(|_| self.error("the pipeline did not answer an array"))?;
        if replies.length() as usize != batch.len() {
            return Err(self.error("the pipeline answered the wrong number of replies"));
        }
        for reply in replies.iter() {
            self.result(&reply)?;
        }
        Ok(())
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let pattern = glob(prefix);
        let mut cursor = "0".to_owned();
        let mut seen = Vec::new();
        let mut keys = Vec::new();
        for _ in 0..MAX_SCAN_PAGES {
            let page = self
                .call(&["SCAN", &cursor, "MATCH", &pattern, "COUNT", "500"])
                .await?;
            let page: Array = page
                .dyn_into()
                .map_err(|_| self.error("SCAN did not answer an array"))?;
            let next = page.get(0);
            let next = next
                .as_string()
                .or_else(|| next.as_f64().map(|n| n.to_string()))
                .ok_or_else(|| self.error("SCAN answered no cursor"))?;
            let found: Array = page
                .get(1)
                .dyn_into()
                .map_err(|_| self.error("SCAN answered no keys"))?;
            keys.extend(found.iter().filter_map(|k| k.as_string()));
            if next == "0" {
                return Ok(keys);
            }
            if seen.contains(&next) {
                return Err(self.error("SCAN repeated a cursor"));
            }
            seen.push(next.clone());
            cursor = next;
        }
        Err(self.error("SCAN did not finish"))
    }
}

impl Storage for RemoteStorage {
    fn get(&self, key: String) -> LocalBoxFuture<'static, Result<Option<String>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move { Ok(inner.call(&["GET", &key]).await?.as_string()) })
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
