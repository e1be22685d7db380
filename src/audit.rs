//! The audit log's hash chain: the napi face of `customerio_security_core::audit`.
//! File handling (appends, fsync, group commit) is `lib/audit/`'s job.

use customerio_security_core::audit::{seal, verify_log, AuditKey, Head};
use napi::bindgen_prelude::External;
use napi::Result;
use napi_derive::napi;

use crate::args::Bytes;
use crate::errors::{coded, Code};

#[napi(
    catch_unwind,
    js_name = "auditKey",
    ts_return_type = "ExternalObject<'AuditKey'>"
)]
pub fn audit_key(
    #[napi(ts_arg_type = "string | Uint8Array")] key: Bytes<'_>,
) -> Result<External<AuditKey>, Code> {
    AuditKey::new(key.as_slice())
        .map(External::new)
        .map_err(|e| coded(Code::EMPTY_AUDIT_KEY, e.to_string()))
}

/// `[line, mac]` for a record body that already holds its `seq` and `prev`.
#[napi(catch_unwind, js_name = "auditSeal")]
pub fn audit_seal(
    #[napi(ts_arg_type = "ExternalObject<'AuditKey'>")] key: &External<AuditKey>,
    body: String,
) -> Result<Vec<String>, Code> {
    let (line, mac) =
        seal(key, &body).map_err(|e| coded(Code::INVALID_AUDIT_RECORD, e.to_string()))?;
    Ok(vec![line, mac])
}

#[napi(catch_unwind, js_name = "auditSubject")]
pub fn audit_subject(
    #[napi(ts_arg_type = "ExternalObject<'AuditKey'>")] key: &External<AuditKey>,
    identifier: String,
) -> String {
    key.subject_hash(identifier.as_bytes())
}

#[napi(object)]
pub struct AuditCheck {
    pub records: f64,
    /// `seq:mac` of the last record that verified, or empty.
    pub head: String,
    /// The 1-based line of the first problem, or 0.
    pub problem_line: f64,
    /// The problem's name, or empty.
    pub problem: String,
}

#[napi(catch_unwind, js_name = "auditVerify")]
pub fn audit_verify(
    #[napi(ts_arg_type = "ExternalObject<'AuditKey'>")] key: &External<AuditKey>,
    #[napi(ts_arg_type = "Uint8Array")] content: Bytes<'_>,
    expected_head: Option<String>,
) -> Result<AuditCheck, Code> {
    let expected = match expected_head.as_deref() {
        Some(text) => Some(Head::parse(text).ok_or_else(|| {
            coded(
                Code::INVALID_HEAD,
                "expectedHead must be 'seq:mac' (64 hex)",
            )
        })?),
        None => None,
    };
    let result = verify_log(content.as_slice(), key, expected.as_ref());
    let (line, problem) = result
        .problem
        .map_or((0, ""), |(line, problem)| (line, problem.as_str()));
    Ok(AuditCheck {
        // Counts fit in f64 exactly far beyond any real log.
        records: result.records as f64,
        head: result.head.map(|h| h.to_text()).unwrap_or_default(),
        problem_line: line as f64,
        problem: problem.to_owned(),
    })
}
