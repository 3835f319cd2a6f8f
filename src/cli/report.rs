//! `auditbench report`: the audit report, in HTML, Markdown or Word.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Result};

use super::Context_;
use crate::report::{gather, render, Format};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audit id (or a unique prefix of it).
    #[arg(long, required_unless_present = "save_template")]
    audit: Option<String>,
    /// html (one self-contained file, printable on A4), md (Markdown) or
    /// docx (Word, filled into the built-in or your own .docx template).
    #[arg(long, value_enum, default_value_t = Fmt::Html)]
    format: Fmt,
    /// A template of your own instead of the built-in one: minijinja text
    /// for html and md, a Word .docx with {{ … }} placeholders for docx
    /// (the variables are listed in README → Report).
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Write the built-in template of --format to FILE, to start your own
    /// from, and make no report.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["template", "out", "with_notes"])]
    save_template: Option<PathBuf>,
    /// With --save-template: the rehearsal's template (html or md).
    #[arg(long, requires = "save_template")]
    rehearsal: bool,
    /// Write to this file (replaced only by a complete one). Default: a
    /// name made of the organisation, the audit type and the dates, in the
    /// current folder. `-`: standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Include the interview notes (left out by default: they can name
    /// people and what they said in confidence).
    #[arg(long)]
    with_notes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Fmt {
    Html,
    Md,
    Docx,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let format = match args.format {
        Fmt::Html => Format::Html,
        Fmt::Md => Format::Markdown,
        Fmt::Docx => Format::Docx,
    };
    if let Some(path) = &args.save_template {
        let bytes = match format {
            Format::Html if args.rehearsal => {
                crate::report::REHEARSAL_HTML_TEMPLATE.as_bytes().to_vec()
            }
            Format::Markdown if args.rehearsal => {
                crate::report::REHEARSAL_MD_TEMPLATE.as_bytes().to_vec()
            }
            Format::Docx if args.rehearsal => {
                return Err(anyhow!(
                    "the Word template has the rehearsal's part in it: leave out --rehearsal with --format docx"
                ))
            }
            _ => crate::report::builtin_template(format),
        };
        crate::export::file::replace_atomically(path, "the template", |mut w| {
            w.write_all(&bytes)
                .map_err(|e| crate::store::Error::Io(format!("cannot write the template: {e}")))?;
            Ok(((), w))
        })?;
        eprintln!(
            "wrote the built-in {} template to {}; change it and give it to --template",
            format.extension(),
            path.display()
        );
        return Ok(());
    }
    let template = match &args.template {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read(path).map_err(|e| {
                anyhow!(
                    "cannot read the template {}: {e}; give a readable file to --template",
                    path.display()
                )
            })?,
        )),
        None => None,
    };
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(args.audit.as_deref().unwrap_or_default())?;
    super::note_plain(&store, "the report");
    let offset = *chrono::Local::now().offset();
    let data = gather(&store, &audit, args.with_notes, offset)?;
    let template = template.as_ref().map(|(n, t)| (n.as_str(), t.as_slice()));
    match args.out {
        Some(p) if p.as_os_str() == "-" => {
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let mut out = render(&data, format, template, out)?;
            out.flush()
                .map_err(|e| anyhow!("cannot write the report: {e}"))?;
        }
        out => {
            let path = out.unwrap_or_else(|| {
                PathBuf::from(crate::report::file_name(&audit, format.extension()))
            });
            crate::export::file::replace_atomically(&path, "the report", |w| {
                Ok(((), render(&data, format, template, w)?))
            })?;
            eprintln!(
                "wrote the report of {} to {}{}",
                crate::text::inert(&audit.organisation),
                path.display(),
                if data.missing.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} item{} not recorded yet, listed at its top)",
                        data.missing.len(),
                        if data.missing.len() == 1 { "" } else { "s" }
                    )
                }
            );
            eprintln!(
                "(marking an audit reported, read-only, is now: auditbench audit report --audit ID)"
            );
        }
    }
    Ok(())
}
