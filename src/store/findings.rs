use rusqlite::{params, Connection, Row};

use super::{found, new_id, stored, Error, Result, Store};
use crate::catalogue::natural;
use crate::domain::{check_date, Finding, FindingStatus, Grade, NewFinding, Stage};

const COLUMNS: &str = "id, audit_id, reference, clause_id, stage, grade, title, requirement, statement, \
     evidence, status, root_cause, correction, corrective_action, due_date, raised_by, created_at, updated_at, \
     verified_on, verified_by, verification_method, verification_evidence, formerly, doc_key";

/// How many columns `COLUMNS` names (a column after them is at this index).
const N_COLUMNS: usize = 24;

/// Severity, then clause in natural order, then reference.
const REPORT_ORDER: &str = "grade_rank, clause_key, ref_prefix, ref_seq";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Finding> {
    Ok(Finding {
        id: r.get(0)?,
        audit_id: r.get(1)?,
        reference: r.get(2)?,
        clause_id: r.get(3)?,
        stage: stored(4, Stage::new(r.get::<_, u8>(4)?))?,
        grade: stored(5, Grade::parse(&r.get::<_, String>(5)?))?,
        title: r.get(6)?,
        requirement: r.get(7)?,
        statement: r.get(8)?,
        evidence: r.get(9)?,
        status: stored(10, FindingStatus::parse(&r.get::<_, String>(10)?))?,
        root_cause: r.get(11)?,
        correction: r.get(12)?,
        corrective_action: r.get(13)?,
        due_date: r.get(14)?,
        raised_by: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
        verified_on: r.get(18)?,
        verified_by: r.get(19)?,
        verification_method: r.get(20)?,
        verification_evidence: r.get(21)?,
        formerly: r.get(22)?,
        doc_key: r.get(23)?,
    })
}

/// Which findings to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    pub grade: Option<Grade>,
    pub status: Option<FindingStatus>,
    pub clause_id: Option<String>,
}

/// The orders the findings screen offers. Report order comes straight from
/// an index; the others sort the (id-only) list once per change of order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindingOrder {
    /// Severity, clause, reference: the order of the report.
    #[default]
    Report,
    Due,
    Status,
    Reference,
}

impl FindingOrder {
    pub fn next(self) -> FindingOrder {
        match self {
            FindingOrder::Report => FindingOrder::Due,
            FindingOrder::Due => FindingOrder::Status,
            FindingOrder::Status => FindingOrder::Reference,
            FindingOrder::Reference => FindingOrder::Report,
        }
    }

    fn sql(self) -> String {
        match self {
            FindingOrder::Report => REPORT_ORDER.to_string(),
            // no due date last; then report order
            FindingOrder::Due => format!("due_date = '', due_date, {REPORT_ORDER}"),
            FindingOrder::Status => format!(
                "CASE status WHEN 'open' THEN 0 WHEN 'response_received' THEN 1 WHEN 'plan_accepted' THEN 2 ELSE 3 END, {REPORT_ORDER}"
            ),
            FindingOrder::Reference => "ref_prefix, ref_seq".to_string(),
        }
    }
}

/// A free-text field of a finding that can be edited on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingField {
    Title,
    Requirement,
    Statement,
    Evidence,
    RootCause,
    Correction,
    CorrectiveAction,
    DueDate,
    RaisedBy,
    VerifiedOn,
    VerifiedBy,
    VerificationMethod,
    VerificationEvidence,
}

