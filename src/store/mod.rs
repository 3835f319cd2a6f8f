//! The audit file: one SQLite database, every change committed in its own
//! transaction the moment it is made. No ratatui here.

mod audits;
pub mod backup;
mod batch;
mod bulk_trail;
mod citations;
mod clause_time;
mod clients;
mod context;
mod crypt;
mod edits;
mod error;
mod finding_edits;
mod findings;
mod gaps;
mod history;
mod interviews;
mod key;
pub mod lock;
mod open;
pub mod pack;
mod plan;
mod ratings;
mod responses;
mod reviews;
mod team;
mod text_search;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

use crate::catalogue::{self, Catalogue};

pub use audits::AuditSummary;
pub use batch::Batch;
pub use citations::{cited_by, Citation};
pub use clients::{ClientSummary, FollowUp, OutcomeRecord};
pub use crypt::{backups_of, convert, wipe_file, Converted};
pub use edits::{DocField, Draft, EditTarget, InterviewField, SampleField};
pub use error::{Error, Result};
pub use findings::{
    grade_page_at, grade_pages, Dir, FindingField, FindingFilter, FindingOrder, PageKey,
};
pub use history::{chain_hash, ChainReport, HistoryEntry};
pub use interviews::{interview_clauses, record_indexes_at, RecordIndex, RecordIndexes};
pub(crate) use key::known as known_key;
pub use key::{looks_encrypted, wipe, Key, Passphrase, HMAC, MIN_PASSPHRASE, PAGE_SIZE};
pub use open::{
    default_path, latest_schema_version, migrations, validate_migrations, OpenOptions, WhenLocked,
    APPLICATION_ID,
};
pub use pack::{check_trail, AuditTrail};
pub use responses::NewResponse;
pub use team::{tag_for, ListedConflict, MergeRecord, MergeReport, Settle, TeamInfo, TEAM_FORMAT};
pub use text_search::{
    Interrupt, TextHit, TextSearcher, TitleReader, Titled, TitledEntry, HELD_BYTES, MIN_QUERY,
};

/// The clock, injectable so tests can fix time.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An open audit file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    read_only: Option<String>,
    backup: BackupJob,
    // Held for as long as the store is open for writing; boxed because the
    // connection's WAL hook points at it. Dropped after `conn`.
    lock: Option<Box<lock::WriterLock>>,
    /// The file's key, when it is encrypted.
    key: Option<Key>,
    /// The trail writer of the bulk load under way, if one is.
    bulk_trail: Option<bulk_trail::BulkTrail>,
}

/// The background work of this opening (page check, rolling backup): still
/// running, or done with its backup; a failure is kept until reported.
enum BackupJob {
    Running(backup::Running),
    Done(Option<PathBuf>),
    Failed(Error),
}

impl Drop for Store {
    /// Finish the opening backup, then record a clean close (everything
    /// checkpointed into the file) so that the next open can skip the full
    /// page check. A killed process records nothing: the next open checks.
    fn drop(&mut self) {
        // A check that guards no backup is cancelled, not waited for: a
        // command ends at once (the check runs again at the next open that
        // needs it, and always before a backup).
        if let BackupJob::Running(r) = &mut self.backup {
            r.cancel_check();
        }
        self.join_background();
        if let BackupJob::Failed(e) = &self.backup {
            // Nobody asked for it (a CLI command): say it rather than keep quiet.
            eprintln!(
                "auditbench: warning: {}",
                crate::text::one_line(&e.to_string())
            );
        }
        if self.read_only.is_some() {
            return;
        }
        let done = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        if done == Ok(0) {
            if let (Some(lock), Some(stamp)) = (self.lock.as_ref(), lock::file_stamp(&self.path)) {
                lock.mark_clean(&stamp);
            }
        }
    }
}

