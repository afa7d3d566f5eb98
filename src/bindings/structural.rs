//! Structural sharing: new data that equals the old keeps the old references, so
//! `===` checks (React's memo, `select` memoization, observers' change detection)
//! see "unchanged" for every subtree that did not change.
//!
//! TanStack's `replaceEqualDeep`, over plain arrays and plain objects only: anything
//! else (class instances, dates, maps) is taken from the new data as it is. Cycles and
//! absurd depths stop the walk there (new data is used), and a throwing getter or
//! proxy makes the whole result the new data.
//!
//! The data is the user's, so every look at it can run user code (getters, proxy
//! traps) that may even call back into the client. Two rules follow: every JS call
//! made on it catches what it throws (an exception unwinding through wasm frames
//! would leave them broken), and the walk is a loop over a stack of its own on the
//! heap, so the depth of the data never adds to the depth of the wasm stack (a getter
//! deep inside it that calls back into the client starts from where the walk began).

use super::js_catching::{has_own, is_array, is_plain_object, keys};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Deeper than this, new data is taken as it is.
const MAX_DEPTH: usize = 256;
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
    walk(prev, next).unwrap_or_else(|_| next.clone())
}

/// The length of a plain array (its own `length` equals its number of own keys: no
/// holes, no extra properties), or `None`.
fn plain_array_len(v: &JsValue) -> Result<Option<u32>, JsValue> {
    if !is_array(v)? {
        return Ok(None);
    }
    let len = Reflect::get(v, &JsValue::from_str("length"))?
        .as_f64()
        .unwrap_or(-1.0);
    let own = keys(v)?.length();
    Ok((len == f64::from(own)).then_some(own))
}

/// Two arrays or two objects being compared, member by member.
struct Frame {
    prev: JsValue,
    next: JsValue,
    /// The members of the result so far (`(key, value)`; the key is unused for arrays).
    members: Vec<(JsValue, JsValue)>,
    /// How many members of the result are `prev`'s own.
    equal: u32,
    /// `next`'s keys (`None` for arrays), and how many members `prev` and `next` have.
    keys: Option<Array>,
    prev_len: u32,
    next_len: u32,
    /// The member of `prev` being walked below this frame.
    pending: JsValue,
    /// `next` has a `__proto__` key, which a copy cannot hold by assignment: the
    /// result is `next` itself.
    keep_next: bool,
}

/// A comparison either has its answer at once, or needs a frame.
enum Opened {
    Done(JsValue),
    Frame(Box<Frame>),
}

/// What comes of a member: its value now, or a walk of two objects.
enum Member {
    Value(JsValue, JsValue),
    Walk(JsValue, JsValue),
}

impl Frame {
    /// Starts comparing `prev` and `next`, unless the answer is plain already.
    fn open(
        prev: &JsValue,
        next: &JsValue,
        stack: &[Box<Frame>],
        budget: &mut u32,
    ) -> Result<Opened, JsValue> {
        if prev == next {
            return Ok(Opened::Done(prev.clone()));
        }
        if stack.len() >= MAX_DEPTH || *budget == 0 || stack.iter().any(|f| f.prev == *prev) {
            return Ok(Opened::Done(next.clone()));
        }
        *budget -= 1;
        let (keys, prev_len, next_len) = match (plain_array_len(prev)?, plain_array_len(next)?) {
            (Some(a), Some(b)) => (None, a, b),
            (None, None) if is_plain_object(prev)? && is_plain_object(next)? => {
                let next_keys = keys(next)?;
                let n = next_keys.length();
                (Some(next_keys), keys(prev)?.length(), n)
            }
            _ => return Ok(Opened::Done(next.clone())),
        };
        Ok(Opened::Frame(Box::new(Frame {
            prev: prev.clone(),
            next: next.clone(),
            members: Vec::with_capacity(next_len as usize),
            equal: 0,
            keys,
            prev_len,
            next_len,
            pending: JsValue::UNDEFINED,
            keep_next: false,
        })))
    }

    /// The next member of the result, or `None` when every member is known.
    fn member(&mut self) -> Result<Option<Member>, JsValue> {
        let i = self.members.len() as u32;
        if i >= self.next_len || self.keep_next {
            return Ok(None);
        }
        let (key, next_value, prev_value) = match &self.keys {
            None => {
                let next_value = Reflect::get_u32(&self.next, i)?;
                let prev_value = match i < self.prev_len {
                    true => Some(Reflect::get_u32(&self.prev, i)?),
                    false => None,
                };
                (JsValue::UNDEFINED, next_value, prev_value)
            }
            Some(keys) => {
                let key = keys.get(i);
                if key.as_string().as_deref() == Some("__proto__") {
                    self.keep_next = true;
                    return Ok(None);
                }
                let next_value = Reflect::get(&self.next, &key)?;
                let prev_value = match has_own(&self.prev, &key)? {
                    true => Some(Reflect::get(&self.prev, &key)?),
                    false => None,
                };
                (key, next_value, prev_value)
            }
        };
        Ok(Some(match prev_value {
            Some(p) if p != next_value && p.is_object() && next_value.is_object() => {
                self.pending = p.clone();
                self.members.push((key, JsValue::UNDEFINED));
                Member::Walk(p, next_value)
            }
            Some(p) => {
                let v = next_value;
                self.equal += u32::from(v == p);
                Member::Value(key, v)
            }
            None => Member::Value(key, next_value),
        }))
    }

    /// The walk below gave `value` for the member being walked.
    fn resolve(&mut self, value: JsValue) {
        self.equal += u32::from(value == self.pending);
        self.pending = JsValue::UNDEFINED;
        if let Some(last) = self.members.last_mut() {
            last.1 = value;
        }
    }

    /// The result once every member is known: `prev` when all are its own, else new.
    fn finish(self) -> Result<JsValue, JsValue> {
        if self.keep_next {
            return Ok(self.next);
        }
        if self.prev_len == self.next_len && self.equal == self.prev_len {
            return Ok(self.prev);
        }
        if self.keys.is_none() {
            return Ok(self
                .members
                .into_iter()
                .map(|(_, v)| v)
                .collect::<Array>()
                .into());
        }
        let copy = Object::new();
        for (key, v) in &self.members {
            Reflect::set(&copy, key, v)?;
        }
        Ok(copy.into())
    }
}

/// [`replace_equal_deep`] as a loop; `Err` when user code threw.
fn walk(prev: &JsValue, next: &JsValue) -> Result<JsValue, JsValue> {
    let mut budget = MAX_NODES;
    let mut stack: Vec<Box<Frame>> = Vec::new();
    match Frame::open(prev, next, &stack, &mut budget)? {
        Opened::Done(v) => return Ok(v),
        Opened::Frame(f) => stack.push(f),
    }
    loop {
        let Some(top) = stack.last_mut() else {
            return Ok(next.clone()); // not reached: the last frame returns below
        };
        match top.member()? {
            Some(Member::Value(key, v)) => top.members.push((key, v)),
            Some(Member::Walk(p, n)) => match Frame::open(&p, &n, &stack, &mut budget)? {
                Opened::Done(v) => {
                    if let Some(top) = stack.last_mut() {
                        top.resolve(v);
                    }
                }
                Opened::Frame(f) => stack.push(f),
            },
            None => {
                let Some(done) = stack.pop() else {
                    return Ok(next.clone());
                };
                let value = done.finish()?;
                match stack.last_mut() {
                    Some(parent) => parent.resolve(value),
                    None => return Ok(value),
                }
            }
        }
    }
}
