//! `RemoteStorage`: L2 in a remote key-value store over `fetch`, speaking the Upstash
//! Redis REST protocol (Upstash, Vercel KV, or any server that speaks it).
//!
//! One command is `POST {url}` with a JSON array body (`["GET", key]`), a batch is
//! `POST {url}/pipeline` with an array of commands; `Authorization: Bearer {token}`.
//! Replies are `{"result": …}` or `{"error": "…"}`. HTTP errors, a refused token,
//! timeouts, non-JSON bodies and `{"error"}` replies are storage errors (the client
//! then carries on without L2). The global `fetch` is used, so this works in pages,
//! workers, Node, Deno and workerd.
//!
//! Hostile or broken stores are bounded: each request, its body included, is aborted
//! after `timeoutMs`; a body is read in chunks and abandoned past `maxReplyBytes`; a
//! `SCAN` that repeats a cursor or runs past [`MAX_SCAN_PAGES`] pages is an error, and
//! `clear()` deletes each page's keys as it goes.
//! The token, in any form a store may echo it (any case, base64, URL-encoded), never
//! appears in an error message, and a URL holding a user name or password is refused.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{register, storage_class, Backend, StorageBackend, WriteOp};
use crate::bindings::convert::describe;
use crate::bindings::convert::js_name;
use crate::bindings::convert::set_prop;
use crate::bindings::errors::{range_error, type_error};
use crate::bindings::options::{expect_object, get, read_duration};
use crate::core::key::json_string_array as command;
use crate::core::redact::Redactor;
use crate::core::staleness::Duration;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(input: &str, init: &JsValue) -> Result<Promise, JsValue>;

    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, getter)]
    fn body(this: &FetchResponse) -> Option<BodyStream>;

    type BodyStream;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &BodyStream) -> Result<BodyReader, JsValue>;

    type BodyReader;
    #[wasm_bindgen(method, catch)]
    fn read(this: &BodyReader) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn cancel(this: &BodyReader) -> Result<Promise, JsValue>;

    type Blob;
    #[wasm_bindgen(constructor, catch)]
    fn new(parts: &Array) -> Result<Blob, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn text(this: &Blob) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Commands per pipeline request (keeps request bodies well under store limits).
const PIPELINE_CHUNK: usize = 500;

/// Keys per `MGET` of a batched read.
const MGET_CHUNK: usize = 200;

/// `timeoutMs` when not given.
const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

/// `maxReplyBytes` when not given: room for an entry of the client's default
/// `maxEntryBytes` (4 MiB) however JSON escapes it.
const DEFAULT_MAX_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// The most keys one namespace listing (`SCAN`, for quota eviction) may return.
pub const MAX_SCAN_KEYS: usize = 1_000_000;

/// The most `SCAN` pages one walk may take (each asks for 1,000 keys).
pub const MAX_SCAN_PAGES: usize = 10_000;

pub struct Remote {
    url: String,
    token: String,
    timeout_ms: Option<f64>,
    max_reply_bytes: usize,
    secrets: Redactor,
    /// Where an unfinished namespace clear goes on from, by prefix.
    resume: RefCell<Vec<(String, String)>>,
}

