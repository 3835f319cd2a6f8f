//! The audit report (`auditbench report`): made from the demo audit and
//! from an audit full of hostile text, read back by an independent HTML
//! parser (scraper); Markdown; templates of one's own, and their errors;
//! the context recorded with `audit edit --set`; the commands that moved.

mod common;

use auditbench::domain::*;
use auditbench::store::Store;
use common::*;
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn report(env: &Env, id: &str, extra: &[&str]) -> String {
    let out = env.path("report.out");
    let mut args = vec!["report", "--audit", id, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.ok(&args);
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_html_report_of_the_demo_has_every_section_and_reads_back() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let html = report(&env, &id, &[]);
    let doc = Html::parse_document(&html);
    // self-contained: no script, no external resource
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("link, img, iframe")).count(), 0);
    assert!(!html.contains("http://") && !html.contains("https://"));
    let h2: Vec<String> = doc.select(&sel("h2")).map(|e| e.text().collect()).collect();
    assert_eq!(
        h2,
        [
            "1. Summary and recommendation",
            "2. The audit",
            "3. Findings",
            "4. Stage 2 clause coverage",
            "5. Stage 1 documentation review",
            "6. Interviews",
            "7. Samples (ISO 19011 A.6)",
            "8. Sign-off"
        ]
    );
    // every finding, with its reference, once
    let refs: Vec<String> = doc
        .select(&sel(".finding .tag"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(refs.len(), 12, "{refs:?}");
    assert_eq!(refs[0], "NC-001", "majors first");
    // the samples a finding cites are under it
    let nc2 = doc
        .select(&sel(".finding"))
        .find(|e| e.text().any(|t| t.contains("NC-002")))
        .unwrap();
    let text: String = nc2.text().collect();
    assert!(text.contains("8.5.1.3 Changes closed 2026-08-01"), "{text}");
    // the context recorded in the demo, and what is missing at the top
    assert!(html.contains("Edinburgh head office, on site"));
    let missing: String = doc
        .select(&sel(".missing"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(missing.contains("Closing meeting"), "{missing}");
    // interview notes only when asked
    assert!(!html.contains("CAB weekly on Tuesdays"));
    let with = report(&env, &id, &["--with-notes"]);
    assert!(with.contains("CAB weekly on Tuesdays"));
    // 57 clauses and 47 documents in their tables
    let tables: Vec<_> = doc.select(&sel("table")).collect();
    let rows = |needle: &str| {
        tables
            .iter()
            .find(|t| t.text().any(|x| x == needle))
            .map(|t| t.select(&sel("tr")).count() - 1)
            .unwrap()
    };
    assert_eq!(rows("Result"), 57);
    assert_eq!(rows("Required by"), 47);
}

#[test]
fn hostile_text_is_text_in_the_html_and_markdown_reports() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let nasty = "<script>alert(1)</script></td></table><h1>x</h1> {{ 7*7 }} {% if 1 %}y{% endif %} \u{1b}[31m & \"q\" 'a' | *b* _c_ [d](http://e)";
    {
        let mut s = Store::open(&env.db).unwrap();
        let f = s
            .add_finding(
                &id,
                &NewFinding {
                    clause_id: "8.6.1".into(),
                    stage: Stage::TWO,
                    grade: Grade::Minor,
                    title: nasty.into(),
                    requirement: String::new(),
                    statement: nasty.into(),
                    evidence: String::new(),
                    raised_by: "Jordan Lee".into(),
                    due_date: String::new(),
                },
            )
            .unwrap();
        s.set_audit_context(&id, ContextItem::Obstacles, nasty)
            .unwrap();
        assert!(!f.id.is_empty());
    }
    let html = report(&env, &id, &[]);
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("script")).count(), 0, "no script element");
    assert_eq!(
        doc.select(&sel("h1")).count(),
        1,
        "only the report's own h1"
    );
    // the title comes back as exactly the text stored
    let h4: Vec<String> = doc
        .select(&sel(".finding h4"))
        .map(|e| e.text().collect::<String>())
        .collect();
    assert!(
        h4.iter().any(|t| t.ends_with(nasty)),
        "title not found as text"
    );
    assert!(
        // (the generation time can hold a 49 of its own)
        !generated_at(&html).is_empty() && !html.replace(&generated_at(&html), "").contains("49"),
        "a template expression in data is never run"
    );

    let md = report(&env, &id, &["--format", "md"]);
    assert!(!md.contains("<script>"), "HTML escaped in Markdown");
    assert!(
        md.contains("&lt;script>alert\\(1\\)&lt;/script>")
            || md.contains("&lt;script>alert(1)&lt;/script>"),
        "{md}"
    );
    assert!(!md.contains("\u{1b}"), "no control character");
    assert!(
        md.contains("\\| \\*b\\* \\_c\\_ \\[d\\]"),
        "markup made literal"
    );
    assert!(md.contains("{{ 7*7 }}") || md.contains("{{ 7\\*7 }}"));
}

