//! Clients, follow-up audits and the findings they carry.

use rusqlite::{params, OptionalExtension, Row};

use super::{found, new_id, stored, Error, Result, Store};
use crate::domain::{
    check_date, Audit, AuditType, Carried, Client, Grade, Mapping, NewFinding, Outcome, Stage,
};

const CLIENT_COLUMNS: &str = "id, name, certificate_number, certificate_scope, issued_on, \
     expires_on, cycle_start, every_visit, created_at, updated_at";

fn client_row(r: &Row<'_>) -> rusqlite::Result<Client> {
    Ok(Client {
        id: r.get(0)?,
        name: r.get(1)?,
        certificate_number: r.get(2)?,
        certificate_scope: r.get(3)?,
        issued_on: r.get(4)?,
        expires_on: r.get(5)?,
        cycle_start: r.get(6)?,
        every_visit: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

const CARRIED_COLUMNS: &str = "id, audit_id, finding_id, from_audit_id, reference, origin, \
     grade, clause_id, original_clause_id, title, statement, outcome, evidence, \
     raised_finding_id, updated_at";

fn carried_row(r: &Row<'_>) -> rusqlite::Result<Carried> {
    Ok(Carried {
        id: r.get(0)?,
        audit_id: r.get(1)?,
        finding_id: r.get(2)?,
        from_audit_id: r.get(3)?,
        reference: r.get(4)?,
        origin: r.get(5)?,
        grade: stored(6, Grade::parse(&r.get::<_, String>(6)?))?,
        clause_id: r.get(7)?,
        original_clause_id: r.get(8)?,
        title: r.get(9)?,
        statement: r.get(10)?,
        outcome: stored(11, Outcome::parse(&r.get::<_, String>(11)?))?,
        evidence: r.get(12)?,
        raised_finding_id: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

/// A finding `f` not closed and verified in its own audit.
const NOT_VERIFIED: &str = "NOT (f.status = 'closed' AND f.verified_on <> '')";

/// A finding `f` not settled since its audit: not found effective or
/// replaced (not effective) in a follow-up, nor verified effective after
/// the report.
const NOT_SETTLED_SINCE: &str =
    "NOT EXISTS (SELECT 1 FROM carried_findings k WHERE k.finding_id = f.id
                                   AND k.outcome IN ('effective', 'not_effective'))
     AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.finding_id = f.id
                       AND r.kind = 'verification' AND r.decision = 'effective')";

/// The client named `name` (exactly), created when there is none.
pub(crate) fn client_for(tx: &rusqlite::Connection, name: &str, now: &str) -> Result<String> {
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM clients WHERE name = ?1 ORDER BY created_at LIMIT 1",
            [name],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO clients (id, name, every_visit, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id, name, crate::domain::EVERY_VISIT, now],
    )?;
    Ok(id)
}

/// A client with what its list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSummary {
    pub client: Client,
    pub audits: u64,
    /// Nonconformities of its audits not closed and verified, nor found
    /// effective in a later audit.
    pub open_ncs: u64,
}

/// What a new follow-up audit is.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub audit_type: AuditType,
    /// The catalogue (and so the edition) of the follow-up; the previous
    /// audit's when empty.
    pub catalogue_id: String,
    pub edition: String,
    pub start_date: String,
    pub end_date: String,
}

/// What [`Store::record_outcome`] records.
#[derive(Debug, Clone)]
pub struct OutcomeRecord {
    pub outcome: Outcome,
    pub evidence: String,
    /// With `NotEffective`: the grade of the finding raised in its place
    /// (a minor escalated to major, or the same grade again).
    pub raise: Option<Grade>,
    pub raised_by: String,
}

impl Store {
    /// Every client, by name.
    pub fn clients(&self) -> Result<Vec<ClientSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CLIENT_COLUMNS},
                (SELECT count(*) FROM audits a WHERE a.client_id = c.id),
                (SELECT count(*) FROM findings f JOIN audits a ON a.id = f.audit_id
                  WHERE a.client_id = c.id AND f.grade IN ('major', 'minor')
                    AND {NOT_VERIFIED} AND {NOT_SETTLED_SINCE})
             FROM clients c ORDER BY name COLLATE NOCASE, created_at"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(ClientSummary {
                client: client_row(r)?,
                audits: r.get::<_, i64>(10)?.max(0) as u64,
                open_ncs: r.get::<_, i64>(11)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A client by id, a unique prefix of it, or its exact name.
    pub fn find_client(&self, wanted: &str) -> Result<Client> {
        let wanted = wanted.trim();
        if wanted.is_empty() {
            return Err(Error::Invalid(
                "the client is empty; `auditbench client list` shows the clients".into(),
            ));
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients
             WHERE id = ?1 OR name = ?1 OR substr(id, 1, length(?1)) = ?1 LIMIT 2"
        ))?;
        let mut matches: Vec<Client> = stmt
            .query_map([wanted], client_row)?
            .collect::<rusqlite::Result<_>>()?;
        match matches.len() {
            1 => Ok(matches.remove(0)),
            0 => Err(Error::NotFound(format!(
                "no client {wanted:?}; `auditbench client list` shows the clients"
            ))),
            _ => Err(Error::Invalid(format!(
                "{wanted:?} names more than one client; give more of its id"
            ))),
        }
    }

    pub fn client(&self, id: &str) -> Result<Client> {
        found(
            self.conn.query_row(
                &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?1"),
                [id],
                client_row,
            ),
            || format!("no client {id}"),
        )
    }

    /// A client's audits, oldest first (by start date, then creation).
    pub fn client_audits(&self, client_id: &str) -> Result<Vec<Audit>> {
        let ids: Vec<String> = self
            .conn
            .prepare(
                "SELECT id FROM audits WHERE client_id = ?1
                 ORDER BY start_date = '', start_date, created_at",
            )?
            .query_map([client_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| self.audit(id)).collect()
    }

    /// The client's programme over the visits of its current cycle (from
    /// the cycle start, when recorded), in the edition of the latest visit;
    /// `None` when the cycle has no visit yet.
    pub fn client_programme(&self, client: &Client) -> Result<Option<crate::domain::Programme>> {
        let audits: Vec<Audit> = self
            .client_audits(&client.id)?
            .into_iter()
            .filter(|a| {
                client.cycle_start.is_empty()
                    || a.start_date.is_empty()
                    || a.start_date >= client.cycle_start
            })
            .collect();
        let Some(latest) = audits.last() else {
            return Ok(None);
        };
        let cat = self.catalogue(&latest.catalogue_id)?;
        let reviews = audits
            .iter()
            .map(|a| self.clause_reviews_by_id(&a.id, Stage::TWO))
            .collect::<Result<Vec<_>>>()?;
        let plans = audits
            .iter()
            .map(|a| self.plan(&a.id))
            .collect::<Result<Vec<_>>>()?;
        let visits: Vec<crate::domain::Visit> = audits
            .iter()
            .zip(&reviews)
            .zip(&plans)
            .map(|((audit, stage2), plan)| crate::domain::Visit {
                audit,
                stage2,
                plan,
            })
            .collect();
        Ok(Some(crate::domain::programme(
            &cat,
            &client.every_visit,
            &visits,
        )))
    }

    /// Change a client's certificate details (`None`: leave as it is).
    #[allow(clippy::too_many_arguments)]
    pub fn update_client(
        &mut self,
        id: &str,
        certificate_number: Option<&str>,
        certificate_scope: Option<&str>,
        issued_on: Option<&str>,
        expires_on: Option<&str>,
        cycle_start: Option<&str>,
        every_visit: Option<&str>,
    ) -> Result<Client> {
        let c = self.client(id)?;
        for (what, d) in [
            ("issue date", issued_on),
            ("expiry date", expires_on),
            ("cycle start", cycle_start),
        ] {
            if let Some(d) = d {
                check_date(what, d).map_err(Error::Invalid)?;
            }
        }
        let now = self.now();
        self.conn.execute(
            "UPDATE clients SET certificate_number = ?2, certificate_scope = ?3, issued_on = ?4,
                 expires_on = ?5, cycle_start = ?6, every_visit = ?7, updated_at = ?8 WHERE id = ?1",
            params![
                id,
                certificate_number.unwrap_or(&c.certificate_number),
                certificate_scope.unwrap_or(&c.certificate_scope),
                issued_on.unwrap_or(&c.issued_on),
                expires_on.unwrap_or(&c.expires_on),
                cycle_start.unwrap_or(&c.cycle_start),
                every_visit.map_or(c.every_visit.clone(), |v| {
                    v.split_whitespace().collect::<Vec<_>>().join(" ")
                }),
                now
            ],
        )?;
        self.client(id)
    }

    /// Create a follow-up of the audit `prev_id` for the same client:
    /// every nonconformity of the client's earlier audits not closed and
    /// verified (nor found effective or replaced in a later follow-up) is
    /// carried as a verification item, and the previous audit's
    /// observations and OFIs as items to look at; a clause raised in
    /// another edition is mapped to this one's. Clause statuses start
    /// afresh; the stage 1 document list is carried with its references
    /// and versions, to review again. One transaction.
    pub fn create_follow_up(&mut self, prev_id: &str, f: &FollowUp) -> Result<(Audit, usize)> {
        let prev = self.audit(prev_id)?;
        if !matches!(
            f.audit_type,
            AuditType::Surveillance
                | AuditType::Recertification
                | AuditType::Special
                | AuditType::Internal
        ) {
            return Err(Error::Invalid(format!(
                "a follow-up is a surveillance, a recertification, a special or an internal (rehearsal) audit, not {}; accepted: surveillance, recertification, special, internal",
                f.audit_type.label()
            )));
        }
        let (catalogue_id, edition) = if f.catalogue_id.is_empty() {
            (prev.catalogue_id.clone(), prev.edition.clone())
        } else {
            (f.catalogue_id.clone(), f.edition.clone())
        };
        let cat = self.catalogue(&catalogue_id)?;
        for (what, d) in [("start date", &f.start_date), ("end date", &f.end_date)] {
            check_date(what, d).map_err(Error::Invalid)?;
        }
        let id = new_id();
        let now = self.now();
        let tx = self.conn.savepoint()?;
        tx.execute(
            "INSERT INTO audits (id, organisation, scope, catalogue_id, edition, audit_type,
                 certification_body, lead_auditor, team, start_date, end_date, status,
                 created_at, updated_at, client_id, follows)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'planned', ?12, ?12, ?13, ?14)",
            params![
                id,
                prev.organisation,
                prev.scope,
                catalogue_id,
                edition,
                f.audit_type.code(),
                prev.certification_body,
                prev.lead_auditor,
                prev.team,
                f.start_date,
                f.end_date,
                now,
                prev.client_id,
                prev.id
            ],
        )?;
        // the follow-up keeps the grades of the cycle: the previous audit's
        // frozen scale
        tx.execute(
            "INSERT INTO audit_scales (audit_id, scale_id, snapshot, created_at)
             SELECT ?1, scale_id, snapshot, ?3 FROM audit_scales WHERE audit_id = ?2",
            params![id, prev.id, now],
        )?;

        // what is carried, oldest audit first
        struct Row_ {
            finding_id: String,
            from_audit_id: String,
            reference: String,
            grade: String,
            clause_id: String,
            title: String,
            statement: String,
            origin_type: String,
            origin_date: String,
            edition: String,
        }
        let rows: Vec<Row_> = tx
            .prepare(&format!(
                "SELECT f.id, f.audit_id, f.reference, f.grade, f.clause_id, f.title, f.statement,
                        a.audit_type, a.start_date, a.edition
                 FROM findings f JOIN audits a ON a.id = f.audit_id
                 WHERE a.client_id = ?1 AND a.id <> ?2
                   AND ((f.grade IN ('major', 'minor') AND {NOT_VERIFIED})
                     OR (f.grade IN ('observation', 'ofi') AND f.audit_id = ?3))
                   AND {NOT_SETTLED_SINCE}
                 ORDER BY a.start_date, a.created_at, f.grade_rank, f.clause_key, f.ref_prefix, f.ref_seq"
            ))?
            .query_map(params![prev.client_id, id, prev.id], |r| {
                Ok(Row_ {
                    finding_id: r.get(0)?,
                    from_audit_id: r.get(1)?,
                    reference: r.get(2)?,
                    grade: r.get(3)?,
                    clause_id: r.get(4)?,
                    title: r.get(5)?,
                    statement: r.get(6)?,
                    origin_type: r.get(7)?,
                    origin_date: r.get(8)?,
                    edition: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut mappings: std::collections::HashMap<String, Option<Mapping>> = Default::default();
        {
            let mut insert = tx.prepare(&format!(
                "INSERT INTO carried_findings ({CARRIED_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', '', '', ?12)"
            ))?;
            for r in &rows {
                let clause = if r.edition == edition {
                    r.clause_id.clone()
                } else {
                    let m = mappings
                        .entry(r.edition.clone())
                        .or_insert_with(|| Mapping::builtin(&r.edition, &edition));
                    m.as_ref()
                        .and_then(|m| m.map_clause(&r.clause_id))
                        .filter(|c| cat.get(c).is_some())
                        .map(str::to_string)
                        .unwrap_or_else(|| r.clause_id.clone())
                };
                let origin_label = AuditType::parse(&r.origin_type)
                    .map(|t| t.label())
                    .unwrap_or("Audit");
                let origin = format!("{origin_label} {}", r.origin_date)
                    .trim()
                    .to_string();
                insert.execute(params![
                    new_id(),
                    id,
                    r.finding_id,
                    r.from_audit_id,
                    r.reference,
                    origin,
                    r.grade,
                    clause,
                    r.clause_id,
                    r.title,
                    r.statement,
                    now
                ])?;
            }
        }
        // the stage 1 documents, to review again: reference and version kept
        if edition == prev.edition {
            tx.execute(
                "INSERT INTO document_reviews (audit_id, doc_key, clause_id, status, reference, version, notes, updated_at)
                 SELECT ?1, doc_key, clause_id, 'not_reviewed', reference, version, '', ?3
                 FROM document_reviews WHERE audit_id = ?2 AND (reference <> '' OR version <> '')",
                params![id, prev.id, now],
            )?;
        }
        // a rehearsal after a rehearsal: the ratings (marked carried until
        // rated again) and what was planned about each gap
        if f.audit_type == AuditType::Internal
            && prev.audit_type == AuditType::Internal
            && edition == prev.edition
        {
            tx.execute(
                "INSERT INTO question_ratings (audit_id, clause_id, question, rating, note, evidence, updated_at, carried)
                 SELECT ?1, clause_id, question, rating, note, evidence, ?3, 1
                 FROM question_ratings WHERE audit_id = ?2",
                params![id, prev.id, now],
            )?;
            tx.execute(
                "INSERT INTO gaps (audit_id, source_kind, source_key, owner, action, target_date, state, updated_at)
                 SELECT ?1, source_kind, source_key, owner, action, target_date, state, ?3
                 FROM gaps WHERE audit_id = ?2",
                params![id, prev.id, now],
            )?;
        }
        tx.commit()?;
        Ok((self.audit(&id)?, rows.len()))
    }

    /// The findings an audit carries, in the order they were carried.
    pub fn carried(&self, audit_id: &str) -> Result<Vec<Carried>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CARRIED_COLUMNS} FROM carried_findings WHERE audit_id = ?1 ORDER BY rowid"
        ))?;
        let rows = stmt.query_map([audit_id], carried_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A carried item of `audit_id` by its original reference (`NC-003`)
    /// or its id.
    pub fn find_carried(&self, audit_id: &str, wanted: &str) -> Result<Carried> {
        let all = self.carried(audit_id)?;
        let hits: Vec<&Carried> = all
            .iter()
            .filter(|c| c.id == wanted || c.reference.eq_ignore_ascii_case(wanted.trim()))
            .collect();
        match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound(format!(
                "no carried finding {wanted:?} in this audit; `auditbench carried list --audit ID` shows them"
            ))),
            _ => Err(Error::Invalid(format!(
                "{wanted:?} names carried findings of several earlier audits; give the id from `auditbench carried list`"
            ))),
        }
    }

    /// Record what the follow-up found about a carried item. `Effective`
    /// needs verification evidence; `NotEffective` raises a new finding
    /// in this audit (of `raise`'s grade, the original's by default),
    /// linked to the item; an observation or OFI is `LookedAt`. Returns
    /// the finding raised, if any.
    pub fn record_outcome(
        &mut self,
        audit_id: &str,
        carried_id: &str,
        r: &OutcomeRecord,
    ) -> Result<Option<crate::domain::Finding>> {
        let c = self
            .carried(audit_id)?
            .into_iter()
            .find(|c| c.id == carried_id)
            .ok_or_else(|| Error::NotFound(format!("no carried finding {carried_id}")))?;
        let nc = c.grade.is_nonconformity();
        match r.outcome {
            Outcome::Effective if r.evidence.trim().is_empty() => {
                return Err(Error::Invalid(format!(
                    "closing {} as effective needs the verification evidence (what was seen); give it",
                    c.reference
                )))
            }
            Outcome::Effective | Outcome::NotEffective | Outcome::StillOpen if !nc => {
                return Err(Error::Invalid(format!(
                    "{} is a {}, not a nonconformity: record it as looked_at",
                    c.reference,
                    c.grade.label().to_lowercase()
                )))
            }
            Outcome::LookedAt if nc => {
                return Err(Error::Invalid(format!(
                    "{} is a nonconformity: record effective, not_effective or still_open",
                    c.reference
                )))
            }
            _ => {}
        }
        let audit_id = audit_id.to_string();
        let r = r.clone();
        self.atomically(move |s| {
            let now = s.now();
            let raised = if r.outcome == Outcome::NotEffective && c.raised_finding_id.is_empty() {
                let grade = r.raise.unwrap_or(c.grade);
                if !grade.is_nonconformity() {
                    return Err(Error::Invalid(
                        "a corrective action found not effective raises a nonconformity: major or minor"
                            .into(),
                    ));
                }
                let statement = format!(
                    "The corrective action on {} ({}, clause {}) was not effective{}",
                    c.reference,
                    c.origin,
                    c.original_clause_id,
                    if r.evidence.trim().is_empty() {
                        ".".to_string()
                    } else {
                        format!(": {}", r.evidence.trim())
                    }
                );
                Some(s.add_finding(
                    &audit_id,
                    &NewFinding {
                        clause_id: c.clause_id.clone(),
                        stage: Stage::TWO,
                        grade,
                        title: format!("{} not effectively corrected: {}", c.reference, c.title),
                        requirement: String::new(),
                        statement,
                        evidence: r.evidence.clone(),
                        raised_by: r.raised_by.clone(),
                        due_date: String::new(),
                    },
                )?)
            } else {
                None
            };
            s.conn.execute(
                "UPDATE carried_findings SET outcome = ?2, evidence = ?3, updated_at = ?4,
                     raised_finding_id = CASE WHEN ?5 = '' THEN raised_finding_id ELSE ?5 END
                 WHERE id = ?1",
                params![
                    c.id,
                    r.outcome.code(),
                    r.evidence,
                    now,
                    raised.as_ref().map_or("", |f| f.id.as_str())
                ],
            )?;
            Ok(raised)
        })
    }

    /// Carried nonconformities of an audit not yet verified effective:
    /// (majors, minors).
    pub fn carried_open(&self, audit_id: &str) -> Result<(u64, u64)> {
        let (ma, mi): (i64, i64) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE grade = 'major'), count(*) FILTER (WHERE grade = 'minor')
             FROM carried_findings WHERE audit_id = ?1 AND outcome IN ('pending', 'still_open')",
            [audit_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((ma.max(0) as u64, mi.max(0) as u64))
    }
}
