//! Bulk sanitization: a stream of NDJSON or CSV, plain or gzip, pushed chunk by chunk and
//! sanitized on every core, in input order. Memory is bounded by the longest record and by what
//! one batch gives: the complete records of a push, sanitized once [`BATCH_BYTES`] are waiting
//! (a gzip chunk can inflate to far more than it holds), and their output until it is handed
//! back (compressed batch by batch when the output is gzip).
//!
//! A [`Session`] takes the input in chunks of any size (a record may span many). Each push
//! decodes gzip if the input started with its magic bytes, cuts the complete records into one
//! part per thread, sanitizes the parts on scoped threads, and returns the outputs in input
//! order: byte for byte what one thread would write. Line (or row) numbers are counted by the
//! session, so errors name the exact line whatever the chunking and the number of threads.

mod csv;
mod gzip;
mod lines;
mod parallel;

use std::sync::Arc;

use self::csv::{CsvInput, Header};
use self::gzip::{GzipError, Input};
use super::policy::{ErrorCode, Policy, SanitizeError};
use super::report::{ReportMode, RuleCounts};

pub use self::gzip::{BLOCK as GZIP_BLOCK, LEVEL as GZIP_LEVEL, MAGIC as GZIP_MAGIC};
pub use self::parallel::MIN_PART_BYTES;

/// Complete records are sanitized once this many bytes are waiting, even mid-push (a gzip
/// chunk can inflate to far more than it holds).
const BATCH_BYTES: usize = 8 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// The first record that cannot be sanitized ends the run (the records before it are out).
    Stop,
    /// Such records are left out and reported; the run goes on.
    Skip,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkOptions {
    /// Threads to sanitize on (0: one per CPU).
    pub jobs: usize,
    pub format: Format,
    pub on_error: OnError,
    /// Write the output as gzip.
    pub gzip_output: bool,
    /// Count the changes per action and rule (for a summary).
    pub counts: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            jobs: 0,
            format: Format::Ndjson,
            on_error: OnError::Stop,
            gzip_output: false,
            counts: true,
        }
    }
}

/// A record that could not be sanitized: its 1-based line number (a row number for CSV, where
/// the header is row 1) and the error, never its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub error: SanitizeError,
}

/// What one push (or the finish) produced.
#[derive(Debug, Default)]
pub struct Pushed {
    /// Output pieces, in order (gzip members when the output is gzip).
    pub output: Vec<Vec<u8>>,
    pub errors: Vec<LineError>,
    /// The run has ended: a record failed under [`OnError::Stop`], or the input cannot be read.
    pub stopped: bool,
}

/// The counts of a run so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read (blank lines are not records; the CSV header is not counted).
    pub records: u64,
    pub written: u64,
    pub malformed: u64,
    /// Changes per action and rule (empty unless [`BulkOptions::counts`]).
    pub counts: RuleCounts,
    /// The line where the run stopped, if it did.
    pub stopped_at: Option<u64>,
}

/// What every part of a batch shares.
pub struct PartContext<'p> {
    policy: &'p Policy,
    mode: ReportMode,
    stop: bool,
}

/// One part's results (line numbers relative to the part's first line).
#[derive(Debug, Default)]
pub struct Part {
    out: Vec<u8>,
    errors: Vec<LineError>,
    /// Lines (or rows) consumed, blank ones included.
    units: u64,
    records: u64,
    written: u64,
    malformed: u64,
    counts: RuleCounts,
    stopped: bool,
}

impl Part {
    /// Notes a failed record; true when the part must stop here.
    fn fail(&mut self, line: u64, error: SanitizeError, context: &PartContext<'_>) -> bool {
        self.malformed += 1;
        self.errors.push(LineError { line, error });
        self.stopped = context.stop;
        context.stop
    }
}

/// One bulk run: chunks in, sanitized chunks out.
pub struct Session {
    policy: Arc<Policy>,
    options: BulkOptions,
    jobs: usize,
    input: Input,
    /// NDJSON: decoded bytes after the last complete line.
    pending: Vec<u8>,
    /// How much of `pending` is known to hold no `\n` (never scanned twice).
    scanned: usize,
    csv: CsvInput,
    header: Option<Header>,
    /// Lines (or rows) consumed so far.
    units: u64,
    summary: Summary,
    stopped: bool,
    finished: bool,
    wrote_output: bool,
    /// Gzip output: sanitized bytes not yet compressed (less than a [`gzip::BLOCK`] after each
    /// batch while the run goes on; none once it has stopped or finished).
    uncompressed: Vec<u8>,
}

