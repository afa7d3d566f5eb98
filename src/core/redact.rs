//! Keeping secrets out of error messages.
//!
//! A store's error text can carry the credential it was sent: echoed as given, lower-
//! or upper-cased, base64-encoded (an `Authorization: Basic` header, a debug dump),
//! URL-encoded or JSON-escaped. A [`Redactor`] knows every such form of its secrets and
//! blanks each out of a text, matching letters in any case. It also blanks any run of
//! [`MIN_RUN`] or more characters of a secret, so that a truncated echo (`Bearer
//! tok_S3cre…`) or one missing its first characters shows no part of it either.

use crate::core::key::write_json_string;

/// What a secret is replaced with.
pub const BLANK: &str = "***";

/// The shortest run of a secret's characters blanked on its own (shorter ones are too
/// likely to be ordinary text: `token`, `https://`).
pub const MIN_RUN: usize = 8;

/// The forms of a set of secrets to blank out of messages.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    forms: Vec<String>,
    /// The secrets themselves (ASCII ones), whose parts are blanked too.
    runs: Vec<String>,
}

impl Redactor {
    /// A redactor for `secrets` (empty ones are ignored).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut forms: Vec<String> = Vec::new();
        let mut runs: Vec<String> = Vec::new();
        for secret in secrets.into_iter().filter(|s| !s.is_empty()) {
            let mut json = String::new();
            write_json_string(&mut json, secret);
            let json = json.get(1..json.len() - 1).unwrap_or_default().to_owned();
            let mut add = |form: String| {
                if !form.is_empty() && !forms.contains(&form) {
                    forms.push(form);
                }
            };
            add(secret.to_owned());
            add(percent_encode(secret));
            add(json);
            // Base64 of a text holding the secret (`Bearer …`, `user:…`) has it at one of
            // three alignments: the whole groups of each are blanked wherever they stand.
            let bytes = secret.as_bytes();
            for skip in 0..3 {
                let rest = bytes.get(skip..).unwrap_or_default();
                let whole = rest.len() / 3 * 3;
                if skip > 0 && whole < 6 {
                    continue; // too short to mean anything on its own
                }
                let b64 = base64(rest.get(..whole).unwrap_or_default());
                add(b64.replace('+', "-").replace('/', "_"));
                add(b64);
            }
            let b64 = base64(bytes);
            add(b64
                .trim_end_matches('=')
                .replace('+', "-")
                .replace('/', "_"));
            add(b64.trim_end_matches('=').to_owned());
            if secret.is_ascii() && secret.len() > MIN_RUN {
                runs.push(secret.to_owned());
            }
        }
        Redactor { forms, runs }
    }

    /// `text` with every form of every secret, in any letter case, replaced by [`BLANK`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for form in &self.forms {
            out = replace_ignoring_ascii_case(&out, form);
        }
        for secret in &self.runs {
            out = blank_runs(&out, secret.as_bytes());
        }
        out
    }
}

