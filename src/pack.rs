//! The hand-over pack: everything the certification body receives about
//! one audit, in one folder, with a `MANIFEST` it can check.
//!
//! - `report.html`, `report.docx`: the audit report;
//! - `findings.csv`, `workbook.xlsx`, `assessment-results.json` (OSCAL);
//! - `audit.sqlite`: the audit file reduced to this audit (see
//!   [`crate::store::pack`]), the complete record, interview notes and
//!   trail included;
//! - `MANIFEST`: in `sha256sum` format (so `sha256sum -c MANIFEST` checks
//!   it without auditbench), with `#` lines naming the audit and pinning its
//!   trail: the head of the file's whole chain at packing time, and the
//!   number, last hash and digest of this audit's trail rows.
//!
//! The pack is written in a hidden folder beside the target and renamed into
//! place when complete: a failure leaves nothing behind. The folder is
//! mode 0700 and every file 0600.
//!
//! [`verify`] re-hashes every file, names those that differ, are missing or
//! were added, opens the SQLite copy, checks every trail row against its
//! hash and the manifest's pins, and replays the trail against the records.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::Audit;
use crate::store::{self, AuditTrail, Error, OpenOptions, Store};

/// The files of a pack, in the order the manifest lists them.
pub const FILES: [&str; 6] = [
    "report.html",
    "report.docx",
    "findings.csv",
    "workbook.xlsx",
    "assessment-results.json",
    "audit.sqlite",
];

pub const MANIFEST: &str = "MANIFEST";

/// What a pack holds, as its manifest says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    pub made_by: String,
    pub made_at: String,
    pub audit_id: String,
    pub organisation: String,
    /// The head of the whole trail of the auditor's file when packed.
    pub trail_head: String,
    pub audit_rows: u64,
    pub audit_head: String,
    pub audit_digest: String,
    /// File name → SHA-256 (hex).
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest as written: `#` lines, then `HASH  NAME` lines.
    pub fn to_text(&self) -> String {
        let one_line = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        };
        let mut out = String::new();
        out.push_str("# auditbench hand-over pack; check with: auditbench verify-pack DIR (or sha256sum -c MANIFEST)\n");
        out.push_str(&format!("# made-by: {}\n", one_line(&self.made_by)));
        out.push_str(&format!("# made-at: {}\n", one_line(&self.made_at)));
        out.push_str(&format!("# audit: {}\n", one_line(&self.audit_id)));
        out.push_str(&format!(
            "# organisation: {}\n",
            one_line(&self.organisation)
        ));
        out.push_str(&format!("# trail-head: {}\n", self.trail_head));
        out.push_str(&format!("# audit-trail-rows: {}\n", self.audit_rows));
        out.push_str(&format!("# audit-trail-head: {}\n", self.audit_head));
        out.push_str(&format!("# audit-trail-digest: {}\n", self.audit_digest));
        for name in FILES {
            if let Some(h) = self.files.get(name) {
                out.push_str(&format!("{h}  {name}\n"));
            }
        }
        out
    }

    /// Read a manifest; an error names the line that is not one.
    pub fn parse(text: &str) -> std::result::Result<Manifest, String> {
        let mut m = Manifest::default();
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            if line.trim().is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('#') {
                if let Some((key, value)) = rest.trim().split_once(": ") {
                    let value = value.to_string();
                    match key {
                        "made-by" => m.made_by = value,
                        "made-at" => m.made_at = value,
                        "audit" => m.audit_id = value,
                        "organisation" => m.organisation = value,
                        "trail-head" => m.trail_head = value,
                        "audit-trail-rows" => {
                            m.audit_rows = value.parse().map_err(|_| {
                                format!("line {n}: audit-trail-rows is not a number")
                            })?
                        }
                        "audit-trail-head" => m.audit_head = value,
                        "audit-trail-digest" => m.audit_digest = value,
                        _ => {}
                    }
                }
                continue;
            }
            let Some((hash, name)) = line.split_once("  ") else {
                return Err(format!("line {n} is not HASH  NAME"));
            };
            if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("line {n}: {hash:?} is not a SHA-256"));
            }
            m.files.insert(name.to_string(), hash.to_ascii_lowercase());
        }
        if m.audit_id.is_empty() || m.files.is_empty() {
            return Err("it names no audit or no file".into());
        }
        Ok(m)
    }
}

