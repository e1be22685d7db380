use super::*;
use crate::sanitize::json::{sanitize_json, sanitize_json_mode, sanitize_json_with};
use crate::sanitize::policy::LimitMode;

fn run(input: &[u8], options: BulkOptions, chunk: usize) -> (Vec<u8>, Vec<LineError>, Summary) {
    run_policy(Policy::default(), input, options, chunk)
}

fn run_policy(
    policy: Policy,
    input: &[u8],
    options: BulkOptions,
    chunk: usize,
) -> (Vec<u8>, Vec<LineError>, Summary) {
    let mut session = Session::new(Arc::new(policy), options);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut take = |pushed: Pushed| {
        for piece in pushed.output {
            out.extend_from_slice(&piece);
        }
        errors.extend(pushed.errors);
    };
    for piece in input.chunks(chunk.max(1)) {
        take(session.push(piece));
    }
    take(session.finish());
    let summary = session.summary().clone();
    (out, errors, summary)
}

fn options(jobs: usize, on_error: OnError) -> BulkOptions {
    BulkOptions {
        jobs,
        on_error,
        ..BulkOptions::default()
    }
}

/// Records with PII, a malformed line every 97 lines and a blank one every 89.
fn corpus(lines: usize) -> (Vec<u8>, Vec<u64>) {
    let mut text = String::new();
    let mut bad = Vec::new();
    for i in 1..=lines {
        if i % 97 == 0 {
            text.push_str("{\"ssn\":\"078-05-1120\",\n");
            bad.push(i as u64);
        } else if i % 89 == 0 {
            text.push_str("  \r\n");
        } else {
            text.push_str(&format!(
                "{{\"id\":\"u{i}\",\"phone\":\"+1555{i:07}\",\"ssn\":\"078-05-1120\",\"note\":\"card 4111 1111 1111 1111 #{i}\",\"tags\":[1,2,{{\"password\":\"x\"}}]}}\n"
            ));
        }
    }
    (text.into_bytes(), bad)
}

/// `(action, rule, count)` of each row, most frequent first.
fn rows(counts: &RuleCounts) -> Vec<(&'static str, &str, u64)> {
    counts
        .sorted()
        .into_iter()
        .map(|row| (row.action, row.rule, row.count))
        .collect()
}

/// `(pattern, count)` under the row of `rule`.
fn paths<'c>(counts: &'c RuleCounts, rule: &str) -> Vec<(&'c str, u64)> {
    counts
        .sorted()
        .into_iter()
        .find(|row| row.rule == rule)
        .map(|row| row.paths)
        .unwrap_or_default()
}

/// The oracle: each line through `sanitize_json` on its own.
fn expected(input: &[u8]) -> (Vec<u8>, Vec<u64>, RuleCounts) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut counts = RuleCounts::default();
    for (index, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue;
        }
        match sanitize_json_mode(line, &Policy::default(), ReportMode::Counts) {
            Ok((record, report)) => {
                out.extend_from_slice(&record);
                out.push(b'\n');
                counts.merge(&report.counts);
            }
            Err(_) => bad.push(index as u64 + 1),
        }
    }
    (out, bad, counts)
}

#[test]
fn any_jobs_and_chunking_give_the_single_thread_output_and_exact_line_numbers() {
    let (input, bad) = corpus(3000);
    let (want, want_bad, want_counts) = expected(&input);
    assert_eq!(want_bad, bad);
    for jobs in [1, 2, 3, 8] {
        for chunk in [1 << 20, 65_536, 4099] {
            let (out, errors, summary) = run(&input, options(jobs, OnError::Skip), chunk);
            assert!(out == want, "jobs {jobs}, chunk {chunk}: output differs");
            let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
            assert_eq!(lines, bad, "jobs {jobs}, chunk {chunk}");
            assert!(errors
                .iter()
                .all(|e| e.error.code == ErrorCode::InvalidJson));
            assert_eq!(summary.counts, want_counts);
            assert_eq!(summary.malformed, bad.len() as u64);
            assert_eq!(summary.written + summary.malformed, summary.records);
        }
    }
}

