//! The audit file on a real SQLite file in a temp dir: migrations, round
//! trips, references, and refusal of bad files without touching them.

mod common;

use auditbench::domain::*;
use auditbench::store::{self, FindingField, FindingFilter, HistoryEntry, Store};
use common::{bytes, fixed_clock, Env};

fn new_audit(store: &mut Store) -> Audit {
    store
        .create_audit(&NewAudit {
            organisation: "Acme Hosting".into(),
            scope: "Managed hosting".into(),
            catalogue_id: "iso20000-1-2018".into(),
            edition: "2018".into(),
            audit_type: AuditType::Surveillance,
            certification_body: "RCB".into(),
            lead_auditor: "Jordan Lee".into(),
            team: "Jordan Lee, Sam Ortiz".into(),
            start_date: "2026-11-16".into(),
            end_date: "2026-11-17".into(),
        })
        .unwrap()
}

fn finding(clause: &str, grade: Grade, title: &str) -> NewFinding {
    NewFinding {
        clause_id: clause.into(),
        stage: Stage::TWO,
        grade,
        title: title.into(),
        requirement: "req".into(),
        statement: "stmt".into(),
        evidence: "ev".into(),
        raised_by: "JL".into(),
        due_date: String::new(),
    }
}

#[test]
fn migrations_validate() {
    store::validate_migrations().unwrap();
}

#[test]
fn a_new_file_is_wal_full_sync_with_foreign_keys() {
    let env = Env::new();
    let s = Store::open(&env.db).unwrap();
    let c = s.connection();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    let app: i32 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let ver: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    assert_eq!(app, store::APPLICATION_ID);
    assert_eq!(ver, store::latest_schema_version());
}

#[cfg(unix)]
#[test]
fn new_files_and_folders_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut s = Store::open(&env.db).unwrap();
    new_audit(&mut s);
    // WAL and SHM exist while the store is open.
    assert_eq!(mode(&env.path("audits.sqlite-wal")), 0o600);
    assert_eq!(mode(&env.path("audits.sqlite-shm")), 0o600);
    assert_eq!(mode(&env.path("audits.sqlite.lock")), 0o600);
    drop(s);
    let mut s = Store::open(&env.db).unwrap();
    let backup = s
        .opening_backup()
        .unwrap()
        .expect("a backup on reopening a changed file");
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(mode(&env.path("backups")), 0o700);
    assert_eq!(mode(&env.db), 0o600);
}

#[test]
fn a_path_in_a_missing_folder_is_refused_and_nothing_is_created() {
    let env = Env::new();
    let db = env.path("no/such/folder/audit.sqlite");
    let e = Store::open(&db).err().expect("refused").to_string();
    assert!(e.contains("does not exist") && e.contains("--db"), "{e}");
    assert!(!env.path("no").exists());
    // A "folder" that is a file cannot hold an audit file either.
    std::fs::write(env.path("plain"), b"x").unwrap();
    let e = Store::open(&env.path("plain/audit.sqlite"))
        .err()
        .expect("refused")
        .to_string();
    assert!(e.contains("plain"), "{e}");
}

#[test]
fn audit_round_trip_and_prefix_lookup() {
    let env = Env::new();
    let mut s = Store::open_with_clock(&env.db, fixed_clock()).unwrap();
    let a = new_audit(&mut s);
    drop(s);
    let s = Store::open(&env.db).unwrap();
    let back = s.audit(&a.id).unwrap();
    assert_eq!(back, a);
    assert_eq!(back.created_at, "2026-11-23T09:30:00Z");
    assert_eq!(back.status, AuditStatus::Planned);
    assert_eq!(s.find_audit(&a.id[..8]).unwrap().id, a.id);
    assert!(s
        .find_audit("zzzz")
        .unwrap_err()
        .to_string()
        .contains("no audit"));
}

#[test]
fn invalid_audits_are_refused() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let mut bad = NewAudit {
        organisation: " ".into(),
        scope: String::new(),
        catalogue_id: "iso20000-1-2018".into(),
        edition: "2018".into(),
        audit_type: AuditType::Stage1,
        certification_body: String::new(),
        lead_auditor: String::new(),
        team: String::new(),
        start_date: String::new(),
        end_date: String::new(),
    };
    assert!(s
        .create_audit(&bad)
        .unwrap_err()
        .to_string()
        .contains("organisation"));
    bad.organisation = "X".into();
    bad.start_date = "16/11/2026".into();
    assert!(s
        .create_audit(&bad)
        .unwrap_err()
        .to_string()
        .contains("YYYY-MM-DD"));
    bad.start_date = "2026-11-17".into();
    bad.end_date = "2026-11-16".into();
    assert!(s
        .create_audit(&bad)
        .unwrap_err()
        .to_string()
        .contains("before"));
    bad.end_date = String::new();
    bad.catalogue_id = "nope".into();
    assert!(s
        .create_audit(&bad)
        .unwrap_err()
        .to_string()
        .contains("catalogue"));
    assert!(s.list_audits().unwrap().is_empty());
}

