//! The team's merge model (issue 16, first part): one small Automerge
//! document per shared record, keyed by the record's entity and key, so
//! that several auditors' laptops can each change an audit offline and
//! merge their files in any order, any number of times, to the same
//! state. We write no merge algorithm of our own: Automerge merges, and a
//! field written differently on two laptops stays visible as a conflict
//! (`get_all`) instead of one side vanishing.
//!
//! A record's document is a map of its fields (text values, as the audit
//! trail records them) and one more key, [`ALIVE`]: every create and every
//! edit puts it a value of its own ("alive", the laptop and the time:
//! Automerge drops a put of the value a key already has, so a plain `true`
//! would not mark the edit), a delete puts [`DELETED`]. So a record deleted
//! on one laptop and edited on another comes back as a conflict on
//! [`ALIVE`], never silently lost; a delete seen before an edit simply
//! stays.
//!
//! The edits are what the audit trail already records, field by field, in
//! the same transaction as each row ([`Edit`] from a trail row); the
//! documents are their projection, brought up to date before a team file
//! is written or merged. Nothing here touches SQLite or the screen.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjId, ReadDoc, ScalarValue, Value, ROOT};

/// The key a record's liveness is kept under (no column has this name).
pub const ALIVE: &str = "_alive";
/// [`ALIVE`]'s value for a deleted record.
pub const DELETED: &str = "deleted";

/// A shared record: its kind (`finding`, `sample`, …) and its key (the
/// row's id, or `clause/stage`, as the trail names it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordKey {
    pub entity: String,
    pub key: String,
}

impl RecordKey {
    pub fn new(entity: &str, key: &str) -> RecordKey {
        RecordKey {
            entity: entity.to_string(),
            key: key.to_string(),
        }
    }
}

/// One change to one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// A new record with these fields.
    Create(BTreeMap<String, String>),
    /// One field set to a value.
    Set(String, String),
    Delete,
}

/// A field written differently on two (or more) laptops, with each value
/// and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub record: RecordKey,
    /// A field, or [`ALIVE`] for deleted on one side and edited on another.
    pub field: String,
    /// (value, who), in Automerge's order (the same on every laptop); the
    /// first is the one the record shows until the conflict is settled.
    pub values: Vec<(String, String)>,
    /// When each value was written (ms since 1970; 0 where not looked up).
    pub at_ms: Vec<i64>,
}

/// What a merge brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSummary {
    /// Records this laptop did not have.
    pub new_records: Vec<RecordKey>,
    /// Records it had that changed.
    pub changed_records: Vec<RecordKey>,
    /// Changes (Automerge's) that came in, over every record.
    pub changes: usize,
}

/// A record as the documents have it now: its fields, whether it is alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordState {
    pub fields: BTreeMap<String, String>,
    pub alive: bool,
}

#[derive(Debug)]
pub struct TeamError(pub String);

impl std::fmt::Display for TeamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TeamError {}

fn am(e: automerge::AutomergeError) -> TeamError {
    TeamError(format!("the team documents cannot be used: {e}"))
}

/// Who the base change of a record is by (the audit as shared).
pub const BASE_WHO: &str = "as shared";

/// The actor of every record's base change in an audit: derived from the
/// audit's id, the same on every laptop.
fn base_actor(audit_id: &str) -> ActorId {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("auditbench team base {audit_id}").as_bytes());
    ActorId::from(&h[..16])
}

/// The record kind and key under which each laptop's members are kept:
/// actor id (hex) → the auditor's name.
const MEMBERS: (&str, &str) = ("_team", "members");

/// The record under which the members are kept.
pub fn members_key() -> RecordKey {
    RecordKey::new(MEMBERS.0, MEMBERS.1)
}

/// One laptop's documents: its actor id and a document per record (all of
/// them, or only those a merge touches: records are independent).
pub struct Replica {
    actor: ActorId,
    docs: BTreeMap<RecordKey, AutoCommit>,
    /// Records changed since loaded, to be saved.
    dirty: BTreeSet<RecordKey>,
}

/// What merging one record's document brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The record was not here before.
    pub new: bool,
    /// Changes that came in.
    pub changes: usize,
    /// Who made the newest of them, and when (ms since 1970).
    pub who: String,
    pub at_ms: i64,
}

