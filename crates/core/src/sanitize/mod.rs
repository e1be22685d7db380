//! PII sanitization: which attributes may leave for Customer.io, and in what form.

pub mod bulk;
pub mod classify;
pub mod counts;
pub mod decisions;

pub mod detect;
pub mod json;
pub mod keys;
pub mod names;
pub mod ndjson;
pub mod normalize;
pub mod options;
pub mod policy;
pub mod pseudonym;
pub mod report;
pub mod rules;
pub mod taxonomy;
