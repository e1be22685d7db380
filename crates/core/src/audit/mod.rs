//! A tamper-evident audit log: append-only JSON lines, each sealed with an HMAC that covers the
//! previous record's MAC.
//!
//! Every line is a JSON object whose last member is `"mac"`. The MAC is HMAC-SHA256, under a key
//! derived from the audit key, of the line's text without that member (`{...}`): the object
//! carries its own `seq` (1, 2, 3, ...) and `prev` (the previous line's MAC; 64 zeros for the
//! first), so editing, deleting, reordering or forging a record breaks the chain at that line.
//! Cutting records off the end leaves a valid chain: only a head saved elsewhere (`seq:mac`)
//! detects that.

mod key;
mod seal;
mod verify;

pub use key::{AuditKey, AuditKeyError};
pub use seal::{seal, Head, SealError, GENESIS_MAC};
pub use verify::{verify_log, Problem, Verification};
