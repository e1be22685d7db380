//! Value detectors: payment card numbers, US Social Security numbers and IBANs found inside any
//! string, wherever they sit in it.
//!
//! Each detector pairs a shape with a check (Luhn, the SSA's validity rules, ISO 13616 mod-97),
//! because a shape alone flags order numbers, timestamps and phone numbers. The scan is a single
//! left-to-right pass over bytes with no regular expressions and no backtracking: a candidate is
//! only tried where a token starts, and every candidate is bounded (a card spans at most 24
//! bytes, an IBAN 42), so the work is linear in the input whatever it holds.
//! Matches begin and end on ASCII bytes, so their byte ranges are always `str` char boundaries.

use std::fmt;

/// One kind of value a sanitizer can find in free text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detector {
    CardNumber,
    UsSsn,
    Iban,
}

impl Detector {
    /// Every detector, in the order used to break ties between equally long matches.
    pub const ALL: [Detector; 3] = [Detector::CardNumber, Detector::UsSsn, Detector::Iban];

    /// The stable name the JavaScript API reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Detector::CardNumber => "card_number",
            Detector::UsSsn => "us_ssn",
            Detector::Iban => "iban",
        }
    }

    /// The text [`redact`] puts in place of a match, `[REDACTED:<name>]`. A constant, so
    /// redacting does not format a string per match.
    pub fn redaction(self) -> &'static str {
        match self {
            Detector::CardNumber => "[REDACTED:card_number]",
            Detector::UsSsn => "[REDACTED:us_ssn]",
            Detector::Iban => "[REDACTED:iban]",
        }
    }
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which detectors a scan runs. A plain value: build it once per configuration and copy it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DetectorSet {
    card: bool,
    ssn: bool,
    iban: bool,
}

impl DetectorSet {
    /// Every detector.
    pub const fn all() -> Self {
        DetectorSet {
            card: true,
            ssn: true,
            iban: true,
        }
    }

    /// No detector: [`find`] finds nothing and [`may_contain`] is always false.
    pub const fn none() -> Self {
        DetectorSet {
            card: false,
            ssn: false,
            iban: false,
        }
    }

    /// This set plus `detector`.
    pub const fn with(self, detector: Detector) -> Self {
        match detector {
            Detector::CardNumber => DetectorSet { card: true, ..self },
            Detector::UsSsn => DetectorSet { ssn: true, ..self },
            Detector::Iban => DetectorSet { iban: true, ..self },
        }
    }

    /// This set minus `detector`.
    pub const fn without(self, detector: Detector) -> Self {
        match detector {
            Detector::CardNumber => DetectorSet {
                card: false,
                ..self
            },
            Detector::UsSsn => DetectorSet { ssn: false, ..self },
            Detector::Iban => DetectorSet {
                iban: false,
                ..self
            },
        }
    }

    /// True if `detector` is in the set.
    pub const fn contains(self, detector: Detector) -> bool {
        match detector {
            Detector::CardNumber => self.card,
            Detector::UsSsn => self.ssn,
            Detector::Iban => self.iban,
        }
    }

    /// The detectors in either set.
    pub const fn union(self, other: Self) -> Self {
        DetectorSet {
            card: self.card || other.card,
            ssn: self.ssn || other.ssn,
            iban: self.iban || other.iban,
        }
    }

    /// The detectors in both sets.
    pub const fn intersect(self, other: Self) -> Self {
        DetectorSet {
            card: self.card && other.card,
            ssn: self.ssn && other.ssn,
            iban: self.iban && other.iban,
        }
    }

    /// The detectors in this set and not in `other`.
    pub const fn difference(self, other: Self) -> Self {
        DetectorSet {
            card: self.card && !other.card,
            ssn: self.ssn && !other.ssn,
            iban: self.iban && !other.iban,
        }
    }

    /// True if no detector is in the set.
    pub const fn is_empty(self) -> bool {
        !(self.card || self.ssn || self.iban)
    }
}

/// One match: which detector, and the byte range `start..end` of the input it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub detector: Detector,
    pub start: usize,
    pub end: usize,
}

/// Card numbers have 13 to 19 digits (ISO/IEC 7812).
const CARD_MIN_DIGITS: usize = 13;
const CARD_MAX_DIGITS: usize = 19;
/// Every network prints a grouped number with a first group of 4 (4-4-4-4, Amex 4-6-5,
/// Diners 4-6-4, 4-4-4-4-3); requiring it keeps phone numbers and dates out.
const CARD_FIRST_GROUP: usize = 4;
/// Later groups have 3 to 6 digits; only the last may be shorter (a 13-digit 4-4-4-1).
const CARD_INNER_GROUP_MIN: usize = 3;
const CARD_GROUP_MAX: usize = 6;

/// `AAA-GG-SSSS`.
const SSN_DIGITS: usize = 9;
const SSN_FORMATTED_LEN: usize = 11;

/// ISO 13616: 2 letters, 2 check digits, a BBAN of 11 to 30 alphanumerics.
const IBAN_MIN_LEN: usize = 15;
const IBAN_MAX_LEN: usize = 34;
const IBAN_HEAD_LEN: usize = 4;
/// The paper format prints an IBAN in groups of 4, the last one possibly shorter.
const IBAN_GROUP: usize = 4;

