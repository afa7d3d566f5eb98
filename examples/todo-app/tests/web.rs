//! stackquery's Rust face in headless Chromium, as an app uses it: real IndexedDB, real
//! timers. Each test has its own database, so they cannot see each other's entries.
//!
//! `wasm-pack test --headless --chrome` (or, as CI runs it,
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use stackquery::{
    Filter, IndexedDbStorage, MutationStatus, QueryClient, QueryError, QueryResult, Staleness,
    Storage,
};
use todo_app::{delay, server_calls, LATENCY_MS};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct User {
    id: u32,
    name: String,
}

#[derive(Debug, PartialEq)]
struct HttpError(u16);

/// A query function that counts its calls and answers user `id` named after the call.
fn user_api(
    calls: &Rc<Cell<u32>>,
    id: u32,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<User, HttpError>>>> {
    let calls = calls.clone();
    move || {
        calls.set(calls.get() + 1);
        let n = calls.get();
        Box::pin(async move {
            delay(20.0).await;
            Ok(User {
                id,
                name: format!("call {n}"),
            })
        })
    }
}

/// Waits (at most 5 s) until `done`.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        delay(10.0).await;
    }
    panic!("waited 5 s for {what}");
}

fn client_on(db: &str) -> QueryClient {
    QueryClient::builder()
        .storage(IndexedDbStorage::with_names(db, "queries"))
        .retry_delay(Duration::from_millis(10))
        .build()
        .expect("a client")
}

#[wasm_bindgen_test]
async fn a_fresh_hit_does_not_call_the_query_function_again() {
    let client = QueryClient::builder()
        .stale_time(Duration::from_secs(60))
        .build()
        .expect("a client");
    let calls = Rc::new(Cell::new(0));
    let first = client
        .fetch_query(("user", 1), user_api(&calls, 1))
        .await
        .expect("data");
    let second = client
        .fetch_query(("user", 1), user_api(&calls, 1))
        .await
        .expect("data");
    assert_eq!(calls.get(), 1);
    assert!(Rc::ptr_eq(&first, &second), "the cached Rc itself");
    assert_eq!(
        client
            .get_query_data::<User>(("user", 1))
            .map(|u| u.name.clone()),
        Some("call 1".into())
    );
}

#[wasm_bindgen_test]
async fn stale_data_is_refetched() {
    let client = QueryClient::builder()
        .stale_time(Duration::from_millis(300))
        .build()
        .expect("a client");
    let calls = Rc::new(Cell::new(0));
    client
        .fetch_query(("user", 2), user_api(&calls, 2))
        .await
        .expect("data");
    client
        .fetch_query(("user", 2), user_api(&calls, 2))
        .await
        .expect("data");
    assert_eq!(calls.get(), 1, "still fresh");
    delay(350.0).await;
    let user = client
        .fetch_query(("user", 2), user_api(&calls, 2))
        .await
        .expect("data");
    assert_eq!(calls.get(), 2);
    assert_eq!(user.name, "call 2");
}

#[wasm_bindgen_test]
async fn concurrent_fetches_of_one_key_share_one_call() {
    let client = QueryClient::new();
    let calls = Rc::new(Cell::new(0));
    let a = client.query(("user", 3), user_api(&calls, 3));
    let b = client.query(("user", 3), user_api(&calls, 3));
    let (x, y) = futures_join(
        async move { a.fetch().await },
        async move { b.fetch().await },
    )
    .await;
    assert_eq!(calls.get(), 1);
    assert!(Rc::ptr_eq(&x.expect("data"), &y.expect("data")));
}

/// Both futures to completion (the app has no executor crate; they run on the page's).
async fn futures_join<A: 'static, B: 'static>(
    a: impl std::future::Future<Output = A> + 'static,
    b: impl std::future::Future<Output = B> + 'static,
) -> (A, B) {
    let slot_b: Rc<RefCell<Option<B>>> = Rc::default();
    let fill = slot_b.clone();
    wasm_bindgen_futures::spawn_local(async move {
        *fill.borrow_mut() = Some(b.await);
    });
    let a = a.await;
    loop {
        if let Some(b) = slot_b.borrow_mut().take() {
            return (a, b);
        }
        delay(5.0).await;
    }
}

