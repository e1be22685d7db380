//! Attribute names as words: the form the taxonomy of sensitive fields is matched on.
//!
//! A name is folded before it is split, so look-alike spellings meet their plain form:
//! compatibility decomposition (NFKD: fullwidth `ＳＳＮ`, ligatures, mathematical letters),
//! accents and other combining marks dropped (`téléphone`), invisible format characters removed
//! (a zero-width space inside `pass​word`), and Cyrillic and Greek letters that look Latin
//! folded to the Latin letter (`раsswоrd` written with Cyrillic `р` and `о`). Then it is split
//! into lowercase words at separators, camelCase humps, the end of an acronym (`IPAddress`) and
//! every letter/digit boundary (`cvv2`, `address_line1`, `ssnLast4`).
//!
//! Only the last [`CLASSIFIED_TAIL_CHARS`] characters are read: what a name holds is said by its
//! last words (`billing_card_number`, `password_updated_at`), and reading a bounded tail keeps the
//! work per name constant however long an attacker makes it. Customer.io refuses names over 150
//! bytes anyway, and the limit check reports them.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// How many characters at the end of a name are classified.
pub const CLASSIFIED_TAIL_CHARS: usize = 128;

/// The words of a name, lowercase, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Words {
    text: String,
    /// Byte ranges of `text`, one per word.
    bounds: Vec<(usize, usize)>,
}

impl Words {
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        let &(start, end) = self.bounds.get(index)?;
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.bounds
            .iter()
            .filter_map(|&(start, end)| self.text.get(start..end))
    }

    /// The words as owned strings (tests and diagnostics).
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

/// The last [`CLASSIFIED_TAIL_CHARS`] characters of `key`, cut on a character boundary.
pub fn classified_tail(key: &str) -> &str {
    if key.len() <= CLASSIFIED_TAIL_CHARS {
        return key;
    }
    match key.char_indices().rev().nth(CLASSIFIED_TAIL_CHARS - 1) {
        Some((at, _)) => key.get(at..).unwrap_or(key),
        None => key,
    }
}

/// Splits the tail of `key` into folded lowercase words.
pub fn words(key: &str) -> Words {
    let tail = classified_tail(key);
    if tail.is_ascii() {
        return ascii_words(tail.as_bytes());
    }
    let mut splitter = Splitter::new(tail.len());
    {
        let folded = fold(tail);
        let mut chars = folded.iter().copied().peekable();
        while let Some(c) = chars.next() {
            splitter.push(c, chars.peek().copied());
        }
    }
    splitter.finish()
}

/// The characters of `text` after compatibility decomposition, with marks and invisible
/// characters removed and Latin look-alikes folded to Latin. Case is kept (word splitting needs
/// it).
pub fn fold(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) || is_default_ignorable(d) {
                return;
            }
            out.push(latin_look_alike(d).unwrap_or(d));
        });
    }
    out
}

