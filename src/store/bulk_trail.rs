//! The audit trail's "created" rows of a bulk load, written by auditbench
//! instead of by the per-row insert triggers of findings, samples and
//! interviews.
//!
//! Each of those triggers hands one row to `history_append`, whose own
//! trigger numbers it, finds the actor and chains its hash: two trigger
//! frames, two subqueries and a temporary table per row, which is 40% of
//! the time a large generated audit takes. During a bulk load the three
//! insert triggers are set aside, and after each batch write the rows just
//! added are read back through the very expressions of their trigger (taken
//! from its SQL in the schema, so the two cannot drift apart) and appended
//! to the trail in the order they were added, with the same numbering,
//! actor and chain as `history_append_row` gives them. The triggers are put
//! back at the end, and any row added meanwhile by another way is recorded
//! then.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;

use super::{history::chain_hash, Error, Result};

/// The tables whose insert trigger a bulk load sets aside, with the name
/// of that trigger.
const SOURCES: [(&str, &str); 3] = [
    ("findings", "findings_history_insert"),
    ("samples", "samples_history_insert"),
    ("interviews", "interviews_history_insert"),
];

pub(crate) struct BulkTrail {
    sources: Vec<Source>,
}

struct Source {
    table: &'static str,
    /// The trigger's `CREATE TRIGGER` statement, to put it back.
    trigger_sql: String,
    /// Reads the trail values of the rows after a row id, in row order.
    select: String,
    /// The last row id recorded.
    after: i64,
}

impl BulkTrail {
    /// Set the three insert triggers aside. Fails, changing nothing, if
    /// one of them is not of the one-row `history_append` form this module
    /// can take over.
    pub(crate) fn begin(conn: &Connection) -> Result<BulkTrail> {
        let mut sources = Vec::with_capacity(SOURCES.len());
        for (table, trigger) in SOURCES {
            let sql: String = super::found(
                conn.query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                    [trigger],
                    |r| r.get(0),
                ),
                || format!("the audit trail's trigger {trigger} (run `auditbench verify`)"),
            )?;
            let values = trigger_values(&sql).ok_or_else(|| {
                Error::Invalid(format!(
                    "the trigger {trigger} is not of the form a bulk load can take over"
                ))
            })?;
            let after: i64 = conn.query_row(
                &format!("SELECT coalesce(max(rowid), 0) FROM {table}"),
                [],
                |r| r.get(0),
            )?;
            // the same values, actor and casts as history_append_row
            let select = format!(
                "WITH v (rid, at, audit_id, entity, row_key, label, field, old, new) AS (
                     SELECT NEW.rowid, {values} FROM {table} AS NEW WHERE NEW.rowid > ?1)
                 SELECT at, coalesce(nullif(ab_actor(), ''),
                                     nullif((SELECT lead_auditor FROM audits WHERE id = v.audit_id), ''),
                                     'unknown'),
                        audit_id, entity, row_key, label, field,
                        CAST(old AS TEXT), CAST(new AS TEXT), rid
                 FROM v ORDER BY rid"
            );
            sources.push(Source {
                table,
                trigger_sql: sql,
                select,
                after,
            });
        }
        for (_, trigger) in SOURCES {
            conn.execute_batch(&format!("DROP TRIGGER \"{trigger}\""))?;
        }
        Ok(BulkTrail { sources })
    }

    /// Forget rows recorded by a batch that was rolled back since (their
    /// trail rows went with them): call before each batch.
    pub(crate) fn resync(&mut self, conn: &Connection) -> Result<()> {
        for s in &mut self.sources {
            let max: i64 = conn.query_row(
                &format!("SELECT coalesce(max(rowid), 0) FROM {}", s.table),
                [],
                |r| r.get(0),
            )?;
            s.after = s.after.min(max);
        }
        Ok(())
    }

    /// Append the trail rows of the rows added to `table` since the last
    /// call, in the order they were added.
    pub(crate) fn record(&mut self, conn: &Connection, table: &str) -> Result<()> {
        let Some(s) = self.sources.iter_mut().find(|s| s.table == table) else {
            return Ok(());
        };
        let (mut seq, mut prev): (i64, String) = conn
            .prepare_cached("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok((0, String::new())),
                e => Err(e),
            })?;
        let mut read = conn.prepare_cached(&s.select)?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO history (seq, at, actor, audit_id, entity, row_key, label, field, old, new,
                                  prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut rows = read.query([s.after])?;
        let mut last = s.after;
        while let Some(r) = rows.next()? {
            seq += 1;
            let mut values: [ValueRef<'_>; 11] = [ValueRef::Null; 11];
            values[0] = ValueRef::Text(prev.as_bytes());
            values[1] = ValueRef::Integer(seq);
            for (i, v) in values[2..].iter_mut().enumerate() {
                *v = r.get_ref(i)?;
            }
            let hash = chain_hash(&values);
            insert.raw_bind_parameter(1, seq)?;
            for (i, v) in values[2..].iter().enumerate() {
                insert.raw_bind_parameter(i + 2, ToSqlOutput::Borrowed(*v))?;
            }
            insert.raw_bind_parameter(11, &prev)?;
            insert.raw_bind_parameter(12, &hash)?;
            insert.raw_execute()?;
            prev = hash;
            last = r.get(9)?;
        }
        s.after = last;
        Ok(())
    }

    /// Record what is left and put the triggers back.
    pub(crate) fn finish(mut self, conn: &Connection) -> Result<()> {
        for (table, _) in SOURCES {
            self.record(conn, table)?;
        }
        for s in &self.sources {
            conn.execute_batch(&s.trigger_sql)?;
        }
        Ok(())
    }
}

/// The values a one-row trail trigger appends: the text between
/// `INSERT INTO history_append VALUES (` and its closing `);` when that
/// is the trigger's only statement; `None` otherwise.
fn trigger_values(sql: &str) -> Option<&str> {
    const HEAD: &str = "INSERT INTO history_append VALUES (";
    let start = sql.find(HEAD)? + HEAD.len();
    let body = sql[start..].trim_end();
    let body = body.strip_suffix("END")?.trim_end();
    let body = body.strip_suffix(';')?.trim_end();
    let values = body.strip_suffix(')')?;
    // one statement only, and NEW the only row it reads
    (!values.contains(';') && !values.contains("OLD.") && sql.matches(HEAD).count() == 1)
        .then_some(values)
}

#[cfg(test)]
mod tests {
    use super::trigger_values;

    #[test]
    fn the_values_of_a_one_row_trail_trigger_are_found() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n    INSERT INTO history_append VALUES (NEW.a, 'x', json_object('k', NEW.b));\nEND";
        assert_eq!(
            trigger_values(sql),
            Some("NEW.a, 'x', json_object('k', NEW.b)")
        );
        let two = "CREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n    INSERT INTO history_append VALUES (NEW.a);\n    INSERT INTO history_append VALUES (NEW.b);\nEND";
        assert_eq!(trigger_values(two), None);
        let other = "CREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n    INSERT INTO history_append SELECT NEW.a WHERE 1;\nEND";
        assert_eq!(trigger_values(other), None);
    }
}