/// All non-overlapping matches of the enabled detectors, left to right.
///
/// Where matches of different detectors overlap, the one that starts first wins, then the
/// longer one: an IBAN's digits are never also reported as a card. Allocates nothing when
/// nothing is found.
pub fn find(text: &str, enabled: DetectorSet) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    if enabled.is_empty() {
        return found;
    }
    let mut pos = 0;
    // A match may only start where a token starts: never inside a run of ASCII letters and
    // digits, so "x4111111111111111" or "ID123-45-6789" is not cut out of a longer token.
    let mut after_alnum = false;
    while let Some(&byte) = bytes.get(pos) {
        if !after_alnum && byte.is_ascii_alphanumeric() {
            if let Some(hit) = longest_at(bytes, pos, enabled) {
                found.push(hit);
                // Every match ends on a letter or digit, and `hit.end > pos`, so the scan
                // always moves forward.
                pos = hit.end;
                after_alnum = true;
                continue;
            }
        }
        after_alnum = byte.is_ascii_alphanumeric();
        // `pos` indexes a byte of the text, so this cannot overflow.
        pos = pos.saturating_add(1);
    }
    found
}

/// Cheap early exit for every string: false means [`find`] would find nothing.
///
/// One pass, no allocation: a card needs 13 ASCII digits, an SSN 9, and an IBAN starts with
/// two uppercase letters followed by two digits. True does not mean there is a match.
pub fn may_contain(text: &str, enabled: DetectorSet) -> bool {
    let digits_needed = if enabled.ssn {
        SSN_DIGITS
    } else if enabled.card {
        CARD_MIN_DIGITS
    } else {
        usize::MAX
    };
    // Digits in the current run of digits, spaces and dashes: a card or an SSN is made of
    // nothing else, so an ISO date (`2024-05-01T12:34:00Z`) never gets that far.
    let mut digits = 0usize;
    // How much of "letter, letter, digit, digit" the latest bytes spell (0 to 3).
    let mut iban_head = 0u8;
    for &byte in text.as_bytes() {
        if byte.is_ascii_digit() {
            digits = digits.saturating_add(1);
            if digits >= digits_needed {
                return true;
            }
            iban_head = match iban_head {
                2 => 3,
                3 if enabled.iban => return true,
                _ => 0,
            };
        } else if byte.is_ascii_uppercase() {
            digits = 0;
            iban_head = if iban_head == 1 || iban_head == 2 {
                2
            } else {
                1
            };
        } else {
            if byte != b' ' && byte != b'-' {
                digits = 0;
            }
            iban_head = 0;
        }
    }
    false
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
        // Cannot fail: matches are in order and begin and end on ASCII bytes.
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

/// The longest match of any enabled detector starting at `start`, which the caller has
/// checked is the start of a token. Ties go to the earlier detector in [`Detector::ALL`].
fn longest_at(bytes: &[u8], start: usize, enabled: DetectorSet) -> Option<Found> {
    let mut best: Option<Found> = None;
    for detector in Detector::ALL {
        if !enabled.contains(detector) {
            continue;
        }
        let end = match detector {
            Detector::CardNumber => card_end(bytes, start),
            Detector::UsSsn => ssn_end(bytes, start),
            Detector::Iban => iban_end(bytes, start),
        };
        if let Some(end) = end {
            if best.is_none_or(|b| end > b.end) {
                best = Some(Found {
                    detector,
                    start,
                    end,
                });
            }
        }
    }
    best
}

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

/// The end of a card number starting at `start`, if there is one.
///
/// Either 13 to 19 contiguous digits, or a first group of 4 digits followed by groups joined
/// by one separator, the same one throughout (a single space or a single dash). A grouped
/// number may stop before the end of its chain of groups: "4111 1111 1111 1111 123" (a CVV
/// typed after the number) still finds the card. Of the candidate ends the longest valid one
/// wins; there are at most 6, each checked over at most 19 digits.
fn card_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut digits = Chars::<CARD_MAX_DIGITS>::new();
    let first = run_len(bytes, start, CARD_MAX_DIGITS + 1, u8::is_ascii_digit);
    let mut end = start.checked_add(first)?;
    if first >= CARD_MIN_DIGITS {
        // More than 19 digits in a row is some other number, and no part of it is a card.
        if first > CARD_MAX_DIGITS || !ends_token(bytes, end) {
            return None;
        }
        let run = bytes.get(start..end)?;
        return card_digits_valid(run).then_some(end);
    }
    if first != CARD_FIRST_GROUP || !digits.push_all(bytes.get(start..end)?) {
        return None;
    }
    let separator = *bytes.get(end)?;
    if separator != b' ' && separator != b'-' {
        return None;
    }
    let mut best = None;
    while bytes.get(end) == Some(&separator) {
        let group_start = end.checked_add(1)?;
        let len = run_len(bytes, group_start, CARD_GROUP_MAX + 1, u8::is_ascii_digit);
        if len == 0 || len > CARD_GROUP_MAX {
            break;
        }
        let group_end = group_start.checked_add(len)?;
        if !digits.push_all(bytes.get(group_start..group_end)?) {
            break; // more than 19 digits
        }
        end = group_end;
        if digits.len >= CARD_MIN_DIGITS
            && ends_token(bytes, end)
            && card_digits_valid(digits.as_slice())
        {
            best = Some(end);
        }
        if len < CARD_INNER_GROUP_MIN {
            break; // a short group can only be the last one
        }
    }
    best
}

/// Luhn-valid, and not one of the shapes that pass Luhn by accident: a leading 0 (no card
/// network issues numbers starting with 0) or one digit repeated ("0000 0000 0000 0000").
fn card_digits_valid(digits: &[u8]) -> bool {
    let Some((&lead, rest)) = digits.split_first() else {
        return false;
    };
    lead != b'0' && rest.iter().any(|&d| d != lead) && luhn_valid(digits)
}

