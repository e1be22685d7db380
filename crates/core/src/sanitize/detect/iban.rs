//! International Bank Account Numbers (ISO 13616), compact or in the paper format, in any
//! letter case.

use super::{run_len, JsClasses, JsShape};

/// ISO 13616: 2 letters, 2 check digits, a BBAN of 11 to 30 alphanumerics.
pub const MIN_LEN: usize = 15;
const MAX_LEN: usize = 34;
pub const HEAD_LEN: usize = 4;
/// The paper format prints an IBAN in groups of 4, the last one possibly shorter.
const GROUP: usize = 4;

/// The end of an IBAN starting at `start`, if there is one.
///
/// Either one token of 15 to 34 letters and digits ("GB82WEST12345698765432"), or the paper
/// format: groups of 4 joined by single spaces, the last group 1 to 4 long ("DE89 3704 0044
/// 0532 0130 00"). Letters may be in any case, as people retype them; but a candidate with a
/// lowercase letter must name a country of the SWIFT registry and have its exact length, since
/// lowercase letter-digit tokens (ids, hashes) are common and one in 97 passes mod-97 by chance.
/// An uppercase candidate from a country missing from the table (the registry grows) only gets
/// the 15 to 34 bound.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    let head_end = start.checked_add(HEAD_LEN)?;
    let head: [u8; HEAD_LEN] = bytes.get(start..head_end)?.try_into().ok()?;
    let [c1, c2, k1, k2] = head;
    if !(c1.is_ascii_alphabetic()
        && c2.is_ascii_alphabetic()
        && k1.is_ascii_digit()
        && k2.is_ascii_digit())
    {
        return None;
    }
    let head = head.map(|b| b.to_ascii_uppercase());
    let expected = registry_length([c1.to_ascii_uppercase(), c2.to_ascii_uppercase()]);
    let mut lowercase = c1.is_ascii_lowercase() || c2.is_ascii_lowercase();
    let length_ok = |len: usize, lowercase: bool| match expected {
        Some(country_len) => len == country_len,
        None => !lowercase && (MIN_LEN..=MAX_LEN).contains(&len),
    };
    let run = run_len(bytes, start, MAX_LEN + 1, u8::is_ascii_alphanumeric);
    if run > HEAD_LEN {
        // The compact format; the run is a whole token, so there is exactly one candidate.
        let end = start.checked_add(run)?;
        let bban = bytes.get(head_end..end)?;
        lowercase |= bban.iter().any(u8::is_ascii_lowercase);
        return (run <= MAX_LEN && length_ok(run, lowercase) && valid(&head, bban)).then_some(end);
    }
    if !check_digits_issued(&head) {
        return None;
    }
    // The paper format. The BBAN's remainder is carried from group to group, so each
    // candidate end costs 4 steps (the head), not a pass over the whole candidate.
    let mut len = HEAD_LEN;
    let mut bban_remainder = 0;
    let mut end = head_end;
    let mut best = None;
    while bytes.get(end) == Some(&b' ') {
        let group_start = end.checked_add(1)?;
        let group_len = run_len(bytes, group_start, GROUP + 1, u8::is_ascii_alphanumeric);
        if group_len == 0 || group_len > GROUP {
            break;
        }
        len = len.checked_add(group_len)?;
        if len > MAX_LEN {
            break;
        }
        let group_end = group_start.checked_add(group_len)?;
        let group = bytes.get(group_start..group_end)?;
        lowercase |= group.iter().any(u8::is_ascii_lowercase);
        let Some(remainder) = group.iter().try_fold(bban_remainder, mod97_push) else {
            break;
        };
        bban_remainder = remainder;
        end = group_end;
        // `end` is the end of a whole alphanumeric run, so it always ends a token.
        if length_ok(len, lowercase) && checksum_ok(bban_remainder, &head) {
            best = Some(end);
        }
        if group_len < GROUP || expected.is_some_and(|country_len| len >= country_len) {
            break; // a short group can only be the last one; the country's length is reached
        }
    }
    best
}

