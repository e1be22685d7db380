//! The pure core of `customerio-security`.
//!
//! Nothing here knows about Node.js or napi: the binding crate at the repository root converts
//! JavaScript values into these types and maps the results back. Every function here is total
//! on untrusted input: it returns a typed result and never panics on what a caller sends.

#![forbid(unsafe_code)]
// A panic here would take down the user's server: nothing outside the tests may unwrap, expect,
// panic or index in a way that can fail.
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod audit;
pub mod sanitize;
pub mod webhook;
