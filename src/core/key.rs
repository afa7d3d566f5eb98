//! Query keys: the value model, the canonical hash and prefix matching.
//!
//! A query key is an array of JSON-compatible values. [`KeyValue`] is that value
//! once it has been read from the host (and validated there). [`hash_key`] gives
//! the exact text TanStack Query's `hashKey` gives — `JSON.stringify` with the keys
//! of plain objects sorted — so that a key hashes the same in both libraries and the
//! hash can name an L2 entry. [`partial_match`] is TanStack's `partialMatchKey`: the
//! rule that lets the filter `['todos']` match `['todos', 1]`. Most keys need not be
//! kept beside their hash: [`hash_is_key`] says when the hash's text tells all that
//! matching needs, and [`partial_match_hash`] matches that text as [`partial_match`]
//! matches the key.

use crate::core::text::{push_decimal, push_hex4};

/// One value inside a query key.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyValue {
    /// JS `undefined`: dropped from objects and written as `null` in arrays, as
    /// `JSON.stringify` does.
    Undefined,
    /// JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (hashed as JavaScript prints it).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<KeyValue>),
    /// A plain object's own enumerable properties, in the order the host gave them
    /// (hashing sorts them; matching does not care about order).
    Object(Vec<(String, KeyValue)>),
}

impl KeyValue {
    /// A property of an object value, `None` when absent or when this is no object.
    pub fn get(&self, name: &str) -> Option<&KeyValue> {
        match self {
            KeyValue::Object(props) => props.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Convenience constructor for string values (tests and hosts).
    pub fn str(s: &str) -> KeyValue {
        KeyValue::String(s.to_owned())
    }
}

/// Writes a finite, non-integer number as ECMAScript's `Number.prototype.toString`.
pub type FormatFraction = fn(f64, &mut String);

/// The canonical hash of a query key: identical to TanStack's `hashKey(queryKey)`.
pub fn hash_key(key: &[KeyValue]) -> String {
    hash_key_with(key, write_fraction)
}

/// [`hash_key`] with the host's own number formatting for non-integers (the wasm
/// build uses JavaScript's, which is the definition, and so leaves Rust's float
/// formatter out of the binary).
pub fn hash_key_with(key: &[KeyValue], fraction: FormatFraction) -> String {
    let mut out = String::with_capacity(16 * key.len() + 2);
    write_array(&mut out, key, fraction);
    out
}

fn write_array(out: &mut String, items: &[KeyValue], fraction: FormatFraction) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            // JSON.stringify writes `null` for undefined array elements.
            KeyValue::Undefined => out.push_str("null"),
            other => write_value(out, other, fraction),
        }
    }
    out.push(']');
}

fn write_value(out: &mut String, value: &KeyValue, fraction: FormatFraction) {
    match value {
        KeyValue::Undefined | KeyValue::Null => out.push_str("null"),
        KeyValue::Bool(true) => out.push_str("true"),
        KeyValue::Bool(false) => out.push_str("false"),
        KeyValue::Number(n) => write_number(out, *n, fraction),
        KeyValue::String(s) => write_json_string(out, s),
        KeyValue::Array(items) => write_array(out, items, fraction),
        KeyValue::Object(props) => {
            let mut sorted: Vec<&(String, KeyValue)> = props
                .iter()
                .filter(|(_, v)| !matches!(v, KeyValue::Undefined))
                .collect();
            // Property names are unique, so an unstable sort gives the same order (and less wasm).
            sorted.sort_unstable_by(|a, b| js_property_order(&a.0, &b.0));
            out.push('{');
            for (i, (name, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, name);
                out.push(':');
                write_value(out, v, fraction);
            }
            out.push('}');
        }
    }
}

/// The order in which `JSON.stringify` writes the properties of TanStack's sorted
/// copy: array-index names ("0", "10") first, ascending by value, as every JS object
/// enumerates them; then the other names as `Array.prototype.sort()` left them
/// (ascending by UTF-16 code units).
fn js_property_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (array_index(a), array_index(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.encode_utf16().cmp(b.encode_utf16()),
    }
}

