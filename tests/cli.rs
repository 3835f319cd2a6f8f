//! The real binary, on a temp audit file: every subcommand and every bad input.

mod common;

use common::{bytes, fails, Env};
use predicates::prelude::*;

fn read_csv(data: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(data);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn no_subcommand_opens_the_workbench_which_needs_a_terminal() {
    let env = Env::new();
    fails(&env, &[], "the workbench needs a terminal");
    assert!(!env.db.exists(), "nothing is created");
    env.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: auditbench"));
}

/// The CLI's definition is consistent (clap's own checks).
#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory;
    auditbench::cli::Cli::command().debug_assert();
}

/// Every subcommand, at every depth, as clap knows them: a new one is
/// covered without touching this test.
#[test]
fn every_subcommand_has_help() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, p, out);
        }
    }
    let mut all = Vec::new();
    walk(&auditbench::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() >= 14, "{all:?}");
    let env = Env::new();
    for sub in all {
        let mut args = sub.clone();
        args.push("--help".into());
        env.cmd()
            .args(&args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage:"));
    }
}

#[test]
fn catalogue_prints_both_editions_as_text_and_csv() {
    let env = Env::new();
    let text = env.ok(&["catalogue"]);
    assert!(text.contains("8.5.1.2"), "{text}");
    assert!(
        text.ends_with("77 clauses, 171 questions, 37 expected documents")
            || text.contains("77 clauses")
    );
    let csv = env.ok(&["catalogue", "--edition", "2011", "--format", "csv"]);
    let rows = read_csv(csv.as_bytes());
    assert_eq!(
        rows[0],
        [
            "clause",
            "title",
            "depth",
            "assessable",
            "questions",
            "documents"
        ]
    );
    assert_eq!(rows.len(), 1 + 53);
    assert_eq!(rows[1][0], "4");
    assert_eq!(rows.last().unwrap()[0], "9.3");
    fails(
        &env,
        &["catalogue", "--edition", "2005"],
        "unknown edition \"2005\"; accepted: 2018, 2011",
    );
}

#[test]
fn custom_catalogue_file_is_used_and_bad_ones_are_refused() {
    let env = Env::new();
    let good = env.path("rcb.toml");
    std::fs::write(
        &good,
        "id = \"rcb\"\nstandard = \"RCB\"\nedition = \"2026\"\ntitle = \"RCB checklist\"\n\
         [[clause]]\nid = \"A\"\ntitle = \"Annex\"\n[[clause]]\nid = \"A.10\"\ntitle = \"Ten\"\n\
         [[clause]]\nid = \"A.2\"\ntitle = \"Two\"\n",
    )
    .unwrap();
    let g = good.to_str().unwrap();
    let out = env.ok(&["--catalogue", g, "catalogue"]);
    assert!(
        out.find("A.2").unwrap() < out.find("A.10").unwrap(),
        "{out}"
    );
    let id = env.ok(&[
        "--catalogue",
        g,
        "new",
        "--org",
        "Acme",
        "--type",
        "internal",
    ]);
    // The catalogue was stored in the file: later commands need no --catalogue.
    assert_eq!(
        env.ok(&[
            "finding", "add", "--audit", &id, "--clause", "A.10", "--grade", "ofi", "--title", "t"
        ]),
        "OFI-001"
    );
    fails(
        &env,
        &[
            "finding", "add", "--audit", &id, "--clause", "8.5.1", "--grade", "ofi", "--title", "t",
        ],
        "accepted: A, A.2, A.10",
    );

    let bad = env.path("bad.toml");
    std::fs::write(
        &bad,
        "id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = 4.1\n",
    )
    .unwrap();
    fails(
        &env,
        &["--catalogue", bad.to_str().unwrap(), "catalogue"],
        "bad.toml:6:",
    );
    fails(
        &env,
        &[
            "--catalogue",
            env.path("none.toml").to_str().unwrap(),
            "catalogue",
        ],
        "cannot read catalogue file",
    );
}

