//! Payment card numbers (ISO/IEC 7812): 13 to 19 digits that pass the Luhn check, contiguous or
//! printed in groups.

use super::{ends_token, has_at, run_len, Chars, JsClasses, JsShape};

/// Card numbers have 13 to 19 digits.
pub const MIN_DIGITS: usize = 13;
pub const MAX_DIGITS: usize = 19;
/// The fewest characters of a match: 13 contiguous digits.
pub const MIN_LEN: usize = MIN_DIGITS;
/// Every network prints a grouped number with a first group of 4 (4-4-4-4, Amex 4-6-5,
/// Diners 4-6-4, 4-4-4-4-3); requiring it keeps phone numbers and dates out.
const FIRST_GROUP: usize = 4;
/// Later groups have 3 to 6 digits; only the last may be shorter (a 13-digit 4-4-4-1).
const INNER_GROUP_MIN: usize = 3;
const GROUP_MAX: usize = 6;
/// What joins the groups: a space, a dash or a dot (after folding, so a no-break space or an
/// en dash counts as such), or a space as form encoding (`+`) or URL encoding (`%20`) writes it.
const SEPARATORS: [&[u8]; 5] = [b" ", b"-", b".", b"+", b"%20"];

/// The end of a card number starting at `start`, if there is one.
///
/// Either 13 to 19 contiguous digits, or a first group of 4 digits followed by groups joined
/// by one of [`SEPARATORS`], the same one throughout. A grouped number may stop before the end of
/// its chain of groups: "4111 1111 1111 1111 123" (a CVV typed after the number) still finds
/// the card. Of the candidate ends the longest valid one wins; there are at most 6, each
/// checked over at most 19 digits.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut digits = Chars::<MAX_DIGITS>::new();
    let first = run_len(bytes, start, MAX_DIGITS + 1, u8::is_ascii_digit);
    if first == 0 {
        return None;
    }
    let mut end = start.checked_add(first)?;
    if first >= MIN_DIGITS {
        // More than 19 digits in a row is some other number, and no part of it is a card.
        if first > MAX_DIGITS || !ends_token(bytes, end) {
            return None;
        }
        let run = bytes.get(start..end)?;
        return digits_valid(run).then_some(end);
    }
    if first != FIRST_GROUP || !digits.push_all(bytes.get(start..end)?) {
        return None;
    }
    let separator = SEPARATORS
        .into_iter()
        .find(|separator| has_at(bytes, end, separator))?;
    let mut best = None;
    while has_at(bytes, end, separator) {
        let group_start = end.checked_add(separator.len())?;
        let len = run_len(bytes, group_start, GROUP_MAX + 1, u8::is_ascii_digit);
        if len == 0 || len > GROUP_MAX {
            break;
        }
        let group_end = group_start.checked_add(len)?;
        if !digits.push_all(bytes.get(group_start..group_end)?) {
            break; // more than 19 digits
        }
        end = group_end;
        if digits.len >= MIN_DIGITS && ends_token(bytes, end) && digits_valid(digits.as_slice()) {
            best = Some(end);
        }
        if len < INNER_GROUP_MIN {
            break; // a short group can only be the last one
        }
    }
    best
}

/// Luhn-valid, issued by a card network (see [`issued`]), and not one digit repeated
/// ("4444 4444 4444 4444").
pub fn digits_valid(digits: &[u8]) -> bool {
    let Some((&lead, rest)) = digits.split_first() else {
        return false;
    };
    issued(lead, digits.len()) && rest.iter().any(|&d| d != lead) && luhn_valid(digits)
}

/// Whether card networks issue numbers of this length starting with `lead` (the major industry
/// identifier of ISO/IEC 7812): 2 to 6 (Mastercard and Mir 2 and 5; Amex, Diners and JCB 3; Visa
/// 4; Discover, UnionPay, Maestro and RuPay 6), 7 and 8 (fleet cards, RuPay 8x), and 1 for UATP's
/// 15-digit cards. Of 13 digits only Visa's. Never 0 or 9. This keeps out what is most often taken
/// for a card: millisecond and microsecond timestamps (13 and 16 digits starting with 1), which
/// ids such as Data Pipelines' `messageId` carry ("node-next-1796302075751-...", Luhn-valid).
fn issued(lead: u8, len: usize) -> bool {
    match (lead, len) {
        (b'4', _) => true,
        (_, 13) => false,
        (b'1', 15) => true,
        (b'2'..=b'8', _) => true,
        _ => false,
    }
}

