//! Interviews and record samples.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{found, new_id, stored, Error, Result, Store};
use crate::catalogue::natural;
use crate::domain::{check_date, Interview, Sample, SampleMethod};

const INTERVIEW_COLUMNS: &str =
    "id, audit_id, interviewee, role, held_at, clauses, notes, created_at, updated_at, interviewer";
const SAMPLE_COLUMNS: &str =
    "id, audit_id, clause_id, population, method, size, items, result, created_at, updated_at, period_from, period_to";

fn interview_from_row(r: &Row<'_>) -> rusqlite::Result<Interview> {
    Ok(Interview {
        id: r.get(0)?,
        audit_id: r.get(1)?,
        interviewee: r.get(2)?,
        role: r.get(3)?,
        held_at: r.get(4)?,
        clauses: r.get(5)?,
        notes: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        interviewer: r.get(9)?,
    })
}

fn sample_from_row(r: &Row<'_>) -> rusqlite::Result<Sample> {
    Ok(Sample {
        id: r.get(0)?,
        audit_id: r.get(1)?,
        clause_id: r.get(2)?,
        population: r.get(3)?,
        method: stored(4, SampleMethod::parse(&r.get::<_, String>(4)?))?,
        size: r.get(5)?,
        items: r.get(6)?,
        result: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        period_from: r.get(10)?,
        period_to: r.get(11)?,
    })
}

/// Insert or replace an interview row (the id is the caller's).
pub(crate) fn upsert_interview(conn: &Connection, i: &Interview) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO interviews ({INTERVIEW_COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)
         ON CONFLICT (id) DO UPDATE SET interviewee = excluded.interviewee, role = excluded.role,
             held_at = excluded.held_at, clauses = excluded.clauses, notes = excluded.notes,
             updated_at = excluded.updated_at, interviewer = excluded.interviewer"
    ))?
    .execute(params![
        i.id,
        i.audit_id,
        i.interviewee,
        i.role,
        i.held_at,
        i.clauses,
        i.notes,
        i.created_at,
        i.updated_at,
        i.interviewer
    ])?;
    Ok(())
}

pub(crate) fn upsert_sample(conn: &Connection, s: &Sample) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO samples ({SAMPLE_COLUMNS}, clause_key) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)
         ON CONFLICT (id) DO UPDATE SET clause_id = excluded.clause_id, clause_key = excluded.clause_key,
             population = excluded.population, method = excluded.method, size = excluded.size,
             items = excluded.items, result = excluded.result, updated_at = excluded.updated_at,
             period_from = excluded.period_from, period_to = excluded.period_to"
    ))?
    .execute(params![
        s.id,
        s.audit_id,
        s.clause_id,
        s.population,
        s.method.code(),
        s.size,
        s.items,
        s.result,
        s.created_at,
        s.updated_at,
        s.period_from,
        s.period_to,
        natural::sort_key(&s.clause_id)
    ])?;
    Ok(())
}