#[test]
fn new_list_finding_export_round_trip() {
    let env = Env::new();
    let id = env.ok(&[
        "new",
        "--org",
        "Acme Hosting",
        "--type",
        "stage2",
        "--edition",
        "2018",
        "--scope",
        "Hosting",
        "--lead",
        "Jordan Lee",
        "--body",
        "RCB",
        "--team",
        "JL, SO",
        "--start",
        "2026-11-16",
        "--end",
        "2026-11-18",
    ]);
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let r1 = env.ok(&[
        "finding",
        "add",
        "--audit",
        &id,
        "--clause",
        "8.5.1",
        "--grade",
        "minor",
        "--title",
        "Emergency change unreviewed",
        "--statement",
        "s",
        "--evidence",
        "CHG-1077",
    ]);
    let r2 = env.ok(&[
        "finding",
        "add",
        "--audit",
        &id[..8],
        "--clause",
        "8.7.2",
        "--grade",
        "major",
        "--title",
        "No continuity test",
        "--stage",
        "2",
        "--due",
        "2026-12-20",
    ]);
    let r3 = env.ok(&[
        "finding", "add", "--audit", &id, "--clause", "9.4", "--grade", "OFI", "--title", "Trends",
        "--stage", "1",
    ]);
    assert_eq!(
        (r1.as_str(), r2.as_str(), r3.as_str()),
        ("NC-001", "NC-002", "OFI-001")
    );

    let list = env.ok(&["list"]);
    let line = list
        .lines()
        .find(|l| l.starts_with(&id))
        .expect("audit listed");
    assert!(
        line.contains("Acme Hosting")
            && line.contains("Stage 2 2018")
            && line.contains("2026-11-16"),
        "{line}"
    );
    let counts: Vec<&str> = line.split_whitespace().rev().take(6).collect();
    assert_eq!(
        counts,
        ["0", "1", "0", "0", "1", "1"],
        "gp ofi obs aoc minor major: {line}"
    );

    let listed = env.ok(&["finding", "list", "--audit", &id, "--grade", "minor"]);
    assert!(
        listed.contains("NC-001") && !listed.contains("NC-002"),
        "{listed}"
    );

    let out = env.cmd().args(["export", "--audit", &id]).output().unwrap();
    assert!(out.status.success());
    let rows = read_csv(&out.stdout);
    assert_eq!(rows[0].len(), 18);
    assert_eq!(rows[0][0], "reference");
    assert_eq!(rows[0][17], "raised at");
    let refs: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(refs, ["NC-002", "NC-001", "OFI-001"], "sorted by severity");
    assert_eq!(rows[1][1], "Acme Hosting");
    assert_eq!(rows[1][2], "Stage 2");
    assert_eq!(rows[1][4], "8.7.2");
    assert_eq!(rows[1][5], "Service continuity management");
    assert_eq!(rows[1][6], "Major NC");
    assert_eq!(rows[1][15], "2026-12-20");
    assert_eq!(
        rows[2][16], "Jordan Lee",
        "raised by defaults to the lead auditor"
    );
    assert_eq!(rows[3][3], "1");
}

#[test]
fn csv_survives_commas_quotes_newlines_accents_emoji_and_neutralises_formulas() {
    let env = Env::new();
    let id = env.ok(&[
        "new",
        "--org",
        "Société Générale d'Hébergement, SA",
        "--type",
        "surveillance",
    ]);
    let nasty = "a, b; \"quoted\"\nsecond line\r\nthird é ü 中文 🚀";
    env.ok(&[
        "finding",
        "add",
        "--audit",
        &id,
        "--clause",
        "4.1",
        "--grade",
        "minor",
        "--title",
        nasty,
        "--statement",
        nasty,
        "--evidence",
        nasty,
    ]);
    let prefixes = ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"];
    for (i, p) in prefixes.iter().enumerate() {
        let title = format!("t{i}");
        env.ok(&[
            "finding",
            "add",
            "--audit",
            &id,
            "--clause",
            "4.2",
            "--grade",
            "observation",
            "--title",
            &title,
            "--statement",
            p,
        ]);
    }
    let out = env.path("out.csv");
    env.cmd()
        .args(["export", "--audit", &id, "--out", out.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote 7 findings"));
    let data = bytes(&out);
    assert!(!data.starts_with(b"\xEF\xBB\xBF"), "no BOM without --excel");
    let rows = read_csv(&data);
    assert_eq!(rows[1][1], "Société Générale d'Hébergement, SA");
    assert_eq!(rows[1][7], nasty);
    assert_eq!(rows[1][9], nasty);
    assert_eq!(rows[1][10], nasty);
    for (i, p) in prefixes.iter().enumerate() {
        assert_eq!(rows[2 + i][9], format!("'{p}"), "prefix {p:?} neutralised");
    }
}

#[test]
fn excel_flag_writes_a_bom() {
    let env = Env::new();
    let id = env.demo();
    let out = env.path("excel.csv");
    env.ok(&[
        "export",
        "--audit",
        &id,
        "--out",
        out.to_str().unwrap(),
        "--excel",
    ]);
    let data = bytes(&out);
    assert!(data.starts_with(b"\xEF\xBB\xBF"));
    let rows = read_csv(&data[3..]);
    assert_eq!(rows[0][0], "reference");
    assert_eq!(rows.len(), 13);
}

#[test]
fn a_failed_export_leaves_the_existing_file_untouched() {
    let env = Env::new();
    let id = env.demo();
    let out = env.path("report.csv");
    std::fs::write(&out, "previous complete export\n").unwrap();
    fails(
        &env,
        &["export", "--audit", "nope", "--out", out.to_str().unwrap()],
        "no audit with id \"nope\"",
    );
    assert_eq!(bytes(&out), b"previous complete export\n");
    fails(
        &env,
        &[
            "export",
            "--audit",
            &id,
            "--out",
            env.path("missing/dir/x.csv").to_str().unwrap(),
        ],
        "does not exist",
    );
    fails(
        &env,
        &[
            "export",
            "--audit",
            &id,
            "--out",
            env.dir.path().to_str().unwrap(),
        ],
        "is a directory",
    );
    // no temporary files left behind
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains("auditbench-export")
        })
        .collect();
    assert!(leftovers.is_empty());
    env.ok(&["export", "--audit", &id, "--out", out.to_str().unwrap()]);
    assert!(bytes(&out).starts_with(b"reference,"));
}

