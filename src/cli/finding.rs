use anyhow::{anyhow, Result};
use clap::Subcommand;

use super::{parse_opt, Context_};
use crate::domain::{check_date, FindingStatus, NewFinding, Stage};
use crate::store::FindingFilter;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Raise a finding and print its reference (e.g. NC-003).
    Add(AddArgs),
    /// List the findings of an audit in report order.
    List(ListArgs),
    /// Change a finding: its grade, status, clause or any text field (--set FIELD=TEXT).
    Edit(EditArgs),
    /// Delete a finding; its reference is never given again and the trail keeps it.
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// The finding's reference, e.g. NC-003.
    #[arg(long)]
    finding: String,
    /// A new grade (a finding of another kind takes a new reference).
    #[arg(long)]
    grade: Option<String>,
    /// A new status: open, response_received, plan_accepted, closed.
    #[arg(long)]
    status: Option<String>,
    /// Another clause of the audit's catalogue.
    #[arg(long)]
    clause: Option<String>,
    /// FIELD=TEXT, repeatable: title, requirement, statement, evidence,
    /// root_cause, correction, corrective_action, due_date, raised_by,
    /// verified_on, verified_by, verification_method, verification_evidence.
    #[arg(long = "set", value_name = "FIELD=TEXT", allow_hyphen_values = true)]
    set: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// The finding's reference, e.g. NC-003.
    #[arg(long)]
    finding: String,
    /// The reference typed again, to confirm (asked for on a terminal when not given).
    #[arg(long, value_name = "REF")]
    confirm: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// Clause of the audit's catalogue, e.g. 8.5.1.
    #[arg(long)]
    clause: String,
    /// A grade of the audit's scale, by code or label (case-insensitive;
    /// generic scale: major, minor, observation, ofi, good_practice).
    #[arg(long)]
    grade: String,
    /// Short title.
    #[arg(long, allow_hyphen_values = true)]
    title: String,
    /// The nonconformity statement (what was wrong, or what was seen).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    statement: String,
    /// Objective evidence (records, interviews, observations).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    evidence: String,
    /// The requirement (criterion) the evidence was compared with.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    requirement: String,
    /// Audit stage: 1 or 2.
    #[arg(long, default_value_t = 2)]
    stage: u8,
    /// Due date of the client's response, YYYY-MM-DD.
    #[arg(long, default_value = "")]
    due: String,
    /// Auditor who raised it (default: the audit's lead auditor).
    #[arg(long, allow_hyphen_values = true)]
    raised_by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// Only this grade.
    #[arg(long)]
    grade: Option<String>,
    /// Only this status: open, response_received, closed.
    #[arg(long)]
    status: Option<String>,
    /// Only this clause.
    #[arg(long)]
    clause: Option<String>,
}

pub fn run(ctx: &Context_, cmd: Command) -> Result<()> {
    match cmd {
        Command::Add(a) => add(ctx, a),
        Command::List(a) => list(ctx, a),
        Command::Edit(a) => edit(ctx, a),
        Command::Delete(a) => delete(ctx, a),
    }
}

fn edit(ctx: &Context_, a: EditArgs) -> Result<()> {
    use crate::store::FindingField;
    // every --set checked before anything is written
    let mut sets = Vec::new();
    for s in &a.set {
        let (name, value) = s.split_once('=').ok_or_else(|| {
            anyhow!("--set {s:?}: give FIELD=TEXT, e.g. --set title=\"Changes not reviewed\"")
        })?;
        let field = FindingField::ALL
            .iter()
            .copied()
            .find(|f| f.column() == name.trim())
            .ok_or_else(|| {
                anyhow!(
                    "--set: no field {:?}; accepted: {}",
                    name.trim(),
                    FindingField::ALL
                        .iter()
                        .map(|f| f.column())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        if matches!(field, FindingField::DueDate | FindingField::VerifiedOn) {
            check_date(field.column(), value).map_err(|e| anyhow!(e))?;
        }
        sets.push((field, value.to_string()));
    }
    let status = parse_opt(a.status.as_deref(), FindingStatus::parse)?;
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    let mut f = store.finding_by_ref(&audit.id, a.finding.trim())?;
    if let Some(g) = &a.grade {
        let grade = store
            .audit_scale(&audit.id)?
            .parse_grade(g)
            .map_err(|e| anyhow!(e))?;
        f = store.set_finding_grade(&f.id, grade)?;
    }
    if let Some(c) = &a.clause {
        store.set_finding_clause(&f.id, c.trim())?;
    }
    for (field, value) in &sets {
        store.set_finding_field(&f.id, *field, value)?;
    }
    if let Some(st) = status {
        store.set_finding_status(&f.id, st)?;
    }
    outln!("{}", store.finding(&f.id)?.reference)?;
    Ok(())
}

fn delete(ctx: &Context_, a: DeleteArgs) -> Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    let f = store.finding_by_ref(&audit.id, a.finding.trim())?;
    let typed = match a.confirm {
        Some(t) => t,
        None => {
            if !std::io::stdin().is_terminal() {
                anyhow::bail!("deleting a finding needs its reference typed again: give --confirm REF when not at a terminal");
            }
            eprint!(
                "Delete {} {}? Type its reference to confirm: ",
                f.reference,
                crate::text::one_line(&f.title)
            );
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line
        }
    };
    if typed.trim() != f.reference {
        anyhow::bail!(
            "{:?} is not {}; nothing was deleted",
            typed.trim(),
            f.reference
        );
    }
    store.delete_finding(&f.id)?;
    outln!("deleted {}", f.reference)?;
    Ok(())
}

fn add(ctx: &Context_, a: AddArgs) -> Result<()> {
    // Validate everything we can before touching the file.
    let stage = Stage::new(a.stage).map_err(|e| anyhow!(e))?;
    check_date("due date", &a.due).map_err(|e| anyhow!(e))?;
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    // the grade in the audit's own scale (codes and labels)
    let grade = store
        .audit_scale(&audit.id)?
        .parse_grade(&a.grade)
        .map_err(|e| anyhow!(e))?;
    let finding = store.add_finding(
        &audit.id,
        &NewFinding {
            clause_id: a.clause,
            stage,
            grade,
            title: a.title,
            requirement: a.requirement,
            statement: a.statement,
            evidence: a.evidence,
            raised_by: a.raised_by.unwrap_or_else(|| {
                Some(store.actor())
                    .filter(|n| !n.is_empty())
                    .unwrap_or(audit.lead_auditor)
            }),
            due_date: a.due,
        },
    )?;
    outln!("{}", finding.reference)?;
    Ok(())
}

fn list(ctx: &Context_, a: ListArgs) -> Result<()> {
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&a.audit)?;
    let scale = store.audit_scale(&audit.id)?;
    let filter = FindingFilter {
        grade: match a.grade.as_deref() {
            Some(g) => Some(scale.parse_grade(g).map_err(|e| anyhow!(e))?),
            None => None,
        },
        status: parse_opt(a.status.as_deref(), FindingStatus::parse)?,
        clause_id: a.clause,
    };
    outln!(
        "{:<8}  {:<28}  {:<10}  {:<18}  title",
        "ref",
        "grade",
        "clause",
        "status"
    )?;
    store.for_each_finding(&audit.id, &filter, |f| {
        outln!(
            "{:<8}  {:<28}  {:<10}  {:<18}  {}",
            f.reference,
            scale.label(f.grade),
            f.clause_id,
            f.status_label(),
            f.title
        )
        .map_err(|e| crate::store::Error::Io(e.to_string()))
    })?;
    Ok(())
}
