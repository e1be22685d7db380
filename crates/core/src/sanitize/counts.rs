//! How many changes a walk made, by action and rule, and by the path pattern they were made at
//! (`contacts[].phone`: a path with its array indices left out). A summary of a whole export:
//! one row per rule and one count per pattern under it, never one entry per change, so memory
//! stays bounded whatever the input holds ([`MAX_PATTERNS`], [`MAX_PATTERN_BYTES`]).
//!
//! A bulk walk counts many documents into one `RuleCounts`. A document's changes are staged while
//! it is walked and committed when it is written, or discarded when it is refused: the counts
//! never include a record that was not written, and the patterns a refused record brought are
//! forgotten with it (they would take places in the table). Counting allocates nothing once a
//! rule and a pattern have been seen.
//!
//! Patterns are named first come, first served, up to [`MAX_PATTERNS`]; later ones count under
//! [`OTHER_PATHS`]. A bulk run counts each part of the input on its own thread and merges the
//! parts in input order, so below the cap the counts are the same whatever the threads and the
//! chunks; past it, which patterns keep their name may vary with them (each part fills its own
//! table), while every rule's total never does.

use rustc_hash::FxHashMap;

use super::report::{shown_key, PathStack, PatternSegment, REDACTED_KEY};

/// At most this many distinct patterns are kept; changes at others count under [`OTHER_PATHS`].
/// Objects keyed by ids (`{"users": {"u1": ...}}`) would otherwise make a pattern per record.
pub const MAX_PATTERNS: usize = 1_000;
/// A pattern is cut at this many bytes (and ends in `…`): deep paths of long keys stay short.
pub const MAX_PATTERN_BYTES: usize = 256;
/// A key longer than this shows as [`LONG_KEY`] in a pattern.
pub const MAX_PATTERN_KEY_BYTES: usize = 64;
/// What a pattern shows in place of a key longer than [`MAX_PATTERN_KEY_BYTES`].
pub const LONG_KEY: &str = "<long key>";
/// What a pattern shows for the empty key.
pub const EMPTY_KEY: &str = "\"\"";
/// The pattern changes are counted under once [`MAX_PATTERNS`] patterns are known.
pub const OTHER_PATHS: &str = "<other paths>";

/// No pattern: a change counted by action and rule only.
const NO_PATTERN: u32 = u32::MAX;
/// At most this many paths remember their pattern, and keys whether they are shown.
const MAX_REMEMBERED: usize = 4_096;
/// Up to this many rows are found by comparing names; more, through a table by rule name.
const LINEAR_ROWS: usize = 16;

#[derive(Clone, Debug, Default)]
struct Row {
    action: &'static str,
    rule: Box<str>,
    count: u64,
    /// Counts by pattern id (an index into `Patterns::names`).
    at: FxHashMap<u32, u64>,
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
    /// Past [`LINEAR_ROWS`] rows: their indexes by rule name (a policy may name thousands).
    by_rule: FxHashMap<Box<str>, Vec<u32>>,
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
    /// Whether a key is hidden in patterns, by key (see [`hidden_in_pattern`]).
    hidden: FxHashMap<Box<str>, bool>,
    /// `names.len()` when the document being walked began, and the paths it remembered: what a
    /// refused document brought is taken back.
    committed_names: usize,
    remembered_since: Vec<Box<[u8]>>,
    /// Where a pattern and a raw path are rendered (kept for their capacity).
    scratch: String,
    raw: Vec<u8>,
}

impl RuleCounts {
    /// Counts one change, committed at once, without a pattern. Not for a document being staged.
    pub fn add(&mut self, action: &'static str, rule: &str) {
        let row = self.row(action, rule);
        self.bump(row, NO_PATTERN, 1);
    }

    /// Counts one change at `pattern`, committed at once. Not for a document being staged.
    pub fn add_at(&mut self, action: &'static str, rule: &str, pattern: &str) {
        let row = self.row(action, rule);
        let patterns = self.patterns_mut();
        let pattern = patterns.id(pattern);
        patterns.mark_committed();
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
        if let Some(patterns) = self.patterns.as_mut() {
            patterns.mark_committed();
        }
    }

    /// Forgets the staged changes, and the patterns they brought: their document was refused.
    /// A rule first seen in it stays known with no count, and is never listed.
    pub fn discard(&mut self) {
        self.staged.clear();
        if let Some(patterns) = self.patterns.as_mut() {
            patterns.take_back();
        }
    }

