//! The forms' definitions: which fields, in which order, with which
//! defaults. Each field has a stable name (what `submit` and drafts use).

use std::path::Path;

use super::{Field, FormKind, FormState};
use crate::domain::{Audit, AuditType, Grade, SampleMethod, Stage};
use crate::tui::popups::enum_options;

/// Where the user is when a form opens: its defaults come from here.
pub struct Here<'a> {
    /// The clause on screen (stage 1 or 2, or the selected finding's), or "".
    pub clause: String,
    /// The store's clock, RFC 3339.
    pub now: String,
    pub audit: Option<&'a Audit>,
    pub export_dir: &'a Path,
    /// Who is at the keyboard (`--auditor`, else the lead auditor).
    pub auditor: String,
    /// The auditor's offset from UTC.
    pub offset: chrono::FixedOffset,
    /// The open audit's grade scale.
    pub scale: Option<&'a crate::domain::Scale>,
}

/// The grades of `scale` in its order: (canonical code, the scale's label).
pub fn grade_options(scale: &crate::domain::Scale) -> Vec<(String, String)> {
    scale
        .order()
        .into_iter()
        .map(|g| (g.code().to_string(), scale.label(g).to_string()))
        .collect()
}

impl FormState {
    /// The form for `kind`, with defaults taken from where the user is.
    pub fn for_kind(kind: FormKind, at: &Here) -> FormState {
        let edition = at.audit.map_or("", |a| a.edition.as_str());
        match kind {
            FormKind::NewAudit => Self::new_audit(),
            FormKind::NewFinding => Self::new_finding(
                edition,
                &at.clause,
                Stage::TWO,
                Grade::Minor,
                "",
                &at.scale
                    .cloned()
                    .unwrap_or_else(crate::domain::Scale::generic),
            ),
            FormKind::NewInterview => {
                Self::new_interview(&at.now, &at.clause, &at.auditor, at.offset)
            }
            FormKind::NewSample => Self::new_sample(&at.clause),
            FormKind::Reopen => Self::reopen(),
            FormKind::DeleteAudit => Self::new(FormKind::DeleteAudit, "Delete the audit", vec![]),
            FormKind::EditAudit => match at.audit {
                Some(a) => Self::edit_audit(a),
                None => Self::new(FormKind::EditAudit, "Audit details", vec![]),
            },
            FormKind::Export => match at.audit {
                Some(a) => Self::export(at.export_dir, a, &at.now),
                None => Self::new(FormKind::Export, "Export", vec![]),
            },
            FormKind::MakeReport => match at.audit {
                Some(a) => Self::make_report(at.export_dir, a),
                None => Self::new(FormKind::MakeReport, "Report", vec![]),
            },
            FormKind::FollowUp => Self::new(FormKind::FollowUp, "Follow-up audit", vec![]),
            FormKind::CarriedOutcome => {
                Self::new(FormKind::CarriedOutcome, "Carried finding", vec![])
            }
            FormKind::PlanSlot => Self::plan_slot(None, ""),
            FormKind::EveryVisit => Self::new(FormKind::EveryVisit, "Every-visit clauses", vec![]),
            FormKind::NotApplicable => Self::new(FormKind::NotApplicable, "Not applicable", vec![]),
            FormKind::Gap => Self::new(FormKind::Gap, "Gap", vec![]),
            FormKind::TeamMerge => Self::team_merge(at.export_dir),
            FormKind::TeamShare => Self::new(FormKind::TeamShare, "Share", vec![]),
            FormKind::Settle => Self::new(FormKind::Settle, "Settle", vec![]),
            FormKind::MakePack => match at.audit {
                Some(a) => Self::make_pack(at.export_dir, a),
                None => Self::new(FormKind::MakePack, "Hand-over pack", vec![]),
            },
        }
    }

    /// Reopen a reported audit: the reason goes into the audit trail.
    pub fn reopen() -> FormState {
        Self::new(
            FormKind::Reopen,
            "Reopen the reported audit",
            vec![Field::text(
                "reason",
                "Reason (kept in the audit trail)",
                "",
            )],
        )
    }

