//! Encrypted audit files (SQLCipher, through rusqlite's bundled build): the
//! passphrase, the key every connection to the file is given, and telling an
//! encrypted file from a plain one without a key.
//!
//! SQLCipher derives the page key from the passphrase with PBKDF2-HMAC-SHA512
//! (256 000 rounds) over the salt in the file's first 16 bytes: about a
//! quarter of a second. We derive it once per process, as SQLCipher would,
//! and give every further connection (the finder's thread, the backup) the
//! raw key, so only the first pays. A file made this way opens in any
//! SQLCipher 4 with the same passphrase.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::error::{Error, Result};

/// SQLCipher 4's defaults: what its KDF does with a passphrase.
const KDF_ROUNDS: u32 = 256_000;
const SALT_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// The shortest passphrase a new key accepts.
pub const MIN_PASSPHRASE: usize = 8;

/// A passphrase: never shown (its `Debug` is a placeholder), its bytes
/// overwritten when dropped.
pub struct Passphrase(String);

impl Passphrase {
    /// A passphrase to open a file with (any non-empty text).
    pub fn new(text: String) -> Result<Passphrase> {
        if text.is_empty() {
            return Err(Error::Invalid("the passphrase is empty".into()));
        }
        if text.contains('\0') {
            return Err(Error::Invalid(
                "the passphrase contains a NUL character; choose another".into(),
            ));
        }
        Ok(Passphrase(text))
    }

    /// A passphrase for a new key: at least [`MIN_PASSPHRASE`] characters.
    pub fn new_key(text: String) -> Result<Passphrase> {
        let p = Passphrase::new(text)?;
        if p.0.chars().count() < MIN_PASSPHRASE {
            return Err(Error::Invalid(format!(
                "the new passphrase is shorter than {MIN_PASSPHRASE} characters; choose a longer one"
            )));
        }
        Ok(p)
    }

    /// Read from a file (`AUDITBENCH_PASSPHRASE_FILE`): its first line, without
    /// the line ending.
    pub fn from_file(path: &Path) -> Result<Passphrase> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Io(format!(
                "cannot read the passphrase file {}: {e}",
                path.display()
            ))
        })?;
        let line = text.lines().next().unwrap_or("").to_string();
        let mut text = text;
        wipe(&mut text);
        Passphrase::new(line)
            .map_err(|e| Error::Invalid(format!("the passphrase file {}: {e}", path.display())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(hidden)")
    }
}

impl Drop for Passphrase {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrite a string's bytes with zeros (then empty it).
pub fn wipe(s: &mut String) {
    zeroize::Zeroize::zeroize(s);
}

/// The key of an encrypted audit file: its passphrase and, once derived,
/// the raw key for the file's salt. Cheap to clone (shared).
#[derive(Clone)]
pub struct Key(Arc<KeyInner>);

struct KeyInner {
    passphrase: Passphrase,
    derived: Mutex<Option<([u8; SALT_LEN], [u8; KEY_LEN])>>,
}

impl Drop for KeyInner {
    /// The derived key is overwritten too (the passphrase wipes itself).
    fn drop(&mut self) {
        if let Ok(mut held) = self.derived.lock() {
            if let Some((_, key)) = held.as_mut() {
                zeroize::Zeroize::zeroize(key);
            }
        }
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(hidden)")
    }
}

impl Key {
    pub fn new(passphrase: Passphrase) -> Key {
        Key(Arc::new(KeyInner {
            passphrase,
            derived: Mutex::new(None),
        }))
    }

    pub fn passphrase(&self) -> &Passphrase {
        &self.0.passphrase
    }

    /// The raw key for `salt`, derived once and kept.
    fn raw(&self, salt: [u8; SALT_LEN]) -> [u8; KEY_LEN] {
        let mut held = self.0.derived.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((s, k)) = held.as_ref() {
            if *s == salt {
                return *k;
            }
        }
        let mut key = [0u8; KEY_LEN];
        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(
            self.0.passphrase.as_str().as_bytes(),
            &salt,
            KDF_ROUNDS,
            &mut key,
        );
        *held = Some((salt, key));
        key
    }

    /// Key `conn`, opened on `path`, before anything is read from it. An
    /// existing encrypted file gets the raw key for its salt; a new file the
    /// passphrase (SQLCipher makes the salt).
    pub(crate) fn apply(&self, conn: &Connection, path: &Path) -> rusqlite::Result<()> {
        cipher_settings();
        match salt_of(path) {
            Some(salt) => self.apply_raw(conn, "main", salt),
            None => conn.pragma_update(None, "key", self.0.passphrase.as_str()),
        }
    }

    /// Key a new database `schema` of `conn` with this key and `salt` (a
    /// backup of a file: the same salt, so the same passphrase opens it).
    pub(crate) fn apply_raw(
        &self,
        conn: &Connection,
        schema: &str,
        salt: [u8; SALT_LEN],
    ) -> rusqlite::Result<()> {
        cipher_settings();
        let mut hex = self.raw_text(salt);
        let r = conn.pragma_update(Some(schema), "key", &hex);
        wipe(&mut hex);
        r?;
        let size = page_size_of(salt);
        if size != PAGE_SIZE {
            conn.pragma_update(Some(schema), "cipher_page_size", size)?;
        }
        Ok(())
    }

