//! PII sanitization: the napi face of `customerio_security_core::sanitize`.
//!
//! Two ways in. JSON text is sanitized entirely in Rust. A JS object is walked by `lib/`
//! (reading properties through N-API costs more than the work itself, see
//! `docs/design/napi-costs.md`), which asks Rust for each decision: what a key's rule is (cached
//! per key by the caller), the digest of a value, and what the detectors find in a string.

use std::sync::Arc;

use customerio_security_core::sanitize::detect::{self, Detector};
use customerio_security_core::sanitize::json::{sanitize_json, sanitize_json_with};
use customerio_security_core::sanitize::ndjson::sanitize_ndjson;
use customerio_security_core::sanitize::policy::{
    Decision, ErrorCode, LimitMode, Policy, Scalar, Scan,
};
use customerio_security_core::sanitize::report;
use customerio_security_core::sanitize::rules::Action;
use customerio_security_core::sanitize::taxonomy::{ClassKind, CLASSES};
use napi::bindgen_prelude::{BufferSlice, Either, External};
use napi::{Env, Result};
use napi_derive::napi;

use crate::args::{Bytes, ShortText, Text};
use crate::errors::{coded, napi_error, sanitize_error, Code};
use crate::policy_options::policy_from_json;

/// Decision codes for keys that no rule names (rules are >= 0, their index); the JavaScript
/// walk reads them from [`sanitizer_contract`].
const KEEP_UNLISTED: i32 = -1;
const FORBIDDEN: i32 = -2;
const NOT_ALLOWED: i32 = -3;

/// [`sanitizer_decide`]'s codes for keys no rule names.
#[napi(object)]
pub struct DecisionCodes {
    /// No rule names it: kept, its value walked and scanned.
    pub keep_unlisted: i32,
    /// `__proto__`, `constructor`, `prototype`: dropped.
    pub forbidden: i32,
    /// An allow-list policy and a name it does not list: dropped.
    pub not_allowed: i32,
}

/// The report's fixed actions (`report::action`).
#[napi(object)]
pub struct ReportActions {
    pub dropped: String,
    pub redacted: String,
    pub limit: String,
}

/// The report's fixed rule names (`report::rule`).
#[napi(object)]
pub struct ReportRules {
    pub prototype_key: String,
    pub not_allowed: String,
    pub not_a_scalar: String,
    pub unsupported_type: String,
    pub attribute_name_too_long: String,
    pub attribute_value_too_long: String,
    pub too_many_attributes: String,
    /// A detector's rule is this prefix and the detector's name.
    pub detector_prefix: String,
}

/// What the JavaScript object walk shares with the core: read once when `lib/` loads, the
/// one definition of each code and word (the JSON-text walk writes the same ones).
#[napi(object)]
pub struct SanitizerContract {
    pub decisions: DecisionCodes,
    pub actions: ReportActions,
    pub rules: ReportRules,
}

#[napi(catch_unwind, js_name = "sanitizerContract")]
pub fn sanitizer_contract() -> SanitizerContract {
    use report::{action, rule};
    SanitizerContract {
        decisions: DecisionCodes {
            keep_unlisted: KEEP_UNLISTED,
            forbidden: FORBIDDEN,
            not_allowed: NOT_ALLOWED,
        },
        actions: ReportActions {
            dropped: action::DROPPED.to_owned(),
            redacted: action::REDACTED.to_owned(),
            limit: action::LIMIT.to_owned(),
        },
        rules: ReportRules {
            prototype_key: rule::PROTOTYPE_KEY.to_owned(),
            not_allowed: rule::NOT_ALLOWED.to_owned(),
            not_a_scalar: rule::NOT_A_SCALAR.to_owned(),
            unsupported_type: rule::UNSUPPORTED_TYPE.to_owned(),
            attribute_name_too_long: rule::ATTRIBUTE_NAME_TOO_LONG.to_owned(),
            attribute_value_too_long: rule::ATTRIBUTE_VALUE_TOO_LONG.to_owned(),
            too_many_attributes: rule::TOO_MANY_ATTRIBUTES.to_owned(),
            detector_prefix: rule::DETECTOR_PREFIX.to_owned(),
        },
    }
}

