//! JSON Web Tokens (RFC 7519) in compact serialization: a JWS `header.payload.signature`, or a
//! JWE `header.key.iv.ciphertext.tag`.
//!
//! The shape alone (base64url segments joined by dots) also fits file names and version
//! strings, so the header must decode to a JSON object with a string `alg` member, as RFC 7515
//! and 7516 require of every token. It must also start `eyJ` (base64url of `{"`), which every
//! JOSE library writes; that keeps the pre-filter a 3-byte literal.

use serde_json::Value;

use super::run_len;

/// `eyJ` is base64url of `{"`, the start of every compact JSON header.
const HEADER_START: &[u8] = b"eyJ";
/// The shortest header with an `alg`, `{"alg":""}`, is 15 base64url characters; two dots and
/// two empty segments (an unsecured JWT with no payload) follow.
pub const MIN_LEN: usize = 17;
pub const JS_PREFILTER: &str = "eyJ";

fn is_base64url(byte: &u8) -> bool {
    byte.is_ascii_alphanumeric() || *byte == b'-' || *byte == b'_'
}

/// The end of a JWT starting at `start`, if there is one.
///
/// The header must start where a base64url run starts: a `-` or `_` before it would make it
/// the tail of a longer segment. That also bounds the work: a run is read as a header only from
/// its own start or from just after an encoding residue inside it (see the module above), and
/// as a later segment by at most the four headers before it, so the reading is linear.
pub fn end(bytes: &[u8], start: usize) -> Option<usize> {
    if !bytes.get(start..)?.starts_with(HEADER_START) {
        return None;
    }
    if start
        .checked_sub(1)
        .and_then(|before| bytes.get(before))
        .is_some_and(|b| *b == b'-' || *b == b'_')
    {
        return None;
    }
    let header_end = start.checked_add(run_len(bytes, start, usize::MAX, is_base64url))?;
    // The ends of the segments after the header, up to the four of a JWE.
    let mut ends = [header_end; 5];
    let mut segments = 1;
    let mut end = header_end;
    while segments < ends.len() && bytes.get(end) == Some(&b'.') {
        let segment_start = end.checked_add(1)?;
        end = segment_start.checked_add(run_len(bytes, segment_start, usize::MAX, is_base64url))?;
        *ends.get_mut(segments)? = end;
        segments += 1;
    }
    if segments < 3 {
        return None;
    }
    // Decoded only now that the shape fits, so junk without dots costs one pass.
    let header = decode_base64url(bytes.get(start..header_end)?)?;
    let header: Value = serde_json::from_slice(&header).ok()?;
    let header = header.as_object()?;
    if !header.get("alg").is_some_and(Value::is_string) {
        return None;
    }
    if header.contains_key("enc") {
        // A JWE has five segments.
        return if segments == 5 {
            ends.get(4).copied()
        } else {
            None
        };
    }
    ends.get(2).copied()
}

/// Decodes unpadded base64url; `None` on any other character or an impossible length.
fn decode_base64url(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in text {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    const JWT: DetectorSet = DetectorSet::none().with(Detector::Jwt);

    /// RFC 7519 section 6.1: the example unsecured JWT (`alg: none`, empty signature).
    const RFC7519_UNSECURED: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
    /// RFC 7516 appendix A.3: the example JWE (AES key wrap, AES-CBC-HMAC), five segments.
    const RFC7516_JWE: &str = "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.U0m_YmjN04DJvceFICbCVQ";

    #[test]
    fn rfc_examples_are_found() {
        // `{"typ":"JWT",\r\n "alg":"HS256"}`: the header with whitespace, as RFC 7519 prints it.
        assert!(
            decode_base64url(b"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9")
                .unwrap()
                .starts_with(b"{\"typ\":\"JWT\",\r\n \"alg\"")
        );
        for jwt in [RFC7519_JWS, RFC7519_UNSECURED, RFC7516_JWE] {
            assert_eq!(only(jwt, JWT), Some((Detector::Jwt, jwt)), "{jwt}");
            for text in [
                format!("token={jwt}&x=1"),
                format!("\"{jwt}\""),
                format!("Cookie: session={jwt}; path=/"),
                format!("see {jwt}. Next sentence"),
                format!("\\n{jwt}\\n"),
            ] {
                assert_eq!(only(&text, JWT), Some((Detector::Jwt, jwt)), "{text}");
                check_invariants(&text, ALL);
            }
        }
        // A JWS followed by more dotted text: the token is its first three segments.
        let text = format!("{RFC7519_JWS}.more");
        assert_eq!(only(&text, JWT), Some((Detector::Jwt, RFC7519_JWS)));
    }

    #[test]
    fn near_misses_are_not_jwts() {
        let payload = "eyJpc3MiOiJqb2UifQ";
        for text in [
            // Base64 of a JSON object without "alg", in three segments.
            format!("eyJ0eXAiOiJKV1QifQ.{payload}.c2ln"),
            // "alg" that is not a string.
            format!("eyJhbGciOjF9.{payload}.c2ln"),
            // Two segments only.
            format!("eyJhbGciOiJIUzI1NiJ9.{payload}"),
            // Not base64 of JSON.
            "eyJhbGciOiJIUzI1NiJ9x.eyJ.eyJ".to_owned(),
            "eyJzzzzzzzzzzzzzzzzzzz.abc.def".to_owned(),
            // Random base64 that is not a JWT, with dots.
            "eyJ4Qk9aZGV2aWNlcw.dGVzdA.ZGF0YQ".to_owned(),
            // A header inside a longer segment.
            format!("abc-eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"),
            format!("xeyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"),
            // A JWE header with only three segments.
            format!("eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0.{payload}.c2ln"),
            // Standard base64 of a whole JSON object, no dots.
            "eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjMifQ==".to_owned(),
            "file.eyJ.txt".to_owned(),
        ] {
            assert_eq!(only(&text, JWT), None, "{text}");
        }
    }

    #[test]
    fn hostile_inputs_take_one_pass() {
        // Completing at all is the test: each would be quadratic if a run were re-read per
        // start. A megabyte each.
        for text in [
            "eyJ".repeat(1 << 18),
            "eyJ-".repeat(1 << 18),
            "eyJ.".repeat(1 << 18),
            format!("{}.x.y", "eyJ".repeat(1 << 18)),
            format!("{}.x.y", "eyJ-".repeat(1 << 18)),
            "\\neyJ.".repeat(1 << 17),
        ] {
            assert!(find(&text, ALL).is_empty(), "{}", &text[..12]);
        }
        // Valid headers joined by dots: every third segment starts a new token.
        let chain = "eyJhbGciOiJIUzI1NiJ9.".repeat(3 << 15);
        let found = find(&chain, ALL);
        assert_eq!(found.len(), 1 << 15);
        assert!(found.iter().all(|f| f.detector == Detector::Jwt));
    }
}