/// The folder proposed for a pack: `northwind-managed-services-ltd-stage-2-2026-11-16-pack`.
pub fn folder_name(audit: &Audit) -> String {
    let name = crate::report::file_name(audit, "x");
    format!("{}-pack", name.trim_end_matches("-report.x"))
}

/// SHA-256 of a file, in hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn io(what: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Io(format!("cannot write {what} of the pack: {e}"))
}

/// A file of the pack, created 0600, written by `write`, synced.
fn write_file<T>(
    dir: &Path,
    name: &str,
    write: impl FnOnce(BufWriter<fs::File>) -> store::Result<(T, BufWriter<fs::File>)>,
) -> store::Result<T> {
    let path = dir.join(name);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(&path).map_err(io(name))?;
    let (value, w) = write(BufWriter::new(file))?;
    let file = w.into_inner().map_err(|e| io(name)(e.into_error()))?;
    file.sync_all().map_err(io(name))?;
    Ok(value)
}

/// What [`make`] wrote.
#[derive(Debug, Clone)]
pub struct Made {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub findings: usize,
}

/// Read-only stores on the same file, one per thread.
fn reader(path: &Path) -> store::Result<Store> {
    Store::open_with(
        path,
        &OpenOptions {
            create: false,
            read_only: true,
            keep_backups: 0,
            purpose: "a hand-over pack".into(),
            key: store::known_key(path),
            ..OpenOptions::default()
        },
    )
}

/// Write the pack of `audit` into `dir`, a folder that must not exist yet
/// (or be empty). `with_notes`: interview notes in the reports and the
/// OSCAL document (the SQLite copy always holds them).
pub fn make(store: &Store, audit: &Audit, dir: &Path, with_notes: bool) -> store::Result<Made> {
    if dir.is_file() {
        return Err(Error::Invalid(format!(
            "{} is a file; give a new folder for the pack",
            dir.display()
        )));
    }
    if dir.is_dir()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::Invalid(format!(
            "{} is not empty; give a new folder for the pack (nothing is overwritten)",
            dir.display()
        )));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(Error::Io(format!(
            "cannot write the pack: the folder {} does not exist; create it or choose another",
            parent.display()
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".auditbench-pack-")
        .tempdir_in(&parent)
        .map_err(io("the folder"))?;
    let work = tmp.path().to_path_buf();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&work, fs::Permissions::from_mode(0o700)).map_err(io("the folder"))?;
    }
    let offset = *chrono::Local::now().offset();
    let path = store.path().to_path_buf();

    // the exports, two at a time (each thread reads with its own connection)
    let (reports, tables) = std::thread::scope(|s| {
        let reports = s.spawn(|| -> store::Result<()> {
            let store = reader(&path)?;
            let data = crate::report::gather(&store, audit, with_notes, offset)?;
            for (name, format) in [
                ("report.html", crate::report::Format::Html),
                ("report.docx", crate::report::Format::Docx),
            ] {
                write_file(&work, name, |w| {
                    Ok(((), crate::report::render(&data, format, None, w)?))
                })?;
            }
            Ok(())
        });
        let tables = s.spawn(|| -> store::Result<usize> {
            let store = reader(&path)?;
            let rows = write_file(&work, "findings.csv", |w| {
                crate::export::csv::write_findings(
                    &store,
                    audit,
                    crate::export::csv::CsvOptions {
                        excel: false,
                        delimiter: b',',
                    },
                    w,
                )
            })?;
            write_file(&work, "workbook.xlsx", |w| {
                crate::export::xlsx::write_workbook(&store, audit, w)
            })?;
            write_file(&work, "assessment-results.json", |w| {
                crate::export::oscal::write_assessment_results(&store, audit, with_notes, w)
            })?;
            Ok(rows)
        });
        let failed = || Error::Io("a thread writing the pack failed unexpectedly".into());
        (
            reports.join().unwrap_or_else(|_| Err(failed())),
            tables.join().unwrap_or_else(|_| Err(failed())),
        )
    });
    reports?;
    let findings = tables?;

    let trail_head = store.trail_head()?;
    let db = work.join("audit.sqlite");
    let AuditTrail { rows, head, digest } = store.copy_audit_to(&audit.id, &db)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&db, fs::Permissions::from_mode(0o600)).map_err(io("audit.sqlite"))?;
    }

    let mut manifest = Manifest {
        made_by: format!("auditbench {}", env!("CARGO_PKG_VERSION")),
        made_at: store.now(),
        audit_id: audit.id.clone(),
        organisation: audit.organisation.clone(),
        trail_head,
        audit_rows: rows,
        audit_head: head,
        audit_digest: digest,
        files: BTreeMap::new(),
    };
    for name in FILES {
        let hash = sha256_file(&work.join(name)).map_err(io(name))?;
        manifest.files.insert(name.to_string(), hash);
    }
    let text = manifest.to_text();
    write_file(&work, MANIFEST, |mut w| {
        w.write_all(text.as_bytes()).map_err(io(MANIFEST))?;
        Ok(((), w))
    })?;

    // into place, whole
    if dir.is_dir() {
        fs::remove_dir(dir).map_err(io("the folder"))?;
    }
    let work = tmp.keep();
    if let Err(e) = fs::rename(&work, dir) {
        let _ = fs::remove_dir_all(&work);
        return Err(io("the folder")(e));
    }
    if let Ok(d) = fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    Ok(Made {
        dir: dir.to_path_buf(),
        manifest,
        findings,
    })
}

