use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Result};

use super::Context_;
use crate::export::csv::{export_to_file, write_findings, write_samples};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// Write to this file (replaced only by a complete file; never a FIFO or device). `-` or none: standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// What to export as CSV: the findings (the report's table) or the
    /// record samples. The XLSX workbook holds them all.
    #[arg(long, value_enum, default_value_t = What::Findings)]
    what: What,
    /// csv, or xlsx: one workbook with sheets Findings, Samples,
    /// Interviews, Clause coverage and Documents (needs --out).
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Start with a UTF-8 byte order mark so Excel reads accents correctly.
    #[arg(long)]
    excel: bool,
    /// The separator: `,` (default) or `;` (for spreadsheets set to a
    /// locale with a decimal comma), or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",")]
    delimiter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum What {
    Findings,
    Samples,
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
        let rows = crate::export::file::replace_atomically(&path, "the workbook", |out| {
            crate::export::xlsx::write_workbook(&store, &audit, out)
        })?;
        eprintln!("wrote {rows} findings, with the samples, interviews, clause coverage and documents, to {}", path.display());
        return Ok(());
    }
    let opts = crate::export::csv::CsvOptions {
        excel: args.excel,
        delimiter: delimiter(&args.delimiter)?,
    };
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    match (args.out.filter(|p| p.as_os_str() != "-"), args.what) {
        (Some(path), What::Findings) => {
            let rows = export_to_file(&store, &audit, opts, &path)?;
            eprintln!("wrote {rows} findings to {}", path.display());
        }
        (Some(path), What::Samples) => {
            let rows = crate::export::file::replace_atomically(&path, "the CSV", |out| {
                write_samples(&store, &audit, opts, out)
            })?;
            eprintln!("wrote {rows} samples to {}", path.display());
        }
        (None, what) => {
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let (_, mut out) = match what {
                What::Findings => write_findings(&store, &audit, opts, out)?,
                What::Samples => write_samples(&store, &audit, opts, out)?,
            };
            out.flush()
                .map_err(|e| anyhow!("cannot write the CSV: {e}"))?;
        }
    }
    Ok(())
}
