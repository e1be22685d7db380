//! Email addresses in free text. Off by default: Customer.io needs the `email` attribute raw
//! to identify people, and a policy that wants addresses out of free text opts in.

use super::{ends_token, run_len};

/// RFC 5321's limits on the local part, a domain and one of its labels.
const LOCAL_MAX: usize = 64;
const DOMAIN_MAX: usize = 253;
const LABEL_MAX: usize = 63;
/// `a@b.co`.
pub const MIN_LEN: usize = 6;
pub const JS_PREFILTER: &str = "@";

/// The local-part characters people use (RFC 5322 allows more, which nobody types).
fn is_local_char(byte: &u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_label_char(byte: &u8) -> bool {
    byte.is_ascii_alphanumeric() || *byte == b'-'
}

/// The end of an email address starting at `start`, if there is one.
///
/// A local part that starts with a letter or digit, `@`, then at least two dot-separated
/// labels, the last of them (the top-level domain) two or more letters. Every part is bounded
/// by its RFC limit, so each start costs at most a few hundred steps.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    if !bytes.get(start)?.is_ascii_alphanumeric() {
        return None;
    }
    let local = run_len(bytes, start, LOCAL_MAX + 1, is_local_char);
    if local > LOCAL_MAX {
        return None;
    }
    let at = start.checked_add(local)?;
    if bytes.get(at) != Some(&b'@') || bytes.get(at.checked_sub(1)?) == Some(&b'.') {
        return None;
    }
    let domain_start = at.checked_add(1)?;
    let mut pos = domain_start;
    let mut labels = 0;
    let mut best = None;
    loop {
        let len = run_len(bytes, pos, LABEL_MAX + 1, is_label_char);
        let label_end = pos.checked_add(len)?;
        let label = bytes.get(pos..label_end)?;
        if len == 0
            || len > LABEL_MAX
            || label_end.saturating_sub(domain_start) > DOMAIN_MAX
            || label.first() == Some(&b'-')
            || label.last() == Some(&b'-')
        {
            break;
        }
        labels += 1;
        if labels >= 2
            && len >= 2
            && label.iter().all(u8::is_ascii_alphabetic)
            && ends_token(bytes, label_end)
        {
            best = Some(label_end);
        }
        if bytes.get(label_end) != Some(&b'.') {
            break;
        }
        pos = label_end.checked_add(1)?;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const EMAIL: DetectorSet = DetectorSet::none().with(Detector::Email);

    #[test]
    fn addresses_are_found() {
        for email in [
            "ada@example.com",
            "ada.lovelace+news@mail.example.co.uk",
            "a_b-c%d@sub-domain.example.org",
            "1234@example.io",
            "a@b.co",
        ] {
            assert_eq!(
                only(email, EMAIL),
                Some((Detector::Email, email)),
                "{email}"
            );
            for text in [
                format!("write to {email}."),
                format!("<{email}>"),
                format!("mailto:{email}?subject=x"),
                format!("\\n{email}"),
            ] {
                assert_eq!(only(&text, EMAIL), Some((Detector::Email, email)), "{text}");
                check_invariants(&text, ALL);
            }
        }
    }

    #[test]
    fn near_misses_are_not_addresses() {
        for text in [
            "@example.com",
            "ada@",
            "ada@localhost",
            "ada@example",
            "ada@example.c",
            "ada@example.123",
            "ada@-example.com",
            "ada.@example.com",
            "ada @ example.com",
            "@@@",
            "user@host.com1",
        ] {
            assert_eq!(only(text, EMAIL), None, "{text}");
        }
        // Off by default.
        assert_eq!(only("ada@example.com", DetectorSet::defaults()), None);
        // `%` is a local-part character, so a URL-encoded space joins the address: it is
        // redacted all the same.
        assert_eq!(
            redact("to%20ada@example.com", EMAIL).unwrap().0,
            "[REDACTED:email]"
        );
    }

    #[test]
    fn long_runs_take_bounded_work_per_start() {
        for text in [
            "a.".repeat(1 << 19),
            "a@".repeat(1 << 19),
            format!("{}@", "a.".repeat(1 << 19)),
            format!("a@{}", "b.".repeat(1 << 19)),
            format!("a@{}1", "b.".repeat(1 << 19)),
        ] {
            let _ = find(&text, EMAIL);
        }
        assert!(find(&"a@".repeat(1 << 19), EMAIL).is_empty());
    }
}
