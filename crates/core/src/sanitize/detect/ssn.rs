//! US Social Security numbers, `AAA-GG-SSSS` or `AAA GG SSSS`.

use super::{ends_token, JsClasses, JsShape};

/// Digits in an SSN.
pub const DIGITS: usize = 9;
/// `AAA-GG-SSSS`.
const FORMATTED_LEN: usize = 11;
pub const MIN_LEN: usize = FORMATTED_LEN;

/// The end of a US Social Security number starting at `start`, if there is one.
///
/// `AAA-GG-SSSS` or `AAA GG SSSS` (one separator, the same twice) anywhere in the text. Nine
/// bare digits are not matched, even as the whole value: they are far more often a customer or
/// order id or a zip+4, and redacting an id breaks the profile it belongs to. A field named
/// `ssn` (in any spelling) is dropped by its rule whatever its format.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    let end = start.checked_add(FORMATTED_LEN)?;
    let candidate: [u8; FORMATTED_LEN] = bytes.get(start..end)?.try_into().ok()?;
    let [a1, a2, a3, sep1, g1, g2, sep2, s1, s2, s3, s4] = candidate;
    if (sep1 != b'-' && sep1 != b' ') || sep2 != sep1 || !ends_token(bytes, end) {
        return None;
    }
    parts_valid(&[a1, a2, a3], &[g1, g2], &[s1, s2, s3, s4]).then_some(end)
}

/// The SSA's rules for numbers it has ever issued: area not 000, 666 or 900-999 (those were
/// never assigned, and 9xx are ITINs), group not 00, serial not 0000.
fn parts_valid(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
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

/// Three digits, a separator, two digits, a separator, four digits.
pub fn js_prefilter(classes: &JsClasses) -> JsShape {
    let d = &classes.digit;
    JsShape::digits_then(3, format!("[^]{d}{{2}}[^]{d}{{4}}"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

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
        assert_eq!(only("ID123-45-6789", SSN), None);
        assert_eq!(only("SSN#123-45-6789", SSN).unwrap().1, "123-45-6789");
        // Encoding residue and Unicode dashes or spaces do not hide one.
        for (text, ssn) in [
            ("\\n123-45-6789", "123-45-6789"),
            ("%20123-45-6789", "123-45-6789"),
            ("123\u{2013}45\u{2013}6789", "123\u{2013}45\u{2013}6789"),
            ("123\u{a0}45\u{a0}6789", "123\u{a0}45\u{a0}6789"),
            (
                "\u{ff11}\u{ff12}\u{ff13}-45-6789",
                "\u{ff11}\u{ff12}\u{ff13}-45-6789",
            ),
        ] {
            assert_eq!(only(text, SSN), Some((Detector::UsSsn, ssn)), "{text}");
            check_invariants(text, ALL);
        }
        // Dash or space next to it is a boundary, as for every detector.
        assert_eq!(
            only("1-123-45-6789", SSN),
            Some((Detector::UsSsn, "123-45-6789"))
        );
    }
}
