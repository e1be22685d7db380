//! Tests of the detector set and of the scan across detectors.

use super::testing::*;
use super::*;

#[test]
fn detector_names_are_stable() {
    assert_eq!(Detector::CardNumber.as_str(), "card_number");
    assert_eq!(Detector::UsSsn.as_str(), "us_ssn");
    assert_eq!(Detector::Iban.as_str(), "iban");
    assert_eq!(Detector::Jwt.as_str(), "jwt");
    assert_eq!(Detector::PrivateKey.as_str(), "private_key");
    assert_eq!(Detector::AwsAccessKeyId.as_str(), "aws_access_key_id");
    assert_eq!(Detector::BearerToken.as_str(), "bearer_token");
    assert_eq!(Detector::Email.as_str(), "email");
    assert_eq!(Detector::Phone.as_str(), "phone");
    for d in Detector::ALL {
        assert_eq!(d.to_string(), d.as_str());
        assert_eq!(d.redaction(), format!("[REDACTED:{}]", d.as_str()));
        assert_eq!(
            d.rule(),
            format!(
                "{}{}",
                crate::sanitize::report::rule::DETECTOR_PREFIX,
                d.as_str()
            )
        );
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
    assert_eq!(
        ALL.difference(card_ssn),
        Detector::ALL[2..]
            .iter()
            .fold(DetectorSet::none(), |s, &d| s.with(d))
    );
    assert_eq!(
        DetectorSet::defaults(),
        ALL.without(Detector::Email).without(Detector::Phone)
    );
    assert_eq!(ALL.min_chars(), Detector::Email.min_chars());
    assert_eq!(DetectorSet::defaults().min_chars(), 11);
    assert_eq!(DetectorSet::none().min_chars(), usize::MAX);
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
    let defaults = DetectorSet::defaults();
    let phone = DetectorSet::none().with(Detector::Phone);
    assert!(!may_contain("", ALL));
    assert!(!may_contain("no digits here", ALL));
    assert!(!may_contain("12345678", defaults));
    assert!(may_contain("12345678", phone));
    assert!(!may_contain("1234567", phone));
    assert!(may_contain("123456789", SSN));
    assert!(!may_contain("123.456.789", SSN));
    assert!(!may_contain("123456789012", CARD));
    assert!(may_contain("1234567890123", CARD));
    assert!(may_contain("1234.5678.9012.3", CARD));
    assert!(may_contain("4111%201111%201111%201", CARD));
    assert!(!may_contain("192.168.100.200", defaults));
    assert!(!may_contain("2024-05-01T12:34:56.789Z", defaults));
    // An IBAN head needs 11 more letters or digits after it.
    assert!(!may_contain("DE8 9", IBAN));
    assert!(!may_contain("DE89", IBAN));
    assert!(!may_contain("DE89 3704 0044 05", IBAN));
    assert!(may_contain("DE89 3704 0044 053", IBAN));
    assert!(may_contain("de89 3704 0044 053", IBAN));
    assert!(!may_contain("DE89  3704 0044 0532 0130 00", IBAN));
    assert!(!may_contain("DE89 ABCD", CARD.with(Detector::UsSsn)));
    assert!(!may_contain("4111111111111111", IBAN));
    for text in super::iban::tests::IBANS {
        assert!(may_contain(text, IBAN), "{text}");
    }
    // The secrets' prefixes, each only when its detector is on.
    for (text, detector) in [
        ("x eyJ", Detector::Jwt),
        ("x ---BEGIN", Detector::PrivateKey),
        ("x\u{2014}\u{2014}\u{2014}BEGIN", Detector::PrivateKey),
        ("x AKIA", Detector::AwsAccessKeyId),
        ("x ASIA", Detector::AwsAccessKeyId),
        ("x bearer", Detector::BearerToken),
        ("x BeArEr", Detector::BearerToken),
        ("a@", Detector::Email),
    ] {
        assert!(
            may_contain(text, DetectorSet::none().with(detector)),
            "{text}"
        );
        assert!(!may_contain(text, ALL.without(detector)), "{text}");
    }
    // Folded forms count.
    assert!(may_contain(
        "\u{ff11}\u{ff12}\u{ff13}\u{2013}45\u{2013}6789",
        SSN
    ));
    assert!(may_contain("4111\u{a0}1111\u{a0}1111\u{a0}1", CARD));
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
