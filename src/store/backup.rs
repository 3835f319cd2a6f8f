//! Backups with SQLite's online backup API: a rolling one on every open for
//! writing (before the first write), one on demand, and restoring one.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::error::{Error, Result};
use super::open::{check_contents, check_header, create_private_dirs};

/// Rolling backups kept beside an audit file unless configured otherwise.
pub const DEFAULT_KEEP: usize = 5;

/// `backups/` beside the audit file.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "auditbench".into())
}

/// The rolling backups of `db`, oldest first (names sort by time).
pub fn list_backups(db: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}-", stem(db));
    let mut out: Vec<PathBuf> = fs::read_dir(backup_dir(db))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".sqlite"))
        })
        .collect();
    out.sort();
    out
}

/// A rolling backup being written in the background; see [`start_rolling`].
pub(crate) type Running = std::thread::JoinHandle<Result<PathBuf>>;

/// Whether the newest backup already holds exactly the file's state (same
/// modification time, nothing in the WAL): reopening an unchanged file
/// needs no new backup.
fn up_to_date(db: &Path) -> bool {
    let modified = fs::metadata(db).and_then(|m| m.modified()).ok();
    let wal_empty = fs::metadata(wal_path(db)).map_or(true, |m| m.len() == 0);
    match (list_backups(db).last(), modified) {
        (Some(newest), Some(m)) => {
            wal_empty && fs::metadata(newest).and_then(|b| b.modified()).ok() == Some(m)
        }
        _ => false,
    }
}

/// A new, unused name in `backups/` for a backup taken now.
fn next_name(db: &Path) -> Result<PathBuf> {
    let dir = backup_dir(db);
    create_private_dirs(&dir).map_err(|e| {
        Error::Io(format!(
            "cannot create the backup folder {}: {e}; free some space or pass --keep-backups 0",
            dir.display()
        ))
    })?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut dest = dir.join(format!("{}-{stamp}.sqlite", stem(db)));
    let mut n = 1;
    while dest.exists() {
        n += 1;
        dest = dir.join(format!("{}-{stamp}-{n}.sqlite", stem(db)));
    }
    Ok(dest)
}

/// After a rolling backup: give it the file's time (so an unchanged file is
/// not backed up again) and keep only the newest `keep`.
fn settle(db: &Path, dest: &Path, modified: Option<std::time::SystemTime>, keep: usize) {
    if let (Some(m), Ok(f)) = (modified, fs::File::options().write(true).open(dest)) {
        let _ = f.set_modified(m);
    }
    let all = list_backups(db);
    for old in all.iter().take(all.len().saturating_sub(keep)) {
        let _ = fs::remove_file(old);
    }
}

/// Take the rolling backup now, through `conn` (used before a restore).
pub(crate) fn rolling(conn: &Connection, db: &Path, keep: usize) -> Result<Option<PathBuf>> {
    if keep == 0 || up_to_date(db) {
        return Ok(None);
    }
    let modified = fs::metadata(db).and_then(|m| m.modified()).ok();
    let dest = next_name(db)?;
    copy_to(conn, &dest)?;
    settle(db, &dest, modified, keep);
    Ok(Some(dest))
}

/// Start the rolling backup of a checked file: the snapshot is taken now,
/// before the caller writes anything; the copy is written by a thread, so a
/// large file does not delay the first frame. Join it before closing.
pub(crate) fn start_rolling(db: &Path, keep: usize) -> Result<Option<Running>> {
    if keep == 0 || up_to_date(db) {
        return Ok(None);
    }
    let modified = fs::metadata(db).and_then(|m| m.modified()).ok();
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::Sqlite(format!("cannot read {} to back it up: {e}", db.display())))?;
    // A read transaction pins the snapshot: later writes (WAL) are not in it.
    src.execute_batch("BEGIN")?;
    src.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let dest = next_name(db)?;
    let db = db.to_path_buf();
    Ok(Some(std::thread::spawn(move || {
        // Written under another name and renamed when whole: a process that
        // dies mid-copy leaves no half backup among the real ones.
        let part = dest.with_extension("sqlite.part");
        copy_to(&src, &part)?;
        let _ = src.execute_batch("COMMIT");
        fs::rename(&part, &dest).map_err(|e| {
            let _ = fs::remove_file(&part);
            Error::Io(format!("cannot name the backup {}: {e}", dest.display()))
        })?;
        settle(&db, &dest, modified, keep);
        Ok(dest)
    })))
}

/// Copy the database behind `conn` to a new file `dest` (mode 0600), fsynced.
pub(crate) fn copy_to(conn: &Connection, dest: &Path) -> Result<()> {
    let shown = dest.display();
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(dest).map_err(|e| {
        Error::Io(format!(
            "cannot create the backup {shown}: {e}; choose another path"
        ))
    })?;
    let result = conn
        .backup(MAIN_DB, dest, None)
        .map_err(|e| Error::Sqlite(format!("backup to {shown} failed: {e}")))
        .and_then(|_| {
            fs::File::open(dest)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::Io(format!("cannot flush the backup {shown}: {e}")))
        });
    if result.is_err() {
        let _ = fs::remove_file(dest);
    }
    result
}

/// Check that `path` is a healthy auditbench file, without writing to it.
/// Returns (audits, findings) for the confirmation prompt.
pub fn inspect(path: &Path) -> Result<(u64, u64)> {
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "no backup file at {}; list them in {}",
            path.display(),
            backup_dir(path).display()
        )));
    }
    check_header(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::BadFile(format!("{} cannot be opened: {e}", path.display())))?;
    check_contents(&conn, path, true)?;
    let count = |table: &str| -> Result<u64> {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| {
                Error::BadFile(format!(
                    "{} is not a complete audit file ({e})",
                    path.display()
                ))
            })?;
        Ok(n.max(0) as u64)
    };
    Ok((count("audits")?, count("findings")?))
}

fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-wal");
    db.with_file_name(name)
}
