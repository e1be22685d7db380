//! Match keys for ad platforms: normalised email and phone, and their SHA-256.
//!
//! Meta's Conversions API and Google's enhanced conversions match on an unkeyed SHA-256 of a
//! normalised value, so a byte of difference (a capital letter, a missing country code) is a
//! silent non-match, never an error. These functions do the normalisation both platforms
//! document; the hash is theirs, not a protection: an unkeyed phone hash is reversible by
//! enumeration, so it belongs only in requests to the platform that asked for it.

use std::fmt;

use sha2::{Digest, Sha256};

/// E.164 numbers have at most 15 digits, country code included.
pub const E164_MAX_DIGITS: usize = 15;
/// Fewer than 8 digits is a short code or a typo, not a number a platform can match.
pub const E164_MIN_DIGITS: usize = 8;

/// Why a phone number could not be put into E.164 form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// Blank, or no digit at all.
    Empty,
    /// No `+` or `00` prefix and no usable default country code, or a country code that
    /// starts with 0.
    NoCountryCode,
    /// Not 8 to 15 digits once the country code is in place.
    BadLength,
    /// A character other than digits, a leading `+`, spaces, `.`, `-`, `(` and `)`.
    InvalidChar,
}

impl PhoneError {
    /// The stable name the JavaScript API reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneError::Empty => "EMPTY",
            PhoneError::NoCountryCode => "NO_COUNTRY_CODE",
            PhoneError::BadLength => "BAD_LENGTH",
            PhoneError::InvalidChar => "INVALID_CHAR",
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Trims surrounding whitespace (Unicode, so a pasted no-break space goes too) and lowercases
/// the whole string, ASCII and Unicode alike: the form Meta and Google hash.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Puts a phone number into E.164: `"+1 (650) 555-1212"` gives `"+16505551212"`.
///
/// The country code comes from a leading `+`, else from a leading `00` (the international
/// prefix most of the world dials), else from `default_country_code` (`"1"` or `"+1"`; 1 to 3
/// digits). When the default is applied, a national trunk prefix is dropped first, as a
/// caller would when dialling from abroad: a leading `0` (`"020 7946 0958"` in the UK), except
/// for Italy, San Marino and the Vatican whose numbers keep it, and in the North American plan
/// a leading `1` on an 11-digit number (`"1-650-555-1212"`).
///
/// Spaces (any whitespace), dots, dashes and parentheses may appear anywhere after the prefix
/// and are dropped; their placement is not checked, except that a `(0)` is dropped with its
/// zero, the convention for a trunk prefix in `"+44 (0)20 7946 0958"`. Surrounding whitespace
/// is trimmed. Errors are reported in this order: [`PhoneError::Empty`] for a blank string,
/// [`PhoneError::InvalidChar`], [`PhoneError::Empty`] when there is no digit,
/// [`PhoneError::NoCountryCode`], [`PhoneError::BadLength`]. A default country code is only
/// checked when it is needed. The input is read a few times, never copied, and nothing larger
/// than the result is allocated, whatever its length.
///
/// # Errors
///
/// A [`PhoneError`] saying why the input is not a phone number this can place.
pub fn to_e164(phone: &str, default_country_code: Option<&str>) -> Result<String, PhoneError> {
    build(phone, default_country_code, true)
}

/// True if `s` is already strictly E.164: `+`, a first digit 1 to 9, 8 to 15 ASCII digits in
/// all, and nothing else (no spaces, no trailing newline).
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    let digits = digits.as_bytes();
    (E164_MIN_DIGITS..=E164_MAX_DIGITS).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && digits.first() != Some(&b'0')
}

/// The phone form Meta's Conversions API hashes: E.164 without the `+` (`"16505551212"`),
/// by the same rules as [`to_e164`].
///
/// # Errors
///
/// The same as [`to_e164`].
pub fn meta_phone(phone: &str, default_country_code: Option<&str>) -> Result<String, PhoneError> {
    build(phone, default_country_code, false)
}

/// Full lowercase hex SHA-256 (64 characters) of `data`, as the ad platforms expect: never
/// truncated, since a truncated hash no longer matches theirs and is no harder to reverse.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Separators a person types between digit groups; they carry no meaning.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')
}

