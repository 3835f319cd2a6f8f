//! What a submitted form does: one typed write through the store, then the
//! effects that show it. Errors leave the form open (and its draft kept).

use super::{FormKind, FormValues};
use crate::domain::{
    check_date, AuditType, Grade, Interview, NewAudit, NewFinding, Sample, SampleMethod, Stage,
};
use crate::store::{self, EditTarget, InterviewField};
use crate::tui::action::Action;
use crate::tui::component::{none, Ctx};
use crate::tui::effect::{Effect, Slice};
use crate::tui::keymap::Mode;
use crate::tui::popups::finding::FindingDetailState;
use crate::tui::popups::Popup;

/// Act on a submitted form. Errors leave the form open (and its draft kept).
/// `subject`: what the form is about beyond the open audit (see
/// `FormState::subject`), or "".
pub fn submit(
    ctx: &mut Ctx,
    kind: FormKind,
    v: &FormValues,
    subject: &str,
) -> store::Result<Vec<Effect>> {
    let get = |name: &str| v.get(name);
    match kind {
        FormKind::NewAudit => {
            let edition = get("edition");
            let catalogue_id = crate::catalogue::builtin_id_for_edition(&edition)
                .ok_or_else(|| store::Error::Invalid(format!("unknown edition {edition:?}")))?;
            let scale_id = get("scale");
            let scale = if scale_id.is_empty() {
                crate::domain::Scale::generic()
            } else {
                crate::scales::find(&scale_id).map_err(store::Error::Invalid)?
            };
            let audit = ctx.store.create_audit_with_scale(
                &NewAudit {
                    organisation: get("organisation"),
                    audit_type: AuditType::parse(&get("audit_type"))?,
                    edition,
                    catalogue_id: catalogue_id.to_string(),
                    scope: get("scope"),
                    certification_body: get("certification_body"),
                    lead_auditor: get("lead_auditor"),
                    team: get("team"),
                    start_date: get("start_date"),
                    end_date: get("end_date"),
                },
                &scale,
            )?;
            Ok(vec![
                Effect::Reload(Slice::Audits),
                Effect::OpenAudit(audit.id.clone()),
                Effect::Info(format!("Created the audit of {}", audit.organisation)),
            ])
        }
        FormKind::NewFinding => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let audit_id = data.audit.id.clone();
            // who raised it: the auditor at the keyboard (--auditor), else the lead
            let lead = Some(ctx.store.actor())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| data.audit.lead_auditor.clone());
            check_date("due date", &get("due_date")).map_err(store::Error::Invalid)?;
            let f = ctx.store.add_finding_on(
                &audit_id,
                &NewFinding {
                    grade: Grade::parse(&get("grade"))?,
                    title: get("title"),
                    clause_id: get("clause"),
                    stage: Stage::new(get("stage").parse().unwrap_or(2))?,
                    requirement: get("requirement"),
                    statement: v.raw("statement"),
                    evidence: v.raw("evidence"),
                    due_date: get("due_date"),
                    raised_by: lead,
                },
                subject,
            )?;
            let msg = format!("Raised {} — {}", f.reference, f.title);
            Ok(vec![
                Effect::Reload(Slice::Findings),
                Effect::Push(Popup::Finding(Box::new(FindingDetailState::new(f)))),
                Effect::Info(msg),
            ])
        }
        FormKind::NewInterview => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let i = ctx.store.save_interview(&Interview {
                id: String::new(),
                audit_id: data.audit.id.clone(),
                interviewee: get("interviewee"),
                role: get("role"),
                held_at: get("held_at"),
                clauses: get("clauses"),
                notes: String::new(),
                created_at: String::new(),
                updated_at: String::new(),
                interviewer: get("interviewer"),
            })?;
            let label = format!("Notes of the interview with {}", i.interviewee);
            let done = ctx.model.keymap.key_of(Mode::Editor, &Action::Save);
            // the notes are written at once; closing them returns to where
            // the auditor was (the stage 2 clause, say)
            Ok(vec![
                Effect::Reload(Slice::Interviews),
                Effect::SelectInterview(i.id.clone()),
                Effect::Edit {
                    target: EditTarget::Interview {
                        id: i.id,
                        field: InterviewField::Notes,
                    },
                    label,
                },
                Effect::Info(format!(
                    "Interview recorded: write the notes, {done} when done"
                )),
            ])
        }
        FormKind::NewSample => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let size = get("size");
            let size: u32 = if size.is_empty() {
                0
            } else {
                size.parse().map_err(|_| {
                    store::Error::Invalid(format!(
                        "sample size {size:?} is not a whole number; type e.g. 5"
                    ))
                })?
            };
            let s = ctx.store.save_sample(&Sample {
                id: String::new(),
                audit_id: data.audit.id.clone(),
                clause_id: get("clause"),
                population: get("population"),
                method: SampleMethod::parse(&get("method"))?,
                size,
                items: get("items"),
                result: get("result"),
                created_at: String::new(),
                updated_at: String::new(),
                period_from: get("period_from"),
                period_to: get("period_to"),
            })?;
            Ok(vec![
                Effect::Reload(Slice::Interviews),
                Effect::Info(format!("Sample recorded for {}", s.clause_id)),
            ])
        }
        FormKind::Export => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            // A relative path is relative to the folder the form proposed.
            let path = ctx.model.export_dir.join(get("path"));
            if get("path").is_empty() {
                return Err(store::Error::Invalid("give a file path for the CSV".into()));
            }
            let opts = crate::export::csv::CsvOptions {
                excel: get("format") == "excel",
                delimiter: if get("delimiter") == ";" { b';' } else { b',' },
            };
            let rows = crate::export::csv::export_to_file(ctx.store, &data.audit, opts, &path)?;
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                ctx.model.export_dir = dir.to_path_buf();
            }
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let dir = path
                .parent()
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            Ok(vec![Effect::Info(format!(
                "Wrote {rows} findings to {name} in {dir}{}",
                ctx.model.plain_note()
            ))])
        }
        FormKind::MakeReport => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            if get("path").is_empty() {
                return Err(store::Error::Invalid(
                    "give a file path for the report".into(),
                ));
            }
            let format = match get("format").as_str() {
                "md" => crate::report::Format::Markdown,
                "docx" => crate::report::Format::Docx,
                _ => crate::report::Format::Html,
            };
            let mut path = ctx.model.export_dir.join(get("path"));
            // the proposed name follows the format chosen
            if path.extension().is_some_and(|e| e == "html") {
                path.set_extension(format.extension());
            }
            let report = crate::report::gather(
                ctx.store,
                &data.audit,
                get("notes") == "yes",
                ctx.model.utc_offset,
            )?;
            crate::export::file::replace_atomically(&path, "the report", |w| {
                Ok(((), crate::report::render(&report, format, None, w)?))
            })?;
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                ctx.model.export_dir = dir.to_path_buf();
            }
            let missing = report.missing.len();
            Ok(vec![Effect::Info(format!(
                "Wrote the report to {}{}{}",
                path.display(),
                match missing {
                    0 => String::new(),
                    1 => " (1 item not recorded yet, listed at its top)".to_string(),
                    n => format!(" ({n} items not recorded yet, listed at its top)"),
                },
                ctx.model.plain_note()
            ))])
        }
        FormKind::FollowUp => {
            let edition = get("edition");
            let catalogue_id = if edition.is_empty() {
                String::new()
            } else {
                crate::catalogue::builtin_id_for_edition(&edition)
                    .ok_or_else(|| store::Error::Invalid(format!("unknown edition {edition:?}")))?
                    .to_string()
            };
            let (audit, carried) = ctx.store.create_follow_up(
                subject,
                &crate::store::FollowUp {
                    audit_type: AuditType::parse(&get("audit_type"))?,
                    catalogue_id,
                    edition,
                    start_date: get("start_date"),
                    end_date: get("end_date"),
                },
            )?;
            Ok(vec![
                Effect::Reload(Slice::Audits),
                Effect::OpenAudit(audit.id.clone()),
                Effect::Info(format!(
                    "Created the {} of {}: {carried} finding{} carried from earlier audits",
                    audit.audit_type.label().to_lowercase(),
                    audit.organisation,
                    if carried == 1 { "" } else { "s" }
                )),
            ])
        }
        FormKind::PlanSlot => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let slot = crate::domain::PlanSlot {
                id: subject.to_string(),
                audit_id: data.audit.id.clone(),
                day: get("day").trim().to_string(),
                start: get("start").trim().to_string(),
                end: get("end").trim().to_string(),
                site: get("site"),
                auditors: get("auditors"),
                clauses: get("clauses"),
                subject: get("subject"),
                contacts: get("contacts"),
                updated_at: String::new(),
            };
            let s = if subject.is_empty() {
                ctx.store.add_plan_slot(&slot)?
            } else {
                ctx.store.update_plan_slot(&slot)?
            };
            Ok(vec![
                Effect::Reload(Slice::Plan),
                Effect::Info(format!(
                    "{} {} {}–{}",
                    if subject.is_empty() {
                        "Added to the plan:"
                    } else {
                        "Slot saved:"
                    },
                    s.day,
                    s.start,
                    s.end
                )),
            ])
        }
        FormKind::NotApplicable => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let (clause, q) = subject
                .rsplit_once('/')
                .and_then(|(c, q)| Some((c.to_string(), q.parse::<u32>().ok()?)))
                .ok_or_else(|| store::Error::Invalid(format!("no question {subject:?}")))?;
            let evidence = data
                .ratings
                .get(&(clause.clone(), q))
                .map(|r| r.evidence.clone())
                .unwrap_or_default();
            let audit_id = data.audit.id.clone();
            ctx.store.rate_question(
                &audit_id,
                &clause,
                q,
                crate::domain::Rating::NotApplicable,
                &get("reason"),
                &evidence,
            )?;
            Ok(vec![
                Effect::Reload(Slice::Ratings),
                Effect::Info(format!("{clause} question {q}: not applicable")),
            ])
        }
        FormKind::Gap => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let audit_id = data.audit.id.clone();
            let state = crate::domain::GapState::parse(&get("state"))?;
            let g = ctx.store.set_gap(
                &audit_id,
                subject,
                Some(&get("owner")),
                Some(&get("action")),
                Some(get("target_date").trim()),
                Some(state),
            )?;
            Ok(vec![
                Effect::Reload(Slice::Ratings),
                Effect::Info(format!(
                    "Gap {}: {}{}",
                    g.reference,
                    g.state.label().to_lowercase(),
                    if g.target_date.is_empty() {
                        String::new()
                    } else {
                        format!(", due {}", g.target_date)
                    }
                )),
            ])
        }
        FormKind::TeamMerge => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let path = std::path::PathBuf::from(get("path").trim());
            if path.as_os_str().is_empty() || path.is_dir() {
                return Err(store::Error::Invalid(
                    "give the path of a team file (written by a teammate's team share)".into(),
                ));
            }
            let audit_id = data.audit.id.clone();
            let r = ctx.store.team_merge(&path)?;
            if r.audit_id != audit_id {
                return Err(store::Error::Invalid(
                    "the team file is of another audit".into(),
                ));
            }
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                ctx.model.export_dir = dir.to_path_buf();
            }
            Ok(vec![
                Effect::OpenAudit(audit_id),
                Effect::Go(crate::tui::views::Screen::Team),
                Effect::Info(format!("Merged {}", r.summary())),
            ])
        }
        FormKind::TeamShare => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let path = std::path::PathBuf::from(get("path").trim());
            if path.as_os_str().is_empty() || path.is_dir() {
                return Err(store::Error::Invalid(
                    "give the team file to write (a file name, not a folder)".into(),
                ));
            }
            let audit_id = data.audit.id.clone();
            let n = ctx.store.team_share(&audit_id, &path)?;
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                ctx.model.export_dir = dir.to_path_buf();
            }
            Ok(vec![
                Effect::Reload(Slice::Team),
                Effect::Info(format!(
                    "Wrote {} ({n} records): a teammate joins with `auditbench team join`, or merges it here with m{}",
                    path.display(),
                    ctx.model.plain_note()
                )),
            ])
        }
        FormKind::Settle => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let number: usize = subject.parse().unwrap_or(0);
            let Some(c) = data.conflicts.iter().find(|c| c.number == number) else {
                return Err(store::Error::NotFound(format!(
                    "no conflict {number} any more"
                )));
            };
            let choice = get("value");
            let how = if choice == "both" {
                store::Settle::KeepBoth
            } else {
                let i: usize = choice
                    .strip_prefix("take:")
                    .and_then(|i| i.parse().ok())
                    .ok_or_else(|| store::Error::Invalid("choose a value with → and ←".into()))?;
                let (v, _, _) = c
                    .values
                    .get(i)
                    .ok_or_else(|| store::Error::Invalid("choose a value with → and ←".into()))?;
                let v = if c.field == crate::team::ALIVE && v != crate::team::DELETED {
                    "kept".to_string()
                } else {
                    v.clone()
                };
                store::Settle::Take(v)
            };
            let audit_id = data.audit.id.clone();
            let said = ctx.store.team_resolve(&audit_id, number, &how)?;
            Ok(vec![
                Effect::OpenAudit(audit_id),
                Effect::Go(crate::tui::views::Screen::Team),
                Effect::Info(format!(
                    "{} (it merges onward with your next team file)",
                    capitalise(&said)
                )),
            ])
        }
        FormKind::EveryVisit => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let clauses = get("every_visit");
            let unknown: Vec<&str> = clauses
                .split_whitespace()
                .filter(|c| data.catalogue.get(c).is_none())
                .collect();
            if !unknown.is_empty() {
                return Err(store::Error::Invalid(format!(
                    "unknown clause{} {} for {}; clause ids separated by spaces, e.g. 9.2 9.3 10.1",
                    if unknown.len() == 1 { "" } else { "s" },
                    unknown.join(", "),
                    data.catalogue.title
                )));
            }
            let c =
                ctx.store
                    .update_client(subject, None, None, None, None, None, Some(&clauses))?;
            Ok(vec![Effect::Info(format!(
                "Every-visit clauses of {}: {}",
                c.name,
                if c.every_visit.is_empty() {
                    "none"
                } else {
                    c.every_visit.as_str()
                }
            ))])
        }
        FormKind::CarriedOutcome => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let audit_id = data.audit.id.clone();
            let by = Some(ctx.store.actor())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| data.audit.lead_auditor.clone());
            let outcome = crate::domain::Outcome::parse(&get("outcome"))?;
            let raise = match get("raise").as_str() {
                "" => None,
                g => Some(crate::domain::Grade::parse(g)?),
            };
            let raised = ctx.store.record_outcome(
                &audit_id,
                subject,
                &crate::store::OutcomeRecord {
                    outcome,
                    evidence: get("evidence"),
                    raise,
                    raised_by: by,
                },
            )?;
            let mut said = format!("Carried finding: {}", outcome.label());
            if let Some(f) = &raised {
                let label = ctx
                    .store
                    .audit_scale(&f.audit_id)
                    .map(|s| s.label(f.grade).to_string())
                    .unwrap_or_else(|_| f.grade.label().to_string());
                said.push_str(&format!("; raised {} ({})", f.reference, label));
            }
            Ok(vec![Effect::Reload(Slice::Findings), Effect::Info(said)])
        }
        FormKind::MakePack => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            if get("path").is_empty() {
                return Err(store::Error::Invalid(
                    "give a new folder for the pack".into(),
                ));
            }
            let path = ctx.model.export_dir.join(get("path"));
            let made = crate::pack::make(ctx.store, &data.audit, &path, get("notes") == "yes")?;
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                ctx.model.export_dir = dir.to_path_buf();
            }
            Ok(vec![Effect::Info(format!(
                "Wrote the hand-over pack to {} (verify-pack checks it)",
                made.dir.display()
            ))])
        }
        FormKind::DeleteAudit => {
            let a = ctx.store.audit(subject)?;
            if get("name") != a.organisation.trim() {
                return Err(store::Error::Invalid(format!(
                    "the name typed is not {:?}; nothing deleted (type it exactly, or press {} to keep the audit)",
                    a.organisation,
                    ctx.model.keymap.key_of(Mode::Form, &Action::Cancel)
                )));
            }
            ctx.store.delete_audit(&a.id)?;
            Ok(vec![
                Effect::Reload(Slice::Audits),
                Effect::Info(format!(
                    "Deleted the audit of {} (its changes stay in the trail)",
                    a.organisation
                )),
            ])
        }
        FormKind::EditAudit => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let mut a = data.audit.clone();
            a.organisation = get("organisation");
            a.audit_type = AuditType::parse(&get("audit_type"))?;
            a.scope = get("scope");
            a.certification_body = get("certification_body");
            a.lead_auditor = get("lead_auditor");
            a.team = get("team");
            a.start_date = get("start_date");
            a.end_date = get("end_date");
            if a.recommendation
                .is_some_and(|d| !crate::domain::Decision::for_type(a.audit_type).contains(&d))
            {
                return Err(store::Error::Invalid(format!(
                    "the recorded recommendation ({}) does not fit a {} audit; clear it first ({} on the overview)",
                    a.recommendation.map_or("", |d| d.label()),
                    a.audit_type.label().to_lowercase(),
                    ctx.model.keymap.key_of(Mode::Overview, &Action::Decide)
                )));
            }
            ctx.store.update_audit(&a)?;
            Ok(vec![
                Effect::Reload(Slice::Audit),
                Effect::Reload(Slice::Audits),
                Effect::Info("Saved the audit's details".into()),
            ])
        }
        FormKind::Reopen => {
            let Some(data) = &ctx.model.data else {
                return none();
            };
            let id = data.audit.id.clone();
            ctx.store.reopen_audit(&id, &get("reason"))?;
            Ok(vec![
                Effect::OpenAudit(id),
                Effect::Info("Reopened the audit; the reason is in its audit trail".into()),
            ])
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
