//! Which sensitive class an attribute name belongs to, from its words (see [`super::taxonomy`]).
//!
//! The work per name is bounded: only the last [`super::names::CLASSIFIED_TAIL_CHARS`]
//! characters are read, a run-together word is split by a dynamic program over at most that many
//! characters, and most names are told apart from their last two letters before any of it.

use std::cell::RefCell;
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
const SHORT_GLUE: &[&str] = &["ip", "pw", "cc", "id", "no"];

/// Run-together words shorter than this are not split.
const MIN_SPLIT_LEN: usize = 4;

/// Names up to this long have their classes cached (per thread): the JSON walker asks for every
/// key of every record, and a service sends the same few dozen names again and again.
const CACHED_KEY_BYTES: usize = 64;
/// Entries before the cache is emptied: at most this many names of [`CACHED_KEY_BYTES`], so
/// a stream of distinct names cannot grow it.
const CACHED_KEYS: usize = 4096;

thread_local! {
    static CLASS_CACHE: RefCell<FxHashMap<Box<str>, u32>> = RefCell::new(FxHashMap::default());
}

/// The classes of `key` from this thread's cache, computed by `compute` on a miss. The taxonomy
/// is static, so a name's classes never change; a policy picks among them with its own set.
fn cached_classes(key: &str, compute: impl Fn() -> u32) -> u32 {
    let hit = CLASS_CACHE
        .try_with(|cache| cache.try_borrow().ok()?.get(key).copied())
        .ok()
        .flatten();
    if let Some(classes) = hit {
        return classes;
    }
    let classes = compute();
    // A thread being torn down has no cache: the answer is still right, just not kept.
    let _ = CLASS_CACHE.try_with(|cache| {
        if let Ok(mut cache) = cache.try_borrow_mut() {
            if cache.len() >= CACHED_KEYS {
                cache.clear();
            }
            cache.insert(key.into(), classes);
        }
    });
    classes
}

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
    not_after: FxHashSet<&'static str>,
}

/// What one known word can be: the last word of some terms, a tail of some classes, a flag
/// prefix. One lookup per word of a name answers every class.
#[derive(Default)]
struct WordInfo {
    /// `(class, term)` indices of the terms this word ends.
    ends: Vec<(usize, usize)>,
    /// The classes that accept it as a tail, as a bit set.
    tail_of: u32,
}

pub struct Classifier {
    classes: Vec<CompiledClass>,
    /// Every known word (terms, tails, glue) and what it can be.
    vocabulary: FxHashMap<&'static str, WordInfo>,
    flag_prefixes: FxHashSet<&'static str>,
    /// Every word that can end a name of some class (term ends, tails, strong suffixes) and
    /// their plurals, spelled backwards: "does this word end with one of them" is one walk of
    /// at most a dozen array reads.
    last_words: ReversedTrie,
    /// The words a run-together word may be split into, spelled backwards.
    glue: ReversedTrie,
}

/// A trie of lowercase ASCII words read from their last letter.
#[derive(Default)]
struct ReversedTrie {
    /// Children by letter (`a`..`z`); 0 is "none" (the root is never a child).
    children: Vec<[u16; 26]>,
    terminal: Vec<bool>,
}

impl ReversedTrie {
    fn insert(&mut self, word: &str) {
        if self.children.is_empty() {
            self.children.push([0; 26]);
            self.terminal.push(false);
        }
        let mut node = 0usize;
        for byte in word.bytes().rev() {
            let Some(letter) = letter_index(byte) else {
                return; // only letters end class words
            };
            let next = self
                .children
                .get(node)
                .and_then(|c| c.get(letter))
                .copied()
                .unwrap_or(0);
            node = if next != 0 {
                usize::from(next)
            } else {
                let fresh = self.children.len();
                let Ok(id) = u16::try_from(fresh) else {
                    return;
                };
                self.children.push([0; 26]);
                self.terminal.push(false);
                if let Some(slot) = self.children.get_mut(node).and_then(|c| c.get_mut(letter)) {
                    *slot = id;
                }
                fresh
            };
        }
        if let Some(t) = self.terminal.get_mut(node) {
            *t = true;
        }
    }

