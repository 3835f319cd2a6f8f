//! `auditbench list`: the audits in the file, as a table sized to the
//! terminal, or as CSV / JSON for scripts.

use anyhow::Result;

use super::Context_;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// table (for people), csv or json (for scripts).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

const HEAD: [&str; 13] = [
    "id",
    "organisation",
    "type",
    "edition",
    "status",
    "start",
    "end",
    "major",
    "minor",
    "concern",
    "obs",
    "ofi",
    "gp",
];

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let path = ctx.db_path()?;
    if !path.exists() {
        outln!("No audit file yet at {}. Create an audit with `auditbench new` or try `auditbench demo`.", path.display())?;
        return Ok(());
    }
    let store = ctx.open_to_read()?;
    let audits = store.list_audits()?;
    let rows: Vec<[String; 13]> = audits
        .iter()
        .map(|s| {
            let a = &s.audit;
            let c = |i: usize| s.counts[i].to_string();
            [
                a.id.clone(),
                a.organisation.clone(),
                a.audit_type.label().to_string(),
                a.edition.clone(),
                a.status.label().to_string(),
                a.start_date.clone(),
                a.end_date.clone(),
                c(0),
                c(1),
                c(2),
                c(3),
                c(4),
                c(5),
            ]
        })
        .collect();
    match args.format {
        Format::Csv => {
            // data for a script or a spreadsheet: byte-exact into a pipe or
            // a file; made inert only when it would reach a terminal
            use std::io::IsTerminal;
            let tty = std::io::stdout().is_terminal();
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record(HEAD)?;
            for r in &rows {
                if tty {
                    w.write_record(r.iter().map(|v| crate::text::inert(v).into_owned()))?;
                } else {
                    w.write_record(r)?;
                }
            }
            w.flush()?;
            return Ok(());
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        HEAD.iter()
                            .zip(r.iter())
                            .enumerate()
                            .map(|(i, (k, v))| {
                                // the last six columns are the counts by grade
                                let v = match v.parse::<u64>() {
                                    Ok(n) if i >= HEAD.len() - 6 => serde_json::Value::from(n),
                                    _ => serde_json::Value::from(v.clone()),
                                };
                                (k.to_string(), v)
                            })
                            .collect(),
                    )
                })
                .collect();
            // JSON escapes every control character: safe on a terminal too
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &list)?;
            std::io::Write::write_all(&mut out, b"\n")?;
            return Ok(());
        }
        Format::Table => {}
    }
    if rows.is_empty() {
        outln!(
            "No audits in {}. Create one with `auditbench new` or try `auditbench demo`.",
            path.display()
        )?;
        return Ok(());
    }
    // The organisation takes the room the terminal has (never under 28).
    let fixed = 36 + 2 + 22 + 2 + 11 + 2 + 10 + 2 + 10 + 2 + 6 * 6;
    let longest = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    let org_w = match terminal_width() {
        Some(w) => longest.min(w.saturating_sub(fixed)).max(28),
        None => longest.max(28), // into a pipe or a file: nothing is cut
    };
    outln!(
        "{:<36}  {:<org_w$}  {:<22}  {:<11}  {:<10}  {:<10}  {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}",
        "id",
        "organisation",
        "type",
        "status",
        "start",
        "end",
        "major",
        "minor",
        "aoc",
        "obs",
        "ofi",
        "gp"
    )?;
    for r in rows {
        let org: String = if r[1].chars().count() > org_w {
            let mut o: String = r[1].chars().take(org_w - 1).collect();
            o.push('…');
            o
        } else {
            r[1].clone()
        };
        outln!(
            "{:<36}  {:<org_w$}  {:<22}  {:<11}  {:<10}  {:<10}  {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}",
            r[0],
            org,
            format!("{} {}", r[2], r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            r[12]
        )?;
    }
    Ok(())
}

/// The terminal's width, when stdout is one (else the table is not cut to it).
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    ratatui::crossterm::terminal::size()
        .ok()
        .map(|(w, _)| w as usize)
}
