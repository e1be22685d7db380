//! `Bearer` tokens (RFC 6750), as an `Authorization` header copied into a log line or an
//! attribute leaves them: the word `bearer` in any case, spaces, then a token. Only the token
//! is redacted, so the text still says what was there.

use super::run_len;

const WORD: &[u8] = b"bearer";
/// Spaces or tabs between the word and the token.
const SPACES_MAX: usize = 4;
/// Tokens are random strings; English words after "bearer" ("bearer bonds") are shorter.
const TOKEN_MIN: usize = 20;
/// `bearer ` and the shortest token.
pub const MIN_LEN: usize = 7 + TOKEN_MIN;
pub const JS_PREFILTER: &str = "bearer";

/// RFC 6750's b64token characters, before any trailing `=`.
fn is_token_char(byte: &u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// The token after `bearer` at `start`, as `(token start, token end)`.
pub fn token(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let word_end = start.checked_add(WORD.len())?;
    if !bytes.get(start..word_end)?.eq_ignore_ascii_case(WORD) {
        return None;
    }
    let spaces = run_len(bytes, word_end, SPACES_MAX + 1, |b| {
        *b == b' ' || *b == b'\t'
    });
    if spaces == 0 || spaces > SPACES_MAX {
        return None;
    }
    let token_start = word_end.checked_add(spaces)?;
    let len = run_len(bytes, token_start, usize::MAX, is_token_char);
    if len < TOKEN_MIN {
        return None;
    }
    let token_end = token_start.checked_add(len)?;
    let padding = run_len(bytes, token_end, usize::MAX, |b| *b == b'=');
    Some((token_start, token_end.checked_add(padding)?))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const BEARER: DetectorSet = DetectorSet::none().with(Detector::BearerToken);

    #[test]
    fn tokens_after_bearer_are_redacted() {
        let token = "mF_9.B5f-4.1JqM";
        // RFC 6750's example token is 15 characters: below the minimum, by design.
        assert_eq!(only(&format!("Bearer {token}"), BEARER), None);
        for (text, token) in [
            (
                "Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA8fh3k",
                "2YotnFZFEjr1zCsicMWpAA8fh3k",
            ),
            (
                "authorization: bearer ya29.a0AfH6SMBx-y_z~1/2+3==",
                "ya29.a0AfH6SMBx-y_z~1/2+3==",
            ),
            (
                "BEARER\tabcdefghijklmnopqrstuvwxyz012345",
                "abcdefghijklmnopqrstuvwxyz012345",
            ),
            (
                "curl -H 'Bearer   sk_live_4eC39HqLyjWDarjtT1zdp7dc'",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            ),
        ] {
            assert_eq!(
                only(text, BEARER),
                Some((Detector::BearerToken, token)),
                "{text}"
            );
            check_invariants(text, ALL);
        }
        let (out, _) = redact("Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA8fh3k.", ALL).unwrap();
        assert_eq!(out, "Authorization: Bearer [REDACTED:bearer_token]");
    }

    #[test]
    fn bearer_in_prose_is_left_alone() {
        for text in [
            "the bearer of this card",
            "Bearer bonds are rare",
            "bearer",
            "Bearer ",
            "Bearer  ",
            "Bearer 0123456789012345678",
            "Bearer      2YotnFZFEjr1zCsicMWpAA8fh3k",
            "Bearer:2YotnFZFEjr1zCsicMWpAA8fh3k",
            "xBearer 2YotnFZFEjr1zCsicMWpAA8fh3k",
            "Bearerx 2YotnFZFEjr1zCsicMWpAA8fh3k",
        ] {
            assert_eq!(only(text, BEARER), None, "{text}");
        }
    }

    #[test]
    fn a_jwt_after_bearer_is_one_match() {
        let jwt = RFC7519_JWS;
        let text = format!("Authorization: Bearer {jwt}");
        assert_eq!(hits(&text, ALL), vec![(Detector::BearerToken, jwt)]);
        assert_eq!(
            hits(&text, ALL.without(Detector::BearerToken)),
            vec![(Detector::Jwt, jwt)]
        );
    }
}
