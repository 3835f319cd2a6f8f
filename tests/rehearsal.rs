//! Rehearsal audits through the real binary on a temp file: rating the
//! audit questions, the checks on a rating, readiness per main clause and
//! overall, the trail.

mod common;

use common::*;

/// `rate` one question of audit `a`, with a note when one is given.
fn rate(env: &Env, a: &str, clause: &str, q: &str, rating: &str, note: &str) -> String {
    let mut args = vec![
        "rate",
        "--audit",
        a,
        "--clause",
        clause,
        "--question",
        q,
        "--rating",
        rating,
    ];
    if !note.is_empty() {
        args.extend_from_slice(&["--note", note]);
    }
    env.ok(&args)
}

#[test]
fn questions_are_rated_and_readiness_adds_them_up() {
    let env = Env::new();
    let a = env.ok(&["new", "--org", "Ready Co", "--type", "internal"]);
    let rate =
        |clause: &str, q: &str, rating: &str, note: &str| rate(&env, &a, clause, q, rating, note);
    assert_eq!(rate("8.5.1.3", "1", "met", ""), "8.5.1.3 question 1: Met");
    // the first rating starts the rehearsal
    let list = env.ok(&["list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with(&a) && l.contains("In progress")),
        "{list}"
    );
    rate("8.5.1.3", "2", "partly", "");
    rate(
        "8.5.1.3",
        "3",
        "na",
        "No emergency changes are allowed by contract",
    );
    // every question of 9.2 met, and one of 9.3 not met
    for q in ["1", "2", "3"] {
        rate("9.2", q, "met", "");
    }
    rate("9.3", "1", "not_met", "");
    // mistakes: one line each, nothing written
    let base = ["rate", "--audit", &a, "--clause"];
    let bad = |extra: &[&str], want: &str| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        fails(&env, &v, want)
    };
    bad(
        &["8.5.1.3", "--question", "3", "--rating", "na"],
        "not applicable needs its reason",
    );
    bad(
        &["8.5.1.3", "--question", "9", "--rating", "met"],
        "clause 8.5.1.3 has 3 questions; give --question 1 to 3",
    );
    bad(
        &["8", "--question", "1", "--rating", "met"],
        "is not an assessable clause",
    );
    bad(
        &["8.5.1.3", "--question", "1", "--rating", "maybe"],
        "unknown rating \"maybe\"; accepted: met, partly_met, not_met, not_applicable",
    );
    let stage2 = env.ok(&["new", "--org", "X", "--type", "stage2"]);
    fails(
        &env,
        &[
            "rate",
            "--audit",
            &stage2,
            "--clause",
            "9.2",
            "--question",
            "1",
            "--rating",
            "met",
        ],
        "questions are rated in a rehearsal (internal) audit",
    );

    let r = env.ok(&["readiness", "--audit", &a]);
    let row = |id: &str| -> Vec<String> {
        r.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id}: {r}"))
            .split_whitespace()
            .take(6)
            .map(str::to_string)
            .collect()
    };
    // clause 9 has 12 questions (3 each in 9.1–9.4): 3 met, 1 not met
    assert_eq!(row("9"), ["9", "25%", "3", "0", "1", "8"], "{r}");
    // 8: 90 questions, one not applicable: 1 met + 1 partly of 89 is
    // 1.5 / 89 = 2 %
    assert_eq!(row("8"), ["8", "2%", "1", "1", "0", "87"], "{r}");
    assert!(r.contains("Rated 6 of 170 applicable questions."), "{r}");
    assert!(
        r.contains("Furthest behind, of the clauses rated: 9.3 (0%), 8.5.1.3 (75%)"),
        "{r}"
    );
    // in the trail, and frozen with the report
    assert!(env.ok(&["verify"]).contains("every record matches them"));
    let h = env.ok(&["history", "--audit", &a]);
    assert!(h.contains("8.5.1.3 question 3"), "{h}");
    env.ok(&["audit", "report", "--audit", &a]);
    fails(
        &env,
        &[
            "rate",
            "--audit",
            &a,
            "--clause",
            "9.4",
            "--question",
            "1",
            "--rating",
            "met",
        ],
        "reported",
    );
}

