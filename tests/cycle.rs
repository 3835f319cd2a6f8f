//! The certification cycle through the real binary on a temp file: clients,
//! an initial stage 2 with a major and two minors, reported; a surveillance
//! that carries them, verifies one, accepts a plan, escalates one; a second
//! surveillance that carries what is left; a 2011 finding carried into a
//! 2018 follow-up through the edition mapping; and the trail intact.

mod common;

use auditbench::store::Store;
use common::*;

fn finding(env: &Env, audit: &str, clause: &str, grade: &str, title: &str) -> String {
    env.ok(&[
        "finding",
        "add",
        "--audit",
        audit,
        "--clause",
        clause,
        "--grade",
        grade,
        "--title",
        title,
        "--statement",
        title,
    ])
}

/// `new --follow-up`: (the new audit's id, what it said on stderr).
fn follow_up(env: &Env, prev: &str, extra: &[&str]) -> (String, String) {
    let mut args = vec!["new", "--follow-up", prev];
    args.extend_from_slice(extra);
    if !extra.contains(&"--type") {
        args.extend_from_slice(&["--type", "surveillance"]);
    }
    let out = env.cmd().args(&args).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_cycle_carries_open_findings_until_they_are_verified() {
    let env = Env::new();
    let initial = env.ok(&[
        "new",
        "--org",
        "Acme Hosting",
        "--type",
        "stage2",
        "--lead",
        "Jordan Lee",
        "--start",
        "2025-11-10",
        "--end",
        "2025-11-12",
    ]);
    assert_eq!(
        finding(
            &env,
            &initial,
            "8.7.2",
            "major",
            "Continuity plan never tested"
        ),
        "NC-001"
    );
    assert_eq!(
        finding(
            &env,
            &initial,
            "8.5.1.3",
            "minor",
            "Emergency change without review"
        ),
        "NC-002"
    );
    assert_eq!(
        finding(&env, &initial, "9.2", "minor", "Audit programme incomplete"),
        "NC-003"
    );
    finding(
        &env,
        &initial,
        "8.6.1",
        "observation",
        "Incident categories overlap",
    );
    env.ok(&["audit", "report", "--audit", &initial]);

    // one client, attached by name
    let clients = env.ok(&["client", "list"]);
    assert!(clients.contains("Acme Hosting"), "{clients}");
    assert_eq!(clients.lines().count(), 2, "{clients}");

    // surveillance 1 carries the three NCs and the observation
    let (s1, said) = follow_up(&env, &initial, &["--start", "2026-11-09"]);
    assert!(said.contains("4 findings carried"), "{said}");
    let list = env.ok(&["carried", "list", "--audit", &s1]);
    for r in ["NC-001", "NC-002", "NC-003", "OBS-001"] {
        assert!(list.contains(r), "{r} in {list}");
    }
    assert!(list.contains("Stage 2 2025-11-10"), "{list}");
    assert!(list.contains("To verify"), "{list}");
    {
        // the recommendation counts the carried major as open
        let store = Store::open(&env.db).unwrap();
        assert_eq!(store.nc_tally(&s1).unwrap().open_majors, 1);
        let a = store.audit(&s1).unwrap();
        assert_eq!(a.follows, initial);
        assert_eq!(a.organisation, "Acme Hosting");
    }

    // closing as effective needs evidence; an NC is never "looked at"
    fails(
        &env,
        &[
            "carried",
            "set",
            "--audit",
            &s1,
            "--ref",
            "NC-001",
            "--outcome",
            "effective",
        ],
        "needs the verification evidence",
    );
    fails(
        &env,
        &[
            "carried",
            "set",
            "--audit",
            &s1,
            "--ref",
            "NC-001",
            "--outcome",
            "looked_at",
        ],
        "is a nonconformity",
    );
    env.ok(&[
        "carried",
        "set",
        "--audit",
        &s1,
        "--ref",
        "NC-001",
        "--outcome",
        "effective",
        "--evidence",
        "Test report DR-2026-03, restore in 3 h",
    ]);
    env.ok(&[
        "carried",
        "set",
        "--audit",
        &s1,
        "--ref",
        "NC-002",
        "--outcome",
        "still_open",
    ]);
    let raised = env.ok(&[
        "carried",
        "set",
        "--audit",
        &s1,
        "--ref",
        "NC-003",
        "--outcome",
        "not_effective",
        "--evidence",
        "Programme still omits supplier management",
        "--raise",
        "major",
    ]);
    assert!(raised.contains("raised NC-001 (Major NC)"), "{raised}");
    env.ok(&[
        "carried",
        "set",
        "--audit",
        &s1,
        "--ref",
        "OBS-001",
        "--outcome",
        "looked_at",
    ]);
    {
        let store = Store::open(&env.db).unwrap();
        // the carried major is verified; the escalated one is a new open major
        assert_eq!(store.nc_tally(&s1).unwrap().open_majors, 1);
        let findings = store
            .findings(&s1, &auditbench::store::FindingFilter::default())
            .unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].clause_id, "9.2");
        assert!(findings[0]
            .statement
            .contains("NC-003 (Stage 2 2025-11-10, clause 9.2) was not effective"));
    }
    // the report's previous findings, in each format
    let html = env.path("s1.html");
    env.ok(&["report", "--audit", &s1, "--out", html.to_str().unwrap()]);
    let html = std::fs::read_to_string(html).unwrap();
    assert!(
        html.contains("Findings of earlier audits followed up (4)"),
        "{html}"
    );
    assert!(html.contains("NC-003 · Stage 2 2025-11-10"));
    assert!(
        html.contains("Not effective; raised NC-001"),
        "the replacement named"
    );
    let md = env.path("s1.md");
    env.ok(&[
        "report",
        "--audit",
        &s1,
        "--format",
        "md",
        "--out",
        md.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(md).unwrap();
    assert!(
        md.contains("| NC-001 · Stage 2 2025-11-10 | Major NC | 8\\.7.2 |"),
        "{md}"
    );
    let docx = env.path("s1.docx");
    env.ok(&[
        "report",
        "--audit",
        &s1,
        "--format",
        "docx",
        "--out",
        docx.to_str().unwrap(),
    ]);
    let mut xml = String::new();
    use std::io::Read;
    zip::ZipArchive::new(std::fs::File::open(docx).unwrap())
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("Findings of earlier audits followed up (4)"));
    assert!(xml.contains("Closed, effective"));

    env.ok(&["audit", "report", "--audit", &s1]);
    // a reported follow-up's outcomes are frozen
    let out = env
        .cmd()
        .args([
            "carried",
            "set",
            "--audit",
            &s1,
            "--ref",
            "NC-002",
            "--outcome",
            "effective",
            "--evidence",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reported"));

    // surveillance 2: the plan still open and the escalated major; not the
    // verified one, not the one replaced, not the old observation
    let (s2, said) = follow_up(&env, &s1, &["--start", "2027-11-08"]);
    assert!(said.contains("2 findings carried"), "{said}");
    let list = env.ok(&["carried", "list", "--audit", &s2]);
    assert!(
        list.contains("NC-002") && list.contains("Emergency change"),
        "{list}"
    );
    assert!(
        list.contains("Surveillance 2026-11-09"),
        "the escalated major, raised in S1: {list}"
    );
    assert!(
        !list.contains("OBS-001") && !list.contains("Continuity plan"),
        "{list}"
    );

    let show = env.ok(&["client", "show", "--client", "Acme Hosting"]);
    assert_eq!(show.matches("Surveillance").count(), 2, "{show}");
    assert!(
        show.contains("carried NCs still to verify: 1 major, 1 minor"),
        "{show}"
    );

    // the programme before the recertification: clauses no visit audited
    let p = env.ok(&["programme", "--client", "Acme Hosting"]);
    assert!(
        p.contains("clauses not audited on any visit of the cycle yet"),
        "{p}"
    );
    // the recertification audits what the cycle left (here: every clause);
    // then the programme has nothing left to warn about
    let (re, _) = follow_up(
        &env,
        &s2,
        &["--type", "recertification", "--start", "2028-11-06"],
    );
    {
        let s = Store::open(&env.db).unwrap();
        let cat = s.catalogue(&s.audit(&re).unwrap().catalogue_id).unwrap();
        drop(s);
        for c in cat.assessable_ids() {
            audited(&env, &re, c);
        }
    }
    let p = env.ok(&["programme", "--client", "Acme Hosting"]);
    assert!(p.contains("V4  Recertification 2028-11-06"), "{p}");
    assert!(!p.contains("not audited on any visit"), "{p}");
    // (surveillance 2 is still to be walked: its every-visit clauses are named)
    assert!(
        p.contains("! Surveillance 2027-11-08: every-visit clauses not audited"),
        "{p}"
    );
    assert!(!p.contains("! Recertification"), "{p}");

    // the whole trail holds, clients and carried items included
    let verify = env.ok(&["verify"]);
    assert!(verify.contains("every record matches them"), "{verify}");
}

#[test]
fn a_2011_finding_is_carried_to_its_2018_clause() {
    let env = Env::new();
    let old = env.ok(&[
        "new",
        "--org",
        "Legacy Ltd",
        "--type",
        "stage2",
        "--edition",
        "2011",
        "--start",
        "2024-05-01",
    ]);
    finding(
        &env,
        &old,
        "9.2",
        "minor",
        "Changes classified after the fact",
    );
    finding(
        &env,
        &old,
        "6.3.2",
        "major",
        "Availability targets never measured",
    );
    let (new, said) = follow_up(
        &env,
        &old,
        &["--edition", "2018", "--type", "recertification"],
    );
    assert!(
        said.contains("Recertification") && said.contains("2 findings carried"),
        "{said}"
    );
    let list = env.ok(&["carried", "list", "--audit", &new]);
    assert!(list.contains("8.5.1 (was 9.2)"), "{list}");
    assert!(list.contains("8.7.1 (was 6.3.2)"), "{list}");
    let a = Store::open(&env.db).unwrap().audit(&new).unwrap();
    assert_eq!(a.edition, "2018");

    // the mapping and the new requirements of 2018
    let map = env.ok(&["catalogue", "--map", "2011:2018"]);
    assert!(
        map.lines()
            .any(|l| l.starts_with("9.2") && l.contains("-> 8.5.1")),
        "{map}"
    );
    assert!(map.contains("no 2011 counterpart"));
    assert!(
        map.lines()
            .any(|l| l.starts_with("4.1 ") && l.contains("context")),
        "{map}"
    );
    fails(
        &env,
        &["catalogue", "--map", "2018:2011"],
        "available: 2011:2018",
    );
    // a follow-up of a stage 1 is refused in one line
    let s1 = env.ok(&["new", "--org", "Other", "--type", "stage1"]);
    fails(
        &env,
        &["new", "--follow-up", &s1, "--type", "stage2"],
        "accepted: surveillance, recertification, special, internal",
    );
}

/// Mark a stage 2 clause done on an audit, as the walk does.
fn audited(env: &Env, audit: &str, clause: &str) {
    let mut s = Store::open(&env.db).unwrap();
    let mut r = s
        .clause_review(audit, clause, auditbench::domain::Stage::TWO)
        .unwrap();
    r.status = auditbench::domain::ClauseStatus::Done;
    s.save_clause_review(&r).unwrap();
}

#[test]
fn the_programme_shows_clauses_by_visit_and_what_the_cycle_misses() {
    let env = Env::new();
    let old = env.ok(&[
        "new",
        "--org",
        "Cycle plc",
        "--type",
        "stage2",
        "--edition",
        "2011",
        "--start",
        "2024-03-04",
    ]);
    audited(&env, &old, "9.2"); // change management in 2011
    audited(&env, &old, "4.5.4.2"); // internal audit in 2011
    let (s1, _) = follow_up(&env, &old, &["--edition", "2018", "--start", "2025-03-03"]);
    for c in ["9.2", "9.3", "10.1", "8.5.1.1", "8.3.2"] {
        audited(&env, &s1, c);
    }
    let p = env.ok(&["programme", "--client", "Cycle plc"]);
    assert!(
        p.contains("V1  Stage 2 2024-03-04") && p.contains("V2  Surveillance 2025-03-03"),
        "{p}"
    );
    // the 2011 visit's clauses shown on their 2018 rows
    let row = |id: &str| {
        p.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} in {p}"))
            .to_string()
    };
    assert!(row("9.2*").contains("✓   ✓"), "{}", row("9.2*"));
    assert!(row("8.5.1.1*").contains("✓   ✓"), "{}", row("8.5.1.1*"));
    assert!(row("8.2.5").contains("·   ·"), "{}", row("8.2.5"));
    // the initial visit missed management review; the surveillance none
    assert!(
        p.contains("! Stage 2 2024-03-04: every-visit clauses not audited: 9.3, 10.1, 8.3.2"),
        "{p}"
    );
    assert!(!p.contains("! Surveillance 2025-03-03"), "{p}");
    assert!(p.contains("clauses not audited on any visit of the cycle yet"));
    let csv = env.ok(&["programme", "--client", "Cycle plc", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head = r.headers().unwrap().clone();
    assert_eq!(&head[3], "Stage 2 2024-03-04");
    let nine_two = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "9.2")
        .unwrap();
    assert_eq!(
        (&nine_two[2], &nine_two[3], &nine_two[4]),
        ("yes", "audited", "audited")
    );
}

/// After the report the findings are frozen, but the client's responses,
/// the plan reviews and the verifications are recorded beside them, each
/// its own record in the trail, with the deadlines the grades set.
#[test]
fn responses_after_the_report_are_recorded_without_reopening() {
    let env = Env::new();
    let a = env.ok(&[
        "new",
        "--org",
        "After plc",
        "--type",
        "stage2",
        "--start",
        "2026-01-12",
        "--end",
        "2026-01-14",
    ]);
    finding(&env, &a, "8.7.2", "major", "Continuity plan never tested");
    finding(&env, &a, "9.2", "minor", "Audit programme incomplete");
    finding(&env, &a, "8.6.1", "observation", "Categories overlap");
    let resp = |args: &[&str]| {
        let mut v = vec!["response"];
        v.extend_from_slice(args);
        env.ok(&v)
    };
    // not before the report
    fails(
        &env,
        &[
            "response", "add", "--audit", &a, "--ref", "NC-001", "--action", "Test it",
        ],
        "not reported yet",
    );
    env.ok(&["audit", "report", "--audit", &a]);
    let due = env.ok(&["due", "--audit", &a]);
    assert!(
        due.contains("NC-001") && due.contains("awaits the client's response"),
        "{due}"
    );
    assert!(
        due.contains("2026-07-15"),
        "a major: 182 days after the last day: {due}"
    );
    assert!(due.contains("2026-04-14"), "a minor's plan: 90 days: {due}");
    assert!(!due.contains("OBS"), "{due}");

    fails(
        &env,
        &[
            "response", "add", "--audit", &a, "--ref", "OBS-001", "--action", "x",
        ],
        "needs no response",
    );
    resp(&[
        "add",
        "--audit",
        &a,
        "--ref",
        "NC-001",
        "--correction",
        "Plan tested on 2026-02-03",
        "--root-cause",
        "No test schedule",
        "--action",
        "Yearly test in the SMS plan",
        "--due",
        "2026-03-01",
    ]);
    assert!(env
        .ok(&["due", "--audit", &a])
        .contains("awaits the plan's review"));
    resp(&[
        "review",
        "--audit",
        &a,
        "--ref",
        "NC-001",
        "--reject",
        "No owner named",
    ]);
    assert!(env
        .ok(&["due", "--audit", &a])
        .contains("the plan was rejected"));
    resp(&[
        "add",
        "--audit",
        &a,
        "--ref",
        "NC-001",
        "--action",
        "Yearly test, owner: continuity manager",
    ]);
    resp(&["review", "--audit", &a, "--ref", "NC-001", "--accept"]);
    let due = env.ok(&["due", "--audit", &a]);
    assert!(
        due.lines()
            .any(|l| l.contains("NC-001") && l.contains("awaits verification")),
        "{due}"
    );
    fails(
        &env,
        &[
            "response",
            "verify",
            "--audit",
            &a,
            "--ref",
            "NC-001",
            "--evidence",
            "",
        ],
        "needs the evidence",
    );
    resp(&[
        "verify",
        "--audit",
        &a,
        "--ref",
        "NC-001",
        "--method",
        "document review",
        "--evidence",
        "Test report TR-2026-02",
        "--on",
        "2026-03-10",
    ]);
    let due = env.ok(&["due", "--audit", &a]);
    assert!(!due.contains("NC-001") && due.contains("NC-002"), "{due}");
    let list = env.ok(&["response", "list", "--audit", &a]);
    assert_eq!(list.lines().count(), 5, "{list}");

    // the surveillance carries the minor only: the major was verified after the report
    let (s1, said) = follow_up(&env, &a, &[]);
    assert!(
        said.contains("2 findings carried"),
        "NC-002 and OBS-001: {said}"
    );
    let carried = env.ok(&["carried", "list", "--audit", &s1]);
    assert!(
        !carried.contains("NC-001") && carried.contains("NC-002"),
        "{carried}"
    );

    // each step is in the trail, and the trail holds
    let store = Store::open(&env.db).unwrap();
    let steps = store
        .audit_history(&a)
        .unwrap()
        .into_iter()
        .filter(|h| h.entity == "response")
        .count();
    assert_eq!(steps, 5);
    drop(store);
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}

/// `plan add --audit AUDIT` and `extra`.
fn plan_add<'a>(audit: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["plan", "add", "--audit", audit];
    v.extend_from_slice(extra);
    v
}

/// The audit plan: slots checked as they are added, listed by day with the
/// hours, and read by the programme (planned clauses, every-visit clauses
/// missing from a plan).
#[test]
fn the_audit_plan_is_checked_listed_and_read_by_the_programme() {
    let env = Env::new();
    let a = env.ok(&[
        "new",
        "--org",
        "Plan Ltd",
        "--type",
        "surveillance",
        "--start",
        "2026-05-04",
        "--end",
        "2026-05-05",
    ]);
    let ok = |extra: &[&str]| env.ok(&plan_add(&a, extra));
    let bad = |extra: &[&str], want: &str| fails(&env, &plan_add(&a, extra), want);
    bad(
        &["--day", "2026-05-09", "--from", "09:00", "--to", "10:00"],
        "outside the audit's dates",
    );
    bad(
        &["--day", "2026-05-04", "--from", "11:00", "--to", "10:00"],
        "before it starts",
    );
    bad(
        &["--day", "2026-05-04", "--from", "9h", "--to", "10:00"],
        "is not a time",
    );
    bad(
        &[
            "--day",
            "2026-05-04",
            "--from",
            "09:00",
            "--to",
            "10:00",
            "--clauses",
            "9.2 99.9",
        ],
        "unknown clause 99.9",
    );
    ok(&[
        "--day",
        "2026-05-04",
        "--from",
        "09:00",
        "--to",
        "10:30",
        "--site",
        "Leeds",
        "--auditors",
        "Jordan Lee",
        "--clauses",
        "9.2 9.3",
        "--subject",
        "Internal audit and management review",
        "--contacts",
        "Quality manager",
    ]);
    let slot = ok(&[
        "--day",
        "2026-05-05",
        "--from",
        "13:00",
        "--to",
        "15:00",
        "--clauses",
        "8.5.1",
    ]);
    let list = env.ok(&["plan", "list", "--audit", &a]);
    assert!(
        list.contains("2026-05-04  (1h30)") && list.contains("2026-05-05  (2h00)"),
        "{list}"
    );
    assert!(list.contains("Planned: 3h30 over 2 slots"), "{list}");
    assert!(list.contains("(with Quality manager)"), "{list}");
    let csv = env.ok(&["plan", "list", "--audit", &a, "--format", "csv"]);
    assert_eq!(csv.lines().count(), 3);

    let p = env.ok(&["programme", "--client", "Plan Ltd"]);
    let row = |id: &str| {
        p.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap()
            .to_string()
    };
    assert!(row("9.2*").contains(" p "), "{}", row("9.2*"));
    assert!(
        row("8.5.1.2*").contains(" p "),
        "part of a planned clause: {}",
        row("8.5.1.2*")
    );
    assert!(
        p.contains("every-visit clauses missing from the plan: 10.1, 8.3.2"),
        "{p}"
    );
    // time per clause: corrected by hand, against the plan (the 90-minute
    // slot shared by 9.2 and 9.3)
    env.ok(&["time", "--audit", &a, "--set", "9.2=50"]);
    fails(
        &env,
        &["time", "--audit", &a, "--set", "9.2=an hour"],
        "is not CLAUSE=MINUTES",
    );
    fails(
        &env,
        &["time", "--audit", &a, "--set", "99=5"],
        "unknown clause",
    );
    let time = env.ok(&["time", "--audit", &a]);
    assert!(
        time.lines()
            .any(|l| l.starts_with("9.2 ") && l.contains("50 min") && l.contains("45 min")),
        "{time}"
    );
    assert!(
        time.contains("3h30 in the whole plan; 0.4 auditor-days"),
        "{time}"
    );
    // per day: 9.2 corrected on the second day too now needs the day
    env.ok(&[
        "time",
        "--audit",
        &a,
        "--set",
        "9.2=70",
        "--day",
        "2026-05-05",
    ]);
    fails(
        &env,
        &["time", "--audit", &a, "--set", "9.2=60"],
        "say which with --day",
    );
    fails(
        &env,
        &["time", "--audit", &a, "--set", "9.2=60", "--day", "5 May"],
        "is not a date",
    );
    // what departed from the plan: 9.2 audited and far over its 45 min,
    // 6.1 audited without a slot, 9.3 and 8.5.1 planned and not audited
    audited(&env, &a, "9.2");
    audited(&env, &a, "6.1");
    let time = env.ok(&["time", "--audit", &a]);
    assert!(
        time.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["2026-05-05", "1h10", "2h00"]),
        "{time}"
    );
    for want in [
        "Planned, not audited: 9.3, 8.5.1",
        "Audited without a slot in the plan: 6.1",
        "9.2 took 120 min against 45 planned",
    ] {
        assert!(time.contains(want), "{want}: {time}");
    }
    // and they reach the report, under the auditor's own account
    let report = env.ok(&["report", "--audit", &a, "--format", "md", "--out", "-"]);
    let at = report
        .find("Measured against the plan")
        .expect("the measured deviations in the report");
    assert!(
        report[at..].contains("Audited without a slot in the plan: 6.1"),
        "{report}"
    );
    assert!(
        report[..at].contains("Deviations from the audit plan"),
        "after the auditor's item: {report}"
    );
    let removed = env.ok(&["plan", "delete", "--audit", &a, "--slot", &slot]);
    assert!(
        removed.contains("Removed 2026-05-05 13:00–15:00"),
        "{removed}"
    );
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}