    /// Calls `found` with the length of every word of the trie that `bytes` (lowercase) ends
    /// with.
    fn each_word_ending(&self, bytes: &[u8], mut found: impl FnMut(usize)) {
        let mut node = 0usize;
        for (depth, &byte) in bytes.iter().rev().enumerate() {
            let Some(letter) = letter_index(byte) else {
                return;
            };
            match self.children.get(node).and_then(|c| c.get(letter)) {
                Some(&next) if next != 0 => node = usize::from(next),
                _ => return,
            }
            if self.terminal.get(node) == Some(&true) {
                found(depth + 1);
            }
        }
    }

    /// True when `token` (ASCII letters, any case) ends with a word of the trie.
    fn ends_any(&self, token: &[u8]) -> bool {
        let mut node = 0usize;
        for &byte in token.iter().rev() {
            let Some(letter) = letter_index(byte.to_ascii_lowercase()) else {
                return false;
            };
            match self.children.get(node).and_then(|c| c.get(letter)) {
                Some(&next) if next != 0 => node = usize::from(next),
                _ => return false,
            }
            if self.terminal.get(node) == Some(&true) {
                return true;
            }
        }
        false
    }
}

fn letter_index(byte: u8) -> Option<usize> {
    byte.is_ascii_lowercase().then(|| usize::from(byte - b'a'))
}

/// The classifier, built once per process from the static taxonomy.
pub fn classifier() -> &'static Classifier {
    static CLASSIFIER: OnceLock<Classifier> = OnceLock::new();
    CLASSIFIER.get_or_init(Classifier::new)
}

impl Classifier {
    fn new() -> Self {
        // Names are matched with plurals made singular (`numbers`, `details`), so the taxonomy's
        // own words are too: a word is written singular wherever its singular is a word of it.
        let mut written: FxHashSet<&'static str> = FxHashSet::default();
        for class in CLASSES {
            for term in class.terms {
                let plain = term.trim_start_matches('^').trim_end_matches(" #");
                written.extend(plain.split(' '));
            }
            written.extend(class.tails.iter().chain(class.not_after));
        }
        written.extend(COMMON_TAILS.iter().chain(DROP_TAILS).chain(GLUE_WORDS));
        written.extend(FLAG_PREFIXES);
        let singular = |word: &'static str| -> &'static str {
            ["es", "s"]
                .iter()
                .find_map(|plural| word.strip_suffix(plural).filter(|s| written.contains(s)))
                .unwrap_or(word)
        };
        let mut vocabulary: FxHashMap<&'static str, WordInfo> = FxHashMap::default();
        for word in &written {
            vocabulary.entry(word).or_default();
        }
        let mut last_words = ReversedTrie::default();
        let mut add_ending = |word: &str| last_words.insert(word);
        let mut classes = Vec::with_capacity(CLASSES.len());
        for (class_index, class) in CLASSES.iter().enumerate() {
            let compiled = compile(class, &singular);
            for (term_index, term) in compiled.terms.iter().enumerate() {
                for word in &term.words {
                    vocabulary.entry(word).or_default();
                }
                if let Some(last) = term.words.last() {
                    vocabulary
                        .entry(last)
                        .or_default()
                        .ends
                        .push((class_index, term_index));
                    add_ending(last);
                    add_ending(&format!("{last}s"));
                    add_ending(&format!("{last}es"));
                }
            }
            let mut tails: Vec<&'static str> = class.tails.to_vec();
            tails.extend(COMMON_TAILS);
            if class.kind == ClassKind::Drop {
                tails.extend(DROP_TAILS);
            }
            for tail in tails.into_iter().map(&singular) {
                vocabulary.entry(tail).or_default().tail_of |= 1 << class_index;
                add_ending(tail);
                add_ending(&format!("{tail}s"));
            }
            for word in class.not_after {
                vocabulary.entry(word).or_default();
            }
            classes.push(compiled);
        }
        for word in GLUE_WORDS.iter().chain(FLAG_PREFIXES) {
            vocabulary.entry(word).or_default();
        }
        for suffix in STRONG_SUFFIXES.iter().chain(NUMBER_WORDS) {
            add_ending(suffix);
        }
        let mut glue = ReversedTrie::default();
        for word in vocabulary.keys() {
            let usable = match word.len() {
                0 | 1 => false,
                2 => SHORT_GLUE.contains(word),
                _ => true,
            };
            if usable && word.bytes().all(|b| b.is_ascii_lowercase()) {
                glue.insert(word);
            }
        }
        Classifier {
            classes,
            vocabulary,
            flag_prefixes: FLAG_PREFIXES.iter().copied().collect(),
            last_words,
            glue,
        }
    }

