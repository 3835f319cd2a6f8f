//! Many writes in one transaction: for generating demo and benchmark data.
//! Interactive edits use the one-transaction-per-change methods on `Store`.

use rusqlite::{params, Savepoint};

use super::bulk_trail::BulkTrail;
use super::{finding_edits, interviews, new_ordered_id, reviews, Result, Store};
use crate::domain::{ClauseReview, DocumentReview, FindingStatus, Interview, NewFinding, Sample};

pub struct Batch<'a> {
    tx: Savepoint<'a>,
    now: String,
    /// The scale of the audit written to last (read once, not per finding).
    scale: Option<(String, crate::domain::Scale)>,
    /// The next reference number of each prefix, for `add_findings` into
    /// this audit (read once per prefix; forgotten when a finding is added
    /// otherwise).
    numbering: Option<(String, finding_edits::Numbering)>,
    /// During a bulk load: writes the trail rows of the findings, samples
    /// and interviews this batch adds.
    trail: Option<&'a mut BulkTrail>,
}

impl Store {
    /// Run `f` inside one transaction; commit if it succeeds, roll back if not.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Batch<'_>) -> Result<T>) -> Result<T> {
        let now = self.now();
        if let Some(trail) = self.bulk_trail.as_mut() {
            trail.resync(&self.conn)?;
        }
        let tx = self.conn.savepoint()?;
        let mut batch = Batch {
            tx,
            now,
            scale: None,
            numbering: None,
            trail: self.bulk_trail.as_mut(),
        };
        let out = f(&mut batch)?;
        batch.tx.commit()?;
        Ok(out)
    }
}

impl Batch<'_> {
    /// Insert a finding (no catalogue check: the caller vouches for the clause). Returns `(id, reference)`.
    pub fn add_finding(&mut self, audit_id: &str, new: &NewFinding) -> Result<(String, String)> {
        if self.scale.as_ref().is_none_or(|(a, _)| a != audit_id) {
            let s = super::audits::scale_of(&self.tx, audit_id)?;
            self.scale = Some((audit_id.to_string(), s));
        }
        let prefix = self
            .scale
            .as_ref()
            .map_or("", |(_, s)| s.prefix(new.grade))
            .to_string();
        self.numbering = None;
        let out = finding_edits::insert_finding(&self.tx, audit_id, new, &prefix, &self.now)?;
        self.recorded("findings")?;
        Ok(out)
    }

    /// During a bulk load, append the trail rows of what was just added to
    /// `table`.
    fn recorded(&mut self, table: &str) -> Result<()> {
        match self.trail.as_mut() {
            Some(trail) => trail.record(&self.tx, table),
            None => Ok(()),
        }
    }

    /// Insert many findings of one audit (no catalogue check), numbered
    /// in order, in few statements.
    pub fn add_findings(&mut self, audit_id: &str, new: &[NewFinding]) -> Result<()> {
        if self.scale.as_ref().is_none_or(|(a, _)| a != audit_id) {
            let s = super::audits::scale_of(&self.tx, audit_id)?;
            self.scale = Some((audit_id.to_string(), s));
        }
        let scale = self.scale.as_ref().map(|(_, s)| s);
        let rows: Vec<(&NewFinding, &str)> = new
            .iter()
            .map(|n| (n, scale.map_or("", |s| s.prefix(n.grade))))
            .collect();
        if self.numbering.as_ref().is_none_or(|(a, _)| a != audit_id) {
            self.numbering = Some((audit_id.to_string(), Vec::new()));
        }
        let next = &mut self
            .numbering
            .get_or_insert_with(|| (audit_id.to_string(), Vec::new()))
            .1;
        finding_edits::insert_findings(&self.tx, audit_id, &rows, &self.now, next)?;
        self.recorded("findings")
    }

    /// Fill in the client's response and the finding's status.
    pub fn respond(
        &mut self,
        finding_id: &str,
        status: FindingStatus,
        correction: &str,
        root_cause: &str,
        corrective_action: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE findings SET status = ?2, correction = ?3, root_cause = ?4,
                     corrective_action = ?5, updated_at = ?6 WHERE id = ?1",
            )?
            .execute(params![
                finding_id,
                status.code(),
                correction,
                root_cause,
                corrective_action,
                self.now
            ])?;
        Ok(())
    }

    /// Record the auditor's verification of a finding's actions.
    pub fn verify(
        &mut self,
        finding_id: &str,
        on: &str,
        by: &str,
        method: &str,
        evidence: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE findings SET verified_on = ?2, verified_by = ?3, verification_method = ?4,
                     verification_evidence = ?5, updated_at = ?6 WHERE id = ?1",
            )?
            .execute(params![finding_id, on, by, method, evidence, self.now])?;
        Ok(())
    }

    pub fn clause_review(&mut self, r: &ClauseReview) -> Result<()> {
        let mut r = r.clone();
        r.updated_at = self.now.clone();
        reviews::upsert_clause_review(&self.tx, &r)
    }

    pub fn document_review(&mut self, d: &DocumentReview) -> Result<()> {
        let mut d = d.clone();
        d.updated_at = self.now.clone();
        reviews::upsert_document_review(&self.tx, &d)
    }

    pub fn interview(&mut self, i: &Interview) -> Result<String> {
        let mut i = i.clone();
        if i.id.is_empty() {
            i.id = new_ordered_id();
        }
        i.created_at = self.now.clone();
        i.updated_at = self.now.clone();
        interviews::upsert_interview(&self.tx, &i)?;
        self.recorded("interviews")?;
        Ok(i.id)
    }

    /// Record an item of the audit's context.
    pub fn context(
        &mut self,
        audit_id: &str,
        item: crate::domain::ContextItem,
        value: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO audit_context (audit_id, item, value, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (audit_id, item) DO UPDATE SET value = excluded.value",
            [audit_id, item.code(), value, &self.now],
        )?;
        Ok(())
    }

    /// A finding cites a sample (both of this batch's audit).
    pub fn cite(&mut self, finding_id: &str, sample_id: &str) -> Result<()> {
        self.tx.execute(
            "INSERT OR IGNORE INTO finding_samples (finding_id, sample_id, cited_at) VALUES (?1, ?2, ?3)",
            [finding_id, sample_id, &self.now],
        )?;
        Ok(())
    }

    pub fn sample(&mut self, s: &Sample) -> Result<String> {
        let mut s = s.clone();
        if s.id.is_empty() {
            s.id = new_ordered_id();
        }
        s.created_at = self.now.clone();
        s.updated_at = self.now.clone();
        interviews::upsert_sample(&self.tx, &s)?;
        self.recorded("samples")?;
        Ok(s.id)
    }
}

