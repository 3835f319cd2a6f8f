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
    let audit = store.find_audit(&a.audit)?;
    let entries = match &a.finding {
        Some(r) => {
            let f = store.finding_by_ref(&audit.id, r)?;
            store.history("finding", &f.id)?
        }
        None => store.audit_history(&audit.id)?,
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
            crate::domain::change_summary(e.old.as_deref(), e.new.as_deref(), 120)
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
