//! How many changes a walk made, by action and rule, and by the path pattern they were made at
//! (`contacts[].phone`: a path with its array indices left out). A summary of a whole export:
//! one row per rule and one count per pattern under it, never one entry per change, so memory
//! stays bounded whatever the input holds ([`MAX_PATTERNS`], [`MAX_PATTERN_BYTES`]).
//!
//! A bulk walk counts many documents into one `RuleCounts`. A document's changes are staged while
//! it is walked and committed when it is written, or discarded when it is refused, so the counts
//! never include a record that was not written. Counting looks a rule up by its name without
//! allocating: a rule's name is copied once, the first time it is counted.

use rustc_hash::FxHashMap;

use super::report::PathStack;

/// At most this many distinct patterns are kept; changes at others count under [`OTHER_PATHS`].
/// Objects keyed by ids (`{"users": {"u1": ...}}`) would otherwise make a pattern per record.
pub const MAX_PATTERNS: usize = 1_000;
/// A pattern is cut at this many bytes (and ends in `…`): deep paths of long keys stay short.
pub const MAX_PATTERN_BYTES: usize = 256;
/// A key longer than this shows as [`LONG_KEY`] in a pattern.
pub const MAX_PATTERN_KEY_BYTES: usize = 64;
/// What a pattern shows in place of a key longer than [`MAX_PATTERN_KEY_BYTES`].
pub const LONG_KEY: &str = "<long key>";
/// The pattern changes are counted under once [`MAX_PATTERNS`] patterns are known.
pub const OTHER_PATHS: &str = "<other paths>";

/// No pattern: a change counted by action and rule only.
const NO_PATTERN: u32 = u32::MAX;
/// At most this many paths remember their pattern (see [`RuleCounts::pattern_of`]).
const MAX_REMEMBERED_PATHS: usize = 4_096;

#[derive(Clone, Debug, Default)]
struct Row {
    action: &'static str,
    rule: Box<str>,
    count: u64,
    /// Counts by pattern id (an index into `RuleCounts::patterns`, so at most [`MAX_PATTERNS`]).
    at: Vec<u64>,
}

/// One row of [`RuleCounts::sorted`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleCount<'c> {
    pub action: &'static str,
    pub rule: &'c str,
    pub count: u64,
    /// `(pattern, count)`, most frequent first, then by pattern. Empty when the changes were
    /// counted without their place (a per-document report, the CSV header's limits).
    pub paths: Vec<(&'c str, u64)>,
}

/// Changes counted by action and rule and by path pattern.
#[derive(Clone, Debug, Default)]
pub struct RuleCounts {
    rows: Vec<Row>,
    /// Changes of the document being walked: `(row, pattern)`.
    staged: Vec<(u32, u32)>,
    /// Made when the first pattern is counted: a single document's report, which counts none,
    /// stays small to move.
    patterns: Option<Box<Patterns>>,
}

/// The patterns seen, by id.
#[derive(Clone, Debug, Default)]
struct Patterns {
    names: Vec<Box<str>>,
    ids: FxHashMap<Box<str>, u32>,
    /// Pattern ids by the exact path they were rendered from (see [`PathStack::raw`]).
    remembered: FxHashMap<Box<[u8]>, u32>,
    /// Where a pattern and a raw path are rendered (kept for their capacity).
    scratch: String,
    raw: Vec<u8>,
}

impl RuleCounts {
    /// Counts one change, committed at once, without a pattern.
    pub fn add(&mut self, action: &'static str, rule: &str) {
        let row = self.row(action, rule);
        self.bump(row, NO_PATTERN, 1);
    }

    /// Counts one change at `pattern`, committed at once.
    pub fn add_at(&mut self, action: &'static str, rule: &str, pattern: &str) {
        let row = self.row(action, rule);
        let pattern = self.patterns_mut().id(pattern);
        self.bump(row, pattern, 1);
    }

