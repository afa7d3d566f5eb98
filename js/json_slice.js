// `JSON.parse` of the part of a string between two UTF-16 offsets, for the engine: it
// has read the string as UTF-8 and knows where the JSON lies in it, and the text itself
// stays here (src/bindings/json_slice.rs). Throws what JSON.parse throws.
export function parseSlice(text, start, end) {
  return JSON.parse(text.slice(start, end));
}
