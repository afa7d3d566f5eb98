//! Query keys as Rust values: anything `serde` can serialize, hashed exactly as
//! TanStack's `hashKey` hashes the same value in JavaScript.
//!
//! A key serializes to JSON's data model; a tuple, array or `Vec` is the key array
//! itself, any other value is the key's one element (`"todos"` is `["todos"]`). Object
//! fields are sorted for the hash (as TanStack does), so `("todo", Filter { done, page })`
//! hashes like `['todo', { page, done }]` and names the same L2 entry as the JS package.

use serde::Serialize;
use serde_json::Value as Json;

use crate::core::key::hash_key_with;
use crate::core::KeyValue;

/// How a non-integer number is written in a hash: ECMAScript's `Number#toString`. In
/// wasm the host's own (which is the definition, and keeps Rust's float formatting,
/// about 15 KB, out of an app); natively the core's Rust version of it.
#[cfg(target_arch = "wasm32")]
fn fraction(n: f64, out: &mut String) {
    match js_sys::Number::from(n).to_string_with_radix(10) {
        Ok(text) => out.push_str(&String::from(text)),
        Err(_) => crate::core::key::write_fraction(n, out),
    }
}

#[cfg(not(target_arch = "wasm32"))]
use crate::core::key::write_fraction as fraction;

/// A key ready for the engine: its elements and its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryKey {
    pub(crate) parts: Vec<KeyValue>,
    pub(crate) hash: String,
}

impl QueryKey {
    /// Converts `key`; an error names what could not be serialized (a map with
    /// non-string keys, a failing `Serialize` impl).
    pub fn new(key: &impl Serialize) -> Result<QueryKey, String> {
        let value = serde_json::to_value(key).map_err(|e| e.to_string())?;
        let parts = match value {
            Json::Array(items) => items.into_iter().map(to_key_value).collect(),
            other => vec![to_key_value(other)],
        };
        let hash = hash_key_with(&parts, fraction);
        Ok(QueryKey { parts, hash })
    }

    /// The key's hash: the text TanStack's `hashKey` gives for the same key.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// JSON's data model to the core's. Iterative: a deeply nested key cannot exhaust the
/// stack (serde_json itself refuses nesting deeper than 128 when parsing, but
/// `to_value` builds whatever the value holds).
fn to_key_value(value: Json) -> KeyValue {
    enum Frame {
        Array(Vec<KeyValue>, std::vec::IntoIter<Json>),
        Object(
            Vec<(String, KeyValue)>,
            Option<String>,
            serde_json::map::IntoIter,
        ),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut next = Some(value);
    loop {
        let done = match next.take() {
            Some(Json::Array(items)) => {
                stack.push(Frame::Array(
                    Vec::with_capacity(items.len()),
                    items.into_iter(),
                ));
                None
            }
            Some(Json::Object(map)) => {
                stack.push(Frame::Object(
                    Vec::with_capacity(map.len()),
                    None,
                    map.into_iter(),
                ));
                None
            }
            Some(Json::Null) => Some(KeyValue::Null),
            Some(Json::Bool(b)) => Some(KeyValue::Bool(b)),
            Some(Json::Number(n)) => Some(KeyValue::Number(n.as_f64().unwrap_or(0.0))),
            Some(Json::String(s)) => Some(KeyValue::String(s)),
            None => None,
        };
        let mut value = done;
        // Hand a finished value to its parent; pull the parent's next child.
        loop {
            let Some(frame) = stack.last_mut() else {
                return value.unwrap_or(KeyValue::Null);
            };
            match frame {
                Frame::Array(items, rest) => {
                    if let Some(v) = value.take() {
                        items.push(v);
                    }
                    if let Some(child) = rest.next() {
                        next = Some(child);
                        break;
                    }
                }
                Frame::Object(props, name, rest) => {
                    if let (Some(v), Some(n)) = (value.take(), name.take()) {
                        props.push((n, v));
                    }
                    if let Some((n, child)) = rest.next() {
                        *name = Some(n);
                        next = Some(child);
                        break;
                    }
                }
            }
            value = match stack.pop() {
                Some(Frame::Array(items, _)) => Some(KeyValue::Array(items)),
                Some(Frame::Object(props, _, _)) => Some(KeyValue::Object(props)),
                None => None,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn hash(key: &impl Serialize) -> String {
        QueryKey::new(key).map(|k| k.hash).unwrap_or_else(|e| e)
    }

    #[derive(Serialize)]
    struct Filter {
        status: &'static str,
        page: u32,
        tags: Vec<&'static str>,
        owner: Option<u32>,
    }

    #[test]
    fn keys_hash_as_tanstack_hashes_the_same_js_value() {
        assert_eq!(hash(&("todos", 1)), r#"["todos",1]"#);
        assert_eq!(hash(&"todos"), r#"["todos"]"#);
        assert_eq!(hash(&["a", "b"]), r#"["a","b"]"#);
        assert_eq!(hash(&vec![1.5, -0.25, 1e21]), "[1.5,-0.25,1e+21]");
        let filter = Filter {
            status: "open",
            page: 2,
            tags: vec!["x"],
            owner: None,
        };
        // Object fields sorted; None is null (JSON.stringify keeps null).
        assert_eq!(
            hash(&("todos", filter)),
            r#"["todos",{"owner":null,"page":2,"status":"open","tags":["x"]}]"#
        );
        assert_eq!(hash(&("s", "quote\"d\n")), r#"["s","quote\"d\n"]"#);
        assert_eq!(hash(&((), true)), "[null,true]");
    }

    #[test]
    fn a_key_that_cannot_be_serialized_is_an_error_not_a_panic() {
        let mut map = HashMap::new();
        map.insert((1, 2), "tuple keys are not JSON");
        assert!(QueryKey::new(&map).is_err());
    }

    #[test]
    fn deeply_nested_keys_convert_without_recursion() {
        let mut v = Json::Null;
        for _ in 0..10_000 {
            v = Json::Array(vec![v]);
        }
        let k = to_key_value(v);
        let mut depth = 0;
        let mut cur = &k;
        while let KeyValue::Array(items) = cur {
            depth += 1;
            match items.first() {
                Some(inner) => cur = inner,
                None => break,
            }
        }
        assert_eq!(depth, 10_000);
    }
}