    /// Delete an audit: its organisation's name, typed, confirms it.
    pub fn delete_audit(a: &Audit) -> FormState {
        let mut f = Self::new(
            FormKind::DeleteAudit,
            &format!("Delete {} and all its records?", a.organisation),
            vec![Field::text("name", "Type its name", "")],
        );
        f.subject = a.id.clone();
        f
    }

    /// The open audit's details, to change.
    pub fn edit_audit(a: &Audit) -> FormState {
        Self::new(
            FormKind::EditAudit,
            "Audit details",
            vec![
                Field::text("organisation", "Organisation", &a.organisation),
                Field::choice(
                    "audit_type",
                    "Audit type",
                    enum_options(AuditType::ALL, AuditType::code, AuditType::label),
                    a.audit_type.code(),
                ),
                Field::text("scope", "Scope", &a.scope),
                Field::text(
                    "certification_body",
                    "Certification body",
                    &a.certification_body,
                ),
                Field::text("lead_auditor", "Lead auditor", &a.lead_auditor),
                Field::text("team", "Team", &a.team),
                Field::text("start_date", "Start (YYYY-MM-DD)", &a.start_date),
                Field::text("end_date", "End (YYYY-MM-DD)", &a.end_date),
            ],
        )
    }

    pub fn new_audit() -> FormState {
        Self::new(
            FormKind::NewAudit,
            "New audit",
            vec![
                Field::text("organisation", "Organisation", ""),
                Field::choice(
                    "audit_type",
                    "Audit type",
                    enum_options(AuditType::ALL, AuditType::code, AuditType::label),
                    "stage2",
                ),
                Field::choice(
                    "edition",
                    "Edition",
                    vec![
                        ("2018".into(), "ISO/IEC 20000-1:2018".into()),
                        ("2011".into(), "ISO/IEC 20000-1:2011 (legacy)".into()),
                    ],
                    "2018",
                ),
                Field::text("scope", "Scope", ""),
                Field::text("certification_body", "Certification body", ""),
                Field::text("lead_auditor", "Lead auditor", ""),
                Field::text("team", "Team", ""),
                Field::text("start_date", "Start (YYYY-MM-DD)", ""),
                Field::text("end_date", "End (YYYY-MM-DD)", ""),
                // the built-in scales and the user's own (scales/ID.toml)
                Field::choice(
                    "scale",
                    "Grade scale",
                    crate::scales::available()
                        .into_iter()
                        .filter_map(Result::ok)
                        .map(|s| (s.id, s.name))
                        .collect(),
                    crate::domain::DEFAULT_SCALE,
                ),
            ],
        )
    }

    pub fn new_finding(
        edition: &str,
        clause: &str,
        stage: Stage,
        grade: Grade,
        title: &str,
        scale: &crate::domain::Scale,
    ) -> FormState {
        let requirement = if clause.is_empty() {
            String::new()
        } else {
            format!("ISO/IEC 20000-1:{edition} {clause}")
        };
        Self::new(
            FormKind::NewFinding,
            "New finding",
            vec![
                Field::choice("grade", "Grade", grade_options(scale), grade.code()),
                Field::text("title", "Title", title),
                Field::text("clause", "Clause", clause),
                Field::choice(
                    "stage",
                    "Stage",
                    vec![
                        ("1".into(), "Stage 1".into()),
                        ("2".into(), "Stage 2".into()),
                    ],
                    &stage.to_string(),
                ),
                Field::text("requirement", "Requirement", &requirement),
                Field::text("statement", "Statement", ""),
                Field::text("evidence", "Objective evidence", ""),
                Field::text("due_date", "Due (YYYY-MM-DD)", ""),
            ],
        )
    }