#[test]
fn finding_references_are_per_prefix_and_survive_grade_changes() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = new_audit(&mut s);
    let refs: Vec<String> = [
        (Grade::Minor, "8.5.1.3"),
        (Grade::Major, "8.7.2"),
        (Grade::Observation, "7.5.3"),
        (Grade::Ofi, "9.4"),
        (Grade::GoodPractice, "8.6.1"),
        (Grade::Minor, "9.2"),
        (Grade::Observation, "6.1"),
    ]
    .iter()
    .map(|(g, c)| {
        s.add_finding(&a.id, &finding(c, *g, "t"))
            .unwrap()
            .reference
    })
    .collect();
    assert_eq!(
        refs,
        ["NC-001", "NC-002", "OBS-001", "OFI-001", "GP-001", "NC-003", "OBS-002"]
    );
    // major <-> minor: the reference stays
    let f = s.finding_by_ref(&a.id, "nc-002").unwrap();
    assert_eq!(
        s.set_finding_grade(&f.id, Grade::Minor).unwrap().reference,
        "NC-002"
    );
    // across kinds: the reference follows the grade, the old one is kept
    // on the record and never given again
    let f = s.finding_by_ref(&a.id, "obs-001").unwrap();
    let f = s.set_finding_grade(&f.id, Grade::Minor).unwrap();
    assert_eq!(
        (f.reference.as_str(), f.formerly.as_str()),
        ("NC-004", "OBS-001")
    );
    assert_eq!(s.finding_counts(&a.id).unwrap(), [0, 4, 0, 1, 1, 1]);
    let g = s.finding_by_ref(&a.id, "gp-001").unwrap();
    let g = s.set_finding_grade(&g.id, Grade::Minor).unwrap();
    let g = s.set_finding_grade(&g.id, Grade::GoodPractice).unwrap();
    assert_eq!(
        (g.reference.as_str(), g.formerly.as_str()),
        ("GP-002", "GP-001, NC-005")
    );
    assert!(
        !g.reference.starts_with("NC-"),
        "no good practice carries an NC reference"
    );
    let next = s
        .add_finding(&a.id, &finding("6.1", Grade::Observation, "t"))
        .unwrap();
    assert_eq!(next.reference, "OBS-003", "OBS-001 is retired");
    // a deleted finding's reference is not given again either
    let last = s
        .add_finding(&a.id, &finding("6.1", Grade::Minor, "t"))
        .unwrap();
    assert_eq!(last.reference, "NC-006");
    s.delete_finding(&last.id).unwrap();
    let again = s
        .add_finding(&a.id, &finding("6.1", Grade::Minor, "t"))
        .unwrap();
    assert_eq!(again.reference, "NC-007");
    // the trail has each reference change
    let trail = s.history("finding", &f.id).unwrap();
    assert!(
        trail.iter().any(|e| e.field == "reference"
            && e.old.as_deref() == Some("OBS-001")
            && e.new.as_deref() == Some("NC-004")),
        "{trail:?}"
    );
}

/// A nonconformity is closed only with its response and verification
/// recorded; a plan is accepted only with a corrective action; other grades
/// have no status at all.
#[test]
fn closing_an_nc_needs_its_verification_and_other_grades_have_no_status() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = new_audit(&mut s);
    let nc = s
        .add_finding(&a.id, &finding("8.5.1", Grade::Minor, "t"))
        .unwrap();
    let err = s
        .set_finding_status(&nc.id, FindingStatus::Closed)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("NC-001 cannot be closed (verified) yet: fill correction, root cause, corrective action, verification date, verified by, how it was verified, evidence seen first"),
        "{err}"
    );
    let err = s
        .set_finding_status(&nc.id, FindingStatus::PlanAccepted)
        .unwrap_err()
        .to_string();
    assert!(err.contains("fill corrective action first"), "{err}");
    for (field, v) in [
        (FindingField::Correction, "fixed"),
        (FindingField::RootCause, "why"),
        (FindingField::CorrectiveAction, "plan"),
    ] {
        s.set_finding_field(&nc.id, field, v).unwrap();
    }
    s.set_finding_status(&nc.id, FindingStatus::PlanAccepted)
        .unwrap();
    let err = s
        .set_finding_status(&nc.id, FindingStatus::Closed)
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with(
            "fill verification date, verified by, how it was verified, evidence seen first"
        ),
        "{err}"
    );
    assert!(s
        .set_finding_field(&nc.id, FindingField::VerifiedOn, "tomorrow")
        .is_err());
    for (field, v) in [
        (FindingField::VerifiedOn, "2026-12-01"),
        (FindingField::VerifiedBy, "Jordan Lee"),
        (FindingField::VerificationMethod, "records sampled"),
        (FindingField::VerificationEvidence, "CHG-1077 PIR"),
    ] {
        s.set_finding_field(&nc.id, field, v).unwrap();
    }
    s.set_finding_status(&nc.id, FindingStatus::Closed).unwrap();
    assert_eq!(s.finding(&nc.id).unwrap().status, FindingStatus::Closed);

    let obs = s
        .add_finding(&a.id, &finding("7.5.3", Grade::Observation, "t"))
        .unwrap();
    let err = s
        .set_finding_status(&obs.id, FindingStatus::ResponseReceived)
        .unwrap_err()
        .to_string();
    assert!(err.contains("only nonconformities have a status"), "{err}");
    assert_eq!(s.finding(&obs.id).unwrap().status_label(), "Noted");
}

#[test]
fn findings_list_in_report_order() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = new_audit(&mut s);
    for (g, c) in [
        (Grade::Ofi, "4.1"),
        (Grade::Minor, "10.1"),
        (Grade::Minor, "9.4"),
        (Grade::Major, "8.5.1.3"),
        (Grade::Minor, "8.5.1.1"),
    ] {
        s.add_finding(&a.id, &finding(c, g, "t")).unwrap();
    }
    let order: Vec<_> = s
        .findings(&a.id, &FindingFilter::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.grade, f.clause_id))
        .collect();
    assert_eq!(
        order,
        [
            (Grade::Major, "8.5.1.3".to_string()),
            (Grade::Minor, "8.5.1.1".into()),
            (Grade::Minor, "9.4".into()),
            (Grade::Minor, "10.1".into()),
            (Grade::Ofi, "4.1".into()),
        ]
    );
    let minors = s
        .findings(
            &a.id,
            &FindingFilter {
                grade: Some(Grade::Minor),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(minors.len(), 3);
}

#[test]
fn finding_round_trip_with_every_field() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = new_audit(&mut s);
    let f = s
        .add_finding(&a.id, &finding("8.5.1", Grade::Minor, "Title, \"quoted\""))
        .unwrap();
    let text = "multi\nline, with \"quotes\" é 🚀 \u{202E}rtl";
    let value = |field: FindingField| match field {
        FindingField::DueDate => "2027-01-31",
        FindingField::VerifiedOn => "2027-02-01",
        _ => text,
    };
    for field in FindingField::ALL {
        s.set_finding_field(&f.id, *field, value(*field)).unwrap();
    }
    s.set_finding_status(&f.id, FindingStatus::ResponseReceived)
        .unwrap();
    drop(s);
    let s = Store::open(&env.db).unwrap();
    let back = s.finding(&f.id).unwrap();
    for field in FindingField::ALL {
        assert_eq!(field.get(&back), value(*field), "{field:?}");
    }
    assert_eq!(back.status, FindingStatus::ResponseReceived);
    assert_eq!(back.reference, "NC-001");
}

