//! The napi binding of `customerio-security`.
//!
//! This crate only converts JavaScript values into the core's types and the core's results
//! back into JavaScript values; every decision is made in `customerio-security-core`. Its
//! exports are internal: `index.js` wraps them into the public API (argument checks, error
//! codes, result objects), so they take plain positional arguments that are cheap to convert.

// napi-derive registers exports only in a real addon build; in `cargo test` nothing calls the
// #[napi] functions, and they would all be reported as dead code.
#![cfg_attr(test, allow(dead_code))]

mod args;
mod audit;
mod bulk;
mod errors;
mod policy_options;
mod sanitize;
mod testing;
mod webhook;
