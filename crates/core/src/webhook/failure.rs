use std::fmt;

/// Why a delivery was not accepted. Each is a property of the request, never of the
/// receiver's configuration: misuse (no secret, a parsed body) is an error elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    MissingSignature,
    MissingTimestamp,
    MalformedSignature,
    MalformedTimestamp,
    TimestampTooOld,
    TimestampTooNew,
    SignatureMismatch,
}

impl Failure {
    /// Every failure, in the order of their stable numeric codes (1-based).
    pub const ALL: [Failure; 7] = [
        Failure::MissingSignature,
        Failure::MissingTimestamp,
        Failure::MalformedSignature,
        Failure::MalformedTimestamp,
        Failure::TimestampTooOld,
        Failure::TimestampTooNew,
        Failure::SignatureMismatch,
    ];

    /// The stable name the JavaScript API reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::MissingSignature => "MISSING_SIGNATURE",
            Failure::MissingTimestamp => "MISSING_TIMESTAMP",
            Failure::MalformedSignature => "MALFORMED_SIGNATURE",
            Failure::MalformedTimestamp => "MALFORMED_TIMESTAMP",
            Failure::TimestampTooOld => "TIMESTAMP_TOO_OLD",
            Failure::TimestampTooNew => "TIMESTAMP_TOO_NEW",
            Failure::SignatureMismatch => "SIGNATURE_MISMATCH",
        }
    }

    /// A small stable number, so a binding can return a failure without allocating.
    pub fn code(self) -> u8 {
        match self {
            Failure::MissingSignature => 1,
            Failure::MissingTimestamp => 2,
            Failure::MalformedSignature => 3,
            Failure::MalformedTimestamp => 4,
            Failure::TimestampTooOld => 5,
            Failure::TimestampTooNew => 6,
            Failure::SignatureMismatch => 7,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_order_of_all() {
        for (i, failure) in Failure::ALL.iter().enumerate() {
            assert_eq!(usize::from(failure.code()), i + 1, "{failure}");
        }
    }
}
