//! The host in Node (no IndexedDB; fetch and setTimeout on the global).

use std::cell::Cell;
use std::rc::Rc;

use stackquery::engine::{Host, Storage, StorageWrite};
use stackquery::{IndexedDbStorage, RemoteStorage, WasmHost};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn node_has_no_indexeddb_but_timers_and_fetch() {
    let idb = IndexedDbStorage::new();
    let e = idb.get("k".into()).await.expect_err("no IndexedDB in Node");
    assert!(e.message.contains("not available"), "{}", e.message);
    assert!(idb
        .write(vec![StorageWrite::Delete { key: "k".into() }])
        .await
        .is_err());

    let t0 = WasmHost.now();
    WasmHost.sleep(60.0).await;
    assert!(WasmHost.now() - t0 >= 55.0);
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    WasmHost.spawn(Box::pin(async move { r.set(true) }));
    WasmHost.sleep(0.0).await;
    assert!(ran.get());

    let s = RemoteStorage::new(env!("REMOTE_URL"), env!("REMOTE_TOKEN")).expect("store");
    s.write(vec![StorageWrite::Put {
        key: "node:k".into(),
        value: "from node".into(),
        ttl_ms: Some(5000.0),
    }])
    .await
    .expect("write");
    assert_eq!(s.get("node:k".into()).await, Ok(Some("from node".into())));
    assert_eq!(s.keys("node:".into()).await, Ok(vec!["node:k".to_owned()]));
}
