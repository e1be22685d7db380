//! What a sanitizer does with each attribute: the rules, matched on normalized names.

use std::collections::HashMap;
use std::fmt;

use super::keys::{compact_key, normalize_key};

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
    by_compact: HashMap<String, usize>,
    suffixes: Vec<(String, usize)>,
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
        match self.by_compact.get(&compact) {
            Some(&index) => {
                if let Some(slot) = self.rules.get_mut(index) {
                    *slot = rule;
                }
            }
            None => {
                self.by_compact.insert(compact, self.rules.len());
                self.rules.push(rule);
            }
        }
        Ok(())
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
            if let Some(&index) = self.by_compact.get(&compact_key(name)) {
                self.suffixes.push((format!("_{name}"), index));
            }
        }
    }

    /// The rule for `key`, if one names it: exact in any spelling first, then as the last words
    /// of a snake_case key.
    pub fn lookup(&self, key: &str) -> Option<&Rule> {
        if let Some(rule) = self
            .by_compact
            .get(&compact_key(key))
            .and_then(|&i| self.rules.get(i))
        {
            return Some(rule);
        }
        if self.suffixes.is_empty() {
            return None;
        }
        let snake = normalize_key(key);
        self.suffixes
            .iter()
            .find(|(suffix, _)| snake.ends_with(suffix.as_str()))
            .and_then(|&(_, index)| self.rules.get(index))
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
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
}