#[test]
fn the_parts_really_run_in_parallel_batches() {
    // Big enough for several parts per push: the split must keep every line whole.
    let (input, _) = corpus(20_000);
    assert!(input.len() > 4 * MIN_PART_BYTES);
    let (want, _, _) = expected(&input);
    let (out, _, _) = run(&input, options(4, OnError::Skip), input.len());
    assert!(out == want);
}

#[test]
fn stop_ends_at_the_first_bad_line_with_the_lines_before_it() {
    let (input, bad) = corpus(3000);
    let first_bad = bad[0];
    let before: Vec<u8> = {
        let cut: usize = input
            .split(|&b| b == b'\n')
            .take(first_bad as usize - 1)
            .map(|l| l.len() + 1)
            .sum();
        expected(&input[..cut]).0
    };
    for jobs in [1, 4] {
        let (out, errors, summary) = run(&input, options(jobs, OnError::Stop), 10_000);
        assert!(out == before, "jobs {jobs}");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, first_bad);
        assert_eq!(summary.stopped_at, Some(first_bad));
        assert_eq!(summary.malformed, 1);
    }
}

#[test]
fn bom_crlf_blank_lines_and_a_last_line_without_newline() {
    let input = b"\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \n{\"ssn\":\"x\",\"b\":2}";
    let (out, errors, summary) = run(input, options(2, OnError::Stop), 3);
    assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":1}\n{\"b\":2}\n");
    assert!(errors.is_empty());
    assert_eq!((summary.records, summary.written), (2, 2));
}

#[test]
fn gzip_input_is_detected_and_gzip_output_reads_back() {
    let (input, bad) = corpus(2000);
    let (want, _, _) = expected(&input);
    let gz = gzip::member(&input);
    let gz_out = BulkOptions {
        gzip_output: true,
        ..options(3, OnError::Skip)
    };
    for chunk in [1, 777, 1 << 20] {
        let (out, errors, _) = run(&gz, gz_out, chunk.max(if chunk == 1 { 50 } else { chunk }));
        assert!(gunzip(&out) == want, "chunk {chunk}");
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), bad);
    }
}

#[test]
fn gzip_output_is_the_same_file_whatever_the_threads_and_chunks() {
    // Several blocks, and a last one cut short.
    let (input, _) = corpus(12_000);
    let (want, _, _) = expected(&input);
    assert!(want.len() > 3 * GZIP_BLOCK);
    let gz_out = |jobs| BulkOptions {
        gzip_output: true,
        ..options(jobs, OnError::Skip)
    };
    let (reference, _, _) = run(&input, gz_out(1), 1 << 20);
    for (jobs, chunk) in [(2, 4099), (3, 65_536), (8, input.len())] {
        let (out, _, _) = run(&input, gz_out(jobs), chunk);
        assert!(out == reference, "jobs {jobs}, chunk {chunk}");
    }
    // One member per block of output.
    let members = reference
        .windows(3)
        .filter(|w| w == &[0x1f, 0x8b, 8])
        .count();
    assert!(members >= want.len().div_ceil(GZIP_BLOCK));
    assert!(gunzip(&reference) == want);
}

/// The bytes of every member of `gz`, read as the session reads gzip input.
fn gunzip(gz: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    let mut decoder = gzip::Input::new();
    decoder
        .feed(gz, &mut |p| plain.extend_from_slice(p))
        .unwrap();
    decoder.finish(&mut |p| plain.extend_from_slice(p)).unwrap();
    plain
}

#[test]
fn truncated_and_corrupt_gzip_are_coded_errors_at_a_line() {
    let input: Vec<u8> = (0..5000)
        .flat_map(|i| format!("{{\"i\":{i}}}\n").into_bytes())
        .collect();
    let gz = gzip::member(&input);
    let (out, errors, summary) = run(&gz[..gz.len() / 2], options(2, OnError::Skip), 4096);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error.code, ErrorCode::TruncatedGzip);
    // Every line before the cut came out, and the error names the line after them.
    let lines = out.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(errors[0].line, lines + 1);
    assert_eq!(summary.stopped_at, Some(lines + 1));

    let mut corrupt = gz.clone();
    corrupt[10..40].fill(0xff);
    let (_, errors, _) = run(&corrupt, options(2, OnError::Skip), 4096);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error.code, ErrorCode::InvalidGzip);
}

