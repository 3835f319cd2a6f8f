//! Sealed files: team files and packs encrypted with age (the `age` crate),
//! to a passphrase or to the team members' public keys, so that a lost USB
//! stick or a forwarded e-mail reveals nothing. Whatever is sealed is made
//! in memory and written only sealed; whatever is opened is decrypted into
//! memory. No SQLite and no screen here.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};

use crate::store::Passphrase;

/// How every age file starts.
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// The file name ending of a sealed pack.
pub const PACK_EXTENSION: &str = "age";

/// Whether the file at `path` is sealed (an age file).
pub fn is_sealed(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let mut head = [0u8; 22];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head[..] == MAGIC[..]
}

/// To whom a file is sealed.
pub enum SealTo {
    /// Anyone with this passphrase (age's scrypt).
    Passphrase(Passphrase),
    /// Each holder of one of these keys' secret halves.
    Keys(Vec<age::x25519::Recipient>),
}

/// A public key as `team keys` shows it (`age1…`).
pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, String> {
    text.trim().parse().map_err(|e| {
        format!(
            "{:?} is not a public key as `auditbench team keys` shows it (age1…): {e}",
            crate::text::one_line(text.trim())
        )
    })
}

/// Seal `plain`.
pub fn seal(plain: &[u8], to: &SealTo) -> Result<Vec<u8>, String> {
    let encryptor = match to {
        SealTo::Passphrase(p) => {
            age::Encryptor::with_user_passphrase(SecretString::from(p.as_str().to_string()))
        }
        SealTo::Keys(keys) => {
            if keys.is_empty() {
                return Err("no public key to seal to".into());
            }
            age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient))
                .map_err(|e| format!("cannot seal: {e}"))?
        }
    };
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut w = encryptor
        .wrap_output(&mut out)
        .map_err(|e| format!("cannot seal: {e}"))?;
    w.write_all(plain)
        .map_err(|e| format!("cannot seal: {e}"))?;
    w.finish().map_err(|e| format!("cannot seal: {e}"))?;
    Ok(out)
}

/// What may open a sealed file.
#[derive(Default)]
pub struct Unseal {
    pub identities: Vec<age::x25519::Identity>,
    pub passphrase: Option<Passphrase>,
}

/// Whether the sealed bytes need a passphrase (rather than a key).
pub fn needs_passphrase(sealed: &[u8]) -> bool {
    age::Decryptor::new(sealed).is_ok_and(|d| d.is_scrypt())
}

/// Open sealed bytes into memory.
pub fn unseal(sealed: &[u8], with: &Unseal) -> Result<Vec<u8>, String> {
    let d = age::Decryptor::new(sealed).map_err(|e| format!("not a sealed file: {e}"))?;
    let reader = if d.is_scrypt() {
        let Some(p) = &with.passphrase else {
            return Err("it is sealed with a passphrase; give it".into());
        };
        let id = age::scrypt::Identity::new(SecretString::from(p.as_str().to_string()));
        d.decrypt(std::iter::once(&id as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                    "the passphrase does not open it".to_string()
                }
                e => e.to_string(),
            })?
    } else {
        if with.identities.is_empty() {
            return Err("it is sealed to the team's keys and this laptop has none; make one with `auditbench team keys`".into());
        }
        d.decrypt(with.identities.iter().map(|i| i as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => {
                    "it is not sealed to this laptop's key (`auditbench team keys` shows it); ask the sender to seal it to you".to_string()
                }
                e => e.to_string(),
            })?
    };
    let mut plain = Vec::new();
    let mut reader = reader;
    reader
        .read_to_end(&mut plain)
        .map_err(|e| format!("the sealed file is damaged or was changed: {e}"))?;
    Ok(plain)
}

/// Write `bytes` to `out` whole or not at all, readable by its owner only
/// (the exports' atomic replace: a private temporary file beside it,
/// flushed, renamed).
pub fn write_file(out: &Path, what: &str, bytes: &[u8]) -> crate::store::Result<()> {
    crate::export::file::replace_atomically(out, what, |mut w| {
        w.write_all(bytes)
            .map_err(|e| crate::store::Error::Io(format!("cannot write {}: {e}", out.display())))?;
        Ok(((), w))
    })
}

/// This laptop's key file: `--identity`, else `keys/identity.txt` in
/// auditbench's data folder.
pub fn identity_path(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    directories::ProjectDirs::from("org", "auditbench", "auditbench")
        .map(|d| d.data_dir().join("keys").join("identity.txt"))
}

/// Read the key pair in `path`.
pub fn read_identity(path: &Path) -> Result<age::x25519::Identity, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?;
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .ok_or_else(|| format!("{} holds no age secret key", path.display()))?
        .parse()
        .map_err(|e| format!("the key in {} is damaged: {e}", path.display()))
}

/// The key pair in `path`, made (mode 0600, its folder 0700) if there is
/// none yet. Returns it and whether it was made now.
pub fn identity(path: &Path) -> Result<(age::x25519::Identity, bool), String> {
    if path.exists() {
        return read_identity(path).map(|i| (i, false));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let id = age::x25519::Identity::generate();
    let text = format!(
        "# auditbench team key: keep this file secret; its public key is {}\n{}\n",
        id.to_public(),
        id.to_string().expose_secret()
    );
    write_file(path, "the key file", text.as_bytes()).map_err(|e| e.to_string())?;
    Ok((id, true))
}
