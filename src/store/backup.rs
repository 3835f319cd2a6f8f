//! Backups with SQLite's online backup API: a rolling one on every open for
//! writing (before the first write), one on demand, and restoring one.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::error::{Error, Result};
use super::open::{check_contents, check_header, create_private_dirs};

/// How long a page check that no backup waits for lets the opening go first.
pub(crate) const CHECK_DELAY: std::time::Duration = std::time::Duration::from_millis(700);

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

/// Whether `name` is one of `stem`'s rolling backups, `STEM-STAMP.sqlite`
/// or `STEM-STAMP-N.sqlite` (`ext`: `.sqlite`, or `.sqlite.part` while one
/// is being written), where STAMP is `YYYYMMDDTHHMMSS.mmmZ`. Exact: the
/// backups of `client-2025.sqlite` are not `client.sqlite`'s, and the safety
/// copies a restore makes (`STEM-before-restore-…`) are never pruned.
fn is_rolling(name: &str, stem: &str, ext: &str) -> bool {
    let Some(rest) = name
        .strip_prefix(stem)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_suffix(ext))
    else {
        return false;
    };
    let (stamp, n) = match rest.get(20..) {
        Some("") => (rest, None),
        Some(tail) => (&rest[..20], tail.strip_prefix('-')),
        None => return false,
    };
    let shape_ok = stamp.bytes().enumerate().all(|(i, b)| match i {
        8 => b == b'T',
        15 => b == b'.',
        19 => b == b'Z',
        _ => b.is_ascii_digit(),
    });
    shape_ok
        && stamp.len() == 20
        && n.is_none_or(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn files_named(db: &Path, ext: &str) -> Vec<PathBuf> {
    let stem = stem(db);
    let mut out: Vec<PathBuf> = fs::read_dir(backup_dir(db))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| is_rolling(n, &stem, ext))
        })
        .collect();
    out.sort();
    out
}

/// The rolling backups of `db`, oldest first (names sort by time).
pub fn list_backups(db: &Path) -> Vec<PathBuf> {
    files_named(db, ".sqlite")
}

/// Remove what killed backups of `db` left (`.part` files). Called with the
/// writer lock held, so no backup of this file is being written.
pub(crate) fn remove_stale_parts(db: &Path) -> usize {
    files_named(db, ".sqlite.part")
        .iter()
        .filter(|p| fs::remove_file(p).is_ok())
        .count()
}

/// The background work of an opening: the page check (when the open skipped
/// it) and the rolling backup. Its result says what was backed up, or why
/// not; the store reports a failure instead of keeping quiet.
pub(crate) struct Running {
    pub handle: std::thread::JoinHandle<Result<Option<PathBuf>>>,
    /// Only a page check, no backup: a closing store cancels it rather than
    /// wait (dropping `cancel` ends its pause; `interrupt` a running check).
    pub check_only: bool,
    pub cancel: Option<std::sync::mpsc::Sender<()>>,
    pub interrupt: rusqlite::InterruptHandle,
    /// Set to stop a backup being written (its partial copy is removed).
    pub stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Running {
    /// Stop a check-only job at once; a job with a backup is left to finish.
    pub fn cancel_check(&mut self) {
        if self.check_only {
            self.cancel = None;
            self.interrupt.interrupt();
        }
    }

    /// Stop the job at once, check or backup: the partial copy is removed
    /// and the next opening takes the backup again.
    pub fn stop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.cancel = None;
        self.interrupt.interrupt();
    }
}

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

