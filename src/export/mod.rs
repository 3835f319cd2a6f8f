//! Exports for the certification body's report, in two parts:
//! - writers that turn rows into bytes on any `Write` and know nothing of
//!   files or the store ([`csv::FindingsCsv`]); and the functions that feed
//!   them an audit's rows from the store ([`csv::write_findings`]);
//! - [`file`]: putting an export on disk, the same way for every format
//!   (refusing FIFOs and devices, a temporary file renamed when whole).

pub mod csv;
pub mod file;
pub mod oscal;
pub mod xlsx;

use crate::store::{self, Store};

/// One row of stage 2 clause coverage, as the CSV, the workbook and the
/// report show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CoverageRow {
    pub clause: String,
    pub title: String,
    pub status: String,
    pub result: String,
    pub findings: u64,
    pub open_ncs: u64,
    pub notes: String,
}

/// Every assessable clause of the audit's catalogue with its stage 2
/// status, result, finding counts and notes.
pub fn coverage_rows(
    store: &Store,
    audit: &crate::domain::Audit,
    cat: &crate::catalogue::Catalogue,
    stage2: &std::collections::HashMap<String, crate::domain::ClauseReview>,
) -> store::Result<Vec<CoverageRow>> {
    let counts = store.finding_counts_by_clause(&audit.id)?;
    Ok(cat
        .clauses()
        .iter()
        .filter(|c| cat.is_assessable(c))
        .map(|c| {
            let r = stage2.get(&c.id);
            let (findings, open_ncs) = counts.get(&c.id).copied().unwrap_or((0, 0));
            CoverageRow {
                clause: c.id.clone(),
                title: c.title.clone(),
                status: r.map_or("Not started", |r| r.status.label()).to_string(),
                result: r
                    .map_or(crate::domain::ClauseResult::NotAssessed, |r| r.result)
                    .label()
                    .to_string(),
                findings,
                open_ncs,
                notes: r.map(|r| r.notes.clone()).unwrap_or_default(),
            }
        })
        .collect())
}
