//! The JSON sanitizer under the default policy and configured ones, on arbitrary bytes:
//! - no panic; an error is one of the coded ones;
//! - what comes out is valid JSON;
//! - JSON that serde_json accepts, nested well within the limit, is sanitized under the default
//!   policy (the sanitizer accepts no less than a standard parser);
//! - a value put under a never-send key (`ssn`, `creditCard`, ...) or a pseudonymized one
//!   (`ip_address`) anywhere in an object never comes out raw.

#![no_main]

use std::sync::OnceLock;

use customerio_security_core::sanitize::detect::{Detector, DetectorSet};
use customerio_security_core::sanitize::json::{sanitize_json, sanitize_json_with};
use customerio_security_core::sanitize::options::{PolicyConfig, Preset};
use customerio_security_core::sanitize::policy::{ErrorCode, LimitMode, Policy};
use customerio_security_core::sanitize::pseudonym::Pepper;
use customerio_security_core::sanitize::rules::{Action, Digest, MatchKey};
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use serde_json::Value;

const DROPPED_KEYS: &[&str] = &[
    "ssn",
    "creditCard",
    "billing_card_number",
    "Card-Number",
    "password",
];
/// Well inside the default maxDepth (64), whatever the off-by-one in counting levels.
const SAFE_DEPTH: usize = 60;

/// Configured policies that never let a never-send or pseudonymized value out raw (the same
/// shapes as `createSanitizer` options: presets, HMAC, allow-lists, per-detector actions, masks,
/// match keys, limits as errors, shallow depth, short digests, detectors off).
fn configs() -> Vec<PolicyConfig> {
    let pepper = || Some(Pepper::new(b"fuzz pepper, 32 bytes long......", "k1").expect("pepper"));
    let detectors = |redact: &[Detector], drop: &[Detector], off: &[Detector]| {
        let mut enabled = DetectorSet::defaults();
        let mut dropping = DetectorSet::none();
        for d in redact {
            enabled = enabled.with(*d);
        }
        for d in drop {
            enabled = enabled.with(*d);
            dropping = dropping.with(*d);
        }
        for d in off {
            enabled = enabled.without(*d);
        }
        (enabled, dropping)
    };
    let (allow_on, allow_drop) = detectors(
        &[],
        &[Detector::CardNumber, Detector::UsSsn],
        &[Detector::Iban],
    );
    let (mixed_on, mixed_drop) = detectors(
        &[Detector::Email, Detector::PrivateKey],
        &[Detector::Phone, Detector::Jwt, Detector::BearerToken],
        &[],
    );
    vec![
        PolicyConfig {
            preset: Preset::Customerio { sms: false },
            pseudonym: Digest::Hmac { hex_chars: 64 },
            pepper: pepper(),
            ..PolicyConfig::default()
        },
        PolicyConfig {
            allow: Some(vec!["email".into(), "plan".into(), "id".into()]),
            detectors: allow_on,
            dropping_detectors: allow_drop,
            pepper: pepper(),
            ..PolicyConfig::default()
        },
        PolicyConfig {
            fields: vec![
                ("date_of_birth".into(), Action::Drop),
                ("email".into(), Action::MatchKey(MatchKey::Email)),
                ("loyalty_id".into(), Action::Mask { keep_last: 4 }),
            ],
            limits: LimitMode::Error,
            max_depth: 8,
            pepper: pepper(),
            ..PolicyConfig::default()
        },
        PolicyConfig {
            preset: Preset::Customerio { sms: true },
            pseudonym: Digest::Sha256 { hex_chars: 8 },
            detectors: DetectorSet::none(),
            pepper: pepper(),
            ..PolicyConfig::default()
        },
        PolicyConfig {
            detectors: mixed_on,
            dropping_detectors: mixed_drop,
            pepper: pepper(),
            ..PolicyConfig::default()
        },
    ]
}

fn policies() -> &'static [Policy] {
    static POLICIES_BUILT: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES_BUILT.get_or_init(|| {
        let mut all = vec![Policy::default()];
        for config in configs() {
            all.push(config.build().expect("fuzz policy is valid"));
        }
        all
    })
}

fuzz_target!(|data: &[u8]| {
    let policies = policies();
    for (index, policy) in policies.iter().enumerate() {
        let result = sanitize_json(data, policy);
        if let Ok((out, _report)) = &result {
            assert_valid_json(out);
        }
        // Without a report the output is the same.
        let quiet = sanitize_json_with(data, policy, false).map(|(out, _)| out);
        if let (Ok((out, _)), Ok(quiet)) = (&result, &quiet) {
            assert_eq!(out, quiet, "policy #{index}: report changed the output");
        }
        if index == 0 {
            check_accepts_standard_json(data, &result.as_ref().map(|_| ()).map_err(|e| e.code));
        }
    }
    check_canaries(data, policies);
});

/// JSON's grammar, checked by serde_json skipping the value: unlike parsing it into a `Value`,
/// skipping takes numbers of any size and lone surrogate escapes, which RFC 8259 allows.
fn assert_valid_json(out: &[u8]) {
    if let Err(error) = serde_json::from_slice::<IgnoredAny>(out) {
        panic!(
            "output is not JSON ({error}): {:?}",
            String::from_utf8_lossy(out)
        );
    }
}

fn check_accepts_standard_json(data: &[u8], result: &Result<(), ErrorCode>) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if depth(&value) <= SAFE_DEPTH {
        assert_eq!(*result, Ok(()), "standard JSON refused");
    }
}

/// Inserts a canary under each watched key into every object of the parsed input (or a fresh
/// object around it), then checks the canary never comes out.
fn check_canaries(data: &[u8], policies: &[Policy]) {
    let Ok(mut value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    // Canary text from the input's length and hash, absent from the input itself.
    let canary = format!("zqx{:016x}qz", fxish(data));
    if String::from_utf8_lossy(data).contains(&canary) {
        return;
    }
    let dropped = DROPPED_KEYS[data.len() % DROPPED_KEYS.len()];
    if !value.is_object() {
        value = serde_json::json!({ "wrapped": value });
    }
    plant(&mut value, dropped, &canary, 0);
    let text = serde_json::to_vec(&value).expect("serializable");
    for (index, policy) in policies.iter().enumerate() {
        if let Ok((out, _)) = sanitize_json(&text, policy) {
            let out = String::from_utf8_lossy(&out);
            assert!(
                !out.contains(&canary),
                "policy #{index}: a {dropped}/ip_address value came out raw"
            );
        }
    }
}

fn plant(value: &mut Value, dropped: &str, canary: &str, level: usize) {
    if level > SAFE_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                plant(child, dropped, canary, level + 1);
            }
            map.insert(dropped.to_owned(), Value::String(canary.to_owned()));
            map.insert("ip_address".to_owned(), Value::String(canary.to_owned()));
        }
        Value::Array(items) => {
            for item in items {
                plant(item, dropped, canary, level + 1);
            }
        }
        _ => {}
    }
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn fxish(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
