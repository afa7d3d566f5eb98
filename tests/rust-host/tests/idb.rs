//! IndexedDbStorage and WasmHost in headless Chromium.

use std::cell::Cell;
use std::rc::Rc;

use stackquery::engine::{Host, Storage};
use stackquery::{IndexedDbStorage, WasmHost};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

#[wasm_bindgen_test]
async fn roundtrip_get_get_many_write_keys() {
    let store = IndexedDbStorage::with_names("t-roundtrip", "queries");
    store
        .write(vec![
            put("a:1", "one"),
            put("a:2", "two"),
            put("b:1", "bee"),
            put("a", "bare"),
        ])
        .await
        .expect("write");
    assert_eq!(store.get("a:1".into()).await, Ok(Some("one".into())));
    assert_eq!(store.get("nope".into()).await, Ok(None));
    assert_eq!(
        store
            .get_many(s(&["a:1", "nope", "b:1", "a:2"]))
            .await
            .expect("get_many"),
        vec![
            Some("one".into()),
            None,
            Some("bee".into()),
            Some("two".into())
        ]
    );
    assert_eq!(store.get_many(vec![]).await, Ok(vec![]));
    assert_eq!(store.keys("a:".into()).await, Ok(s(&["a:1", "a:2"])));
    assert_eq!(store.keys("a".into()).await, Ok(s(&["a", "a:1", "a:2"])));
    assert_eq!(
        store.keys("".into()).await,
        Ok(s(&["a", "a:1", "a:2", "b:1"]))
    );
    assert_eq!(store.keys("zz".into()).await, Ok(vec![]));
    // Deletes and puts in one batch, in order.
    store
        .write(vec![
            del("a:1"),
            put("a:2", "TWO"),
            del("missing"),
            put("a:1", "again"),
            del("a:1"),
        ])
        .await
        .expect("write 2");
    assert_eq!(store.keys("a:".into()).await, Ok(s(&["a:2"])));
    assert_eq!(store.get("a:2".into()).await, Ok(Some("TWO".into())));
    assert_eq!(store.write(vec![]).await, Ok(()));
    // Same layout as the JS package: a plain string under the string key.
    let raw = JsFuture::from(raw_get("t-roundtrip", "queries", &"a:2".into()))
        .await
        .expect("raw get");
    assert_eq!(raw.as_string().as_deref(), Some("TWO"));
}

#[wasm_bindgen_test]
async fn prefix_edges_and_array_keys() {
    let name = "t-edges";
    let store = IndexedDbStorage::with_names(name, "queries");
    let keys = [
        "p",
        "p\u{FFFF}",
        "p\u{FFFF}\u{FFFF}z",
        "p\u{1F600}",
        "p\u{1F600}x",
        "pz",
        "q",
        "o\u{FFFF}",
    ];
    store
        .write(keys.iter().map(|k| put(k, k)).collect())
        .await
        .expect("write");
    // JS-side bookkeeping under array keys, and a string a JS page wrote.
    let order = js_sys::Array::of2(&"order".into(), &"p:".into());
    JsFuture::from(raw_put(
        name,
        "queries",
        &order,
        &js_sys::Array::of1(&1.into()),
    ))
    .await
    .expect("raw put array");
    JsFuture::from(raw_put(name, "queries", &"pjs".into(), &"from js".into()))
        .await
        .expect("raw put");
    assert_eq!(store.get("pjs".into()).await, Ok(Some("from js".into())));
    let mut p = store.keys("p".into()).await.expect("keys p");
    p.sort();
    let mut want = s(&[
        "p",
        "p\u{FFFF}",
        "p\u{FFFF}\u{FFFF}z",
        "p\u{1F600}",
        "p\u{1F600}x",
        "pz",
        "pjs",
    ]);
    want.sort();
    assert_eq!(p, want);
    let mut ff = store.keys("p\u{FFFF}".into()).await.expect("keys ffff");
    ff.sort();
    assert_eq!(ff, s(&["p\u{FFFF}", "p\u{FFFF}\u{FFFF}z"]));
    let mut emoji = store.keys("p\u{1F600}".into()).await.expect("keys emoji");
    emoji.sort();
    assert_eq!(emoji, s(&["p\u{1F600}", "p\u{1F600}x"]));
    assert_eq!(store.keys("\u{FFFF}".into()).await, Ok(vec![]));
    let all = store.keys("".into()).await.expect("all");
    assert_eq!(all.len(), keys.len() + 1, "{all:?}"); // no array key
                                                      // A non-string value (not ours) reads as nothing.
    JsFuture::from(raw_put(name, "queries", &"pnum".into(), &5.into()))
        .await
        .expect("raw put num");
    assert_eq!(store.get("pnum".into()).await, Ok(None));
}