/// A new, unused name in `backups/`: `STEM-{kind}STAMP.sqlite`.
pub(crate) fn next_name(db: &Path, kind: &str) -> Result<PathBuf> {
    let dir = backup_dir(db);
    create_private_dirs(&dir).map_err(|e| {
        Error::Io(format!(
            "cannot create the backup folder {}: {e}; free some space or pass --keep-backups 0",
            dir.display()
        ))
    })?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut dest = dir.join(format!("{}-{kind}{stamp}.sqlite", stem(db)));
    let mut n = 1;
    while dest.exists() {
        n += 1;
        dest = dir.join(format!("{}-{kind}{stamp}-{n}.sqlite", stem(db)));
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

/// The safety copy a restore takes of the current contents, through `conn`.
/// Named `STEM-before-restore-STAMP.sqlite`: rolling backups never prune it.
pub(crate) fn safety_copy(conn: &Connection, db: &Path) -> Result<PathBuf> {
    let dest = next_name(db, "before-restore-")?;
    copy_to(conn, db, &dest)?;
    Ok(dest)
}

/// Refuse to copy a damaged file: a backup of it would only spread the damage.
fn page_check(conn: &Connection, db: &Path) -> Result<()> {
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| damaged(db, &e.to_string()))?;
    if check == "ok" {
        Ok(())
    } else {
        Err(damaged(db, &check))
    }
}

fn damaged(db: &Path, what: &str) -> Error {
    Error::BadFile(format!(
        "{} is damaged (page check: {what}); no backup was taken of it. Run `auditbench verify`, and restore the newest good backup from {} with `auditbench restore`",
        db.display(),
        backup_dir(db).display()
    ))
}

/// Start the background work of an opening: the page check when `check`
/// (the open skipped it), then the rolling backup when one is due. The
/// snapshot is pinned now, before the caller writes anything; the work runs
/// on a thread so that a large file does not delay the first frame.
pub(crate) fn start_background(db: &Path, keep: usize, check: bool) -> Result<Option<Running>> {
    remove_stale_parts(db);
    let due = keep > 0 && !up_to_date(db);
    if !due && !check {
        return Ok(None);
    }
    let modified = fs::metadata(db).and_then(|m| m.modified()).ok();
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| super::key::key_if_known(&c, db).map(|_| c))
    .map_err(|e| Error::Sqlite(format!("cannot read {} to back it up: {e}", db.display())))?;
    let dest = if due { Some(next_name(db, "")?) } else { None };
    if dest.is_some() {
        // A read transaction pins the snapshot: later writes (WAL) are not in it.
        src.execute_batch("BEGIN")?;
        src.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
    }
    let db = db.to_path_buf();
    // The check reads the whole file: through a small page cache, and, when
    // no backup waits for it, after the first frame is drawn.
    let _ = src.pragma_update(None, "cache_size", -256);
    let interrupt = src.get_interrupt_handle();
    let check_only = dest.is_none();
    let (cancel, cancelled) = std::sync::mpsc::channel::<()>();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let handle = crate::background::spawn(
        "opening-backup",
        crate::background::Priority::Idle,
        move || {
            if check {
                if dest.is_none() {
                    use std::sync::mpsc::RecvTimeoutError;
                    if cancelled.recv_timeout(CHECK_DELAY) != Err(RecvTimeoutError::Timeout) {
                        return Ok(None);
                    }
                }
                match page_check(&src, &db) {
                    // Interrupted by a closing store: no verdict, nothing to say.
                    Err(_)
                        if dest.is_none()
                            && cancelled.try_recv().is_err_and(|e| {
                                e == std::sync::mpsc::TryRecvError::Disconnected
                            }) =>
                    {
                        return Ok(None)
                    }
                    r => r?,
                }
            }
            let Some(dest) = dest else { return Ok(None) };
            // Written under another name and renamed when whole: a process that
            // dies mid-copy leaves no half backup among the real ones (and the
            // next open removes the `.part`).
            let part = dest.with_extension("sqlite.part");
            copy_until(&src, &db, &part, &stopped)?;
            let _ = src.execute_batch("COMMIT");
            fs::rename(&part, &dest).map_err(|e| {
                let _ = fs::remove_file(&part);
                Error::Io(format!("cannot name the backup {}: {e}", dest.display()))
            })?;
            settle(&db, &dest, modified, keep);
            Ok(Some(dest))
        },
    )
    .map_err(|e| Error::Io(format!("cannot start the opening's backup: {e}")))?;
    Ok(Some(Running {
        handle,
        check_only,
        cancel: Some(cancel),
        interrupt,
        stop,
    }))
}

/// Copy the database behind `conn` (the file at `db`) to a new file `dest`
/// (mode 0600), fsynced; encrypted with the file's key when it is.
pub(crate) fn copy_to(conn: &Connection, db: &Path, dest: &Path) -> Result<()> {
    copy_until(conn, db, dest, &std::sync::atomic::AtomicBool::new(false))
}

/// Pages copied per step of a backup: `stop` is looked at between steps
/// (4 MB of 4 KiB pages, a few ms).
const BACKUP_STEP_PAGES: std::ffi::c_int = 1024;

/// [`copy_to`], stopped (and `dest` removed) when `stop` is set.
fn copy_until(
    conn: &Connection,
    db: &Path,
    dest: &Path,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<()> {
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
    let copy = || -> Result<()> {
        use rusqlite::backup::{Backup, StepResult};
        let failed = |e: rusqlite::Error| Error::Sqlite(format!("backup to {shown} failed: {e}"));
        let mut dst = Connection::open(dest).map_err(failed)?;
        // the same key and salt: the file's passphrase opens its backups
        super::key::key_if_known(&dst, db).map_err(failed)?;
        let backup = Backup::new_with_names(conn, MAIN_DB, &mut dst, MAIN_DB).map_err(failed)?;
        loop {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::Io(format!("the backup to {shown} was stopped")));
            }
            match backup.step(BACKUP_STEP_PAGES).map_err(failed)? {
                StepResult::Done => return Ok(()),
                StepResult::More => {}
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
    };
    let result = copy().and_then(|_| {
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
pub fn inspect(path: &Path, key: Option<&super::Key>) -> Result<(u64, u64)> {
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "no backup file at {}; list them in {}",
            path.display(),
            backup_dir(path).display()
        )));
    }
    let conn = open_backup(path, key)?;
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

/// A backup file opened read-only: plain, or encrypted with `key`.
fn open_backup(path: &Path, key: Option<&super::Key>) -> Result<Connection> {
    let encrypted = super::key::looks_encrypted(path);
    if !encrypted {
        check_header(path)?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)
        .map_err(|e| Error::BadFile(format!("{} cannot be opened: {e}", path.display())))?;
    if encrypted {
        let Some(key) = key else {
            return Err(Error::Encrypted(format!(
                "{} is encrypted and the audit file is not: restore it over an encrypted file, or decrypt it first",
                path.display()
            )));
        };
        super::open::key_connection(&mut conn, key, path, flags)?;
    }
    Ok(conn)
}

/// Copy the backup at `src` over the database behind `conn` (the restore),
/// through the online backup API; an encrypted backup with `key`.
pub(crate) fn restore_into(
    conn: &mut Connection,
    src: &Path,
    key: Option<&super::Key>,
) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let failed =
        |e: rusqlite::Error| Error::Sqlite(format!("restoring {} failed: {e}", src.display()));
    let from = open_backup(src, key)?;
    let restore = Backup::new_with_names(&from, MAIN_DB, conn, MAIN_DB).map_err(failed)?;
    let mut busy = 0;
    loop {
        match restore.step(BACKUP_STEP_PAGES).map_err(failed)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if busy < 30 => {
                busy += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            _ => {
                return Err(Error::Sqlite(format!(
                    "restoring {} failed: the file stayed busy",
                    src.display()
                )))
            }
        }
    }
}

fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-wal");
    db.with_file_name(name)
}
