use serde_json::Value;
use subtle::ConstantTimeEq;

use super::{AuditKey, Head, GENESIS_MAC};

/// Why a log does not verify. Each names what the first bad line shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not a sealed JSON record.
    Malformed,
    /// The MAC does not match the text: the record was edited, or forged without the key.
    BadMac,
    /// A valid record in the wrong place: records before it were deleted, or reordered.
    OutOfSequence,
    /// The last line has no newline: an append was cut off (never acknowledged to its caller).
    IncompleteLastLine,
    /// Fewer records than the saved head says: records were cut off the end.
    Truncated,
    /// The record at the saved head's position is not the saved one: the log was rewritten.
    HeadMismatch,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Malformed => "MALFORMED",
            Problem::BadMac => "BAD_MAC",
            Problem::OutOfSequence => "OUT_OF_SEQUENCE",
            Problem::IncompleteLastLine => "INCOMPLETE_LAST_LINE",
            Problem::Truncated => "TRUNCATED",
            Problem::HeadMismatch => "HEAD_MISMATCH",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Records read that verified, before any problem.
    pub records: u64,
    /// The last record that verified.
    pub head: Option<Head>,
    /// The first problem, with the 1-based line it was found at (for truncation and head
    /// mismatches, the line the saved head points at).
    pub problem: Option<(u64, Problem)>,
}

/// Verifies a whole log, stopping at the first bad line.
pub fn verify_log(content: &[u8], key: &AuditKey, expected: Option<&Head>) -> Verification {
    let mut result = Verification {
        records: 0,
        head: None,
        problem: None,
    };
    let mut prev = GENESIS_MAC.to_owned();
    let mut rest = content;
    let mut line_no = 0u64;
    while !rest.is_empty() {
        line_no += 1;
        let (line, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (rest.get(..end).unwrap_or_default(), true),
            None => (rest, false),
        };
        rest = rest.get(line.len() + 1..).unwrap_or_default();
        if !complete {
            result.problem = Some((line_no, Problem::IncompleteLastLine));
            return result;
        }
        match check_line(line, key, line_no, &prev) {
            Ok(mac) => {
                prev = mac;
                result.records = line_no;
                result.head = Some(Head {
                    seq: line_no,
                    mac: prev.clone(),
                });
            }
            Err(problem) => {
                result.problem = Some((line_no, problem));
                return result;
            }
        }
    }
    if let Some(expected) = expected {
        result.problem = check_head(content, key, expected, &result);
    }
    result
}

/// Checks one line; returns its MAC.
fn check_line(line: &[u8], key: &AuditKey, seq: u64, prev: &str) -> Result<String, Problem> {
    let text = std::str::from_utf8(line).map_err(|_| Problem::Malformed)?;
    let (body, mac) = split_mac(text).ok_or(Problem::Malformed)?;
    let expected = hex::encode(key.seal_mac(body.as_bytes()));
    if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
        return Err(Problem::BadMac);
    }
    let record: Value = serde_json::from_str(&body).map_err(|_| Problem::Malformed)?;
    let in_place = record.get("seq").and_then(Value::as_u64) == Some(seq)
        && record.get("prev").and_then(Value::as_str) == Some(prev);
    if in_place {
        Ok(expected)
    } else {
        Err(Problem::OutOfSequence)
    }
}

/// `{...,"mac":"<64 hex>"}` -> (`{...}`, hex).
fn split_mac(line: &str) -> Option<(String, &str)> {
    const TAIL: usize = "\"mac\":\"\"}".len() + 64;
    let start = line.len().checked_sub(TAIL)?;
    let member = line.get(start..)?;
    let mac = member.strip_prefix("\"mac\":\"")?.strip_suffix("\"}")?;
    if mac.len() != 64
        || !mac
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let before = line.get(..start)?;
    let body = match before.strip_suffix(',') {
        Some(fields) => format!("{fields}}}"),
        None if before == "{" => "{}".to_owned(),
        None => return None,
    };
    Some((body, mac))
}

