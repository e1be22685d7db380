//! The pure core of `customerio-security`.
//!
//! Nothing here knows about Node.js or napi: the binding crate at the repository root converts
//! JavaScript values into these types and maps the results back. Every function here is total
//! on untrusted input: it returns a typed result and never panics on what a caller sends.

#![forbid(unsafe_code)]

pub mod audit;
pub mod sanitize;
pub mod webhook;
