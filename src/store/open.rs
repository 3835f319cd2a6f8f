//! Opening an audit file: refuse anything that is not a healthy auditbench
//! file *before* writing a single byte to it, then set pragmas and migrate.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

use super::error::{Error, Result};
use super::lock::{self, WriterLock};

/// `PRAGMA application_id` of auditbench files ("AUDB").
pub const APPLICATION_ID: i32 = 0x4155_4442;

const MIGRATION_LIST: [M<'static>; 13] = [
    M::up(include_str!("migrations/001_init.sql")),
    M::up(include_str!("migrations/002_drafts.sql")),
    M::up(include_str!("migrations/003_history.sql")),
    M::up(include_str!("migrations/004_paging_indexes.sql")),
    M::up(include_str!("migrations/005_verification.sql")),
    M::up(include_str!("migrations/006_finding_text.sql")),
    M::up(include_str!("migrations/007_local_settings.sql")),
    M::up(include_str!("migrations/008_finding_samples.sql")),
    M::up(include_str!("migrations/009_audit_context.sql")),
    M::up(include_str!("migrations/010_cycle.sql")),
    M::up(include_str!("migrations/011_responses.sql")),
    M::up(include_str!("migrations/012_plan.sql")),
    M::up(include_str!("migrations/013_clause_time.sql")),
];

/// The audits table's type constraint before and after version 14.
const TYPES_13: &str =
    "CHECK (audit_type IN ('stage1','stage2','surveillance','recertification','internal'))";
const TYPES_14: &str =
    "CHECK (audit_type IN ('stage1','stage2','surveillance','recertification','internal','special'))";

/// Version 14's hook: widen the audits table's CHECK constraint to allow
/// the special type, in place, as SQLite documents for a constraint every
/// row already meets (<https://sqlite.org/lang_altertable.html>, "making
/// other kinds of table schema changes"): rewrite the table's SQL in
/// `sqlite_schema`, bump the schema version so every connection re-reads
/// it, and check the file's integrity, all in the migration's transaction.
fn allow_special_audits(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'audits'",
        [],
        |r| r.get(0),
    )?;
    if sql.contains(TYPES_14) {
        // already allowed (a file whose version was set back by hand)
        return Ok(());
    }
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", "ON")?;
    let changed = tx.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, ?1, ?2)
          WHERE type = 'table' AND name = 'audits' AND instr(sql, ?1) > 0",
        [TYPES_13, TYPES_14],
    )?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", "OFF")?;
    if changed != 1 {
        return Err(rusqlite_migration::HookError::Hook(
            "the audits table does not have the type constraint of version 13".into(),
        ));
    }
    let check: String = tx.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(rusqlite_migration::HookError::Hook(format!(
            "after allowing special audits, the file's check says: {check}"
        )));
    }
    Ok(())
}

/// Version 15's hook: every audit made before scales existed gets the
/// generic scale's snapshot, the grades it was made with.
fn generic_scale_for_old_audits(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    let generic = crate::domain::Scale::generic();
    tx.execute(
        "INSERT INTO audit_scales (audit_id, scale_id, snapshot, created_at)
         SELECT id, ?1, ?2, created_at FROM audits",
        [generic.id.as_str(), generic.snapshot().as_str()],
    )?;
    Ok(())
}

/// The findings table's grade constraint and rank before and after version 16.
const GRADES_15: &str = "CHECK (grade IN ('major','minor','observation','ofi','good_practice'))";
const GRADES_16: &str =
    "CHECK (grade IN ('major','minor','stage1_concern','observation','ofi','good_practice'))";
const RANK_15: &str = "CASE grade WHEN 'major' THEN 0 WHEN 'minor' THEN 1 WHEN 'observation' THEN 2
                   WHEN 'ofi' THEN 3 ELSE 4 END";