impl Replica {
    /// A laptop's documents, changes made as `actor` (its bytes: e.g. 16
    /// random bytes kept in the audit file), who is `name`.
    pub fn new(actor: &[u8], name: &str) -> Result<Replica, TeamError> {
        let mut r = Replica {
            actor: ActorId::from(actor),
            docs: BTreeMap::new(),
            dirty: BTreeSet::new(),
        };
        r.apply(
            &RecordKey::new(MEMBERS.0, MEMBERS.1),
            &Edit::Set(r.actor.to_hex_string(), name.to_string()),
            name,
            0,
        )?;
        Ok(r)
    }

    /// This laptop's actor id, in hex.
    pub fn actor_hex(&self) -> String {
        self.actor.to_hex_string()
    }

    fn doc(&mut self, record: &RecordKey) -> &mut AutoCommit {
        let actor = self.actor.clone();
        self.dirty.insert(record.clone());
        self.docs
            .entry(record.clone())
            .or_insert_with(|| AutoCommit::new().with_actor(actor))
    }

    /// Apply one change, by `who`, at `at_ms` (milliseconds since 1970): one
    /// Automerge change on the record's document.
    pub fn apply(
        &mut self,
        record: &RecordKey,
        edit: &Edit,
        who: &str,
        at_ms: i64,
    ) -> Result<(), TeamError> {
        let alive = alive_mark(at_ms);
        let doc = self.doc(record);
        match edit {
            Edit::Create(fields) => {
                for (k, v) in fields {
                    doc.put(ROOT, k.as_str(), v.as_str()).map_err(am)?;
                }
                doc.put(ROOT, ALIVE, alive).map_err(am)?;
            }
            Edit::Set(field, value) => {
                doc.put(ROOT, field.as_str(), value.as_str()).map_err(am)?;
                if record.entity != MEMBERS.0 {
                    doc.put(ROOT, ALIVE, alive).map_err(am)?;
                }
            }
            Edit::Delete => doc.put(ROOT, ALIVE, DELETED).map_err(am)?,
        }
        doc.commit_with(CommitOptions::default().with_message(who).with_time(at_ms));
        Ok(())
    }

    /// Every record's document, saved whole (compressed), for a team file.
    pub fn save(&mut self) -> Vec<(RecordKey, Vec<u8>)> {
        self.docs
            .iter_mut()
            .map(|(k, d)| (k.clone(), d.save()))
            .collect()
    }

    /// A laptop's documents from saved bytes (its own file or a teammate's
    /// team file), changes from now on made as `actor`.
    pub fn load(actor: &[u8], saved: &[(RecordKey, Vec<u8>)]) -> Result<Replica, TeamError> {
        let actor = ActorId::from(actor);
        let mut docs = BTreeMap::new();
        for (k, bytes) in saved {
            let d = AutoCommit::load(bytes)
                .map_err(|e| {
                    TeamError(format!(
                        "the document of {} {} cannot be read: {e}",
                        k.entity, k.key
                    ))
                })?
                .with_actor(actor.clone());
            docs.insert(k.clone(), d);
        }
        Ok(Replica {
            actor,
            docs,
            dirty: BTreeSet::new(),
        })
    }

    /// Whether this replica holds the record's document.
    pub fn has(&self, record: &RecordKey) -> bool {
        self.docs.contains_key(record)
    }

    /// Merge one record's saved document (from a teammate's team file) into
    /// this replica's: Automerge's merge, so in any order and any number of
    /// times. `None` when it brought nothing new.
    pub fn merge_saved(
        &mut self,
        record: &RecordKey,
        saved: &[u8],
    ) -> Result<Option<Incoming>, TeamError> {
        let unreadable = |e: automerge::AutomergeError| {
            TeamError(format!(
                "the document of {} {} in the team file cannot be read: {e}",
                record.entity, record.key
            ))
        };
        let (new, before) = match self.docs.get_mut(record) {
            Some(mine) => {
                let before = mine.get_heads();
                mine.load_incremental(saved).map_err(unreadable)?;
                if mine.get_heads() == before {
                    return Ok(None);
                }
                (false, before)
            }
            None => {
                let d = AutoCommit::load(saved)
                    .map_err(unreadable)?
                    .with_actor(self.actor.clone());
                self.docs.insert(record.clone(), d);
                (true, Vec::new())
            }
        };
        self.dirty.insert(record.clone());
        let Some(doc) = self.docs.get_mut(record) else {
            return Ok(None);
        };
        // the base change (the record as shared) is no edit of anyone's
        let changes: Vec<_> = doc
            .get_changes(&before)
            .into_iter()
            .filter(|c| c.message() != Some(BASE_WHO))
            .collect();
        let newest = changes.iter().max_by_key(|c| c.timestamp());
        let who = newest
            .and_then(|c| c.message())
            .unwrap_or_default()
            .to_string();
        let at_ms = newest.map(|c| c.timestamp()).unwrap_or(0);
        Ok(Some(Incoming {
            new,
            changes: changes.len(),
            who,
            at_ms,
        }))
    }

