//! The L2 envelope: the one JSON string stored per cached query in persistent storage
//! (IndexedDB, a remote key-value store).
//!
//! An envelope holds the query's data together with what the library needs to decide
//! whether that data may be used again:
//!
//! ```text
//! {"v":1,"key":["todos",{"done":true}],"buster":"app-3","updatedAt":1700000000000,
//!  "invalidated":false,"expiresAt":1700086400000,"rev":1048583,"data":{"items":[]}}
//! ```
//!
//! (one line, no whitespace, fields in that order when written by [`encode`]).
//!
//! - `v`: the envelope format version ([`ENVELOPE_VERSION`]); any other is foreign.
//! - `key`: the canonical query-key hash, the JSON text of the key array, stored raw.
//! - `buster`: the app/schema version the entry was written under, a JSON string.
//! - `updatedAt`, `expiresAt`: whole milliseconds since the epoch, JSON integers.
//! - `invalidated`: whether the entry had been invalidated when it was written.
//! - `rev`: optional, the revision that orders writes of one millisecond between tabs
//!   ([`super::order`]); an integer in 0..=2^53-1, absent (0) in entries written before it.
//! - `data`: the query's data, the JSON text JavaScript's `JSON.stringify` produced,
//!   embedded raw and handed back raw (as a slice of the stored text) for `JSON.parse`.
//!
//! Storage is shared with other code, other versions of the app and other tabs, and it
//! may hold anything: older formats, truncated writes, hand edits, another library's
//! values. So everything read back is validated ([`decode`] for the structure,
//! [`validate`] for the version, key, buster and expiry, [`read`] for both), and
//! anything that does not pass is a miss, which the caller deletes. The reader never
//! panics, never recurses, runs in linear time and bounds nesting at [`MAX_DEPTH`].
//!
//! Numbers are written and read as integers only: the wasm build then carries neither
//! Rust's float formatter nor its float parser.

use crate::core::key::write_json_string;

/// Version written by `encode`; any other version is foreign.
pub const ENVELOPE_VERSION: u32 = 1;

/// The deepest nesting [`decode`] accepts, counting the envelope object itself as
/// level 1 (so `data` may nest up to 255 levels).
pub const MAX_DEPTH: usize = 256;

/// The largest magnitude a time is written with: 18 digits, the most [`decode`] reads
/// (about 31.7 million years; infinite times are clamped to it).
const MAX_TIME: i64 = 999_999_999_999_999_999;

/// What the library knows about an entry besides its data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnvelopeMeta<'a> {
    /// The canonical query-key hash: JSON text of the key array, e.g. `["todos",{"done":true}]`.
    pub key_hash: &'a str,
    /// The app/schema version (`buster` option).
    pub buster: &'a str,
    /// When the data was fetched or set, ms since the epoch.
    pub data_updated_at: f64,
    /// Whether the entry has been invalidated.
    pub is_invalidated: bool,
    /// After this instant (ms since the epoch) the entry is expired.
    pub expires_at: f64,
    /// The revision ([`super::order`]); 0 (unknown) is not written.
    pub rev: f64,
}

/// Writes `{"v":1,"key":<key_hash raw>,"buster":"<json string>","updatedAt":<int>,
/// "invalidated":<bool>,"expiresAt":<int>,"rev":<int>,"data":<data_json raw>}` (in that
/// order, no whitespace; `rev` only when it is not 0).
///
/// `key_hash` and `data_json` must already be JSON text; they are copied verbatim. Times
/// are rounded to whole milliseconds (half away from zero); NaN is written as 0 and
/// anything beyond ±999 999 999 999 999 999 (including the infinities) as that bound,
/// so that every envelope written here reads back. A revision that is not one
/// ([`super::order::is_rev`]) is written as 0, that is not at all.
pub fn encode(meta: &EnvelopeMeta<'_>, data_json: &str) -> String {
    let mut out =
        String::with_capacity(136 + meta.key_hash.len() + meta.buster.len() + data_json.len());
    out.push_str("{\"v\":");
    push_int(&mut out, i64::from(ENVELOPE_VERSION));
    out.push_str(",\"key\":");
    out.push_str(meta.key_hash);
    push_buster(&mut out, meta.buster);
    push_int(&mut out, time_to_int(meta.data_updated_at));
    out.push_str(",\"invalidated\":");
    out.push_str(if meta.is_invalidated { "true" } else { "false" });
    out.push_str(",\"expiresAt\":");
    push_int(&mut out, time_to_int(meta.expires_at));
    if super::order::is_rev(meta.rev) && meta.rev > 0.0 {
        out.push_str(",\"rev\":");
        push_int(&mut out, meta.rev as i64);
    }
    out.push_str(",\"data\":");
    out.push_str(data_json);
    out.push('}');
    out
}

