use super::Failure;

/// `X-CIO-Signature` is the 32-byte MAC as hex.
pub const SIGNATURE_HEX_LEN: usize = 64;

/// Unix seconds fit in 12 digits until the year 33658; more digits are junk, and refusing
/// them early keeps the value far from integer overflow.
pub const MAX_TIMESTAMP_DIGITS: usize = 12;

/// Parses `X-CIO-Signature`: exactly 64 hex characters, either case, nothing around them.
///
/// A `v0=` or `sha256=` prefix, whitespace, or any other length is malformed: accepting such
/// variants silently is how verifiers drift from what the sender really does. The parse is
/// not constant-time, and need not be: the signature is public, only the MAC is secret.
pub fn parse_signature(header: &[u8]) -> Result<[u8; 32], Failure> {
    parse_hex_mac(header)
}

/// Exactly `2 * N` hex characters, either case, as `N` bytes; empty is a missing signature.
fn parse_hex_mac<const N: usize>(header: &[u8]) -> Result<[u8; N], Failure> {
    if header.is_empty() {
        return Err(Failure::MissingSignature);
    }
    if header.len() != 2 * N {
        return Err(Failure::MalformedSignature);
    }
    let mut mac = [0u8; N];
    hex::decode_to_slice(header, &mut mac).map_err(|_| Failure::MalformedSignature)?;
    Ok(mac)
}

/// `X-Signature` of the Data Pipelines webhook destination is the 20-byte HMAC-SHA1 as hex.
pub const PIPELINES_SIGNATURE_HEX_LEN: usize = 40;

/// Parses a Data Pipelines `X-Signature`: exactly 40 hex characters, either case, nothing
/// around them (no `sha1=` prefix: the destination sends none).
pub fn parse_pipelines_signature(header: &[u8]) -> Result<[u8; 20], Failure> {
    parse_hex_mac(header)
}

/// Parses `X-CIO-Timestamp`: decimal unix seconds, ASCII digits only (no sign, no spaces, no
/// fraction, no exponent), at most [`MAX_TIMESTAMP_DIGITS`] of them.
pub fn parse_timestamp(header: &[u8]) -> Result<u64, Failure> {
    if header.is_empty() {
        return Err(Failure::MissingTimestamp);
    }
    if header.len() > MAX_TIMESTAMP_DIGITS {
        return Err(Failure::MalformedTimestamp);
    }
    header.iter().try_fold(0u64, |seconds, &byte| {
        if byte.is_ascii_digit() {
            // At most 12 digits, so this cannot overflow a u64.
            Ok(seconds * 10 + u64::from(byte - b'0'))
        } else {
            Err(Failure::MalformedTimestamp)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "b0a0d7f3c1e2f4a5968778695a4b3c2d1e0f0a1b2c3d4e5f60718293a4b5c6d7";

    #[test]
    fn signature_accepts_64_hex_in_either_case() {
        let lower = parse_signature(HEX.as_bytes()).unwrap();
        let upper = parse_signature(HEX.to_uppercase().as_bytes()).unwrap();
        assert_eq!(lower, upper);
        assert_eq!(lower[0], 0xb0);
    }

    #[test]
    fn signature_empty_is_missing() {
        assert_eq!(parse_signature(b""), Err(Failure::MissingSignature));
    }

    #[test]
    fn signature_prefixes_are_malformed() {
        for prefix in ["v0=", "sha256=", " ", "0x"] {
            let header = format!("{prefix}{HEX}");
            assert_eq!(
                parse_signature(header.as_bytes()),
                Err(Failure::MalformedSignature)
            );
        }
    }

    #[test]
    fn signature_wrong_length_is_malformed() {
        assert_eq!(
            parse_signature(&HEX.as_bytes()[..63]),
            Err(Failure::MalformedSignature)
        );
        let long = format!("{HEX}0");
        assert_eq!(
            parse_signature(long.as_bytes()),
            Err(Failure::MalformedSignature)
        );
        let huge = vec![b'a'; 1 << 20];
        assert_eq!(parse_signature(&huge), Err(Failure::MalformedSignature));
    }

    #[test]
    fn signature_non_hex_is_malformed() {
        let mut header = HEX.as_bytes().to_vec();
        header[10] = b'g';
        assert_eq!(parse_signature(&header), Err(Failure::MalformedSignature));
        header[10] = 0xff;
        assert_eq!(parse_signature(&header), Err(Failure::MalformedSignature));
    }

    #[test]
    fn timestamp_accepts_decimal_seconds() {
        assert_eq!(parse_timestamp(b"1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_timestamp(b"0"), Ok(0));
        assert_eq!(parse_timestamp(b"999999999999"), Ok(999_999_999_999));
    }

    #[test]
    fn timestamp_empty_is_missing() {
        assert_eq!(parse_timestamp(b""), Err(Failure::MissingTimestamp));
    }

    #[test]
    fn timestamp_junk_is_malformed() {
        for junk in [
            "-1",
            "+1700000000",
            " 1700000000",
            "1700000000 ",
            "1.5",
            "1e9",
            "0x10",
            "NaN",
            "1700000000000",
            "１７",
            "1700000000\n",
        ] {
            assert_eq!(
                parse_timestamp(junk.as_bytes()),
                Err(Failure::MalformedTimestamp),
                "{junk:?}"
            );
        }
    }
}
