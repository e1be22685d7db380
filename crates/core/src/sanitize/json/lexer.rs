//! JSON's tokens, read where the walk stands: strings (borrowed when they hold no escape),
//! numbers and literals checked against RFC 8259's grammar, whitespace; and JSON strings
//! written with the escapes JSON requires. Errors give the byte offset, never the text.

use std::borrow::Cow;

use super::walk::Walker;
use crate::sanitize::policy::{ErrorCode, SanitizeError};

/// A string token: where its raw text (quotes included) sits, and its decoded contents.
pub(super) struct Str<'a> {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: Cow<'a, str>,
}

impl<'a> Walker<'a, '_> {
    /// A number, `true`, `false` or `null`; returns its span.
    pub(super) fn scalar(&mut self) -> Result<(usize, usize), SanitizeError> {
        let start = self.pos;
        for word in [b"true".as_slice(), b"false", b"null"] {
            if self.src.get(start..start + word.len()) == Some(word) {
                self.pos += word.len();
                return Ok((start, self.pos));
            }
        }
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.invalid("expected a JSON value")),
        }
        if self.eat(b'.') {
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.invalid("expected a digit after '.'"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.invalid("expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok((start, self.pos))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// A string token starting at `"`. Borrowed when it has no escapes.
    // Inlined: returned through memory, the token's fields were read back before the stores
    // had landed (a store-forwarding stall measured at a fifth of the walk).
    #[inline(always)]
    pub(super) fn string(&mut self) -> Result<Str<'a>, SanitizeError> {
        let src = self.src;
        let start = self.pos;
        let content_start = start + 1;
        // A local cursor and a plain scan for the three bytes that matter: updating `self.pos`
        // byte by byte kept it in memory and made this the hottest loop of the walk.
        let mut i = content_start;
        let mut escaped = false;
        loop {
            let rest = src.get(i..).unwrap_or_default();
            let Some(skip) = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            else {
                self.pos = src.len();
                return Err(self.invalid("unterminated string"));
            };
            i += skip;
            match src.get(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i += 2;
                }
                _ => {
                    self.pos = i;
                    return Err(self.invalid("control character in a string"));
                }
            }
        }
        self.pos = i;
        // Both ends are at ASCII quotes, so they are character boundaries of `self.text`.
        let content = self.text.get(content_start..self.pos).unwrap_or_default();
        self.pos += 1;
        let text = if escaped {
            Cow::Owned(
                decode_escapes(content).ok_or_else(|| self.invalid("bad escape in a string"))?,
            )
        } else {
            Cow::Borrowed(content)
        };
        Ok(Str {
            start,
            end: self.pos,
            text,
        })
    }

    pub(super) fn copy(&mut self, start: usize, end: usize) {
        self.out
            .extend_from_slice(self.src.get(start..end).unwrap_or_default());
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn invalid(&self, what: &str) -> SanitizeError {
        SanitizeError::new(
            ErrorCode::InvalidJson,
            format!("invalid JSON at byte {}: {what}", self.pos),
        )
    }
}

/// The UTF-8 length of a JSON string token's decoded contents (the token is known valid).
pub(super) fn decoded_len(token: &[u8]) -> usize {
    let inner = token
        .get(1..token.len().saturating_sub(1))
        .unwrap_or_default();
    let mut len = 0;
    let mut i = 0;
    while let Some(&byte) = inner.get(i) {
        if byte != b'\\' {
            len += 1;
            i += 1;
            continue;
        }
        match inner.get(i + 1) {
            Some(b'u') => {
                let unit = inner
                    .get(i + 2..i + 6)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .unwrap_or(0);
                i += 6;
                len += match unit {
                    0..=0x7f => 1,
                    0x80..=0x7ff => 2,
                    // A surrogate pair is two escapes and 4 bytes; 2 + 2 counts it right.
                    0xd800..=0xdfff => 2,
                    _ => 3,
                };
            }
            _ => {
                len += 1;
                i += 2;
            }
        }
    }
    len
}

/// Numbers and literals are ASCII by the grammar that produced their span.
pub(super) fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// Decodes a string's escapes. Lone surrogates become U+FFFD, as Node's UTF-8 encoder does.
fn decode_escapes(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let unit = hex4(&mut chars)?;
                if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate: a low one must follow as another \u escape.
                    let rest = chars.as_str();
                    if let Some(low) = rest.strip_prefix("\\u").and_then(|r| r.get(..4)) {
                        if let Ok(low) = u32::from_str_radix(low, 16) {
                            if (0xDC00..0xE000).contains(&low) {
                                chars.nth(5);
                                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                                continue;
                            }
                        }
                    }
                    out.push('\u{FFFD}');
                } else {
                    out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

/// Writes `text` as a JSON string, escaping what JSON requires.
pub fn write_json_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    // Digests and most redacted text need no escaping: one copy.
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        return;
    }
    for c in text.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if u32::from(c) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}
