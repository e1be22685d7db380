//! Which sensitive class an attribute name belongs to, from its words (see [`super::taxonomy`]).
//!
//! The work per name is bounded: only the last [`super::names::CLASSIFIED_TAIL_CHARS`]
//! characters are read, a run-together word is split by a dynamic program over at most that many
//! characters, and most names are told apart from their last two letters before any of it.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::names::{self, Words};
use super::taxonomy::{
    Class, ClassKind, CLASSES, COMMON_TAILS, DROP_TAILS, FLAG_PREFIXES, GLUE_WORDS,
};

/// Words that end a run-together name on their own (`acmessn`, `csrftoken`): nothing common in
/// English ends with them.
const STRONG_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "passcode",
    "passphrase",
    "ssn",
    "cvv",
    "cvc",
    "iban",
    "token",
    "secret",
];

/// Two-letter words a run-together name may be split into; other two-letter words (`no`, `in`,
/// `to`) would cut ordinary words into false matches.
const SHORT_GLUE: &[&str] = &["ip", "pw", "cc", "id"];

/// Run-together words shorter than this are not split.
const MIN_SPLIT_LEN: usize = 4;

/// A set of classes, by their index in [`CLASSES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassSet(u32);

impl ClassSet {
    pub fn all() -> Self {
        ClassSet((1u32 << CLASSES.len()) - 1)
    }

    pub fn none() -> Self {
        ClassSet(0)
    }

    pub fn contains(self, index: usize) -> bool {
        index < 32 && self.0 & (1 << index) != 0
    }

    pub fn without(self, index: usize) -> Self {
        if index < 32 {
            ClassSet(self.0 & !(1 << index))
        } else {
            self
        }
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The index in [`CLASSES`] of the class called `id`.
pub fn class_index(id: &str) -> Option<usize> {
    CLASSES.iter().position(|class| class.id == id)
}

struct Term {
    words: Vec<&'static str>,
    /// Must open the name (`^pass`).
    anchored: bool,
    /// Must be followed by a number (`line #`).
    numbered: bool,
}

struct CompiledClass {
    terms: Vec<Term>,
    tails: FxHashSet<&'static str>,
    not_after: FxHashSet<&'static str>,
}

pub struct Classifier {
    classes: Vec<CompiledClass>,
    vocabulary: FxHashSet<&'static str>,
    longest_word: usize,
    flag_prefixes: FxHashSet<&'static str>,
    /// Last two letters of every word that can end a name of some class.
    endings: FxHashSet<[u8; 2]>,
}

/// The classifier, built once per process from the static taxonomy.
pub fn classifier() -> &'static Classifier {
    static CLASSIFIER: OnceLock<Classifier> = OnceLock::new();
    CLASSIFIER.get_or_init(Classifier::new)
}

impl Classifier {
    fn new() -> Self {
        let mut vocabulary: FxHashSet<&'static str> = FxHashSet::default();
        let mut endings: FxHashSet<[u8; 2]> = FxHashSet::default();
        let mut add_ending = |word: &str| {
            if let [.., a, b] = word.as_bytes() {
                endings.insert([*a, *b]);
            }
        };
        let mut classes = Vec::with_capacity(CLASSES.len());
        for class in CLASSES {
            let compiled = compile(class);
            for term in &compiled.terms {
                vocabulary.extend(term.words.iter().copied());
                if let Some(last) = term.words.last() {
                    add_ending(last);
                    add_ending(&format!("{last}s"));
                    add_ending(&format!("{last}es"));
                }
            }
            for tail in &compiled.tails {
                add_ending(tail);
                add_ending(&format!("{tail}s"));
            }
            vocabulary.extend(compiled.tails.iter().copied());
            vocabulary.extend(compiled.not_after.iter().copied());
            classes.push(compiled);
        }
        vocabulary.extend(GLUE_WORDS.iter().copied());
        vocabulary.extend(FLAG_PREFIXES.iter().copied());
        for suffix in STRONG_SUFFIXES {
            add_ending(suffix);
        }
        let longest_word = vocabulary.iter().map(|w| w.len()).max().unwrap_or(0);
        Classifier {
            classes,
            vocabulary,
            longest_word,
            flag_prefixes: FLAG_PREFIXES.iter().copied().collect(),
            endings,
        }
    }

    /// The first class in `enabled` that `key` belongs to.
    pub fn classify(&self, key: &str, enabled: ClassSet) -> Option<usize> {
        if enabled.is_empty() || !self.may_match(key) {
            return None;
        }
        let words = self.expand(&names::words(key));
        self.classify_words(&words, enabled).or_else(|| {
            // Random casing (`iP_ADDress`) splits at the wrong places: read it once more as
            // one run-together word of known words.
            if !names::classified_tail(key).chars().any(char::is_uppercase) {
                return None;
            }
            let compact = names::compact(names::classified_tail(key));
            let mut words = Vec::with_capacity(4);
            self.expand_word(&compact, &mut words);
            self.classify_words(&words, enabled)
        })
    }

