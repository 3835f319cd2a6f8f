//! Issue 9: what an adversarial trial broke, one test per attack. Each runs
//! the real binary on real files (full disk by RLIMIT_FSIZE, foreign side
//! files, hard links, FIFOs, damaged pages) and fails on the code before the
//! fix. The terminal attacks (paste, escapes, signals) are in `tui_attacks.rs`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::*;

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut n = db.file_name().unwrap().to_os_string();
    n.push(suffix);
    db.with_file_name(n)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The real binary, with no --db yet.
fn raw() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("auditbench").unwrap();
    c.env_remove("AUDITBENCH_DB");
    c
}

fn run(env: &Env, db: &Path, args: &[&str]) -> Output {
    let _ = env;
    raw()
        .arg("--db")
        .arg(db)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap()
}

fn add(env: &Env, db: &Path, audit: &str, title: &str) -> Output {
    add_keeping(env, db, 5, audit, title)
}

/// `finding add` with `--keep-backups keep`.
fn add_keeping(env: &Env, db: &Path, keep: usize, audit: &str, title: &str) -> Output {
    let keep = keep.to_string();
    run(
        env,
        db,
        &[
            "--keep-backups",
            &keep,
            "finding",
            "add",
            "--audit",
            audit,
            "--clause",
            "8.1",
            "--grade",
            "minor",
            "--title",
            title,
        ],
    )
}

/// A writer that stops without a checkpoint, as a killed process does: a
/// raw connection fills the WAL (drafts have no trail triggers) and the
/// file and its WAL are copied while it is still open.
fn crashed_copy(env: &Env, from: &Path, to: &Path, rows: usize) {
    let conn = rusqlite::Connection::open(from).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    for i in 0..rows {
        conn.execute(
            "INSERT INTO drafts (target, audit_id, label, text, updated_at) VALUES (?1, '', 'x', ?2, 'now')",
            rusqlite::params![format!("crash-{i}"), "z".repeat(3000)],
        )
        .unwrap();
    }
    fs::copy(from, to).unwrap();
    fs::copy(sidecar(from, "-wal"), sidecar(to, "-wal")).unwrap();
    drop(conn);
    let _ = env;
}

fn drafts_in(db: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
        .unwrap()
}

// ------------------------------------------------------------------ item 1

/// A checkpoint cut short (kill, power cut, full disk) can leave page 1,
/// with the new page count, on disk before the pages it counts; the WAL
/// still holds them all. Such a file is healthy and must open.
#[test]
fn a_file_shorter_than_its_header_opens_from_its_wal() {
    let env = Env::new();
    env.demo();
    let db = env.path("cut.sqlite");
    crashed_copy(&env, &env.db, &db, 400);
    // Replay only page 1 from the WAL, as the interrupted checkpoint did.
    let wal = fs::read(sidecar(&db, "-wal")).unwrap();
    let page = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
    let mut last_page1 = None;
    let mut at = 32;
    while at + 24 + page <= wal.len() {
        if u32::from_be_bytes(wal[at..at + 4].try_into().unwrap()) == 1 {
            last_page1 = Some(at + 24);
        }
        at += 24 + page;
    }
    let p1 = &wal[last_page1.expect("page 1 is in the WAL")..][..page];
    let mut file = fs::read(&db).unwrap();
    file[..page].copy_from_slice(p1);
    fs::write(&db, &file).unwrap();
    let says = u32::from_be_bytes(file[28..32].try_into().unwrap()) as usize * page;
    assert!(
        says > file.len(),
        "the file is shorter than its header says"
    );

    let out = run(&env, &db, &["list"]);
    assert!(out.status.success(), "refused: {}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Northwind"));
    let out = run(&env, &db, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(drafts_in(&db), 400, "every acknowledged row is there");
}

// ------------------------------------------------------------------ item 3

