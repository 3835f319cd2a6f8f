//! A whole mock certification audit, driven through the workbench's keys on
//! a temp file, as a lead auditor would run it (issue 11): create the audit,
//! review stage 1 documents, walk 8 clauses at stage 2, raise a finding of
//! every grade, interview, sample, regrade, close an NC with its
//! verification, record the team's recommendation, report, export.

mod common;

use auditbench::domain::*;
use auditbench::store::{FindingField, FindingFilter};
use auditbench::tui::app::{App, Screen};
use auditbench::tui::keymap::Mode;
use auditbench::tui::popups::Popup;
use common::*;
use ratatui::crossterm::event::KeyCode;

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
}

fn status(app: &App) -> String {
    app.model
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn goto(app: &mut App, clause: &str) {
    app.handle_key(key(KeyCode::Char('/')));
    type_text(app, clause);
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.current_clause().as_deref(), Some(clause));
}

/// On stage 2, raise a finding: the grade moved `steps` from Minor (-1 is
/// Major), a title; saved with Ctrl-S. Returns its reference.
fn raise(app: &mut App, steps: i32, title: &str) -> String {
    press(app, "f");
    assert_eq!(app.mode(), Mode::FormChoice);
    for _ in 0..steps.abs() {
        app.handle_key(key(if steps < 0 {
            KeyCode::Left
        } else {
            KeyCode::Right
        }));
    }
    app.handle_key(key(KeyCode::Tab));
    type_text(app, title);
    app.handle_key(ctrl('s'));
    let Some(Popup::Finding(d)) = app.popups.last() else {
        panic!("the new finding is shown: {}", status(app))
    };
    let r = d.finding.reference.clone();
    app.handle_key(key(KeyCode::Esc));
    r
}

/// In the finding editor: go to the field's row, edit it, type, save.
fn fill(app: &mut App, field: FindingField, text: &str) {
    use auditbench::tui::popups::finding::{Row, ROWS};
    let row = ROWS
        .iter()
        .position(|r| *r == Row::Text(field))
        .expect("a row of the editor");
    let Some(Popup::Finding(d)) = app.popups.last() else {
        panic!("finding editor")
    };
    let from = d.row;
    for _ in from..row {
        app.handle_key(key(KeyCode::Down));
    }
    for _ in row..from {
        app.handle_key(key(KeyCode::Up));
    }
    app.handle_key(key(KeyCode::Enter));
    assert!(matches!(app.mode(), Mode::Editor | Mode::EditorLine));
    type_text(app, text);
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::FindingDetail, "{}", status(app));
}