#[test]
fn counts_off_records_nothing_and_reports_no_limits() {
    let input = format!("{{\"v\":\"{}\",\"ssn\":\"1\"}}\n", "x".repeat(2000));
    let quiet = BulkOptions {
        counts: false,
        ..BulkOptions::default()
    };
    let (out, _, summary) = run(input.as_bytes(), quiet, 100);
    assert!(summary.counts.sorted().is_empty());
    let (plain, _) =
        sanitize_json_with(input.trim_end().as_bytes(), &Policy::default(), false).unwrap();
    assert_eq!(out, [plain, b"\n".to_vec()].concat());
    let (_, _, summary) = run(input.as_bytes(), BulkOptions::default(), 100);
    assert_eq!(
        rows(&summary.counts),
        [
            ("dropped", "government_id", 1),
            ("limit", "attribute_value_too_long", 1)
        ]
    );
}

fn csv(options: BulkOptions, input: &str, chunk: usize) -> (String, Vec<LineError>, Summary) {
    let (out, errors, summary) = run(
        input.as_bytes(),
        BulkOptions {
            format: Format::Csv,
            ..options
        },
        chunk,
    );
    (String::from_utf8(out).unwrap(), errors, summary)
}

fn sha16(value: &str) -> String {
    crate::sanitize::pseudonym::digest(
        value.as_bytes(),
        crate::sanitize::rules::Digest::Sha256 { hex_chars: 16 },
        None,
    )
    .unwrap()
}

#[test]
fn csv_columns_follow_the_rules_by_header_name() {
    let input = "id,email,ssn,phone,note\r\n\
                 u1,a@b.co,078-05-1120,+15550123,\"card 4111 1111 1111 1111, thanks\"\r\n\
                 u2,,,,\"two\r\nlines \"\"quoted\"\"\"\r\n";
    for (jobs, chunk) in [(1, 1000), (2, 1), (4, 7)] {
        let (out, errors, summary) = csv(options(jobs, OnError::Stop), input, chunk);
        assert!(errors.is_empty());
        assert_eq!(
            out,
            format!(
                "id,email,phone_hash,note\r\n\
                 u1,a@b.co,{},\"card [REDACTED:card_number], thanks\"\r\n\
                 u2,,,\"two\r\nlines \"\"quoted\"\"\"\r\n",
                sha16("+15550123")
            )
        );
        assert_eq!((summary.records, summary.written), (2, 2));
        assert_eq!(
            rows(&summary.counts),
            [
                ("dropped", "government_id", 1),
                ("hashed", "phone", 1),
                ("redacted", "detector:card_number", 1)
            ]
        );
        assert_eq!(paths(&summary.counts, "phone"), [("phone", 1)]);
        assert_eq!(
            paths(&summary.counts, "detector:card_number"),
            [("note", 1)]
        );
    }
}

#[test]
fn csv_rows_with_the_wrong_field_count_are_errors_at_their_row() {
    let input = "id,plan\n1,a\n2\n3,c,extra\n4,d\n";
    let (out, errors, summary) = csv(options(2, OnError::Skip), input, 3);
    assert_eq!(out, "id,plan\r\n1,a\r\n4,d\r\n");
    let rows: Vec<_> = errors.iter().map(|e| (e.line, e.error.code)).collect();
    assert_eq!(
        rows,
        [(3, ErrorCode::CsvFieldCount), (4, ErrorCode::CsvFieldCount)]
    );
    assert_eq!(summary.malformed, 2);
    let (out, errors, summary) = csv(options(2, OnError::Stop), input, 3);
    assert_eq!(out, "id,plan\r\n1,a\r\n");
    assert_eq!(errors.len(), 1);
    assert_eq!(summary.stopped_at, Some(3));
}

#[test]
fn csv_that_is_not_utf8_is_a_coded_error() {
    let mut input = b"id,note\n1,ok\n2,".to_vec();
    input.extend_from_slice(b"\xff\xfe\n3,fine\n");
    let (out, errors, _) = run(
        &input,
        BulkOptions {
            format: Format::Csv,
            ..options(1, OnError::Skip)
        },
        5,
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "id,note\r\n1,ok\r\n3,fine\r\n"
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].line, errors[0].error.code),
        (3, ErrorCode::InvalidCsv)
    );
}

