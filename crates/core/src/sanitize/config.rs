//! Builds a [`Policy`] from the JSON options a JavaScript caller passes to `createSanitizer`.
//!
//! Parsed once per sanitizer, so it favours clear errors over speed. Errors name the option
//! and never echo a value, since a confused caller may have put a secret in the wrong place.

use serde_json::{Map, Value};

use super::detect::{Detector, DetectorSet};
use super::policy::{LimitMode, Policy, MAX_DEPTH_CEILING};
use super::pseudonym::Pepper;
use super::rules::{Action, Digest, FieldRules, MatchKey, Unlisted};

/// Fields Customer.io needs raw to identify and message people.
pub const CUSTOMERIO_KEEPS: &[&str] = &["id", "email", "cio_id", "created_at"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

fn error(message: impl Into<String>) -> ConfigError {
    ConfigError {
        message: message.into(),
    }
}

/// `options` is the policy object without its pepper; `pepper` is `(key, key id)`, passed apart
/// so the secret never travels inside a JSON text.
pub fn policy_from_json(
    options: &str,
    pepper: Option<(&[u8], &str)>,
) -> Result<Policy, ConfigError> {
    let value: Value =
        serde_json::from_str(options).map_err(|_| error("the policy is not valid JSON"))?;
    let options = value
        .as_object()
        .ok_or_else(|| error("the policy must be an object"))?;
    policy_from_options(options, pepper)
}

fn policy_from_options(
    options: &Map<String, Value>,
    pepper: Option<(&[u8], &str)>,
) -> Result<Policy, ConfigError> {
    let known = [
        "preset",
        "fields",
        "remove",
        "allow",
        "pseudonym",
        "sms",
        "detectors",
        "limits",
        "maxDepth",
        "defaultCountryCode",
    ];
    if let Some(unknown) = options.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(error(format!(
            "unknown policy option '{}'",
            printable(unknown)
        )));
    }
    let mut policy = Policy::default();
    if let Some((key, key_id)) = pepper {
        policy.pepper = Some(Pepper::new(key, key_id).map_err(|e| error(format!("pepper: {e}")))?);
    }

    let preset = string_option(options, "preset")?.unwrap_or("default");
    let default_digest = digest_option(options.get("pseudonym"))?;
    if default_digest != (Digest::Sha256 { hex_chars: 16 }) {
        policy.rules.replace_action(
            Action::Pseudonymize(Digest::Sha256 { hex_chars: 16 }),
            Action::Pseudonymize(default_digest),
        );
    }
    match preset {
        "default" => {}
        "customerio" => {
            for name in CUSTOMERIO_KEEPS {
                set(&mut policy.rules, name, Action::Keep)?;
            }
            if bool_option(options, "sms")?.unwrap_or(false) {
                set(&mut policy.rules, "phone", Action::E164)?;
            }
        }
        _ => return Err(error("preset must be 'default' or 'customerio'")),
    }
    if options.contains_key("sms") && preset != "customerio" {
        return Err(error("sms applies to the 'customerio' preset"));
    }

    for name in string_list(options, "remove")? {
        policy.rules.remove(name);
    }
    if let Some(fields) = options.get("fields") {
        let fields = fields
            .as_object()
            .ok_or_else(|| error("fields must be an object"))?;
        for (name, action) in fields {
            let action = field_action(action, default_digest)
                .map_err(|e| error(format!("fields.{}: {}", printable(name), e.message)))?;
            // A class id (`phone`, `credential`) sets the action of every name in the class.
            if !policy.rules.set_class(name, action) {
                set(&mut policy.rules, name, action)?;
            }
        }
    }
    if options.contains_key("allow") {
        policy.rules.unlisted = Unlisted::Drop;
        for name in string_list(options, "allow")? {
            // Past the name rules, not past the detectors: only `keep` skips those.
            if policy.rules.lookup(name).is_none() {
                set(&mut policy.rules, name, Action::Allow)?;
            }
        }
    }

    if let Some(detectors) = options.get("detectors") {
        let (enabled, dropping) = detectors_option(detectors)?;
        policy.detectors = enabled;
        policy.dropping_detectors = dropping;
    }
    if let Some(limits) = string_option(options, "limits")? {
        policy.limits.mode = match limits {
            "report" => LimitMode::Report,
            "error" => LimitMode::Error,
            "off" => LimitMode::Off,
            _ => return Err(error("limits must be 'report', 'error' or 'off'")),
        };
    }
    if let Some(depth) = options.get("maxDepth") {
        policy.max_depth = depth
            .as_u64()
            .and_then(|d| usize::try_from(d).ok())
            .filter(|d| (1..=MAX_DEPTH_CEILING).contains(d))
            .ok_or_else(|| {
                error(format!(
                    "maxDepth must be a whole number from 1 to {MAX_DEPTH_CEILING}"
                ))
            })?;
    }
    if let Some(code) = string_option(options, "defaultCountryCode")? {
        let code = code.trim_start_matches('+');
        if code.is_empty()
            || code.len() > 3
            || !code.bytes().all(|b| b.is_ascii_digit())
            || code.starts_with('0')
        {
            return Err(error(
                "defaultCountryCode must be 1-3 digits, such as '1' or '44'",
            ));
        }
        policy.default_country_code = Some(code.to_owned());
    }
    if policy.pepper.is_none() && uses_hmac(&policy.rules) {
        return Err(error(
            "an hmac rule needs a pepper: pass pepper: { key, keyId }",
        ));
    }
    Ok(policy)
}

fn uses_hmac(rules: &FieldRules) -> bool {
    rules
        .rules()
        .iter()
        .any(|rule| matches!(rule.action, Action::Pseudonymize(Digest::Hmac { .. })))
}