/// The shared body of [`to_e164`] and [`meta_phone`]: the digits of the E.164 form, after a
/// `+` when `plus` is set.
fn build(
    phone: &str,
    default_country_code: Option<&str>,
    plus: bool,
) -> Result<String, PhoneError> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (has_plus, rest) = match phone.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, phone),
    };
    // First pass: reject stray characters and count digits, before allocating anything.
    if !rest.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
        return Err(PhoneError::InvalidChar);
    }
    let digits = || number_digits(rest);
    let count = digits().count();
    if count == 0 {
        return Err(PhoneError::Empty);
    }
    let mut leading = digits();
    let (first, second) = (leading.next(), leading.next());
    // The country code to put first (empty when the number carries its own) and how many of
    // the number's leading digits to drop (a "00" prefix, or a trunk prefix).
    let (code, skip) = if has_plus {
        ("", 0)
    } else if (first, second) == (Some(b'0'), Some(b'0')) {
        ("", 2)
    } else {
        let code = default_country_code
            .and_then(country_code)
            .ok_or(PhoneError::NoCountryCode)?;
        let trunk = match (code, first) {
            ("1", Some(b'1')) if count == 11 => 1,
            ("39" | "378" | "379", _) => 0,
            (_, Some(b'0')) => 1,
            _ => 0,
        };
        (code, trunk)
    };
    let national = count.saturating_sub(skip);
    let total = code.len().saturating_add(national);
    let lead = code.bytes().chain(digits().skip(skip)).next();
    if lead.is_none() || lead == Some(b'0') {
        // "+0..." or "000...": no country code starts with 0.
        return Err(if total == 0 {
            PhoneError::Empty
        } else {
            PhoneError::NoCountryCode
        });
    }
    if !(E164_MIN_DIGITS..=E164_MAX_DIGITS).contains(&total) {
        return Err(PhoneError::BadLength);
    }
    let mut out = String::with_capacity(total.saturating_add(1));
    if plus {
        out.push('+');
    }
    out.push_str(code);
    out.extend(digits().skip(skip).map(char::from));
    Ok(out)
}

/// The digits of `rest`, which holds only digits and separators, without a "(0)": the
/// convention "+44 (0)20 7946 0958" marks a trunk prefix dialled only inside the country.
fn number_digits(rest: &str) -> impl Iterator<Item = u8> + '_ {
    let bytes = rest.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &byte)| {
        let trunk_zero = byte == b'0'
            && i.checked_sub(1).and_then(|before| bytes.get(before)) == Some(&b'(')
            && i.checked_add(1).and_then(|after| bytes.get(after)) == Some(&b')');
        (byte.is_ascii_digit() && !trunk_zero).then_some(byte)
    })
}