    /// The first class in `enabled` that `key` belongs to.
    pub fn classify(&self, key: &str, enabled: ClassSet) -> Option<usize> {
        if enabled.is_empty() || !self.may_match(key) {
            return None;
        }
        let classes = if key.len() <= CACHED_KEY_BYTES {
            cached_classes(key, || self.classes_of(key))
        } else {
            self.classes_of(key)
        };
        let matching = classes & enabled.0;
        (matching != 0).then(|| matching.trailing_zeros() as usize)
    }

    /// Every class `key` belongs to, as a bit set.
    fn classes_of(&self, key: &str) -> u32 {
        let split = names::words(key);
        let words = self.expand(&split);
        let classes = self.classify_words(&words);
        let flagged = words
            .first()
            .is_some_and(|first| self.flag_prefixes.contains(first));
        if classes != 0 || flagged || !names::classified_tail(key).chars().any(char::is_uppercase) {
            return classes;
        }
        // Random casing (`iP_ADDress`) splits at the wrong places: read it once more as one
        // run-together word of known words.
        let compact = names::compact(names::classified_tail(key));
        let mut words = Vec::with_capacity(4);
        self.expand_word(&compact, &mut words);
        self.classify_words(&words)
    }

    fn classify_words(&self, words: &[&str]) -> u32 {
        if words
            .first()
            .is_some_and(|first| self.flag_prefixes.contains(first))
        {
            return 0;
        }
        let infos: Vec<Option<&WordInfo>> = words.iter().map(|w| self.vocabulary.get(w)).collect();
        self.classes
            .iter()
            .enumerate()
            .filter(|(index, class)| matches(*index, class, words, &infos))
            .fold(0, |set, (index, _)| set | 1 << index)
    }

    /// False when `key` cannot belong to any class: its last word (less numbers, and the
    /// letter of `v4`) neither is nor ends with a word that can end a name of a class. Decided
    /// from the raw bytes of ASCII names, without allocating; a run-together or randomly cased
    /// last word still ends with its real last word, so this never hides a match.
    fn may_match(&self, key: &str) -> bool {
        if !key.is_ascii() {
            return true;
        }
        let bytes = key.as_bytes();
        let mut end = bytes.len();
        let token = loop {
            while end > 0 && !bytes.get(end - 1).is_some_and(u8::is_ascii_alphanumeric) {
                end -= 1;
            }
            let digits_end = end;
            while end > 0 && bytes.get(end - 1).is_some_and(u8::is_ascii_digit) {
                end -= 1;
            }
            let mut start = end;
            while start > 0 && bytes.get(start - 1).is_some_and(u8::is_ascii_alphabetic) {
                start -= 1;
            }
            if start == end {
                if end == 0 || end == digits_end {
                    return false;
                }
                continue;
            }
            // `ip_v4`, `phone_e164`: the letter before the number is not the last word.
            if end - start == 1 && digits_end > end {
                end = start;
                continue;
            }
            break bytes.get(start..end).unwrap_or_default();
        };
        self.last_words.ends_any(token)
    }