#[test]
fn bad_inputs_fail_with_one_line_and_write_nothing() {
    let env = Env::new();
    let id = env.demo();
    let before = env.ok(&["finding", "list", "--audit", &id]);
    let add = |extra: &[&str]| {
        let mut a = vec!["finding", "add", "--audit", &id, "--title", "t"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (add(&["--clause", "8.5.1", "--grade", "critical"]), "\"critical\" is not a grade of the Generic (major / minor NC, observation, OFI, good practice) scale; accepted: major (Major NC), minor (Minor NC), concern (Stage 1 concern), observation (Observation), ofi (Opportunity for improvement), good_practice (Good practice)"),
        (add(&["--clause", "8.9.9", "--grade", "minor"]), "unknown clause \"8.9.9\""),
        (add(&["--clause", "8.5.1", "--grade", "minor", "--stage", "3"]), "unknown stage \"3\"; accepted: 1, 2"),
        (add(&["--clause", "8.5.1", "--grade", "minor", "--due", "next week"]), "not a date"),
        (vec!["finding".into(), "add".into(), "--audit".into(), "0000".into(), "--clause".into(), "8.5.1".into(), "--grade".into(), "minor".into(), "--title".into(), "t".into()], "no audit with id \"0000\""),
        (vec!["new".into(), "--org".into(), "X".into(), "--type".into(), "stage3".into()], "unknown audit type \"stage3\"; accepted: stage1, stage2, surveillance, recertification, internal"),
        (vec!["new".into(), "--org".into(), "X".into(), "--type".into(), "stage1".into(), "--edition".into(), "2005".into()], "unknown edition"),
        (vec!["new".into(), "--org".into(), "X".into(), "--type".into(), "stage1".into(), "--start".into(), "23/11/2026".into()], "not a date"),
        (vec!["finding".into(), "list".into(), "--audit".into(), id.clone(), "--status".into(), "done".into()], "unknown finding status \"done\""),
    ];
    for (args, want) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&env, &args, want);
    }
    assert_eq!(env.ok(&["finding", "list", "--audit", &id]), before);
    assert_eq!(
        env.ok(&["list"]).lines().count(),
        2,
        "no audit was created by a failing `new`"
    );
}

#[test]
fn commands_on_a_missing_file_do_not_create_it() {
    let env = Env::new();
    fails(
        &env,
        &[
            "finding", "add", "--audit", "x", "--clause", "4.1", "--grade", "minor", "--title", "t",
        ],
        "no audit file at",
    );
    fails(&env, &["export", "--audit", "x"], "no audit file at");
    let out = env.ok(&["list"]);
    assert!(out.contains("No audit file yet"), "{out}");
    assert!(!env.db.exists());
}

#[test]
fn a_bad_file_is_refused_by_every_command_and_left_unchanged() {
    let env = Env::new();
    std::fs::write(&env.db, "not a database at all, just some text that is long enough to fill a header of one hundred bytes.....").unwrap();
    let before = bytes(&env.db);
    fails(&env, &["list"], "not an SQLite database");
    fails(&env, &["demo"], "not an SQLite database");
    fails(
        &env,
        &["new", "--org", "X", "--type", "stage1"],
        "not an SQLite database",
    );
    assert_eq!(bytes(&env.db), before);
}