/// The Luhn mod-10 check over ASCII digits: double every second digit from the right.
pub fn luhn_valid(digits: &[u8]) -> bool {
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

/// Every card has a first group of 4 digits, then, after at most one separator, 3 more.
pub fn js_prefilter(classes: &JsClasses) -> JsShape {
    let d = &classes.digit;
    JsShape::digits_then(4, format!("(?:%20|[^])?{d}{{3}}"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

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
        for len in MIN_DIGITS..=MAX_DIGITS {
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
            "4111 1111.1111 1111",
            "4111  1111  1111  1111",
            "4111--1111--1111--1111",
            "4111..1111..1111..1111",
            "4111_1111_1111_1111",
            "4111/1111/1111/1111",
            "4111%2F1111%2F1111%2F1111",
            "4111\t1111\t1111\t1111",
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
    fn card_with_unicode_separators_and_digits() {
        for card in [
            "4111.1111.1111.1111",
            "4111\u{a0}1111\u{a0}1111\u{a0}1111",
            "4111\u{202f}1111\u{202f}1111\u{202f}1111",
            "4111\u{2009}1111\u{2009}1111\u{2009}1111",
            "4111\u{3000}1111\u{3000}1111\u{3000}1111",
            "4111\u{200b}1111\u{200b}1111\u{200b}1111",
            "4111\u{2013}1111\u{2013}1111\u{2013}1111",
            "4111\u{2014}1111\u{2014}1111\u{2014}1111",
            "4111\u{2011}1111\u{2011}1111\u{2011}1111",
            "4111\u{2212}1111\u{2212}1111\u{2212}1111",
            "4111\u{ff0d}1111\u{ff0d}1111\u{ff0d}1111",
            // A no-break space and a space mixed: both are spaces.
            "4111\u{a0}1111 1111\u{a0}1111",
            // Fullwidth digits, contiguous and grouped.
            "\u{ff14}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}",
            "\u{ff14}\u{ff11}\u{ff11}\u{ff11} \u{ff11}\u{ff11}\u{ff11}\u{ff11} \u{ff11}\u{ff11}\u{ff11}\u{ff11} \u{ff11}\u{ff11}\u{ff11}\u{ff11}",
            // Arabic-Indic, Persian and Devanagari digits; a mix of scripts.
            "\u{664}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}",
            "\u{6f4}\u{6f1}\u{6f1}\u{6f1}-\u{6f1}\u{6f1}\u{6f1}\u{6f1}-\u{6f1}\u{6f1}\u{6f1}\u{6f1}-\u{6f1}\u{6f1}\u{6f1}\u{6f1}",
            "\u{96a}\u{967}\u{967}\u{967}1111\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}",
        ] {
            assert_eq!(only(card, CARD), Some((Detector::CardNumber, card)), "{card:?}");
            let text = format!("card: {card}, thanks");
            assert_eq!(only(&text, CARD), Some((Detector::CardNumber, card)), "{card:?}");
            assert_eq!(
                redact(&text, ALL).unwrap().0,
                "card: [REDACTED:card_number], thanks"
            );
            check_invariants(&text, ALL);
        }
        // Luhn still decides: the fullwidth form of a failing number is kept.
        assert_eq!(only("\u{ff14}111111111111112", CARD), None);
        // Superscripts and fractions are numeric but not decimal digits.
        assert_eq!(only("\u{b2}111111111111111", CARD), None);
    }

    #[test]
    fn encoding_residue_does_not_hide_a_card() {
        for text in [
            "\\n4111111111111111",
            "\\t4111 1111 1111 1111",
            "\\r\\n4111-1111-1111-1111",
            "line\\n4111111111111111\\nnext",
            "%204111111111111111",
            "card%3A%204111%201111%201111%201111",
            "a+4111111111111111",
            "&nbsp;4111111111111111",
            "&#160;4111111111111111",
            "\\u00a04111111111111111",
            "%u00A04111111111111111",
            "\\x204111111111111111",
            "id_4111111111111111_ok",
            "é4111111111111111ü",
        ] {
            let found = hits(text, CARD);
            assert_eq!(found.len(), 1, "{text}");
            let (detector, matched) = found[0];
            assert_eq!(detector, Detector::CardNumber);
            assert!(matched.starts_with("4111"), "{text}: {matched}");
            check_invariants(text, ALL);
        }
        // Encoded spaces between the groups too.
        assert_eq!(
            redact("card%3A%204111%201111%201111%201111&x=1", ALL)
                .unwrap()
                .0,
            "card%3A%20[REDACTED:card_number]&x=1"
        );
        assert_eq!(
            redact("card=4111+1111+1111+1111&x=1", ALL).unwrap().0,
            "card=[REDACTED:card_number]&x=1"
        );
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

    #[test]
    fn timestamps_in_ids_are_not_cards_but_every_network_is() {
        // Luhn-valid millisecond and microsecond timestamps, alone and inside ids.
        for text in [
            "1796302075751",
            "node-next-1796302075751-d1a1dfd1",
            "1700000000004",
            "1733223344556675",
            "9111111111111110",
        ] {
            let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).collect();
            if text.bytes().all(|b| b.is_ascii_digit()) {
                assert!(
                    luhn_valid(&digits),
                    "{text} should pass Luhn for this test to mean anything"
                );
            }
            assert_eq!(only(text, CARD), None, "{text}");
        }
        // Published test numbers of each network (and UATP's 15-digit one) still are.
        for card in [
            "4222222222222",
            "4111111111111111",
            "5555555555554444",
            "2223003122003222",
            "378282246310005",
            "36227206271667",
            "3530111333300000",
            "6011111111111117",
            "6200000000000005",
            "135410014004955",
        ] {
            assert_eq!(
                only(card, CARD),
                Some((Detector::CardNumber, card)),
                "{card}"
            );
        }
    }
}