    /// The words of a name with run-together words split (`creditcardnumber`) and plurals made
    /// singular (`phones`).
    fn expand<'w>(&self, words: &'w Words) -> Vec<&'w str> {
        let mut out = Vec::with_capacity(words.len() + 2);
        for word in words.iter() {
            self.expand_word(word, &mut out);
        }
        out
    }

    fn expand_word<'w>(&self, word: &'w str, out: &mut Vec<&'w str>) {
        if is_number(word) {
            out.push(word);
        } else if let Some(singular) = self.singular(word) {
            // Before the vocabulary: `numbers` and `ids` are known words, and their singular
            // is what terms are written with.
            out.push(singular);
        } else if self.vocabulary.contains_key(word) {
            out.push(word);
        } else if !self.ends_with_last_word(word) {
            // Neither split nor cut: no class word can end here.
            out.push(word);
        } else if let Some(parts) = self.split_run_together(word) {
            out.extend(parts);
        } else if let Some(suffix) = STRONG_SUFFIXES
            .iter()
            .find(|suffix| word.len() > suffix.len() && word.ends_with(*suffix))
        {
            let cut = word.len() - suffix.len();
            out.push(word.get(..cut).unwrap_or_default());
            out.push(word.get(cut..).unwrap_or_default());
        } else {
            out.push(word);
        }
    }

    /// True when `word` (lowercase) ends with a word that can end a name of a class.
    fn ends_with_last_word(&self, word: &str) -> bool {
        self.last_words.ends_any(word.as_bytes())
    }

    fn singular<'w>(&self, word: &'w str) -> Option<&'w str> {
        ["es", "s"].iter().find_map(|plural| {
            word.strip_suffix(plural)
                .filter(|stem| self.vocabulary.contains_key(stem))
        })
    }

    fn is_glue(&self, part: &str) -> bool {
        match part.len() {
            0 | 1 => false,
            2 => SHORT_GLUE.contains(&part) && self.vocabulary.contains_key(part),
            _ => self.vocabulary.contains_key(part),
        }
    }

    /// `creditcardnumber` -> `credit card number`: the split into the fewest known words, the
    /// last of which may be plural; `None` unless every part is known.
    fn split_run_together<'w>(&self, word: &'w str) -> Option<Vec<&'w str>> {
        let bytes = word.as_bytes();
        let n = bytes.len();
        if n < MIN_SPLIT_LEN || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        // parts[i]: fewest parts covering word[..i], and where the last of them starts. The
        // known words ending at each position come from one backward walk of a trie, so the
        // work is linear in the word with a small constant (the longest known word).
        let mut parts: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        if let Some(first) = parts.first_mut() {
            *first = Some((0, 0));
        }
        for end in 2..=n {
            // The last piece may be plural: also walk from before its `s` or `es`.
            let plural_skips: &[usize] = if end == n { &[0, 1, 2] } else { &[0] };
            for &skip in plural_skips {
                if skip > 0 && !bytes.get(..end).is_some_and(|b| b.ends_with(b"s")) {
                    continue;
                }
                let Some(stem) = bytes.get(..end - skip) else {
                    continue;
                };
                self.glue.each_word_ending(stem, |len| {
                    let start = end - skip - len;
                    if let Some(Some((count, _))) = parts.get(start).copied() {
                        if let Some(slot) = parts.get_mut(end) {
                            if slot.is_none_or(|(best, _)| count + 1 < best) {
                                *slot = Some((count + 1, start));
                            }
                        }
                    }
                });
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
            pieces.push(piece);
            end = start;
        }
        if pieces.len() < 2 {
            return None;
        }
        pieces.reverse();
        Some(pieces)
    }
}

fn compile(class: &Class, singular: &impl Fn(&'static str) -> &'static str) -> CompiledClass {
    let terms = class
        .terms
        .iter()
        .map(|term| {
            let anchored = term.starts_with('^');
            let numbered = term.ends_with(" #");
            let plain = term.trim_start_matches('^').trim_end_matches(" #");
            Term {
                words: plain.split(' ').map(singular).collect(),
                anchored,
                numbered,
            }
        })
        .collect();
    CompiledClass {
        terms,
        not_after: class.not_after.iter().copied().map(singular).collect(),
    }
}

/// Numbers written as words end names the way digits do (`address_one`, `phone_two`).
const NUMBER_WORDS: &[&str] = &["one", "two", "three"];

fn is_number(word: &str) -> bool {
    (!word.is_empty() && word.chars().all(char::is_numeric)) || NUMBER_WORDS.contains(&word)
}

/// True when the name's words, less tails the class allows at the end, end with one of its
/// terms not preceded by a word that changes its meaning.
fn matches(
    class_index: usize,
    class: &CompiledClass,
    words: &[&str],
    infos: &[Option<&WordInfo>],
) -> bool {
    let mut end = words.len();
    while end > 0 {
        let Some(&last) = words.get(end - 1) else {
            return false;
        };
        let info = infos.get(end - 1).copied().flatten();
        let ends_term = info.is_some_and(|info| {
            info.ends.iter().any(|&(c, t)| {
                c == class_index
                    && class
                        .terms
                        .get(t)
                        .is_some_and(|term| term_ends_at(class, term, words, end))
            })
        });
        if ends_term {
            return true;
        }
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
        } else if info.is_some_and(|info| info.tail_of & (1 << class_index) != 0) {
            end -= 1;
        } else {
            return false;
        }
    }
    false
}

fn term_ends_at(class: &CompiledClass, term: &Term, words: &[&str], end: usize) -> bool {
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
        .is_some_and(|before| class.not_after.contains(before))
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