/// One thing that differs in a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file concerned (or "MANIFEST").
    pub file: String,
    pub why: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone)]
pub struct Verified {
    pub manifest: Manifest,
    pub problems: Vec<Problem>,
}

/// Check the pack in `dir` against its manifest. An error is a pack that
/// cannot be checked at all (no readable manifest); everything else that
/// differs is a [`Problem`].
pub fn verify(dir: &Path) -> store::Result<Verified> {
    let text = fs::read_to_string(dir.join(MANIFEST)).map_err(|e| {
        Error::Invalid(format!(
            "cannot read {}: {e}; give the folder that `auditbench pack` wrote",
            dir.join(MANIFEST).display()
        ))
    })?;
    let manifest = Manifest::parse(&text).map_err(|e| {
        Error::Invalid(format!(
            "{} is not a pack manifest: {e}",
            dir.join(MANIFEST).display()
        ))
    })?;
    let mut problems: Vec<Problem> = Vec::new();
    fn problem_in(problems: &mut Vec<Problem>, file: &str, why: String) {
        problems.push(Problem {
            file: file.to_string(),
            why,
        })
    }
    for (name, want) in &manifest.files {
        if name.contains(['/', '\\']) || name == ".." || name == "." {
            problem_in(&mut problems, name, "is not a plain file name".into());
            continue;
        }
        match sha256_file(&dir.join(name)) {
            Ok(h) if h == *want => {}
            Ok(_) => problem_in(
                &mut problems,
                name,
                "differs from the manifest (its SHA-256 does not match)".into(),
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problem_in(&mut problems, name, "is missing".into())
            }
            Err(e) => problem_in(&mut problems, name, format!("cannot be read: {e}")),
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != MANIFEST && !manifest.files.contains_key(n))
            .collect();
        extra.sort();
        for n in extra {
            problem_in(
                &mut problems,
                &n,
                "is not in the manifest (added after packing)".into(),
            );
        }
    }
    for name in FILES {
        if !manifest.files.contains_key(name) {
            problem_in(&mut problems, name, "is not listed in the manifest".into());
        }
    }
    // the database: only when it is the file that was packed
    let db_ok = !problems.iter().any(|p| p.file == "audit.sqlite");
    if db_ok && manifest.files.contains_key("audit.sqlite") {
        for why in check_database(&dir.join("audit.sqlite"), &manifest)? {
            problem_in(&mut problems, "audit.sqlite", why);
        }
    }
    Ok(Verified { manifest, problems })
}