/// A canonical array index: digits without a leading zero, below 2^32 - 1.
fn array_index(name: &str) -> Option<u32> {
    if name.is_empty() || name.len() > 10 || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    if !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse::<u64>()
        .ok()
        .filter(|v| *v < u32::MAX as u64)
        .map(|v| v as u32)
}

/// `JSON.stringify` of a string: `"`, `\\` and control characters escaped, lone
/// surrogates cannot occur in a Rust `String`, everything else verbatim.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u");
                push_hex4(out, c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A number as `JSON.stringify` writes it: non-finite ones become `null`, integers
/// are written here, other numbers by `fraction`.
fn write_number(out: &mut String, n: f64, fraction: FormatFraction) {
    if !n.is_finite() {
        out.push_str("null");
        return;
    }
    if n == 0.0 {
        out.push('0'); // both +0 and -0
        return;
    }
    if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        // Safe integers print in full (beyond 2^53 JS prints shortest digits + zeros).
        push_decimal(out, n as i64);
        return;
    }
    fraction(n, out);
}

/// `parts` as a JSON array of strings (a Redis command for the REST protocol).
pub fn json_string_array(parts: &[&str]) -> String {
    let mut out = String::from("[");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(&mut out, p);
    }
    out.push(']');
    out
}

/// ECMAScript `Number.prototype.toString()` for a finite non-zero number, in Rust.
pub fn write_fraction(n: f64, out: &mut String) {
    if n < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, as ECMAScript requires.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n_exp = exp.parse::<i32>().unwrap_or(0) + 1; // value = 0.digits × 10^n_exp
    if k <= n_exp && n_exp <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n_exp - k) as usize));
    } else if 0 < n_exp && n_exp <= 21 {
        out.push_str(&digits[..n_exp as usize]);
        out.push('.');
        out.push_str(&digits[n_exp as usize..]);
    } else if -6 < n_exp && n_exp <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n_exp) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n_exp > 0 { '+' } else { '-' });
        push_decimal(out, i64::from((n_exp - 1).abs()));
    }
}

/// TanStack's `partialMatchKey(query, filter)`: every element of `filter` matches
/// the element at the same place in `query`; objects match as subsets.
pub fn partial_match(query: &[KeyValue], filter: &[KeyValue]) -> bool {
    filter.len() <= query.len()
        && filter
            .iter()
            .zip(query.iter())
            .all(|(f, q)| value_matches(q, f))
}

fn value_matches(query: &KeyValue, filter: &KeyValue) -> bool {
    match (query, filter) {
        (KeyValue::Array(q), KeyValue::Array(f)) => partial_match(q, f),
        (KeyValue::Object(_), KeyValue::Object(f)) => {
            f.iter().all(|(name, fv)| match query.get(name) {
                Some(qv) => value_matches(qv, fv),
                None => matches!(fv, KeyValue::Undefined),
            })
        }
        // `===` on primitives (the derived `==` on f64 keeps NaN unequal to itself).
        (a, b) => a == b,
    }
}

/// Whether a canonical hash tells everything [`partial_match`] needs of its key, so that
/// the cache can match the hash's text ([`partial_match_hash`]) and keep no key: a
/// JSON array holding no `null` (which stands for `null`, but also for an `undefined`
/// array element or a non-finite number) and no number but integers of at most 15
/// digits (which every writer prints alike, so a filter's number compares by its text).
/// An `undefined` property is left out of the text, which is what matching makes of it.
pub fn hash_is_key(hash: &str) -> bool {
    let t = hash.as_bytes();
    if t.first() != Some(&b'[') || t.last() != Some(&b']') {
        return false;
    }
    let mut i = 0;
    while let Some(&c) = t.get(i) {
        match c {
            b'"' => i = string_end(t, i),
            b'n' => return false,
            b'-' | b'0'..=b'9' => {
                if short_integer(token(t, i)).is_none() {
                    return false;
                }
                i = token_end(t, i);
            }
            _ => i += 1,
        }
    }
    true
}

