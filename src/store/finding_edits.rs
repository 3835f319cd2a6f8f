//! Writing findings: raising one (and giving it a reference never given
//! before), changing its fields, grade and status under the domain's rules,
//! deleting it.

use rusqlite::{params, Connection};

use super::findings::FindingField;
use super::{new_id, new_ordered_id, Error, Result, Store};
use crate::catalogue::natural;
use crate::domain::{check_date, Finding, FindingStatus, Grade, NewFinding, Stage};

/// The next reference of a prefix in an audit: one past the highest ever
/// given, by a finding today or retired (regraded or deleted), so a
/// reference never comes back. On a team member's laptop the prefix
/// carries the member's tag (`NC-SO7F-001`): a provisional reference no
/// other laptop gives, until the lead finalises the numbering. Returns the
/// prefix used, the number and the reference.
fn next_reference(tx: &Connection, audit_id: &str, prefix: &str) -> Result<(String, i64, String)> {
    let tag = super::team::ref_tag(tx, audit_id)?;
    let prefix = if tag.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}-{tag}")
    };
    let seq: i64 = tx
        .prepare_cached(
            "SELECT max(coalesce((SELECT max(ref_seq) FROM findings WHERE audit_id = ?1 AND ref_prefix = ?2), 0),
                        coalesce((SELECT max(seq) FROM retired_references WHERE audit_id = ?1 AND prefix = ?2), 0)) + 1",
        )?
        .query_row(params![audit_id, prefix], |r| r.get(0))?;
    let reference = format!("{prefix}-{seq:03}");
    Ok((prefix, seq, reference))
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

/// The head of a new finding's insert, up to its values (the status is
/// given as 'open').
const INSERT_FINDING: &str = "INSERT INTO findings (id, audit_id, reference, ref_prefix, ref_seq,
     clause_id, clause_key, stage, grade, title, requirement, statement, evidence, status, due_date,
     raised_by, created_at, updated_at) VALUES ";

/// Insert one finding inside an open transaction; allocates the next
/// reference of its prefix (`NC-004` after `NC-003`). Shared by the CLI path
/// and bulk generation.
pub(crate) fn insert_finding(
    tx: &Connection,
    audit_id: &str,
    new: &NewFinding,
    prefix: &str,
    now: &str,
) -> Result<(String, String)> {
    let (prefix, seq, reference) = next_reference(tx, audit_id, prefix)?;
    let id = new_id();
    tx.prepare_cached(&format!(
        "{INSERT_FINDING} (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,'open',?14,?15,?16,?16)"
    ))?
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

/// The next reference number of each prefix of an audit: (the scale's
/// prefix, the full prefix, the number).
pub(crate) type Numbering = Vec<(String, String, i64)>;

/// Insert many findings of one audit inside an open transaction, numbered
/// as [`insert_finding`] numbers them, in few statements (see
/// [`super::insert_many`]). Each row gives the finding and its reference
/// prefix in the audit's scale. Their ids are ordered ones. `next` holds
/// the next number of each prefix (scale prefix, full prefix, number) of
/// this audit, read from the file the first time a prefix comes and kept
/// by the caller for its next rows: valid while only these calls add
/// findings to the audit.
pub(crate) fn insert_findings(
    tx: &Connection,
    audit_id: &str,
    rows: &[(&NewFinding, &str)],
    now: &str,
    next: &mut Numbering,
) -> Result<()> {
    use rusqlite::types::Value;
    let mut numbered = Vec::with_capacity(rows.len());
    for (new, prefix) in rows {
        let i = match next.iter().position(|(p, _, _)| p == prefix) {
            Some(i) => i,
            None => {
                let (full, seq, _) = next_reference(tx, audit_id, prefix)?;
                next.push((prefix.to_string(), full, seq));
                next.len() - 1
            }
        };
        let (_, full, seq) = &mut next[i];
        numbered.push((*new, full.clone(), *seq));
        *seq += 1;
    }
    super::insert_many(tx, INSERT_FINDING, &numbered, |(new, prefix, seq)| {
        let text = |s: &str| Value::Text(s.to_string());
        vec![
            Value::Text(new_ordered_id()),
            text(audit_id),
            Value::Text(format!("{prefix}-{seq:03}")),
            text(prefix),
            Value::Integer(*seq),
            text(&new.clause_id),
            Value::Text(natural::sort_key(&new.clause_id)),
            Value::Integer(new.stage.number().into()),
            text(new.grade.code()),
            text(&new.title),
            text(&new.requirement),
            text(&new.statement),
            text(&new.evidence),
            text("open"),
            text(&new.due_date),
            text(&new.raised_by),
            text(now),
            text(now),
        ]
    })
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
        let prefix = super::audits::scale_of(&tx, audit_id)?
            .prefix(new.grade)
            .to_string();
        let (id, _) = insert_finding(&tx, audit_id, new, &prefix, &now)?;
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
        let scale = super::audits::scale_of(&tx, &f.audit_id)?;
        let prefix = scale.prefix(grade);
        if prefix == scale.prefix(f.grade) {
            tx.execute(
                "UPDATE findings SET grade = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, grade.code(), now],
            )?;
        } else {
            let (prefix, seq, reference) = next_reference(&tx, &f.audit_id, prefix)?;
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

    /// Give a finding the next reference of its grade (a team lead
    /// finalising a member's provisional `NC-SO7F-001`, or the second holder
    /// of a reference): the old one kept in `formerly` and never given
    /// again. One transaction; the trail records it.
    pub(crate) fn renumber_finding(&mut self, id: &str) -> Result<String> {
        let f = self.finding(id)?;
        let now = self.now();
        let tx = self.conn.savepoint()?;
        let scale = super::audits::scale_of(&tx, &f.audit_id)?;
        let (prefix, seq, reference) = next_reference(&tx, &f.audit_id, scale.prefix(f.grade))?;
        retire_reference(&tx, &f)?;
        let formerly = if f.formerly.is_empty() {
            f.reference.clone()
        } else {
            format!("{}, {}", f.formerly, f.reference)
        };
        tx.execute(
            "UPDATE findings SET reference = ?2, ref_prefix = ?3, ref_seq = ?4, formerly = ?5, updated_at = ?6
             WHERE id = ?1",
            params![id, reference, prefix, seq, formerly, now],
        )?;
        tx.commit()?;
        Ok(reference)
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
