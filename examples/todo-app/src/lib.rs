//! A todo list on stackquery's Rust face, with no framework: the list is a query
//! observed by the page, adding a todo is a mutation that invalidates it, and the
//! client persists to IndexedDB, so after a reload the list is on screen at once, from
//! IndexedDB, while it is refetched behind it.
//!
//! `index.html` calls [`run`]. With the `baseline` feature the same page is built
//! without stackquery (each view waits for the server), to measure what the crate
//! costs (`build.sh`).

mod server;

pub use server::{
    add, delay, list, reset as reset_server, server_calls, ServerError, Todo, LATENCY_MS,
};

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

#[cfg(not(feature = "baseline"))]
pub use app::{client, mount, TODOS};

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// The page's elements: the list, the status line and the "add" button.
fn elements(doc: &Document) -> Option<(Element, Element, Element)> {
    Some((
        doc.get_element_by_id("todos")?,
        doc.get_element_by_id("status")?,
        doc.get_element_by_id("add")?,
    ))
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

/// Calls `on_add` with the input's text on each click of `button`.
fn on_click(doc: Document, button: &Element, on_add: impl Fn(String) + 'static) {
    let click = Closure::<dyn FnMut()>::new(move || on_add(input_value(&doc)));
    let _ = button.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    click.forget(); // the button lives as long as the page
}

/// Starts the page: renders into `#todos` and `#status`, adds with `#title` + `#add`,
/// caches in IndexedDB (database `stackquery`).
#[wasm_bindgen]
pub fn run() {
    #[cfg(not(feature = "baseline"))]
    let started = client(stackquery::IndexedDbStorage::new()).and_then(mount);
    #[cfg(feature = "baseline")]
    let started = baseline::mount();
    if let Err(e) = started {
        if let Some(status) = document().and_then(|d| d.get_element_by_id("status")) {
            status.set_text_content(Some(&e));
        }
    }
}

#[cfg(not(feature = "baseline"))]
mod app {
    use super::*;
    use stackquery::{Filter, QueryClient, QueryResult, Storage};

    /// The list's query key.
    pub const TODOS: &str = "todos";

    /// The page's client over `storage`, with the defaults: data is stale at once, so
    /// each mount shows what `storage` had and refetches behind it.
    pub fn client(storage: impl Storage + 'static) -> Result<QueryClient, String> {
        QueryClient::builder()
            .storage(storage)
            .build()
            .map_err(|e| e.to_string())
    }

    /// Mounts the page on the document's `#todos`, `#status`, `#title` and `#add`, with
    /// `client` (the tests mount it again, on a new client over the same database, as a
    /// reload does).
    pub fn mount(client: QueryClient) -> Result<(), String> {
        let doc = document().ok_or("no document")?;
        let (ul, status, button) = elements(&doc).ok_or("the page's elements are missing")?;
        let shown = status.clone();
        let observer =
            client
                .query(TODOS, list)
                .observe(move |r: &QueryResult<Vec<Todo>, ServerError>| {
                    if let Some(todos) = &r.data {
                        render_list(&ul, todos);
                    }
                    let text = match (&r.error, &r.data, r.is_fetching()) {
                        (Some(e), _, _) => format!("error: {e}"),
                        // No data yet (also between the IndexedDB read and the fetch).
                        (None, None, _) => "loading…".to_owned(),
                        (None, Some(_), true) => "refreshing…".to_owned(),
                        (None, Some(_), false) => "up to date".to_owned(),
                    };
                    shown.set_text_content(Some(&text));
                });
        std::mem::forget(observer); // the list is on screen as long as the page
        let invalidate = client.clone();
        let add_todo = Rc::new(
            client
                .mutation(|title: Rc<String>| async move { add(&title).await })
                .on_success(move |_: &Todo, _: &String, _: Option<&()>| {
                    let client = invalidate.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        client.invalidate_queries(Filter::exact(TODOS)).await;
                    });
                })
                .on_error(move |e: &ServerError, _, _| {
                    status.set_text_content(Some(&format!("not added: {e}")));
                }),
        );
        on_click(doc, &button, move |title| {
            let add_todo = add_todo.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = add_todo.mutate(title).await;
            });
        });
        Ok(())
    }
}

#[cfg(feature = "baseline")]
mod baseline {
    use super::*;

    /// The same page without a cache: every view waits for the server.
    pub fn mount() -> Result<(), String> {
        let doc = document().ok_or("no document")?;
        let (list, status, button) = elements(&doc).ok_or("the page's elements are missing")?;
        let (list, status) = (Rc::new(list), Rc::new(status));
        let refresh = {
            let (list, status) = (list.clone(), status.clone());
            move || {
                let (list, status) = (list.clone(), status.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    status.set_text_content(Some("loading…"));
                    match super::list().await {
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
        on_click(doc, &button, move |title| {
            let (refresh, status) = (refresh.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match add(&title).await {
                    Ok(_) => refresh(),
                    Err(e) => status.set_text_content(Some(&format!("not added: {e}"))),
                }
            });
        });
        Ok(())
    }
}
