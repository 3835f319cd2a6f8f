//! The audit's concepts, independent of storage and screens.

mod context;
mod cycle;
mod enums;
mod readiness;
mod report;
mod responses;
mod scale;
mod walk;

pub use context::{AuditContext, ContextItem, Section};
pub use cycle::{
    hours, plan_check, programme, Carried, Client, DayTime, MapEntry, Mapping, PlanCheck, PlanSlot,
    Programme, ProgrammeRow, Visit, Visited, EVERY_VISIT,
};
pub use enums::*;
pub use readiness::{
    clause_share, closed_between, evidence_windows, readiness, readiness_statement, EvidenceWindow,
    Gap, QuestionRating, Readiness, Rehearsal, SamplePeriods, Share,
};
pub use report::{report_items, Fill, ReportItem};
pub use responses::{deadline, standing, Response, ResponseKind, Standing};
pub use scale::{Class, ColourRole, OscalState, Scale, ScaleError, ScaleGrade, DEFAULT_SCALE};
pub use walk::{WalkClock, IDLE_SECS};

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
    /// The team's recommendation (none until the lead auditor records it)
    /// and its justification.
    pub recommendation: Option<Decision>,
    pub recommendation_note: String,
    /// The client (organisation certified) the audit belongs to.
    pub client_id: String,
    /// The audit this one follows up (surveillance, recertification), or "".
    pub follows: String,
}

impl Audit {
    /// The people of the audit team, lead auditor first: the lead auditor
    /// and every name of the team field (separated by commas, semicolons or
    /// lines; a role in brackets after a name, "Sam Ortiz (TE)", is not
    /// part of it), each once.
    pub fn team_members(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let names =
            std::iter::once(self.lead_auditor.as_str()).chain(self.team.split([',', ';', '\n']));
        for raw in names {
            let name = raw.split('(').next().unwrap_or("").trim();
            if !name.is_empty() && !out.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                out.push(name.to_string());
            }
        }
        out
    }
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
    /// The auditor's verification of the client's actions (NCs): when
    /// (`YYYY-MM-DD`), by whom, how, and the evidence seen.
    pub verified_on: String,
    pub verified_by: String,
    pub verification_method: String,
    pub verification_evidence: String,
    /// Earlier references of this finding (regraded), oldest first: `NC-002, OBS-004`.
    pub formerly: String,
    /// The stage 1 document it was raised on (its key), or "".
    pub doc_key: String,
}

impl Finding {
    /// Why this finding cannot be closed (verified) yet: the fields still
    /// empty, by name. Empty when it can. Only nonconformities are closed.
    pub fn missing_for_closure(&self) -> Vec<&'static str> {
        [
            ("correction", &self.correction),
            ("root cause", &self.root_cause),
            ("corrective action", &self.corrective_action),
            ("verification date", &self.verified_on),
            ("verified by", &self.verified_by),
            ("how it was verified", &self.verification_method),
            ("evidence seen", &self.verification_evidence),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(n, _)| n)
        .collect()
    }

    /// The status as shown: nonconformities have a workflow status;
    /// observations, OFIs and good practices are only "noted".
    /// A nonconformity recorded as closed without what closing needs
    /// (closed before auditbench recorded verifications, schema 5, or
    /// outside it): one line saying what is missing.
    pub fn closure_gap(&self) -> Option<String> {
        if !self.grade.is_nonconformity() || self.status != FindingStatus::Closed {
            return None;
        }
        let missing = self.missing_for_closure();
        (!missing.is_empty()).then(|| {
            format!(
                "its verification is not recorded ({} missing)",
                missing.join(", ")
            )
        })
    }

    pub fn status_label(&self) -> &'static str {
        if self.grade.is_nonconformity() {
            self.status.label()
        } else {
            "Noted"
        }
    }

    /// Whether a status change is allowed, or why not (one line).
    pub fn check_status(&self, status: FindingStatus) -> Result<(), String> {
        if !self.grade.is_nonconformity() {
            return Err(format!(
                "{} is {}: only nonconformities have a status (open, response, plan accepted, closed)",
                self.reference,
                self.grade.label().to_lowercase()
            ));
        }
        let missing: Vec<&str> = match status {
            FindingStatus::Closed => self.missing_for_closure(),
            FindingStatus::PlanAccepted if self.corrective_action.trim().is_empty() => {
                vec!["corrective action"]
            }
            _ => Vec::new(),
        };
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} cannot be {} yet: fill {} first",
                self.reference,
                status.label().to_lowercase(),
                missing.join(", ")
            ))
        }
    }
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
    /// Who of the audit team held it.
    pub interviewer: String,
}