#[test]
fn bad_finding_input_writes_nothing() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = new_audit(&mut s);
    let e = s
        .add_finding(&a.id, &finding("8.99", Grade::Minor, "t"))
        .unwrap_err();
    assert!(e.to_string().contains("unknown clause \"8.99\""), "{e}");
    let e = s
        .add_finding(&a.id, &finding("8.5.1", Grade::Minor, "  "))
        .unwrap_err();
    assert!(e.to_string().contains("title"), "{e}");
    let mut f = finding("8.5.1", Grade::Minor, "t");
    f.due_date = "tomorrow".into();
    assert!(s.add_finding(&a.id, &f).is_err());
    assert!(s
        .findings(&a.id, &FindingFilter::default())
        .unwrap()
        .is_empty());
}

#[test]
fn reviews_interviews_and_samples_round_trip() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = new_audit(&mut s);
    let mut r = s.clause_review(&a.id, "8.5.1.3", Stage::TWO).unwrap();
    assert_eq!(
        (r.status, r.result),
        (ClauseStatus::NotStarted, ClauseResult::NotAssessed)
    );
    r.status = ClauseStatus::Done;
    r.result = ClauseResult::Nonconforming;
    r.notes = "CAB minutes seen".into();
    r.questions_covered = vec![0, 2];
    s.save_clause_review(&r).unwrap();

    let mut d = s.document_review(&a.id, "sla", "8.3.3").unwrap();
    d.status = DocStatus::NeedsImprovement;
    d.reference = "SLA-ACME".into();
    d.version = "v3 2026-05-01".into();
    s.save_document_review(&d).unwrap();
    d.doc_key = "nope".into();
    assert!(s.save_document_review(&d).is_err());

    let i = s
        .save_interview(&Interview {
            id: String::new(),
            audit_id: a.id.clone(),
            interviewee: "Marc Olsen".into(),
            role: "Change manager".into(),
            held_at: "2026-11-16 11:00 UTC".into(),
            clauses: "8.5.1.3".into(),
            notes: "long\nnotes".into(),
            created_at: String::new(),
            updated_at: String::new(),
            interviewer: "Jordan Lee".into(),
        })
        .unwrap();
    let smp = s
        .save_sample(&Sample {
            id: String::new(),
            audit_id: a.id.clone(),
            clause_id: "8.5.1.3".into(),
            population: "changes Q3 (214)".into(),
            method: SampleMethod::Judgement,
            size: 5,
            items: "CHG-1042, CHG-1077".into(),
            result: "1 NC".into(),
            created_at: String::new(),
            updated_at: String::new(),
            period_from: String::new(),
            period_to: String::new(),
        })
        .unwrap();
    drop(s);

    let s = Store::open(&env.db).unwrap();
    let r2 = s.clause_review(&a.id, "8.5.1.3", Stage::TWO).unwrap();
    assert_eq!(
        (r2.status, r2.result, r2.notes.as_str()),
        (
            ClauseStatus::Done,
            ClauseResult::Nonconforming,
            "CAB minutes seen"
        )
    );
    assert_eq!(r2.questions_covered, vec![0, 2]);
    assert_eq!(
        s.clause_review(&a.id, "8.5.1.3", Stage::ONE)
            .unwrap()
            .status,
        ClauseStatus::NotStarted
    );
    let d2 = s.document_review(&a.id, "sla", "8.3.3").unwrap();
    assert_eq!(
        (d2.status, d2.reference.as_str()),
        (DocStatus::NeedsImprovement, "SLA-ACME")
    );
    assert_eq!(s.interviews(&a.id).unwrap(), vec![i]);
    assert_eq!(s.samples(&a.id).unwrap(), vec![smp]);
}

#[test]
fn custom_catalogue_is_stored_in_the_file() {
    let env = Env::new();
    let src = "id = \"rcb\"\nstandard = \"RCB\"\nedition = \"1\"\ntitle = \"RCB list\"\n[[clause]]\nid = \"1\"\ntitle = \"One\"\n";
    let cat = auditbench::catalogue::Catalogue::parse(src, "rcb.toml").unwrap();
    let s = Store::open(&env.db).unwrap();
    s.store_catalogue(&cat, src).unwrap();
    drop(s);
    let s = Store::open(&env.db).unwrap();
    assert_eq!(s.catalogue("rcb").unwrap().get("1").unwrap().title, "One");
    assert!(s.catalogue("other").is_err());
}

// ---- bad files: refused with a clear message, left byte-for-byte unchanged ----

fn refused(env: &Env, want: &str) {
    let before = bytes(&env.db);
    let e = match Store::open(&env.db) {
        Ok(_) => panic!("file should be refused"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains(want), "{e:?} should contain {want:?}");
    assert!(!e.contains('\n'));
    assert_eq!(bytes(&env.db), before, "file changed");
    assert!(!env.db.with_extension("sqlite-wal").exists());
    // The real binary: one line naming the problem, exit 2, for commands
    // that read and commands that write, and still not a byte changed.
    for args in [
        &["list"][..],
        &["verify"][..],
        &["demo"][..],
        &["backup", "--to", "/nonexistent-never-written"][..],
    ] {
        let out = env.cmd().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(want),
            "{args:?}: {err:?} should contain {want:?}"
        );
    }
    assert_eq!(bytes(&env.db), before, "file changed by the CLI");
    assert!(!env.path("backups").exists(), "no backup of a refused file");
}