#[wasm_bindgen_test]
async fn errors_come_back_typed_after_the_retries() {
    let client = QueryClient::builder()
        .retry(2)
        .retry_delay(Duration::from_millis(10))
        .build()
        .expect("a client");
    let calls = Rc::new(Cell::new(0));
    let counted = calls.clone();
    let got = client
        .fetch_query("broken", move || {
            counted.set(counted.get() + 1);
            async { Err::<User, _>(HttpError(503)) }
        })
        .await;
    assert_eq!(calls.get(), 3, "one try and two retries");
    match got {
        Err(QueryError::Failed(e)) => assert_eq!(*e, HttpError(503)),
        other => panic!("expected the query function's error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn invalidation_refetches_what_an_observer_shows() {
    let client = QueryClient::new();
    let calls = Rc::new(Cell::new(0));
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = seen.clone();
    let observer = client.query(("user", 4), user_api(&calls, 4)).observe(
        move |r: &QueryResult<User, HttpError>| {
            if let Some(u) = &r.data {
                log.borrow_mut().push(u.name.clone());
            }
        },
    );
    eventually("the first fetch", || observer.result().data.is_some()).await;
    assert_eq!(
        observer.result().data.map(|u| u.name.clone()),
        Some("call 1".into())
    );
    client.invalidate_queries(Filter::prefix("user")).await;
    assert_eq!(calls.get(), 2);
    assert_eq!(
        observer.result().data.map(|u| u.name.clone()),
        Some("call 2".into())
    );
    assert_eq!(seen.borrow().last().map(String::as_str), Some("call 2"));
    drop(observer);
}

#[wasm_bindgen_test]
async fn a_second_client_reads_the_first_ones_data_from_indexeddb() {
    let db = "rust-face-two-clients";
    let calls = Rc::new(Cell::new(0));
    let first = client_on(db);
    first
        .fetch_query(("user", 5), user_api(&calls, 5))
        .await
        .expect("data");
    first.flush().await;
    assert_eq!(first.take_storage_error(), None);

    // As after a reload: a new client, empty memory, the same database.
    let second = client_on(db);
    let network = Rc::new(Cell::new(0));
    let user = second
        .query(("user", 5), user_api(&network, 5))
        .stale_time(Staleness::UntilInvalidated)
        .fetch()
        .await
        .expect("data");
    assert_eq!(network.get(), 0, "no request: the data came from IndexedDB");
    assert_eq!(user.name, "call 1");
}

#[wasm_bindgen_test]
async fn entries_are_stored_where_the_js_package_looks_for_them() {
    let db = "rust-face-shared-layout";
    let client = client_on(db);
    client
        .set_query_data(
            ("todo", 7),
            User {
                id: 7,
                name: "milk".into(),
            },
        )
        .expect("a key");
    client.flush().await;
    let stored = IndexedDbStorage::with_names(db, "queries")
        .get(r#"stackquery:["todo",7]"#.to_owned())
        .await
        .expect("a read");
    let text = stored.expect("an entry under the JS package's key");
    assert!(text.contains(r#""data":{"id":7,"name":"milk"}"#), "{text}");
}

#[wasm_bindgen_test]
async fn clear_removes_the_entries_from_indexeddb() {
    let db = "rust-face-clear";
    let calls = Rc::new(Cell::new(0));
    let client = client_on(db);
    client
        .fetch_query(("user", 6), user_api(&calls, 6))
        .await
        .expect("data");
    client.flush().await;
    let stored = || async {
        IndexedDbStorage::with_names(db, "queries")
            .get(r#"stackquery:["user",6]"#.to_owned())
            .await
            .expect("a read")
    };
    assert!(stored().await.is_some(), "written before clear()");
    client.clear();
    client.flush().await;
    assert_eq!(client.get_query_data::<User>(("user", 6)), None);
    assert_eq!(stored().await, None, "gone from IndexedDB");
    let after = client_on(db);
    after
        .query(("user", 6), user_api(&calls, 6))
        .stale_time(Staleness::UntilInvalidated)
        .fetch()
        .await
        .expect("data");
    assert_eq!(calls.get(), 2, "nothing was left to read");
}

#[wasm_bindgen_test]
async fn a_mutation_runs_its_callbacks_and_rolls_back_on_error() {
    let client = QueryClient::new();
    client
        .set_query_data("names", vec!["ann".to_string()])
        .expect("a key");
    let (cache, rollback) = (client.clone(), client.clone());
    let log: Rc<RefCell<Vec<String>>> = Rc::default();
    let (on_ok, on_err, on_end) = (log.clone(), log.clone(), log.clone());
    let rename = client
        .mutation(|name: Rc<String>| async move {
            delay(10.0).await;
            if name.is_empty() {
                Err(HttpError(422))
            } else {
                Ok(name.len())
            }
        })
        .on_mutate(move |name: &String| {
            // Optimistic update; the context is what to roll back to.
            let before = cache.get_query_data::<Vec<String>>("names");
            let _ = cache.set_query_data("names", vec![name.clone()]);
            before
        })
        .on_success(move |len: &usize, name: &String, ctx| {
            on_ok
                .borrow_mut()
                .push(format!("{name} {len} {:?}", ctx.map(|c| c.is_some())));
        })
        .on_error(move |e: &HttpError, name: &String, ctx| {
            if let Some(Some(before)) = ctx {
                let _ = rollback.set_query_data("names", (**before).clone());
            }
            on_err.borrow_mut().push(format!("error {} {name:?}", e.0));
        })
        .on_settled(move |r, _, _| on_end.borrow_mut().push(format!("settled {}", r.is_ok())));
    let names = || {
        client
            .get_query_data::<Vec<String>>("names")
            .map(|v| v.join(","))
    };

    let len = rename.mutate("bob".to_string()).await.expect("data");
    assert_eq!(*len, 3);
    assert_eq!(names(), Some("bob".into()));
    assert_eq!(rename.status(), MutationStatus::Success);
    assert_eq!(*log.borrow(), ["bob 3 Some(true)", "settled true"]);

    let failed = rename.mutate(String::new()).await;
    assert!(matches!(failed, Err(e) if *e == HttpError(422)));
    assert_eq!(
        names(),
        Some("bob".into()),
        "the optimistic update rolled back"
    );
    assert_eq!(rename.status(), MutationStatus::Error);
    assert_eq!(
        *log.borrow(),
        [
            "bob 3 Some(true)",
            "settled true",
            r#"error 422 """#,
            "settled false"
        ]
    );
}

// The page itself (src/lib.rs), as its user sees it: the list, the status line, the button.

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh page (as after a reload): the previous one's elements are removed.
fn new_page() {
    let doc = document();
    if let Some(old) = doc.get_element_by_id("page") {
        old.remove();
    }
    let page = doc.create_element("div").expect("a div");
    page.set_id("page");
    page.set_inner_html(
        r#"<p id="status"></p><ul id="todos"></ul><input id="title"><button id="add">Add</button>"#,
    );
    document()
        .body()
        .expect("a body")
        .append_child(&page)
        .expect("appended");
}

fn status() -> String {
    document()
        .get_element_by_id("status")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn items() -> Vec<String> {
    let list = document().get_element_by_id("todos").expect("the list");
    let items = list.children();
    (0..items.length())
        .filter_map(|i| items.item(i)?.text_content())
        .collect()
}

/// Types `title` and clicks "Add".
fn add_todo(title: &str) {
    let doc = document();
    let input: web_sys::HtmlInputElement = doc
        .get_element_by_id("title")
        .and_then(|e| e.dyn_into().ok())
        .expect("the input");
    input.set_value(title);
    let button: web_sys::HtmlElement = doc
        .get_element_by_id("add")
        .and_then(|e| e.dyn_into().ok())
        .expect("the button");
    button.click();
}

/// Waits (at most 5 s) until the page shows what `shown` looks for.
async fn until(what: &str, shown: impl Fn() -> bool) {
    for _ in 0..500 {
        if shown() {
            return;
        }
        delay(10.0).await;
    }
    panic!(
        "the page never showed {what}: {:?}, status {:?}",
        items(),
        status()
    );
}

fn mount_on(db: &str) -> QueryClient {
    let client = todo_app::client(IndexedDbStorage::with_names(db, "queries")).expect("a client");
    todo_app::mount(client.clone()).expect("mounted");
    client
}

#[wasm_bindgen_test]
async fn after_a_reload_the_page_shows_the_stored_list_at_once_and_refreshes_it() {
    todo_app::reset_server();
    let db = "todo-app-reload";
    new_page();
    let first = mount_on(db);
    until("the first load", || status() == "up to date").await;
    assert!(items().is_empty());
    add_todo("milk");
    until("the new todo", || items() == ["milk"]).await;
    first.flush().await;

    new_page(); // the reload: a new page, a new client, the same IndexedDB
    let calls = server_calls();
    mount_on(db);
    delay(LATENCY_MS / 4.0).await;
    assert_eq!(items(), ["milk"], "on screen before the server answered");
    assert_eq!(status(), "refreshing…");
    assert_eq!(server_calls(), calls + 1, "refetched behind it");
    until("the refreshed list", || status() == "up to date").await;
    assert_eq!(items(), ["milk"]);
}

#[wasm_bindgen_test]
async fn adding_shows_the_new_todo_and_a_refused_one_shows_why() {
    todo_app::reset_server();
    new_page();
    mount_on("todo-app-add");
    until("the first load", || status() == "up to date").await;
    add_todo("bread");
    add_todo("eggs");
    until("both todos", || items() == ["bread", "eggs"]).await;

    let calls = server_calls();
    add_todo("   ");
    until("the server's refusal", || {
        status() == "not added: a todo needs a title"
    })
    .await;
    delay(LATENCY_MS * 1.5).await;
    assert_eq!(server_calls(), calls + 1, "no refetch after a refused add");
    assert_eq!(items(), ["bread", "eggs"]);
}
