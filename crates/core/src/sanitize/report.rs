//! What a sanitizer did, field by field. Paths and rule names only: never a value.
//!
//! Memory stays proportional to the input whatever it holds: the counts per action and rule are
//! one entry per rule (never per change), and the list of changes is capped twice, by entries and
//! by the bytes of their paths. One long key with a million card numbers under it would otherwise
//! render a million copies of that key.

use std::borrow::Cow;
use std::sync::Arc;

pub use super::counts::{RuleCount, RuleCounts};

/// At most this many changes are listed per document; the rest are counted in `omitted`.
pub const MAX_LISTED_CHANGES: usize = 10_000;
/// The paths listed may take at least this many bytes, or the input's size if larger.
pub const MIN_PATH_BUDGET: usize = 64 * 1024;

/// How much a walk records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportMode {
    /// Nothing (limits in `report` mode are then not checked: there is nowhere to list them).
    Off,
    /// Counts per action and rule, and per path pattern (`contacts[].phone`, see
    /// [`super::counts`]): no change is listed, and no full path rendered.
    Counts,
    /// Counts, and the changes listed with their paths (capped).
    Full,
}

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

/// The report's words for what happened to a field, beside the rules' verbs ([`Action::verb`]):
/// the one definition, which the binding hands to the JavaScript object walk.
///
/// [`Action::verb`]: super::rules::Action::verb
pub mod action {
    pub const DROPPED: &str = "dropped";
    pub const REDACTED: &str = "redacted";
    pub const LIMIT: &str = "limit";
}

/// The report's names for why, when no field rule of the policy's is the reason.
pub mod rule {
    /// `__proto__`, `constructor`, `prototype`.
    pub const PROTOTYPE_KEY: &str = "prototype_key";
    /// An allow-list policy and a name it does not list.
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// An object where a transforming rule takes a scalar.
    pub const NOT_A_SCALAR: &str = "not_a_scalar";
    /// A JavaScript value JSON cannot carry faithfully (a function, a Map, binary data).
    pub const UNSUPPORTED_TYPE: &str = "unsupported_type";
    pub const INVALID_PHONE: &str = "invalid_phone";
    pub const INVALID_E164: &str = "invalid_e164";
    pub const ATTRIBUTE_NAME_TOO_LONG: &str = "attribute_name_too_long";
    pub const ATTRIBUTE_VALUE_TOO_LONG: &str = "attribute_value_too_long";
    pub const TOO_MANY_ATTRIBUTES: &str = "too_many_attributes";
    /// A detector's rule is `detector:<name>` ([`super::super::detect::Detector::as_str`]).
    pub const DETECTOR_PREFIX: &str = "detector:";
}

/// One change made to the attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where, as `billing.card_number` or `contacts[0].phone`. Consecutive changes at the same
    /// place share one allocation.
    pub path: Arc<str>,
    /// `dropped`, `hashed`, `masked`, `redacted`, `validated` or `limit`.
    pub action: &'static str,
    /// The rule that fired: a field rule's name, `detector:<name>`, `prototype_key`,
    /// `not_a_scalar`, `invalid_e164` or a limit's name.
    pub rule: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, in document order, up to the caps.
    pub changes: Vec<Change>,
    /// Changes made but not listed (past [`MAX_LISTED_CHANGES`] or the path budget).
    pub omitted: u64,
    /// Every change, listed or not, counted by action and rule.
    pub counts: RuleCounts,
    path_bytes: usize,
    path_budget: usize,
    /// The path last rendered and the [`PathStack`] version it was rendered at.
    last_path: Option<(u64, Arc<str>)>,
}

impl Report {
    /// A report whose listed paths may take `max(input_len, MIN_PATH_BUDGET)` bytes in all.
    pub fn for_input(input_len: usize) -> Self {
        Report {
            path_budget: input_len.max(MIN_PATH_BUDGET),
            ..Report::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.omitted == 0
    }

    /// Counts a change of the document being walked at the pattern of `path` (staged: see
    /// [`RuleCounts::stage`]).
    pub fn count(&mut self, path: &PathStack<'_>, action: &'static str, rule: &str) {
        self.counts.stage(action, rule, path);
    }

    /// Counts a change and lists it at `path` while the caps allow; the path is rendered only
    /// when it is listed, and only once for consecutive changes at the same place.
    pub fn list(&mut self, path: &PathStack<'_>, action: &'static str, rule: &str) {
        if self.changes.len() >= MAX_LISTED_CHANGES {
            self.counts.add(action, rule);
            self.omitted += 1;
            return;
        }
        let shared = match &self.last_path {
            Some((version, text)) if *version == path.version() => Some(Arc::clone(text)),
            _ => None,
        };
        let path = match shared {
            Some(text) => text,
            None => {
                let len = path.rendered_len();
                if self.path_bytes.saturating_add(len) > self.path_budget {
                    self.counts.add(action, rule);
                    self.omitted += 1;
                    return;
                }
                self.path_bytes += len;
                let text: Arc<str> = Arc::from(path.render());
                self.last_path = Some((path.version(), Arc::clone(&text)));
                text
            }
        };
        self.counts.add(action, rule);
        self.changes.push(Change {
            path,
            action,
            rule: rule.to_owned(),
        });
    }
}

/// A path being walked, turned into text only when a change is listed. Keys borrow from the
/// input where they can, so walking allocates nothing per field.
#[derive(Clone, Debug, Default)]
pub struct PathStack<'a> {
    segments: Vec<Segment<'a>>,
    /// Bumped by every push and pop: equal versions mean the same path.
    version: u64,
}