fn demo_file(env: &Env) {
    let mut s = Store::open(&env.db).unwrap();
    auditbench::demo::create_demo(&mut s).unwrap();
    s.connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;")
        .unwrap();
}

#[test]
fn empty_file_is_refused() {
    let env = Env::new();
    std::fs::write(&env.db, b"").unwrap();
    refused(&env, "is empty");
}

#[test]
fn text_and_random_files_are_refused() {
    let env = Env::new();
    std::fs::write(&env.db, "organisation,grade\nAcme,major\n").unwrap();
    refused(&env, "not an SQLite database");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&env.db, noise).unwrap();
    // whole pages of noise are what an encrypted file looks like without
    // its key: refused untouched all the same, saying both
    refused(&env, "not a plain SQLite database");
    let noise: Vec<u8> = (0..4000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&env.db, noise).unwrap();
    refused(&env, "not an SQLite database");
}

#[test]
fn another_applications_database_is_refused() {
    let env = Env::new();
    let c = rusqlite::Connection::open(&env.db).unwrap();
    c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
        .unwrap();
    drop(c);
    refused(&env, "another application");
}

#[test]
fn newer_schema_is_refused() {
    let env = Env::new();
    demo_file(&env);
    let c = rusqlite::Connection::open(&env.db).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    refused(&env, "newer auditbench");
}

#[test]
fn truncated_file_is_refused() {
    let env = Env::new();
    demo_file(&env);
    let full = bytes(&env.db);
    std::fs::write(&env.db, &full[..full.len() / 2]).unwrap();
    refused(&env, "truncated");
}

#[test]
fn corrupted_page_is_refused() {
    let env = Env::new();
    demo_file(&env);
    let mut data = bytes(&env.db);
    let page = 4096;
    // Smash the b-tree header of every page after the schema page.
    for p in (page..data.len()).step_by(page) {
        for b in &mut data[p..p + 12] {
            *b = 0xA5;
        }
    }
    std::fs::write(&env.db, &data).unwrap();
    refused(&env, "restore it from a backup");
}

#[test]
fn a_directory_is_refused() {
    let env = Env::new();
    let e = Store::open(env.dir.path()).err().unwrap().to_string();
    assert!(e.contains("is a directory"), "{e}");
}

#[test]
fn the_in_memory_filter_agrees_with_the_sql_filter() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let all = s.findings(&id, &FindingFilter::default()).unwrap();
    let mut filters = vec![FindingFilter {
        clause_id: Some("8.5.1.3".into()),
        ..Default::default()
    }];
    for g in Grade::ALL {
        for st in FindingStatus::ALL {
            filters.push(FindingFilter {
                grade: Some(*g),
                ..Default::default()
            });
            filters.push(FindingFilter {
                grade: Some(*g),
                status: Some(*st),
                ..Default::default()
            });
        }
    }
    for f in filters {
        let sql = s.findings(&id, &f).unwrap();
        // The same test the SQL applies, written out here.
        let matches = |x: &auditbench::domain::Finding| {
            f.grade.is_none_or(|g| x.grade == g)
                && f.status.is_none_or(|st| x.status == st)
                && f.clause_id.as_deref().is_none_or(|c| x.clause_id == c)
        };
        let mem: Vec<_> = all.iter().filter(|x| matches(x)).cloned().collect();
        assert_eq!(sql, mem, "{f:?}");
    }
}

/// A file made before the findings' texts were indexed (schema 5) gets its
/// existing findings indexed when it is opened; bulk loads (the demo's
/// scale) index theirs too.
#[test]
fn the_text_index_covers_findings_written_before_it_and_bulk_loads() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let cat = s.catalogue(&s.audit(&id).unwrap().catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut s, &id, &cat, 10_000).unwrap();
    drop(s);
    let count = |q: &str| {
        store::TextSearcher::open(&env.db, &id)
            .unwrap()
            .search(q, 50)
            .unwrap()
            .len()
    };
    assert_eq!(count("CHG-1077"), 1, "the demo's own finding");
    assert_eq!(
        count("expected control"),
        50,
        "bulk-loaded findings (first 50)"
    );
    // back to schema 5: no index (first undo schemas 11 and 10: no
    // responses, no clients, and the audit triggers of schema 9 back)
    let mut v9 = rusqlite::Connection::open_in_memory().unwrap();
    store::migrations().to_version(&mut v9, 9).unwrap();
    let audit_triggers: Vec<String> = v9
        .prepare(
            "SELECT sql FROM sqlite_master WHERE name LIKE 'audits_history_%'
             OR name = 'audits_start_on_document_review'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let v10: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'
             AND (name LIKE 'clients_%' OR name LIKE 'carried_%' OR name LIKE 'audits_history_%'
                  OR name LIKE 'responses_%' OR name LIKE 'plan_slots_%'
                  OR name = 'audits_start_on_document_review')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in v10 {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    let v20: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_team_base_%'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in v20 {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    conn.execute_batch(
        "DROP TRIGGER finding_tally_insert; DROP TRIGGER finding_tally_delete;
         DROP TRIGGER finding_tally_update; DROP TABLE finding_tally;
         DROP TABLE team_merges; DROP TABLE team_docs; DROP TABLE team; DROP TABLE team_base;
         DROP TRIGGER samples_history_update_period; ALTER TABLE samples DROP COLUMN period_from; ALTER TABLE samples DROP COLUMN period_to;
         DROP TABLE gaps; DROP TABLE question_ratings; DROP TABLE audit_scales; DROP TABLE clause_time; DROP TABLE plan_slots; DROP TABLE responses; DROP TABLE clients; DROP TABLE carried_findings; DROP INDEX audits_by_client;
         ALTER TABLE audits DROP COLUMN client_id; ALTER TABLE audits DROP COLUMN follows;",
    )
    .unwrap();
    for sql in audit_triggers {
        conn.execute_batch(&sql).unwrap();
    }
    conn.execute_batch(
        "DROP TRIGGER finding_text_insert; DROP TRIGGER finding_text_delete;
         DROP TRIGGER finding_text_update; DROP TABLE finding_text; DROP VIEW finding_text_body;
         DROP TABLE local_settings; DROP TABLE finding_samples; DROP TABLE audit_context;
         PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);
    assert!(store::TextSearcher::open(&env.db, &id)
        .unwrap()
        .search("CHG-1077", 50)
        .is_err());
    drop(Store::open(&env.db).unwrap());
    assert_eq!(count("CHG-1077"), 1, "indexed when the file was upgraded");
    assert_eq!(count("expected control"), 50);
}

