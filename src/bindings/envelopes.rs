//! The L2 envelopes of a write batch, made in JavaScript (`js/envelopes.js`) in one call:
//! the engine hands over each entry's data handle, hash and four numbers, and gets the
//! stored strings back as JS strings. The data's JSON text never enters wasm: copied in
//! to be wrapped and copied out again to be stored, it cost a batch of 10,000 writes
//! 27–57 ms of main thread. The text is [`crate::core::persist::envelope::encode`]'s,
//! which the Rust face still uses and whose tests pin the form.

use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;

use super::string_batch::StringBatch;
use crate::core::persist::order::is_rev;

#[wasm_bindgen(module = "/js/envelopes.js")]
extern "C" {
    #[wasm_bindgen(js_name = envelopes)]
    fn make_envelopes(
        hashes: &Array,
        datas: &Array,
        numbers: &Float64Array,
        middle: &JsValue,
        max_bytes: f64,
        measure: bool,
    ) -> Array;
}

/// Makes the envelopes of one client: its buster, `maxEntryBytes`, and whether each
/// envelope's size must be exact (`persistMaxBytes` counts them).
pub struct EnvelopeMaker {
    /// `,"buster":"…","updatedAt":`, made once per client.
    middle: JsValue,
    max_bytes: f64,
    measure: bool,
}

/// The entries of one batch, gathered for [`EnvelopeMaker::make`].
#[derive(Default)]
pub struct Unwrapped {
    hashes: StringBatch,
    datas: Vec<JsValue>,
    /// Four an entry: updatedAt, expiresAt, rev (0: none), invalidated (1 or 0).
    numbers: Vec<f64>,
}

impl Unwrapped {
    /// An entry to wrap: its hash, its data and what the envelope says of it.
    pub fn push(
        &mut self,
        hash: &str,
        data: &JsValue,
        updated_at: f64,
        expires_at: f64,
        rev: f64,
        invalidated: bool,
    ) {
        self.hashes.push(Some(hash));
        self.datas.push(data.clone());
        let rev = if is_rev(rev) { rev } else { 0.0 };
        self.numbers.extend([
            updated_at,
            expires_at,
            rev,
            f64::from(u8::from(invalidated)),
        ]);
    }
}

/// The envelopes made, taken in the order their entries were pushed.
pub struct Made {
    values: Array,
    bytes: Vec<f64>,
    next: usize,
}

impl Made {
    /// The next entry's stored string and its bytes of UTF-8 (exact when the maker
    /// measures), or why it stays out of L2: the operation to report, and the error.
    pub fn next(&mut self) -> Result<(JsValue, usize), (&'static str, JsValue)> {
        let i = self.next;
        self.next += 1;
        let value = self.values.get(i as u32);
        let b = self.bytes.get(i).copied().unwrap_or(-1.0);
        if b >= 0.0 {
            Ok((value, b as usize))
        } else if b == -2.0 {
            Err(("set", value))
        } else {
            Err(("serialize", value))
        }
    }
}

impl EnvelopeMaker {
    /// `middle`: the client's `,"buster":"…","updatedAt":` (the quick reader's).
    pub fn new(middle: JsValue, max_entry_bytes: Option<usize>, measure: bool) -> EnvelopeMaker {
        EnvelopeMaker {
            middle,
            max_bytes: max_entry_bytes.map_or(f64::INFINITY, |n| n as f64),
            measure,
        }
    }

    /// The envelope of each entry, in one call into JS.
    pub fn make(&self, entries: Unwrapped) -> Made {
        let hashes = entries.hashes.into_js();
        let datas: Array = entries.datas.into_iter().collect();
        let made = make_envelopes(
            &hashes,
            &datas,
            &Float64Array::from(entries.numbers.as_slice()),
            &self.middle,
            self.max_bytes,
            self.measure,
        );
        Made {
            values: made.get(0).unchecked_into(),
            bytes: made.get(1).unchecked_into::<Float64Array>().to_vec(),
            next: 0,
        }
    }
}
