//! A todo list on stackquery's Rust face, with no framework: the list is a query
//! observed by the page, adding a todo is a mutation that invalidates it, and the
//! client persists to IndexedDB, so after a reload the list is on screen at once, from
//! IndexedDB, while it is refetched behind it.
//!
//! `index.html` calls [`run`]. With the `baseline` feature the same page is built
//! without stackquery (each view waits for the server), to measure what the crate
//! costs (`build.sh`).

mod server;

pub use server::{add, delay, list, ServerError, Todo, LATENCY_MS};

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

fn render_list(list: &Element, todos: &[Todo]) {
    let Some(doc) = document() else { return };
    list.set_inner_html("");
    for todo in todos {
        if let Ok(li) = doc.create_element("li") {
            li.set_text_content(Some(&todo.title));
            let _ = list.append_child(&li);
        }
    }
}

fn input_value(doc: &Document) -> String {
    doc.get_element_by_id("title")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Starts the page: renders into `#todos` and `#status`, adds with `#title` + `#add`.
#[wasm_bindgen]
pub fn run() {
    let Some(doc) = document() else { return };
    let (Some(list), Some(status), Some(button)) = (
        doc.get_element_by_id("todos"),
        doc.get_element_by_id("status"),
        doc.get_element_by_id("add"),
    ) else {
        return;
    };
    let on_add = start(list, status);
    let click = Closure::<dyn FnMut()>::new(move || on_add(input_value(&doc)));
    let _ = button.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    click.forget(); // the button lives as long as the page
}

#[cfg(not(feature = "baseline"))]
fn start(list: Element, status: Element) -> Box<dyn Fn(String)> {
    use stackquery::{Filter, IndexedDbStorage, QueryClient, QueryResult};
    use std::time::Duration;

    let client = match QueryClient::builder()
        .stale_time(Duration::from_secs(30))
        .storage(IndexedDbStorage::new())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            status.set_text_content(Some(&e.to_string()));
            return Box::new(|_| {});
        }
    };
    let observer = client.query("todos", list_todos).observe(
        move |r: &QueryResult<Vec<Todo>, ServerError>| {
            if let Some(todos) = &r.data {
                render_list(&list, todos);
            }
            let text = match (&r.error, r.is_fetching(), &r.data) {
                (Some(e), _, _) => format!("error: {e}"),
                (None, true, Some(_)) => "refreshing…".to_owned(),
                (None, true, None) => "loading…".to_owned(),
                (None, false, _) => "up to date".to_owned(),
            };
            status.set_text_content(Some(&text));
        },
    );
    std::mem::forget(observer); // the list is on screen as long as the page
    let invalidate = client.clone();
    let add_todo = Rc::new(
        client
            .mutation(|title: Rc<String>| async move { add(&title).await })
            .on_success(move |_: &Todo, _: &String, _: Option<&()>| {
                let client = invalidate.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    client.invalidate_queries(Filter::prefix("todos")).await;
                });
            }),
    );
    Box::new(move |title| {
        let add_todo = add_todo.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = add_todo.mutate(title).await;
        });
    })
}

fn list_todos() -> impl std::future::Future<Output = Result<Vec<Todo>, ServerError>> {
    list()
}

#[cfg(feature = "baseline")]
fn start(list: Element, status: Element) -> Box<dyn Fn(String)> {
    let list = Rc::new(list);
    let status = Rc::new(status);
    let refresh = {
        let (list, status) = (list.clone(), status.clone());
        move || {
            let (list, status) = (list.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                status.set_text_content(Some("loading…"));
                match list_todos().await {
                    Ok(todos) => {
                        render_list(&list, &todos);
                        status.set_text_content(Some("up to date"));
                    }
                    Err(e) => status.set_text_content(Some(&format!("error: {e}"))),
                }
            });
        }
    };
    refresh();
    Box::new(move |title| {
        let refresh = refresh.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if add(&title).await.is_ok() {
                refresh();
            }
        });
    })
}
