//! Reads the sanitizer options a JavaScript caller passes to `createSanitizer` (the JSON text
//! `lib/sanitize/options.js` makes of them, the pepper apart) into the core's [`PolicyConfig`].
//!
//! Parsed once per sanitizer, so it favours clear errors over speed. Errors name the option
//! and never echo a value, since a confused caller may have put a secret in the wrong place.

use customerio_security_core::sanitize::detect::{Detector, DetectorSet};
use customerio_security_core::sanitize::options::ConfigError;
use customerio_security_core::sanitize::options::{PolicyConfig, Preset, DEFAULT_DIGEST};
use customerio_security_core::sanitize::policy::{LimitMode, Policy, MAX_DEPTH_CEILING};
use customerio_security_core::sanitize::pseudonym::Pepper;
use customerio_security_core::sanitize::rules::{Action, Digest, MatchKey, RuleError};
use serde_json::{Map, Value};

/// `options` is the policy object without its pepper; `pepper` is `(key, key id)`, passed apart
/// so the secret never travels inside a JSON text. The error is the message of an
/// `ERR_INVALID_POLICY`.
pub fn policy_from_json(options: &str, pepper: Option<(&[u8], &str)>) -> Result<Policy, String> {
    let config = config_from_json(options, pepper)?;
    config.build().map_err(|error| match error {
        ConfigError::HmacWithoutPepper => {
            "an hmac rule needs a pepper: pass pepper: { key, keyId }".to_owned()
        }
        ConfigError::Rule(error) => error.to_string(),
    })
}

fn config_from_json(options: &str, pepper: Option<(&[u8], &str)>) -> Result<PolicyConfig, String> {
    let value: Value =
        serde_json::from_str(options).map_err(|_| "the policy is not valid JSON".to_owned())?;
    let options = value
        .as_object()
        .ok_or_else(|| "the policy must be an object".to_owned())?;
    config_from_options(options, pepper)
}

fn config_from_options(
    options: &Map<String, Value>,
    pepper: Option<(&[u8], &str)>,
) -> Result<PolicyConfig, String> {
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
        return Err(format!("unknown policy option '{}'", printable(unknown)));
    }
    let mut config = PolicyConfig::default();
    if let Some((key, key_id)) = pepper {
        config.pepper = Some(Pepper::new(key, key_id).map_err(|e| format!("pepper: {e}"))?);
    }

    let preset = string_option(options, "preset")?.unwrap_or("default");
    config.pseudonym = digest_option(options.get("pseudonym"))?;
    config.preset = match preset {
        "default" => Preset::Default,
        "customerio" => Preset::Customerio {
            sms: bool_option(options, "sms")?.unwrap_or(false),
        },
        _ => return Err("preset must be 'default' or 'customerio'".to_owned()),
    };
    if options.contains_key("sms") && preset != "customerio" {
        return Err("sms applies to the 'customerio' preset".to_owned());
    }

    config.remove = string_list(options, "remove")?;
    if let Some(fields) = options.get("fields") {
        let fields = fields
            .as_object()
            .ok_or_else(|| "fields must be an object".to_owned())?;
        for (name, action) in fields {
            let action = field_action(action, config.pseudonym)
                .map_err(|e| format!("fields.{}: {e}", printable(name)))?;
            named(name)?;
            config.fields.push((name.clone(), action));
        }
    }
    if options.contains_key("allow") {
        let allow = string_list(options, "allow")?;
        for name in &allow {
            named(name)?;
        }
        config.allow = Some(allow);
    }

    if let Some(detectors) = options.get("detectors") {
        (config.detectors, config.dropping_detectors) = detectors_option(detectors)?;
    }
    if let Some(limits) = string_option(options, "limits")? {
        config.limits = match limits {
            "report" => LimitMode::Report,
            "error" => LimitMode::Error,
            "off" => LimitMode::Off,
            _ => return Err("limits must be 'report', 'error' or 'off'".to_owned()),
        };
    }
    if let Some(depth) = options.get("maxDepth") {
        config.max_depth = depth
            .as_u64()
            .and_then(|d| usize::try_from(d).ok())
            .filter(|d| (1..=MAX_DEPTH_CEILING).contains(d))
            .ok_or_else(|| {
                format!("maxDepth must be a whole number from 1 to {MAX_DEPTH_CEILING}")
            })?;
    }
    if let Some(code) = string_option(options, "defaultCountryCode")? {
        let code = code.trim_start_matches('+');
        if code.is_empty()
            || code.len() > 3
            || !code.bytes().all(|b| b.is_ascii_digit())
            || code.starts_with('0')
        {
            return Err("defaultCountryCode must be 1-3 digits, such as '1' or '44'".to_owned());
        }
        config.default_country_code = Some(code.to_owned());
    }
    Ok(config)
}

