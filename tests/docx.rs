//! The Word report (`auditbench report --format docx`): the built-in
//! template filled for the demo audit and for hostile text, a certification
//! body's own template whose placeholders Word split over several runs,
//! paragraph and row loops, and the one-line errors of a broken template.
//! Every DOCX is unzipped and its XML parsed by an independent reader
//! (the `zip` and `quick-xml` crates), never by our own code.

mod common;

use std::io::{Read, Write};

use auditbench::domain::*;
use auditbench::store::Store;
use common::*;
use quick_xml::events::Event;

/// The paragraphs of a DOCX's body, as a reader sees their text (a break
/// as `\n`, a tab as `\t`); panics unless the XML is well formed.
fn paragraphs(path: &std::path::Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_t = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(s) if s.name().as_ref() == b"w:t" => in_t = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_t = false,
            Event::Text(t) if in_t => cur.push_str(&t.unescape().expect("valid escapes")),
            Event::Empty(e) if e.name().as_ref() == b"w:br" => cur.push('\n'),
            Event::Empty(e) if e.name().as_ref() == b"w:tab" => cur.push('\t'),
            Event::End(e) if e.name().as_ref() == b"w:p" => out.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    out
}

fn docx(env: &Env, id: &str, extra: &[&str]) -> Vec<String> {
    let out = env.path("report.docx");
    let mut args = vec![
        "report",
        "--audit",
        id,
        "--format",
        "docx",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    env.ok(&args);
    paragraphs(&out)
}

/// A .docx whose body is `body` (paragraphs and tables), the other parts
/// taken from the built-in template.
fn template_with_body(env: &Env, name: &str, body: &str) -> std::path::PathBuf {
    let builtin = env.path("builtin.docx");
    env.ok(&[
        "report",
        "--format",
        "docx",
        "--save-template",
        builtin.to_str().unwrap(),
    ]);
    let mut src = zip::ZipArchive::new(std::fs::File::open(&builtin).unwrap()).unwrap();
    let path = env.path(name);
    let mut dst = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..src.len() {
        let f = src.by_index_raw(i).unwrap();
        if f.name() == "word/document.xml" {
            continue;
        }
        dst.raw_copy_file(f).unwrap();
    }
    dst.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    write!(
        dst,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
    .unwrap();
    dst.finish().unwrap();
    path
}

#[test]
fn the_word_report_of_the_demo_has_every_section_and_every_finding() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let text = docx(&env, &id, &[]);
    let all = text.join("\n");
    assert!(
        !all.contains("{{") && !all.contains("{%"),
        "no placeholder left"
    );
    for heading in [
        "Audit report",
        "Northwind Managed Services Ltd",
        "Summary and recommendation",
        "Audit context",
        "Findings",
        "Stage 2 clause coverage",
        "Stage 1 document review",
        "Interviews",
        "Samples",
        "Sign-off",
    ] {
        assert!(text.iter().any(|p| p == heading), "{heading} missing");
    }
    // every finding, under its grade, with its clause
    let store = Store::open(&env.db).unwrap();
    let findings = store
        .findings(&id, &auditbench::store::FindingFilter::default())
        .unwrap();
    assert_eq!(findings.len(), 12);
    for f in &findings {
        assert!(
            text.iter()
                .any(|p| p.starts_with(&format!("{} · clause {}", f.reference, f.clause_id))),
            "{} missing",
            f.reference
        );
        assert!(
            text.contains(&format!("Statement: {}", f.statement)),
            "{}",
            f.reference
        );
    }
    let major = text.iter().position(|p| p == "Major NC (1)").unwrap();
    let minor = text.iter().position(|p| p == "Minor NC (3)").unwrap();
    assert!(major < minor, "grades in report order");
    // a table row per document of the catalogue (one paragraph per cell)
    assert!(text
        .iter()
        .any(|p| p == "Master list of SMS documented information"));
    // the notes are left out unless asked for
    assert!(!all.contains("Notes of the interview"));
    let with = docx(&env, &id, &["--with-notes"]).join("\n");
    assert!(
        with.contains("Notes of the interview with"),
        "notes with --with-notes"
    );
}

#[test]
fn hostile_text_stays_text_in_the_word_report() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let nasty = "</w:t></w:r></w:p><w:p><w:r><w:t>injected {{ 7*7 }} {%p if 1 %} & \"q\" 'a' \u{1b}[31m\u{7}\u{0} end";
    let two_lines = "first line\nsecond\tline";
    {
        let mut s = Store::open(&env.db).unwrap();
        s.add_finding(
            &id,
            &NewFinding {
                clause_id: "8.6.1".into(),
                stage: Stage::TWO,
                grade: Grade::Minor,
                title: nasty.into(),
                requirement: String::new(),
                statement: two_lines.into(),
                evidence: String::new(),
                raised_by: "Jordan Lee".into(),
                due_date: String::new(),
            },
        )
        .unwrap();
        s.set_audit_context(&id, ContextItem::Obstacles, nasty)
            .unwrap();
    }
    let text = docx(&env, &id, &[]);
    // control characters XML cannot hold become U+FFFD; everything else is
    // exactly the text stored
    let shown = nasty.replace(['\u{1b}', '\u{7}', '\u{0}'], "\u{FFFD}");
    assert!(
        text.iter().any(|p| *p == format!("Title: {shown}")),
        "title not found as text"
    );
    assert!(text.iter().any(|p| *p == format!("Obstacles: {shown}")));
    // (the "Made by … at HH:MM:SS" line can hold a 49 of its own)
    assert!(
        !text
            .iter()
            .any(|p| p.contains("49") && !p.starts_with("Made by")),
        "data is never run"
    );
    assert!(
        text.iter()
            .any(|p| *p == "Statement: first line\nsecond\tline"),
        "line breaks and tabs are Word's own"
    );
}

