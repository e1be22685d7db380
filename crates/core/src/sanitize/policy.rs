//! What a sanitizer does with each attribute: the rules, matched on normalized names.

use std::borrow::Cow;
use std::fmt;

use rustc_hash::FxHashMap;

use super::keys::{compact_key, compact_key_ascii, is_normalized, normalize_key, COMPACT_STACK};

/// Fields that must never reach Customer.io (the guide's list first, then close relatives).
pub const NEVER_SEND: &[&str] = &[
    "ssn",
    "social_security",
    "tax_id",
    "credit_card",
    "card_number",
    "cvv",
    "password",
    "password_hash",
    "bank_account",
    "routing_number",
    "social_security_number",
    "credit_card_number",
    "cvc",
    "card_cvv",
    "bank_account_number",
];

/// Fields the guide pseudonymizes (its list first, then common spellings of the same data).
pub const PSEUDONYMIZE: &[&str] = &[
    "phone",
    "phone_number",
    "ip_address",
    "ip",
    "address",
    "street_address",
    "mobile_phone",
    "home_address",
    "billing_address",
    "shipping_address",
    "mailing_address",
];

/// Rule names also matched as the last words of a longer snake_case key (`billing_card_number`,
/// `user_ssn`, `home_phone`, `client_ip`). Not `address`: `email_address` is what Customer.io
/// needs to send email.
const SUFFIX_MATCHED: &[&str] = &[
    "ssn",
    "social_security",
    "social_security_number",
    "tax_id",
    "credit_card",
    "credit_card_number",
    "card_number",
    "cvv",
    "cvc",
    "password",
    "password_hash",
    "bank_account",
    "bank_account_number",
    "routing_number",
    "phone",
    "phone_number",
    "ip",
    "ip_address",
];

/// How a pseudonym is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    /// Unkeyed SHA-256, as lowercase hex cut to `hex_chars` (the guide's form is 16). Reversible
    /// by enumeration for small spaces such as phone numbers: prefer [`Digest::Hmac`].
    Sha256 { hex_chars: usize },
    /// HMAC-SHA256 under the policy's pepper, written as `<key id>:<hex>` so the pepper can rotate.
    Hmac { hex_chars: usize },
}

/// Ad-platform match keys: normalize, then full unkeyed SHA-256 (what the platforms specify).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKey {
    /// Trimmed and lowercased (Meta, Google).
    Email,
    /// `+E.164` (Google Ads enhanced conversions).
    PhoneE164,
    /// E.164 digits without `+` (Meta Conversions API).
    PhoneDigits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Drop,
    Keep,
    /// Replace `key` by `<key>_hash` holding the digest.
    Pseudonymize(Digest),
    /// Keep the last `keep_last` characters, replace the rest with `*`.
    Mask {
        keep_last: usize,
    },
    /// Keep raw, but only a valid E.164 phone (Customer.io needs it raw to send SMS); anything
    /// else is dropped.
    E164,
    /// Replace `key` by `<key>_hash` holding the ad-platform match key.
    MatchKey(MatchKey),
}

impl Action {
    /// The word the report uses for what happened to the field.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Drop => "dropped",
            Action::Keep => "kept",
            Action::Pseudonymize(_) | Action::MatchKey(_) => "hashed",
            Action::Mask { .. } => "masked",
            Action::E164 => "validated",
        }
    }

    /// Whether the field is renamed to `<key>_hash`.
    pub fn renames(self) -> bool {
        matches!(self, Action::Pseudonymize(_) | Action::MatchKey(_))
    }
}

/// A field rule: the name it was written with (reported when it fires) and its action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub action: Action,
}

/// What happens to fields no rule names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Unlisted {
    /// Deny-list mode: everything not named passes (still scanned by the value detectors).
    #[default]
    Keep,
    /// Allow-list mode: only named fields pass.
    Drop,
}

/// The field rules of a policy, looked up by any spelling of a name.
#[derive(Clone, Debug, Default)]
pub struct FieldRules {
    rules: Vec<Rule>,
    by_compact: FxHashMap<Box<[u8]>, usize>,
    /// Rule names matched as the last words of a key, by name (`card_number` -> rule index).
    suffixes: FxHashMap<Box<str>, usize>,
    /// The last two characters of every rule's compact name: a key whose compact form ends
    /// otherwise matches no rule, exact or suffix, and skips both lookups.
    endings: Endings,
    pub unlisted: Unlisted,
}

