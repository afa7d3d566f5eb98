//! `RemoteStorage`: L2 in a remote key-value store over `fetch`, speaking the Upstash
//! Redis REST protocol (Upstash, Vercel KV, or any server that speaks it).
//!
//! One command is `POST {url}` with a JSON array body (`["GET", key]`), a batch is
//! `POST {url}/pipeline` with an array of commands; `Authorization: Bearer {token}`.
//! Replies are `{"result": …}` or `{"error": "…"}`. HTTP errors, a refused token,
//! timeouts, non-JSON bodies and `{"error"}` replies are storage errors (the client
//! then carries on without L2). The token never appears in an error message. The
//! global `fetch` is used, so this works in pages, workers, Node, Deno and workerd.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{register, storage_class, Backend, StorageBackend, WriteOp};
use crate::bindings::convert::describe;
use crate::bindings::convert::js_name;
use crate::bindings::convert::set_prop;
use crate::bindings::errors::type_error;
use crate::bindings::options::{expect_object, get, read_duration};
use crate::core::key::write_json_string;
use crate::core::staleness::Duration;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(input: &str, init: &JsValue) -> Result<Promise, JsValue>;

    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, catch)]
    fn text(this: &FetchResponse) -> Result<Promise, JsValue>;
}

/// Commands per pipeline request (keeps request bodies well under store limits).
const PIPELINE_CHUNK: usize = 500;

pub struct Remote {
    url: String,
    token: String,
    timeout_ms: Option<f64>,
}

/// A storage error; whatever it says, the token is blanked out of it.
fn remote_error(message: &str, token: &str) -> JsValue {
    let text = if token.is_empty() {
        message.to_owned()
    } else {
        message.replace(token, "***")
    };
    let e = js_sys::Error::new(&format!("RemoteStorage: {text}"));
    e.set_name("RemoteStorageError");
    e.into()
}

/// The message of a JS error, for wrapping.
fn message_of(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| describe(error))
}

/// A JSON array of strings, written in Rust.
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

/// A glob that matches keys starting with `prefix` (Redis `MATCH` syntax).
fn prefix_glob(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 2);
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('*');
    out
}

impl Remote {
    fn request_init(&self, body: &str) -> JsValue {
        let headers = Object::new();
        set_prop(
            &headers,
            "Authorization",
            &JsValue::from_str(&format!("Bearer {}", self.token)),
        );
        let _ = Reflect::set(&headers, &"Content-Type".into(), &"application/json".into());
        let init = Object::new();
        set_prop(&init, "method", &js_name("POST"));
        set_prop(&init, "headers", &headers);
        set_prop(&init, "body", &JsValue::from_str(body));
        if let Some(ms) = self.timeout_ms {
            // AbortSignal.timeout(ms) where the host has it: the request itself is cancelled.
            let signal = Reflect::get(&js_sys::global(), &js_name("AbortSignal"))
                .ok()
                .and_then(|ctor| {
                    Some((
                        Reflect::get(&ctor, &js_name("timeout"))
                            .ok()?
                            .dyn_into::<Function>()
                            .ok()?,
                        ctor,
                    ))
                })
                .and_then(|(timeout, ctor)| timeout.call1(&ctor, &JsValue::from(ms)).ok());
            if let Some(signal) = signal {
                set_prop(&init, "signal", &signal);
            }
        }
        init.into()
    }