impl Store {
    /// Record a new interview, or update an existing one (matched by id; an
    /// empty id creates). Returns the stored interview.
    pub fn save_interview(&mut self, interview: &Interview) -> Result<Interview> {
        if interview.interviewee.trim().is_empty() {
            return Err(Error::Invalid(
                "the interviewee is empty; give the name of the person interviewed".into(),
            ));
        }
        let audit = self.audit(&interview.audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        let unknown: Vec<&str> = interview_clauses(&interview.clauses)
            .filter(|c| cat.get(c).is_none())
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Invalid(format!(
                "unknown clause{} {} for {}; give clause ids such as 8.5.1, separated by commas",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", "),
                cat.title
            )));
        }
        let now = self.now();
        let mut i = interview.clone();
        i.held_at = crate::domain::store_when(&i.held_at);
        if i.id.is_empty() {
            i.id = new_id();
            i.created_at = now.clone();
        }
        i.updated_at = now;
        let tx = self.conn.savepoint()?;
        upsert_interview(&tx, &i)?;
        tx.commit()?;
        self.interview(&i.id)
    }

    pub fn interview(&self, id: &str) -> Result<Interview> {
        found(
            self.conn.query_row(
                &format!("SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE id = ?1"),
                [id],
                interview_from_row,
            ),
            || format!("no interview with id {id:?}"),
        )
    }

    /// Interviews of an audit, in the order they were held.
    pub fn interviews(&self, audit_id: &str) -> Result<Vec<Interview>> {
        read_interviews(&self.conn, audit_id)
    }

    pub fn delete_interview(&mut self, id: &str) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM interviews WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(Error::NotFound(format!("no interview with id {id:?}")));
        }
        Ok(())
    }

    pub fn delete_sample(&mut self, id: &str) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM samples WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(Error::NotFound(format!("no sample with id {id:?}")));
        }
        Ok(())
    }

    /// Record a new sample or update one (empty id creates).
    pub fn save_sample(&mut self, sample: &Sample) -> Result<Sample> {
        let audit = self.audit(&sample.audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        if cat.get(&sample.clause_id).is_none() {
            return Err(Error::Invalid(format!(
                "unknown clause {:?} for catalogue {}",
                sample.clause_id, cat.id
            )));
        }
        if sample.population.trim().is_empty() {
            return Err(Error::Invalid(
                "the sample's population is empty; say what was sampled from".into(),
            ));
        }
        check_date(
            "start of the period the records cover",
            sample.period_from.trim(),
        )
        .map_err(Error::Invalid)?;
        check_date(
            "end of the period the records cover",
            sample.period_to.trim(),
        )
        .map_err(Error::Invalid)?;
        let (from, to) = (sample.period_from.trim(), sample.period_to.trim());
        if !from.is_empty() && !to.is_empty() && from > to {
            return Err(Error::Invalid(format!(
                "the records' period ends ({to}) before it starts ({from}); give the earliest record's date first"
            )));
        }
        let now = self.now();
        let mut s = sample.clone();
        s.period_from = from.to_string();
        s.period_to = to.to_string();
        if s.id.is_empty() {
            s.id = new_id();
            s.created_at = now.clone();
        }
        s.updated_at = now;
        let tx = self.conn.savepoint()?;
        upsert_sample(&tx, &s)?;
        tx.commit()?;
        self.sample(&s.id)
    }

    pub fn sample(&self, id: &str) -> Result<Sample> {
        found(
            self.conn.query_row(
                &format!("SELECT {SAMPLE_COLUMNS} FROM samples WHERE id = ?1"),
                [id],
                sample_from_row,
            ),
            || format!("no sample with id {id:?}"),
        )
    }

    /// Samples of an audit, by clause in natural order.
    pub fn samples(&self, audit_id: &str) -> Result<Vec<Sample>> {
        read_samples(&self.conn, audit_id)
    }
}

impl Store {
    /// How many interviews and samples an audit has (index-only counts).
    pub fn interview_and_sample_count(&self, audit_id: &str) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM interviews WHERE audit_id = ?1)
                  + (SELECT count(*) FROM samples WHERE audit_id = ?1)",
            )?
            .query_row([audit_id], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Whether an audit has more than `n` interviews and samples together:
    /// at most `n + 1` of each are counted, not all of them.
    pub fn more_records_than(&self, audit_id: &str, n: usize) -> Result<bool> {
        let cap = i64::try_from(n).unwrap_or(i64::MAX).saturating_add(1);
        let seen: i64 = self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM (SELECT 1 FROM interviews WHERE audit_id = ?1 LIMIT ?2))
                  + (SELECT count(*) FROM (SELECT 1 FROM samples WHERE audit_id = ?1 LIMIT ?2))",
            )?
            .query_row(rusqlite::params![audit_id, cap], |r| r.get(0))?;
        Ok(usize::try_from(seen).unwrap_or(usize::MAX) > n)
    }
}

/// An audit's interviews or samples as the workbench holds them: row ids
/// in display order, and per clause the positions of those about it (for
/// a clause's pane). The records themselves are read a screenful at a time
/// by row id ([`Store::interviews_by_rowid`], [`Store::samples_by_rowid`]):
/// 100 000 samples are 0.8 MB of ids, not 100 MB of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordIndex {
    rowids: Vec<i64>,
    by_clause: std::collections::HashMap<String, Vec<u32>>,
}