/// Citations: only samples of the finding's own audit; replaced as a set;
/// frozen once the audit is reported; gone with the sample.
#[test]
fn a_finding_cites_only_its_audits_samples_and_citations_freeze_when_reported() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let a = auditbench::demo::create_demo(&mut s).unwrap();
    let b = auditbench::demo::create_demo(&mut s).unwrap();
    let f = s.findings(&a, &FindingFilter::default()).unwrap()[0].clone();
    let mine = s.samples(&a).unwrap();
    let theirs = s.samples(&b).unwrap();
    let err = s
        .set_finding_samples(&f.id, &[theirs[0].id.clone()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("another audit"), "{err}");
    let cited_by = |s: &Store| -> Vec<String> {
        s.citations(&a)
            .unwrap()
            .into_iter()
            .filter(|c| c.finding_id == f.id)
            .map(|c| c.sample_id)
            .collect()
    };
    s.set_finding_samples(&f.id, &[mine[0].id.clone(), mine[1].id.clone()])
        .unwrap();
    assert_eq!(cited_by(&s).len(), 2);
    s.set_finding_samples(&f.id, &[mine[1].id.clone()]).unwrap();
    assert_eq!(cited_by(&s), [mine[1].id.clone()]);
    s.report_audit(&a).unwrap();
    let err = s.set_finding_samples(&f.id, &[]).unwrap_err().to_string();
    assert!(err.contains("reported"), "{err}");
    assert_eq!(cited_by(&s).len(), 1);
    s.reopen_audit(&a, "late evidence").unwrap();
    s.delete_sample(&mine[1].id).unwrap();
    assert!(cited_by(&s).is_empty());
    assert_eq!(s.verify_data().unwrap(), None);
}

/// The counts the screens show come from a tally the triggers keep (schema
/// 21): after findings are raised, regraded, moved to another clause, have
/// their status changed, are deleted, and a whole audit is deleted, every
/// count equals a count of the findings themselves.
#[test]
fn the_finding_tally_keeps_step_with_every_change() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let cat = s.catalogue(&s.audit(&id).unwrap().catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut s, &id, &cat, 400).unwrap();
    let all = s.findings(&id, &FindingFilter::default()).unwrap();
    for (i, f) in all.iter().enumerate().take(120) {
        match i % 6 {
            0 => drop(s.set_finding_grade(&f.id, Grade::Major).unwrap()),
            1 => s.set_finding_clause(&f.id, "6.2").unwrap(),
            2 => {
                let _ = s.set_finding_status(&f.id, FindingStatus::ResponseReceived);
            }
            3 => s.delete_finding(&f.id).unwrap(),
            4 => drop(s.set_finding_grade(&f.id, Grade::Observation).unwrap()),
            _ => drop(
                s.add_finding(
                    &id,
                    &NewFinding {
                        clause_id: "8.2".into(),
                        stage: Stage::TWO,
                        grade: Grade::Minor,
                        title: format!("added {i}"),
                        requirement: String::new(),
                        statement: String::new(),
                        evidence: String::new(),
                        raised_by: String::new(),
                        due_date: String::new(),
                    },
                )
                .unwrap(),
            ),
        }
    }
    let counted = |sql: &str| -> Vec<(String, i64)> {
        s.connection()
            .prepare(sql)
            .unwrap()
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    // by grade
    let by_grade = counted(
        "SELECT CAST(grade_rank AS TEXT), count(*) FROM findings WHERE audit_id = ?1 GROUP BY grade_rank",
    );
    let counts = s.finding_counts(&id).unwrap();
    for (rank, n) in &by_grade {
        let r: usize = rank.parse().unwrap();
        assert_eq!(counts[r] as i64, *n, "grade rank {rank}");
    }
    assert_eq!(
        counts.iter().sum::<u64>() as i64,
        by_grade.iter().map(|x| x.1).sum::<i64>()
    );
    // by clause, with the open nonconformities
    let by_clause = s.finding_counts_by_clause(&id).unwrap();
    let direct =
        counted("SELECT clause_id, count(*) FROM findings WHERE audit_id = ?1 GROUP BY clause_id");
    assert_eq!(by_clause.len(), direct.len());
    for (c, n) in &direct {
        assert_eq!(by_clause[c].0 as i64, *n, "clause {c}");
    }
    let open = counted(
        "SELECT clause_id, count(*) FROM findings WHERE audit_id = ?1 AND grade_rank <= 1
           AND status != 'closed' GROUP BY clause_id",
    );
    for (c, n) in &open {
        assert_eq!(by_clause[c].1 as i64, *n, "open NCs on {c}");
    }
    // a filtered list's length
    for filter in [
        FindingFilter {
            status: Some(FindingStatus::ResponseReceived),
            ..Default::default()
        },
        FindingFilter {
            grade: Some(Grade::Major),
            clause_id: Some("6.2".into()),
            ..Default::default()
        },
    ] {
        assert_eq!(
            s.count_findings(&id, &filter).unwrap(),
            s.findings(&id, &filter).unwrap().len(),
            "{filter:?}"
        );
    }
    assert!(counts[0] > 0 && !open.is_empty());
    // an audit deleted takes its tally with it
    s.delete_audit(&id).unwrap();
    let left: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM finding_tally WHERE audit_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

/// A clause's first findings (the stage 2 screen's) are read grade by
/// grade from the report-order index: the same rows, in the same order, as
/// the clause's findings in report order.
#[test]
fn a_clause_s_first_findings_are_its_findings_in_report_order() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let cat = s.catalogue(&s.audit(&id).unwrap().catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut s, &id, &cat, 1_500).unwrap();
    let mut busiest: Vec<(String, (u64, u64))> = s
        .finding_counts_by_clause(&id)
        .unwrap()
        .into_iter()
        .collect();
    busiest.sort_by_key(|(c, (n, _))| (std::cmp::Reverse(*n), c.clone()));
    for (clause, _) in busiest.iter().take(4) {
        let clause = clause.as_str();
        let filter = FindingFilter {
            clause_id: Some(clause.into()),
            ..Default::default()
        };
        let all = s.findings(&id, &filter).unwrap();
        for limit in [1, 8, all.len() + 5] {
            let got: Vec<String> = s
                .clause_findings(&id, clause, limit)
                .unwrap()
                .into_iter()
                .map(|f| f.reference)
                .collect();
            let want: Vec<String> = all
                .iter()
                .take(limit)
                .map(|f| f.reference.clone())
                .collect();
            assert_eq!(got, want, "{clause}, first {limit}");
        }
        assert!(all.len() > 8, "{clause}: {} findings", all.len());
    }
}

