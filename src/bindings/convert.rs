//! Reading query keys from JS into [`KeyValue`]s, refusing what JSON cannot hold.
//!
//! A key is an array of JSON values: strings, numbers, booleans, `null`, arrays and
//! plain objects (`undefined` is tolerated where `JSON.stringify` tolerates it).
//! Functions, symbols, BigInts, class instances, cycles, lone surrogates and nesting
//! deeper than [`MAX_DEPTH`] are a `TypeError` whose message gives the path.

use js_sys::{JsString, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::errors::{range_error, type_error};
use super::js_catching::{is_array, is_plain_object, keys, prototype_of};
use crate::core::fxhash::FxBuild;
use crate::core::key::hash_key_with;
use crate::core::text::{decimal, text};
use crate::core::KeyValue;

/// Deeper keys are refused (recursion must not exhaust the wasm stack).
pub const MAX_DEPTH: usize = 64;

/// Property names and other short strings made into JS strings once: creating a JS
/// string from Rust goes through `TextDecoder`, the costliest step of a cache hit. The
/// map is of the cache's index's type (`Rc<str>` → `u32`, here an index into `strings`),
/// so the `.wasm` carries that map's code once.
#[derive(Default)]
struct Names {
    index: std::collections::HashMap<std::rc::Rc<str>, u32, FxBuild>,
    strings: Vec<JsValue>,
}

thread_local! {
    static NAMES: std::cell::RefCell<Names> = std::cell::RefCell::default();
}

/// `name` as a JS string, made once per module instance.
///
/// The map is only ever tried, never borrowed outright: a JS exception that unwound
/// through a frame holding it (the stack ran out in a call made meanwhile: user code
/// recursing without end and calling in at the bottom) leaves it borrowed for good, and
/// then names are made anew each time instead of the instance trapping.
pub fn js_name(name: &'static str) -> JsValue {
    let known = NAMES.with(|names| {
        let names = names.try_borrow().ok()?;
        let i = *names.index.get(name)?;
        names.strings.get(i as usize).cloned()
    });
    if let Some(v) = known {
        return v;
    }
    // Made with no borrow held: making a JS string calls into JS.
    let v = JsValue::from_str(name);
    NAMES.with(|names| {
        if let Ok(mut names) = names.try_borrow_mut() {
            let i = names.strings.len() as u32;
            names.strings.push(v.clone());
            names.index.insert(name.into(), i);
        }
    });
    v
}

/// `obj[name] = value` with an interned name. Setting a property on an object stackquery
/// made itself cannot fail (a setter planted on `Object.prototype` aside; it is ignored).
pub fn set_prop(obj: &JsValue, name: &'static str, value: &JsValue) {
    let _ = Reflect::set(obj, &js_name(name), value);
}

/// The canonical hash of a key, with JavaScript's own number formatting.
pub fn key_hash(key: &[KeyValue]) -> String {
    hash_key_with(key, |n, out| out.push_str(&number_text(n)))
}

/// `String(n)`, by JavaScript (keeps Rust's float formatter out of the wasm); integers
/// below 2^53, the usual key numbers, are written here without a call into JS.
pub fn number_text(n: f64) -> String {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below prints in full
    if n.fract() == 0.0 && n.abs() < EXACT {
        return decimal(n as i64); // -0 becomes 0: String(-0) is "0"
    }
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

#[wasm_bindgen(module = "/js/key_hash.js")]
extern "C" {
    /// The hash of a common key computed in JS (one string into wasm), or `None` when the
    /// key needs the Rust reader below (which also gives the errors).
    #[wasm_bindgen(js_name = fastKeyHash)]
    fn fast_key_hash(key: &JsValue) -> Option<String>;
    /// A Date's part of a key (its ISO string, or null when invalid), `undefined` for
    /// anything else; catching (an object posing as a Date throws).
    #[wasm_bindgen(catch, js_name = dateKeyPart)]
    fn date_key_part(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// A query key's hash, and the key itself when it had to be read here (the JS fast path
/// gives only the hash; [`key_of`] reads the key when a new query needs it).
pub fn hash_key_value(
    value: &JsValue,
    option: &str,
) -> Result<(String, Option<Vec<KeyValue>>), JsValue> {
    if let Some(hash) = fast_key_hash(value) {
        return Ok((hash, None));
    }
    let key = read_key(value, option)?;
    Ok((key_hash(&key), Some(key)))
}

/// The key of a query being created, read now if the fast path skipped it. The fast
/// path only accepts keys this reader accepts, so only a hostile getter can fail here.
pub fn key_of(value: &JsValue, read: Option<Vec<KeyValue>>) -> Vec<KeyValue> {
    read.or_else(|| read_key(value, "queryKey").ok())
        .unwrap_or_default()
}

/// Reads `value` as a query key; `option` names it in errors (`queryKey`, `filters.queryKey`).
pub fn read_key(value: &JsValue, option: &str) -> Result<Vec<KeyValue>, JsValue> {
    if !is_array(value)? {
        return Err(type_error(text(&[
            option,
            " must be an array (for example ['todos', 1]), got ",
            &describe(value),
        ])));
    }
    let mut reader = KeyReader {
        option,
        path: Vec::new(),
        stack: Vec::new(),
        parts: 0,
    };
    match reader.read(value, 0)? {
        KeyValue::Array(items) => Ok(items),
        _ => Err(type_error(text(&[option, " must be an array"]))),
    }
}

/// One step of the path to a part of a key (rendered only for an error message).
enum Step {
    Index(u32),
    Name(String),
}

struct KeyReader<'a> {
    option: &'a str,
    path: Vec<Step>,
    /// Objects being read, for cycle detection.
    stack: Vec<JsValue>,
    /// Parts read so far (bounded by [`MAX_KEY_PARTS`]).
    parts: u32,
}

/// The most parts (values, at any depth) a query key may have: a sparse array claiming
/// a huge length, or a proxy handing out new arrays, must not read for ever or run the
/// wasm out of memory.
pub const MAX_KEY_PARTS: u32 = 100_000;

impl KeyReader<'_> {
    fn fail(&self, what: &str) -> JsValue {
        let mut path = String::new();
        for step in &self.path {
            match step {
                Step::Index(i) => path.push_str(&text(&["[", &decimal((*i).into()), "]"])),
                Step::Name(name) => {
                    path.push('.');
                    path.push_str(name);
                }
            }
        }
        type_error(text(&[
            self.option,
            &path,
            " ",
            what,
            "; query keys may only hold strings, numbers, booleans, null, arrays and plain objects",
        ]))
    }

    fn read(&mut self, value: &JsValue, depth: usize) -> Result<KeyValue, JsValue> {
        self.parts += 1;
        if self.parts > MAX_KEY_PARTS {
            return Err(range_error(text(&[
                self.option,
                " has more than ",
                &decimal(MAX_KEY_PARTS.into()),
                " parts; query keys are meant to be small",
            ])));
        }
        if let Some(s) = value.as_string() {
            // A lone surrogate arrives as U+FFFD: only then is the JS string checked.
            if has_replacement_char(&s) && !value.unchecked_ref::<JsString>().is_valid_utf16() {
                return Err(self.fail("is a string with a lone surrogate"));
            }
            return Ok(KeyValue::String(s));
        }
        if let Some(n) = value.as_f64() {
            return Ok(KeyValue::Number(n));
        }
        if let Some(b) = value.as_bool() {
            return Ok(KeyValue::Bool(b));
        }
        if value.is_null() {
            return Ok(KeyValue::Null);
        }
        if value.is_undefined() {
            return Ok(KeyValue::Undefined);
        }
        if value.is_function() {
            return Err(self.fail("is a function"));
        }
        if value.is_symbol() {
            return Err(self.fail("is a symbol"));
        }
        if value.is_bigint() {
            return Err(self.fail("is a BigInt (use a string or a number)"));
        }
        if depth >= MAX_DEPTH {
            return Err(self.fail(&text(&[
                "nests deeper than ",
                &decimal(MAX_DEPTH as i64),
                " levels",
            ])));
        }
        if self.stack.iter().any(|seen| seen == value) {
            return Err(self.fail("refers back to a value that contains it (a cycle)"));
        }
        let is_array = is_array(value)?;
        if !is_array && !is_plain_object(value)? {
            // A Date is what TanStack's hash makes of it (`JSON.stringify`'s string).
            // What throws there only poses as a Date: refused below like any instance.
            let date = date_key_part(value).unwrap_or(JsValue::UNDEFINED);
            if let Some(iso) = date.as_string() {
                return Ok(KeyValue::String(iso));
            }
            if date.is_null() {
                return Ok(KeyValue::Null);
            }
            return Err(self.fail(&text(&["is ", &describe(value)])));
        }
        self.stack.push(value.clone());
        let result = if is_array {
            self.read_array(value, depth)
        } else {
            self.read_object(value, depth)
        };
        self.stack.pop();
        result
    }

    fn read_array(&mut self, value: &JsValue, depth: usize) -> Result<KeyValue, JsValue> {
        // Through Reflect, which catches: a proxy or an index getter may throw.
        let length = Reflect::get(value, &js_name("length"))?
            .as_f64()
            .map_or(0, |n| n as u32);
        if length > MAX_KEY_PARTS {
            return Err(range_error(text(&[
                self.option,
                " has an array of ",
                &decimal(length.into()),
                " elements; query keys may have ",
                &decimal(MAX_KEY_PARTS.into()),
                " parts at most",
            ])));
        }
        let mut items = Vec::with_capacity(length.min(1024) as usize);
        for i in 0..length {
            self.path.push(Step::Index(i));
            let item =
                Reflect::get(value, &JsValue::from(i)).and_then(|v| self.read(&v, depth + 1));
            self.path.pop();
            items.push(item?);
        }
        Ok(KeyValue::Array(items))
    }

    fn read_object(&mut self, value: &JsValue, depth: usize) -> Result<KeyValue, JsValue> {
        let names = keys(value)?;
        let mut props = Vec::with_capacity(names.length() as usize);
        for name in names.iter() {
            let Some(name_str) = name.as_string() else {
                continue;
            };
            // Names with different lone surrogates would all read as U+FFFD, making
            // different keys one query: refused, as lone surrogates in strings are.
            let lone = has_replacement_char(&name_str)
                && !name.unchecked_ref::<JsString>().is_valid_utf16();
            self.path.push(Step::Name(name_str));
            if lone {
                return Err(self.fail("is a property name with a lone surrogate"));
            }
            let v = Reflect::get(value, &name)?;
            let item = self.read(&v, depth + 1);
            let Some(Step::Name(name_str)) = self.path.pop() else {
                continue; // the step pushed just above
            };
            props.push((name_str, item?));
        }
        Ok(KeyValue::Object(props))
    }
}

/// Whether `s` holds U+FFFD, what a lone surrogate reads as once in Rust. Its UTF-8
/// bytes looked for directly: `str::contains` with a char pattern links a searcher of
/// about 1.3 KB into the `.wasm` for this one check.
fn has_replacement_char(s: &str) -> bool {
    // U+FFFD is EF BF BD in UTF-8.
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == 0xEF && w[1] == 0xBF && w[2] == 0xBD)
}

/// A short description of a value's type for error messages.
pub fn describe(value: &JsValue) -> String {
    if value.is_undefined() {
        return "undefined".into();
    }
    if value.is_null() {
        return "null".into();
    }
    if is_array(value).unwrap_or(false) {
        return "an array".into();
    }
    if value.is_object() && !value.is_function() {
        let proto = prototype_of(value).unwrap_or(JsValue::NULL);
        if !proto.is_null() {
            if let Ok(ctor) = Reflect::get(&proto, &JsValue::from_str("constructor")) {
                if let Ok(name) = Reflect::get(&ctor, &JsValue::from_str("name")) {
                    if let Some(name) = name.as_string().filter(|n| !n.is_empty() && n != "Object")
                    {
                        return text(&["an instance of ", &name]);
                    }
                }
            }
        }
        return "an object".into();
    }
    value
        .js_typeof()
        .as_string()
        .unwrap_or_else(|| "a value".into())
}
