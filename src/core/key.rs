//! Query keys: the value model, the canonical hash and prefix matching.
//!
//! A query key is an array of JSON-compatible values. [`KeyValue`] is that value
//! once it has been read from the host (and validated there). [`hash_key`] gives
//! the exact text TanStack Query's `hashKey` gives — `JSON.stringify` with the keys
//! of plain objects sorted — so that a key hashes the same in both libraries and the
//! hash can name an L2 entry. [`partial_match`] is TanStack's `partialMatchKey`: the
//! rule that lets the filter `['todos']` match `['todos', 1]`.

use std::fmt::Write;

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
                let _ = write!(out, "\\u{:04x}", c as u32);
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
        let _ = write!(out, "{}", n as i64);
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
        let _ = write!(out, "{}", (n_exp - 1).abs());
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
