//! Card numbers written as numbers: judged by the number's exact value, whatever its spelling.
//!
//! `4.111111111111111E15` (what Jackson writes), `4111111111111111.0` and `41111111111111110e-1`
//! are all 4111111111111111, and JSON.parse hands the card back. The decimal text is read
//! exactly, digit by digit, never through an f64, so no rounding can turn a card into a
//! non-card or the reverse. A number is flagged when the integer part of its value is a valid
//! card number (13 to 19 digits, Luhn): a whole number, or one with a fraction after the card
//! (`4111111111111111.5` still shows the card to whoever reads it).

use super::card;
use super::Chars;

/// The shortest JSON number text whose integer part can have 13 digits: a digit, `e`, two
/// exponent digits (`1e12`).
pub const NUMERIC_STRING_MIN_LEN: usize = 4;

/// True if `text`, a number in JSON's grammar (as a JSON document or `String(number)` writes
/// it), has a card number as the integer part of its value. Anything else is false.
pub fn card_in_number(text: &str) -> bool {
    integer_part(text.as_bytes()).is_some_and(|digits| card::digits_valid(digits.as_slice()))
}

/// True if the whole string is a JSON number with a fraction or an exponent whose value has a
/// card number as its integer part (a number some code turned into a string: "4.1111e15").
/// Plain digit strings are left to the card detector, which finds them anywhere in a text.
pub fn card_in_numeric_string(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.len() >= NUMERIC_STRING_MIN_LEN
        && matches!(bytes.first(), Some(b'0'..=b'9' | b'-'))
        && bytes.iter().any(|b| matches!(b, b'.' | b'e' | b'E'))
        && card_in_number(text)
}