    /// `now` is the store's clock (RFC 3339); the form proposes it to the minute.
    /// `now` is the store's clock (RFC 3339): the form proposes it in
    /// local time, to the minute (it is stored in UTC). `interviewer`: the
    /// auditor at the keyboard.
    pub fn new_interview(
        now: &str,
        clause: &str,
        interviewer: &str,
        offset: chrono::FixedOffset,
    ) -> FormState {
        let now = crate::domain::local_when(now, offset);
        Self::new(
            FormKind::NewInterview,
            "New interview",
            vec![
                Field::text("interviewee", "Interviewee", ""),
                Field::text("role", "Role", ""),
                Field::text("held_at", "When (local time)", &now),
                Field::text("clauses", "Clauses covered", clause),
                Field::text("interviewer", "Interviewer", interviewer),
            ],
        )
    }

    pub fn new_sample(clause: &str) -> FormState {
        Self::new(
            FormKind::NewSample,
            "New sample (ISO 19011 A.6)",
            vec![
                Field::text("clause", "Clause", clause),
                Field::text("population", "Population", ""),
                Field::choice(
                    "method",
                    "Method",
                    enum_options(SampleMethod::ALL, SampleMethod::code, SampleMethod::label),
                    "judgement",
                ),
                Field::text("size", "Size", ""),
                Field::text("items", "Items seen", ""),
                Field::text("result", "Result", ""),
                Field::text("period_from", "Records from (date)", ""),
                Field::text("period_to", "Records to (date)", ""),
            ],
        )
    }

    pub fn export(dir: &Path, audit: &Audit, now: &str) -> FormState {
        let slug: String = audit
            .organisation
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        // the audit's own dates name the file (today's when it has none)
        let dates = match (audit.start_date.as_str(), audit.end_date.as_str()) {
            ("", _) => now.get(..10).unwrap_or("findings").to_string(),
            (s, e) if e.is_empty() || e == s => s.to_string(),
            (s, e) => format!("{s}-to-{e}"),
        };
        let path = dir.join(format!("{slug}-findings-{dates}.csv"));
        Self::new(
            FormKind::Export,
            "Export the findings CSV",
            vec![
                Field::text("path", "Write to", &path.display().to_string()),
                Field::choice(
                    "format",
                    "For",
                    vec![
                        ("plain".into(), "Any program (plain UTF-8)".into()),
                        ("excel".into(), "Excel (with a byte order mark)".into()),
                    ],
                    "plain",
                ),
                Field::choice(
                    "delimiter",
                    "Separator",
                    vec![
                        (",".into(), "Comma ,".into()),
                        (";".into(), "Semicolon ; (decimal-comma locales)".into()),
                    ],
                    ",",
                ),
            ],
        )
    }

    /// A follow-up of `prev`: which kind, when, in which edition.
    pub fn follow_up(prev: &Audit) -> FormState {
        let mut f = Self::new(
            FormKind::FollowUp,
            &format!(
                "Follow-up of {} ({})",
                prev.organisation,
                prev.audit_type.label()
            ),
            vec![
                Field::choice(
                    "audit_type",
                    "Type",
                    vec![
                        ("surveillance".into(), "Surveillance".into()),
                        ("recertification".into(), "Recertification".into()),
                        ("special".into(), "Special (short notice)".into()),
                        ("internal".into(), "Internal / rehearsal".into()),
                    ],
                    // a rehearsal is followed by the next rehearsal
                    if prev.audit_type == AuditType::Internal {
                        "internal"
                    } else {
                        "surveillance"
                    },
                ),
                Field::text("start_date", "Start (YYYY-MM-DD)", ""),
                Field::text("end_date", "End (YYYY-MM-DD)", ""),
                Field::choice(
                    "edition",
                    "Edition",
                    vec![
                        ("".into(), format!("Same as before ({})", prev.edition)),
                        ("2018".into(), "2018 (2011 findings mapped)".into()),
                        ("2011".into(), "2011".into()),
                    ],
                    "",
                ),
            ],
        );
        f.subject = prev.id.clone();
        f
    }

