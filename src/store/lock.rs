//! One writer per audit file: an advisory lock (`flock`) on the audit file
//! itself, held for as long as the file is open for writing. Locking the file
//! (its device and inode), not a name beside it, means a hard link or a
//! symbolic link to the same file finds it locked too. The kernel drops the
//! lock when the process ends, however it ends, so a killed process never
//! leaves a lock that blocks the next start.
//!
//! `FILE.lock` beside it is a note, not the lock: who holds the file (for the
//! message a second process shows), the identity of the write-ahead log each
//! time it starts afresh, and whether the last holder closed the file cleanly.
//! The open checks use that note to tell this file's WAL from a foreign one.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::error::{Error, Result};

/// A held writer lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct WriterLock {
    /// The audit file itself, `flock`ed. Closed only after SQLite's
    /// connection (a POSIX-lock subtlety: closing any descriptor of a file
    /// drops the process's record locks on it).
    _db: File,
    db_path: PathBuf,
    /// The note beside it, and the last WAL identity written to it.
    note: Mutex<(File, Option<String>)>,
    /// The WAL, opened at the first commit that needs it.
    wal: Mutex<Option<File>>,
    /// What the note said before we took the lock: the previous holder, its
    /// WAL records, and whether it closed the audit file cleanly.
    pub previous: String,
}

impl WriterLock {
    /// Record that the audit file was closed cleanly, in the state `stamp`
    /// describes (see [`file_stamp`]): the next open may skip the full check.
    pub fn mark_clean(&self, stamp: &str) {
        self.append(&format!("{CLEAN} {stamp}"), None);
    }

    /// Write the WAL's identity to the note when it changed (a new WAL
    /// generation). Cheap: a 32-byte read per commit; a line (not fsynced)
    /// only when the WAL restarted.
    pub fn record_wal(&self) {
        let Ok(mut wal) = self.wal.lock() else {
            return;
        };
        // The WAL lives as long as the connection: its handle is kept.
        if wal.is_none() {
            *wal = File::open(side_path(&self.db_path, "-wal")).ok();
        }
        let mut h = [0u8; 32];
        let read = wal.as_ref().is_some_and(|f| {
            use std::os::unix::fs::FileExt;
            f.read_exact_at(&mut h, 0).is_ok()
        });
        if !read || !valid_wal_header(&h) {
            return;
        }
        let (s1, s2) = wal_salts(&h);
        let id = format!("{WAL} {s1:08x} {s2:08x}");
        self.append(&id, Some(id.clone()));
    }

    fn append(&self, line: &str, wal: Option<String>) {
        let Ok(mut note) = self.note.lock() else {
            return;
        };
        let (f, last) = &mut *note;
        if wal.is_some() && *last == wal {
            return;
        }
        let _ = f
            .seek(SeekFrom::End(0))
            .and_then(|_| f.write_all(format!("{line}\n").as_bytes()));
        *last = wal;
    }
}

const CLEAN: &str = "closed-cleanly";
const WAL: &str = "wal";

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

