//! The client's responses, the plan reviews and the verifications recorded
//! after the report, beside the frozen findings (append-only).

use rusqlite::{params, Row};

use super::{new_id, stored, Error, Result, Store};
use crate::domain::{check_date, AuditStatus, Finding, Response, ResponseKind, Standing};

const COLUMNS: &str = "id, audit_id, finding_id, reference, kind, correction, root_cause, \
     corrective_action, due_date, decision, reason, method, verified_on, evidence, \
     recorded_by, recorded_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Response> {
    Ok(Response {
        id: r.get(0)?,
        audit_id: r.get(1)?,
        finding_id: r.get(2)?,
        reference: r.get(3)?,
        kind: stored(4, ResponseKind::parse(&r.get::<_, String>(4)?))?,
        correction: r.get(5)?,
        root_cause: r.get(6)?,
        corrective_action: r.get(7)?,
        due_date: r.get(8)?,
        decision: r.get(9)?,
        reason: r.get(10)?,
        method: r.get(11)?,
        verified_on: r.get(12)?,
        evidence: r.get(13)?,
        recorded_by: r.get(14)?,
        recorded_at: r.get(15)?,
    })
}

/// A step to record; the fields its kind does not use stay empty.
#[derive(Debug, Clone, Default)]
pub struct NewResponse {
    pub correction: String,
    pub root_cause: String,
    pub corrective_action: String,
    pub due_date: String,
    pub decision: String,
    pub reason: String,
    pub method: String,
    pub verified_on: String,
    pub evidence: String,
    pub recorded_by: String,
}

impl Store {
    /// Record a step after the report on the nonconformity `reference` of
    /// the reported audit `audit_id`. A response needs a correction or a
    /// corrective action; a review `accepted` or `rejected` (with the
    /// reason); a verification `effective` or `not_effective`, with the
    /// evidence and the date.
    pub fn record_response(
        &mut self,
        audit_id: &str,
        reference: &str,
        kind: ResponseKind,
        new: &NewResponse,
    ) -> Result<Response> {
        let audit = self.audit(audit_id)?;
        if audit.status != AuditStatus::Reported {
            return Err(Error::Invalid(format!(
                "{} is not reported yet: record the client's response in the finding itself",
                audit.organisation
            )));
        }
        let f = self.finding_by_ref(audit_id, reference)?;
        if !f.grade.is_nonconformity() {
            return Err(Error::Invalid(format!(
                "{} is a {}, which needs no response; responses are for nonconformities",
                f.reference,
                f.grade.label().to_lowercase()
            )));
        }
        let mut new = new.clone();
        match kind {
            ResponseKind::Response => {
                if new.correction.trim().is_empty() && new.corrective_action.trim().is_empty() {
                    return Err(Error::Invalid(
                        "a response needs the correction or the corrective action; give one".into(),
                    ));
                }
                check_date("due date", &new.due_date).map_err(Error::Invalid)?;
            }
            ResponseKind::Review => match new.decision.as_str() {
                "accepted" => {}
                "rejected" if !new.reason.trim().is_empty() => {}
                "rejected" => {
                    return Err(Error::Invalid(
                        "rejecting a plan needs the reason, for the client; give it".into(),
                    ))
                }
                other => {
                    return Err(Error::Invalid(format!(
                        "a review is accepted or rejected, not {other:?}"
                    )))
                }
            },
            ResponseKind::Verification => {
                if !matches!(new.decision.as_str(), "effective" | "not_effective") {
                    return Err(Error::Invalid(format!(
                        "a verification is effective or not_effective, not {:?}",
                        new.decision
                    )));
                }
                if new.evidence.trim().is_empty() {
                    return Err(Error::Invalid(
                        "a verification needs the evidence seen; give it".into(),
                    ));
                }
                if new.verified_on.is_empty() {
                    new.verified_on = self.now().chars().take(10).collect();
                }
                check_date("verification date", &new.verified_on).map_err(Error::Invalid)?;
            }
        }
        let id = new_id();
        let now = self.now();
        self.conn.execute(
            &format!(
                "INSERT INTO responses ({COLUMNS})
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"
            ),
            params![
                id,
                audit_id,
                f.id,
                f.reference,
                kind.code(),
                new.correction,
                new.root_cause,
                new.corrective_action,
                new.due_date,
                new.decision,
                new.reason,
                new.method,
                new.verified_on,
                new.evidence,
                new.recorded_by,
                now
            ],
        )?;
        self.response(&id)
    }

    fn response(&self, id: &str) -> Result<Response> {
        Ok(self.conn.query_row(
            &format!("SELECT {COLUMNS} FROM responses WHERE id = ?1"),
            [id],
            from_row,
        )?)
    }

    /// Every step recorded after the report of an audit, oldest first.
    pub fn responses(&self, audit_id: &str) -> Result<Vec<Response>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM responses WHERE audit_id = ?1 ORDER BY recorded_at, rowid"
        ))?;
        let rows = stmt.query_map([audit_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Each nonconformity of a reported audit with where it stands (what is
    /// awaited, by when), in report order; an unreported audit has none.
    pub fn standings(&self, audit_id: &str) -> Result<Vec<(Finding, Standing)>> {
        let audit = self.audit(audit_id)?;
        if audit.status != AuditStatus::Reported {
            return Ok(Vec::new());
        }
        let responses = self.responses(audit_id)?;
        let scale = self.audit_scale(audit_id)?;
        let mut out = Vec::new();
        for f in self.open_nonconformities(audit_id, usize::MAX)? {
            let mine: Vec<&Response> = responses.iter().filter(|r| r.finding_id == f.id).collect();
            let s = crate::domain::standing(&audit, &scale, &f, &mine);
            out.push((f, s));
        }
        Ok(out)
    }
}
