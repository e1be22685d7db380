//! AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 characters of the
//! base32 alphabet, 20 in all. Only the secret key signs requests, but the id names the account
//! and the user, and it is what leak scanners and attackers search for.

use super::{ends_token, has_at};

const LEN: usize = 20;
pub const MIN_LEN: usize = LEN;
pub const JS_PREFILTER: &str = "A[KS]IA";

/// The end of an access key id starting at `start`, if there is one: exactly 20 characters,
/// a whole token.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    if !(has_at(bytes, start, b"AKIA") || has_at(bytes, start, b"ASIA")) {
        return None;
    }
    let end = start.checked_add(LEN)?;
    let id = bytes.get(start..end)?;
    let base32 = |b: &u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b);
    (id.iter().all(base32) && ends_token(bytes, end)).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const AWS: DetectorSet = DetectorSet::none().with(Detector::AwsAccessKeyId);

    #[test]
    fn documented_examples_are_found() {
        // The example id in AWS's documentation, and a temporary-credentials one.
        for id in ["AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE"] {
            assert_eq!(only(id, AWS), Some((Detector::AwsAccessKeyId, id)));
            for text in [
                format!("aws_access_key_id = {id}"),
                format!("AWS_ACCESS_KEY_ID={id}\n"),
                format!("\"{id}\""),
                format!("\\n{id}"),
            ] {
                assert_eq!(
                    only(&text, AWS),
                    Some((Detector::AwsAccessKeyId, id)),
                    "{text}"
                );
                check_invariants(&text, ALL);
            }
        }
    }

    #[test]
    fn near_misses_are_not_ids() {
        for text in [
            "AKIAIOSFODNN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLEX",
            "XAKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLE1",
            "AKIAIOSFODNN1EXAMPLE",
            "AKIAiosfodnn7example",
            "AIDAIOSFODNN7EXAMPLE",
            "akiaIOSFODNN7EXAMPLE",
        ] {
            assert_eq!(only(text, AWS), None, "{text}");
        }
    }
}