const RANK_16: &str =
    "CASE grade WHEN 'major' THEN 0 WHEN 'minor' THEN 1 WHEN 'stage1_concern' THEN 2
                   WHEN 'observation' THEN 3 WHEN 'ofi' THEN 4 ELSE 5 END";

/// Version 16's hook: the findings table's SQL rewritten in place (its
/// grade constraint and the rank it computes), the schema re-read, the
/// indexes holding the rank rebuilt (a stored observation's rank moves from
/// 2 to 3), the file checked.
fn stage1_concern_grade(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'findings'",
        [],
        |r| r.get(0),
    )?;
    if sql.contains(GRADES_16) && sql.contains(RANK_16) {
        return Ok(());
    }
    if !(sql.contains(GRADES_15) && sql.contains(RANK_15)) {
        return Err(rusqlite_migration::HookError::Hook(
            "the findings table does not have the grades of version 15".into(),
        ));
    }
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", "ON")?;
    tx.execute(
        "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'findings'",
        [sql.replace(GRADES_15, GRADES_16).replace(RANK_15, RANK_16)],
    )?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", "OFF")?;
    tx.execute_batch("REINDEX findings")?;
    let check: String = tx.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(rusqlite_migration::HookError::Hook(format!(
            "after adding the stage 1 concern, the file's check says: {check}"
        )));
    }
    Ok(())
}

fn migration_list() -> Vec<M<'static>> {
    let mut list = MIGRATION_LIST.to_vec();
    list.push(M::up_with_hook(
        include_str!("migrations/014_special_daily_time.sql"),
        allow_special_audits,
    ));
    list.push(M::up_with_hook(
        include_str!("migrations/015_audit_scales.sql"),
        generic_scale_for_old_audits,
    ));
    list.push(M::up_with_hook(
        include_str!("migrations/016_stage1_concern.sql"),
        stage1_concern_grade,
    ));
    list.push(M::up(include_str!("migrations/017_question_ratings.sql")));
    list.push(M::up(include_str!("migrations/018_gaps.sql")));
    list.push(M::up(include_str!("migrations/019_evidence_window.sql")));
    list.push(M::up(include_str!("migrations/020_team.sql")));
    list.push(M::up(include_str!("migrations/021_finding_tally.sql")));
    list
}

/// The schema migrations, in order; the schema version is their count.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(migration_list())
}

/// Run every migration on an empty database in memory, as an open does
/// (the trail's functions registered: migration 10 attaches audits to
/// clients, which the trail records).
pub fn validate_migrations() -> Result<()> {
    let mut conn = Connection::open_in_memory()?;
    super::history::register_functions(&conn, "")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| Error::Sqlite(format!("a migration fails: {e}")))?;
    Ok(())
}

/// The schema version this binary writes.
pub fn latest_schema_version() -> i64 {
    // counted from the list itself: a migration added is counted
    migration_list().len() as i64
}

/// The default audit file: the platform data directory, `auditbench.sqlite`.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "auditbench", "auditbench")
        .map(|d| d.data_dir().join("auditbench.sqlite"))
}

/// How to open an audit file.
#[derive(Clone)]
pub struct OpenOptions {
    /// Create the file when it does not exist (its folder must exist).
    pub create: bool,
    /// What to do when another auditbench is writing the file.
    pub when_locked: WhenLocked,
    /// Only read: no lock, no backup, no checkpoint; neither the file nor
    /// its WAL is changed. (A file of an older schema is opened for writing,
    /// to upgrade it, as with `WhenLocked::ReadOnly`.)
    pub read_only: bool,
    /// Rolling backups to keep in `backups/` (0: take none).
    pub keep_backups: usize,
    /// Who is making changes, for the audit trail ("" = the audit's lead auditor).
    pub actor: String,
    /// What this process is doing, shown to a second process that finds the file locked.
    pub purpose: String,
    pub clock: super::Clock,
    /// The key of an encrypted file (or of a new file to encrypt).
    pub key: Option<super::Key>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            create: true,
            when_locked: WhenLocked::Refuse,
            read_only: false,
            keep_backups: super::backup::DEFAULT_KEEP,
            actor: String::new(),
            purpose: "auditbench".into(),
            clock: std::sync::Arc::new(chrono::Utc::now),
            key: None,
        }
    }
}

