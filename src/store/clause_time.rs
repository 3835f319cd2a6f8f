//! Time spent on each clause of an audit (outside the audit trail).

use std::collections::HashMap;

use rusqlite::params;

use super::{Error, Result, Store};

impl Store {
    /// Add `seconds` walked on `clause_id` of `audit_id`.
    pub fn add_clause_time(&mut self, audit_id: &str, clause_id: &str, seconds: i64) -> Result<()> {
        if seconds <= 0 {
            return Ok(());
        }
        let now = self.now();
        self.conn.execute(
            "INSERT INTO clause_time (audit_id, clause_id, seconds, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (audit_id, clause_id) DO UPDATE
               SET seconds = seconds + excluded.seconds, updated_at = excluded.updated_at",
            params![audit_id, clause_id, seconds, now],
        )?;
        Ok(())
    }

    /// Set the time of a clause by hand (a correction): the clause must be
    /// in the audit's catalogue.
    pub fn set_clause_time(&mut self, audit_id: &str, clause_id: &str, seconds: i64) -> Result<()> {
        let audit = self.audit(audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        if cat.get(clause_id).is_none() {
            return Err(Error::Invalid(format!(
                "unknown clause {clause_id:?} for {}; `auditbench catalogue` lists them",
                cat.title
            )));
        }
        let now = self.now();
        self.conn.execute(
            "INSERT INTO clause_time (audit_id, clause_id, seconds, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (audit_id, clause_id) DO UPDATE
               SET seconds = excluded.seconds, updated_at = excluded.updated_at",
            params![audit_id, clause_id, seconds.max(0), now],
        )?;
        Ok(())
    }

    /// Seconds spent per clause of an audit.
    pub fn clause_times(&self, audit_id: &str) -> Result<HashMap<String, i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT clause_id, seconds FROM clause_time WHERE audit_id = ?1")?;
        let rows = stmt.query_map([audit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
