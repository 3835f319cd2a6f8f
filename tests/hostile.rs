//! Hostile input: arbitrary Unicode (combining marks, right-to-left, wide CJK,
//! emoji sequences, NUL and control characters, megabyte strings) in every
//! finding text field goes store → workbench render → CSV → CSV read-back
//! with no panic and an exact round trip; catalogue files of arbitrary bytes
//! get a clean error. Case counts: `PROPTEST_CASES` (default below).

mod common;

use auditbench::catalogue::Catalogue;
use auditbench::domain::{Grade, NewFinding, Stage};
use auditbench::export::csv::{neutralise, write_findings};
use auditbench::store::{FindingField, Store};
use auditbench::tui::action::Action;
use common::*;
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Characters that break naive text handling.
const NASTY: &[char] = &[
    '\u{0}', '\u{7}', '\u{8}', '\u{1b}', '\r', '\n', '\t', '\u{7f}', '\u{85}', '\u{a0}',
    '\u{0301}', '\u{0327}', '\u{20dd}', // combining marks
    '\u{202e}', '\u{200f}', '\u{2066}', 'א', 'ש', 'ع', // bidi controls, RTL letters
    '中', '文', '𠜎', 'Ａ', // wide CJK, astral, full-width
    '😀', '👩', '\u{200d}', '🇫', '🇷', '\u{fe0f}', // emoji and their joiners
    '\u{feff}', '\u{fffd}', '\u{2028}',
    '\u{ad}', // BOM, replacement, line separator, soft hyphen
    '=', '+', '-', '@', '"', ',', ';', '\'', '\\', // CSV and formula starters
];

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(NASTY),
            1 => any::<char>(),
            1 => prop::char::range('a', 'z'),
        ],
        0..120,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// The text fields of a finding, in CSV column order.
const TEXT_COLUMNS: &[(FindingField, usize)] = &[
    (FindingField::Title, 7),
    (FindingField::Requirement, 8),
    (FindingField::Statement, 9),
    (FindingField::Evidence, 10),
    (FindingField::RootCause, 12),
    (FindingField::Correction, 13),
    (FindingField::CorrectiveAction, 14),
    (FindingField::RaisedBy, 16),
];

fn draw_everywhere(app: &mut auditbench::tui::app::App, w: u16, h: u16) {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    for a in [
        Action::GoOverview,
        Action::GoStage2,
        Action::GoFindings,
        Action::Select,
        Action::ShowHistory,
    ] {
        app.dispatch(a);
        app.draw(&mut term).unwrap();
    }
    app.popups.clear();
}