/// The SQLite copy against the manifest's pins, on a private copy (opening
/// the pack's own file would leave a lock file beside it).
fn check_database(path: &Path, m: &Manifest) -> store::Result<Vec<String>> {
    let tmp =
        tempfile::tempdir().map_err(|e| Error::Io(format!("cannot check audit.sqlite: {e}")))?;
    let copy = tmp.path().join("audit.sqlite");
    fs::copy(path, &copy).map_err(|e| Error::Io(format!("cannot check audit.sqlite: {e}")))?;
    let mut out = Vec::new();
    let conn = match rusqlite::Connection::open_with_flags(
        &copy,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(c) => c,
        Err(e) => return Ok(vec![format!("does not open as an SQLite file: {e}")]),
    };
    let pages: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    if pages != "ok" {
        return Ok(vec![format!("is damaged (integrity_check: {pages})")]);
    }
    let audits: Vec<String> = conn
        .prepare("SELECT id FROM audits")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .unwrap_or_default();
    if audits != [m.audit_id.clone()] {
        out.push(format!(
            "holds {} audit(s), not only the audit {} the manifest names",
            audits.len(),
            m.audit_id
        ));
    }
    let (trail, broken) = store::check_trail(&conn)?;
    if let Some((seq, why)) = broken {
        out.push(format!("its audit trail row {seq} is wrong: {why}"));
    }
    if trail.rows != m.audit_rows {
        out.push(format!(
            "its audit trail has {} rows, the manifest {}",
            trail.rows, m.audit_rows
        ));
    } else if trail.head != m.audit_head || trail.digest != m.audit_digest {
        out.push("its audit trail is not the one the manifest pins (a row was replaced)".into());
    }
    drop(conn);
    if out.is_empty() {
        // the records against the trail, as `auditbench verify` does
        let store = reader(&copy)?;
        if let Some(why) = store.verify_schema()? {
            out.push(format!("its schema was changed: {why}"));
        } else if let Some(why) = store.verify_data()? {
            out.push(format!("its records do not match its trail: {why}"));
        }
    }
    Ok(out)
}

/// The files of the pack folder `dir`, zipped in memory (for sealing).
pub fn zip_folder(dir: &Path) -> store::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let failed = |e: &dyn std::fmt::Display| Error::Io(format!("cannot zip the pack: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack".into());
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(|e| failed(&e))?
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        zip.start_file(format!("{folder}/{name}"), opts)
            .map_err(|e| failed(&e))?;
        let bytes = fs::read(dir.join(&name)).map_err(|e| failed(&e))?;
        zip.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

/// Unzip a sealed pack's contents into `into` (a private folder); returns
/// the pack folder.
pub fn unzip_folder(zipped: &[u8], into: &Path) -> anyhow::Result<PathBuf> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped))
        .map_err(|e| anyhow::anyhow!("the sealed pack holds no pack: {e}"))?;
    let mut folder = None;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let Some(name) = entry.enclosed_name() else {
            anyhow::bail!("the sealed pack holds a file with an unsafe name");
        };
        let (Some(dir), Some(file)) = (name.parent(), name.file_name()) else {
            anyhow::bail!("the sealed pack holds a file outside its folder");
        };
        if dir.components().count() != 1 {
            anyhow::bail!("the sealed pack holds a nested folder");
        }
        let target = into.join(dir);
        store::create_data_dir(&target)?;
        let mut out = fs::File::create(target.join(file))?;
        std::io::copy(&mut entry, &mut out)?;
        folder = Some(target);
    }
    folder.ok_or_else(|| anyhow::anyhow!("the sealed pack is empty"))
}

/// Overwrite every file under `dir` with zeros and remove it all (the
/// clear-text files a sealed pack was made from, or opened into).
pub fn wipe_folder(dir: &Path) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            wipe_folder(&p);
        } else {
            let _ = store::wipe_file(&p);
        }
    }
    let _ = fs::remove_dir_all(dir);
}
