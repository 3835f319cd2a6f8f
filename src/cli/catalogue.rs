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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Csv,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
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
