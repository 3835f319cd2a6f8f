//! The audit team in the audit file (issue 16): each shared record's
//! Automerge document kept in `team_docs`, team files written and merged,
//! the SQLite rows rebuilt from merged documents, conflicts listed and
//! settled, provisional references finalised.
//!
//! The documents follow the rows through the audit trail: every change of
//! every shared record is in the trail, field by field, written by triggers
//! in the same transaction as the row. Before a team file is written or
//! merged, the trail rows since the last time (`team.synced_seq`) become
//! changes of the documents they name (only those are loaded). So a write
//! in the workbench costs what it cost before, and opening the workbench
//! never reads a document.
//!
//! A merge writes the changed records' rows through the same triggers, with
//! the trail naming the teammate who made the change and when; those trail
//! rows are already in the documents, so `synced_seq` moves past them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};

use super::history::register_actor;
use super::{Error, Result, Store};
use crate::catalogue::natural;
use crate::team::{self, members_key, millis, Edit, RecordKey, RecordState, Replica, ALIVE};

/// The team file's format; a file of a newer one is refused.
pub const TEAM_FORMAT: i64 = 1;
/// What a team file says it is.
const TEAM_KIND: &str = "auditbench team file";

/// A record kind shared in a team: the trail's entity name, its table, the
/// columns its trail key is made of (joined by `sep`).
struct Shared {
    entity: &'static str,
    table: &'static str,
    keys: &'static [&'static str],
    sep: &'static str,
}

/// The shared records, in the order a merge writes them (the audit first:
/// the others hang on it).
const SHARED: [Shared; 12] = [
    Shared {
        entity: "audit",
        table: "audits",
        keys: &["id"],
        sep: "",
    },
    Shared {
        entity: "audit_context",
        table: "audit_context",
        keys: &["item"],
        sep: "",
    },
    Shared {
        entity: "finding",
        table: "findings",
        keys: &["id"],
        sep: "",
    },
    Shared {
        entity: "carried",
        table: "carried_findings",
        keys: &["id"],
        sep: "",
    },
    Shared {
        entity: "sample",
        table: "samples",
        keys: &["id"],
        sep: "",
    },
    Shared {
        entity: "interview",
        table: "interviews",
        keys: &["id"],
        sep: "",
    },
    Shared {
        entity: "clause_review",
        table: "clause_reviews",
        keys: &["clause_id", "stage"],
        sep: "/",
    },
    Shared {
        entity: "document_review",
        table: "document_reviews",
        keys: &["doc_key"],
        sep: "",
    },
    Shared {
        entity: "plan_slot",
        table: "plan_slots",
        keys: &["id"],
        sep: "",
    },
    Shared {
        entity: "question_rating",
        table: "question_ratings",
        keys: &["clause_id", "question"],
        sep: "/",
    },
    Shared {
        entity: "gap",
        table: "gaps",
        keys: &["source_kind", "source_key"],
        sep: ":",
    },
    // a finding citing a sample (no trail entity of its own: the trail
    // records it on the finding, by the sample's name)
    Shared {
        entity: "citation",
        table: "finding_samples",
        keys: &["finding_id", "sample_id"],
        sep: "/",
    },
];

/// Columns that are no field of a record's document: the keys, the time
/// of the last change (the change's own), and what is derived from other
/// columns. (`created_at` is a field: a record deleted on one laptop and
/// kept on another comes back with its own.)
const NOT_FIELDS: [&str; 7] = [
    "audit_id",
    "id",
    "updated_at",
    "ref_prefix",
    "ref_seq",
    "clause_key",
    "grade_rank",
];

fn shared(entity: &str) -> Option<&'static Shared> {
    SHARED.iter().find(|s| s.entity == entity)
}

fn order_of(entity: &str) -> usize {
    SHARED
        .iter()
        .position(|s| s.entity == entity)
        .unwrap_or(SHARED.len())
}

/// A member's provisional reference tag for an audit ("" on the lead's
/// laptop and outside a team).
pub(crate) fn ref_tag(conn: &Connection, audit_id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT ref_tag FROM team WHERE audit_id = ?1")?
        .query_row(params![audit_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// A table's columns: name → (declared type, not null).
struct Columns(BTreeMap<String, (String, bool)>);

impl Columns {
    fn of(conn: &Connection, table: &str) -> Result<Columns> {
        let mut s = conn.prepare(
            "SELECT name, type, \"notnull\" FROM pragma_table_xinfo(?1) WHERE hidden = 0",
        )?;
        let rows = s.query_map(params![table], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (r.get::<_, String>(1)?, r.get::<_, bool>(2)?),
            ))
        })?;
        Ok(Columns(rows.collect::<rusqlite::Result<_>>()?))
    }

    fn has(&self, c: &str) -> bool {
        self.0.contains_key(c)
    }

    fn is_field(&self, s: &Shared, c: &str) -> bool {
        self.has(c) && !NOT_FIELDS.contains(&c) && !s.keys.contains(&c)
    }

    /// The value to write for a document's text: numbers' "" is no number.
    fn value(&self, c: &str, v: &str) -> Option<rusqlite::types::Value> {
        use rusqlite::types::Value;
        let (ty, notnull) = self.0.get(c)?;
        if v.is_empty() && (ty == "INTEGER" || ty == "REAL") {
            return if *notnull { None } else { Some(Value::Null) };
        }
        Some(Value::Text(v.to_string()))
    }
}

/// Text of a stored value, as the trail records it.
fn value_text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// RFC 3339 (seconds) of a change's time, or `fallback` when it has none.
fn stamp(at_ms: i64, fallback: &str) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .filter(|_| at_ms > 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| fallback.to_string())
}

/// A member's tag for provisional references: their initials (two
/// letters) and two hex digits of their laptop's actor id, "SO7F".
pub fn tag_for(name: &str, actor: &[u8]) -> String {
    let mut initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(char::is_ascii_alphabetic))
        .map(|c| c.to_ascii_uppercase())
        .take(2)
        .collect();
    if initials.is_empty() {
        initials.push('T');
    }
    format!("{initials}{:02X}", actor.first().copied().unwrap_or(0))
}

/// One laptop's part in a shared audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInfo {
    pub audit_id: String,
    pub actor: String,
    pub role: String,
    pub ref_tag: String,
    pub members: Vec<(String, String)>,
    pub merges: Vec<MergeRecord>,
    pub conflicts: usize,
    /// Findings whose reference is provisional (a member's) or held twice.
    pub provisional: usize,
}

/// A merge as the file keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRecord {
    pub at: String,
    pub from_name: String,
    pub file: String,
    pub new_records: i64,
    pub changed: i64,
    pub changes: i64,
    pub conflicts: i64,
}

/// What a merge (or a join) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub audit_id: String,
    pub organisation: String,
    /// Who wrote the team file.
    pub from: String,
    /// New records per kind ("finding" → 3).
    pub new_records: BTreeMap<String, usize>,
    /// Records that changed, per kind.
    pub changed: BTreeMap<String, usize>,
    /// Automerge changes that came in.
    pub changes: usize,
    /// Conflicts in the audit after the merge (all, not only new ones).
    pub conflicts: usize,
    /// Who made what came in: name → records.
    pub by: BTreeMap<String, usize>,
    /// References carried by two findings (a provisional tag met twice).
    pub duplicate_references: Vec<String>,
}