    fn classify_words(&self, words: &[String], enabled: ClassSet) -> Option<usize> {
        if words
            .first()
            .is_some_and(|first| self.flag_prefixes.contains(first.as_str()))
        {
            return None;
        }
        self.classes
            .iter()
            .enumerate()
            .find(|(index, class)| enabled.contains(*index) && matches(class, words))
            .map(|(index, _)| index)
    }

    /// False when `key` cannot belong to any class: its last word ends in two letters no class
    /// word ends in. Decided from the raw bytes of ASCII names, without allocating.
    fn may_match(&self, key: &str) -> bool {
        if !key.is_ascii() {
            return true;
        }
        let mut tail = key
            .bytes()
            .rev()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase());
        match (tail.next(), tail.next()) {
            (Some(last), _) if last.is_ascii_digit() => true,
            (Some(last), Some(before)) => {
                // `phoneNumber` ends in `er` of `number`; `IPs` ends in `ps`.
                self.endings.contains(&[before, last])
            }
            // One letter: no class word is that short.
            _ => false,
        }
    }

    /// The words of a name with run-together words split (`creditcardnumber`) and plurals made
    /// singular (`phones`).
    fn expand(&self, words: &Words) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len() + 2);
        for word in words.iter() {
            self.expand_word(word, &mut out);
        }
        out
    }

    fn expand_word(&self, word: &str, out: &mut Vec<String>) {
        if is_number(word) || self.vocabulary.contains(word) {
            out.push(word.to_owned());
        } else if let Some(singular) = self.singular(word) {
            out.push(singular.to_owned());
        } else if let Some(parts) = self.split_run_together(word) {
            out.extend(parts);
        } else if let Some(suffix) = STRONG_SUFFIXES
            .iter()
            .find(|suffix| word.len() > suffix.len() && word.ends_with(*suffix))
        {
            let cut = word.len() - suffix.len();
            out.push(word.get(..cut).unwrap_or_default().to_owned());
            out.push((*suffix).to_owned());
        } else {
            out.push(word.to_owned());
        }
    }

    fn singular<'w>(&self, word: &'w str) -> Option<&'w str> {
        ["es", "s"].iter().find_map(|plural| {
            word.strip_suffix(plural)
                .filter(|stem| self.vocabulary.contains(stem))
        })
    }

    fn is_glue(&self, part: &str) -> bool {
        match part.len() {
            0 | 1 => false,
            2 => SHORT_GLUE.contains(&part) && self.vocabulary.contains(part),
            _ => self.vocabulary.contains(part),
        }
    }

    /// `creditcardnumber` -> `credit card number`: the split into the fewest known words, the
    /// last of which may be plural; `None` unless every part is known.
    fn split_run_together(&self, word: &str) -> Option<Vec<String>> {
        let bytes = word.as_bytes();
        let n = bytes.len();
        if n < MIN_SPLIT_LEN || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        // parts[i]: fewest parts covering word[..i], and where the last of them starts.
        let mut parts: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        if let Some(first) = parts.first_mut() {
            *first = Some((0, 0));
        }
        for end in 2..=n {
            let shortest = end.saturating_sub(self.longest_word + 2);
            for start in shortest..end.saturating_sub(1) {
                let Some(Some((count, _))) = parts.get(start).copied() else {
                    continue;
                };
                let piece = word.get(start..end).unwrap_or_default();
                let known = self.is_glue(piece)
                    || (end == n && self.singular(piece).is_some_and(|s| self.is_glue(s)));
                if known {
                    let candidate = (count + 1, start);
                    let slot = parts.get_mut(end)?;
                    if slot.is_none_or(|(best, _)| candidate.0 < best) {
                        *slot = Some(candidate);
                    }
                }
            }
        }
        let mut pieces = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, start) = (*parts.get(end)?)?;
            let piece = word.get(start..end)?;
            let piece = if end == n && !self.is_glue(piece) {
                self.singular(piece)?
            } else {
                piece
            };
            pieces.push(piece.to_owned());
            end = start;
        }
        if pieces.len() < 2 {
            return None;
        }
        pieces.reverse();
        Some(pieces)
    }
}

fn compile(class: &Class) -> CompiledClass {
    let mut tails: FxHashSet<&'static str> = class.tails.iter().copied().collect();
    tails.extend(COMMON_TAILS.iter().copied());
    if class.kind == ClassKind::Drop {
        tails.extend(DROP_TAILS.iter().copied());
    }
    let terms = class
        .terms
        .iter()
        .map(|term| {
            let anchored = term.starts_with('^');
            let numbered = term.ends_with(" #");
            let plain = term.trim_start_matches('^').trim_end_matches(" #");
            Term {
                words: plain.split(' ').collect(),
                anchored,
                numbered,
            }
        })
        .collect();
    CompiledClass {
        terms,
        tails,
        not_after: class.not_after.iter().copied().collect(),
    }
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.chars().all(char::is_numeric)
}