impl RecordIndex {
    fn push<'a>(&mut self, rowid: i64, clauses: impl Iterator<Item = &'a str>) {
        let pos = u32::try_from(self.rowids.len()).unwrap_or(u32::MAX);
        self.rowids.push(rowid);
        for c in clauses {
            let list = match self.by_clause.get_mut(c) {
                Some(l) => l,
                None => self.by_clause.entry(c.to_string()).or_default(),
            };
            // a clause named twice in one interview counts once
            if list.last() != Some(&pos) {
                list.push(pos);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.rowids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rowids.is_empty()
    }

    /// The row ids from position `start`, at most `len` of them.
    pub fn rowids(&self, start: usize, len: usize) -> &[i64] {
        let start = start.min(self.rowids.len());
        &self.rowids[start..(start + len).min(self.rowids.len())]
    }

    /// The position of a row id in the list.
    pub fn position(&self, rowid: i64) -> Option<usize> {
        self.rowids.iter().position(|r| *r == rowid)
    }

    /// The positions of the records about `clause`, in list order.
    pub fn clause_positions(&self, clause: &str) -> Vec<usize> {
        self.by_clause
            .get(clause)
            .map(|at| at.iter().map(|p| *p as usize).collect())
            .unwrap_or_default()
    }

    /// The first `n` row ids of the records about `clause`, and how many
    /// it has in all.
    pub fn of_clause(&self, clause: &str, n: usize) -> (Vec<i64>, usize) {
        let Some(at) = self.by_clause.get(clause) else {
            return (Vec::new(), 0);
        };
        let first = at
            .iter()
            .take(n)
            .filter_map(|p| self.rowids.get(*p as usize).copied())
            .collect();
        (first, at.len())
    }
}

/// What the workbench holds of an audit's interviews and samples: their
/// indexes, and the samples' record periods by clause (the evidence
/// windows), read as one pass over each table, no text kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordIndexes {
    pub interviews: RecordIndex,
    pub samples: RecordIndex,
    pub periods: crate::domain::SamplePeriods,
}

/// The clauses an interview is about, from its list ("8.1, 8.2").
pub fn interview_clauses(clauses: &str) -> impl Iterator<Item = &str> {
    clauses
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

fn index_records(conn: &Connection, audit_id: &str) -> Result<RecordIndexes> {
    let mut out = RecordIndexes::default();
    let mut stmt = conn.prepare_cached(
        "SELECT rowid, clauses FROM interviews WHERE audit_id = ?1 ORDER BY held_at, created_at",
    )?;
    let mut rows = stmt.query([audit_id])?;
    while let Some(r) = rows.next()? {
        let clauses: String = r.get(1)?;
        out.interviews.push(r.get(0)?, interview_clauses(&clauses));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT rowid, clause_id, period_from, period_to FROM samples
         WHERE audit_id = ?1 ORDER BY clause_key, created_at",
    )?;
    let mut rows = stmt.query([audit_id])?;
    while let Some(r) = rows.next()? {
        let clause = super::text_ref(r, 1)?;
        out.samples.push(r.get(0)?, std::iter::once(clause));
        out.periods
            .add(clause, super::text_ref(r, 2)?, super::text_ref(r, 3)?);
    }
    Ok(out)
}

/// [`Store::record_indexes`] on a read-only connection of its own, for a
/// background thread: the store's connection stays with its owner.
pub fn record_indexes_at(path: &std::path::Path, audit_id: &str) -> Result<RecordIndexes> {
    let conn = super::read_only(path, std::time::Duration::from_secs(2))?;
    index_records(&conn, audit_id)
}

impl Store {
    /// An audit's interviews and samples, indexed (see [`RecordIndexes`]).
    pub fn record_indexes(&self, audit_id: &str) -> Result<RecordIndexes> {
        index_records(&self.conn, audit_id)
    }

    /// The interviews with these row ids, in their order (one gone since
    /// is left out).
    pub fn interviews_by_rowid(&self, rowids: &[i64]) -> Result<Vec<Interview>> {
        super::rows_by_rowid(
            &self.conn,
            "interviews",
            INTERVIEW_COLUMNS,
            rowids,
            interview_from_row,
        )
    }

    /// The samples with these row ids, in their order.
    pub fn samples_by_rowid(&self, rowids: &[i64]) -> Result<Vec<Sample>> {
        super::rows_by_rowid(
            &self.conn,
            "samples",
            SAMPLE_COLUMNS,
            rowids,
            sample_from_row,
        )
    }

    /// The row id of the interview with this id, if there is one.
    pub fn interview_rowid(&self, id: &str) -> Result<Option<i64>> {
        self.rowid_of("interviews", id)
    }

    /// The row id of the sample with this id, if there is one.
    pub fn sample_rowid(&self, id: &str) -> Result<Option<i64>> {
        self.rowid_of("samples", id)
    }

    fn rowid_of(&self, table: &str, id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT rowid FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}

fn read_interviews(conn: &Connection, audit_id: &str) -> Result<Vec<Interview>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE audit_id = ?1 ORDER BY held_at, created_at"
    ))?;
    let rows = stmt
        .query_map([audit_id], interview_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn read_samples(conn: &Connection, audit_id: &str) -> Result<Vec<Sample>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SAMPLE_COLUMNS} FROM samples WHERE audit_id = ?1 ORDER BY clause_key, created_at"
    ))?;
    let rows = stmt
        .query_map([audit_id], sample_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