/// Text over several lines stays in its cell of a Markdown table: every
/// row of a table is one line, its lines joined with `<br>`.
#[test]
fn text_of_several_lines_stays_in_its_markdown_table_cell() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    {
        let mut s = Store::open(&env.db).unwrap();
        s.set_audit_context(
            &id,
            ContextItem::Obstacles,
            "Badge office closed\n# not a heading\n| not a row |",
        )
        .unwrap();
    }
    let md = report(&env, &id, &["--format", "md"]);
    let row = md
        .lines()
        .find(|l| l.starts_with("| Obstacles"))
        .expect("the obstacles row");
    assert_eq!(
        row,
        "| Obstacles | Badge office closed<br>\\# not a heading<br>\\| not a row \\| |"
    );
    // every line of every table has as many cells as the table's header
    let mut cells = None;
    for l in md.lines() {
        if !l.starts_with('|') {
            cells = None;
            continue;
        }
        let n = l.replace("\\|", "").matches('|').count();
        match cells {
            None => cells = Some(n),
            Some(c) => assert_eq!(n, c, "a broken row: {l}"),
        }
    }
}

#[test]
fn a_template_of_ones_own_is_used_and_a_broken_one_is_named() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let good = env.path("mine.html.j2");
    std::fs::write(
        &good,
        "<p>{{ organisation }}: {{ groups | length }} grades, {{ recommendation }}</p>",
    )
    .unwrap();
    let out = report(&env, &id, &["--template", good.to_str().unwrap()]);
    assert_eq!(
        out,
        "<p>Northwind Managed Services Ltd: 5 grades, Not recorded</p>"
    );

    let bad = env.path("bad.html.j2");
    std::fs::write(&bad, "line one\n{% for x in groups %}never closed").unwrap();
    let target = env.path("never.html");
    let (bad_s, target_s) = (bad.to_str().unwrap(), target.to_str().unwrap());
    let args = [
        "report",
        "--audit",
        &id,
        "--template",
        bad_s,
        "--out",
        target_s,
    ];
    let err = fails(&env, &args, "bad.html.j2");
    assert!(err.contains("line 2"), "{err}");
    assert!(!target.exists(), "nothing written");

    // an unknown variable is an error, not an empty string
    std::fs::write(&bad, "{{ no_such_thing }}").unwrap();
    let err = fails(&env, &args, "line 1 ({{ no_such_thing }})");
    assert!(err.contains("undefined"), "{err}");
    assert!(!target.exists());
}

#[test]
fn the_context_is_recorded_from_the_command_line_and_old_spellings_say_where_they_went() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    env.ok(&[
        "audit",
        "edit",
        "--audit",
        &id,
        "--set",
        "closing_meeting=2026-11-19 16:00, findings acknowledged",
        "--set",
        "objectives-met=Yes",
    ]);
    let s = Store::open(&env.db).unwrap();
    let c = s.audit_context(&id).unwrap();
    assert_eq!(
        c.get(ContextItem::ClosingMeeting),
        "2026-11-19 16:00, findings acknowledged"
    );
    assert_eq!(c.get(ContextItem::ObjectivesMet), "Yes");
    drop(s);
    let err = fails(
        &env,
        &["audit", "edit", "--audit", &id, "--set", "weather=sunny"],
        "unknown context item \"weather\"",
    );
    assert!(err.contains("closing_meeting"), "{err}");
    fails(
        &env,
        &["reopen", "--audit", &id, "--reason", "x"],
        "auditbench audit reopen",
    );
    env.ok(&["audit", "report", "--audit", &id]);
    env.ok(&[
        "audit",
        "reopen",
        "--audit",
        &id,
        "--reason",
        "typo in the report",
    ]);
}

