use std::fmt;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

pub(crate) type HmacSha256 = Hmac<Sha256>;
pub(crate) type HmacSha1 = Hmac<Sha1>;

/// Why a secret cannot be a signing key. The message never contains the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// No secret at all, or an empty list of secrets.
    Missing,
    /// A zero-length secret: HMAC accepts it, but every attacker knows it.
    Empty,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Missing => f.write_str("no webhook signing secret was given"),
            KeyError::Empty => f.write_str("a webhook signing secret is empty"),
        }
    }
}

impl std::error::Error for KeyError {}

/// One webhook signing key, with its HMAC states already keyed.
///
/// Keying HMAC hashes the inner and outer pads: doing it once here instead of per request saves
/// two blocks on every verification. Both hashes are keyed (SHA-256 for Customer.io's reporting
/// webhooks, SHA-1 for Data Pipelines): two blocks each, once per key.
#[derive(Clone)]
pub struct SigningKey {
    keyed: HmacSha256,
    keyed_sha1: HmacSha1,
}

impl SigningKey {
    pub fn new(secret: &[u8]) -> Result<Self, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::Empty);
        }
        // `new_from_slice` only fails for MACs with a fixed key size; HMAC takes any length.
        let keyed = HmacSha256::new_from_slice(secret).map_err(|_| KeyError::Empty)?;
        let keyed_sha1 = HmacSha1::new_from_slice(secret).map_err(|_| KeyError::Empty)?;
        Ok(Self { keyed, keyed_sha1 })
    }

    /// A fresh MAC computation that starts from the keyed state.
    pub(crate) fn start(&self) -> HmacSha256 {
        self.keyed.clone()
    }

    /// A fresh HMAC-SHA1 computation that starts from the keyed state.
    pub(crate) fn start_sha1(&self) -> HmacSha1 {
        self.keyed_sha1.clone()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([REDACTED])")
    }
}

/// The keys a receiver accepts, in order of preference. Several while a key rotates: the
/// sender signs with one key, so the receiver tries each (Customer.io has no multi-signature
/// header).
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<SigningKey>,
}

impl Keyring {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, KeyError> {
        let keys = secrets
            .into_iter()
            .map(SigningKey::new)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(KeyError::Missing);
        }
        Ok(Self { keys })
    }

    pub fn single(secret: &[u8]) -> Result<Self, KeyError> {
        Self::new([secret])
    }

    pub fn keys(&self) -> &[SigningKey] {
        &self.keys
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keyring({} keys, [REDACTED])", self.keys.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_secret_is_refused() {
        assert_eq!(SigningKey::new(b"").unwrap_err(), KeyError::Empty);
        assert_eq!(
            Keyring::new([b"good".as_slice(), b"".as_slice()]).unwrap_err(),
            KeyError::Empty
        );
    }

    #[test]
    fn no_secret_is_refused() {
        assert_eq!(
            Keyring::new(std::iter::empty::<&[u8]>()).unwrap_err(),
            KeyError::Missing
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let keyring = Keyring::new([b"super-secret-value".as_slice()]).unwrap();
        let shown = format!("{keyring:?} {:?}", keyring.keys()[0]);
        assert!(!shown.contains("super-secret-value"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }
}
