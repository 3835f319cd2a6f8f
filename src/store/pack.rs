//! The SQLite copy in a hand-over pack: the audit file reduced to one
//! audit, and the check of such a copy.
//!
//! The audit trail is one hash chain over every audit in the file, and its
//! rows hold the old and new values of other clients' records, so a copy
//! for one client cannot carry the whole chain. It carries this audit's
//! rows, each still holding its own hash and the hash of the row before it
//! in the full chain: every row can be checked on its own (its hash covers
//! its content and its link), and the pack's manifest pins their number,
//! the last one's hash (the audit's trail head) and a digest of all their
//! hashes in order, so that a row removed, added or changed shows. The
//! head of the full chain at packing time is recorded too, for comparing
//! with the auditor's own file.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use super::error::{Error, Result};
use super::history::chain_hash;
use super::Store;

/// This audit's part of the trail, as a pack's manifest records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTrail {
    /// Rows of the trail about this audit.
    pub rows: u64,
    /// The hash of the last of them ("" when none).
    pub head: String,
    /// SHA-256 over their hashes, in order.
    pub digest: String,
}

/// The local setting that marks a pack's copy, with the audit's id.
pub const PACK_COPY_OF: &str = "pack_copy_of";

/// Tables that hold nothing of an audit's record: left empty in a copy.
const LOCAL_ONLY: [&str; 2] = ["drafts", "local_settings"];

impl Store {
    /// The hash of the last row of the whole trail ("" for an empty trail).
    pub fn trail_head(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row(
                "SELECT hash FROM history ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(String::new()),
                e => Err(e),
            })?)
    }

    /// Write to `dest` (which must not exist) a copy of this file that
    /// holds only the audit `audit_id`: its records, its catalogue, its part
    /// of the trail; no other audit, no drafts, no local settings, and no
    /// free page left with their content (the copy is vacuumed). The
    /// triggers are the file's own, so auditbench opens the copy as any
    /// audit file.
    pub fn copy_audit_to(&self, audit_id: &str, dest: &Path) -> Result<AuditTrail> {
        if dest.exists() {
            return Err(Error::Invalid(format!(
                "{} exists; the copy is written to a new file",
                dest.display()
            )));
        }
        // a consistent snapshot, whatever another process writes meanwhile
        // (the online backup API: VACUUM INTO is refused on a read-only
        // connection)
        let conn = if let (Some(key), Some(salt)) = (&self.key, super::key::salt_of(&self.path)) {
            // the backup API does not copy from an encrypted file to a
            // plain one: SQLCipher's export does, in one statement (one
            // snapshot), from the file attached with its key to the pack's
            // copy, which is in the clear
            let conn = Connection::open(dest)?;
            let mut raw = key.raw_text(salt);
            let attached = conn.execute(
                "ATTACH DATABASE ?1 AS source KEY ?2",
                params![self.path.to_string_lossy(), raw],
            );
            super::wipe(&mut raw);
            attached?;
            let copied = (|| -> Result<()> {
                conn.query_row("SELECT sqlcipher_export('main', 'source')", [], |_| Ok(()))?;
                let version: i64 =
                    conn.query_row("PRAGMA source.user_version", [], |r| r.get(0))?;
                conn.pragma_update(None, "user_version", version)?;
                conn.pragma_update(None, "application_id", super::APPLICATION_ID)?;
                Ok(())
            })();
            conn.execute_batch("DETACH DATABASE source")?;
            drop(conn);
            if let Err(e) = copied {
                let _ = std::fs::remove_file(dest);
                return Err(e);
            }
            // a fresh connection: the export wrote the schema behind this one's back
            Connection::open(dest)?
        } else {
            let mut conn = Connection::open(dest)?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut conn)?;
                backup.run_to_completion(4096, std::time::Duration::ZERO, None)?;
            }
            conn
        };
        conn.pragma_update(None, "journal_mode", "DELETE")?;
        conn.pragma_update(None, "secure_delete", true)?;
        let tx = conn.unchecked_transaction()?;
        let triggers: Vec<(String, String)> = {
            let mut s = tx.prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL",
            )?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (name, _) in &triggers {
            tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
        }
        let mut findings_removed = 0;
        let tables: Vec<String> = {
            let mut s = tx.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                   AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'finding_text%'",
            )?;
            let rows = s.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        // citations hang on findings; then every table keyed by audit
        let mut removed = tx.execute(
            "DELETE FROM finding_samples WHERE finding_id NOT IN
               (SELECT id FROM findings WHERE audit_id = ?1)",
            params![audit_id],
        )?;
        for t in &tables {
            let has_audit: bool = tx.query_row(
                "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = 'audit_id'",
                params![t],
                |r| r.get(0),
            )?;
            if t == "history" {
                // this audit's rows, and its client's
                removed += tx.execute(
                    "DELETE FROM history WHERE audit_id IS NOT ?1
                       AND audit_id NOT IN (SELECT client_id FROM audits WHERE id = ?1)",
                    params![audit_id],
                )?;
            } else if LOCAL_ONLY.contains(&t.as_str()) {
                tx.execute_batch(&format!("DELETE FROM \"{t}\""))?;
            } else if has_audit {
                let n = tx.execute(
                    &format!("DELETE FROM \"{t}\" WHERE audit_id IS NOT ?1"),
                    params![audit_id],
                )?;
                if t == "findings" {
                    findings_removed = n;
                }
                removed += n;
            }
        }
        removed += tx.execute("DELETE FROM audits WHERE id <> ?1", params![audit_id])?;
        removed += tx.execute(
            "DELETE FROM catalogues WHERE id NOT IN (SELECT catalogue_id FROM audits)",
            [],
        )?;
        removed += tx.execute(
            "DELETE FROM clients WHERE id NOT IN (SELECT client_id FROM audits)",
            [],
        )?;
        // the text index, only if it indexed findings that are gone (at
        // 100 000 findings a rebuild takes seconds)
        if findings_removed > 0 {
            super::batch::rebuild_text_index(&tx)?;
        }
        // so that `auditbench verify` knows to check the rows one by one
        tx.execute(
            "INSERT INTO local_settings (key, value) VALUES (?1, ?2)",
            params![PACK_COPY_OF, audit_id],
        )?;
        for (_, sql) in &triggers {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
        // secure_delete has zeroed what was deleted; VACUUM also gives the
        // space back, when there is much of it
        if removed > 0 {
            conn.execute_batch("VACUUM")?;
        }
        let (trail, broken) = check_trail(&conn)?;
        if let Some((seq, why)) = broken {
            return Err(Error::Invalid(format!(
                "the audit trail of this file is broken at row {seq} ({why}); run auditbench verify"
            )));
        }
        Ok(trail)
    }
}