/// What [`encode`] writes between the key and the `updatedAt` time:
/// `,"buster":"<buster>","updatedAt":` (the quick reader in the bindings looks for it).
#[inline(never)]
pub fn push_buster(out: &mut String, buster: &str) {
    out.push_str(",\"buster\":");
    write_json_string(out, buster);
    out.push_str(",\"updatedAt\":");
}

/// A structurally valid envelope, borrowing from the text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<'a> {
    /// The `v` field; `u32::MAX` when the stored integer does not fit a `u32` (foreign).
    pub version: u32,
    /// Raw JSON text of the "key" value, exactly as stored.
    pub key_hash: &'a str,
    /// The "buster" string, unescaped.
    pub buster: String,
    /// The "updatedAt" field, ms since the epoch.
    pub data_updated_at: f64,
    /// The "invalidated" field.
    pub is_invalidated: bool,
    /// The "expiresAt" field, ms since the epoch.
    pub expires_at: f64,
    /// The "rev" field; 0 when absent.
    pub rev: f64,
    /// Raw JSON text of the "data" value, exactly as stored.
    pub data_json: &'a str,
}

/// Why an entry is not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not an envelope: invalid JSON, a missing or mistyped field, too deep.
    Malformed,
    /// An envelope of another format version.
    ForeignVersion,
    /// An envelope stored for another query key.
    WrongKey,
    /// An envelope written under another buster (app/schema version).
    WrongBuster,
    /// An envelope past its `expiresAt`.
    Expired,
}

/// Parses the envelope structure.
///
/// Malformed when: not a JSON object; any value is not valid JSON; trailing
/// non-whitespace; a required field ("v", "key", "buster", "updatedAt", "invalidated",
/// "expiresAt", "data") is missing or of the wrong JSON type ("v", "updatedAt" and
/// "expiresAt" must be integers of at most 18 digits, "key" an array, "buster" a string,
/// "invalidated" a bool, "data" any value); an optional "rev" that is not an integer in
/// 0..=2^53-1; nesting deeper than [`MAX_DEPTH`]. Fields may
/// come in any order, unknown fields are ignored and of a duplicated field the last wins.
pub fn decode(text: &str) -> Result<Decoded<'_>, Rejection> {
    let fields = scan_envelope(text).ok_or(Rejection::Malformed)?;
    build(&fields).ok_or(Rejection::Malformed)
}

/// Checks a decoded envelope for use under `expected_key_hash` with `buster` at `now`.
///
/// In this order: a version other than [`ENVELOPE_VERSION`] is `ForeignVersion`; a key
/// hash whose text differs from `expected_key_hash` is `WrongKey`; another buster is
/// `WrongBuster`; `now >= expires_at` (or a NaN `now`) is `Expired`.
pub fn validate(
    decoded: &Decoded<'_>,
    expected_key_hash: &str,
    buster: &str,
    now: f64,
) -> Result<(), Rejection> {
    if decoded.version != ENVELOPE_VERSION {
        Err(Rejection::ForeignVersion)
    } else if decoded.key_hash != expected_key_hash {
        Err(Rejection::WrongKey)
    } else if decoded.buster != buster {
        Err(Rejection::WrongBuster)
    } else if now >= decoded.expires_at || now.is_nan() {
        Err(Rejection::Expired)
    } else {
        Ok(())
    }
}

/// decode + validate in one step.
pub fn read<'a>(
    text: &'a str,
    expected_key_hash: &str,
    buster: &str,
    now: f64,
) -> Result<Decoded<'a>, Rejection> {
    let decoded = decode(text)?;
    validate(&decoded, expected_key_hash, buster, now)?;
    Ok(decoded)
}

// ---------------------------------------------------------------------------------------
// Writing

fn time_to_int(t: f64) -> i64 {
    // `as` saturates at the i64 bounds and maps NaN to 0.
    (t.round() as i64).clamp(-MAX_TIME, MAX_TIME)
}

/// Decimal digits of `n`, without the float or integer formatting machinery.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut rest = n.unsigned_abs();
    let mut div: u64 = 1;
    while rest / div >= 10 {
        div *= 10;
    }
    loop {
        let digit = rest / div; // 0..=9
        out.push(char::from_digit(digit as u32, 10).unwrap_or('0'));
        rest %= div;
        if div == 1 {
            break;
        }
        div /= 10;
    }
}

// ---------------------------------------------------------------------------------------
// Reading

/// The raw text of each known field's value (the last occurrence of each).
#[derive(Default)]
struct RawFields<'a> {
    v: Option<&'a str>,
    key: Option<&'a str>,
    buster: Option<&'a str>,
    updated_at: Option<&'a str>,
    invalidated: Option<&'a str>,
    expires_at: Option<&'a str>,
    rev: Option<&'a str>,
    data: Option<&'a str>,
}

