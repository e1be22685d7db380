//! Folding Unicode look-alikes to the ASCII the detectors read.
//!
//! People and software write the same card number with a no-break space, an en dash, fullwidth
//! or Arabic-Indic digits. Every character folds to exactly one byte: a Unicode decimal digit
//! (general category Nd) to its ASCII digit, a Unicode space to `' '`, a Unicode dash to `'-'`,
//! ASCII to itself, anything else to [`OTHER`]. One byte per character keeps the folded text's
//! positions in step with the characters, so a match maps back to a char-aligned byte range.
//! Letters are not folded: the detectors that read letters (IBAN, JWT, AWS keys, `Bearer`) see
//! only ASCII ones, which keeps the JavaScript pre-filter's literals sound.

use std::fmt::Write;

/// What a character that no detector reads folds to: not ASCII, so it is neither a letter, a
/// digit nor a separator, and it never hides a match next to it ("é4111111111111111ü").
pub const OTHER: u8 = 0x80;

/// The zero of every run of ten decimal digits outside ASCII, as of Unicode 18.0 (listed with the
/// `unicodedata2` Python package; general category
/// Nd comes in such runs, each in order 0-9). Sorted, for a binary search.
const DIGIT_ZEROS: [u32; 76] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11DE0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// Spaces other than U+0020: general category Zs, plus the zero-width space, word joiner and
/// byte order mark, which render as nothing and so can sit between digit groups unseen.
const SPACES: [(u32, u32); 7] = [
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200B),
    (0x202F, 0x202F),
    (0x205F, 0x2060),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];

/// Dashes other than U+002D: general category Pd in the Basic Multilingual Plane, plus the
/// soft hyphen and the minus sign, which word processors put between digit groups. (The two
/// historic-script hyphens outside the BMP are left out: nobody writes a card number with them,
/// and keeping every separator one UTF-16 unit keeps the JavaScript pre-filter simple.)
const DASHES: [(u32, u32); 19] = [
    (0xAD, 0xAD),
    (0x58A, 0x58A),
    (0x5BE, 0x5BE),
    (0x1400, 0x1400),
    (0x1806, 0x1806),
    (0x2010, 0x2015),
    (0x2212, 0x2212),
    (0x2E17, 0x2E17),
    (0x2E1A, 0x2E1A),
    (0x2E3A, 0x2E3B),
    (0x2E40, 0x2E40),
    (0x2E5D, 0x2E5D),
    (0x301C, 0x301C),
    (0x3030, 0x3030),
    (0x30A0, 0x30A0),
    (0xFE31, 0xFE32),
    (0xFE58, 0xFE58),
    (0xFE63, 0xFE63),
    (0xFF0D, 0xFF0D),
];

/// The folded byte of one character.
#[inline]
pub fn fold_char(c: char) -> u8 {
    if c.is_ascii() {
        // `c` is ASCII, so it fits.
        return u8::try_from(c).unwrap_or(OTHER);
    }
    let code = u32::from(c);
    if let Some(digit) = digit_value(code) {
        return digit;
    }
    if in_ranges(&SPACES, code) {
        b' '
    } else if in_ranges(&DASHES, code) {
        b'-'
    } else {
        OTHER
    }
}

/// The ASCII digit of a non-ASCII decimal digit.
fn digit_value(code: u32) -> Option<u8> {
    if code < 0x660 {
        return None;
    }
    // The last zero at or below `code`.
    let index = DIGIT_ZEROS.partition_point(|&zero| zero <= code);
    let zero = *DIGIT_ZEROS.get(index.checked_sub(1)?)?;
    let value = code.checked_sub(zero).filter(|&v| v < 10)?;
    u8::try_from(value).ok().map(|v| b'0' + v)
}

fn in_ranges(ranges: &[(u32, u32)], code: u32) -> bool {
    ranges
        .iter()
        .any(|&(low, high)| (low..=high).contains(&code))
}

/// The text folded, and where each folded byte's character starts in `text` (one more entry,
/// `text.len()`, so a match's end maps too).
pub fn fold(text: &str) -> (Vec<u8>, Vec<usize>) {
    let mut folded = Vec::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len().saturating_add(1));
    for (offset, c) in text.char_indices() {
        folded.push(fold_char(c));
        starts.push(offset);
    }
    starts.push(text.len());
    (folded, starts)
}

/// A JavaScript regex class (for a `u`-flag regex) of every character that folds to an ASCII
/// digit, built from the same table, so the pre-filter in `lib/` cannot disagree with it.
pub fn js_digit_class() -> String {
    let mut class = String::from("[0-9");
    for zero in DIGIT_ZEROS {
        let _ = write!(
            class,
            "\\u{{{:x}}}-\\u{{{:x}}}",
            zero,
            zero.saturating_add(9)
        );
    }
    class.push(']');
    class
}

