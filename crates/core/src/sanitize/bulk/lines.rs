//! NDJSON parts: each line sanitized as one JSON document, exactly as `sanitize_json` would.

use super::{Part, PartContext};
use crate::sanitize::decisions::KeyDecisions;
use crate::sanitize::json::sanitize_json_bulk;
use crate::sanitize::report::ReportMode;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Sanitizes the lines of `part` (each ended by `\n`, the last possibly not). `file_start` says
/// the part begins the input, where a UTF-8 byte order mark is dropped. Line numbers in the
/// errors count from 1 at the part's first line.
pub fn sanitize_lines(part: &[u8], file_start: bool, context: &PartContext<'_>) -> Part {
    let mut result = Part {
        // Sanitized records are rarely longer than their input.
        out: Vec::with_capacity(part.len() + part.len() / 8),
        ..Part::default()
    };
    let mut keys = KeyDecisions::default();
    let mut rest = part;
    while !rest.is_empty() {
        let (raw, next) = match memchr::memchr(b'\n', rest) {
            Some(end) => {
                let (line, tail) = rest.split_at(end);
                (line, tail.get(1..).unwrap_or_default())
            }
            None => (rest, &[][..]),
        };
        rest = next;
        result.units += 1;
        let mut line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if file_start && result.units == 1 {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if is_blank(line) {
            continue;
        }
        result.records += 1;
        let counts = (context.mode != ReportMode::Off).then_some(&mut result.counts);
        match sanitize_json_bulk(line, context.policy, &mut result.out, counts, &mut keys) {
            Ok(()) => {
                result.out.push(b'\n');
                result.written += 1;
            }
            Err(error) => {
                if result.fail(result.units, error, context) {
                    break;
                }
            }
        }
    }
    result
}

/// A line of nothing but spaces, tabs and carriage returns is skipped, not a record.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}