/// ISO 13616 validity of a compact IBAN given as its head (uppercase) and BBAN: issued check
/// digits, and the mod-97 check. The length is the caller's.
fn valid(head: &[u8; HEAD_LEN], bban: &[u8]) -> bool {
    check_digits_issued(head)
        && bban
            .iter()
            .try_fold(0, mod97_push)
            .is_some_and(|remainder| checksum_ok(remainder, head))
}

/// The algorithm only produces check digits 02 to 98: 00, 01 and 99 pass mod 97 by accident.
fn check_digits_issued(head: &[u8; HEAD_LEN]) -> bool {
    !matches!(head, [_, _, b'0', b'0' | b'1'] | [_, _, b'9', b'9'])
}

/// The mod-97 remainder of a number continued by `byte`: a digit, or a letter in either case
/// that stands for two digits (A=10 .. Z=35). `None` for any other byte. Carrying the
/// remainder means no big integer is ever built: 96 * 100 + 35 fits easily in a u32.
fn mod97_push(remainder: u32, &byte: &u8) -> Option<u32> {
    if !byte.is_ascii_alphanumeric() {
        return None;
    }
    let value = char::from(byte).to_digit(36)?;
    let scale = if value < 10 { 10 } else { 100 };
    Some(remainder.saturating_mul(scale).saturating_add(value) % 97)
}

/// The mod-97 check: ISO 13616 moves the country and check digits after the BBAN, so the
/// BBAN's remainder is continued through them, and a valid IBAN leaves 1.
fn checksum_ok(bban_remainder: u32, head: &[u8; HEAD_LEN]) -> bool {
    head.iter().try_fold(bban_remainder, mod97_push) == Some(1)
}

/// The IBAN length of each country in the SWIFT IBAN registry (release 101).
fn registry_length(country: [u8; 2]) -> Option<usize> {
    let len = match &country {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FK" | b"FO" | b"GL" | b"NL" | b"SD" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"MN" | b"XK" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"CR" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" | b"VA" => 22,
        b"AE" | b"GI" | b"IL" | b"IQ" | b"OM" | b"SO" | b"TL" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"LY" | b"PT" | b"ST" => 25,
        b"IS" | b"TR" => 26,
        b"BI" | b"DJ" | b"FR" | b"GR" | b"IT" | b"MC" | b"MR" | b"SM" => 27,
        b"AL" | b"AZ" | b"BY" | b"CY" | b"DO" | b"GT" | b"HN" | b"HU" | b"LB" | b"NI" | b"PL"
        | b"SV" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"JO" | b"KW" | b"MU" | b"YE" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    };
    Some(len)
}

/// Two letters, two digits, then 11 more letters or digits, each after an optional space. The
/// space class and the letter-digit class are disjoint, so the regex cannot backtrack far. The
/// letters are looked for behind the digits: a regex starting with letters would try them at
/// nearly every position of ordinary text.
pub fn js_prefilter(classes: &JsClasses) -> JsShape {
    let (d, s, x) = (&classes.digit, &classes.space, &classes.alnum);
    JsShape::digits_then(2, format!("(?<=[A-Za-z]{{2}}{d}{{2}})(?:{s}?{x}){{11}}"))
}

