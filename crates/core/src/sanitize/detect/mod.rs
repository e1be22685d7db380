//! Value detectors: secrets and personal data found inside any string, wherever they sit in it.
//!
//! Each detector pairs a shape with a check (Luhn, the SSA's rules, ISO 13616 mod-97, a JWT
//! header that decodes to JSON), because a shape alone flags order numbers, timestamps and
//! random ids. The scan is one left-to-right pass with no regular expressions and no
//! backtracking: a candidate is only tried where a token starts, and each detector's work from
//! one start is either bounded (a card spans at most 19 digits and their separators) or covers a
//! run that no other start of the same detector covers again, so the work is linear in the input.
//!
//! Text is read through [`fold`]: Unicode digits, spaces and dashes count as their ASCII forms,
//! one byte per character, so `４１１１ １１１１…` and `4111–1111–…` are found like the ASCII
//! forms and every match maps back to a char-aligned byte range.
//!
//! ## Where a match may start
//!
//! A match starts only where a token starts: after the start of the text or a byte that is not
//! an ASCII letter or digit, so `x4111111111111111` and `ID123-45-6789` are not cut out of a
//! longer id. One exception: what an encoding leaves right before a value is not part of it.
//! After the two characters `\n` (any of the escapes `\b \f \n \r \t \v`, written out, as
//! double-escaped JSON leaves them), `\uXXXX`, `%uXXXX`, `\xXX` or `%XX` (URL encoding), a token
//! starts even though the byte before is a letter or a digit: `\n4111…` and `%204111…` are found.
//! The escape's letter itself never starts a token (`\nada@example.com` is `ada@example.com`).
//! (`+4111…` and `&nbsp;4111…` need no exception: `+` and `;` already end a token.)

mod aws;
mod bearer;
mod card;
mod email;
mod fold;
mod iban;
mod js;
mod jwt;
mod number;
mod pem;
mod phone;
mod ssn;

use std::fmt;

pub use js::{js_prefilter, JsPrefilter};
use js::{JsClasses, JsShape};
pub use number::{card_in_number, card_in_numeric_string, NUMERIC_STRING_MIN_LEN};

/// One kind of value a sanitizer can find in free text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detector {
    CardNumber,
    UsSsn,
    Iban,
    Jwt,
    PrivateKey,
    AwsAccessKeyId,
    BearerToken,
    Email,
    Phone,
}

impl Detector {
    /// Every detector, in the order used to break ties between equally long matches.
    pub const ALL: [Detector; 9] = [
        Detector::CardNumber,
        Detector::UsSsn,
        Detector::Iban,
        Detector::Jwt,
        Detector::PrivateKey,
        Detector::AwsAccessKeyId,
        Detector::BearerToken,
        Detector::Email,
        Detector::Phone,
    ];

