//! The audit team (issue 16) through the real binary: a lead and two
//! auditors on three audit files, `team share` / `join` / `merge`, a day of
//! work each, conflicts listed and settled, references finalised; at the
//! end the three files export the same audit. And the refusals.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use auditbench::domain::{Grade, Interview, NewFinding, Sample, SampleMethod, Stage};
use auditbench::store::{FindingField, FindingFilter, OpenOptions, Store};
use common::{fails, Env};

/// A laptop: its own audit file, its auditor.
struct Laptop {
    env: Env,
    name: &'static str,
}

impl Laptop {
    fn new(name: &'static str) -> Laptop {
        Laptop {
            env: Env::new(),
            name,
        }
    }

    fn ok(&self, args: &[&str]) -> String {
        let mut a = vec!["--auditor", self.name, "--keep-backups", "0"];
        a.extend_from_slice(args);
        self.env.ok(&a)
    }

    fn store(&self) -> Store {
        let opts = OpenOptions {
            create: false,
            actor: self.name.to_string(),
            keep_backups: 0,
            ..OpenOptions::default()
        };
        Store::open_with(&self.env.db, &opts).expect("the audit file opens")
    }

    fn file(&self, name: &str) -> String {
        self.env.path(name).display().to_string()
    }
}

/// A day of work on one laptop: findings raised, written, regraded and
/// deleted, samples and interviews, clause notes, citations (≈300 edits).
fn day_of_work(l: &Laptop, audit: &str, seed: usize) -> usize {
    let mut s = l.store();
    let clauses = ["8.2.3", "8.5.1.1", "8.6.1", "8.7.2", "9.2", "7.5.3"];
    let mut edits = 0;
    let mut mine: Vec<String> = Vec::new();
    for i in 0..20 {
        let f = s
            .add_finding(
                audit,
                &NewFinding {
                    clause_id: clauses[(i + seed) % clauses.len()].to_string(),
                    stage: Stage::TWO,
                    grade: if i % 3 == 0 {
                        Grade::Minor
                    } else {
                        Grade::Observation
                    },
                    title: format!("{} finding {i}", l.name),
                    requirement: String::new(),
                    statement: format!("Seen by {} on walk {i}", l.name),
                    evidence: String::new(),
                    raised_by: l.name.to_string(),
                    due_date: String::new(),
                },
            )
            .unwrap();
        mine.push(f.id);
        edits += 1;
    }
    let sample = s
        .save_sample(&Sample {
            id: String::new(),
            audit_id: audit.to_string(),
            clause_id: clauses[seed % clauses.len()].to_string(),
            population: format!("{}'s change records", l.name),
            method: SampleMethod::parse("statistical").unwrap(),
            size: 10,
            items: "CHG-1 … CHG-10".into(),
            result: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            period_from: "2026-06-01".into(),
            period_to: "2026-09-30".into(),
        })
        .unwrap();
    edits += 1;
    for round in 0..14 {
        for (i, id) in mine.iter().enumerate() {
            let field = [FindingField::Evidence, FindingField::Statement][round % 2];
            s.set_finding_field(id, field, &format!("{} round {round} item {i}", l.name))
                .unwrap();
            edits += 1;
        }
    }
    for id in mine.iter().take(3) {
        s.set_finding_samples(id, std::slice::from_ref(&sample.id))
            .unwrap();
        edits += 1;
    }
    s.set_finding_grade(&mine[1], Grade::Minor).unwrap();
    s.delete_finding(&mine[2]).unwrap();
    for i in 0..5 {
        s.save_interview(&Interview {
            id: String::new(),
            audit_id: audit.to_string(),
            interviewee: format!("Person {i} met by {}", l.name),
            role: "Service owner".into(),
            held_at: "2026-11-17 10:00".into(),
            clauses: clauses[i % clauses.len()].into(),
            notes: format!("Notes {i}"),
            created_at: String::new(),
            updated_at: String::new(),
            interviewer: l.name.to_string(),
        })
        .unwrap();
        edits += 1;
    }
    // the lead's demo findings everyone touches: the same field of NC-002
    // written on each laptop, OBS-002 deleted by one and edited by another
    let nc2 = s.finding_by_ref(audit, "NC-002").unwrap();
    s.set_finding_field(
        &nc2.id,
        FindingField::RootCause,
        &format!("Root cause as {} sees it", l.name),
    )
    .unwrap();
    edits += 3;
    edits
}

fn exports(l: &Laptop, audit: &str) -> (String, String) {
    (
        l.ok(&["export", "--audit", audit]),
        l.ok(&["finding", "list", "--audit", audit]),
    )
}