#[cfg(test)]
pub(super) fn valid_compact(iban: &[u8]) -> bool {
    let (Some(head), Some(bban)) = (iban.get(..HEAD_LEN), iban.get(HEAD_LEN..)) else {
        return false;
    };
    let head: [u8; HEAD_LEN] = head.try_into().unwrap();
    valid(&head.map(|b| b.to_ascii_uppercase()), bban)
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::testing::*;
    use super::*;

    pub(in super::super) const IBANS: [&str; 8] = [
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
        for iban in [
            "de89370400440532013000",
            "De89370400440532013000",
            "GB82west12345698765432",
            "gb82 west 1234 5698 7654 32",
            "\u{ff27}\u{ff22}82WEST12345698765432",
        ] {
            let expected = (!iban.starts_with('\u{ff27}')).then_some((Detector::Iban, iban));
            // Fullwidth letters are not folded (only digits, spaces and dashes are).
            assert_eq!(only(iban, IBAN), expected, "{iban}");
        }
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
        // A country outside the table ("QQ") gets the 15..=34 bound only, in uppercase.
        let rekeyed = rekey("QQ", "370400440532013000");
        assert_eq!(only(&rekeyed, IBAN), Some((Detector::Iban, &*rekeyed)));
        assert_eq!(only(&rekeyed.to_lowercase(), IBAN), None);
        let too_short = rekey("QQ", "37040044053");
        assert_eq!(too_short.len(), 15);
        assert_eq!(only(&too_short, IBAN), Some((Detector::Iban, &*too_short)));
        let shorter = rekey("QQ", "3704004405");
        assert_eq!(only(&shorter, IBAN), None);
        let longest = rekey("QQ", "123456789012345678901234567890");
        assert_eq!(longest.len(), 34);
        assert_eq!(only(&longest, IBAN), Some((Detector::Iban, &*longest)));
        let too_long = rekey("QQ", "1234567890123456789012345678901");
        assert_eq!(only(&too_long, IBAN), None);
        // Kosovo is in the registry, at 20.
        assert_eq!(only(&rekey("XK", "370400440532013000"), IBAN), None);
    }

    /// Builds a valid IBAN for `country` and `bban` by computing its check digits.
    fn rekey(country: &str, bban: &str) -> String {
        (2..=98)
            .map(|check| format!("{country}{check:02}{bban}"))
            .find(|iban| valid_compact(iban.as_bytes()))
            .unwrap()
    }

    /// The example IBAN of each registry country, shared with the Node tests.
    const REGISTRY_EXAMPLES: &str =
        include_str!("../../../../../__test__/fixtures/iban-registry-examples.txt");

    fn registry_examples() -> Vec<(&'static str, bool)> {
        REGISTRY_EXAMPLES
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .map(|line| match line.strip_suffix(" *") {
                Some(iban) => (iban, false),
                None => (line, true),
            })
            .collect()
    }

    /// Groups of 4 joined by `separator`, as the paper format prints an IBAN.
    fn paper(iban: &str, separator: &str) -> String {
        iban.as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(separator)
    }

    #[test]
    fn every_registry_example_is_found_in_any_case() {
        let examples = registry_examples();
        assert!(examples.len() > 90);
        for (iban, in_registry) in examples {
            let mixed: String = iban
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            let upper = [iban.to_owned(), paper(iban, " "), paper(iban, "\u{a0}")];
            let lower = [
                iban.to_lowercase(),
                paper(&iban.to_lowercase(), " "),
                mixed.clone(),
                paper(&mixed, " "),
            ];
            for form in &upper {
                let text = format!("IBAN: {form}.");
                assert_eq!(
                    only(&text, IBAN),
                    Some((Detector::Iban, form.as_str())),
                    "{form}"
                );
                check_invariants(&text, ALL);
            }
            for form in &lower {
                let expected = in_registry.then_some((Detector::Iban, form.as_str()));
                assert_eq!(only(form, IBAN), expected, "{form}");
            }
        }
    }

    #[test]
    fn lowercase_near_misses_are_rejected() {
        for text in [
            // One letter changed in a lowercase IBAN.
            "gb82west12345698765433",
            "gb82wesu12345698765432",
            // A lowercase id whose head looks like a country and check digits.
            "de12abcdef0123456789ab",
            "ab12cd34ef56ab78cd90ef",
            "order ab12 cd34 ef56 gh",
        ] {
            assert_eq!(only(text, IBAN), None, "{text}");
        }
    }

    #[test]
    fn iban_wrong_shapes_are_rejected() {
        for text in [
            "DE89370400440532013000x",
            "xDE89370400440532013000",
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
}
