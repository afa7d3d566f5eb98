//! Text put together without `core::fmt`: error messages and storage keys are joined
//! from their parts ([`text`]) and integers written by hand, so the `.wasm` carries none
//! of `format!`'s machinery (about 2 KB: its argument tables at each call site and the
//! formatter behind them). Native-only code (tests, the Rust face) may still format.

/// `parts` joined: `text(&["maxEntries must be at least 1, got ", &n])`.
pub fn text(parts: &[&str]) -> String {
    parts.concat()
}

/// `n` in decimal, with a `-` when negative.
pub fn push_decimal(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// `n` in decimal.
pub fn decimal(n: i64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// `n`'s low 16 bits as four lower-case hexadecimal digits (a JSON `\u` escape's).
pub fn push_hex4(out: &mut String, n: u32) {
    for shift in [12, 8, 4, 0] {
        let nibble = (n >> shift) & 0xf;
        out.push(char::from_digit(nibble, 16).unwrap_or('0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_as_rust_prints_them() {
        for n in [
            0,
            7,
            10,
            99,
            100,
            4_294_967_295,
            -1,
            -10,
            i64::MAX,
            i64::MIN,
            9_007_199_254_740_992,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn hex4_pads_to_four_digits() {
        let mut out = String::new();
        for n in [0x0, 0x1f, 0xabc, 0xffff] {
            push_hex4(&mut out, n);
        }
        assert_eq!(out, "0000001f0abcffff");
    }
}