/// One step of a path as a pattern sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternSegment<'p> {
    Key(&'p str),
    /// An array element, whatever its index.
    Index,
}

#[derive(Clone, Debug)]
enum Segment<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

impl<'a> PathStack<'a> {
    pub fn push_key(&mut self, key: Cow<'a, str>) {
        self.segments.push(Segment::Key(key));
        self.version += 1;
    }

    pub fn push_index(&mut self, index: usize) {
        self.segments.push(Segment::Index(index));
        self.version += 1;
    }

    pub fn pop(&mut self) {
        self.segments.pop();
        self.version += 1;
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// The length of [`PathStack::render`], without rendering.
    pub fn rendered_len(&self) -> usize {
        let mut len = 0usize;
        for segment in &self.segments {
            len = len.saturating_add(match segment {
                Segment::Key(key) => key.len() + usize::from(len > 0),
                Segment::Index(index) => 2 + decimal_digits(*index),
            });
        }
        len
    }

    /// The path's exact form, into `out`: each key length-prefixed, each index one byte, so two
    /// different paths never write the same bytes. False (and `out` unfinished) when a key or
    /// the whole would pass `max_bytes`: such a path is not worth remembering.
    pub fn raw(&self, out: &mut Vec<u8>, max_bytes: usize) -> bool {
        for segment in &self.segments {
            match segment {
                Segment::Key(key) => {
                    if out.len() + key.len() + 4 > max_bytes {
                        return false;
                    }
                    let len = u32::try_from(key.len()).unwrap_or(u32::MAX);
                    out.push(b'k');
                    out.extend_from_slice(&len.to_le_bytes());
                    out.extend_from_slice(key.as_bytes());
                }
                Segment::Index(_) => out.push(b'i'),
            }
        }
        out.len() <= max_bytes
    }

    /// The path as a pattern's segments: its keys, and its array elements whatever their index
    /// (see [`super::counts`]).
    pub fn pattern_segments(&self) -> impl Iterator<Item = PatternSegment<'_>> {
        self.segments.iter().map(|segment| match segment {
            Segment::Key(key) => PatternSegment::Key(key),
            Segment::Index(_) => PatternSegment::Index,
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.rendered_len());
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

fn decimal_digits(mut n: usize) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
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
        assert_eq!(path.rendered_len(), "contacts[0].phone".len());
        path.pop();
        path.pop();
        path.pop();
        assert_eq!(path.render(), "");
        assert_eq!(path.rendered_len(), 0);
        path.push_index(12345);
        assert_eq!(path.rendered_len(), path.render().len());
    }

    #[test]
    fn changes_at_one_place_share_one_path() {
        let mut path = PathStack::default();
        path.push_key("note".into());
        let mut report = Report::for_input(100);
        report.list(&path, "redacted", "detector:card_number");
        report.list(&path, "redacted", "detector:us_ssn");
        assert!(Arc::ptr_eq(
            &report.changes[0].path,
            &report.changes[1].path
        ));
        assert_eq!(report.counts.total(), 2);
    }

    #[test]
    fn long_paths_past_the_budget_are_counted_not_listed() {
        let key = "k".repeat(100_000);
        let mut path = PathStack::default();
        path.push_key(key.as_str().into());
        let mut report = Report::for_input(250_000);
        for index in 0..1000 {
            path.push_index(index);
            report.list(&path, "redacted", "detector:card_number");
            path.pop();
        }
        assert_eq!(report.changes.len(), 2);
        assert_eq!(report.omitted, 998);
        let rows = report.counts.sorted();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].action, rows[0].rule, rows[0].count),
            ("redacted", "detector:card_number", 1000)
        );
    }

    #[test]
    fn the_list_is_capped_by_entries_too() {
        let mut path = PathStack::default();
        let mut report = Report::for_input(0);
        for index in 0..(MAX_LISTED_CHANGES + 5) {
            path.push_index(index);
            report.list(&path, "dropped", "ssn");
            path.pop();
        }
        assert_eq!(report.changes.len(), MAX_LISTED_CHANGES);
        assert_eq!(report.omitted, 5);
    }

    #[test]
    fn counts_sort_by_frequency_then_name_and_merge() {
        let mut a = RuleCounts::default();
        a.add("dropped", "ssn");
        a.add("hashed", "phone");
        let mut b = RuleCounts::default();
        b.add("hashed", "phone");
        b.add("dropped", "password");
        a.merge(&b);
        let rows: Vec<_> = a
            .sorted()
            .into_iter()
            .map(|row| (row.action, row.rule, row.count))
            .collect();
        assert_eq!(
            rows,
            [
                ("hashed", "phone", 2),
                ("dropped", "password", 1),
                ("dropped", "ssn", 1)
            ]
        );
    }

    #[test]
    fn patterns_leave_indices_out_and_hide_personal_keys() {
        let mut path = PathStack::default();
        path.push_key("contacts".into());
        path.push_index(7);
        path.push_key("jane@example.com".into());
        path.push_key("phone".into());
        let mut counts = RuleCounts::default();
        counts.stage("hashed", "phone", &path);
        counts.commit();
        assert_eq!(
            counts.sorted()[0].paths,
            [("contacts[].<redacted>.phone", 1)]
        );
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
