//! `auditbench time --audit ID [--set CLAUSE=MINUTES [--day DAY]]`: time
//! per clause and per day, walked against planned, and what departed from
//! the plan.

use anyhow::{anyhow, Result};

use super::Context_;
use crate::domain::{hours, plan_check, Stage};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    audit: String,
    /// Correct a clause's time by hand: CLAUSE=MINUTES (repeatable).
    #[arg(long, value_name = "CLAUSE=MINUTES")]
    set: Vec<String>,
    /// The day of the correction (YYYY-MM-DD): needed for a clause walked
    /// on several days; otherwise the day it was walked, or today.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "set")]
    day: Option<String>,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    if !args.set.is_empty() {
        let mut store = ctx.open_existing()?;
        let a = store.find_audit(&args.audit)?;
        let mut set = Vec::new();
        for s in &args.set {
            let (clause, minutes) = s
                .split_once('=')
                .and_then(|(c, m)| Some((c.trim(), m.trim().parse::<i64>().ok()?)))
                .filter(|(_, m)| *m >= 0)
                .ok_or_else(|| anyhow!("--set {s:?} is not CLAUSE=MINUTES, e.g. --set 8.5.1=45"))?;
            set.push((clause, minutes));
        }
        for (clause, minutes) in set {
            let day = store.set_clause_time(&a.id, clause, args.day.as_deref(), minutes * 60)?;
            outln!("{clause}: {minutes} min on {day}")?;
        }
        return Ok(());
    }
    let store = ctx.open_to_read()?;
    let a = store.find_audit(&args.audit)?;
    let cat = store.catalogue(&a.catalogue_id)?;
    let walked = store.clause_times(&a.id)?;
    let by_day = store.time_per_day(&a.id)?;
    let plan = store.plan(&a.id)?;
    let stage2 = store.clause_reviews_by_id(&a.id, Stage::TWO)?;
    let assessable = cat.assessable_ids();
    outln!("{:<10} {:>8} {:>8}  title", "clause", "walked", "planned")?;
    let (mut tw, mut tp) = (0i64, 0i64);
    for c in cat.clauses().iter().filter(|c| cat.is_assessable(c)) {
        let w = walked.get(&c.id).copied().unwrap_or(0) / 60;
        let p: i64 = plan.iter().map(|s| s.minutes_for(&c.id, &assessable)).sum();
        if w == 0 && p == 0 {
            continue;
        }
        tw += w;
        tp += p;
        outln!("{:<10} {:>5} min {:>4} min  {}", c.id, w, p, c.title)?;
    }
    let check = plan_check(&plan, &assessable, &stage2, &walked, &by_day);
    if !check.days.is_empty() {
        outln!("")?;
        outln!("{:<10} {:>8} {:>8}", "day", "walked", "planned")?;
        for d in &check.days {
            outln!(
                "{:<10} {:>8} {:>8}",
                d.day,
                hours(d.walked),
                hours(d.planned)
            )?;
        }
    }
    let planned_all: i64 = plan.iter().map(crate::domain::PlanSlot::minutes).sum();
    outln!("")?;
    outln!(
        "Walked {} on clauses, planned {} on clauses ({} in the whole plan; {:.1} auditor-days of 8 h, each slot counted once per auditor)",
        hours(tw),
        hours(tp),
        hours(planned_all),
        crate::domain::PlanSlot::auditor_days(&plan)
    )?;
    if plan.is_empty() {
        outln!(
            "No plan yet: `auditbench plan add --audit {}` makes one.",
            a.id
        )?;
    } else if check.deviations.is_empty() {
        outln!("No deviation from the plan.")?;
    } else {
        outln!("Deviations from the plan:")?;
        for d in &check.deviations {
            outln!("  - {d}")?;
        }
    }
    Ok(())
}