/// When something happened, as typed with its zone: `YYYY-MM-DD HH:MM UTC`,
/// `YYYY-MM-DD HH:MM +01:00`, or RFC 3339. The instant, or `None` (a time
/// without a zone, or not a time: the text is kept as typed).
pub fn parse_when(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(naive) = s.strip_suffix(" UTC") {
        let t = NaiveDateTime::parse_from_str(naive.trim(), "%Y-%m-%d %H:%M").ok()?;
        return Some(Utc.from_utc_datetime(&t));
    }
    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M %:z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// How a time is stored: `YYYY-MM-DD HH:MM UTC` when it has a zone.
pub fn store_when(s: &str) -> String {
    match parse_when(s) {
        Some(t) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        None => s.trim().to_string(),
    }
}

/// A stored time shown at the auditor's offset from UTC
/// (`2026-11-23 10:30 +01:00`); text that is not a time is shown as it is.
pub fn local_when(s: &str, offset: chrono::FixedOffset) -> String {
    match parse_when(s) {
        Some(t) => t
            .with_timezone(&offset)
            .format("%Y-%m-%d %H:%M %:z")
            .to_string(),
        None => s.to_string(),
    }
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
    /// The period the records seen cover: `YYYY-MM-DD` or "" (not said).
    pub period_from: String,
    pub period_to: String,
}

impl Sample {
    /// One line naming the sample: "8.2 Change records (n=10, random)".
    pub fn label(&self) -> String {
        sample_label(&self.clause_id, &self.population, self.size, self.method)
    }
}

/// One line naming a sample from its parts (see [`Sample::label`]).
pub fn sample_label(clause_id: &str, population: &str, size: u32, method: SampleMethod) -> String {
    format!(
        "{clause_id} {population} (n={size}, {})",
        method.label().to_lowercase()
    )
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
    /// Of those, majors without even a response (correction) yet.
    pub majors_without_response: u64,
    /// Minors whose action plan is not accepted yet (open, or a response received).
    pub minors_without_plan: u64,
    /// Minors with an accepted action plan, to verify at the next audit.
    pub minors_with_plan: u64,
    /// Stage 1 concerns, to address before stage 2.
    pub concerns: u64,
}

impl NcTally {
    pub fn add(&mut self, grade: Grade, status: FindingStatus, n: u64) {
        match (grade, status) {
            (Grade::Major, FindingStatus::Closed) => {}
            (Grade::Major, FindingStatus::Open) => {
                self.open_majors += n;
                self.majors_without_response += n;
            }
            (Grade::Major, _) => self.open_majors += n,
            (Grade::Minor, FindingStatus::Open | FindingStatus::ResponseReceived) => {
                self.minors_without_plan += n
            }
            (Grade::Minor, FindingStatus::PlanAccepted) => self.minors_with_plan += n,
            _ => {}
        }
    }
}

/// How much of the audit has been done: what the recommendation needs
/// besides the findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Assessable clauses, and those with a stage 2 result (or marked done).
    pub clauses: u64,
    pub clauses_assessed: u64,
    /// Expected documents, and those reviewed at stage 1.
    pub documents: u64,
    pub documents_reviewed: u64,
}

impl Coverage {
    /// How much of an audit is done: its catalogue's assessable clauses
    /// with a stage 2 result (or marked done), its documents reviewed.
    pub fn of(
        catalogue: &crate::catalogue::Catalogue,
        stage2: &std::collections::HashMap<String, ClauseReview>,
        docs: &std::collections::HashMap<String, DocumentReview>,
    ) -> Coverage {
        let assessable: Vec<_> = catalogue
            .clauses()
            .iter()
            .filter(|c| catalogue.is_assessable(c))
            .collect();
        Coverage {
            clauses: assessable.len() as u64,
            clauses_assessed: assessable
                .iter()
                .filter(|c| {
                    stage2.get(&c.id).is_some_and(|r| {
                        r.result != ClauseResult::NotAssessed || r.status == ClauseStatus::Done
                    })
                })
                .count() as u64,
            documents: catalogue.documents().count() as u64,
            documents_reviewed: docs
                .values()
                .filter(|r| r.status != DocStatus::NotReviewed)
                .count() as u64,
        }
    }
}

/// How serious the suggestion is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing stands in the way.
    Clear,
    /// Something is to be done first (plans, verification, coverage).
    Pending,
    /// A major nonconformity, or no recommendation can be made.
    Blocked,
}