impl<'a> RawFields<'a> {
    fn slot(&mut self, name: &str) -> Option<&mut Option<&'a str>> {
        match name {
            "v" => Some(&mut self.v),
            "key" => Some(&mut self.key),
            "buster" => Some(&mut self.buster),
            "updatedAt" => Some(&mut self.updated_at),
            "invalidated" => Some(&mut self.invalidated),
            "expiresAt" => Some(&mut self.expires_at),
            "rev" => Some(&mut self.rev),
            "data" => Some(&mut self.data),
            _ => None,
        }
    }
}

/// Type-checks and converts the raw fields.
fn build<'a>(f: &RawFields<'a>) -> Option<Decoded<'a>> {
    let version = parse_int(f.v?)?;
    let key_hash = f.key?;
    if !key_hash.starts_with('[') {
        return None;
    }
    let buster = unescape(f.buster?.strip_prefix('"')?.strip_suffix('"')?)?;
    let data_updated_at = parse_int(f.updated_at?)? as f64;
    let is_invalidated = match f.invalidated? {
        "true" => true,
        "false" => false,
        _ => return None,
    };
    let expires_at = parse_int(f.expires_at?)? as f64;
    let rev = match f.rev {
        None => 0.0,
        Some(raw) => Some(parse_int(raw)? as f64).filter(|r| super::order::is_rev(*r))?,
    };
    Some(Decoded {
        version: u32::try_from(version).unwrap_or(u32::MAX),
        key_hash,
        buster,
        data_updated_at,
        is_invalidated,
        expires_at,
        rev,
        data_json: f.data?,
    })
}

/// A JSON integer of at most 18 digits (so it cannot overflow), without float parsing.
fn parse_int(raw: &str) -> Option<i64> {
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, raw),
    };
    if digits.is_empty() || digits.len() > 18 || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(if negative { -value } else { value })
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    i
}

/// The top-level object: each member's name and the raw text of its value.
fn scan_envelope(text: &str) -> Option<RawFields<'_>> {
    let b = text.as_bytes();
    let mut fields = RawFields::default();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            // Member name; `start` and `end` are at ASCII quotes, so char boundaries.
            let start = i;
            let end = scan_string(b, start)?;
            let raw_name = text.get(start + 1..end - 1)?;
            i = skip_ws(b, end);
            if b.get(i) != Some(&b':') {
                return None;
            }
            let value_start = skip_ws(b, i + 1);
            let value_end = scan_value(b, value_start, 1)?;
            let value = text.get(value_start..value_end)?;
            if raw_name.as_bytes().contains(&b'\\') {
                if let Some(slot) = fields.slot(&unescape(raw_name)?) {
                    *slot = Some(value);
                }
            } else if let Some(slot) = fields.slot(raw_name) {
                *slot = Some(value);
            }
            i = skip_ws(b, value_end);
            match b.get(i) {
                Some(b',') => i = skip_ws(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    if skip_ws(b, i) != b.len() {
        return None;
    }
    Some(fields)
}

/// Validates the JSON string starting at `b[i] == '"'`; returns the index just past its
/// closing quote. Rejects raw control characters and invalid escapes.
fn scan_string(b: &[u8], mut i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    loop {
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => match *b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' => {
                    let hex = b.get(i + 2..i + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    i += 6;
                }
                _ => return None,
            },
            c if c < 0x20 => return None,
            _ => i += 1,
        }
    }
}

/// Validates a JSON number starting at `i`; returns the index just past it.
fn scan_number(b: &[u8], mut i: usize) -> Option<usize> {
    fn digits(b: &[u8], mut i: usize) -> Option<usize> {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(i)
    }
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    i = match b.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(b, i)?,
        _ => return None,
    };
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(b, i)?;
    }
    Some(i)
}

/// `i` past the literal `word` when it is there.
fn scan_literal(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    let end = i + word.len();
    (b.get(i..end)? == word).then_some(end)
}

