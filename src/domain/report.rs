//! What an audit report needs, item by item, and whether each is there:
//! the Report screen's list and the report's own "missing" notes.

use super::{Audit, AuditContext, AuditType, ContextItem, Coverage, Section};

/// Where an item of the report is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// An item of the context, in its editor.
    Context(ContextItem),
    /// The audit's details (organisation, scope, type, team, dates, body).
    Details,
    /// The team's recommendation and its justification.
    Recommendation,
    /// The stage 1 documentation review.
    Stage1,
    /// The stage 2 clause walk.
    Stage2,
    /// The interviews.
    Interviews,
}

/// One item the report needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportItem {
    pub section: Section,
    pub label: String,
    /// Recorded (or, for a count, complete).
    pub done: bool,
    /// What is recorded, or what is missing, on one line.
    pub detail: String,
    pub fill: Fill,
}

/// Every item the report needs, in report order, with whether it is there.
pub fn report_items(
    audit: &Audit,
    context: &AuditContext,
    coverage: &Coverage,
    interviews: usize,
) -> Vec<ReportItem> {
    let mut out = Vec::new();
    let text = |s: &str| s.lines().next().unwrap_or("").trim().to_string();
    let mut detail = |section: Section, label: &str, value: &str| {
        out.push(ReportItem {
            section,
            label: label.to_string(),
            done: !value.trim().is_empty(),
            detail: text(value),
            fill: Fill::Details,
        })
    };
    detail(
        Section::Parties,
        "Certification body",
        &audit.certification_body,
    );
    detail(Section::Parties, "Lead auditor", &audit.lead_auditor);
    detail(Section::Parties, "Audit team", &audit.team);
    detail(Section::Audit, "Scope of the SMS", &audit.scope);
    let dates = match (audit.start_date.as_str(), audit.end_date.as_str()) {
        ("", "") => String::new(),
        (s, e) => format!("{s} → {e}"),
    };
    detail(Section::Audit, "Audit dates", &dates);
    for item in ContextItem::ALL {
        let value = context.get(*item);
        out.push(ReportItem {
            section: item.section(),
            label: item.label().to_string(),
            done: !value.trim().is_empty(),
            detail: if value.trim().is_empty() {
                item.hint().to_string()
            } else {
                text(value)
            },
            fill: Fill::Context(*item),
        });
    }
    if matches!(audit.audit_type, AuditType::Stage1) || coverage.documents_reviewed > 0 {
        out.push(ReportItem {
            section: Section::Course,
            label: "Documents reviewed (stage 1)".into(),
            done: coverage.documents > 0 && coverage.documents_reviewed == coverage.documents,
            detail: format!(
                "{} of {} reviewed",
                coverage.documents_reviewed, coverage.documents
            ),
            fill: Fill::Stage1,
        });
    }
    if !matches!(audit.audit_type, AuditType::Stage1) {
        out.push(ReportItem {
            section: Section::Course,
            label: "Clauses assessed (stage 2)".into(),
            done: coverage.clauses > 0 && coverage.clauses_assessed == coverage.clauses,
            detail: format!(
                "{} of {} assessed",
                coverage.clauses_assessed, coverage.clauses
            ),
            fill: Fill::Stage2,
        });
    }
    out.push(ReportItem {
        section: Section::Course,
        label: "Interviews".into(),
        done: interviews > 0,
        detail: match interviews {
            0 => "none recorded".to_string(),
            1 => "1 recorded".to_string(),
            n => format!("{n} recorded"),
        },
        fill: Fill::Interviews,
    });
    out.push(ReportItem {
        section: Section::Conclusions,
        label: "Team's recommendation".into(),
        done: audit.recommendation.is_some() && !audit.recommendation_note.trim().is_empty(),
        detail: match (audit.recommendation, audit.recommendation_note.trim()) {
            (None, _) => "not recorded".to_string(),
            (Some(d), "") => format!("{} (no justification yet)", d.label()),
            (Some(d), note) => format!("{} — {}", d.label(), text(note)),
        },
        fill: Fill::Recommendation,
    });
    // report order: by section, the details first within each
    let order = [
        Section::Parties,
        Section::Audit,
        Section::Meetings,
        Section::Course,
        Section::Conclusions,
    ];
    out.sort_by_key(|i| order.iter().position(|s| *s == i.section));
    out
}
