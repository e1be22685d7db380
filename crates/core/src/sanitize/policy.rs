//! A sanitizer policy and the decisions shared by every entry point (JSON text, JS objects).

use std::fmt;

use super::decisions::SharedDecisions;
use super::detect::{self, Detector, DetectorSet};
use super::normalize;
use super::pseudonym::{self, Pepper};
use super::report::{action, rule};
use super::rules::{Action, FieldRules, MatchKey, Rule, Unlisted};

/// Keys that could reach an object's prototype when a consumer copies the output with
/// `Object.assign`, spread or a merge helper. They are always dropped.
pub const FORBIDDEN_KEYS: &[&str] = &["__proto__", "constructor", "prototype"];

/// Deeper input is an error, never a stack overflow.
pub const DEFAULT_MAX_DEPTH: usize = 64;
/// The ceiling for a configured depth: the JSON walker recurses once per level.
pub const MAX_DEPTH_CEILING: usize = 512;

/// What to do when an attribute breaks a Customer.io limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LimitMode {
    /// List it in the report and send it anyway (Customer.io will refuse or truncate it).
    #[default]
    Report,
    /// Fail the whole call.
    Error,
    Off,
}

/// Customer.io's documented limits on identify calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub name_bytes: usize,
    pub value_bytes: usize,
    pub attributes: usize,
    pub mode: LimitMode,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            name_bytes: 150,
            value_bytes: 1000,
            attributes: 300,
            mode: LimitMode::Report,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub rules: FieldRules,
    pub pepper: Option<Pepper>,
    /// The value detectors that run on every kept string.
    pub detectors: DetectorSet,
    /// Those of them that drop the whole field (or array element); the others redact the match.
    pub dropping_detectors: DetectorSet,
    pub limits: Limits,
    pub max_depth: usize,
    /// Country code for phones written without one (`Some("1")`), for E.164 and match keys.
    pub default_country_code: Option<String>,
    /// Keys' lookups remembered across the documents this policy sanitizes one by one.
    pub(crate) remembered: SharedDecisions,
}

impl Default for Policy {
    /// The guide's rules, leak-proof: variants matched, detectors on, limits reported.
    fn default() -> Self {
        Policy {
            rules: FieldRules::guide_defaults(),
            pepper: None,
            detectors: DetectorSet::defaults(),
            dropping_detectors: DetectorSet::none(),
            limits: Limits::default(),
            max_depth: DEFAULT_MAX_DEPTH,
            default_country_code: None,
            remembered: SharedDecisions::default(),
        }
    }
}

/// What happens to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision<'p> {
    /// `__proto__`, `constructor`, `prototype`.
    Forbidden,
    /// No rule names it and the policy is an allow-list.
    Unlisted,
    /// No rule names it: kept, its value still walked and scanned.
    Keep,
    Rule(&'p Rule),
}

/// What becomes of a scalar under a transforming rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Value(String),
    /// Removed, for the reason given (a report rule name).
    Drop(&'static str),
}

/// What the value detectors made of a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    Clean,
    Redacted(String, Vec<Detector>),
    Drop(Vec<Detector>),
}

/// Stable error codes; messages name the problem, never an attribute value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidJson,
    MaxDepth,
    LimitExceeded,
    MissingPepper,
    /// A document whose sanitized form would outgrow the memory bound (see `json::OUTPUT_FACTOR`).
    OutputTooLarge,
    /// Bulk input that starts like gzip but is not valid gzip.
    InvalidGzip,
    /// Bulk gzip input that ends in the middle of the compressed stream.
    TruncatedGzip,
    /// A CSV row with more or fewer fields than the header.
    CsvFieldCount,
    /// CSV that cannot be read as text (not UTF-8) or has no header row.
    InvalidCsv,
    /// A worker thread failed (a bug, never the input's fault).
    Internal,
}

impl ErrorCode {
    /// Every code, for the binding's list of the codes it throws.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::InvalidJson,
        ErrorCode::MaxDepth,
        ErrorCode::LimitExceeded,
        ErrorCode::MissingPepper,
        ErrorCode::OutputTooLarge,
        ErrorCode::InvalidGzip,
        ErrorCode::TruncatedGzip,
        ErrorCode::CsvFieldCount,
        ErrorCode::InvalidCsv,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "ERR_INVALID_JSON",
            ErrorCode::MaxDepth => "ERR_MAX_DEPTH",
            ErrorCode::LimitExceeded => "ERR_LIMIT_EXCEEDED",
            ErrorCode::MissingPepper => "ERR_MISSING_PEPPER",
            ErrorCode::OutputTooLarge => "ERR_OUTPUT_TOO_LARGE",
            ErrorCode::InvalidGzip => "ERR_INVALID_GZIP",
            ErrorCode::TruncatedGzip => "ERR_TRUNCATED_GZIP",
            ErrorCode::CsvFieldCount => "ERR_CSV_FIELD_COUNT",
            ErrorCode::InvalidCsv => "ERR_INVALID_CSV",
            ErrorCode::Internal => "ERR_INTERNAL",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SanitizeError {
    pub code: ErrorCode,
    pub message: String,
}

impl SanitizeError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        SanitizeError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for SanitizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for SanitizeError {}

impl Policy {
    pub fn decide(&self, key: &str) -> Decision<'_> {
        self.decide_indexed(key).0
    }