/// `audits.sqlite` → `audits.sqlite<suffix>` (`-wal`, `-journal`, `.lock`).
pub fn side_path(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

/// The first 32 bytes of the WAL, if it has a valid header.
fn wal_header(db: &Path) -> Option<[u8; 32]> {
    let mut f = File::open(side_path(db, "-wal")).ok()?;
    let mut h = [0u8; 32];
    f.read_exact(&mut h).ok()?;
    valid_wal_header(&h).then_some(h)
}

fn valid_wal_header(h: &[u8; 32]) -> bool {
    let magic = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    magic == 0x377f_0682 || magic == 0x377f_0683
}

/// Which WAL generation: its two salts, "wal SALT1 SALT2" in the note.
/// SQLite starts every WAL of a fresh connection with random salts and, at
/// every restart of the WAL, adds one to the first and draws the second
/// anew; a WAL copied from another file carries salts this file's note does
/// not have.
fn wal_salts(h: &[u8; 32]) -> (u32, u32) {
    (
        u32::from_be_bytes([h[16], h[17], h[18], h[19]]),
        u32::from_be_bytes([h[20], h[21], h[22], h[23]]),
    )
}

/// Whether the WAL beside `db` is the one `recorded` names, or the next
/// generation of it: a process killed between a commit that restarted the
/// WAL and the moment it noted the new salts leaves exactly that.
fn wal_matches(db: &Path, recorded: &str) -> bool {
    let Some(h) = wal_header(db) else {
        // Not a valid WAL header: SQLite ignores such a WAL.
        return true;
    };
    let (s1, s2) = wal_salts(&h);
    let mut parts = recorded.split_whitespace().skip(1);
    let parse = |p: Option<&str>| p.and_then(|v| u32::from_str_radix(v, 16).ok());
    match (parse(parts.next()), parse(parts.next())) {
        (Some(r1), Some(r2)) => (s1, s2) == (r1, r2) || s1 == r1.wrapping_add(1),
        _ => true,
    }
}

/// Whether the note's text says the audit file was closed cleanly by
/// auditbench and has not changed since (same size and time, empty WAL).
pub fn closed_cleanly(note: &str, db: &Path) -> bool {
    let wal_empty = fs::metadata(side_path(db, "-wal")).map_or(true, |m| m.len() == 0);
    match file_stamp(db) {
        Some(stamp) => wal_empty && note.lines().any(|l| l == format!("{CLEAN} {stamp}")),
        None => false,
    }
}

/// Refuse a write-ahead log or rollback journal that was not written for
/// this file, before SQLite replays it into the file. Creates nothing.
pub fn check_side_files(db: &Path, note: &str) -> Result<()> {
    let journal = side_path(db, "-journal");
    if fs::metadata(&journal).is_ok_and(|m| m.len() > 0) && header_says_wal(db) {
        return Err(foreign(
            db,
            &journal,
            "a rollback journal, which a WAL-mode audit file never has",
        ));
    }
    let wal = side_path(db, "-wal");
    if fs::metadata(&wal).map_or(true, |m| m.len() == 0) {
        return Ok(());
    }
    // The last thing the note says about the WAL decides.
    let mut last: Option<&str> = None;
    for line in note.lines() {
        if line.starts_with(CLEAN) || line.starts_with(WAL) {
            last = Some(line);
        }
    }
    match last {
        // Written by an older auditbench, or the note was lost: no way to tell.
        None => Ok(()),
        Some(l) if l.starts_with(CLEAN) => Err(foreign(
            db,
            &wal,
            "a WAL that appeared after auditbench closed the file cleanly (with an empty WAL)",
        )),
        Some(l) if wal_matches(db, l) => Ok(()),
        Some(_) => Err(foreign(
            db,
            &wal,
            "a WAL that is not the one auditbench last wrote for this file (another file's?)",
        )),
    }
}

fn foreign(db: &Path, side: &Path, what: &str) -> Error {
    Error::BadFile(format!(
        "{} has {what}: {}; nothing was changed. Move that file aside (e.g. to {}.foreign) and open again; if it is this file's own (after a power cut), remove {} instead",
        db.display(),
        side.display(),
        side.display(),
        lock_path(db).display()
    ))
}

/// Whether the SQLite header says WAL mode (read/write versions 2).
fn header_says_wal(db: &Path) -> bool {
    let mut h = [0u8; 20];
    File::open(db)
        .and_then(|mut f| f.read_exact(&mut h))
        .is_ok_and(|_| h[18] == 2 && h[19] == 2)
}

/// The note's text, without taking the lock (for read-only opens).
pub fn peek(db: &Path) -> String {
    fs::read_to_string(lock_path(db)).unwrap_or_default()
}

/// Whether another process holds the writer lock right now (read-only opens
/// then trust its live WAL). Takes and releases a shared lock; never blocks.
pub fn held_elsewhere(db: &Path) -> bool {
    match File::open(db) {
        Ok(f) => matches!(f.try_lock_shared(), Err(TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

/// The note beside an audit file: `audits.sqlite` → `audits.sqlite.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    side_path(db, ".lock")
}

/// Take the writer lock, or say who holds it (`Err(Error::Locked)`).
pub fn acquire(db: &Path, what: &str, now: &str) -> Result<WriterLock> {
    let file = File::open(db).map_err(|e| {
        Error::Io(format!(
            "cannot open {} to lock it: {e}; check its permissions",
            db.display()
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
            return Err(Error::Locked(format!(
                "{} is open in another auditbench ({}); close it there first, or wait for it to finish",
                db.display(),
                describe(&peek(db))
            )));
        }
        Err(TryLockError::Error(e)) => {
            return Err(Error::Io(format!(
                "cannot lock {}: {e}; is the file on a network share?",
                db.display()
            )))
        }
    }
    let path = lock_path(db);
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut note = opts.open(&path).map_err(|e| {
        Error::Io(format!(
            "cannot create the lock file {}: {e}; is the folder writable?",
            path.display()
        ))
    })?;
    let mut previous = String::new();
    let _ = note.read_to_string(&mut previous);
    // Who we are, for the next one who finds the file locked. Best effort:
    // the lock itself is what counts.
    let me = format!(
        "pid {}\nhost {}\nsince {now}\nrunning {what}\n",
        std::process::id(),
        hostname()
    );
    let _ = note
        .set_len(0)
        .and_then(|_| note.seek(SeekFrom::Start(0)))
        .and_then(|_| note.write_all(me.as_bytes()));
    Ok(WriterLock {
        _db: file,
        db_path: db.to_path_buf(),
        note: Mutex::new((note, None)),
        wal: Mutex::new(None),
        previous,
    })
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
        None => {
            "a process that has only just started, or one using another name (a link) for this file"
                .into()
        }
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

/// Watch commits on `conn`: after each one, write the WAL's identity to the
/// note when it changed. SQLite's automatic checkpoint is itself a WAL hook,
/// which this one replaces, so it checkpoints at the same 1000 pages.
///
/// `lock` must outlive `conn` (the store keeps it boxed and drops the
/// connection first).
pub(crate) fn watch_wal(conn: &rusqlite::Connection, lock: &WriterLock) {
    use rusqlite::ffi;
    use std::ffi::{c_char, c_int, c_void};

    unsafe extern "C" fn hook(
        ctx: *mut c_void,
        db: *mut ffi::sqlite3,
        name: *const c_char,
        pages: c_int,
    ) -> c_int {
        if pages >= 1000 {
            // SAFETY: called by SQLite with its own open handle and name.
            unsafe { ffi::sqlite3_wal_checkpoint(db, name) };
        }
        // SAFETY: `ctx` is the boxed lock registered below, alive for as
        // long as the connection (see the function's contract).
        let lock = unsafe { &*(ctx as *const WriterLock) };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lock.record_wal()));
        ffi::SQLITE_OK
    }
    // SAFETY: the handle is valid while `conn` lives; `lock` outlives it.
    unsafe {
        ffi::sqlite3_wal_hook(
            conn.handle(),
            Some(hook),
            lock as *const WriterLock as *mut c_void,
        );
    }
}
