//! The audit trail's hash chain.
//!
//! Every change to a case, a claim or a credential appends an event to the chain of its
//! subject (`case:42`, `user:7`). Each event's hash covers its own fields and the previous
//! event's hash, so changing, removing or reordering a stored event breaks every hash after
//! it. The store writes events; this module computes and checks the hashes, so that
//! `seba audit verify` and the store agree on one definition.

use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of a subject's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as stored. `before`/`after` are JSON texts exactly as written, so the hash
/// does not depend on how a database re-serialises JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub subject: String,
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

/// An event before it joins its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    pub subject: String,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
}

impl EventDraft {
    /// Seal the draft as event `seq` after an event whose hash is `prev_hash`.
    pub fn seal(self, seq: i64, prev_hash: &str) -> AuditEvent {
        let hash = chain_hash(
            prev_hash,
            &self.subject,
            seq,
            self.at,
            &self.actor,
            &self.action,
            &self.before,
            &self.after,
        );
        AuditEvent {
            subject: self.subject,
            seq,
            at: self.at,
            actor: self.actor,
            action: self.action,
            before: self.before,
            after: self.after,
            prev_hash: prev_hash.to_string(),
            hash,
        }
    }
}

/// SHA-256 over length-prefixed fields, so no two different events share an input.
pub fn chain_hash(
    prev_hash: &str,
    subject: &str,
    seq: i64,
    at: Timestamp,
    actor: &str,
    action: &str,
    before: &str,
    after: &str,
) -> String {
    let mut h = Sha256::new();
    let at_micros = at.as_microsecond().to_string();
    let seq = seq.to_string();
    for field in [
        prev_hash, subject, &seq, &at_micros, actor, action, before, after,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where a chain is broken, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("{subject} event {seq}: stored hash does not match its contents (edited)")]
    Altered { subject: String, seq: i64 },
    #[error(
        "{subject} event {seq}: does not follow the previous event's hash (removed or reordered)"
    )]
    Unlinked { subject: String, seq: i64 },
    #[error("{subject}: expected event {expected}, found {found} (missing event)")]
    Gap {
        subject: String,
        expected: i64,
        found: i64,
    },
}

/// Checks one subject's events, given in `seq` order, from the first.
#[derive(Debug)]
pub struct ChainVerifier {
    subject: String,
    next_seq: i64,
    prev_hash: String,
}

impl ChainVerifier {
    pub fn new(subject: &str) -> Self {
        ChainVerifier {
            subject: subject.to_string(),
            next_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }

    pub fn push(&mut self, e: &AuditEvent) -> Result<(), ChainBreak> {
        if e.seq != self.next_seq {
            return Err(ChainBreak::Gap {
                subject: self.subject.clone(),
                expected: self.next_seq,
                found: e.seq,
            });
        }
        let recomputed = chain_hash(
            &e.prev_hash,
            &e.subject,
            e.seq,
            e.at,
            &e.actor,
            &e.action,
            &e.before,
            &e.after,
        );
        if recomputed != e.hash || e.subject != self.subject {
            return Err(ChainBreak::Altered {
                subject: self.subject.clone(),
                seq: e.seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked {
                subject: self.subject.clone(),
                seq: e.seq,
            });
        }
        self.prev_hash = e.hash.clone();
        self.next_seq += 1;
        Ok(())
    }

    /// The hash of the last event checked: what the next event must link to.
    pub fn head(&self) -> &str {
        &self.prev_hash
    }
}

/// The fields that differ between two JSON objects, as two JSON texts (before, after).
/// Fields are in key order (serde_json's map is sorted), so the texts are deterministic.
pub fn diff(before: &serde_json::Value, after: &serde_json::Value) -> (String, String) {
    use serde_json::{Map, Value};
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut db = Map::new();
    let mut da = Map::new();
    for (k, v) in b {
        if a.get(k) != Some(v) {
            db.insert(k.clone(), v.clone());
            da.insert(k.clone(), a.get(k).cloned().unwrap_or(Value::Null));
        }
    }
    for (k, v) in a {
        if !b.contains_key(k) {
            db.insert(k.clone(), Value::Null);
            da.insert(k.clone(), v.clone());
        }
    }
    (Value::Object(db).to_string(), Value::Object(da).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(action: &str) -> EventDraft {
        EventDraft {
            subject: "case:1".into(),
            at: "2026-11-22T04:00:00Z".parse().unwrap(),
            actor: "user:1".into(),
            action: action.into(),
            before: "{}".into(),
            after: r#"{"status":"open"}"#.into(),
        }
    }

    fn chain() -> Vec<AuditEvent> {
        let a = draft("create").seal(1, GENESIS);
        let b = draft("transition").seal(2, &a.hash);
        let c = draft("assign").seal(3, &b.hash);
        vec![a, b, c]
    }

    fn verify(events: &[AuditEvent]) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::new("case:1");
        events.iter().try_for_each(|e| v.push(e))
    }

    #[test]
    fn an_honest_chain_verifies() {
        verify(&chain()).unwrap();
    }

    #[test]
    fn edits_removals_and_reorders_are_caught() {
        let mut edited = chain();
        edited[1].after = r#"{"status":"closed"}"#.into();
        assert_eq!(
            verify(&edited),
            Err(ChainBreak::Altered {
                subject: "case:1".into(),
                seq: 2
            })
        );

        let mut removed = chain();
        removed.remove(1);
        assert!(matches!(
            verify(&removed),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3,
                ..
            })
        ));

        // Re-sealing an edited event with a fresh hash still breaks the link to it.
        let mut resealed = chain();
        let forged = draft("forged").seal(2, &resealed[0].hash);
        resealed[1] = forged;
        assert_eq!(
            verify(&resealed),
            Err(ChainBreak::Unlinked {
                subject: "case:1".into(),
                seq: 3
            })
        );
    }

    #[test]
    fn diff_keeps_only_changes() {
        let b = serde_json::json!({"status": "new", "queue": "hotline", "tags": []});
        let a =
            serde_json::json!({"status": "open", "queue": "hotline", "tags": [], "assignee": 3});
        let (db, da) = diff(&b, &a);
        assert_eq!(db, r#"{"assignee":null,"status":"new"}"#);
        assert_eq!(da, r#"{"assignee":3,"status":"open"}"#);
    }
}