/// The gap plan: every question partly met or not met and every NC,
/// concern or observation is a gap; each is planned (owner, action, target
/// date, state) in the trail; by target date; overdue ones marked; a
/// question rated met again is no longer a gap.
#[test]
fn the_gap_plan_follows_ratings_and_findings() {
    let env = Env::new();
    let a = env.ok(&["new", "--org", "Ready Co", "--type", "internal"]);
    let rate = |clause: &str, q: &str, rating: &str| rate(&env, &a, clause, q, rating, "");
    rate("9.2", "1", "not_met");
    rate("9.2", "2", "partly");
    rate("9.2", "3", "met");
    env.ok(&[
        "finding",
        "add",
        "--audit",
        &a,
        "--clause",
        "8.6.1",
        "--grade",
        "minor",
        "--title",
        "Major incidents not reviewed",
    ]);
    env.ok(&[
        "finding",
        "add",
        "--audit",
        &a,
        "--clause",
        "7.2",
        "--grade",
        "good_practice",
        "--title",
        "Competence matrix",
    ]);
    let g = env.ok(&["gaps", "--audit", &a]);
    assert!(g.contains("3 gaps, 3 not done, 0 overdue."), "{g}");
    assert!(
        !g.contains("Competence matrix"),
        "good practice is no gap: {g}"
    );
    let set = |extra: &[&str]| {
        let mut v = vec!["gap", "--audit", a.as_str()];
        v.extend_from_slice(extra);
        env.ok(&v)
    };
    assert_eq!(
        set(&[
            "--gap",
            "9.2 Q1",
            "--owner",
            "Quality manager",
            "--due",
            "2020-01-31"
        ]),
        "9.2 Q1: Planned · Quality manager · due 2020-01-31"
    );
    set(&[
        "--gap",
        "NC-001",
        "--action",
        "Review every major incident",
        "--due",
        "2099-03-01",
        "--state",
        "in_progress",
    ]);
    set(&["--gap", "9.2/2", "--state", "done"]);
    fails(
        &env,
        &["gap", "--audit", &a, "--gap", "9.2 Q3"],
        "nothing to change",
    );
    fails(
        &env,
        &["gap", "--audit", &a, "--gap", "9.2 Q3", "--state", "done"],
        "no gap \"9.2 Q3\"",
    );
    fails(
        &env,
        &["gap", "--audit", &a, "--gap", "9.2 Q1", "--state", "maybe"],
        "unknown gap state",
    );
    fails(
        &env,
        &[
            "gap",
            "--audit",
            &a,
            "--gap",
            "9.2 Q1",
            "--due",
            "31/01/2020",
        ],
        "target date",
    );
    // by target date: the overdue one first, the undated last
    let g = env.ok(&["gaps", "--audit", &a]);
    let order: Vec<&str> = g
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .take(3)
        .collect();
    assert_eq!(order, ["9.2", "NC-001", "9.2"], "{g}");
    assert!(g.contains("OVERDUE"), "{g}");
    assert!(g.contains("3 gaps, 2 not done, 1 overdue."), "{g}");
    // read back with a CSV reader
    let csv = env.ok(&["gaps", "--audit", &a, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][0], "9.2 Q1");
    assert_eq!(&rows[0][8], "yes");
    assert_eq!(&rows[1][5], "Review every major incident");
    // met now: no longer a gap
    rate("9.2", "1", "met");
    assert!(env.ok(&["gaps", "--audit", &a]).contains("2 gaps"));
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}

/// The id of the audit of `list` whose line holds `needle`.
fn audit_with(env: &Env, needle: &str) -> String {
    let list = env.ok(&["list"]);
    list.lines()
        .find(|l| l.contains(needle))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no audit with {needle:?} in {list}"))
        .to_string()
}

/// The demo's rehearsal figures, checked by hand once (an independent
/// computation from the catalogue and the demo's rating rule: first
/// rehearsal 82 of 168 questions' worth met, 49%; second 128, 76%), are
/// pinned; the trend shows both rehearsals and what closed in between.
#[test]
fn the_demo_rehearsals_show_the_trend_and_what_closed() {
    let env = Env::new();
    env.ok(&["demo", "--rehearsals"]);
    let t = env.ok(&["readiness", "--client", "Fernhill Digital Services"]);
    let row = |id: &str| -> Vec<String> {
        t.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no row {id} in {t}"))
            .split_whitespace()
            .skip(1)
            .take(2)
            .map(str::to_string)
            .collect()
    };
    for (id, first, second) in [
        ("4", "75%", "96%"),
        ("5", "83%", "100%"),
        ("6", "46%", "75%"),
        ("7", "57%", "89%"),
        ("8", "40%", "70%"),
        ("9", "42%", "71%"),
        ("10", "42%", "42%"),
        ("overall", "49%", "76%"),
    ] {
        assert_eq!(row(id), [first, second], "clause {id}: {t}");
    }
    assert!(t.contains("2026-06-08 2026-09-07"), "{t}");
    // the change NC found effective closed; the programme NC still open did not
    let closed = &t[t
        .find("Closed between 2026-06-08 and 2026-09-07")
        .expect(&t)..];
    assert!(closed.contains("NC-002"), "{closed}");
    assert!(!closed.contains("NC-001"), "{closed}");

    // the second rehearsal carries the first's open NC as a gap, its plan kept
    let r2 = audit_with(&env, "2026-09-07");
    let g = env.ok(&["gaps", "--audit", &r2]);
    let carried = g
        .lines()
        .find(|l| l.starts_with("NC-001 of 2026-06-08"))
        .expect(&g);
    assert!(
        carried.contains("In progress") && carried.contains("Quality manager"),
        "{carried}"
    );
    // and its own NC-001 apart from it
    assert!(g.lines().any(|l| l.starts_with("NC-001 ")), "{g}");
    let r = env.ok(&["readiness", "--audit", &r2]);
    assert!(r.contains(": 76% of the applicable questions met"), "{r}");
}

