//! The Rust hasher and prefix matcher against what `@tanstack/query-core` itself
//! computes (vectors written by `tests/vectors/generate.mjs`, run under Node).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use stackquery::core::key::{hash_key, partial_match, KeyValue};

fn untag(v: &Value) -> KeyValue {
    let (tag, inner) = v
        .as_object()
        .and_then(|o| o.iter().next())
        .expect("tagged value");
    match tag.as_str() {
        "u" => KeyValue::Undefined,
        "z" => KeyValue::Null,
        "b" => KeyValue::Bool(inner.as_bool().unwrap()),
        "n" => KeyValue::Number(f64::from_bits(
            u64::from_str_radix(inner.as_str().unwrap(), 16).unwrap(),
        )),
        "s" => KeyValue::String(inner.as_str().unwrap().to_owned()),
        "a" => KeyValue::Array(inner.as_array().unwrap().iter().map(untag).collect()),
        "o" => KeyValue::Object(
            inner
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| (pair[0].as_str().unwrap().to_owned(), untag(&pair[1])))
                .collect(),
        ),
        other => panic!("unknown tag {other}"),
    }
}

fn key_of(v: &Value) -> Vec<KeyValue> {
    match untag(v) {
        KeyValue::Array(items) => items,
        other => panic!("a key is an array, got {other:?}"),
    }
}

#[test]
fn hash_key_matches_tanstack_byte_for_byte() {
    let vectors: Vec<Value> = serde_json::from_str(include_str!("vectors/hash_key.json")).unwrap();
    assert!(
        vectors.len() >= 30,
        "at least 30 vectors, got {}",
        vectors.len()
    );
    let mut mismatches = Vec::new();
    for v in &vectors {
        let expected = v["hash"].as_str().unwrap();
        let got = hash_key(&key_of(&v["key"]));
        if got != expected {
            mismatches.push(format!("expected {expected}\n     got {got}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        vectors.len(),
        mismatches.join("\n")
    );
}

#[test]
fn partial_match_agrees_with_tanstack() {
    let vectors: Vec<Value> =
        serde_json::from_str(include_str!("vectors/partial_match.json")).unwrap();
    for v in &vectors {
        let (query, filter) = (key_of(&v["query"]), key_of(&v["filter"]));
        let expected = v["matches"].as_bool().unwrap();
        assert_eq!(
            partial_match(&query, &filter),
            expected,
            "query {:?} filter {:?}",
            query,
            filter
        );
    }
}