/// When the file cannot be written (another auditbench has it, or its
/// permissions forbid it): refuse (commands that write), or open it
/// read-only (the workbench, commands that only read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenLocked {
    Refuse,
    ReadOnly,
}

/// An opened file: the connection and what came with it.
pub(crate) struct Opened {
    pub conn: Connection,
    /// Why the file is read-only, when it is.
    pub read_only: Option<String>,
    pub lock: Option<Box<WriterLock>>,
    /// The rolling backup (and page check) started on this open, if needed.
    pub backup: Option<super::backup::Running>,
}

/// Open the audit file at `path`: checked before anything is written (or
/// created beside it), locked against a second writer, backed up,
/// configured and migrated.
pub(crate) fn open_connection(path: &Path, opts: &OpenOptions) -> Result<Opened> {
    let shown = path.display();
    // SQLCipher's log silenced and our page format, before any key
    super::key::cipher_settings();
    let existed = match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::BadFile(format!(
                "{shown} is a directory; pass the path of an audit file with --db"
            )))
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Error::BadFile(format!(
                "{shown} is not a regular file (a FIFO, device or socket); pass the path of an audit file with --db"
            )))
        }
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::Io(format!(
                "cannot use {shown}: part of its folder path is a file, not a folder; choose another --db"
            )))
        }
        Err(e) => {
            return Err(Error::Io(format!(
                "cannot read {shown}: {e}; check the path and its folder's permissions, or choose another --db"
            )))
        }
    };
    if !existed {
        if !opts.create || opts.read_only {
            return Err(Error::NotFound(format!(
                "no audit file at {shown}; create an audit with `auditbench new` or `auditbench demo`, or pass --db"
            )));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Error::Io(format!(
                    "the folder {} does not exist; create it first or choose another --db",
                    dir.display()
                )));
            }
        }
    }

    // An encrypted file shows no header: it needs its passphrase; a plain
    // one is never encrypted by accident (that is `auditbench encrypt`).
    let encrypted = existed && super::key::looks_encrypted(path);
    if encrypted && opts.key.is_none() {
        return Err(Error::Encrypted(format!(
            "{shown} is not a plain SQLite database: an encrypted audit file (give its passphrase at the prompt on a terminal, or in the file named by AUDITBENCH_PASSPHRASE_FILE), or not an audit file at all"
        )));
    }
    if existed && !encrypted && opts.key.is_some() && fs::metadata(path).is_ok_and(|m| m.len() > 0)
    {
        return Err(Error::Invalid(format!(
            "{shown} is not encrypted, so it has no passphrase; encrypt it with `auditbench encrypt`"
        )));
    }

    // Everything that can refuse the file is judged from its bytes first,
    // so that nothing is created or replayed beside a refused file.
    let live_writer = existed && lock::held_elsewhere(path);
    // The note as it is now; a writer re-reads it under the lock.
    let note = if existed {
        lock::peek(path)
    } else {
        String::new()
    };
    if existed {
        if !encrypted {
            check_header(path)?;
        }
        if !live_writer {
            lock::check_side_files(path, &note)?;
        }
    }

    let now = opts.clock.as_ref()().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut read_only = None;
    let mut lock = None;
    if opts.read_only {
        read_only = Some(String::new());
    } else if existed && fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        // Read-only by permission: never try to write, never take the lock.
        let why = format!(
            "{shown} is read-only (its permissions do not allow writing); make it writable (chmod u+w) to edit it"
        );
        if opts.when_locked == WhenLocked::Refuse {
            return Err(Error::ReadOnly(why));
        }
        read_only = Some(why);
    } else {
        if !existed {
            create_file(path)?;
        }
        match lock::acquire(path, &opts.purpose, &now) {
            Ok(l) => lock = Some(Box::new(l)),
            Err(Error::Locked(why)) if opts.when_locked == WhenLocked::ReadOnly && existed => {
                read_only = Some(why)
            }
            Err(e) => return Err(e),
        }
    }

    let flags = if read_only.is_some() {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| {
        Error::BadFile(format!(
            "{shown} cannot be opened: {e}; check the path and its permissions"
        ))
    })?;
    if let Some(key) = &opts.key {
        key_connection(&mut conn, key, path, flags)?;
        super::key::remember(path, key);
        // a page read again from the cache is not decrypted again: 8 MB
        // (2 048 pages of 4 KiB) instead of SQLite's 2 MB
        conn.pragma_update(None, "cache_size", -ENCRYPTED_CACHE_KIB)?;
    }
    super::history::register_functions(&conn, &opts.actor)
        .map_err(|e| Error::Sqlite(format!("{shown}: cannot set up the audit trail: {e}")))?;
    if let Some(l) = &lock {
        lock::watch_wal(&conn, l);
    }

    // The full page check costs a read of the whole file; at open it is
    // skipped when auditbench itself closed the file cleanly and nothing has
    // touched it since (same size, same time, empty WAL), and run in the
    // background instead, before the rolling backup.
    let mut checked = !existed;
    if existed {
        let note = match &lock {
            Some(l) => &l.previous,
            None => &note,
        };
        checked = !lock::closed_cleanly(note, path);
        if checked {
            say_long_check(path);
        }
        check_contents(&conn, path, checked)?;
    }

    if let Some(why) = read_only {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < latest_schema_version() {
            if opts.read_only {
                // Upgrading needs writing: open as the workbench would.
                drop(conn);
                let upgrade = OpenOptions {
                    read_only: false,
                    when_locked: WhenLocked::ReadOnly,
                    ..opts.clone()
                };
                return open_connection(path, &upgrade);
            }
            return Err(Error::ReadOnly(format!(
                "{shown} was written by an older auditbench and must be upgraded, which needs writing; {why}"
            )));
        }
        conn.pragma_update(None, "query_only", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        return Ok(Opened {
            conn,
            read_only: Some(why),
            lock: None,
            backup: None,
        });
    }

    let backup = if existed {
        super::backup::start_background(path, opts.keep_backups, !checked)?
    } else {
        None
    };

    configure(&conn).map_err(|e| {
        Error::Sqlite(format!(
            "{shown}: cannot set up the file for writing ({e}); is it read-only or the disk full?"
        ))
    })?;
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| Error::Sqlite(format!("{shown}: schema migration failed: {e}")))?;
    if let Some(l) = &lock {
        l.record_wal();
    }
    Ok(Opened {
        conn,
        read_only: None,
        lock,
        backup,
    })
}