#[test]
fn db_path_comes_from_the_environment_too() {
    let env = Env::new();
    let path = env.path("from-env.sqlite");
    let mut c = assert_cmd::Command::cargo_bin("auditbench").unwrap();
    c.env("AUDITBENCH_DB", &path).arg("demo").assert().success();
    assert!(path.exists());
}

#[test]
fn demo_is_realistic_and_scale_adds_findings() {
    let env = Env::new();
    let id = env.demo();
    let list = env.ok(&["finding", "list", "--audit", &id]);
    assert_eq!(list.lines().count(), 1 + 12);
    for label in [
        "Major NC",
        "Minor NC",
        "Observation",
        "Opportunity for improvement",
        "Good practice",
    ] {
        assert!(list.contains(label), "demo lacks {label}");
    }
    let id2 = env.ok(&["demo", "--scale", "500"]);
    let out = env
        .cmd()
        .args(["export", "--audit", &id2])
        .output()
        .unwrap();
    assert_eq!(read_csv(&out.stdout).len(), 1 + 12 + 500);
}

/// The auditor at the keyboard (`--auditor`) is who raised a finding, not
/// the lead auditor; without it the lead auditor is.
#[test]
fn the_auditor_given_raises_the_finding() {
    let env = Env::new();
    let id = env.ok(&[
        "new",
        "--org",
        "Acme",
        "--type",
        "stage2",
        "--lead",
        "Jordan Lee",
    ]);
    let id = id.trim();
    env.ok(&[
        "--auditor",
        "Sam Park",
        "finding",
        "add",
        "--audit",
        id,
        "--clause",
        "8.1",
        "--grade",
        "minor",
        "--title",
        "by Sam",
    ]);
    env.ok(&[
        "finding",
        "add",
        "--audit",
        id,
        "--clause",
        "8.1",
        "--grade",
        "minor",
        "--title",
        "by the lead",
    ]);
    let s = auditbench::store::Store::open(&env.db).unwrap();
    let by: Vec<String> = s
        .findings(id, &auditbench::store::FindingFilter::default())
        .unwrap()
        .into_iter()
        .map(|f| f.raised_by)
        .collect();
    assert_eq!(by, ["Sam Park", "Jordan Lee"]);
}

/// `list` shows the status and the whole organisation name when it is not
/// on a terminal, and speaks CSV and JSON for scripts.
#[test]
fn list_shows_status_whole_names_and_speaks_csv_and_json() {
    let env = Env::new();
    let id = env.ok(&[
        "new",
        "--org",
        "The Very Long Organisation Name Services Group Ltd",
        "--type",
        "surveillance",
        "--lead",
        "L",
    ]);
    let id = id.trim();
    let table = env.ok(&["list"]);
    assert!(
        table.contains("The Very Long Organisation Name Services Group Ltd"),
        "{table}"
    );
    assert!(table.contains("Planned"), "{table}");
    let csv_out = env.ok(&["list", "--format", "csv"]);
    let mut rdr = csv::Reader::from_reader(csv_out.as_bytes());
    let rec = rdr.records().next().unwrap().unwrap();
    assert_eq!((&rec[0], &rec[2], &rec[4]), (id, "Surveillance", "Planned"));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["status"], "Planned");
    assert_eq!(json[0]["major"], 0);
}

/// `audit edit` changes the details and the team's recommendation in one
/// step; a recommendation that does not fit the audit's type is refused in
/// one line and nothing changes.
#[test]
fn audit_edit_changes_details_and_recommendation() {
    let env = Env::new();
    let id = env.ok(&["new", "--org", "Acme", "--type", "stage2", "--lead", "L"]);
    let id = id.trim();
    fails(
        &env,
        &["audit", "edit", "--audit", id, "--scope", "x", "--recommendation", "continue"],
        "\"continue\" is not a recommendation for a stage 2 audit; accepted: recommend, recommend_after_verification, do_not_recommend, none",
    );
    fails(&env, &["audit", "edit", "--audit", id], "nothing to change");
    env.ok(&[
        "audit",
        "edit",
        "--audit",
        id,
        "--scope",
        "Service desk",
        "--start",
        "2026-12-01",
        "--recommendation",
        "recommend",
        "--justification",
        "All clauses conform",
    ]);
    let s = auditbench::store::Store::open(&env.db).unwrap();
    let a = s.audit(id).unwrap();
    assert_eq!(a.scope, "Service desk");
    assert_eq!(a.start_date, "2026-12-01");
    assert_eq!(
        a.recommendation,
        Some(auditbench::domain::Decision::Recommend)
    );
    assert_eq!(a.recommendation_note, "All clauses conform");
    drop(s);
    fails(
        &env,
        &["audit", "edit", "--audit", id, "--end", "2026-11-01"],
        "end date 2026-11-01 is before start date 2026-12-01",
    );
}

