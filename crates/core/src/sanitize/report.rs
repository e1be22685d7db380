//! What a sanitizer did, field by field. Paths and rule names only: never a value.

use std::borrow::Cow;

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
                    out.push_str(key);
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
}
