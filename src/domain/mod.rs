//! The audit's concepts, independent of storage and screens.

mod enums;

pub use enums::*;

/// One audit: an organisation assessed against one catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub id: String,
    pub organisation: String,
    pub scope: String,
    pub catalogue_id: String,
    pub edition: String,
    pub audit_type: AuditType,
    pub certification_body: String,
    pub lead_auditor: String,
    pub team: String,
    /// `YYYY-MM-DD`, or empty when not planned yet.
    pub start_date: String,
    pub end_date: String,
    pub status: AuditStatus,
    pub created_at: String,
    pub updated_at: String,
}

/// What is needed to create an audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    pub organisation: String,
    pub scope: String,
    pub catalogue_id: String,
    pub edition: String,
    pub audit_type: AuditType,
    pub certification_body: String,
    pub lead_auditor: String,
    pub team: String,
    pub start_date: String,
    pub end_date: String,
}

/// A finding: a nonconformity, observation, OFI or good practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: String,
    pub audit_id: String,
    /// Human reference, stable and unique within the audit (`NC-003`).
    pub reference: String,
    pub clause_id: String,
    pub stage: Stage,
    pub grade: Grade,
    pub title: String,
    pub requirement: String,
    pub statement: String,
    pub evidence: String,
    pub status: FindingStatus,
    pub root_cause: String,
    pub correction: String,
    pub corrective_action: String,
    /// `YYYY-MM-DD` or empty.
    pub due_date: String,
    pub raised_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What is needed to raise a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    pub clause_id: String,
    pub stage: Stage,
    pub grade: Grade,
    pub title: String,
    pub requirement: String,
    pub statement: String,
    pub evidence: String,
    pub raised_by: String,
    pub due_date: String,
}

/// Per audit × clause × stage: workflow status and result, kept apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseReview {
    pub audit_id: String,
    pub clause_id: String,
    pub stage: Stage,
    pub status: ClauseStatus,
    pub result: ClauseResult,
    pub notes: String,
    /// Indexes of the catalogue questions ticked as covered.
    pub questions_covered: Vec<usize>,
    pub updated_at: String,
}

/// Stage 1 review of one expected document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentReview {
    pub audit_id: String,
    pub doc_key: String,
    pub clause_id: String,
    pub status: DocStatus,
    pub reference: String,
    pub version: String,
    pub notes: String,
    pub updated_at: String,
}

/// An interview held during the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interview {
    pub id: String,
    pub audit_id: String,
    pub interviewee: String,
    pub role: String,
    /// RFC 3339 or `YYYY-MM-DD HH:MM` as entered.
    pub held_at: String,
    /// Clause ids covered, comma separated.
    pub clauses: String,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A record sample (ISO 19011 A.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub id: String,
    pub audit_id: String,
    pub clause_id: String,
    pub population: String,
    pub method: SampleMethod,
    pub size: u32,
    pub items: String,
    pub result: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Validate a `YYYY-MM-DD` date (empty is allowed: "not set").
pub fn check_date(what: &str, value: &str) -> Result<(), String> {
    if value.is_empty() || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() {
        Ok(())
    } else {
        Err(format!(
            "{what} {value:?} is not a date; use YYYY-MM-DD, e.g. 2026-11-23"
        ))
    }
}

/// Nonconformities that still matter for the certification decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NcTally {
    /// Majors not closed (verified).
    pub open_majors: u64,
    /// Minors still waiting for the client's action plan.
    pub minors_without_plan: u64,
    /// Minors with a plan received, to verify at the next audit.
    pub minors_with_plan: u64,
}

impl NcTally {
    pub fn add(&mut self, grade: Grade, status: FindingStatus, n: u64) {
        match (grade, status) {
            (Grade::Major, FindingStatus::Closed) => {}
            (Grade::Major, _) => self.open_majors += n,
            (Grade::Minor, FindingStatus::Open) => self.minors_without_plan += n,
            (Grade::Minor, FindingStatus::ResponseReceived) => self.minors_with_plan += n,
            _ => {}
        }
    }
}

/// The recommendation line derived from the findings: open majors block
/// certification; minors block only until their action plan is received.
pub fn recommendation(t: &NcTally) -> String {
    let s = |n: u64| if n == 1 { "" } else { "s" };
    if t.open_majors > 0 {
        format!(
            "Not ready to recommend: {} major NC{} open",
            t.open_majors,
            s(t.open_majors)
        )
    } else if t.minors_without_plan > 0 {
        format!(
            "Recommend once action plans are received for {} minor NC{}",
            t.minors_without_plan,
            s(t.minors_without_plan)
        )
    } else if t.minors_with_plan > 0 {
        format!(
            "Recommend certification: {} minor NC{} with action plans, to verify at the next audit",
            t.minors_with_plan,
            s(t.minors_with_plan)
        )
    } else {
        "Recommend certification: no open NCs".to_string()
    }
}

/// One line for a recorded change: `old → new`, each cut to fit `width`
/// characters in all, line breaks shown as `⏎`.
pub fn change_summary(old: Option<&str>, new: Option<&str>, width: usize) -> String {
    fn flat(s: &str, max: usize) -> String {
        let s: String = s
            .chars()
            .map(|c| {
                if c == '\n' {
                    '⏎'
                } else if c.is_control() {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        if s.chars().count() > max {
            let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
            cut.push('…');
            cut
        } else {
            s
        }
    }
    let half = width.saturating_sub(3) / 2;
    match (old, new) {
        (None, Some(n)) => flat(n, width),
        (Some(o), None) => flat(o, width),
        (Some(o), Some(n)) => format!("{} → {}", flat(o, half), flat(n, half)),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod recommendation_tests {
    use super::*;

    #[test]
    fn majors_block_minors_with_plans_do_not() {
        let mut t = NcTally::default();
        assert_eq!(recommendation(&t), "Recommend certification: no open NCs");
        t.add(Grade::Minor, FindingStatus::ResponseReceived, 2);
        assert!(recommendation(&t)
            .starts_with("Recommend certification: 2 minor NCs with action plans"));
        t.add(Grade::Minor, FindingStatus::Open, 1);
        assert_eq!(
            recommendation(&t),
            "Recommend once action plans are received for 1 minor NC"
        );
        t.add(Grade::Major, FindingStatus::Closed, 1);
        t.add(Grade::Major, FindingStatus::Open, 1);
        assert_eq!(
            recommendation(&t),
            "Not ready to recommend: 1 major NC open"
        );
        t.add(Grade::Observation, FindingStatus::Open, 9);
        assert_eq!(t.open_majors, 1);
    }
}