    /// Stages one change of the document being walked, at the pattern of `path`: counted by
    /// [`RuleCounts::commit`], forgotten by [`RuleCounts::discard`].
    pub fn stage(&mut self, action: &'static str, rule: &str, path: &PathStack<'_>) {
        let row = self.row(action, rule);
        let pattern = self.patterns_mut().id_of_path(path);
        self.staged.push((row, pattern));
    }

    /// Counts the staged changes: their document was written.
    pub fn commit(&mut self) {
        let staged = std::mem::take(&mut self.staged);
        for &(row, pattern) in &staged {
            self.bump(row, pattern, 1);
        }
        self.staged = staged;
        self.staged.clear();
    }

    /// Forgets the staged changes: their document was refused. Rules and patterns first seen in
    /// it stay known with no count, and are never listed.
    pub fn discard(&mut self) {
        self.staged.clear();
    }

    /// Adds `other`'s committed counts to these.
    pub fn merge(&mut self, other: &RuleCounts) {
        for source in &other.rows {
            let row = self.row(source.action, &source.rule);
            let mut placed = 0;
            for (pattern, &count) in source.at.iter().enumerate() {
                let Some(name) = other.pattern_name(pattern) else {
                    continue;
                };
                if count == 0 {
                    continue;
                }
                let pattern = self.patterns_mut().id(name);
                self.bump(row, pattern, count);
                placed += count;
            }
            // Changes counted without a pattern.
            if let Some(row) = self.rows.get_mut(row as usize) {
                row.count += source.count.saturating_sub(placed);
            }
        }
    }

