//! `auditbench programme --client ID`: the certification cycle's
//! programme, clauses × visits, and what it still lacks.

use anyhow::{anyhow, Result};

use super::Context_;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Client id (or a unique prefix of it), or its exact name.
    #[arg(long)]
    client: String,
    /// text (for people) or csv.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Csv,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let store = ctx.open_to_read()?;
    let client = store.find_client(&args.client)?;
    let Some(p) = store.client_programme(&client)? else {
        return Err(anyhow!(
            "{} has no audit in the cycle yet; create one with auditbench new",
            client.name
        ));
    };
    match args.format {
        Format::Csv => {
            let stdout = std::io::stdout();
            let mut w = csv::Writer::from_writer(stdout.lock());
            let mut head = vec!["clause".to_string(), "title".into(), "every visit".into()];
            head.extend(p.visits.iter().cloned());
            w.write_record(&head)?;
            for r in &p.rows {
                let mut rec = vec![
                    r.clause.clone(),
                    r.title.clone(),
                    if r.every_visit { "yes" } else { "" }.to_string(),
                ];
                rec.extend(r.visits.iter().map(|v| {
                    match v {
                        crate::domain::Visited::Audited => "audited",
                        crate::domain::Visited::Started => "started",
                        crate::domain::Visited::Planned => "planned",
                        crate::domain::Visited::No => "",
                    }
                    .to_string()
                }));
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        Format::Text => {
            outln!(
                "Programme of {} ({} visit{} in the cycle{}; ✓ audited, … started, p planned, · not; * every visit)",
                client.name,
                p.visits.len(),
                if p.visits.len() == 1 { "" } else { "s" },
                if client.cycle_start.is_empty() {
                    String::new()
                } else {
                    format!(" from {}", client.cycle_start)
                }
            )?;
            for (i, v) in p.visits.iter().enumerate() {
                outln!("  V{}  {v}", i + 1)?;
            }
            let cols: String = (1..=p.visits.len()).map(|i| format!(" V{i:<2}")).collect();
            outln!("{:<10} {:<44}{cols}", "clause", "title")?;
            for r in &p.rows {
                let cells: String = r
                    .visits
                    .iter()
                    .map(|v| format!(" {:<3}", v.symbol()))
                    .collect();
                let title: String = r.title.chars().take(42).collect();
                outln!(
                    "{:<10} {:<44}{cells}",
                    format!("{}{}", r.clause, if r.every_visit { "*" } else { "" }),
                    title
                )?;
            }
            if p.warnings.is_empty() {
                outln!("Every clause has been audited in the cycle, and every visit covered the every-visit clauses.")?;
            } else {
                for w in &p.warnings {
                    outln!("! {w}")?;
                }
            }
        }
    }
    Ok(())
}