    /// A slot of the audit plan: `slot` to change, or a new one on `day`.
    pub fn plan_slot(slot: Option<&crate::domain::PlanSlot>, day: &str) -> FormState {
        let v = |f: fn(&crate::domain::PlanSlot) -> &str| slot.map_or("", f);
        let mut f = Self::new(
            FormKind::PlanSlot,
            if slot.is_some() {
                "Slot of the audit plan"
            } else {
                "New slot of the audit plan"
            },
            vec![
                Field::text("day", "Day (YYYY-MM-DD)", day),
                Field::text("start", "From (HH:MM)", v(|s| &s.start)),
                Field::text("end", "To (HH:MM)", v(|s| &s.end)),
                Field::text("clauses", "Clauses (ids)", v(|s| &s.clauses)),
                Field::text("subject", "Processes / topic", v(|s| &s.subject)),
                Field::text("site", "Site", v(|s| &s.site)),
                Field::text("auditors", "Auditors", v(|s| &s.auditors)),
                Field::text("contacts", "Client contacts", v(|s| &s.contacts)),
            ],
        );
        f.subject = slot.map(|s| s.id.clone()).unwrap_or_default();
        f
    }

    /// A rehearsal question not applicable: its reason.
    pub fn not_applicable(clause: &str, question: u32, reason: &str) -> FormState {
        let mut f = Self::new(
            FormKind::NotApplicable,
            &format!("{clause} question {question}: not applicable, because"),
            vec![Field::text("reason", "Reason", reason)],
        );
        f.subject = format!("{clause}/{question}");
        f
    }

    /// What is planned about a rehearsal's gap.
    pub fn gap(g: &crate::domain::Gap) -> FormState {
        let mut f = Self::new(
            FormKind::Gap,
            &format!("Gap {} ({})", g.reference, g.why),
            vec![
                Field::text("owner", "Owner", &g.owner),
                Field::text("action", "Action", &g.action),
                Field::text("target_date", "Due (YYYY-MM-DD)", &g.target_date),
                Field::choice(
                    "state",
                    "State",
                    enum_options(
                        crate::domain::GapState::ALL,
                        crate::domain::GapState::code,
                        crate::domain::GapState::label,
                    ),
                    g.state.code(),
                ),
            ],
        );
        f.subject = format!("{}:{}", g.source_kind, g.source_key);
        f
    }

    /// The client's every-visit clauses (ids separated by spaces).
    pub fn every_visit(client: &crate::domain::Client) -> FormState {
        let mut f = Self::new(
            FormKind::EveryVisit,
            &format!("Every-visit clauses of {}", client.name),
            vec![Field::text(
                "every_visit",
                "Clauses (ids)",
                &client.every_visit,
            )],
        );
        f.subject = client.id.clone();
        f
    }

    /// What this audit found about a carried finding: the outcomes that
    /// fit its grade, the evidence, and for one not effective the grade
    /// of the finding raised in its place.
    pub fn carried_outcome(c: &crate::domain::Carried, scale: &crate::domain::Scale) -> FormState {
        use crate::domain::Outcome as O;
        let outcomes: &[O] = if c.grade.is_nonconformity() {
            &[O::Effective, O::NotEffective, O::StillOpen, O::Pending]
        } else {
            &[O::LookedAt, O::Pending]
        };
        let mut fields = vec![
            Field::choice(
                "outcome",
                "Outcome",
                outcomes
                    .iter()
                    .map(|o| (o.code().to_string(), o.label().to_string()))
                    .collect(),
                if c.outcome == O::Pending {
                    outcomes[0].code()
                } else {
                    c.outcome.code()
                },
            ),
            Field::text("evidence", "Evidence seen", &c.evidence),
        ];
        if c.grade.is_nonconformity() {
            fields.push(Field::choice(
                "raise",
                "If not effective",
                vec![
                    (
                        c.grade.code().to_string(),
                        format!("raise a {} again", scale.label(c.grade)),
                    ),
                    (
                        "major".into(),
                        format!("raise a {} (escalate)", scale.label(Grade::Major)),
                    ),
                ],
                c.grade.code(),
            ));
        }
        let mut f = Self::new(
            FormKind::CarriedOutcome,
            &format!("{} · {}: {}", c.reference, c.origin, c.title),
            fields,
        );
        f.subject = c.id.clone();
        f
    }