#[test]
fn an_empty_input_gives_empty_output() {
    let (out, errors, summary) = run(b"", BulkOptions::default(), 10);
    assert!(out.is_empty() && errors.is_empty());
    assert_eq!(summary.records, 0);
    let gz = BulkOptions {
        gzip_output: true,
        ..BulkOptions::default()
    };
    let (out, _, _) = run(b"", gz, 10);
    assert!(out.starts_with(&GZIP_MAGIC));
}

#[test]
fn a_long_line_of_card_numbers_under_a_long_key_counts_without_paths() {
    // The shape that made the old report render the key once per change.
    let key = "k".repeat(200_000);
    let cards = vec!["\"4111 1111 1111 1111\""; 20_000].join(",");
    let line = format!("{{\"{key}\":[{cards}]}}\n");
    let (out, errors, summary) = run(line.as_bytes(), BulkOptions::default(), 1 << 16);
    assert!(errors.is_empty());
    assert!(!out.is_empty());
    assert_eq!(
        rows(&summary.counts),
        [
            ("redacted", "detector:card_number", 20_000),
            ("limit", "attribute_name_too_long", 1),
            ("limit", "attribute_value_too_long", 1),
        ]
    );
    // One pattern for the 20,000 changes, the key shown as too long to print.
    assert_eq!(
        paths(&summary.counts, "detector:card_number"),
        [("<long key>[]", 20_000)]
    );
    // The listing report of the same line stays within its path budget.
    let (_, report) = sanitize_json(line.trim_end().as_bytes(), &Policy::default()).unwrap();
    let listed: usize = report.changes.iter().map(|c| c.path.len()).sum();
    assert!(listed <= line.len());
    assert!(report.omitted > 19_000);
    assert_eq!(report.counts.total(), 20_002);
}

#[test]
fn a_refused_record_adds_nothing_to_the_counts() {
    // Each bad line makes changes before the walk finds its error.
    let input = "{\"ssn\":\"1\",\"contacts\":[{\"phone\":\"+15550100\"}]}\n\
                 {\"ssn\":\"2\",\"contacts\":[{\"phone\":\"+15550101\"}],\"x\":}\n\
                 {\"password\":\"p\",\"ssn\":\"3\",\n\
                 {\"contacts\":[{\"phone\":\"+15550102\"},{\"phone\":\"+15550103\"}]}\n";
    let (_, errors, summary) = run(input.as_bytes(), options(2, OnError::Skip), 16);
    assert_eq!(errors.len(), 2);
    assert_eq!(
        rows(&summary.counts),
        [("hashed", "phone", 3), ("dropped", "government_id", 1)]
    );
    assert_eq!(paths(&summary.counts, "phone"), [("contacts[].phone", 3)]);
    assert_eq!(paths(&summary.counts, "government_id"), [("ssn", 1)]);
}

fn csv_limits(mode: LimitMode, input: &str) -> (String, Vec<LineError>, Summary) {
    let mut policy = Policy::default();
    policy.limits.mode = mode;
    let options = BulkOptions {
        format: Format::Csv,
        ..options(2, OnError::Skip)
    };
    let (out, errors, summary) = run_policy(policy, input.as_bytes(), options, 64);
    (String::from_utf8(out).unwrap(), errors, summary)
}

