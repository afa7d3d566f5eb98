// The UTF-8 size of a JavaScript string, what storage limits (`maxEntryBytes`,
// `persistMaxBytes`) count: for the envelopes written (envelopes.js) and read
// (stored_envelope.js) without copying them into wasm.

// Any character beyond ASCII (the test is quicker than the count).
const NOT_ASCII = /[^\x00-\x7f]/;

/** The bytes of `s` in UTF-8, a lone surrogate counted as U+FFFD (three). */
export function utf8Length(s) {
  if (!NOT_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