    /// The stable name the JavaScript API reports (`detector:<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Detector::CardNumber => "card_number",
            Detector::UsSsn => "us_ssn",
            Detector::Iban => "iban",
            Detector::Jwt => "jwt",
            Detector::PrivateKey => "private_key",
            Detector::AwsAccessKeyId => "aws_access_key_id",
            Detector::BearerToken => "bearer_token",
            Detector::Email => "email",
            Detector::Phone => "phone",
        }
    }

    /// The rule a report names for this detector's finds, `detector:<name>`
    /// ([`crate::sanitize::report::rule::DETECTOR_PREFIX`] and [`Detector::as_str`]). A constant, so
    /// counting a find allocates nothing.
    pub fn rule(self) -> &'static str {
        match self {
            Detector::CardNumber => "detector:card_number",
            Detector::UsSsn => "detector:us_ssn",
            Detector::Iban => "detector:iban",
            Detector::Jwt => "detector:jwt",
            Detector::PrivateKey => "detector:private_key",
            Detector::AwsAccessKeyId => "detector:aws_access_key_id",
            Detector::BearerToken => "detector:bearer_token",
            Detector::Email => "detector:email",
            Detector::Phone => "detector:phone",
        }
    }

    /// The text [`redact`] puts in place of a match, `[REDACTED:<name>]`. A constant, so
    /// redacting does not format a string per match.
    pub fn redaction(self) -> &'static str {
        match self {
            Detector::CardNumber => "[REDACTED:card_number]",
            Detector::UsSsn => "[REDACTED:us_ssn]",
            Detector::Iban => "[REDACTED:iban]",
            Detector::Jwt => "[REDACTED:jwt]",
            Detector::PrivateKey => "[REDACTED:private_key]",
            Detector::AwsAccessKeyId => "[REDACTED:aws_access_key_id]",
            Detector::BearerToken => "[REDACTED:bearer_token]",
            Detector::Email => "[REDACTED:email]",
            Detector::Phone => "[REDACTED:phone]",
        }
    }

    /// The fewest characters a match of this detector spans. Every match is at least this many
    /// characters, so at least this many bytes in Rust and UTF-16 units in JavaScript.
    pub const fn min_chars(self) -> usize {
        match self {
            Detector::CardNumber => card::MIN_LEN,
            Detector::UsSsn => ssn::MIN_LEN,
            Detector::Iban => iban::MIN_LEN,
            Detector::Jwt => jwt::MIN_LEN,
            Detector::PrivateKey => pem::MIN_LEN,
            Detector::AwsAccessKeyId => aws::MIN_LEN,
            Detector::BearerToken => bearer::MIN_LEN,
            Detector::Email => email::MIN_LEN,
            Detector::Phone => phone::MIN_LEN,
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which detectors a scan runs. A plain value: build it once per configuration and copy it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DetectorSet(u16);

impl fmt::Debug for DetectorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(Detector::ALL.into_iter().filter(|&d| self.contains(d)))
            .finish()
    }
}

impl DetectorSet {
    /// Every detector, the opt-in ones included.
    pub const fn all() -> Self {
        // Each detector's bit is its position in the enum, 0 to 8.
        DetectorSet((1 << Detector::ALL.len()) - 1)
    }

    /// The detectors a policy runs unless told otherwise: all but emails and phone numbers in
    /// free text. Customer.io needs `email` and `phone` attributes raw, and a phone shape in
    /// free text also fits order numbers and dates, so those two are opt-in.
    pub const fn defaults() -> Self {
        DetectorSet::all()
            .without(Detector::Email)
            .without(Detector::Phone)
    }

    /// No detector: [`find`] finds nothing and [`may_contain`] is always false.
    pub const fn none() -> Self {
        DetectorSet(0)
    }

    /// This set plus `detector`.
    pub const fn with(self, detector: Detector) -> Self {
        DetectorSet(self.0 | detector.bit())
    }

    /// This set minus `detector`.
    pub const fn without(self, detector: Detector) -> Self {
        DetectorSet(self.0 & !detector.bit())
    }

    /// True if `detector` is in the set.
    pub const fn contains(self, detector: Detector) -> bool {
        self.0 & detector.bit() != 0
    }

    /// The detectors in either set.
    pub const fn union(self, other: Self) -> Self {
        DetectorSet(self.0 | other.0)
    }

    /// The detectors in both sets.
    pub const fn intersect(self, other: Self) -> Self {
        DetectorSet(self.0 & other.0)
    }

    /// The detectors in this set and not in `other`.
    pub const fn difference(self, other: Self) -> Self {
        DetectorSet(self.0 & !other.0)
    }

    /// True if no detector is in the set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fewest characters any match of the set spans; `usize::MAX` for the empty set.
    pub fn min_chars(self) -> usize {
        // Checked on every kept string: the first member in this order is the answer.
        const BY_MIN_CHARS: [Detector; 9] = [
            Detector::Email,
            Detector::Phone,
            Detector::UsSsn,
            Detector::CardNumber,
            Detector::Iban,
            Detector::Jwt,
            Detector::AwsAccessKeyId,
            Detector::PrivateKey,
            Detector::BearerToken,
        ];
        BY_MIN_CHARS
            .into_iter()
            .find(|&d| self.contains(d))
            .map_or(usize::MAX, Detector::min_chars)
    }
}