#[test]
fn csv_cells_and_headers_over_customerios_limits_are_reported_or_refused() {
    let long_name = "n".repeat(151);
    let long_value = "v".repeat(1001);
    let input = format!(
        "id,{long_name},note\nu1,a,{long_value}\nu2,b,short\nu3,{long_value},{long_value}\n"
    );

    // Reported: every row is written as it is, each long cell counted at its column.
    let (out, errors, summary) = csv_limits(LimitMode::Report, &input);
    assert!(errors.is_empty());
    assert_eq!(out, input.replace('\n', "\r\n"));
    assert_eq!(
        rows(&summary.counts),
        [
            ("limit", "attribute_value_too_long", 3),
            ("limit", "attribute_name_too_long", 1)
        ]
    );
    assert_eq!(
        paths(&summary.counts, "attribute_value_too_long"),
        [("note", 2), ("<long key>", 1)]
    );

    // Off: nothing is checked.
    let (out, _, summary) = csv_limits(LimitMode::Off, &input);
    assert_eq!(out, input.replace('\n', "\r\n"));
    assert!(summary.counts.sorted().is_empty());

    // Refused: a long cell is an error for its row (the header is row 1), the others go on.
    let short_header = input.replacen(&long_name, "name", 1);
    let (out, errors, _) = csv_limits(LimitMode::Error, &short_header);
    assert_eq!(out, "id,name,note\r\nu2,b,short\r\n");
    let refused: Vec<_> = errors.iter().map(|e| (e.line, e.error.code)).collect();
    assert_eq!(
        refused,
        [(2, ErrorCode::LimitExceeded), (4, ErrorCode::LimitExceeded)]
    );
    assert!(errors.iter().all(|e| !e.error.message.contains("vvv")));

    // A header name over the limit ends the run at row 1: no row can be read without it.
    let (out, errors, summary) = csv_limits(LimitMode::Error, &input);
    assert_eq!(out, "");
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.line, e.error.code))
            .collect::<Vec<_>>(),
        [(1, ErrorCode::LimitExceeded)]
    );
    assert_eq!(summary.stopped_at, Some(1));
}

#[test]
fn csv_with_more_columns_than_customerio_takes_is_reported_once() {
    let header: Vec<String> = (0..301).map(|i| format!("c{i}")).collect();
    let row = vec!["x"; 301].join(",");
    let input = format!("{}\n{row}\n{row}\n", header.join(","));
    let (_, errors, summary) = csv_limits(LimitMode::Report, &input);
    assert!(errors.is_empty());
    assert_eq!(rows(&summary.counts), [("limit", "too_many_attributes", 1)]);
}

/// Pushes `input` in `chunk`s until the run stops, never calling `finish` (a CLI or a stream
/// ends there); the output and the errors.
fn run_until_stopped(
    input: &[u8],
    options: BulkOptions,
    chunk: usize,
) -> (Vec<u8>, Vec<LineError>) {
    let mut session = Session::new(Arc::new(Policy::default()), options);
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    for piece in input.chunks(chunk) {
        let pushed = session.push(piece);
        out.extend(pushed.output.into_iter().flatten());
        errors.extend(pushed.errors);
        if pushed.stopped {
            return (out, errors);
        }
    }
    panic!("the run did not stop");
}

#[test]
fn gzip_output_of_a_stopped_run_holds_every_record_written_before_the_stop() {
    let good: String = (0..3000)
        .map(|i| format!("{{\"id\":\"u{i}\",\"ssn\":\"078-05-1120\",\"plan\":\"p{i}\"}}\n"))
        .collect();
    let gz = |jobs| BulkOptions {
        gzip_output: true,
        ..options(jobs, OnError::Stop)
    };
    let plain = |jobs| options(jobs, OnError::Stop);
    // A record that cannot be sanitized, and gzip input that turns to garbage.
    let bad_record = format!("{good}{{oops\n{good}");
    let mut bad_gzip = gzip::member(good.as_bytes());
    bad_gzip.extend_from_slice(b"this is not gzip");
    for (input, chunk) in [(bad_record.as_bytes().to_vec(), 4099), (bad_gzip, 1 << 20)] {
        let (want, _) = run_until_stopped(&input, plain(1), chunk);
        assert!(!want.is_empty());
        for jobs in [1, 2, 3] {
            let (out, errors) = run_until_stopped(&input, gz(jobs), chunk);
            assert_eq!(errors.len(), 1);
            assert!(
                gunzip(&out) == want,
                "jobs {jobs}: every written record is in the gzip"
            );
        }
    }
    // Stopped before anything was written: still a gzip file (of nothing).
    let (out, _) = run_until_stopped(b"{oops\n", gz(2), 10);
    assert!(out.starts_with(&GZIP_MAGIC));
    assert!(gunzip(&out).is_empty());
}
