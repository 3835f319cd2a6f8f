//! The audit file: one SQLite database, every change committed in its own
//! transaction the moment it is made. No ratatui here.

mod audits;
pub mod backup;
mod batch;
mod edits;
mod error;
mod findings;
mod history;
mod interviews;
pub mod lock;
mod open;
mod reviews;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

use crate::catalogue::{self, Catalogue};

pub use audits::AuditSummary;
pub use batch::Batch;
pub use edits::{DocField, Draft, EditTarget, InterviewField, SampleField};
pub use error::{Error, Result};
pub use findings::{finding_search_texts_at, FindingField, FindingFilter, FindingOrder};
pub use history::{chain_hash, ChainReport, HistoryEntry};
pub use open::{
    default_path, latest_schema_version, migrations, OpenOptions, WhenLocked, APPLICATION_ID,
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
    // Held for as long as the store is open for writing.
    lock: Option<lock::WriterLock>,
}

/// The rolling backup of this opening: still being written, or done.
enum BackupJob {
    Running(backup::Running),
    Done(Option<PathBuf>),
}

impl Drop for Store {
    /// Finish the opening backup, then record a clean close (everything
    /// checkpointed into the file) so that the next open can skip the full
    /// page check. A killed process records nothing: the next open checks.
    fn drop(&mut self) {
        let _ = self.opening_backup();
        if self.read_only.is_some() {
            return;
        }
        let done = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        if done == Ok(0) {
            if let (Some(lock), Some(stamp)) = (self.lock.as_mut(), lock::file_stamp(&self.path)) {
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
        })
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

    /// The rolling backup taken when the file was opened, if one was needed
    /// (waits for it to be written).
    pub fn opening_backup(&mut self) -> Result<Option<PathBuf>> {
        let job = std::mem::replace(&mut self.backup, BackupJob::Done(None));
        let done = match job {
            BackupJob::Done(p) => p,
            BackupJob::Running(h) => match h.join() {
                Ok(r) => Some(r?),
                Err(_) => return Err(Error::Io("the backup thread failed".into())),
            },
        };
        self.backup = BackupJob::Done(done.clone());
        Ok(done)
    }

    /// A consistent copy of the whole file at `dest` (a new file, mode 0600),
    /// through SQLite's online backup API.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        backup::copy_to(&self.conn, dest)
    }

    /// Replace this file's contents with the backup at `src` (checked first),
    /// after taking a backup of the current contents, which is returned.
    pub fn restore_from(&mut self, src: &Path) -> Result<PathBuf> {
        if let Some(why) = &self.read_only {
            return Err(Error::ReadOnly(why.clone()));
        }
        backup::inspect(src)?;
        self.opening_backup()?;
        let safety = backup::rolling(&self.conn, &self.path, usize::MAX)?
            .or_else(|| backup::list_backups(&self.path).pop())
            .ok_or_else(|| {
                Error::Io("could not back up the current file before restoring".into())
            })?;
        self.conn
            .restore(
                rusqlite::MAIN_DB,
                src,
                None::<fn(rusqlite::backup::Progress)>,
            )
            .map_err(|e| Error::Sqlite(format!("restoring {} failed: {e}", src.display())))?;
        migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| Error::Sqlite(format!("schema migration after restore failed: {e}")))?;
        Ok(safety)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Direct read access for queries the store does not wrap (benchmarks, tests).
    pub fn connection(&self) -> &Connection {
        &self.conn
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
        Catalogue::parse(&src, &format!("<stored catalogue {id}>"))
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

/// Map "row not found" to a NotFound error with a message.
pub(crate) fn found<T>(r: rusqlite::Result<T>, what: impl FnOnce() -> String) -> Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(Error::NotFound(what())),
        Err(e) => Err(e.into()),
    }
}

/// Parse a stored enum code; a bad code means the file was edited by hand.
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