impl MergeReport {
    /// One line: "from Sam Ortiz: 3 new findings, 2 other new records, 5 records changed (14 edits), 1 conflict".
    pub fn summary(&self) -> String {
        let new_findings = self.new_records.get("finding").copied().unwrap_or(0);
        let new_other: usize = self
            .new_records
            .iter()
            .filter(|(k, _)| k.as_str() != "finding")
            .map(|(_, n)| n)
            .sum();
        let changed: usize = self.changed.values().sum();
        if new_findings + new_other + changed == 0 {
            return format!("from {}: nothing new (already merged)", self.from);
        }
        let mut s = format!(
            "from {}: {} new finding{}, {} other new record{}, {} record{} changed ({} edit{}), {} conflict{} to settle",
            self.from,
            new_findings,
            plural(new_findings),
            new_other,
            plural(new_other),
            changed,
            plural(changed),
            self.changes,
            plural(self.changes),
            self.conflicts,
            plural(self.conflicts)
        );
        if !self.duplicate_references.is_empty() {
            s.push_str(&format!(
                "; references held twice: {} (the lead's `team finalise` renumbers them)",
                self.duplicate_references.join(", ")
            ));
        }
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A conflict as listed: its number (stable while it stands), the record
/// as a person calls it, the field, each value with who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedConflict {
    pub number: usize,
    pub entity: String,
    pub row_key: String,
    pub label: String,
    pub field: String,
    /// (value, who, when RFC 3339)
    pub values: Vec<(String, String, String)>,
}

impl ListedConflict {
    /// A grade, a status, a result or a deletion: never settled by keeping both.
    pub fn is_text(&self) -> bool {
        let clause_result = self.field == "result" && self.entity == "clause_review";
        !clause_result
            && !matches!(
                self.field.as_str(),
                "grade"
                    | "status"
                    | "rating"
                    | "state"
                    | "stage"
                    | "clause_id"
                    | "reference"
                    | ALIVE
            )
            && !self.field.ends_with("_date")
            && !self.field.ends_with("_on")
    }
}

impl ListedConflict {
    /// Text of several lines (statement, evidence, notes, …): both values
    /// kept go on lines of their own; a one-line field keeps them on one.
    pub fn is_multiline(&self) -> bool {
        matches!(
            self.field.as_str(),
            "requirement"
                | "statement"
                | "evidence"
                | "root_cause"
                | "correction"
                | "corrective_action"
                | "verification_evidence"
                | "notes"
                | "items"
                | "result"
                | "action"
                | "value"
                | "recommendation_note"
        )
    }
}

/// How a conflict is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// This value (one of the listed ones, or a new one).
    Take(String),
    /// For text: every value, each followed by who wrote it.
    KeepBoth,
}

/// A team file, opened: its manifest and its path; a decrypted one is held
/// in memory (never written out in the clear).
struct TeamFile {
    path: PathBuf,
    manifest: BTreeMap<String, String>,
    memory: Option<Connection>,
}

impl TeamFile {
    fn open(path: &Path, data: Option<Vec<u8>>) -> Result<TeamFile> {
        if data.is_none() && crate::seal::is_sealed(path) {
            return Err(Error::Encrypted(format!(
                "{} is a sealed (encrypted) team file: merge it with `auditbench team merge FILE`, which opens it with this laptop's key (`auditbench team keys`) or asks its passphrase",
                path.display()
            )));
        }
        if data.is_none() && !path.is_file() {
            return Err(Error::NotFound(format!(
                "no team file at {}; give the path of a file written by `auditbench team share`",
                path.display()
            )));
        }
        let not_team = || {
            Error::Invalid(format!(
                "{} is not an auditbench team file; give a file written by `auditbench team share`",
                path.display()
            ))
        };
        let conn = match data {
            Some(bytes) => {
                let mut c = Connection::open_in_memory().map_err(|_| not_team())?;
                let n = bytes.len();
                c.deserialize_read_exact(rusqlite::MAIN_DB, &bytes[..], n, true)
                    .map_err(|_| not_team())?;
                c
            }
            None => Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|_| not_team())?,
        };
        let manifest: BTreeMap<String, String> = (|| -> rusqlite::Result<_> {
            let mut s = conn.prepare("SELECT key, value FROM manifest")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })()
        .map_err(|_| not_team())?;
        if manifest.get("kind").map(String::as_str) != Some(TEAM_KIND) {
            return Err(not_team());
        }
        let format: i64 = manifest
            .get("format")
            .and_then(|f| f.parse().ok())
            .ok_or_else(not_team)?;
        if format > TEAM_FORMAT {
            return Err(Error::Invalid(format!(
                "{} is a team file of a newer format ({format}; this auditbench reads {TEAM_FORMAT}); update auditbench to merge it",
                path.display()
            )));
        }
        let in_memory = conn.path().is_none_or(str::is_empty);
        Ok(TeamFile {
            path: path.to_path_buf(),
            manifest,
            memory: in_memory.then_some(conn),
        })
    }

    fn get(&self, k: &str) -> String {
        self.manifest.get(k).cloned().unwrap_or_default()
    }
}

