use hmac::Mac;
use subtle::ConstantTimeEq;

use super::header::{parse_signature, parse_timestamp};
use super::{Failure, Keyring, SigningKey};

/// What the sender signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Customer.io reporting webhooks: `v0:<timestamp>:<body>`.
    #[default]
    V0,
    /// The body alone (webhook actions signed with Liquid's `hmac_sha256`). The timestamp is
    /// not signed, so it is neither required nor checked: an unsigned timestamp proves nothing.
    Body,
}

/// How far the signed timestamp may be from the receiver's clock, in either direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tolerance {
    /// Any timestamp is accepted. Only ever chosen explicitly.
    Disabled,
    Seconds(u64),
}

impl Default for Tolerance {
    /// Five minutes, the common choice (Customer.io documents no window of its own).
    fn default() -> Self {
        Tolerance::Seconds(300)
    }
}

/// One delivery as received. An empty header is treated as a missing one.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub body: &'a [u8],
    pub signature: &'a [u8],
    pub timestamp: &'a [u8],
}

/// An accepted delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Which key of the keyring matched.
    pub secret_index: usize,
    /// The signed timestamp (`None` under [`Scheme::Body`], which signs none).
    pub timestamp: Option<u64>,
}

/// Verifies one delivery against every key of `keys`.
///
/// Checks run from the cheapest to the costliest so junk is refused before any hashing:
/// signature header, timestamp header, time window, then one MAC per key compared in constant
/// time. `now` is unix seconds; it is a parameter so tests can pin the clock.
pub fn verify(
    keys: &Keyring,
    request: &Request<'_>,
    scheme: Scheme,
    tolerance: Tolerance,
    now: u64,
) -> Result<Verified, Failure> {
    if request.signature.is_empty() {
        return Err(Failure::MissingSignature);
    }
    if scheme == Scheme::V0 && request.timestamp.is_empty() {
        return Err(Failure::MissingTimestamp);
    }
    let expected = parse_signature(request.signature)?;
    let timestamp = match scheme {
        Scheme::V0 => {
            let seconds = parse_timestamp(request.timestamp)?;
            check_window(seconds, tolerance, now)?;
            Some(seconds)
        }
        Scheme::Body => None,
    };
    for (secret_index, key) in keys.keys().iter().enumerate() {
        let actual = mac(key, scheme, request.timestamp, request.body);
        if bool::from(actual.ct_eq(&expected)) {
            return Ok(Verified {
                secret_index,
                timestamp,
            });
        }
    }
    Err(Failure::SignatureMismatch)
}

/// The `X-CIO-Signature` value for `body`, as lowercase hex.
///
/// `timestamp` is the exact `X-CIO-Timestamp` text that will be sent (ignored by
/// [`Scheme::Body`]).
pub fn sign(key: &SigningKey, scheme: Scheme, timestamp: &[u8], body: &[u8]) -> String {
    hex::encode(mac(key, scheme, timestamp, body))
}

fn check_window(timestamp: u64, tolerance: Tolerance, now: u64) -> Result<(), Failure> {
    let Tolerance::Seconds(tolerance) = tolerance else {
        return Ok(());
    };
    if timestamp.saturating_add(tolerance) < now {
        Err(Failure::TimestampTooOld)
    } else if timestamp > now.saturating_add(tolerance) {
        Err(Failure::TimestampTooNew)
    } else {
        Ok(())
    }
}

