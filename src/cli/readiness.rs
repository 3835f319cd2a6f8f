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

#[derive(Debug, clap::Args)]
pub struct GapsArgs {
    #[arg(long)]
    audit: String,
    /// text (for people) or csv.
    #[arg(long, value_enum, default_value_t = GapsFormat::Text)]
    format: GapsFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GapsFormat {
    Text,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct GapArgs {
    #[arg(long)]
    audit: String,
    /// The gap: a question ("8.5.1.3 Q2" or "8.5.1.3/2") or a finding's reference.
    #[arg(long)]
    gap: String,
    #[arg(long, allow_hyphen_values = true)]
    owner: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    action: Option<String>,
    /// The target date, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    due: Option<String>,
    /// planned, in_progress or done.
    #[arg(long)]
    state: Option<String>,
}

/// The gap plan, by target date: overdue gaps marked.
pub fn gaps(ctx: &Context_, a: GapsArgs) -> Result<()> {
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&a.audit)?;
    let gaps = store.gaps(&audit.id)?;
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    match a.format {
        GapsFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record([
                "gap",
                "clause",
                "what",
                "why",
                "owner",
                "action",
                "target date",
                "state",
                "overdue",
            ])?;
            // byte-exact into a pipe or a file; made inert on a terminal
            use std::io::IsTerminal;
            let tty = std::io::stdout().is_terminal();
            for g in &gaps {
                let row: [&str; 9] = [
                    g.reference.as_str(),
                    &g.clause_id,
                    &g.what,
                    &g.why,
                    &g.owner,
                    &g.action,
                    &g.target_date,
                    g.state.label(),
                    if g.overdue(&today) { "yes" } else { "" },
                ];
                if tty {
                    w.write_record(row.iter().map(|v| crate::text::inert(v).into_owned()))?;
                } else {
                    w.write_record(row)?;
                }
            }
            w.flush()?;
        }
        GapsFormat::Text => {
            if gaps.is_empty() {
                outln!("No gap: no question rated partly met or not met, and no nonconformity, concern or observation.")?;
                return Ok(());
            }
            outln!(
                "{:<14} {:<11} {:<12} {:<16} {:<10} what",
                "gap",
                "why",
                "state",
                "owner",
                "due"
            )?;
            for g in &gaps {
                outln!(
                    "{:<14} {:<11} {:<12} {:<16} {:<10} {}{}",
                    g.reference,
                    g.why.chars().take(11).collect::<String>(),
                    g.state.label(),
                    g.owner.chars().take(16).collect::<String>(),
                    if g.target_date.is_empty() {
                        "—"
                    } else {
                        &g.target_date
                    },
                    if g.overdue(&today) { "OVERDUE " } else { "" },
                    g.what
                )?;
            }
            let open = gaps
                .iter()
                .filter(|g| g.state != crate::domain::GapState::Done)
                .count();
            let overdue = gaps.iter().filter(|g| g.overdue(&today)).count();
            outln!("{} gaps, {open} not done, {overdue} overdue.", gaps.len())?;
        }
    }
    Ok(())
}

pub fn gap(ctx: &Context_, a: GapArgs) -> Result<()> {
    let state = a
        .state
        .as_deref()
        .map(crate::domain::GapState::parse)
        .transpose()
        .map_err(|e| anyhow!(e))?;
    if a.owner.is_none() && a.action.is_none() && a.due.is_none() && state.is_none() {
        return Err(anyhow!(
            "nothing to change: give at least one of --owner, --action, --due, --state"
        ));
    }
    let mut store = ctx.open_existing()?;
    let audit = store.find_audit(&a.audit)?;
    let g = store.set_gap(
        &audit.id,
        &a.gap,
        a.owner.as_deref(),
        a.action.as_deref(),
        a.due.as_deref(),
        state,
    )?;
    outln!(
        "{}: {} · {} · due {}",
        g.reference,
        g.state.label(),
        if g.owner.is_empty() {
            "no owner"
        } else {
            &g.owner
        },
        if g.target_date.is_empty() {
            "—"
        } else {
            &g.target_date
        }
    )?;
    Ok(())
}
