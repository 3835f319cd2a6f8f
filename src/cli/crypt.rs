//! `auditbench encrypt`, `decrypt` and `rekey`: the audit file turned into
//! an encrypted one, back, or to a new passphrase, atomically; the backups in
//! the old form wiped only when the user says so.

use anyhow::{bail, Result};

use super::passphrase::{self, NEW_PASSPHRASE_FILE, PASSPHRASE_FILE};
use super::Context_;
use crate::store::{self, Key};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Wipe the backups in the old form without asking (for scripts).
    #[arg(long)]
    wipe_old_backups: bool,
    /// Keep the backups in the old form without asking.
    #[arg(long, conflicts_with = "wipe_old_backups")]
    keep_old_backups: bool,
}

pub fn encrypt(ctx: &Context_, a: Args) -> Result<()> {
    let path = ctx.db_path()?;
    let shown = path.display().to_string();
    if store::looks_encrypted(&path) {
        bail!("{shown} is already encrypted; change its passphrase with `auditbench rekey`");
    }
    if !path.is_file() {
        bail!("no audit file at {shown}; a new encrypted file is made with `auditbench new --encrypt`");
    }
    let key = Key::new(passphrase::new_one(PASSPHRASE_FILE, &shown)?);
    let done = store::convert(&path, None, Some(&key), &ctx.purpose, "encrypt")?;
    ctx.set_key(Some(key));
    outln!(
        "{shown} is encrypted: {} rows copied and checked. Keep the passphrase in the certification body's password manager: without it the file cannot be opened.",
        done.rows
    )?;
    settle_old(&done, &a, "not encrypted")
}

pub fn decrypt(ctx: &Context_, a: Args) -> Result<()> {
    let path = ctx.db_path()?;
    let shown = path.display().to_string();
    let Some(key) = ctx.key()? else {
        bail!("{shown} is not encrypted");
    };
    let done = store::convert(&path, Some(&key), None, &ctx.purpose, "decrypt")?;
    ctx.set_key(None);
    outln!(
        "{shown} is no longer encrypted: {} rows copied and checked.",
        done.rows
    )?;
    // the old copies are encrypted: nothing to wipe for confidentiality
    let _ = a;
    outln!(
        "The {} earlier backups in {} stay encrypted with the old passphrase.",
        done.old_backups.len(),
        store::backup::backup_dir(&path).display()
    )?;
    Ok(())
}

pub fn rekey(ctx: &Context_, a: Args) -> Result<()> {
    let path = ctx.db_path()?;
    let shown = path.display().to_string();
    let Some(old) = ctx.key()? else {
        bail!("{shown} is not encrypted; encrypt it with `auditbench encrypt`");
    };
    let new = Key::new(passphrase::new_one(NEW_PASSPHRASE_FILE, &shown)?);
    let done = store::convert(&path, Some(&old), Some(&new), &ctx.purpose, "rekey")?;
    ctx.set_key(Some(new));
    outln!(
        "{shown} has its new passphrase: {} rows copied and checked.",
        done.rows
    )?;
    settle_old(&done, &a, "encrypted with the old passphrase")
}

/// Wipe the backups in the old form, or keep them, as the user says.
fn settle_old(done: &store::Converted, a: &Args, how: &str) -> Result<()> {
    let n = done.old_backups.len();
    let question = format!(
        "{n} backup{} in backups/ {} {how} (the file as it was among them). Wipe {}?",
        if n == 1 { "" } else { "s" },
        if n == 1 { "is" } else { "are" },
        if n == 1 { "it" } else { "them" },
    );
    let wipe = if a.wipe_old_backups {
        true
    } else if a.keep_old_backups || !passphrase::has_tty() {
        false
    } else {
        passphrase::confirm(&question)?
    };
    if wipe {
        for p in &done.old_backups {
            store::wipe_file(p)?;
        }
        outln!(
            "Wiped {n} backup{} in the old form.",
            if n == 1 { "" } else { "s" }
        )?;
    } else {
        outln!(
            "Kept {n} backup{} that {} {how}; wipe {} when you no longer need {}:",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it" } else { "them" },
            if n == 1 { "it" } else { "them" },
        )?;
        for p in &done.old_backups {
            outln!("  {}", p.display())?;
        }
    }
    Ok(())
}
