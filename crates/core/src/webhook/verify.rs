use hmac::Mac;
use subtle::ConstantTimeEq;

use super::header::{parse_pipelines_signature, parse_signature, parse_timestamp};
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
    /// The Data Pipelines webhook destination: HMAC-SHA1 of the body, 40 hex characters in
    /// `X-Signature`. Nothing time-bound is signed, so a captured request stays valid: what
    /// bounds a replay is de-duplication by each event's `messageId`.
    Pipelines,
}

impl Scheme {
    /// Every scheme, in the order of their stable numeric codes (0-based).
    pub const ALL: [Scheme; 3] = [Scheme::V0, Scheme::Body, Scheme::Pipelines];

    /// The name the JavaScript API takes (`scheme: 'pipelines'`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::V0 => "v0",
            Scheme::Body => "body",
            Scheme::Pipelines => "pipelines",
        }
    }

    /// The scheme with numeric code `code` (its index in [`Scheme::ALL`]).
    pub fn from_code(code: u32) -> Option<Self> {
        Self::ALL.get(usize::try_from(code).ok()?).copied()
    }

    /// Whether the scheme signs a timestamp (and so requires one).
    pub fn signs_timestamp(self) -> bool {
        self == Scheme::V0
    }
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
    if scheme.signs_timestamp() && request.timestamp.is_empty() {
        return Err(Failure::MissingTimestamp);
    }
    let expected = Digest::parse(scheme, request.signature)?;
    let timestamp = if scheme.signs_timestamp() {
        let seconds = parse_timestamp(request.timestamp)?;
        check_window(seconds, tolerance, now)?;
        Some(seconds)
    } else {
        None
    };
    for (secret_index, key) in keys.keys().iter().enumerate() {
        let actual = mac(key, scheme, request.timestamp, request.body);
        // Both digests have the scheme's length; only their bytes are compared, in constant time.
        if bool::from(actual.bytes().ct_eq(expected.bytes())) {
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
    hex::encode(mac(key, scheme, timestamp, body).bytes())
}

/// A MAC: 32 bytes of HMAC-SHA256, or 20 of HMAC-SHA1 ([`Scheme::Pipelines`]).
struct Digest {
    bytes: [u8; 32],
    len: usize,
}

impl Digest {
    fn parse(scheme: Scheme, header: &[u8]) -> Result<Self, Failure> {
        match scheme {
            Scheme::Pipelines => Ok(Digest::sha1(parse_pipelines_signature(header)?)),
            Scheme::V0 | Scheme::Body => Ok(Digest {
                bytes: parse_signature(header)?,
                len: 32,
            }),
        }
    }

    fn sha1(mac: [u8; 20]) -> Self {
        let mut bytes = [0u8; 32];
        if let Some(head) = bytes.get_mut(..20) {
            head.copy_from_slice(&mac);
        }
        Digest { bytes, len: 20 }
    }

    fn bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
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
fn mac(key: &SigningKey, scheme: Scheme, timestamp: &[u8], body: &[u8]) -> Digest {
    if scheme == Scheme::Pipelines {
        let mut mac = key.start_sha1();
        mac.update(body);
        return Digest::sha1(mac.finalize().into_bytes().into());
    }
    let mut mac = key.start();
    if scheme == Scheme::V0 {
        mac.update(b"v0:");
        mac.update(timestamp);
        mac.update(b":");
    }
    mac.update(body);
    Digest {
        bytes: mac.finalize().into_bytes().into(),
        len: 32,
    }
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

    /// RFC 2202 section 3, every HMAC-SHA1 test case: (key, data, digest).
    fn rfc2202_cases() -> Vec<(Vec<u8>, Vec<u8>, &'static str)> {
        vec![
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
            ),
            (
                (1..=25).collect(),
                vec![0xcd; 50],
                "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
            ),
            (
                vec![0x0c; 20],
                b"Test With Truncation".to_vec(),
                "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
            ),
            (
                vec![0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
            (
                vec![0xaa; 80],
                b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"
                    .to_vec(),
                "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
            ),
        ]
    }

    fn check_pipelines(keys: &Keyring, sig: &[u8], body: &[u8]) -> Result<Verified, Failure> {
        let request = Request {
            body,
            signature: sig,
            timestamp: b"",
        };
        verify(keys, &request, Scheme::Pipelines, Tolerance::default(), NOW)
    }

    #[test]
    fn pipelines_is_hmac_sha1_of_the_body_rfc2202() {
        for (key, data, digest) in rfc2202_cases() {
            let signing = SigningKey::new(&key).unwrap();
            assert_eq!(sign(&signing, Scheme::Pipelines, b"ignored", &data), digest);
            let keys = Keyring::single(&key).unwrap();
            assert_eq!(
                check_pipelines(&keys, digest.as_bytes(), &data),
                Ok(Verified {
                    secret_index: 0,
                    timestamp: None
                }),
                "{digest}"
            );
            assert!(check_pipelines(&keys, digest.to_uppercase().as_bytes(), &data).is_ok());
        }
    }

    #[test]
    fn pipelines_needs_no_timestamp_and_ignores_one() {
        let keys = keyring(&["secret"]);
        let sig = signature("secret", Scheme::Pipelines, b"", BODY);
        let request = Request {
            body: BODY,
            signature: sig.as_bytes(),
            timestamp: b"not a timestamp",
        };
        assert!(verify(&keys, &request, Scheme::Pipelines, Tolerance::default(), 0).is_ok());
    }

    #[test]
    fn pipelines_signature_shape_is_exactly_40_hex() {
        let keys = keyring(&["secret"]);
        let sig = signature("secret", Scheme::Pipelines, b"", BODY);
        assert_eq!(
            check_pipelines(&keys, b"", BODY),
            Err(Failure::MissingSignature)
        );
        let sha256 = signature("secret", Scheme::Body, b"", BODY);
        for junk in [
            format!("sha1={sig}"),
            format!(" {sig}"),
            format!("{sig}\n"),
            sig[..39].to_owned(),
            format!("{sig}0"),
            sha256,
            format!("{}g", &sig[..39]),
        ] {
            assert_eq!(
                check_pipelines(&keys, junk.as_bytes(), BODY),
                Err(Failure::MalformedSignature),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn pipelines_rotation_and_mismatch() {
        let keys = keyring(&["old", "new"]);
        let sig = signature("new", Scheme::Pipelines, b"", BODY);
        assert_eq!(
            check_pipelines(&keys, sig.as_bytes(), BODY)
                .unwrap()
                .secret_index,
            1
        );
        let mut tampered = BODY.to_vec();
        tampered[3] ^= 1;
        assert_eq!(
            check_pipelines(&keys, sig.as_bytes(), &tampered),
            Err(Failure::SignatureMismatch)
        );
        // The SHA-256 scheme's signature of the same body under the same key is another MAC.
        let other = signature("new", Scheme::Body, b"", BODY);
        assert_eq!(
            check_pipelines(&keys, &other.as_bytes()[..40], BODY),
            Err(Failure::SignatureMismatch)
        );
    }
}