/// One match: which detector, and the byte range `start..end` of the input it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub detector: Detector,
    pub start: usize,
    pub end: usize,
}

/// All non-overlapping matches of the enabled detectors, left to right.
///
/// Where matches of different detectors overlap, the one that starts first wins, then the
/// longer one: an IBAN's digits are never also reported as a card. Allocates nothing when
/// nothing is found in ASCII text; text with other characters is folded into a copy first.
pub fn find(text: &str, enabled: DetectorSet) -> Vec<Found> {
    let mut found = Vec::new();
    if enabled.is_empty() {
        return found;
    }
    if text.is_ascii() {
        scan(text.as_bytes(), enabled, &mut found);
        return found;
    }
    let (folded, starts) = fold::fold(text);
    scan(&folded, enabled, &mut found);
    // Positions in the folded text count characters; map them back to byte offsets.
    let offset = |pos: usize| starts.get(pos).copied().unwrap_or(text.len());
    for hit in &mut found {
        hit.start = offset(hit.start);
        hit.end = offset(hit.end);
    }
    found
}

/// The scan proper, over ASCII or folded bytes.
fn scan(bytes: &[u8], enabled: DetectorSet, found: &mut Vec<Found>) {
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        if may_start(byte) && starts_token(bytes, pos) {
            if let Some(hit) = longest_at(bytes, pos, enabled) {
                found.push(hit);
                // Every match ends after `pos`, so the scan always moves forward.
                pos = hit.end.max(pos.saturating_add(1));
                continue;
            }
        }
        // `pos` indexes a byte of the text, so this cannot overflow.
        pos = pos.saturating_add(1);
    }
}

/// The first bytes any detector's match can begin with: a letter or digit, `+` or `(` (a
/// phone number), `-` (a PEM block).
fn may_start(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'(' | b'-')
}

/// True if a token starts at `pos` (see the module documentation).
fn starts_token(bytes: &[u8], pos: usize) -> bool {
    match pos.checked_sub(1).and_then(|before| bytes.get(before)) {
        Some(before) if before.is_ascii_alphanumeric() => after_encoding_residue(bytes, pos),
        // The letter of a written-out escape belongs to the escape: in `\nada@example.com`
        // the address starts at `a`, not `n`.
        Some(b'\\') => !matches!(
            bytes.get(pos),
            Some(b'b' | b'f' | b'n' | b'r' | b't' | b'v')
        ),
        _ => true,
    }
}

/// True if the bytes right before `pos` are a written-out escape or a URL-encoded byte:
/// `\n` (`\b \f \n \r \t \v`), `\uXXXX`, `%uXXXX`, `\xXX`, `%XX`.
fn after_encoding_residue(bytes: &[u8], pos: usize) -> bool {
    let before = |len: usize| pos.checked_sub(len).and_then(|s| bytes.get(s..pos));
    let hex = |digits: &[u8]| digits.iter().all(u8::is_ascii_hexdigit);
    if let Some(&[b'\\', letter]) = before(2) {
        if matches!(letter, b'b' | b'f' | b'n' | b'r' | b't' | b'v') {
            return true;
        }
    }
    if let Some([b'%', digits @ ..]) = before(3) {
        if hex(digits) {
            return true;
        }
    }
    if let Some([b'\\', b'x', digits @ ..]) = before(4) {
        if hex(digits) {
            return true;
        }
    }
    matches!(before(6), Some([b'\\' | b'%', b'u', digits @ ..]) if hex(digits))
}