    /// The records changed since loaded, each saved whole with its heads:
    /// what goes back into the audit file.
    pub fn take_dirty(&mut self) -> Vec<(RecordKey, String, Vec<u8>)> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .filter_map(|k| {
                let d = self.docs.get_mut(&k)?;
                let bytes = d.save();
                Some((k.clone(), heads_hex(d), bytes))
            })
            .collect()
    }

    /// The record's heads (sorted, hex): two laptops with equal heads hold
    /// the same document.
    pub fn heads(&mut self, record: &RecordKey) -> String {
        self.docs.get_mut(record).map(heads_hex).unwrap_or_default()
    }

    /// The newest change of a record: who made it and when (ms).
    pub fn last_change(&mut self, record: &RecordKey) -> Option<(String, i64)> {
        let d = self.docs.get_mut(record)?;
        let changes = d.get_changes(&[]);
        let c = changes.iter().max_by_key(|c| c.timestamp())?;
        Some((c.message().unwrap_or_default().to_string(), c.timestamp()))
    }

    /// The conflicts of one record, with when each value was written.
    pub fn conflicts_of(&mut self, record: &RecordKey) -> Vec<Conflict> {
        let found = match self.docs.get(record) {
            Some(d) if record.entity != MEMBERS.0 => self.doc_conflicts_ops(record, d),
            _ => return Vec::new(),
        };
        let Some(d) = self.docs.get_mut(record) else {
            return Vec::new();
        };
        let changes = d.get_changes(&[]);
        found
            .into_iter()
            .map(|(mut c, ops)| {
                c.at_ms = ops
                    .iter()
                    .map(|(actor, counter)| {
                        changes
                            .iter()
                            .find(|ch| {
                                ch.actor_id() == actor
                                    && ch.start_op().get() <= *counter
                                    && *counter <= ch.max_op()
                            })
                            .map(|ch| ch.timestamp())
                            .unwrap_or(0)
                    })
                    .collect();
                c
            })
            .collect()
    }

    /// Start a record's document from its state when the team started
    /// (`fields`, as every laptop has them): one change by the audit's base
    /// actor at time 0 with a fixed mark of life, so that every laptop makes
    /// the very same change (same hash) and edits made on two laptops meet
    /// on it. Changes from now on are this laptop's.
    pub fn insert_base(
        &mut self,
        audit_id: &str,
        record: &RecordKey,
        fields: &BTreeMap<String, String>,
    ) -> Result<(), TeamError> {
        let mut d = AutoCommit::new().with_actor(base_actor(audit_id));
        for (k, v) in fields {
            d.put(ROOT, k.as_str(), v.as_str()).map_err(am)?;
        }
        d.put(ROOT, ALIVE, "alive").map_err(am)?;
        d.commit_with(CommitOptions::default().with_message(BASE_WHO).with_time(0));
        self.docs
            .insert(record.clone(), d.with_actor(self.actor.clone()));
        self.dirty.insert(record.clone());
        Ok(())
    }

    /// Add a record's saved document as this laptop holds it (not a change).
    pub fn insert_saved(&mut self, record: &RecordKey, saved: &[u8]) -> Result<(), TeamError> {
        let d = AutoCommit::load(saved)
            .map_err(|e| {
                TeamError(format!(
                    "the team document of {} {} in this file cannot be read: {e}",
                    record.entity, record.key
                ))
            })?
            .with_actor(self.actor.clone());
        self.docs.insert(record.clone(), d);
        Ok(())
    }

    /// A record's state and its conflicts' count, after a change.
    pub fn state_and_conflicts(&self, record: &RecordKey) -> Option<(RecordState, usize)> {
        let st = self.state(record)?;
        let d = self.docs.get(record)?;
        Some((st, self.doc_conflicts(record, d).len()))
    }

    /// The team's members: (actor hex, name), in actor order.
    pub fn members(&self) -> Vec<(String, String)> {
        let Some(d) = self.docs.get(&members_key()) else {
            return Vec::new();
        };
        d.keys(ROOT)
            .filter_map(|k| {
                let v = d.get(ROOT, k.as_str()).ok().flatten()?;
                Some((k.clone(), text(&v.0)?))
            })
            .collect()
    }

    /// Merge a teammate's documents into these: commutative, associative
    /// and idempotent (Automerge's merge), whatever the order.
    pub fn merge(&mut self, other: &mut Replica) -> Result<MergeSummary, TeamError> {
        let mut summary = MergeSummary::default();
        for (k, theirs) in other.docs.iter_mut() {
            match self.docs.get_mut(k) {
                Some(mine) => {
                    let before = mine.get_heads();
                    mine.merge(theirs).map_err(am)?;
                    if mine.get_heads() != before {
                        summary.changes += mine.get_changes(&before).len();
                        summary.changed_records.push(k.clone());
                        self.dirty.insert(k.clone());
                    }
                }
                None => {
                    let mut d = theirs.fork().with_actor(self.actor.clone());
                    summary.changes += d.get_changes(&[]).len();
                    self.docs.insert(k.clone(), d);
                    self.dirty.insert(k.clone());
                    summary.new_records.push(k.clone());
                }
            }
        }
        Ok(summary)
    }

    /// Who an operation's actor is: the name a member gave, else its id.
    fn who(&self, id: &ObjId) -> String {
        let ObjId::Id(_, actor, _) = id else {
            return String::new();
        };
        let hex = actor.to_hex_string();
        self.docs
            .get(&RecordKey::new(MEMBERS.0, MEMBERS.1))
            .and_then(|d| d.get(ROOT, hex.as_str()).ok().flatten())
            .and_then(|(v, _)| text(&v))
            .unwrap_or(hex)
    }

    /// The records there are (not the members' list), in key order.
    pub fn records(&self) -> Vec<RecordKey> {
        self.docs
            .keys()
            .filter(|k| k.entity != MEMBERS.0)
            .cloned()
            .collect()
    }

    /// A record as it stands: each field's value (Automerge's choice where
    /// two conflict), and whether it is alive (alive on any side of a
    /// conflict: a delete never wins silently over an edit).
    pub fn state(&self, record: &RecordKey) -> Option<RecordState> {
        let d = self.docs.get(record)?;
        let mut fields = BTreeMap::new();
        let mut alive = true;
        for key in d.keys(ROOT) {
            let v = d.get(ROOT, key.as_str()).ok().flatten();
            if key == ALIVE {
                // deleted on one laptop and edited on another: the record
                // comes back (a listed conflict), never silently gone
                alive = d
                    .get_all(ROOT, ALIVE)
                    .unwrap_or_default()
                    .iter()
                    .any(|(v, _)| text(v).is_some_and(|t| t != DELETED));
            } else if let Some(t) = v.and_then(|(v, _)| text(&v)) {
                fields.insert(key, t);
            }
        }
        Some(RecordState { fields, alive })
    }

    /// Every field written differently on two laptops and not settled yet.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out = Vec::new();
        for (k, d) in &self.docs {
            if k.entity != MEMBERS.0 {
                out.extend(self.doc_conflicts(k, d));
            }
        }
        out
    }

    fn doc_conflicts(&self, k: &RecordKey, d: &AutoCommit) -> Vec<Conflict> {
        self.doc_conflicts_ops(k, d)
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    }

    /// A record's conflicts, with the operation (actor, counter) behind each value.
    fn doc_conflicts_ops(
        &self,
        k: &RecordKey,
        d: &AutoCommit,
    ) -> Vec<(Conflict, Vec<(ActorId, u64)>)> {
        let mut out = Vec::new();
        {
            for key in d.keys(ROOT) {
                let all = d.get_all(ROOT, key.as_str()).unwrap_or_default();
                if all.len() < 2 {
                    continue;
                }
                let ops: Vec<(ActorId, u64)> = all
                    .iter()
                    .filter_map(|(_, id)| match id {
                        ObjId::Id(counter, actor, _) => Some((actor.clone(), *counter)),
                        ObjId::Root => None,
                    })
                    .collect();
                let mut values: Vec<(String, String)> = all
                    .iter()
                    .map(|(v, id)| (text(v).unwrap_or_default(), self.who(id)))
                    .collect();
                if key == ALIVE {
                    // edited on two laptops at once is no conflict of
                    // liveness; deleted on one and edited on another is
                    if !values.iter().any(|(v, _)| v == DELETED) {
                        continue;
                    }
                    for (v, _) in &mut values {
                        if v != DELETED {
                            *v = "kept (edited)".to_string();
                        }
                    }
                }
                // the same value written on both sides is no conflict
                let distinct: BTreeSet<&String> = values.iter().map(|(v, _)| v).collect();
                if distinct.len() > 1 {
                    let at_ms = vec![0; values.len()];
                    out.push((
                        Conflict {
                            record: k.clone(),
                            field: key,
                            values,
                            at_ms,
                        },
                        ops,
                    ));
                }
            }
        }
        out
    }

    /// Settle a conflict: `value` becomes the field's one value, as an
    /// ordinary change that merges onward.
    pub fn resolve(
        &mut self,
        record: &RecordKey,
        field: &str,
        value: &str,
        who: &str,
        at_ms: i64,
    ) -> Result<(), TeamError> {
        if !self.docs.contains_key(record) {
            return Err(TeamError(format!(
                "no record {} {} to settle",
                record.entity, record.key
            )));
        }
        if field != ALIVE {
            return self.apply(
                record,
                &Edit::Set(field.to_string(), value.to_string()),
                who,
                at_ms,
            );
        }
        // liveness: deleted, or kept
        if value == DELETED {
            return self.apply(record, &Edit::Delete, who, at_ms);
        }
        let alive = alive_mark(at_ms);
        let d = self.doc(record);
        d.put(ROOT, ALIVE, alive).map_err(am)?;
        d.commit_with(CommitOptions::default().with_message(who).with_time(at_ms));
        Ok(())
    }

    /// Every record's state, one line each, in key order: what two laptops
    /// compare to know they hold the same audit.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        for k in self.records() {
            if let Some(s) = self.state(&k) {
                out.push_str(&format!(
                    "{} {} alive={} {:?}\n",
                    k.entity, k.key, s.alive, s.fields
                ));
            }
        }
        out
    }
}

