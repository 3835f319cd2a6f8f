use anyhow::{anyhow, Result};
use clap::ValueEnum;

use super::Context_;
use crate::catalogue::Catalogue;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Edition of ISO/IEC 20000-1: 2018 (current) or 2011 (legacy). Ignored with --catalogue.
    #[arg(long, default_value = "2018")]
    edition: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the clause mapping between two editions (2011:2018) and the
    /// clauses of the newer one with no counterpart (new requirements, for
    /// a transition audit or a rehearsal) instead of a catalogue.
    #[arg(long, value_name = "FROM:TO")]
    map: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Csv,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    if let Some(map) = &args.map {
        return print_map(ctx, map, args.format);
    }
    let (cat, _) = ctx.catalogue_for(&args.edition)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Text => print_text(&cat, &mut out),
        Format::Csv => print_csv(&cat, &mut out),
    }
    .map_err(|e| anyhow!("cannot write the catalogue: {e}"))
}

fn print_text(cat: &Catalogue, out: &mut impl std::io::Write) -> std::io::Result<()> {
    use crate::text::inert;
    writeln!(out, "{} ({})", inert(&cat.title), inert(&cat.id))?;
    writeln!(out, "{:<12} {:>3} {:>3}  title", "clause", "Q", "D")?;
    for c in cat.clauses() {
        let indent = "  ".repeat(Catalogue::depth(&c.id));
        writeln!(
            out,
            "{:<12} {:>3} {:>3}  {indent}{}",
            inert(&c.id),
            c.questions.len(),
            c.documents.len(),
            inert(&c.title)
        )?;
    }
    let questions: usize = cat.clauses().iter().map(|c| c.questions.len()).sum();
    writeln!(
        out,
        "{} clauses, {} questions, {} expected documents",
        cat.clauses().len(),
        questions,
        cat.documents().count()
    )
}

fn print_csv(cat: &Catalogue, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "clause",
        "title",
        "depth",
        "assessable",
        "questions",
        "documents",
    ])?;
    for c in cat.clauses() {
        w.write_record([
            c.id.as_str(),
            c.title.as_str(),
            &Catalogue::depth(&c.id).to_string(),
            if cat.is_assessable(c) { "yes" } else { "no" },
            &c.questions.len().to_string(),
            &c.documents.len().to_string(),
        ])?;
    }
    w.flush()
}

/// The mapping between two editions, then the target's new clauses.
fn print_map(ctx: &Context_, map: &str, format: Format) -> Result<()> {
    let (from, to) = map.split_once(':').unwrap_or((map, ""));
    let m = crate::domain::Mapping::builtin(from.trim(), to.trim()).ok_or_else(|| {
        anyhow!(
            "no clause mapping {map:?}; available: {}",
            crate::domain::Mapping::available().join(", ")
        )
    })?;
    let (old, _) = ctx.catalogue_for(&m.from)?;
    let (new, _) = ctx.catalogue_for(&m.to)?;
    let title =
        |cat: &Catalogue, id: &str| cat.get(id).map(|c| c.title.clone()).unwrap_or_default();
    let fresh: Vec<&crate::catalogue::Clause> = new
        .clauses()
        .iter()
        .filter(|c| !m.has_counterpart(&c.id))
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match format {
        Format::Csv => (|| -> std::io::Result<()> {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                format!("{} clause", m.from),
                format!("{} title", m.from),
                format!("{} clauses", m.to),
                "note".to_string(),
            ])?;
            for e in &m.entries {
                w.write_record([&e.from, &title(&old, &e.from), &e.to.join(" "), &e.note])?;
            }
            for c in &fresh {
                w.write_record(["", "(new)", &c.id, &c.title])?;
            }
            w.flush()
        })(),
        Format::Text => (|| -> std::io::Result<()> {
            use crate::text::inert;
            use std::io::Write;
            writeln!(
                out,
                "ISO/IEC 20000-1:{} -> {} (clause numbers; a finding is carried to the first)",
                m.from, m.to
            )?;
            for e in &m.entries {
                writeln!(
                    out,
                    "{:<9} {:<44} -> {:<18} {}",
                    inert(&e.from),
                    inert(&title(&old, &e.from))
                        .chars()
                        .take(44)
                        .collect::<String>(),
                    inert(&e.to.join(", ")),
                    inert(&e.note)
                )?;
            }
            writeln!(
                out,
                "\n{} clauses of {} with no {} counterpart (new requirements to audit in a transition):",
                fresh.len(),
                m.to,
                m.from
            )?;
            for c in &fresh {
                writeln!(out, "{:<9} {}", inert(&c.id), inert(&c.title))?;
            }
            Ok(())
        })(),
    };
    written.map_err(|e| anyhow!("cannot write the mapping: {e}"))
}
