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
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    match args.out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let rows = export_to_file(&store, &audit, args.excel, &path)?;
            eprintln!("wrote {rows} findings to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let (_, mut out) = write_findings(&store, &audit, args.excel, out)?;
            out.flush()
                .map_err(|e| anyhow!("cannot write the CSV: {e}"))?;
        }
    }
    Ok(())
}
