//! Customer.io webhook signatures.
//!
//! Customer.io signs each reporting-webhook delivery with HMAC-SHA256 over
//! `v0:<X-CIO-Timestamp>:<raw body>`, keyed with the webhook's signing key, and sends the MAC as
//! 64 lowercase hex characters in `X-CIO-Signature`. Some senders (webhook actions signed with
//! Liquid's `hmac_sha256`) sign the body alone: that is [`Scheme::Body`].

mod failure;
mod header;
mod key;
mod verify;

pub use failure::Failure;
pub use header::{parse_signature, parse_timestamp, MAX_TIMESTAMP_DIGITS, SIGNATURE_HEX_LEN};
pub use key::{KeyError, Keyring, SigningKey};
pub use verify::{sign, verify, Request, Scheme, Tolerance, Verified};
