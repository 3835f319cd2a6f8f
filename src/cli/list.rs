use anyhow::Result;

use super::Context_;

pub fn run(ctx: &Context_) -> Result<()> {
    let path = ctx.db_path()?;
    if !path.exists() {
        outln!("No audit file yet at {}. Create an audit with `auditbench new` or try `auditbench demo`.", path.display())?;
        return Ok(());
    }
    let store = ctx.open_to_read()?;
    let audits = store.list_audits()?;
    if audits.is_empty() {
        outln!(
            "No audits in {}. Create one with `auditbench new` or try `auditbench demo`.",
            path.display()
        )?;
        return Ok(());
    }
    outln!(
        "{:<36}  {:<28}  {:<16}  {:<10}  {:<10}  {:>5} {:>5} {:>5} {:>5} {:>5}",
        "id",
        "organisation",
        "type",
        "start",
        "end",
        "major",
        "minor",
        "obs",
        "ofi",
        "gp"
    )?;
    for s in audits {
        let a = &s.audit;
        let org: String = a.organisation.chars().take(28).collect();
        outln!(
            "{:<36}  {:<28}  {:<16}  {:<10}  {:<10}  {:>5} {:>5} {:>5} {:>5} {:>5}",
            a.id,
            org,
            format!("{} {}", a.audit_type.label(), a.edition),
            a.start_date,
            a.end_date,
            s.counts[0],
            s.counts[1],
            s.counts[2],
            s.counts[3],
            s.counts[4]
        )?;
    }
    Ok(())
}
