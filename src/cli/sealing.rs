//! The options that seal a team file or a pack (age: to the team's public
//! keys or to a passphrase) and that open one.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};

use crate::seal::{self, SealTo, Unseal};
use crate::store::Passphrase;

/// The variable naming a file that holds the passphrase of a sealed team
/// file or pack (for scripts; else it is asked on the terminal).
pub const SEAL_PASSPHRASE_FILE: &str = "AUDITBENCH_SEAL_PASSPHRASE_FILE";

#[derive(Debug, Clone, Default, clap::Args)]
pub struct SealArgs {
    /// Seal (encrypt with age) to this public key, as `auditbench team keys` shows it (age1…); repeat it for each reader.
    #[arg(long = "to", value_name = "KEY")]
    to: Vec<String>,
    /// Seal to the public keys in this file (one per line; lines starting with # are skipped).
    #[arg(long = "to-file", value_name = "FILE")]
    to_file: Option<PathBuf>,
    /// Seal with a passphrase instead (asked twice, or read from AUDITBENCH_SEAL_PASSPHRASE_FILE).
    #[arg(long, conflicts_with_all = ["to", "to_file"])]
    passphrase: bool,
}

impl SealArgs {
    /// Whether anything asks for sealing.
    pub fn wanted(&self) -> bool {
        self.passphrase || !self.to.is_empty() || self.to_file.is_some()
    }

    /// To whom to seal, or None for a plain file.
    pub fn seal_to(&self, what: &str) -> Result<Option<SealTo>> {
        if self.passphrase {
            let p = super::passphrase::new_one(SEAL_PASSPHRASE_FILE, what)?;
            return Ok(Some(SealTo::Passphrase(p)));
        }
        let mut keys = Vec::new();
        for k in &self.to {
            keys.push(seal::parse_recipient(k).map_err(|e| anyhow!(e))?);
        }
        if let Some(file) = &self.to_file {
            let text = std::fs::read_to_string(file)
                .map_err(|e| anyhow!("cannot read the key list {}: {e}", file.display()))?;
            for line in text.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                keys.push(
                    seal::parse_recipient(line).map_err(|e| anyhow!("{}: {e}", file.display()))?,
                );
            }
            if keys.is_empty() {
                bail!("{} lists no public key", file.display());
            }
        }
        Ok((!keys.is_empty()).then_some(SealTo::Keys(keys)))
    }
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct OpenArgs {
    /// This laptop's key file, to open files sealed to it (default: the one `auditbench team keys` made).
    #[arg(long, value_name = "FILE", env = "AUDITBENCH_IDENTITY")]
    identity: Option<PathBuf>,
}

impl OpenArgs {
    pub fn identity_path(&self) -> Option<PathBuf> {
        seal::identity_path(self.identity.as_deref())
    }

    /// The contents of `path` decrypted into memory when it is sealed, else None.
    pub fn unseal_file(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        if !seal::is_sealed(path) {
            return Ok(None);
        }
        let shown = crate::text::one_line(&path.display().to_string());
        let sealed = std::fs::read(path).map_err(|e| anyhow!("cannot read {shown}: {e}"))?;
        let mut with = Unseal::default();
        if seal::needs_passphrase(&sealed) {
            let p = match std::env::var_os(SEAL_PASSPHRASE_FILE).filter(|v| !v.is_empty()) {
                Some(f) => Passphrase::from_file(Path::new(&f))?,
                None => super::passphrase::ask(&format!("Passphrase of {shown}: "), false)
                    .map_err(|e| {
                        anyhow!("{shown} is sealed with a passphrase, which could not be asked: {e}; put it in a file (mode 0600) and name that file in {SEAL_PASSPHRASE_FILE}")
                    })?,
            };
            with.passphrase = Some(p);
        } else if let Some(idp) = self.identity_path().filter(|p| p.exists()) {
            with.identities
                .push(seal::read_identity(&idp).map_err(|e| anyhow!(e))?);
        }
        let plain = seal::unseal(&sealed, &with)
            .map_err(|e| anyhow!("{shown} is sealed and cannot be opened: {e}"))?;
        Ok(Some(plain))
    }
}