impl FindingField {
    pub const ALL: &'static [FindingField] = &[
        FindingField::Title,
        FindingField::Requirement,
        FindingField::Statement,
        FindingField::Evidence,
        FindingField::RootCause,
        FindingField::Correction,
        FindingField::CorrectiveAction,
        FindingField::DueDate,
        FindingField::RaisedBy,
        FindingField::VerifiedOn,
        FindingField::VerifiedBy,
        FindingField::VerificationMethod,
        FindingField::VerificationEvidence,
    ];

    /// The column name, also the field's code in draft keys.
    pub(crate) fn column(self) -> &'static str {
        match self {
            FindingField::Title => "title",
            FindingField::Requirement => "requirement",
            FindingField::Statement => "statement",
            FindingField::Evidence => "evidence",
            FindingField::RootCause => "root_cause",
            FindingField::Correction => "correction",
            FindingField::CorrectiveAction => "corrective_action",
            FindingField::DueDate => "due_date",
            FindingField::RaisedBy => "raised_by",
            FindingField::VerifiedOn => "verified_on",
            FindingField::VerifiedBy => "verified_by",
            FindingField::VerificationMethod => "verification_method",
            FindingField::VerificationEvidence => "verification_evidence",
        }
    }

    pub fn get(self, f: &Finding) -> &str {
        match self {
            FindingField::Title => &f.title,
            FindingField::Requirement => &f.requirement,
            FindingField::Statement => &f.statement,
            FindingField::Evidence => &f.evidence,
            FindingField::RootCause => &f.root_cause,
            FindingField::Correction => &f.correction,
            FindingField::CorrectiveAction => &f.corrective_action,
            FindingField::DueDate => &f.due_date,
            FindingField::RaisedBy => &f.raised_by,
            FindingField::VerifiedOn => &f.verified_on,
            FindingField::VerifiedBy => &f.verified_by,
            FindingField::VerificationMethod => &f.verification_method,
            FindingField::VerificationEvidence => &f.verification_evidence,
        }
    }
}

/// The next reference of a prefix in an audit: one past the highest ever
/// given, by a finding today or retired (regraded or deleted), so a
/// reference never comes back.
fn next_reference(tx: &Connection, audit_id: &str, prefix: &str) -> Result<(i64, String)> {
    let seq: i64 = tx
        .prepare_cached(
            "SELECT max(coalesce((SELECT max(ref_seq) FROM findings WHERE audit_id = ?1 AND ref_prefix = ?2), 0),
                        coalesce((SELECT max(seq) FROM retired_references WHERE audit_id = ?1 AND prefix = ?2), 0)) + 1",
        )?
        .query_row(params![audit_id, prefix], |r| r.get(0))?;
    Ok((seq, format!("{prefix}-{seq:03}")))
}

/// Keep a reference that no finding carries any more, so it is never given again.
fn retire_reference(tx: &Connection, f: &Finding) -> Result<()> {
    let Some((prefix, seq)) = f.reference.rsplit_once('-') else {
        return Ok(());
    };
    let seq: i64 = seq.parse().unwrap_or(0);
    tx.prepare_cached(
        "INSERT OR IGNORE INTO retired_references (audit_id, reference, prefix, seq) VALUES (?1,?2,?3,?4)",
    )?
    .execute(params![f.audit_id, f.reference, prefix, seq])?;
    Ok(())
}

/// Insert one finding inside an open transaction; allocates the next
/// reference of its prefix (`NC-004` after `NC-003`). Shared by the CLI path
/// and bulk generation.
pub(crate) fn insert_finding(
    tx: &Connection,
    audit_id: &str,
    new: &NewFinding,
    now: &str,
) -> Result<(String, String)> {
    let prefix = new.grade.ref_prefix();
    let (seq, reference) = next_reference(tx, audit_id, prefix)?;
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO findings (id, audit_id, reference, ref_prefix, ref_seq, clause_id, clause_key, stage,
             grade, title, requirement, statement, evidence, status, due_date, raised_by, created_at, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,'open',?14,?15,?16,?16)",
    )?
    .execute(params![
        id,
        audit_id,
        reference,
        prefix,
        seq,
        new.clause_id,
        natural::sort_key(&new.clause_id),
        new.stage.number(),
        new.grade.code(),
        new.title,
        new.requirement,
        new.statement,
        new.evidence,
        new.due_date,
        new.raised_by,
        now,
    ])?;
    Ok((id, reference))
}

impl Store {
    /// Raise a finding. The clause must exist in the audit's catalogue.
    pub fn add_finding(&mut self, audit_id: &str, new: &NewFinding) -> Result<Finding> {
        self.add_finding_on(audit_id, new, "")
    }

