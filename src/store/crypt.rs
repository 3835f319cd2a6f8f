//! Encrypting, decrypting and re-keying an existing audit file, atomically:
//! a complete new file (SQLCipher's `sqlcipher_export`) is written beside
//! it, checked row for row, flushed, and renamed over the old one. The old
//! file is kept in `backups/` until the user has it wiped.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};

use super::error::{Error, Result};
use super::{backup, key, lock, open, Key};

/// What a conversion did.
#[derive(Debug)]
pub struct Converted {
    /// The old file, kept in `backups/` (a hard link to it).
    pub old_kept: PathBuf,
    /// Every backup of the file in its old form (the old file among them),
    /// for the user to wipe or keep.
    pub old_backups: Vec<PathBuf>,
    /// Rows copied (all tables).
    pub rows: u64,
}

/// Turn the audit file at `path` from `from` (None: plain) to `to` (None:
/// plain). Nothing changes unless the new file is complete and checked.
pub fn convert(
    path: &Path,
    from: Option<&Key>,
    to: Option<&Key>,
    purpose: &str,
    kind: &str,
) -> Result<Converted> {
    let shown = path.display();
    key::cipher_settings();
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "no audit file at {shown}; pass the right file with --db"
        )));
    }
    let encrypted = key::looks_encrypted(path);
    if encrypted && from.is_none() {
        return Err(Error::Encrypted(format!(
            "{shown} is encrypted; give its passphrase"
        )));
    }
    if !encrypted && from.is_some() {
        return Err(Error::Invalid(format!("{shown} is not encrypted")));
    }
    if !encrypted {
        open::check_header(path)?;
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let held = lock::acquire(path, purpose, &now)?;

    let mut conn = Connection::open(path)
        .map_err(|e| Error::BadFile(format!("{shown} cannot be opened: {e}")))?;
    if let Some(k) = from {
        open::key_connection(&mut conn, k, path, rusqlite::OpenFlags::default())?;
    }
    open::check_contents(&conn, path, true)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // everything in the file itself: the WAL of the old key goes with it
    let (busy, _, _): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if busy != 0 {
        return Err(Error::Locked(format!(
            "{shown} is being read by another process; close it and try again"
        )));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;

    let tmp = lock::side_path(path, ".converting");
    let _ = fs::remove_file(&tmp);
    let made = (|| -> Result<u64> {
        open::create_private_file(&tmp)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", tmp.display())))?;
        let pass = to.map(|k| k.passphrase().as_str()).unwrap_or("");
        conn.execute(
            "ATTACH DATABASE ?1 AS converted KEY ?2",
            params![tmp.to_string_lossy(), pass],
        )?;
        let copied = (|| -> Result<()> {
            conn.query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))?;
            conn.pragma_update(Some("converted"), "user_version", version)?;
            conn.pragma_update(Some("converted"), "application_id", open::APPLICATION_ID)?;
            Ok(())
        })();
        conn.execute_batch("DETACH DATABASE converted")?;
        copied?;
        // the new file, read back on its own connection with its own key
        let check = Connection::open(&tmp)?;
        if let Some(k) = to {
            k.apply(&check, &tmp)?;
        }
        open::check_contents(&check, &tmp, true)?;
        let mut rows = 0;
        for table in tables(&conn)? {
            let count = |c: &Connection| -> rusqlite::Result<i64> {
                c.query_row(
                    &format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")),
                    [],
                    |r| r.get(0),
                )
            };
            let (a, b) = (count(&conn)?, count(&check)?);
            if a != b {
                return Err(Error::Sqlite(format!(
                    "the new file has {b} rows in {table}, the old one {a}; nothing was changed"
                )));
            }
            rows += a as u64;
        }
        drop(check);
        fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::Io(format!("cannot flush {}: {e}", tmp.display())))?;
        Ok(rows)
    })();
    let rows = match made {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    drop(conn);

    // the old file stays reachable in backups/ until the user wipes it
    let old_kept = backup::next_name(path, &format!("before-{kind}-"))?;
    if fs::hard_link(path, &old_kept).is_err() {
        fs::copy(path, &old_kept).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::Io(format!(
                "cannot keep the old file as {}: {e}; nothing was changed",
                old_kept.display()
            ))
        })?;
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::Io(format!("cannot replace {shown}: {e}; nothing was changed"))
    })?;
    for side in ["-wal", "-shm"] {
        let _ = fs::remove_file(lock::side_path(path, side));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    match to {
        Some(k) => key::remember(path, k),
        None => key::forget(path),
    }
    if let Some(stamp) = lock::file_stamp(path) {
        held.mark_clean(&stamp);
    }
    drop(held);
    let mut old_backups = backups_of(path);
    old_backups.retain(|p| p != &old_kept);
    old_backups.push(old_kept.clone());
    Ok(Converted {
        old_kept,
        old_backups,
        rows,
    })
}

/// Every backup of `db` in `backups/`: the rolling ones, the safety copies
/// of restores and the old files of conversions.
pub fn backups_of(db: &Path) -> Vec<PathBuf> {
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = backup::list_backups(db);
    let kept = [
        "before-restore-",
        "before-encrypt-",
        "before-decrypt-",
        "before-rekey-",
    ];
    for entry in fs::read_dir(backup::backup_dir(db))
        .into_iter()
        .flatten()
        .flatten()
    {
        let p = entry.path();
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(rest) = name.strip_prefix(&stem).and_then(|r| r.strip_prefix('-')) else {
            continue;
        };
        if name.ends_with(".sqlite") && kept.iter().any(|k| rest.starts_with(k)) {
            out.push(p);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Overwrite a file with zeros, flush, and remove it. (On a flash disk the
/// old blocks may survive in the drive's spare area: full-disk encryption
/// is what protects against that.)
pub fn wipe_file(path: &Path) -> Result<()> {
    let failed = |e: std::io::Error| Error::Io(format!("cannot wipe {}: {e}", path.display()));
    let len = fs::metadata(path).map_err(failed)?.len();
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(failed)?;
    let zeros = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n]).map_err(failed)?;
        left -= n as u64;
    }
    f.sync_all().map_err(failed)?;
    drop(f);
    fs::remove_file(path).map_err(failed)
}

fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut s = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0
           AND name NOT LIKE 'sqlite_%'",
    )?;
    let rows = s.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