/// The Luhn mod-10 check over ASCII digits: double every second digit from the right.
fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum: u32 = 0;
    for (i, &byte) in digits.iter().rev().enumerate() {
        let Some(digit) = char::from(byte).to_digit(10) else {
            return false;
        };
        let value = if i % 2 == 1 {
            // A doubled digit counts the sum of its decimal digits: 2 * 7 = 14 counts 5.
            let doubled = digit.saturating_mul(2);
            if doubled > 9 {
                doubled.saturating_sub(9)
            } else {
                doubled
            }
        } else {
            digit
        };
        // At most 19 * 9: no overflow.
        sum = sum.saturating_add(value);
    }
    sum.is_multiple_of(10)
}

/// The end of a US Social Security number starting at `start`, if there is one.
///
/// `AAA-GG-SSSS` or `AAA GG SSSS` (one separator, the same twice) anywhere in the text. Nine
/// bare digits are not matched, even as the whole value: they are far more often a customer or
/// order id or a zip+4, and redacting an id breaks the profile it belongs to. A field named
/// `ssn` (in any spelling) is dropped by its rule whatever its format.
fn ssn_end(bytes: &[u8], start: usize) -> Option<usize> {
    let end = start.checked_add(SSN_FORMATTED_LEN)?;
    let candidate: [u8; SSN_FORMATTED_LEN] = bytes.get(start..end)?.try_into().ok()?;
    let [a1, a2, a3, sep1, g1, g2, sep2, s1, s2, s3, s4] = candidate;
    if (sep1 != b'-' && sep1 != b' ') || sep2 != sep1 || !ends_token(bytes, end) {
        return None;
    }
    ssn_parts_valid(&[a1, a2, a3], &[g1, g2], &[s1, s2, s3, s4]).then_some(end)
}

/// The SSA's rules for numbers it has ever issued: area not 000, 666 or 900-999 (those were
/// never assigned, and 9xx are ITINs), group not 00, serial not 0000.
fn ssn_parts_valid(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    all_digits(area)
        && all_digits(group)
        && all_digits(serial)
        && area != b"000"
        && area != b"666"
        && area.first() != Some(&b'9')
        && group != b"00"
        && serial != b"0000"
}

/// The end of an IBAN starting at `start`, if there is one.
///
/// Either one token of 15 to 34 letters and digits ("GB82WEST12345698765432"), or the paper
/// format: groups of 4 joined by single spaces, the last group 1 to 4 long ("DE89 3704 0044
/// 0532 0130 00"). Letters must be uppercase, as ISO 13616 prints them.
fn iban_end(bytes: &[u8], start: usize) -> Option<usize> {
    let head_end = start.checked_add(IBAN_HEAD_LEN)?;
    let head: [u8; IBAN_HEAD_LEN] = bytes.get(start..head_end)?.try_into().ok()?;
    let [c1, c2, k1, k2] = head;
    if !(c1.is_ascii_uppercase()
        && c2.is_ascii_uppercase()
        && k1.is_ascii_digit()
        && k2.is_ascii_digit())
    {
        return None;
    }
    let expected = iban_length([c1, c2]);
    let length_ok = |len: usize| match expected {
        Some(country_len) => len == country_len,
        None => (IBAN_MIN_LEN..=IBAN_MAX_LEN).contains(&len),
    };
    let run = run_len(bytes, start, IBAN_MAX_LEN + 1, u8::is_ascii_alphanumeric);
    if run > IBAN_HEAD_LEN {
        // The compact format; the run is a whole token, so there is exactly one candidate.
        let end = start.checked_add(run)?;
        let token = bytes.get(start..end)?;
        return (run <= IBAN_MAX_LEN && length_ok(run) && iban_valid(token)).then_some(end);
    }
    if !check_digits_issued(&head) {
        return None;
    }
    // The paper format. The BBAN's remainder is carried from group to group, so each
    // candidate end costs 4 steps (the head), not a pass over the whole candidate.
    let mut len = IBAN_HEAD_LEN;
    let mut bban_remainder = 0;
    let mut end = head_end;
    let mut best = None;
    while bytes.get(end) == Some(&b' ') {
        let group_start = end.checked_add(1)?;
        let group_len = run_len(
            bytes,
            group_start,
            IBAN_GROUP + 1,
            u8::is_ascii_alphanumeric,
        );
        if group_len == 0 || group_len > IBAN_GROUP {
            break;
        }
        len = len.checked_add(group_len)?;
        if len > IBAN_MAX_LEN {
            break;
        }
        let group_end = group_start.checked_add(group_len)?;
        let group = bytes.get(group_start..group_end)?;
        let Some(remainder) = group.iter().try_fold(bban_remainder, mod97_push) else {
            break; // a lowercase letter: not an IBAN character
        };
        bban_remainder = remainder;
        end = group_end;
        // `end` is the end of a whole alphanumeric run, so it always ends a token.
        if length_ok(len) && checksum_ok(bban_remainder, &head) {
            best = Some(end);
        }
        if group_len < IBAN_GROUP || expected.is_some_and(|country_len| len >= country_len) {
            break; // a short group can only be the last one; the country's length is reached
        }
    }
    best
}

/// ISO 13616 validity of a compact IBAN (country, check digits, BBAN; no spaces): uppercase
/// letters and digits only, issued check digits, and the mod-97 check. The length is the
/// caller's.
fn iban_valid(chars: &[u8]) -> bool {
    let (Some(head), Some(bban)) = (chars.get(..IBAN_HEAD_LEN), chars.get(IBAN_HEAD_LEN..)) else {
        return false;
    };
    let Ok(head) = <[u8; IBAN_HEAD_LEN]>::try_from(head) else {
        return false;
    };
    check_digits_issued(&head)
        && bban
            .iter()
            .try_fold(0, mod97_push)
            .is_some_and(|remainder| checksum_ok(remainder, &head))
}