/// Cheap early exit for every string: false means [`find`] would find nothing.
///
/// One pass, no allocation, a few counters per byte: a card needs 13 digits in a run of digits
/// and separators, an SSN 9 digits joined only by spaces or dashes, a phone number 8, an IBAN
/// two letters and two digits followed by at least 11 more letters and digits; the secrets need
/// their fixed prefixes (`eyJ`, `---BEGIN`, `AKIA`/`ASIA`, `bearer`) and an email an `@`. True
/// does not mean there is a match.
pub fn may_contain(text: &str, enabled: DetectorSet) -> bool {
    if text.is_ascii() {
        return may_contain_ascii(text.as_bytes(), enabled);
    }
    let mut state = Prefilter::new(enabled);
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        if byte.is_ascii() {
            if state.push(byte) {
                return true;
            }
            pos = pos.saturating_add(1);
        } else {
            // A multi-byte character: fold it as `find` does.
            let Some(c) = text.get(pos..).and_then(|rest| rest.chars().next()) else {
                return true; // cannot happen in a `str`; err on the side of scanning
            };
            if state.push(fold::fold_char(c)) {
                return true;
            }
            pos = pos.saturating_add(c.len_utf8());
        }
    }
    false
}

/// What [`may_contain_ascii`] does with each byte.
const DIGIT: u8 = 1;
/// Joins the digits of a card, a phone and an SSN.
const SEPARATOR: u8 = 2;
/// Joins the digits of a card or a phone, not an SSN (`%` for `%20`, whose `20` then counts as
/// digits: more "maybe", never a miss).
const SEPARATOR_NOT_SSN: u8 = 3;
/// The last byte of a secret's prefix (`eyJ`, `BEGIN`, `AKIA`, `bearer`) or `@`.
const TRIGGER: u8 = 4;
const LETTER: u8 = 5;
const OTHER_BYTE: u8 = 0;

/// The class of each byte, looked up once per byte of every scanned string (a table measured
/// a fifth faster than the equivalent `match` here).
// Indexing in a `const` is evaluated by the compiler: an index out of range would fail the
// build, never a user's call.
#[allow(clippy::indexing_slicing)]
const BYTE_CLASS: [u8; 256] = {
    let mut table = [OTHER_BYTE; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = match byte {
            b'0'..=b'9' => DIGIT,
            b' ' | b'-' => SEPARATOR,
            b'.' | b'(' | b')' | b'+' | b'%' => SEPARATOR_NOT_SSN,
            b'J' | b'N' | b'A' | b'r' | b'R' | b'@' => TRIGGER,
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            _ => OTHER_BYTE,
        };
        b += 1;
    }
    table
};

/// [`may_contain`] for ASCII text, which needs no folding: digit runs are counted in the loop,
/// and the rarer shapes (an IBAN head, a secret's prefix) are checked where they can end, by
/// looking at the bytes around. The same answers as the folded state machine, at about half
/// its cost, which matters: this runs on every kept string of every JSON document.
fn may_contain_ascii(bytes: &[u8], enabled: DetectorSet) -> bool {
    let needed = |detector: Detector, digits: usize| {
        if enabled.contains(detector) {
            digits
        } else {
            usize::MAX
        }
    };
    let ssn_needed = needed(Detector::UsSsn, ssn::DIGITS);
    let digits_needed = needed(Detector::CardNumber, card::MIN_DIGITS)
        .min(needed(Detector::Phone, phone::MIN_DIGITS));
    let iban = enabled.contains(Detector::Iban);
    let mut ssn_digits = 0usize;
    let mut digits = 0usize;
    for (i, &byte) in bytes.iter().enumerate() {
        match BYTE_CLASS
            .get(usize::from(byte))
            .copied()
            .unwrap_or(OTHER_BYTE)
        {
            DIGIT => {
                ssn_digits = ssn_digits.saturating_add(1);
                digits = digits.saturating_add(1);
                if ssn_digits >= ssn_needed || digits >= digits_needed {
                    return true;
                }
                if iban && iban_head_at(bytes, i) {
                    return true;
                }
            }
            SEPARATOR => {}
            SEPARATOR_NOT_SSN => ssn_digits = 0,
            TRIGGER => {
                ssn_digits = 0;
                digits = 0;
                if literal_ends_at(bytes, i, enabled) {
                    return true;
                }
            }
            _ => {
                ssn_digits = 0;
                digits = 0;
            }
        }
    }
    false
}

