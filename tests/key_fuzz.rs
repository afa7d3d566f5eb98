//! A deterministic fuzz of the key hasher and the prefix matcher: random key trees
//! (unicode and control characters, array-index-like property names, every kind of
//! f64) never panic, always hash to valid JSON that means the same value, hash the
//! same whatever the property order, and match their own prefixes. Numbers print as
//! ECMAScript does and parse back to the very same f64.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use stackquery::core::key::{hash_key, partial_match, KeyValue};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const STRINGS: &[&str] = &[
    "",
    "todos",
    "0",
    "10",
    "01",
    "9",
    "4294967294",
    "4294967295",
    "-1",
    "é",
    "E",
    "_",
    "😀",
    "日本",
    "a\"b",
    "back\\slash",
    "line\nbreak",
    "\u{1}\u{1f}\u{7f}",
    "\u{2028}\u{2029}",
    "𝒳",
    "\u{ffff}",
    "__proto__",
];

fn number(r: &mut Rng) -> f64 {
    match r.below(6) {
        0 => *r.pick(&[
            0.0,
            -0.0,
            1.0,
            -1.0,
            1.5,
            1e21,
            1e-7,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ]),
        1 => (r.below(2_000_000) as f64) - 1_000_000.0,
        2 => (r.below(1 << 53) as f64) * 2f64.powi(r.below(80) as i32 - 40),
        _ => f64::from_bits(r.next()),
    }
}

fn value(r: &mut Rng, depth: u32) -> KeyValue {
    let kinds = if depth >= 5 { 6 } else { 8 };
    match r.below(kinds) {
        0 => KeyValue::Undefined,
        1 => KeyValue::Null,
        2 => KeyValue::Bool(r.below(2) == 0),
        3 | 4 => KeyValue::Number(number(r)),
        5 => KeyValue::String(r.pick(STRINGS).to_string()),
        6 => KeyValue::Array((0..r.below(4)).map(|_| value(r, depth + 1)).collect()),
        _ => {
            let mut props: Vec<(String, KeyValue)> = Vec::new();
            for _ in 0..r.below(5) {
                let name = r.pick(STRINGS).to_string();
                if !props.iter().any(|(n, _)| *n == name) {
                    props.push((name, value(r, depth + 1)));
                }
            }
            KeyValue::Object(props)
        }
    }
}

/// What `JSON.stringify` means by the value (`None`: left out of an object).
fn meaning(v: &KeyValue, in_array: bool) -> Option<Value> {
    Some(match v {
        KeyValue::Undefined if in_array => Value::Null,
        KeyValue::Undefined => return None,
        KeyValue::Null => Value::Null,
        KeyValue::Bool(b) => Value::Bool(*b),
        KeyValue::Number(n) if !n.is_finite() => Value::Null,
        KeyValue::Number(n) => serde_json::Number::from_f64(*n)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        KeyValue::String(s) => Value::String(s.clone()),
        KeyValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| meaning(i, true).unwrap_or(Value::Null))
                .collect(),
        ),
        KeyValue::Object(props) => Value::Object(
            props
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), meaning(v, false)?)))
                .collect(),
        ),
    })
}

/// JSON equality with numbers compared as f64 (the hash writes `1`, the meaning holds `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn shuffled(v: &KeyValue, r: &mut Rng) -> KeyValue {
    match v {
        KeyValue::Array(items) => KeyValue::Array(items.iter().map(|i| shuffled(i, r)).collect()),
        KeyValue::Object(props) => {
            let mut props: Vec<(String, KeyValue)> = props
                .iter()
                .map(|(k, v)| (k.clone(), shuffled(v, r)))
                .collect();
            for i in (1..props.len()).rev() {
                props.swap(i, r.below(i as u64 + 1) as usize);
            }
            KeyValue::Object(props)
        }
        other => other.clone(),
    }
}

#[test]
fn random_keys_hash_to_json_that_means_the_key() {
    let mut r = Rng(0x5eed_2026_1124);
    for i in 0..20_000 {
        let key: Vec<KeyValue> = (0..r.below(5)).map(|_| value(&mut r, 0)).collect();
        let hash = hash_key(&key);
        let parsed: Value = serde_json::from_str(&hash)
            .unwrap_or_else(|e| panic!("case {i}: {hash} is not JSON: {e}"));
        let expected = meaning(&KeyValue::Array(key.clone()), true).unwrap();
        assert!(
            same(&parsed, &expected),
            "case {i}: {hash} means {parsed}, expected {expected}"
        );
        assert_eq!(
            hash_key(&match shuffled(&KeyValue::Array(key.clone()), &mut r) {
                KeyValue::Array(k) => k,
                _ => unreachable!(),
            }),
            hash,
            "case {i}: property order changed the hash"
        );
        assert!(
            partial_match(&key, &key) || hash.contains("null"),
            "case {i}: a key (without NaN) matches itself"
        );
        let cut = r.below(key.len() as u64 + 1) as usize;
        assert!(
            partial_match(&key, &key[..cut]) || hash.contains("null"),
            "case {i}: a key matches its prefix"
        );
    }
}

#[test]
fn every_finite_number_prints_as_javascript_and_round_trips() {
    let mut r = Rng(0xf64);
    for _ in 0..200_000 {
        let n = number(&mut r);
        if !n.is_finite() {
            continue;
        }
        let hash = hash_key(&[KeyValue::Number(n)]);
        let text = &hash[1..hash.len() - 1];
        let back: f64 = text
            .parse()
            .unwrap_or_else(|e| panic!("{text} ({n:e}) does not parse: {e}"));
        assert!(back == n, "{text} parses to {back:e}, not {n:e}");
        let exponent = n.abs().log10().floor();
        if n != 0.0 && !(-6.0..21.0).contains(&exponent) {
            assert!(
                text.contains('e'),
                "{text}: exponent form beyond 1e21 and below 1e-6"
            );
        } else {
            assert!(
                !text.contains('e'),
                "{text} ({n:e}): no exponent between 1e-6 and 1e21"
            );
        }
    }
}