    /// Every committed change.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|row| row.count).sum()
    }

    /// The rows with changes, most frequent first, then by action and rule: a stable order to
    /// print.
    pub fn sorted(&self) -> Vec<RuleCount<'_>> {
        let mut rows: Vec<RuleCount<'_>> = self
            .rows
            .iter()
            .filter(|row| row.count > 0)
            .map(|row| {
                let mut paths: Vec<(&str, u64)> = row
                    .at
                    .iter()
                    .enumerate()
                    .filter(|(_, &count)| count > 0)
                    .filter_map(|(pattern, &count)| Some((self.pattern_name(pattern)?, count)))
                    .collect();
                paths.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                RuleCount {
                    action: row.action,
                    rule: &row.rule,
                    count: row.count,
                    paths,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.action.cmp(b.action))
                .then(a.rule.cmp(b.rule))
        });
        rows
    }

    /// The row of `(action, rule)`, added the first time. A linear search: a policy has tens of
    /// rules, and comparing a few short names costs less than hashing one.
    fn row(&mut self, action: &'static str, rule: &str) -> u32 {
        let found = self
            .rows
            .iter()
            .position(|row| row.action == action && &*row.rule == rule);
        let index = found.unwrap_or_else(|| {
            self.rows.push(Row {
                action,
                rule: rule.into(),
                ..Row::default()
            });
            self.rows.len() - 1
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    fn patterns_mut(&mut self) -> &mut Patterns {
        self.patterns.get_or_insert_with(Box::default)
    }

    fn pattern_name(&self, id: usize) -> Option<&str> {
        self.patterns.as_ref()?.names.get(id).map(AsRef::as_ref)
    }

    fn bump(&mut self, row: u32, pattern: u32, count: u64) {
        if let Some(row) = self.rows.get_mut(row as usize) {
            row.count += count;
            if pattern != NO_PATTERN {
                let index = pattern as usize;
                if row.at.len() <= index {
                    row.at.resize(index + 1, 0);
                }
                if let Some(slot) = row.at.get_mut(index) {
                    *slot += count;
                }
            }
        }
    }
}

impl Patterns {
    /// The pattern id of `path`. Exports repeat their paths, so the pattern of a path seen
    /// before is found by its raw form (its keys as they are, one hash) instead of being rendered
    /// again, which checks every key for personal data.
    fn id_of_path(&mut self, path: &PathStack<'_>) -> u32 {
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        let rememberable = path.raw(&mut raw, MAX_PATTERN_BYTES);
        let id = match self.remembered.get(raw.as_slice()) {
            Some(&id) if rememberable => id,
            _ => {
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.clear();
                path.render_pattern(&mut scratch);
                let id = self.id(&scratch);
                self.scratch = scratch;
                if rememberable && self.remembered.len() < MAX_REMEMBERED_PATHS {
                    self.remembered.insert(raw.as_slice().into(), id);
                }
                id
            }
        };
        self.raw = raw;
        id
    }

    /// The id of `pattern`, added the first time while there is room, else [`OTHER_PATHS`]'s.
    fn id(&mut self, pattern: &str) -> u32 {
        if let Some(&id) = self.ids.get(pattern) {
            return id;
        }
        // The last place is kept for OTHER_PATHS.
        let pattern = if self.names.len() + 1 < MAX_PATTERNS {
            pattern
        } else {
            OTHER_PATHS
        };
        if let Some(&id) = self.ids.get(pattern) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NO_PATTERN);
        self.names.push(pattern.into());
        self.ids.insert(pattern.into(), id);
        id
    }
}

/// Equal when they list the same counts (what was seen but never counted does not matter).
impl PartialEq for RuleCounts {
    fn eq(&self, other: &Self) -> bool {
        self.sorted() == other.sorted()
    }
}

impl Eq for RuleCounts {}

/// Appends `key` to a pattern being rendered in `out` as a path would show it (`.` between
/// keys; [`super::report::REDACTED_KEY`] for a key that carries personal data, [`LONG_KEY`] for
/// a long one), keeping the pattern within [`MAX_PATTERN_BYTES`].
pub fn push_pattern_key(out: &mut String, key: &str) {
    if out.len() >= MAX_PATTERN_BYTES {
        return;
    }
    if !out.is_empty() {
        out.push('.');
    }
    if key.len() > MAX_PATTERN_KEY_BYTES {
        out.push_str(LONG_KEY);
    } else {
        out.push_str(&super::report::shown_key(key));
    }
    cut(out);
}

/// Appends an array element (`[]`, whatever its index) to a pattern being rendered in `out`.
pub fn push_pattern_index(out: &mut String) {
    if out.len() >= MAX_PATTERN_BYTES {
        return;
    }
    out.push_str("[]");
    cut(out);
}

/// Cuts a pattern that has grown past [`MAX_PATTERN_BYTES`] at a character boundary, with `…`.
fn cut(out: &mut String) {
    if out.len() <= MAX_PATTERN_BYTES {
        return;
    }
    let mut end = MAX_PATTERN_BYTES;
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out.push('…');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `("<action> <rule>", count, [(pattern, count)])`.
    type Listed = (String, u64, Vec<(String, u64)>);

    fn rows(counts: &RuleCounts) -> Vec<Listed> {
        counts
            .sorted()
            .into_iter()
            .map(|row| {
                (
                    format!("{} {}", row.action, row.rule),
                    row.count,
                    row.paths
                        .into_iter()
                        .map(|(p, n)| (p.to_owned(), n))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn counts_by_rule_and_pattern_most_frequent_first() {
        let mut counts = RuleCounts::default();
        counts.add_at("hashed", "phone", "phone");
        counts.add_at("hashed", "phone", "contacts[].phone");
        counts.add_at("hashed", "phone", "contacts[].phone");
        counts.add("dropped", "credential");
        assert_eq!(
            rows(&counts),
            vec![
                (
                    "hashed phone".to_owned(),
                    3,
                    vec![("contacts[].phone".to_owned(), 2), ("phone".to_owned(), 1)]
                ),
                ("dropped credential".to_owned(), 1, vec![]),
            ]
        );
        assert_eq!(counts.total(), 4);
    }

    #[test]
    fn staged_changes_count_only_when_committed() {
        let mut ssn = PathStack::default();
        ssn.push_key("ssn".into());
        let mut counts = RuleCounts::default();
        counts.stage("dropped", "government_id", &ssn);
        counts.discard();
        assert_eq!(counts.total(), 0);
        assert!(
            counts.sorted().is_empty(),
            "a rule seen only in a refused document is not listed"
        );
        counts.stage("dropped", "government_id", &ssn);
        counts.stage("dropped", "government_id", &ssn);
        counts.commit();
        counts.commit();
        assert_eq!(
            rows(&counts),
            vec![(
                "dropped government_id".to_owned(),
                2,
                vec![("ssn".to_owned(), 2)]
            )]
        );
    }

    #[test]
    fn merge_adds_rows_patterns_and_unplaced_counts() {
        let mut a = RuleCounts::default();
        a.add_at("hashed", "phone", "phone");
        let mut b = RuleCounts::default();
        b.add_at("hashed", "phone", "mobile");
        b.add_at("hashed", "phone", "phone");
        b.add("limit", "too_many_attributes");
        let mut password = PathStack::default();
        password.push_key("password".into());
        b.stage("dropped", "credential", &password);
        a.merge(&b);
        assert_eq!(
            rows(&a),
            vec![
                (
                    "hashed phone".to_owned(),
                    3,
                    vec![("phone".to_owned(), 2), ("mobile".to_owned(), 1)]
                ),
                ("limit too_many_attributes".to_owned(), 1, vec![]),
            ]
        );
        let mut c = RuleCounts::default();
        c.merge(&a);
        assert_eq!(c, a);
    }

    #[test]
    fn patterns_past_the_cap_count_as_other_paths() {
        let mut counts = RuleCounts::default();
        for i in 0..MAX_PATTERNS + 500 {
            counts.add_at("dropped", "credential", &format!("users.u{i}.password"));
        }
        let row = &counts.sorted()[0];
        assert_eq!(row.count, (MAX_PATTERNS + 500) as u64);
        assert_eq!(row.paths.len(), MAX_PATTERNS);
        assert_eq!(row.paths[0], (OTHER_PATHS, 501));
        assert!(counts.patterns.as_ref().unwrap().names.len() <= MAX_PATTERNS);
    }

    #[test]
    fn a_path_seen_before_finds_its_pattern_without_rendering_it_again() {
        let mut counts = RuleCounts::default();
        let mut path = PathStack::default();
        // Paths that differ only where a pattern cannot show it share one pattern...
        for index in [0, 1, 2] {
            path.push_key("contacts".into());
            path.push_index(index);
            path.push_key("phone".into());
            counts.stage("hashed", "phone", &path);
            path = PathStack::default();
        }
        // ...and keys are told apart exactly: `a.b` is not `a` then `b` for the raw form.
        let mut dotted = PathStack::default();
        dotted.push_key("x@y.com".into());
        let mut split = PathStack::default();
        split.push_key("x@y".into());
        split.push_key("com".into());
        counts.stage("dropped", "credential", &dotted);
        counts.stage("dropped", "credential", &split);
        counts.stage("dropped", "credential", &dotted);
        counts.commit();
        assert_eq!(
            rows(&counts),
            vec![
                (
                    "dropped credential".to_owned(),
                    3,
                    vec![("<redacted>".to_owned(), 2), ("x@y.com".to_owned(), 1)]
                ),
                (
                    "hashed phone".to_owned(),
                    3,
                    vec![("contacts[].phone".to_owned(), 3)]
                ),
            ]
        );
        assert_eq!(counts.patterns.as_ref().unwrap().remembered.len(), 3);
    }

    #[test]
    fn patterns_stay_short_and_hide_personal_keys() {
        let mut out = String::new();
        push_pattern_key(&mut out, "contacts");
        push_pattern_index(&mut out);
        push_pattern_key(&mut out, "jane@example.com");
        push_pattern_key(&mut out, &"k".repeat(MAX_PATTERN_KEY_BYTES + 1));
        assert_eq!(out, "contacts[].<redacted>.<long key>");

        let mut deep = String::new();
        for _ in 0..1_000 {
            push_pattern_key(&mut deep, "é".repeat(30).as_str());
            push_pattern_index(&mut deep);
        }
        assert!(deep.len() <= MAX_PATTERN_BYTES + '…'.len_utf8());
        assert!(deep.ends_with('…'));
    }
}
