use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The audit key, split into two keys that are never used for each other's job: one seals
/// records, one pseudonymizes subjects. A subject hash can then be shared (to look a person up)
/// without helping anyone forge a record.
#[derive(Clone)]
pub struct AuditKey {
    chain: HmacSha256,
    subject: HmacSha256,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditKeyError {
    Empty,
}

impl fmt::Display for AuditKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the audit key is empty")
    }
}

impl std::error::Error for AuditKeyError {}

impl AuditKey {
    pub fn new(key: &[u8]) -> Result<Self, AuditKeyError> {
        if key.is_empty() {
            return Err(AuditKeyError::Empty);
        }
        Ok(AuditKey {
            chain: derive(key, b"customerio-security audit chain v1")?,
            subject: derive(key, b"customerio-security audit subject v1")?,
        })
    }

    /// The MAC that seals a record's text.
    pub fn seal_mac(&self, body: &[u8]) -> [u8; 32] {
        let mut mac = self.chain.clone();
        mac.update(body);
        mac.finalize().into_bytes().into()
    }

    /// The keyed hash that stands for an identifier in the log: 64 hex.
    pub fn subject_hash(&self, identifier: &[u8]) -> String {
        let mut mac = self.subject.clone();
        mac.update(identifier);
        hex::encode(mac.finalize().into_bytes())
    }
}

fn derive(key: &[u8], label: &[u8]) -> Result<HmacSha256, AuditKeyError> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| AuditKeyError::Empty)?;
    mac.update(label);
    HmacSha256::new_from_slice(&mac.finalize().into_bytes()).map_err(|_| AuditKeyError::Empty)
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_key_is_refused() {
        assert_eq!(AuditKey::new(b"").unwrap_err(), AuditKeyError::Empty);
    }

    #[test]
    fn the_two_derived_keys_differ() {
        let key = AuditKey::new(b"k").unwrap();
        assert_ne!(hex::encode(key.seal_mac(b"x")), key.subject_hash(b"x"));
    }

    #[test]
    fn derivation_is_hmac_of_the_label() {
        // HMAC(HMAC(k, label), data), spelled out with the hmac crate directly.
        let mut outer = HmacSha256::new_from_slice(b"k").unwrap();
        outer.update(b"customerio-security audit subject v1");
        let derived = outer.finalize().into_bytes();
        let mut inner = HmacSha256::new_from_slice(&derived).unwrap();
        inner.update(b"user-1");
        let expected = hex::encode(inner.finalize().into_bytes());
        assert_eq!(
            AuditKey::new(b"k").unwrap().subject_hash(b"user-1"),
            expected
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let shown = format!("{:?}", AuditKey::new(b"audit-canary").unwrap());
        assert!(!shown.contains("audit-canary"));
    }
}
