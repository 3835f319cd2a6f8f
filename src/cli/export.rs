use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Result};

use super::Context_;
use crate::export::csv::{export_to_file, write_findings};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// Write to this file (replaced only by a complete file; never a FIFO or device). `-` or none: standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Start with a UTF-8 byte order mark so Excel reads accents correctly.
    #[arg(long)]
    excel: bool,
    /// The separator: `,` (default) or `;` (for spreadsheets set to a
    /// locale with a decimal comma), or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",")]
    delimiter: String,
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
    let opts = crate::export::csv::CsvOptions {
        excel: args.excel,
        delimiter: delimiter(&args.delimiter)?,
    };
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    match args.out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let rows = export_to_file(&store, &audit, opts, &path)?;
            eprintln!("wrote {rows} findings to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let (_, mut out) = write_findings(&store, &audit, opts, out)?;
            out.flush()
                .map_err(|e| anyhow!("cannot write the CSV: {e}"))?;
        }
    }
    Ok(())
}
