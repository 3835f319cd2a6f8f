use rusqlite::{params, OptionalExtension, Row};

use super::{found, new_id, stored, Error, Result, Store};
use crate::domain::{check_date, Audit, AuditStatus, AuditType, Grade, NewAudit};

/// An audit with what the audit list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSummary {
    pub audit: Audit,
    /// Finding counts in `Grade::ALL` order.
    pub counts: [u64; 6],
}

const COLUMNS: &str =
    "id, organisation, scope, catalogue_id, edition, audit_type, certification_body, \
     lead_auditor, team, start_date, end_date, status, created_at, updated_at, \
     recommendation, recommendation_note, client_id, follows";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Audit> {
    Ok(Audit {
        id: r.get(0)?,
        organisation: r.get(1)?,
        scope: r.get(2)?,
        catalogue_id: r.get(3)?,
        edition: r.get(4)?,
        audit_type: stored(5, AuditType::parse(&r.get::<_, String>(5)?))?,
        certification_body: r.get(6)?,
        lead_auditor: r.get(7)?,
        team: r.get(8)?,
        start_date: r.get(9)?,
        end_date: r.get(10)?,
        status: stored(11, AuditStatus::parse(&r.get::<_, String>(11)?))?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        recommendation: match r.get::<_, String>(14)?.as_str() {
            "" => None,
            code => Some(stored(14, crate::domain::Decision::parse(code))?),
        },
        recommendation_note: r.get(15)?,
        client_id: r.get(16)?,
        follows: r.get(17)?,
    })
}

impl Store {
    /// Create an audit; its catalogue must be resolvable (built in or stored).
    /// Create an audit graded on the generic scale.
    pub fn create_audit(&mut self, new: &NewAudit) -> Result<Audit> {
        self.create_audit_with_scale(new, &crate::domain::Scale::generic())
    }

    /// Create an audit graded on `scale`, which is frozen into it.
    pub fn create_audit_with_scale(
        &mut self,
        new: &NewAudit,
        scale: &crate::domain::Scale,
    ) -> Result<Audit> {
        if new.organisation.trim().is_empty() {
            return Err(Error::Invalid(
                "the organisation is empty; give the audited organisation's name".into(),
            ));
        }
        check_date("start date", &new.start_date).map_err(Error::Invalid)?;
        check_date("end date", &new.end_date).map_err(Error::Invalid)?;
        if !new.start_date.is_empty() && !new.end_date.is_empty() && new.end_date < new.start_date {
            return Err(Error::Invalid(format!(
                "end date {} is before start date {}",
                new.end_date, new.start_date
            )));
        }
        self.catalogue(&new.catalogue_id)?;
        let id = new_id();
        let now = self.now();
        let tx = self.conn.savepoint()?;
        let client = super::clients::client_for(&tx, new.organisation.trim(), &now)?;
        tx.execute(
            &format!("INSERT INTO audits ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13,'','',?14,'')"),
            params![
                id,
                new.organisation.trim(),
                new.scope,
                new.catalogue_id,
                new.edition,
                new.audit_type.code(),
                new.certification_body,
                new.lead_auditor,
                new.team,
                new.start_date,
                new.end_date,
                AuditStatus::Planned.code(),
                now,
                client,
            ],
        )?;
        tx.execute(
            "INSERT INTO audit_scales (audit_id, scale_id, snapshot, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, scale.id, scale.snapshot(), now],
        )?;
        tx.commit()?;
        self.audit(&id)
    }

    /// The grade scale frozen into an audit (the generic one for an audit
    /// that has none, which only a file edited by hand can hold).
    pub fn audit_scale(&self, audit_id: &str) -> Result<crate::domain::Scale> {
        scale_of(&self.conn, audit_id)
    }
}

/// The grade scale frozen into an audit, read on `conn` (a transaction's too).
pub(crate) fn scale_of(
    conn: &rusqlite::Connection,
    audit_id: &str,
) -> Result<crate::domain::Scale> {
    let snapshot: Option<String> = conn
        .prepare_cached("SELECT snapshot FROM audit_scales WHERE audit_id = ?1")?
        .query_row([audit_id], |r| r.get(0))
        .optional()?;
    match snapshot {
        None => Ok(crate::domain::Scale::generic()),
        Some(s) => {
            // the snapshot's TOML, parsed once per process (70 µs a call,
            // paid by every write of a finding)
            static SEEN: crate::catalogue::Memo<crate::domain::Scale> =
                crate::catalogue::Memo::new();
            SEEN.get_or(&s, || {
                crate::domain::Scale::parse(&s, "the audit's frozen grade scale")
                    .map_err(|e| Error::Invalid(e.to_string()))
            })
        }
    }
}

impl Store {
    /// An audit by its full id.
    pub fn audit(&self, id: &str) -> Result<Audit> {
        found(
            self.conn.query_row(
                &format!("SELECT {COLUMNS} FROM audits WHERE id = ?1"),
                [id],
                from_row,
            ),
            || format!("no audit with id {id:?}; `auditbench list` shows the audits"),
        )
    }