/// A usable default country code: 1 to 3 ASCII digits, the first not 0, with an optional
/// leading `+` and surrounding whitespace.
fn country_code(code: &str) -> Option<&str> {
    let code = code.trim();
    let code = code.strip_prefix('+').unwrap_or(code);
    let valid = (1..=3).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_digit())
        && !code.starts_with('0');
    valid.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Meta's published example of a hashed phone number.
    const META_PHONE_HASH: &str =
        "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176";

    #[test]
    fn sha256_fips_180_2_vectors() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn sha256_is_full_lowercase_hex() {
        let hash = sha256_hex("émoji 🎉".as_bytes());
        assert_eq!(hash.len(), 64);
        assert!(hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn meta_published_phone_vector() {
        assert_eq!(sha256_hex(b"16505551212"), META_PHONE_HASH);
        let phone = meta_phone("+1 (650) 555-1212", None).unwrap();
        assert_eq!(phone, "16505551212");
        assert_eq!(sha256_hex(phone.as_bytes()), META_PHONE_HASH);
        // The same number in other shapes gives the same key.
        for shape in [
            "+16505551212",
            "001 650 555 1212",
            "(650) 555-1212",
            "650.555.1212",
            "1-650-555-1212",
            " 6505551212\n",
        ] {
            let phone = meta_phone(shape, Some("1")).unwrap();
            assert_eq!(sha256_hex(phone.as_bytes()), META_PHONE_HASH, "{shape:?}");
        }
    }

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  John.Doe@Example.COM \n"),
            "john.doe@example.com"
        );
        assert_eq!(normalize_email("ÉLODIE@Exemple.FR"), "élodie@exemple.fr");
        assert_eq!(normalize_email("\u{a0}\tA@B.CO\u{3000}"), "a@b.co");
        assert_eq!(normalize_email("a@b.co"), "a@b.co");
        assert_eq!(normalize_email("   "), "");
        assert_eq!(normalize_email(""), "");
    }

    #[test]
    fn e164_from_international_forms() {
        for (input, expected) in [
            ("+1 (650) 555-1212", "+16505551212"),
            ("+16505551212", "+16505551212"),
            ("+44 20 7946 0958", "+442079460958"),
            ("0044 20 7946 0958", "+442079460958"),
            ("00 49 30 1234567", "+49301234567"),
            ("+49.30.123.4567", "+49301234567"),
            ("+ 33 6 12 34 56 78", "+33612345678"),
            ("\t+33 (0)6 12 34 56 78 ", "+33612345678"),
            ("+44 (0)20 7946 0958", "+442079460958"),
            ("+44 (0) 20 7946 0958", "+442079460958"),
            ("+44 (020) 7946 0958", "+4402079460958"),
            ("+12345678", "+12345678"),
            ("+123456789012345", "+123456789012345"),
        ] {
            assert_eq!(to_e164(input, None).as_deref(), Ok(expected), "{input:?}");
            // A default country code never overrides the number's own.
            assert_eq!(
                to_e164(input, Some("7")).as_deref(),
                Ok(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn e164_with_a_default_country_code() {
        for (input, code, expected) in [
            ("(650) 555-1212", "1", "+16505551212"),
            ("650-555-1212", "+1", "+16505551212"),
            ("1 650 555 1212", "1", "+16505551212"),
            ("16505551212", " 1 ", "+16505551212"),
            ("020 7946 0958", "44", "+442079460958"),
            ("(0)20 7946 0958", "44", "+442079460958"),
            ("06 12 34 56 78", "33", "+33612345678"),
            ("030 1234567", "49", "+49301234567"),
            ("06 1234 5678", "39", "+390612345678"),
            ("612 345 678", "34", "+34612345678"),
        ] {
            assert_eq!(
                to_e164(input, Some(code)).as_deref(),
                Ok(expected),
                "{input:?} {code:?}"
            );
        }
    }

    #[test]
    fn e164_errors() {
        for (input, code, error) in [
            ("", None, PhoneError::Empty),
            ("   \n", Some("1"), PhoneError::Empty),
            ("+", None, PhoneError::Empty),
            ("()-. ", Some("1"), PhoneError::Empty),
            ("6505551212", None, PhoneError::NoCountryCode),
            ("(650) 555-1212", None, PhoneError::NoCountryCode),
            ("6505551212", Some(""), PhoneError::NoCountryCode),
            ("6505551212", Some("0"), PhoneError::NoCountryCode),
            ("6505551212", Some("1234"), PhoneError::NoCountryCode),
            ("6505551212", Some("x1"), PhoneError::NoCountryCode),
            ("+06505551212", None, PhoneError::NoCountryCode),
            ("000 6505551212", None, PhoneError::NoCountryCode),
            ("+1234567", None, PhoneError::BadLength),
            ("+1234567890123456", None, PhoneError::BadLength),
            ("55 1212", Some("1"), PhoneError::BadLength),
            ("+(0)", None, PhoneError::Empty),
            ("00", None, PhoneError::Empty),
            ("+1 650 555 1212 ext 3", None, PhoneError::InvalidChar),
            ("+1-650-CALL-NOW", None, PhoneError::InvalidChar),
            ("1+6505551212", Some("1"), PhoneError::InvalidChar),
            ("++16505551212", None, PhoneError::InvalidChar),
            ("+1/650/555/1212", None, PhoneError::InvalidChar),
            ("+１６５０５５５１２１２", None, PhoneError::InvalidChar),
            ("+16505551212#", None, PhoneError::InvalidChar),
            ("tel:+16505551212", None, PhoneError::InvalidChar),
        ] {
            assert_eq!(to_e164(input, code), Err(error), "{input:?} {code:?}");
            assert_eq!(meta_phone(input, code), Err(error), "{input:?} {code:?}");
        }
    }

    #[test]
    fn e164_huge_inputs_fail_without_building_them() {
        let digits = format!("+1{}", "2".repeat(1 << 20));
        assert_eq!(to_e164(&digits, None), Err(PhoneError::BadLength));
        let trailing_letter = format!("{digits}x");
        assert_eq!(
            to_e164(&trailing_letter, None),
            Err(PhoneError::InvalidChar)
        );
        let spaces = format!("+1 650 555 1212{}", " ".repeat(1 << 20));
        assert_eq!(to_e164(&spaces, None).as_deref(), Ok("+16505551212"));
    }

    #[test]
    fn e164_output_is_strict_e164_and_meta_drops_the_plus() {
        for input in [
            "+1 (650) 555-1212",
            "0044 20 7946 0958",
            "020 7946 0958",
            "+123456789012345",
            "+12345678",
        ] {
            let e164 = to_e164(input, Some("44")).unwrap();
            assert!(is_e164(&e164), "{e164}");
            assert_eq!(to_e164(&e164, None).as_deref(), Ok(e164.as_str()));
            let meta = meta_phone(input, Some("44")).unwrap();
            assert_eq!(format!("+{meta}"), e164);
        }
    }

    #[test]
    fn is_e164_is_strict() {
        for good in ["+16505551212", "+12345678", "+123456789012345"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "",
            "+",
            "16505551212",
            "+1 6505551212",
            "+1-650-555-1212",
            "+16505551212\n",
            " +16505551212",
            "+06505551212",
            "+1234567",
            "+1234567890123456",
            "++16505551212",
            "+1650555121a",
            "+１６５０５５５１２１２",
        ] {
            assert!(!is_e164(bad), "{bad:?}");
        }
    }

    #[test]
    fn phone_error_names_are_stable() {
        assert_eq!(PhoneError::Empty.as_str(), "EMPTY");
        assert_eq!(PhoneError::NoCountryCode.as_str(), "NO_COUNTRY_CODE");
        assert_eq!(PhoneError::BadLength.as_str(), "BAD_LENGTH");
        assert_eq!(PhoneError::InvalidChar.to_string(), "INVALID_CHAR");
    }
}