impl Store {
    /// Open (or create) the audit file at `path` for writing, with the system clock.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, &OpenOptions::default())
    }

    /// Open an audit file that must already exist: commands that read or add
    /// to an audit never create an empty file by mistake.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Self::open_with(
            path,
            &OpenOptions {
                create: false,
                ..OpenOptions::default()
            },
        )
    }

    pub fn open_with_clock(path: &Path, clock: Clock) -> Result<Store> {
        Self::open_with(
            path,
            &OpenOptions {
                clock,
                ..OpenOptions::default()
            },
        )
    }

    /// Open with every option spelled out.
    pub fn open_with(path: &Path, opts: &OpenOptions) -> Result<Store> {
        let opened = open::open_connection(path, opts)?;
        Ok(Store {
            conn: opened.conn,
            path: path.to_path_buf(),
            clock: opts.clock.clone(),
            read_only: opened.read_only,
            backup: match opened.backup {
                Some(job) => BackupJob::Running(job),
                None => BackupJob::Done(None),
            },
            lock: opened.lock,
            key: opts.key.clone(),
            bulk_trail: None,
        })
    }

    /// Whether the file is encrypted (opened with a passphrase).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The file's key, when it is encrypted.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// Run `f` as one transaction: everything it writes lands together, or,
    /// if it fails or the process dies, nothing does. Nests.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("SAVEPOINT atomically")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("RELEASE atomically")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self
                    .conn
                    .execute_batch("ROLLBACK TO atomically; RELEASE atomically");
                Err(e)
            }
        }
    }

    /// Why this file is open read-only (permissions, another writer), if it is.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    fn join_background(&mut self) {
        if let BackupJob::Running(_) = &self.backup {
            let BackupJob::Running(h) = std::mem::replace(&mut self.backup, BackupJob::Done(None))
            else {
                return;
            };
            self.backup = match h.handle.join() {
                Ok(Ok(p)) => BackupJob::Done(p),
                Ok(Err(e)) => BackupJob::Failed(e),
                Err(_) => BackupJob::Failed(Error::Io(
                    "the backup failed unexpectedly; no backup was taken at this opening".into(),
                )),
            };
        }
    }

    /// The rolling backup taken when the file was opened, if one was needed
    /// (waits for it to be written). A failure (no room, a damaged file) is
    /// returned once; after that it counts as reported.
    pub fn opening_backup(&mut self) -> Result<Option<PathBuf>> {
        self.join_background();
        match std::mem::replace(&mut self.backup, BackupJob::Done(None)) {
            BackupJob::Failed(e) => Err(e),
            BackupJob::Done(p) => {
                self.backup = BackupJob::Done(p.clone());
                Ok(p)
            }
            BackupJob::Running(_) => Ok(None),
        }
    }

    /// Whether the opening backup is still being written.
    pub fn backup_running(&self) -> bool {
        matches!(&self.backup, BackupJob::Running(r) if !r.check_only && !r.handle.is_finished())
    }

    /// Wait for the opening backup to be written, unless `stop` (asked
    /// every 50 ms) says to stop it: then its partial copy is removed, and
    /// the next opening takes it again. Returns whether it was written (or
    /// none was being written).
    pub fn finish_backup(&mut self, mut stop: impl FnMut() -> bool) -> bool {
        while self.backup_running() {
            if stop() {
                if let BackupJob::Running(r) = &mut self.backup {
                    r.stop();
                }
                self.join_background();
                // it may have been whole already (its last flush): kept
                if let BackupJob::Done(Some(_)) = &self.backup {
                    return true;
                }
                self.backup = BackupJob::Done(None);
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        true
    }

    /// Without waiting: the background check or backup failed (once).
    pub fn background_failure(&mut self) -> Option<Error> {
        if matches!(&self.backup, BackupJob::Running(h) if h.handle.is_finished()) {
            self.join_background();
        }
        if matches!(self.backup, BackupJob::Failed(_)) {
            return self.opening_backup().err();
        }
        None
    }

    /// A consistent copy of the whole file at `dest` (a new file, mode 0600),
    /// through SQLite's online backup API.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        backup::copy_to(&self.conn, &self.path, dest)
    }

    /// Replace this file's contents with the backup at `src` (checked first),
    /// after taking a safety copy of the current contents (never pruned),
    /// which is returned. The restore is recorded in the audit trail, and an
    /// audit that is reported now stays reported: only `reopen` with a
    /// reason brings it back.
    pub fn restore_from(&mut self, src: &Path) -> Result<PathBuf> {
        if let Some(why) = &self.read_only {
            return Err(Error::ReadOnly(why.clone()));
        }
        backup::inspect(src, self.key.as_ref())?;
        // A failed opening backup is no reason not to restore: the safety
        // copy below is the one that counts.
        let _ = self.opening_backup();
        let safety = backup::safety_copy(&self.conn, &self.path)?;
        let reported: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM audits WHERE status = ?1")?;
            let rows =
                stmt.query_map([crate::domain::AuditStatus::Reported.code()], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        backup::restore_into(&mut self.conn, src, self.key.as_ref())?;
        migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| Error::Sqlite(format!("schema migration after restore failed: {e}")))?;
        self.after_restore(src, &safety.display().to_string(), &reported)?;
        Ok(safety)
    }

    /// Record a restore in the trail (what, from which backup, by whom) and
    /// keep reported the audits that were reported before it.
    fn after_restore(&mut self, src: &Path, kept: &str, reported: &[String]) -> Result<()> {
        let now = self.now();
        let tx = self.conn.savepoint()?;
        for id in reported {
            tx.execute(
                "UPDATE audits SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status <> ?2",
                rusqlite::params![id, crate::domain::AuditStatus::Reported.code(), now],
            )?;
        }
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        tx.execute(
            "INSERT INTO history_append VALUES (?1, '', 'file', ?2, ?2, 'restored', ?3, ?4)",
            rusqlite::params![now, name, kept, src.display().to_string()],
        )?;
        tx.commit()?;
        if let Some(l) = &self.lock {
            l.record_wal();
        }
        Ok(())
    }

    /// Restore `src` over an audit file that cannot be opened (damaged,
    /// truncated, unreadable): the file and its side files are moved aside
    /// under `NAME.damaged-STAMP` (returned), never deleted, and the backup
    /// is copied in whole before it takes the name.
    pub fn restore_over_damaged(path: &Path, src: &Path, opts: &OpenOptions) -> Result<PathBuf> {
        backup::inspect(src, opts.key.as_ref())?;
        let now = opts.clock.as_ref()().to_rfc3339_opts(SecondsFormat::Secs, true);
        let held = lock::acquire(path, &opts.purpose, &now)?;
        let stamp = (opts.clock)().format("%Y%m%dT%H%M%SZ");
        let aside = lock::side_path(path, &format!(".damaged-{stamp}"));
        let incoming = lock::side_path(path, ".restoring");
        let _ = std::fs::remove_file(&incoming);
        let copy = || -> std::io::Result<()> {
            let mut out = std::fs::OpenOptions::new();
            out.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                out.mode(0o600);
            }
            let mut out = out.open(&incoming)?;
            std::io::copy(&mut std::fs::File::open(src)?, &mut out)?;
            out.sync_all()
        };
        copy().map_err(|e| {
            let _ = std::fs::remove_file(&incoming);
            Error::Io(format!(
                "cannot copy {}: {e}; nothing was changed",
                src.display()
            ))
        })?;
        let moved = std::fs::rename(path, &aside).and_then(|_| {
            for side in ["-wal", "-shm"] {
                let from = lock::side_path(path, side);
                if from.exists() {
                    std::fs::rename(&from, lock::side_path(&aside, side))?;
                }
            }
            std::fs::rename(&incoming, path)
        });
        drop(held);
        moved.map_err(|e| {
            Error::Io(format!(
                "cannot move the damaged file aside to {}: {e}; check the folder's permissions",
                aside.display()
            ))
        })?;
        let mut store = Store::open_with(
            path,
            &OpenOptions {
                create: false,
                ..opts.clone()
            },
        )?;
        store.after_restore(src, &aside.display().to_string(), &[])?;
        Ok(aside)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who is making the changes (`--auditor`, or chosen in the
    /// workbench), or "" when it is the audit's lead auditor.
    pub fn actor(&self) -> String {
        self.conn
            .query_row("SELECT ab_actor()", [], |r| r.get(0))
            .unwrap_or_default()
    }

    /// Who makes the changes from now on: named in the trail, as "raised
    /// by" and as interviewer ("" for the audit's lead auditor).
    pub fn set_actor(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        if name.chars().any(char::is_control) || name.chars().count() > 200 {
            return Err(Error::Invalid(
                "a name is one line of at most 200 characters".into(),
            ));
        }
        history::register_actor(&self.conn, name)?;
        Ok(())
    }

    /// A setting of this file on this machine (not part of the audit record).
    pub fn local_setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM local_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keep a setting of this file on this machine.
    pub fn set_local_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO local_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Direct read access for queries the store does not wrap (benchmarks, tests).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Now, on the store's clock (tests set it).
    pub fn clock_now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Now, as stored: UTC RFC 3339 with seconds.
    pub fn now(&self) -> String {
        (self.clock)().to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// Resolve a catalogue id: built-ins from the binary, others from the copy
    /// stored in this file when the audit was created.
    pub fn catalogue(&self, id: &str) -> Result<Catalogue> {
        if let Some(c) = catalogue::builtin(id) {
            return Ok(c);
        }
        let src: Option<String> = self
            .conn
            .query_row("SELECT source FROM catalogues WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let src = src.ok_or_else(|| {
            Error::NotFound(format!(
                "catalogue {id:?} is neither built in nor stored in this file; pass it with --catalogue FILE"
            ))
        })?;
        catalogue::parse_cached(&src, &format!("<stored catalogue {id}>"))
            .map_err(|e| Error::BadFile(e.to_string()))
    }

    /// Keep a copy of a non-built-in catalogue in the file, so its audits stay
    /// readable without the original TOML.
    pub fn store_catalogue(&self, cat: &Catalogue, source: &str) -> Result<()> {
        if catalogue::builtin(&cat.id).is_some() {
            return Ok(());
        }
        self.conn.execute(
            "INSERT INTO catalogues (id, edition, title, source, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET edition = excluded.edition, title = excluded.title,
                 source = excluded.source",
            rusqlite::params![cat.id, cat.edition, cat.title, source, self.now()],
        )?;
        Ok(())
    }
}

/// Create the platform data folder (and its parents) private to the user.
pub fn create_data_dir(dir: &Path) -> Result<()> {
    open::create_private_dirs(dir).map_err(|e| {
        Error::Io(format!(
            "cannot create the data folder {}: {e}; pass --db PATH or set AUDITBENCH_DB",
            dir.display()
        ))
    })
}

/// A fresh UUID v4, as text.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A new id that sorts after every id this process made before it (a
/// version 7 UUID: the time, then random bits), for rows made many at a
/// time: each goes at the end of the table's id index instead of at a
/// random place in it. Not for audits, clients or plans, which are named
/// by the first 8 characters of their id (the time's, here).
pub(crate) fn new_ordered_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Insert `rows` with `head` ("INSERT INTO t (a, b) VALUES "), many rows
/// per statement: a statement that fires triggers first copies each page
/// it changes into its statement journal, so that it can be undone alone,
/// and one statement per row copied the same few pages (the tables' and
/// indexes' last leaves) again for every row. `values` gives a row's
/// values, in the columns' order.
pub(crate) fn insert_many<R>(
    conn: &rusqlite::Connection,
    head: &str,
    rows: &[R],
    values: impl Fn(&R) -> Vec<rusqlite::types::Value>,
) -> Result<()> {
    const ROWS_PER_STATEMENT: usize = 64;
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let width = values(first).len();
    let row = format!("({})", vec!["?"; width].join(","));
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut stmt = conn.prepare_cached(&format!(
            "{head}{}",
            vec![row.as_str(); chunk.len()].join(",")
        ))?;
        let mut p = 1;
        for r in chunk {
            for v in values(r) {
                stmt.raw_bind_parameter(p, v)?;
                p += 1;
            }
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// Map "row not found" to a NotFound error with a message.
pub(crate) fn found<T>(r: rusqlite::Result<T>, what: impl FnOnce() -> String) -> Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(Error::NotFound(what())),
        Err(e) => Err(e.into()),
    }
}

/// Parse a stored enum code; a bad code means the file was edited by hand.
/// The rows of `table` with these row ids, in the order given, read in one
/// query (a row gone since is left out). `from_row` reads `columns` from
/// the first; the row id comes after them.
pub(crate) fn rows_by_rowid<T>(
    conn: &rusqlite::Connection,
    table: &str,
    columns: &str,
    ids: &[i64],
    from_row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let n = columns.split(',').count();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {columns}, rowid FROM {table} WHERE rowid IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut by_id: std::collections::HashMap<i64, T> = stmt
        .query_map([list], |r| Ok((r.get(n)?, from_row(r)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
}

/// Column `idx` of a row as text, borrowed (no copy made).
pub(crate) fn text_ref<'a>(r: &'a rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<&'a str> {
    stored(idx, r.get_ref(idx)?.as_str())
}

pub(crate) fn stored<T, E: std::fmt::Display>(
    idx: usize,
    r: std::result::Result<T, E>,
) -> rusqlite::Result<T> {
    r.map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            e.to_string().into(),
        )
    })
}

/// A read-only connection of its own to the file at `path`, for a thread
/// that reads beside the store's owner (waits up to `busy` for a lock).
pub(crate) fn read_only(
    path: &std::path::Path,
    busy: std::time::Duration,
) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    key::key_if_known(&conn, path)?;
    conn.busy_timeout(busy)?;
    Ok(conn)
}