/// The recommendation the findings and the coverage suggest, by audit type:
/// a stage 1 audit says whether stage 2 can go ahead; stage 2 and
/// recertification whether to recommend certification; surveillance whether
/// to continue it; an internal / rehearsal audit gives a readiness summary
/// and never a certification recommendation. An audit not walked through
/// says so first. The lead auditor's own recommendation is recorded apart.
pub fn recommendation(kind: AuditType, t: &NcTally, c: &Coverage) -> (String, Tone) {
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let clauses_left = c.clauses.saturating_sub(c.clauses_assessed);
    let docs_left = c.documents.saturating_sub(c.documents_reviewed);
    let ncs = t.open_majors + t.minors_without_plan + t.minors_with_plan;
    if kind == AuditType::Internal {
        let met = c.clauses_assessed;
        return (
            format!(
                "Readiness (no certification recommendation in a rehearsal): {met} of {} clauses assessed, {ncs} open NC{} ({} major)",
                c.clauses,
                s(ncs),
                t.open_majors
            ),
            if t.open_majors > 0 { Tone::Blocked } else if ncs > 0 || clauses_left > 0 { Tone::Pending } else { Tone::Clear },
        );
    }
    if kind == AuditType::Stage1 {
        if docs_left > 0 {
            return (
                format!(
                    "Incomplete: {docs_left} of {} documents not reviewed",
                    c.documents
                ),
                Tone::Pending,
            );
        }
        if t.open_majors > 0 {
            return (
                format!(
                    "Not ready for stage 2: {} major NC{} open",
                    t.open_majors,
                    s(t.open_majors)
                ),
                Tone::Blocked,
            );
        }
        if t.concerns > 0 {
            return (
                format!(
                    "Ready for stage 2 once {} stage 1 concern{} {} addressed",
                    t.concerns,
                    s(t.concerns),
                    if t.concerns == 1 { "is" } else { "are" }
                ),
                Tone::Pending,
            );
        }
        return ("Ready for stage 2".to_string(), Tone::Clear);
    }
    // a special audit looks at what prompted it, not at every clause
    if clauses_left > 0 && kind != AuditType::Special {
        return (
            format!(
                "Incomplete: {clauses_left} of {} clauses not assessed",
                c.clauses
            ),
            Tone::Pending,
        );
    }
    if matches!(kind, AuditType::Surveillance | AuditType::Special) {
        return if t.open_majors > 0 {
            (
                format!(
                    "Consider suspension: {} major NC{} open",
                    t.open_majors,
                    s(t.open_majors)
                ),
                Tone::Blocked,
            )
        } else if t.minors_without_plan > 0 {
            (
                format!(
                    "Continue certification once action plans are accepted for {} minor NC{}",
                    t.minors_without_plan,
                    s(t.minors_without_plan)
                ),
                Tone::Pending,
            )
        } else if kind == AuditType::Special && c.clauses_assessed == 0 {
            (
                "Incomplete: no clause assessed on this special audit yet".to_string(),
                Tone::Pending,
            )
        } else {
            ("Continue certification".to_string(), Tone::Clear)
        };
    }
    // stage 2 and recertification
    if t.majors_without_response > 0 {
        (
            format!(
                "Do not recommend: {} major NC{} open without a correction",
                t.majors_without_response,
                s(t.majors_without_response)
            ),
            Tone::Blocked,
        )
    } else if t.open_majors > 0 {
        (
            format!(
                "Recommend after verification of {} major NC{}",
                t.open_majors,
                s(t.open_majors)
            ),
            Tone::Blocked,
        )
    } else if t.minors_without_plan > 0 {
        (
            format!(
                "Recommend once action plans are accepted for {} minor NC{}",
                t.minors_without_plan,
                s(t.minors_without_plan)
            ),
            Tone::Pending,
        )
    } else if t.minors_with_plan > 0 {
        (
            format!(
                "Recommend certification: {} minor NC{} with accepted plans, to verify at the next audit",
                t.minors_with_plan,
                s(t.minors_with_plan)
            ),
            Tone::Clear,
        )
    } else {
        (
            "Recommend certification: no open NCs".to_string(),
            Tone::Clear,
        )
    }
}

