//! Reading an options object in one call: `js/option_reader.js` reads a fixed list of
//! its properties in JS and writes each value's kind (and a number's value) into this
//! side's memory, so checking an option costs no call into JS; only the values kept or
//! named in an error (keys, functions, strings, objects) are taken from the array the call
//! returns, one by one, in the list's order ([`Read`]: a getter that threw is thrown
//! after the checks of the options before it). [`Given`] is one option's value as the checks in
//! `options.rs` see it, made this way or, for options still read one by one, from a
//! `JsValue` ([`Given::of`]).

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/option_reader.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = readOptions)]
    fn js_read_options(options: &JsValue, list: u32, out: &mut [f64]) -> Result<Array, JsValue>;
}

/// The lists `js/option_reader.js` reads, by number, and their lengths.
#[derive(Clone, Copy)]
pub enum List {
    /// `queryKey`, `queryFn`, `staleTime`, `gcTime`, `retry`, `retryDelay`,
    /// `initialData`, `initialDataUpdatedAt`, `meta`, `persist`, `networkMode`,
    /// `structuralSharing`.
    Query = 0,
    /// `enabled`, `refetchOnWindowFocus`, `refetchOnReconnect`, `refetchInterval`,
    /// `refetchOnMount`, `retryOnMount`, `refetchIntervalInBackground` (`select` and
    /// `placeholderData` are the face's: js/face/presentation.js).
    Observer = 1,
    /// `maxEntries`, `staleTime`, `gcTime`, `retry`, `retryDelay`, `runtime`,
    /// `networkMode`, `refetchOnWindowFocus`, `refetchOnReconnect` (a client's).
    Client = 2,
}

/// The longest list.
const MAX: usize = 12;

impl List {
    fn len(self) -> usize {
        match self {
            List::Query => 12,
            List::Observer => 7,
            List::Client => 9,
        }
    }
}

// The kinds `js/option_reader.js` writes.
const UNDEFINED: u8 = 0;
const NUMBER: u8 = 1;
const TRUE: u8 = 2;
const FALSE: u8 = 3;
const FUNCTION: u8 = 4;
const STRING: u8 = 5;
const NULL: u8 = 6;
const OTHER: u8 = 7;
/// What a kind's slot holds until the reader writes it. A getter the reader runs can grow the
/// wasm memory, which detaches the view the reader writes through: the slots it could not
/// write still say this, and their values are classified here instead.
const UNREAD: u8 = 255;

/// One option's value.
#[derive(Clone)]
pub enum Given {
    Undefined,
    Number(f64),
    Bool(bool),
    Function(Function),
    /// A string, not yet copied out of JS.
    Str(JsValue),
    /// `null`, an object, a symbol or a bigint.
    Other(JsValue),
}

impl Given {
    /// A value read on its own.
    pub fn of(value: JsValue) -> Given {
        if value.is_undefined() {
            Given::Undefined
        } else if let Some(n) = value.as_f64() {
            Given::Number(n)
        } else if let Some(b) = value.as_bool() {
            Given::Bool(b)
        } else if value.is_string() {
            Given::Str(value)
        } else {
            match value.dyn_into::<Function>() {
                Ok(f) => Given::Function(f),
                Err(other) => Given::Other(other),
            }
        }
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Given::Undefined)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Given::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Given::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_function(&self) -> Option<&Function> {
        match self {
            Given::Function(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_string(&self) -> Option<String> {
        match self {
            Given::Str(s) => s.as_string(),
            _ => None,
        }
    }

    /// The value itself (to keep, or to name in an error).
    pub fn value(&self) -> JsValue {
        match self {
            Given::Undefined => JsValue::UNDEFINED,
            Given::Number(n) => JsValue::from_f64(*n),
            Given::Bool(b) => JsValue::from_bool(*b),
            Given::Function(f) => f.clone().into(),
            Given::Str(v) | Given::Other(v) => v.clone(),
        }
    }
}

/// The values of one list, read in one call and taken one by one in the list's order
/// ([`Read::next`]); [`Read::finish`] after the checks.
///
/// A getter that throws ends the reading: the options after it are not read (they are
/// `undefined`, which every check passes), its own is `undefined` too, and its error comes
/// from `finish`, after the checks. So an earlier option's error is thrown first, and the
/// getter's before any later option's, as when the options were read and checked one by
/// one. (Only a throwing first getter is thrown at once: it precedes every check.)
pub struct Read {
    /// `[kind, number]` per name, as `js/option_reader.js` wrote them.
    out: [f64; 2 * MAX],
    /// The values themselves (`None`: there was no object to read).
    values: Option<Array>,
    /// The next name's index.
    at: usize,
    /// The index of a name whose getter threw (its error is at that index in `values`).
    thrown_at: Option<usize>,
}

impl Read {
    /// The next option's value (`undefined` past the list or a getter that threw).
    #[allow(clippy::should_implement_trait)] // never ends: past the list, `undefined`
    pub fn next(&mut self) -> Given {
        let i = self.at;
        self.at += 1;
        if i >= MAX || self.thrown_at.is_some_and(|t| i >= t) {
            return Given::Undefined;
        }
        let at = || {
            self.values
                .as_ref()
                .map_or(JsValue::UNDEFINED, |v| v.get(i as u32))
        };
        match self.out[2 * i] as u8 {
            UNDEFINED => Given::Undefined,
            NUMBER => Given::Number(self.out[2 * i + 1]),
            TRUE => Given::Bool(true),
            FALSE => Given::Bool(false),
            // `typeof` said so, which is what `Function`'s own check asks.
            FUNCTION => Given::Function(at().unchecked_into()),
            STRING => Given::Str(at()),
            NULL => Given::Other(JsValue::NULL),
            OTHER => Given::Other(at()),
            _ => Given::of(at()), // not written: see UNREAD
        }
    }

    /// The error a getter threw, once the options before it passed their checks.
    pub fn finish(self) -> Result<(), JsValue> {
        match (self.thrown_at, self.values) {
            (Some(t), Some(values)) => Err(values.get(t as u32)),
            _ => Ok(()),
        }
    }
}

/// Reads the values of `list` in `options` (an object, or nothing: the caller checked).
pub fn read(options: &JsValue, list: List) -> Result<Read, JsValue> {
    let mut out = [0.0f64; 2 * MAX]; // all `UNDEFINED` when there is no object to read
    let len = list.len();
    let mut thrown_at = None;
    let values = match options.is_undefined() || options.is_null() {
        true => None,
        false => {
            for i in 0..len {
                out[2 * i] = f64::from(UNREAD);
            }
            let values = js_read_options(options, list as u32, &mut out[..2 * len])?;
            if values.length() as usize > len {
                // A getter threw: the last element says whose.
                let t = values.get(len as u32).as_f64().unwrap_or(0.0) as usize;
                if t == 0 {
                    return Err(values.get(0));
                }
                thrown_at = Some(t);
            }
            Some(values)
        }
    };
    Ok(Read {
        out,
        values,
        at: 0,
        thrown_at,
    })
}