impl Store {
    /// The name this laptop's changes go under: `--auditor`, else the lead.
    fn team_name(&self, audit_id: &str) -> Result<String> {
        let actor = self.actor();
        if !actor.is_empty() {
            return Ok(actor);
        }
        let lead: String = self
            .conn
            .query_row(
                "SELECT lead_auditor FROM audits WHERE id = ?1",
                params![audit_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        Ok(if lead.is_empty() {
            "unknown".into()
        } else {
            lead
        })
    }

    /// Whether (and how) this laptop takes part in the audit's team.
    pub fn team_info(&self, audit_id: &str) -> Result<Option<TeamInfo>> {
        let row: Option<(Vec<u8>, String, String)> = self
            .conn
            .query_row(
                "SELECT actor, role, ref_tag FROM team WHERE audit_id = ?1",
                params![audit_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((actor, role, ref_tag)) = row else {
            return Ok(None);
        };
        let mut members = Vec::new();
        let saved: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT doc FROM team_docs WHERE audit_id = ?1 AND entity = ?2 AND row_key = ?3",
                params![audit_id, members_key().entity, members_key().key],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(saved) = saved {
            let r = Replica::load(&actor, &[(members_key(), saved)]).map_err(team_err)?;
            members = r.members();
            members.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        }
        let mut s = self.conn.prepare(
            "SELECT at, from_name, file, new_records, changed, changes, conflicts
             FROM team_merges WHERE audit_id = ?1 ORDER BY id DESC LIMIT 50",
        )?;
        let merges = s
            .query_map(params![audit_id], |r| {
                Ok(MergeRecord {
                    at: r.get(0)?,
                    from_name: r.get(1)?,
                    file: r.get(2)?,
                    new_records: r.get(3)?,
                    changed: r.get(4)?,
                    changes: r.get(5)?,
                    conflicts: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let conflicts = conflict_count(&self.conn, audit_id)?;
        let provisional = self.provisional_findings(audit_id)?.len();
        Ok(Some(TeamInfo {
            audit_id: audit_id.to_string(),
            actor: hex(&actor),
            role,
            ref_tag,
            members,
            merges,
            conflicts,
            provisional,
        }))
    }

    /// Refuse (one line) what must not pick a side while conflicts stand:
    /// the report, the pack, marking the audit reported.
    pub fn check_team_settled(&self, audit_id: &str) -> Result<()> {
        let n = self.team_conflict_count(audit_id)?;
        if n > 0 {
            return Err(Error::Invalid(format!(
                "{n} team conflict{} not settled in this audit (fields written differently on two laptops); settle {} first: `auditbench team conflicts --audit {}` or the Conflicts screen",
                plural(n),
                if n == 1 { "it" } else { "them" },
                &audit_id[..8.min(audit_id.len())]
            )));
        }
        Ok(())
    }

    /// The number of team conflicts not settled in an audit (0 outside a team).
    pub fn team_conflict_count(&self, audit_id: &str) -> Result<usize> {
        conflict_count(&self.conn, audit_id)
    }

    /// Write a team file of the audit to `out` (replaced if it exists, whole
    /// or not at all): its documents, and what a teammate needs to start
    /// (catalogue, client, grade scale). The first share makes this laptop
    /// the team's lead and the documents from the audit as it stands.
    pub fn team_share(&mut self, audit_id: &str, out: &Path) -> Result<usize> {
        Ok(self.team_share_to(audit_id, Some(out))?.0)
    }

    /// [`Self::team_share`] into memory: the team file's bytes, for sealing
    /// (nothing of it written in the clear).
    pub fn team_share_bytes(&mut self, audit_id: &str) -> Result<(usize, Vec<u8>)> {
        let (n, bytes) = self.team_share_to(audit_id, None)?;
        Ok((n, bytes.unwrap_or_default()))
    }

    fn team_share_to(
        &mut self,
        audit_id: &str,
        out: Option<&Path>,
    ) -> Result<(usize, Option<Vec<u8>>)> {
        let (organisation, status): (String, String) = self
            .conn
            .query_row(
                "SELECT organisation, status FROM audits WHERE id = ?1",
                params![audit_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no audit {audit_id} in this file; `auditbench list` shows the audits"
                ))
            })?;
        if status == "reported" {
            return Err(Error::Invalid(
                "the audit is reported: team work ends with the report; reopen it (with a reason) to share it again".into(),
            ));
        }
        let name = self.team_name(audit_id)?;
        self.team_sync(audit_id, &name)?;
        let actor: Vec<u8> = self.conn.query_row(
            "SELECT actor FROM team WHERE audit_id = ?1",
            params![audit_id],
            |r| r.get(0),
        )?;
        let dir = out
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if out.is_some() && !dir.is_dir() {
            return Err(Error::Io(format!(
                "the folder {} does not exist; create it or give another --out",
                dir.display()
            )));
        }
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            out.and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .unwrap_or("team"),
            std::process::id()
        ));
        let target = match out {
            Some(_) => {
                // made here, empty and private: ATTACH opens it (the store's
                // connection may not create files)
                let _ = std::fs::remove_file(&tmp);
                super::open::create_private_file(&tmp)
                    .map_err(|e| Error::Io(format!("cannot write {}: {e}", tmp.display())))?;
                tmp.to_string_lossy().into_owned()
            }
            None => ":memory:".to_string(),
        };
        let mut bytes = None;
        let written = (|| -> Result<usize> {
            // KEY '': never the audit file's key (a teammate has their own);
            // an encrypted team file is sealed with age instead
            self.conn
                .execute("ATTACH DATABASE ?1 AS tf KEY ''", params![target])?;
            let r = (|| -> Result<usize> {
                self.conn.execute_batch(
                    "PRAGMA tf.journal_mode = DELETE;
                     CREATE TABLE tf.manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                     CREATE TABLE tf.docs (entity TEXT NOT NULL, row_key TEXT NOT NULL, heads TEXT NOT NULL,
                                        conflicts INTEGER NOT NULL, doc BLOB NOT NULL,
                                        PRIMARY KEY (entity, row_key));",
                )?;
                let tx = self.conn.unchecked_transaction()?;
                tx.execute(
                    "INSERT INTO tf.docs SELECT entity, row_key, heads, conflicts, doc FROM main.team_docs WHERE audit_id = ?1",
                    params![audit_id],
                )?;
                // the records as they stand, for a teammate to start from
                let mut n = 0;
                for sh in &SHARED {
                    tx.execute(
                        &format!(
                            "CREATE TABLE tf.\"rows_{t}\" AS SELECT * FROM main.\"{t}\" WHERE {f}",
                            t = sh.table,
                            f = row_filter(sh)
                        ),
                        params![audit_id],
                    )?;
                    n += tx.query_row(
                        &format!("SELECT count(*) FROM tf.\"rows_{}\"", sh.table),
                        [],
                        |r| r.get::<_, i64>(0),
                    )? as usize;
                }
                tx.execute_batch(
                    "CREATE TABLE tf.catalogues AS SELECT * FROM main.catalogues WHERE 0;
                     CREATE TABLE tf.clients AS SELECT * FROM main.clients WHERE 0;
                     CREATE TABLE tf.audit_scales AS SELECT * FROM main.audit_scales WHERE 0;",
                )?;
                tx.execute(
                    "INSERT INTO tf.catalogues SELECT * FROM main.catalogues WHERE id = (SELECT catalogue_id FROM audits WHERE id = ?1)",
                    params![audit_id],
                )?;
                tx.execute(
                    "INSERT INTO tf.clients SELECT * FROM main.clients WHERE id = (SELECT client_id FROM audits WHERE id = ?1)",
                    params![audit_id],
                )?;
                tx.execute(
                    "INSERT INTO tf.audit_scales SELECT * FROM main.audit_scales WHERE audit_id = ?1",
                    params![audit_id],
                )?;
                let manifest = [
                    ("kind", TEAM_KIND.to_string()),
                    ("format", TEAM_FORMAT.to_string()),
                    ("audit_id", audit_id.to_string()),
                    ("organisation", organisation.clone()),
                    ("made_by", name.clone()),
                    ("made_by_actor", hex(&actor)),
                    ("made_at", self.now()),
                    ("records", n.to_string()),
                    ("schema_version", super::latest_schema_version().to_string()),
                    ("auditbench", env!("CARGO_PKG_VERSION").to_string()),
                ];
                for (k, v) in manifest {
                    tx.execute(
                        "INSERT INTO tf.manifest (key, value) VALUES (?1, ?2)",
                        params![k, v],
                    )?;
                }
                tx.commit()?;
                if out.is_none() {
                    bytes = Some(self.conn.serialize("tf")?.to_vec());
                }
                Ok(n)
            })();
            self.conn.execute_batch("DETACH DATABASE tf")?;
            r
        })();
        let n = match written {
            Ok(n) => n,
            Err(e) => {
                if out.is_some() {
                    let _ = std::fs::remove_file(&tmp);
                }
                return Err(e);
            }
        };
        let Some(out) = out else {
            return Ok((n, bytes));
        };
        // a team file holds the client's findings: readable by its owner
        // only, as the audit file
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
        }
        if let Ok(f) = std::fs::File::open(&tmp) {
            f.sync_all()
                .map_err(|e| Error::Io(format!("cannot write {}: {e}", tmp.display())))?;
        }
        std::fs::rename(&tmp, out).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Io(format!("cannot write {}: {e}", out.display()))
        })?;
        Ok((n, None))
    }

    /// Make this laptop part of the audit's team if it is not (as lead: the
    /// documents from the rows as they stand), else bring the documents up
    /// to date with the trail. One transaction.
    fn team_sync(&mut self, audit_id: &str, name: &str) -> Result<()> {
        let tx = self.conn.savepoint()?;
        let exists: bool = tx.query_row(
            "SELECT count(*) > 0 FROM team WHERE audit_id = ?1",
            params![audit_id],
            |r| r.get(0),
        )?;
        if exists {
            let mut replica = load_replica(&tx, audit_id)?;
            catch_up(&tx, audit_id, &mut replica)?;
            save_docs(&tx, audit_id, &mut replica)?;
            set_synced(&tx, audit_id)?;
        } else {
            let actor = uuid::Uuid::new_v4().as_bytes().to_vec();
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            tx.execute(
                "INSERT INTO team (audit_id, actor, role, ref_tag, synced_seq, created_at)
                 VALUES (?1, ?2, 'lead', '', (SELECT coalesce(max(seq), 0) FROM history), ?3)",
                params![audit_id, actor, now],
            )?;
            // no document yet but the members': a record's document is
            // made the first time it changes (see team_base)
            let mut members = Replica::new(&actor, name).map_err(team_err)?;
            save_docs(&tx, audit_id, &mut members)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Start the audit of a teammate's team file on this laptop: the audit
    /// and every record, the trail naming who made each; this laptop a
    /// member, with its own provisional references. Returns what came.
    pub fn team_join(&mut self, file: &Path) -> Result<MergeReport> {
        self.team_join_data(file, None)
    }

    /// [`Self::team_join`] with the team file's contents already decrypted
    /// (`data`; `file` names it in messages).
    pub fn team_join_data(&mut self, file: &Path, data: Option<Vec<u8>>) -> Result<MergeReport> {
        let tf = TeamFile::open(file, data)?;
        let audit_id = tf.get("audit_id");
        let here: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM audits WHERE id = ?1",
            params![audit_id],
            |r| r.get(0),
        )?;
        if here {
            return Err(Error::Invalid(format!(
                "the audit of this team file ({}) is already in this file; merge it with `auditbench team merge {}`",
                tf.get("organisation"),
                file.display()
            )));
        }
        self.with_team_file(&tf, |st| st.join_attached(&tf, &audit_id))
    }

    /// Run `f` with the team file attached as `tf` (detached after, whatever `f` returns).
    fn with_team_file<T>(
        &mut self,
        tf: &TeamFile,
        f: impl FnOnce(&mut Store) -> Result<T>,
    ) -> Result<T> {
        // KEY '': a team file is never encrypted with the audit file's key
        // (a teammate has their own); it is sealed with age instead.
        match &tf.memory {
            None => {
                self.conn.execute(
                    "ATTACH DATABASE ?1 AS tf KEY ''",
                    params![tf.path.to_string_lossy()],
                )?;
            }
            Some(mem) => {
                self.conn
                    .execute_batch("ATTACH DATABASE ':memory:' AS tf KEY ''")?;
                let copied = rusqlite::backup::Backup::new_with_names(
                    mem,
                    rusqlite::MAIN_DB,
                    &mut self.conn,
                    "tf",
                )
                .and_then(|b| b.run_to_completion(4096, std::time::Duration::ZERO, None));
                if let Err(e) = copied {
                    self.conn.execute_batch("DETACH DATABASE tf")?;
                    return Err(e.into());
                }
            }
        }
        let r = f(self);
        self.conn.execute_batch("DETACH DATABASE tf")?;
        r
    }

    fn join_attached(&mut self, tf: &TeamFile, audit_id: &str) -> Result<MergeReport> {
        let before_actor = self.actor();
        let actor = uuid::Uuid::new_v4().as_bytes().to_vec();
        let from = tf.get("made_by");
        let tx = self.conn.savepoint()?;
        let status: Option<String> = tx
            .query_row(
                "SELECT status FROM tf.rows_audits WHERE id = ?1",
                params![audit_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|_| {
                Error::Invalid(format!(
                    "{} holds no audit; ask for a new team file",
                    tf.path.display()
                ))
            })?;
        match status.as_deref() {
            None => {
                return Err(Error::Invalid(format!(
                    "{} holds no audit; ask for a new team file",
                    tf.path.display()
                )))
            }
            Some("reported") => {
                return Err(Error::Invalid(
                    "the audit of this team file is reported: team work ends with the report"
                        .into(),
                ))
            }
            Some(_) => {}
        }
        copy_common(&tx, "catalogues", "catalogues", "")?;
        copy_common(&tx, "clients", "clients", "")?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut report = MergeReport {
            audit_id: audit_id.to_string(),
            organisation: tf.get("organisation"),
            from: from.clone(),
            ..MergeReport::default()
        };
        // the records as the teammate has them, the trail naming them as
        // coming from the teammate's file
        register_actor(&tx, &from)?;
        for sh in &SHARED {
            let n = copy_common(&tx, sh.table, &format!("rows_{}", sh.table), "")?;
            if n > 0 {
                report.new_records.insert(sh.entity.to_string(), n);
            }
            if sh.entity == "audit" {
                copy_common(&tx, "audit_scales", "audit_scales", audit_id)?;
            }
        }
        *report.by.entry(from.clone()).or_default() += report.new_records.values().sum::<usize>();
        register_actor(&tx, &before_actor)?;
        let name = if before_actor.is_empty() {
            "unknown".to_string()
        } else {
            before_actor.clone()
        };
        let tag = tag_for(&name, &actor);
        tx.execute(
            "INSERT INTO team (audit_id, actor, role, ref_tag, synced_seq, created_at)
             VALUES (?1, ?2, 'member', ?3, 0, ?4)",
            params![audit_id, actor, tag, now],
        )?;
        tx.execute(
            "INSERT INTO team_docs (audit_id, entity, row_key, heads, conflicts, doc)
             SELECT ?1, entity, row_key, heads, conflicts, doc FROM tf.docs",
            params![audit_id],
        )?;
        // this laptop joins the members
        let mut m = Replica::load(&actor, &[]).map_err(team_err)?;
        load_docs(&tx, audit_id, std::iter::once(&members_key()), &mut m)?;
        m.apply(
            &members_key(),
            &Edit::Set(hex(&actor), name.clone()),
            &name,
            millis(&now),
        )
        .map_err(team_err)?;
        save_docs(&tx, audit_id, &mut m)?;
        tx.execute(
            "DELETE FROM team_base WHERE audit_id = ?1",
            params![audit_id],
        )?;
        set_synced(&tx, audit_id)?;
        report.conflicts = conflict_count(&tx, audit_id)?;
        record_merge(&tx, tf, &now, &report)?;
        report.duplicate_references = duplicate_references(&tx, audit_id)?;
        tx.commit()?;
        Ok(report)
    }

    /// Merge a teammate's team file into the audit here: Automerge merges
    /// each record's document; the records that changed are written again
    /// from their documents, the trail naming who made each change.
    /// Merging the same file twice changes nothing.
    pub fn team_merge(&mut self, file: &Path) -> Result<MergeReport> {
        self.team_merge_data(file, None)
    }

    /// [`Self::team_merge`] with the team file's contents already decrypted
    /// (`data`; `file` names it in messages).
    pub fn team_merge_data(&mut self, file: &Path, data: Option<Vec<u8>>) -> Result<MergeReport> {
        let tf = TeamFile::open(file, data)?;
        let audit_id = tf.get("audit_id");
        let role: Option<String> = self
            .conn
            .query_row(
                "SELECT role FROM team WHERE audit_id = ?1",
                params![audit_id],
                |r| r.get(0),
            )
            .optional()?;
        if role.is_none() {
            let here: bool = self.conn.query_row(
                "SELECT count(*) > 0 FROM audits WHERE id = ?1",
                params![audit_id],
                |r| r.get(0),
            )?;
            return Err(Error::Invalid(if here {
                format!(
                    "the audit {} here was not shared in a team; share it first (`auditbench team share`) or join the team file on another audit file",
                    tf.get("organisation")
                )
            } else {
                format!(
                    "this team file is of another audit ({}, {}), not in this file; start it here with `auditbench team join {}`",
                    tf.get("organisation"),
                    audit_id,
                    file.display()
                )
            }));
        }
        let status: String = self.conn.query_row(
            "SELECT status FROM audits WHERE id = ?1",
            params![audit_id],
            |r| r.get(0),
        )?;
        if status == "reported" {
            return Err(Error::Invalid(
                "the audit is reported, so nothing more merges into it; reopen it (with a reason) first".into(),
            ));
        }
        self.with_team_file(&tf, |st| st.merge_attached(&tf, &audit_id))
    }

    fn merge_attached(&mut self, tf: &TeamFile, audit_id: &str) -> Result<MergeReport> {
        let before_actor = self.actor();
        let now = self.now();
        let tx = self.conn.savepoint()?;
        let mut replica = load_replica(&tx, audit_id)?;
        catch_up(&tx, audit_id, &mut replica)?;
        let incoming = read_docs(&tx, audit_id)?;
        let mut report = MergeReport {
            audit_id: audit_id.to_string(),
            organisation: tf.get("organisation"),
            from: tf.get("made_by"),
            ..MergeReport::default()
        };
        load_docs(&tx, audit_id, incoming.iter().map(|(k, _)| k), &mut replica)?;
        let mut came: Vec<(RecordKey, team::Incoming)> = Vec::new();
        for (key, bytes) in &incoming {
            if let Some(inc) = replica.merge_saved(key, bytes).map_err(team_err)? {
                report.changes += inc.changes;
                came.push((key.clone(), inc));
            }
        }
        // write the rows in order: the audit first unless it becomes reported
        came.sort_by_key(|(k, _)| (order_of(&k.entity), k.key.clone()));
        let reported_last = came.iter().position(|(k, _)| {
            k.entity == "audit"
                && replica
                    .state(k)
                    .is_some_and(|s| s.fields.get("status").map(String::as_str) == Some("reported"))
        });
        if let Some(i) = reported_last {
            let a = came.remove(i);
            came.push(a);
        }
        let mut cols = BTreeMap::new();
        let mut created = Vec::new();
        for (key, inc) in &came {
            if key.entity == members_key().entity {
                continue;
            }
            let Some((state, _)) = replica.state_and_conflicts(key) else {
                continue;
            };
            if let Some(was_new) = write_record(
                &tx,
                audit_id,
                key,
                &state,
                &inc.who,
                &stamp(inc.at_ms, &now),
                &mut cols,
            )? {
                let kind = key.entity.clone();
                if was_new {
                    created.push(key.clone());
                    *report.new_records.entry(kind).or_default() += 1;
                } else {
                    *report.changed.entry(kind).or_default() += 1;
                }
            } else if !inc.new {
                *report.changed.entry(key.entity.clone()).or_default() += 1;
            }
            *report.by.entry(inc.who.clone()).or_default() += 1;
        }
        restore_citations(&tx, audit_id, &mut replica, &created, &mut cols)?;
        register_actor(&tx, &before_actor)?;
        save_docs(&tx, audit_id, &mut replica)?;
        set_synced(&tx, audit_id)?;
        report.conflicts = conflict_count(&tx, audit_id)?;
        report.duplicate_references = duplicate_references(&tx, audit_id)?;
        record_merge(&tx, tf, &now, &report)?;
        tx.commit()?;
        Ok(report)
    }

    /// The audit's conflicts, numbered in a stable order (record, field).
    pub fn team_conflicts(&self, audit_id: &str) -> Result<Vec<ListedConflict>> {
        let actor = self.team_actor(audit_id)?;
        let mut s = self.conn.prepare(
            "SELECT entity, row_key, doc FROM team_docs
             WHERE audit_id = ?1 AND (conflicts > 0 OR entity = ?2) ORDER BY entity, row_key",
        )?;
        let docs: Vec<(RecordKey, Vec<u8>)> = s
            .query_map(params![audit_id, members_key().entity], |r| {
                Ok((
                    RecordKey::new(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?),
                    r.get(2)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        drop(s);
        let mut r = Replica::load(&actor, &docs).map_err(team_err)?;
        let mut out = Vec::new();
        for (k, _) in &docs {
            if k.entity == members_key().entity {
                continue;
            }
            let label = Self::record_label(k, r.state(k).as_ref());
            for c in r.conflicts_of(k) {
                out.push(ListedConflict {
                    number: out.len() + 1,
                    entity: k.entity.clone(),
                    row_key: k.key.clone(),
                    label: label.clone(),
                    field: c.field.clone(),
                    values: {
                        // by who, then when: the same order on every laptop
                        let mut v: Vec<(String, String, String)> = c
                            .values
                            .iter()
                            .zip(&c.at_ms)
                            .map(|((v, who), at)| (v.clone(), who.clone(), stamp(*at, "")))
                            .collect();
                        v.sort_by(|a, b| (&a.1, &a.2, &a.0).cmp(&(&b.1, &b.2, &b.0)));
                        v
                    },
                });
            }
        }
        // by what a person calls the record, then the field: the same
        // numbers on every laptop and in every listing
        out.sort_by(|a, b| (&a.label, &a.field, &a.row_key).cmp(&(&b.label, &b.field, &b.row_key)));
        for (i, c) in out.iter_mut().enumerate() {
            c.number = i + 1;
        }
        Ok(out)
    }

    /// What a person calls a record: a finding's reference and title, a
    /// clause review's clause and stage, …
    fn record_label(k: &RecordKey, st: Option<&RecordState>) -> String {
        let f = |name: &str| {
            st.and_then(|s| s.fields.get(name))
                .cloned()
                .unwrap_or_default()
        };
        match k.entity.as_str() {
            "finding" => format!("finding {} {}", f("reference"), f("title")),
            "audit" => format!("audit {}", f("organisation")),
            "clause_review" => match k.key.rsplit_once('/') {
                Some((c, s)) => format!("clause {c} stage {s}"),
                None => format!("clause review {}", k.key),
            },
            "question_rating" => format!("question {}", k.key),
            "sample" => format!("sample {} {}", f("clause_id"), f("population")),
            "interview" => format!("interview {}", f("interviewee")),
            "document_review" => format!("document {}", k.key),
            "gap" => format!("gap {}", k.key),
            _ => format!("{} {}", k.entity, k.key),
        }
    }

    fn team_actor(&self, audit_id: &str) -> Result<Vec<u8>> {
        self.conn
            .query_row("SELECT actor FROM team WHERE audit_id = ?1", params![audit_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| {
                Error::Invalid(
                    "this audit is not shared in a team on this laptop; `auditbench team share` starts one".into(),
                )
            })
    }

    /// Settle conflict `number` (as `team_conflicts` lists them): an
    /// ordinary change, by this laptop, that merges onward; the row is
    /// written again from the settled document.
    pub fn team_resolve(&mut self, audit_id: &str, number: usize, how: &Settle) -> Result<String> {
        let list = self.team_conflicts(audit_id)?;
        let c = list.iter().find(|c| c.number == number).ok_or_else(|| {
            Error::NotFound(format!(
                "no conflict {number}; `auditbench team conflicts --audit {audit_id}` lists {} conflict{}",
                list.len(),
                plural(list.len())
            ))
        })?;
        let value = match how {
            Settle::Take(v) => {
                if c.field == ALIVE && v != team::DELETED && v != "kept" {
                    return Err(Error::Invalid(
                        "this record was deleted on one laptop and edited on another: --take deleted or --take kept".into(),
                    ));
                }
                v.clone()
            }
            Settle::KeepBoth => {
                if !c.is_text() {
                    return Err(Error::Invalid(format!(
                        "{} is no text: both cannot be kept; choose one with --take",
                        c.field
                    )));
                }
                let sep = if c.is_multiline() { "\n" } else { " / " };
                c.values
                    .iter()
                    .map(|(v, who, _)| format!("{v} [{who}]"))
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        };
        let name = self.team_name(audit_id)?;
        let now = self.now();
        let before_actor = self.actor();
        let key = RecordKey::new(&c.entity, &c.row_key);
        let tx = self.conn.savepoint()?;
        let mut replica = load_replica(&tx, audit_id)?;
        catch_up(&tx, audit_id, &mut replica)?;
        load_docs(&tx, audit_id, std::iter::once(&key), &mut replica)?;
        replica
            .resolve(&key, &c.field, &value, &name, millis(&now))
            .map_err(team_err)?;
        let mut cols = BTreeMap::new();
        if let Some((state, _)) = replica.state_and_conflicts(&key) {
            if write_record(&tx, audit_id, &key, &state, &name, &now, &mut cols)? == Some(true) {
                restore_citations(
                    &tx,
                    audit_id,
                    &mut replica,
                    std::slice::from_ref(&key),
                    &mut cols,
                )?;
            }
        }
        register_actor(&tx, &before_actor)?;
        save_docs(&tx, audit_id, &mut replica)?;
        set_synced(&tx, audit_id)?;
        tx.commit()?;
        Ok(if c.field == ALIVE {
            format!("settled {}: {}", c.label.trim(), value)
        } else {
            format!(
                "settled {} {}: {}",
                c.label.trim(),
                c.field.replace('_', " "),
                crate::text::one_line(&value)
            )
        })
    }

    /// Findings whose reference is provisional (a member's tag) or held by
    /// two findings: (id, reference), oldest first.
    fn provisional_findings(&self, audit_id: &str) -> Result<Vec<(String, String)>> {
        let scale = super::audits::scale_of(&self.conn, audit_id)?;
        let mut s = self.conn.prepare(
            "SELECT id, reference, ref_prefix, grade,
                    count(*) OVER (PARTITION BY reference) AS held,
                    row_number() OVER (PARTITION BY reference ORDER BY created_at, id) AS nth
             FROM findings WHERE audit_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = s.query_map(params![audit_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, reference, prefix, grade, held, nth) = row?;
            let plain = crate::domain::Grade::parse(&grade)
                .ok()
                .map(|g| scale.prefix(g).to_string())
                .unwrap_or_default();
            if prefix != plain || (held > 1 && nth > 1) {
                out.push((id, reference));
            }
        }
        Ok(out)
    }

    /// The lead finalises the numbering: every provisional reference (and
    /// every second holder of a reference) takes the next reference of its
    /// grade, oldest finding first; the old one is kept in `formerly` and
    /// never given again. Ordinary changes: they merge onward. Returns
    /// (old, new) pairs.
    pub fn team_finalise(&mut self, audit_id: &str) -> Result<Vec<(String, String)>> {
        let role: Option<String> = self
            .conn
            .query_row(
                "SELECT role FROM team WHERE audit_id = ?1",
                params![audit_id],
                |r| r.get(0),
            )
            .optional()?;
        match role.as_deref() {
            Some("lead") => {}
            Some(_) => {
                return Err(Error::Invalid(
                    "only the lead's laptop (the one that shared the audit first) finalises the references; send your team file to the lead".into(),
                ))
            }
            None => {
                return Err(Error::Invalid(
                    "this audit is not shared in a team; its references are final already".into(),
                ))
            }
        }
        let todo = self.provisional_findings(audit_id)?;
        let mut out = Vec::new();
        for (id, old) in todo {
            let new = self.renumber_finding(&id)?;
            out.push((old, new));
        }
        Ok(out)
    }
}

/// Keep a merge (or a join) for the Team screen: when, from whom, what came.
fn record_merge(tx: &Connection, tf: &TeamFile, now: &str, r: &MergeReport) -> Result<()> {
    tx.execute(
        "INSERT INTO team_merges (audit_id, at, from_name, from_actor, file, new_records, changed, changes, conflicts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            r.audit_id,
            now,
            r.from,
            tf.get("made_by_actor"),
            tf.path.display().to_string(),
            r.new_records.values().sum::<usize>() as i64,
            r.changed.values().sum::<usize>() as i64,
            r.changes as i64,
            r.conflicts as i64
        ],
    )?;
    Ok(())
}

/// The conflicts not settled in an audit: the sum kept with the documents.
fn conflict_count(conn: &Connection, audit_id: &str) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT coalesce(sum(conflicts), 0) FROM team_docs WHERE audit_id = ?1 AND conflicts > 0",
        params![audit_id],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn team_err(e: team::TeamError) -> Error {
    Error::Invalid(e.to_string())
}

/// The replica of an audit on this laptop, with only its members' document
/// loaded.
fn load_replica(tx: &Connection, audit_id: &str) -> Result<Replica> {
    let actor: Vec<u8> = tx.query_row(
        "SELECT actor FROM team WHERE audit_id = ?1",
        params![audit_id],
        |r| r.get(0),
    )?;
    let mut r = Replica::load(&actor, &[]).map_err(team_err)?;
    load_docs(tx, audit_id, std::iter::once(&members_key()), &mut r)?;
    Ok(r)
}

/// Load these records' documents (those this laptop has) into the replica.
fn load_docs<'a>(
    tx: &Connection,
    audit_id: &str,
    keys: impl Iterator<Item = &'a RecordKey>,
    r: &mut Replica,
) -> Result<()> {
    let mut s = tx.prepare_cached(
        "SELECT doc FROM team_docs WHERE audit_id = ?1 AND entity = ?2 AND row_key = ?3",
    )?;
    for k in keys {
        if r.has(k) {
            continue;
        }
        let saved: Option<Vec<u8>> = s
            .query_row(params![audit_id, k.entity, k.key], |r| r.get(0))
            .optional()?;
        if let Some(saved) = saved {
            r.insert_saved(k, &saved).map_err(team_err)?;
        }
    }
    Ok(())
}

/// A team file's documents (attached as `tf`) whose heads differ from this
/// laptop's: what a merge has to look at.
fn read_docs(tx: &Connection, audit_id: &str) -> Result<Vec<(RecordKey, Vec<u8>)>> {
    let mut s = tx.prepare(
        "SELECT d.entity, d.row_key, d.doc FROM tf.docs d
         LEFT JOIN main.team_docs m ON m.audit_id = ?1 AND m.entity = d.entity AND m.row_key = d.row_key
         WHERE m.heads IS NOT d.heads",
    )?;
    let mut docs: Vec<(RecordKey, Vec<u8>)> = s
        .query_map(params![audit_id], |r| {
            Ok((
                RecordKey::new(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?),
                r.get(2)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    docs.sort_by_key(|(k, _)| (order_of(&k.entity), k.key.clone()));
    Ok(docs)
}

/// Save the replica's changed documents, with their heads and conflicts.
fn save_docs(tx: &Connection, audit_id: &str, r: &mut Replica) -> Result<()> {
    let dirty = r.take_dirty();
    let mut s = tx.prepare_cached(
        "INSERT INTO team_docs (audit_id, entity, row_key, heads, conflicts, doc) VALUES (?1,?2,?3,?4,?5,?6)
         ON CONFLICT (audit_id, entity, row_key) DO UPDATE SET heads = excluded.heads,
             conflicts = excluded.conflicts, doc = excluded.doc",
    )?;
    for (k, heads, bytes) in dirty {
        let n = r.state_and_conflicts(&k).map(|(_, n)| n).unwrap_or(0);
        s.execute(params![audit_id, k.entity, k.key, heads, n as i64, bytes])?;
    }
    Ok(())
}

fn set_synced(tx: &Connection, audit_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE team SET synced_seq = (SELECT coalesce(max(seq), 0) FROM history) WHERE audit_id = ?1",
        params![audit_id],
    )?;
    // snapshots of records that have their document now (a merge's own
    // writes take them) are no use
    tx.execute(
        "DELETE FROM team_base WHERE audit_id = ?1 AND EXISTS (SELECT 1 FROM team_docs d
           WHERE d.audit_id = team_base.audit_id AND d.entity = team_base.entity AND d.row_key = team_base.row_key)",
        params![audit_id],
    )?;
    Ok(())
}

/// The trail rows of the audit since the documents were last brought up to
/// date, as changes of the documents they name.
fn catch_up(tx: &Connection, audit_id: &str, r: &mut Replica) -> Result<()> {
    let synced: i64 = tx.query_row(
        "SELECT synced_seq FROM team WHERE audit_id = ?1",
        params![audit_id],
        |r| r.get(0),
    )?;
    let mut s = tx.prepare(
        "SELECT entity, row_key, field, new, at, actor FROM history
         WHERE audit_id = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let rows: Vec<(String, String, String, Option<String>, String, String)> = s
        .query_map(params![audit_id, synced], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut cols: BTreeMap<&str, Columns> = BTreeMap::new();
    let keys: BTreeSet<RecordKey> = rows
        .iter()
        .filter(|(e, ..)| shared(e).is_some())
        .map(|(e, k, ..)| RecordKey::new(e, k))
        .collect();
    load_docs(tx, audit_id, keys.iter(), r)?;
    // a record changed for the first time since the team started: its
    // document starts from the state it was shared in
    let mut first: BTreeMap<RecordKey, &str> = BTreeMap::new();
    for (e, k, f, ..) in &rows {
        first.entry(RecordKey::new(e, k)).or_insert(f.as_str());
    }
    for (k, f) in &first {
        let Some(sh) = shared(&k.entity) else {
            continue;
        };
        if r.has(k) || *f == "created" {
            continue;
        }
        if !cols.contains_key(sh.table) {
            cols.insert(sh.table, Columns::of(tx, sh.table)?);
        }
        start_from_base(tx, audit_id, sh, &cols[sh.table], k, r)?;
    }
    let mut cited: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for (entity, key, field, new, at, who) in rows {
        if entity == "finding" && field == "cites_sample" {
            cited.insert(key.clone(), (who.clone(), millis(&at)));
        }
        let Some(sh) = shared(&entity) else { continue };
        if !cols.contains_key(sh.table) {
            cols.insert(sh.table, Columns::of(tx, sh.table)?);
        }
        let c = &cols[sh.table];
        let Some(edit) = Edit::from_trail(&field, new.as_deref()) else {
            continue;
        };
        let edit = match edit {
            Edit::Create(fields) => {
                let mut fields: BTreeMap<String, String> = fields
                    .into_iter()
                    .filter(|(f, _)| c.is_field(sh, f))
                    .collect();
                if c.has("created_at") {
                    fields
                        .entry("created_at".into())
                        .or_insert_with(|| at.clone());
                }
                Edit::Create(fields)
            }
            Edit::Set(f, v) if c.is_field(sh, &f) => Edit::Set(f, v),
            Edit::Set(..) => continue,
            Edit::Delete => Edit::Delete,
        };
        r.apply(&RecordKey::new(&entity, &key), &edit, &who, millis(&at))
            .map_err(team_err)?;
    }
    catch_up_citations(tx, audit_id, r, &cited)?;
    Ok(())
}

/// A finding's citations of samples, as the rows have them now: the trail
/// names a cited sample by its clause and population, so each finding whose
/// citations changed is compared whole with its citation documents.
fn catch_up_citations(
    tx: &Connection,
    audit_id: &str,
    r: &mut Replica,
    cited: &BTreeMap<String, (String, i64)>,
) -> Result<()> {
    for (finding, (who, at)) in cited {
        let mut s = tx.prepare_cached(
            "SELECT sample_id, cited_at FROM finding_samples WHERE finding_id = ?1",
        )?;
        let now: BTreeMap<String, String> = s
            .query_map(params![finding], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = tx.prepare_cached(
            "SELECT row_key FROM team_docs WHERE audit_id = ?1 AND entity = 'citation'
               AND row_key > ?2 AND row_key < ?3",
        )?;
        let docs: Vec<String> = s
            .query_map(
                params![audit_id, format!("{finding}/"), format!("{finding}0")],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut keys: Vec<RecordKey> = docs.iter().map(|k| RecordKey::new("citation", k)).collect();
        load_docs(tx, audit_id, keys.iter(), r)?;
        // citations from the start of the team, removed since: from their snapshot
        keys.extend(citations_from_base(
            tx,
            audit_id,
            &format!("{finding}/%"),
            r,
        )?);
        for k in &keys {
            let sample = k.key.rsplit_once('/').map(|(_, s)| s).unwrap_or_default();
            let alive = r.state(k).is_some_and(|s| s.alive);
            if alive && !now.contains_key(sample) {
                r.apply(k, &Edit::Delete, who, *at).map_err(team_err)?;
            }
        }
        for (sample, cited_at) in &now {
            let k = RecordKey::new("citation", &format!("{finding}/{sample}"));
            if !r.state(&k).is_some_and(|s| s.alive) {
                let fields = BTreeMap::from([("cited_at".to_string(), cited_at.clone())]);
                r.apply(&k, &Edit::Create(fields), who, *at)
                    .map_err(team_err)?;
            }
        }
    }
    Ok(())
}

/// Start a record's document from its `team_base` snapshot (taken in the
/// transaction of its first change since the team started), and drop the
/// snapshot. Without one (a change older than the team), from the row.
fn start_from_base(
    tx: &Connection,
    audit_id: &str,
    sh: &Shared,
    c: &Columns,
    k: &RecordKey,
    r: &mut Replica,
) -> Result<()> {
    let snap: Option<String> = tx
        .prepare_cached(
            "SELECT fields FROM team_base WHERE audit_id = ?1 AND entity = ?2 AND row_key = ?3",
        )?
        .query_row(params![audit_id, k.entity, k.key], |r| r.get(0))
        .optional()?;
    let fields = match snap {
        Some(json) => fields_of_json(sh, c, &json),
        None => return Ok(()),
    };
    r.insert_base(audit_id, k, &fields).map_err(team_err)?;
    tx.prepare_cached(
        "DELETE FROM team_base WHERE audit_id = ?1 AND entity = ?2 AND row_key = ?3",
    )?
    .execute(params![audit_id, k.entity, k.key])?;
    Ok(())
}

/// The rows of a shared table that belong to an audit (`?1`).
fn row_filter(sh: &Shared) -> &'static str {
    match sh.entity {
        "audit" => "id = ?1",
        "citation" => "finding_id IN (SELECT id FROM findings WHERE audit_id = ?1)",
        _ => "audit_id = ?1",
    }
}

/// A record's fields from a row as JSON (a `team_base` snapshot).
fn fields_of_json(sh: &Shared, c: &Columns, json: &str) -> BTreeMap<String, String> {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(json) else {
        return BTreeMap::new();
    };
    m.into_iter()
        .filter(|(k, _)| c.is_field(sh, k))
        .map(|(k, v)| {
            let t = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, t)
        })
        .collect()
}

/// Copy rows from the team file (attached as `tf`) into a table here, by
/// the columns both have (a teammate's auditbench may be older): the
/// catalogue and the client (when not here), the audit's grade scale, the
/// audit's records. Returns the rows copied.
fn copy_common(tx: &Connection, table: &str, from: &str, audit_id: &str) -> Result<usize> {
    let exists: bool = tx.query_row(
        "SELECT count(*) > 0 FROM tf.sqlite_master WHERE type = 'table' AND name = ?1",
        params![from],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(0);
    }
    let mine = Columns::of(tx, table)?;
    let mut s = tx.prepare("SELECT name FROM pragma_table_info(?1, 'tf')")?;
    let theirs: Vec<String> = s
        .query_map(params![from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let common: Vec<String> = theirs
        .into_iter()
        .filter(|c| mine.has(c))
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect();
    if common.is_empty() {
        return Ok(0);
    }
    let list = common.join(", ");
    let filter = if audit_id.is_empty() {
        String::new()
    } else {
        " WHERE audit_id = ?1".into()
    };
    let sql = format!(
        "INSERT OR IGNORE INTO main.\"{table}\" ({list}) SELECT {list} FROM tf.\"{from}\"{filter}"
    );
    Ok(if audit_id.is_empty() {
        tx.execute(&sql, [])?
    } else {
        tx.execute(&sql, params![audit_id])?
    })
}

/// A finding or sample written again after it was deleted here (kept on
/// another laptop) takes its citations back: the deletion took them with
/// it, and their documents did not change.
fn restore_citations(
    tx: &Connection,
    audit_id: &str,
    r: &mut Replica,
    created: &[RecordKey],
    cols: &mut BTreeMap<&'static str, Columns>,
) -> Result<()> {
    for k in created {
        let pattern = match k.entity.as_str() {
            "finding" => format!("{}/%", k.key),
            "sample" => format!("%/{}", k.key),
            _ => continue,
        };
        let mut s = tx.prepare_cached(
            "SELECT row_key FROM team_docs WHERE audit_id = ?1 AND entity = 'citation' AND row_key LIKE ?2",
        )?;
        let mut keys: Vec<RecordKey> = s
            .query_map(params![audit_id, pattern], |r| r.get::<_, String>(0))?
            .map(|k| k.map(|k| RecordKey::new("citation", &k)))
            .collect::<rusqlite::Result<_>>()?;
        load_docs(tx, audit_id, keys.iter(), r)?;
        // citations from the start of the team, kept when the deletion here took them
        keys.extend(citations_from_base(tx, audit_id, &pattern, r)?);
        for c in &keys {
            if let Some(st) = r.state(c) {
                let (who, at) = r.last_change(c).unwrap_or_default();
                write_record(tx, audit_id, c, &st, &who, &stamp(at, ""), cols)?;
            }
        }
    }
    Ok(())
}

/// The citations kept in `team_base` whose key matches `pattern` (LIKE)
/// and that have no document yet: their documents started from the
/// snapshot. Returns their keys.
fn citations_from_base(
    tx: &Connection,
    audit_id: &str,
    pattern: &str,
    r: &mut Replica,
) -> Result<Vec<RecordKey>> {
    let mut s = tx.prepare_cached(
        "SELECT row_key FROM team_base WHERE audit_id = ?1 AND entity = 'citation' AND row_key LIKE ?2",
    )?;
    let based: Vec<String> = s
        .query_map(params![audit_id, pattern], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    if let Some(sh) = shared("citation") {
        let c = Columns::of(tx, sh.table)?;
        for k in based {
            let k = RecordKey::new("citation", &k);
            if !r.has(&k) {
                start_from_base(tx, audit_id, sh, &c, &k, r)?;
                out.push(k);
            }
        }
    }
    Ok(out)
}

/// References held by more than one finding of the audit.
fn duplicate_references(tx: &Connection, audit_id: &str) -> Result<Vec<String>> {
    let mut s = tx.prepare(
        "SELECT reference FROM findings WHERE audit_id = ?1 GROUP BY reference HAVING count(*) > 1 ORDER BY reference",
    )?;
    let v = s
        .query_map(params![audit_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Write one record's row from its document's state, the trail naming
/// `who` at `at`. `Some(true)`: created; `Some(false)`: changed or deleted;
/// `None`: the row was already so.
fn write_record(
    tx: &Connection,
    audit_id: &str,
    key: &RecordKey,
    st: &RecordState,
    who: &str,
    at: &str,
    cols: &mut BTreeMap<&'static str, Columns>,
) -> Result<Option<bool>> {
    let Some(sh) = shared(&key.entity) else {
        return Ok(None);
    };
    if !cols.contains_key(sh.table) {
        cols.insert(sh.table, Columns::of(tx, sh.table)?);
    }
    let c = &cols[sh.table];
    let parts: Vec<String> = if sh.keys.len() == 1 {
        vec![key.key.clone()]
    } else {
        let split = if sh.sep == "/" {
            key.key.rsplit_once('/')
        } else {
            key.key.split_once(sh.sep)
        };
        match split {
            Some((a, b)) => vec![a.to_string(), b.to_string()],
            None => return Ok(None),
        }
    };
    let mut wher: Vec<String> = sh
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("\"{k}\" = ?{}", i + 1))
        .collect();
    let mut args: Vec<rusqlite::types::Value> = parts
        .iter()
        .map(|p| rusqlite::types::Value::Text(p.clone()))
        .collect();
    if c.has("audit_id") {
        wher.push(format!("audit_id = ?{}", args.len() + 1));
        args.push(rusqlite::types::Value::Text(audit_id.to_string()));
    }
    let wher = wher.join(" AND ");
    // the row as it stands
    let mut s = tx.prepare(&format!("SELECT * FROM \"{}\" WHERE {wher}", sh.table))?;
    let names: Vec<String> = s.column_names().iter().map(|n| n.to_string()).collect();
    let current: Option<BTreeMap<String, String>> = s
        .query_row(rusqlite::params_from_iter(args.iter()), |row| {
            let mut m = BTreeMap::new();
            for (i, n) in names.iter().enumerate() {
                m.insert(n.clone(), value_text(row.get_ref(i)?));
            }
            Ok(m)
        })
        .optional()?;
    drop(s);
    register_actor(tx, who)?;
    match (current, st.alive) {
        (None, false) => Ok(None),
        (Some(row), false) => {
            if sh.entity == "audit" {
                // an audit is never deleted by a merge
                return Ok(None);
            }
            if sh.entity == "finding" {
                retire(
                    tx,
                    audit_id,
                    row.get("reference").map(String::as_str).unwrap_or(""),
                )?;
            }
            tx.execute(
                &format!("DELETE FROM \"{}\" WHERE {wher}", sh.table),
                rusqlite::params_from_iter(args.iter()),
            )?;
            Ok(Some(false))
        }
        (None, true) => {
            if sh.entity == "citation" {
                // only while the finding and the sample are both there
                let both: bool = tx.query_row(
                    "SELECT (SELECT count(*) FROM findings WHERE id = ?1 AND audit_id = ?3)
                          + (SELECT count(*) FROM samples WHERE id = ?2 AND audit_id = ?3) = 2",
                    params![parts[0], parts[1], audit_id],
                    |r| r.get(0),
                )?;
                if !both {
                    return Ok(None);
                }
            }
            let mut names: Vec<String> = Vec::new();
            let mut vals: Vec<rusqlite::types::Value> = Vec::new();
            let mut put = |n: &str, v: rusqlite::types::Value| {
                names.push(format!("\"{n}\""));
                vals.push(v);
            };
            for (k, p) in sh.keys.iter().zip(&parts) {
                put(k, rusqlite::types::Value::Text(p.clone()));
            }
            if c.has("audit_id") {
                put(
                    "audit_id",
                    rusqlite::types::Value::Text(audit_id.to_string()),
                );
            }
            for (f, v) in &st.fields {
                if c.is_field(sh, f) {
                    if let Some(v) = c.value(f, v) {
                        put(f, v);
                    }
                }
            }
            if c.has("created_at") && !st.fields.contains_key("created_at") {
                put("created_at", rusqlite::types::Value::Text(at.to_string()));
            }
            if c.has("updated_at") {
                put("updated_at", rusqlite::types::Value::Text(at.to_string()));
            }
            for (n, v) in derived(sh, &st.fields, c) {
                put(n, v);
            }
            let marks: Vec<String> = (1..=vals.len()).map(|i| format!("?{i}")).collect();
            tx.execute(
                &format!(
                    "INSERT INTO \"{}\" ({}) VALUES ({})",
                    sh.table,
                    names.join(", "),
                    marks.join(", ")
                ),
                rusqlite::params_from_iter(vals.iter()),
            )?;
            Ok(Some(true))
        }
        (Some(row), true) => {
            let mut sets: Vec<(String, rusqlite::types::Value)> = Vec::new();
            for (f, v) in &st.fields {
                if c.is_field(sh, f) && row.get(f).map(String::as_str) != Some(v.as_str()) {
                    if let Some(v) = c.value(f, v) {
                        sets.push((f.clone(), v));
                    }
                }
            }
            if sets.is_empty() {
                return Ok(None);
            }
            if sh.entity == "finding" {
                if let Some(new_ref) = st.fields.get("reference") {
                    let old = row.get("reference").cloned().unwrap_or_default();
                    if &old != new_ref {
                        retire(tx, audit_id, &old)?;
                    }
                }
            }
            let changed: BTreeSet<String> = sets.iter().map(|(n, _)| n.clone()).collect();
            for (n, v) in derived(sh, &st.fields, c) {
                let from = match n {
                    "ref_prefix" | "ref_seq" => "reference",
                    _ => "clause_id",
                };
                if changed.contains(from) {
                    sets.push((n.to_string(), v));
                }
            }
            if c.has("updated_at") {
                sets.push((
                    "updated_at".into(),
                    rusqlite::types::Value::Text(at.to_string()),
                ));
            }
            let n0 = args.len();
            let assign: Vec<String> = sets
                .iter()
                .enumerate()
                .map(|(i, (n, _))| format!("\"{n}\" = ?{}", n0 + i + 1))
                .collect();
            let mut all = args.clone();
            all.extend(sets.into_iter().map(|(_, v)| v));
            tx.execute(
                &format!(
                    "UPDATE \"{}\" SET {} WHERE {wher}",
                    sh.table,
                    assign.join(", ")
                ),
                rusqlite::params_from_iter(all.iter()),
            )?;
            Ok(Some(false))
        }
    }
}

/// Columns derived from others: a finding's reference parts and clause
/// order, a sample's clause order.
fn derived(
    sh: &Shared,
    fields: &BTreeMap<String, String>,
    c: &Columns,
) -> Vec<(&'static str, rusqlite::types::Value)> {
    use rusqlite::types::Value;
    let mut out = Vec::new();
    if sh.entity == "finding" {
        let r = fields.get("reference").cloned().unwrap_or_default();
        let (prefix, seq) = match r.rsplit_once('-') {
            Some((p, s)) => (p.to_string(), s.parse::<i64>().unwrap_or(0)),
            None => (r.clone(), 0),
        };
        out.push(("ref_prefix", Value::Text(prefix)));
        out.push(("ref_seq", Value::Integer(seq)));
    }
    if c.has("clause_key") {
        let clause = fields.get("clause_id").cloned().unwrap_or_default();
        out.push(("clause_key", Value::Text(natural::sort_key(&clause))));
    }
    out
}

/// Keep a reference no finding carries any more, so it is never given again.
fn retire(tx: &Connection, audit_id: &str, reference: &str) -> Result<()> {
    let Some((prefix, seq)) = reference.rsplit_once('-') else {
        return Ok(());
    };
    tx.execute(
        "INSERT OR IGNORE INTO retired_references (audit_id, reference, prefix, seq) VALUES (?1,?2,?3,?4)",
        params![audit_id, reference, prefix, seq.parse::<i64>().unwrap_or(0)],
    )?;
    Ok(())
}
