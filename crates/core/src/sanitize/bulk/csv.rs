//! CSV (RFC 4180), the format of Customer.io's people and attribute imports, sanitized by column:
//! the header names each column, and the policy decides each name once. Dropped columns are
//! removed, hashed ones renamed `<name>_hash`, and every other cell goes through the detectors,
//! exactly as a JSON string under that key would. An empty cell stays empty (it holds no value).
//!
//! Records are parsed in order by `csv_core` (push-based, so a record may span any number of
//! input chunks, quoted newlines included); whole records are then sanitized in parallel.

use std::borrow::Cow;

use csv_core::{ReadRecordResult, Reader, Terminator, WriteResult, Writer, WriterBuilder};

use super::{Part, PartContext};
use crate::sanitize::counts::push_pattern_key;
use crate::sanitize::policy::{
    Decision, ErrorCode, LimitMode, Policy, SanitizeError, Scalar, Scan,
};
use crate::sanitize::report::{action, rule, ReportMode, RuleCounts};
use crate::sanitize::rules::Action;

/// Room kept free in the field buffer before each parse step.
const MIN_ROOM: usize = 64 * 1024;

/// One parsed record: its fields' bytes sit in [`CsvInput`]'s buffer from `data_start`, and its
/// field ends (relative to `data_start`) in the ends buffer from `ends_start` to `ends_end`.
#[derive(Clone, Copy, Debug)]
pub struct RowSpan {
    data_start: usize,
    ends_start: usize,
    ends_end: usize,
}

/// The parser's state across input chunks, and the complete records not yet sanitized.
pub struct CsvInput {
    reader: Reader,
    data: Vec<u8>,
    filled: usize,
    ends: Vec<usize>,
    ends_filled: usize,
    /// Where the record being parsed started (it may continue in the next chunk).
    record_data: usize,
    record_ends: usize,
    rows: Vec<RowSpan>,
    ended: bool,
}

impl CsvInput {
    pub fn new() -> Self {
        CsvInput {
            reader: Reader::new(),
            data: Vec::new(),
            filled: 0,
            ends: Vec::new(),
            ends_filled: 0,
            record_data: 0,
            record_ends: 0,
            rows: Vec::new(),
            ended: false,
        }
    }

    /// Parses `input` into complete records (kept until [`CsvInput::take_rows`]).
    pub fn feed(&mut self, input: &[u8]) {
        self.parse(input, false);
    }

    /// The end of the input: the last record, even without a line ending.
    pub fn finish(&mut self) {
        self.parse(&[], true);
    }