#[wasm_bindgen_test]
async fn clones_share_one_connection_opened_once() {
    let name = "t-share";
    let a = IndexedDbStorage::with_names(name, "queries");
    let b = a.clone();
    let c = a.clone();
    // Three first calls before any open finishes.
    let fa = a.get("x".into());
    let fb = b.write(vec![put("y", "why")]);
    let fc = c.keys("".into());
    assert_eq!(fa.await, Ok(None));
    assert_eq!(fb.await, Ok(()));
    assert!(fc.await.is_ok());
    assert_eq!(a.get("y".into()).await, Ok(Some("why".into())));
    assert_eq!(opens(name), 1, "one open for all clones");
}

#[wasm_bindgen_test]
async fn a_database_without_the_store_is_upgraded_and_the_other_connection_reopens() {
    let name = "t-upgrade";
    let one = IndexedDbStorage::with_names(name, "one");
    one.write(vec![put("k", "in one")])
        .await
        .expect("write one");
    let info = JsFuture::from(raw_info(name)).await.expect("info");
    assert_eq!(info.as_string().as_deref(), Some("1:one"));
    // `one` keeps its connection open; `two` needs version 2.
    let two = IndexedDbStorage::with_names(name, "two");
    two.write(vec![put("k", "in two")])
        .await
        .expect("write two");
    let info = JsFuture::from(raw_info(name)).await.expect("info");
    assert_eq!(info.as_string().as_deref(), Some("2:one,two"));
    assert_eq!(one.get("k".into()).await, Ok(Some("in one".into())));
    assert_eq!(two.get("k".into()).await, Ok(Some("in two".into())));
    // The default names are the JS package's.
    let default = IndexedDbStorage::new();
    default
        .write(vec![put("d", "v")])
        .await
        .expect("default write");
    let info = JsFuture::from(raw_info("stackquery")).await.expect("info");
    assert_eq!(info.as_string().as_deref(), Some("1:queries"));
}

#[wasm_bindgen_test]
async fn a_thousand_entries_in_one_batch() {
    let store = IndexedDbStorage::with_names("t-big", "queries");
    let keys: Vec<String> = (0..1000).map(|i| format!("n:{i:04}")).collect();
    store
        .write(keys.iter().map(|k| put(k, &format!("v{k}"))).collect())
        .await
        .expect("write");
    let values = store.get_many(keys.clone()).await.expect("get_many");
    assert_eq!(values.len(), 1000);
    assert!(values
        .iter()
        .zip(&keys)
        .all(|(v, k)| v.as_deref() == Some(&*format!("v{k}"))));
    assert_eq!(store.keys("n:".into()).await.expect("keys"), keys);
    store
        .write(keys.iter().map(|k| del(k)).collect())
        .await
        .expect("delete");
    assert_eq!(store.keys("n:".into()).await, Ok(vec![]));
}

#[wasm_bindgen_test]
async fn host_clock_sleep_and_spawn() {
    let host = WasmHost;
    let t0 = host.now();
    assert!((t0 - js_sys::Date::now()).abs() < 50.0);
    host.sleep(120.0).await;
    let waited = host.now() - t0;
    assert!((115.0..1000.0).contains(&waited), "{waited}");
    for ms in [0.0, -5.0, f64::NAN, f64::NEG_INFINITY] {
        let t = host.now();
        host.sleep(ms).await;
        assert!(host.now() - t < 50.0, "{ms}");
    }
    let ran = Rc::new(Cell::new(0));
    let r = ran.clone();
    host.spawn(Box::pin(async move {
        WasmHost.sleep(10.0).await;
        r.set(r.get() + 1);
    }));
    let forever = Rc::new(Cell::new(false));
    let f = forever.clone();
    host.spawn(Box::pin(async move {
        WasmHost.sleep(f64::INFINITY).await;
        f.set(true);
    }));
    // A sleep longer than one setTimeout can take must not fire at once.
    let long = Rc::new(Cell::new(false));
    let l = long.clone();
    host.spawn(Box::pin(async move {
        WasmHost.sleep(3.0e9).await;
        l.set(true);
    }));
    assert_eq!(ran.get(), 0, "spawned, not run inline");
    host.sleep(100.0).await;
    assert_eq!(ran.get(), 1);
    assert!(!forever.get());
    assert!(!long.get());
}