#[test]
fn the_evidence_window_warns_below_the_minimum() {
    let env = Env::new();
    env.ok(&["demo", "--rehearsals"]);
    let r2 = audit_with(&env, "2026-09-07");
    let config = env.path("config");
    let run = |extra: &[&str]| {
        let mut args = vec!["evidence", "--audit", r2.as_str()];
        args.extend_from_slice(extra);
        let out = env
            .cmd()
            .env("XDG_CONFIG_HOME", &config)
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let line = |out: &str, clause: &str| -> String {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(clause))
            .unwrap_or_else(|| panic!("no {clause} in {out}"))
            .to_string()
    };
    let (out, err) = run(&[]);
    assert!(err.is_empty(), "{err}");
    // incidents: 2026-04-01 to 2026-08-31, 153 days, 5.0 months
    let inc = line(&out, "8.6.1");
    assert!(inc.contains(" 5.0 ") && !inc.contains("SHORT"), "{inc}");
    // capacity: August only
    let cap = line(&out, "8.4.3");
    assert!(cap.contains(" 1.0 ") && cap.contains("SHORT"), "{cap}");
    // a process with no sample is short too
    assert!(line(&out, "8.1").contains("SHORT"));
    assert!(
        out.contains(
            "of 30 processes have fewer than 3 months of records seen; 1 samples say no period"
        ),
        "{out}"
    );
    // the minimum from config.toml, and from the command line over it
    std::fs::create_dir_all(config.join("auditbench")).unwrap();
    std::fs::write(
        config.join("auditbench/config.toml"),
        "evidence_min_months = 6\n",
    )
    .unwrap();
    let (out, _) = run(&[]);
    assert!(line(&out, "8.6.1").contains("SHORT"), "{out}");
    let (out, _) = run(&["--min-months", "1"]);
    assert!(!line(&out, "8.4.3").contains("SHORT"), "{out}");
    // a mistake in the file: one line, and the default
    std::fs::write(
        config.join("auditbench/config.toml"),
        "evidence_months = 6\n",
    )
    .unwrap();
    let (out, err) = run(&[]);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("evidence_months") && err.contains("using the defaults"),
        "{err}"
    );
    assert!(out.contains("wanted: 3"), "{out}");
}