/// True when the name's words, less tails the class allows at the end, end with one of its
/// terms not preceded by a word that changes its meaning.
fn matches(class: &CompiledClass, words: &[String]) -> bool {
    let mut end = words.len();
    while end > 0 {
        if class
            .terms
            .iter()
            .any(|term| term_ends_at(class, term, words, end))
        {
            return true;
        }
        let Some(last) = end.checked_sub(1).and_then(|i| words.get(i)) else {
            return false;
        };
        if is_number(last) {
            end -= 1;
            // The letter of `v4`, `e164`: `ip_v4`, `phone_e164`.
            if end > 0
                && words
                    .get(end - 1)
                    .is_some_and(|w| w.len() == 1 && !is_number(w))
            {
                end -= 1;
            }
        } else if class.tails.contains(last.as_str()) {
            end -= 1;
        } else {
            return false;
        }
    }
    false
}

fn term_ends_at(class: &CompiledClass, term: &Term, words: &[String], end: usize) -> bool {
    let Some(start) = end.checked_sub(term.words.len()) else {
        return false;
    };
    let Some(slice) = words.get(start..end) else {
        return false;
    };
    if !slice.iter().zip(&term.words).all(|(w, t)| w == t) {
        return false;
    }
    if term.anchored && start != 0 {
        return false;
    }
    if term.numbered && !words.get(end).is_some_and(|w| is_number(w)) {
        return false;
    }
    !start
        .checked_sub(1)
        .and_then(|i| words.get(i))
        .is_some_and(|before| class.not_after.contains(before.as_str()))
}

/// Class ids by index, for reports and tests.
pub fn class_ids() -> FxHashMap<&'static str, usize> {
    CLASSES
        .iter()
        .enumerate()
        .map(|(i, class)| (class.id, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(key: &str) -> Option<&'static str> {
        classifier()
            .classify(key, ClassSet::all())
            .and_then(|i| CLASSES.get(i))
            .map(|class| class.id)
    }

    #[test]
    fn the_reported_leaks_are_classified() {
        for key in [
            "password_confirmation",
            "passwordConfirm",
            "password2",
            "pwd",
            "passwd",
            "new_password1",
            "encrypted_password",
            "reset_password_token",
            "api_key",
            "apiKey",
            "client_secret",
            "one-time-code",
        ] {
            assert_eq!(class_of(key), Some("credential"), "{key}");
        }
        for key in [
            "cvv2",
            "cvc2",
            "security_code",
            "creditcardnumber",
            "cc-number",
            "cc-csc",
            "card_number",
        ] {
            assert_eq!(class_of(key), Some("payment_card"), "{key}");
        }
        for key in [
            "ssn_last4",
            "CUSTOMERSSN",
            "ＳＳＮ",
            "ssn",
            "taxId",
            "passport_no",
        ] {
            assert_eq!(class_of(key), Some("government_id"), "{key}");
        }
        for key in [
            "mobile",
            "telephone",
            "phones",
            "phoneNumbers",
            "home_phone",
            "tel-national",
        ] {
            assert_eq!(class_of(key), Some("phone"), "{key}");
        }
        for key in [
            "ip_addr",
            "ipv4",
            "ip_v6",
            "last_sign_in_ip",
            "ips",
            "remote_addr",
        ] {
            assert_eq!(class_of(key), Some("ip_address"), "{key}");
        }
        for key in [
            "address_line1",
            "line2",
            "street",
            "billing_address",
            "address",
        ] {
            assert_eq!(class_of(key), Some("street_address"), "{key}");
        }
        for key in ["routing_number", "iban", "account_number", "sort_code"] {
            assert_eq!(class_of(key), Some("bank_account"), "{key}");
        }
    }

    #[test]
    fn segmentation_attributes_stay() {
        for key in [
            "card_last4",
            "card_brand",
            "card_exp_month",
            "phone_verified",
            "password_updated_at",
            "ip_country",
            "mobile_app_version",
            "sms_opt_in",
            "passenger_count",
            "email_address",
            "emailAddress",
            "mac_address",
            "has_password",
            "phone_hash",
            "device_token",
            "next_page_token",
            "total_tokens",
            "zip",
            "ship",
            "email",
            "id",
            "cio_id",
            "created_at",
            "phoney",
            "season_pass",
            "cvc_check",
            "address_country",
            "address_level1",
            "line",
            "publishable_key",
        ] {
            assert_eq!(class_of(key), None, "{key}");
        }
    }

    #[test]
    fn the_fast_filter_never_hides_a_match() {
        // Every term, tail and plural the filter was built from, alone and after a word.
        let c = classifier();
        for class in CLASSES {
            for term in class.terms {
                let plain = term.trim_start_matches('^').replace(" #", " 1");
                for key in [
                    plain.replace(' ', "_"),
                    format!("user_{}", plain.replace(' ', "_")),
                ] {
                    if c.classify(&key, ClassSet::all()).is_some() {
                        assert!(c.may_match(&key), "{key}");
                    }
                }
            }
        }
    }

    #[test]
    fn hostile_names_are_bounded() {
        let key = format!("{}xsn", "a_".repeat(500_000));
        assert_eq!(class_of(&key), None);
        let key = format!("{}_ssn", "a_".repeat(500_000));
        assert_eq!(class_of(&key), Some("government_id"));
        let key = "password".repeat(200_000);
        assert_eq!(class_of(&key), Some("credential"));
    }
}
