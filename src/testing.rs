//! Exports that exist only for the tests of the binding itself. `index.js` does not export them.

use napi::Result;
use napi_derive::napi;

/// Panics inside Rust on purpose: `__test__/package/panic-safety.test.mjs` checks that a panic reaches
/// JavaScript as an error (every export is `catch_unwind`) and that the process keeps serving.
#[napi(catch_unwind, js_name = "__panicForTests")]
pub fn panic_for_tests() -> Result<()> {
    panic!("customerio-security: a deliberate panic for the tests")
}