impl Session {
    pub fn new(policy: Arc<Policy>, options: BulkOptions) -> Self {
        let jobs = if options.jobs == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            options.jobs
        };
        Session {
            policy,
            options,
            jobs,
            input: Input::new(),
            pending: Vec::new(),
            scanned: 0,
            csv: CsvInput::new(),
            header: None,
            units: 0,
            summary: Summary::default(),
            stopped: false,
            finished: false,
            wrote_output: false,
            uncompressed: Vec::new(),
        }
    }

    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Takes the next chunk of input.
    pub fn push(&mut self, chunk: &[u8]) -> Pushed {
        let mut pushed = Pushed::default();
        if self.stopped || self.finished {
            pushed.stopped = self.stopped;
            return pushed;
        }
        let mut input = std::mem::replace(&mut self.input, Input::Plain);
        let fed = input.feed(chunk, &mut |plain| self.accept(plain, &mut pushed));
        self.input = input;
        match fed {
            Ok(()) => self.sanitize_complete(false, &mut pushed),
            Err(error) => self.input_failed(error, &mut pushed),
        }
        pushed.stopped = self.stopped;
        pushed
    }

    /// The end of the input: the last record (even without a line ending), and a check that a
    /// gzip stream was complete.
    pub fn finish(&mut self) -> Pushed {
        let mut pushed = Pushed::default();
        if self.finished {
            return pushed;
        }
        if !self.stopped {
            let mut input = std::mem::replace(&mut self.input, Input::Plain);
            let ended = input.finish(&mut |plain| self.accept(plain, &mut pushed));
            match ended {
                Ok(()) => self.sanitize_complete(true, &mut pushed),
                Err(error) => self.input_failed(error, &mut pushed),
            }
        }
        self.finished = true;
        self.compress(true, &mut pushed);
        pushed.stopped = self.stopped;
        pushed
    }

    fn accept(&mut self, plain: &[u8], pushed: &mut Pushed) {
        if self.stopped {
            return;
        }
        match self.options.format {
            Format::Ndjson => {
                self.pending.extend_from_slice(plain);
                if self.pending.len() >= BATCH_BYTES {
                    self.sanitize_complete(false, pushed);
                }
            }
            Format::Csv => {
                self.csv.feed(plain);
                if self.csv.pending_bytes() >= BATCH_BYTES {
                    self.sanitize_complete(false, pushed);
                }
            }
        }
    }

    /// The input stream failed: the complete records before it are sanitized, then the run ends
    /// with the error at the line that could not be read.
    fn input_failed(&mut self, error: GzipError, pushed: &mut Pushed) {
        self.sanitize_complete(false, pushed);
        if self.stopped {
            return;
        }
        let (code, message) = match error {
            GzipError::Invalid => (ErrorCode::InvalidGzip, "the input is not valid gzip data"),
            GzipError::Truncated => (
                ErrorCode::TruncatedGzip,
                "the gzip input ends before its end (a truncated file?)",
            ),
        };
        let line = self.units + 1;
        pushed.errors.push(LineError {
            line,
            error: SanitizeError::new(code, message),
        });
        self.stopped = true;
        self.summary.stopped_at = Some(line);
        pushed.stopped = true;
        // What was sanitized before the error is written out whole.
        self.compress(true, pushed);
    }

    /// Sanitizes the complete records waiting, then compresses what they gave (gzip output),
    /// so each batch leaves at most a block uncompressed: all of it once the run has stopped,
    /// since a caller need not call `finish` after a stop.
    fn sanitize_complete(&mut self, at_end: bool, pushed: &mut Pushed) {
        if !self.stopped {
            match self.options.format {
                Format::Ndjson => self.sanitize_lines(at_end, pushed),
                Format::Csv => self.sanitize_rows(at_end, pushed),
            }
        }
        self.compress(self.stopped, pushed);
    }

    fn context(&self) -> PartContext<'_> {
        PartContext {
            policy: &self.policy,
            mode: if self.options.counts {
                ReportMode::Counts
            } else {
                ReportMode::Off
            },
            stop: self.options.on_error == OnError::Stop,
        }
    }

    fn sanitize_lines(&mut self, at_end: bool, pushed: &mut Pushed) {
        let new = self.pending.get(self.scanned..).unwrap_or_default();
        let complete = if at_end {
            self.pending.len()
        } else {
            match new.iter().rposition(|&b| b == b'\n') {
                Some(last) => self.scanned + last + 1,
                None => {
                    self.scanned = self.pending.len();
                    return;
                }
            }
        };
        let pending = std::mem::take(&mut self.pending);
        let region = pending.get(..complete).unwrap_or_default();
        let parts = split_lines(region, parallel::part_count(region.len(), self.jobs));
        let file_start = self.units == 0;
        let context = self.context();
        let results = parallel::run_parts(
            parts.into_iter().enumerate().collect(),
            |(index, part): (usize, &[u8])| {
                lines::sanitize_lines(part, file_start && index == 0, &context)
            },
        );
        self.merge(results, pushed);
        let mut pending = pending;
        pending.drain(..complete);
        self.pending = pending;
        self.scanned = 0;
    }

    fn sanitize_rows(&mut self, at_end: bool, pushed: &mut Pushed) {
        if at_end {
            self.csv.finish();
        }
        let mut rows = self.csv.rows();
        if self.header.is_none() {
            let Some((first, rest)) = rows.split_first() else {
                return;
            };
            self.units = 1;
            let mode = self.context().mode;
            match Header::new(&self.csv.fields(first), &self.policy, mode) {
                Ok(header) => {
                    // As `emit` does (`rows` still borrows the CSV input).
                    if self.options.gzip_output {
                        self.uncompressed.extend_from_slice(&header.row);
                    } else {
                        self.wrote_output = true;
                        pushed.output.push(header.row.clone());
                    }
                    self.summary.counts.merge(&header.counts);
                    self.header = Some(header);
                }
                Err(error) => {
                    // Without a header no row can be read: the run ends here.
                    pushed.errors.push(LineError { line: 1, error });
                    self.stopped = true;
                    self.summary.stopped_at = Some(1);
                    self.csv.clear_rows();
                    return;
                }
            }
            rows = rest;
        }
        let (Some(header), false) = (&self.header, rows.is_empty()) else {
            self.csv.clear_rows();
            return;
        };
        let bytes = self.csv.pending_bytes();
        let count = parallel::part_count(bytes, self.jobs);
        let per_part = rows.len().div_ceil(count);
        let context = self.context();
        let csv = &self.csv;
        let results = parallel::run_parts(rows.chunks(per_part.max(1)).collect(), |part| {
            csv::sanitize_rows(csv, part, header, &context)
        });
        self.merge(results, pushed);
        self.csv.clear_rows();
    }

    /// Hands on sanitized output, in order: as it is, or to be compressed.
    fn emit(&mut self, out: Vec<u8>, pushed: &mut Pushed) {
        if out.is_empty() {
            return;
        }
        if self.options.gzip_output {
            self.uncompressed.extend_from_slice(&out);
        } else {
            self.wrote_output = true;
            pushed.output.push(out);
        }
    }

    /// Compresses the sanitized output in blocks of [`gzip::BLOCK`] bytes counted from the start
    /// of the output, one gzip member each, on every thread; `at_end`, the rest too (and an empty
    /// member if nothing was written: an empty gzip file is not a gzip file). The blocks do not
    /// depend on the chunks pushed nor on the threads, so the file is byte for byte the same
    /// whatever `--jobs` is. Nothing to do for plain output.
    fn compress(&mut self, at_end: bool, pushed: &mut Pushed) {
        if !self.options.gzip_output {
            return;
        }
        let whole = if at_end {
            self.uncompressed.len()
        } else {
            self.uncompressed.len() / gzip::BLOCK * gzip::BLOCK
        };
        if whole == 0 {
            if at_end && !self.wrote_output {
                self.wrote_output = true;
                pushed.output.push(gzip::member(&[]));
            }
            return;
        }
        let uncompressed = std::mem::take(&mut self.uncompressed);
        let blocks: Vec<&[u8]> = uncompressed
            .get(..whole)
            .unwrap_or_default()
            .chunks(gzip::BLOCK)
            .collect();
        let per_thread = blocks.len().div_ceil(self.jobs.max(1));
        let groups: Vec<&[&[u8]]> = blocks.chunks(per_thread.max(1)).collect();
        let results = parallel::run_parts(groups, |group| {
            group
                .iter()
                .map(|block| gzip::member(block))
                .collect::<Vec<_>>()
        });
        for members in results {
            let Some(members) = members else {
                // Compressing cannot fail on valid memory: a panic here is a bug.
                pushed.errors.push(LineError {
                    line: self.units + 1,
                    error: SanitizeError::new(ErrorCode::Internal, "a worker thread failed"),
                });
                self.stopped = true;
                self.summary.stopped_at = Some(self.units + 1);
                pushed.stopped = true;
                return;
            };
            self.wrote_output = true;
            pushed.output.extend(members);
        }
        let mut rest = uncompressed;
        rest.drain(..whole);
        self.uncompressed = rest;
    }

    /// Adds the parts' results in order, renumbering their lines; stops after a part that
    /// stopped (the parts after it are dropped, as if never read).
    fn merge(&mut self, results: Vec<Option<Part>>, pushed: &mut Pushed) {
        for result in results {
            let Some(part) = result else {
                let line = self.units + 1;
                pushed.errors.push(LineError {
                    line,
                    error: SanitizeError::new(ErrorCode::Internal, "a worker thread failed"),
                });
                self.stopped = true;
                self.summary.stopped_at = Some(line);
                return;
            };
            let base = self.units;
            for mut error in part.errors {
                error.line += base;
                if part.stopped {
                    self.summary.stopped_at = Some(error.line);
                }
                pushed.errors.push(error);
            }
            self.summary.records += part.records;
            self.summary.written += part.written;
            self.summary.malformed += part.malformed;
            self.summary.counts.merge(&part.counts);
            self.units += part.units;
            self.emit(part.out, pushed);
            if part.stopped {
                self.stopped = true;
                return;
            }
        }
    }
}

/// Cuts `region` (whole lines) into about `count` parts of similar size, at line ends.
fn split_lines(region: &[u8], count: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(count);
    let mut rest = region;
    for remaining in (1..=count).rev() {
        if remaining == 1 || rest.is_empty() {
            break;
        }
        let target = rest.len() / remaining;
        let Some(cut) = rest
            .get(target..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
        else {
            break;
        };
        let (part, tail) = rest.split_at(target + cut + 1);
        parts.push(part);
        rest = tail;
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(rest);
    }
    parts
}

#[cfg(test)]
mod tests;