/// `text` with each occurrence of `needle` (ASCII letters in any case) blanked.
/// `text` with every run of [`MIN_RUN`] or more bytes of `secret` (ASCII; letters in any
/// case) blanked, the longest run at each place. What it cuts is ASCII, so every cut falls
/// between two characters.
fn blank_runs(text: &str, secret: &[u8]) -> String {
    let hay = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i + MIN_RUN <= hay.len() {
        let run = longest_run_at(hay.get(i..).unwrap_or_default(), secret);
        if run >= MIN_RUN {
            out.push_str(text.get(copied..i).unwrap_or_default());
            out.push_str(BLANK);
            i += run;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// How many bytes at the start of `hay` match some run of `secret`, at most.
fn longest_run_at(hay: &[u8], secret: &[u8]) -> usize {
    (0..secret.len())
        .map(|start| {
            let from = secret.get(start..).unwrap_or_default();
            hay.iter()
                .zip(from)
                .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn replace_ignoring_ascii_case(text: &str, needle: &str) -> String {
    let (hay, pat) = (text.as_bytes(), needle.as_bytes());
    if pat.is_empty() || hay.len() < pat.len() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i + pat.len() <= hay.len() {
        // A match starts and ends on char boundaries: `needle` is valid UTF-8 and
        // ASCII case folding never pairs an ASCII byte with a non-ASCII one.
        if hay[i..i + pat.len()].eq_ignore_ascii_case(pat) {
            out.push_str(text.get(copied..i).unwrap_or_default());
            out.push_str(BLANK);
            i += pat.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `encodeURIComponent`'s form of `s`.
fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:pa55", "dXNlcjpwYTU1"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn every_echoed_form_of_a_token_is_blanked() {
        let token = "AXe1Token+/With=Odd&Chars";
        let r = Redactor::new([token]);
        let b64 = base64(token.as_bytes());
        for echoed in [
            token.to_owned(),
            token.to_lowercase(),
            token.to_uppercase(),
            b64.clone(),
            b64.trim_end_matches('=').to_owned(),
            b64.replace('+', "-").replace('/', "_"),
            percent_encode(token),
            "AXe1Token+/With=Odd\\u0026Chars".replace("\\u0026", "&"),
        ] {
            let text = format!("HTTP 401: bad token «{echoed}» (Bearer {echoed})");
            let out = r.redact(&text);
            assert!(
                !out.to_lowercase().contains(&echoed.to_lowercase()),
                "{out}"
            );
            assert!(out.contains("Bearer ***"), "{out}");
        }
        assert_eq!(r.redact("nothing secret"), "nothing secret");
    }

    #[test]
    fn a_secret_inside_a_base64_encoded_text_is_blanked_at_any_alignment() {
        let token = "AXs3cretT0kenValue9";
        let r = Redactor::new([token]);
        for prefix in ["Bearer ", "user:", "x", ""] {
            let encoded = base64(format!("{prefix}{token}").as_bytes());
            let out = r.redact(&format!("header was {encoded}"));
            // At most the two groups where the secret meets its neighbours stay.
            assert!(out.contains(BLANK), "{prefix}: {out}");
            assert!(
                out.len() < format!("header was {encoded}").len() - 8,
                "{prefix}: {out}"
            );
        }
    }

    #[test]
    fn a_truncated_or_clipped_echo_shows_no_run_of_the_secret() {
        let token = "tok_S3cretValue_9f8e7d6c5b4a";
        let r = Redactor::new([token]);
        for (echoed, kept) in [
            (
                "invalid token tok_S3cretValue_9f8e7d6c5...",
                "invalid token ***...",
            ),
            ("ERR ok_S3cretValue_9f8e7d6c5b4a", "ERR ***"),
            ("Bearer tok_S3cretVa", "Bearer ***"),
            ("key TOK_S3CRETVALUE_9F8 and 7d6c5b4a!", "key *** and ***!"),
        ] {
            assert_eq!(r.redact(echoed), kept);
        }
        // Fewer than MIN_RUN characters of it stay: ordinary words share a few.
        assert_eq!(r.redact("a token: tok_S3c"), "a token: tok_S3c");
        // A secret of MIN_RUN characters or fewer is blanked only whole.
        let short = Redactor::new(["abcdefgh"]);
        assert_eq!(short.redact("abcdefg abcdefgh"), "abcdefg ***");
    }

    #[test]
    fn json_escaped_secrets_and_several_secrets_are_blanked() {
        let r = Redactor::new(["pa\"ss", "", "s3cr3t"]);
        assert_eq!(
            r.redact(r#"{"error":"pa\"ss and S3CR3T"}"#),
            r#"{"error":"*** and ***"}"#
        );
        // Text around non-ASCII characters stays intact.
        assert_eq!(r.redact("é s3cr3t ü"), "é *** ü");
    }
}