/// Validates one JSON value starting at `i` (no leading whitespace), already inside
/// `outer_depth` levels of nesting; returns the index just past it. Iterative, with an
/// explicit stack bounded by [`MAX_DEPTH`].
fn scan_value(b: &[u8], mut i: usize, outer_depth: usize) -> Option<usize> {
    // `true` for an object, `false` for an array; `depth` entries are in use.
    let mut stack = [false; MAX_DEPTH];
    let mut depth = 0usize;
    loop {
        // A value starts at `i`.
        i = skip_ws(b, i);
        let opened = match *b.get(i)? {
            open @ (b'{' | b'[') => {
                if outer_depth + depth >= MAX_DEPTH {
                    return None;
                }
                let is_object = open == b'{';
                *stack.get_mut(depth)? = is_object;
                depth += 1;
                i = skip_ws(b, i + 1);
                let close = if is_object { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    i += 1;
                    depth -= 1;
                    false
                } else {
                    if is_object {
                        i = scan_member_name(b, i)?;
                    }
                    true
                }
            }
            b'"' => {
                i = scan_string(b, i)?;
                false
            }
            b't' => {
                i = scan_literal(b, i, b"true")?;
                false
            }
            b'f' => {
                i = scan_literal(b, i, b"false")?;
                false
            }
            b'n' => {
                i = scan_literal(b, i, b"null")?;
                false
            }
            b'-' | b'0'..=b'9' => {
                i = scan_number(b, i)?;
                false
            }
            _ => return None,
        };
        if opened {
            continue;
        }
        // A value ended at `i`: close containers until one continues with a comma.
        loop {
            if depth == 0 {
                return Some(i);
            }
            let is_object = *stack.get(depth - 1)?;
            i = skip_ws(b, i);
            match (is_object, *b.get(i)?) {
                (false, b',') => {
                    i += 1;
                    break;
                }
                (true, b',') => {
                    i = scan_member_name(b, skip_ws(b, i + 1))?;
                    break;
                }
                (false, b']') | (true, b'}') => {
                    i += 1;
                    depth -= 1;
                }
                _ => return None,
            }
        }
    }
}

/// `"name" :` starting at `i`; returns the index just past the colon.
fn scan_member_name(b: &[u8], i: usize) -> Option<usize> {
    let i = skip_ws(b, scan_string(b, i)?);
    (b.get(i) == Some(&b':')).then_some(i + 1)
}

/// The contents of a JSON string (between the quotes) unescaped. Lone surrogate escapes
/// become U+FFFD; invalid escapes and raw control characters are `None`.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            if u32::from(c) < 0x20 {
                return None;
            }
            out.push(c);
            continue;
        }
        let unescaped = match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let high = read_hex4(&mut chars)?;
                if (0xD800..0xDC00).contains(&high) {
                    let mut ahead = chars.clone();
                    let low = match (ahead.next(), ahead.next()) {
                        (Some('\\'), Some('u')) => read_hex4(&mut ahead),
                        _ => None,
                    };
                    match low {
                        Some(low) if (0xDC00..0xE000).contains(&low) => {
                            chars = ahead;
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => '\u{FFFD}',
                    }
                } else {
                    // A lone low surrogate is no `char` either.
                    char::from_u32(high).unwrap_or('\u{FFFD}')
                }
            }
            _ => return None,
        };
        out.push(unescaped);
    }
    Some(out)
}