    /// Adds `other`'s committed counts to these. `other`'s patterns are taken in the order they
    /// were first seen, so merging parts in input order names the same patterns as one walk
    /// would (up to the cap).
    pub fn merge(&mut self, other: &RuleCounts) {
        let ids: Vec<u32> = match &other.patterns {
            Some(theirs) => {
                let ours = self.patterns_mut();
                let ids = theirs.names.iter().map(|name| ours.id(name)).collect();
                ours.mark_committed();
                ids
            }
            None => Vec::new(),
        };
        for source in &other.rows {
            let row = self.row(source.action, &source.rule);
            let mut placed = 0;
            for (&pattern, &count) in &source.at {
                let Some(&id) = ids.get(pattern as usize) else {
                    continue;
                };
                self.bump(row, id, count);
                placed += count;
            }
            // Changes counted without a pattern.
            self.bump(row, NO_PATTERN, source.count.saturating_sub(placed));
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
                    .filter(|(_, &count)| count > 0)
                    .filter_map(|(&pattern, &count)| Some((self.pattern_name(pattern)?, count)))
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

    /// The row of `(action, rule)`, added the first time. Few rows are compared by name (cheaper
    /// than hashing one); past [`LINEAR_ROWS`], found by rule name in `by_rule`.
    fn row(&mut self, action: &'static str, rule: &str) -> u32 {
        let found = if self.rows.len() <= LINEAR_ROWS {
            self.rows
                .iter()
                .position(|row| row.action == action && &*row.rule == rule)
        } else {
            self.by_rule.get(rule).and_then(|rows| {
                rows.iter()
                    .map(|&row| row as usize)
                    .find(|&row| self.rows.get(row).is_some_and(|row| row.action == action))
            })
        };
        if let Some(index) = found {
            return u32::try_from(index).unwrap_or(NO_PATTERN);
        }
        self.rows.push(Row {
            action,
            rule: rule.into(),
            ..Row::default()
        });
        let index = u32::try_from(self.rows.len() - 1).unwrap_or(NO_PATTERN);
        if self.rows.len() == LINEAR_ROWS + 1 {
            // From now on by name: index every row so far.
            for (at, row) in self.rows.iter().enumerate() {
                let at = u32::try_from(at).unwrap_or(NO_PATTERN);
                self.by_rule.entry(row.rule.clone()).or_default().push(at);
            }
        } else if self.rows.len() > LINEAR_ROWS + 1 {
            self.by_rule.entry(rule.into()).or_default().push(index);
        }
        index
    }

    fn patterns_mut(&mut self) -> &mut Patterns {
        self.patterns.get_or_insert_with(Box::default)
    }

    fn pattern_name(&self, id: u32) -> Option<&str> {
        self.patterns
            .as_ref()?
            .names
            .get(id as usize)
            .map(AsRef::as_ref)
    }

    fn bump(&mut self, row: u32, pattern: u32, count: u64) {
        if count == 0 {
            return;
        }
        if let Some(row) = self.rows.get_mut(row as usize) {
            row.count += count;
            if pattern != NO_PATTERN {
                *row.at.entry(pattern).or_insert(0) += count;
            }
        }
    }
}

impl Patterns {
    /// The pattern id of `path`. Exports repeat their paths, so the pattern of a path seen
    /// before is found by its raw form (its keys as they are, one hash) instead of being rendered
    /// again; and whether a key is hidden is remembered too, as deciding it runs the detectors.
    fn id_of_path(&mut self, path: &PathStack<'_>) -> u32 {
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        let rememberable = path.raw(&mut raw, MAX_PATTERN_BYTES);
        let id = match self.remembered.get(raw.as_slice()) {
            Some(&id) if rememberable => id,
            _ => {
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.clear();
                for segment in path.pattern_segments() {
                    if scratch.len() >= MAX_PATTERN_BYTES {
                        break;
                    }
                    match segment {
                        PatternSegment::Key(key) => {
                            let hidden = self.hidden(key);
                            push_key_as(&mut scratch, key, hidden);
                        }
                        PatternSegment::Index => push_pattern_index(&mut scratch),
                    }
                }
                let id = self.id(&scratch);
                self.scratch = scratch;
                if rememberable && self.remembered.len() < MAX_REMEMBERED {
                    let raw: Box<[u8]> = raw.as_slice().into();
                    self.remembered.insert(raw.clone(), id);
                    self.remembered_since.push(raw);
                }
                id
            }
        };
        self.raw = raw;
        id
    }

    /// [`hidden_in_pattern`], remembered for short keys.
    fn hidden(&mut self, key: &str) -> bool {
        if key.len() > MAX_PATTERN_KEY_BYTES {
            return false; // shown as LONG_KEY, whatever it holds
        }
        if let Some(&hidden) = self.hidden.get(key) {
            return hidden;
        }
        let hidden = hidden_in_pattern(key);
        if self.hidden.len() < MAX_REMEMBERED {
            self.hidden.insert(key.into(), hidden);
        }
        hidden
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

    fn mark_committed(&mut self) {
        self.committed_names = self.names.len();
        self.remembered_since.clear();
    }

    /// Forgets the names and remembered paths added since the last commit.
    fn take_back(&mut self) {
        for name in self.names.drain(self.committed_names..) {
            self.ids.remove(&name);
        }
        for raw in self.remembered_since.drain(..) {
            self.remembered.remove(&raw);
        }
    }
}

/// Equal when they list the same counts (what was seen but never counted does not matter).
impl PartialEq for RuleCounts {
    fn eq(&self, other: &Self) -> bool {
        self.sorted() == other.sorted()
    }
}

impl Eq for RuleCounts {}

/// Whether a pattern shows `key` as [`REDACTED_KEY`]: when a report's path would (an email
/// address, anything a value detector finds), and also when it looks like an id or an address
/// that the detectors leave to context (three digits or more, as in `cust_8812` or
/// `555-012-3456`; an `@` in any form). A summary adds the patterns of every record up: a key per
/// customer would both expose them and flood the table, and under `<redacted>` they add up to one.
pub fn hidden_in_pattern(key: &str) -> bool {
    let digits = key.bytes().filter(u8::is_ascii_digit).count();
    digits >= 3
        || key.contains(['@', '\u{FF20}', '\u{FE6B}'])
        || key.to_ascii_lowercase().contains("%40")
        || shown_key(key) == REDACTED_KEY
}

/// Appends `key` to a pattern being rendered in `out` (`.` between keys; [`REDACTED_KEY`] for a
/// key [`hidden_in_pattern`], [`LONG_KEY`] for a long one), keeping the pattern within
/// [`MAX_PATTERN_BYTES`].
pub fn push_pattern_key(out: &mut String, key: &str) {
    let hidden = key.len() <= MAX_PATTERN_KEY_BYTES && hidden_in_pattern(key);
    push_key_as(out, key, hidden);
}

fn push_key_as(out: &mut String, key: &str, hidden: bool) {
    if out.len() >= MAX_PATTERN_BYTES {
        return;
    }
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(if key.len() > MAX_PATTERN_KEY_BYTES {
        LONG_KEY
    } else if hidden {
        REDACTED_KEY
    } else if key.is_empty() {
        EMPTY_KEY
    } else {
        key
    });
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
        dotted.push_key("plan.tier".into());
        let mut split = PathStack::default();
        split.push_key("plan".into());
        split.push_key("tier".into());
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
                    vec![("plan.tier".to_owned(), 3)]
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

    fn path(keys: &[&str]) -> PathStack<'static> {
        let mut path = PathStack::default();
        for key in keys {
            path.push_key(key.to_string().into());
        }
        path
    }

    #[test]
    fn merging_keeps_the_order_patterns_were_first_seen_in() {
        // A part that saw `a0.password`, then `m0.phone`, then 1,100 more `aN.password`: merged,
        // `m0.phone` (the second pattern seen) keeps its name, as in one walk of the same input.
        let mut part = RuleCounts::default();
        part.stage("dropped", "credential", &path(&["a0", "password"]));
        part.stage("hashed", "phone", &path(&["m0", "phone"]));
        for i in 1..1_100 {
            part.stage(
                "dropped",
                "credential",
                &path(&[&format!("a{i}"), "password"]),
            );
        }
        part.commit();
        let mut summary = RuleCounts::default();
        summary.merge(&part);
        assert_eq!(summary, part);
        let phone = summary
            .sorted()
            .into_iter()
            .find(|row| row.rule == "phone")
            .unwrap();
        assert_eq!(phone.paths, [("m0.phone", 1)]);
    }

    #[test]
    fn a_refused_document_gives_back_the_patterns_it_brought() {
        let mut counts = RuleCounts::default();
        for i in 0..MAX_PATTERNS * 2 {
            counts.stage(
                "dropped",
                "credential",
                &path(&[&format!("u{i}"), "password"]),
            );
            counts.discard();
        }
        counts.stage("dropped", "credential", &path(&["real", "password"]));
        counts.commit();
        assert_eq!(counts.sorted()[0].paths, [("real.password", 1)]);
        let patterns = counts.patterns.as_ref().unwrap();
        assert_eq!(patterns.names.len(), 1);
        assert_eq!(patterns.remembered.len(), 1);
    }

    #[test]
    fn thousands_of_rules_are_found_by_name() {
        let mut counts = RuleCounts::default();
        for round in 0..3 {
            for i in 0..3_000 {
                counts.add("dropped", &format!("rule_{i}"));
                if round == 0 && i % 2 == 0 {
                    counts.add("hashed", &format!("rule_{i}"));
                }
            }
        }
        assert_eq!(counts.rows.len(), 4_500);
        let rows = counts.sorted();
        assert!(rows
            .iter()
            .all(|row| row.count == if row.action == "dropped" { 3 } else { 1 }));
        assert_eq!(counts.total(), 9_000 + 1_500);
    }

    #[test]
    fn ids_and_addresses_as_keys_are_hidden_in_patterns() {
        for key in [
            "cust_8812",
            "555-012-3456",
            "5550123456",
            "123456789",
            "jane@localhost",
            "jane%40example.com",
            "jane\u{FF20}example.com",
            "+15550123456",
            "4111 1111 1111 1111",
        ] {
            assert!(hidden_in_pattern(key), "{key}");
        }
        for key in [
            "email",
            "address_line1",
            "utm_v2",
            "phone_number",
            "2fa",
            "x",
        ] {
            assert!(!hidden_in_pattern(key), "{key}");
        }
        let mut out = String::new();
        push_pattern_key(&mut out, "users");
        push_pattern_key(&mut out, "cust_8812");
        push_pattern_key(&mut out, "");
        assert_eq!(out, "users.<redacted>.\"\"");
    }
}
