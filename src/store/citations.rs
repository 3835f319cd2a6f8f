//! Which samples a finding cites (the records that support it).

use super::{Error, Result, Store};

/// A finding citing a sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub finding_id: String,
    /// The finding's reference (NC-002), for showing on the sample.
    pub reference: String,
    pub sample_id: String,
    /// The sample named in one line (see `Sample::label`), for showing on
    /// the finding.
    pub sample: String,
}

/// The references of the findings citing a sample: "NC-002, OBS-001".
pub fn cited_by(citations: &[Citation], sample_id: &str) -> String {
    citations
        .iter()
        .filter(|c| c.sample_id == sample_id)
        .map(|c| c.reference.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Every citation of an audit, by finding reference.
    pub fn citations(&self, audit_id: &str) -> Result<Vec<Citation>> {
        let mut stmt = self.conn.prepare_cached(
            // CROSS JOIN: the citations first (a few, each made by hand),
            // then each one's finding by id; not every finding of the audit
            // probed for citations (148 ms at 100 000 findings)
            "SELECT c.finding_id, f.reference, c.sample_id,
                    s.clause_id, s.population, s.size, s.method
             FROM finding_samples c CROSS JOIN findings f ON f.id = c.finding_id
                  JOIN samples s ON s.id = c.sample_id
             WHERE f.audit_id = ?1
             ORDER BY f.ref_prefix, f.ref_seq, c.cited_at",
        )?;
        let rows = stmt.query_map([audit_id], |r| {
            let method = r.get::<_, String>(6)?;
            let method = super::stored(6, crate::domain::SampleMethod::parse(&method))?;
            Ok(Citation {
                finding_id: r.get(0)?,
                reference: r.get(1)?,
                sample_id: r.get(2)?,
                sample: crate::domain::sample_label(
                    super::text_ref(r, 3)?,
                    super::text_ref(r, 4)?,
                    r.get(5)?,
                    method,
                ),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The samples a finding cites, replaced by `sample_ids` (each of the
    /// finding's audit), in one transaction; each citation added or
    /// dropped is in the trail.
    pub fn set_finding_samples(&mut self, finding_id: &str, sample_ids: &[String]) -> Result<()> {
        let f = self.finding(finding_id)?;
        let now = self.now();
        self.atomically(|s| {
            for id in sample_ids {
                let x = s.sample(id)?;
                if x.audit_id != f.audit_id {
                    return Err(Error::Invalid(format!(
                        "sample {id} belongs to another audit; a finding cites its own audit's samples"
                    )));
                }
            }
            let mut current: Vec<String> = {
                let mut stmt = s
                    .conn
                    .prepare_cached("SELECT sample_id FROM finding_samples WHERE finding_id = ?1")?;
                let rows = stmt.query_map([finding_id], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            current.sort();
            for old in current.iter().filter(|c| !sample_ids.contains(c)) {
                s.conn.execute(
                    "DELETE FROM finding_samples WHERE finding_id = ?1 AND sample_id = ?2",
                    [finding_id, old],
                )?;
            }
            for new in sample_ids.iter().filter(|n| !current.contains(n)) {
                s.conn.execute(
                    "INSERT OR IGNORE INTO finding_samples (finding_id, sample_id, cited_at)
                     VALUES (?1, ?2, ?3)",
                    [finding_id, new, &now],
                )?;
            }
            Ok(())
        })
    }
}