    /// POSTs `body` to `{url}{path}`; the parsed JSON reply, or a storage error.
    async fn post(&self, path: &str, body: &str) -> Result<JsValue, JsValue> {
        let err = |m: &str| remote_error(m, &self.token);
        let pending = global_fetch(&format!("{}{path}", self.url), &self.request_init(body))
            .map_err(|e| err(&format!("the request failed: {}", message_of(&e))))?;
        let response: FetchResponse = JsFuture::from(pending)
            .await
            .map_err(|e| {
                err(&format!(
                    "the store could not be reached: {}",
                    message_of(&e)
                ))
            })?
            .unchecked_into();
        let status = response.status();
        let text = match response.text() {
            Ok(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        if status == 401 || status == 403 {
            return Err(err(&format!("the store refused the token (HTTP {status})")));
        }
        let parsed = JSON::parse(&text).ok();
        let error_text = parsed
            .as_ref()
            .filter(|p| !Array::is_array(p))
            .and_then(|p| Reflect::get(p, &js_name("error")).ok())
            .and_then(|e| e.as_string());
        if let Some(e) = error_text {
            return Err(err(&format!(
                "the store answered with an error (HTTP {status}): {e}"
            )));
        }
        if !(200..300).contains(&status) {
            return Err(err(&format!("the store answered HTTP {status}")));
        }
        parsed.ok_or_else(|| err(&format!("the store's reply was not JSON (HTTP {status})")))
    }

    /// One command; its `result`.
    async fn call(&self, parts: &[&str]) -> Result<JsValue, JsValue> {
        let reply = self.post("", &command(parts)).await?;
        Ok(Reflect::get(&reply, &js_name("result")).unwrap_or(JsValue::UNDEFINED))
    }

    /// Commands in pipeline requests; fails if any command failed.
    async fn pipeline(&self, commands: &[String]) -> Result<(), JsValue> {
        for chunk in commands.chunks(PIPELINE_CHUNK) {
            let body = format!("[{}]", chunk.join(","));
            let reply = self.post("/pipeline", &body).await?;
            let Some(replies) = reply.dyn_ref::<Array>() else {
                return Err(remote_error(
                    "the pipeline reply was not an array",
                    &self.token,
                ));
            };
            if replies.length() as usize != chunk.len() {
                // A command without a reply may not have run: the batch is not written.
                return Err(remote_error(
                    &format!(
                        "the pipeline reply had {} replies for {} commands",
                        replies.length(),
                        chunk.len()
                    ),
                    &self.token,
                ));
            }
            for r in replies.iter() {
                if let Some(e) = Reflect::get(&r, &js_name("error"))
                    .ok()
                    .and_then(|e| e.as_string())
                {
                    return Err(remote_error(
                        &format!("a pipelined command failed: {e}"),
                        &self.token,
                    ));
                }
            }
        }
        Ok(())
    }
}

impl StorageBackend for Remote {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        self.call(&["GET", key]).await
    }

    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue> {
        let commands: Vec<String> = ops
            .iter()
            .map(|op| match op {
                WriteOp::Put {
                    key,
                    value,
                    ttl_seconds: Some(ttl),
                } => {
                    let ms = ((ttl * 1000.0).max(1.0) as u64).to_string();
                    command(&["SET", key, value, "PX", &ms])
                }
                WriteOp::Put {
                    key,
                    value,
                    ttl_seconds: None,
                } => command(&["SET", key, value]),
                WriteOp::Delete { key } => command(&["DEL", key]),
            })
            .collect();
        self.pipeline(&commands).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        let keys = self.keys(prefix).await?.unwrap_or_default();
        let commands: Vec<String> = keys.iter().map(|k| command(&["DEL", k])).collect();
        self.pipeline(&commands).await
    }

    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
        let glob = prefix_glob(prefix);
        let mut cursor = String::from("0");
        let mut keys = Vec::new();
        loop {
            let page = self
                .call(&["SCAN", &cursor, "MATCH", &glob, "COUNT", "1000"])
                .await?;
            let page: Array = page
                .dyn_into()
                .map_err(|_| remote_error("SCAN did not answer [cursor, keys]", &self.token))?;
            let next = page.get(0);
            cursor = next
                .as_string()
                .or_else(|| next.as_f64().map(|n| (n as u64).to_string()))
                .unwrap_or_default();
            if let Ok(found) = page.get(1).dyn_into::<Array>() {
                keys.extend(
                    found
                        .iter()
                        .filter_map(|k| k.as_string())
                        .filter(|k| k.starts_with(prefix)),
                );
            }
            if cursor.is_empty() || cursor == "0" {
                break;
            }
        }
        Ok(Some(keys))
    }
}

/// L2 in a remote store: `new RemoteStorage({ url, token, timeoutMs })`, speaking the
/// Upstash Redis REST protocol. Also usable directly through the storage protocol.
#[wasm_bindgen]
pub struct RemoteStorage {
    backend: Rc<Backend>,
    handle: u32,
}

#[wasm_bindgen]
impl RemoteStorage {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<RemoteStorage, JsValue> {
        expect_object(&options, "RemoteStorage options", false)?;
        let url = get(&options, "url")?
            .as_string()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or_else(|| {
                type_error("RemoteStorage url must be an http(s) URL string (the REST endpoint)")
            })?;
        // Never echo the token, even in its own error.
        let token = get(&options, "token")?
            .as_string()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| type_error("RemoteStorage token must be a non-empty string"))?;
        let timeout_ms =
            match read_duration(&get(&options, "timeoutMs")?, "RemoteStorage timeoutMs")? {
                Some(Duration::Millis(ms)) => Some(ms),
                _ => None,
            };
        let remote = Remote {
            url: url.trim_end_matches('/').to_owned(),
            token,
            timeout_ms,
        };
        let backend = Rc::new(Backend::Remote(remote));
        let handle = register(&backend);
        Ok(RemoteStorage { backend, handle })
    }
}

storage_class!(RemoteStorage);
