//! IndexedDbStorage when the open fails or indexedDB is missing (alone: it changes the global).

use stackquery::engine::Storage;
use stackquery::IndexedDbStorage;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

#[wasm_bindgen_test]
async fn a_failed_open_is_retried_and_a_missing_indexeddb_fails_every_call() {
    let name = "t-fail";
    let store = IndexedDbStorage::with_names(name, "queries");
    fail_next_open();
    let e = store.get("k".into()).await.expect_err("injected failure");
    assert!(
        e.message.contains("UnknownError: injected failure"),
        "{}",
        e.message
    );
    assert_eq!(store.get("k".into()).await, Ok(None), "retried");

    hide_idb();
    let gone = IndexedDbStorage::with_names("t-gone", "queries");
    let e = gone.get("k".into()).await.expect_err("no indexedDB");
    assert!(e.message.contains("not available"), "{}", e.message);
    assert!(gone.write(vec![put("a", "b")]).await.is_err());
    assert!(gone.keys("".into()).await.is_err());
    assert!(gone.get_many(s(&["a"])).await.is_err());
    show_idb();
    gone.write(vec![put("a", "b")])
        .await
        .expect("works once it is back");
    assert_eq!(gone.get("a".into()).await, Ok(Some("b".into())));
}