fn check_head(
    content: &[u8],
    key: &AuditKey,
    expected: &Head,
    seen: &Verification,
) -> Option<(u64, Problem)> {
    if seen.records < expected.seq {
        return Some((expected.seq, Problem::Truncated));
    }
    if expected.seq == 0 {
        return None;
    }
    // The MAC of the record at the head's position, found again by walking to it.
    let line = content
        .split(|&b| b == b'\n')
        .nth(usize::try_from(expected.seq - 1).ok()?)?;
    let text = std::str::from_utf8(line).ok()?;
    let (body, _) = split_mac(text)?;
    let mac = hex::encode(key.seal_mac(body.as_bytes()));
    (!bool::from(mac.as_bytes().ct_eq(expected.mac.as_bytes())))
        .then_some((expected.seq, Problem::HeadMismatch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::seal;

    fn log(key: &AuditKey, n: u64) -> (String, Head) {
        let mut out = String::new();
        let mut prev = GENESIS_MAC.to_owned();
        for seq in 1..=n {
            let body =
                format!(r#"{{"seq":{seq},"prev":"{prev}","subject":"s{seq}","outcome":"done"}}"#);
            let (line, mac) = seal(key, &body).unwrap();
            out.push_str(&line);
            out.push('\n');
            prev = mac;
        }
        (out, Head { seq: n, mac: prev })
    }

    fn problem(content: &str, key: &AuditKey, head: Option<&Head>) -> Option<(u64, Problem)> {
        verify_log(content.as_bytes(), key, head).problem
    }

    #[test]
    fn an_untouched_log_verifies_with_its_head() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, head) = log(&key, 5);
        let result = verify_log(content.as_bytes(), &key, Some(&head));
        assert_eq!(result.problem, None);
        assert_eq!(result.records, 5);
        assert_eq!(result.head, Some(head));
        assert_eq!(verify_log(b"", &key, None).problem, None);
    }

    #[test]
    fn an_edit_is_a_bad_mac_at_its_line() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, _) = log(&key, 5);
        let edited = content.replacen("\"s3\"", "\"sX\"", 1);
        assert_eq!(problem(&edited, &key, None), Some((3, Problem::BadMac)));
    }

    #[test]
    fn a_deletion_or_reorder_is_out_of_sequence() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, _) = log(&key, 5);
        let mut lines: Vec<&str> = content.lines().collect();
        lines.remove(1);
        let deleted = lines.join("\n") + "\n";
        assert_eq!(
            problem(&deleted, &key, None),
            Some((2, Problem::OutOfSequence))
        );
        let mut lines: Vec<&str> = content.lines().collect();
        lines.swap(2, 3);
        let reordered = lines.join("\n") + "\n";
        assert_eq!(
            problem(&reordered, &key, None),
            Some((3, Problem::OutOfSequence))
        );
    }

    #[test]
    fn a_record_forged_with_another_key_is_a_bad_mac() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, head) = log(&key, 2);
        let other = AuditKey::new(b"guess").unwrap();
        let body = format!(r#"{{"seq":3,"prev":"{}","subject":"forged"}}"#, head.mac);
        let (line, _) = seal(&other, &body).unwrap();
        let forged = format!("{content}{line}\n");
        assert_eq!(problem(&forged, &key, None), Some((3, Problem::BadMac)));
    }

    #[test]
    fn truncation_needs_the_saved_head() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, head) = log(&key, 5);
        let cut: String = content.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert_eq!(problem(&cut, &key, None), None);
        assert_eq!(
            problem(&cut, &key, Some(&head)),
            Some((5, Problem::Truncated))
        );
    }

    #[test]
    fn a_rewritten_log_mismatches_the_saved_head() {
        let key = AuditKey::new(b"k").unwrap();
        let (_, head) = log(&key, 3);
        let rewritten = {
            let mut out = String::new();
            let mut prev = GENESIS_MAC.to_owned();
            for seq in 1..=3 {
                let body = format!(r#"{{"seq":{seq},"prev":"{prev}","subject":"other"}}"#);
                let (line, mac) = seal(&key, &body).unwrap();
                out.push_str(&line);
                out.push('\n');
                prev = mac;
            }
            out
        };
        assert_eq!(
            problem(&rewritten, &key, Some(&head)),
            Some((3, Problem::HeadMismatch))
        );
    }

    #[test]
    fn a_torn_last_line_and_junk_are_reported() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, _) = log(&key, 2);
        let torn = &content[..content.len() - 10];
        assert_eq!(
            problem(torn, &key, None),
            Some((2, Problem::IncompleteLastLine))
        );
        assert_eq!(
            problem("not json\n", &key, None),
            Some((1, Problem::Malformed))
        );
        assert_eq!(problem("\n", &key, None), Some((1, Problem::Malformed)));
        let bytes = [0xffu8, b'\n'];
        assert_eq!(
            verify_log(&bytes, &key, None).problem,
            Some((1, Problem::Malformed))
        );
    }

    #[test]
    fn the_wrong_key_fails_at_the_first_line() {
        let key = AuditKey::new(b"k").unwrap();
        let (content, _) = log(&key, 2);
        let other = AuditKey::new(b"other").unwrap();
        assert_eq!(problem(&content, &other, None), Some((1, Problem::BadMac)));
    }
}
