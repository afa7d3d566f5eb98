//! A pretend server: the todo list lives in `localStorage` (so it outlives a reload,
//! as a real server's data would) and every call takes `LATENCY_MS`, so the page shows
//! what the cache saves. Counts its calls in `window.todoServerCalls` for the tests.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// How long each call takes.
pub const LATENCY_MS: f64 = 400.0;

/// One todo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Todo {
    pub id: u32,
    pub title: String,
}

/// What the server can answer instead.
#[derive(Debug, PartialEq)]
pub struct ServerError(pub String);

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const KEY: &str = "todo-app-server";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// How many calls the server has answered or is answering (this page, all clients).
pub fn server_calls() -> u32 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("todoServerCalls"))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as u32
}

/// Empties the server's list (the tests start from an empty one).
pub fn reset() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

fn count_call() {
    let n = JsValue::from_f64(f64::from(server_calls() + 1));
    let _ = js_sys::Reflect::set(&js_sys::global(), &JsValue::from_str("todoServerCalls"), &n);
}

/// Waits `ms` milliseconds.
pub async fn delay(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn load() -> Vec<Todo> {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// `GET /todos`.
pub async fn list() -> Result<Vec<Todo>, ServerError> {
    count_call();
    delay(LATENCY_MS).await;
    Ok(load())
}

/// `POST /todos`: refuses an empty title.
pub async fn add(title: &str) -> Result<Todo, ServerError> {
    count_call();
    delay(LATENCY_MS).await;
    if title.trim().is_empty() {
        return Err(ServerError("a todo needs a title".into()));
    }
    let mut todos = load();
    let todo = Todo {
        id: todos.iter().map(|t| t.id).max().unwrap_or(0) + 1,
        title: title.trim().to_owned(),
    };
    todos.push(todo.clone());
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&todos)) {
        let _ = s.set_item(KEY, &text);
    }
    Ok(todo)
}