/// Feeds the signed string to HMAC in parts: joining `v0:`, the timestamp and a large body into
/// one buffer first would copy the body for nothing.
fn mac(key: &SigningKey, scheme: Scheme, timestamp: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = key.start();
    if scheme == Scheme::V0 {
        mac.update(b"v0:");
        mac.update(timestamp);
        mac.update(b":");
    }
    mac.update(body);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;
    const TS: &[u8] = b"1700000000";
    const BODY: &[u8] = br#"{"event_id":"01E4C4C6P79C12J5A6KPE6XNFD","metric":"sent"}"#;

    fn keyring(secrets: &[&str]) -> Keyring {
        Keyring::new(secrets.iter().map(|s| s.as_bytes())).unwrap()
    }

    fn signature(secret: &str, scheme: Scheme, timestamp: &[u8], body: &[u8]) -> String {
        sign(
            &SigningKey::new(secret.as_bytes()).unwrap(),
            scheme,
            timestamp,
            body,
        )
    }

    fn check(keys: &Keyring, sig: &str, ts: &[u8], body: &[u8]) -> Result<Verified, Failure> {
        let request = Request {
            body,
            signature: sig.as_bytes(),
            timestamp: ts,
        };
        verify(keys, &request, Scheme::V0, Tolerance::default(), NOW)
    }

    #[test]
    fn v0_signs_the_prefixed_string() {
        // The same MAC computed over the joined string, the way Customer.io's docs describe it.
        let joined = [b"v0:".as_slice(), TS, b":", BODY].concat();
        let mut reference = crate::webhook::key::HmacSha256::new_from_slice(b"k").unwrap();
        reference.update(&joined);
        let reference = hex::encode(reference.finalize().into_bytes());
        assert_eq!(signature("k", Scheme::V0, TS, BODY), reference);
    }

    #[test]
    fn body_scheme_is_plain_hmac_rfc4231_case_2() {
        let sig = signature("Jefe", Scheme::Body, b"", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn accepts_a_valid_delivery() {
        let keys = keyring(&["secret"]);
        let sig = signature("secret", Scheme::V0, TS, BODY);
        assert_eq!(
            check(&keys, &sig, TS, BODY),
            Ok(Verified {
                secret_index: 0,
                timestamp: Some(NOW)
            })
        );
        assert!(check(&keys, &sig.to_uppercase(), TS, BODY).is_ok());
    }

    #[test]
    fn reports_which_rotating_key_matched() {
        let keys = keyring(&["new", "old"]);
        let sig = signature("old", Scheme::V0, TS, BODY);
        assert_eq!(check(&keys, &sig, TS, BODY).map(|v| v.secret_index), Ok(1));
    }

    #[test]
    fn tampered_body_mismatches() {
        let keys = keyring(&["secret"]);
        let sig = signature("secret", Scheme::V0, TS, BODY);
        let mut body = BODY.to_vec();
        body[3] ^= 1;
        assert_eq!(
            check(&keys, &sig, TS, &body),
            Err(Failure::SignatureMismatch)
        );
    }

    #[test]
    fn wrong_secret_mismatches() {
        let sig = signature("other", Scheme::V0, TS, BODY);
        assert_eq!(
            check(&keyring(&["secret"]), &sig, TS, BODY),
            Err(Failure::SignatureMismatch)
        );
    }

    #[test]
    fn timestamp_is_part_of_the_signature() {
        let sig = signature("secret", Scheme::V0, TS, BODY);
        assert_eq!(
            check(&keyring(&["secret"]), &sig, b"1700000001", BODY),
            Err(Failure::SignatureMismatch)
        );
    }

    #[test]
    fn missing_headers_are_reported_before_malformed_ones() {
        let keys = keyring(&["secret"]);
        assert_eq!(check(&keys, "", TS, BODY), Err(Failure::MissingSignature));
        assert_eq!(
            check(&keys, "zz", b"", BODY),
            Err(Failure::MissingTimestamp)
        );
        assert_eq!(
            check(&keys, "zz", TS, BODY),
            Err(Failure::MalformedSignature)
        );
        let sig = signature("secret", Scheme::V0, TS, BODY);
        assert_eq!(
            check(&keys, &sig, b"17e8", BODY),
            Err(Failure::MalformedTimestamp)
        );
    }

    #[test]
    fn window_edges_are_inclusive() {
        let keys = keyring(&["secret"]);
        for (ts, expected) in [
            (NOW - 300, Ok(())),
            (NOW + 300, Ok(())),
            (NOW - 301, Err(Failure::TimestampTooOld)),
            (NOW + 301, Err(Failure::TimestampTooNew)),
        ] {
            let ts = ts.to_string();
            let sig = signature("secret", Scheme::V0, ts.as_bytes(), BODY);
            assert_eq!(
                check(&keys, &sig, ts.as_bytes(), BODY).map(|_| ()),
                expected,
                "{ts}"
            );
        }
    }

    #[test]
    fn disabled_window_accepts_any_time_and_zero_means_zero() {
        let keys = keyring(&["secret"]);
        let sig = signature("secret", Scheme::V0, b"1", BODY);
        let request = Request {
            body: BODY,
            signature: sig.as_bytes(),
            timestamp: b"1",
        };
        assert!(verify(&keys, &request, Scheme::V0, Tolerance::Disabled, NOW).is_ok());
        assert_eq!(
            verify(&keys, &request, Scheme::V0, Tolerance::Seconds(0), NOW),
            Err(Failure::TimestampTooOld)
        );
        assert!(verify(&keys, &request, Scheme::V0, Tolerance::Seconds(0), 1).is_ok());
    }

    #[test]
    fn window_arithmetic_saturates_at_the_extremes() {
        assert_eq!(
            check_window(0, Tolerance::Seconds(u64::MAX), u64::MAX),
            Ok(())
        );
        assert_eq!(
            check_window(u64::MAX, Tolerance::Seconds(1), 0),
            Err(Failure::TimestampTooNew)
        );
    }

    #[test]
    fn body_scheme_ignores_the_timestamp() {
        let keys = keyring(&["secret"]);
        let sig = signature("secret", Scheme::Body, b"", BODY);
        let request = Request {
            body: BODY,
            signature: sig.as_bytes(),
            timestamp: b"",
        };
        assert_eq!(
            verify(&keys, &request, Scheme::Body, Tolerance::default(), NOW),
            Ok(Verified {
                secret_index: 0,
                timestamp: None
            })
        );
    }

    #[test]
    fn empty_and_non_utf8_bodies_verify() {
        let keys = keyring(&["secret"]);
        for body in [b"".as_slice(), &[0xff, 0xfe, 0x00, 0x80]] {
            let sig = signature("secret", Scheme::V0, TS, body);
            assert!(check(&keys, &sig, TS, body).is_ok());
        }
    }
}
