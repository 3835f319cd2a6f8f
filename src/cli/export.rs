use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Result};

use super::Context_;
use crate::export::csv::{
    export_to_file, write_coverage, write_findings, write_interviews, write_samples,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// Write to this file (replaced only by a complete file; never a FIFO or device). `-` or none: standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// What to export as CSV: the findings (the report's table), the record
    /// samples, the interviews or the stage 2 clause coverage. The XLSX
    /// workbook holds them all.
    #[arg(long, value_enum, default_value_t = What::Findings)]
    what: What,
    /// csv; xlsx: one workbook with sheets Findings, Samples, Interviews,
    /// Clause coverage and Documents (needs --out); oscal: an OSCAL
    /// assessment-results JSON document (interview notes only with
    /// --with-notes).
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Start with a UTF-8 byte order mark so Excel reads accents correctly.
    #[arg(long)]
    excel: bool,
    /// The separator: `,` (default) or `;` (for spreadsheets set to a
    /// locale with a decimal comma), or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",")]
    delimiter: String,
    /// With --what interviews or --format oscal: include the interview notes (left out by
    /// default: they can name people and what they said in confidence).
    #[arg(long)]
    with_notes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
    Oscal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum What {
    Findings,
    Samples,
    Interviews,
    Coverage,
}

/// The separator named on the command line.
pub fn delimiter(s: &str) -> Result<u8> {
    match s {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "tab" | "\\t" => Ok(b'\t'),
        other => Err(anyhow!(
            "--delimiter {other:?} is not one of the separators spreadsheets read; use , or ; or tab"
        )),
    }
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    if args.format == ExportFormat::Xlsx {
        let Some(path) = args.out.filter(|p| p.as_os_str() != "-") else {
            return Err(anyhow!(
                "an XLSX workbook is a binary file, not for standard output: give --out FILE.xlsx"
            ));
        };
        let store = ctx.open_to_read()?;
        let audit = store.find_audit(&args.audit)?;
        super::note_plain(&store, "the workbook");
        let rows = crate::export::file::replace_atomically(&path, "the workbook", |out| {
            crate::export::xlsx::write_workbook(&store, &audit, out)
        })?;
        eprintln!("wrote {rows} findings, with the samples, interviews, clause coverage and documents, to {}", path.display());
        return Ok(());
    }
    if args.format == ExportFormat::Oscal {
        let store = ctx.open_to_read()?;
        let audit = store.find_audit(&args.audit)?;
        super::note_plain(&store, "the OSCAL document");
        let with_notes = args.with_notes;
        match args.out.clone().filter(|p| p.as_os_str() != "-") {
            Some(path) => {
                let rows =
                    crate::export::file::replace_atomically(&path, "the OSCAL document", |out| {
                        crate::export::oscal::write_assessment_results(
                            &store, &audit, with_notes, out,
                        )
                    })?;
                eprintln!(
                    "wrote {rows} findings, with the documents, interviews and samples as observations, to {} (OSCAL assessment results)",
                    path.display()
                );
            }
            None => {
                let stdout = std::io::stdout();
                let (_, mut out) = crate::export::oscal::write_assessment_results(
                    &store,
                    &audit,
                    with_notes,
                    std::io::BufWriter::new(stdout.lock()),
                )?;
                out.flush()
                    .map_err(|e| anyhow!("cannot write the OSCAL document: {e}"))?;
            }
        }
        return Ok(());
    }
    let opts = crate::export::csv::CsvOptions {
        excel: args.excel,
        delimiter: delimiter(&args.delimiter)?,
    };
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    super::note_plain(&store, "the CSV");
    let with_notes = args.with_notes;
    let what = match args.what {
        What::Findings => "findings",
        What::Samples => "samples",
        What::Interviews => "interviews",
        What::Coverage => "clauses",
    };
    // one writer per kind, on any output
    macro_rules! write_to {
        ($out:expr) => {
            match args.what {
                What::Findings => write_findings(&store, &audit, opts, $out),
                What::Samples => write_samples(&store, &audit, opts, $out),
                What::Interviews => write_interviews(&store, &audit, opts, with_notes, $out),
                What::Coverage => write_coverage(&store, &audit, opts, $out),
            }
        };
    }
    match args.out.clone().filter(|p| p.as_os_str() != "-") {
        Some(path) if args.what == What::Findings => {
            let rows = export_to_file(&store, &audit, opts, &path)?;
            eprintln!("wrote {rows} findings to {}", path.display());
        }
        Some(path) => {
            let rows =
                crate::export::file::replace_atomically(&path, "the CSV", |out| write_to!(out))?;
            eprintln!("wrote {rows} {what} to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let (_, mut out) = write_to!(out)?;
            out.flush()
                .map_err(|e| anyhow!("cannot write the CSV: {e}"))?;
        }
    }
    Ok(())
}
