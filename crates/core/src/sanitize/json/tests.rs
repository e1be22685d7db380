use super::*;
use crate::sanitize::detect::DetectorSet;
use crate::sanitize::policy::LimitMode;
use crate::sanitize::pseudonym::Pepper;
use crate::sanitize::rules::{Action, Digest, Unlisted};

fn run(input: &str, policy: &Policy) -> (String, Report) {
    let (out, report) = sanitize_json(input.as_bytes(), policy).unwrap();
    (String::from_utf8(out).unwrap(), report)
}

fn clean(input: &str) -> String {
    run(input, &Policy::default()).0
}

fn sha16(value: &str) -> String {
    crate::sanitize::pseudonym::digest(value.as_bytes(), Digest::Sha256 { hex_chars: 16 }, None)
        .unwrap()
}

#[test]
fn the_guide_example_matches_the_reference() {
    let out = clean(
        r#"{"email":"a@b.co","ssn":"123-45-6789","phone":"+15550123","Plan":"pro","IP":"10.0.0.1"}"#,
    );
    let expected = format!(
        r#"{{"email":"a@b.co","phone_hash":"{}","Plan":"pro","IP_hash":"{}"}}"#,
        sha16("+15550123"),
        sha16("10.0.0.1")
    );
    assert_eq!(out, expected);
}

#[test]
fn unchanged_values_are_copied_byte_for_byte() {
    let input = r#"{"a":1.50e3,"b":"caf\u00e9","c":[true,false,null],"d":{"e":-0}}"#;
    assert_eq!(clean(input), input);
}

#[test]
fn nested_fields_are_sanitized_at_every_depth() {
    let (out, report) = run(
        r#"{"billing":{"card_number":"4111111111111111","city":"Oslo"},"contacts":[{"phone":"+4712345678"}]}"#,
        &Policy::default(),
    );
    assert_eq!(
        out,
        format!(
            r#"{{"billing":{{"city":"Oslo"}},"contacts":[{{"phone_hash":"{}"}}]}}"#,
            sha16("+4712345678")
        )
    );
    let paths: Vec<_> = report
        .changes
        .iter()
        .map(|c| (&*c.path, c.action))
        .collect();
    assert_eq!(
        paths,
        [
            ("billing.card_number", "dropped"),
            ("contacts[0].phone", "hashed")
        ]
    );
}

#[test]
fn non_strings_under_hash_keys_never_pass_through() {
    let out = clean(
        r#"{"phone":15550123,"phone_number":["+1555","+1666"],"address":{"street":"x"},"ip":null}"#,
    );
    assert_eq!(
        out,
        format!(
            r#"{{"phone_hash":"{}","phone_number_hash":["{}","{}"],"ip_hash":null}}"#,
            sha16("15550123"),
            sha16("+1555"),
            sha16("+1666")
        )
    );
}