/// Refuses an empty field name where the caller wrote it, before later options are read (the
/// core refuses it too, when the policy is built).
fn named(name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err(RuleError::EmptyName.to_string())
    } else {
        Ok(())
    }
}

/// `pseudonym`: how the built-in personal fields are hashed.
fn digest_option(value: Option<&Value>) -> Result<Digest, String> {
    let Some(value) = value else {
        return Ok(DEFAULT_DIGEST);
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
        _ => return Err("pseudonym must be 'sha256', 'hmac' or { algorithm, length }".to_owned()),
    };
    digest_named(algorithm, length).map_err(|e| format!("pseudonym: {e}"))
}

fn digest_named(algorithm: &str, length: Option<&Value>) -> Result<Digest, String> {
    let hex_chars = match length {
        None => None,
        Some(length) => Some(
            length
                .as_u64()
                .and_then(|l| usize::try_from(l).ok())
                .filter(|l| (8..=64).contains(l))
                .ok_or_else(|| {
                    "length must be a whole number of hex characters from 8 to 64".to_owned()
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
        _ => Err("algorithm must be 'sha256' or 'hmac'".to_owned()),
    }
}

fn field_action(value: &Value, default_digest: Digest) -> Result<Action, String> {
    let (name, object) = match value {
        Value::String(name) => (name.as_str(), None),
        Value::Object(object) => (
            object
                .get("action")
                .and_then(Value::as_str)
                .ok_or_else(|| "an object rule needs an 'action'".to_owned())?,
            Some(object),
        ),
        _ => return Err("a rule is an action name or { action, ... }".to_owned()),
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
                    .ok_or_else(|| "keepLast must be a whole number from 0 to 64".to_owned())?,
            };
            Action::Mask { keep_last }
        }
        "e164" => Action::E164,
        "email-match" => Action::MatchKey(MatchKey::Email),
        "phone-match-google" => Action::MatchKey(MatchKey::PhoneE164),
        "phone-match-meta" => Action::MatchKey(MatchKey::PhoneDigits),
        _ => {
            return Err(
                "unknown action (drop, keep, hash, hmac, mask, e164, email-match, phone-match-google, phone-match-meta)"
                    .to_owned(),
            )
        }
    })
}

/// The key naming a detector in the `detectors` option: its report name in camelCase.
fn detector_option_name(detector: Detector) -> &'static str {
    match detector {
        Detector::CardNumber => "cardNumber",
        Detector::UsSsn => "usSsn",
        Detector::Iban => "iban",
        Detector::Jwt => "jwt",
        Detector::PrivateKey => "privateKey",
        Detector::AwsAccessKeyId => "awsAccessKeyId",
        Detector::BearerToken => "bearerToken",
        Detector::Email => "email",
        Detector::Phone => "phone",
    }
}

