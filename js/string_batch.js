// Many strings from wasm at once (src/bindings/string_batch.rs): the engine writes them
// one after another into one string and says how long each is in UTF-16 units
// (0xFFFFFFFF: no string, undefined); they are cut apart here. One decode of the whole
// text instead of one a string: a batch of 10,000 IndexedDB writes passed 20,000 strings.
export function splitStrings(text, lengths) {
  const out = new Array(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i];
    if (n === 0xffffffff) {
      out[i] = undefined;
    } else {
      out[i] = text.slice(at, at + n);
      at += n;
    }
  }
  return out;
}