#[napi(
    catch_unwind,
    js_name = "sanitizerCreate",
    ts_return_type = "ExternalObject<'Policy'>"
)]
pub fn sanitizer_create(
    options_json: String,
    #[napi(ts_arg_type = "string | Uint8Array | undefined | null")] pepper_key: Option<Bytes<'_>>,
    pepper_key_id: Option<String>,
) -> Result<External<Policy>, Code> {
    let pepper = match (&pepper_key, &pepper_key_id) {
        (Some(key), Some(id)) => Some((key.as_slice(), id.as_str())),
        _ => None,
    };
    policy_from_json(&options_json, pepper)
        .map(External::new)
        .map_err(|message| coded(Code::INVALID_POLICY, message))
}

/// A sensitive class of attribute names and what the default policy does with it.
#[napi(object)]
pub struct SensitiveClassInfo {
    pub id: String,
    /// `drop` or `hash`.
    pub action: String,
}

/// The taxonomy's classes, in the order names are tried against them: the one definition the
/// JavaScript layer and the typings test read.
#[napi(catch_unwind, js_name = "sensitiveClasses")]
pub fn sensitive_classes() -> Vec<SensitiveClassInfo> {
    CLASSES
        .iter()
        .map(|class| SensitiveClassInfo {
            id: class.id.to_owned(),
            action: match class.kind {
                ClassKind::Drop => "drop",
                ClassKind::Hash => "hash",
            }
            .to_owned(),
        })
        .collect()
}

/// What `lib/` needs to know about each rule to act on a decision code.
#[napi(object)]
pub struct RuleInfo {
    pub name: String,
    /// `drop`, `keep` or `transform`.
    pub kind: String,
    /// Whether the field becomes `<key>_hash`.
    pub renames: bool,
    /// The report's word for what the rule does.
    pub verb: String,
    /// The report's rule name when a value cannot be transformed.
    pub drop_reason: String,
}

#[napi(object)]
pub struct PolicyInfo {
    pub rules: Vec<RuleInfo>,
    pub max_depth: u32,
    /// `report`, `error` or `off`.
    pub limits: String,
    pub name_bytes: u32,
    pub value_bytes: u32,
    pub attributes: u32,
    pub detectors: bool,
    /// Regex sources that every string a detector can match passes (see
    /// `detect::js_prefilter`): built by the core from the detectors' shapes (one definition).
    pub prefilter: Prefilter,
    /// Numeric strings at least this long are asked about too: "4.2e15" is a card's value.
    pub min_numeric_string_length: u32,
    /// A report lists at most this many changes (the rest are counted in `omitted`): the one
    /// definition, shared with the JavaScript walker.
    pub max_listed_changes: u32,
}

/// The pre-filter's regex sources (see `detect::js_prefilter`); a part is `null` when no
/// enabled detector needs it.
#[napi(object)]
pub struct Prefilter {
    /// Digit shapes over ASCII, or any non-ASCII character; no flags.
    pub shapes_gate: Option<String>,
    /// The same shapes over every Unicode digit and space; the `u` flag.
    pub unicode_shapes: Option<String>,
    /// Strings shorter than this (UTF-16 units) cannot hold a shape.
    pub shapes_min_length: u32,
    /// The secrets' fixed prefixes and `@`; the `i` flag.
    pub literals: Option<String>,
    /// Strings shorter than this cannot hold a secret (or an email).
    pub literals_min_length: u32,
}

#[napi(catch_unwind, js_name = "sanitizerInfo")]
pub fn sanitizer_info(
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
) -> PolicyInfo {
    let rules = policy
        .rules
        .rules()
        .iter()
        .map(|rule| RuleInfo {
            name: rule.name.clone(),
            kind: match rule.action {
                Action::Drop => "drop",
                Action::Keep => "keep",
                // Never returned by sanitizerDecide (allow-listed names decide as unlisted).
                Action::Allow => "allow",
                _ => "transform",
            }
            .to_owned(),
            renames: rule.action.renames(),
            verb: rule.action.verb().to_owned(),
            drop_reason: rule.action.drop_reason().to_owned(),
        })
        .collect();
    let limits = policy.limits;
    PolicyInfo {
        rules,
        max_depth: u32::try_from(policy.max_depth).unwrap_or(u32::MAX),
        limits: match limits.mode {
            LimitMode::Report => "report",
            LimitMode::Error => "error",
            LimitMode::Off => "off",
        }
        .to_owned(),
        name_bytes: u32::try_from(limits.name_bytes).unwrap_or(u32::MAX),
        value_bytes: u32::try_from(limits.value_bytes).unwrap_or(u32::MAX),
        attributes: u32::try_from(limits.attributes).unwrap_or(u32::MAX),
        detectors: !policy.detectors.is_empty(),
        prefilter: {
            let p = detect::js_prefilter(policy.detectors);
            let length = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
            Prefilter {
                shapes_gate: p.shapes_gate,
                unicode_shapes: p.unicode_shapes,
                shapes_min_length: length(p.shapes_min_len),
                literals: p.literals,
                literals_min_length: length(p.literals_min_len),
            }
        },
        min_numeric_string_length: if policy.detectors.contains(Detector::CardNumber) {
            u32::try_from(detect::NUMERIC_STRING_MIN_LEN).unwrap_or(u32::MAX)
        } else {
            u32::MAX
        },
        max_listed_changes: u32::try_from(report::MAX_LISTED_CHANGES).unwrap_or(u32::MAX),
    }
}

