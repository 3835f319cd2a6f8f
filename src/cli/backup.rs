//! `auditbench backup --to PATH` and `auditbench restore PATH`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};

use super::Context_;
use crate::store::backup;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Where to write the copy: a new file, or an existing folder (a dated name is chosen).
    #[arg(long, value_name = "PATH")]
    to: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore (e.g. one from backups/ beside the audit file).
    #[arg(value_name = "PATH")]
    from: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
}

pub fn backup(ctx: &Context_, a: BackupArgs) -> Result<()> {
    let store = ctx.open_to_read()?;
    let dest = if a.to.is_dir() {
        let stem = store
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "auditbench".into());
        a.to.join(format!(
            "{stem}-{}.sqlite",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ))
    } else {
        a.to
    };
    if dest.exists() {
        bail!(
            "{} already exists; choose a new file name or a folder",
            dest.display()
        );
    }
    store.backup_to(&dest)?;
    outln!("{}", dest.display())?;
    Ok(())
}

pub fn restore(ctx: &Context_, a: RestoreArgs) -> Result<()> {
    let (audits, findings) = backup::inspect(&a.from)?;
    let mut store = ctx.open_existing()?;
    if !a.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            bail!("restore replaces the audit file; confirm with --yes when not at a terminal");
        }
        eprint!(
            "Replace the contents of {} with {} ({audits} audits, {findings} findings)? \
             The current contents are backed up first. Type yes to go on: ",
            store.path().display(),
            a.from.display()
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            bail!("nothing restored (the answer was not yes)");
        }
    }
    let safety = store.restore_from(&a.from)?;
    outln!(
        "Restored {} ({audits} audits, {findings} findings). The previous contents are in {}.",
        a.from.display(),
        safety.display()
    )?;
    Ok(())
}
