//! Sanitizes JSON text into JSON text without building a tree.
//!
//! Values that pass unchanged are copied byte for byte from the input, so the common case costs
//! one validating scan and one copy. Only keys that a rule names, and strings the detectors
//! flag, are decoded and rewritten. Nesting is bounded by the policy's `max_depth`, so deep
//! input is an error, never a stack overflow.

use std::borrow::Cow;

use super::engine::{Decision, ErrorCode, LimitMode, Policy, SanitizeError, Scalar, Scan};
use super::policy::Action;
use super::report::{PathStack, Report, ReportMode};

/// Sanitizes one JSON document (normally an object of attributes), with the report.
pub fn sanitize_json(input: &[u8], policy: &Policy) -> Result<(Vec<u8>, Report), SanitizeError> {
    sanitize_json_mode(input, policy, ReportMode::Full)
}

/// Like [`sanitize_json`]; without `want_report` no path is rendered and the report is empty
/// (limits in `report` mode are then not checked either: there is nowhere to list them).
pub fn sanitize_json_with(
    input: &[u8],
    policy: &Policy,
    want_report: bool,
) -> Result<(Vec<u8>, Report), SanitizeError> {
    let mode = if want_report {
        ReportMode::Full
    } else {
        ReportMode::Off
    };
    sanitize_json_mode(input, policy, mode)
}

/// The output may be at most this many times the input, plus [`OUTPUT_SLACK`]: hashing
/// one-digit numbers could otherwise turn a long line into many times its size.
pub const OUTPUT_FACTOR: usize = 3;
pub const OUTPUT_SLACK: usize = 1 << 20;

/// [`sanitize_json`] recording as much as `mode` says: with [`ReportMode::Counts`] the report
/// holds only the counts per action and rule, and no path is ever rendered.
pub fn sanitize_json_mode(
    input: &[u8],
    policy: &Policy,
    mode: ReportMode,
) -> Result<(Vec<u8>, Report), SanitizeError> {
    let mut out = Vec::with_capacity(input.len());
    let report = sanitize_json_append(input, policy, mode, &mut out)?;
    Ok((out, report))
}

/// [`sanitize_json_mode`] writing the output at the end of `out` (bulk callers gather many
/// documents in one buffer). On an error `out` is left as it was.
pub fn sanitize_json_append(
    input: &[u8],
    policy: &Policy,
    mode: ReportMode,
    out: &mut Vec<u8>,
) -> Result<Report, SanitizeError> {
    // JSON text is UTF-8 (RFC 8259). Checking it once here lets every string be sliced out of
    // `text` without checking its bytes again.
    let text = std::str::from_utf8(input).map_err(|error| {
        SanitizeError::new(
            ErrorCode::InvalidJson,
            format!(
                "invalid JSON at byte {}: the text is not UTF-8",
                error.valid_up_to()
            ),
        )
    })?;
    let start = out.len();
    let mut walker = Walker {
        src: input,
        text,
        pos: 0,
        out: std::mem::take(out),
        max_out: input
            .len()
            .saturating_mul(OUTPUT_FACTOR)
            .saturating_add(OUTPUT_SLACK)
            .saturating_add(start),
        policy,
        report: if mode == ReportMode::Full {
            Report::for_input(input.len())
        } else {
            Report::default()
        },
        mode,
        path: PathStack::default(),
        value_start: 0,
    };
    let result = walker.document();
    *out = walker.out;
    if result.is_err() {
        out.truncate(start);
    }
    result.map(|()| walker.report)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Emitted {
    Value,
    Dropped,
}

struct Walker<'a, 'p> {
    src: &'a [u8],
    /// The same bytes as `src`, known to be UTF-8.
    text: &'a str,
    pos: usize,
    out: Vec<u8>,
    /// Past this many output bytes the document is refused (`ERR_OUTPUT_TOO_LARGE`).
    max_out: usize,
    policy: &'p Policy,
    report: Report,
    mode: ReportMode,
    path: PathStack<'a>,
    /// Where the value of the member being written starts in `out` (for the size limit).
    value_start: usize,
}

/// A string token: where its raw text (quotes included) sits, and its decoded contents.
struct Str<'a> {
    start: usize,
    end: usize,
    text: Cow<'a, str>,
}

