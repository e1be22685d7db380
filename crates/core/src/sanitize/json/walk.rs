//! The policy walk over JSON text: each member's key decided by the policy, its value copied,
//! transformed, scanned by the detectors or skipped, the limits checked and the report kept.
//! Tokens are read by the methods in [`super::lexer`].

use std::borrow::Cow;

use super::lexer::{ascii, decoded_len, write_json_string, Str};
use super::{OUTPUT_FACTOR, OUTPUT_SLACK};
use crate::sanitize::decisions::KeyDecisions;
use crate::sanitize::policy::{
    Decision, ErrorCode, LimitMode, Policy, SanitizeError, Scalar, Scan,
};
use crate::sanitize::report::{action, rule, PathStack, Report, ReportMode};
use crate::sanitize::rules::Action;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Emitted {
    Value,
    Dropped,
}

/// One document's walk: the lexer's cursor over the input (`src`, `text`, `pos`), the output,
/// and the walk's own state (policy, report, path, limits).
pub(super) struct Walker<'a, 'p> {
    pub(super) src: &'a [u8],
    /// The same bytes as `src`, known to be UTF-8.
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) out: Vec<u8>,
    /// Past this many output bytes the document is refused (`ERR_OUTPUT_TOO_LARGE`).
    pub(super) max_out: usize,
    pub(super) policy: &'p Policy,
    pub(super) report: Report,
    pub(super) mode: ReportMode,
    pub(super) path: PathStack<'a>,
    /// Where the value of the member being written starts in `out` (for the size limit).
    pub(super) value_start: usize,
    /// Decisions remembered across the documents of a bulk walk (none for a single document).
    pub(super) keys: Option<KeyDecisions>,
}

impl<'a, 'p> Walker<'a, 'p> {
    pub(super) fn document(&mut self) -> Result<(), SanitizeError> {
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
                        self.note(action::DROPPED, detector.rule());
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
            if self.mode != ReportMode::Off {
                self.path.push_key(key.text.clone());
            }
            let emitted = self.member(&key, count > 0, depth)?;
            if self.mode != ReportMode::Off {
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
        let decision = match self.keys.as_mut() {
            Some(keys) => keys.decide(self.policy, &key.text),
            None => self.policy.decide(&key.text),
        };
        let rule = match decision {
            Decision::Forbidden => {
                return self.skip_reported(depth, action::DROPPED, rule::PROTOTYPE_KEY)
            }
            Decision::Unlisted => {
                return self.skip_reported(depth, action::DROPPED, rule::NOT_ALLOWED)
            }
            Decision::Keep => None,
            Decision::Rule(rule) => Some(rule),
        };
        let action = rule.map_or(Action::Keep, |rule| rule.action);
        let rule_name = rule.map_or("", |rule| rule.name.as_str());
        if comma {
            self.out.push(b',');
        }
        match action {
            Action::Drop => self.skip_reported(depth, action::DROPPED, rule_name),
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
            Some(b'{') => self.skip_reported(depth, action::DROPPED, rule::NOT_A_SCALAR),
            Some(b'[') => {
                self.enter(depth + 1)?;
                self.write_key(key, action);
                self.elements(|walker| {
                    if matches!(walker.peek(), Some(b'{' | b'[')) {
                        walker.skip_reported(depth + 1, action::DROPPED, rule::NOT_A_SCALAR)
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
                self.note(action::DROPPED, reason);
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
            if self.mode != ReportMode::Off {
                self.path.push_index(index);
            }
            let emitted = element(self)?;
            if self.mode != ReportMode::Off {
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
                    self.note(action::REDACTED, detector.rule());
                }
                Ok(Emitted::Value)
            }
            Scan::Drop(found) => {
                for detector in found {
                    self.note(action::DROPPED, detector.rule());
                }
                Ok(Emitted::Dropped)
            }
        }
    }

    fn skip_reported(
        &mut self,
        depth: usize,
        action: &'static str,
        rule: &str,
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
                rule::ATTRIBUTE_NAME_TOO_LONG,
            ),
            (
                value_len > limits.value_bytes,
                rule::ATTRIBUTE_VALUE_TOO_LONG,
            ),
            (count == limits.attributes + 1, rule::TOO_MANY_ATTRIBUTES),
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
            let counting = self.mode != ReportMode::Off;
            if counting {
                self.path.push_key(key.text.clone());
            }
            self.note(action::LIMIT, rule);
            if counting {
                self.path.pop();
            }
        }
        Ok(())
    }

    fn note(&mut self, action: &'static str, rule: &str) {
        match self.mode {
            ReportMode::Off => {}
            ReportMode::Counts => self.report.count(&self.path, action, rule),
            ReportMode::Full => self.report.list(&self.path, action, rule),
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
}