/// [`partial_match`] on the key whose canonical hash is `hash`, read from the text: for
/// a hash of which [`hash_is_key`] holds.
pub fn partial_match_hash(hash: &str, filter: &[KeyValue]) -> bool {
    text_matches_array(hash.as_bytes(), 0, filter)
}

/// The element values of the array at `at` match `filter`'s, as [`partial_match`].
fn text_matches_array(t: &[u8], at: usize, filter: &[KeyValue]) -> bool {
    if t.get(at) != Some(&b'[') {
        return false;
    }
    let mut i = at + 1;
    for f in filter {
        if matches!(t.get(i), None | Some(b']')) || !text_matches(t, i, f) {
            return false;
        }
        i = value_end(t, i);
        if t.get(i) == Some(&b',') {
            i += 1;
        }
    }
    true
}

/// The value at `at` matches `filter`, as [`value_matches`]. The text holds no `null`
/// and no `undefined`, so neither matches.
fn text_matches(t: &[u8], at: usize, filter: &KeyValue) -> bool {
    match filter {
        KeyValue::Array(items) => text_matches_array(t, at, items),
        KeyValue::Object(props) => {
            t.get(at) == Some(&b'{')
                && props
                    .iter()
                    .all(|(name, f)| match text_property(t, at, name) {
                        Some(v) => text_matches(t, v, f),
                        None => matches!(f, KeyValue::Undefined),
                    })
        }
        KeyValue::String(s) => {
            let mut json = String::with_capacity(s.len() + 2);
            write_json_string(&mut json, s);
            t.get(at..)
                .is_some_and(|rest| rest.starts_with(json.as_bytes()))
        }
        KeyValue::Bool(b) => token(t, at) == if *b { &b"true"[..] } else { &b"false"[..] },
        KeyValue::Number(n) => short_integer(token(t, at)) == Some(*n),
        KeyValue::Null | KeyValue::Undefined => false,
    }
}

/// Where the value of property `name` of the object at `at` starts, if it has one.
fn text_property(t: &[u8], at: usize, name: &str) -> Option<usize> {
    let mut json = String::with_capacity(name.len() + 2);
    write_json_string(&mut json, name);
    let mut i = at + 1;
    while t.get(i) == Some(&b'"') {
        let name_end = string_end(t, i);
        let value = name_end + 1; // past the ':'
        if t.get(i..name_end) == Some(json.as_bytes()) {
            return Some(value);
        }
        i = value_end(t, value);
        if t.get(i) == Some(&b',') {
            i += 1;
        }
    }
    None
}

/// The value of a number written as an integer of at most 15 digits (`-?[0-9]{1,15}`,
/// so exactly), `None` for any other text. Compared with `==`, `-0` is `0` (`===`).
pub fn short_integer(text: &[u8]) -> Option<f64> {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1.0, rest),
        _ => (1.0, text),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut value = 0.0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value * 10.0 + f64::from(d - b'0');
    }
    Some(sign * value)
}

/// The first element of the key whose canonical hash is `hash`, as text: `None` for `[]`.
pub fn first_element_text(hash: &str) -> Option<&str> {
    let t = hash.as_bytes();
    if t.first() != Some(&b'[') || matches!(t.get(1), None | Some(b']')) {
        return None;
    }
    hash.get(1..value_end(t, 1))
}

/// The index just past the JSON string whose opening quote is at `at`.
fn string_end(t: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while let Some(&c) = t.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    t.len()
}

/// The index just past the number, `true` or `false` at `at`.
fn token_end(t: &[u8], at: usize) -> usize {
    let mut i = at;
    while t
        .get(i)
        .is_some_and(|c| !matches!(c, b',' | b']' | b'}' | b':'))
    {
        i += 1;
    }
    i
}

/// The number, `true` or `false` at `at`.
fn token(t: &[u8], at: usize) -> &[u8] {
    t.get(at..token_end(t, at)).unwrap_or_default()
}