    fn parse(&mut self, mut input: &[u8], at_end: bool) {
        if self.ended {
            return;
        }
        loop {
            // An empty input tells csv_core the data has ended: only say so at the end.
            if input.is_empty() && !at_end {
                return;
            }
            if self.data.len().saturating_sub(self.filled) < MIN_ROOM {
                let size = self
                    .data
                    .len()
                    .saturating_mul(2)
                    .max(self.filled + MIN_ROOM);
                self.data.resize(size, 0);
            }
            if self.ends.len() <= self.ends_filled {
                let size = self.ends.len().saturating_mul(2).max(64);
                self.ends.resize(size, 0);
            }
            let output = self.data.get_mut(self.filled..).unwrap_or_default();
            let ends = self.ends.get_mut(self.ends_filled..).unwrap_or_default();
            let (result, read, wrote, ended) = self.reader.read_record(input, output, ends);
            input = input.get(read..).unwrap_or_default();
            self.filled += wrote;
            self.ends_filled += ended;
            match result {
                ReadRecordResult::InputEmpty => {
                    if !at_end {
                        return;
                    }
                }
                ReadRecordResult::OutputFull => {
                    let size = self.data.len().saturating_mul(2);
                    self.data.resize(size, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let size = self.ends.len().saturating_mul(2).max(64);
                    self.ends.resize(size, 0);
                }
                ReadRecordResult::Record => {
                    self.rows.push(RowSpan {
                        data_start: self.record_data,
                        ends_start: self.record_ends,
                        ends_end: self.ends_filled,
                    });
                    self.record_data = self.filled;
                    self.record_ends = self.ends_filled;
                }
                ReadRecordResult::End => {
                    self.ended = true;
                    return;
                }
            }
        }
    }

    /// Bytes held by complete records.
    pub fn pending_bytes(&self) -> usize {
        self.record_data
    }

    pub fn rows(&self) -> &[RowSpan] {
        &self.rows
    }

    /// The fields of `row`.
    pub fn fields(&self, row: &RowSpan) -> Vec<&[u8]> {
        let data = self.data.get(row.data_start..).unwrap_or_default();
        let ends = self
            .ends
            .get(row.ends_start..row.ends_end)
            .unwrap_or_default();
        let mut start = 0;
        ends.iter()
            .map(|&end| {
                let field = data.get(start..end).unwrap_or_default();
                start = end;
                field
            })
            .collect()
    }

    /// Forgets the complete records (after they were sanitized), keeping the one being parsed.
    pub fn clear_rows(&mut self) {
        self.rows.clear();
        self.data.copy_within(self.record_data..self.filled, 0);
        self.filled -= self.record_data;
        self.record_data = 0;
        self.ends.copy_within(self.record_ends..self.ends_filled, 0);
        self.ends_filled -= self.record_ends;
        self.record_ends = 0;
    }
}

/// What happens to one column, decided once from its header name.
#[derive(Clone, Debug)]
enum Column {
    /// Left out of the output; non-empty cells are counted as `dropped <rule>`.
    Removed(String),
    /// An explicit `keep` rule: copied as it is, without the detectors (as in JSON).
    Verbatim,
    /// No rule: the value detectors run on every cell.
    Scanned,
    /// Hashed, masked, validated...: under the rule's name.
    Transformed { action: Action, rule: String },
}

/// The header's decisions and the header row to write.
pub struct Header {
    columns: Vec<Column>,
    /// Each column's name as the summary's path patterns show it (none when nothing is counted).
    patterns: Vec<String>,
    /// The sanitized header row, CSV-encoded with its line ending.
    pub row: Vec<u8>,
    /// Limits the header itself breaks (`limit` counts), reported once.
    pub counts: RuleCounts,
}

impl Header {
    /// Decides every column of the header row. Fails when a name is not UTF-8, or a limit is
    /// broken under `"limits": "error"`.
    pub fn new(fields: &[&[u8]], policy: &Policy, mode: ReportMode) -> Result<Self, SanitizeError> {
        let mut columns = Vec::with_capacity(fields.len());
        let mut patterns = Vec::with_capacity(fields.len());
        let mut names: Vec<Cow<'_, str>> = Vec::with_capacity(fields.len());
        let mut counts = RuleCounts::default();
        let limits = policy.limits;
        let check = limits.mode == LimitMode::Error
            || (limits.mode == LimitMode::Report && mode != ReportMode::Off);
        for (index, field) in fields.iter().enumerate() {
            let name = std::str::from_utf8(field).map_err(|_| {
                SanitizeError::new(
                    ErrorCode::InvalidCsv,
                    format!("the header's column {} is not UTF-8", index + 1),
                )
            })?;
            let column = match policy.decide(name) {
                Decision::Forbidden => Column::Removed(rule::PROTOTYPE_KEY.to_owned()),
                Decision::Unlisted => Column::Removed(rule::NOT_ALLOWED.to_owned()),
                Decision::Keep => Column::Scanned,
                Decision::Rule(rule) => match rule.action {
                    Action::Drop => Column::Removed(rule.name.clone()),
                    Action::Keep | Action::Allow => Column::Verbatim,
                    action => Column::Transformed {
                        action,
                        rule: rule.name.clone(),
                    },
                },
            };
            match &column {
                Column::Removed(_) => {}
                Column::Transformed { action, .. } if action.renames() => {
                    names.push(Cow::Owned(format!("{name}_hash")));
                }
                _ => names.push(Cow::Borrowed(name)),
            }
            if check && !matches!(column, Column::Removed(_)) && name.len() > limits.name_bytes {
                limit(&mut counts, limits.mode, rule::ATTRIBUTE_NAME_TOO_LONG)?;
            }
            if mode != ReportMode::Off {
                let mut pattern = String::new();
                push_pattern_key(&mut pattern, name);
                patterns.push(pattern);
            }
            columns.push(column);
        }
        if check && names.len() > limits.attributes {
            limit(&mut counts, limits.mode, rule::TOO_MANY_ATTRIBUTES)?;
        }
        let mut row = Vec::new();
        write_record(&mut row, names.iter().map(|name| name.as_bytes()));
        Ok(Header {
            columns,
            patterns,
            row,
            counts,
        })
    }
}

fn limit(
    counts: &mut RuleCounts,
    mode: LimitMode,
    rule: &'static str,
) -> Result<(), SanitizeError> {
    if mode == LimitMode::Error {
        return Err(SanitizeError::new(
            ErrorCode::LimitExceeded,
            format!("a Customer.io limit is exceeded ({rule})"),
        ));
    }
    counts.add(action::LIMIT, rule);
    Ok(())
}

/// Sanitizes `rows` (numbered from 1 within the part) into CSV records.
pub fn sanitize_rows(
    input: &CsvInput,
    rows: &[RowSpan],
    header: &Header,
    context: &PartContext<'_>,
) -> Part {
    let mut result = Part {
        out: Vec::with_capacity(rows.len() * 64),
        ..Part::default()
    };
    let mut changes = Vec::new();
    for row in rows {
        result.units += 1;
        result.records += 1;
        changes.clear();
        let fields = input.fields(row);
        match sanitize_row(&fields, header, context, &mut changes) {
            Ok(cells) => {
                write_record(&mut result.out, cells.iter().map(|cell| cell.as_ref()));
                result.written += 1;
                for (action, rule, column) in changes.drain(..) {
                    let pattern = header.patterns.get(column).map_or("", String::as_str);
                    result.counts.add_at(action, rule, pattern);
                }
            }
            Err(error) => {
                if result.fail(result.units, error, context) {
                    break;
                }
            }
        }
    }
    result
}

/// A change to a cell: action, rule and column.
type CellChange<'h> = (&'static str, &'h str, usize);

fn sanitize_row<'r, 'h>(
    fields: &[&'r [u8]],
    header: &'h Header,
    context: &PartContext<'_>,
    changes: &mut Vec<CellChange<'h>>,
) -> Result<Vec<Cow<'r, [u8]>>, SanitizeError> {
    if fields.len() != header.columns.len() {
        return Err(SanitizeError::new(
            ErrorCode::CsvFieldCount,
            format!(
                "the row has {} fields, the header {}",
                fields.len(),
                header.columns.len()
            ),
        ));
    }
    let policy = context.policy;
    let counting = context.mode != ReportMode::Off;
    let mut note = |action: &'static str, rule: &'h str, column: usize| {
        if counting {
            changes.push((action, rule, column));
        }
    };
    let mut cells = Vec::with_capacity(fields.len());
    for (index, (column, field)) in header.columns.iter().zip(fields).enumerate() {
        let field: &'r [u8] = field;
        let cell: Cow<'r, [u8]> = match column {
            Column::Removed(rule) => {
                if !field.is_empty() {
                    note(action::DROPPED, rule, index);
                }
                continue;
            }
            Column::Verbatim => Cow::Borrowed(field),
            _ if field.is_empty() => Cow::Borrowed(field),
            Column::Scanned => match policy.scan(text(field, index)?) {
                Scan::Clean => Cow::Borrowed(field),
                Scan::Redacted(redacted, found) => {
                    for detector in found {
                        note(action::REDACTED, detector.rule(), index);
                    }
                    Cow::Owned(redacted.into_bytes())
                }
                Scan::Drop(found) => {
                    for detector in found {
                        note(action::DROPPED, detector.rule(), index);
                    }
                    Cow::Borrowed(&[][..])
                }
            },
            Column::Transformed { action, rule } => {
                match policy.transform(*action, text(field, index)?)? {
                    Scalar::Value(value) => {
                        note(action.verb(), rule, index);
                        Cow::Owned(value.into_bytes())
                    }
                    Scalar::Drop(reason) => {
                        note(action::DROPPED, reason, index);
                        Cow::Borrowed(&[][..])
                    }
                }
            }
        };
        let limits = policy.limits;
        if cell.len() > limits.value_bytes
            && (limits.mode == LimitMode::Error || (limits.mode == LimitMode::Report && counting))
        {
            if limits.mode == LimitMode::Error {
                return Err(SanitizeError::new(
                    ErrorCode::LimitExceeded,
                    "a Customer.io limit is exceeded (attribute_value_too_long)",
                ));
            }
            note(action::LIMIT, rule::ATTRIBUTE_VALUE_TOO_LONG, index);
        }
        cells.push(cell);
    }
    Ok(cells)
}

