//! Interviews and record samples.

use rusqlite::{params, Connection, Row};

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
        let unknown: Vec<&str> = interview
            .clauses
            .split([',', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty() && cat.get(c).is_none())
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
}

/// An audit's interviews and samples, read on a connection of its own
/// (read-only), for a background thread: the store's connection stays with
/// its owner.
pub fn interviews_and_samples_at(
    path: &std::path::Path,
    audit_id: &str,
) -> Result<(Vec<Interview>, Vec<Sample>)> {
    let conn = super::read_only(path, std::time::Duration::from_secs(2))?;
    let interviews = read_interviews(&conn, audit_id)?;
    let samples = read_samples(&conn, audit_id)?;
    Ok((interviews, samples))
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