/// `export --delimiter ;` writes semicolons; a separator spreadsheets do not
/// read is refused in one line.
#[test]
fn export_takes_a_semicolon_separator() {
    let env = Env::new();
    // `demo` prints the id of the audit it made
    let id = env.demo().trim().to_string();
    let out = env.ok(&["export", "--audit", &id, "--delimiter", ";"]);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(out.as_bytes());
    assert_eq!(&rdr.headers().unwrap()[0], "reference");
    assert_eq!(rdr.records().count(), 12);
    fails(
        &env,
        &["export", "--audit", &id, "--delimiter", "|"],
        "use , or ; or tab",
    );
}

/// Deleting an audit takes its organisation's name typed out; everything in
/// it goes, its trail stays (and still verifies).
#[test]
fn an_audit_is_deleted_only_with_its_name_and_its_trail_survives() {
    let env = Env::new();
    // `demo` prints the id of the audit it made
    let id = env.demo().trim().to_string();
    fails(
        &env,
        &[
            "audit",
            "delete",
            "--audit",
            &id,
            "--confirm-name",
            "Northwind",
        ],
        "the name given is not the audit's organisation; nothing deleted",
    );
    fails(
        &env,
        &["audit", "delete", "--audit", &id],
        "give --confirm-name when not at a terminal",
    );
    assert_eq!(env.ok(&["list", "--format", "csv"]).lines().count(), 2);
    env.ok(&[
        "audit",
        "delete",
        "--audit",
        &id,
        "--confirm-name",
        "Northwind Managed Services Ltd",
    ]);
    assert_eq!(env.ok(&["list", "--format", "csv"]).lines().count(), 1);
    let trail = env.ok(&["history", "--audit", &id[..8]]);
    assert!(trail.contains("deleted"), "{trail}");
    assert!(trail.contains("NC-001"), "{trail}");
    env.ok(&["verify"]);
}

/// `export --what samples` writes the record samples (ISO 19011 A.6) as CSV.
#[test]
fn export_writes_the_samples() {
    let env = Env::new();
    // `demo` prints the id of the audit it made
    let id = env.demo().trim().to_string();
    let (header, rows) = export_csv(&env, &id, &["--what", "samples"]);
    assert_eq!(
        header,
        [
            "clause",
            "clause title",
            "population",
            "method",
            "size",
            "items seen",
            "result",
            "cited by",
            "organisation",
            "recorded at"
        ]
    );
    assert_eq!(rows.len(), 5);
    // the sampled changes support the emergency-change nonconformity
    let changes = rows
        .iter()
        .find(|r| &r[0] == "8.5.1.3")
        .expect("changes sample");
    assert_eq!(&changes[7], "NC-002");
    assert_eq!(&rows[0][0], "7.2");
    assert_eq!(&rows[0][2], "Staff in SMS roles (46)");
}

/// `export` with `args` to a file, read back with the csv crate: the
/// header and the rows.
fn export_csv(env: &Env, id: &str, args: &[&str]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let out = env.path("export.csv");
    let mut all = vec!["export", "--audit", id, "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    env.ok(&all);
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let header = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rdr.records().map(|r| r.unwrap()).collect();
    (header, rows)
}

/// `export --what interviews|coverage`: the interviews (notes only with
/// --with-notes) and the stage 2 clause coverage, as CSV read back.
#[test]
fn export_writes_interviews_and_clause_coverage() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let (header, rows) = export_csv(&env, &id, &["--what", "interviews"]);
    assert_eq!(
        header,
        [
            "interviewee",
            "role",
            "held at (UTC)",
            "interviewer",
            "clauses",
            "notes"
        ]
    );
    assert_eq!(rows.len(), 5);
    assert!(
        rows.iter().all(|r| r[5].is_empty()),
        "no notes unless asked"
    );
    let (_, rows) = export_csv(&env, &id, &["--what", "interviews", "--with-notes"]);
    assert!(rows.iter().any(|r| r[5].contains("CAB weekly")));

    let (_, rows) = export_csv(&env, &id, &["--what", "coverage"]);
    assert_eq!(rows.len(), 57, "every assessable clause");
    let c = rows.iter().find(|r| &r[0] == "8.5.1.3").unwrap();
    assert_eq!(&c[1], "Change management activities");
    assert!(c[4].parse::<u32>().unwrap() >= 1, "NC-002 is there");
}
