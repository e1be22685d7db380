//! Webhook signatures: the napi face of `customerio_security_core::webhook`.

use std::time::{SystemTime, UNIX_EPOCH};

use customerio_security_core::webhook::{
    self, KeyError, Keyring, Request, Scheme, SigningKey, Tolerance,
};
use napi::bindgen_prelude::External;
use napi::{Error, Result};
use napi_derive::napi;

use crate::args::{Bytes, Header};
use crate::errors::{coded, Code};

/// Keys the HMAC state for each secret once, for `WebhookVerifier` and the middleware.
#[napi(
    catch_unwind,
    js_name = "webhookKeyring",
    ts_return_type = "ExternalObject<'Keyring'>"
)]
pub fn webhook_keyring(
    #[napi(ts_arg_type = "Array<string | Uint8Array>")] secrets: Vec<Bytes<'_>>,
) -> Result<External<Keyring>, Code> {
    Keyring::new(secrets.iter().map(Bytes::as_slice))
        .map(External::new)
        .map_err(key_error)
}

/// Verifies with a prepared keyring. Returns the matching secret's index (>= 0), or the
/// negated failure code: an integer crosses the boundary without allocating, and `index.js`
/// turns it into a result object.
#[napi(catch_unwind, js_name = "webhookVerify")]
#[allow(clippy::too_many_arguments)]
pub fn webhook_verify(
    #[napi(ts_arg_type = "ExternalObject<'Keyring'>")] keyring: &External<Keyring>,
    #[napi(ts_arg_type = "string | Uint8Array")] body: Bytes<'_>,
    #[napi(ts_arg_type = "string")] signature: Header,
    #[napi(ts_arg_type = "string")] timestamp: Header,
    scheme: u32,
    tolerance_seconds: f64,
    now: f64,
) -> i32 {
    verify_with(
        keyring,
        &body,
        &signature,
        &timestamp,
        scheme,
        tolerance_seconds,
        now,
    )
}

/// One-shot verification with a single secret, for `verifyWebhook`.
#[napi(catch_unwind, js_name = "webhookVerifyOnce")]
#[allow(clippy::too_many_arguments)]
pub fn webhook_verify_once(
    #[napi(ts_arg_type = "string | Uint8Array")] secret: Bytes<'_>,
    #[napi(ts_arg_type = "string | Uint8Array")] body: Bytes<'_>,
    #[napi(ts_arg_type = "string")] signature: Header,
    #[napi(ts_arg_type = "string")] timestamp: Header,
    scheme: u32,
    tolerance_seconds: f64,
    now: f64,
) -> Result<i32, Code> {
    let keyring = Keyring::single(secret.as_slice()).map_err(key_error)?;
    Ok(verify_with(
        &keyring,
        &body,
        &signature,
        &timestamp,
        scheme,
        tolerance_seconds,
        now,
    ))
}

/// The hex signature of `body` under `secret`.
#[napi(catch_unwind, js_name = "webhookSign")]
pub fn webhook_sign(
    #[napi(ts_arg_type = "string | Uint8Array")] secret: Bytes<'_>,
    #[napi(ts_arg_type = "string | Uint8Array")] body: Bytes<'_>,
    #[napi(ts_arg_type = "string")] timestamp: Header,
    scheme: u32,
) -> Result<String, Code> {
    let key = SigningKey::new(secret.as_slice()).map_err(key_error)?;
    Ok(webhook::sign(
        &key,
        scheme_from(scheme),
        timestamp.as_bytes(),
        body.as_slice(),
    ))
}

fn verify_with(
    keyring: &Keyring,
    body: &Bytes<'_>,
    signature: &Header,
    timestamp: &Header,
    scheme: u32,
    tolerance_seconds: f64,
    now: f64,
) -> i32 {
    let request = Request {
        body: body.as_slice(),
        signature: signature.as_bytes(),
        timestamp: timestamp.as_bytes(),
    };
    let tolerance = if tolerance_seconds.is_finite() {
        // `as` saturates: negative and NaN become 0 (index.js refuses both before this).
        Tolerance::Seconds(tolerance_seconds as u64)
    } else {
        Tolerance::Disabled
    };
    match webhook::verify(
        keyring,
        &request,
        scheme_from(scheme),
        tolerance,
        seconds_now(now),
    ) {
        Ok(verified) => i32::try_from(verified.secret_index).unwrap_or(i32::MAX),
        Err(failure) => -i32::from(failure.code()),
    }
}

/// `now` from JavaScript, or the system clock when it is NaN (not given).
fn seconds_now(now: f64) -> u64 {
    if now.is_nan() {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0)
    } else {
        now as u64
    }
}

/// `lib/webhook/options.js` sends an index of [`webhook_schemes`]; anything else is V0, the
/// default (the JS layer never sends anything else).
fn scheme_from(scheme: u32) -> Scheme {
    Scheme::from_code(scheme).unwrap_or_default()
}

/// The failure reasons' names, in the order of their numeric codes (1-based): the one
/// definition `WEBHOOK_FAILURES` and the results read.
#[napi(js_name = "webhookFailures")]
pub fn webhook_failures() -> Vec<&'static str> {
    webhook::Failure::ALL
        .iter()
        .map(|failure| failure.as_str())
        .collect()
}

/// The schemes' names, in the order of their numeric codes: the one definition the JS layer
/// reads (`scheme: 'v0' | 'body' | 'pipelines'`).
#[napi(js_name = "webhookSchemes")]
pub fn webhook_schemes() -> Vec<&'static str> {
    Scheme::ALL.iter().map(|scheme| scheme.as_str()).collect()
}

fn key_error(error: KeyError) -> Error<Code> {
    let code = match error {
        KeyError::Missing => Code::MISSING_SECRET,
        KeyError::Empty => Code::EMPTY_SECRET,
    };
    coded(code, error.to_string())
}
