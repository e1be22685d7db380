//! The pre-filter the JavaScript walker (`lib/sanitize/prefilter.js`) runs before asking for a scan,
//! as regex sources built from each detector's shape and the fold tables: one definition, here.

use super::{aws, bearer, card, email, fold, iban, jwt, pem, phone, ssn, Detector, DetectorSet};

/// The regular expressions `lib/sanitize/prefilter.js` runs before asking for a scan, built here from
/// each detector's own shape and the fold tables, so the two languages cannot drift apart. A
/// string a detector of `enabled` can match passes `shapes_gate` and then `unicode_shapes` (and
/// is at least `shapes_min_len` long), or passes `literals` (and is at least `literals_min_len`).
///
/// Split, because one regex with every alternative costs twice as much per string: V8 tries each
/// alternative at each position, and the literals start with letters, which are everywhere; and
/// they only matter in longer strings. The gate holds the digit shapes with small, wide classes
/// (any character from U+0660 up counts as a digit): as cheap as ASCII classes on ASCII text,
/// and a superset of the exact shapes, which the few strings it lets through are checked with
/// (the exact classes are large and need the `u` flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsPrefilter {
    /// Digit shapes (cards, SSNs, IBANs, phones) with wide classes. No flags.
    pub shapes_gate: Option<String>,
    /// The same shapes over every character that folds to a digit or a space. The `u` flag.
    pub unicode_shapes: Option<String>,
    /// The fewest characters a match of a shape detector spans.
    pub shapes_min_len: usize,
    /// The fixed prefixes of the secrets and `@`. The `i` flag (case-insensitive is a superset).
    pub literals: Option<String>,
    /// The fewest characters a match of a literal detector spans.
    pub literals_min_len: usize,
}

/// The pre-filter for `enabled`; every part `None` for the empty set.
pub fn js_prefilter(enabled: DetectorSet) -> JsPrefilter {
    let is_shape = |d: &Detector| {
        matches!(
            d,
            Detector::CardNumber | Detector::UsSsn | Detector::Iban | Detector::Phone
        )
    };
    let on: Vec<Detector> = Detector::ALL
        .into_iter()
        .filter(|&d| enabled.contains(d))
        .collect();
    let shapes = |classes: &JsClasses| {
        let parts: Vec<JsShape> = on
            .iter()
            .flat_map(|d| match d {
                Detector::CardNumber => vec![card::js_prefilter(classes)],
                Detector::UsSsn => vec![ssn::js_prefilter(classes)],
                Detector::Iban => vec![iban::js_prefilter(classes)],
                Detector::Phone => phone::js_prefilter(classes),
                _ => Vec::new(),
            })
            .collect();
        (!parts.is_empty()).then(|| JsShape::alternation(&parts, &classes.digit))
    };
    let literals: Vec<&str> = on
        .iter()
        .filter_map(|d| match d {
            Detector::Jwt => Some(jwt::JS_PREFILTER),
            Detector::PrivateKey => Some(pem::JS_PREFILTER),
            Detector::AwsAccessKeyId => Some(aws::JS_PREFILTER),
            Detector::BearerToken => Some(bearer::JS_PREFILTER),
            Detector::Email => Some(email::JS_PREFILTER),
            _ => None,
        })
        .collect();
    let min_len = |shape: bool| {
        on.iter()
            .filter(|d| is_shape(d) == shape)
            .map(|d| d.min_chars())
            .min()
            .unwrap_or(usize::MAX)
    };
    JsPrefilter {
        shapes_gate: shapes(&JsClasses::wide()),
        unicode_shapes: shapes(&JsClasses::unicode()),
        shapes_min_len: min_len(true),
        literals: (!literals.is_empty()).then(|| literals.join("|")),
        literals_min_len: min_len(false),
    }
}

/// One detector's shape as a regex: `digits` digits, then `tail`. Kept apart so that the shapes
/// starting with digits share them: V8 tries every alternative of a regex at every position, and
/// `\d{2}(?:a|b|c)` rejects a position after one class test where `\d{4}a|\d{3}b|...` makes one
/// per alternative, and backtracks less in digit-heavy text (dates, UUIDs: measured 160 -> 100 ns
/// for an ISO timestamp).
pub(super) struct JsShape {
    digits: usize,
    tail: String,
}