/// The workbench holds an audit's interviews and samples as an index (row
/// ids in list order, positions per clause, the samples' periods): read
/// back, it lists exactly what reading every row lists, clause by clause,
/// and its periods give the same evidence windows.
#[test]
fn the_record_indexes_list_what_reading_every_row_lists() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let cat = s.catalogue(&s.audit(&id).unwrap().catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut s, &id, &cat, 3_000).unwrap();
    // an interview naming a clause twice, one naming none, an undated sample
    for clauses in ["8.2, 8.2 6.1", ""] {
        let mut odd = s.interviews(&id).unwrap()[0].clone();
        odd.id.clear();
        odd.interviewee = format!("Odd {clauses}");
        odd.clauses = clauses.into();
        s.save_interview(&odd).unwrap();
    }
    let mut undated = s.samples(&id).unwrap()[0].clone();
    undated.id.clear();
    (undated.period_from, undated.period_to) = (String::new(), String::new());
    s.save_sample(&undated).unwrap();
    let ix = s.record_indexes(&id).unwrap();
    assert_eq!(ix, store::record_indexes_at(&env.db, &id).unwrap());
    let interviews = s.interviews(&id).unwrap();
    let samples = s.samples(&id).unwrap();
    assert!(interviews.len() > 100 && samples.len() > 200);
    assert_eq!(
        s.interviews_by_rowid(ix.interviews.rowids(0, ix.interviews.len()))
            .unwrap(),
        interviews
    );
    assert_eq!(
        s.samples_by_rowid(ix.samples.rowids(0, ix.samples.len()))
            .unwrap(),
        samples
    );
    let mut listed = 0;
    for c in cat.clauses() {
        let about: Vec<&Interview> = interviews
            .iter()
            .filter(|i| store::interview_clauses(&i.clauses).any(|x| x == c.id))
            .collect();
        let (first, n) = ix.interviews.of_clause(&c.id, 12);
        assert_eq!(n, about.len(), "{}", c.id);
        let read = s.interviews_by_rowid(&first).unwrap();
        assert_eq!(
            read.iter().collect::<Vec<_>>(),
            about[..n.min(12)],
            "{}",
            c.id
        );
        let of: Vec<&Sample> = samples.iter().filter(|x| x.clause_id == c.id).collect();
        let (first, n) = ix.samples.of_clause(&c.id, 12);
        assert_eq!(n, of.len(), "{}", c.id);
        let read = s.samples_by_rowid(&first).unwrap();
        assert_eq!(read.iter().collect::<Vec<_>>(), of[..n.min(12)], "{}", c.id);
        listed += n;
    }
    assert_eq!(listed, samples.len());
    assert_eq!(ix.periods.windows(&cat), evidence_windows(&cat, &samples));
    assert!(evidence_windows(&cat, &samples)
        .iter()
        .any(|w| w.undated > 0));
    // every record's position is found from its id
    for (pos, i) in interviews.iter().enumerate().step_by(37) {
        let r = s.interview_rowid(&i.id).unwrap().unwrap();
        assert_eq!(ix.interviews.position(r), Some(pos));
    }
    for pos in (0..samples.len()).step_by(41) {
        let r = s.sample_rowid(&samples[pos].id).unwrap().unwrap();
        assert_eq!(ix.samples.position(r), Some(pos));
    }
    assert_eq!(s.sample_rowid("no such sample").unwrap(), None);
}

/// A bulk load (the generator's) runs with a large cache and a rollback
/// journal, and puts both back after, whether it succeeds or fails; a
/// failed one leaves nothing behind.
#[test]
fn a_bulk_load_puts_the_journal_and_cache_back() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let modes = |path: &std::path::Path| {
        let c = rusqlite::Connection::open(path).unwrap();
        c.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .unwrap()
    };
    let settings = |s: &Store| -> Vec<i64> {
        ["cache_size", "threads", "temp_store"]
            .iter()
            .map(|p| {
                s.connection()
                    .query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                    .unwrap()
            })
            .collect()
    };
    let before = settings(&s);
    let id = s
        .bulk_load(|s| {
            assert_eq!(modes(&env.db), "delete", "a rollback journal");
            // a plain file's index builds sort in temporary files, with
            // helper threads
            assert_eq!(settings(s)[1..], [2, 1]);
            let id = auditbench::demo::create_demo(s)?;
            let cat = s.catalogue(&s.audit(&id)?.catalogue_id)?;
            auditbench::demo::add_scale(s, &id, &cat, 500)?;
            Ok(id)
        })
        .unwrap();
    assert_eq!(modes(&env.db), "wal");
    assert_eq!(settings(&s), before);
    // closed cleanly right after: the next opening skips the full page
    // check (a check of every page before the first frame)
    drop(s);
    let note = std::fs::read_to_string(store::lock::lock_path(&env.db)).unwrap();
    assert!(
        note.lines().any(|l| l.starts_with("closed-cleanly ")),
        "{note}"
    );
    let mut s = Store::open(&env.db).unwrap();
    let n = s.findings(&id, &FindingFilter::default()).unwrap().len();
    assert!(n > 500);
    let failed: store::Result<()> = s.bulk_load(|s| {
        s.atomically(|s| {
            let cat = s.catalogue(&s.audit(&id)?.catalogue_id)?;
            auditbench::demo::add_scale(s, &id, &cat, 300)?;
            Err(store::Error::Invalid("stopped".into()))
        })
    });
    assert!(failed.is_err());
    assert_eq!(s.findings(&id, &FindingFilter::default()).unwrap().len(), n);
    assert_eq!(modes(&env.db), "wal");
    drop(s);
    assert_eq!(modes(&env.db), "wal");
}