/// A rule could not be added. Names are the caller's own configuration, never attribute values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleError {
    EmptyName,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::EmptyName => f.write_str("a field rule has an empty name"),
        }
    }
}

impl std::error::Error for RuleError {}

impl FieldRules {
    /// The guide's behaviour, made leak-proof: never-send fields dropped, personal fields
    /// replaced by the 16-hex SHA-256 the guide writes.
    pub fn guide_defaults() -> Self {
        let mut rules = FieldRules::default();
        let digest = Action::Pseudonymize(Digest::Sha256 { hex_chars: 16 });
        for name in NEVER_SEND {
            rules.set_builtin(name, Action::Drop);
        }
        for name in PSEUDONYMIZE {
            rules.set_builtin(name, digest);
        }
        rules
    }

    /// Adds or replaces the rule for `name` (matched in any spelling).
    pub fn set(&mut self, name: &str, action: Action) -> Result<(), RuleError> {
        let compact = compact_key(name);
        if compact.is_empty() {
            return Err(RuleError::EmptyName);
        }
        let rule = Rule {
            name: normalize_key(name),
            action,
        };
        match self.by_compact.get(compact.as_bytes()) {
            Some(&index) => {
                if let Some(slot) = self.rules.get_mut(index) {
                    *slot = rule;
                }
            }
            None => {
                self.endings.add(compact.as_bytes());
                self.by_compact
                    .insert(compact.into_bytes().into_boxed_slice(), self.rules.len());
                self.rules.push(rule);
            }
        }
        Ok(())
    }

    /// Takes the rule for `name` away: the field is then unlisted (kept, and scanned by the
    /// detectors), and so are longer names it matched as their last words.
    pub fn remove(&mut self, name: &str) {
        if let Some(index) = self.by_compact.remove(compact_key(name).as_bytes()) {
            // The rule stays in `rules` so other indices keep their meaning; nothing finds it.
            self.suffixes.retain(|_, &mut i| i != index);
        }
    }

    /// Sets the action of every built-in rule that currently has `from`.
    pub fn replace_action(&mut self, from: Action, to: Action) {
        for rule in &mut self.rules {
            if rule.action == from {
                rule.action = to;
            }
        }
    }

    fn set_builtin(&mut self, name: &str, action: Action) {
        if self.set(name, action).is_ok() && SUFFIX_MATCHED.contains(&name) {
            if let Some(&index) = self.by_compact.get(compact_key(name).as_bytes()) {
                self.suffixes.insert((*name).into(), index);
            }
        }
    }

    /// The rule for `key`, if one names it: exact in any spelling first, then as the last words
    /// of a snake_case key.
    pub fn lookup(&self, key: &str) -> Option<&Rule> {
        self.lookup_index(key)
            .and_then(|index| self.rules.get(index))
    }

    /// Like [`FieldRules::lookup`], as an index into [`FieldRules::rules`].
    ///
    /// Runs once per field of every JSON record, so the common case allocates nothing: ASCII
    /// names are compacted on the stack, and already-snake_case names are matched as they are.
    pub fn lookup_index(&self, key: &str) -> Option<usize> {
        // Most keys end in letters no rule ends in: tell from the raw key, before any copying.
        if key.is_ascii() && !self.endings.may_end(&last_two_alnum(key)) {
            return None;
        }
        let mut stack = [0u8; COMPACT_STACK];
        let compact: Cow<'_, [u8]> = match compact_key_ascii(key, &mut stack) {
            Some(compact) => Cow::Borrowed(compact),
            None => Cow::Owned(compact_key(key).into_bytes()),
        };
        if !self.endings.may_end(&compact) {
            return None;
        }
        if let Some(&index) = self.by_compact.get(compact.as_ref()) {
            return Some(index);
        }
        // A suffix rule matches `_<name>`: a key without a separator or a capital has no words.
        if self.suffixes.is_empty() || !key.bytes().any(|b| b == b'_' || !b.is_ascii_lowercase()) {
            return None;
        }
        let snake: Cow<'_, str> = if is_normalized(key) {
            Cow::Borrowed(key)
        } else {
            Cow::Owned(normalize_key(key))
        };
        // Each word start after the first is a candidate: `billing_card_number` tries
        // `card_number`, then `number`. A key has few words, so this is a few hash lookups.
        snake
            .match_indices('_')
            .find_map(|(at, _)| snake.get(at + 1..).and_then(|tail| self.suffixes.get(tail)))
            .copied()
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

