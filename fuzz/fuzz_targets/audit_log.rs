//! The audit-log reader on arbitrary content, and on a log sealed here with one byte changed:
//! - no panic; the counts agree with the content (records <= lines, head.seq == records);
//! - a clean verdict only for content that ends with a newline;
//! - any change to one byte of a sealed log is detected;
//! - a cut-off tail is detected against the saved head.

#![no_main]

use std::sync::OnceLock;

use customerio_security_core::audit::{seal, verify_log, AuditKey, Head, Problem, GENESIS_MAC};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static AuditKey {
    static KEY: OnceLock<AuditKey> = OnceLock::new();
    KEY.get_or_init(|| AuditKey::new(b"fuzz audit key").expect("non-empty key"))
}

fuzz_target!(|data: &[u8]| {
    check_arbitrary(data);
    check_tampered(data);
});

fn check_arbitrary(content: &[u8]) {
    let lines = content.iter().filter(|&&b| b == b'\n').count() as u64;
    let head = Head {
        seq: u64::from(content.first().copied().unwrap_or(0)),
        mac: GENESIS_MAC.to_owned(),
    };
    for expected in [None, Some(&head)] {
        let result = verify_log(content, key(), expected);
        assert!(result.records <= lines);
        assert_eq!(result.head.as_ref().map_or(0, |h| h.seq), result.records);
        if result.problem.is_none() && expected.is_none() {
            assert!(content.is_empty() || content.ends_with(b"\n"));
            assert_eq!(result.records, lines);
        }
        if let Some((line, _)) = result.problem {
            assert!(line >= 1);
        }
    }
}

/// A log of 1-4 records whose bodies come from `data`, then one byte of it changed.
fn check_tampered(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let count = usize::from(selector % 4) + 1;
    let mut log = Vec::new();
    let mut prev = GENESIS_MAC.to_owned();
    for seq in 1..=count {
        let chunk = rest.chunks(8).nth(seq - 1).unwrap_or_default();
        let note = serde_json::to_string(&String::from_utf8_lossy(chunk)).expect("string");
        let body = format!(r#"{{"seq":{seq},"prev":"{prev}","note":{note}}}"#);
        // seal refuses any body whose text holds `"mac"`, even inside a string value (a note
        // ending in `"mac`): conservative, and the only refusal an object body may get.
        let Ok((line, mac)) = seal(key(), &body) else {
            assert!(body.contains("\"mac\""), "seal refused {body:?}");
            return;
        };
        log.extend_from_slice(line.as_bytes());
        log.push(b'\n');
        prev = mac;
    }
    let clean = verify_log(&log, key(), None);
    assert_eq!(clean.problem, None);
    assert_eq!(clean.records, count as u64);
    let head = clean.head.clone().expect("a head");

    // One byte changed (to a different value) anywhere: never a clean verdict for the full log.
    let at = usize::from(rest.first().copied().unwrap_or(0)) * 7 % log.len();
    let delta = rest.get(1).copied().unwrap_or(1).max(1);
    let mut tampered = log.clone();
    tampered[at] = tampered[at].wrapping_add(delta);
    let result = verify_log(&tampered, key(), Some(&head));
    assert!(
        result.problem.is_some(),
        "a changed byte at {at} went unnoticed"
    );

    // The last record cut off: a valid prefix on its own, TRUNCATED against the saved head.
    let cut = log[..log.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let result = verify_log(&log[..cut], key(), Some(&head));
    assert_eq!(result.problem.map(|(_, p)| p), Some(Problem::Truncated));
}
