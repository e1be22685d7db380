//! Customer.io webhook signatures.
//!
//! Customer.io signs each reporting-webhook delivery with HMAC-SHA256 over
//! `v0:<X-CIO-Timestamp>:<raw body>`, keyed with the webhook's signing key, and sends the MAC as
//! 64 lowercase hex characters in `X-CIO-Signature`. Some senders (webhook actions signed with
//! Liquid's `hmac_sha256`) sign the body alone: that is [`Scheme::Body`]. The Data Pipelines
//! webhook destination sends the hex HMAC-SHA1 of the body in `X-Signature`: [`Scheme::Pipelines`].

mod failure;
mod header;
mod key;
mod verify;

pub use failure::Failure;
pub use header::{
    parse_pipelines_signature, parse_signature, parse_timestamp, MAX_TIMESTAMP_DIGITS,
    PIPELINES_SIGNATURE_HEX_LEN, SIGNATURE_HEX_LEN,
};
pub use key::{KeyError, Keyring, SigningKey};
pub use verify::{sign, verify, Request, Scheme, Tolerance, Verified};
