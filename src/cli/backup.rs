//! `auditbench backup --to PATH` and `auditbench restore PATH`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};

use super::Context_;
use crate::store::{self, backup};

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
    // An encrypted backup has its file's passphrase: asked once, it opens
    // both. A plain one needs none (a file that then does not open, being
    // encrypted or damaged, is restored over as a damaged one, after asking).
    let key = if store::looks_encrypted(&a.from) {
        Some(store::Key::new(super::passphrase::for_file(
            &a.from, false,
        )?))
    } else {
        None
    };
    ctx.set_key(key.clone());
    let (audits, findings) = backup::inspect(&a.from, key.as_ref())?;
    let path = ctx.db_path()?;
    let what = format!(
        "{} ({audits} audits, {findings} findings)",
        a.from.display()
    );
    match ctx.open_existing() {
        Ok(mut store) => {
            confirm(
                a.yes,
                &format!(
                    "Replace the contents of {} with {what}? The current contents are backed up first.",
                    path.display()
                ),
            )?;
            let safety = store.restore_from(&a.from)?;
            outln!(
                "Restored {what}. The previous contents are in {}.",
                safety.display()
            )?;
        }
        // The case restore exists for: a file that cannot be opened.
        Err(e)
            if matches!(
                e.downcast_ref(),
                Some(
                    store::Error::BadFile(_)
                        | store::Error::Encrypted(_)
                        | store::Error::WrongPassphrase(_)
                )
            ) && path.is_file() =>
        {
            confirm(
                a.yes,
                &format!(
                    "{} cannot be opened ({}). Put {what} in its place? The damaged file is kept beside it, renamed.",
                    path.display(),
                    crate::text::one_line(&e.to_string())
                ),
            )?;
            let opts = ctx.keyed_options(false, store::WhenLocked::Refuse)?;
            let aside = store::Store::restore_over_damaged(&path, &a.from, &opts)?;
            outln!(
                "Restored {what}. The damaged file is kept as {}.",
                aside.display()
            )?;
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Ask on the terminal (or take `--yes`); anything but "yes" changes nothing.
fn confirm(yes: bool, question: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("restore replaces the audit file; confirm with --yes when not at a terminal");
    }
    eprint!("{} Type yes to go on: ", crate::text::inert(question));
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        bail!("nothing restored (the answer was not yes)");
    }
    Ok(())
}