/// A bulk load (the demo's scale, 10 000 findings and more) sets aside
/// what is kept in step row by row and makes it once at the end: the file
/// after it is what one insert at a time would have left.
#[test]
fn a_bulk_load_leaves_what_row_by_row_inserts_would() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let audit = new_audit(&mut s);
    assert_eq!(audit.status, AuditStatus::Planned);
    let cat = s.catalogue(&audit.catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut s, &audit.id, &cat, 10_000).unwrap();

    // the audit started, as its first finding would have started it
    assert_eq!(s.audit(&audit.id).unwrap().status, AuditStatus::InProgress);
    let conn = s.connection();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT count(*) FROM findings"), 10_000);
    assert_eq!(one("SELECT count(*) FROM interviews"), 500);
    assert_eq!(one("SELECT count(*) FROM samples"), 1_000);
    // the tally counts every finding, by clause, grade and status
    assert_eq!(
        one(
            "SELECT count(*) FROM (
               SELECT audit_id, clause_key, clause_id, grade_rank, status, count(*) FROM findings
                 GROUP BY 1, 2, 3, 4, 5
               EXCEPT SELECT audit_id, clause_key, clause_id, grade_rank, status, n FROM finding_tally)"
        ),
        0
    );
    assert_eq!(one("SELECT sum(n) FROM finding_tally"), 10_000);
    // references: 1, 2, 3... per prefix, none twice, none missing
    assert_eq!(
        one(
            "SELECT count(*) FROM (SELECT ref_prefix FROM findings GROUP BY ref_prefix
               HAVING min(ref_seq) <> 1 OR max(ref_seq) <> count(*)
                   OR count(DISTINCT reference) <> count(*))"
        ),
        0
    );
    // made in order, the ids sort in the order the rows were made
    assert_eq!(
        one(
            "SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY rowid) AS before
               FROM findings) WHERE before >= id"
        ),
        0
    );
    // every index and trigger is back; the text index finds the rows
    assert_eq!(s.verify_schema().unwrap(), None);
    assert_eq!(
        one("SELECT count(*) FROM finding_text WHERE body LIKE '%interview note 499%'"),
        20
    );
    let chain = s.verify_history().unwrap();
    assert_eq!(chain.broken, None);
    assert_eq!(
        one("SELECT count(*) FROM history WHERE entity = 'finding' AND field = 'created'"),
        10_000
    );
    assert_eq!(
        s.verify_data().unwrap(),
        None,
        "every record matches the trail"
    );
    // a single insert after it keeps the tally and the numbering going
    let f = s
        .add_finding(&audit.id, &finding("8.2", Grade::Major, "After the load"))
        .unwrap();
    let majors = s
        .connection()
        .query_row(
            "SELECT count(*) FROM findings WHERE ref_prefix = ?1",
            [&f.reference[..f.reference.rfind('-').unwrap()]],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    assert_eq!(f.reference, format!("NC-{majors:03}"));
    assert_eq!(
        one_of(&s, "SELECT sum(n) FROM finding_tally"),
        10_001,
        "the tally's trigger is back"
    );
}

fn one_of(s: &Store, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A reported audit is read-only: a bulk load into it is refused before
/// anything is written, as each of its inserts would have been.
#[test]
fn a_bulk_load_into_a_reported_audit_is_refused_and_writes_nothing() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let audit = new_audit(&mut s);
    s.set_audit_status(&audit.id, AuditStatus::Reported)
        .unwrap();
    let cat = s.catalogue(&audit.catalogue_id).unwrap();
    let before = one_of(&s, "SELECT count(*) FROM history");
    let schema = one_of(&s, "SELECT count(*) FROM sqlite_schema");
    let err = auditbench::demo::add_scale(&mut s, &audit.id, &cat, 10_000)
        .unwrap_err()
        .to_string();
    assert!(err.contains("the audit is reported"), "{err}");
    assert_eq!(one_of(&s, "SELECT count(*) FROM findings"), 0);
    assert_eq!(one_of(&s, "SELECT count(*) FROM history"), before);
    assert_eq!(one_of(&s, "SELECT count(*) FROM sqlite_schema"), schema);
    assert_eq!(s.verify_schema().unwrap(), None);
}

fn interview_for(audit_id: &str, who: &str) -> Interview {
    Interview {
        id: String::new(),
        audit_id: audit_id.into(),
        interviewee: who.into(),
        role: "Change manager".into(),
        held_at: "2026-11-16 11:00 UTC".into(),
        clauses: "8.5.1.3".into(),
        notes: "notes, \"quoted\"\nsecond line é".into(),
        created_at: String::new(),
        updated_at: String::new(),
        interviewer: "Jordan Lee".into(),
    }
}

fn sample_for(audit_id: &str, items: &str) -> Sample {
    Sample {
        id: String::new(),
        audit_id: audit_id.into(),
        clause_id: "8.5.1.3".into(),
        population: "changes Q3 (214)".into(),
        method: SampleMethod::Judgement,
        size: 5,
        items: items.into(),
        result: "1 NC".into(),
        created_at: String::new(),
        updated_at: String::new(),
        period_from: String::new(),
        period_to: String::new(),
    }
}

