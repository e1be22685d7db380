//! The policy's decisions remembered by key, for a walk over many documents.
//!
//! An export repeats the same few dozen keys on every record, and deciding a key (its compact
//! form, the policy's exact names, the taxonomy's classifier) costs several times more than
//! finding it in a hash table. A bulk walk keeps one `KeyDecisions` per thread; a single
//! document does not (its keys are mostly seen once).

use rustc_hash::FxHashMap;

use super::policy::{Decision, Policy};

/// At most this many keys are remembered; others are decided each time.
pub const MAX_REMEMBERED_KEYS: usize = 4_096;
/// Longer keys are decided each time (they are rare, and would make the table large).
pub const MAX_REMEMBERED_KEY_BYTES: usize = 64;

/// Decisions of one policy by key.
#[derive(Debug, Default)]
pub struct KeyDecisions<'p> {
    remembered: FxHashMap<Box<str>, Decision<'p>>,
}

impl<'p> KeyDecisions<'p> {
    /// `policy.decide(key)`, from memory when `key` was decided before. `policy` must be the
    /// same every call (a table belongs to one policy).
    pub fn decide(&mut self, policy: &'p Policy, key: &str) -> Decision<'p> {
        if key.len() > MAX_REMEMBERED_KEY_BYTES {
            return policy.decide(key);
        }
        if let Some(&decision) = self.remembered.get(key) {
            return decision;
        }
        let decision = policy.decide(key);
        if self.remembered.len() < MAX_REMEMBERED_KEYS {
            self.remembered.insert(key.into(), decision);
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_decisions_are_the_policys() {
        let policy = Policy::default();
        let mut keys = KeyDecisions::default();
        let names = [
            "email",
            "phone",
            "ssn",
            "__proto__",
            "billing_card_number",
            "plan",
            &"phone_".repeat(20),
        ];
        for _ in 0..3 {
            for key in names {
                assert_eq!(keys.decide(&policy, key), policy.decide(key), "{key}");
            }
        }
        // The long key is decided each time, never stored.
        assert_eq!(keys.remembered.len(), names.len() - 1);
    }

    #[test]
    fn the_table_stops_growing_at_its_cap() {
        let policy = Policy::default();
        let mut keys = KeyDecisions::default();
        for i in 0..MAX_REMEMBERED_KEYS + 100 {
            let key = format!("field_{i}");
            assert_eq!(keys.decide(&policy, &key), policy.decide(&key));
        }
        assert_eq!(keys.remembered.len(), MAX_REMEMBERED_KEYS);
    }
}
