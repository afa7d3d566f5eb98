//! RemoteStorage in headless Chromium against a real Redis behind the Upstash REST
//! protocol, and against servers that hang or misbehave (run by run-remote.mjs).

use stackquery::engine::Host;
use stackquery::engine::{Storage, StorageWrite};
use stackquery::{RemoteStorage, WasmHost};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = env!("REMOTE_URL");
const TOKEN: &str = env!("REMOTE_TOKEN");
const HANG: &str = env!("HANG_URL");
const JUNK: &str = env!("JUNK_URL");

#[wasm_bindgen(inline_js = r#"
const sent = [];
const orig = globalThis.fetch;
globalThis.fetch = function (url, init) {
  sent.push([String(url), String(init && init.body), JSON.stringify(init && init.headers)]);
  return orig.call(this, url, init);
};
export function requests_with(needle) {
  return sent.filter(([u, b]) => (u + ' ' + b).includes(needle)).map(([u, b]) => u + ' ' + b);
}
export function headers_with(needle) {
  return sent.filter(([u, b]) => (u + ' ' + b).includes(needle)).map(([, , h]) => h);
}
"#)]
extern "C" {
    fn requests_with(needle: &str) -> Vec<String>;
    fn headers_with(needle: &str) -> Vec<String>;
}

fn store() -> RemoteStorage {
    RemoteStorage::new(URL, TOKEN).expect("a store")
}

fn put(key: &str, value: &str, ttl_ms: Option<f64>) -> StorageWrite {
    StorageWrite::Put {
        key: key.to_owned(),
        value: value.to_owned(),
        ttl_ms,
    }
}

fn del(key: &str) -> StorageWrite {
    StorageWrite::Delete {
        key: key.to_owned(),
    }
}

fn assert_hidden(message: &str, secret: &str) {
    let lower = message.to_lowercase();
    assert!(!lower.contains(&secret.to_lowercase()), "{message}");
    // Not even a long piece of it.
    let piece = &secret[..secret.len().min(8)];
    assert!(!lower.contains(&piece.to_lowercase()), "{message}");
}

#[wasm_bindgen_test]
fn new_refuses_credentials_other_schemes_and_empty_tokens() {
    for bad in [
        "ftp://example.com",
        "example.com",
        "https://user:hunter2@example.com",
        "https://:hunter2@example.com/x",
        "http://user@example.com",
        "https://",
        "https:///path",
    ] {
        let e = RemoteStorage::new(bad, TOKEN).expect_err(bad);
        assert!(!e.message.contains("hunter2"), "{}", e.message);
        assert!(e.message.contains("RemoteStorage"), "{}", e.message);
    }
    assert!(RemoteStorage::new("https://example.com", "").is_err());
    assert!(RemoteStorage::new("https://example.com", "  \n").is_err());
    assert!(RemoteStorage::new("HTTPS://Example.com/", "t").is_ok());
    assert!(RemoteStorage::new("http://127.0.0.1:1/a?x=@", "t").is_ok());
    let s = RemoteStorage::new("https://example.com", "sekrit-token").expect("ok");
    let shown = format!("{s:?}");
    assert!(!shown.contains("sekrit"), "{shown}");
}

