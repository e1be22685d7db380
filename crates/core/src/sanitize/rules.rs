//! What a sanitizer does with each attribute: the rules, matched on normalized names.

use std::borrow::Cow;
use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};

use super::classify::{class_index, classifier, ClassSet};
use super::keys::{compact_key, compact_key_ascii, normalize_key, COMPACT_STACK};
use super::report::{action, rule};
use super::taxonomy::{ClassKind, CLASSES};

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
    /// Sent raw, the value detectors skipped (an explicit `keep` rule: ids).
    Keep,
    /// Sent raw and scanned by the value detectors like any unlisted field (a name on an
    /// allow-list).
    Allow,
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
            Action::Drop => action::DROPPED,
            Action::Keep | Action::Allow => "kept",
            Action::Pseudonymize(_) | Action::MatchKey(_) => "hashed",
            Action::Mask { .. } => "masked",
            Action::E164 => "validated",
        }
    }

    /// The report's rule name when a value cannot be transformed (what [`Scalar::Drop`] carries).
    ///
    /// [`Scalar::Drop`]: super::policy::Scalar::Drop
    pub fn drop_reason(self) -> &'static str {
        match self {
            Action::E164 => rule::INVALID_E164,
            Action::MatchKey(_) => rule::INVALID_PHONE,
            _ => action::DROPPED,
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

/// The field rules of a policy: the sensitive classes of the taxonomy, matched on the words of
/// a name, and the policy's own rules, matched on the exact name in any spelling.
#[derive(Clone, Debug, Default)]
pub struct FieldRules {
    rules: Vec<Rule>,
    by_compact: FxHashMap<Box<[u8]>, usize>,
    /// Names taken away with `remove`: no rule, whatever their class.
    unruled: FxHashSet<Box<[u8]>>,
    /// The rule index of each class in [`CLASSES`], for the classes this policy has.
    class_rules: Vec<usize>,
    classes: ClassSet,
    /// The last two characters of every exact name (rules and removals): a key whose compact
    /// form ends otherwise is no exact name and skips that lookup.
    endings: Endings,
    pub unlisted: Unlisted,
    /// Bumped by every change to which rule a name finds: remembered lookups of an older
    /// generation are stale (see [`super::decisions`]).
    generation: u64,
}

impl Default for ClassSet {
    fn default() -> Self {
        ClassSet::none()
    }
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
    /// The taxonomy's classes with their default actions: credentials, payment cards,
    /// government ids and bank accounts dropped; phones, IP addresses and street addresses
    /// replaced by the 16-hex SHA-256 the guide writes.
    pub fn guide_defaults() -> Self {
        let mut rules = FieldRules::default();
        let digest = Action::Pseudonymize(Digest::Sha256 { hex_chars: 16 });
        for class in CLASSES {
            rules.class_rules.push(rules.rules.len());
            rules.rules.push(Rule {
                name: class.id.to_owned(),
                action: match class.kind {
                    ClassKind::Drop => Action::Drop,
                    ClassKind::Hash => digest,
                },
            });
        }
        rules.classes = ClassSet::all();
        rules
    }

    /// Adds or replaces the rule for `name` (matched in any spelling, as the whole name).
    pub fn set(&mut self, name: &str, action: Action) -> Result<(), RuleError> {
        self.generation += 1;
        let compact = compact_key(name);
        if compact.is_empty() {
            return Err(RuleError::EmptyName);
        }
        let rule = Rule {
            name: normalize_key(name),
            action,
        };
        self.unruled.remove(compact.as_bytes());
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

    /// Sets the action of a whole class (`phone`, `credential`...); false if `id` names none
    /// this policy has.
    pub fn set_class(&mut self, id: &str, action: Action) -> bool {
        self.generation += 1;
        let Some(index) = class_index(id).filter(|&i| self.classes.contains(i)) else {
            return false;
        };
        match self
            .class_rules
            .get(index)
            .and_then(|&rule| self.rules.get_mut(rule))
        {
            Some(rule) => {
                rule.action = action;
                true
            }
            None => false,
        }
    }

    /// Takes a rule away. A class id removes the whole class; any other name leaves that exact
    /// name (in any spelling) without a rule, even where its class would match it. The field is
    /// then unlisted: kept, and scanned by the detectors.
    pub fn remove(&mut self, name: &str) {
        self.generation += 1;
        if let Some(index) = class_index(name) {
            self.classes = self.classes.without(index);
        }
        let compact = compact_key(name);
        if compact.is_empty() {
            return;
        }
        // The rule stays in `rules` so other indices keep their meaning; nothing finds it.
        self.by_compact.remove(compact.as_bytes());
        self.endings.add(compact.as_bytes());
        self.unruled.insert(compact.into_bytes().into_boxed_slice());
    }

    /// Sets the action of every rule that currently has `from`.
    pub fn replace_action(&mut self, from: Action, to: Action) {
        for rule in &mut self.rules {
            if rule.action == from {
                rule.action = to;
            }
        }
    }

    /// Which generation of the rules this is: it changes whenever a name may find another rule.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The rule for `key`, if one names it: the policy's own rules by the exact name first,
    /// then the class of the name.
    pub fn lookup(&self, key: &str) -> Option<&Rule> {
        self.lookup_index(key)
            .and_then(|index| self.rules.get(index))
    }

    /// Like [`FieldRules::lookup`], as an index into [`FieldRules::rules`].
    ///
    /// Runs once per field of every JSON record, so the common case allocates nothing: most
    /// names are told apart from their last two letters, both here and in the classifier.
    pub fn lookup_index(&self, key: &str) -> Option<usize> {
        if !self.by_compact.is_empty() || !self.unruled.is_empty() {
            if let Some(exact) = self.exact(key) {
                return exact;
            }
        }
        let class = classifier().classify(key, self.classes)?;
        self.class_rules.get(class).copied()
    }

    /// `Some(answer)` when `key` is one of the policy's exact names (`Some(None)`: removed).
    fn exact(&self, key: &str) -> Option<Option<usize>> {
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
            return Some(Some(index));
        }
        self.unruled.contains(compact.as_ref()).then_some(None)
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

    fn rule_name<'r>(rules: &'r FieldRules, key: &str) -> Option<&'r str> {
        rules.lookup(key).map(|rule| rule.name.as_str())
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
    fn classes_are_reported_by_their_id() {
        let rules = FieldRules::guide_defaults();
        assert_eq!(
            rule_name(&rules, "billing_card_number"),
            Some("payment_card")
        );
        assert_eq!(rule_name(&rules, "userSSN"), Some("government_id"));
        assert_eq!(rule_name(&rules, "home_phone"), Some("phone"));
        assert_eq!(rule_name(&rules, "clientIp"), Some("ip_address"));
        assert_eq!(rule_name(&rules, "password2"), Some("credential"));
        for key in [
            "zip",
            "email_address",
            "ship",
            "email",
            "id",
            "cio_id",
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
        assert!(matches!(
            action(&rules, "home_phone"),
            Some(Action::Pseudonymize(_))
        ));
        rules.set("dateOfBirth", Action::Drop).unwrap();
        assert_eq!(action(&rules, "date_of_birth"), Some(Action::Drop));
        assert_eq!(rules.set("--", Action::Drop), Err(RuleError::EmptyName));
    }

    #[test]
    fn a_class_id_sets_or_removes_the_whole_class() {
        let mut rules = FieldRules::guide_defaults();
        assert!(rules.set_class("phone", Action::Drop));
        assert_eq!(action(&rules, "mobile"), Some(Action::Drop));
        assert!(!rules.set_class("nope", Action::Drop));
        rules.remove("ip_address");
        assert_eq!(action(&rules, "ip"), None);
        assert_eq!(action(&rules, "last_sign_in_ip"), None);
        rules.remove("ssn");
        assert_eq!(action(&rules, "SSN"), None);
        assert_eq!(action(&rules, "user_ssn"), Some(Action::Drop));
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
