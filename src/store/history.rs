//! The audit trail: an append-only, hash-chained `history` table written by
//! triggers (migration 003), the SQL functions those triggers call, reading a
//! record's history, verifying the chain, and reporting / reopening audits.

use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use super::error::{Error, Result};
use super::{found, Store};
use crate::domain::AuditStatus;

/// One change, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub label: String,
    /// A column name, or `created`, `deleted`, `reopen_reason`.
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Rows checked.
    pub rows: u64,
    /// The first row where the chain breaks, and why; `None` when intact.
    pub broken: Option<(i64, String)>,
}

/// Register the SQL functions the history triggers call: `ab_chain(...)`, the
/// hash of a row, and `ab_actor()`, who is making changes on this connection.
pub(crate) fn register_functions(conn: &Connection, actor: &str) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function(
        "ab_chain",
        -1,
        flags | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let values: Vec<ValueRef<'_>> = (0..ctx.len()).map(|i| ctx.get_raw(i)).collect();
            Ok(chain_hash(&values))
        },
    )?;
    // Who acts is held beside the functions, and changed through
    // `ab_set_actor(name)`, a statement: redefining a function is refused
    // while any statement is active (FTS5 keeps a reader open inside a
    // transaction), and would expire every prepared statement.
    let who = std::sync::Arc::new(std::sync::Mutex::new(actor.to_string()));
    let read = who.clone();
    conn.create_scalar_function("ab_actor", 0, flags, move |_| {
        Ok(read.lock().map(|a| a.clone()).unwrap_or_default())
    })?;
    conn.create_scalar_function(
        "ab_set_actor",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            let name: String = ctx.get(0)?;
            if let Ok(mut a) = who.lock() {
                *a = name;
            }
            Ok(true)
        },
    )?;
    Ok(())
}

/// Who the trail names for the changes from now on, on a connection whose
/// functions [`register_functions`] set up.
pub(crate) fn register_actor(conn: &Connection, actor: &str) -> rusqlite::Result<()> {
    conn.query_row("SELECT ab_set_actor(?1)", [actor], |_| Ok(()))
}