/// Give `conn` the file's key and read once: a wrong passphrase is refused
/// here, before anything is written.
pub(crate) fn key_connection(
    conn: &mut Connection,
    key: &super::Key,
    path: &Path,
    flags: OpenFlags,
) -> Result<()> {
    let shown = path.display();
    let failed = |e: rusqlite::Error| Error::Sqlite(format!("{shown}: cannot set the key: {e}"));
    key.apply(conn, path).map_err(failed)?;
    let read = |c: &Connection| {
        c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
    };
    let mut outcome = read(conn);
    // a file encrypted by an earlier version, with larger pages: a
    // connection of its own for each (one that failed to read stays failed)
    if let (Err(e), Some(salt)) = (&outcome, super::key::salt_of(path)) {
        if super::key::is_wrong_key(e) && super::key::page_size_of(salt) == super::PAGE_SIZE {
            for size in super::key::OLDER_PAGE_SIZES {
                let older = Connection::open_with_flags(path, flags).map_err(failed)?;
                key.apply(&older, path).map_err(failed)?;
                older
                    .pragma_update(None, "cipher_page_size", size)
                    .map_err(failed)?;
                if read(&older).is_ok() {
                    super::key::remember_page_size(salt, size);
                    *conn = older;
                    outcome = Ok(0);
                    break;
                }
            }
        }
    }
    match outcome {
        Ok(_) => Ok(()),
        Err(e) if super::key::is_wrong_key(&e) => Err(Error::WrongPassphrase(format!(
            "the passphrase does not open {shown} (a wrong passphrase, or not an audit file); the file is unchanged"
        ))),
        Err(e) => Err(Error::BadFile(format!(
            "{shown} cannot be read as an audit file ({e}); it may be damaged: restore it from a backup"
        ))),
    }
}

