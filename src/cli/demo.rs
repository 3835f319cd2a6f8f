use anyhow::Result;

use super::Context_;
use crate::demo::add_scale;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also generate this many findings (with proportional interviews and samples), for benchmarks.
    #[arg(long, value_name = "N", default_value_t = 0)]
    scale: usize,
    /// Also make the demo client's certificate and its first surveillance,
    /// planned, carrying the demo audit's open findings (see `auditbench
    /// programme`, `carried list`, `plan list`).
    #[arg(long)]
    cycle: bool,
    /// Grade the demo on this scale (generic, dnv, afnor, de, or your own id).
    #[arg(long, value_name = "SCALE_ID", default_value = "generic")]
    grades: String,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let scale = crate::scales::find(&args.grades).map_err(|e| anyhow::anyhow!(e))?;
    let mut store = ctx.open()?;
    // All of it or nothing: an interrupted run leaves no half-made audit.
    let id = store.atomically(|store| {
        let id = crate::demo::create_demo_graded(store, &scale)?;
        if args.scale > 0 {
            let audit = store.audit(&id)?;
            let cat = store.catalogue(&audit.catalogue_id)?;
            add_scale(store, &id, &cat, args.scale)?;
        }
        Ok(id)
    })?;
    outln!("{id}")?;
    if args.cycle {
        let s1 = crate::demo::create_cycle(&mut store, &id)?;
        eprintln!(
            "also the demo client's first surveillance, {}: `auditbench carried list --audit {}`, `auditbench plan list --audit {}`, `auditbench programme --client \"Northwind Managed Services Ltd\"`",
            &s1[..8],
            &s1[..8],
            &s1[..8]
        );
    }
    Ok(())
}