/// SHA-256, in hex, over an unambiguous encoding of the values (type tag,
/// length, bytes), so that no two different rows hash alike by concatenation.
pub fn chain_hash(values: &[ValueRef<'_>]) -> String {
    use std::io::Write as _;
    // called for every row of the trail: no allocation per value
    let mut h = Sha256::new();
    let mut tag = Vec::with_capacity(32);
    for v in values {
        tag.clear();
        // writing into a Vec cannot fail
        let _ = match v {
            ValueRef::Null => write!(tag, "N;"),
            ValueRef::Integer(i) => write!(tag, "I{i};"),
            ValueRef::Real(r) => write!(tag, "R{r};"),
            ValueRef::Text(t) => write!(tag, "T{}:", t.len()),
            ValueRef::Blob(b) => write!(tag, "B{}:", b.len()),
        };
        h.update(&tag);
        if let ValueRef::Text(bytes) | ValueRef::Blob(bytes) = v {
            h.update(bytes);
            h.update(b";");
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        entity: r.get(3)?,
        label: r.get(4)?,
        field: r.get(5)?,
        old: r.get(6)?,
        new: r.get(7)?,
    })
}

impl Store {
    /// Every recorded change of one record, oldest first. `entity` is
    /// `finding`, `clause_review`, `document_review`, `interview`, `sample` or `audit`.
    pub fn history(&self, entity: &str, row_key: &str) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, entity, label, field, old, new FROM history
             WHERE entity = ?1 AND row_key = ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![entity, row_key], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every recorded change of one audit and everything in it, oldest first.
    pub fn audit_history(&self, audit_id: &str) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, entity, label, field, old, new FROM history
             WHERE audit_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![audit_id], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of rows in the audit trail.
    pub fn history_len(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM history", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Recompute the hash chain from the first row to the last and report the
    /// first row that was changed, inserted or removed outside auditbench.
    pub fn verify_history(&self) -> Result<ChainReport> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, audit_id, entity, row_key, label, field, old, new, prev_hash, hash
             FROM history ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut expected_seq = 1i64;
        let mut prev = String::new();
        let mut count = 0u64;
        while let Some(r) = rows.next()? {
            count += 1;
            let seq: i64 = r.get(0)?;
            let broken = |why: String| {
                Ok(ChainReport {
                    rows: count,
                    broken: Some((seq, why)),
                })
            };
            if seq != expected_seq {
                return broken(format!(
                    "row {seq} follows row {}: rows {expected_seq}..{} are missing",
                    expected_seq - 1,
                    seq - 1
                ));
            }
            let prev_hash: String = r.get(10)?;
            if prev_hash != prev {
                return broken(format!(
                    "row {seq} does not link to the row before it (a row was removed or replaced)"
                ));
            }
            let mut values = vec![ValueRef::Text(prev.as_bytes()), ValueRef::Integer(seq)];
            for i in 1..10 {
                values.push(r.get_ref(i)?);
            }
            let hash: String = r.get(11)?;
            if chain_hash(&values) != hash {
                let field: String = r.get(7)?;
                let label: String = r.get(6)?;
                return broken(format!(
                    "row {seq} ({label}, {field}) does not match its hash: it was edited outside auditbench"
                ));
            }
            prev = hash;
            expected_seq += 1;
        }
        Ok(ChainReport {
            rows: count,
            broken: None,
        })
    }

    /// Mark an audit as reported: from now on its findings and records are
    /// read-only (enforced by triggers) until it is reopened with a reason.
    pub fn report_audit(&mut self, audit_id: &str) -> Result<()> {
        self.check_team_settled(audit_id)?;
        self.set_audit_status(audit_id, AuditStatus::Reported)
    }

    /// Reopen a reported audit; the reason is recorded in the audit trail in
    /// the same transaction as the status change.
    pub fn reopen_audit(&mut self, audit_id: &str, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::Invalid(
                "reopening a reported audit needs a reason; give one (it is kept in the audit trail)"
                    .into(),
            ));
        }
        let now = self.now();
        let tx = self.conn.savepoint()?;
        let (status, organisation): (String, String) = found(
            tx.query_row(
                "SELECT status, organisation FROM audits WHERE id = ?1",
                [audit_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ),
            || format!("no audit with id {audit_id:?}"),
        )?;
        if status != AuditStatus::Reported.code() {
            return Err(Error::Invalid(format!(
                "audit {audit_id} is not reported, so there is nothing to reopen"
            )));
        }
        tx.execute(
            "UPDATE audits SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![audit_id, AuditStatus::InProgress.code(), now],
        )?;
        tx.execute(
            "INSERT INTO history_append VALUES (?1, ?2, 'audit', ?2, ?3, 'reopen_reason', NULL, ?4)",
            params![now, audit_id, organisation, reason],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The tables the trail watches: entity, table, and how a row's key (as the
/// triggers write `row_key`) is computed from its columns.
const WATCHED: &[(&str, &str, &str)] = &[
    ("audit", "audits", "id"),
    ("finding", "findings", "id"),
    (
        "clause_review",
        "clause_reviews",
        "clause_id || '/' || stage",
    ),
    ("document_review", "document_reviews", "doc_key"),
    ("interview", "interviews", "id"),
    ("sample", "samples", "id"),
    ("audit_context", "audit_context", "item"),
    ("client", "clients", "id"),
    ("carried", "carried_findings", "id"),
    ("response", "responses", "id"),
    ("plan_slot", "plan_slots", "id"),
    (
        "question_rating",
        "question_ratings",
        "clause_id || '/' || question",
    ),
    ("gap", "gaps", "source_kind || ':' || source_key"),
];

/// Fields the trail records that are not columns: a reopening's reason;
/// a sample cited or no longer cited by a finding (a row of
/// `finding_samples`, named by the sample's clause and population; the
/// replay does not compare citations with that table).
const PSEUDO_FIELDS: &[&str] = &["reopen_reason", "cites_sample"];

type Record = std::collections::BTreeMap<String, Option<String>>;

impl Store {
    /// Whether the schema (tables, indexes, views and the trail's triggers)
    /// is exactly the one this version ships; names the first difference. A
    /// trigger dropped, even if later recreated differently, shows here.
    pub fn verify_schema(&self) -> Result<Option<String>> {
        let read = |conn: &Connection| -> rusqlite::Result<Vec<(String, String, Option<String>)>> {
            let mut stmt = conn.prepare(
                "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        };
        let mut shipped = Connection::open_in_memory()?;
        // as every open does: migrations that change data fire the trail
        register_functions(&shipped, "")?;
        super::migrations()
            .to_latest(&mut shipped)
            .map_err(|e| Error::Sqlite(format!("cannot build the shipped schema: {e}")))?;
        let want = read(&shipped)?;
        let have = read(&self.conn)?;
        for (ty, name, sql) in &want {
            match have.iter().find(|(t, n, _)| t == ty && n == name) {
                None => return Ok(Some(format!("the {ty} {name} is missing"))),
                Some((_, _, s)) if s != sql => {
                    return Ok(Some(format!(
                        "the {ty} {name} is not the one this version of auditbench ships"
                    )))
                }
                _ => {}
            }
        }
        if let Some((ty, name, _)) = have
            .iter()
            .find(|(t, n, _)| !want.iter().any(|(wt, wn, _)| wt == t && wn == n))
        {
            return Ok(Some(format!(
                "the {ty} {name} was added outside auditbench"
            )));
        }
        Ok(None)
    }

    /// Replay the trail into the state it implies (created, each changed
    /// field, deleted) and compare it with every watched table: a row changed,
    /// added or removed with the triggers out of the way shows here. Returns
    /// the first record that differs, by entity, label and field, never by
    /// its content.
    pub fn verify_data(&self) -> Result<Option<String>> {
        // (entity, audit_id, row_key) -> (label, fields)
        let mut state: std::collections::HashMap<(String, String, String), (String, Record)> =
            Default::default();
        let mut stmt = self.conn.prepare(
            "SELECT entity, audit_id, row_key, label, field, new FROM history ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut fields = self.conn.prepare_cached(
            "SELECT key, CASE WHEN type = 'null' THEN NULL ELSE CAST(value AS TEXT) END FROM json_each(?1)",
        )?;
        while let Some(r) = rows.next()? {
            let entity: String = r.get(0)?;
            if !WATCHED.iter().any(|(e, _, _)| *e == entity) {
                continue;
            }
            let key = (entity, r.get(1)?, r.get(2)?);
            let label: String = r.get(3)?;
            let field: String = r.get(4)?;
            let new: Option<String> = r.get(5)?;
            match field.as_str() {
                "created" => {
                    let mut rec = Record::new();
                    let mut kv = fields.query([new.unwrap_or_default()])?;
                    while let Some(f) = kv.next()? {
                        rec.insert(f.get(0)?, f.get(1)?);
                    }
                    state.insert(key, (label, rec));
                }
                "deleted" => {
                    state.remove(&key);
                }
                f if PSEUDO_FIELDS.contains(&f) => {}
                f => match state.get_mut(&key) {
                    Some((l, rec)) => {
                        rec.insert(f.to_string(), new);
                        *l = label;
                    }
                    None => {
                        return Ok(Some(format!(
                            "the trail changes {} {label} ({f}) before recording its creation",
                            key.0
                        )))
                    }
                },
            }
        }
        for (entity, table, key_sql) in WATCHED {
            // an audit's and a client's trail rows carry their own id
            let audit_col = if matches!(*table, "audits" | "clients") {
                "id"
            } else {
                "audit_id"
            };
            let columns: Vec<String> = {
                let mut s = self
                    .conn
                    .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
                let c = s.query_map([], |r| r.get(0))?;
                c.collect::<rusqlite::Result<_>>()?
            };
            let mut s = self.conn.prepare(&format!(
                "SELECT {audit_col}, {key_sql}, json_object({}) FROM {table}",
                columns
                    .iter()
                    .map(|c| format!("'{c}', {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
            let mut rows = s.query([])?;
            let mut seen = std::collections::HashSet::new();
            while let Some(r) = rows.next()? {
                let key = (
                    entity.to_string(),
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                );
                let Some((label, rec)) = state.get(&key) else {
                    return Ok(Some(format!(
                        "{entity} {} is in the table but the trail never recorded its creation (added outside auditbench)",
                        key.2
                    )));
                };
                seen.insert(key.clone());
                let mut now = Record::new();
                let mut kv = fields.query([r.get::<_, String>(2)?])?;
                while let Some(f) = kv.next()? {
                    now.insert(f.get(0)?, f.get(1)?);
                }
                for (field, value) in rec {
                    if now.get(field) != Some(value) {
                        return Ok(Some(format!(
                            "{entity} {label}: its {field} differs from what the trail recorded (changed outside auditbench)"
                        )));
                    }
                }
            }
            if let Some((_, (label, _))) = state
                .iter()
                .find(|(k, _)| k.0 == *entity && !seen.contains(*k))
            {
                return Ok(Some(format!(
                    "{entity} {label} is in the trail but missing from the table (removed outside auditbench)"
                )));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::chain_hash;
    use rusqlite::types::ValueRef;

    /// The chain of every file ever written depends on these bytes: the
    /// encoding may be made faster, never different.
    #[test]
    fn the_chain_hash_is_the_one_files_were_written_with() {
        let values = [
            ValueRef::Text(b"prev"),
            ValueRef::Integer(42),
            ValueRef::Integer(-7),
            ValueRef::Null,
            ValueRef::Real(1.5),
            ValueRef::Text("NC-001 \u{e9}".as_bytes()),
            ValueRef::Blob(&[0, 1, 2, 255]),
            ValueRef::Text(b""),
        ];
        assert_eq!(
            chain_hash(&values),
            "8aaaa29997994005862a17e32cebb3ff469788e77451195a3c9f6950761fbfdc"
        );
    }
}