/// Pragmas for durability: WAL, every commit fsynced, foreign keys enforced.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != APPLICATION_ID {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    Ok(())
}

fn create_file(path: &Path) -> Result<()> {
    create_private_file(path).map_err(|e| {
        Error::Io(format!(
            "cannot create the audit file {}: {e}; choose another --db",
            path.display()
        ))
    })?;
    Ok(())
}

/// A new, empty file readable by its owner only (mode 0600 from the start).
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

pub(crate) fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Read the 100-byte SQLite header without opening the file as a database.
pub(crate) fn check_header(path: &Path) -> Result<()> {
    let shown = path.display();
    let mut file = fs::File::open(path)
        .map_err(|e| Error::Io(format!("cannot read {shown}: {e}; check its permissions")))?;
    let len = file
        .metadata()
        .map_err(|e| Error::Io(format!("cannot read {shown}: {e}")))?
        .len();
    if len == 0 {
        return Err(Error::BadFile(format!(
            "{shown} is empty (0 bytes), not an audit file; remove it or pass another --db"
        )));
    }
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(Error::Io(format!("cannot read {shown}: {e}"))),
        }
    }
    if read < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(Error::BadFile(format!(
            "{shown} is not an SQLite database, so not an audit file; pass the right file with --db"
        )));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n => u64::from(n),
    };
    let be32 =
        |i: usize| u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let app = be32(68) as i32;
    if app != 0 && app != APPLICATION_ID {
        return Err(Error::BadFile(format!(
            "{shown} is an SQLite database of another application (application_id {app:#x}), not an audit file; pass the right file with --db"
        )));
    }
    // A file shorter than its header says is normal while the WAL holds the
    // pages (a checkpoint interrupted by a kill, a power cut or a full disk):
    // SQLite reads them from the WAL. Only without a WAL is it truncated.
    let (change_counter, page_count, valid_for) = (be32(24), be32(28), be32(92));
    let wal_has_pages =
        fs::metadata(super::lock::side_path(path, "-wal")).is_ok_and(|m| m.len() > 32);
    if !wal_has_pages && valid_for == change_counter && u64::from(page_count) * page_size > len {
        return Err(Error::BadFile(format!(
            "{shown} is truncated ({len} bytes, the header says {}) and has no WAL to complete it; restore a backup with `auditbench restore`",
            u64::from(page_count) * page_size
        )));
    }
    Ok(())
}