/// `demo --cycle`: the demo client's certificate and a planned
/// surveillance carrying the demo's open findings, to see the cycle at once.
#[test]
fn the_demo_cycle_shows_a_client_a_surveillance_and_its_plan() {
    let env = Env::new();
    let out = env.cmd().args(["demo", "--cycle"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let show = env.ok(&[
        "client",
        "show",
        "--client",
        "Northwind Managed Services Ltd",
    ]);
    assert!(
        show.contains("CB-20000-0426") && show.contains("2029-12-19"),
        "{show}"
    );
    let s1 = show
        .lines()
        .find(|l| l.contains("Surveillance"))
        .expect("the surveillance")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(show.contains("Planned"), "not started yet: {show}");
    let carried = env.ok(&["carried", "list", "--audit", &s1]);
    assert_eq!(carried.lines().count(), 1 + 9, "{carried}");
    let plan = env.ok(&["plan", "list", "--audit", &s1]);
    assert!(plan.contains("Planned: 9h30 over 5 slots"), "{plan}");
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}

/// A special audit (short notice, after a complaint or a change) follows
/// up the client's open findings and is judged on the clauses it looked
/// at, without asking for every clause.
#[test]
fn a_special_audit_follows_up_and_is_judged_on_what_it_looked_at() {
    let env = Env::new();
    let initial = env.ok(&[
        "new",
        "--org",
        "Short Notice Ltd",
        "--type",
        "stage2",
        "--start",
        "2026-01-12",
        "--end",
        "2026-01-13",
    ]);
    finding(
        &env,
        &initial,
        "8.6.1",
        "minor",
        "Incidents closed without the user",
    );
    env.ok(&["audit", "report", "--audit", &initial]);
    let (special, said) = follow_up(
        &env,
        &initial,
        &[
            "--type",
            "special",
            "--start",
            "2026-03-02",
            "--end",
            "2026-03-02",
        ],
    );
    assert!(
        said.contains("Special of Short Notice Ltd: 1 finding"),
        "{said}"
    );
    let suggested = || {
        env.ok(&[
            "report", "--audit", &special, "--format", "md", "--out", "-",
        ])
    };
    let md = suggested();
    assert!(
        md.contains("Incomplete: no clause assessed on this special audit yet"),
        "{md}"
    );
    audited(&env, &special, "8.6.1");
    let md = suggested();
    assert!(
        md.contains("coverage: Continue certification\n"),
        "judged on its findings (the carried minor's plan was accepted), not on the clauses left: {md}"
    );
    finding(
        &env,
        &special,
        "8.6.1",
        "major",
        "Major incidents not managed",
    );
    let md = suggested();
    assert!(md.contains("Consider suspension: 1 major NC open"), "{md}");
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}