#[test]
fn detectors_redact_inside_kept_strings() {
    let (out, report) = run(
        r#"{"note":"card 4111 1111 1111 1111 thanks"}"#,
        &Policy::default(),
    );
    assert_eq!(out, r#"{"note":"card [REDACTED:card_number] thanks"}"#);
    assert_eq!(report.changes[0].rule, "detector:card_number");
}

#[test]
fn detectors_can_drop_the_field_or_element() {
    let policy = Policy {
        dropping_detectors: DetectorSet::all(),
        ..Policy::default()
    };
    let (out, _) = run(
        r#"{"a":"ssn 123-45-6789","b":["ok","123-45-6789"],"c":"fine"}"#,
        &policy,
    );
    assert_eq!(out, r#"{"b":["ok"],"c":"fine"}"#);
}

#[test]
fn prototype_keys_are_dropped() {
    let (out, report) = run(
        r#"{"__proto__":{"admin":true},"constructor":1,"prototype":2,"x":{"__proto__":3}}"#,
        &Policy::default(),
    );
    assert_eq!(out, r#"{"x":{}}"#);
    assert!(report.changes.iter().all(|c| c.rule == "prototype_key"));
    assert_eq!(report.changes.len(), 4);
}

#[test]
fn depth_beyond_the_limit_is_an_error_not_an_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = sanitize_json(deep.as_bytes(), &Policy::default()).unwrap_err();
    assert_eq!(error.code, ErrorCode::MaxDepth);
    let deep_skipped = format!(
        r#"{{"ssn":{}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let error = sanitize_json(deep_skipped.as_bytes(), &Policy::default()).unwrap_err();
    assert_eq!(error.code, ErrorCode::MaxDepth);
    let at_limit = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert!(sanitize_json(at_limit.as_bytes(), &Policy::default()).is_ok());
}

#[test]
fn invalid_json_is_an_error_with_an_offset_and_no_value() {
    for bad in [
        r#"{"a":}"#,
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        r#"{"a":"x"#,
        r#"{"a":01}"#,
        r#"{"a":1}x"#,
        r#"{"secret-value":tru}"#,
        "{\"a\":\"\u{1}\"}",
        r#"{"a":"\x"}"#,
        "",
    ] {
        let error = sanitize_json(bad.as_bytes(), &Policy::default()).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidJson, "{bad}");
        assert!(!error.message.contains("secret-value"));
    }
    assert_eq!(
        sanitize_json(b"{\"a\":\"\xff\"}", &Policy::default())
            .unwrap_err()
            .code,
        ErrorCode::InvalidJson
    );
}

#[test]
fn escaped_keys_are_matched_after_decoding() {
    let out = clean(r#"{"\u0073sn":"x","ph\u006fne":"+1555"}"#);
    assert_eq!(
        out,
        format!(r#"{{"ph\u006fne_hash":"{}"}}"#, sha16("+1555"))
    );
}

#[test]
fn allow_list_mode_keeps_only_listed_fields() {
    let mut policy = Policy::default();
    policy.rules.unlisted = Unlisted::Drop;
    policy.rules.set("email", Action::Keep).unwrap();
    let (out, report) = run(r#"{"email":"a@b.co","plan":"pro","ssn":"x"}"#, &policy);
    assert_eq!(out, r#"{"email":"a@b.co"}"#);
    assert_eq!(report.changes.len(), 2);
}

#[test]
fn hmac_rules_write_the_key_id() {
    let mut policy = Policy {
        pepper: Some(Pepper::new(b"pepper", "2026-01").unwrap()),
        ..Policy::default()
    };
    policy
        .rules
        .set(
            "phone",
            Action::Pseudonymize(Digest::Hmac { hex_chars: 64 }),
        )
        .unwrap();
    let out = clean_with(r#"{"phone":"+15550123"}"#, &policy);
    assert!(out.starts_with(r#"{"phone_hash":"2026-01:"#), "{out}");
    assert_eq!(out.len(), r#"{"phone_hash":"2026-01:"}"#.len() + 64);
}

fn clean_with(input: &str, policy: &Policy) -> String {
    run(input, policy).0
}

#[test]
fn hmac_without_a_pepper_fails_closed() {
    let mut policy = Policy::default();
    policy
        .rules
        .set(
            "phone",
            Action::Pseudonymize(Digest::Hmac { hex_chars: 64 }),
        )
        .unwrap();
    let error = sanitize_json(br#"{"phone":"+15550123"}"#, &policy).unwrap_err();
    assert_eq!(error.code, ErrorCode::MissingPepper);
}

#[test]
fn e164_rule_keeps_valid_phones_and_drops_the_rest() {
    let mut policy = Policy::default();
    policy.rules.set("phone", Action::E164).unwrap();
    assert_eq!(
        clean_with(r#"{"phone":"+15550123456"}"#, &policy),
        r#"{"phone":"+15550123456"}"#
    );
    assert_eq!(clean_with(r#"{"phone":"555-0123"}"#, &policy), r#"{}"#);
}

#[test]
fn limits_are_reported_or_enforced() {
    let long_name = "n".repeat(151);
    let fits = format!(r#"{{"{}":1,"v":"{}"}}"#, "n".repeat(150), "x".repeat(1000));
    assert!(run(&fits, &Policy::default()).1.is_empty());
    let input = format!(r#"{{"{long_name}":1,"v":"{}"}}"#, "x".repeat(1001));
    let (_, report) = run(&input, &Policy::default());
    let rules: Vec<_> = report.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["attribute_name_too_long", "attribute_value_too_long"]
    );
    let strict = Policy {
        limits: crate::sanitize::policy::Limits {
            mode: LimitMode::Error,
            ..Default::default()
        },
        ..Policy::default()
    };
    assert_eq!(
        sanitize_json(input.as_bytes(), &strict).unwrap_err().code,
        ErrorCode::LimitExceeded
    );
    let many = format!(
        "{{{}}}",
        (0..301)
            .map(|i| format!(r#""k{i}":1"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    let (_, report) = run(&many, &Policy::default());
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].rule, "too_many_attributes");
}

#[test]
fn kept_names_still_walk_objects_and_arrays() {
    let mut policy = Policy::default();
    policy.rules.set("email", Action::Keep).unwrap();
    assert_eq!(
        clean_with(
            r#"{"email":{"password":"x","ok":"123-45-6789"},"id":"1"}"#,
            &policy
        ),
        r#"{"email":{"ok":"[REDACTED:us_ssn]"},"id":"1"}"#
    );
    assert_eq!(
        clean_with(r#"{"email":"123-45-6789"}"#, &policy),
        r#"{"email":"123-45-6789"}"#
    );
}

#[test]
fn removed_rules_leave_the_field_to_the_detectors() {
    let mut policy = Policy::default();
    policy.rules.remove("phone");
    assert_eq!(
        clean_with(
            r#"{"phone":"card 4111 1111 1111 1111","home_phone":"x"}"#,
            &policy
        ),
        r#"{"phone":"card [REDACTED:card_number]","home_phone":"x"}"#
    );
}

#[test]
fn nested_values_are_measured_whole_and_strings_by_decoded_bytes() {
    let nested = format!(r#"{{"a":{{"b":"{}","c":1}}}}"#, "x".repeat(1200));
    assert_eq!(
        run(&nested, &Policy::default()).1.changes[0].rule,
        "attribute_value_too_long"
    );
    let escaped = format!(r#"{{"a":"{}"}}"#, "\\n".repeat(600));
    assert!(run(&escaped, &Policy::default()).1.is_empty());
    let wide = format!(r#"{{"a":"{}"}}"#, "é".repeat(501));
    assert_eq!(run(&wide, &Policy::default()).1.changes.len(), 1);
}

#[test]
fn whitespace_between_tokens_is_dropped() {
    assert_eq!(clean("{ \"a\" : [ 1 , 2 ] }\n"), r#"{"a":[1,2]}"#);
}

#[test]
fn report_never_holds_a_value() {
    let (_, report) = run(
        r#"{"ssn":"123-45-6789","phone":"+15550123","note":"4111111111111111"}"#,
        &Policy::default(),
    );
    let shown = format!("{report:?}");
    for value in ["123-45-6789", "15550123", "4111111111111111"] {
        assert!(!shown.contains(value), "{shown}");
    }
}
