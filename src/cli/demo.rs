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
    /// Also make a rehearsal client (Fernhill Digital Services) with two
    /// rehearsals three months apart (see `auditbench readiness --client
    /// Fernhill`, `gaps`, `evidence`).
    #[arg(long)]
    rehearsals: bool,
    /// Grade the demo on this scale (generic, dnv, afnor, de, or your own id).
    #[arg(long, value_name = "SCALE_ID", default_value = "generic")]
    grades: String,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let scale = crate::scales::find(&args.grades).map_err(|e| anyhow::anyhow!(e))?;
    let mut store = ctx.open()?;
    // All of it or nothing: an interrupted run leaves no half-made audit.
    let make = |store: &mut crate::store::Store| {
        store.atomically(|store| {
            let id = crate::demo::create_demo_graded(store, &scale)?;
            if args.scale > 0 {
                let audit = store.audit(&id)?;
                let cat = store.catalogue(&audit.catalogue_id)?;
                add_scale(store, &id, &cat, args.scale)?;
            }
            Ok(id)
        })
    };
    let id = if args.scale >= 10_000 {
        store.bulk_load(make)?
    } else {
        make(&mut store)?
    };
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
    if args.rehearsals {
        let (r1, r2) = crate::demo::create_rehearsals(&mut store)?;
        eprintln!(
            "also the rehearsal client {0}: rehearsals {1} and {2}; `auditbench readiness --client \"{0}\"`",
            crate::demo::REHEARSAL_CLIENT,
            r1.get(..8).unwrap_or(&r1),
            r2.get(..8).unwrap_or(&r2)
        );
    }
    Ok(())
}
