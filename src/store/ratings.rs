//! Requirement-level ratings of a rehearsal audit's questions.

use std::collections::HashMap;

use rusqlite::{params, Row};

use super::{Error, Result, Store};
use crate::domain::{AuditType, QuestionRating, Rating};

fn from_row(r: &Row<'_>) -> rusqlite::Result<QuestionRating> {
    let rating: String = r.get(3)?;
    Ok(QuestionRating {
        audit_id: r.get(0)?,
        clause_id: r.get(1)?,
        question: r.get(2)?,
        rating: Rating::parse(&rating).unwrap_or(Rating::NotMet),
        note: r.get(4)?,
        evidence: r.get(5)?,
        updated_at: r.get(6)?,
        carried: r.get(7)?,
    })
}

impl Store {
    /// Rate question `question` (from 1) of `clause_id` in a rehearsal
    /// (internal) audit: one durable write, in the trail. Not applicable
    /// needs its reason in `note`.
    pub fn rate_question(
        &mut self,
        audit_id: &str,
        clause_id: &str,
        question: u32,
        rating: Rating,
        note: &str,
        evidence: &str,
    ) -> Result<QuestionRating> {
        let audit = self.audit(audit_id)?;
        if audit.audit_type != AuditType::Internal {
            return Err(Error::Invalid(format!(
                "questions are rated in a rehearsal (internal) audit; this is a {} audit, where findings are graded instead",
                audit.audit_type.label()
            )));
        }
        let cat = self.catalogue(&audit.catalogue_id)?;
        let Some(c) = cat.get(clause_id).filter(|c| cat.is_assessable(c)) else {
            return Err(Error::Invalid(format!(
                "{clause_id:?} is not an assessable clause of {}; `auditbench catalogue` lists them",
                cat.title
            )));
        };
        let n = c.questions.len() as u32;
        if question == 0 || question > n {
            return Err(Error::Invalid(format!(
                "clause {clause_id} has {n} question{}; give --question 1 to {n}",
                if n == 1 { "" } else { "s" }
            )));
        }
        if rating == Rating::NotApplicable && note.trim().is_empty() {
            return Err(Error::Invalid(
                "not applicable needs its reason: give it as the note".into(),
            ));
        }
        let now = self.now();
        self.conn.execute(
            "INSERT INTO question_ratings (audit_id, clause_id, question, rating, note, evidence, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (audit_id, clause_id, question) DO UPDATE
               SET rating = excluded.rating, note = excluded.note, evidence = excluded.evidence,
                   updated_at = excluded.updated_at, carried = 0",
            params![audit_id, clause_id, question, rating.code(), note.trim(), evidence.trim(), now],
        )?;
        Ok(self.conn.query_row(
            "SELECT audit_id, clause_id, question, rating, note, evidence, updated_at, carried
             FROM question_ratings WHERE audit_id = ?1 AND clause_id = ?2 AND question = ?3",
            params![audit_id, clause_id, question],
            from_row,
        )?)
    }

    /// Every rating of an audit.
    pub fn question_ratings(&self, audit_id: &str) -> Result<Vec<QuestionRating>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT audit_id, clause_id, question, rating, note, evidence, updated_at, carried
             FROM question_ratings WHERE audit_id = ?1",
        )?;
        let rows = stmt.query_map([audit_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The ratings by (clause, question), as readiness reads them.
    pub fn rating_map(&self, audit_id: &str) -> Result<HashMap<(String, u32), Rating>> {
        Ok(self
            .question_ratings(audit_id)?
            .into_iter()
            .map(|r| ((r.clause_id, r.question), r.rating))
            .collect())
    }
}