/// Lowercase letters and digits of the folded name, without separators: `iP_ADDress`,
/// `IpAddress` and `ＩＰ－Ａｄｄｒｅｓｓ` all become `ipaddress`. User rules match on this form.
pub fn compact(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    if key.is_ascii() {
        out.extend(
            key.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    } else {
        for c in fold(key).into_iter().filter(|c| c.is_alphanumeric()) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// [`words`] for ASCII names: the same boundaries, on bytes.
fn ascii_words(bytes: &[u8]) -> Words {
    let mut text = String::with_capacity(bytes.len());
    let mut bounds = Vec::with_capacity(4);
    let mut start = 0;
    let mut previous: u8 = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if text.len() > start {
                bounds.push((start, text.len()));
            }
            start = text.len();
            previous = 0;
            continue;
        }
        if previous != 0 {
            let camel = c.is_ascii_uppercase()
                && (previous.is_ascii_lowercase() || previous.is_ascii_digit());
            let acronym_end = c.is_ascii_uppercase()
                && previous.is_ascii_uppercase()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let digit_edge = c.is_ascii_digit() != previous.is_ascii_digit();
            if (camel || acronym_end || digit_edge) && text.len() > start {
                bounds.push((start, text.len()));
                start = text.len();
            }
        }
        text.push(char::from(c.to_ascii_lowercase()));
        previous = c;
    }
    if text.len() > start {
        bounds.push((start, text.len()));
    }
    Words { text, bounds }
}

struct Splitter {
    words: Words,
    start: usize,
    previous: Option<char>,
}

impl Splitter {
    fn new(capacity: usize) -> Self {
        Splitter {
            words: Words {
                text: String::with_capacity(capacity),
                bounds: Vec::new(),
            },
            start: 0,
            previous: None,
        }
    }

    fn push(&mut self, c: char, next: Option<char>) {
        if !c.is_alphanumeric() {
            self.end_word();
            self.previous = None;
            return;
        }
        if let Some(p) = self.previous {
            let camel = c.is_uppercase() && (p.is_lowercase() || p.is_numeric());
            let acronym_end =
                c.is_uppercase() && p.is_uppercase() && next.is_some_and(char::is_lowercase);
            let digit_edge = c.is_numeric() != p.is_numeric();
            if camel || acronym_end || digit_edge {
                self.end_word();
            }
        }
        self.words.text.extend(c.to_lowercase());
        self.previous = Some(c);
    }

    fn end_word(&mut self) {
        let end = self.words.text.len();
        if end > self.start {
            self.words.bounds.push((self.start, end));
        }
        self.start = end;
    }

    fn finish(mut self) -> Words {
        self.end_word();
        self.words
    }
}

/// Characters that render as nothing (Unicode's Default_Ignorable_Code_Point, the parts a name
/// can hold): removed, so `pass\u{200B}word` is `password`, not two words.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// The Latin letter a Cyrillic, Greek or other letter is drawn like, from Unicode's
/// confusables list (UTS #39), restricted to letters that look like one Latin letter in common
/// fonts. Case is kept: `Р` folds to `P`, `р` to `p`.
fn latin_look_alike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic capitals
        'А' => 'A',
        'В' => 'B',
        'Е' | 'Ё' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'У' | 'Ү' => 'Y',
        'Ѕ' => 'S',
        'І' | 'Ӏ' => 'I',
        'Ј' => 'J',
        'Ԛ' => 'Q',
        'Ԝ' => 'W',
        // Cyrillic small letters
        'а' => 'a',
        'е' | 'ё' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' | 'ү' => 'y',
        'х' => 'x',
        'ѕ' => 's',
        'і' => 'i',
        'ј' => 'j',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ӏ' => 'l',
        'к' => 'k',
        'ո' => 'n',
        // Greek capitals
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        // Greek small letters
        'α' => 'a',
        'ο' => 'o',
        'ρ' => 'p',
        'ν' => 'v',
        'ι' => 'i',
        'κ' => 'k',
        'υ' => 'u',
        'χ' => 'x',
        'ε' => 'e',
        'γ' => 'y',
        'ω' => 'w',
        // Latin letters outside ASCII that NFKD leaves alone
        'ı' => 'i',
        'ɑ' => 'a',
        'ɡ' => 'g',
        'ȷ' => 'j',
        'ʏ' => 'y',
        'ᴀ' => 'a',
        // Armenian
        'օ' => 'o',
        'ս' => 'u',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(key: &str) -> Vec<String> {
        words(key).to_vec()
    }

    #[test]
    fn separators_humps_acronyms_and_digits_split_words() {
        assert_eq!(split("phoneNumber"), ["phone", "number"]);
        assert_eq!(split("Phone-Number"), ["phone", "number"]);
        assert_eq!(split(" phone.number "), ["phone", "number"]);
        assert_eq!(split("IPAddress"), ["ip", "address"]);
        assert_eq!(split("userSSN"), ["user", "ssn"]);
        assert_eq!(split("CUSTOMERSSN"), ["customerssn"]);
        assert_eq!(split("cvv2"), ["cvv", "2"]);
        assert_eq!(split("address_line1"), ["address", "line", "1"]);
        assert_eq!(split("ssnLast4"), ["ssn", "last", "4"]);
        assert_eq!(split("2fa_code"), ["2", "fa", "code"]);
        assert_eq!(split(""), Vec::<String>::new());
        assert_eq!(split("--"), Vec::<String>::new());
    }

    #[test]
    fn look_alike_spellings_meet_the_plain_one() {
        assert_eq!(split("ＳＳＮ"), ["ssn"]);
        assert_eq!(split("ｃａｒｄＮｕｍｂｅｒ"), ["card", "number"]);
        // Cyrillic р, о, а and Greek ο.
        assert_eq!(split("\u{440}\u{430}ssw\u{43E}rd"), ["password"]);
        assert_eq!(split("passw\u{3BF}rd"), ["password"]);
        assert_eq!(split("pass\u{200B}word"), ["password"]);
        assert_eq!(split("téléphone"), ["telephone"]);
        assert_eq!(split("\u{1D42C}\u{1D42C}\u{1D427}"), ["ssn"]); // mathematical bold
    }

    #[test]
    fn only_the_tail_of_a_long_name_is_read() {
        let key = format!("{}_ssn", "a_".repeat(500_000));
        let w = words(&key);
        assert_eq!(w.iter().last(), Some("ssn"));
        assert!(w.len() <= CLASSIFIED_TAIL_CHARS);
        let wide = "é".repeat(1000);
        assert_eq!(
            classified_tail(&wide).chars().count(),
            CLASSIFIED_TAIL_CHARS
        );
    }

    #[test]
    fn compact_form_ignores_case_separators_and_look_alikes() {
        for key in [
            "iP_ADDress",
            "IpAddress",
            "ip-address",
            "ＩＰ－Ａｄｄｒｅｓｓ",
        ] {
            assert_eq!(compact(key), "ipaddress", "{key:?}");
        }
    }
}
