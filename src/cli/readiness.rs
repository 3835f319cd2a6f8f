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
#[group(required = true, multiple = false)]
pub struct ReadinessArgs {
    /// One rehearsal: per main clause, and the clauses furthest behind.
    #[arg(long)]
    audit: Option<String>,
    /// The client's rehearsals side by side, and the gaps closed in between.
    #[arg(long)]
    client: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EvidenceArgs {
    #[arg(long)]
    audit: String,
    /// Months of records wanted per process (default: evidence_min_months
    /// in config.toml, else 3).
    #[arg(long)]
    min_months: Option<u32>,
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
    if let Some(client) = &a.client {
        return trend(&store, client);
    }
    let audit = store.find_audit(a.audit.as_deref().unwrap_or_default())?;
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
    /// text (for people), csv or xlsx (xlsx needs --out).
    #[arg(long, value_enum, default_value_t = GapsFormat::Text)]
    format: GapsFormat,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GapsFormat {
    Text,
    Csv,
    Xlsx,
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
        GapsFormat::Xlsx => {
            let Some(path) = a.out.filter(|p| p.as_os_str() != "-") else {
                return Err(anyhow!(
                    "an XLSX workbook is a binary file, not for standard output: give --out FILE.xlsx"
                ));
            };
            let n = crate::export::file::replace_atomically(&path, "the workbook", |out| {
                crate::export::xlsx::write_gaps(&gaps, &today, out)
            })?;
            eprintln!("wrote {n} gaps to {}", path.display());
        }
        GapsFormat::Csv => {
            let write = |w: &mut dyn std::io::Write, inert: bool| -> Result<()> {
                let mut w = csv::Writer::from_writer(w);
                w.write_record(crate::export::xlsx::GAP_HEADERS)?;
                for g in &gaps {
                    let row = crate::export::xlsx::gap_row(g, &today);
                    if inert {
                        w.write_record(row.iter().map(|v| crate::text::inert(v).into_owned()))?;
                    } else {
                        w.write_record(row)?;
                    }
                }
                w.flush()?;
                Ok(())
            };
            match a.out.filter(|p| p.as_os_str() != "-") {
                Some(path) => {
                    crate::export::file::replace_atomically(&path, "the CSV", |mut out| {
                        write(&mut out, false)
                            .map_err(|e| crate::store::Error::Io(e.to_string()))?;
                        Ok(((), out))
                    })?;
                    eprintln!("wrote {} gaps to {}", gaps.len(), path.display());
                }
                None => {
                    // byte-exact into a pipe or a file; made inert on a terminal
                    use std::io::IsTerminal;
                    let tty = std::io::stdout().is_terminal();
                    write(&mut std::io::stdout().lock(), tty)?;
                }
            }
        }
        GapsFormat::Text => {
            if gaps.is_empty() {
                outln!("No gap: no question rated partly met or not met, and no nonconformity, concern or observation.")?;
                return Ok(());
            }
            outln!(
                "{:<21} {:<11} {:<12} {:<16} {:<10} what",
                "gap",
                "why",
                "state",
                "owner",
                "due"
            )?;
            for g in &gaps {
                outln!(
                    "{:<21} {:<11} {:<12} {:<16} {:<10} {}{}",
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

/// The client's rehearsals side by side: readiness per main clause, gaps
/// open, and what closed between one rehearsal and the next.
fn trend(store: &crate::store::Store, client: &str) -> Result<()> {
    let client = store.find_client(client)?;
    let rs = store.rehearsals(&client.id)?;
    if rs.is_empty() {
        return Err(anyhow!(
            "{} has no rehearsal (internal audit) yet; `auditbench new --type internal` starts one",
            client.name
        ));
    }
    outln!(
        "Readiness of {} across {} rehearsal{} (share of the applicable questions met, partly met counted as half)",
        client.name,
        rs.len(),
        if rs.len() == 1 { "" } else { "s" }
    )?;
    let col = |r: &crate::domain::Rehearsal| {
        if r.audit.start_date.is_empty() {
            r.audit.id.get(..8).unwrap_or(&r.audit.id).to_string()
        } else {
            r.audit.start_date.clone()
        }
    };
    let mut head = format!("{:<8}", "clause");
    for r in &rs {
        head.push_str(&format!(" {:>10}", col(r)));
    }
    outln!("{head}  title")?;
    for (i, m) in rs[rs.len() - 1].readiness.main.iter().enumerate() {
        let mut line = format!("{:<8}", m.id);
        for r in &rs {
            let p = r
                .readiness
                .main
                .get(i)
                .filter(|x| x.id == m.id)
                .map(|x| x.percent());
            line.push_str(&match p {
                Some(p) => format!(" {:>9}%", p),
                None => format!(" {:>10}", "—"),
            });
        }
        outln!("{line}  {}", m.title)?;
    }
    let mut line = format!("{:<8}", "overall");
    for r in &rs {
        line.push_str(&format!(" {:>9}%", r.readiness.overall.percent()));
    }
    outln!("{line}")?;
    let mut line = format!("{:<8}", "gaps");
    for r in &rs {
        let open = r
            .gaps
            .iter()
            .filter(|g| g.state != crate::domain::GapState::Done)
            .count();
        line.push_str(&format!(" {:>10}", open));
    }
    outln!("{line}  (not done)")?;
    for w in rs.windows(2) {
        let closed = crate::domain::closed_between(&w[0].gaps, &w[1].gaps);
        outln!(
            "Closed between {} and {}: {}",
            col(&w[0]),
            col(&w[1]),
            if closed.is_empty() {
                "none".to_string()
            } else {
                closed.len().to_string()
            }
        )?;
        for g in closed {
            outln!("  {:<14} {}", g.reference, g.what)?;
        }
    }
    Ok(())
}

/// Months of records seen per process, with a warning below the minimum.
pub fn evidence(ctx: &Context_, a: EvidenceArgs) -> Result<()> {
    let (settings, warning) = crate::config::Settings::user();
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    let min = a.min_months.unwrap_or(settings.evidence_min_months);
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&a.audit)?;
    let cat = store.catalogue(&audit.catalogue_id)?;
    let windows = crate::domain::evidence_windows(&cat, &store.samples(&audit.id)?);
    outln!(
        "Months of records seen per process (samples' periods, overlaps counted once); wanted: {min}"
    )?;
    outln!(
        "{:<9} {:>6}  {:<23} {:>7}  title",
        "clause",
        "months",
        "records from – to",
        "samples"
    )?;
    for w in &windows {
        let span = if w.from.is_empty() {
            "—".to_string()
        } else {
            format!("{} – {}", w.from, w.to)
        };
        outln!(
            "{:<9} {:>6.1}  {:<23} {:>7}  {}{}",
            w.clause_id,
            w.months,
            span,
            w.samples,
            if w.short(min) { "SHORT " } else { "" },
            w.title
        )?;
    }
    let short = windows.iter().filter(|w| w.short(min)).count();
    let undated: usize = windows.iter().map(|w| w.undated).sum();
    outln!(
        "{short} of {} processes have fewer than {min} months of records seen{}.",
        windows.len(),
        if undated > 0 {
            format!("; {undated} samples say no period (give it in the Samples screen)")
        } else {
            String::new()
        }
    )?;
    Ok(())
}
