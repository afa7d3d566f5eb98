//! The quick read of stored entries: envelopes in exactly the form [`envelope::encode`]
//! writes are checked and parsed in JS (`js/stored_envelope.js`), many in one call, so
//! their text is never copied into wasm and scanned again; only their numbers cross.
//! Anything else is left to the exact reader ([`envelope::read`] on a UTF-8 copy), which
//! accepts everything this accepts, with the same fields, key and data: this is a
//! shortcut, never a second opinion.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::core::persist::envelope;

#[wasm_bindgen(module = "/js/stored_envelope.js")]
extern "C" {
    #[wasm_bindgen(js_name = readStoredEnvelopes)]
    fn read_stored_envelopes(
        values: &JsValue,
        keys: &JsValue,
        picked: &[u32],
        skip: u32,
        middle: &JsValue,
        max_units: u32,
        count_bytes: bool,
        out: &mut [f64],
    ) -> Array;
}

/// Numbers the JS side writes per entry.
const NUMBERS: usize = 5;

/// What an envelope read quickly holds; its expiry is still to be judged.
pub struct QuickRead {
    pub data: JsValue,
    /// The query key, parsed from the hash the envelope was checked against.
    pub key: JsValue,
    pub updated_at: f64,
    pub is_invalidated: bool,
    pub expires_at: f64,
    pub rev: f64,
    /// Its UTF-8 bytes, when they were asked for (0 otherwise).
    pub bytes: usize,
}

/// The answers of one call: per picked entry, a [`QuickRead`] or nothing (read it the
/// exact way).
pub struct QuickReads {
    read: Array,
    numbers: Vec<f64>,
    picked: usize,
}

impl QuickReads {
    /// The `j`th picked entry, when it was read quickly.
    pub fn get(&self, j: usize) -> Option<QuickRead> {
        let data = self.read.get(j as u32);
        if data.is_undefined() {
            return None;
        }
        let &[updated_at, invalidated, expires_at, rev, bytes] =
            self.numbers.get(j * NUMBERS..(j + 1) * NUMBERS)?
        else {
            return None;
        };
        Some(QuickRead {
            data,
            key: self.read.get((self.picked + j) as u32),
            updated_at,
            is_invalidated: invalidated != 0.0,
            expires_at,
            rev,
            bytes: bytes as usize,
        })
    }
}

/// The quick reader of one persister: its buster as [`envelope::encode`] writes it,
/// and the longest entry it reads without counting bytes.
pub struct QuickReader {
    /// `,"buster":"…","updatedAt":`, made once.
    middle: JsValue,
    /// At most `maxEntryBytes` / 3 UTF-16 units: a longer entry may be over the limit
    /// (a unit takes at most three bytes of UTF-8) and is read the exact way.
    max_units: u32,
}

impl QuickReader {
    pub fn new(buster: &str, max_entry_bytes: Option<usize>) -> QuickReader {
        let mut middle = String::new();
        envelope::push_buster(&mut middle, buster);
        let max_units =
            max_entry_bytes.map_or(u32::MAX, |max| u32::try_from(max / 3).unwrap_or(u32::MAX));
        QuickReader {
            middle: JsValue::from_str(&middle),
            max_units,
        }
    }

    /// `,"buster":"…","updatedAt":` as this client writes it (the envelope maker's too).
    pub fn middle(&self) -> &JsValue {
        &self.middle
    }

    /// Reads the entries `picked` of the JS arrays `values` (the stored strings) and
    /// `keys` (the strings holding their hashes from UTF-16 offset `skip` on).
    pub fn read(
        &self,
        values: &JsValue,
        keys: &JsValue,
        picked: &[u32],
        skip: u32,
        count_bytes: bool,
    ) -> QuickReads {
        let mut numbers = vec![0.0; picked.len() * NUMBERS];
        let read = read_stored_envelopes(
            values,
            keys,
            picked,
            skip,
            &self.middle,
            self.max_units,
            count_bytes,
            &mut numbers,
        );
        QuickReads {
            read,
            numbers,
            picked: picked.len(),
        }
    }
}
