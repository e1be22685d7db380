//! The errors the addon throws, each with a stable code.
//!
//! The code travels as the JavaScript error's `code` property (napi sets it from the error's
//! status, here a [`Code`]) and the message is the plain sentence, so `lib/errors.js` makes the
//! package's error classes from two fields and never reads a code back out of a message. Every
//! code is listed by [`native_error_codes`]: that list is how the JS layer tells the addon's
//! coded errors from napi's own (an argument of the wrong type, a caught panic).

use customerio_security_core::sanitize::policy::{ErrorCode, SanitizeError};
use napi::bindgen_prelude::{JsError, Unknown};
use napi::{Env, Error, Status};
use napi_derive::napi;

/// A stable error code (`ERR_...`): a coded error's status. `Napi` keeps napi's own status for
/// a failure of napi itself met where a coded error is returned (making a Buffer, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Coded(&'static str),
    Napi(Status),
}

impl Code {
    pub const INVALID_POLICY: Code = Code::Coded("ERR_INVALID_POLICY");
    pub const INVALID_OPTION: Code = Code::Coded("ERR_INVALID_OPTION");
    pub const MISSING_SECRET: Code = Code::Coded("ERR_MISSING_SECRET");
    pub const EMPTY_SECRET: Code = Code::Coded("ERR_EMPTY_SECRET");
    pub const EMPTY_AUDIT_KEY: Code = Code::Coded("ERR_EMPTY_AUDIT_KEY");
    pub const INVALID_AUDIT_RECORD: Code = Code::Coded("ERR_INVALID_AUDIT_RECORD");
    pub const INVALID_HEAD: Code = Code::Coded("ERR_INVALID_HEAD");

    /// The binding's own codes; the sanitizer's come from [`ErrorCode::ALL`].
    const BINDING: [Code; 7] = [
        Code::INVALID_POLICY,
        Code::INVALID_OPTION,
        Code::MISSING_SECRET,
        Code::EMPTY_SECRET,
        Code::EMPTY_AUDIT_KEY,
        Code::INVALID_AUDIT_RECORD,
        Code::INVALID_HEAD,
    ];

    pub fn sanitize(code: ErrorCode) -> Code {
        Code::Coded(code.as_str())
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::Coded(code) => code,
            Code::Napi(status) => status.as_ref(),
        }
    }
}

pub fn coded(code: Code, message: impl Into<String>) -> Error<Code> {
    Error::new(code, message.into())
}

pub fn sanitize_error(error: SanitizeError) -> Error<Code> {
    coded(Code::sanitize(error.code), error.message)
}

/// A napi failure where a coded error is returned: it keeps napi's status as its code.
pub fn napi_error(error: Error) -> Error<Code> {
    Error::new(Code::Napi(error.status), error.reason)
}

/// A coded error as a JS value inside a plain [`Error`], for the places napi types as
/// `Result<_, Error<Status>>` (an async task's rejection): napi throws the referenced object
/// as it is, `code` included.
pub fn into_plain(env: Env, error: Error<Code>) -> Error {
    let value: Unknown<'_> = JsError::from(error).into_unknown(env);
    Error::from(value)
}

/// Every code the addon's coded errors carry.
#[napi(js_name = "nativeErrorCodes")]
pub fn native_error_codes() -> Vec<String> {
    Code::BINDING
        .iter()
        .map(|code| code.as_ref().to_owned())
        .chain(ErrorCode::ALL.iter().map(|code| code.as_str().to_owned()))
        .collect()
}