/// Read-only checks on an existing SQLite file: ours, not too new, not damaged.
pub(crate) fn check_contents(conn: &Connection, path: &Path, deep: bool) -> Result<()> {
    let shown = path.display();
    let damaged = |e: rusqlite::Error| {
        Error::BadFile(format!(
            "{shown} cannot be read as an audit file ({e}); it may be damaged: restore it from a backup"
        ))
    };
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(damaged)?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(damaged)?;
    if app != APPLICATION_ID && (tables > 0 || app != 0) {
        return Err(Error::BadFile(format!(
            "{shown} is an SQLite database of another application, not an audit file; pass the right file with --db"
        )));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(damaged)?;
    let latest = latest_schema_version();
    if version > latest {
        return Err(Error::BadFile(format!(
            "{shown} was written by a newer auditbench (schema {version}, this one knows up to {latest}); upgrade auditbench to open it"
        )));
    }
    if !deep {
        return Ok(());
    }
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(damaged)?;
    if check != "ok" {
        return Err(Error::BadFile(format!(
            "{shown} is damaged (quick_check: {check}); restore it from a backup"
        )));
    }
    Ok(())
}

/// A file not closed cleanly is checked page by page before it is used:
/// seconds for a large one (46 s for 2.4 GB here, from a cold disk), so
/// say why nothing happens meanwhile (on stderr: the workbench has not
/// taken the terminal yet).
fn say_long_check(path: &Path) {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size >= LONG_CHECK_BYTES {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "auditbench: {} was not closed cleanly (a crash, or the process killed); checking its {} MB before opening it…",
            crate::text::one_line(&path.display().to_string()),
            size / 1_000_000
        );
    }
}

/// The page cache of an encrypted file's connection, in KiB.
pub(crate) const ENCRYPTED_CACHE_KIB: i64 = 8 * 1024;

