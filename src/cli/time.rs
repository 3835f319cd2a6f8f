//! `auditbench time --audit ID [--set CLAUSE=MINUTES]`: time per clause,
//! walked against planned.

use anyhow::{anyhow, Result};

use super::Context_;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    audit: String,
    /// Correct a clause's time by hand: CLAUSE=MINUTES (repeatable).
    #[arg(long, value_name = "CLAUSE=MINUTES")]
    set: Vec<String>,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    if !args.set.is_empty() {
        let mut store = ctx.open_existing()?;
        let a = store.find_audit(&args.audit)?;
        for s in &args.set {
            let (clause, minutes) = s
                .split_once('=')
                .and_then(|(c, m)| Some((c.trim(), m.trim().parse::<i64>().ok()?)))
                .filter(|(_, m)| *m >= 0)
                .ok_or_else(|| anyhow!("--set {s:?} is not CLAUSE=MINUTES, e.g. --set 8.5.1=45"))?;
            store.set_clause_time(&a.id, clause, minutes * 60)?;
        }
        outln!(
            "Time corrected for {} clause{}.",
            args.set.len(),
            if args.set.len() == 1 { "" } else { "s" }
        )?;
        return Ok(());
    }
    let store = ctx.open_to_read()?;
    let a = store.find_audit(&args.audit)?;
    let cat = store.catalogue(&a.catalogue_id)?;
    let walked = store.clause_times(&a.id)?;
    let plan = store.plan(&a.id)?;
    outln!("{:<10} {:>8} {:>8}  title", "clause", "walked", "planned")?;
    let (mut tw, mut tp) = (0i64, 0i64);
    for c in cat.clauses().iter().filter(|c| cat.is_assessable(c)) {
        let w = walked.get(&c.id).copied().unwrap_or(0) / 60;
        let p: i64 = plan.iter().map(|s| s.minutes_for(&c.id)).sum();
        if w == 0 && p == 0 {
            continue;
        }
        tw += w;
        tp += p;
        outln!("{:<10} {:>5} min {:>4} min  {}", c.id, w, p, c.title)?;
    }
    let planned_all: i64 = plan.iter().map(crate::domain::PlanSlot::minutes).sum();
    outln!(
        "Walked {}h{:02} on clauses, planned {}h{:02} on clauses ({}h{:02} in the whole plan; {:.1} auditor-days of 8 h)",
        tw / 60,
        tw % 60,
        tp / 60,
        tp % 60,
        planned_all / 60,
        planned_all % 60,
        planned_all as f64 / 480.0
    )?;
    Ok(())
}