/// A storage error; every form of the token is blanked out of it.
fn remote_error(message: &str, secrets: &Redactor) -> JsValue {
    let e = js_sys::Error::new(&format!("RemoteStorage: {}", secrets.redact(message)));
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

/// Whether an http(s) URL has a user name or password before its host.
fn has_userinfo(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.contains('@')
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

    /// The reply body as a JS string, read in chunks and abandoned past `maxReplyBytes`
    /// (a body that does not come is cut off by the request's abort signal). The text
    /// stays in JavaScript: it is parsed there.
    async fn read_body(&self, response: &FetchResponse) -> Result<JsValue, JsValue> {
        let err = |m: &str| remote_error(m, &self.secrets);
        let Some(stream) = response.body() else {
            return Ok(JsValue::from_str(""));
        };
        let reader = stream
            .get_reader()
            .map_err(|e| err(&format!("the reply could not be read: {}", message_of(&e))))?;
        let (chunks, mut size) = (Array::new(), 0usize);
        loop {
            let chunk = JsFuture::from(reader.read()?)
                .await
                .map_err(|e| err(&format!("the reply broke off: {}", message_of(&e))))?;
            if Reflect::get(&chunk, &js_name("done"))?.is_truthy() {
                break;
            }
            let Ok(part) = Reflect::get(&chunk, &js_name("value"))?.dyn_into::<Uint8Array>() else {
                return Err(err("the reply's body was not bytes"));
            };
            size += part.length() as usize;
            if size > self.max_reply_bytes {
                let _ = reader.cancel(); // the stream stops; the request is dropped
                return Err(err(&format!(
                    "the reply was larger than maxReplyBytes ({} bytes); it was not read",
                    self.max_reply_bytes
                )));
            }
            chunks.push(&part);
        }
        let text = Blob::new(&chunks).and_then(|b| b.text());
        JsFuture::from(text?)
            .await
            .map_err(|e| err(&format!("the reply could not be read: {}", message_of(&e))))
    }

    /// POSTs `body` to `{url}{path}`; the parsed JSON reply, or a storage error.
    async fn post(&self, path: &str, body: &str) -> Result<JsValue, JsValue> {
        let err = |m: &str| remote_error(m, &self.secrets);
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
        let text = self.read_body(&response).await?;
        if status == 401 || status == 403 {
            return Err(err(&format!("the store refused the token (HTTP {status})")));
        }
        let parsed = parse_json(&text).ok();
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
                    &self.secrets,
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
                    &self.secrets,
                ));
            }
            for r in replies.iter() {
                if let Some(e) = Reflect::get(&r, &js_name("error"))
                    .ok()
                    .and_then(|e| e.as_string())
                {
                    return Err(remote_error(
                        &format!("a pipelined command failed: {e}"),
                        &self.secrets,
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

    /// `MGET`s of at most [`MGET_CHUNK`] keys, one after another (each reply bounded by
    /// `maxReplyBytes`: a batch of entries too large for it fails, and its queries are
    /// fetched instead).
    async fn get_many(&self, keys: &[String]) -> Result<Array, JsValue> {
        let values = Array::new();
        for chunk in keys.chunks(MGET_CHUNK) {
            let parts: Vec<&str> = std::iter::once("MGET")
                .chain(chunk.iter().map(String::as_str))
                .collect();
            match self.call(&parts).await?.dyn_into::<Array>() {
                Ok(replies) if replies.length() as usize == chunk.len() => {
                    for value in replies.iter() {
                        values.push(&value);
                    }
                }
                _ => {
                    return Err(remote_error(
                        "the MGET reply was not one value per key",
                        &self.secrets,
                    ))
                }
            }
        }
        Ok(values)
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

    /// Page by page: what each `SCAN` page lists is deleted before the next page is
    /// asked for, and the cursor reached is kept, so a clear cut short (by
    /// `storageTimeout`, on a store whose whole keyspace takes longer to walk) goes on
    /// from there when it is tried again, and finishes.
    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        let mut scan = Scan::new(prefix);
        if let Some((_, cursor)) = self.resume.borrow().iter().find(|(p, _)| p == prefix) {
            scan.cursor = Some(cursor.clone());
        }
        while let Some(keys) = self.next_page(&mut scan).await? {
            let commands: Vec<String> = keys.iter().map(|k| command(&["DEL", k])).collect();
            self.pipeline(&commands).await?;
            let mut resume = self.resume.borrow_mut();
            resume.retain(|(p, _)| p != prefix);
            if let Some(next) = &scan.cursor {
                resume.push((prefix.to_owned(), next.clone()));
            }
        }
        Ok(())
    }

    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
        let mut scan = Scan::new(prefix);
        let mut keys: Vec<String> = Vec::new();
        while let Some(page) = self.next_page(&mut scan).await? {
            keys.extend(page);
            if keys.len() > MAX_SCAN_KEYS {
                return Err(remote_error(
                    &format!("SCAN listed more than {MAX_SCAN_KEYS} keys"),
                    &self.secrets,
                ));
            }
        }
        keys.sort_unstable(); // a key listed twice is deleted once
        keys.dedup();
        Ok(Some(keys))
    }
}

/// A `SCAN … MATCH prefix*` under way.
struct Scan<'a> {
    prefix: &'a str,
    glob: String,
    /// The cursor to ask with next; `None` once the store said the walk is over.
    cursor: Option<String>,
    /// Cursors asked with so far (a store that repeats one would never finish).
    seen: Vec<String>,
}

impl<'a> Scan<'a> {
    fn new(prefix: &'a str) -> Scan<'a> {
        Scan {
            prefix,
            glob: prefix_glob(prefix),
            cursor: Some(String::from("0")),
            seen: Vec::new(),
        }
    }
}

impl Remote {
    /// The keys of the next `SCAN` page that start with the prefix; `None` when done.
    async fn next_page(&self, scan: &mut Scan<'_>) -> Result<Option<Vec<String>>, JsValue> {
        let Some(cursor) = scan.cursor.take() else {
            return Ok(None);
        };
        // A store whose SCAN never ends must not keep the client busy for ever.
        if scan.seen.contains(&cursor) || scan.seen.len() >= MAX_SCAN_PAGES {
            return Err(remote_error(
                &format!(
                    "SCAN did not finish (a repeated cursor, or more than {MAX_SCAN_PAGES} pages)"
                ),
                &self.secrets,
            ));
        }
        let page = self
            .call(&["SCAN", &cursor, "MATCH", &scan.glob, "COUNT", "1000"])
            .await?;
        scan.seen.push(cursor);
        let page: Array = page
            .dyn_into()
            .map_err(|_| remote_error("SCAN did not answer [cursor, keys]", &self.secrets))?;
        let next = page.get(0);
        let next = next
            .as_string()
            .or_else(|| next.as_f64().map(|n| (n as u64).to_string()))
            .unwrap_or_default();
        if !next.is_empty() && next != "0" {
            scan.cursor = Some(next);
        }
        let keys = match page.get(1).dyn_into::<Array>() {
            Ok(found) => found
                .iter()
                .filter_map(|k| k.as_string())
                .filter(|k| k.starts_with(scan.prefix))
                .collect(),
            Err(_) => Vec::new(),
        };
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
        // Never echo the URL: it may hold a password.
        if has_userinfo(&url) {
            return Err(type_error(
                "RemoteStorage url must not hold a user name or password before its host; pass the REST token as `token`",
            ));
        }
        // Never echo the token, even in its own error.
        // fetch sends a header value trimmed: the token is what the store sees (and may echo).
        let token = get(&options, "token")?
            .as_string()
            .map(|t| t.trim_matches([' ', '\t', '\n', '\r']).to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| type_error("RemoteStorage token must be a non-empty string"))?;
        let timeout_ms =
            match read_duration(&get(&options, "timeoutMs")?, "RemoteStorage timeoutMs")? {
                None => Some(DEFAULT_TIMEOUT_MS),
                Some(Duration::Millis(ms)) => Some(ms),
                Some(Duration::Never) => None,
            };
        let max_reply_bytes = match read_duration(
            &get(&options, "maxReplyBytes")?,
            "RemoteStorage maxReplyBytes",
        )? {
            None => DEFAULT_MAX_REPLY_BYTES,
            Some(Duration::Millis(n)) if n >= 1.0 => n as usize,
            Some(Duration::Millis(_)) => {
                return Err(range_error(
                    "RemoteStorage maxReplyBytes must be at least 1",
                ))
            }
            Some(Duration::Never) => usize::MAX,
        };
        let remote = Remote {
            url: url.trim_end_matches('/').to_owned(),
            secrets: Redactor::new([token.as_str()]),
            token,
            timeout_ms,
            max_reply_bytes,
            resume: RefCell::new(Vec::new()),
        };
        let backend = Rc::new(Backend::Remote(remote));
        let handle = register(&backend);
        Ok(RemoteStorage { backend, handle })
    }
}

storage_class!(RemoteStorage);
