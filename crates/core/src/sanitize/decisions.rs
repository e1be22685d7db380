//! The rules' lookups remembered by key, for walks over many documents.
//!
//! An export repeats the same few dozen keys on every record, and looking a key up (its compact
//! form, the policy's exact names, the taxonomy's classifier) costs several times more than
//! finding it in a hash table. A bulk walk keeps one `KeyDecisions` per thread; a policy keeps
//! one for the documents it sanitizes one call at a time ([`SharedDecisions`]).
//!
//! What is remembered is the lookup's answer (which rule, if any), never the decision made of
//! it, and it belongs to one generation of the rules ([`FieldRules::generation`]): a rule added
//! or removed afterwards forgets it all.
//!
//! [`FieldRules::generation`]: super::rules::FieldRules::generation

use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::policy::{Decision, Policy, FORBIDDEN_KEYS};

/// At most this many keys are remembered; then the table starts over.
pub const MAX_REMEMBERED_KEYS: usize = 4_096;
/// Longer keys are looked up each time (they are rare, and would make the table large).
pub const MAX_REMEMBERED_KEY_BYTES: usize = 64;

/// Lookups of one policy's rules by key.
#[derive(Debug, Default)]
pub struct KeyDecisions {
    found: FxHashMap<Box<str>, Option<u32>>,
    /// The rules' generation the lookups were made under.
    generation: u64,
}

impl KeyDecisions {
    /// `policy.decide(key)`, the rules' lookup taken from memory when `key` was looked up
    /// before under the same rules. One table serves one policy.
    pub fn decide<'p>(&mut self, policy: &'p Policy, key: &str) -> Decision<'p> {
        if FORBIDDEN_KEYS.contains(&key) {
            return Decision::Forbidden;
        }
        if key.len() > MAX_REMEMBERED_KEY_BYTES {
            return policy.decide(key);
        }
        if self.generation != policy.rules.generation() {
            self.found.clear();
            self.generation = policy.rules.generation();
        }
        let found = match self.found.get(key) {
            Some(found) => found.map(|index| index as usize),
            None => {
                let found = policy.rules.lookup_index(key);
                if self.found.len() >= MAX_REMEMBERED_KEYS {
                    // Bounded, and keeps up with inputs whose keys change.
                    self.found.clear();
                }
                let stored = found.and_then(|index| u32::try_from(index).ok());
                if stored.is_some() == found.is_some() {
                    self.found.insert(key.into(), stored);
                }
                found
            }
        };
        policy.decision_for(found).0
    }
}

/// A policy's [`KeyDecisions`] for its one-document calls. A call takes the table out for its
/// walk and puts it back after, so no lock is held while a document is walked; a call that finds
/// it taken (another thread's walk of the same policy) walks without one.
#[derive(Debug)]
pub struct SharedDecisions(Mutex<Option<KeyDecisions>>);

impl Default for SharedDecisions {
    fn default() -> Self {
        SharedDecisions(Mutex::new(Some(KeyDecisions::default())))
    }
}

impl SharedDecisions {
    /// The table, when no other walk has it.
    pub fn take(&self) -> Option<KeyDecisions> {
        self.0.try_lock().ok().and_then(|mut slot| slot.take())
    }

    /// Gives the table back after a walk. Waits for the lock (held only to take or put the
    /// table, never during a walk): a table dropped here would leave the slot empty for good.
    pub fn put_back(&self, decisions: KeyDecisions) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(decisions);
        }
    }
}

/// A copy of a policy starts with nothing remembered.
impl Clone for SharedDecisions {
    fn clone(&self) -> Self {
        SharedDecisions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::rules::Action;

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
        // The forbidden and the long key are decided each time, never stored.
        assert_eq!(keys.found.len(), names.len() - 2);
    }

    #[test]
    fn the_table_starts_over_at_its_cap() {
        let policy = Policy::default();
        let mut keys = KeyDecisions::default();
        for i in 0..MAX_REMEMBERED_KEYS + 100 {
            let key = format!("field_{i}");
            assert_eq!(keys.decide(&policy, &key), policy.decide(&key));
        }
        assert!(keys.found.len() <= MAX_REMEMBERED_KEYS);
    }

    #[test]
    fn a_rule_added_after_a_lookup_is_seen() {
        let mut policy = Policy::default();
        let mut keys = KeyDecisions::default();
        assert_eq!(keys.decide(&policy, "loyalty_id"), Decision::Keep);
        policy.rules.set("loyalty_id", Action::Drop).unwrap();
        assert!(matches!(
            keys.decide(&policy, "loyalty_id"),
            Decision::Rule(rule) if rule.action == Action::Drop
        ));
        // An action changed in place needs no new lookup: the decision is made afresh each time.
        policy.rules.replace_action(Action::Drop, Action::Keep);
        assert_eq!(
            keys.decide(&policy, "loyalty_id"),
            policy.decide("loyalty_id")
        );
        // The unlisted mode is read at each decision too.
        policy.rules.unlisted = crate::sanitize::rules::Unlisted::Drop;
        assert_eq!(keys.decide(&policy, "plan"), Decision::Unlisted);
    }

    #[test]
    fn a_shared_table_is_lent_to_one_walk_at_a_time() {
        let shared = SharedDecisions::default();
        let first = shared.take().expect("free");
        // While the first walk has it, a second walks without one.
        assert!(shared.take().is_none());
        shared.put_back(first);
        assert!(shared.take().is_some());
    }
}
