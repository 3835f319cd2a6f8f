//! Clause reviews (stage 1 and 2 walk) and document reviews (stage 1).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{stored, Error, Result, Store};
use crate::domain::{ClauseResult, ClauseReview, ClauseStatus, DocStatus, DocumentReview, Stage};

fn clause_from_row(r: &Row<'_>) -> rusqlite::Result<ClauseReview> {
    let covered: String = r.get(6)?;
    Ok(ClauseReview {
        audit_id: r.get(0)?,
        clause_id: r.get(1)?,
        stage: stored(2, Stage::new(r.get::<_, u8>(2)?))?,
        status: stored(3, ClauseStatus::parse(&r.get::<_, String>(3)?))?,
        result: stored(4, ClauseResult::parse(&r.get::<_, String>(4)?))?,
        notes: r.get(5)?,
        questions_covered: covered
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        updated_at: r.get(7)?,
    })
}

fn doc_from_row(r: &Row<'_>) -> rusqlite::Result<DocumentReview> {
    Ok(DocumentReview {
        audit_id: r.get(0)?,
        doc_key: r.get(1)?,
        clause_id: r.get(2)?,
        status: stored(3, DocStatus::parse(&r.get::<_, String>(3)?))?,
        reference: r.get(4)?,
        version: r.get(5)?,
        notes: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// Write a whole clause review (insert or replace); used by the store and bulk generation.
pub(crate) fn upsert_clause_review(conn: &Connection, r: &ClauseReview) -> Result<()> {
    let covered = r
        .questions_covered
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    conn.prepare_cached(
        "INSERT INTO clause_reviews (audit_id, clause_id, stage, status, result, notes, questions_covered, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
         ON CONFLICT (audit_id, clause_id, stage) DO UPDATE SET status = excluded.status,
             result = excluded.result, notes = excluded.notes,
             questions_covered = excluded.questions_covered, updated_at = excluded.updated_at",
    )?
    .execute(params![
        r.audit_id,
        r.clause_id,
        r.stage.number(),
        r.status.code(),
        r.result.code(),
        r.notes,
        covered,
        r.updated_at
    ])?;
    Ok(())
}

pub(crate) fn upsert_document_review(conn: &Connection, d: &DocumentReview) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO document_reviews (audit_id, doc_key, clause_id, status, reference, version, notes, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
         ON CONFLICT (audit_id, doc_key) DO UPDATE SET clause_id = excluded.clause_id,
             status = excluded.status, reference = excluded.reference, version = excluded.version,
             notes = excluded.notes, updated_at = excluded.updated_at",
    )?
    .execute(params![
        d.audit_id,
        d.doc_key,
        d.clause_id,
        d.status.code(),
        d.reference,
        d.version,
        d.notes,
        d.updated_at
    ])?;
    Ok(())
}

impl Store {
    /// The review of one clause at one stage; a fresh "not started" one if none is stored.
    pub fn clause_review(
        &self,
        audit_id: &str,
        clause_id: &str,
        stage: Stage,
    ) -> Result<ClauseReview> {
        let r = self
            .conn
            .prepare_cached(
                "SELECT audit_id, clause_id, stage, status, result, notes, questions_covered, updated_at
                 FROM clause_reviews WHERE audit_id = ?1 AND clause_id = ?2 AND stage = ?3",
            )?
            .query_row(params![audit_id, clause_id, stage.number()], clause_from_row)
            .optional()?;
        Ok(r.unwrap_or_else(|| ClauseReview {
            audit_id: audit_id.to_string(),
            clause_id: clause_id.to_string(),
            stage,
            status: ClauseStatus::NotStarted,
            result: ClauseResult::NotAssessed,
            notes: String::new(),
            questions_covered: Vec::new(),
            updated_at: String::new(),
        }))
    }

    /// Every stored clause review of an audit at a stage.
    pub fn clause_reviews(&self, audit_id: &str, stage: Stage) -> Result<Vec<ClauseReview>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT audit_id, clause_id, stage, status, result, notes, questions_covered, updated_at
             FROM clause_reviews WHERE audit_id = ?1 AND stage = ?2",
        )?;
        let rows = stmt
            .query_map(params![audit_id, stage.number()], clause_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The stored clause reviews of an audit at a stage, by clause id.
    pub fn clause_reviews_by_id(
        &self,
        audit_id: &str,
        stage: Stage,
    ) -> Result<std::collections::HashMap<String, ClauseReview>> {
        Ok(self
            .clause_reviews(audit_id, stage)?
            .into_iter()
            .map(|r| (r.clause_id.clone(), r))
            .collect())
    }

    /// Save a clause review (status, result, notes, questions) in one transaction.
    pub fn save_clause_review(&mut self, review: &ClauseReview) -> Result<()> {
        let audit = self.audit(&review.audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        if cat.get(&review.clause_id).is_none() {
            return Err(Error::Invalid(format!(
                "unknown clause {:?} for catalogue {}",
                review.clause_id, cat.id
            )));
        }
        let mut r = review.clone();
        r.updated_at = self.now();
        let tx = self.conn.savepoint()?;
        upsert_clause_review(&tx, &r)?;
        tx.commit()?;
        Ok(())
    }

    /// The review of one expected document; "not reviewed" if none is stored.
    pub fn document_review(
        &self,
        audit_id: &str,
        doc_key: &str,
        clause_id: &str,
    ) -> Result<DocumentReview> {
        let r = self
            .conn
            .prepare_cached(
                "SELECT audit_id, doc_key, clause_id, status, reference, version, notes, updated_at
                 FROM document_reviews WHERE audit_id = ?1 AND doc_key = ?2",
            )?
            .query_row(params![audit_id, doc_key], doc_from_row)
            .optional()?;
        Ok(r.unwrap_or_else(|| DocumentReview {
            audit_id: audit_id.to_string(),
            doc_key: doc_key.to_string(),
            clause_id: clause_id.to_string(),
            status: DocStatus::NotReviewed,
            reference: String::new(),
            version: String::new(),
            notes: String::new(),
            updated_at: String::new(),
        }))
    }

    pub fn document_reviews(&self, audit_id: &str) -> Result<Vec<DocumentReview>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT audit_id, doc_key, clause_id, status, reference, version, notes, updated_at
             FROM document_reviews WHERE audit_id = ?1",
        )?;
        let rows = stmt
            .query_map([audit_id], doc_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The stored document reviews of an audit, by document key.
    pub fn document_reviews_by_key(
        &self,
        audit_id: &str,
    ) -> Result<std::collections::HashMap<String, DocumentReview>> {
        Ok(self
            .document_reviews(audit_id)?
            .into_iter()
            .map(|r| (r.doc_key.clone(), r))
            .collect())
    }

    pub fn save_document_review(&mut self, review: &DocumentReview) -> Result<()> {
        let audit = self.audit(&review.audit_id)?;
        let cat = self.catalogue(&audit.catalogue_id)?;
        if !cat.documents().any(|(_, d)| d.key == review.doc_key) {
            return Err(Error::Invalid(format!(
                "unknown document {:?} for catalogue {}",
                review.doc_key, cat.id
            )));
        }
        let mut r = review.clone();
        r.updated_at = self.now();
        let tx = self.conn.savepoint()?;
        upsert_document_review(&tx, &r)?;
        tx.commit()?;
        Ok(())
    }
}