impl Edit {
    /// The change a row of the audit trail records: `created` (the whole
    /// record as JSON in `new`), `deleted`, or one field's new value. A
    /// trail row that is no change of a record (a reopening's reason) is
    /// `None`.
    pub fn from_trail(field: &str, new: Option<&str>) -> Option<Edit> {
        match field {
            "created" => {
                let json: serde_json::Value = serde_json::from_str(new?).ok()?;
                let fields = json
                    .as_object()?
                    .iter()
                    .map(|(k, v)| {
                        let text = match v {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (k.clone(), text)
                    })
                    .collect();
                Some(Edit::Create(fields))
            }
            "deleted" => Some(Edit::Delete),
            "reopen_reason" => None,
            f => Some(Edit::Set(
                f.to_string(),
                new.unwrap_or_default().to_string(),
            )),
        }
    }
}

/// A value for [`ALIVE`] no other put has: Automerge drops a put of the
/// value a key already holds, so two edits in the same millisecond (or a
/// record made and edited at once) must still write apart, or an edit met
/// by a delete on another laptop would not show as a conflict.
fn alive_mark(at_ms: i64) -> String {
    format!("alive {at_ms} {}", uuid::Uuid::new_v4().simple())
}

fn heads_hex(d: &mut AutoCommit) -> String {
    let mut heads: Vec<String> = d.get_heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    heads.join(" ")
}

/// Milliseconds since 1970 of a trail time (RFC 3339), 0 if it is none.
pub fn millis(at: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// A document's text value ("" for what is not text).
fn text(v: &Value<'_>) -> Option<String> {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => Some(t.to_string()),
            ScalarValue::Boolean(b) => Some(b.to_string()),
            _ => None,
        },
        Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str) -> RecordKey {
        RecordKey::new("finding", id)
    }