/// `detectors: false` turns them off, `true` is the default set; an object changes the default
/// set per detector: `{ cardNumber: 'drop', usSsn: 'off', email: 'redact' }`.
fn detectors_option(value: &Value) -> Result<(DetectorSet, DetectorSet), String> {
    let object = match value {
        Value::Bool(false) => return Ok((DetectorSet::none(), DetectorSet::none())),
        Value::Bool(true) => return Ok((DetectorSet::defaults(), DetectorSet::none())),
        Value::Object(object) => object,
        _ => return Err("detectors must be false, true or an object".to_owned()),
    };
    let mut enabled = DetectorSet::defaults();
    let mut dropping = DetectorSet::none();
    for (name, action) in object {
        let Some(detector) = Detector::ALL
            .into_iter()
            .find(|d| detector_option_name(*d) == name.as_str())
        else {
            let known: Vec<&str> = Detector::ALL
                .iter()
                .map(|d| detector_option_name(*d))
                .collect();
            return Err(format!(
                "unknown detector '{}' ({})",
                printable(name),
                known.join(", ")
            ));
        };
        match action.as_str() {
            Some("redact") => enabled = enabled.with(detector),
            Some("drop") => {
                enabled = enabled.with(detector);
                dropping = dropping.with(detector);
            }
            Some("off") => enabled = enabled.without(detector),
            _ => {
                return Err(format!(
                    "detectors.{name} must be 'redact', 'drop' or 'off'"
                ))
            }
        }
    }
    Ok((enabled, dropping))
}

fn string_option<'v>(
    options: &'v Map<String, Value>,
    name: &str,
) -> Result<Option<&'v str>, String> {
    match options.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{name} must be a string")),
    }
}

fn bool_option(options: &Map<String, Value>, name: &str) -> Result<Option<bool>, String> {
    match options.get(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{name} must be true or false")),
    }
}

fn string_list(options: &Map<String, Value>, name: &str) -> Result<Vec<String>, String> {
    match options.get(name) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{name} must be a list of field names"))
            })
            .collect(),
        Some(_) => Err(format!("{name} must be a list of field names")),
    }
}

/// Option names come from the caller's code, but cap and filter them before echoing.
fn printable(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_option_names_are_the_report_names_in_camel_case() {
        for detector in Detector::ALL {
            let camel: String = detector
                .as_str()
                .split('_')
                .enumerate()
                .map(|(i, word)| {
                    if i == 0 {
                        word.to_owned()
                    } else {
                        word[..1].to_uppercase() + &word[1..]
                    }
                })
                .collect();
            assert_eq!(detector_option_name(detector), camel);
        }
    }

    #[test]
    fn options_become_the_configuration() {
        let config = config_from_json(
            r#"{"preset":"customerio","sms":true,"pseudonym":{"algorithm":"sha256","length":8},
                "fields":{"loyalty_id":{"action":"mask","keepLast":2},"email":"email-match"},
                "allow":["plan"],"detectors":{"cardNumber":"drop","email":"off"},
                "limits":"error","maxDepth":8,"defaultCountryCode":"+44"}"#,
            None,
        )
        .unwrap();
        assert_eq!(config.preset, Preset::Customerio { sms: true });
        assert_eq!(config.pseudonym, Digest::Sha256 { hex_chars: 8 });
        assert_eq!(
            config.fields,
            // serde_json's map is ordered by name.
            [
                ("email".to_owned(), Action::MatchKey(MatchKey::Email)),
                ("loyalty_id".to_owned(), Action::Mask { keep_last: 2 }),
            ]
        );
        assert_eq!(config.allow, Some(vec!["plan".to_owned()]));
        assert!(config.dropping_detectors.contains(Detector::CardNumber));
        assert!(!config.detectors.contains(Detector::Email));
        assert_eq!(config.limits, LimitMode::Error);
        assert_eq!(config.max_depth, 8);
        assert_eq!(config.default_country_code.as_deref(), Some("44"));
    }

    #[test]
    fn errors_name_the_option() {
        let error = |json: &str| policy_from_json(json, None).unwrap_err();
        assert_eq!(error(r#"{"colour":1}"#), "unknown policy option 'colour'");
        assert_eq!(
            error(r#"{"fields":{"x":{"action":"mask","keepLast":99}}}"#),
            "fields.x: keepLast must be a whole number from 0 to 64"
        );
        assert!(error(r#"{"detectors":{"card":"drop"}}"#)
            .starts_with("unknown detector 'card' (cardNumber, "));
        assert_eq!(
            error(r#"{"pseudonym":"hmac"}"#),
            "an hmac rule needs a pepper: pass pepper: { key, keyId }"
        );
        assert_eq!(error(r#"{"allow":[""]}"#), "a field rule has an empty name");
    }
}