#[test]
fn a_wal_of_another_file_is_refused_and_nothing_changes() {
    let env = Env::new();
    env.demo();
    let other = env.path("other.sqlite");
    raw().arg("--db").arg(&other).arg("demo").unwrap();
    // `other` stopped mid-work; its WAL is left beside our cleanly closed file.
    let scratch = env.path("scratch.sqlite");
    crashed_copy(&env, &other, &scratch, 50);
    fs::copy(sidecar(&scratch, "-wal"), sidecar(&env.db, "-wal")).unwrap();
    let before = (bytes(&env.db), bytes(&sidecar(&env.db, "-wal")));
    for args in [
        &["list"][..],
        &["verify"],
        &["finding", "list", "--audit", "x"],
    ] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} accepted a foreign WAL"
        );
        let err = stderr(&out);
        assert!(err.contains("-wal") && err.contains("aside"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!((bytes(&env.db), bytes(&sidecar(&env.db, "-wal"))), before);
}

#[test]
fn a_journal_beside_a_wal_mode_file_is_refused_before_it_is_replayed() {
    let env = Env::new();
    env.demo();
    let journal = sidecar(&env.db, "-journal");
    fs::write(&journal, vec![0xd9u8; 4096]).unwrap();
    let before = bytes(&env.db);
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a foreign journal was accepted");
    assert!(stderr(&out).contains("-journal"), "{}", stderr(&out));
    assert_eq!(bytes(&env.db), before);
}

/// After a crash the WAL is this file's own: writing commands replay it,
/// reading commands read it and change neither the file nor the WAL.
#[test]
fn reading_commands_change_no_byte_of_a_crashed_file_or_its_wal() {
    let env = Env::new();
    let audit = env.demo();
    let db = env.path("crashed.sqlite");
    crashed_copy(&env, &env.db, &db, 20);
    let wal = sidecar(&db, "-wal");
    let before = (bytes(&db), bytes(&wal));
    for args in [&["list"][..], &["verify"], &["history", "--audit", "x"]] {
        let _ = run(&env, &db, args);
        assert_eq!((bytes(&db), bytes(&wal)), before, "{args:?} wrote");
    }
    assert!(
        !sidecar(&db, ".lock").exists(),
        "a reader took the writer's note"
    );
    // A writing command replays it: nothing acknowledged is lost.
    let out = add(&env, &db, &audit, "after");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(drafts_in(&db), 20);
}

/// The workbench and every command keep opening files after hundreds of
/// WAL restarts: a note that fell one generation behind (a kill between a
/// commit and the note) is accepted, so no healthy file is locked away.
#[test]
fn a_wal_one_generation_ahead_of_the_note_is_this_files_own() {
    let env = Env::new();
    let audit = env.demo();
    // The note as a writer killed right after a restart leaves it: one
    // generation behind.
    let note = sidecar(&env.db, ".lock");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute(
        "INSERT INTO drafts (target, audit_id, label, text, updated_at) VALUES ('t', '', 'x', 'y', 'now')",
        [],
    )
    .unwrap();
    let wal = fs::read(sidecar(&env.db, "-wal")).unwrap();
    let s1 = u32::from_be_bytes(wal[16..20].try_into().unwrap());
    fs::write(
        &note,
        format!("pid 1\nwal {:08x} 0badf00d\n", s1.wrapping_sub(1)),
    )
    .unwrap();
    let db2 = env.path("copy.sqlite");
    fs::copy(&env.db, &db2).unwrap();
    fs::copy(sidecar(&env.db, "-wal"), sidecar(&db2, "-wal")).unwrap();
    fs::copy(&note, sidecar(&db2, ".lock")).unwrap();
    drop(conn);
    let out = add(&env, &db2, &audit, "after the kill");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(drafts_in(&db2), 1);
}

// ------------------------------------------------------------------ item 4

#[test]
fn a_hard_link_or_a_symlink_finds_the_file_locked() {
    let env = Env::new();
    let audit = env.demo();
    let hard = env.path("hard.sqlite");
    fs::hard_link(&env.db, &hard).unwrap();
    let soft = env.path("soft.sqlite");
    std::os::unix::fs::symlink(&env.db, &soft).unwrap();
    let holder = auditbench::store::Store::open_existing(&env.db).unwrap();
    for other in [&hard, &soft] {
        let out = add(&env, other, &audit, "second writer");
        assert_eq!(out.status.code(), Some(2), "{} got in", other.display());
        assert!(
            stderr(&out).contains("open in another auditbench"),
            "{}",
            stderr(&out)
        );
    }
    drop(holder);
    let out = add(&env, &hard, &audit, "after the holder closed");
    assert!(out.status.success(), "{}", stderr(&out));
}

// ------------------------------------------------------------------ item 5

#[test]
fn backups_of_a_file_with_a_longer_name_are_not_pruned() {
    let env = Env::new();
    let a = env.path("client.sqlite");
    let b = env.path("client-2025.sqlite");
    let ia = raw().arg("--db").arg(&a).arg("demo").output().unwrap();
    let ib = raw().arg("--db").arg(&b).arg("demo").output().unwrap();
    let (ia, ib) = (
        String::from_utf8(ia.stdout).unwrap().trim().to_string(),
        String::from_utf8(ib.stdout).unwrap().trim().to_string(),
    );
    for i in 0..3 {
        assert!(add(&env, &b, &ib, &format!("b{i}")).status.success());
    }
    let theirs = || {
        fs::read_dir(env.path("backups"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("client-2025-"))
            .count()
    };
    let kept = theirs();
    assert!(kept >= 2, "{kept}");
    for i in 0..4 {
        let out = add_keeping(&env, &a, 1, &ia, &format!("a{i}"));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(
        theirs(),
        kept,
        "client.sqlite pruned client-2025.sqlite's backups"
    );
}

// -------------------------------------------------------------- items 6, 7

#[test]
fn restore_works_over_a_damaged_file_and_keeps_it_aside() {
    let env = Env::new();
    env.demo();
    let copy = env.path("good.sqlite");
    env.ok(&["backup", "--to", copy.to_str().unwrap()]);
    let pages = fs::metadata(&env.db).unwrap().len() / 4096;
    damage_page(&env.db, 1);
    let broken = bytes(&env.db);
    assert!(pages > 3);
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "the damage is visible");

    let out = env
        .cmd()
        .args(["restore", copy.to_str().unwrap(), "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "restore refused: {}", stderr(&out));
    assert!(env.ok(&["list"]).contains("Northwind"));
    env.ok(&["verify"]);
    let aside: Vec<PathBuf> = fs::read_dir(env.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".damaged-"))
        .filter(|p| {
            !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        bytes(&aside[0]),
        broken,
        "the damaged file is kept as it was"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(".damaged-"));
}

#[test]
fn a_restore_is_recorded_and_cannot_undo_reported() {
    let env = Env::new();
    let id = env.demo();
    let before = env.path("before-report.sqlite");
    env.ok(&["backup", "--to", before.to_str().unwrap()]);
    env.ok(&["audit", "report", "--audit", &id]);
    let out = env
        .cmd()
        .args([
            "--auditor",
            "Rita Restorer",
            "restore",
            before.to_str().unwrap(),
            "--yes",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Still reported: only a reopen with a reason brings it back.
    let out = add(&env, &env.db, &id, "sneaked in");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a restore reopened a reported audit"
    );
    assert!(stderr(&out).contains("reported"), "{}", stderr(&out));
    // The restore is in the trail: what, from which backup, by whom.
    let conn =
        rusqlite::Connection::open_with_flags(&env.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let (actor, new): (String, String) = conn
        .query_row(
            "SELECT actor, new FROM history WHERE field = 'restored' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the restore is recorded");
    assert_eq!(actor, "Rita Restorer");
    assert!(new.contains("before-report.sqlite"), "{new}");
    env.ok(&["verify"]);
    // The safety copy outlives any number of rolling backups.
    let safety: Vec<PathBuf> = fs::read_dir(env.path("backups"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(safety.len(), 1, "{safety:?}");
    env.ok(&["audit", "reopen", "--audit", &id, "--reason", "more work"]);
    for i in 0..4 {
        let out = add_keeping(&env, &env.db, 1, &id, &format!("t{i}"));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(
        safety[0].exists(),
        "the rolling backups pruned the restore's safety copy"
    );
}

// ------------------------------------------------------------------ item 8

/// `finding add` with the file-size limit below the file's size: the edit
/// itself fits (the WAL is small), the backup cannot.
fn add_with_fsize_limit(env: &Env, audit: &str, title: &str, kib: u64) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("auditbench");
    Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {kib}; exec \"$0\" --db \"$1\" finding add --audit \"$2\" --clause 8.1 --grade minor --title \"$3\""
        ))
        .arg(bin)
        .arg(&env.db)
        .arg(audit)
        .arg(title)
        .env_remove("AUDITBENCH_DB")
        .output()
        .unwrap()
}

#[test]
fn a_failed_backup_is_said_and_a_killed_one_is_cleaned_up() {
    let env = Env::new();
    let audit = env.demo();
    assert!(add(&env, &env.db, &audit, "changes the file")
        .status
        .success());
    let size = fs::metadata(&env.db).unwrap().len();
    let out = add_with_fsize_limit(&env, &audit, "with the disk nearly full", size / 1024 / 2);
    assert!(
        out.status.success(),
        "the edit itself fits: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("backup"),
        "silent: {err:?}"
    );
    assert!(env
        .ok(&["finding", "list", "--audit", &audit])
        .contains("with the disk nearly full"));

    // What killed backups leave behind goes at the next open, ours only.
    let dir = env.path("backups");
    let ours = dir.join("audits-20260101T000000.000Z.sqlite.part");
    let theirs = dir.join("audits-2025-20260101T000000.000Z.sqlite.part");
    fs::write(&ours, b"half").unwrap();
    fs::write(&theirs, b"half").unwrap();
    assert!(add(&env, &env.db, &audit, "next open").status.success());
    assert!(!ours.exists(), "a stale .part is left");
    assert!(theirs.exists(), "another file's .part was removed");
}

// ----------------------------------------------------------------- item 13

#[test]
fn exports_refuse_fifos_and_devices_and_dash_is_standard_output() {
    let env = Env::new();
    let audit = env.demo();
    let fifo = env.path("pipe.csv");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = env
        .cmd()
        .args(["export", "--audit", &audit, "--out", fifo.to_str().unwrap()])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );

    let plain = env.ok(&["export", "--audit", &audit]);
    let dash = env.ok(&["export", "--audit", &audit, "--out", "-"]);
    assert_eq!(dash, plain);
    assert!(!env.path("-").exists());
}

#[test]
fn a_fifo_as_the_audit_file_is_refused_at_once() {
    let env = Env::new();
    let fifo = env.path("fifo.sqlite");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for args in [&["list"][..], &["demo"]] {
        let out = raw()
            .arg("--db")
            .arg(&fifo)
            .args(args)
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} hung or accepted a FIFO"
        );
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn nothing_is_created_beside_a_refused_file() {
    let env = Env::new();
    let junk = env.path("junk.sqlite");
    fs::write(&junk, b"not a database at all, but long enough to have a header....................................................").unwrap();
    let other = env.path("other-app.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.pragma_update(None, "application_id", 0x1234_5678)
            .unwrap();
    }
    let other_bytes = bytes(&other);
    for (f, args) in [
        (&junk, &["list"][..]),
        (&junk, &["demo"]),
        (&other, &["demo"]),
        (&other, &["list"]),
    ] {
        let out = raw().arg("--db").arg(f).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{} {args:?} accepted",
            f.display()
        );
        for side in [".lock", "-wal", "-shm", "-journal"] {
            assert!(
                !sidecar(f, side).exists(),
                "{side} created beside {}",
                f.display()
            );
        }
        assert!(!env.path("backups").exists());
    }
    assert_eq!(
        bytes(&other),
        other_bytes,
        "another application's file was converted"
    );
}

#[test]
fn error_messages_name_files_and_values_not_audit_content() {
    let env = Env::new();
    let id = env.demo();
    let out = env
        .cmd()
        .args(["audit", "reopen", "--audit", &id, "--reason", "why not"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!err.contains("Northwind"), "{err}");
    assert!(err.contains(&id), "{err}");
}

// ----------------------------------------------------------------- item 14

#[test]
fn bit_rot_with_the_time_kept_is_caught_and_never_backed_up() {
    let env = Env::new();
    let audit = env.demo();
    assert!(add(&env, &env.db, &audit, "a change since the last backup")
        .status
        .success());
    let count = || fs::read_dir(env.path("backups")).unwrap().count();
    let before = count();
    rot_unread_page(&env.db);
    let out = add(&env, &env.db, &audit, "on a rotten file");
    let err = stderr(&out);
    assert!(err.contains("damaged"), "not said: {err:?}");
    assert!(err.contains("restore"), "{err}");
    assert_eq!(count(), before, "a backup was taken of the damaged file");
}

// ----------------------------------------------------------------- item 12

/// Run `sql` on the file with the named triggers out of the way, then put
/// them back exactly as they were: the chain alone cannot see this.
fn behind_the_triggers(db: &Path, triggers: &[&str], sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut saved = Vec::new();
    for t in triggers {
        let text: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE name = ?1", [t], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
        saved.push(text);
    }
    conn.execute_batch(sql).unwrap();
    for text in saved {
        conn.execute_batch(&text).unwrap();
    }
}

fn verify_fails(env: &Env, db: &Path, says: &[&str]) {
    let out = run(env, db, &["verify"]);
    assert_eq!(out.status.code(), Some(2), "verify said intact");
    let err = stderr(&out);
    for s in says {
        assert!(err.contains(s), "{s:?} not in {err}");
    }
    assert!(!err.contains("Northwind"), "{err}");
}

#[test]
fn verify_replays_the_trail_and_sees_edits_made_behind_the_triggers() {
    let env = Env::new();
    env.demo();
    env.ok(&["verify"]);
    let edited = env.path("edited.sqlite");
    fs::copy(&env.db, &edited).unwrap();
    behind_the_triggers(
        &edited,
        &["findings_history_update"],
        "UPDATE findings SET title = 'quietly softened' WHERE reference = 'NC-001'",
    );
    verify_fails(
        &env,
        &edited,
        &["finding NC-001", "title", "outside auditbench"],
    );

    let added = env.path("added.sqlite");
    fs::copy(&env.db, &added).unwrap();
    behind_the_triggers(
        &added,
        &["findings_history_insert", "audits_start_on_finding"],
        "INSERT INTO findings (id, audit_id, reference, ref_prefix, ref_seq, clause_id, clause_key, stage, grade, title, created_at, updated_at)
         SELECT 'ghost', audit_id, 'NC-999', ref_prefix, 999, clause_id, clause_key, stage, grade, 'ghost', created_at, updated_at FROM findings LIMIT 1",
    );
    verify_fails(&env, &added, &["finding ghost", "never recorded"]);

    let removed = env.path("removed.sqlite");
    fs::copy(&env.db, &removed).unwrap();
    behind_the_triggers(
        &removed,
        // (the citations' and responses' trail triggers, which the cascade
        // compiles, would name the deleter: out of the way too)
        &[
            "findings_history_delete",
            "finding_samples_history_delete",
            "responses_history_delete",
        ],
        "DELETE FROM findings WHERE reference = 'NC-001'",
    );
    verify_fails(&env, &removed, &["NC-001", "missing from the table"]);

    let dropped = env.path("dropped.sqlite");
    fs::copy(&env.db, &dropped).unwrap();
    rusqlite::Connection::open(&dropped)
        .unwrap()
        .execute_batch("DROP TRIGGER findings_reported_update")
        .unwrap();
    verify_fails(&env, &dropped, &["findings_reported_update", "missing"]);
}
