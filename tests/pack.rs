//! The hand-over pack (`auditbench pack`, `auditbench verify-pack`): what
//! it holds, read back by independent readers (`sha256sum -c`, rusqlite,
//! `csv`, `serde_json`, `zip`); that the SQLite copy holds one audit and
//! nothing of another client's, even when their trail rows interleave; and
//! that every kind of change after packing is named, with exit status 1.

mod common;

use std::path::Path;

use auditbench::domain::*;
use auditbench::store::Store;
use common::*;
use sha2::{Digest, Sha256};

fn sha(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn finding(s: &mut Store, audit: &str, statement: &str) {
    s.add_finding(
        audit,
        &NewFinding {
            clause_id: "8.6.1".into(),
            stage: Stage::TWO,
            grade: Grade::Minor,
            title: "Incident records".into(),
            requirement: String::new(),
            statement: statement.into(),
            evidence: String::new(),
            raised_by: "Jordan Lee".into(),
            due_date: String::new(),
        },
    )
    .unwrap();
}

/// The demo audit, another client's audit, then more on the demo: the
/// demo's trail rows are not contiguous. Returns (demo id, pack folder).
fn packed(env: &Env) -> (String, std::path::PathBuf) {
    let id = env.demo().trim().to_string();
    let other = env.ok(&["new", "--org", "Other Client plc", "--type", "stage2"]);
    {
        let mut s = Store::open(&env.db).unwrap();
        finding(&mut s, other.trim(), "SECRET-OTHER-CLIENT weakness");
        finding(&mut s, &id, "Late addition to the demo audit");
    }
    let dir = env.path("pack");
    let out = env.ok(&["pack", "--audit", &id, "--out", dir.to_str().unwrap()]);
    assert!(out.contains("Wrote the hand-over pack"), "{out}");
    (id, dir)
}

/// verify-pack: (exit code, stdout, stderr).
fn verify(env: &Env, dir: &Path) -> (i32, String, String) {
    let out = env
        .cmd()
        .args(["verify-pack", dir.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Point the manifest's line for `name` at the file as it is now.
fn rehash(dir: &Path, name: &str) {
    let manifest = dir.join("MANIFEST");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let new_hash = sha(&dir.join(name));
    let text: String = text
        .lines()
        .map(|l| {
            if l.ends_with(&format!("  {name}")) {
                format!("{new_hash}  {name}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(manifest, text).unwrap();
}

#[test]
fn a_pack_holds_every_file_and_only_its_audit() {
    let env = Env::new();
    let (id, dir) = packed(&env);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "MANIFEST",
            "assessment-results.json",
            "audit.sqlite",
            "findings.csv",
            "report.docx",
            "report.html",
            "workbook.xlsx"
        ]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        for n in &names {
            assert_eq!(mode(&dir.join(n)), 0o600, "{n}");
        }
    }
    // the manifest checks with coreutils, without auditbench
    let sums = std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "MANIFEST"])
        .current_dir(&dir)
        .output();
    if let Ok(sums) = sums {
        assert!(sums.status.success(), "{sums:?}");
        assert_eq!(
            String::from_utf8(sums.stdout)
                .unwrap()
                .matches(": OK")
                .count(),
            6
        );
    }

    // the SQLite copy: this audit only, no byte of the other client's
    let db = dir.join("audit.sqlite");
    let bytes = std::fs::read(&db).unwrap();
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!has("SECRET-OTHER-CLIENT") && !has("Other Client plc"));
    assert!(has("Late addition to the demo audit"));
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT count(*) FROM audits"), 1);
    assert_eq!(one("SELECT count(*) FROM findings"), 13);
    assert_eq!(
        one("SELECT count(*) FROM history WHERE audit_id NOT IN (SELECT id FROM audits UNION SELECT client_id FROM audits)"),
        0
    );
    assert_eq!(one("SELECT count(*) FROM drafts"), 0);
    assert_eq!(one("SELECT count(*) FROM clients"), 1, "only its client");
    drop(conn);

    // the exports, read back
    let mut csv = csv::Reader::from_path(dir.join("findings.csv")).unwrap();
    assert_eq!(csv.records().count(), 13);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("assessment-results.json")).unwrap())
            .unwrap();
    assert_eq!(
        json["assessment-results"]["results"][0]["findings"]
            .as_array()
            .unwrap()
            .len(),
        13
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Late addition to the demo audit") && !html.contains("SECRET-OTHER"));
    let docx = zip::ZipArchive::new(std::fs::File::open(dir.join("report.docx")).unwrap()).unwrap();
    assert!(docx.file_names().any(|n| n == "word/document.xml"));

    // verify-pack says it is intact
    let (code, out, _) = verify(&env, &dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("The pack is intact"), "{out}");
    assert!(out.contains(&id));

    // and auditbench verify on a copy of the copy knows what it is
    let copy = env.path("copy.sqlite");
    std::fs::copy(&db, &copy).unwrap();
    let out = assert_cmd::Command::cargo_bin("auditbench")
        .unwrap()
        .args(["--db", copy.to_str().unwrap(), "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("hand-over pack copy"));
}

#[test]
fn every_change_after_packing_is_named_with_exit_1() {
    let env = Env::new();
    let (_, dir) = packed(&env);
    let pristine = env.path("pristine");
    copy_dir(&dir, &pristine);
    let fresh = |name: &str| {
        let d = env.path(name);
        copy_dir(&pristine, &d);
        d
    };

    // a report edited
    let d = fresh("edited");
    let mut html = std::fs::read_to_string(d.join("report.html")).unwrap();
    html = html.replacen("Major NC", "Minor NC", 1);
    std::fs::write(d.join("report.html"), html).unwrap();
    let (code, out, err) = verify(&env, &d);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        "report.html: differs from the manifest (its SHA-256 does not match)"
    );
    assert!(err.contains("report.html"), "{err}");

    // a file removed, a file added
    let d = fresh("missing");
    std::fs::remove_file(d.join("workbook.xlsx")).unwrap();
    std::fs::write(d.join("extra.txt"), "x").unwrap();
    let (code, out, _) = verify(&env, &d);
    assert_eq!(code, 1);
    assert!(out.contains("workbook.xlsx: is missing"), "{out}");
    assert!(out.contains("extra.txt: is not in the manifest"), "{out}");

    // a record changed inside the copy, its hash put in the manifest
    let d = fresh("record");
    {
        let c = rusqlite::Connection::open(d.join("audit.sqlite")).unwrap();
        // as someone who knows SQLite would: triggers out of the way, then back
        without_triggers(
            &c,
            "UPDATE findings SET grade = 'observation' WHERE reference = 'NC-001'",
        );
    }
    rehash(&d, "audit.sqlite");
    let (code, out, _) = verify(&env, &d);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("audit.sqlite: its records do not match its trail"),
        "{out}"
    );

    // a trail row rewritten, the manifest's file hash fixed
    let d = fresh("trail");
    {
        let c = rusqlite::Connection::open(d.join("audit.sqlite")).unwrap();
        without_triggers(
            &c,
            "UPDATE history SET new = 'someone else' WHERE seq = (SELECT min(seq) FROM history)",
        );
    }
    rehash(&d, "audit.sqlite");
    let (code, out, _) = verify(&env, &d);
    assert_eq!(code, 1);
    assert!(out.contains("its audit trail row 1 is wrong"), "{out}");

    // a whole trail row removed, with the record it created
    let d = fresh("row");
    {
        let c = rusqlite::Connection::open(d.join("audit.sqlite")).unwrap();
        without_triggers(
            &c,
            "DELETE FROM history WHERE seq = (SELECT max(seq) FROM history)",
        );
    }
    rehash(&d, "audit.sqlite");
    let (code, out, _) = verify(&env, &d);
    assert_eq!(code, 1);
    assert!(out.contains("rows, the manifest"), "{out}");

    // not a pack at all: exit 2, one line
    std::fs::remove_file(pristine.join("MANIFEST")).unwrap();
    fails(
        &env,
        &["verify-pack", pristine.to_str().unwrap()],
        "cannot read",
    );
}

#[test]
fn a_pack_never_overwrites_and_leaves_nothing_when_refused() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let dir = env.path("taken");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "mine").unwrap();
    fails(
        &env,
        &["pack", "--audit", &id, "--out", dir.to_str().unwrap()],
        "is not empty",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "mine"
    );
    let leftovers = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".auditbench-pack-")
        })
        .count();
    assert_eq!(leftovers, 0, "no half-written pack");
    // an empty folder is used
    std::fs::remove_file(dir.join("keep.txt")).unwrap();
    env.ok(&["pack", "--audit", &id, "--out", dir.to_str().unwrap()]);
    assert!(dir.join("MANIFEST").is_file());
    // a file of one audit is copied without the clean-up: still intact
    let (code, out, _) = verify(&env, &dir);
    assert_eq!(code, 0, "{out}");
}

/// Run `sql` with every trigger dropped, then put the triggers back.
fn without_triggers(c: &rusqlite::Connection, sql: &str) {
    let triggers: Vec<(String, String)> = c
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, _) in &triggers {
        c.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    c.execute_batch(sql).unwrap();
    for (_, sql) in &triggers {
        c.execute_batch(sql).unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}