/// True if an IBAN head (two letters, two digits) has its first digit at `i` and at least 11
/// letters or digits follow it, single spaces allowed between them.
fn iban_head_at(bytes: &[u8], i: usize) -> bool {
    let at = |j: Option<usize>| j.and_then(|j| bytes.get(j)).copied().unwrap_or(0);
    if !(at(i.checked_sub(1)).is_ascii_alphabetic()
        && at(i.checked_sub(2)).is_ascii_alphabetic()
        && at(i.checked_add(1)).is_ascii_digit())
    {
        return false;
    }
    let mut count = iban::HEAD_LEN;
    let mut previous = 0u8;
    for &byte in bytes.get(i.saturating_add(2)..).unwrap_or_default() {
        if byte.is_ascii_alphanumeric() {
            count += 1;
            if count >= iban::MIN_LEN {
                return true;
            }
        } else if byte != b' ' || previous == b' ' {
            return false;
        }
        previous = byte;
    }
    false
}

/// True if the bytes up to `i` end with the prefix of an enabled secret detector, or `i` is an
/// `@` and emails are on.
fn literal_ends_at(bytes: &[u8], i: usize, enabled: DetectorSet) -> bool {
    let before = bytes.get(..=i).unwrap_or_default();
    let on = |d: Detector| enabled.contains(d);
    match before.last() {
        Some(b'J') => on(Detector::Jwt) && before.ends_with(b"eyJ"),
        Some(b'N') => on(Detector::PrivateKey) && before.ends_with(b"---BEGIN"),
        Some(b'A') => {
            on(Detector::AwsAccessKeyId) && (before.ends_with(b"AKIA") || before.ends_with(b"ASIA"))
        }
        Some(b'r' | b'R') => {
            on(Detector::BearerToken)
                && before
                    .len()
                    .checked_sub(6)
                    .and_then(|start| before.get(start..))
                    .is_some_and(|word| word.eq_ignore_ascii_case(b"bearer"))
        }
        Some(b'@') => on(Detector::Email),
        _ => false,
    }
}

/// The state of [`may_contain`] on text that is not ASCII, after the (folded) bytes seen so far.
struct Prefilter {
    enabled: DetectorSet,
    /// Digits an SSN needs in `ssn_digits`, or `usize::MAX` when SSNs are off.
    ssn_needed: usize,
    /// Digits a card or a phone needs in `digits`, or `usize::MAX` when both are off.
    digits_needed: usize,
    /// Digits in the current run of digits, spaces and dashes.
    ssn_digits: usize,
    /// Digits in the current run of digits and the separators of cards and phones.
    digits: usize,
    /// ASCII letters right before (at most 2 counted), then digits after them (IBAN head).
    head_letters: u8,
    head_digits: u8,
    /// Letters and digits since the latest IBAN head, in a run where single spaces are allowed;
    /// 0 when no head is open.
    iban_chars: usize,
    previous: u8,
    /// The latest eight bytes, the newest in the low byte: prefixes are compared in one go.
    history: u64,
}

impl Prefilter {
    fn new(enabled: DetectorSet) -> Self {
        let needed = |detector: Detector, digits: usize| {
            if enabled.contains(detector) {
                digits
            } else {
                usize::MAX
            }
        };
        Prefilter {
            enabled,
            ssn_needed: needed(Detector::UsSsn, ssn::DIGITS),
            digits_needed: needed(Detector::CardNumber, card::MIN_DIGITS)
                .min(needed(Detector::Phone, phone::MIN_DIGITS)),
            ssn_digits: 0,
            digits: 0,
            head_letters: 0,
            head_digits: 0,
            iban_chars: 0,
            previous: 0,
            history: 0,
        }
    }

