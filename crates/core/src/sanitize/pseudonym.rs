//! Pseudonyms: the digests that replace personal values.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};

use super::rules::Digest;

/// The secret key of keyed pseudonyms, with the id written next to each digest so a rotated
/// pepper can be told apart from the old one.
#[derive(Clone)]
pub struct Pepper {
    key_id: String,
    keyed: Hmac<Sha256>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PepperError {
    EmptyKey,
    /// The key id is written into outputs: it must be short and printable, without `:`.
    BadKeyId,
}

impl fmt::Display for PepperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PepperError::EmptyKey => f.write_str("the pepper key is empty"),
            PepperError::BadKeyId => {
                f.write_str("the pepper key id must be 1-32 characters of [A-Za-z0-9_.-]")
            }
        }
    }
}

impl std::error::Error for PepperError {}

impl Pepper {
    pub fn new(key: &[u8], key_id: &str) -> Result<Self, PepperError> {
        if key.is_empty() {
            return Err(PepperError::EmptyKey);
        }
        let id_ok = (1..=32).contains(&key_id.len())
            && key_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !id_ok {
            return Err(PepperError::BadKeyId);
        }
        let keyed = Hmac::<Sha256>::new_from_slice(key).map_err(|_| PepperError::EmptyKey)?;
        Ok(Self {
            key_id: key_id.to_owned(),
            keyed,
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pepper {{ key_id: {:?}, key: [REDACTED] }}", self.key_id)
    }
}

/// Why a keyed digest could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingPepper;

impl fmt::Display for MissingPepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an hmac rule needs a pepper, and the policy has none")
    }
}

impl std::error::Error for MissingPepper {}

/// Digests `value` as `digest` says, writing into `out` (cleared first).
pub fn digest_into(
    value: &[u8],
    digest: Digest,
    pepper: Option<&Pepper>,
    out: &mut String,
) -> Result<(), MissingPepper> {
    out.clear();
    match digest {
        Digest::Sha256 { hex_chars } => push_hex(&Sha256::digest(value), hex_chars, out),
        Digest::Hmac { hex_chars } => {
            let pepper = pepper.ok_or(MissingPepper)?;
            let mut mac = pepper.keyed.clone();
            mac.update(value);
            out.push_str(&pepper.key_id);
            out.push(':');
            push_hex(&mac.finalize().into_bytes(), hex_chars, out);
        }
    }
    Ok(())
}

pub fn digest(
    value: &[u8],
    digest: Digest,
    pepper: Option<&Pepper>,
) -> Result<String, MissingPepper> {
    let mut out = String::with_capacity(80);
    digest_into(value, digest, pepper, &mut out)?;
    Ok(out)
}

/// Keeps the last `keep_last` characters and stars the rest: `4111111111111111` -> `************1111`.
pub fn mask(value: &str, keep_last: usize) -> String {
    let total = value.chars().count();
    let hidden = total.saturating_sub(keep_last);
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i < hidden { '*' } else { c })
        .collect()
}

fn push_hex(bytes: &[u8], hex_chars: usize, out: &mut String) {
    let needed = bytes.get(..hex_chars.div_ceil(2)).unwrap_or(bytes);
    let start = out.len();
    out.push_str(&hex::encode(needed));
    // An odd length cuts the last byte's second digit.
    out.truncate(start + hex_chars.min(needed.len() * 2));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_fips_vector_full_and_cut() {
        let full = digest(b"abc", Digest::Sha256 { hex_chars: 64 }, None).unwrap();
        assert_eq!(
            full,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let cut = digest(b"abc", Digest::Sha256 { hex_chars: 16 }, None).unwrap();
        assert_eq!(cut, "ba7816bf8f01cfea");
        let odd = digest(b"abc", Digest::Sha256 { hex_chars: 5 }, None).unwrap();
        assert_eq!(odd, "ba781");
    }

    #[test]
    fn hmac_matches_rfc4231_case_2_with_key_id() {
        let pepper = Pepper::new(b"Jefe", "k1").unwrap();
        let out = digest(
            b"what do ya want for nothing?",
            Digest::Hmac { hex_chars: 64 },
            Some(&pepper),
        )
        .unwrap();
        assert_eq!(
            out,
            "k1:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_without_pepper_is_an_error() {
        assert_eq!(
            digest(b"x", Digest::Hmac { hex_chars: 64 }, None),
            Err(MissingPepper)
        );
    }

    #[test]
    fn pepper_checks_and_hides() {
        assert_eq!(Pepper::new(b"", "k1").unwrap_err(), PepperError::EmptyKey);
        assert_eq!(Pepper::new(b"k", "a:b").unwrap_err(), PepperError::BadKeyId);
        assert_eq!(Pepper::new(b"k", "").unwrap_err(), PepperError::BadKeyId);
        let shown = format!("{:?}", Pepper::new(b"pepper-canary", "k1").unwrap());
        assert!(!shown.contains("pepper-canary"));
    }

    #[test]
    fn mask_keeps_the_tail() {
        assert_eq!(mask("4111111111111111", 4), "************1111");
        assert_eq!(mask("abc", 4), "abc");
        assert_eq!(mask("héllo", 2), "***lo");
    }
}