    fn create(title: &str) -> Edit {
        Edit::Create(BTreeMap::from([
            ("title".to_string(), title.to_string()),
            ("grade".to_string(), "minor".to_string()),
        ]))
    }

    #[test]
    fn two_laptops_merge_both_ways_to_one_audit_and_keep_a_conflict_visible() {
        let mut lead = Replica::new(&[1; 16], "Jordan Lee").unwrap();
        lead.apply(
            &finding("f1"),
            &create("Changes not reviewed"),
            "Jordan Lee",
            1,
        )
        .unwrap();
        // the teammate starts from the lead's documents
        let mut sam = Replica::load(&[2; 16], &lead.save()).unwrap();
        sam.apply(
            &RecordKey::new(MEMBERS.0, MEMBERS.1),
            &Edit::Set(sam.actor_hex(), "Sam Ortiz".into()),
            "Sam Ortiz",
            2,
        )
        .unwrap();
        // both change the grade; only the lead changes the title
        lead.apply(
            &finding("f1"),
            &Edit::Set("grade".into(), "major".into()),
            "Jordan Lee",
            3,
        )
        .unwrap();
        lead.apply(
            &finding("f1"),
            &Edit::Set("title".into(), "Emergency changes".into()),
            "Jordan Lee",
            3,
        )
        .unwrap();
        sam.apply(
            &finding("f1"),
            &Edit::Set("grade".into(), "observation".into()),
            "Sam Ortiz",
            4,
        )
        .unwrap();
        sam.apply(&finding("f2"), &create("Backups untested"), "Sam Ortiz", 4)
            .unwrap();
        let mut from_sam = Replica::load(&[9; 16], &sam.save()).unwrap();
        let s = lead.merge(&mut from_sam).unwrap();
        assert_eq!(s.new_records, [finding("f2")]);
        assert!(s.changed_records.contains(&finding("f1")));
        let mut from_lead = Replica::load(&[9; 16], &lead.save()).unwrap();
        sam.merge(&mut from_lead).unwrap();
        assert_eq!(lead.canonical(), sam.canonical());
        // merging again changes nothing
        let before = lead.canonical();
        let mut again = Replica::load(&[9; 16], &sam.save()).unwrap();
        assert_eq!(lead.merge(&mut again).unwrap().changes, 0);
        assert_eq!(lead.canonical(), before);
        // the title merged; the grade is a conflict naming both auditors
        let f1 = lead.state(&finding("f1")).unwrap();
        assert_eq!(f1.fields["title"], "Emergency changes");
        let c = lead.conflicts();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].field, "grade");
        let mut vs = c[0].values.clone();
        vs.sort();
        assert_eq!(
            vs,
            [
                ("major".to_string(), "Jordan Lee".to_string()),
                ("observation".to_string(), "Sam Ortiz".to_string())
            ]
        );
        assert_eq!(sam.conflicts(), c, "the same conflict on both laptops");
        // the lead settles it; the settlement merges onward
        lead.resolve(&finding("f1"), "grade", "major", "Jordan Lee", 5)
            .unwrap();
        assert!(lead.conflicts().is_empty());
        let mut from_lead = Replica::load(&[9; 16], &lead.save()).unwrap();
        sam.merge(&mut from_lead).unwrap();
        assert!(sam.conflicts().is_empty());
        assert_eq!(sam.state(&finding("f1")).unwrap().fields["grade"], "major");
    }

    #[test]
    fn trail_rows_are_edits() {
        assert_eq!(
            Edit::from_trail("created", Some(r#"{"title":"T","stage":2,"notes":null}"#)),
            Some(Edit::Create(BTreeMap::from([
                ("notes".to_string(), String::new()),
                ("stage".to_string(), "2".to_string()),
                ("title".to_string(), "T".to_string()),
            ])))
        );
        assert_eq!(Edit::from_trail("deleted", None), Some(Edit::Delete));
        assert_eq!(
            Edit::from_trail("grade", Some("major")),
            Some(Edit::Set("grade".into(), "major".into()))
        );
        assert_eq!(Edit::from_trail("reopen_reason", Some("x")), None);
        assert_eq!(millis("2026-11-30T05:00:00Z"), 1_796_014_800_000);
        assert_eq!(millis("not a time"), 0);
    }

    #[test]
    fn deleted_on_one_laptop_and_edited_on_another_is_a_conflict() {
        let mut a = Replica::new(&[1; 16], "A").unwrap();
        a.apply(&finding("f1"), &create("X"), "A", 1).unwrap();
        let mut b = Replica::load(&[2; 16], &a.save()).unwrap();
        a.apply(&finding("f1"), &Edit::Delete, "A", 2).unwrap();
        b.apply(
            &finding("f1"),
            &Edit::Set("title".into(), "Y".into()),
            "B",
            2,
        )
        .unwrap();
        let mut from_b = Replica::load(&[9; 16], &b.save()).unwrap();
        a.merge(&mut from_b).unwrap();
        let c = a.conflicts();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].field, ALIVE);
        // the edit is not lost: its value is there
        assert_eq!(a.state(&finding("f1")).unwrap().fields["title"], "Y");
        // a delete seen before is no conflict
        let mut c2 = Replica::new(&[3; 16], "C").unwrap();
        c2.apply(&finding("g"), &create("Z"), "C", 1).unwrap();
        c2.apply(&finding("g"), &Edit::Delete, "C", 2).unwrap();
        assert!(c2.conflicts().is_empty());
        assert!(!c2.state(&finding("g")).unwrap().alive);
    }
}
