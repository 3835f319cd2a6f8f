//! Reporting and reopening audits, their history, and verifying the trail.

use anyhow::{anyhow, bail, Result};

use super::Context_;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
}

#[derive(Debug, clap::Args)]
pub struct ReopenArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// Why the reported audit is reopened (kept in the audit trail).
    #[arg(long, allow_hyphen_values = true)]
    reason: String,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// A finding's reference (e.g. NC-003); without it, the whole audit's trail.
    finding: Option<String>,
}

/// `auditbench audit …`
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Change an audit's details, its recommendation or the justification,
    /// and the items of its context for the report (--set ITEM=TEXT).
    Edit(Box<EditArgs>),
    /// Delete an audit and everything in it; its changes stay in the trail.
    Delete(DeleteArgs),
    /// Mark an audit as reported: its findings and records become read-only.
    Report(ReportArgs),
    /// Reopen a reported audit; the reason is kept in the audit trail.
    Reopen(ReopenArgs),
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// The audit's organisation name, typed out to confirm (asked for on a
    /// terminal when not given).
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    confirm_name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    org: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    scope: Option<String>,
    /// stage1, stage2, surveillance, recertification, special, internal.
    #[arg(long = "type", value_name = "TYPE")]
    audit_type: Option<String>,
    /// The certification body.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    cb: Option<String>,
    /// The lead auditor.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    lead: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    team: Option<String>,
    /// YYYY-MM-DD, or "" to clear.
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    #[arg(long, value_name = "DATE")]
    end: Option<String>,
    /// The team's recommendation (a code; `none` clears it). Accepted codes
    /// depend on the audit type: recommend, recommend_after_verification,
    /// do_not_recommend (stage 2, recertification), ready_for_stage2,
    /// not_ready_for_stage2 (stage 1), continue, suspend (surveillance),
    /// readiness (internal).
    #[arg(long, value_name = "CODE")]
    recommendation: Option<String>,
    /// The recommendation's justification.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    justification: Option<String>,
    /// An item of the audit's context for the report, ITEM=TEXT (repeat
    /// for several; an empty TEXT clears it). Items: client_address,
    /// client_representative, team_roles, client_participants, criteria,
    /// objectives, certificate_scope, combination, sites, opening_meeting,
    /// closing_meeting, diverging_opinions, plan_deviations, obstacles,
    /// changes, marks_use, conformity, scope_appropriate, objectives_met.
    #[arg(long = "set", value_name = "ITEM=TEXT", allow_hyphen_values = true)]
    set: Vec<String>,
}

pub fn run(ctx: &Context_, cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Edit(e) => edit(ctx, *e),
        AuditCommand::Delete(d) => delete(ctx, d),
        AuditCommand::Report(r) => report(ctx, r),
        AuditCommand::Reopen(r) => reopen(ctx, r),
    }
}

fn delete(ctx: &Context_, d: DeleteArgs) -> Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&d.audit)?;
    let typed = match d.confirm_name {
        Some(n) => n,
        None => {
            if !std::io::stdin().is_terminal() {
                bail!("deleting an audit needs its organisation's name: give --confirm-name when not at a terminal");
            }
            eprint!(
                "Delete the audit of {} and everything in it? Type its organisation's name: ",
                crate::text::inert(&audit.organisation)
            );
            std::io::stderr().flush()?;
            let mut answer = String::new();
            std::io::stdin().lock().read_line(&mut answer)?;
            answer
        }
    };
    if typed.trim() != audit.organisation.trim() {
        bail!("the name given is not the audit's organisation; nothing deleted");
    }
    store.delete_audit(&audit.id)?;
    outln!(
        "Deleted the audit of {}; its changes stay in the audit trail (auditbench history --audit {}).",
        audit.organisation,
        audit.id
    )?;
    Ok(())
}