    /// Raise a finding on a stage 1 document (`doc_key`; "" for none).
    pub fn add_finding_on(
        &mut self,
        audit_id: &str,
        new: &NewFinding,
        doc_key: &str,
    ) -> Result<Finding> {
        let audit = self.audit(audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        if cat.get(&new.clause_id).is_none() {
            return Err(Error::Invalid(format!(
                "unknown clause {:?} for {} (catalogue {}); accepted: {}",
                new.clause_id,
                cat.title,
                cat.id,
                cat.id_list()
            )));
        }
        if new.title.trim().is_empty() {
            return Err(Error::Invalid(
                "the finding's title is empty; give it a short title".into(),
            ));
        }
        check_date("due date", &new.due_date).map_err(Error::Invalid)?;
        let now = self.now();
        let tx = self.conn.savepoint()?;
        let (id, _) = insert_finding(&tx, audit_id, new, &now)?;
        if !doc_key.is_empty() {
            tx.execute(
                "UPDATE findings SET doc_key = ?2 WHERE id = ?1",
                params![id, doc_key],
            )?;
        }
        if new.grade.is_nonconformity()
            && cat
                .get(&new.clause_id)
                .is_some_and(|c| cat.is_assessable(c))
        {
            // a clause with an open nonconformity is at least in progress
            tx.prepare_cached(
                "INSERT INTO clause_reviews (audit_id, clause_id, stage, status, result, notes, questions_covered, updated_at)
                 VALUES (?1, ?2, ?3, 'in_progress', 'not_assessed', '', '', ?4)
                 ON CONFLICT (audit_id, clause_id, stage) DO UPDATE SET status = 'in_progress',
                     updated_at = excluded.updated_at
                 WHERE status = 'not_started'",
            )?
            .execute(params![audit_id, new.clause_id, new.stage.number(), now])?;
        }
        tx.commit()?;
        self.finding(&id)
    }

    pub fn finding(&self, id: &str) -> Result<Finding> {
        found(
            self.conn.query_row(
                &format!("SELECT {COLUMNS} FROM findings WHERE id = ?1"),
                [id],
                from_row,
            ),
            || format!("no finding with id {id:?}"),
        )
    }

    /// A finding by its human reference within an audit (`NC-003`).
    pub fn finding_by_ref(&self, audit_id: &str, reference: &str) -> Result<Finding> {
        found(
            self.conn.query_row(
                &format!("SELECT {COLUMNS} FROM findings WHERE audit_id = ?1 AND reference = ?2"),
                params![audit_id, reference.trim().to_ascii_uppercase()],
                from_row,
            ),
            || format!("no finding {reference:?} in this audit"),
        )
    }

    /// `limit` row ids of an audit's findings, filtered, in `order`, from
    /// position `offset`: what a findings list pages with (8 bytes a finding).
    pub fn finding_rowids_page(
        &self,
        audit_id: &str,
        filter: &FindingFilter,
        order: FindingOrder,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<i64>> {
        let sql = format!(
            "SELECT rowid FROM findings WHERE {} ORDER BY {} LIMIT ?5 OFFSET ?6",
            filter_sql(filter),
            order.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let (rank, status, clause) = filter_params(filter);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = stmt.query_map(
            params![audit_id, rank, status, clause, limit, offset],
            |r| r.get(0),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many findings pass the filter (an index-only count).
    pub fn count_findings(&self, audit_id: &str, filter: &FindingFilter) -> Result<usize> {
        let sql = format!("SELECT count(*) FROM findings WHERE {}", filter_sql(filter));
        let (rank, status, clause) = filter_params(filter);
        let n: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![audit_id, rank, status, clause], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The findings with these row ids, in the order given (one query).
    pub fn findings_by_rowid(&self, ids: &[i64]) -> Result<Vec<Finding>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = format!(
            "[{}]",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        );
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS}, rowid FROM findings WHERE rowid IN (SELECT value FROM json_each(?1))"
        ))?;
        let mut by_id: std::collections::HashMap<i64, Finding> = stmt
            .query_map([list], |r| Ok((r.get(N_COLUMNS)?, from_row(r)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
    }

    /// The findings raised on one stage 1 document, in report order.
    pub fn document_findings(&self, audit_id: &str, doc_key: &str) -> Result<Vec<Finding>> {
        // by the partial index on doc_key (a few rows), sorted here: ordering
        // in SQL would make the planner walk the whole audit in report order
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS}, grade_rank, clause_key, ref_prefix, ref_seq FROM findings
             WHERE audit_id = ?1 AND doc_key = ?2 AND doc_key != ''"
        ))?;
        let mut rows: Vec<((i64, String, String, i64), Finding)> = stmt
            .query_map(params![audit_id, doc_key], |r| {
                let n = N_COLUMNS;
                Ok((
                    (r.get(n)?, r.get(n + 1)?, r.get(n + 2)?, r.get(n + 3)?),
                    from_row(r)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(rows.into_iter().map(|(_, f)| f).collect())
    }

    /// The row id of a finding (for finding it in a list of row ids).
    pub fn finding_rowid(&self, id: &str) -> Result<i64> {
        found(
            self.conn
                .prepare_cached("SELECT rowid FROM findings WHERE id = ?1")?
                .query_row([id], |r| r.get(0)),
            || format!("no finding with id {id:?}"),
        )
    }

    /// Open nonconformities (major and minor, not closed), in report order,
    /// at most `limit` of them.
    pub fn open_nonconformities(&self, audit_id: &str, limit: usize) -> Result<Vec<Finding>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM findings WHERE audit_id = ?1 AND grade_rank <= 1
               AND status != 'closed' ORDER BY {REPORT_ORDER} LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![audit_id, limit as i64], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first `limit` findings on one clause, in report order.
    pub fn clause_findings(
        &self,
        audit_id: &str,
        clause_id: &str,
        limit: usize,
    ) -> Result<Vec<Finding>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM findings WHERE audit_id = ?1 AND clause_key = ?2 AND clause_id = ?3
             ORDER BY {REPORT_ORDER} LIMIT ?4"
        ))?;
        let rows = stmt.query_map(
            params![
                audit_id,
                natural::sort_key(clause_id),
                clause_id,
                limit as i64
            ],
            from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Findings of an audit, in report order, filtered.
    pub fn findings(&self, audit_id: &str, filter: &FindingFilter) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        self.for_each_finding(audit_id, filter, |f| {
            out.push(f);
            Ok(())
        })?;
        Ok(out)
    }

    /// Stream findings in report order without holding them all in memory.
    pub fn for_each_finding(
        &self,
        audit_id: &str,
        filter: &FindingFilter,
        mut f: impl FnMut(Finding) -> Result<()>,
    ) -> Result<()> {
        let mut sql = format!("SELECT {COLUMNS} FROM findings WHERE audit_id = ?1");
        let grade = filter.grade.map(|g| g.code()).unwrap_or("");
        let status = filter.status.map(|s| s.code()).unwrap_or("");
        let clause = filter.clause_id.as_deref().unwrap_or("");
        sql.push_str(" AND (?2 = '' OR grade = ?2) AND (?3 = '' OR status = ?3) AND (?4 = '' OR clause_id = ?4)");
        sql.push_str(&format!(" ORDER BY {REPORT_ORDER}"));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![audit_id, grade, status, clause])?;
        while let Some(row) = rows.next()? {
            f(from_row(row)?)?;
        }
        Ok(())
    }

    /// Edit one text field of a finding (its own transaction).
    pub fn set_finding_field(&mut self, id: &str, field: FindingField, value: &str) -> Result<()> {
        if field == FindingField::DueDate {
            check_date("due date", value).map_err(Error::Invalid)?;
        }
        if field == FindingField::VerifiedOn {
            check_date("verification date", value.trim()).map_err(Error::Invalid)?;
        }
        if field == FindingField::Title && value.trim().is_empty() {
            return Err(Error::Invalid("a finding's title cannot be empty".into()));
        }
        self.update_finding(id, field.column(), value)
    }

    /// Move a finding to another clause of its audit's catalogue.
    pub fn set_finding_clause(&mut self, id: &str, clause_id: &str) -> Result<()> {
        let f = self.finding(id)?;
        let audit = self.audit(&f.audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        let clause_id = clause_id.trim();
        if cat.get(clause_id).is_none() {
            return Err(Error::Invalid(format!(
                "unknown clause {clause_id:?} for catalogue {}; e.g. 8.5.1",
                cat.id
            )));
        }
        let now = self.now();
        self.conn.execute(
            "UPDATE findings SET clause_id = ?2, clause_key = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, clause_id, natural::sort_key(clause_id), now],
        )?;
        Ok(())
    }

    pub fn set_finding_stage(&mut self, id: &str, stage: Stage) -> Result<()> {
        self.update_finding(id, "stage", stage.number())
    }

    /// Change a finding's grade. Between a major and a minor the reference
    /// stays; to a grade of another kind the finding takes the next
    /// reference of its new grade (`NC-002` becomes `OBS-004`), keeps the
    /// old one in `formerly`, and the old one is never given again. A
    /// finding that becomes or stops being a nonconformity starts again as
    /// open. One transaction; the trail records each change.
    pub fn set_finding_grade(&mut self, id: &str, grade: Grade) -> Result<Finding> {
        let f = self.finding(id)?;
        if f.grade == grade {
            return Ok(f);
        }
        let now = self.now();
        let tx = self.conn.savepoint()?;
        let prefix = grade.ref_prefix();
        if prefix == f.grade.ref_prefix() {
            tx.execute(
                "UPDATE findings SET grade = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, grade.code(), now],
            )?;
        } else {
            let (seq, reference) = next_reference(&tx, &f.audit_id, prefix)?;
            retire_reference(&tx, &f)?;
            let formerly = if f.formerly.is_empty() {
                f.reference.clone()
            } else {
                format!("{}, {}", f.formerly, f.reference)
            };
            let status = if grade.is_nonconformity() != f.grade.is_nonconformity() {
                FindingStatus::Open
            } else {
                f.status
            };
            tx.execute(
                "UPDATE findings SET grade = ?2, reference = ?3, ref_prefix = ?4, ref_seq = ?5,
                     formerly = ?6, status = ?7, updated_at = ?8 WHERE id = ?1",
                params![
                    id,
                    grade.code(),
                    reference,
                    prefix,
                    seq,
                    formerly,
                    status.code(),
                    now
                ],
            )?;
        }
        tx.commit()?;
        self.finding(id)
    }

    /// Change a finding's status: only nonconformities have one, and one is
    /// closed only with its verification recorded (see
    /// [`Finding::check_status`]).
    pub fn set_finding_status(&mut self, id: &str, status: FindingStatus) -> Result<()> {
        let f = self.finding(id)?;
        f.check_status(status).map_err(Error::Invalid)?;
        self.update_finding(id, "status", status.code())
    }

    /// Set one column of a finding (a fixed name from this file, never user
    /// input) and its update time, in one statement.
    fn update_finding(
        &mut self,
        id: &str,
        column: &str,
        value: impl rusqlite::ToSql,
    ) -> Result<()> {
        let now = self.now();
        let n = self.conn.execute(
            &format!("UPDATE findings SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
            params![id, value, now],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("no finding with id {id:?}")));
        }
        Ok(())
    }

    /// Delete a finding; its reference is never given again.
    pub fn delete_finding(&mut self, id: &str) -> Result<()> {
        let f = self.finding(id)?;
        let tx = self.conn.savepoint()?;
        retire_reference(&tx, &f)?;
        tx.execute("DELETE FROM findings WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}

fn search_texts(conn: &Connection, audit_id: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rowid, reference || ' ' || title FROM findings WHERE audit_id = ?1 ORDER BY {REPORT_ORDER}"
    ))?;
    let rows = stmt.query_map([audit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the fuzzy finder searches of each finding, (row id, "REF title"),
/// read on a connection of its own (read-only), for a background thread:
/// the store's connection stays with its owner.
pub fn finding_search_texts_at(
    path: &std::path::Path,
    audit_id: &str,
) -> Result<Vec<(i64, String)>> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    search_texts(&conn, audit_id)
}

/// The WHERE clause of a filter: only the filters that are set appear, so
/// that a grade filter is an index range, not a scan (one cached statement
/// per shape). Parameters: ?1 audit, ?2 grade rank, ?3 status, ?4 clause.
fn filter_sql(filter: &FindingFilter) -> String {
    let mut sql = String::from("audit_id = ?1");
    sql.push_str(if filter.grade.is_some() {
        " AND grade_rank = ?2"
    } else {
        " AND ?2 < 0"
    });
    sql.push_str(if filter.status.is_some() {
        " AND status = ?3"
    } else {
        " AND ?3 = ''"
    });
    sql.push_str(if filter.clause_id.is_some() {
        " AND clause_id = ?4"
    } else {
        " AND ?4 = ''"
    });
    sql
}

fn filter_params(filter: &FindingFilter) -> (i64, &'static str, &str) {
    (
        filter.grade.map_or(-1, |g| i64::from(g.severity())),
        filter.status.map(|s| s.code()).unwrap_or(""),
        filter.clause_id.as_deref().unwrap_or(""),
    )
}

#[cfg(test)]
mod column_tests {
    #[test]
    fn n_columns_counts_columns() {
        assert_eq!(super::COLUMNS.split(',').count(), super::N_COLUMNS);
    }
}