fn read_hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = r#"["todos",{"done":true}]"#;

    fn meta<'a>(key_hash: &'a str, buster: &'a str) -> EnvelopeMeta<'a> {
        EnvelopeMeta {
            key_hash,
            buster,
            data_updated_at: 1_700_000_000_000.0,
            is_invalidated: false,
            expires_at: 1_700_086_400_000.0,
            rev: 0.0,
        }
    }

    /// An envelope text from `(name, raw value)` members, in the given order.
    fn object(members: &[(&str, &str)]) -> String {
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    fn valid_members() -> Vec<(&'static str, &'static str)> {
        vec![
            ("v", "1"),
            ("key", KEY),
            ("buster", "\"b1\""),
            ("updatedAt", "1700000000000"),
            ("invalidated", "false"),
            ("expiresAt", "1700086400000"),
            ("data", "{\"a\":1}"),
        ]
    }

    fn with_data(data: &str) -> String {
        encode(&meta(KEY, "b1"), data)
    }

    #[test]
    fn roundtrips_data_and_fields() {
        let datas = [
            r#"{"a":1,"b":[1,2,{"c":null}]}"#,
            "[]",
            "{}",
            r#"[[[]],{"x":{"y":{"z":[1,"2",3.5]}}}]"#,
            r#""he said \"hi\"\n\t\\ \u00e9 \ud83d\ude00 é 😀""#,
            "-1.5e-7",
            "0",
            "1E+300",
            "null",
            "true",
            "false",
            "\"\"",
            r#"{"todos":[{"id":1,"title":"Write tests ✓","done":false}]}"#,
        ];
        let busters = [
            "",
            "v1",
            "ünïcødé 😀",
            "say \"hi\"",
            "back\\slash",
            "\u{1}\n\t\r\u{1f}\u{7f}",
        ];
        for (n, data) in datas.iter().enumerate() {
            for buster in busters {
                let m = EnvelopeMeta {
                    key_hash: KEY,
                    buster,
                    data_updated_at: 1_700_000_000_000.0 + n as f64,
                    is_invalidated: n % 2 == 1,
                    expires_at: 1_800_000_000_000.0 - n as f64,
                    rev: (n as f64) * 1_048_576.0,
                };
                let text = encode(&m, data);
                let d = decode(&text).unwrap_or_else(|e| panic!("{e:?} for {text}"));
                assert_eq!(d.version, ENVELOPE_VERSION);
                assert_eq!(d.key_hash, KEY);
                assert_eq!(d.buster, buster);
                assert_eq!(d.data_updated_at, m.data_updated_at);
                assert_eq!(d.is_invalidated, m.is_invalidated);
                assert_eq!(d.expires_at, m.expires_at);
                assert_eq!(d.rev, m.rev);
                assert_eq!(d.data_json, *data);
                assert_eq!(read(&text, KEY, buster, 1_700_000_000_000.0), Ok(d));
            }
        }
    }

    #[test]
    fn encodes_the_pinned_format() {
        let m = EnvelopeMeta {
            key_hash: KEY,
            buster: "app \"3\"",
            data_updated_at: 1_700_000_000_000.0,
            is_invalidated: true,
            expires_at: 1_700_086_400_000.0,
            rev: 0.0,
        };
        assert_eq!(
            encode(&m, r#"{"items":[1,2]}"#),
            r#"{"v":1,"key":["todos",{"done":true}],"buster":"app \"3\"","updatedAt":1700000000000,"invalidated":true,"expiresAt":1700086400000,"data":{"items":[1,2]}}"#
        );
        let m = EnvelopeMeta {
            rev: 9_007_199_254_740_991.0,
            ..m
        };
        assert_eq!(
            encode(&m, "0"),
            r#"{"v":1,"key":["todos",{"done":true}],"buster":"app \"3\"","updatedAt":1700000000000,"invalidated":true,"expiresAt":1700086400000,"rev":9007199254740991,"data":0}"#
        );
    }

    #[test]
    fn the_revision_is_optional_and_checked() {
        let plain = object(&valid_members());
        assert_eq!(
            decode(&plain).map(|d| d.rev),
            Ok(0.0),
            "entries from before it"
        );
        let with = |rev: &str| {
            let mut members = valid_members();
            members.insert(6, ("rev", rev));
            object(&members)
        };
        for (raw, rev) in [
            ("0", 0.0),
            ("1048583", 1_048_583.0),
            ("9007199254740991", 9_007_199_254_740_991.0),
        ] {
            assert_eq!(decode(&with(raw)).map(|d| d.rev), Ok(rev), "{raw}");
        }
        for raw in [
            "-1",
            "1.5",
            "\"7\"",
            "null",
            "9007199254740992",
            "1e3",
            "[1]",
        ] {
            assert_eq!(decode(&with(raw)), Err(Rejection::Malformed), "{raw}");
        }
        // Not a revision: not written.
        for rev in [-1.0, 0.5, f64::NAN, 1e300] {
            let m = EnvelopeMeta {
                rev,
                ..meta(KEY, "")
            };
            assert!(!encode(&m, "0").contains("rev"), "{rev}");
        }
    }

    #[test]
    fn escapes_control_characters_in_the_buster() {
        let text = encode(&meta(KEY, "\u{1}\n\t\r\u{8}\u{c}\u{1f}\\\"\u{7f}é"), "0");
        let expected = concat!(r#""buster":"\u0001\n\t\r\b\f\u001f\\\""#, "\u{7f}é\",");
        assert!(text.contains(expected), "{text}");
    }

    #[test]
    fn rounds_times_to_whole_milliseconds() {
        let mut m = meta(KEY, "");
        m.data_updated_at = 1_700_000_000_000.6;
        m.expires_at = 1_700_000_000_000.4;
        let text = encode(&m, "0");
        assert!(text.contains("\"updatedAt\":1700000000001,"), "{text}");
        assert!(text.contains("\"expiresAt\":1700000000000,"), "{text}");
        let d = decode(&text).unwrap();
        assert_eq!(d.data_updated_at, 1_700_000_000_001.0);
        assert_eq!(d.expires_at, 1_700_000_000_000.0);

        m.data_updated_at = -5.5;
        m.expires_at = 0.0;
        let text = encode(&m, "0");
        let d = decode(&text).unwrap();
        assert_eq!((d.data_updated_at, d.expires_at), (-6.0, 0.0));
    }

    #[test]
    fn non_finite_times_are_clamped_and_read_back() {
        let mut m = meta(KEY, "");
        m.data_updated_at = f64::NAN;
        m.expires_at = f64::INFINITY;
        let text = encode(&m, "0");
        assert!(text.contains("\"updatedAt\":0,"), "{text}");
        assert!(text.contains("\"expiresAt\":999999999999999999,"), "{text}");
        let d = read(&text, KEY, "", 1e15).unwrap();
        assert_eq!(d.data_updated_at, 0.0);

        m.data_updated_at = f64::NEG_INFINITY;
        m.expires_at = 1e300;
        let text = encode(&m, "0");
        assert!(
            text.contains("\"updatedAt\":-999999999999999999,"),
            "{text}"
        );
        assert!(decode(&text).is_ok());
    }

    #[test]
    fn rejects_malformed_text() {
        let good = with_data(r#"{"a":[1,2]}"#);
        let cases: Vec<String> = vec![
            String::new(),
            "   ".into(),
            good[..good.len() - 1].into(),
            good[..good.len() / 2].into(),
            "[1,2]".into(),
            "\"string\"".into(),
            "42".into(),
            "null".into(),
            "{}".into(),
            format!("{good} x"),
            format!("{good}}}"),
            format!("{good},{good}"),
            with_data(r#"{"a":}"#),
            with_data("undefined"),
            with_data("[1,]"),
            with_data("{\"a\":1,}"),
            with_data("01"),
            with_data("1."),
            with_data(".5"),
            with_data("-"),
            with_data("1e"),
            with_data("NaN"),
            with_data("tru"),
            with_data("'single'"),
            with_data(r#""unterminated"#),
            with_data(r#""bad \x escape""#),
            with_data(r#""bad \u12 escape""#),
            with_data("\"raw\ncontrol\""),
            with_data("[1 2]"),
            with_data("{\"a\" 1}"),
            with_data("{1:2}"),
            with_data("[}"),
            with_data("{]"),
            with_data(""),
            object(&[("v", "1"), ("key", KEY)]),
        ];
        for text in &cases {
            assert_eq!(decode(text), Err(Rejection::Malformed), "{text}");
            assert_eq!(
                read(text, KEY, "b1", 0.0),
                Err(Rejection::Malformed),
                "{text}"
            );
        }
        // Bad escapes and raw control characters in the buster and in member names too.
        let bad_buster = encode(&meta(KEY, "x"), "0").replace("\"x\"", r#""\q""#);
        assert_eq!(decode(&bad_buster), Err(Rejection::Malformed));
        let raw_ctrl = encode(&meta(KEY, "x"), "0").replace("\"x\"", "\"a\u{1}\"");
        assert_eq!(decode(&raw_ctrl), Err(Rejection::Malformed));
        let bad_name = format!("{{\"\\z\":1,{}", &with_data("0")[1..]);
        assert_eq!(decode(&bad_name), Err(Rejection::Malformed));
    }

    #[test]
    fn rejects_each_missing_field() {
        let members = valid_members();
        assert!(decode(&object(&members)).is_ok());
        for skip in 0..members.len() {
            let mut partial = members.clone();
            let (name, _) = partial.remove(skip);
            assert_eq!(
                decode(&object(&partial)),
                Err(Rejection::Malformed),
                "missing {name}"
            );
        }
    }

    #[test]
    fn rejects_wrong_field_types() {
        let wrong = [
            ("v", "\"1\""),
            ("v", "1.0"),
            ("v", "1e0"),
            ("v", "true"),
            ("v", "null"),
            ("v", "01"),
            ("key", "\"todos\""),
            ("key", "{}"),
            ("key", "null"),
            ("key", "1"),
            ("buster", "1"),
            ("buster", "null"),
            ("buster", "[\"b1\"]"),
            ("updatedAt", "1.5"),
            ("updatedAt", "\"1700000000000\""),
            ("updatedAt", "1.7e12"),
            ("updatedAt", "-0.0"),
            ("updatedAt", "1234567890123456789"),
            ("invalidated", "0"),
            ("invalidated", "\"true\""),
            ("invalidated", "null"),
            ("expiresAt", "null"),
            ("expiresAt", "false"),
            ("expiresAt", "[1]"),
        ];
        for (name, value) in wrong {
            let members: Vec<_> = valid_members()
                .into_iter()
                .map(|(k, v)| (k, if k == name { value } else { v }))
                .collect();
            let text = object(&members);
            assert_eq!(decode(&text), Err(Rejection::Malformed), "{text}");
        }
        // The integer limits themselves are fine.
        let mut members = valid_members();
        members[3].1 = "-999999999999999999";
        members[5].1 = "-0";
        let text = object(&members);
        let d = decode(&text).unwrap();
        assert_eq!(d.data_updated_at, -999_999_999_999_999_999i64 as f64);
        assert_eq!(d.expires_at, 0.0);
    }

    #[test]
    fn validates_version_key_buster_and_expiry_in_order() {
        let text = encode(&meta(KEY, "b1"), "[1]");
        let now = 1_700_000_000_000.0;
        assert!(read(&text, KEY, "b1", now).is_ok());

        let v2 = text.replacen("{\"v\":1,", "{\"v\":2,", 1);
        assert_eq!(decode(&v2).map(|d| d.version), Ok(2));
        assert_eq!(read(&v2, KEY, "b1", now), Err(Rejection::ForeignVersion));
        // Version is checked before anything else.
        assert_eq!(
            read(&v2, "[\"other\"]", "b2", 1e18),
            Err(Rejection::ForeignVersion)
        );
        for v in ["0", "-1", "4294967297"] {
            let t = text.replacen("{\"v\":1,", &format!("{{\"v\":{v},"), 1);
            assert_eq!(
                read(&t, KEY, "b1", now),
                Err(Rejection::ForeignVersion),
                "{v}"
            );
        }

        assert_eq!(
            read(&text, "[\"todos\"]", "b1", now),
            Err(Rejection::WrongKey)
        );
        // Exact text comparison: the same key spelled with whitespace is another key.
        assert_eq!(
            read(&text, r#"["todos", {"done":true}]"#, "b1", now),
            Err(Rejection::WrongKey)
        );
        assert_eq!(read(&text, "[\"x\"]", "b2", 1e18), Err(Rejection::WrongKey));

        assert_eq!(read(&text, KEY, "b2", now), Err(Rejection::WrongBuster));
        assert_eq!(read(&text, KEY, "", now), Err(Rejection::WrongBuster));
        assert_eq!(read(&text, KEY, "b2", 1e18), Err(Rejection::WrongBuster));

        let expires = 1_700_086_400_000.0;
        assert!(read(&text, KEY, "b1", expires - 1.0).is_ok());
        assert_eq!(read(&text, KEY, "b1", expires), Err(Rejection::Expired));
        assert_eq!(
            read(&text, KEY, "b1", expires + 1.0),
            Err(Rejection::Expired)
        );
        assert_eq!(read(&text, KEY, "b1", f64::NAN), Err(Rejection::Expired));
    }

    #[test]
    fn accepts_any_order_whitespace_and_unknown_fields() {
        let text = " \n{ \"data\" : [ 1 , { \"x\" : null } ] ,\t\"extra\": {\"nested\": [true, \"s\"]},\r\n\
                    \"expiresAt\":9,\"invalidated\" :true, \"buster\":\"b\\u0031\", \"updatedAt\" : -3 ,\
                    \"key\": [ \"todos\" ], \"v\": 1 } \n";
        let d = decode(text).unwrap();
        assert_eq!(
            d,
            Decoded {
                version: 1,
                key_hash: "[ \"todos\" ]",
                buster: "b1".into(),
                data_updated_at: -3.0,
                is_invalidated: true,
                expires_at: 9.0,
                rev: 0.0,
                data_json: "[ 1 , { \"x\" : null } ]",
            }
        );
        // Escaped member names count as the field they spell.
        let escaped = object(&valid_members()).replace("\"data\"", r#""d\u0061ta""#);
        assert_eq!(decode(&escaped).map(|d| d.data_json), Ok("{\"a\":1}"));
    }

    #[test]
    fn duplicated_field_last_wins() {
        let mut members = valid_members();
        members.insert(0, ("buster", "\"first\""));
        members.insert(0, ("updatedAt", "\"not even a number\""));
        members.push(("data", "[\"second\"]"));
        members.push(("invalidated", "true"));
        let text = object(&members);
        let d = decode(&text).unwrap();
        assert_eq!(d.buster, "b1");
        assert_eq!(d.data_updated_at, 1_700_000_000_000.0);
        assert_eq!(d.data_json, "[\"second\"]");
        assert!(d.is_invalidated);
        // The last one wins even when it is the broken one.
        members.push(("v", "\"1\""));
        assert_eq!(decode(&object(&members)), Err(Rejection::Malformed));
    }

    #[test]
    fn decodes_unicode_escapes_in_the_buster() {
        let cases = [
            (r#"\ud83d\ude00"#, "😀"),
            (r#"\uD83D\uDE00!"#, "😀!"),
            (r#"\u00e9\u4e2d"#, "é中"),
            (r#"\ud83d"#, "\u{FFFD}"),
            (r#"\ude00x"#, "\u{FFFD}x"),
            (r#"\ud83dx"#, "\u{FFFD}x"),
            (r#"\ud83d\u0041"#, "\u{FFFD}A"),
            (r#"\ud83d\ud83d\ude00"#, "\u{FFFD}😀"),
            (r#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{c}\n\r\t"),
        ];
        for (escaped, expected) in cases {
            let members: Vec<_> = valid_members()
                .into_iter()
                .map(|(k, v)| (k, v.to_owned()))
                .map(|(k, v)| {
                    (
                        k,
                        if k == "buster" {
                            format!("\"{escaped}\"")
                        } else {
                            v
                        },
                    )
                })
                .collect();
            let refs: Vec<(&str, &str)> = members.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let text = object(&refs);
            let d = decode(&text).unwrap_or_else(|e| panic!("{e:?} for {escaped}"));
            assert_eq!(d.buster, expected, "{escaped}");
        }
    }

    #[test]
    fn bounds_nesting_depth() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [1, 200, 255] {
            let data = nested(n);
            assert_eq!(
                decode(&with_data(&data)).map(|d| d.data_json),
                Ok(data.as_str()),
                "{n}"
            );
        }
        for n in [256, 300] {
            assert_eq!(
                decode(&with_data(&nested(n))),
                Err(Rejection::Malformed),
                "{n}"
            );
        }
        let objects = format!("{}1{}", "{\"a\":".repeat(300), "}".repeat(300));
        assert_eq!(decode(&with_data(&objects)), Err(Rejection::Malformed));

        let deep = "[".repeat(100_000);
        assert_eq!(decode(&deep), Err(Rejection::Malformed));
        assert_eq!(decode(&with_data(&deep)), Err(Rejection::Malformed));
        assert_eq!(
            decode(&with_data(&nested(100_000))),
            Err(Rejection::Malformed)
        );
        let mut members = valid_members();
        let deep_key = nested(100_000);
        members[1].1 = &deep_key;
        assert_eq!(decode(&object(&members)), Err(Rejection::Malformed));
    }

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Decoding never panics, and whatever decodes re-encodes to the same fields.
    fn check(text: &str, oks: &mut usize) {
        if let Ok(d) = decode(text) {
            *oks += 1;
            let m = EnvelopeMeta {
                key_hash: d.key_hash,
                buster: &d.buster,
                data_updated_at: d.data_updated_at,
                is_invalidated: d.is_invalidated,
                expires_at: d.expires_at,
                rev: d.rev,
            };
            let again = encode(&m, d.data_json);
            let expected = Decoded {
                version: ENVELOPE_VERSION,
                ..d.clone()
            };
            assert_eq!(decode(&again), Ok(expected), "{text:?} -> {again:?}");
        }
    }

    #[test]
    fn fuzz_never_panics_and_is_idempotent() {
        const ALPHABET: &[u8] = b"{}[]\":,\\ \t\n0123456789-+.eEtrufalsn\x01\xc3\xa9\xf0";
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut oks = 0;

        // (a) Random byte strings, half of them from JSON-ish bytes.
        for _ in 0..20_000 {
            let len = rng.below(48);
            let json_ish = rng.next() & 1 == 0;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if json_ish {
                        ALPHABET[rng.below(ALPHABET.len())]
                    } else {
                        rng.next() as u8
                    }
                })
                .collect();
            check(&String::from_utf8_lossy(&bytes), &mut oks);
        }

        // (b) Mutations of valid envelopes.
        let seeds = [
            encode(
                &meta(KEY, "ünï \"q\" \\ \u{1}"),
                r#"{"a":[1,-2.5e3,"x\u00e9😀"],"b":null}"#,
            ),
            object(&valid_members()),
            encode(
                &EnvelopeMeta {
                    rev: 1_048_583.0,
                    ..meta(KEY, "b")
                },
                "[1]",
            ),
            concat!(
                " { \"data\" : [ true , false ] , \"v\" : 1 , \"key\" : [ ] , ",
                "\"buster\" : \"\\ud83d\\ude00\" , \"updatedAt\" : 0 , ",
                "\"invalidated\" : false , \"expiresAt\" : 12 } ",
            )
            .to_owned(),
        ];
        for n in 0..20_000 {
            let mut bytes = seeds[n % seeds.len()].clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                let pos = rng.below(bytes.len() + 1);
                let byte = if rng.next() & 3 == 0 {
                    rng.next() as u8
                } else {
                    ALPHABET[rng.below(ALPHABET.len())]
                };
                match rng.below(4) {
                    0 => bytes.truncate(pos),
                    1 => bytes.insert(pos, byte),
                    _ if pos < bytes.len() => bytes[pos] = byte,
                    _ => bytes.push(byte),
                }
            }
            check(&String::from_utf8_lossy(&bytes), &mut oks);
        }
        // The mutations must reach the accepting paths too, or the idempotence check is empty.
        assert!(oks > 500, "only {oks} inputs decoded");
    }
}