/// The algorithm only produces check digits 02 to 98: 00, 01 and 99 pass mod 97 by accident.
fn check_digits_issued(head: &[u8; IBAN_HEAD_LEN]) -> bool {
    !matches!(head, [_, _, b'0', b'0' | b'1'] | [_, _, b'9', b'9'])
}

/// The mod-97 remainder of a number continued by `byte`: a digit, or an uppercase letter that
/// stands for two digits (A=10 .. Z=35). `None` for any other byte. Carrying the remainder
/// means no big integer is ever built: 96 * 100 + 35 fits easily in a u32.
fn mod97_push(remainder: u32, &byte: &u8) -> Option<u32> {
    if !(byte.is_ascii_digit() || byte.is_ascii_uppercase()) {
        return None;
    }
    let value = char::from(byte).to_digit(36)?;
    let scale = if value < 10 { 10 } else { 100 };
    Some(remainder.saturating_mul(scale).saturating_add(value) % 97)
}

/// The mod-97 check: ISO 13616 moves the country and check digits after the BBAN, so the
/// BBAN's remainder is continued through them, and a valid IBAN leaves 1.
fn checksum_ok(bban_remainder: u32, head: &[u8; IBAN_HEAD_LEN]) -> bool {
    head.iter().try_fold(bban_remainder, mod97_push) == Some(1)
}