/// A JavaScript regex class of every character that folds to `' '`; all in the BMP, so the
/// `\uXXXX` form serves regexes with and without the `u` flag.
pub fn js_space_class() -> String {
    let mut class = String::from("[ ");
    for (low, high) in SPACES {
        let _ = write!(class, "\\u{low:04x}-\\u{high:04x}");
    }
    class.push(']');
    class
}

/// A cheap superset of [`js_digit_class`] for a regex without the `u` flag: every BMP
/// character from the first non-ASCII zero (U+0660) up, and any surrogate pair. Its class
/// stays small, so it costs V8 no more than `[0-9]` on ASCII text.
pub const JS_WIDE_DIGIT: &str =
    "(?:[0-9\\u0660-\\ud7ff\\ue000-\\uffff]|[\\ud800-\\udbff][\\udc00-\\udfff])";
/// Letters and [`JS_WIDE_DIGIT`].
pub const JS_WIDE_ALNUM: &str =
    "(?:[A-Za-z0-9\\u0660-\\ud7ff\\ue000-\\uffff]|[\\ud800-\\udbff][\\udc00-\\udfff])";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_runs_are_digits() {
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        for zero in DIGIT_ZEROS {
            for d in 0..10 {
                let c = char::from_u32(zero + d).unwrap();
                // Every Nd character is numeric in std's sense too.
                assert!(c.is_numeric(), "{:x}", zero + d);
                assert_eq!(fold_char(c), b'0' + d as u8, "{:x}", zero + d);
            }
        }
        for table in [&SPACES[..], &DASHES[..]] {
            assert!(table.windows(2).all(|w| w[0].1 < w[1].0));
        }
    }

    #[test]
    fn folds_what_people_type() {
        assert_eq!(fold_char('\u{ff14}'), b'4'); // fullwidth
        assert_eq!(fold_char('\u{664}'), b'4'); // Arabic-Indic
        assert_eq!(fold_char('\u{6f4}'), b'4'); // Extended Arabic-Indic (Persian)
        assert_eq!(fold_char('\u{96a}'), b'4'); // Devanagari
        assert_eq!(fold_char('\u{1d7d2}'), b'4'); // mathematical bold, outside the BMP
        assert_eq!(fold_char('\u{a0}'), b' ');
        assert_eq!(fold_char('\u{202f}'), b' ');
        assert_eq!(fold_char('\u{3000}'), b' ');
        assert_eq!(fold_char('\u{200b}'), b' ');
        assert_eq!(fold_char('\u{2013}'), b'-');
        assert_eq!(fold_char('\u{2014}'), b'-');
        assert_eq!(fold_char('\u{2212}'), b'-');
        assert_eq!(fold_char('\u{ff0d}'), b'-');
        for c in [
            'é', '€', 'ü', '😀', '\u{ff21}', '\u{ff41}', '\u{65f}', '\u{66a}', '²', '½',
        ] {
            assert_eq!(fold_char(c), OTHER, "{c:?}");
        }
        for b in 0..0x80u8 {
            assert_eq!(fold_char(char::from(b)), b);
        }
    }

    #[test]
    fn fold_maps_positions_back() {
        let text = "é4\u{ff11}\u{a0}x";
        let (folded, starts) = fold(text);
        assert_eq!(folded, vec![OTHER, b'4', b'1', b' ', b'x']);
        assert_eq!(starts, vec![0, 2, 3, 6, 8, 9]);
        assert!(starts.iter().all(|&s| text.is_char_boundary(s)));
    }

    #[test]
    fn js_classes_list_the_tables() {
        let digits = js_digit_class();
        assert!(digits.starts_with("[0-9\\u{660}-\\u{669}"));
        assert!(digits.contains("\\u{ff10}-\\u{ff19}"));
        assert!(digits.ends_with("\\u{1fbf0}-\\u{1fbf9}]"));
        assert_eq!(
            js_space_class(),
            "[ \\u00a0-\\u00a0\\u1680-\\u1680\\u2000-\\u200b\\u202f-\\u202f\\u205f-\\u2060\\u3000-\\u3000\\ufeff-\\ufeff]"
        );
        // The wide classes cover every folded digit and dash: all at or above U+0660.
        assert!(DIGIT_ZEROS.iter().all(|&z| z >= 0x660));
        assert!(DASHES.iter().all(|&(_, high)| high <= 0xffff));
    }
}