fn set(rules: &mut FieldRules, name: &str, action: Action) -> Result<(), ConfigError> {
    rules.set(name, action).map_err(|e| error(e.to_string()))
}

/// `pseudonym`: how the built-in personal fields are hashed.
fn digest_option(value: Option<&Value>) -> Result<Digest, ConfigError> {
    let Some(value) = value else {
        return Ok(Digest::Sha256 { hex_chars: 16 });
    };
    let (algorithm, length) = match value {
        Value::String(algorithm) => (algorithm.as_str(), None),
        Value::Object(object) => (
            object
                .get("algorithm")
                .and_then(Value::as_str)
                .unwrap_or(""),
            object.get("length"),
        ),
        _ => {
            return Err(error(
                "pseudonym must be 'sha256', 'hmac' or { algorithm, length }",
            ))
        }
    };
    digest_named(algorithm, length).map_err(|e| error(format!("pseudonym: {}", e.message)))
}

fn digest_named(algorithm: &str, length: Option<&Value>) -> Result<Digest, ConfigError> {
    let hex_chars = match length {
        None => None,
        Some(length) => Some(
            length
                .as_u64()
                .and_then(|l| usize::try_from(l).ok())
                .filter(|l| (8..=64).contains(l))
                .ok_or_else(|| {
                    error("length must be a whole number of hex characters from 8 to 64")
                })?,
        ),
    };
    match algorithm {
        "sha256" | "hash" => Ok(Digest::Sha256 {
            hex_chars: hex_chars.unwrap_or(16),
        }),
        "hmac" | "hmac-sha256" => Ok(Digest::Hmac {
            hex_chars: hex_chars.unwrap_or(64),
        }),
        _ => Err(error("algorithm must be 'sha256' or 'hmac'")),
    }
}

fn field_action(value: &Value, default_digest: Digest) -> Result<Action, ConfigError> {
    let (name, object) = match value {
        Value::String(name) => (name.as_str(), None),
        Value::Object(object) => (
            object
                .get("action")
                .and_then(Value::as_str)
                .ok_or_else(|| error("an object rule needs an 'action'"))?,
            Some(object),
        ),
        _ => return Err(error("a rule is an action name or { action, ... }")),
    };
    let length = object.and_then(|o| o.get("length"));
    Ok(match name {
        "drop" => Action::Drop,
        "keep" => Action::Keep,
        "hash" if length.is_none() && matches!(default_digest, Digest::Sha256 { .. }) => {
            Action::Pseudonymize(default_digest)
        }
        "hash" => Action::Pseudonymize(digest_named("sha256", length)?),
        "hmac" => Action::Pseudonymize(digest_named("hmac", length)?),
        "mask" => {
            let keep_last = match object.and_then(|o| o.get("keepLast")) {
                None => 4,
                Some(v) => v
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| *n <= 64)
                    .ok_or_else(|| error("keepLast must be a whole number from 0 to 64"))?,
            };
            Action::Mask { keep_last }
        }
        "e164" => Action::E164,
        "email-match" => Action::MatchKey(MatchKey::Email),
        "phone-match-google" => Action::MatchKey(MatchKey::PhoneE164),
        "phone-match-meta" => Action::MatchKey(MatchKey::PhoneDigits),
        _ => {
            return Err(error(
                "unknown action (drop, keep, hash, hmac, mask, e164, email-match, phone-match-google, phone-match-meta)",
            ))
        }
    })
}

/// `detectors: false` turns them off, `true` is the default set; an object changes the default
/// set per detector: `{ cardNumber: 'drop', usSsn: 'off', email: 'redact' }`.
fn detectors_option(value: &Value) -> Result<(DetectorSet, DetectorSet), ConfigError> {
    match value {
        Value::Bool(false) => return Ok((DetectorSet::none(), DetectorSet::none())),
        Value::Bool(true) => return Ok((DetectorSet::defaults(), DetectorSet::none())),
        Value::Object(_) => {}
        _ => return Err(error("detectors must be false, true or an object")),
    }
    let mut enabled = DetectorSet::defaults();
    let mut dropping = DetectorSet::none();
    let object = value.as_object().into_iter().flatten();
    for (name, action) in object {
        let Some(detector) = Detector::ALL
            .into_iter()
            .find(|d| d.option_name() == name.as_str())
        else {
            let known: Vec<&str> = Detector::ALL.iter().map(|d| d.option_name()).collect();
            return Err(error(format!(
                "unknown detector '{}' ({})",
                printable(name),
                known.join(", ")
            )));
        };
        match action.as_str() {
            Some("redact") => enabled = enabled.with(detector),
            Some("drop") => {
                enabled = enabled.with(detector);
                dropping = dropping.with(detector);
            }
            Some("off") => enabled = enabled.without(detector),
            _ => {
                return Err(error(format!(
                    "detectors.{name} must be 'redact', 'drop' or 'off'"
                )))
            }
        }
    }
    Ok((enabled, dropping))
}

fn string_option<'v>(
    options: &'v Map<String, Value>,
    name: &str,
) -> Result<Option<&'v str>, ConfigError> {
    match options.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(error(format!("{name} must be a string"))),
    }
}

fn bool_option(options: &Map<String, Value>, name: &str) -> Result<Option<bool>, ConfigError> {
    match options.get(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(error(format!("{name} must be true or false"))),
    }
}

fn string_list<'v>(
    options: &'v Map<String, Value>,
    name: &str,
) -> Result<Vec<&'v str>, ConfigError> {
    match options.get(name) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| error(format!("{name} must be a list of field names")))
            })
            .collect(),
        Some(_) => Err(error(format!("{name} must be a list of field names"))),
    }
}

/// Option names come from the caller's code, but cap and filter them before echoing.
fn printable(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}
