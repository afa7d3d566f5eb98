//! `RemoteStorage` in headless Chromium against a real Redis behind the Upstash REST
//! protocol (`tests/servers/remote-store.mjs` of the repository; scripts/test.sh starts
//! it and builds this with `--features remote-store-tests`).

use std::cell::Cell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use stackquery::{QueryClient, RemoteStorage, Staleness, Storage};
use todo_app::delay;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = env!("STACKQUERY_REMOTE_URL");
const TOKEN: &str = env!("STACKQUERY_REMOTE_TOKEN");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Page {
    n: u32,
}

fn store() -> RemoteStorage {
    RemoteStorage::new(URL, TOKEN).expect("a store")
}

fn client(prefix: &str, storage: RemoteStorage) -> QueryClient {
    QueryClient::builder()
        .key_prefix(prefix)
        .storage(storage)
        .stale_time(Staleness::UntilInvalidated)
        .retry(0)
        .build()
        .expect("a client")
}

fn page_fn(
    calls: &Rc<Cell<u32>>,
    n: u32,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Page, String>>>> {
    let calls = calls.clone();
    move || {
        calls.set(calls.get() + 1);
        Box::pin(async move {
            delay(5.0).await;
            Ok(Page { n })
        })
    }
}

#[wasm_bindgen_test]
async fn a_second_client_reads_the_first_ones_keys_from_redis_without_fetching() {
    let writer = client("rust-remote-a", store());
    let calls = Rc::new(Cell::new(0));
    for n in 0..30 {
        writer
            .fetch_query(("page", n), page_fn(&calls, n))
            .await
            .expect("data");
    }
    writer.flush().await;
    assert_eq!(writer.take_storage_error(), None);

    let reader = client("rust-remote-a", store());
    let network = Rc::new(Cell::new(0));
    let queries: Vec<_> = (0..30)
        .map(|n| reader.query(("page", n), page_fn(&network, n)))
        .collect();
    for (n, q) in queries.iter().enumerate() {
        assert_eq!(q.fetch().await.expect("data").n, n as u32);
    }
    assert_eq!(network.get(), 0, "all 30 came from Redis");
}

#[wasm_bindgen_test]
async fn clear_deletes_the_namespace_in_redis_and_only_it() {
    let calls = Rc::new(Cell::new(0));
    let mine = client("rust-remote-mine", store());
    let other = client("rust-remote-other", store());
    mine.fetch_query("x", page_fn(&calls, 1))
        .await
        .expect("data");
    other
        .fetch_query("x", page_fn(&calls, 2))
        .await
        .expect("data");
    mine.flush().await;
    other.flush().await;
    mine.clear();
    mine.flush().await;
    assert_eq!(
        store()
            .keys("rust-remote-mine:".to_owned())
            .await
            .expect("keys"),
        Vec::<String>::new()
    );
    assert_eq!(
        store()
            .keys("rust-remote-other:".to_owned())
            .await
            .expect("keys")
            .len(),
        1
    );
}

#[wasm_bindgen_test]
async fn a_refused_token_degrades_to_memory_and_the_error_hides_it() {
    let secret = "wrong-token-that-must-not-leak";
    let c = client(
        "rust-remote-bad",
        RemoteStorage::new(URL, secret).expect("a store"),
    );
    let calls = Rc::new(Cell::new(0));
    let page = c
        .fetch_query("y", page_fn(&calls, 9))
        .await
        .expect("data from the query function");
    assert_eq!(page.n, 9);
    c.flush().await;
    let error = c.take_storage_error().expect("the refusal is reported");
    assert!(!error.message.contains(secret), "{}", error.message);
    assert!(RemoteStorage::new("https://user:pw@example.com", TOKEN).is_err());
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct User {
    id: u32,
    name: String,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Tab {
    tab: &'static str,
    page: f64,
}

#[derive(Serialize)]
struct Filter {
    z: u8,
    a: (bool, ()),
}

/// run-remote.mjs wrote `['user', 42, { tab: 'profile', page: 1.5 }]` with the JS package
/// before this suite, and reads `['from-rust', 7, { z: 1, a: [true, null] }]` after it.
#[wasm_bindgen_test]
async fn the_js_package_and_the_rust_face_share_entries() {
    let c = client("shared", store());
    let never = Rc::new(Cell::new(0));
    let counted = never.clone();
    let user = c
        .fetch_query(
            (
                "user",
                42,
                Tab {
                    tab: "profile",
                    page: 1.5,
                },
            ),
            move || {
                counted.set(counted.get() + 1);
                async { Err::<User, String>("not in Redis".into()) }
            },
        )
        .await
        .expect("the JS package's entry");
    assert_eq!(never.get(), 0);
    assert_eq!(
        *user,
        User {
            id: 42,
            name: "from JS".into(),
            tags: vec!["a".into(), "é".into()]
        }
    );
    c.set_query_data(
        (
            "from-rust",
            7,
            Filter {
                z: 1,
                a: (true, ()),
            },
        ),
        User {
            id: 7,
            name: "from Rust".into(),
            tags: vec![],
        },
    )
    .expect("a key");
    c.flush().await;
    assert_eq!(c.take_storage_error(), None);
}