/// The IBAN length of a country in the SWIFT IBAN registry, for the countries whose customers
/// a sender is most likely to hold; `None` for the rest, which only get the 15 to 34 bound.
fn iban_length(country: [u8; 2]) -> Option<usize> {
    let len = match &country {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FO" | b"GL" | b"NL" => 18,
        b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"LT" | b"LU" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"DE" | b"GB" | b"IE" => 22,
        b"AE" | b"GI" | b"IL" => 23,
        b"AD" | b"CZ" | b"ES" | b"RO" | b"SA" | b"SE" | b"SK" => 24,
        b"PT" => 25,
        b"IS" | b"TR" => 26,
        b"FR" | b"GR" | b"IT" | b"MC" | b"SM" => 27,
        b"CY" | b"HU" | b"PL" => 28,
        b"MT" => 31,
        _ => return None,
    };
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: DetectorSet = DetectorSet::all();
    const CARD: DetectorSet = DetectorSet::none().with(Detector::CardNumber);
    const SSN: DetectorSet = DetectorSet::none().with(Detector::UsSsn);
    const IBAN: DetectorSet = DetectorSet::none().with(Detector::Iban);

    /// The matched substrings and their detectors.
    fn hits(text: &str, enabled: DetectorSet) -> Vec<(Detector, &str)> {
        find(text, enabled)
            .iter()
            .map(|f| (f.detector, &text[f.start..f.end]))
            .collect()
    }

    fn only(text: &str, enabled: DetectorSet) -> Option<(Detector, &str)> {
        let found = hits(text, enabled);
        assert!(found.len() <= 1, "{text:?}: {found:?}");
        found.first().copied()
    }

    /// Appends the Luhn check digit to `body`.
    fn with_check_digit(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|n| luhn_valid(n.as_bytes()))
            .unwrap()
    }

    /// Checks what every result of `find` must satisfy, whatever the input.
    fn check_invariants(text: &str, enabled: DetectorSet) {
        let found = find(text, enabled);
        let mut previous_end = 0;
        for hit in &found {
            assert!(enabled.contains(hit.detector), "{text:?}");
            assert!(previous_end <= hit.start && hit.start < hit.end, "{text:?}");
            assert!(text.is_char_boundary(hit.start) && text.is_char_boundary(hit.end));
            let before = text.as_bytes().get(hit.start.wrapping_sub(1));
            assert!(!before.is_some_and(u8::is_ascii_alphanumeric), "{text:?}");
            assert!(ends_token(text.as_bytes(), hit.end), "{text:?}");
            // Cut out alone, a match is found again, whole.
            let alone = &text[hit.start..hit.end];
            assert_eq!(
                find(alone, enabled),
                vec![Found {
                    detector: hit.detector,
                    start: 0,
                    end: alone.len()
                }],
                "{text:?}"
            );
            previous_end = hit.end;
        }
        if !found.is_empty() {
            assert!(may_contain(text, enabled), "{text:?}");
        }
        match redact(text, enabled) {
            None => assert!(found.is_empty()),
            Some((out, detectors)) => {
                let mut distinct = Vec::new();
                for hit in &found {
                    if !distinct.contains(&hit.detector) {
                        distinct.push(hit.detector);
                    }
                }
                assert_eq!(detectors, distinct, "{text:?}");
                for d in &detectors {
                    assert!(out.contains(d.redaction()));
                }
            }
        }
    }

    // ---- Detector and DetectorSet ----

    #[test]
    fn detector_names_are_stable() {
        assert_eq!(Detector::CardNumber.as_str(), "card_number");
        assert_eq!(Detector::UsSsn.as_str(), "us_ssn");
        assert_eq!(Detector::Iban.as_str(), "iban");
        for d in Detector::ALL {
            assert_eq!(d.to_string(), d.as_str());
            assert_eq!(d.redaction(), format!("[REDACTED:{}]", d.as_str()));
        }
    }

    #[test]
    fn detector_set_operations() {
        assert!(DetectorSet::none().is_empty());
        assert!(!DetectorSet::all().is_empty());
        for d in Detector::ALL {
            assert!(DetectorSet::all().contains(d));
            assert!(!DetectorSet::none().contains(d));
            let one = DetectorSet::none().with(d);
            assert!(one.contains(d) && !one.is_empty());
            assert_eq!(one.without(d), DetectorSet::none());
            assert!(!DetectorSet::all().without(d).contains(d));
            assert_eq!(DetectorSet::all().without(d).with(d), DetectorSet::all());
            for other in Detector::ALL.into_iter().filter(|&o| o != d) {
                assert!(!one.contains(other));
                assert!(DetectorSet::all().without(d).contains(other));
            }
        }
        let card_ssn = CARD.union(SSN);
        assert!(card_ssn.contains(Detector::CardNumber) && card_ssn.contains(Detector::UsSsn));
        assert!(!card_ssn.contains(Detector::Iban));
        assert_eq!(card_ssn.intersect(SSN.union(IBAN)), SSN);
        assert_eq!(card_ssn.difference(SSN), CARD);
        assert_eq!(ALL.difference(card_ssn), IBAN);
        assert_eq!(ALL.difference(ALL), DetectorSet::none());
        assert_eq!(CARD.intersect(IBAN), DetectorSet::none());
        let built = Detector::ALL
            .into_iter()
            .fold(DetectorSet::none(), DetectorSet::with);
        assert_eq!(built, DetectorSet::all());
    }

    #[test]
    fn empty_set_finds_nothing() {
        let text = "4111 1111 1111 1111 123-45-6789 DE89 3704 0044 0532 0130 00";
        assert!(find(text, DetectorSet::none()).is_empty());
        assert!(!may_contain(text, DetectorSet::none()));
        assert_eq!(redact(text, DetectorSet::none()), None);
        assert_eq!(hits(text, ALL).len(), 3);
    }

    // ---- Card numbers ----

    #[test]
    fn card_formats_are_found() {
        for card in [
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111111111111111",
            "378282246310005",
            "3782 822463 10005",
            "3782-822463-10005",
            "6011111111111117",
            "6011 1111 1111 1117",
            "5555555555554444",
            "30569309025904",
            "3056 930902 5904",
            "4222222222222",
        ] {
            assert_eq!(
                only(card, CARD),
                Some((Detector::CardNumber, card)),
                "{card}"
            );
            let text = format!("Card: {card}, thanks");
            assert_eq!(
                only(&text, CARD),
                Some((Detector::CardNumber, card)),
                "{card}"
            );
            check_invariants(&text, ALL);
        }
    }

    #[test]
    fn card_lengths_13_to_19() {
        for len in CARD_MIN_DIGITS..=CARD_MAX_DIGITS {
            let body: String = "4539148803436467123".chars().take(len - 1).collect();
            let card = with_check_digit(&body);
            assert_eq!(card.len(), len);
            assert_eq!(
                only(&card, CARD),
                Some((Detector::CardNumber, &*card)),
                "{card}"
            );
        }
        // A 19-digit number printed 4-4-4-4-3.
        let card = with_check_digit("621234567890123456");
        let grouped = format!(
            "{} {} {} {} {}",
            &card[0..4],
            &card[4..8],
            &card[8..12],
            &card[12..16],
            &card[16..]
        );
        assert_eq!(
            only(&grouped, CARD),
            Some((Detector::CardNumber, &*grouped))
        );
    }

    #[test]
    fn card_luhn_failure_is_not_found() {
        for text in [
            "4111111111111112",
            "4111 1111 1111 1112",
            "378282246310006",
            "6011111111111118",
        ] {
            assert_eq!(only(text, CARD), None, "{text}");
        }
        // Every single-digit change of a valid number breaks Luhn.
        let card = "4111111111111111";
        for i in 0..card.len() {
            let mut changed = card.as_bytes().to_vec();
            changed[i] = b'0' + (changed[i] - b'0' + 1) % 10;
            let changed = String::from_utf8(changed).unwrap();
            assert_eq!(only(&changed, CARD), None, "{changed}");
        }
    }

    #[test]
    fn card_wrong_lengths_are_not_found() {
        // 12 digits, Luhn-valid.
        let twelve = with_check_digit("41111111111");
        assert_eq!(twelve.len(), 12);
        assert_eq!(only(&twelve, CARD), None);
        // 20 digits, Luhn-valid, and a valid 16-digit card inside a 20-digit run.
        let twenty = with_check_digit("4111111111111111111");
        assert_eq!(twenty.len(), 20);
        assert_eq!(only(&twenty, CARD), None);
        assert_eq!(only("41111111111111110000", CARD), None);
        assert_eq!(only("00004111111111111111", CARD), None);
        // Short phone-like groups.
        for text in [
            "1234 5678",
            "call 555 1234",
            "+1 650 555 1212",
            "650-555-1212",
        ] {
            assert_eq!(only(text, CARD), None, "{text}");
        }
    }

    #[test]
    fn card_false_positive_shapes_are_rejected() {
        for text in [
            "0000000000000000",
            "0000 0000 0000 0000",
            "5555555555555555",
            "8888888888888888888",
            // Luhn-valid, but no card starts with 0.
            "0111111111111111111",
            // Luhn-valid digits, in groups no card is printed in.
            "41 1111 1111 1111 11",
            "411111 1111 1111 11",
            "4111 11 11 11 11 11 11",
            "4111 1111111 11111",
            "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
            // Mixed or doubled separators.
            "4111 1111-1111 1111",
            "4111  1111  1111  1111",
            "4111--1111--1111--1111",
            "4111.1111.1111.1111",
            "4111_1111_1111_1111",
        ] {
            assert_eq!(only(text, CARD), None, "{text}");
        }
    }

    #[test]
    fn card_inside_a_longer_token_is_not_found() {
        for text in [
            "x4111111111111111",
            "4111111111111111x",
            "A4111 1111 1111 1111",
            "4111 1111 1111 1111Z",
        ] {
            assert_eq!(only(text, CARD), None, "{text}");
        }
        // The boundary rule is about ASCII letters and digits only: an underscore or a
        // non-ASCII letter next to the number does not hide it.
        for text in ["id_4111111111111111_ok", "é4111111111111111ü"] {
            assert_eq!(
                only(text, CARD),
                Some((Detector::CardNumber, "4111111111111111")),
                "{text}"
            );
        }
    }

    #[test]
    fn card_followed_by_more_digit_groups() {
        // A CVV or expiry typed after the number.
        assert_eq!(
            only("4111 1111 1111 1111 123", CARD),
            Some((Detector::CardNumber, "4111 1111 1111 1111"))
        );
        assert_eq!(
            only("Card 4111 1111 1111 1111 12/25", CARD),
            Some((Detector::CardNumber, "4111 1111 1111 1111"))
        );
        assert_eq!(
            only("pay 5 4111 1111 1111 1111", CARD),
            Some((Detector::CardNumber, "4111 1111 1111 1111"))
        );
        assert_eq!(
            only("4111111111111111 2", CARD),
            Some((Detector::CardNumber, "4111111111111111"))
        );
        // A longer valid candidate wins over its valid prefix.
        let long = with_check_digit("411111111111111111");
        let grouped = format!("{} {}", "4111 1111 1111 1111", &long[16..]);
        assert!(luhn_valid(b"4111111111111111"));
        assert_eq!(
            only(&grouped, CARD),
            Some((Detector::CardNumber, &*grouped))
        );
    }

    #[test]
    fn several_cards_are_found_in_order() {
        let text = "a 4111111111111111, b 5555-5555-5555-4444; c 3782 822463 10005.";
        assert_eq!(
            hits(text, CARD),
            vec![
                (Detector::CardNumber, "4111111111111111"),
                (Detector::CardNumber, "5555-5555-5555-4444"),
                (Detector::CardNumber, "3782 822463 10005"),
            ]
        );
        check_invariants(text, ALL);
    }

    // ---- US SSN ----

    #[test]
    fn ssn_formats_are_found() {
        for ssn in ["123-45-6789", "123 45 6789", "078-05-1120", "899-99-9999"] {
            assert_eq!(only(ssn, SSN), Some((Detector::UsSsn, ssn)), "{ssn}");
            let text = format!("SSN: {ssn}.");
            assert_eq!(only(&text, SSN), Some((Detector::UsSsn, ssn)), "{ssn}");
        }
    }

    #[test]
    fn ssn_bare_digits_are_never_matched() {
        for text in [
            "123456789",
            "order 123456789",
            "123456789 ",
            " 123456789",
            "1234567890",
            "12345678",
        ] {
            assert_eq!(only(text, SSN), None, "{text:?}");
        }
    }

    #[test]
    fn ssn_invalid_ranges_are_rejected() {
        for text in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "999-12-3456",
            "123-00-4567",
            "123-45-0000",
            "000123456",
            "666123456",
            "987654321",
            "123004567",
            "123450000",
        ] {
            assert_eq!(only(text, SSN), None, "{text}");
        }
    }

    #[test]
    fn ssn_wrong_shapes_are_rejected() {
        for text in [
            "123-456-789",
            "12-345-6789",
            "123-45 6789",
            "123 45-6789",
            "123--45--6789",
            "123.45.6789",
            "1234-45-6789",
            "123-45-67890",
            "x123-45-6789",
            "123-45-6789x",
            "123-45-678",
        ] {
            assert_eq!(only(text, SSN), None, "{text}");
        }
        // Dash or space next to it is a boundary, as for every detector.
        assert_eq!(
            only("1-123-45-6789", SSN),
            Some((Detector::UsSsn, "123-45-6789"))
        );
    }

    // ---- IBAN ----

    const IBANS: [&str; 8] = [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "FR1420041010050500013M02606",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NO9386011117947",
        "BE68 5390 0754 7034",
    ];

    #[test]
    fn iban_examples_are_found() {
        for iban in IBANS {
            assert_eq!(only(iban, IBAN), Some((Detector::Iban, iban)), "{iban}");
            let text = format!("Pay to {iban}, ref 7.");
            assert_eq!(only(&text, IBAN), Some((Detector::Iban, iban)), "{iban}");
            assert_eq!(only(&text, ALL), Some((Detector::Iban, iban)), "{iban}");
            check_invariants(&text, ALL);
        }
        for iban in [
            "NL91ABNA0417164300",
            "CH9300762011623852957",
            "AT611904300234573201",
            "ES9121000418450200051332",
            "IT60X0542811101000000123456",
            "PL61109010140000071219812874",
            "PT50000201231234567890154",
            "SE4550000000058398257466",
            "DK5000400440116243",
            "FI2112345600000785",
            "IE29AIBK93115212345678",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert_eq!(only(iban, IBAN), Some((Detector::Iban, iban)), "{iban}");
        }
    }

    #[test]
    fn iban_any_changed_digit_fails() {
        for iban in IBANS {
            for (i, byte) in iban.bytes().enumerate() {
                if !byte.is_ascii_digit() {
                    continue;
                }
                for replacement in (b'0'..=b'9').filter(|&r| r != byte) {
                    let mut changed = iban.as_bytes().to_vec();
                    changed[i] = replacement;
                    let changed = String::from_utf8(changed).unwrap();
                    assert_eq!(only(&changed, IBAN), None, "{changed}");
                }
            }
        }
    }

    #[test]
    fn iban_country_length_is_checked() {
        // One character short or long for the country.
        assert_eq!(only("GB82WEST1234569876543", IBAN), None);
        assert_eq!(only("GB82WEST123456987654321", IBAN), None);
        assert_eq!(only("DE89 3704 0044 0532 0130 0", IBAN), None);
        // A country outside the table gets the 15..=34 bound only: same BBAN as the valid
        // German IBAN, re-keyed for "XK" would pass; "XX" with a wrong check does not.
        let rekeyed = rekey("XK", "370400440532013000");
        assert_eq!(only(&rekeyed, IBAN), Some((Detector::Iban, &*rekeyed)));
        let too_short = rekey("XK", "37040044053");
        assert_eq!(too_short.len(), 15);
        assert_eq!(only(&too_short, IBAN), Some((Detector::Iban, &*too_short)));
        let shorter = rekey("XK", "3704004405");
        assert_eq!(only(&shorter, IBAN), None);
        let longest = rekey("XK", "123456789012345678901234567890");
        assert_eq!(longest.len(), 34);
        assert_eq!(only(&longest, IBAN), Some((Detector::Iban, &*longest)));
        let too_long = rekey("XK", "1234567890123456789012345678901");
        assert_eq!(only(&too_long, IBAN), None);
    }

    /// Builds a valid IBAN for `country` and `bban` by computing its check digits.
    fn rekey(country: &str, bban: &str) -> String {
        (2..=98)
            .map(|check| format!("{country}{check:02}{bban}"))
            .find(|iban| iban_valid(iban.as_bytes()))
            .unwrap()
    }

    #[test]
    fn iban_wrong_shapes_are_rejected() {
        for text in [
            "de89370400440532013000",
            "De89370400440532013000",
            "DE89370400440532013000x",
            "xDE89370400440532013000",
            "GB82west12345698765432",
            "DE89 3704 0044 0532 013000",
            "DE89  3704 0044 0532 0130 00",
            "DE89-3704-0044-0532-0130-00",
            "DE 89 3704 0044 0532 0130 00",
            "DE8937 04 0044 0532 0130 00",
            // Check digits 00, 01 and 99 are never issued.
            "DE00370400440532013000",
            "DE01370400440532013000",
            "DE99370400440532013000",
        ] {
            assert_eq!(only(text, IBAN), None, "{text}");
        }
    }

    #[test]
    fn iban_digits_are_not_also_a_card() {
        // An Austrian IBAN whose BBAN is a valid card number, printed 4-4-4-4: the IBAN starts
        // first, so its digits are reported once, as an IBAN.
        let compact = rekey("AT", "4111111111111111");
        let grouped = format!("{} 4111 1111 1111 1111", &compact[..4]);
        assert_eq!(
            only("x 4111 1111 1111 1111", ALL).unwrap().0,
            Detector::CardNumber
        );
        for text in [&compact, &grouped] {
            assert_eq!(hits(text, ALL), vec![(Detector::Iban, text.as_str())]);
        }
        // With IBANs off, the card inside the paper format is found.
        assert_eq!(
            hits(&grouped, CARD),
            vec![(Detector::CardNumber, "4111 1111 1111 1111")]
        );
    }

    #[test]
    fn iban_followed_by_more_groups() {
        assert_eq!(
            only("BE68 5390 0754 7034 1234 and more", IBAN),
            Some((Detector::Iban, "BE68 5390 0754 7034"))
        );
    }

    // ---- Across detectors ----

    #[test]
    fn matches_at_the_very_start_and_end() {
        for (detector, value) in [
            (Detector::CardNumber, "4111 1111 1111 1111"),
            (Detector::UsSsn, "123-45-6789"),
            (Detector::Iban, "DE89 3704 0044 0532 0130 00"),
        ] {
            let set = DetectorSet::none().with(detector);
            let text = format!("{value} middle {value}");
            let found = find(&text, set);
            assert_eq!(
                found,
                vec![
                    Found {
                        detector,
                        start: 0,
                        end: value.len()
                    },
                    Found {
                        detector,
                        start: text.len() - value.len(),
                        end: text.len()
                    },
                ],
                "{text}"
            );
            check_invariants(&text, ALL);
        }
        let text = "4111111111111111 123-45-6789 GB82WEST12345698765432";
        assert_eq!(
            hits(text, ALL),
            vec![
                (Detector::CardNumber, "4111111111111111"),
                (Detector::UsSsn, "123-45-6789"),
                (Detector::Iban, "GB82WEST12345698765432"),
            ]
        );
        assert_eq!(find(text, ALL).last().unwrap().end, text.len());
    }

    #[test]
    fn redact_replaces_each_match() {
        let text = "Card 4111-1111-1111-1111, SSN 123 45 6789, IBAN DE89 3704 0044 0532 0130 00.";
        let (out, detectors) = redact(text, ALL).unwrap();
        assert_eq!(
            out,
            "Card [REDACTED:card_number], SSN [REDACTED:us_ssn], IBAN [REDACTED:iban]."
        );
        assert_eq!(
            detectors,
            vec![Detector::CardNumber, Detector::UsSsn, Detector::Iban]
        );
        let (out, detectors) = redact(text, SSN).unwrap();
        assert_eq!(
            out,
            "Card 4111-1111-1111-1111, SSN [REDACTED:us_ssn], IBAN DE89 3704 0044 0532 0130 00."
        );
        assert_eq!(detectors, vec![Detector::UsSsn]);
        let (out, detectors) = redact("4111111111111111", ALL).unwrap();
        assert_eq!(out, "[REDACTED:card_number]");
        assert_eq!(detectors, vec![Detector::CardNumber]);
        // Each detector is listed once, in the order of its first match.
        let (out, detectors) =
            redact("ü 4111111111111111 ü 123-45-6789 4111111111111111", ALL).unwrap();
        assert_eq!(
            out,
            "ü [REDACTED:card_number] ü [REDACTED:us_ssn] [REDACTED:card_number]"
        );
        assert_eq!(detectors, vec![Detector::CardNumber, Detector::UsSsn]);
    }

    #[test]
    fn redact_returns_none_when_nothing_matches() {
        for text in ["", "hello", "4111111111111112", "order 123456789", "€"] {
            assert_eq!(redact(text, ALL), None, "{text}");
        }
    }

    #[test]
    fn may_contain_is_a_sound_prefilter() {
        assert!(!may_contain("", ALL));
        assert!(!may_contain("no digits here", ALL));
        assert!(!may_contain("12345678", ALL));
        assert!(may_contain("123456789", SSN));
        assert!(!may_contain("123456789012", CARD));
        assert!(may_contain("1234567890123", CARD));
        assert!(!may_contain("DE8 9", IBAN));
        assert!(may_contain("DE89", IBAN));
        assert!(!may_contain("DE89", CARD.with(Detector::UsSsn)));
        assert!(!may_contain("4111111111111111", IBAN));
        for text in IBANS {
            assert!(may_contain(text, IBAN), "{text}");
        }
    }

    #[test]
    fn check_digits_00_01_99_are_refused() {
        assert!(!check_digits_issued(b"DE00"));
        assert!(!check_digits_issued(b"DE01"));
        assert!(!check_digits_issued(b"DE99"));
        for check in 2..=98 {
            assert!(check_digits_issued(
                format!("DE{check:02}").as_bytes().try_into().unwrap()
            ));
        }
    }

    #[test]
    fn junk_of_a_megabyte_finds_nothing() {
        // Near misses of every detector, repeated to 1 MB: each start is tried and fails at
        // the check. Completing at all is the test of linear time.
        let pieces = [
            "4111 1111 1111 1112 ",
            "4111-1111-1111-1112 ",
            "1234 5678 ",
            "666-12-3456 ",
            "123 00 4567 ",
            "41111111111111110000 ",
            // Its digits are not a Luhn-valid 4-4-4-4-2 chain either ("0130 01" would be).
            "DE89 3704 0044 0532 0130 02 ",
            "NL91 ABNA 0417 1643 01 ",
            "9 ",
        ];
        let mut junk = String::with_capacity(1 << 20);
        'fill: loop {
            for piece in pieces {
                if junk.len() + piece.len() > 1 << 20 {
                    break 'fill;
                }
                junk.push_str(piece);
            }
        }
        let runs = [
            junk,
            "1".repeat(1 << 20),
            "4111 ".repeat(1 << 18),
            "1 2 ".repeat(1 << 18),
            "123-45-".repeat(1 << 17),
            "DE89 ".repeat(1 << 18),
            // A country outside the length table: every group end is a candidate.
            "XK89 ".repeat(1 << 18),
            "A".repeat(1 << 20),
        ];
        for (i, text) in runs.iter().enumerate() {
            // With every detector on, each one is tried at every token start that no match
            // covers, so "all find nothing" implies "each finds nothing"; the mixed junk is
            // also run per detector.
            let sets: &[DetectorSet] = if i == 0 {
                &[CARD, SSN, IBAN, ALL]
            } else {
                &[ALL]
            };
            for &set in sets {
                let found = find(text, set);
                assert!(
                    found.is_empty(),
                    "{set:?} {} matches, first {:?}",
                    found.len(),
                    found.first().map(|f| &text[f.start..f.end])
                );
            }
        }
        assert!(redact(&runs[0], ALL).is_none());
    }

    #[test]
    fn pseudo_random_junk_keeps_the_invariants() {
        // A fixed LCG, so failures reproduce. Inputs lean on the bytes detectors care about,
        // plus multi-byte characters to catch slicing off a char boundary.
        let alphabet: Vec<char> = "0123456789012345678901234567890123456789  --DEGBX é€"
            .chars()
            .collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let mut text = String::new();
        for _ in 0..20_000 {
            text.clear();
            let len = next() % 48;
            for _ in 0..len {
                text.push(alphabet[next() % alphabet.len()]);
            }
            for set in [CARD, SSN, IBAN, ALL] {
                check_invariants(&text, set);
            }
        }
        // Valid values spliced into random junk are found.
        for _ in 0..2_000 {
            let left: String = (0..next() % 12)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let text = format!("{left} 4111 1111 1111 1111 . x");
            // The card may be found inside a longer match that starts in the junk, but no
            // valid card survives redaction.
            let (out, _) = redact(&text, ALL).unwrap();
            assert!(!out.contains("4111 1111 1111 1111"), "{text:?} {out:?}");
            check_invariants(&text, ALL);
        }
    }

    #[test]
    fn every_slice_of_a_mixed_text_is_safe() {
        let text = "é4111 1111 1111 1111€123-45-6789 DE89 3704 0044 0532 0130 00 ü123456789";
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                check_invariants(&text[start..end], ALL);
            }
        }
    }
}