#[wasm_bindgen_test]
async fn write_get_get_many_keys_against_redis() {
    let s = store();
    let tricky =
        "quote \" backslash \\ newline \n tab \t nul \u{0} emoji \u{1F600} lone ffff \u{FFFF}";
    s.write(vec![
        put("rt:a", "alpha", Some(60_000.0)),
        put("rt:b", tricky, None),
        put("rt:c", "gone soon", None),
        del("rt:c"),
        del("rt:never"),
    ])
    .await
    .expect("write");
    assert_eq!(requests_with("rt:a").len(), 1, "one pipeline request");
    assert!(requests_with("rt:a")[0].contains("/pipeline "));
    assert!(requests_with("rt:a")[0].contains(r#"["SET","rt:a","alpha","PX","60000"]"#));
    assert!(requests_with("rt:a")[0].contains(r#"["SET","rt:b","#));
    let headers = headers_with("rt:a");
    assert!(
        headers[0].contains(&format!("Bearer {TOKEN}")),
        "{headers:?}"
    );
    assert_eq!(s.get("rt:a".into()).await, Ok(Some("alpha".into())));
    assert_eq!(s.get("rt:b".into()).await, Ok(Some(tricky.into())));
    assert_eq!(s.get("rt:c".into()).await, Ok(None));
    assert_eq!(
        s.get_many(vec!["rt:a".into(), "rt:c".into(), "rt:b".into()])
            .await,
        Ok(vec![Some("alpha".into()), None, Some(tricky.into())])
    );
    assert_eq!(s.get_many(vec![]).await, Ok(vec![]));
    assert_eq!(
        s.keys("rt:".into()).await,
        Ok(vec!["rt:a".to_owned(), "rt:b".to_owned()])
    );
    assert_eq!(s.write(vec![]).await, Ok(()));
}

#[wasm_bindgen_test]
async fn ttl_expires_and_sub_millisecond_ttl_is_no_ttl() {
    let s = store();
    s.write(vec![
        put("ttl:short", "x", Some(40.2)),
        put("ttl:tiny", "y", Some(0.5)),
        put("ttl:inf", "z", Some(f64::INFINITY)),
    ])
    .await
    .expect("write");
    let sent = requests_with("ttl:short");
    assert!(
        sent[0].contains(r#"["SET","ttl:short","x","PX","41"]"#),
        "{sent:?}"
    );
    assert!(sent[0].contains(r#"["SET","ttl:tiny","y"]"#), "{sent:?}");
    assert!(sent[0].contains(r#"["SET","ttl:inf","z"]"#), "{sent:?}");
    WasmHost.sleep(150.0).await;
    assert_eq!(s.get("ttl:short".into()).await, Ok(None));
    assert_eq!(s.get("ttl:tiny".into()).await, Ok(Some("y".into())));
}

#[wasm_bindgen_test]
async fn get_many_is_mget_in_chunks_of_200() {
    let s = store();
    let keys: Vec<String> = (0..450).map(|i| format!("mg:{i:03}")).collect();
    s.write(
        keys.iter()
            .filter(|k| !k.ends_with('7'))
            .map(|k| put(k, &format!("v-{k}"), None))
            .collect(),
    )
    .await
    .expect("write");
    let values = s.get_many(keys.clone()).await.expect("get_many");
    assert_eq!(values.len(), 450);
    for (k, v) in keys.iter().zip(&values) {
        if k.ends_with('7') {
            assert_eq!(v, &None);
        } else {
            assert_eq!(v.as_deref(), Some(&*format!("v-{k}")));
        }
    }
    let mgets = requests_with(r#"["MGET","mg:"#);
    assert_eq!(mgets.len(), 3, "450 keys: 200 + 200 + 50");
}

#[wasm_bindgen_test]
async fn keys_pages_through_scan_and_escapes_glob_characters() {
    let s = store();
    let many: Vec<String> = (0..1234).map(|i| format!("scan:{i:04}")).collect();
    s.write(many.iter().map(|k| put(k, "v", None)).collect())
        .await
        .expect("write");
    let mut listed = s.keys("scan:".into()).await.expect("keys");
    listed.sort();
    assert_eq!(listed, many);
    assert!(
        requests_with(r#""MATCH","scan:*","COUNT","500""#).len() > 1,
        "several pages"
    );
    // Glob characters in the prefix match themselves only.
    let odd = "g*[?]\\:";
    s.write(vec![
        put(&format!("{odd}1"), "v", None),
        put("gX[?]\\:2", "v", None),
        put("g*[a]\\:3", "v", None),
        put("g*[?]\\:", "v", None),
    ])
    .await
    .expect("write odd");
    assert_eq!(
        s.keys(odd.into()).await,
        Ok(vec![odd.to_owned(), format!("{odd}1")])
    );
}

#[wasm_bindgen_test]
async fn a_refused_token_is_an_error_that_hides_it() {
    let secret = "wrong-token-that-must-not-leak";
    let s = RemoteStorage::new(URL, secret).expect("a store");
    let e = s.get("k".into()).await.expect_err("refused");
    assert!(e.message.contains("401"), "{}", e.message);
    assert_hidden(&e.message, secret);
}

#[wasm_bindgen_test]
async fn an_echoed_token_is_blanked_in_every_form() {
    let secret = "Echo-Me-Secret-9f8e7d6c5b4a";
    for mode in ["echo500", "echo400text", "echo200"] {
        let s = RemoteStorage::new(&format!("{JUNK}/{mode}"), secret).expect("store");
        let e = s.get("k".into()).await.expect_err(mode);
        assert_hidden(&e.message, secret);
        let e = s.write(vec![put("k", "v", None)]).await.expect_err(mode);
        assert_hidden(&e.message, secret);
        assert!(
            e.message.contains("***") || e.message.contains("HTTP"),
            "{}",
            e.message
        );
    }
}

#[wasm_bindgen_test]
async fn misbehaving_stores_are_errors() {
    let s = |mode: &str| RemoteStorage::new(&format!("{JUNK}/{mode}"), TOKEN).expect("store");
    let e = s("notjson").get("k".into()).await.expect_err("not json");
    assert!(e.message.contains("not JSON"), "{}", e.message);
    let e = s("shortmget")
        .get_many(vec!["a".into(), "b".into()])
        .await
        .expect_err("short mget");
    assert!(e.message.contains("MGET"), "{}", e.message);
    let e = s("scanloop").keys("k".into()).await.expect_err("scan loop");
    assert!(e.message.contains("repeated"), "{}", e.message);
    assert_eq!(
        s("scannumeric").keys("a".into()).await,
        Ok(vec!["a1".to_owned(), "a2".to_owned()]),
        "numeric cursors, duplicates and stray keys"
    );
    let e = s("pipeshort")
        .write(vec![put("a", "1", None), put("b", "2", None)])
        .await
        .expect_err("short pipeline");
    assert!(e.message.contains("1 replies for 2"), "{}", e.message);
    let e = s("pipeerror")
        .write(vec![put("a", "1", None), put("b", "2", None)])
        .await
        .expect_err("pipeline error");
    assert!(e.message.contains("ERR nope"), "{}", e.message);
    let e = s("nowhere").get("k".into()).await.expect_err("404");
    assert!(e.message.contains("HTTP 404"), "{}", e.message);
    let e = RemoteStorage::new("http://127.0.0.1:1", TOKEN)
        .expect("store")
        .get("k".into())
        .await
        .expect_err("unreachable");
    assert!(e.message.contains("could not be reached"), "{}", e.message);
}

#[wasm_bindgen_test]
async fn a_hanging_store_times_out() {
    let s = RemoteStorage::new(HANG, TOKEN)
        .expect("store")
        .timeout_ms(300.0);
    let t0 = js_sys::Date::now();
    let e = s.get("k".into()).await.expect_err("timeout");
    let took = js_sys::Date::now() - t0;
    assert!(
        e.message.contains("no reply within 300 ms"),
        "{}",
        e.message
    );
    assert!((250.0..3000.0).contains(&took), "{took}");
    // A body that starts and never ends is cut off too.
    let s = RemoteStorage::new(&format!("{JUNK}/slowbody"), TOKEN)
        .expect("store")
        .timeout_ms(300.0);
    let e = s.get("k".into()).await.expect_err("slow body");
    assert!(
        e.message.contains("no reply within 300 ms"),
        "{}",
        e.message
    );
}

#[wasm_bindgen_test]
async fn show_messages() {
    let secret = "Echo-Me-Secret-9f8e7d6c5b4a";
    for mode in ["echo500", "echo400text", "echo200", "notjson", "nowhere"] {
        let s = RemoteStorage::new(&format!("{JUNK}/{mode}"), secret).expect("store");
        let e = s.get("k".into()).await.expect_err(mode);
        console_log!("MSG {mode}: {e}");
    }
    let e = RemoteStorage::new(URL, "bad")
        .expect("s")
        .get("k".into())
        .await
        .expect_err("x");
    console_log!("MSG 401: {e}");
    let e = RemoteStorage::new(HANG, TOKEN)
        .expect("s")
        .timeout_ms(100.0)
        .get("k".into())
        .await
        .expect_err("x");
    console_log!("MSG hang: {e}");
    let e = RemoteStorage::new("http://127.0.0.1:1", TOKEN)
        .expect("s")
        .get("k".into())
        .await
        .expect_err("x");
    console_log!("MSG unreachable: {e}");
    console_log!(
        "MSG new: {}",
        RemoteStorage::new("https://a:b@c", "t").expect_err("x")
    );
}
