//! Structural sharing: new data that equals the old keeps the old references, so
//! `===` checks (React's memo, `select` memoization, observers' change detection)
//! see "unchanged" for every subtree that did not change.
//!
//! TanStack's `replaceEqualDeep`, over plain arrays and plain objects only: anything
//! else (class instances, dates, maps) is taken from the new data as it is. Cycles and
//! absurd depths stop the walk there (new data is used) instead of overflowing the
//! wasm stack, and a throwing getter or proxy makes the whole result the new data.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::convert::is_plain_object;

/// Deeper than this, new data is taken as it is.
const MAX_DEPTH: u32 = 256;
/// At most this many objects are compared per write; past it, new data is taken as it
/// is (a graph whose paths multiply, such as children pointing back to their parent,
/// must not freeze the page).
const MAX_NODES: u32 = 100_000;

/// What the cache stores when `next` replaces `prev`, by the `structuralSharing`
/// option (`true`/absent, `false`, or a function `(oldData, newData) => data`).
/// Call with no borrow held: getters and the user's function are user code.
pub fn share(setting: &JsValue, prev: Option<&JsValue>, next: JsValue) -> Result<JsValue, JsValue> {
    let Some(prev) = prev else { return Ok(next) };
    if let Some(f) = setting.dyn_ref::<Function>() {
        return f.call2(&JsValue::UNDEFINED, prev, &next);
    }
    if setting.as_bool() == Some(false) {
        return Ok(next);
    }
    Ok(replace_equal_deep(prev, &next))
}

/// `next`, with every subtree deeply equal to the one at the same place in `prev`
/// replaced by `prev`'s; `prev` itself when the two are deeply equal.
pub fn replace_equal_deep(prev: &JsValue, next: &JsValue) -> JsValue {
    let mut w = Walk {
        path: Vec::new(),
        budget: MAX_NODES,
    };
    w.walk(prev, next).unwrap_or_else(|_| next.clone())
}

fn is_plain_array(v: &JsValue) -> bool {
    Array::is_array(v) && {
        let a: &Array = v.unchecked_ref();
        a.length() == Object::keys(a.unchecked_ref::<Object>()).length()
    }
}

/// One comparison: the objects of `prev` on the path from the root (a cycle ends the
/// walk there) and how many more objects may be compared.
struct Walk {
    path: Vec<JsValue>,
    budget: u32,
}

impl Walk {
    fn walk(&mut self, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue> {
        if a == b {
            return Ok(a.clone());
        }
        if self.path.len() as u32 >= MAX_DEPTH || self.budget == 0 || self.path.contains(a) {
            return Ok(b.clone());
        }
        self.budget -= 1;
        self.path.push(a.clone());
        let out = self.compare(a, b);
        self.path.pop();
        out
    }

    /// The members are collected first; a new array or object is built only when
    /// something differs (the common refetch, with equal data, builds nothing).
    fn compare(&mut self, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue> {
        if is_plain_array(a) && is_plain_array(b) {
            let (a_arr, b_arr): (&Array, &Array) = (a.unchecked_ref(), b.unchecked_ref());
            let (a_len, b_len) = (a_arr.length(), b_arr.length());
            let mut items = Vec::with_capacity(b_len as usize);
            let mut equal = 0;
            for i in 0..b_len {
                let bv = b_arr.get(i);
                if i < a_len {
                    let av = a_arr.get(i);
                    let v = self.child(&av, &bv)?;
                    equal += u32::from(v == av);
                    items.push(v);
                } else {
                    items.push(bv);
                }
            }
            if a_len == b_len && equal == a_len {
                return Ok(a.clone());
            }
            return Ok(items.iter().collect::<Array>().into());
        }
        if !(is_plain_object(a) && is_plain_object(b)) {
            return Ok(b.clone());
        }
        let (a_obj, b_obj): (&Object, &Object) = (a.unchecked_ref(), b.unchecked_ref());
        let a_len = Object::keys(a_obj).length();
        let b_keys = Object::keys(b_obj);
        let mut members = Vec::with_capacity(b_keys.length() as usize);
        let mut equal = 0;
        for key in b_keys.iter() {
            if key.as_string().as_deref() == Some("__proto__") {
                return Ok(b.clone()); // a copy cannot hold it as an own property by assignment
            }
            let bv = Reflect::get(b, &key)?;
            let v = if Object::has_own(a_obj, &key) {
                let av = Reflect::get(a, &key)?;
                let v = self.child(&av, &bv)?;
                equal += u32::from(v == av);
                v
            } else {
                bv
            };
            members.push((key, v));
        }
        if a_len == b_keys.length() && equal == a_len {
            return Ok(a.clone());
        }
        let copy = Object::new();
        for (key, v) in &members {
            Reflect::set(&copy, key, v)?;
        }
        Ok(copy.into())
    }

    /// One member: equal primitives and shared references stay; objects are walked.
    fn child(&mut self, av: &JsValue, bv: &JsValue) -> Result<JsValue, JsValue> {
        if av == bv || !av.is_object() || !bv.is_object() {
            return Ok(bv.clone());
        }
        self.walk(av, bv)
    }
}
