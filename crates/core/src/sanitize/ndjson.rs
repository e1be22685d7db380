//! Sanitizes NDJSON (one JSON document per line) in one pass: exports and bulk files, without a
//! call per record.

use super::json::sanitize_json_with;
use super::policy::{Policy, SanitizeError};

/// A line that could not be sanitized: its 1-based number and the error (never its text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub error: SanitizeError,
}

/// Sanitizes every line of `input`. Lines end with `\n` or `\r\n`; blank lines are skipped; a
/// line that cannot be sanitized is left out and listed. The output has one sanitized record per
/// line, each ending with `\n`.
pub fn sanitize_ndjson(input: &[u8], policy: &Policy) -> (Vec<u8>, Vec<LineError>) {
    let mut out = Vec::with_capacity(input.len());
    let mut errors = Vec::new();
    for (index, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue;
        }
        match sanitize_json_with(line, policy, false) {
            Ok((record, _)) => {
                out.extend_from_slice(&record);
                out.push(b'\n');
            }
            Err(error) => errors.push(LineError {
                line: index + 1,
                error,
            }),
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::policy::ErrorCode;

    #[test]
    fn each_line_is_sanitized_like_a_document() {
        let policy = Policy::default();
        let input = b"{\"ssn\":\"1\",\"a\":1}\r\n\n  \n{\"b\":2}";
        let (out, errors) = sanitize_ndjson(input, &policy);
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":1}\n{\"b\":2}\n");
        assert!(errors.is_empty());
    }

    #[test]
    fn malformed_lines_are_listed_by_number_and_left_out() {
        let policy = Policy::default();
        let (out, errors) = sanitize_ndjson(b"{\"a\":1}\nnot json\n{\"b\":2}\n", &policy);
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert_eq!(errors[0].error.code, ErrorCode::InvalidJson);
    }

    #[test]
    fn empty_input_gives_empty_output() {
        let (out, errors) = sanitize_ndjson(b"", &Policy::default());
        assert!(out.is_empty() && errors.is_empty());
    }
}