    /// Takes one folded byte; true as soon as some detector may match.
    #[inline]
    fn push(&mut self, byte: u8) -> bool {
        self.history = (self.history << 8) | u64::from(byte);
        let previous = std::mem::replace(&mut self.previous, byte);
        let on = |d: Detector| self.enabled.contains(d);
        match byte {
            b'0'..=b'9' => {
                self.ssn_digits = self.ssn_digits.saturating_add(1);
                self.digits = self.digits.saturating_add(1);
                if self.ssn_digits >= self.ssn_needed || self.digits >= self.digits_needed {
                    return true;
                }
                if self.iban_chars > 0 {
                    self.iban_chars = self.iban_chars.saturating_add(1);
                }
                if self.head_letters >= 2 {
                    self.head_digits = self.head_digits.saturating_add(1);
                    if self.head_digits == 2 {
                        self.iban_chars = self.iban_chars.max(iban::HEAD_LEN);
                        self.head_letters = 0;
                        self.head_digits = 0;
                    }
                } else {
                    self.head_letters = 0;
                }
                return on(Detector::Iban) && self.iban_chars >= iban::MIN_LEN;
            }
            b'A'..=b'Z' | b'a'..=b'z' => {
                self.ssn_digits = 0;
                self.digits = 0;
                self.head_digits = 0;
                self.head_letters = self.head_letters.saturating_add(1).min(2);
                if self.iban_chars > 0 {
                    self.iban_chars = self.iban_chars.saturating_add(1);
                    if on(Detector::Iban) && self.iban_chars >= iban::MIN_LEN {
                        return true;
                    }
                }
                return match byte {
                    b'J' => on(Detector::Jwt) && self.ends_with(b"eyJ"),
                    b'A' => {
                        on(Detector::AwsAccessKeyId)
                            && (self.ends_with(b"AKIA") || self.ends_with(b"ASIA"))
                    }
                    b'N' => on(Detector::PrivateKey) && self.ends_with(b"---BEGIN"),
                    b'r' | b'R' => {
                        on(Detector::BearerToken) && self.ends_with_ignore_case(b"bearer")
                    }
                    _ => false,
                };
            }
            b' ' | b'-' => {
                // An IBAN's groups are joined by single spaces only.
                if byte == b'-' || previous == b' ' {
                    self.iban_chars = 0;
                }
            }
            // Card and phone separators (`%` for a URL-encoded space, whose `20` then counts
            // as digits: more "maybe", never a miss).
            b'.' | b'(' | b')' | b'+' | b'%' => {
                self.ssn_digits = 0;
                self.iban_chars = 0;
            }
            b'@' => {
                if on(Detector::Email) {
                    return true;
                }
                self.reset();
            }
            _ => self.reset(),
        }
        self.head_letters = 0;
        self.head_digits = 0;
        false
    }

    fn reset(&mut self) {
        self.ssn_digits = 0;
        self.digits = 0;
        self.iban_chars = 0;
    }

    /// True if the latest bytes are `suffix` (at most 8 bytes).
    fn ends_with(&self, suffix: &[u8]) -> bool {
        self.last(suffix.len()) == pack(suffix)
    }

    /// Like [`Self::ends_with`] for a lowercase ASCII `suffix`, in any letter case. Setting
    /// bit 5 lowercases an ASCII letter; a non-letter it changes may then compare equal, which
    /// only makes the pre-filter say "maybe" more often.
    fn ends_with_ignore_case(&self, suffix: &[u8]) -> bool {
        let lower = pack(&[0x20; 8]);
        (self.last(suffix.len()) | (lower & mask(suffix.len()))) == pack(suffix)
    }

    fn last(&self, len: usize) -> u64 {
        self.history & mask(len)
    }
}

/// Up to 8 bytes as a number, the last byte lowest, as [`Prefilter::history`] holds them.
fn pack(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .fold(0, |acc, &byte| (acc << 8) | u64::from(byte))
}

