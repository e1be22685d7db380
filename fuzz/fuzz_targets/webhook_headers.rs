//! The two header parsers on arbitrary bytes, checked against a plain restatement of what each
//! accepts, and `verify` on an arbitrary request: no panic, and an accept only for a real MAC.

#![no_main]

use customerio_security_core::webhook::{
    parse_signature, parse_timestamp, sign, verify, Failure, Keyring, Request, Scheme, SigningKey,
    Tolerance, MAX_TIMESTAMP_DIGITS, SIGNATURE_HEX_LEN,
};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    check_signature_parser(data);
    check_timestamp_parser(data);
    check_verify(data);
});

fn check_signature_parser(header: &[u8]) {
    let all_hex = header.iter().all(u8::is_ascii_hexdigit);
    match parse_signature(header) {
        Ok(mac) => {
            assert!(header.len() == SIGNATURE_HEX_LEN && all_hex);
            assert_eq!(hex::encode(mac).as_bytes(), header.to_ascii_lowercase());
        }
        Err(Failure::MissingSignature) => assert!(header.is_empty()),
        Err(Failure::MalformedSignature) => {
            assert!(!header.is_empty());
            assert!(header.len() != SIGNATURE_HEX_LEN || !all_hex);
        }
        Err(other) => panic!("parse_signature returned {other:?}"),
    }
}

fn check_timestamp_parser(header: &[u8]) {
    let digits = !header.is_empty()
        && header.len() <= MAX_TIMESTAMP_DIGITS
        && header.iter().all(u8::is_ascii_digit);
    match parse_timestamp(header) {
        Ok(seconds) => {
            assert!(digits);
            let text = std::str::from_utf8(header).expect("digits are UTF-8");
            assert_eq!(Some(seconds), text.parse::<u64>().ok());
        }
        Err(Failure::MissingTimestamp) => assert!(header.is_empty()),
        Err(Failure::MalformedTimestamp) => assert!(!header.is_empty() && !digits),
        Err(other) => panic!("parse_timestamp returned {other:?}"),
    }
}

/// `data` as `flags secret 0xff signature 0xff timestamp 0xff body`: missing parts are empty.
fn check_verify(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(4, |&b| b == 0xff);
    let secret = parts.next().unwrap_or_default();
    let signature = parts.next().unwrap_or_default();
    let timestamp = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let secret: &[u8] = if secret.is_empty() { b"k" } else { secret };
    let scheme = if flags & 1 == 0 {
        Scheme::V0
    } else {
        Scheme::Body
    };
    let tolerance = match flags >> 1 & 3 {
        0 => Tolerance::Disabled,
        1 => Tolerance::Seconds(0),
        2 => Tolerance::default(),
        _ => Tolerance::Seconds(u64::MAX),
    };
    let now = if flags & 8 == 0 { NOW } else { u64::MAX };
    let keys = Keyring::new([secret, b"second key".as_slice()]).expect("non-empty secrets");
    let request = Request {
        body,
        signature,
        timestamp,
    };
    if let Ok(verified) = verify(&keys, &request, scheme, tolerance, now) {
        // An accept means the header is the MAC of what was signed under the key it names.
        let key = &keys.keys()[verified.secret_index];
        let expected = sign(key, scheme, timestamp, body);
        assert_eq!(expected.as_bytes(), signature.to_ascii_lowercase());
        match scheme {
            Scheme::V0 => {
                let seconds = parse_timestamp(timestamp).expect("accepted timestamp parses");
                assert_eq!(verified.timestamp, Some(seconds));
                if let Tolerance::Seconds(window) = tolerance {
                    assert!(seconds.abs_diff(now) <= window);
                }
            }
            Scheme::Body => assert_eq!(verified.timestamp, None),
        }
    }
    // Signing never panics either, whatever the key and text.
    let key = SigningKey::new(secret).expect("non-empty secret");
    assert_eq!(sign(&key, scheme, timestamp, body).len(), SIGNATURE_HEX_LEN);
}
