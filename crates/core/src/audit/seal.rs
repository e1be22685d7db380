use std::fmt;

use super::AuditKey;

/// `prev` of the first record.
pub const GENESIS_MAC: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The last record of a log: what a verifier compares against to detect truncation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub mac: String,
}

impl Head {
    /// `seq:mac`, the form to store elsewhere.
    pub fn to_text(&self) -> String {
        format!("{}:{}", self.seq, self.mac)
    }

    pub fn parse(text: &str) -> Option<Head> {
        let (seq, mac) = text.trim().split_once(':')?;
        let seq = seq.parse().ok()?;
        let mac_ok = mac.len() == 64 && mac.bytes().all(|b| b.is_ascii_hexdigit());
        mac_ok.then(|| Head {
            seq,
            mac: mac.to_ascii_lowercase(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The body is not a JSON object text, or it already has a `mac`.
    NotAnObject,
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an audit record must be a JSON object without a mac member")
    }
}

impl std::error::Error for SealError {}

/// Seals one record: `body` is the record's JSON object text, which must already hold its `seq`
/// and `prev` (the caller owns the order of its members). Returns the line to append, without
/// the newline, and the record's MAC as hex.
pub fn seal(key: &AuditKey, body: &str) -> Result<(String, String), SealError> {
    let trimmed = body.trim_end();
    let open = trimmed.strip_suffix('}').ok_or(SealError::NotAnObject)?;
    // A record is one line, one JSON object, without a top-level `mac` of its own (the value
    // "mac" in a field, or a nested `mac` key, is fine).
    let parsed: serde_json::Value =
        serde_json::from_str(trimmed).map_err(|_| SealError::NotAnObject)?;
    let object = parsed.as_object().ok_or(SealError::NotAnObject)?;
    if object.contains_key("mac") || trimmed.contains('\n') {
        return Err(SealError::NotAnObject);
    }
    let mac = hex::encode(key.seal_mac(trimmed.as_bytes()));
    let separator = if open.trim_end() == "{" { "" } else { "," };
    Ok((format!("{open}{separator}\"mac\":\"{mac}\"}}"), mac))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_appends_the_mac_of_the_body() {
        let key = AuditKey::new(b"k").unwrap();
        let (line, mac) = seal(&key, r#"{"seq":1,"prev":"00"}"#).unwrap();
        assert_eq!(line, format!(r#"{{"seq":1,"prev":"00","mac":"{mac}"}}"#));
        assert_eq!(mac, hex::encode(key.seal_mac(br#"{"seq":1,"prev":"00"}"#)));
    }

    #[test]
    fn bodies_that_are_not_plain_objects_are_refused() {
        let key = AuditKey::new(b"k").unwrap();
        for body in [
            "[]",
            "{\"mac\":1}",
            "{\"a\":\"x\ny\"}",
            "1",
            "{\"a\":1",
            "{} {}",
        ] {
            assert_eq!(seal(&key, body), Err(SealError::NotAnObject), "{body}");
        }
    }

    #[test]
    fn mac_as_a_value_or_a_nested_key_is_fine() {
        let key = AuditKey::new(b"k").unwrap();
        for body in [
            r#"{"actor":"mac"}"#,
            r#"{"reason":"bad \"mac"}"#,
            r#"{"a":{"mac":1}}"#,
        ] {
            assert!(seal(&key, body).is_ok(), "{body}");
        }
    }

    #[test]
    fn heads_round_trip_as_text() {
        let head = Head {
            seq: 7,
            mac: "ab".repeat(32),
        };
        assert_eq!(Head::parse(&head.to_text()), Some(head));
        assert_eq!(Head::parse("x:ab"), None);
        assert_eq!(Head::parse("7:zz"), None);
    }
}