fn mask(len: usize) -> u64 {
    match len {
        0 => 0,
        1..=7 => (1u64 << (len * 8)) - 1,
        _ => u64::MAX,
    }
}

/// Replaces each match with `[REDACTED:<detector>]`.
///
/// Returns the new text and the detectors that matched, each once, in the order of their first
/// match (a report says which rules fired, not how often); `None`, without allocating, when
/// nothing matched.
pub fn redact(text: &str, enabled: DetectorSet) -> Option<(String, Vec<Detector>)> {
    let found = find(text, enabled);
    if found.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut detectors = Vec::with_capacity(Detector::ALL.len());
    let mut copied = 0;
    for hit in &found {
        // Cannot fail: matches are in order and on char boundaries.
        out.push_str(text.get(copied..hit.start)?);
        out.push_str(hit.detector.redaction());
        if !detectors.contains(&hit.detector) {
            detectors.push(hit.detector);
        }
        copied = hit.end;
    }
    out.push_str(text.get(copied..)?);
    Some((out, detectors))
}

// ---- Helpers shared by the detectors ----

/// How many bytes from `start` are in `class`, counting at most `cap`. Callers pass a cap one
/// past the longest run they accept, so "too long" is seen without reading the whole run.
fn run_len(bytes: &[u8], start: usize, cap: usize, class: fn(&u8) -> bool) -> usize {
    bytes.get(start..).map_or(0, |rest| {
        rest.iter()
            .take(cap)
            .take_while(|&byte| class(byte))
            .count()
    })
}

/// True if a match may end just before `pos`: the end of the text or a byte that is not an
/// ASCII letter or digit.
fn ends_token(bytes: &[u8], pos: usize) -> bool {
    !bytes.get(pos).is_some_and(u8::is_ascii_alphanumeric)
}

/// True if `bytes` has `prefix` at `pos`.
fn has_at(bytes: &[u8], pos: usize, prefix: &[u8]) -> bool {
    bytes
        .get(pos..)
        .is_some_and(|rest| rest.starts_with(prefix))
}

/// A fixed-size buffer of the characters of a candidate, gathered without its separators, so
/// checking a candidate allocates nothing.
struct Chars<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Chars<N> {
    fn new() -> Self {
        Chars {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Appends all of `src`, or nothing and false if it would not fit.
    fn push_all(&mut self, src: &[u8]) -> bool {
        let Some(end) = self.len.checked_add(src.len()) else {
            return false;
        };
        match self.bytes.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(src);
                self.len = end;
                true
            }
            None => false,
        }
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// The longest match of any enabled detector at `start`, which the caller has checked is the
/// start of a token. Ties go to the earlier detector in [`Detector::ALL`]. A `Bearer` match
/// covers only the token after the word, so its range may start after `start`.
fn longest_at(bytes: &[u8], start: usize, enabled: DetectorSet) -> Option<Found> {
    let mut best: Option<Found> = None;
    for detector in Detector::ALL {
        if !enabled.contains(detector) {
            continue;
        }
        let at_start = |end: Option<usize>| end.map(|end| (start, end));
        let span = match detector {
            Detector::CardNumber => at_start(card::end(bytes, start)),
            Detector::UsSsn => at_start(ssn::end(bytes, start)),
            Detector::Iban => at_start(iban::end(bytes, start)),
            Detector::Jwt => at_start(jwt::end(bytes, start)),
            Detector::PrivateKey => at_start(pem::end(bytes, start)),
            Detector::AwsAccessKeyId => at_start(aws::end(bytes, start)),
            Detector::BearerToken => bearer::token(bytes, start),
            Detector::Email => at_start(email::end(bytes, start)),
            Detector::Phone => at_start(phone::end(bytes, start)),
        };
        if let Some((match_start, end)) = span {
            if best.is_none_or(|b| end > b.end) {
                best = Some(Found {
                    detector,
                    start: match_start,
                    end,
                });
            }
        }
    }
    best
}

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests;
