//! PEM private key blocks (RFC 7468): `-----BEGIN RSA PRIVATE KEY-----` through the matching
//! `-----END … PRIVATE KEY-----`, the whole block. A BEGIN line without an END line (a key cut
//! off by a length limit) is redacted to the end of the string: what follows it is key material.

use super::{has_at, run_len};

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";
/// Labels are short (`ENCRYPTED PRIVATE KEY`, `OPENSSH PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`);
/// the cap bounds the work at each BEGIN or END.
const LABEL_MAX: usize = 64;
/// `-----BEGIN PRIVATE KEY-----`.
pub const MIN_LEN: usize = 27;
/// Unicode dashes fold to `-`, so the dashes cannot be part of the literal.
pub const JS_PREFILTER: &str = "BEGIN";

/// The end of a private key block starting at `start`, if one starts there.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    if !has_at(bytes, start, BEGIN) {
        return None;
    }
    let mut pos = label_end(bytes, start.checked_add(BEGIN.len())?)?;
    // The first END line of a private key after it; each byte is looked at once.
    while let Some(&byte) = bytes.get(pos) {
        if byte == b'-' && has_at(bytes, pos, END) {
            if let Some(end) = label_end(bytes, pos.checked_add(END.len())?) {
                return Some(end);
            }
        }
        pos = pos.saturating_add(1);
    }
    Some(bytes.len())
}

/// After `BEGIN ` or `END `: a label of capitals, digits and spaces naming a private key, then
/// five dashes. Returns the position after the dashes.
fn label_end(bytes: &[u8], start: usize) -> Option<usize> {
    let len = run_len(bytes, start, LABEL_MAX + 1, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b' '
    });
    if len > LABEL_MAX {
        return None;
    }
    let label_end = start.checked_add(len)?;
    let label = bytes.get(start..label_end)?;
    let is_private = label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK");
    (is_private && has_at(bytes, label_end, DASHES)).then(|| label_end.saturating_add(DASHES.len()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const PEM: DetectorSet = DetectorSet::none().with(Detector::PrivateKey);

    // A made-up, truncated body: the detector reads the armour, not the key.
    const BODY: &str = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n";

    #[test]
    fn blocks_are_redacted_whole() {
        for label in ["", "RSA ", "EC ", "DSA ", "ENCRYPTED ", "OPENSSH ", "PGP "] {
            let suffix = if label == "PGP " { " BLOCK" } else { "" };
            let block = format!(
                "-----BEGIN {label}PRIVATE KEY{suffix}-----\n{BODY}-----END {label}PRIVATE KEY{suffix}-----"
            );
            assert_eq!(only(&block, PEM), Some((Detector::PrivateKey, &*block)));
            let text = format!("key: {block}\nthanks");
            assert_eq!(only(&text, PEM), Some((Detector::PrivateKey, &*block)));
            // Double-escaped JSON leaves `\n` as two characters.
            let escaped = block.replace('\n', "\\n");
            let text = format!("{{\"k\":\"{escaped}\"}}");
            assert_eq!(only(&text, PEM), Some((Detector::PrivateKey, &*escaped)));
            check_invariants(&text, ALL);
        }
        let (out, found) = redact(
            &format!("a -----BEGIN PRIVATE KEY-----\n{BODY}-----END PRIVATE KEY----- b"),
            ALL,
        )
        .unwrap();
        assert_eq!(out, "a [REDACTED:private_key] b");
        assert_eq!(found, vec![Detector::PrivateKey]);
    }

    #[test]
    fn begin_without_end_runs_to_the_end() {
        let text = format!("key -----BEGIN RSA PRIVATE KEY-----\n{BODY}(truncated");
        let (out, _) = redact(&text, PEM).unwrap();
        assert_eq!(out, "key [REDACTED:private_key]");
        // An END of something else does not close it.
        let text = format!("-----BEGIN PRIVATE KEY-----\n{BODY}-----END CERTIFICATE----- tail");
        assert_eq!(redact(&text, PEM).unwrap().0, "[REDACTED:private_key]");
    }

    #[test]
    fn public_material_is_not_a_private_key() {
        for text in [
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----",
            "BEGIN PRIVATE KEY",
            "----BEGIN PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY----",
            "-----BEGIN private key-----",
        ] {
            assert_eq!(only(text, PEM), None, "{text}");
        }
    }

    #[test]
    fn repeated_begin_lines_take_one_pass() {
        for text in [
            "-----BEGIN".repeat(1 << 17),
            "-----BEGIN ".repeat(1 << 17),
            "-----BEGIN X".repeat(1 << 17),
            "-----END PRIVATE KEY".repeat(1 << 16),
        ] {
            assert!(find(&text, ALL).is_empty());
        }
        // Every BEGIN line after the first is inside the first block, which runs to the end.
        let text = "-----BEGIN PRIVATE KEY-----".repeat(1 << 16);
        assert_eq!(hits(&text, ALL), vec![(Detector::PrivateKey, &*text)]);
        let text = "-----BEGIN PRIVATE KEY----- -----END PRIVATE KEY-----".repeat(1 << 14);
        assert_eq!(find(&text, ALL).len(), 1 << 14);
    }
}