impl Store {
    /// Run a bulk load (a generated audit of many findings): with a large
    /// page cache, so that the b-trees' pages are written once rather than
    /// spilled and written again, and, when no other connection holds the
    /// file, with a rollback journal instead of the WAL, so that the new
    /// pages are written once into the file instead of into the WAL and
    /// then again by the checkpoint; its index builds sort with helper
    /// threads, in temporary files unless the file is encrypted (they are
    /// not encrypted; SQLCipher keeps them in memory). All are put back
    /// after; the load is still one transaction.
    pub fn bulk_load<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let threads: i64 = self.conn.query_row("PRAGMA threads", [], |r| r.get(0))?;
        let temp_store: i64 = self.conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = {BULK_CACHE_KIB}; PRAGMA threads = {BULK_SORT_THREADS}"
        ))?;
        if !self.is_encrypted() {
            self.conn.execute_batch("PRAGMA temp_store = FILE")?;
        }
        let journal: String = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .unwrap_or_else(|_| "wal".into());
        let out = f(self);
        if !journal.eq_ignore_ascii_case("wal") {
            self.conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
            // Until the connection reads in WAL mode, a checkpoint says
            // "database table is locked": the close would then not be
            // recorded as clean, and the next opening would check every
            // page before its first frame (seconds at 1 000 000 findings).
            self.conn
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                    r.get::<_, i64>(0)
                })?;
        }
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = {cache}; PRAGMA threads = {threads}; PRAGMA temp_store = {temp_store}"
        ))?;
        out
    }

    /// Add many rows to one audit (`f` may write to no other audit) with
    /// what is kept in step row by row set aside and made once at the end,
    /// all in one transaction:
    /// - the findings' listing indexes and the audit trail's two indexes
    ///   are dropped and built again (the reference index stays: numbering
    ///   new findings reads it);
    /// - the text index is rebuilt from the findings (three times faster
    ///   at 100 000 findings than its triggers);
    /// - the per-finding tally is counted again for the audit;
    /// - the two per-finding checks on the audit (not reported; planned
    ///   becomes in progress) are made once, before and after;
    /// - the trail's rows for the findings, samples and interviews added
    ///   are written by auditbench instead of their insert triggers (see
    ///   `bulk_trail`): the same rows, in the same order, after each
    ///   batch write;
    /// - the indexes are built with a small page cache (see
    ///   [`INDEX_BUILD_CACHE_KIB`]).
    pub fn with_audit_bulk_loaded(
        &mut self,
        audit_id: &str,
        f: impl FnOnce(&mut Store) -> Result<()>,
    ) -> Result<()> {
        self.atomically(|store| {
            let status: String = super::found(
                store
                    .conn
                    .query_row("SELECT status FROM audits WHERE id = ?1", [audit_id], |r| {
                        r.get(0)
                    }),
                || format!("no audit {audit_id}"),
            )?;
            if status == "reported" {
                return Err(super::Error::Invalid(
                    "the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them".into(),
                ));
            }
            let indexes: Vec<(String, String)> = {
                let mut stmt = store.conn.prepare(
                    "SELECT name, sql FROM sqlite_schema WHERE type = 'index'
                       AND tbl_name IN ('findings', 'history')
                       AND sql IS NOT NULL AND name != 'findings_by_prefix'",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let triggers: Vec<(String, String)> = {
                let mut stmt = store.conn.prepare(
                    "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'
                       AND (name LIKE 'finding\\_text\\_%' ESCAPE '\\'
                            OR name IN ('finding_tally_insert', 'findings_reported_insert',
                                        'audits_start_on_finding'))",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (name, _) in &indexes {
                store.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
            for (name, _) in &triggers {
                store.conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
            }
            store.bulk_trail = Some(BulkTrail::begin(&store.conn)?);
            let added = f(store);
            let trail = store.bulk_trail.take();
            added?;
            if let Some(trail) = trail {
                trail.finish(&store.conn)?;
            }
            // SQLite's sorter works in runs of at most the page cache's
            // size, which its helper threads sort while the table is read
            // when they are kept in temporary files (see `bulk_load`). One
            // run of the whole index (the bulk load's large cache), or runs
            // kept in memory, are sorted by this thread alone.
            let cache: i64 = store
                .conn
                .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
            store
                .conn
                .execute_batch(&format!("PRAGMA cache_size = {INDEX_BUILD_CACHE_KIB}"))?;
            for (_, sql) in indexes.iter().chain(&triggers) {
                store.conn.execute_batch(sql)?;
            }
            store
                .conn
                .execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
            rebuild_text_index(&store.conn)?;
            store.conn.execute(
                "DELETE FROM finding_tally WHERE audit_id = ?1",
                [audit_id],
            )?;
            store.conn.execute(
                "INSERT INTO finding_tally (audit_id, clause_key, clause_id, grade_rank, status, n)
                 SELECT audit_id, clause_key, clause_id, grade_rank, status, count(*)
                 FROM findings WHERE audit_id = ?1
                 GROUP BY audit_id, clause_key, clause_id, grade_rank, status",
                [audit_id],
            )?;
            // as `audits_start_on_finding` would have at the first finding
            store.conn.execute(
                "UPDATE audits SET status = 'in_progress',
                     updated_at = (SELECT min(created_at) FROM findings WHERE audit_id = ?1)
                 WHERE id = ?1 AND status = 'planned'
                   AND EXISTS (SELECT 1 FROM findings WHERE audit_id = ?1)",
                [audit_id],
            )?;
            Ok(())
        })
    }
}

/// Build the findings' text index again from the findings, holding up to
/// [`REBUILD_HASH_BYTES`] of it in memory between writes (FTS5 keeps 1 MB
/// by default: at 1 000 000 findings it then writes some 2 000 small
/// segments and merges them again and again; 17 s against 9 s). The
/// setting is put back after.
pub(crate) fn rebuild_text_index(conn: &rusqlite::Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "INSERT INTO finding_text (finding_text, rank) VALUES ('hashsize', {REBUILD_HASH_BYTES});
         INSERT INTO finding_text (finding_text) VALUES ('rebuild');
         INSERT INTO finding_text (finding_text, rank) VALUES ('hashsize', {FTS5_HASH_BYTES});"
    ))?;
    Ok(())
}

/// Memory for the text index's terms while it is rebuilt.
const REBUILD_HASH_BYTES: i64 = 64 << 20;

/// FTS5's own default for the same.
const FTS5_HASH_BYTES: i64 = 1 << 20;

/// Helper threads of SQLite's sorter while a bulk load builds its indexes
/// (the machines this runs on have two cores or more).
const BULK_SORT_THREADS: i64 = 2;

/// The page cache while a bulk load builds its indexes, in KiB (negative:
/// SQLite's unit): the size of the sorter's runs. One listing index at
/// 1 000 000 findings, measured side by side: 5.7 s with the bulk load's
/// cache; with 8 MiB, 2.5 s with the runs in memory and 1.3-1.4 s with them
/// in temporary files.
const INDEX_BUILD_CACHE_KIB: i64 = -8192;

/// The page cache of a bulk load, in KiB (negative: SQLite's unit).
const BULK_CACHE_KIB: i64 = -262_144;