/// The last two ASCII letters or digits of `key`, lowercased: the end of its compact form.
fn last_two_alnum(key: &str) -> [u8; 2] {
    let mut tail = key
        .bytes()
        .rev()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase());
    let last = tail.next();
    match (tail.next(), last) {
        (Some(a), Some(b)) => [a, b],
        // Fewer than two: a byte no ending has, unless a one-letter rule defeats the filter.
        _ => [0, last.unwrap_or(0)],
    }
}

/// A set of two-byte endings, as a 64 Kibit bitmap: one shift and one load per lookup.
#[derive(Clone)]
struct Endings {
    bits: Box<[u64; 1024]>,
    /// Compact names shorter than two bytes (a one-letter rule) defeat the filter.
    short_names: bool,
}

impl Default for Endings {
    fn default() -> Self {
        Endings {
            bits: Box::new([0; 1024]),
            short_names: false,
        }
    }
}

impl fmt::Debug for Endings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Endings(..)")
    }
}

impl Endings {
    fn slot(compact: &[u8]) -> Option<usize> {
        match compact {
            [.., a, b] => Some(usize::from(*a) << 8 | usize::from(*b)),
            _ => None,
        }
    }

    fn add(&mut self, compact: &[u8]) {
        match Self::slot(compact) {
            Some(slot) => {
                if let Some(word) = self.bits.get_mut(slot / 64) {
                    *word |= 1 << (slot % 64);
                }
            }
            None => self.short_names = true,
        }
    }

    fn may_end(&self, compact: &[u8]) -> bool {
        match Self::slot(compact) {
            Some(slot) => {
                self.short_names
                    || self
                        .bits
                        .get(slot / 64)
                        .is_some_and(|word| word & (1 << (slot % 64)) != 0)
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(rules: &FieldRules, key: &str) -> Option<Action> {
        rules.lookup(key).map(|rule| rule.action)
    }

    #[test]
    fn guide_names_match_in_any_case() {
        let rules = FieldRules::guide_defaults();
        for key in [
            "ssn",
            "SSN",
            "Credit_Card",
            "CVV",
            "password_HASH",
            "Routing_Number",
        ] {
            assert_eq!(action(&rules, key), Some(Action::Drop), "{key}");
        }
        for key in ["phone", "PHONE", "iP_ADDress", "Street_Address", "IP"] {
            assert!(
                matches!(action(&rules, key), Some(Action::Pseudonymize(_))),
                "{key}"
            );
        }
    }

    #[test]
    fn variants_the_guide_misses_are_caught() {
        let rules = FieldRules::guide_defaults();
        for key in ["creditCard", "cardNumber", "credit-card", "social security"] {
            assert_eq!(action(&rules, key), Some(Action::Drop), "{key}");
        }
        for key in ["phoneNumber", "Phone-Number", "phone number", "ipAddress"] {
            assert!(
                matches!(action(&rules, key), Some(Action::Pseudonymize(_))),
                "{key}"
            );
        }
    }

    #[test]
    fn suffixes_match_whole_words_only() {
        let rules = FieldRules::guide_defaults();
        assert_eq!(action(&rules, "billing_card_number"), Some(Action::Drop));
        assert_eq!(action(&rules, "userSSN"), Some(Action::Drop));
        assert!(matches!(
            action(&rules, "home_phone"),
            Some(Action::Pseudonymize(_))
        ));
        assert!(matches!(
            action(&rules, "clientIp"),
            Some(Action::Pseudonymize(_))
        ));
        for key in [
            "zip",
            "email_address",
            "ship",
            "email",
            "id",
            "cio_id",
            "created_at",
            "phoney",
        ] {
            assert_eq!(action(&rules, key), None, "{key}");
        }
    }

    #[test]
    fn custom_rules_override_and_extend() {
        let mut rules = FieldRules::guide_defaults();
        rules.set("Phone", Action::Keep).unwrap();
        assert_eq!(action(&rules, "phone"), Some(Action::Keep));
        rules.set("dateOfBirth", Action::Drop).unwrap();
        assert_eq!(action(&rules, "date_of_birth"), Some(Action::Drop));
        assert_eq!(rules.set("--", Action::Drop), Err(RuleError::EmptyName));
    }

    #[test]
    fn one_letter_rules_still_match() {
        let mut rules = FieldRules::guide_defaults();
        rules.set("x", Action::Drop).unwrap();
        assert_eq!(action(&rules, "X"), Some(Action::Drop));
        assert_eq!(
            action(&rules, "phone"),
            rules.lookup("phone").map(|r| r.action)
        );
    }
}
