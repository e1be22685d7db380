//! Round trips: a delivery signed with one of the keys always verifies (in either hex case, and
//! at the window's edges), and any one-bit change of body, timestamp or signature never does.

#![no_main]

use customerio_security_core::webhook::{
    sign, verify, Failure, Keyring, Request, Scheme, SigningKey, Tolerance,
};
use libfuzzer_sys::fuzz_target;

const TOLERANCE: u64 = 300;

// `data` as `key_count flip_at timestamp(8 bytes) secrets... body`: each secret 1-8 bytes.
fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let key_count = usize::from(data[0] % 4) + 1;
    let flip_at = usize::from(data[1]);
    let mut seconds_bytes = [0u8; 8];
    seconds_bytes.copy_from_slice(&data[2..10]);
    // Up to 12 decimal digits: the parser's bound.
    let seconds = u64::from_le_bytes(seconds_bytes) % 1_000_000_000_000;
    let mut rest = &data[10..];
    let mut secrets: Vec<&[u8]> = Vec::new();
    for _ in 0..key_count {
        let len = rest.first().map_or(1, |b| usize::from(b % 8) + 1);
        if rest.len() < len + 1 {
            return;
        }
        secrets.push(&rest[1..=len]);
        rest = &rest[len + 1..];
    }
    let body = rest;
    let keys = Keyring::new(secrets.iter().copied()).expect("non-empty secrets");
    let signer = flip_at % key_count;
    let timestamp = seconds.to_string();
    let scheme = if flip_at & 0x80 == 0 {
        Scheme::V0
    } else {
        Scheme::Body
    };
    let signature = sign(
        &SigningKey::new(secrets[signer]).expect("non-empty"),
        scheme,
        timestamp.as_bytes(),
        body,
    );

    let check = |signature: &[u8], timestamp: &[u8], body: &[u8], now: u64| {
        let request = Request {
            body,
            signature,
            timestamp,
        };
        verify(&keys, &request, scheme, Tolerance::Seconds(TOLERANCE), now)
    };

    // Accepted at both edges of the window, under the first key equal to the signer's.
    for now in [
        seconds,
        seconds + TOLERANCE,
        seconds.saturating_sub(TOLERANCE),
    ] {
        for sig in [signature.clone(), signature.to_uppercase()] {
            let verified = check(sig.as_bytes(), timestamp.as_bytes(), body, now)
                .unwrap_or_else(|f| panic!("signed delivery refused: {f:?}"));
            // The first key that signs alike: HMAC pads short keys with zeros, so `\0` and
            // `\0\0` are the same key, and a key listed twice matches at its first place.
            let signs_alike = |s: &[u8]| {
                sign(
                    &SigningKey::new(s).expect("non-empty"),
                    scheme,
                    timestamp.as_bytes(),
                    body,
                ) == signature
            };
            assert!(signs_alike(secrets[verified.secret_index]));
            assert!(!secrets[..verified.secret_index]
                .iter()
                .any(|s| signs_alike(s)));
        }
    }
    if scheme == Scheme::V0 {
        assert_eq!(
            check(
                signature.as_bytes(),
                timestamp.as_bytes(),
                body,
                seconds + TOLERANCE + 1
            ),
            Err(Failure::TimestampTooOld)
        );
    }

    // One bit flipped anywhere in the body is a mismatch.
    if !body.is_empty() {
        let mut tampered = body.to_vec();
        tampered[flip_at % body.len()] ^= 1 << (flip_at % 8);
        let result = check(
            signature.as_bytes(),
            timestamp.as_bytes(),
            &tampered,
            seconds,
        );
        assert_eq!(result, Err(Failure::SignatureMismatch));
    }
    // Another timestamp inside the window is a mismatch under v0 (it is signed).
    if scheme == Scheme::V0 {
        let other = (seconds + 1).to_string();
        let result = check(signature.as_bytes(), other.as_bytes(), body, seconds);
        assert!(result.is_err());
    }
    // A changed hex digit is a mismatch, never an accept.
    let mut sig = signature.into_bytes();
    let at = flip_at % sig.len();
    sig[at] = if sig[at] == b'0' { b'1' } else { b'0' };
    let result = check(&sig, timestamp.as_bytes(), body, seconds);
    assert_eq!(result, Err(Failure::SignatureMismatch));
});