/// The integer part of the value of a JSON number, as its decimal digits without sign or
/// leading zeros, when it has 13 to 19 digits. `None` for anything else, text outside the
/// grammar included.
fn integer_part(text: &[u8]) -> Option<Chars<{ card::MAX_DIGITS }>> {
    let mut rest = text.strip_prefix(b"-").unwrap_or(text);
    let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (int_digits, after) = rest.split_at_checked(int_len)?;
    // JSON: no leading zeros, at least one digit.
    if int_digits.is_empty() || (int_digits.len() > 1 && int_digits.first() == Some(&b'0')) {
        return None;
    }
    rest = after;
    let mut frac_digits: &[u8] = &[];
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let len = after_dot.iter().take_while(|b| b.is_ascii_digit()).count();
        let (digits, after) = after_dot.split_at_checked(len)?;
        if digits.is_empty() {
            return None;
        }
        frac_digits = digits;
        rest = after;
    }
    // The exponent, saturated far beyond any value that matters: only whether the integer
    // part has 13 to 19 digits is asked, and every digit string here is shorter than isize.
    let mut exponent: i64 = 0;
    if let Some((&e, after_e)) = rest.split_first() {
        if e != b'e' && e != b'E' {
            return None;
        }
        let (negative, digits) = match after_e.split_first() {
            Some((b'-', d)) => (true, d),
            Some((b'+', d)) => (false, d),
            _ => (false, after_e),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for &d in digits {
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i64::from(d - b'0'))
                .min(1 << 40);
        }
        if negative {
            exponent = -exponent;
        }
    }
    // The significant digits, integer then fraction, without leading zeros; the decimal point
    // sits `point` digits into them.
    let all = || int_digits.iter().chain(frac_digits).copied();
    let zeros = all().take_while(|&d| d == b'0').count();
    let significant = int_digits
        .len()
        .saturating_add(frac_digits.len())
        .saturating_sub(zeros);
    if significant == 0 {
        return None; // the value is zero
    }
    let point = i64::try_from(int_digits.len())
        .ok()?
        .saturating_sub(i64::try_from(zeros).ok()?)
        .saturating_add(exponent);
    let point = usize::try_from(point).ok()?;
    if !(card::MIN_DIGITS..=card::MAX_DIGITS).contains(&point) {
        return None;
    }
    let mut out = Chars::new();
    for d in all().skip(zeros).chain(std::iter::repeat(b'0')).take(point) {
        if !out.push_all(&[d]) {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> Option<String> {
        integer_part(text.as_bytes()).map(|d| String::from_utf8(d.as_slice().to_vec()).unwrap())
    }

    #[test]
    fn integer_part_is_exact_in_every_spelling() {
        for text in [
            "4111111111111111",
            "-4111111111111111",
            "4111111111111111.0",
            "4111111111111111.5",
            "4111111111111111.999999999999999999999",
            "4.111111111111111E15",
            "4.111111111111111e15",
            "4.111111111111111e+15",
            "4.1111111111111115e15",
            "41111111111111110e-1",
            "411111111111111100000000000000e-14",
            "0.4111111111111111e16",
            "0.00000000004111111111111111e26",
            "4111111111111111e0",
        ] {
            assert_eq!(int(text).as_deref(), Some("4111111111111111"), "{text}");
            assert!(card_in_number(text), "{text}");
        }
        // Nineteen digits, beyond f64's 2^53: read exactly.
        assert_eq!(
            int("6011111111111111117").as_deref(),
            Some("6011111111111111117")
        );
        assert_eq!(int("1.8e15").as_deref(), Some("1800000000000000"));
        assert_eq!(int("1e12").as_deref(), Some("1000000000000"));
        assert_eq!(int("1e11"), None);
        assert_eq!(int("1e18").as_deref(), Some("1000000000000000000"));
        assert_eq!(int("1e19"), None);
    }

    #[test]
    fn outside_13_to_19_digits_or_the_grammar_is_nothing() {
        for text in [
            "",
            "-",
            "411111111111",
            "41111111111111111111",
            "4.111111111111111e10",
            "4.111111111111111e19",
            "0.4111111111111111",
            "0",
            "0.0e999999999999999999999999",
            "1e-99999999999999999999999",
            "1e99999999999999999999999",
            "04111111111111111",
            "4111111111111111.",
            ".4111111111111111e16",
            "4111111111111111e",
            "4111111111111111e+",
            "4.111111111111111f15",
            "+4111111111111111",
            "4111111111111111 ",
            "NaN",
            "Infinity",
            "1e+21",
        ] {
            assert_eq!(int(text), None, "{text:?}");
        }
    }

    #[test]
    fn luhn_decides() {
        assert!(card_in_number("378282246310005"));
        assert!(card_in_number("3.78282246310005e14"));
        assert!(!card_in_number("378282246310006"));
        assert!(!card_in_number("3.78282246310006e14"));
        // Luhn-valid but one digit repeated: not a card.
        assert!(!card_in_number("5.555555555555555e15"));
    }

    #[test]
    fn numeric_strings_need_a_fraction_or_an_exponent() {
        assert!(card_in_numeric_string("4.111111111111111e15"));
        assert!(card_in_numeric_string("4111111111111111.0"));
        assert!(card_in_numeric_string("-4.111111111111111E+15"));
        assert!(card_in_numeric_string("4.2e15"));
        // A microsecond timestamp's value is no card (no network issues numbers starting with 1).
        assert!(!card_in_numeric_string("1.8e15"));
        // Plain digits are the card detector's.
        assert!(!card_in_numeric_string("4111111111111111"));
        assert!(!card_in_numeric_string(" 4.111111111111111e15"));
        assert!(!card_in_numeric_string("4.111111111111111e15 "));
        assert!(!card_in_numeric_string("x4.111111111111111e15"));
    }

    #[test]
    fn no_number_text_shorter_than_the_minimum_can_be_a_card() {
        // Every text of 3 characters from the grammar's alphabet.
        let alphabet = b"0123456789.eE+-";
        for &a in alphabet {
            for &b in alphabet {
                for &c in alphabet {
                    let text = [a, b, c];
                    assert!(integer_part(&text).is_none());
                }
            }
        }
    }

    #[test]
    fn huge_exponents_and_mantissas_are_cheap() {
        let long = format!("4.{}e15", "1".repeat(1 << 20));
        assert!(card_in_number(&long));
        let zeros = format!(
            "0.{}4111111111111111e{}",
            "0".repeat(1 << 20),
            (1 << 20) + 16
        );
        assert!(card_in_number(&zeros));
        let exp = format!("4e{}", "9".repeat(1 << 20));
        assert!(!card_in_number(&exp));
    }
}