/// Files from this size on say that they are being checked.
const LONG_CHECK_BYTES: u64 = 64 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection as `open_connection` makes it: the trail's functions
    /// registered (migration 10 attaches audits to clients, which the
    /// trail records), foreign keys on.
    fn memory() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        super::super::history::register_functions(&conn, "test").unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        conn
    }

    /// Audits of a file written before clients existed are attached to a
    /// client per organisation name, in the trail.
    #[test]
    fn audits_of_version_9_are_attached_to_clients_by_name() {
        let mut conn = memory();
        migrations().to_version(&mut conn, 9).unwrap();
        for (id, org) in [("a1", "Northwind"), ("a2", "Northwind"), ("a3", "Contoso")] {
            conn.execute(
                "INSERT INTO audits (id, organisation, catalogue_id, edition, audit_type, created_at, updated_at)
                 VALUES (?1, ?2, 'iso20000-1-2018', '2018', 'stage2', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
                rusqlite::params![id, org],
            )
            .unwrap();
        }
        migrations().to_latest(&mut conn).unwrap();
        let clients: i64 = conn
            .query_row("SELECT count(*) FROM clients", [], |r| r.get(0))
            .unwrap();
        assert_eq!(clients, 2);
        let same: i64 = conn
            .query_row(
                "SELECT count(DISTINCT client_id) FROM audits WHERE organisation = 'Northwind'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(same, 1);
        let orphans: i64 = conn
            .query_row(
                "SELECT count(*) FROM audits WHERE client_id = ''",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        let trail: i64 = conn
            .query_row(
                "SELECT count(*) FROM history WHERE field = 'client_id'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(trail, 3, "each attachment is in the trail");
    }

    /// Version 14 allows special audits in a file of version 13 without
    /// losing a row, moves the time walked to a day, and gives the clients
    /// version 10 attached the every-visit default (not one set by hand).
    #[test]
    fn version_14_allows_special_audits_and_keeps_every_row() {
        let mut conn = memory();
        migrations().to_version(&mut conn, 9).unwrap();
        let insert = |conn: &Connection, id: &str, org: &str, ty: &str| {
            conn.execute(
                "INSERT INTO audits (id, organisation, catalogue_id, edition, audit_type, created_at, updated_at)
                 VALUES (?1, ?2, 'iso20000-1-2018', '2018', ?3, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
                [id, org, ty],
            )
        };
        insert(&conn, "a1", "Northwind", "stage2").unwrap();
        insert(&conn, "b1", "Contoso", "stage2").unwrap();
        migrations().to_version(&mut conn, 13).unwrap();
        assert!(
            insert(&conn, "a2", "Northwind", "special").is_err(),
            "not before 14"
        );
        conn.execute(
            "INSERT INTO clause_time VALUES ('a1', '8.5.1', 2700, '2025-11-18T10:00:00Z')",
            [],
        )
        .unwrap();
        // Contoso's every-visit clauses emptied by hand
        for v in ["9.2", ""] {
            conn.execute(
                "UPDATE clients SET every_visit = ?1, updated_at = '2025-02-01T00:00:00Z' WHERE name = 'Contoso'",
                [v],
            )
            .unwrap();
        }
        let trail = |conn: &Connection| -> i64 {
            conn.query_row("SELECT count(*) FROM history", [], |r| r.get(0))
                .unwrap()
        };
        let before = trail(&conn);
        migrations().to_latest(&mut conn).unwrap();
        insert(&conn, "a2", "Northwind", "special").unwrap();
        assert!(
            insert(&conn, "a3", "Northwind", "audit").is_err(),
            "still checked"
        );
        let time: (String, i64) = conn
            .query_row("SELECT day, seconds FROM clause_time", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(time, ("2025-11-18".to_string(), 2700));
        let every = |name: &str| -> String {
            conn.query_row(
                "SELECT every_visit FROM clients WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(every("Northwind"), crate::domain::EVERY_VISIT);
        assert_eq!(every("Contoso"), "", "set by hand: kept");
        // version 15: every audit made before scales is on the generic scale
        let scales: Vec<String> = conn
            .prepare("SELECT scale_id FROM audit_scales ORDER BY audit_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(scales, ["generic", "generic"]);
        // the trail: Northwind's default, then the new audit's creation
        assert_eq!(trail(&conn), before + 2);
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        // deleting the audit still cascades to its time (foreign keys kept)
        conn.execute("DELETE FROM audits WHERE id = 'a1'", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM clause_time", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    /// Version 16 adds the stage 1 concern between the minors and the
    /// observations: a stored observation's rank moves from 2 to 3, the
    /// indexes that hold it are rebuilt, and the file checks out whole.
    #[test]
    fn version_16_ranks_the_stage_1_concern_after_the_minors() {
        let mut conn = memory();
        migrations().to_version(&mut conn, 15).unwrap();
        conn.execute(
            "INSERT INTO audits (id, organisation, catalogue_id, edition, audit_type, created_at, updated_at)
             VALUES ('a1', 'Northwind', 'iso20000-1-2018', '2018', 'stage1', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        let add = |conn: &Connection, n: i64, grade: &str| {
            conn.execute(
                "INSERT INTO findings (id, audit_id, reference, ref_prefix, ref_seq, clause_id, clause_key,
                     stage, grade, title, created_at, updated_at)
                 VALUES (?1, 'a1', ?1, 'X', ?2, '8.5.1', '8.5.1', 1, ?3, 't', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
                rusqlite::params![format!("f{n}"), n, grade],
            )
        };
        for (n, g) in ["major", "minor", "observation", "ofi", "good_practice"]
            .iter()
            .enumerate()
        {
            add(&conn, n as i64, g).unwrap();
        }
        assert!(add(&conn, 9, "stage1_concern").is_err(), "not before 16");
        migrations().to_latest(&mut conn).unwrap();
        add(&conn, 9, "stage1_concern").unwrap();
        let ranks: Vec<(String, i64)> = conn
            .prepare("SELECT grade, grade_rank FROM findings ORDER BY grade_rank")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let want: Vec<(String, i64)> = [
            "major",
            "minor",
            "stage1_concern",
            "observation",
            "ofi",
            "good_practice",
        ]
        .iter()
        .enumerate()
        .map(|(i, g)| (g.to_string(), i as i64))
        .collect();
        assert_eq!(ranks, want);
        // the indexes agree with the table (integrity_check compares them)
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        // and a query through the rank's index finds the observation at 3
        let obs: i64 = conn
            .query_row(
                "SELECT count(*) FROM findings WHERE audit_id = 'a1' AND grade_rank = 3",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(obs, 1);
    }
}