/// Store every value, read each back, render, export, parse the CSV: exact.
fn round_trip(env: &Env, values: &[String], size: (u16, u16)) {
    let mut app = demo_app(env);
    let audit = app.model.data.as_ref().unwrap().audit.clone();
    // The title must not be blank; keep it hostile around a letter.
    let title = format!("{}x{}", values[0], values[1 % values.len()]);
    let f = app
        .store
        .add_finding(
            &audit.id,
            &NewFinding {
                clause_id: "8.1".into(),
                stage: Stage::TWO,
                grade: Grade::Observation,
                title: title.clone(),
                requirement: String::new(),
                statement: String::new(),
                evidence: String::new(),
                raised_by: String::new(),
                due_date: String::new(),
            },
        )
        .unwrap();
    let mut expected = vec![title];
    for (i, (field, _)) in TEXT_COLUMNS.iter().enumerate().skip(1) {
        let v = values[i % values.len()].clone();
        app.store.set_finding_field(&f.id, *field, &v).unwrap();
        expected.push(v);
    }
    // Store: exact.
    let back = app.store.finding(&f.id).unwrap();
    for ((field, _), want) in TEXT_COLUMNS.iter().zip(&expected) {
        assert_eq!(field.get(&back), want.as_str(), "{field:?} from the store");
    }
    // Render: no panic on any screen showing it, popups included.
    app.reload(auditbench::tui::effect::Slice::Findings)
        .unwrap();
    let rowid = app.store.finding_rowid(&f.id).unwrap();
    let pos = app
        .model
        .data
        .as_ref()
        .unwrap()
        .findings
        .position(rowid)
        .unwrap();
    app.screens.findings.selected = pos;
    draw_everywhere(&mut app, size.0, size.1);
    // CSV: every field back exactly (formula starters carry the documented `'`).
    let (_, bytes) = write_findings(&app.store, &audit, Default::default(), Vec::new()).unwrap();
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let row = rdr
        .records()
        .map(|r| r.unwrap())
        .find(|r| r.get(0) == Some(back.reference.as_str()))
        .expect("the finding's row");
    for ((field, col), want) in TEXT_COLUMNS.iter().zip(&expected) {
        assert_eq!(
            row.get(*col).unwrap(),
            neutralise(want),
            "{field:?} through the CSV"
        );
        let original = match row.get(*col).unwrap() {
            s if neutralise(want) != want.as_str() => s.strip_prefix('\'').unwrap().to_string(),
            s => s.to_string(),
        };
        assert_eq!(&original, want);
    }
    // History holds the values exactly too, and the chain verifies.
    let h = app.store.history("finding", &f.id).unwrap();
    for ((field, _), want) in TEXT_COLUMNS.iter().zip(&expected).skip(1) {
        if !want.is_empty() {
            let column = auditbench::tui::labels::finding_field(*field)
                .to_lowercase()
                .replace(' ', "_");
            assert!(
                h.iter().any(|e| e.new.as_deref() == Some(want.as_str())),
                "{column}: {want:?} not in the trail"
            );
        }
    }
    assert_eq!(app.store.verify_history().unwrap().broken, None);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_text_round_trips_exactly(
        values in prop::collection::vec(hostile(), 8),
        w in 80u16..200,
        h in 24u16..60,
    ) {
        let env = Env::new();
        round_trip(&env, &values, (w, h));
    }

    #[test]
    fn catalogue_files_of_arbitrary_bytes_get_a_clean_error(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
    ) {
        let text = String::from_utf8_lossy(&bytes);
        match Catalogue::parse(&text, "random.toml") {
            Ok(_) => {}
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("random.toml"), "{}", msg);
                prop_assert!(!msg.trim().is_empty());
            }
        }
    }

    #[test]
    fn catalogue_like_text_with_hostile_values_never_panics(
        id in hostile(), title in hostile(), clause in hostile(),
        key in hostile(), valid_clause in any::<bool>(), dup_key in any::<bool>(),
    ) {
        // Valid TOML strings (TOML's own escapes), every required key present,
        // so the hostile values get past the parser into validation: ids,
        // titles, clause ids and their parents, document keys and duplicates.
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let clause_id = if valid_clause { "4".to_string() } else { clause.clone() };
        let second_key = if dup_key { key.clone() } else { format!("{key}-2") };
        let src = format!(
            "id = {}\nstandard = \"ISO/IEC 20000-1\"\nedition = \"2018\"\ntitle = {}\n\
             [[clause]]\nid = {}\ntitle = {}\nintent = {}\nquestions = [{}]\n\
             [[clause.documents]]\nkey = {}\nname = {}\n\
             [[clause]]\nid = {}\ntitle = {}\n\
             [[clause.documents]]\nkey = {}\nname = {}\n",
            q(&id), q(&title),
            q(&clause_id), q(&title), q(&title), q(&title),
            q(&key), q(&title),
            q(&format!("{clause_id}.1")), q(&title),
            q(&second_key), q(&title),
        );
        match Catalogue::parse(&src, "hostile.toml") {
            Ok(cat) => {
                prop_assert_eq!(cat.clauses().len(), 2);
                prop_assert_eq!(&cat.id, &id);
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("hostile.toml"), "{}", msg);
                // The parser accepted the text: the refusal is validation's.
                prop_assert!(e.line.is_none(), "a TOML error: {}", msg);
            }
        }
    }
}

#[test]
fn catalogue_files_of_raw_bytes_are_refused_by_the_cli_in_one_line() {
    let env = Env::new();
    let file = env.path("noise.toml");
    let noise: Vec<u8> = (0..3000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(&file, noise).unwrap();
    let out = env
        .cmd()
        .arg("--catalogue")
        .arg(&file)
        .arg("catalogue")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("noise.toml"), "{err}");
}

#[test]
fn megabyte_strings_round_trip_too() {
    let env = Env::new();
    let unit: String = NASTY.iter().collect();
    let mut big = String::new();
    while big.len() < 1_000_000 {
        big.push_str(&unit);
        big.push_str("pad ");
    }
    let values = vec![big.clone(), "=1+1".into(), big, "\u{0}".into()];
    round_trip(&env, &values, (120, 36));
}

#[test]
fn a_store_reopened_reads_the_same_hostile_text() {
    let env = Env::new();
    let mut s = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let f = s.finding_by_ref(&id, "NC-001").unwrap();
    let v: String = NASTY.iter().collect();
    s.set_finding_field(&f.id, FindingField::Evidence, &v)
        .unwrap();
    drop(s);
    let s = Store::open(&env.db).unwrap();
    assert_eq!(s.finding(&f.id).unwrap().evidence, v);
}
