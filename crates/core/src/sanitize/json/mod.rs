//! Sanitizes JSON text into JSON text without building a tree.
//!
//! Values that pass unchanged are copied byte for byte from the input, so the common case costs
//! one validating scan and one copy. Only keys that a rule names, and strings the detectors
//! flag, are decoded and rewritten. Nesting is bounded by the policy's `max_depth`, so deep
//! input is an error, never a stack overflow.
//!
//! Two rooms: [`lexer`] reads JSON's tokens (strings, numbers, literals, whitespace) and
//! writes JSON strings; [`walk`] is the policy walk over them (rules, detectors, limits,
//! report). Both work on one [`walk::Walker`], so a token is read where the walk stands without
//! being handed back through memory.

mod lexer;
mod walk;

use super::decisions::KeyDecisions;
use super::policy::{ErrorCode, Policy, SanitizeError};
use super::report::{PathStack, Report, ReportMode, RuleCounts};
pub use lexer::write_json_string;
use walk::Walker;

/// Sanitizes one JSON document (normally an object of attributes), with the report.
pub fn sanitize_json(input: &[u8], policy: &Policy) -> Result<(Vec<u8>, Report), SanitizeError> {
    sanitize_json_mode(input, policy, ReportMode::Full)
}

/// Like [`sanitize_json`]; without `want_report` no path is rendered and the report is empty
/// (limits in `report` mode are then not checked either: there is nowhere to list them).
pub fn sanitize_json_with(
    input: &[u8],
    policy: &Policy,
    want_report: bool,
) -> Result<(Vec<u8>, Report), SanitizeError> {
    let mode = if want_report {
        ReportMode::Full
    } else {
        ReportMode::Off
    };
    sanitize_json_mode(input, policy, mode)
}

/// The output may be at most this many times the input, plus [`OUTPUT_SLACK`]: hashing
/// one-digit numbers could otherwise turn a long line into many times its size.
pub const OUTPUT_FACTOR: usize = 3;
pub const OUTPUT_SLACK: usize = 1 << 20;

/// [`sanitize_json`] recording as much as `mode` says: with [`ReportMode::Counts`] the report
/// holds only the counts per action and rule and per path pattern, and lists no change.
pub fn sanitize_json_mode(
    input: &[u8],
    policy: &Policy,
    mode: ReportMode,
) -> Result<(Vec<u8>, Report), SanitizeError> {
    let mut out = Vec::with_capacity(input.len());
    let report = sanitize_json_append(input, policy, mode, &mut out)?;
    Ok((out, report))
}

/// [`sanitize_json_mode`] writing the output at the end of `out` (bulk callers gather many
/// documents in one buffer). On an error `out` is left as it was.
pub fn sanitize_json_append(
    input: &[u8],
    policy: &Policy,
    mode: ReportMode,
    out: &mut Vec<u8>,
) -> Result<Report, SanitizeError> {
    let report = if mode == ReportMode::Full {
        Report::for_input(input.len())
    } else {
        Report::default()
    };
    // The policy's remembered lookups, lent for this walk.
    let keys = policy.remembered.take();
    let (result, mut report, keys) = walk(input, policy, mode, out, report, keys);
    if let Some(keys) = keys {
        policy.remembered.put_back(keys);
    }
    result.map(|()| {
        report.counts.commit();
        report
    })
}

/// Sanitizes one document of many at the end of `out`. With `counts`, its changes are counted
/// there (by rule and path pattern) once it is written; a document refused is not counted, and
/// `out` is left as it was. A bulk walk keeps one `counts` and one `keys` for all the documents
/// of a thread, so a key seen before is not decided again, and counting a change allocates
/// nothing once its rule and pattern have been seen.
pub fn sanitize_json_bulk(
    input: &[u8],
    policy: &Policy,
    out: &mut Vec<u8>,
    mut counts: Option<&mut RuleCounts>,
    keys: &mut KeyDecisions,
) -> Result<(), SanitizeError> {
    let mode = if counts.is_some() {
        ReportMode::Counts
    } else {
        ReportMode::Off
    };
    let mut report = Report::default();
    if let Some(counts) = counts.as_mut() {
        report.counts = std::mem::take(&mut **counts);
    }
    let (result, report, returned) = walk(input, policy, mode, out, report, std::mem::take(keys));
    *keys = returned.unwrap_or_default();
    if let Some(counts) = counts {
        *counts = report.counts;
        match result {
            Ok(()) => counts.commit(),
            Err(_) => counts.discard(),
        }
    }
    result
}

/// The walk of one document, handing back the report and the remembered decisions it was given.
fn walk(
    input: &[u8],
    policy: &Policy,
    mode: ReportMode,
    out: &mut Vec<u8>,
    report: Report,
    keys: impl Into<Option<KeyDecisions>>,
) -> (Result<(), SanitizeError>, Report, Option<KeyDecisions>) {
    // JSON text is UTF-8 (RFC 8259). Checking it once here lets every string be sliced out of
    // `text` without checking its bytes again.
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(error) => {
            let error = SanitizeError::new(
                ErrorCode::InvalidJson,
                format!(
                    "invalid JSON at byte {}: the text is not UTF-8",
                    error.valid_up_to()
                ),
            );
            return (Err(error), report, keys.into());
        }
    };
    let start = out.len();
    let mut walker = Walker {
        src: input,
        text,
        pos: 0,
        out: std::mem::take(out),
        max_out: input
            .len()
            .saturating_mul(OUTPUT_FACTOR)
            .saturating_add(OUTPUT_SLACK)
            .saturating_add(start),
        policy,
        report,
        mode,
        path: PathStack::default(),
        value_start: 0,
        keys: keys.into(),
    };
    let result = walker.document();
    *out = walker.out;
    if result.is_err() {
        out.truncate(start);
    }
    (result, walker.report, walker.keys)
}

#[cfg(test)]
mod tests;
