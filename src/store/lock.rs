//! One writer per audit file: an advisory lock (`flock`) on `FILE.lock`, held
//! for as long as the file is open for writing. The kernel drops the lock when
//! the process ends, however it ends, so a killed process never leaves a lock
//! that blocks the next start; the file's text only says who holds it.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::error::{Error, Result};

/// A held writer lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    /// What the lock file said before we took it: the previous holder, and
    /// whether it closed the audit file cleanly.
    pub previous: String,
}

impl WriterLock {
    /// Record that the audit file was closed cleanly, in the state `stamp`
    /// describes (see [`file_stamp`]): the next open may skip the full check.
    pub fn mark_clean(&mut self, stamp: &str) {
        let _ = self
            .file
            .seek(SeekFrom::End(0))
            .and_then(|_| self.file.write_all(format!("{CLEAN} {stamp}\n").as_bytes()));
    }
}

const CLEAN: &str = "closed-cleanly";

/// How long to wait for another holder to let go of the lock.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(300);

/// Size and modification time of a file: what a clean close leaves behind.
pub fn file_stamp(path: &Path) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(format!("{}:{mtime}", meta.len()))
}

/// Whether the lock file's text says the audit file was closed cleanly by
/// auditbench and has not changed since (same size and time, empty WAL).
pub fn closed_cleanly(lock_text: &str, db: &Path) -> bool {
    let mut wal = db.file_name().unwrap_or_default().to_os_string();
    wal.push("-wal");
    let wal_empty = fs::metadata(db.with_file_name(wal)).map_or(true, |m| m.len() == 0);
    match file_stamp(db) {
        Some(stamp) => wal_empty && lock_text.lines().any(|l| l == format!("{CLEAN} {stamp}")),
        None => false,
    }
}

/// The lock file's text, without taking the lock (for read-only opens).
pub fn peek(db: &Path) -> String {
    fs::read_to_string(lock_path(db)).unwrap_or_default()
}

/// The lock file of an audit file: `audits.sqlite` → `audits.sqlite.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}

/// Take the writer lock, or say who holds it (`Err(Error::Locked)`).
pub fn acquire(db: &Path, what: &str, now: &str) -> Result<WriterLock> {
    let path = lock_path(db);
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(&path).map_err(|e| {
        Error::Io(format!(
            "cannot create the lock file {}: {e}; is the folder writable?",
            path.display()
        ))
    })?;
    // A holder that is just finishing (a script's previous command) gets a
    // moment to let go before we say the file is in use.
    let mut waited = std::time::Duration::ZERO;
    let step = std::time::Duration::from_millis(10);
    let mut attempt = file.try_lock();
    while matches!(attempt, Err(TryLockError::WouldBlock)) && waited < LOCK_PATIENCE {
        std::thread::sleep(step);
        waited += step;
        attempt = file.try_lock();
    }
    match attempt {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(Error::Locked(format!(
                "{} is open in another auditbench ({}); close it there first, or wait for it to finish",
                db.display(),
                describe(&holder)
            )));
        }
        Err(TryLockError::Error(e)) => {
            return Err(Error::Io(format!(
                "cannot lock {}: {e}; is the file on a network share?",
                path.display()
            )))
        }
    }
    let mut previous = String::new();
    let _ = file.read_to_string(&mut previous);
    // Who we are, for the next one who finds the file locked. Best effort:
    // the lock itself is what counts.
    let me = format!(
        "pid {}\nhost {}\nsince {now}\nrunning {what}\n",
        std::process::id(),
        hostname()
    );
    let _ = file
        .set_len(0)
        .and_then(|_| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(me.as_bytes()));
    Ok(WriterLock { file, previous })
}

/// "pid 123 on laptop, running the workbench since 2026-11-23T09:30:00Z".
fn describe(holder: &str) -> String {
    let field = |key: &str| {
        holder
            .lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
            .filter(|v| !v.is_empty())
    };
    match field("pid ") {
        Some(pid) => {
            let mut s = format!("process {pid}");
            if let Some(h) = field("host ") {
                s.push_str(&format!(" on {h}"));
            }
            if let Some(w) = field("running ") {
                s.push_str(&format!(", running {w}"));
            }
            if let Some(t) = field("since ") {
                s.push_str(&format!(" since {t}"));
            }
            s
        }
        None => "a process that has only just started".into(),
    }
}

fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this computer".into())
}