/// One line for a recorded change: `old → new`, each cut to fit `width`
/// characters in all, line breaks shown as `⏎`.
/// A recorded value as a person reads it: a code of one of the audit's
/// vocabularies becomes its label (`needs_improvement` → "Needs
/// improvement"); a created or deleted record (JSON) becomes its fields,
/// `name: value`, empty ones left out.
pub fn readable_value(field: &str, value: &str) -> String {
    if field == "created" || field == "deleted" {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(value)
        {
            return map
                .iter()
                .filter_map(|(k, v)| {
                    let v = match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => return None,
                        other => other.to_string(),
                    };
                    (!v.is_empty()).then(|| format!("{k}: {}", readable_value(k, &v)))
                })
                .collect::<Vec<_>>()
                .join(", ");
        }
        return value.to_string();
    }
    let label = match field {
        "grade" => Grade::parse(value).ok().map(Grade::label),
        "audit_type" => AuditType::parse(value).ok().map(AuditType::label),
        "recommendation" => Decision::parse(value).ok().map(Decision::label),
        "result" => ClauseResult::parse(value).ok().map(ClauseResult::label),
        "method" => SampleMethod::parse(value).ok().map(SampleMethod::label),
        "status" => FindingStatus::parse(value)
            .map(FindingStatus::label)
            .or_else(|_| DocStatus::parse(value).map(DocStatus::label))
            .or_else(|_| ClauseStatus::parse(value).map(ClauseStatus::label))
            .or_else(|_| AuditStatus::parse(value).map(AuditStatus::label))
            .ok(),
        _ => None,
    };
    label.map_or_else(|| value.to_string(), str::to_string)
}

/// One recorded change, readable (see [`readable_value`]), cut to `width`.
pub fn readable_change(field: &str, old: Option<&str>, new: Option<&str>, width: usize) -> String {
    let old = old.map(|v| readable_value(field, v));
    let new = new.map(|v| readable_value(field, v));
    change_summary(old.as_deref(), new.as_deref(), width)
}

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

    fn all_done() -> Coverage {
        Coverage {
            clauses: 57,
            clauses_assessed: 57,
            documents: 47,
            documents_reviewed: 47,
        }
    }

    #[test]
    fn majors_block_minors_block_until_their_plan_is_accepted() {
        let rec = |t: &NcTally| recommendation(AuditType::Stage2, t, &all_done()).0;
        let mut t = NcTally::default();
        assert_eq!(rec(&t), "Recommend certification: no open NCs");
        t.add(Grade::Minor, FindingStatus::PlanAccepted, 2);
        assert!(rec(&t).starts_with("Recommend certification: 2 minor NCs with accepted plans"));
        t.add(Grade::Minor, FindingStatus::ResponseReceived, 1);
        assert_eq!(
            rec(&t),
            "Recommend once action plans are accepted for 1 minor NC"
        );
        t.add(Grade::Major, FindingStatus::Closed, 1);
        t.add(Grade::Major, FindingStatus::ResponseReceived, 1);
        assert_eq!(rec(&t), "Recommend after verification of 1 major NC");
        t.add(Grade::Major, FindingStatus::Open, 1);
        assert_eq!(
            rec(&t),
            "Do not recommend: 1 major NC open without a correction"
        );
    }

    #[test]
    fn stage_1_concerns_hold_stage_2_readiness_until_addressed() {
        let mut t = NcTally::default();
        let docs_done = Coverage {
            clauses: 57,
            clauses_assessed: 0,
            documents: 47,
            documents_reviewed: 47,
        };
        assert_eq!(
            recommendation(AuditType::Stage1, &t, &docs_done).0,
            "Ready for stage 2"
        );
        t.concerns = 2;
        let (line, tone) = recommendation(AuditType::Stage1, &t, &docs_done);
        assert_eq!(
            line,
            "Ready for stage 2 once 2 stage 1 concerns are addressed"
        );
        assert_eq!(tone, Tone::Pending);
    }

    #[test]
    fn an_audit_not_walked_through_is_incomplete_whatever_its_findings() {
        let t = NcTally::default();
        let fresh = Coverage {
            clauses: 57,
            clauses_assessed: 12,
            documents: 47,
            documents_reviewed: 0,
        };
        for kind in [
            AuditType::Stage2,
            AuditType::Recertification,
            AuditType::Surveillance,
        ] {
            assert_eq!(
                recommendation(kind, &t, &fresh).0,
                "Incomplete: 45 of 57 clauses not assessed"
            );
        }
        assert_eq!(
            recommendation(AuditType::Stage1, &t, &fresh).0,
            "Incomplete: 47 of 47 documents not reviewed"
        );
        let (line, _) = recommendation(AuditType::Internal, &t, &all_done());
        assert!(line.starts_with("Readiness"), "{line}");
        assert!(!line.contains("Recommend"), "{line}");
        assert_eq!(
            recommendation(AuditType::Surveillance, &t, &all_done()).0,
            "Continue certification"
        );
    }
}