/// In a bulk load auditbench writes the "created" rows of the trail for
/// findings, samples and interviews itself, instead of their triggers:
/// the rows, their order, numbering, actor and chain are the triggers'.
#[test]
fn a_bulk_load_writes_the_trail_its_triggers_would() {
    let rows = |b: &mut store::Batch<'_>, audit_id: &str| -> store::Result<()> {
        let many: Vec<NewFinding> = (0..12)
            .map(|i| {
                let grade = Grade::ALL[i % 5];
                let mut f = finding("8.5.1.3", grade, &format!("Finding {i}, \"quoted\" é"));
                f.evidence = format!("CHG-{i}\nline two");
                f
            })
            .collect();
        b.add_findings(audit_id, &many[..5])?;
        b.sample(&sample_for(audit_id, "CHG-1, CHG-2"))?;
        b.add_findings(audit_id, &many[5..])?;
        b.interview(&interview_for(audit_id, "Marc Olsen"))?;
        b.add_finding(audit_id, &finding("9.2", Grade::Ofi, "one at a time"))?;
        b.sample(&sample_for(audit_id, "CHG-3"))?;
        Ok(())
    };
    let made = |bulk: bool| {
        let env = Env::new();
        let mut s = Store::open_with_clock(&env.db, fixed_clock()).unwrap();
        let audit = new_audit(&mut s);
        let from = one_of(&s, "SELECT max(seq) FROM history");
        if bulk {
            s.with_audit_bulk_loaded(&audit.id, |s| s.batch(|b| rows(b, &audit.id)))
                .unwrap();
        } else {
            s.batch(|b| rows(b, &audit.id)).unwrap();
        }
        assert_eq!(s.verify_history().unwrap().broken, None, "bulk: {bulk}");
        assert_eq!(s.verify_data().unwrap(), None, "bulk: {bulk}");
        assert_eq!(s.verify_schema().unwrap(), None, "bulk: {bulk}");
        let trail: Vec<_> = s
            .audit_history(&audit.id)
            .unwrap()
            .into_iter()
            .filter(|e| e.seq > from)
            .collect();
        (env, trail)
    };
    let (_a, by_triggers) = made(false);
    let (_b, by_bulk) = made(true);
    // 13 findings, 2 samples, 1 interview; the audit starts (one row, by
    // the trigger at the first finding, or once after the bulk load)
    assert_eq!(
        by_triggers.iter().filter(|e| e.field == "created").count(),
        16,
        "{by_triggers:#?}"
    );
    let created = |t: &[HistoryEntry]| {
        // in order, without the numbers: the audit's start is recorded
        // before the first finding by its trigger, after the load by the
        // bulk load
        t.iter()
            .filter(|e| e.field == "created")
            .map(|e| HistoryEntry {
                seq: 0,
                ..e.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(created(&by_bulk), created(&by_triggers));
    assert!(
        by_bulk.iter().all(|e| e.actor == "Jordan Lee"),
        "{by_bulk:#?}"
    );
}

/// A bulk load records the rows it was not handed through a batch too
/// (here a finding raised the interactive way), and a batch rolled back
/// inside it leaves no trace in the trail.
#[test]
fn a_bulk_load_records_every_row_and_forgets_a_rolled_back_batch() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let audit = new_audit(&mut s);
    let id = audit.id.clone();
    s.with_audit_bulk_loaded(&id, |s| {
        s.batch(|b| b.add_findings(&id, &[finding("8.2", Grade::Minor, "kept 1")]))?;
        let failed: store::Result<()> = s.batch(|b| {
            b.add_findings(&id, &[finding("8.2", Grade::Minor, "rolled back")])?;
            b.sample(&sample_for(&id, "rolled back"))?;
            Err(store::Error::Invalid("stopped".into()))
        });
        assert!(failed.is_err());
        s.batch(|b| {
            b.add_findings(&id, &[finding("8.3", Grade::Major, "kept 2")])?;
            b.sample(&sample_for(&id, "kept"))?;
            Ok(())
        })?;
        s.add_finding(
            &id,
            &finding("9.1", Grade::Ofi, "raised the interactive way"),
        )?;
        Ok(())
    })
    .unwrap();
    assert_eq!(s.verify_history().unwrap().broken, None);
    assert_eq!(
        s.verify_data().unwrap(),
        None,
        "every record matches the trail"
    );
    assert_eq!(s.verify_schema().unwrap(), None);
    let titles: Vec<String> = s
        .connection()
        .prepare(
            "SELECT json_extract(new, '$.title') FROM history
             WHERE entity = 'finding' AND field = 'created' ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(titles, ["kept 1", "kept 2", "raised the interactive way"]);
    assert_eq!(
        one_of(
            &s,
            "SELECT count(*) FROM history WHERE entity = 'sample' AND field = 'created'"
        ),
        1
    );
    // the insert triggers are back: a finding added now is recorded by them
    s.add_finding(&id, &finding("9.2", Grade::Ofi, "after"))
        .unwrap();
    assert_eq!(
        one_of(
            &s,
            "SELECT count(*) FROM history WHERE entity = 'finding' AND field = 'created'"
        ),
        4
    );
}

/// Whether an audit has more interviews and samples than a number: counted
/// only up to one more than it.
#[test]
fn more_records_than_counts_interviews_and_samples_together() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let n = s.interview_and_sample_count(&id).unwrap();
    assert!(n > 3, "{n}");
    assert!(s.more_records_than(&id, 0).unwrap());
    assert!(s.more_records_than(&id, n - 1).unwrap());
    assert!(!s.more_records_than(&id, n).unwrap());
    assert!(!s.more_records_than(&id, usize::MAX).unwrap());
    assert!(!s.more_records_than("no such audit", 0).unwrap());
}
