//! Time spent on each clause of an audit, per day (outside the audit trail).

use std::collections::{BTreeMap, HashMap};

use rusqlite::params;

use super::{Error, Result, Store};

impl Store {
    /// Today on the auditor's calendar (the local date of the store's clock).
    pub fn local_today(&self) -> String {
        self.clock_now()
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string()
    }

    /// Add `seconds` walked on `clause_id` of `audit_id`, today.
    pub fn add_clause_time(&mut self, audit_id: &str, clause_id: &str, seconds: i64) -> Result<()> {
        if seconds <= 0 {
            return Ok(());
        }
        let now = self.now();
        let day = self.local_today();
        self.conn.execute(
            "INSERT INTO clause_time (audit_id, clause_id, day, seconds, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (audit_id, clause_id, day) DO UPDATE
               SET seconds = seconds + excluded.seconds, updated_at = excluded.updated_at",
            params![audit_id, clause_id, day, seconds, now],
        )?;
        Ok(())
    }

    /// Set the time of a clause by hand (a correction) on one day: `day`
    /// when given; otherwise the one day the clause was walked, or today
    /// when it was not walked yet. A clause walked on several days needs
    /// the day. The clause must be in the audit's catalogue.
    pub fn set_clause_time(
        &mut self,
        audit_id: &str,
        clause_id: &str,
        day: Option<&str>,
        seconds: i64,
    ) -> Result<String> {
        let audit = self.audit(audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        if cat.get(clause_id).is_none() {
            return Err(Error::Invalid(format!(
                "unknown clause {clause_id:?} for {}; `auditbench catalogue` lists them",
                cat.title
            )));
        }
        let day = match day {
            Some(d) => {
                if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                    return Err(Error::Invalid(format!(
                        "day {d:?} is not a date; write it as YYYY-MM-DD"
                    )));
                }
                d.to_string()
            }
            None => {
                let days: Vec<String> = self
                    .conn
                    .prepare_cached(
                        "SELECT day FROM clause_time WHERE audit_id = ?1 AND clause_id = ?2 ORDER BY day",
                    )?
                    .query_map([audit_id, clause_id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                match days.as_slice() {
                    [] => self.local_today(),
                    [one] => one.clone(),
                    many => {
                        return Err(Error::Invalid(format!(
                            "clause {clause_id} was walked on {} days ({}); say which with --day YYYY-MM-DD",
                            many.len(),
                            many.join(", ")
                        )))
                    }
                }
            }
        };
        let now = self.now();
        self.conn.execute(
            "INSERT INTO clause_time (audit_id, clause_id, day, seconds, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (audit_id, clause_id, day) DO UPDATE
               SET seconds = excluded.seconds, updated_at = excluded.updated_at",
            params![audit_id, clause_id, day, seconds.max(0), now],
        )?;
        Ok(day)
    }

    /// Seconds spent per clause of an audit, over all days.
    pub fn clause_times(&self, audit_id: &str) -> Result<HashMap<String, i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT clause_id, sum(seconds) FROM clause_time WHERE audit_id = ?1 GROUP BY clause_id",
        )?;
        let rows = stmt.query_map([audit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Seconds spent per day of an audit (all clauses), by day.
    pub fn time_per_day(&self, audit_id: &str) -> Result<BTreeMap<String, i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, sum(seconds) FROM clause_time WHERE audit_id = ?1 GROUP BY day",
        )?;
        let rows = stmt.query_map([audit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
