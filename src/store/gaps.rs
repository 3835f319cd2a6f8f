//! A rehearsal's gap plan: the gaps come from the ratings and the findings;
//! the plan about each (owner, action, target date, state) is stored.

use std::collections::HashMap;

use rusqlite::params;

use super::{Error, FindingFilter, Result, Store};
use crate::domain::{check_date, AuditType, Gap, GapState, Grade, Outcome, Rating, Rehearsal};

impl Store {
    /// Every gap of an audit, by target date (none last), then clause.
    pub fn gaps(&self, audit_id: &str) -> Result<Vec<Gap>> {
        let audit = self.audit(audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        let scale = self.audit_scale(audit_id)?;
        let planned: HashMap<(String, String), (String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT source_kind, source_key, owner, action, target_date, state FROM gaps WHERE audit_id = ?1",
            )?
            .query_map([audit_id], |r| {
                Ok((
                    (r.get(0)?, r.get(1)?),
                    (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        let mut push = |kind: &str,
                        key: String,
                        reference: String,
                        clause: String,
                        what: String,
                        why: String| {
            let (owner, action, target, state) = planned
                .get(&(kind.to_string(), key.clone()))
                .cloned()
                .unwrap_or_default();
            out.push(Gap {
                source_kind: kind.to_string(),
                source_key: key,
                reference,
                clause_id: clause,
                what,
                why,
                owner,
                action,
                target_date: target,
                state: GapState::parse(&state).unwrap_or(GapState::Planned),
            });
        };
        for r in self.question_ratings(audit_id)? {
            if !matches!(r.rating, Rating::PartlyMet | Rating::NotMet) {
                continue;
            }
            let q = cat
                .get(&r.clause_id)
                .and_then(|c| c.questions.get(r.question as usize - 1))
                .cloned()
                .unwrap_or_default();
            push(
                "question",
                format!("{}/{}", r.clause_id, r.question),
                format!("{} Q{}", r.clause_id, r.question),
                r.clause_id.clone(),
                q,
                r.rating.label().to_string(),
            );
        }
        // the grades that make a gap, each read through the grade index
        for grade in [
            Grade::Major,
            Grade::Minor,
            Grade::Concern,
            Grade::Observation,
        ] {
            let filter = FindingFilter {
                grade: Some(grade),
                ..FindingFilter::default()
            };
            self.for_each_finding(audit_id, &filter, |f| {
                push(
                    "finding",
                    f.id.clone(),
                    f.reference.clone(),
                    f.clause_id.clone(),
                    f.title.clone(),
                    scale.label(f.grade).to_string(),
                );
                Ok(())
            })?;
        }
        // what an earlier rehearsal found and is not settled yet
        for c in self.carried(audit_id)? {
            let open = matches!(c.outcome, Outcome::Pending | Outcome::StillOpen);
            if open && !matches!(c.grade, Grade::Ofi | Grade::GoodPractice) {
                // "NC-001 of 2026-06-08": apart from this rehearsal's own NC-001
                let when = c.origin.rsplit(' ').next().unwrap_or_default();
                push(
                    "finding",
                    c.finding_id.clone(),
                    format!("{} of {when}", c.reference).trim().to_string(),
                    c.clause_id.clone(),
                    c.title.clone(),
                    format!("{} ({})", scale.label(c.grade), c.origin),
                );
            }
        }
        out.sort_by(|a, b| {
            (a.target_date.is_empty(), &a.target_date)
                .cmp(&(b.target_date.is_empty(), &b.target_date))
                .then_with(|| crate::catalogue::natural::cmp(&a.clause_id, &b.clause_id))
                .then_with(|| a.reference.cmp(&b.reference))
        });
        Ok(out)
    }

    /// Plan a gap, named by its reference ("8.5.1.3 Q2", "8.5.1.3/2" or a
    /// finding's "NC-001"): the fields given change, the others stay. In
    /// the trail.
    pub fn set_gap(
        &mut self,
        audit_id: &str,
        reference: &str,
        owner: Option<&str>,
        action: Option<&str>,
        target_date: Option<&str>,
        state: Option<GapState>,
    ) -> Result<Gap> {
        if let Some(d) = target_date {
            check_date("target date", d).map_err(Error::Invalid)?;
        }
        let want = reference.trim().replace(" Q", "/");
        let gaps = self.gaps(audit_id)?;
        // "kind:key" names one exactly (the workbench's forms use it)
        let hits: Vec<&Gap> = gaps
            .iter()
            .filter(|g| format!("{}:{}", g.source_kind, g.source_key) == reference)
            .chain(gaps.iter().filter(|g| {
                g.reference.eq_ignore_ascii_case(reference.trim())
                    || (g.source_kind == "question" && g.source_key == want)
            }))
            .collect();
        if hits.len() > 1 && hits.iter().any(|h| h.source_key != hits[0].source_key) {
            return Err(Error::Invalid(format!(
                "{reference:?} names {} gaps; `auditbench gaps --audit ID` lists them",
                hits.len()
            )));
        }
        let Some(g) = hits.first().copied() else {
            return Err(Error::NotFound(format!(
                "no gap {reference:?} in this rehearsal; `auditbench gaps --audit ID` lists them (a question rated partly met or not met, or a finding)"
            )));
        };
        let now = self.now();
        self.conn.execute(
            "INSERT INTO gaps (audit_id, source_kind, source_key, owner, action, target_date, state, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (audit_id, source_kind, source_key) DO UPDATE
               SET owner = excluded.owner, action = excluded.action,
                   target_date = excluded.target_date, state = excluded.state, updated_at = excluded.updated_at",
            params![
                audit_id,
                g.source_kind,
                g.source_key,
                owner.map_or(g.owner.as_str(), str::trim),
                action.map_or(g.action.as_str(), str::trim),
                target_date.map_or(g.target_date.as_str(), str::trim),
                state.unwrap_or(g.state).code(),
                now
            ],
        )?;
        let key = (g.source_kind.clone(), g.source_key.clone());
        self.gaps(audit_id)?
            .into_iter()
            .find(|x| (x.source_kind.clone(), x.source_key.clone()) == key)
            .ok_or_else(|| Error::NotFound("the gap went away".into()))
    }
}

impl Store {
    /// A client's rehearsals (internal audits), oldest first, each with its
    /// readiness and its gaps: the trend.
    pub fn rehearsals(&self, client_id: &str) -> Result<Vec<Rehearsal>> {
        let mut out = Vec::new();
        for audit in self.client_audits(client_id)? {
            if audit.audit_type != AuditType::Internal {
                continue;
            }
            let cat = self.catalogue(&audit.catalogue_id)?;
            let readiness = crate::domain::readiness(&cat, &self.rating_map(&audit.id)?);
            let gaps = self.gaps(&audit.id)?;
            out.push(Rehearsal {
                audit,
                readiness,
                gaps,
            });
        }
        Ok(out)
    }
}
