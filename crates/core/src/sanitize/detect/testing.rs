//! Helpers and shared test vectors for the detectors' unit tests.

use super::{ends_token, starts_token};
pub use super::{find, may_contain, redact, Detector, DetectorSet, Found};

pub const ALL: DetectorSet = DetectorSet::all();
pub const CARD: DetectorSet = DetectorSet::none().with(Detector::CardNumber);
pub const SSN: DetectorSet = DetectorSet::none().with(Detector::UsSsn);
pub const IBAN: DetectorSet = DetectorSet::none().with(Detector::Iban);

/// RFC 7519 section 3.1: the example JWS (HMAC SHA-256), with its line breaks removed.
pub const RFC7519_JWS: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// The matched substrings and their detectors.
pub fn hits(text: &str, enabled: DetectorSet) -> Vec<(Detector, &str)> {
    find(text, enabled)
        .iter()
        .map(|f| (f.detector, &text[f.start..f.end]))
        .collect()
}

pub fn only(text: &str, enabled: DetectorSet) -> Option<(Detector, &str)> {
    let found = hits(text, enabled);
    assert!(found.len() <= 1, "{text:?}: {found:?}");
    found.first().copied()
}

/// Appends the Luhn check digit to `body`.
pub fn with_check_digit(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|n| super::card::luhn_valid(n.as_bytes()))
        .unwrap()
}

/// Checks what every result of `find` must satisfy, whatever the input.
pub fn check_invariants(text: &str, enabled: DetectorSet) {
    let found = find(text, enabled);
    let mut previous_end = 0;
    for hit in &found {
        assert!(enabled.contains(hit.detector), "{text:?}");
        assert!(previous_end <= hit.start && hit.start < hit.end, "{text:?}");
        assert!(text.is_char_boundary(hit.start) && text.is_char_boundary(hit.end));
        if text.is_ascii() {
            let bytes = text.as_bytes();
            assert!(starts_token(bytes, hit.start), "{text:?}");
            // A PEM block ends at its dashes or at the end of the text, whatever follows.
            if hit.detector != Detector::PrivateKey {
                assert!(ends_token(bytes, hit.end), "{text:?}");
            }
        }
        // Cut out alone, a match is found again, whole (a bearer token needs its word).
        let alone = &text[hit.start..hit.end];
        if hit.detector != Detector::BearerToken {
            assert_eq!(
                find(alone, enabled),
                vec![Found {
                    detector: hit.detector,
                    start: 0,
                    end: alone.len()
                }],
                "{text:?}"
            );
        }
        previous_end = hit.end;
    }
    if !found.is_empty() {
        assert!(may_contain(text, enabled), "{text:?}");
        assert!(text.chars().count() >= enabled.min_chars(), "{text:?}");
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