#[test]
fn a_gap_plan_goes_to_csv_and_xlsx_and_follows_into_the_next_rehearsal() {
    let env = Env::new();
    let a = env.ok(&[
        "new",
        "--org",
        "Ready Co",
        "--type",
        "internal",
        "--start",
        "2026-03-02",
    ]);
    rate(&env, &a, "8.5.1.3", "2", "partly", "");
    rate(&env, &a, "9.2", "1", "not_met", "");
    env.ok(&[
        "gap",
        "--audit",
        &a,
        "--gap",
        "8.5.1.3 Q2",
        "--owner",
        "Change manager",
        "--action",
        "Review failed changes, \"all\" of them",
        "--due",
        "2026-04-30",
    ]);
    // CSV, byte-exact, read back with the csv crate
    let csv_path = env.path("gaps.csv");
    env.ok(&[
        "gaps",
        "--audit",
        &a,
        "--format",
        "csv",
        "--out",
        csv_path.to_str().unwrap(),
    ]);
    let mut rd = csv::Reader::from_path(&csv_path).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let chg = rows.iter().find(|r| &r[0] == "8.5.1.3 Q2").unwrap();
    assert_eq!(&chg[4], "Change manager");
    assert_eq!(&chg[5], "Review failed changes, \"all\" of them");
    assert_eq!((&chg[6], &chg[7]), ("2026-04-30", "Planned"));
    // XLSX, read back with calamine: every value text
    let xlsx = env.path("gaps.xlsx");
    env.ok(&[
        "gaps",
        "--audit",
        &a,
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = wb.worksheet_range("Gap plan").unwrap();
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(cells[0][0], "gap");
    assert!(
        cells
            .iter()
            .any(|r| r[0] == "8.5.1.3 Q2" && r[4] == "Change manager"),
        "{cells:?}"
    );
    fails(
        &env,
        &["gaps", "--audit", &a, "--format", "xlsx"],
        "give --out FILE.xlsx",
    );

    // the next rehearsal carries the ratings (marked carried) and the plan
    let b = env.ok(&[
        "new",
        "--follow-up",
        &a,
        "--type",
        "internal",
        "--start",
        "2026-06-01",
    ]);
    let list = env.ok(&["list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with(&b) && l.contains("Planned")),
        "carried ratings do not start it: {list}"
    );
    let g = env.ok(&["gaps", "--audit", &b]);
    assert!(
        g.lines()
            .any(|l| l.starts_with("8.5.1.3 Q2") && l.contains("Change manager")),
        "{g}"
    );
    // met now: no longer a gap of the second rehearsal, closed in between
    rate(&env, &b, "8.5.1.3", "2", "met", "");
    let g = env.ok(&["gaps", "--audit", &b]);
    assert!(!g.contains("8.5.1.3 Q2"), "{g}");
    let t = env.ok(&["readiness", "--client", "Ready Co"]);
    let closed = &t[t
        .find("Closed between 2026-03-02 and 2026-06-01: 1")
        .expect(&t)..];
    assert!(closed.contains("8.5.1.3 Q2"), "{t}");
    fails(&env, &["readiness", "--client", "Nobody Ltd"], "no client");
}

#[test]
fn the_rehearsal_report_has_readiness_the_chart_and_the_gap_plan() {
    let env = Env::new();
    env.ok(&["demo", "--rehearsals"]);
    let r2 = audit_with(&env, "2026-09-07");
    let md = env.path("r.md");
    let html = env.path("r.html");
    let docx = env.path("r.docx");
    for (format, out) in [("md", &md), ("html", &html), ("docx", &docx)] {
        let out = env
            .cmd()
            .args(["report", "--audit", &r2, "--format", format, "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            !err.contains("not recorded yet"),
            "a rehearsal asks no certification items: {err}"
        );
    }
    let md = std::fs::read_to_string(&md).unwrap();
    for want in [
        "# Rehearsal report — Fernhill Digital Services",
        "**Not ready yet (76%): 27 not met, 26 partly met, 2 open NCs (0 major)**",
        "| Clause | Title | 2026-06-08 | 2026-09-07 |",
        "| 8 | Operation of the service management system | 40% | 70% |",
        "| **All** | | **49%** | **76%** |",
        "## 2. What to fix before the certification body's stage 1",
        "- 10\\.2 Continual improvement (33%): 2 not met, 0 partly met",
        "## 3. Gap plan (56)",
        "### Closed since the rehearsal of 2026-06-08 (51)",
        "| 8\\.4.3 | Capacity management | **1.0** (short) | 2026-08-01 – 2026-08-31 | 1 |",
    ] {
        assert!(md.contains(want), "{want:?} not in the Markdown report");
    }
    assert!(
        md.find("## 1. Readiness") < md.find("## 2. What to fix")
            && md.find("## 2. What to fix") < md.find("## 3. Gap plan"),
        "sections in order"
    );
    // the HTML: an inline SVG chart, with a bar per rehearsal and main clause
    let html = std::fs::read_to_string(&html).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let svg = scraper::Selector::parse("div.chart svg").unwrap();
    let chart = doc.select(&svg).next().expect("an inline SVG chart");
    let text: String = chart.text().collect::<Vec<_>>().join("|");
    assert!(
        text.contains("2026-06-08") && text.contains("2026-09-07"),
        "{text}"
    );
    assert!(text.contains("40%") && text.contains("70%"), "{text}");
    let bars = scraper::Selector::parse("rect").unwrap();
    // a legend square per rehearsal, and 2 bars × (7 main clauses + all)
    assert_eq!(chart.select(&bars).count(), 2 + 2 * 8);
    assert!(!html.contains("<script"));
    // the Word document: the readiness part filled in
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("Readiness statement: "), "docx");
    assert!(xml.contains("40% → 70%"), "docx");
    assert!(
        !xml.contains("{{") && !xml.contains("{%"),
        "docx placeholders left"
    );
}