/// The index just past the JSON value at `at`.
fn value_end(t: &[u8], at: usize) -> usize {
    if !matches!(t.get(at), Some(b'[' | b'{')) {
        return match t.get(at) {
            Some(b'"') => string_end(t, at),
            _ => token_end(t, at),
        };
    }
    let mut depth = 0usize;
    let mut i = at;
    while let Some(&c) = t.get(i) {
        match c {
            b'"' => {
                i = string_end(t, i);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    t.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyValue::{Array, Bool, Number, Object, Undefined};

    fn num_hash(n: f64) -> String {
        hash_key(&[Number(n)])
    }

    #[test]
    fn numbers_print_as_javascript_does() {
        assert_eq!(num_hash(1.0), "[1]");
        assert_eq!(num_hash(1.5), "[1.5]");
        assert_eq!(num_hash(-0.0), "[0]");
        assert_eq!(num_hash(1e21), "[1e+21]");
        assert_eq!(num_hash(1e20), "[100000000000000000000]");
        assert_eq!(num_hash(0.000001), "[0.000001]");
        assert_eq!(num_hash(1e-7), "[1e-7]");
        assert_eq!(num_hash(-1.25e-7), "[-1.25e-7]");
        assert_eq!(num_hash(123.456), "[123.456]");
        assert_eq!(num_hash(0.1 + 0.2), "[0.30000000000000004]");
        assert_eq!(num_hash(f64::NAN), "[null]");
        assert_eq!(num_hash(f64::INFINITY), "[null]");
        assert_eq!(
            num_hash(1.7976931348623157e308),
            "[1.7976931348623157e+308]"
        );
        assert_eq!(num_hash(5e-324), "[5e-324]");
    }

    #[test]
    fn objects_are_sorted_and_undefined_dropped() {
        let key = [
            str("todos"),
            Object(vec![
                ("page".into(), Number(2.0)),
                ("done".into(), Bool(true)),
                ("gone".into(), Undefined),
            ]),
            Undefined,
        ];
        assert_eq!(hash_key(&key), r#"["todos",{"done":true,"page":2},null]"#);
    }

    #[test]
    fn strings_escape_like_json() {
        let key = [str("a\"b\\c\n\u{1}é😀")];
        assert_eq!(hash_key(&key), "[\"a\\\"b\\\\c\\n\\u0001é😀\"]");
    }

    fn str(s: &str) -> KeyValue {
        KeyValue::str(s)
    }

    #[test]
    fn a_hash_is_the_key_unless_it_holds_null_or_numbers_other_than_short_integers() {
        for (key, is_key) in [
            (vec![str("todos"), Number(-12.0), Bool(false)], true),
            (vec![Object(vec![("a".into(), Undefined)])], true),
            (vec![str("null 1.5 \"n")], true),
            (vec![Number(999_999_999_999_999.0)], true),
            (vec![Number(1e15)], false),
            (vec![Number(1.5)], false),
            (vec![Number(f64::NAN)], false),
            (vec![Undefined], false),
            (vec![KeyValue::Null], false),
            (vec![Array(vec![Undefined])], false),
            (
                vec![Object(vec![("a".into(), Number(f64::INFINITY))])],
                false,
            ),
        ] {
            assert_eq!(hash_is_key(&hash_key(&key)), is_key, "{key:?}");
        }
        assert!(!hash_is_key("a"), "not a hash");
    }

    /// A small deterministic generator (xorshift), for the property test below.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn value(&mut self, depth: u32) -> KeyValue {
            let strings = ["a", "b", "todos", "", "x\"y", "\\", "é😀", "\u{1}", "1"];
            let numbers = [0.0, -0.0, 1.0, -7.0, 12.0, 1.5, 1e15, 123_456_789_012_345.0];
            match self.below(if depth > 2 { 6 } else { 8 }) {
                0 | 1 => KeyValue::str(strings[self.below(strings.len() as u64) as usize]),
                2 | 3 => Number(numbers[self.below(numbers.len() as u64) as usize]),
                4 => Bool(self.below(2) == 0),
                5 => [KeyValue::Null, Undefined][self.below(2) as usize].clone(),
                6 => Array((0..self.below(3)).map(|_| self.value(depth + 1)).collect()),
                _ => {
                    let names = ["a", "b", "c", "0", "\""];
                    let mut props: Vec<(String, KeyValue)> = Vec::new();
                    for _ in 0..self.below(3) {
                        let name = names[self.below(names.len() as u64) as usize];
                        if props.iter().all(|(n, _)| n != name) {
                            props.push((name.into(), self.value(depth + 1)));
                        }
                    }
                    Object(props)
                }
            }
        }

        /// A filter like `key`: a prefix, parts changed or dropped now and then.
        fn filter_like(&mut self, key: &[KeyValue]) -> Vec<KeyValue> {
            let n = self.below(key.len() as u64 + 2) as usize;
            (0..n)
                .map(|i| match (key.get(i), self.below(4)) {
                    (Some(v), 0 | 1) => self.narrow(v),
                    _ => self.value(1),
                })
                .collect()
        }

        fn narrow(&mut self, v: &KeyValue) -> KeyValue {
            match v {
                Array(items) => Array(self.filter_like(items)),
                Object(props) => {
                    let mut kept = Vec::new();
                    for (n, v) in props {
                        if self.below(3) > 0 {
                            kept.push((n.clone(), self.narrow(v)));
                        }
                    }
                    Object(kept)
                }
                other => other.clone(),
            }
        }
    }

    #[test]
    fn matching_a_hash_s_text_is_matching_its_key() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut checked, mut matched) = (0, 0);
        for _ in 0..20_000 {
            let key: Vec<KeyValue> = (0..rng.below(4)).map(|_| rng.value(0)).collect();
            let hash = hash_key(&key);
            if !hash_is_key(&hash) {
                continue;
            }
            for _ in 0..4 {
                let filter = rng.filter_like(&key);
                let expected = partial_match(&key, &filter);
                assert_eq!(
                    partial_match_hash(&hash, &filter),
                    expected,
                    "{hash} against {filter:?}"
                );
                checked += 1;
                matched += usize::from(expected);
            }
        }
        assert!(
            checked > 10_000 && matched > 2_000,
            "{checked} checked, {matched} matched"
        );
    }

    #[test]
    fn the_first_element_of_a_hash() {
        assert_eq!(first_element_text(r#"["a,]",1]"#), Some(r#""a,]""#));
        assert_eq!(first_element_text(r#"[{"a":[1]},2]"#), Some(r#"{"a":[1]}"#));
        assert_eq!(first_element_text("[12]"), Some("12"));
        assert_eq!(first_element_text("[]"), None);
    }

    #[test]
    fn prefix_matches_like_tanstack() {
        let todos = [str("todos")];
        assert!(partial_match(&[str("todos"), Number(1.0)], &todos));
        let with_obj = [
            str("todos"),
            Object(vec![
                ("done".into(), Bool(true)),
                ("page".into(), Number(1.0)),
            ]),
        ];
        assert!(partial_match(&with_obj, &todos));
        assert!(partial_match(
            &with_obj,
            &[str("todos"), Object(vec![("done".into(), Bool(true))])]
        ));
        assert!(!partial_match(
            &with_obj,
            &[str("todos"), Object(vec![("done".into(), Bool(false))])]
        ));
        assert!(!partial_match(&[str("todo")], &todos));
        assert!(!partial_match(&todos, &[str("todos"), Number(1.0)]));
        assert!(partial_match(&todos, &[]));
        // nested arrays match by prefix too
        assert!(partial_match(
            &[Array(vec![Number(1.0), Number(2.0)])],
            &[Array(vec![Number(1.0)])]
        ));
        assert!(!partial_match(&[Number(f64::NAN)], &[Number(f64::NAN)]));
    }
}
