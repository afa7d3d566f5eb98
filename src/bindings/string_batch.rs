//! Many Rust strings handed to JS as one: written one after another into one string,
//! with each one's length in UTF-16 units, and cut apart in JS (`js/string_batch.js`).
//! Each string crossing on its own is a `TextDecoder` call of its own; a batch of 10,000
//! IndexedDB writes (a key and an envelope each) spent about 30 ms of main thread on them.

use js_sys::{Array, Uint32Array};
use wasm_bindgen::prelude::*;

use super::json_slice::utf16_len;

#[wasm_bindgen(module = "/js/string_batch.js")]
extern "C" {
    #[wasm_bindgen(js_name = splitStrings)]
    fn split_strings(text: &str, lengths: &Uint32Array) -> Array;
}

/// What stands for `None` among the lengths.
const NONE: u32 = u32::MAX;

/// Strings gathered one by one, handed to JS as one array.
#[derive(Default)]
pub struct StringBatch {
    text: String,
    lengths: Vec<u32>,
}

impl StringBatch {
    pub fn push(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.text.push_str(s);
                self.lengths.push(utf16_len(s));
            }
            None => self.lengths.push(NONE),
        }
    }

    /// A JS array of the strings, `undefined` where one is `None`.
    pub fn into_js(self) -> Array {
        split_strings(&self.text, &Uint32Array::from(self.lengths.as_slice()))
    }
}

/// A JS array of `strings`, `undefined` where one is `None`.
pub fn js_strings<'a>(strings: impl Iterator<Item = Option<&'a str>>) -> Array {
    let mut batch = StringBatch::default();
    for s in strings {
        batch.push(s);
    }
    batch.into_js()
}
