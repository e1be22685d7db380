//! What a sanitizer did, field by field. Paths and rule names only: never a value.

use std::borrow::Cow;

use super::detect::{self, DetectorSet};

/// What a path shows instead of a key that carries personal data.
pub const REDACTED_KEY: &str = "<redacted>";

/// A key as paths show it: itself, or [`REDACTED_KEY`] when it looks like personal data (an
/// email address, a phone or card number, an SSN, an IBAN, a token: anything a value detector
/// finds in it, every detector on). Objects keyed by email or phone (`{ "jane@example.com": {...} }`)
/// must not put the address into a report or an error message, which are meant to be logged.
pub fn shown_key(key: &str) -> Cow<'_, str> {
    if key_carries_pii(key) {
        Cow::Borrowed(REDACTED_KEY)
    } else {
        Cow::Borrowed(key)
    }
}

fn key_carries_pii(key: &str) -> bool {
    // `user@host` with a dot after the `@`, even where the email detector wants more (no TLD
    // check here: a key is not free text, and a false positive only hides a path segment).
    if let Some(at) = key.find('@') {
        if at > 0 && key[at + 1..].contains('.') {
            return true;
        }
    }
    let all = DetectorSet::all();
    detect::may_contain(key, all) && !detect::find(key, all).is_empty()
}

/// One change made to the attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where, as `billing.card_number` or `contacts[0].phone`.
    pub path: String,
    /// `dropped`, `hashed`, `masked`, `redacted`, `validated` or `limit`.
    pub action: &'static str,
    /// The rule that fired: a field rule's name, `detector:<name>`, `prototype_key`,
    /// `not_a_scalar`, `invalid_e164` or a limit's name.
    pub rule: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn push(&mut self, path: String, action: &'static str, rule: impl Into<String>) {
        self.changes.push(Change {
            path,
            action,
            rule: rule.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// A path being walked, turned into text only when a change is reported. Keys borrow from the
/// input where they can, so walking allocates nothing per field.
#[derive(Clone, Debug, Default)]
pub struct PathStack<'a> {
    segments: Vec<Segment<'a>>,
}

#[derive(Clone, Debug)]
enum Segment<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

impl<'a> PathStack<'a> {
    pub fn push_key(&mut self, key: Cow<'a, str>) {
        self.segments.push(Segment::Key(key));
    }

    pub fn push_index(&mut self, index: usize) {
        self.segments.push(Segment::Index(index));
    }

    pub fn pop(&mut self) {
        self.segments.pop();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&shown_key(key));
                }
                Segment::Index(index) => {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_javascript_accessors() {
        let mut path = PathStack::default();
        path.push_key("contacts".into());
        path.push_index(0);
        path.push_key("phone".into());
        assert_eq!(path.render(), "contacts[0].phone");
        path.pop();
        path.pop();
        path.pop();
        assert_eq!(path.render(), "");
    }

    #[test]
    fn keys_that_carry_personal_data_are_redacted_in_paths() {
        for key in [
            "jane@example.com",
            "+15550123456",
            "4111 1111 1111 1111",
            "123-45-6789",
            "GB82WEST12345698765432",
            "a.b@c.io",
        ] {
            assert_eq!(shown_key(key), REDACTED_KEY, "{key}");
        }
        for key in [
            "email",
            "phone_number",
            "billing",
            "@type",
            "2fa_code",
            "user_42",
            "address_line1",
        ] {
            assert_eq!(shown_key(key), key, "{key}");
        }
        let mut path = PathStack::default();
        path.push_key("contacts".into());
        path.push_key("jane@example.com".into());
        path.push_key("phone".into());
        assert_eq!(path.render(), "contacts.<redacted>.phone");
    }
}