fn edit(ctx: &Context_, e: EditArgs) -> Result<()> {
    let mut store = ctx.open_existing()?;
    let mut a = store.find_audit(&e.audit)?;
    let given = [
        &e.org,
        &e.scope,
        &e.audit_type,
        &e.cb,
        &e.lead,
        &e.team,
        &e.start,
        &e.end,
        &e.recommendation,
        &e.justification,
    ];
    // the context items, all checked before anything is written
    let mut items = Vec::new();
    for pair in &e.set {
        let Some((item, text)) = pair.split_once('=') else {
            bail!("--set {pair:?} has no '='; write --set ITEM=TEXT, e.g. --set sites='Head office, on site'");
        };
        let item = crate::domain::ContextItem::parse(item).map_err(|e| anyhow!(e))?;
        items.push((item, text.to_string()));
    }
    if given.iter().all(|v| v.is_none()) {
        if items.is_empty() {
            bail!("nothing to change: give at least one of --org, --scope, --type, --cb, --lead, --team, --start, --end, --recommendation, --justification, --set ITEM=TEXT");
        }
        store.atomically(|s| {
            for (item, text) in &items {
                s.set_audit_context(&a.id, *item, text)?;
            }
            Ok(())
        })?;
        outln!(
            "Saved {} item{} of the report's context for the audit of {}.",
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            a.organisation
        )?;
        return Ok(());
    }
    if let Some(v) = e.org {
        a.organisation = v;
    }
    if let Some(v) = e.scope {
        a.scope = v;
    }
    if let Some(v) = e.audit_type {
        a.audit_type = crate::domain::AuditType::parse(&v).map_err(|e| anyhow!(e))?;
    }
    if let Some(v) = e.cb {
        a.certification_body = v;
    }
    if let Some(v) = e.lead {
        a.lead_auditor = v;
    }
    if let Some(v) = e.team {
        a.team = v;
    }
    if let Some(v) = e.start {
        a.start_date = v.trim().to_string();
    }
    if let Some(v) = e.end {
        a.end_date = v.trim().to_string();
    }
    if let Some(v) = e.justification {
        a.recommendation_note = v;
    }
    let decision = match e.recommendation.as_deref().map(str::trim) {
        None => a.recommendation,
        Some("none") | Some("") => None,
        Some(code) => Some(crate::domain::Decision::parse(code).map_err(|e| anyhow!(e))?),
    };
    if let Some(d) = decision {
        let allowed = crate::domain::Decision::for_type(a.audit_type);
        if !allowed.contains(&d) {
            bail!(
                "{:?} is not a recommendation for a {} audit; accepted: {}, none",
                d.code(),
                a.audit_type.label().to_lowercase(),
                allowed
                    .iter()
                    .map(|d| d.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    // one transaction: the details, the recommendation, the context
    store.atomically(|s| {
        s.batch_audit_edit(&a, decision)?;
        for (item, text) in &items {
            s.set_audit_context(&a.id, *item, text)?;
        }
        Ok(())
    })?;
    outln!("Saved the details of the audit of {}.", a.organisation)?;
    Ok(())
}

pub fn report(ctx: &Context_, a: ReportArgs) -> Result<()> {
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    store.report_audit(&audit.id)?;
    outln!(
        "The audit of {} is reported; its findings are read-only until it is reopened.",
        audit.organisation
    )?;
    Ok(())
}

pub fn reopen(ctx: &Context_, a: ReopenArgs) -> Result<()> {
    if a.reason.trim().is_empty() {
        bail!("--reason is empty; say why the reported audit is reopened");
    }
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    store.reopen_audit(&audit.id, &a.reason)?;
    outln!("Reopened the audit of {}.", audit.organisation)?;
    Ok(())
}

pub fn history(ctx: &Context_, a: HistoryArgs) -> Result<()> {
    let store = ctx.open_to_read()?;
    let entries = match (store.find_audit(&a.audit), &a.finding) {
        (Ok(audit), Some(r)) => {
            let f = store.finding_by_ref(&audit.id, r)?;
            store.history("finding", &f.id)?
        }
        (Ok(audit), None) => store.audit_history(&audit.id)?,
        // a deleted audit's trail outlives it
        (Err(e), None) => match store.deleted_audit_id(&a.audit)? {
            Some(id) => store.audit_history(&id)?,
            None => return Err(e.into()),
        },
        (Err(e), Some(_)) => return Err(e.into()),
    };
    if entries.is_empty() {
        outln!("No recorded changes.")?;
    }
    for e in entries {
        outln!(
            "{:>6}  {}  {:<20}  {:<14}  {:<18}  {}",
            e.seq,
            e.at,
            e.actor,
            e.label,
            e.field,
            crate::domain::readable_change(&e.field, e.old.as_deref(), e.new.as_deref(), 120)
        )?;
    }
    Ok(())
}

pub fn verify(ctx: &Context_) -> Result<()> {
    let store = ctx.open_to_read()?;
    // Every page, not only what an open checks.
    let pages: String = store
        .connection()
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if pages != "ok" {
        return Err(anyhow!(
            "the file is damaged (integrity_check: {pages}); restore it from a backup (auditbench restore)"
        ));
    }
    // a hand-over pack's copy holds one audit's rows of a longer chain:
    // each is checked on its own (verify-pack also checks them against the
    // pack's manifest)
    if let Some(audit) = store.local_setting(crate::store::pack::PACK_COPY_OF)? {
        let (trail, broken) = crate::store::check_trail(store.connection())?;
        if let Some((seq, why)) = broken {
            return Err(anyhow!(
                "the audit trail is broken at row {seq}: {why}; ask for the pack again"
            ));
        }
        if let Some(why) = store.verify_data()? {
            return Err(anyhow!(
                "the data does not match its audit trail: {why}; ask for the pack again"
            ));
        }
        outln!(
            "This is the hand-over pack copy of audit {audit}: integrity_check ok; its {} audit trail rows (this audit's part of the auditor's chain) each match their hash, and every record matches them; the last row's hash is {}. Check them against the pack's MANIFEST with auditbench verify-pack DIR.",
            trail.rows,
            trail.head
        )?;
        return Ok(());
    }
    let report = store.verify_history()?;
    if report.broken.is_none() {
        if let Some(why) = store.verify_schema()? {
            return Err(anyhow!(
                "the file's schema was changed outside auditbench: {why}; restore the file from a backup (auditbench restore)"
            ));
        }
        if let Some(why) = store.verify_data()? {
            return Err(anyhow!(
                "the data does not match its audit trail: {why}; restore the file from a backup (auditbench restore)"
            ));
        }
    }
    match report.broken {
        None => {
            outln!(
                "The file is intact (integrity_check ok, the schema is the one shipped) and so is its audit trail: {} changes, each linked to the one before, and every record matches them.",
                report.rows
            )?;
            Ok(())
        }
        Some((_, why)) => Err(anyhow!(
            "the audit trail is broken: {why}; restore the file from a backup (auditbench restore)"
        )),
    }
}