    /// The raw key for `salt` as SQLCipher reads it (`x'…'`, key then
    /// salt), for `PRAGMA key` or `ATTACH … KEY`. The caller wipes it.
    pub(crate) fn raw_text(&self, salt: [u8; SALT_LEN]) -> String {
        let key = self.raw(salt);
        let mut hex = String::with_capacity(2 * (KEY_LEN + SALT_LEN) + 3);
        hex.push_str("x'");
        for b in key.iter().chain(salt.iter()) {
            hex.push_str(&format!("{b:02x}"));
        }
        hex.push('\'');
        hex
    }
}

/// The keys of the encrypted files this process opened, by path: the
/// connections of its threads (the finder, the background readers) and its
/// backups are keyed from here, never from anything written down.
static KNOWN: Mutex<Vec<(std::path::PathBuf, Key)>> = Mutex::new(Vec::new());

fn canonical(path: &Path) -> std::path::PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Keep `key` as the key of the file at `path` for this process.
pub(crate) fn remember(path: &Path, key: &Key) {
    let path = canonical(path);
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    known.retain(|(p, _)| *p != path);
    known.push((path, key.clone()));
}

/// Forget the key of the file at `path` (it was decrypted).
pub(crate) fn forget(path: &Path) {
    let path = canonical(path);
    KNOWN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(p, _)| *p != path);
}

/// The key this process holds for the file at `path`, if any.
pub(crate) fn known(path: &Path) -> Option<Key> {
    let path = canonical(path);
    KNOWN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, k)| k.clone())
}

/// Key a connection to the file at `path` with the key this process holds
/// for it, if the file is encrypted.
pub(crate) fn key_if_known(conn: &Connection, path: &Path) -> rusqlite::Result<()> {
    if let (Some(key), Some(salt)) = (known(path), salt_of(path)) {
        key.apply_raw(conn, "main", salt)?;
    }
    Ok(())
}

/// The salt of the encrypted file at `path` (its first 16 bytes), or None
/// for a missing, empty or plain file.
pub(crate) fn salt_of(path: &Path) -> Option<[u8; SALT_LEN]> {
    if !looks_encrypted(path) {
        return None;
    }
    let mut salt = [0u8; SALT_LEN];
    std::fs::File::open(path).ok()?.read_exact(&mut salt).ok()?;
    Some(salt)
}

/// Whether the file at `path` looks like an encrypted SQLite file: whole
/// pages of bytes that do not start with SQLite's header. (Without the key
/// nothing tells it from random bytes of that size; a wrong passphrase is
/// then refused by SQLCipher.)
pub fn looks_encrypted(path: &Path) -> bool {
    // a FIFO would block the open: only regular files are looked into
    let len = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        _ => return false,
    };
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if len < 1024 || len % 1024 != 0 {
        return false;
    }
    let mut head = [0u8; 16];
    if file.read_exact(&mut head).is_err() {
        return false;
    }
    &head != b"SQLite format 3\0"
}

/// SQLCipher's settings for this process, set once before any file is
/// keyed: its own log lines silenced (a wrong key prints three to stderr
/// by default, which would break the screen), and the page format of our
/// encrypted files (see [`PAGE_SIZE`], [`HMAC`]) as the default of every
/// keyed connection and `ATTACH … KEY` (plain files are not concerned).
pub(crate) fn cipher_settings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(conn) = Connection::open_in_memory() {
            let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
            let _ = conn.execute_batch(&format!(
                "PRAGMA cipher_default_page_size = {PAGE_SIZE};
                 PRAGMA cipher_default_hmac_algorithm = {HMAC};"
            ));
        }
    });
}

/// The page size of a new encrypted file: SQLCipher's 4 KiB, as plain
/// files have. Every page is decrypted and its HMAC checked each time it is
/// read from disk, at a cost per byte: what the workbench reads as keys
/// are pressed (a clause's findings, a screenful of rows) is a few dozen
/// pages scattered over the file, and with 16 KiB pages each of them cost
/// four times as much to decrypt (the first paint of an opened audit:
/// 1.85–2.5× the plain file's; with 4 KiB, 1.03–1.19×). Whole-file reads
/// are faster with larger pages (the CSV export's walk, in-process:
/// 1.03–1.10× the plain file with 16 KiB, 1.08–1.24× with 4 KiB).
pub const PAGE_SIZE: u32 = 4096;
/// The page sizes of encrypted files written by earlier versions (16 KiB),
/// tried when [`PAGE_SIZE`] does not open a file with the right key.
pub const OLDER_PAGE_SIZES: [u32; 1] = [16384];
/// The pages' HMAC: SHA-256, which this kind of processor computes in
/// hardware (SHA-NI), instead of SQLCipher 4's default SHA-512 (a
/// whole-file read went from 133 to 463 MB/s with it). The key is still
/// derived with PBKDF2-HMAC-SHA512.
pub const HMAC: &str = "HMAC_SHA256";

/// The page size of the encrypted files this process opened with an older
/// page size ([`OLDER_PAGE_SIZES`]), by salt: their other connections and
/// their backups (which share the salt) are given the same.
static OLDER_SIZED: Mutex<Vec<([u8; SALT_LEN], u32)>> = Mutex::new(Vec::new());

/// The page size of the encrypted file with `salt`.
pub(crate) fn page_size_of(salt: [u8; SALT_LEN]) -> u32 {
    OLDER_SIZED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(s, _)| *s == salt)
        .map_or(PAGE_SIZE, |(_, size)| *size)
}

/// The encrypted file with `salt` has pages of `size` bytes.
pub(crate) fn remember_page_size(salt: [u8; SALT_LEN], size: u32) {
    let mut sized = OLDER_SIZED.lock().unwrap_or_else(|e| e.into_inner());
    sized.retain(|(s, _)| *s != salt);
    if size != PAGE_SIZE {
        sized.push((salt, size));
    }
}

/// Whether an error from the first read of a keyed file means the key is
/// wrong (SQLCipher says "file is not a database").
pub(crate) fn is_wrong_key(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase)
}