/// Check every trail row of a copy on its own, and sum them up: the first
/// row whose hash does not match its content, or that is out of order, is
/// returned with why.
pub fn check_trail(conn: &Connection) -> Result<(AuditTrail, Option<(i64, String)>)> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, audit_id, entity, row_key, label, field, old, new, prev_hash, hash
         FROM history ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut digest = Sha256::new();
    let mut count = 0u64;
    let mut head = String::new();
    let mut last_seq = 0i64;
    let mut broken = None;
    while let Some(r) = rows.next()? {
        count += 1;
        let seq: i64 = r.get(0)?;
        let prev: String = r.get(10)?;
        let hash: String = r.get(11)?;
        if broken.is_none() {
            let mut values = vec![ValueRef::Text(prev.as_bytes()), ValueRef::Integer(seq)];
            for i in 1..10 {
                values.push(r.get_ref(i)?);
            }
            if seq <= last_seq {
                broken = Some((seq, "out of order".to_string()));
            } else if chain_hash(&values) != hash {
                let label: String = r.get(6)?;
                let field: String = r.get(7)?;
                broken = Some((
                    seq,
                    format!(
                        "{label}, {field}: does not match its hash, edited after it was recorded"
                    ),
                ));
            }
        }
        last_seq = seq;
        digest.update(hash.as_bytes());
        digest.update(b"\n");
        head = hash;
    }
    let digest = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((
        AuditTrail {
            rows: count,
            head,
            digest,
        },
        broken,
    ))
}