/// The rule index for `key` (>= 0), or a negative code for keys no rule names.
#[napi(catch_unwind, js_name = "sanitizerDecide")]
pub fn sanitizer_decide(
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    #[napi(ts_arg_type = "string")] key: ShortText,
) -> i32 {
    match policy.decide_indexed(key.as_str()) {
        (Decision::Forbidden, _) => FORBIDDEN,
        (Decision::Unlisted, _) => NOT_ALLOWED,
        (Decision::Keep, _) => KEEP_UNLISTED,
        (Decision::Rule(_), index) => index
            .and_then(|index| i32::try_from(index).ok())
            .unwrap_or(KEEP_UNLISTED),
    }
}

/// The transformed scalar, or `null` when the rule drops it (an invalid phone, say).
#[napi(
    catch_unwind,
    js_name = "sanitizerTransform",
    ts_return_type = "string | null"
)]
pub fn sanitizer_transform(
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    rule_index: u32,
    #[napi(ts_arg_type = "string")] text: ShortText,
) -> Result<Option<Text>, Code> {
    let action = usize::try_from(rule_index)
        .ok()
        .and_then(|index| policy.rules.rules().get(index))
        .map(|rule| rule.action)
        .ok_or_else(|| coded(Code::sanitize(ErrorCode::Internal), "unknown rule index"))?;
    match policy
        .transform(action, text.as_str())
        .map_err(sanitize_error)?
    {
        Scalar::Value(value) => Ok(Some(Text(value))),
        Scalar::Drop(_) => Ok(None),
    }
}

/// `null` when the detectors find nothing; else `['redact', text, ...detectors]` or
/// `['drop', '', ...detectors]`. An array is built only in the rare case of a match.
#[napi(catch_unwind, js_name = "sanitizerScan")]
pub fn sanitizer_scan(
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    #[napi(ts_arg_type = "string")] text: ShortText,
) -> Option<Vec<String>> {
    match policy.scan(text.as_str()) {
        Scan::Clean => None,
        Scan::Redacted(redacted, found) => Some(verdict(
            "redact",
            redacted,
            found.iter().map(|d| d.as_str()),
        )),
        Scan::Drop(found) => Some(verdict(
            "drop",
            String::new(),
            found.iter().map(|d| d.as_str()),
        )),
    }
}

/// The detectors that flag a number written as `text`, or `null`.
#[napi(catch_unwind, js_name = "sanitizerScanNumber")]
pub fn sanitizer_scan_number(
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    text: String,
) -> Option<Vec<String>> {
    policy
        .scan_number(&text)
        .map(|found| found.iter().map(|d| d.as_str().to_owned()).collect())
}

fn verdict<'a>(kind: &str, text: String, detectors: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = vec![kind.to_owned(), text];
    out.extend(detectors.map(str::to_owned));
    out
}

/// One listed change; `path` indexes [`JsonResult::paths`] (changes at one place share a path,
/// so JavaScript builds each path string once).
#[napi(object)]
pub struct ChangeInfo {
    pub path: u32,
    pub action: String,
    pub rule: String,
}

#[napi(object, object_from_js = false)]
pub struct JsonResult<'env> {
    #[napi(ts_type = "string | Buffer")]
    pub output: Either<Text, BufferSlice<'env>>,
    pub paths: Vec<String>,
    pub changes: Vec<ChangeInfo>,
    /// Changes made but not listed (the report's caps).
    pub omitted: f64,
}