    /// Write the hand-over pack: into which new folder, with the interview
    /// notes in the reports or not (the database copy always has them).
    pub fn make_pack(dir: &std::path::Path, audit: &Audit) -> FormState {
        let path = dir.join(crate::pack::folder_name(audit));
        Self::new(
            FormKind::MakePack,
            "Write the hand-over pack",
            vec![
                Field::text("path", "New folder", &path.display().to_string()),
                Field::choice(
                    "notes",
                    "Interview notes",
                    vec![
                        (
                            "no".into(),
                            "Left out of the reports (the database has them)".into(),
                        ),
                        ("yes".into(), "Included in the reports".into()),
                    ],
                    "no",
                ),
            ],
        )
    }

    /// Merge a teammate's team file: its path.
    pub fn team_merge(dir: &std::path::Path) -> FormState {
        Self::new(
            FormKind::TeamMerge,
            "Merge a teammate's team file into this audit",
            vec![Field::text(
                "path",
                "Team file",
                &format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR),
            )],
        )
    }

    /// Write a team file of the audit: where (beside the exports, named
    /// after the client, the day and who writes it).
    pub fn team_share(dir: &std::path::Path, audit: &Audit, who: &str, today: &str) -> FormState {
        let name: String = format!("{} {today} {who}", audit.organisation)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let path = dir.join(format!("{name}.team"));
        Self::new(
            FormKind::TeamShare,
            "Write a team file (for a teammate, or the lead)",
            vec![Field::text(
                "path",
                "Team file",
                &path.display().to_string(),
            )],
        )
    }

    /// Settle a team conflict: one of its values, or (for text) both with
    /// who wrote each. Nothing is chosen until the form is saved.
    pub fn settle(c: &crate::store::ListedConflict) -> FormState {
        let mut options: Vec<(String, String)> = Vec::new();
        for (i, (v, who, at)) in c.values.iter().enumerate() {
            let shown = if c.field == crate::team::ALIVE {
                if v == crate::team::DELETED {
                    "deleted".to_string()
                } else {
                    "kept".to_string()
                }
            } else {
                crate::text::one_line(v)
            };
            options.push((format!("take:{i}"), format!("{shown} ({who}, {at})")));
        }
        if c.is_text() {
            options.push((
                "both".into(),
                "Keep both, each followed by who wrote it".into(),
            ));
        }
        let what = if c.field == crate::team::ALIVE {
            "deleted on one laptop, edited on another".to_string()
        } else {
            c.field.clone()
        };
        let mut f = Self::new(
            FormKind::Settle,
            &format!(
                "Conflict {}: {} — {what}",
                c.number,
                crate::text::one_line(&c.label)
            ),
            vec![Field::choice("value", "Keep", options, "")],
        );
        f.subject = c.number.to_string();
        f
    }

    /// Write the audit report: where, in which format, with the interview
    /// notes or not (left out by default).
    pub fn make_report(dir: &std::path::Path, audit: &Audit) -> FormState {
        let path = dir.join(crate::report::file_name(audit, "html"));
        Self::new(
            FormKind::MakeReport,
            "Write the audit report",
            vec![
                Field::text("path", "Write to", &path.display().to_string()),
                Field::choice(
                    "format",
                    "Format",
                    vec![
                        ("html".into(), "HTML (one file, prints on A4)".into()),
                        ("md".into(), "Markdown".into()),
                        ("docx".into(), "Word (built-in template)".into()),
                    ],
                    "html",
                ),
                Field::choice(
                    "notes",
                    "Interview notes",
                    vec![
                        ("no".into(), "Left out (they can name people)".into()),
                        ("yes".into(), "Included".into()),
                    ],
                    "no",
                ),
            ],
        )
    }
}
