//! PII sanitization: which attributes may leave for Customer.io, and in what form.

pub mod keys;
pub mod policy;
pub mod pseudonym;