#[test]
fn a_lead_and_two_auditors_work_a_day_each_and_end_with_one_audit() {
    let lead = Laptop::new("Jordan Lee");
    let sam = Laptop::new("Sam Ortiz");
    let kim = Laptop::new("Kim Park");
    let audit = lead.ok(&["demo"]);
    let audit = audit.lines().next().unwrap().to_string();
    let day0 = lead.file("day0.team");
    let said = lead.ok(&["team", "share", "--audit", &audit, "--out", &day0]);
    assert!(said.contains("records of Northwind"), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&day0).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a team file is its owner's only");
    }
    for m in [&sam, &kim] {
        let said = m.ok(&["team", "join", &day0]);
        assert!(said.starts_with(&audit), "{said}");
        assert!(
            said.contains("joined Northwind Managed Services Ltd from the team file of Jordan Lee"),
            "{said}"
        );
        assert!(said.contains("provisional references (NC-"), "{said}");
    }
    // the joined files hold the lead's audit already
    assert_eq!(exports(&sam, &audit), exports(&lead, &audit));

    // a day of work each
    let mut total = 0;
    for (i, l) in [&lead, &sam, &kim].into_iter().enumerate() {
        total += day_of_work(l, &audit, i);
    }
    assert!(total >= 900, "{total} edits");
    {
        let mut k = kim.store();
        let obs = k.finding_by_ref(&audit, "OBS-002").unwrap();
        k.delete_finding(&obs.id).unwrap();
        let mut l = lead.store();
        let obs = l.finding_by_ref(&audit, "OBS-002").unwrap();
        l.set_finding_field(
            &obs.id,
            FindingField::Evidence,
            "Trend analysis seen for Q3 only",
        )
        .unwrap();
    }
    // a member's new findings have provisional references
    let sams = sam.ok(&["finding", "list", "--audit", &audit]);
    assert!(sams.lines().any(|l| l.starts_with("NC-SO")), "{sams}");

    // evening: the auditors send their files to the lead
    let sam1 = sam.file("sam1.team");
    let kim1 = kim.file("kim1.team");
    sam.ok(&["team", "share", "--audit", &audit, "--out", &sam1]);
    kim.ok(&["team", "share", "--audit", &audit, "--out", &kim1]);
    let from_sam = lead.ok(&["team", "merge", &sam1]);
    assert!(
        from_sam.contains("merged from Sam Ortiz: 19 new findings"),
        "{from_sam}"
    );
    assert!(from_sam.contains("made by Sam Ortiz"), "{from_sam}");
    let from_kim = lead.ok(&["team", "merge", &kim1]);
    assert!(from_kim.contains("from Kim Park"), "{from_kim}");
    // idempotent: the same file again changes nothing
    let before = exports(&lead, &audit);
    let again = lead.ok(&["team", "merge", &kim1]);
    assert!(again.contains("nothing new (already merged)"), "{again}");
    assert_eq!(exports(&lead, &audit), before);

    // the conflicts: NC-002's root cause three ways, OBS-002 deleted and edited
    let listed = lead.ok(&["team", "conflicts", "--audit", &audit]);
    assert!(listed.contains("root_cause"), "{listed}");
    assert!(
        listed.contains("Root cause as Sam Ortiz sees it"),
        "{listed}"
    );
    assert!(listed.contains("(Kim Park, 20"), "{listed}");
    assert!(
        listed.contains("deleted on one laptop, edited on another"),
        "{listed}"
    );
    // no report while they stand
    fails(
        &lead.env,
        &["report", "--audit", &audit, "--format", "md", "--out", "-"],
        "team conflict",
    );
    fails(
        &lead.env,
        &["audit", "report", "--audit", &audit],
        "team conflict",
    );
    // the lead settles them: both kept for the text, the record kept
    loop {
        let listed = lead.ok(&["team", "conflicts", "--audit", &audit]);
        if listed == "no conflicts" {
            break;
        }
        let first = listed.lines().next().unwrap();
        let args: Vec<&str> = if first.contains("deleted on one laptop") {
            vec!["--take", "kept"]
        } else if first.contains("root_cause")
            || first.contains("evidence")
            || first.contains("statement")
        {
            vec!["--keep-both"]
        } else {
            panic!("an unexpected conflict: {listed}");
        };
        let mut a = vec!["team", "resolve", "--audit", &audit, "--conflict", "1"];
        a.extend(args);
        let said = lead.ok(&a);
        assert!(said.starts_with("settled"), "{said}");
    }
    let nc2 = lead.ok(&["export", "--audit", &audit]);
    assert!(
        nc2.contains("Root cause as Jordan Lee sees it [Jordan Lee]"),
        "both kept with who wrote them"
    );
    // the lead finalises the numbering
    let renumbered = lead.ok(&["team", "finalise", "--audit", &audit]);
    assert_eq!(renumbered.lines().count(), 38, "{renumbered}");
    assert!(
        renumbered.lines().all(|l| l.contains(" → ")),
        "{renumbered}"
    );

    // the lead's file goes back to both auditors; they also swap theirs
    let lead1 = lead.file("lead1.team");
    lead.ok(&["team", "share", "--audit", &audit, "--out", &lead1]);
    sam.ok(&["team", "merge", &lead1]);
    kim.ok(&["team", "merge", &kim1]);
    kim.ok(&["team", "merge", &lead1]);
    kim.ok(&["team", "merge", &sam1]);
    sam.ok(&["team", "merge", &kim1]);

    let (csv, list) = exports(&lead, &audit);
    for m in [&sam, &kim] {
        let (c, l) = exports(m, &audit);
        assert_eq!(c, csv, "{} exports the lead's CSV", m.name);
        assert_eq!(l, list);
        assert!(m.ok(&["verify"]).starts_with("The file is intact"));
        assert_eq!(
            m.ok(&["team", "conflicts", "--audit", &audit]),
            "no conflicts"
        );
    }
    assert!(lead.ok(&["verify"]).starts_with("The file is intact"));
    // references: unique, final, none given twice
    let refs: Vec<&str> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let unique: BTreeSet<&&str> = refs.iter().collect();
    assert_eq!(unique.len(), refs.len(), "{list}");
    assert!(refs.iter().all(|r| r.split('-').count() == 2), "{list}");
    // 12 demo findings − OBS-002 kept + 3 × (20 − 1 deleted) = 69
    assert_eq!(refs.len(), 12 + 57, "{list}");
    // the trail names who made each change, merged ones too
    let trail = lead.ok(&["history", "--audit", &audit]);
    assert!(trail.contains("Sam Ortiz"), "the merged changes name Sam");
    assert!(trail.contains("Kim Park"));
    // what came from whom, on the lead's laptop
    let status = lead.ok(&["team", "status", "--audit", &audit]);
    assert!(status.contains("this laptop is the lead"), "{status}");
    for n in ["Jordan Lee (this laptop)", "Sam Ortiz", "Kim Park"] {
        assert!(status.contains(n), "{status}");
    }
    assert!(status.contains("from Kim Park"), "{status}");
    // citations and samples travelled
    let s = kim.store();
    assert_eq!(s.samples(&audit).unwrap().len(), 5 + 3);
    assert_eq!(s.interviews(&audit).unwrap().len(), 5 + 15);
    let cites = |s: &Store| {
        let mut v: Vec<String> = s
            .citations(&audit)
            .unwrap()
            .iter()
            .map(|c| format!("{c:?}"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(cites(&s), cites(&lead.store()));
    // and now the report
    let report = lead.ok(&["report", "--audit", &audit, "--format", "md", "--out", "-"]);
    assert!(
        report.contains("NC-005"),
        "the finalised references in the report"
    );
}

fn set_manifest(path: &Path, key: &str, value: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute(
        "UPDATE manifest SET value = ?2 WHERE key = ?1",
        [key, value],
    )
    .unwrap();
}

#[test]
fn team_files_of_a_newer_format_of_another_audit_or_none_are_refused_in_one_line() {
    let lead = Laptop::new("Jordan Lee");
    let audit = lead.ok(&["demo"]);
    let audit = audit.lines().next().unwrap().to_string();
    let day0 = lead.env.path("day0.team");
    lead.ok(&[
        "team",
        "share",
        "--audit",
        &audit,
        "--out",
        &day0.display().to_string(),
    ]);
    let sam = Laptop::new("Sam Ortiz");
    sam.ok(&["team", "join", &day0.display().to_string()]);
    let before = std::fs::read(&sam.env.db).unwrap();
    // a newer format
    let newer = sam.env.path("newer.team");
    std::fs::copy(&day0, &newer).unwrap();
    set_manifest(&newer, "format", "99");
    fails(
        &sam.env,
        &["team", "merge", &newer.display().to_string()],
        "newer format",
    );
    // another audit
    let other = Laptop::new("Ann Other");
    let oid = other.ok(&["demo"]);
    let oid = oid.lines().next().unwrap().to_string();
    let ofile = other.env.path("other.team");
    other.ok(&[
        "team",
        "share",
        "--audit",
        &oid,
        "--out",
        &ofile.display().to_string(),
    ]);
    fails(
        &sam.env,
        &["team", "merge", &ofile.display().to_string()],
        "another audit",
    );
    // not a team file at all
    let junk = sam.env.path("notes.txt");
    std::fs::write(&junk, "minutes of the opening meeting").unwrap();
    fails(
        &sam.env,
        &["team", "merge", &junk.display().to_string()],
        "not an auditbench team file",
    );
    fails(
        &sam.env,
        &["team", "merge", "/nowhere/x.team"],
        "no team file",
    );
    // joining twice
    fails(
        &sam.env,
        &["team", "join", &day0.display().to_string()],
        "already in this file",
    );
    // a member does not finalise
    fails(
        &sam.env,
        &["team", "finalise", "--audit", &audit],
        "only the lead",
    );
    // nothing was changed by the refusals
    drop(before);
    let s = sam.store();
    assert_eq!(
        s.findings(&audit, &FindingFilter::default()).unwrap().len(),
        12
    );
    assert_eq!(s.team_info(&audit).unwrap().unwrap().merges.len(), 1);
}