/// The digits every shape that starts with digits shares in the regex. No shape starts with fewer.
const SHARED_DIGITS: usize = 2;

impl JsShape {
    /// `digits` digits (at least [`SHARED_DIGITS`]), then `tail`.
    pub(super) fn digits_then(digits: usize, tail: String) -> Self {
        debug_assert!(digits >= SHARED_DIGITS);
        JsShape { digits, tail }
    }

    /// A shape that does not start with digits.
    pub(super) fn other(pattern: String) -> Self {
        JsShape {
            digits: 0,
            tail: pattern,
        }
    }

    /// The alternation of `shapes`, those starting with digits under one shared prefix:
    /// `D{2}(?:D{2}tail1|D tail2|tail3)|other`. The same language as joining them with `|`.
    fn alternation(shapes: &[JsShape], digit: &str) -> String {
        let mut shared = Vec::new();
        let mut others = Vec::new();
        for shape in shapes {
            match shape.digits.checked_sub(SHARED_DIGITS) {
                Some(0) => shared.push(shape.tail.clone()),
                Some(1) => shared.push(format!("{digit}{}", shape.tail)),
                Some(more) => shared.push(format!("{digit}{{{more}}}{}", shape.tail)),
                None => others.push(shape.tail.clone()),
            }
        }
        if !shared.is_empty() {
            others.insert(
                0,
                format!("{digit}{{{SHARED_DIGITS}}}(?:{})", shared.join("|")),
            );
        }
        others.join("|")
    }
}

/// Character classes of a JavaScript regex.
pub(super) struct JsClasses {
    /// Every character that folds to an ASCII digit.
    pub(super) digit: String,
    /// Every character that folds to `' '`.
    pub(super) space: String,
    /// ASCII letters and every character that folds to a digit.
    pub(super) alnum: String,
}

impl JsClasses {
    /// A superset of [`Self::unicode`] for a regex without flags (see [`fold::JS_WIDE_DIGIT`]).
    fn wide() -> Self {
        JsClasses {
            digit: fold::JS_WIDE_DIGIT.to_owned(),
            space: fold::js_space_class(),
            alnum: fold::JS_WIDE_ALNUM.to_owned(),
        }
    }

    /// For a `u`-flag regex, from the fold tables.
    fn unicode() -> Self {
        let digit = fold::js_digit_class();
        let alnum = format!("[A-Za-z{}", digit.trim_start_matches('['));
        JsClasses {
            digit,
            space: fold::js_space_class(),
            alnum,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_enabled_detectors() {
        let none = js_prefilter(DetectorSet::none());
        assert_eq!(
            (none.shapes_gate, none.unicode_shapes, none.literals),
            (None, None, None)
        );
        let defaults = js_prefilter(DetectorSet::defaults());
        assert_eq!(defaults.shapes_min_len, 11);
        assert_eq!(defaults.literals_min_len, 17);
        assert_eq!(
            defaults.literals.as_deref(),
            Some("eyJ|BEGIN|A[KS]IA|bearer")
        );
        let gate = defaults.shapes_gate.unwrap();
        let unicode = defaults.unicode_shapes.unwrap();
        // The gate has no `\u{...}` escapes (it runs without the `u` flag); the exact regex does.
        assert!(!gate.contains("\\u{") && unicode.contains("\\u{ff10}-\\u{ff19}"));
        let email = js_prefilter(DetectorSet::none().with(Detector::Email));
        assert_eq!(
            (email.shapes_gate, email.literals.as_deref()),
            (None, Some("@"))
        );
        assert_eq!(email.literals_min_len, 6);
        let phone = js_prefilter(DetectorSet::none().with(Detector::Phone));
        assert_eq!(phone.shapes_min_len, 9);
        assert!(phone.unicode_shapes.unwrap().contains("|\\+"));
    }
}