fn text(field: &[u8], index: usize) -> Result<&str, SanitizeError> {
    std::str::from_utf8(field).map_err(|_| {
        SanitizeError::new(
            ErrorCode::InvalidCsv,
            format!("column {} is not UTF-8", index + 1),
        )
    })
}

fn writer() -> Writer {
    // RFC 4180: CRLF line endings, fields quoted when they hold a comma, a quote or a line break.
    WriterBuilder::new().terminator(Terminator::CRLF).build()
}

/// Appends one CSV record (quoted as RFC 4180 requires) and its CRLF.
pub fn write_record<'f>(out: &mut Vec<u8>, fields: impl Iterator<Item = &'f [u8]>) {
    let mut writer = writer();
    let mut scratch = [0u8; 4096];
    let mut first = true;
    for field in fields {
        if !first {
            drain(out, &mut scratch, |buf| {
                let (result, wrote) = writer.delimiter(buf);
                (result, wrote)
            });
        }
        first = false;
        let mut rest = field;
        loop {
            let (result, read, wrote) = writer.field(rest, &mut scratch);
            out.extend_from_slice(scratch.get(..wrote).unwrap_or_default());
            rest = rest.get(read..).unwrap_or_default();
            if result == WriteResult::InputEmpty && rest.is_empty() {
                break;
            }
        }
    }
    drain(out, &mut scratch, |buf| writer.terminator(buf));
}

