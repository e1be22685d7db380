//! Attribute names as a policy sees them.
//!
//! The guide's sanitizer lowercases keys and compares them to a list, so `phoneNumber`,
//! `Phone-Number` and `phone number` all slip past a rule for `phone_number`. Normalizing every
//! key to snake_case before matching closes that gap.

/// `phoneNumber`, `Phone-Number`, `phone number`, `PHONE_NUMBER` -> `phone_number`;
/// `IPAddress` -> `ip_address`; `SSN` -> `ssn`.
///
/// Word boundaries are: any run of characters that are not ASCII letters or digits, a lowercase
/// letter or digit followed by an uppercase letter, and the last capital of an acronym that is
/// followed by a lowercase letter (`IPAddress`). Non-ASCII letters are kept, lowercased.
pub fn normalize_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut chars = key.chars().peekable();
    let mut previous: Option<char> = None;
    let mut pending_separator = false;
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            pending_separator = !out.is_empty();
            previous = None;
            continue;
        }
        if let Some(p) = previous {
            let camel = c.is_uppercase() && (p.is_lowercase() || p.is_numeric());
            let acronym_end = c.is_uppercase()
                && p.is_uppercase()
                && chars.peek().is_some_and(|next| next.is_lowercase());
            if camel || acronym_end {
                pending_separator = true;
            }
        }
        if pending_separator {
            out.push('_');
            pending_separator = false;
        }
        out.extend(c.to_lowercase());
        previous = Some(c);
    }
    out
}

/// Lowercase letters and digits only, after folding look-alikes: `iP_ADDress`, `IpAddress`,
/// `ip-address` and fullwidth `ＩＰ Ａｄｄｒｅｓｓ` all become `ipaddress`. Matching on this
/// form catches random casing that defeats camelCase splitting.
pub fn compact_key(key: &str) -> String {
    super::names::compact(key)
}

/// Longest name [`compact_key_ascii`] compacts on the stack.
pub const COMPACT_STACK: usize = 64;

/// [`compact_key`] for ASCII names that fit `buf`, without allocating; `None` otherwise.
pub fn compact_key_ascii<'b>(key: &str, buf: &'b mut [u8; COMPACT_STACK]) -> Option<&'b [u8]> {
    if key.len() > COMPACT_STACK || !key.is_ascii() {
        return None;
    }
    let mut len = 0;
    for byte in key.bytes().filter(u8::is_ascii_alphanumeric) {
        *buf.get_mut(len)? = byte.to_ascii_lowercase();
        len += 1;
    }
    buf.get(..len)
}

/// True when `key` is already what [`normalize_key`] would return, so the common case
/// (`email`, `created_at`) needs no allocation.
pub fn is_normalized(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.first() != Some(&b'_')
        && bytes.last() != Some(&b'_')
        && !key.contains("__")
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_one_name_meet() {
        for key in [
            "phone_number",
            "phoneNumber",
            "PhoneNumber",
            "Phone-Number",
            "phone number",
            "PHONE_NUMBER",
            "phone__number",
            " phone.number ",
        ] {
            assert_eq!(normalize_key(key), "phone_number", "{key:?}");
        }
    }

    #[test]
    fn acronyms_split_where_a_word_starts() {
        assert_eq!(normalize_key("IPAddress"), "ip_address");
        assert_eq!(normalize_key("SSN"), "ssn");
        assert_eq!(normalize_key("userSSN"), "user_ssn");
        assert_eq!(normalize_key("creditCard"), "credit_card");
        assert_eq!(normalize_key("cardNumber"), "card_number");
        assert_eq!(normalize_key("address2Line"), "address2_line");
    }

    #[test]
    fn non_ascii_and_empty_keys_do_not_panic() {
        assert_eq!(normalize_key(""), "");
        assert_eq!(normalize_key("---"), "");
        assert_eq!(normalize_key("Téléphone"), "téléphone");
        assert_eq!(normalize_key("İ"), "i\u{307}");
    }

    #[test]
    fn compact_form_ignores_case_and_separators() {
        for key in ["iP_ADDress", "IpAddress", "ip-address", "IP ADDRESS"] {
            assert_eq!(compact_key(key), "ipaddress", "{key:?}");
        }
    }

    #[test]
    fn stack_compaction_agrees_with_the_allocating_one() {
        let mut buf = [0u8; COMPACT_STACK];
        for key in ["iP_ADDress", "phone", "Credit-Card", "", "__"] {
            let stacked = compact_key_ascii(key, &mut buf).map(<[u8]>::to_vec);
            assert_eq!(stacked, Some(compact_key(key).into_bytes()), "{key:?}");
        }
        assert_eq!(compact_key_ascii("Téléphone", &mut buf), None);
        assert_eq!(compact_key_ascii(&"a".repeat(65), &mut buf), None);
    }

    #[test]
    fn normalized_keys_are_recognized() {
        assert!(is_normalized("created_at"));
        assert!(!is_normalized("createdAt"));
        assert!(!is_normalized("_id"));
        assert!(!is_normalized(""));
        for key in ["email", "created_at", "phone2"] {
            assert_eq!(normalize_key(key), key);
        }
    }
}