/// Sanitizes JSON text; returns a string or a Buffer as asked.
#[napi(
    catch_unwind,
    js_name = "sanitizerJson",
    ts_return_type = "string | Buffer"
)]
pub fn sanitizer_json<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    #[napi(ts_arg_type = "string | Uint8Array")] input: Bytes<'_>,
    as_buffer: bool,
) -> Result<Either<Text, BufferSlice<'env>>, Code> {
    let (output, _) =
        sanitize_json_with(input.as_slice(), policy, false).map_err(sanitize_error)?;
    output_of(env, output, as_buffer)
}

/// Like `sanitizerJson`, with the report (capped: see `report::MAX_LISTED_CHANGES`).
#[napi(catch_unwind, js_name = "sanitizerJsonReport")]
pub fn sanitizer_json_report<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    #[napi(ts_arg_type = "string | Uint8Array")] input: Bytes<'_>,
    as_buffer: bool,
) -> Result<JsonResult<'env>, Code> {
    let (output, report) = sanitize_json(input.as_slice(), policy).map_err(sanitize_error)?;
    let mut paths: Vec<String> = Vec::new();
    let mut last: Option<Arc<str>> = None;
    let changes = report
        .changes
        .into_iter()
        .map(|change| {
            if !last
                .as_ref()
                .is_some_and(|path| Arc::ptr_eq(path, &change.path))
            {
                paths.push(change.path.to_string());
                last = Some(change.path);
            }
            ChangeInfo {
                path: u32::try_from(paths.len().saturating_sub(1)).unwrap_or(u32::MAX),
                action: change.action.to_owned(),
                rule: change.rule,
            }
        })
        .collect();
    Ok(JsonResult {
        output: output_of(env, output, as_buffer)?,
        paths,
        changes,
        omitted: report.omitted as f64,
    })
}

#[napi(object)]
pub struct LineErrorInfo {
    /// 1-based line number.
    pub line: u32,
    pub code: String,
    pub message: String,
}

#[napi(object, object_from_js = false)]
pub struct NdjsonResult<'env> {
    #[napi(ts_type = "string | Buffer")]
    pub output: Either<Text, BufferSlice<'env>>,
    pub errors: Vec<LineErrorInfo>,
}

/// Sanitizes NDJSON in one call: every line as a document, malformed lines left out and listed.
#[napi(catch_unwind, js_name = "sanitizerNdjson")]
pub fn sanitizer_ndjson<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    #[napi(ts_arg_type = "string | Uint8Array")] input: Bytes<'_>,
    as_buffer: bool,
) -> Result<NdjsonResult<'env>, Code> {
    let (output, errors) = sanitize_ndjson(input.as_slice(), policy);
    Ok(NdjsonResult {
        output: output_of(env, output, as_buffer)?,
        errors: errors
            .into_iter()
            .map(|e| LineErrorInfo {
                line: u32::try_from(e.line).unwrap_or(u32::MAX),
                code: e.error.code.as_str().to_owned(),
                message: format!("customerio-security: {}", e.error.message),
            })
            .collect(),
    })
}

/// A Buffer made by copying: for the sizes JSON records have, one copy is far cheaper than
/// handing V8 an external buffer with a finalizer (~1.5 us per call, measured).
fn output_of(
    env: &Env,
    output: Vec<u8>,
    as_buffer: bool,
) -> Result<Either<Text, BufferSlice<'_>>, Code> {
    if as_buffer {
        return BufferSlice::copy_from(env, &output)
            .map(Either::B)
            .map_err(napi_error);
    }
    // Structural bytes are ASCII and every string was checked as UTF-8 on the way in.
    String::from_utf8(output)
        .map(|text| Either::A(Text(text)))
        .map_err(|_| {
            coded(
                Code::sanitize(ErrorCode::InvalidJson),
                "the output is not UTF-8",
            )
        })
}

/// A key as report paths and error messages show it: itself, or `<redacted>` when it carries
/// personal data (the core's rule, so JS paths and JSON-text paths agree).
#[napi(catch_unwind, js_name = "sanitizerPathKey")]
pub fn sanitizer_path_key(key: String) -> String {
    customerio_security_core::sanitize::report::shown_key(&key).into_owned()
}
