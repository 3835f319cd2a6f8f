//! `auditbench rate` (one question of a rehearsal) and `auditbench
//! readiness --audit ID` (the share met per main clause and overall, the
//! clauses furthest behind).

use anyhow::{anyhow, Result};

use super::Context_;
use crate::domain::{readiness, Rating};

#[derive(Debug, clap::Args)]
pub struct RateArgs {
    #[arg(long)]
    audit: String,
    /// An assessable clause, e.g. 8.5.1.3.
    #[arg(long)]
    clause: String,
    /// The question's number in the clause (1, 2, …; `auditbench catalogue`
    /// lists them).
    #[arg(long)]
    question: u32,
    /// met, partly_met, not_met or not_applicable (na).
    #[arg(long)]
    rating: String,
    /// A note; for not applicable, its reason.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    note: String,
    /// Where the evidence is (a document or record reference).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    evidence: String,
}

#[derive(Debug, clap::Args)]
pub struct ReadinessArgs {
    #[arg(long)]
    audit: String,
}

pub fn rate(ctx: &Context_, a: RateArgs) -> Result<()> {
    let rating = Rating::parse(&a.rating).map_err(|e| anyhow!(e))?;
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    let r = store.rate_question(
        &audit.id,
        a.clause.trim(),
        a.question,
        rating,
        &a.note,
        &a.evidence,
    )?;
    outln!(
        "{} question {}: {}",
        r.clause_id,
        r.question,
        r.rating.label()
    )?;
    Ok(())
}

pub fn show(ctx: &Context_, a: ReadinessArgs) -> Result<()> {
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&a.audit)?;
    let cat = store.catalogue(&audit.catalogue_id)?;
    let r = readiness(&cat, &store.rating_map(&audit.id)?);
    outln!(
        "Readiness of {} ({}): {}% of the applicable questions met (partly met counted as half; not applicable left out; not rated yet counted as not met)",
        audit.organisation,
        audit.audit_type.label(),
        r.overall.percent()
    )?;
    outln!(
        "{:<6} {:>5}  {:>4} {:>6} {:>7} {:>8}  title",
        "clause",
        "ready",
        "met",
        "partly",
        "not met",
        "unrated"
    )?;
    for m in &r.main {
        outln!(
            "{:<6} {:>4}%  {:>4} {:>6} {:>7} {:>8}  {}",
            m.id,
            m.percent(),
            m.met,
            m.partly,
            m.not_met,
            m.unrated,
            m.title
        )?;
    }
    let rated: u32 = r.overall.met + r.overall.partly + r.overall.not_met;
    outln!(
        "Rated {rated} of {} applicable questions.",
        r.overall.applicable
    )?;
    let behind: Vec<String> = r
        .behind
        .iter()
        .filter(|s| s.unrated < s.applicable)
        .take(10)
        .map(|s| format!("{} ({}%)", s.id, s.percent()))
        .collect();
    if !behind.is_empty() {
        outln!(
            "Furthest behind, of the clauses rated: {}",
            behind.join(", ")
        )?;
    }
    Ok(())
}
