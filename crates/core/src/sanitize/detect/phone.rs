//! Phone numbers in free text. Off by default: Customer.io needs the `phone` attribute raw for
//! SMS, and digit groups in free text are often order numbers, dates or amounts, so only
//! shapes that are rarely anything else are matched:
//! - international: `+`, then 8 to 15 digits (E.164's limit) in groups joined by single
//!   spaces, dashes or dots, an area code possibly in parentheses (`+1 (555) 012-3456`,
//!   `+44 20 7946 0958`, `+4915112345678`);
//! - North American: `(555) 012-3456`, or `555-234-5678` / `555.234.5678` / `555 234 5678`
//!   with the numbering plan's rules (area code and exchange start with 2-9).
//!
//! A candidate must be a whole chain of digit groups: one that another group continues
//! (`555-234-5678-12`, `1-555-234-5678` after a digit group) is some other number.

use super::{ends_token, run_len, JsClasses, JsShape};

/// E.164 numbers have at most 15 digits; fewer than 8 is rarely a phone number with its
/// country code.
pub const MIN_DIGITS: usize = 8;
const MAX_DIGITS: usize = 15;
/// `+` and 8 digits.
pub const MIN_LEN: usize = 9;

fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'-' | b'.')
}

/// True if `pos` holds a separator followed by a digit or `(`: the chain goes on.
fn continues(bytes: &[u8], pos: usize) -> bool {
    bytes.get(pos).is_some_and(|&b| is_separator(b))
        && bytes
            .get(pos.saturating_add(1))
            .is_some_and(|&b| b.is_ascii_digit() || b == b'(')
}

/// The end of a phone number starting at `start`, if there is one.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'+' => international(bytes, start),
        b'(' | b'0'..=b'9' => national(bytes, start),
        _ => None,
    }
}

/// `+` and a chain of digit groups; at most one group in parentheses.
fn international(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start.checked_add(1)?;
    if !matches!(bytes.get(pos), Some(b'1'..=b'9')) {
        return None;
    }
    let mut digits = 0usize;
    let mut parenthesized = false;
    loop {
        let in_parens = bytes.get(pos) == Some(&b'(');
        if in_parens {
            if parenthesized {
                return None;
            }
            parenthesized = true;
            pos = pos.checked_add(1)?;
        }
        let len = run_len(bytes, pos, MAX_DIGITS + 1, u8::is_ascii_digit);
        if len == 0 {
            return None;
        }
        digits = digits.saturating_add(len);
        if digits > MAX_DIGITS {
            return None;
        }
        pos = pos.checked_add(len)?;
        if in_parens {
            if bytes.get(pos) != Some(&b')') {
                return None;
            }
            pos = pos.checked_add(1)?;
            // `(555)012`: a group may follow the parenthesis directly.
            if bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                continue;
            }
        }
        if continues(bytes, pos) {
            pos = pos.checked_add(1)?;
            continue;
        }
        break;
    }
    (digits >= MIN_DIGITS && ends_token(bytes, pos)).then_some(pos)
}

