//! Issue 4's guarantees that need no terminal: two writers, read-only files,
//! missing folders, backups and restore, the audit trail and its hash chain,
//! reported audits. Each test runs the real store on a real file in a temp
//! dir, or the real binary.

mod common;

use std::path::Path;

use auditbench::domain::{AuditStatus, FindingStatus, Grade};
use auditbench::store::{
    self, backup, EditTarget, Error, FindingField, OpenOptions, Store, WhenLocked,
};
use common::{bytes, Env};

fn read_only_opts() -> OpenOptions {
    OpenOptions {
        when_locked: WhenLocked::ReadOnly,
        create: false,
        ..OpenOptions::default()
    }
}

/// Every row of every content table, as text, for comparing two files.
fn dump(path: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut out = Vec::new();
    for table in [
        "audits",
        "findings",
        "clause_reviews",
        "document_reviews",
        "interviews",
        "samples",
        "drafts",
        "history",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut cols = Vec::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cols.push(format!("{v:?}"));
                }
                Ok(format!("{table}: {}", cols.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

fn demo_store(env: &Env) -> (Store, String) {
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    (s, id)
}

// ---------------------------------------------------------------- two writers

#[test]
fn a_second_writer_is_refused_with_the_first_ones_pid_and_a_reader_gets_read_only() {
    let env = Env::new();
    let (first, id) = demo_store(&env);
    let pid = std::process::id().to_string();

    let Err(e) = Store::open(&env.db) else {
        panic!("second writer refused")
    };
    assert!(matches!(e, Error::Locked(_)), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains(&format!("process {pid}")), "{msg}");

    let mut reader = Store::open_with(&env.db, &read_only_opts()).unwrap();
    let why = reader.read_only().expect("read-only").to_string();
    assert!(why.contains(&pid), "{why}");
    assert_eq!(
        reader.audit(&id).unwrap().organisation,
        first.audit(&id).unwrap().organisation
    );
    let f = reader.findings(&id, &Default::default()).unwrap()[0].clone();
    let e = reader
        .set_finding_field(&f.id, FindingField::Title, "changed")
        .expect_err("writes refused");
    assert!(matches!(e, Error::ReadOnly(_)), "{e:?}");
    drop(reader);

    drop(first);
    if let Err(e) = Store::open(&env.db) {
        panic!("the lock goes with the first store, but: {e:?}");
    }
}

#[test]
fn a_lock_file_left_behind_does_not_block() {
    let env = Env::new();
    let (s, _) = demo_store(&env);
    drop(s);
    let text = std::fs::read_to_string(store::lock::lock_path(&env.db)).unwrap();
    assert!(
        text.contains(&format!("pid {}", std::process::id())) && text.contains("closed-cleanly"),
        "a clean close is recorded: {text}"
    );
    // What a killed process leaves: the file, with its text, but no lock.
    std::fs::write(
        store::lock::lock_path(&env.db),
        "pid 999999\nhost gone\nsince 2026-01-01T00:00:00Z\nrunning the workbench\n",
    )
    .unwrap();
    let s = Store::open(&env.db).expect("a stale lock file does not block");
    assert!(s.read_only().is_none());
}

#[test]
fn cli_writes_are_refused_while_another_auditbench_writes_and_reads_still_work() {
    let env = Env::new();
    let (holder, id) = demo_store(&env);
    let before = dump(&env.db);
    let out = env
        .cmd()
        .args([
            "finding", "add", "--audit", &id, "--clause", "8.1", "--grade", "minor", "--title", "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("process {}", std::process::id())) && err.lines().count() == 1,
        "{err}"
    );
    let listed = env.ok(&["finding", "list", "--audit", &id]);
    assert!(listed.contains("NC-001"), "{listed}");
    // The refused write and the read changed nothing: same contents as
    // before, row for row.
    assert_eq!(dump(&env.db), before);
    drop(holder);
    env.ok(&[
        "finding", "add", "--audit", &id, "--clause", "8.1", "--grade", "minor", "--title", "x",
    ]);
}

// ----------------------------------------------------------- read-only files

#[cfg(unix)]
fn make_read_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o400)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_opened_read_only_and_never_written() {
    let env = Env::new();
    let (s, id) = demo_store(&env);
    drop(s);
    make_read_only(&env.db);
    let before = bytes(&env.db);

    // Commands that write: one line, exit 2.
    let out = env
        .cmd()
        .args([
            "finding", "add", "--audit", &id, "--clause", "8.1", "--grade", "minor", "--title", "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("read-only") && err.contains("chmod"), "{err}");
    // Commands that read work.
    assert!(env.ok(&["list"]).contains("Northwind"));
    env.ok(&["verify"]);

    // The workbench opens it read-only, with a banner, and refuses edits.
    let store = Store::open_with(&env.db, &read_only_opts()).unwrap();
    assert!(store.read_only().unwrap().contains("read-only"));
    let mut app = auditbench::tui::app::App::new(store).unwrap();
    app.model.export_dir = env.dir.path().to_path_buf();
    app.dispatch(auditbench::tui::action::Action::Select);
    app.dispatch(auditbench::tui::action::Action::GoStage2);
    app.dispatch(auditbench::tui::action::Action::PickClauseStatus);
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.starts_with("Read-only"), "{st:?}");
    let backend = ratatui::backend::TestBackend::new(100, 30);
    let mut term = ratatui::Terminal::new(backend).unwrap();
    app.draw(&mut term).unwrap();
    let screen = format!("{:?}", term.backend().buffer());
    assert!(screen.contains("READ-ONLY"), "banner shown");
    drop(app);

    assert_eq!(bytes(&env.db), before, "not a byte written");
    assert!(!backup::backup_dir(&env.db).join("x").exists());
}

#[test]
fn a_path_in_a_missing_or_unusable_folder_is_refused_by_the_cli() {
    let env = Env::new();
    std::fs::write(env.path("plain"), b"not a folder").unwrap();
    for db in [
        env.path("missing/folder/a.sqlite"),
        env.path("plain/a.sqlite"),
    ] {
        let out = assert_cmd::Command::cargo_bin("auditbench")
            .unwrap()
            .env_remove("AUDITBENCH_DB")
            .arg("--db")
            .arg(&db)
            .args(["new", "--org", "Acme", "--type", "stage2"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{db:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("--db"), "{err}");
        assert!(!db.exists());
    }
    assert!(!env.path("missing").exists(), "no folders made up");
}

#[cfg(unix)]
#[test]
fn the_default_data_folder_is_created_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let data = env.path("xdg");
    let out = assert_cmd::Command::cargo_bin("auditbench")
        .unwrap()
        .env_remove("AUDITBENCH_DB")
        .env("XDG_DATA_HOME", &data)
        .env("HOME", env.dir.path())
        .args(["new", "--org", "Acme", "--type", "stage2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = data.join("auditbench");
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let file = dir.join("auditbench.sqlite");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

// ------------------------------------------------------------------ backups

#[test]
fn every_open_of_a_changed_file_takes_a_rolling_backup_and_keeps_five() {
    let env = Env::new();
    let (mut s, id) = demo_store(&env);
    assert!(
        s.opening_backup().unwrap().is_none(),
        "a new file has nothing to back up"
    );
    drop(s);
    let mut s = Store::open(&env.db).unwrap();
    let first = s
        .opening_backup()
        .unwrap()
        .expect("changed since: backed up");
    drop(s);
    let mut s = Store::open(&env.db).unwrap();
    assert!(
        s.opening_backup().unwrap().is_none(),
        "unchanged since the last backup"
    );
    drop(s);
    assert_eq!(
        dump(&first),
        dump(&env.db),
        "the backup holds the file's contents"
    );

    for i in 0..7 {
        let mut s = Store::open(&env.db).unwrap();
        let f = s.findings(&id, &Default::default()).unwrap()[0].clone();
        s.set_finding_field(&f.id, FindingField::Evidence, &format!("round {i}"))
            .unwrap();
    }
    assert_eq!(backup::list_backups(&env.db).len(), 5);

    let opts = OpenOptions {
        keep_backups: 0,
        ..OpenOptions::default()
    };
    let mut s = Store::open_with(&env.db, &opts).unwrap();
    assert!(s.opening_backup().unwrap().is_none());
    s.report_audit(&id).unwrap();
}

#[test]
fn the_opening_backup_is_the_state_before_this_sessions_first_write() {
    let env = Env::new();
    let (s, id) = demo_store(&env);
    drop(s);
    let mut s = Store::open(&env.db).unwrap();
    let f = s.finding_by_ref(&id, "NC-001").unwrap();
    // Written at once, while the backup may still be copying.
    s.set_finding_field(&f.id, FindingField::Evidence, "after the snapshot")
        .unwrap();
    let backup = s.opening_backup().unwrap().expect("backed up");
    drop(s);
    let opts = OpenOptions {
        keep_backups: 0,
        create: false,
        ..OpenOptions::default()
    };
    let old = Store::open_with(&backup, &opts)
        .unwrap()
        .finding(&f.id)
        .unwrap();
    assert_eq!(old.evidence, f.evidence);
    let new = Store::open_with(&env.db, &opts)
        .unwrap()
        .finding(&f.id)
        .unwrap();
    assert_eq!(new.evidence, "after the snapshot");
}

#[test]
fn backup_and_restore_through_the_cli_round_trip_exactly() {
    let env = Env::new();
    let id = env.demo();
    let copy = env.path("copy.sqlite");
    let printed = env.ok(&["backup", "--to", copy.to_str().unwrap()]);
    assert_eq!(printed, copy.display().to_string());
    assert_eq!(dump(&copy), dump(&env.db));
    let kept = dump(&copy);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&copy), 0o600, "backups are private");
        let csv = env.path("findings.csv");
        env.ok(&["export", "--audit", &id, "--out", csv.to_str().unwrap()]);
        assert_eq!(mode(&csv), 0o600, "exports are private");
    }
    // A backup never overwrites.
    let out = env
        .cmd()
        .args(["backup", "--to", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(dump(&copy), kept);

    // Work after the backup, then restore it: the work is gone, the backup's
    // contents are back, and the replaced contents were backed up first.
    env.ok(&[
        "finding", "add", "--audit", &id, "--clause", "8.1", "--grade", "minor", "--title", "after",
    ]);
    let changed = dump(&env.db);
    assert_ne!(changed, kept);
    let out = env
        .cmd()
        .args(["restore", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no confirmation, no restore");
    assert_eq!(dump(&env.db), changed);
    let said = env.ok(&["restore", copy.to_str().unwrap(), "--yes"]);
    // The backup's contents are back, plus one trail row that records the
    // restore itself (what, from which backup).
    let restored = dump(&env.db);
    let extra: Vec<&String> = restored.iter().filter(|r| !kept.contains(r)).collect();
    assert_eq!(restored.len(), kept.len() + 1, "{extra:?}");
    assert!(kept.iter().all(|r| restored.contains(r)));
    assert!(
        extra[0].contains("'file'") || extra[0].contains("\"file\""),
        "{extra:?}"
    );
    assert!(
        extra[0].contains("restored") && extra[0].contains("copy.sqlite"),
        "{extra:?}"
    );
    let safety = said.rsplit("are in ").next().unwrap().trim_end_matches('.');
    assert_eq!(dump(Path::new(safety)), changed, "{said}");
    env.ok(&["verify"]);

    // Restoring something that is not an audit file changes nothing.
    let junk = env.path("junk.sqlite");
    std::fs::write(&junk, b"SQLite format 3\0 but not really").unwrap();
    let before = bytes(&env.db);
    let out = env
        .cmd()
        .args(["restore", junk.to_str().unwrap(), "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(bytes(&env.db), before);
}

// ------------------------------------------------------ audit trail & reports

#[test]
fn every_change_is_recorded_with_old_new_who_and_when() {
    let env = Env::new();
    let opts = OpenOptions {
        actor: "Sam Ortiz".into(),
        ..OpenOptions::default()
    };
    let mut s = Store::open_with(&env.db, &opts).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let f = s.finding_by_ref(&id, "NC-001").unwrap();
    s.set_finding_field(&f.id, FindingField::Statement, "new statement")
        .unwrap();
    s.set_finding_grade(&f.id, Grade::Minor).unwrap();
    s.set_finding_status(&f.id, FindingStatus::ResponseReceived)
        .unwrap();
    let h = s.history("finding", &f.id).unwrap();
    let fields: Vec<&str> = h.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["created", "statement", "grade", "status"]);
    assert!(h[0].new.as_deref().unwrap().contains(&f.title));
    assert_eq!(h[1].old.as_deref(), Some(f.statement.as_str()));
    assert_eq!(h[1].new.as_deref(), Some("new statement"));
    assert_eq!(
        (h[2].old.as_deref(), h[2].new.as_deref()),
        (Some("major"), Some("minor"))
    );
    assert!(h
        .iter()
        .all(|e| e.actor == "Sam Ortiz" && e.label == "NC-001"));

    // Reviews, documents, interviews and samples are recorded too.
    let edits = [EditTarget::ClauseNotes {
        audit_id: id.clone(),
        clause_id: "8.5.1".into(),
        stage: auditbench::domain::Stage::TWO,
    }];
    for t in &edits {
        // The first edit may create the review; the second changes it.
        s.apply_edit(t, "clause notes").unwrap();
        s.apply_edit(t, "clause notes, revised").unwrap();
    }
    let iv = s.interviews(&id).unwrap()[0].clone();
    s.apply_edit(
        &EditTarget::Interview {
            id: iv.id.clone(),
            field: store::InterviewField::Notes,
        },
        "interview notes",
    )
    .unwrap();
    s.delete_interview(&iv.id).unwrap();
    let all = s.audit_history(&id).unwrap();
    let seen =
        |entity: &str, field: &str| all.iter().any(|e| e.entity == entity && e.field == field);
    assert!(seen("clause_review", "notes"));
    assert!(seen("interview", "notes") && seen("interview", "deleted"));
    assert!(seen("sample", "created") && seen("document_review", "created"));
    let report = s.verify_history().unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.rows, s.history_len().unwrap());
}

#[test]
fn the_trail_is_append_only_and_verify_finds_where_it_was_tampered_with() {
    let env = Env::new();
    let id = env.demo();
    env.ok(&[
        "finding", "add", "--audit", &id, "--clause", "8.1", "--grade", "minor", "--title", "x",
    ]);
    assert!(env.ok(&["verify"]).contains("intact"));

    // The triggers refuse edits and deletions, even through plain SQL.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let e = conn
        .execute("UPDATE history SET new = 'x' WHERE seq = 3", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = conn
        .execute("DELETE FROM history WHERE seq = 3", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");

    // Someone who drops the guard and edits a row is caught.
    conn.execute_batch(
        "DROP TRIGGER history_is_append_only_update;
         UPDATE history SET new = 'forged' WHERE seq = 7;",
    )
    .unwrap();
    drop(conn);
    let out = env.cmd().arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("row 7") && err.contains("edited outside"),
        "{err}"
    );

    // A deleted row breaks the links.
    let env2 = Env::new();
    env2.demo();
    let conn = rusqlite::Connection::open(&env2.db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER history_is_append_only_delete; DELETE FROM history WHERE seq = 10;",
    )
    .unwrap();
    drop(conn);
    let out = env2.cmd().arg("verify").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 11") && err.contains("missing"), "{err}");
}

#[test]
fn a_reported_audit_is_read_only_until_reopened_with_a_recorded_reason() {
    let env = Env::new();
    let (mut s, id) = demo_store(&env);
    let f = s.finding_by_ref(&id, "NC-001").unwrap();
    s.report_audit(&id).unwrap();
    assert_eq!(s.audit(&id).unwrap().status, AuditStatus::Reported);
    let e = s
        .set_finding_field(&f.id, FindingField::Title, "late change")
        .unwrap_err();
    assert!(
        matches!(e, Error::Invalid(_)) && e.to_string().contains("reopen"),
        "{e}"
    );
    assert!(s.delete_finding(&f.id).is_err());
    let iv = s.interviews(&id).unwrap()[0].clone();
    assert!(s.delete_interview(&iv.id).is_err());
    assert!(s.reopen_audit(&id, "  ").is_err(), "a reason is required");

    s.reopen_audit(&id, "RCB review asked for a regrade of NC-001")
        .unwrap();
    s.set_finding_grade(&f.id, Grade::Minor).unwrap();
    let trail = s.audit_history(&id).unwrap();
    let tail: Vec<(&str, Option<&str>)> = trail
        .iter()
        .rev()
        .take(4)
        .map(|e| (e.field.as_str(), e.new.as_deref()))
        .collect();
    assert_eq!(
        tail,
        [
            ("grade", Some("minor")),
            (
                "reopen_reason",
                Some("RCB review asked for a regrade of NC-001")
            ),
            ("status", Some("in_progress")),
            ("status", Some("reported")),
        ]
    );
    drop(s);

    // The CLI: report, refused add, reopen needs --reason, then works.
    env.ok(&["audit", "report", "--audit", &id]);
    let out = env
        .cmd()
        .args([
            "finding", "add", "--audit", &id, "--clause", "8.1", "--grade", "minor", "--title", "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reported"));
    let out = env
        .cmd()
        .args(["audit", "reopen", "--audit", &id, "--reason", ""])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    env.ok(&[
        "audit",
        "reopen",
        "--audit",
        &id,
        "--reason",
        "late evidence",
    ]);
    let h = env.ok(&["--auditor", "Kim", "history", "--audit", &id]);
    assert!(
        h.contains("reopen_reason") && h.contains("late evidence"),
        "{h}"
    );
    env.ok(&[
        "--auditor",
        "Kim",
        "finding",
        "add",
        "--audit",
        &id,
        "--clause",
        "8.1",
        "--grade",
        "minor",
        "--title",
        "x",
    ]);
    let h = env.ok(&["history", "--audit", &id, "NC-005"]);
    assert!(h.contains("Kim") && h.contains("created"), "{h}");
}

/// Quitting soon after opening a large file: the backup taken at opening is
/// still being written. Stopped (Ctrl-C, or the terminal gone), it leaves
/// no partial copy among the backups, and the next opening takes it again.
#[test]
fn an_opening_backup_stopped_leaves_nothing_and_is_taken_at_the_next_opening() {
    let env = Env::new();
    let (s, _) = demo_store(&env);
    drop(s);
    // a file large enough that its backup takes a good part of a second
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch(
            "CREATE TABLE ballast (b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 96)
             INSERT INTO ballast SELECT randomblob(1048576) FROM n;",
        )
        .unwrap();
    }
    let mut s = Store::open(&env.db).unwrap();
    assert!(s.backup_running(), "a changed file is backed up at opening");
    assert!(!s.finish_backup(|| true), "stopped before it was written");
    assert!(!s.backup_running());
    drop(s);
    let left: Vec<_> = std::fs::read_dir(backup::backup_dir(&env.db))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.is_empty(),
        "nothing left of the stopped backup: {left:?}"
    );
    let mut s = Store::open(&env.db).unwrap();
    assert!(s.finish_backup(|| false), "written when not stopped");
    let taken = s.opening_backup().unwrap().expect("taken again");
    drop(s);
    assert_eq!(dump(&taken), dump(&env.db));
    assert_eq!(backup::list_backups(&env.db), [taken]);
}

/// A large file not closed cleanly is checked page by page before it is
/// used, which takes seconds: the real binary says so first (a small file's
/// check is quick and silent), and a clean close skips both.
#[test]
fn a_large_file_not_closed_cleanly_says_it_is_checked_first() {
    let env = Env::new();
    env.demo();
    let touch = |ballast: bool| {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch(if ballast {
            "CREATE TABLE ballast (b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 72)
             INSERT INTO ballast SELECT randomblob(1048576) FROM n;"
        } else {
            "CREATE TABLE touched (x)"
        })
        .unwrap();
    };
    let stderr = |args: &[&str]| {
        let out = env.cmd().args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    // small, changed by another program: checked, quickly and silently
    touch(false);
    assert!(!stderr(&["list"]).contains("not closed cleanly"));
    touch(true);
    let said = stderr(&["list"]);
    assert!(said.contains("was not closed cleanly"), "{said}");
    assert!(said.contains("MB before opening it"), "{said}");
    // a command that writes closes it cleanly: nothing to say after
    let said = stderr(&["demo"]);
    assert!(said.contains("was not closed cleanly"), "{said}");
    assert!(!stderr(&["list"]).contains("not closed cleanly"));
}