#[test]
fn a_bodys_template_with_split_runs_paragraph_and_row_loops_is_filled() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    // Word split "{{ organisation }}" over three runs, the middle one bold
    let body = concat!(
        r#"<w:p><w:r><w:t xml:space="preserve">Client: {{ organ</w:t></w:r>"#,
        r#"<w:r><w:rPr><w:b/></w:rPr><w:t>isat</w:t></w:r><w:r><w:t>ion }} &amp; co</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>{%p for g in groups %}</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>{{ g.grade }}: {{ g.cou</w:t></w:r><w:r><w:t>nt }}</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>{%p endfor %}</w:t></w:r></w:p>"#,
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{%tr for d in documents[:2] %}</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"<w:tr><w:tc><w:p><w:r><w:t>{{ d.clause }}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{ d.name }}</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"<w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        r#"<w:p><w:r><w:t>{% if recommendation == "Not recorded" %}no recommendation yet{% endif %}</w:t></w:r></w:p>"#,
    );
    let mine = template_with_body(&env, "body.docx", body);
    let text = docx(&env, &id, &["--template", mine.to_str().unwrap()]);
    assert_eq!(
        text,
        vec![
            "Client: Northwind Managed Services Ltd & co",
            "Major NC: 1",
            "Minor NC: 3",
            "Observation: 4",
            "Opportunity for improvement: 2",
            "Good practice: 2",
            "4.1",
            "Analysis of internal and external issues (recommended, not mandated)",
            "4.2",
            "Register of interested parties and their requirements",
            "no recommendation yet",
        ]
    );
    // the bold run keeps its formatting, the placeholder moved to the first run
    let mut xml = String::new();
    zip::ZipArchive::new(std::fs::File::open(env.path("report.docx")).unwrap())
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"<w:t xml:space="preserve">Client: Northwind Managed Services Ltd</w:t>"#),
        "{xml}"
    );
}

#[test]
fn a_broken_word_template_is_named_in_one_line_and_nothing_is_written() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let target = env.path("never.docx");
    let t = target.to_str().unwrap().to_string();
    let run = |template: &std::path::Path, want: &str| {
        let args = [
            "report",
            "--audit",
            &id,
            "--format",
            "docx",
            "--template",
            template.to_str().unwrap(),
            "--out",
            &t,
        ];
        let err = fails(&env, &args, want);
        assert!(!target.exists(), "nothing written: {err}");
        err
    };
    let p = |s: &str| format!("<w:p><w:r><w:t>{s}</w:t></w:r></w:p>");

    // not closed within its paragraph
    let bad = template_with_body(&env, "open.docx", &(p("{{ organisation") + &p("}}")));
    let err = run(&bad, "\"{{ organisation\"");
    assert!(err.contains("no closing }}"), "{err}");
    // a syntax error inside the placeholder, split over runs
    let bad = template_with_body(
        &env,
        "syntax.docx",
        "<w:p><w:r><w:t>a {{ organisation </w:t></w:r><w:r><w:t>| }} b</w:t></w:r></w:p>",
    );
    run(&bad, "\"{{ organisation | }}\"");
    // an unknown variable
    let bad = template_with_body(&env, "unknown.docx", &(p("x") + &p("{{ organisaton }}")));
    let err = run(&bad, "\"{{ organisaton }}\"");
    assert!(err.contains("undefined"), "{err}");
    // a loop never closed
    let bad = template_with_body(&env, "loop.docx", &p("{%p for g in groups %}"));
    run(&bad, "word/document.xml");
    // XML that is not well formed
    let bad = template_with_body(
        &env,
        "xml.docx",
        "<w:p><w:r><w:t>{{ organisation }}</w:r></w:p>",
    );
    run(&bad, "word/document.xml of");
    // not a Word file at all
    let text = env.path("notes.docx");
    std::fs::write(&text, "just text").unwrap();
    run(&text, "is not a Word .docx file");
}

#[test]
fn the_saved_builtin_template_gives_the_same_report() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let saved = env.path("saved.docx");
    env.ok(&[
        "report",
        "--format",
        "docx",
        "--save-template",
        saved.to_str().unwrap(),
    ]);
    // the template itself is a valid document showing its placeholders
    let own = paragraphs(&saved);
    assert!(own.iter().any(|p| p == "{{ organisation }}"));
    let builtin = docx(&env, &id, &[]);
    let from_file = docx(&env, &id, &["--template", saved.to_str().unwrap()]);
    let strip = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .filter(|p| !p.starts_with("Made by"))
            .collect()
    };
    assert_eq!(strip(builtin), strip(from_file));
}
