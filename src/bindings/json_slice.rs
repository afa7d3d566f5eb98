//! `JSON.parse` of a part of a JS string the engine holds a UTF-8 copy of: the part is
//! named by UTF-16 offsets and cut in JS (`js/json_slice.js`), so its text does not
//! travel back out of wasm. A stored entry's data (a few bytes to megabytes) was copied
//! into wasm to check the envelope around it, then copied out again to be parsed; now
//! only its two offsets are.

use js_sys::JSON;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/json_slice.js")]
extern "C" {
    #[wasm_bindgen(js_name = parseSlice, catch)]
    fn parse_slice(text: &JsValue, start: u32, end: u32) -> Result<JsValue, JsValue>;
}

/// `JSON.parse(part)`, where `text` is the UTF-8 copy of the JS string `js` and `part`
/// a slice of `text`.
pub fn parse_part(js: &JsValue, text: &str, part: &str) -> Result<JsValue, JsValue> {
    let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    match text.get(..start) {
        Some(before) if start + part.len() <= text.len() => {
            let start = utf16_len(before);
            parse_slice(js, start, start + utf16_len(part))
        }
        // Not a part of `text` after all: parsed from its own copy.
        _ => JSON::parse(part),
    }
}

/// `JSON.parse` of the JS string `js` from UTF-16 offset `start` to its end.
pub fn parse_from(js: &JsValue, start: u32) -> Result<JsValue, JsValue> {
    parse_slice(js, start, u32::MAX)
}

/// How many UTF-16 units `s` is in JS.
pub fn utf16_len(s: &str) -> u32 {
    // ASCII, the common case: a unit a byte (the test goes a word at a time).
    if s.is_ascii() {
        return s.len() as u32;
    }
    // A unit per character, two for one beyond U+FFFF: every byte that starts a
    // character, once more where it starts a four-byte one.
    s.bytes()
        .map(|b| u32::from(b & 0xC0 != 0x80) + u32::from(b >= 0xF0))
        .sum()
}