/// `(NXX) XXX-XXXX` or `NXX-NXX-XXXX` with one separator (space, dash or dot) used twice.
fn national(bytes: &[u8], start: usize) -> Option<usize> {
    // Not the tail of a longer chain of groups: "12-555-234-5678".
    if let Some(before) = start.checked_sub(1).and_then(|b| bytes.get(b)) {
        let before_that = start.checked_sub(2).and_then(|b| bytes.get(b));
        if is_separator(*before) && before_that.is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    let group = |pos: usize, len: usize| {
        let end = pos.checked_add(len)?;
        bytes
            .get(pos..end)
            .filter(|g| g.iter().all(u8::is_ascii_digit))
            .map(|_| end)
    };
    let lead_ok = |pos: usize| matches!(bytes.get(pos), Some(b'2'..=b'9'));
    let (exchange, separator) = if bytes.get(start) == Some(&b'(') {
        let area = start.checked_add(1)?;
        if !lead_ok(area) {
            return None;
        }
        let close = group(area, 3)?;
        if bytes.get(close) != Some(&b')') {
            return None;
        }
        let mut exchange = close.checked_add(1)?;
        if bytes.get(exchange) == Some(&b' ') {
            exchange = exchange.checked_add(1)?;
        }
        (exchange, None)
    } else {
        if !lead_ok(start) {
            return None;
        }
        let area_end = group(start, 3)?;
        let separator = *bytes.get(area_end).filter(|&&b| is_separator(b))?;
        let exchange = area_end.checked_add(1)?;
        if !lead_ok(exchange) {
            return None;
        }
        (exchange, Some(separator))
    };
    let exchange_end = group(exchange, 3)?;
    let between = *bytes.get(exchange_end)?;
    match separator {
        Some(separator) if between != separator => return None,
        None if between != b'-' && between != b' ' && between != b'.' => return None,
        _ => {}
    }
    let end = group(exchange_end.checked_add(1)?, 4)?;
    (ends_token(bytes, end) && !continues(bytes, end)).then_some(end)
}

/// `+` and a digit, an area code in parentheses, or three groups of 3, 3 and 4 digits.
pub fn js_prefilter(classes: &JsClasses) -> Vec<JsShape> {
    let d = &classes.digit;
    vec![
        JsShape::other(format!("\\+{d}")),
        JsShape::other(format!("\\({d}{{3}}\\)")),
        JsShape::digits_then(3, format!("[^]{d}{{3}}[^]{d}{{4}}")),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const PHONE: DetectorSet = DetectorSet::none().with(Detector::Phone);

    #[test]
    fn phone_numbers_are_found() {
        for phone in [
            "+15550123456",
            "+1 555 012 3456",
            "+1-555-012-3456",
            "+1 (555) 012-3456",
            "+44 20 7946 0958",
            "+44 (0)20 7946 0958",
            "+4915112345678",
            "+33 1 23 45 67 89",
            "+81.3.1234.5678",
            "(555) 012-3456",
            "(555)012-3456",
            "(212) 555 0199",
            "212-555-0199",
            "212.555.0199",
            "212 555 0199",
        ] {
            assert_eq!(
                only(phone, PHONE),
                Some((Detector::Phone, phone)),
                "{phone}"
            );
            for text in [
                format!("call {phone} today"),
                format!("tel:{phone}"),
                format!("\\n{phone}"),
            ] {
                assert_eq!(only(&text, PHONE), Some((Detector::Phone, phone)), "{text}");
                check_invariants(&text, ALL.with(Detector::Phone));
            }
        }
        // Unicode separators and digits fold like everywhere else.
        let text = "call +44\u{a0}20\u{a0}7946\u{a0}0958";
        assert_eq!(
            only(text, PHONE).unwrap().1,
            "+44\u{a0}20\u{a0}7946\u{a0}0958"
        );
    }

    #[test]
    fn order_numbers_dates_and_amounts_are_not_phones() {
        for text in [
            "2024-05-01",
            "2024-05-01T12:34:56Z",
            "01/02/2024",
            "order 123-456-7890",
            "order 555-123-4567-89",
            "ref 12-555-234-5678",
            "055-234-5678",
            "555-034-5678",
            "555-234.5678",
            "5552345678",
            "+1 555",
            "+1234567",
            "+0 555 234 5678",
            "+1234567890123456",
            "+44 20 7946 0958 1234",
            "UTC+05:30",
            "1,234,567.89",
            "$1 234 567",
            "v1.2.3.4",
            "192.168.100.200",
            "(055) 234-5678",
            "x212-555-0199",
            "212-555-0199x",
        ] {
            assert_eq!(only(text, PHONE), None, "{text}");
        }
        // Off by default.
        assert_eq!(only("+1 555 012 3456", DetectorSet::defaults()), None);
    }

    #[test]
    fn a_card_after_a_plus_is_a_card() {
        // Form encoding turns a space into `+`: the 16 digits are too many for a phone.
        for text in ["+4111111111111111", "+4111 1111 1111 1111"] {
            assert_eq!(
                hits(text, DetectorSet::all()),
                vec![(Detector::CardNumber, &text[1..])],
                "{text}"
            );
        }
    }

    #[test]
    fn long_digit_chains_take_bounded_work() {
        for text in [
            "+1 ".repeat(1 << 18),
            "+1".repeat(1 << 19),
            "555-".repeat(1 << 18),
            "(555) ".repeat(1 << 17),
        ] {
            assert!(find(&text, PHONE).is_empty());
        }
    }
}