/// `export --format xlsx`: one workbook, read back with calamine: every
/// sheet, clause ids and references as text (never dates or numbers), a
/// formula-looking value stays text, hostile text comes back as written.
#[test]
fn the_xlsx_workbook_reads_back_with_text_kept_as_text() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let tricky = "=HYPERLINK(\"http://x\",\"y\")\n+1 -2 @3 \u{1}\u{1b}[31m <b>&amp;</b> 中文 😀";
    {
        let mut s = Store::open(&env.db).unwrap();
        s.add_finding(
            &id,
            &NewFinding {
                clause_id: "10.1".into(),
                stage: Stage::TWO,
                grade: Grade::Observation,
                title: tricky.into(),
                requirement: String::new(),
                statement: "x".repeat(40_000),
                evidence: String::new(),
                raised_by: "Jordan Lee".into(),
                due_date: String::new(),
            },
        )
        .unwrap();
    }
    let out = env.path("audit.xlsx");
    env.ok(&[
        "export",
        "--audit",
        &id,
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Findings",
            "Samples",
            "Interviews",
            "Clause coverage",
            "Documents"
        ]
    );
    let findings = wb.worksheet_range("Findings").unwrap();
    assert_eq!(findings.height(), 1 + 13, "header + 13 findings");
    assert_eq!(
        findings.get((0, 0)),
        Some(&Data::String("Reference".into()))
    );
    // every cell is text: no number, no date, no formula
    for row in findings.rows() {
        for c in row {
            assert!(
                matches!(c, Data::String(_) | Data::Empty),
                "not text: {c:?}"
            );
        }
    }
    let row = findings
        .rows()
        .find(|r| r[2] == Data::String("10.1".into()))
        .expect("the 10.1 finding, its clause as text");
    // control characters are stored as OOXML escapes (`_x0001_`), which
    // Excel turns back into the character and calamine leaves as they are
    let Data::String(title) = &row[5] else {
        panic!()
    };
    assert_eq!(ooxml_unescape(title), tricky, "the title as written");
    let Data::String(long) = &row[7] else {
        panic!()
    };
    assert!(long.chars().count() <= 32_767 && long.ends_with("per cell]"));
    assert!(wb
        .worksheet_formula("Findings")
        .unwrap()
        .used_cells()
        .all(|(_, _, f)| f.is_empty()));
    let cov = wb.worksheet_range("Clause coverage").unwrap();
    assert_eq!(cov.height(), 1 + 57);
    assert!(cov.rows().any(|r| r[0] == Data::String("8.5.1.3".into())));
    let docs = wb.worksheet_range("Documents").unwrap();
    assert_eq!(docs.height(), 1 + 47);
    let samples = wb.worksheet_range("Samples").unwrap();
    assert!(samples
        .rows()
        .any(|r| r[7] == Data::String("NC-002".into())));
    // the period the records cover
    assert!(samples
        .rows()
        .skip(1)
        .all(|r| r[8] == Data::String("2026-08-01".into())
            && r[9] == Data::String("2026-10-31".into())));

    // a workbook is not for standard output
    fails(
        &env,
        &["export", "--audit", &id, "--format", "xlsx"],
        "--out FILE.xlsx",
    );
}

/// Decode OOXML's `_xHHHH_` escapes of characters XML cannot hold.
fn ooxml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let hex = tail
            .get(2..6)
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
        match (hex, tail.get(6..7)) {
            (Some(h), Some("_")) => {
                out.push(char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap());
                rest = &tail[7..];
            }
            _ => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The report's generation time as it appears in the HTML (its
/// `generated_at`), so that checks on the text can leave it out.
fn generated_at(html: &str) -> String {
    // the first RFC 3339 time stamp in the page: YYYY-MM-DDTHH:MM:SSZ
    html.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .find(|w| w.len() == 20 && w.as_bytes()[10] == b'T' && w.ends_with('Z'))
        .unwrap_or_default()
        .to_string()
}
