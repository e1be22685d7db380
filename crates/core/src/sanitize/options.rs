//! A sanitizer's configuration as Rust values ([`PolicyConfig`]) and the [`Policy`] built from
//! it. Reading a caller's options (the JavaScript option names, their JSON shape, the messages
//! that name an option) is the binding's job: the core never sees an option's name.

use std::fmt;

use super::detect::DetectorSet;
use super::policy::{LimitMode, Policy, DEFAULT_MAX_DEPTH};
use super::pseudonym::Pepper;
use super::rules::{Action, Digest, FieldRules, RuleError, Unlisted};

/// Fields Customer.io needs raw to identify and message people.
pub const CUSTOMERIO_KEEPS: &[&str] = &["id", "email", "cio_id", "created_at"];

/// How the built-in personal fields are hashed unless the configuration says otherwise.
pub const DEFAULT_DIGEST: Digest = Digest::Sha256 { hex_chars: 16 };

/// The rules a policy starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Preset {
    /// The guide's rules: every personal field hashed or dropped.
    #[default]
    Default,
    /// The guide's rules, with the fields Customer.io needs raw ([`CUSTOMERIO_KEEPS`]) kept;
    /// with `sms`, `phone` kept too when it is valid E.164.
    Customerio { sms: bool },
}

/// A sanitizer's configuration. [`PolicyConfig::default`] builds the default policy.
#[derive(Clone, Debug)]
pub struct PolicyConfig {
    pub preset: Preset,
    /// How the built-in personal fields are hashed.
    pub pseudonym: Digest,
    /// Names whose rules are removed (the field is then left to the detectors).
    pub remove: Vec<String>,
    /// Rules, in the order given; a class id (`phone`, `credential`) sets every name in the class.
    pub fields: Vec<(String, Action)>,
    /// `Some`: an allow-list, every unlisted field dropped.
    pub allow: Option<Vec<String>>,
    /// The value detectors that run on kept strings.
    pub detectors: DetectorSet,
    /// Those of them that drop the whole field (the others redact the match).
    pub dropping_detectors: DetectorSet,
    pub limits: LimitMode,
    /// From 1 to [`super::policy::MAX_DEPTH_CEILING`].
    pub max_depth: usize,
    /// Digits only (`"1"`, `"44"`), for phones written without a country code.
    pub default_country_code: Option<String>,
    pub pepper: Option<Pepper>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            preset: Preset::Default,
            pseudonym: DEFAULT_DIGEST,
            remove: Vec::new(),
            fields: Vec::new(),
            allow: None,
            detectors: DetectorSet::defaults(),
            dropping_detectors: DetectorSet::none(),
            limits: LimitMode::Report,
            max_depth: DEFAULT_MAX_DEPTH,
            default_country_code: None,
            pepper: None,
        }
    }
}

/// Why a configuration does not make a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    Rule(RuleError),
    /// A rule hashes with HMAC and there is no pepper to key it.
    HmacWithoutPepper,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Rule(error) => error.fmt(f),
            ConfigError::HmacWithoutPepper => f.write_str("an hmac rule needs a pepper"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<RuleError> for ConfigError {
    fn from(error: RuleError) -> Self {
        ConfigError::Rule(error)
    }
}

impl PolicyConfig {
    /// The policy: the preset's rules, then `remove`, `fields` and `allow` in that order.
    pub fn build(self) -> Result<Policy, ConfigError> {
        let mut policy = Policy {
            pepper: self.pepper,
            ..Policy::default()
        };
        let rules = &mut policy.rules;
        if self.pseudonym != DEFAULT_DIGEST {
            rules.replace_action(
                Action::Pseudonymize(DEFAULT_DIGEST),
                Action::Pseudonymize(self.pseudonym),
            );
        }
        if let Preset::Customerio { sms } = self.preset {
            for name in CUSTOMERIO_KEEPS {
                rules.set(name, Action::Keep)?;
            }
            if sms {
                rules.set("phone", Action::E164)?;
            }
        }
        for name in &self.remove {
            rules.remove(name);
        }
        for (name, action) in &self.fields {
            if !rules.set_class(name, *action) {
                rules.set(name, *action)?;
            }
        }
        if let Some(allow) = &self.allow {
            rules.unlisted = Unlisted::Drop;
            for name in allow {
                // Past the name rules, not past the detectors: only `keep` skips those.
                if rules.lookup(name).is_none() {
                    rules.set(name, Action::Allow)?;
                }
            }
        }
        policy.detectors = self.detectors;
        policy.dropping_detectors = self.dropping_detectors;
        policy.limits.mode = self.limits;
        policy.max_depth = self.max_depth;
        policy.default_country_code = self.default_country_code;
        if policy.pepper.is_none() && uses_hmac(&policy.rules) {
            return Err(ConfigError::HmacWithoutPepper);
        }
        Ok(policy)
    }
}

fn uses_hmac(rules: &FieldRules) -> bool {
    rules
        .rules()
        .iter()
        .any(|rule| matches!(rule.action, Action::Pseudonymize(Digest::Hmac { .. })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_builds_the_default_policy() {
        let built = PolicyConfig::default().build().unwrap();
        let default = Policy::default();
        assert_eq!(built.rules.rules(), default.rules.rules());
        assert_eq!(built.detectors, default.detectors);
        assert_eq!(built.limits, default.limits);
        assert_eq!(built.max_depth, default.max_depth);
    }

    #[test]
    fn the_customerio_preset_keeps_what_customerio_needs() {
        let config = PolicyConfig {
            preset: Preset::Customerio { sms: true },
            ..PolicyConfig::default()
        };
        let policy = config.build().unwrap();
        for name in CUSTOMERIO_KEEPS {
            assert_eq!(policy.rules.lookup(name).unwrap().action, Action::Keep);
        }
        assert_eq!(policy.rules.lookup("phone").unwrap().action, Action::E164);
    }

    #[test]
    fn hmac_without_a_pepper_is_refused() {
        let config = PolicyConfig {
            pseudonym: Digest::Hmac { hex_chars: 64 },
            ..PolicyConfig::default()
        };
        assert_eq!(config.build().unwrap_err(), ConfigError::HmacWithoutPepper);
        let field = PolicyConfig {
            fields: vec![(
                "loyalty_id".into(),
                Action::Pseudonymize(Digest::Hmac { hex_chars: 64 }),
            )],
            ..PolicyConfig::default()
        };
        assert_eq!(field.build().unwrap_err(), ConfigError::HmacWithoutPepper);
    }

    #[test]
    fn an_allow_list_drops_the_unlisted_and_keeps_the_rules() {
        let config = PolicyConfig {
            allow: Some(vec!["plan".into(), "phone".into()]),
            ..PolicyConfig::default()
        };
        let policy = config.build().unwrap();
        assert_eq!(policy.rules.unlisted, Unlisted::Drop);
        assert_eq!(policy.rules.lookup("plan").unwrap().action, Action::Allow);
        // An allow-listed name with a rule keeps its rule (still hashed).
        assert!(matches!(
            policy.rules.lookup("phone").unwrap().action,
            Action::Pseudonymize(_)
        ));
    }

    #[test]
    fn empty_names_are_refused() {
        let config = PolicyConfig {
            fields: vec![(String::new(), Action::Drop)],
            ..PolicyConfig::default()
        };
        assert_eq!(
            config.build().unwrap_err(),
            ConfigError::Rule(RuleError::EmptyName)
        );
    }
}