fn drain(
    out: &mut Vec<u8>,
    scratch: &mut [u8; 4096],
    mut step: impl FnMut(&mut [u8]) -> (WriteResult, usize),
) {
    loop {
        let (result, wrote) = step(scratch);
        out.extend_from_slice(scratch.get(..wrote).unwrap_or_default());
        if result == WriteResult::InputEmpty {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8], step: usize) -> Vec<Vec<String>> {
        let mut input = CsvInput::new();
        for chunk in text.chunks(step) {
            input.feed(chunk);
        }
        input.finish();
        input
            .rows()
            .iter()
            .map(|row| {
                input
                    .fields(row)
                    .iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn rfc_4180_records_parse_whatever_the_chunking() {
        let text = b"a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n1,,3";
        for step in [1, 2, 5, 1000] {
            assert_eq!(
                parse(text, step),
                [
                    vec!["a", "b", "c"],
                    vec!["x, y", "say \"hi\"", "two\r\nlines"],
                    vec!["1", "", "3"]
                ],
                "step {step}"
            );
        }
    }

    #[test]
    fn records_are_written_with_rfc_4180_quoting() {
        let mut out = Vec::new();
        let fields: [&[u8]; 5] = [b"plain", b"x, y", b"say \"hi\"", b"two\nlines", b""];
        write_record(&mut out, fields.into_iter());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain,\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn a_long_field_is_written_whole() {
        let long = "\"".repeat(10_000);
        let mut out = Vec::new();
        write_record(&mut out, [long.as_bytes()].into_iter());
        assert_eq!(out.len(), 20_000 + 2 + 2);
        assert_eq!(parse(&out, 777), [vec![long]]);
    }

    #[test]
    fn the_header_decides_each_column_once() {
        let policy = Policy::default();
        let fields: [&[u8]; 5] = [b"id", b"email", b"ssn", b"Phone", b"__proto__"];
        let header = Header::new(&fields, &policy, ReportMode::Counts).unwrap();
        assert_eq!(
            String::from_utf8(header.row.clone()).unwrap(),
            "id,email,Phone_hash\r\n"
        );
        assert!(matches!(header.columns[2], Column::Removed(ref rule) if rule == "government_id"));
        assert!(matches!(header.columns[4], Column::Removed(ref rule) if rule == "prototype_key"));
    }
}