#[test]
fn a_mock_certification_audit_end_to_end() {
    let env = Env::new();
    let mut app = app(&env);

    // --- a new stage 2 audit, through its form
    press(&mut app, "n");
    type_text(&mut app, "Contoso IT Services");
    app.handle_key(key(KeyCode::Tab)); // type: stage 2 (default)
    app.handle_key(key(KeyCode::Tab)); // edition: 2018
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "Managed service desk and hosting");
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "Example Certification Body");
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "Jordan Lee");
    app.handle_key(ctrl('s'));
    assert_eq!(app.screen, Screen::Overview, "{}", status(&app));
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    assert_eq!(app.store.audit(&id).unwrap().status, AuditStatus::Planned);
    let (line, _) = app.model.data.as_ref().unwrap().suggestion();
    assert_eq!(line, "Incomplete: 57 of 57 clauses not assessed");

    // --- stage 1: three documents reviewed through the picker
    press(&mut app, "2");
    press(&mut app, "s2"); // adequate
    press(&mut app, "j");
    press(&mut app, "s3"); // needs improvement
    press(&mut app, "j");
    press(&mut app, "s");
    app.handle_key(key(KeyCode::Enter)); // Enter on the current value: unchanged
    assert_eq!(
        app.store.audit(&id).unwrap().status,
        AuditStatus::InProgress,
        "first result"
    );
    let reviews = app.store.document_reviews(&id).unwrap();
    assert_eq!(
        reviews.iter().map(|r| r.status).collect::<Vec<_>>(),
        [DocStatus::Adequate, DocStatus::NeedsImprovement]
    );

    // --- stage 2: 8 clauses walked; findings of every grade
    press(&mut app, "3");
    let walk = [
        "4.1", "5.2.1", "6.2.1", "7.5.3", "8.2.6", "8.5.1.3", "8.7.2", "9.2",
    ];
    let mut refs = Vec::new();
    for (i, c) in walk.iter().enumerate() {
        goto(&mut app, c);
        match i {
            1 => refs.push(raise(
                &mut app,
                -1,
                "No SMS policy approved by top management",
            )),
            2 => refs.push(raise(&mut app, 0, "Objectives lack measures")),
            // (two steps past Minor: the stage 1 concern lies between)
            3 => refs.push(raise(&mut app, 2, "Two versions of a procedure in use")),
            4 => refs.push(raise(&mut app, 3, "Automate CMDB checks")),
            5 => refs.push(raise(&mut app, 4, "Change reviews are thorough")),
            _ => {}
        }
        press(&mut app, "s3"); // done
        let open_nc = matches!(i, 1 | 2);
        press(&mut app, "r");
        press(&mut app, if open_nc { "3" } else { "2" });
        if i == 0 {
            // an interview and a sample on the first clause
            press(&mut app, "i");
            type_text(&mut app, "Ana Ruiz\tService owner");
            app.handle_key(ctrl('s'));
            type_text(&mut app, "Explained the context analysis.");
            app.handle_key(key(KeyCode::Esc));
            assert_eq!(
                app.screen,
                Screen::Stage2,
                "back where the interview was taken"
            );
            assert_eq!(app.current_clause().as_deref(), Some("4.1"));
            press(&mut app, "m");
            app.handle_key(key(KeyCode::Tab));
            type_text(&mut app, "Context reviews 2026");
            app.handle_key(key(KeyCode::Tab));
            app.handle_key(key(KeyCode::Tab));
            type_text(&mut app, "3\tQ1, Q2, Q3 reviews\tall held");
            app.handle_key(ctrl('s'));
            assert!(
                status(&app).starts_with("Sample recorded"),
                "{}",
                status(&app)
            );
        }
    }
    assert_eq!(refs, ["NC-001", "NC-002", "OBS-001", "OFI-001", "GP-001"]);
    let d = app.model.data.as_ref().unwrap();
    assert_eq!(d.coverage().clauses_assessed, 8);
    assert_eq!(
        d.suggestion().0,
        "Incomplete: 49 of 57 clauses not assessed"
    );
    assert_eq!(app.store.interviews(&id).unwrap().len(), 1);
    assert_eq!(app.store.samples(&id).unwrap().len(), 1);

    // "conforming" on a clause with an open NC asks first
    goto(&mut app, "5.2.1");
    press(&mut app, "r2");
    assert_eq!(app.mode(), Mode::Confirm);
    press(&mut app, "n");
    assert_eq!(
        app.store
            .clause_review(&id, "5.2.1", Stage::TWO)
            .unwrap()
            .result,
        ClauseResult::Nonconforming
    );

    // --- regrade the observation to a minor NC: asked, reference follows
    press(&mut app, "4");
    let obs_at = (0..5)
        .position(|i| app.finding_at(i).unwrap().reference == "OBS-001")
        .unwrap();
    for _ in 0..obs_at {
        press(&mut app, "j");
    }
    app.handle_key(key(KeyCode::Enter));
    press(&mut app, "r");
    press(&mut app, "2"); // Minor NC
    assert_eq!(app.mode(), Mode::Confirm);
    press(&mut app, "y");
    let Some(Popup::Finding(d)) = app.popups.last() else {
        panic!("still in the finding editor")
    };
    assert_eq!(
        (d.finding.reference.as_str(), d.finding.formerly.as_str()),
        ("NC-003", "OBS-001")
    );

    // --- close it: refused until the response and the verification are in
    press(&mut app, "s4");
    assert!(
        status(&app).contains("cannot be closed (verified) yet: fill correction"),
        "{}",
        status(&app)
    );
    fill(
        &mut app,
        FindingField::Correction,
        "Obsolete copy withdrawn",
    );
    fill(
        &mut app,
        FindingField::RootCause,
        "No owner for the wiki copy",
    );
    fill(
        &mut app,
        FindingField::CorrectiveAction,
        "Single source on the DMS; wiki links only",
    );
    fill(&mut app, FindingField::VerifiedOn, "2026-11-25");
    fill(&mut app, FindingField::VerifiedBy, "Jordan Lee");
    fill(
        &mut app,
        FindingField::VerificationMethod,
        "Checked the DMS and the wiki",
    );
    fill(
        &mut app,
        FindingField::VerificationEvidence,
        "DMS record DOC-17 v3; wiki page links to it",
    );
    press(&mut app, "s4");
    let f = app.store.finding_by_ref(&id, "NC-003").unwrap();
    assert_eq!(f.status, FindingStatus::Closed, "{}", status(&app));
    app.handle_key(key(KeyCode::Esc));

    // --- the team's recommendation, with its justification
    press(&mut app, "1");
    press(&mut app, "d");
    assert_eq!(app.mode(), Mode::Picker);
    press(&mut app, "3"); // recommend after verification of the major NCs
    assert!(
        matches!(app.mode(), Mode::Editor),
        "the justification is asked for"
    );
    type_text(
        &mut app,
        "One major NC on the SMS policy; verify before issuing.",
    );
    app.handle_key(key(KeyCode::Esc));
    let a = app.store.audit(&id).unwrap();
    assert_eq!(a.recommendation, Some(Decision::RecommendAfterVerification));
    assert!(a.recommendation_note.starts_with("One major NC"));

    // --- report: what is missing is said before confirming
    press(&mut app, "R");
    let Some(Popup::Confirm(c)) = app.popups.last() else {
        panic!("a confirmation")
    };
    assert!(
        c.message
            .contains("Still missing: 49 clauses not assessed; 1 major NC open."),
        "{}",
        c.message
    );
    press(&mut app, "y");
    assert_eq!(app.store.audit(&id).unwrap().status, AuditStatus::Reported);

    // --- export the CSV and read it back
    press(&mut app, "x");
    app.handle_key(ctrl('s'));
    let wrote = status(&app);
    let name = "contoso-it-services-findings-2026-11-23.csv";
    assert_eq!(
        wrote,
        format!("Wrote 5 findings to {name} in {}", env.dir.path().display())
    );
    let mut rdr = csv::Reader::from_path(env.dir.path().join(name)).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let refs: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(refs, ["NC-001", "NC-002", "NC-003", "OFI-001", "GP-001"]);
    let all = app.store.findings(&id, &FindingFilter::default()).unwrap();
    assert!(all
        .iter()
        .all(|f| !(f.grade == Grade::GoodPractice && f.reference.starts_with("NC-"))));
    // --- the report, from the Report screen: what is missing is listed
    press(&mut app, "7");
    press(&mut app, "m");
    app.handle_key(ctrl('s'));
    let wrote = status(&app);
    assert!(
        wrote.starts_with("Wrote the report to ") && wrote.contains("not recorded yet"),
        "{wrote}"
    );
    let report = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with("-report.html"))
        .expect("the report");
    let html = std::fs::read_to_string(report.path()).unwrap();
    for r in ["NC-001", "NC-002", "NC-003", "OFI-001", "GP-001"] {
        assert!(html.contains(r), "{r} in the report");
    }
    assert!(html.contains("Closing meeting: When, who attended"));
    // the trail is intact after all this
    assert_eq!(app.store.verify_history().unwrap().broken, None);
    assert_eq!(app.store.verify_data().unwrap(), None);
}