    /// An audit by full id or unique prefix (like git's short hashes).
    pub fn find_audit(&self, id_or_prefix: &str) -> Result<Audit> {
        let wanted = id_or_prefix.trim();
        if wanted.is_empty() {
            return Err(Error::Invalid(
                "the audit id is empty; `auditbench list` shows the audits".into(),
            ));
        }
        if let Some(a) = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM audits WHERE id = ?1"),
                [wanted],
                from_row,
            )
            .optional()?
        {
            return Ok(a);
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audits WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2"
        ))?;
        let mut matches: Vec<Audit> = stmt
            .query_map([wanted], from_row)?
            .collect::<rusqlite::Result<_>>()?;
        match matches.len() {
            1 => Ok(matches.remove(0)),
            0 => Err(Error::NotFound(format!(
                "no audit with id {wanted:?}; `auditbench list` shows the audits"
            ))),
            _ => Err(Error::Invalid(format!(
                "audit id {wanted:?} matches several audits; give more characters of the id"
            ))),
        }
    }

    /// Every audit with its finding counts, newest start first.
    pub fn list_audits(&self) -> Result<Vec<AuditSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            // grouped by client, the client with the latest audit first
            "SELECT {COLUMNS} FROM audits AS a ORDER BY
                 (SELECT max(start_date) FROM audits b WHERE b.client_id = a.client_id) DESC,
                 (SELECT max(created_at) FROM audits b WHERE b.client_id = a.client_id) DESC,
                 client_id, start_date DESC, created_at DESC"
        ))?;
        let audits: Vec<Audit> = stmt
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(audits.len());
        for audit in audits {
            let counts = self.finding_counts(&audit.id)?;
            out.push(AuditSummary { audit, counts });
        }
        Ok(out)
    }

    /// Finding counts by grade, in `Grade::ALL` order (one aggregate query).
    pub fn finding_counts(&self, audit_id: &str) -> Result<[u64; 6]> {
        // from the tally the triggers keep (a few rows per clause), not by
        // counting the findings
        let mut stmt = self.conn.prepare_cached(
            "SELECT grade_rank, sum(n) FROM finding_tally WHERE audit_id = ?1 GROUP BY grade_rank",
        )?;
        let mut counts = [0u64; 6];
        let rows = stmt.query_map([audit_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (rank, n) = row?;
            if let Some(c) = usize::try_from(rank).ok().and_then(|i| counts.get_mut(i)) {
                *c = n.max(0) as u64;
            }
        }
        Ok(counts)
    }

    /// Change an audit's status (planned, in progress, reported).
    /// Record the team's recommendation (or clear it with `None`): it must
    /// be one that means something for the audit's type.
    pub fn set_audit_recommendation(
        &mut self,
        audit_id: &str,
        decision: Option<crate::domain::Decision>,
    ) -> Result<()> {
        let a = self.audit(audit_id)?;
        if let Some(d) = decision {
            let allowed = crate::domain::Decision::for_type(a.audit_type);
            if !allowed.contains(&d) {
                return Err(Error::Invalid(format!(
                    "{:?} is not a recommendation for a {} audit; accepted: {}",
                    d.code(),
                    a.audit_type.label().to_lowercase(),
                    allowed
                        .iter()
                        .map(|d| d.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        let now = self.now();
        self.conn.execute(
            "UPDATE audits SET recommendation = ?2, updated_at = ?3 WHERE id = ?1",
            params![audit_id, decision.map_or("", |d| d.code()), now],
        )?;
        Ok(())
    }

    /// Change the audit's details (what it was created with, and the
    /// recommendation's justification). Dates are checked, the organisation
    /// cannot be empty.
    pub fn update_audit(&mut self, a: &Audit) -> Result<()> {
        if a.organisation.trim().is_empty() {
            return Err(Error::Invalid(
                "the organisation is empty; give the audited organisation's name".into(),
            ));
        }
        check_date("start date", &a.start_date).map_err(Error::Invalid)?;
        check_date("end date", &a.end_date).map_err(Error::Invalid)?;
        if !a.start_date.is_empty() && !a.end_date.is_empty() && a.end_date < a.start_date {
            return Err(Error::Invalid(format!(
                "end date {} is before start date {}",
                a.end_date, a.start_date
            )));
        }
        let now = self.now();
        let n = self.conn.execute(
            "UPDATE audits SET organisation = ?2, scope = ?3, audit_type = ?4, certification_body = ?5,
                 lead_auditor = ?6, team = ?7, start_date = ?8, end_date = ?9,
                 recommendation_note = ?10, updated_at = ?11 WHERE id = ?1",
            params![
                a.id,
                a.organisation.trim(),
                a.scope,
                a.audit_type.code(),
                a.certification_body,
                a.lead_auditor,
                a.team,
                a.start_date,
                a.end_date,
                a.recommendation_note,
                now
            ],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("no audit with id {:?}", a.id)));
        }
        Ok(())
    }

    /// The id of a deleted audit whose trail is still in the file, by a
    /// unique prefix of its id.
    pub fn deleted_audit_id(&self, prefix: &str) -> Result<Option<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT audit_id FROM history
             WHERE entity = 'audit' AND field = 'deleted' AND substr(audit_id, 1, length(?1)) = ?1 LIMIT 2",
        )?;
        let ids: Vec<String> = stmt
            .query_map([prefix], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(match ids.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
    }

    /// Delete an audit and everything in it (findings, reviews, interviews,
    /// samples, drafts), in one transaction. Its trail stays: every record
    /// deleted is recorded there, and the history outlives the audit. A
    /// reported audit must be reopened first.
    pub fn delete_audit(&mut self, audit_id: &str) -> Result<()> {
        let tx = self.conn.savepoint()?;
        tx.execute("DELETE FROM drafts WHERE audit_id = ?1", [audit_id])?;
        let n = tx.execute("DELETE FROM audits WHERE id = ?1", [audit_id])?;
        if n == 0 {
            return Err(Error::NotFound(format!("no audit with id {audit_id:?}")));
        }
        tx.commit()?;
        Ok(())
    }

    /// The audit's details and its recommendation, changed in one transaction.
    pub fn batch_audit_edit(
        &mut self,
        a: &Audit,
        decision: Option<crate::domain::Decision>,
    ) -> Result<()> {
        self.conn.execute_batch("SAVEPOINT audit_edit")?;
        let done = self
            .update_audit(a)
            .and_then(|_| self.set_audit_recommendation(&a.id, decision));
        match done {
            Ok(()) => {
                self.conn.execute_batch("RELEASE audit_edit")?;
                Ok(())
            }
            Err(e) => {
                self.conn
                    .execute_batch("ROLLBACK TO audit_edit; RELEASE audit_edit")?;
                Err(e)
            }
        }
    }

    pub fn set_audit_status(&mut self, audit_id: &str, status: AuditStatus) -> Result<()> {
        let now = self.now();
        let n = self.conn.execute(
            "UPDATE audits SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![audit_id, status.code(), now],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("no audit with id {audit_id:?}")));
        }
        Ok(())
    }
}

impl Store {
    /// Nonconformities by grade and status, for the recommendation (aggregate query).
    pub fn nc_tally(&self, audit_id: &str) -> Result<crate::domain::NcTally> {
        use crate::domain::{FindingStatus, NcTally};
        let mut stmt = self.conn.prepare_cached(
            // from the tally the triggers keep
            "SELECT CASE grade_rank WHEN 0 THEN 'major' ELSE 'minor' END, status, sum(n)
             FROM finding_tally WHERE audit_id = ?1 AND grade_rank <= 1 GROUP BY grade_rank, status",
        )?;
        let rows = stmt.query_map([audit_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut t = NcTally::default();
        for row in rows {
            let (g, s, n) = row?;
            if let (Ok(g), Ok(s)) = (Grade::parse(&g), FindingStatus::parse(&s)) {
                t.add(g, s, n.max(0) as u64);
            }
        }
        // nonconformities carried from earlier audits and not yet found
        // effective: majors are open; minors await their verification
        let (majors, minors) = self.carried_open(audit_id)?;
        t.open_majors += majors;
        t.minors_with_plan += minors;
        // stage 1 concerns (rank 2), from the same tally
        let concerns: i64 = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(n), 0) FROM finding_tally WHERE audit_id = ?1 AND grade_rank = 2",
            )?
            .query_row([audit_id], |r| r.get(0))?;
        t.concerns = concerns.max(0) as u64;
        Ok(t)
    }

    /// Per clause: (findings, open nonconformities), for the clause tree.
    pub fn finding_counts_by_clause(
        &self,
        audit_id: &str,
    ) -> Result<std::collections::HashMap<String, (u64, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            // from the tally the triggers keep
            "SELECT clause_id, sum(n), sum(CASE WHEN grade_rank <= 1 AND status != 'closed' THEN n ELSE 0 END)
             FROM finding_tally WHERE audit_id = ?1 GROUP BY clause_key, clause_id",
        )?;
        let rows = stmt.query_map([audit_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (c, n, open) = row?;
            out.insert(c, (n.max(0) as u64, open.max(0) as u64));
        }
        Ok(out)
    }

    /// Stage 2 progress of an audit: (clauses done, clauses reviewed at all).
    pub fn stage_done_count(&self, audit_id: &str, stage: crate::domain::Stage) -> Result<u64> {
        let n: i64 = self.conn.prepare_cached(
            "SELECT count(*) FROM clause_reviews WHERE audit_id = ?1 AND stage = ?2 AND status = 'done'",
        )?
        .query_row(params![audit_id, stage.number()], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}