impl<'a> Walker<'a, '_> {
    fn document(&mut self) -> Result<(), SanitizeError> {
        self.skip_ws();
        match self.value(0)? {
            Emitted::Value => {}
            // A top-level string that a detector drops: nothing may go out.
            Emitted::Dropped => self.out.extend_from_slice(b"null"),
        }
        self.skip_ws();
        if self.pos != self.src.len() {
            return Err(self.invalid("unexpected text after the JSON value"));
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Emitted, SanitizeError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1).map(|()| Emitted::Value),
            Some(b'[') => self.array(depth + 1).map(|()| Emitted::Value),
            Some(b'"') => {
                let token = self.string()?;
                self.kept_string(&token)
            }
            _ => {
                let (start, end) = self.scalar()?;
                if let Some(found) = self
                    .policy
                    .scan_number(ascii(self.src.get(start..end).unwrap_or_default()))
                {
                    for detector in found {
                        self.note("dropped", format!("detector:{}", detector.as_str()));
                    }
                    return Ok(Emitted::Dropped);
                }
                self.copy(start, end);
                Ok(Emitted::Value)
            }
        }
    }

    /// A value an explicit `keep` rule names. A scalar is copied as it is, without the value
    /// detectors (an `id` is never redacted); an object or array is still walked, so a kept
    /// name cannot carry a never-send field past the rules.
    fn verbatim(&mut self, depth: usize) -> Result<Emitted, SanitizeError> {
        if matches!(self.peek(), Some(b'{' | b'[')) {
            return self.value(depth);
        }
        let start = self.pos;
        self.skip_value(depth)?;
        self.copy(start, self.pos);
        Ok(Emitted::Value)
    }

    fn object(&mut self, depth: usize) -> Result<(), SanitizeError> {
        self.enter(depth)?;
        self.pos += 1;
        self.out.push(b'{');
        let mut count = 0usize;
        self.skip_ws();
        if self.eat(b'}') {
            self.out.push(b'}');
            return Ok(());
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.invalid("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.invalid("expected ':' after a key"));
            }
            self.skip_ws();
            let mark = self.out.len();
            if self.mode == ReportMode::Full {
                self.path.push_key(key.text.clone());
            }
            let emitted = self.member(&key, count > 0, depth)?;
            if self.mode == ReportMode::Full {
                self.path.pop();
            }
            if emitted == Emitted::Value {
                if depth == 1 {
                    self.check_limits(&key, count + 1)?;
                }
                count += 1;
            } else {
                self.out.truncate(mark);
            }
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                break;
            }
            return Err(self.invalid("expected ',' or '}' in an object"));
        }
        self.out.push(b'}');
        Ok(())
    }

    /// Writes `key: value` (preceded by a comma when not first) as the policy says.
    fn member(
        &mut self,
        key: &Str<'a>,
        comma: bool,
        depth: usize,
    ) -> Result<Emitted, SanitizeError> {
        let rule = match self.policy.decide(&key.text) {
            Decision::Forbidden => return self.skip_reported(depth, "dropped", "prototype_key"),
            Decision::Unlisted => return self.skip_reported(depth, "dropped", "not_allowed"),
            Decision::Keep => None,
            Decision::Rule(rule) => Some(rule),
        };
        let action = rule.map_or(Action::Keep, |rule| rule.action);
        let rule_name = rule.map_or("", |rule| rule.name.as_str());
        if comma {
            self.out.push(b',');
        }
        match action {
            Action::Drop => {
                let rule_name = rule_name.to_owned();
                self.skip_reported(depth, "dropped", rule_name)
            }
            Action::Keep | Action::Allow => {
                self.copy(key.start, key.end);
                self.out.push(b':');
                let value_start = self.out.len();
                let emitted = if rule.is_some() {
                    self.verbatim(depth)
                } else {
                    self.value(depth)
                };
                // Nested members moved it; the limit check needs this member's value.
                self.value_start = value_start;
                emitted
            }
            _ => {
                let rule_name = rule_name.to_owned();
                self.transformed(key, action, &rule_name, depth)
            }
        }
    }

    /// A field under a transforming rule: scalars transformed, arrays element by element,
    /// `null` kept (it clears the attribute), objects dropped (no canonical text to hash).
    fn transformed(
        &mut self,
        key: &Str<'a>,
        action: Action,
        rule: &str,
        depth: usize,
    ) -> Result<Emitted, SanitizeError> {
        match self.peek() {
            Some(b'n') => {
                // `null` clears the attribute: under the name the hashed values go by.
                let (start, end) = self.scalar()?;
                self.write_key(key, action);
                self.copy(start, end);
                Ok(Emitted::Value)
            }
            Some(b'{') => self.skip_reported(depth, "dropped", "not_a_scalar"),
            Some(b'[') => {
                self.enter(depth + 1)?;
                self.write_key(key, action);
                self.elements(|walker| {
                    if matches!(walker.peek(), Some(b'{' | b'[')) {
                        walker.skip_reported(depth + 1, "dropped", "not_a_scalar")
                    } else {
                        walker.transformed_scalar(action, rule)
                    }
                })?;
                Ok(Emitted::Value)
            }
            _ => {
                let mark = self.out.len();
                self.write_key(key, action);
                let emitted = self.transformed_scalar(action, rule)?;
                if emitted == Emitted::Dropped {
                    self.out.truncate(mark);
                }
                Ok(emitted)
            }
        }
    }

    fn transformed_scalar(&mut self, action: Action, rule: &str) -> Result<Emitted, SanitizeError> {
        let text: Cow<'a, str> = if self.peek() == Some(b'"') {
            self.string()?.text
        } else {
            let (start, end) = self.scalar()?;
            if self.src.get(start) == Some(&b'n') {
                self.out.extend_from_slice(b"null");
                return Ok(Emitted::Value);
            }
            Cow::Borrowed(ascii(self.src.get(start..end).unwrap_or_default()))
        };
        match self.policy.transform(action, &text)? {
            Scalar::Value(value) => {
                write_json_string(&mut self.out, &value);
                self.check_output_size()?;
                self.note(action.verb(), rule);
                Ok(Emitted::Value)
            }
            Scalar::Drop(reason) => {
                self.note("dropped", reason);
                Ok(Emitted::Dropped)
            }
        }
    }

    fn write_key(&mut self, key: &Str<'a>, action: Action) {
        if action.renames() {
            // The raw key without its closing quote, then `_hash"`.
            self.copy(key.start, key.end.saturating_sub(1));
            self.out.extend_from_slice(b"_hash\"");
        } else {
            self.copy(key.start, key.end);
        }
        self.out.push(b':');
        self.value_start = self.out.len();
    }

    fn array(&mut self, depth: usize) -> Result<(), SanitizeError> {
        self.enter(depth)?;
        self.elements(|walker| walker.value(depth))
    }

    /// Writes the array at the cursor, each element by `element`; elements it drops are left
    /// out (with their commas), and the path names each element while it runs.
    fn elements(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<Emitted, SanitizeError>,
    ) -> Result<(), SanitizeError> {
        self.pos += 1;
        self.out.push(b'[');
        self.skip_ws();
        if self.eat(b']') {
            self.out.push(b']');
            return Ok(());
        }
        let mut index = 0usize;
        let mut written = 0usize;
        loop {
            self.skip_ws();
            let mark = self.out.len();
            if written > 0 {
                self.out.push(b',');
            }
            if self.mode == ReportMode::Full {
                self.path.push_index(index);
            }
            let emitted = element(self)?;
            if self.mode == ReportMode::Full {
                self.path.pop();
            }
            if emitted == Emitted::Value {
                written += 1;
            } else {
                self.out.truncate(mark);
            }
            index += 1;
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                break;
            }
            return Err(self.invalid("expected ',' or ']' in an array"));
        }
        self.out.push(b']');
        Ok(())
    }

    /// A string that is kept: copied raw unless a detector fires.
    fn kept_string(&mut self, token: &Str<'a>) -> Result<Emitted, SanitizeError> {
        match self.policy.scan(&token.text) {
            Scan::Clean => {
                self.copy(token.start, token.end);
                Ok(Emitted::Value)
            }
            Scan::Redacted(text, found) => {
                write_json_string(&mut self.out, &text);
                self.check_output_size()?;
                for detector in found {
                    self.note("redacted", format!("detector:{}", detector.as_str()));
                }
                Ok(Emitted::Value)
            }
            Scan::Drop(found) => {
                for detector in found {
                    self.note("dropped", format!("detector:{}", detector.as_str()));
                }
                Ok(Emitted::Dropped)
            }
        }
    }

    fn skip_reported(
        &mut self,
        depth: usize,
        action: &'static str,
        rule: impl Into<String>,
    ) -> Result<Emitted, SanitizeError> {
        self.skip_value(depth)?;
        self.note(action, rule);
        Ok(Emitted::Dropped)
    }

    /// Validates a value without writing it.
    fn skip_value(&mut self, depth: usize) -> Result<(), SanitizeError> {
        match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                self.enter(depth + 1)?;
                self.pos += 1;
                let close = if open == b'{' { b'}' } else { b']' };
                self.skip_ws();
                if self.eat(close) {
                    return Ok(());
                }
                loop {
                    self.skip_ws();
                    if open == b'{' {
                        if self.peek() != Some(b'"') {
                            return Err(self.invalid("expected a string key"));
                        }
                        self.string()?;
                        self.skip_ws();
                        if !self.eat(b':') {
                            return Err(self.invalid("expected ':' after a key"));
                        }
                        self.skip_ws();
                    }
                    self.skip_value(depth + 1)?;
                    self.skip_ws();
                    if self.eat(b',') {
                        continue;
                    }
                    if self.eat(close) {
                        return Ok(());
                    }
                    return Err(self.invalid("expected ',' or a closing bracket"));
                }
            }
            Some(b'"') => self.string().map(|_| ()),
            _ => self.scalar().map(|_| ()),
        }
    }

    /// Customer.io's limits on a top-level attribute. A value's size is its JSON text, without
    /// the quotes of a string.
    fn check_limits(&mut self, key: &Str<'a>, count: usize) -> Result<(), SanitizeError> {
        let limits = self.policy.limits;
        if limits.mode == LimitMode::Off
            || (limits.mode == LimitMode::Report && self.mode == ReportMode::Off)
        {
            return Ok(());
        }
        let value = self.out.get(self.value_start..).unwrap_or_default();
        // A string counts as its decoded UTF-8 bytes, like the object API's Buffer.byteLength;
        // anything else as its JSON text.
        let value_len = if value.first() == Some(&b'"') {
            decoded_len(value)
        } else {
            value.len()
        };
        let broken = [
            (
                key.text.len() > limits.name_bytes,
                "attribute_name_too_long",
            ),
            (value_len > limits.value_bytes, "attribute_value_too_long"),
            (count == limits.attributes + 1, "too_many_attributes"),
        ];
        for (hit, rule) in broken {
            if !hit {
                continue;
            }
            if limits.mode == LimitMode::Error {
                return Err(SanitizeError::new(
                    ErrorCode::LimitExceeded,
                    format!("a Customer.io limit is exceeded ({rule})"),
                ));
            }
            // Listed at the key's own path (the member's walk has popped it).
            let full = self.mode == ReportMode::Full;
            if full {
                self.path.push_key(key.text.clone());
            }
            self.note("limit", rule);
            if full {
                self.path.pop();
            }
        }
        Ok(())
    }

    fn note(&mut self, action: &'static str, rule: impl Into<String>) {
        match self.mode {
            ReportMode::Off => {}
            ReportMode::Counts => self.report.count(action, rule.into()),
            ReportMode::Full => self.report.list(&self.path, action, rule.into()),
        }
    }

    /// Refuses a document whose output has outgrown [`OUTPUT_FACTOR`] times its input: checked
    /// where the output can grow faster than the input (transformed and redacted values).
    fn check_output_size(&self) -> Result<(), SanitizeError> {
        if self.out.len() > self.max_out {
            return Err(SanitizeError::new(
                ErrorCode::OutputTooLarge,
                format!(
                    "the sanitized output would be more than {OUTPUT_FACTOR} times the input plus {} KiB",
                    OUTPUT_SLACK / 1024
                ),
            ));
        }
        Ok(())
    }

    fn enter(&self, depth: usize) -> Result<(), SanitizeError> {
        if depth > self.policy.max_depth {
            Err(SanitizeError::new(
                ErrorCode::MaxDepth,
                format!(
                    "the input nests deeper than {} levels",
                    self.policy.max_depth
                ),
            ))
        } else {
            Ok(())
        }
    }

    /// A number, `true`, `false` or `null`; returns its span.
    fn scalar(&mut self) -> Result<(usize, usize), SanitizeError> {
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
    fn string(&mut self) -> Result<Str<'a>, SanitizeError> {
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

    fn copy(&mut self, start: usize, end: usize) {
        self.out
            .extend_from_slice(self.src.get(start..end).unwrap_or_default());
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn invalid(&self, what: &str) -> SanitizeError {
        SanitizeError::new(
            ErrorCode::InvalidJson,
            format!("invalid JSON at byte {}: {what}", self.pos),
        )
    }
}

/// The UTF-8 length of a JSON string token's decoded contents (the token is known valid).
fn decoded_len(token: &[u8]) -> usize {
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
fn ascii(bytes: &[u8]) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::detect::DetectorSet;
    use crate::sanitize::engine::LimitMode;
    use crate::sanitize::policy::{Action, Digest, Unlisted};
    use crate::sanitize::pseudonym::Pepper;

    fn run(input: &str, policy: &Policy) -> (String, Report) {
        let (out, report) = sanitize_json(input.as_bytes(), policy).unwrap();
        (String::from_utf8(out).unwrap(), report)
    }

    fn clean(input: &str) -> String {
        run(input, &Policy::default()).0
    }

    fn sha16(value: &str) -> String {
        crate::sanitize::pseudonym::digest(value.as_bytes(), Digest::Sha256 { hex_chars: 16 }, None)
            .unwrap()
    }

    #[test]
    fn the_guide_example_matches_the_reference() {
        let out = clean(
            r#"{"email":"a@b.co","ssn":"123-45-6789","phone":"+15550123","Plan":"pro","IP":"10.0.0.1"}"#,
        );
        let expected = format!(
            r#"{{"email":"a@b.co","phone_hash":"{}","Plan":"pro","IP_hash":"{}"}}"#,
            sha16("+15550123"),
            sha16("10.0.0.1")
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn unchanged_values_are_copied_byte_for_byte() {
        let input = r#"{"a":1.50e3,"b":"caf\u00e9","c":[true,false,null],"d":{"e":-0}}"#;
        assert_eq!(clean(input), input);
    }

    #[test]
    fn nested_fields_are_sanitized_at_every_depth() {
        let (out, report) = run(
            r#"{"billing":{"card_number":"4111111111111111","city":"Oslo"},"contacts":[{"phone":"+4712345678"}]}"#,
            &Policy::default(),
        );
        assert_eq!(
            out,
            format!(
                r#"{{"billing":{{"city":"Oslo"}},"contacts":[{{"phone_hash":"{}"}}]}}"#,
                sha16("+4712345678")
            )
        );
        let paths: Vec<_> = report
            .changes
            .iter()
            .map(|c| (&*c.path, c.action))
            .collect();
        assert_eq!(
            paths,
            [
                ("billing.card_number", "dropped"),
                ("contacts[0].phone", "hashed")
            ]
        );
    }

    #[test]
    fn non_strings_under_hash_keys_never_pass_through() {
        let out = clean(
            r#"{"phone":15550123,"phone_number":["+1555","+1666"],"address":{"street":"x"},"ip":null}"#,
        );
        assert_eq!(
            out,
            format!(
                r#"{{"phone_hash":"{}","phone_number_hash":["{}","{}"],"ip_hash":null}}"#,
                sha16("15550123"),
                sha16("+1555"),
                sha16("+1666")
            )
        );
    }

    #[test]
    fn detectors_redact_inside_kept_strings() {
        let (out, report) = run(
            r#"{"note":"card 4111 1111 1111 1111 thanks"}"#,
            &Policy::default(),
        );
        assert_eq!(out, r#"{"note":"card [REDACTED:card_number] thanks"}"#);
        assert_eq!(report.changes[0].rule, "detector:card_number");
    }

    #[test]
    fn detectors_can_drop_the_field_or_element() {
        let policy = Policy {
            dropping_detectors: DetectorSet::all(),
            ..Policy::default()
        };
        let (out, _) = run(
            r#"{"a":"ssn 123-45-6789","b":["ok","123-45-6789"],"c":"fine"}"#,
            &policy,
        );
        assert_eq!(out, r#"{"b":["ok"],"c":"fine"}"#);
    }

    #[test]
    fn prototype_keys_are_dropped() {
        let (out, report) = run(
            r#"{"__proto__":{"admin":true},"constructor":1,"prototype":2,"x":{"__proto__":3}}"#,
            &Policy::default(),
        );
        assert_eq!(out, r#"{"x":{}}"#);
        assert!(report.changes.iter().all(|c| c.rule == "prototype_key"));
        assert_eq!(report.changes.len(), 4);
    }

    #[test]
    fn depth_beyond_the_limit_is_an_error_not_an_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = sanitize_json(deep.as_bytes(), &Policy::default()).unwrap_err();
        assert_eq!(error.code, ErrorCode::MaxDepth);
        let deep_skipped = format!(
            r#"{{"ssn":{}1{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let error = sanitize_json(deep_skipped.as_bytes(), &Policy::default()).unwrap_err();
        assert_eq!(error.code, ErrorCode::MaxDepth);
        let at_limit = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(sanitize_json(at_limit.as_bytes(), &Policy::default()).is_ok());
    }

    #[test]
    fn invalid_json_is_an_error_with_an_offset_and_no_value() {
        for bad in [
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{"a":"x"#,
            r#"{"a":01}"#,
            r#"{"a":1}x"#,
            r#"{"secret-value":tru}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":"\x"}"#,
            "",
        ] {
            let error = sanitize_json(bad.as_bytes(), &Policy::default()).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidJson, "{bad}");
            assert!(!error.message.contains("secret-value"));
        }
        assert_eq!(
            sanitize_json(b"{\"a\":\"\xff\"}", &Policy::default())
                .unwrap_err()
                .code,
            ErrorCode::InvalidJson
        );
    }

    #[test]
    fn escaped_keys_are_matched_after_decoding() {
        let out = clean(r#"{"\u0073sn":"x","ph\u006fne":"+1555"}"#);
        assert_eq!(
            out,
            format!(r#"{{"ph\u006fne_hash":"{}"}}"#, sha16("+1555"))
        );
    }

    #[test]
    fn allow_list_mode_keeps_only_listed_fields() {
        let mut policy = Policy::default();
        policy.rules.unlisted = Unlisted::Drop;
        policy.rules.set("email", Action::Keep).unwrap();
        let (out, report) = run(r#"{"email":"a@b.co","plan":"pro","ssn":"x"}"#, &policy);
        assert_eq!(out, r#"{"email":"a@b.co"}"#);
        assert_eq!(report.changes.len(), 2);
    }

    #[test]
    fn hmac_rules_write_the_key_id() {
        let mut policy = Policy {
            pepper: Some(Pepper::new(b"pepper", "2026-01").unwrap()),
            ..Policy::default()
        };
        policy
            .rules
            .set(
                "phone",
                Action::Pseudonymize(Digest::Hmac { hex_chars: 64 }),
            )
            .unwrap();
        let out = clean_with(r#"{"phone":"+15550123"}"#, &policy);
        assert!(out.starts_with(r#"{"phone_hash":"2026-01:"#), "{out}");
        assert_eq!(out.len(), r#"{"phone_hash":"2026-01:"}"#.len() + 64);
    }

    fn clean_with(input: &str, policy: &Policy) -> String {
        run(input, policy).0
    }

    #[test]
    fn hmac_without_a_pepper_fails_closed() {
        let mut policy = Policy::default();
        policy
            .rules
            .set(
                "phone",
                Action::Pseudonymize(Digest::Hmac { hex_chars: 64 }),
            )
            .unwrap();
        let error = sanitize_json(br#"{"phone":"+15550123"}"#, &policy).unwrap_err();
        assert_eq!(error.code, ErrorCode::MissingPepper);
    }

    #[test]
    fn e164_rule_keeps_valid_phones_and_drops_the_rest() {
        let mut policy = Policy::default();
        policy.rules.set("phone", Action::E164).unwrap();
        assert_eq!(
            clean_with(r#"{"phone":"+15550123456"}"#, &policy),
            r#"{"phone":"+15550123456"}"#
        );
        assert_eq!(clean_with(r#"{"phone":"555-0123"}"#, &policy), r#"{}"#);
    }

    #[test]
    fn limits_are_reported_or_enforced() {
        let long_name = "n".repeat(151);
        let fits = format!(r#"{{"{}":1,"v":"{}"}}"#, "n".repeat(150), "x".repeat(1000));
        assert!(run(&fits, &Policy::default()).1.is_empty());
        let input = format!(r#"{{"{long_name}":1,"v":"{}"}}"#, "x".repeat(1001));
        let (_, report) = run(&input, &Policy::default());
        let rules: Vec<_> = report.changes.iter().map(|c| c.rule.as_str()).collect();
        assert_eq!(
            rules,
            ["attribute_name_too_long", "attribute_value_too_long"]
        );
        let strict = Policy {
            limits: crate::sanitize::engine::Limits {
                mode: LimitMode::Error,
                ..Default::default()
            },
            ..Policy::default()
        };
        assert_eq!(
            sanitize_json(input.as_bytes(), &strict).unwrap_err().code,
            ErrorCode::LimitExceeded
        );
        let many = format!(
            "{{{}}}",
            (0..301)
                .map(|i| format!(r#""k{i}":1"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        let (_, report) = run(&many, &Policy::default());
        assert_eq!(report.changes.len(), 1);
        assert_eq!(report.changes[0].rule, "too_many_attributes");
    }

    #[test]
    fn kept_names_still_walk_objects_and_arrays() {
        let mut policy = Policy::default();
        policy.rules.set("email", Action::Keep).unwrap();
        assert_eq!(
            clean_with(
                r#"{"email":{"password":"x","ok":"123-45-6789"},"id":"1"}"#,
                &policy
            ),
            r#"{"email":{"ok":"[REDACTED:us_ssn]"},"id":"1"}"#
        );
        assert_eq!(
            clean_with(r#"{"email":"123-45-6789"}"#, &policy),
            r#"{"email":"123-45-6789"}"#
        );
    }

    #[test]
    fn removed_rules_leave_the_field_to_the_detectors() {
        let mut policy = Policy::default();
        policy.rules.remove("phone");
        assert_eq!(
            clean_with(
                r#"{"phone":"card 4111 1111 1111 1111","home_phone":"x"}"#,
                &policy
            ),
            r#"{"phone":"card [REDACTED:card_number]","home_phone":"x"}"#
        );
    }

    #[test]
    fn nested_values_are_measured_whole_and_strings_by_decoded_bytes() {
        let nested = format!(r#"{{"a":{{"b":"{}","c":1}}}}"#, "x".repeat(1200));
        assert_eq!(
            run(&nested, &Policy::default()).1.changes[0].rule,
            "attribute_value_too_long"
        );
        let escaped = format!(r#"{{"a":"{}"}}"#, "\\n".repeat(600));
        assert!(run(&escaped, &Policy::default()).1.is_empty());
        let wide = format!(r#"{{"a":"{}"}}"#, "é".repeat(501));
        assert_eq!(run(&wide, &Policy::default()).1.changes.len(), 1);
    }

    #[test]
    fn whitespace_between_tokens_is_dropped() {
        assert_eq!(clean("{ \"a\" : [ 1 , 2 ] }\n"), r#"{"a":[1,2]}"#);
    }

    #[test]
    fn report_never_holds_a_value() {
        let (_, report) = run(
            r#"{"ssn":"123-45-6789","phone":"+15550123","note":"4111111111111111"}"#,
            &Policy::default(),
        );
        let shown = format!("{report:?}");
        for value in ["123-45-6789", "15550123", "4111111111111111"] {
            assert!(!shown.contains(value), "{shown}");
        }
    }
}