    /// [`Policy::decide`], with the rule's index in [`FieldRules::rules`] when a rule decides:
    /// one lookup for callers that need both (the binding hands the index to JavaScript).
    pub fn decide_indexed(&self, key: &str) -> (Decision<'_>, Option<usize>) {
        if FORBIDDEN_KEYS.contains(&key) {
            return (Decision::Forbidden, None);
        }
        self.decision_for(self.rules.lookup_index(key))
    }

    /// The decision for a key that is not forbidden, from what [`FieldRules::lookup_index`]
    /// found for it.
    pub(crate) fn decision_for(&self, found: Option<usize>) -> (Decision<'_>, Option<usize>) {
        let found = found.and_then(|index| self.rules.rules().get(index).map(|rule| (index, rule)));
        match found {
            // An allow-listed name is an unlisted field that may pass: walked and scanned.
            Some((_, rule)) if rule.action == Action::Allow => (Decision::Keep, None),
            Some((index, rule)) => (Decision::Rule(rule), Some(index)),
            None if self.rules.unlisted == Unlisted::Drop => (Decision::Unlisted, None),
            None => (Decision::Keep, None),
        }
    }

    /// Applies a transforming action (pseudonymize, match key, mask, E.164) to a scalar given
    /// as text: a string's contents, or a number or boolean as written.
    pub fn transform(&self, action: Action, text: &str) -> Result<Scalar, SanitizeError> {
        let country = self.default_country_code.as_deref();
        Ok(match action {
            Action::Pseudonymize(digest) => Scalar::Value(
                pseudonym::digest(text.as_bytes(), digest, self.pepper.as_ref()).map_err(
                    |error| SanitizeError::new(ErrorCode::MissingPepper, error.to_string()),
                )?,
            ),
            Action::MatchKey(MatchKey::Email) => Scalar::Value(normalize::sha256_hex(
                normalize::normalize_email(text).as_bytes(),
            )),
            Action::MatchKey(MatchKey::PhoneE164) => match normalize::to_e164(text, country) {
                Ok(phone) => Scalar::Value(normalize::sha256_hex(phone.as_bytes())),
                Err(_) => Scalar::Drop(rule::INVALID_PHONE),
            },
            Action::MatchKey(MatchKey::PhoneDigits) => match normalize::meta_phone(text, country) {
                Ok(phone) => Scalar::Value(normalize::sha256_hex(phone.as_bytes())),
                Err(_) => Scalar::Drop(rule::INVALID_PHONE),
            },
            Action::Mask { keep_last } => Scalar::Value(pseudonym::mask(text, keep_last)),
            Action::E164 if normalize::is_e164(text) => Scalar::Value(text.to_owned()),
            Action::E164 => Scalar::Drop(rule::INVALID_E164),
            Action::Keep | Action::Allow => Scalar::Value(text.to_owned()),
            Action::Drop => Scalar::Drop(action::DROPPED),
        })
    }

    /// Runs the value detectors over a string that is kept.
    pub fn scan(&self, text: &str) -> Scan {
        // A number some code turned into a string ("4.111111111111111e15") is judged by its
        // value, as a number is; the whole string is the match.
        if self.detectors.contains(Detector::CardNumber) && detect::card_in_numeric_string(text) {
            let found = vec![Detector::CardNumber];
            return if self.dropping_detectors.contains(Detector::CardNumber) {
                Scan::Drop(found)
            } else {
                Scan::Redacted(Detector::CardNumber.redaction().to_owned(), found)
            };
        }
        // Most values are shorter than the shortest match (11 characters with the defaults):
        // bytes are never fewer than characters, so the byte length is a sound bound.
        if text.len() < self.detectors.min_chars() || !detect::may_contain(text, self.detectors) {
            return Scan::Clean;
        }
        let dropping = self.detectors.intersect(self.dropping_detectors);
        if !dropping.is_empty() {
            let found = distinct(detect::find(text, dropping));
            if !found.is_empty() {
                return Scan::Drop(found);
            }
        }
        match detect::redact(text, self.detectors.difference(self.dropping_detectors)) {
            Some((redacted, found)) => Scan::Redacted(redacted, found),
            None => Scan::Clean,
        }
    }

    /// Runs the value detectors over a number as written (JSON text, or `String(n)` in
    /// JavaScript). Only a card number fits in a number, and it is judged by the number's exact
    /// value in any spelling (`4.111111111111111E15` is a card). A flagged number is dropped:
    /// there is no way to redact part of a number, and turning it into a string would change
    /// its type.
    pub fn scan_number(&self, text: &str) -> Option<Vec<Detector>> {
        // Fewer than 13 characters and no exponent: fewer than 13 digits before any point.
        if !self.detectors.contains(Detector::CardNumber)
            || (text.len() < 13 && !text.bytes().any(|b| b == b'e' || b == b'E'))
        {
            return None;
        }
        detect::card_in_number(text).then(|| vec![Detector::CardNumber])
    }
}

/// Each detector that matched, once, in order of its first match.
fn distinct(found: Vec<detect::Found>) -> Vec<Detector> {
    let mut detectors = Vec::new();
    for f in found {
        if !detectors.contains(&f.detector) {
            detectors.push(f.detector);
        }
    }
    detectors
}
