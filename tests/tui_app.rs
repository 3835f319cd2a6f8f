//! The workbench's update logic, headless: an App on a real temp database,
//! driven by actions and key events, asserting on state and on the file.

mod common;

use auditbench::domain::*;
use auditbench::store::{EditTarget, FindingField, FindingFilter, InterviewField};
use auditbench::tui::action::Action;
use auditbench::tui::app::{App, Screen};
use auditbench::tui::keymap::Mode;
use auditbench::tui::popups::Popup;
use common::*;
use ratatui::crossterm::event::KeyCode;

/// The open audit's interviews, in the list's order (the workbench holds
/// their row ids; the rows are read as the screen needs them).
fn interviews_of(app: &App) -> Vec<Interview> {
    let d = app.model.data.as_ref().unwrap();
    app.store
        .interviews_by_rowid(d.interviews.rowids(0, d.interviews.len()))
        .unwrap()
}

/// The open audit's samples, in the list's order.
fn samples_of(app: &App) -> Vec<Sample> {
    let d = app.model.data.as_ref().unwrap();
    app.store
        .samples_by_rowid(d.samples.rowids(0, d.samples.len()))
        .unwrap()
}

fn findings(app: &App) -> Vec<Finding> {
    let id = &app.model.data.as_ref().unwrap().audit.id;
    app.store.findings(id, &FindingFilter::default()).unwrap()
}

/// A workbench on the demo file with `n` more findings in its stage 2
/// audit (not opened yet), and that audit's id.
fn demo_with_findings(env: &Env, n: usize) -> (App, String) {
    let mut app = app(env);
    let id = auditbench::demo::create_demo(&mut app.store).unwrap();
    let audit = app.store.audit(&id).unwrap();
    let cat = app.store.catalogue(&audit.catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut app.store, &id, &cat, n).unwrap();
    (app, id)
}

fn goto_clause(app: &mut App, query: &str) {
    app.handle_key(key(KeyCode::Char('/')));
    assert_eq!(app.mode(), Mode::Finder);
    type_text(app, query);
    app.handle_key(key(KeyCode::Enter));
}

/// The findings screen's list, read like the screen reads it.
fn listed(app: &App) -> Vec<Finding> {
    let n = app.model.data.as_ref().unwrap().findings.len();
    (0..n).filter_map(|i| app.finding_at(i)).collect()
}

fn current_clause(app: &App) -> String {
    app.current_clause().unwrap()
}

#[test]
fn a_first_run_says_what_to_do_and_d_creates_the_demo() {
    let env = Env::new();
    let mut app = app(&env);
    assert_eq!(app.screen, Screen::Audits);
    assert!(app.model.audits.is_empty());
    app.handle_key(key(KeyCode::Char('D')));
    // the demo client's cycle at once: its stage 2 and first surveillance;
    // and the rehearsal client's two rehearsals
    assert_eq!(app.model.audits.len(), 4);
    let kinds: Vec<AuditType> = app
        .model
        .audits
        .iter()
        .map(|r| r.summary.audit.audit_type)
        .collect();
    assert_eq!(
        kinds,
        [
            AuditType::Surveillance,
            AuditType::Stage2,
            AuditType::Internal,
            AuditType::Internal
        ]
    );
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Overview);
    let d = app.model.data.as_ref().unwrap();
    assert_eq!(d.audit.organisation, "Northwind Managed Services Ltd");
    assert_eq!(d.counts, [1, 3, 0, 4, 2, 2]);
    // the demo has walked about half the clauses: the suggestion says so
    // before anything about its findings
    let (line, _) = d.suggestion();
    assert!(line.starts_with("Incomplete: "), "{line}");
    assert_eq!(d.tally.open_majors, 1);
}

#[test]
fn screens_need_an_open_audit() {
    let env = Env::new();
    let mut app = app(&env);
    app.handle_key(key(KeyCode::Char('4')));
    assert_eq!(app.screen, Screen::Audits);
    assert!(app.model.status.as_ref().unwrap().error);
}

#[test]
fn finder_jumps_to_a_clause_and_f_raises_a_minor_nc_there() {
    let env = Env::new();
    let mut app = demo_app(&env);
    goto_clause(&mut app, "8.5.1 change management");
    assert_eq!(app.screen, Screen::Stage2);
    assert_eq!(current_clause(&app), "8.5.1");
    app.handle_key(key(KeyCode::Char('f')));
    assert_eq!(app.mode(), Mode::FormChoice);
    // grade (Minor by default), then title
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "Change policy not reviewed since 2023\t\t\t\t");
    type_text(
        &mut app,
        "Policy CMP-02 last reviewed March 2023.\tCMP-02 v1.3",
    );
    app.handle_key(ctrl('s'));
    assert_eq!(app.mode(), Mode::FindingDetail, "the new finding opens");
    let f = findings(&app)
        .into_iter()
        .find(|f| f.reference == "NC-005")
        .expect("NC-005 written");
    assert_eq!(
        (f.grade, f.clause_id.as_str(), f.stage),
        (Grade::Minor, "8.5.1", Stage::TWO)
    );
    assert_eq!(f.title, "Change policy not reviewed since 2023");
    assert_eq!(f.statement, "Policy CMP-02 last reviewed March 2023.");
    assert_eq!(f.evidence, "CMP-02 v1.3");
    assert_eq!(f.requirement, "ISO/IEC 20000-1:2018 8.5.1");
    assert_eq!(f.raised_by, "Jordan Lee");
    assert_eq!(
        app.model.data.as_ref().unwrap().by_clause.get("8.5.1"),
        Some(&(1, 1))
    );
}

#[test]
fn a_form_with_a_bad_value_stays_open_with_an_error() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.handle_key(key(KeyCode::Char('f')));
    // empty title
    app.handle_key(ctrl('s'));
    assert_eq!(app.mode(), Mode::FormChoice);
    assert!(app.model.status.as_ref().unwrap().error);
    assert!(app.model.status.as_ref().unwrap().text.contains("title"));
    assert_eq!(findings(&app).len(), 12);
}

#[test]
fn clause_status_result_and_questions_are_saved_at_once() {
    let env = Env::new();
    let mut app = demo_app(&env);
    goto_clause(&mut app, "8.6.2 service request");
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    let before = app
        .store
        .clause_review(&audit, "8.6.2", Stage::TWO)
        .unwrap();
    assert_eq!(before.status, ClauseStatus::NotStarted);
    // s opens a picker of every status: Enter on the current one changes nothing
    app.handle_key(key(KeyCode::Char('s')));
    assert_eq!(app.mode(), Mode::Picker);
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Stage2);
    assert_eq!(
        app.store
            .clause_review(&audit, "8.6.2", Stage::TWO)
            .unwrap()
            .status,
        ClauseStatus::NotStarted,
        "a double key never changes a value"
    );
    // by number, or by first letter then Enter
    app.handle_key(key(KeyCode::Char('s')));
    app.handle_key(key(KeyCode::Char('3')));
    app.handle_key(key(KeyCode::Char('r')));
    app.handle_key(key(KeyCode::Char('c')));
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Tab));
    assert_eq!(app.mode(), Mode::Stage2Questions);
    app.handle_key(key(KeyCode::Char('j')));
    app.handle_key(key(KeyCode::Char(' ')));
    let r = app
        .store
        .clause_review(&audit, "8.6.2", Stage::TWO)
        .unwrap();
    assert_eq!(
        (r.status, r.result),
        (ClauseStatus::Done, ClauseResult::Conforming)
    );
    assert_eq!(r.questions_covered, vec![1]);
    app.handle_key(key(KeyCode::Char(' ')));
    assert!(app
        .store
        .clause_review(&audit, "8.6.2", Stage::TWO)
        .unwrap()
        .questions_covered
        .is_empty());
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Stage2);
}

#[test]
fn n_moves_to_the_next_clause_not_done() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.handle_key(key(KeyCode::Char('n')));
    let first = current_clause(&app);
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    assert_ne!(
        app.store
            .clause_review(&audit, &first, Stage::TWO)
            .unwrap()
            .status,
        ClauseStatus::Done
    );
    app.handle_key(key(KeyCode::Char('n')));
    assert_ne!(current_clause(&app), first);
}

#[test]
fn tree_collapses_and_expands() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    let all = app.screens.stage2.visible.len();
    assert_eq!(all, 77);
    app.handle_key(key(KeyCode::Enter)); // on "4"
    assert_eq!(app.screens.stage2.visible.len(), 77 - 4);
    app.handle_key(key(KeyCode::Char('l')));
    assert_eq!(app.screens.stage2.visible.len(), 77);
    app.handle_key(key(KeyCode::Char('j')));
    assert_eq!(current_clause(&app), "4.1");
    app.handle_key(key(KeyCode::Char('h')));
    assert_eq!(current_clause(&app), "4", "h on a leaf goes to the parent");
}

#[test]
fn stage1_document_status_cycles_and_o_raises_a_stage_1_concern() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage1);
    let (clause, key_, _) = app
        .screens
        .stage1
        .current()
        .map(|(c, k, n)| (c.to_string(), k.to_string(), n.to_string()))
        .unwrap();
    assert_eq!(
        (clause.as_str(), key_.as_str()),
        ("4.1", "context-analysis")
    );
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    assert_eq!(
        app.store
            .document_review(&audit, &key_, &clause)
            .unwrap()
            .status,
        DocStatus::Missing
    );
    app.handle_key(key(KeyCode::Char('s')));
    assert_eq!(app.mode(), Mode::Picker);
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(
        app.store
            .document_review(&audit, &key_, &clause)
            .unwrap()
            .status,
        DocStatus::NotApplicable
    );
    app.handle_key(key(KeyCode::Char('r')));
    assert_eq!(app.mode(), Mode::EditorLine);
    type_text(&mut app, "CTX-01");
    app.handle_key(key(KeyCode::Enter)); // single-line: Enter saves
    assert_eq!(
        app.store
            .document_review(&audit, &key_, &clause)
            .unwrap()
            .reference,
        "NW-41-01CTX-01"
    );
    app.handle_key(key(KeyCode::Char('o')));
    assert_eq!(app.mode(), Mode::FormChoice);
    app.handle_key(ctrl('s'));
    // a stage 1 concern by default
    let obs = findings(&app)
        .into_iter()
        .find(|f| f.reference == "AOC-001")
        .expect("stage 1 concern raised");
    assert_eq!(
        (obs.grade, obs.stage, obs.clause_id.as_str()),
        (Grade::Concern, Stage::ONE, "4.1")
    );
    assert!(obs
        .title
        .starts_with("Analysis of internal and external issues"));
    assert!(
        !obs.title.trim_end().ends_with(':'),
        "no dangling colon: {:?}",
        obs.title
    );
    // linked to its document, and shown in the document's pane
    assert_eq!(obs.doc_key, key_);
    app.handle_key(key(KeyCode::Esc));
    let screen = screen(&mut app, 80, 24);
    assert!(screen.contains("AOC-001 Analysis of internal"), "{screen}");
}

#[test]
fn findings_filter_sort_and_delete_only_after_confirmation() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    assert_eq!(app.model.data.as_ref().unwrap().findings.len(), 12);
    app.handle_key(key(KeyCode::Char('f'))); // grade: major
    assert_eq!(app.model.data.as_ref().unwrap().findings.len(), 1);
    app.handle_key(key(KeyCode::Char('f'))); // minor
    assert!(listed(&app).iter().all(|f| f.grade == Grade::Minor));
    app.handle_key(key(KeyCode::Backspace));
    assert_eq!(app.model.data.as_ref().unwrap().findings.len(), 12);
    app.handle_key(key(KeyCode::Char('o'))); // sort by due date
    let due: Vec<String> = listed(&app)
        .iter()
        .map(|f| f.due_date.clone())
        .take(2)
        .collect();
    assert_eq!(due, ["2026-10-31", "2026-12-20"]);
    app.handle_key(key(KeyCode::Char('o')));
    app.handle_key(key(KeyCode::Char('o')));
    app.handle_key(key(KeyCode::Char('o'))); // back to report order
    let first = app.finding_at(0).unwrap();
    assert_eq!(first.reference, "NC-001");
    app.handle_key(key(KeyCode::Char('D')));
    assert_eq!(app.mode(), Mode::Confirm);
    app.handle_key(key(KeyCode::Char('n')));
    assert_eq!(findings(&app).len(), 12, "n keeps it");
    app.handle_key(key(KeyCode::Char('D')));
    app.handle_key(key(KeyCode::Char('y')));
    assert_eq!(findings(&app).len(), 11);
    assert!(app.store.finding(&first.id).is_err());
}

#[test]
fn the_finding_editor_changes_grade_status_and_text() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::FindingDetail);
    let id = app.finding_at(0).unwrap().id;
    // Enter on the grade row opens the picker; a second Enter keeps the grade
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Picker);
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.store.finding(&id).unwrap().grade, Grade::Major);
    // g is not a grade key any more; r regrades, m selects Major then Minor
    app.handle_key(key(KeyCode::Char('g')));
    assert_eq!(app.mode(), Mode::FindingDetail);
    app.handle_key(key(KeyCode::Char('r')));
    app.handle_key(key(KeyCode::Char('m')));
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Char('s')));
    app.handle_key(key(KeyCode::Char('2')));
    let f = app.store.finding(&id).unwrap();
    assert_eq!(
        (f.grade, f.status, f.reference.as_str()),
        (Grade::Minor, FindingStatus::ResponseReceived, "NC-001")
    );
    // down to Statement (row 6), edit, add a line, Esc saves
    for _ in 0..6 {
        app.handle_key(key(KeyCode::Down));
    }
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Editor);
    type_text(&mut app, "\nSecond line, \"quoted\".");
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::FindingDetail);
    let f = app.store.finding(&id).unwrap();
    assert!(
        f.statement.ends_with("\nSecond line, \"quoted\"."),
        "{:?}",
        f.statement
    );
    match app.popups.last() {
        Some(Popup::Finding(d)) => assert_eq!(
            d.finding.statement, f.statement,
            "detail shows the saved text"
        ),
        _ => panic!("detail closed"),
    }
}

#[test]
fn an_invalid_edit_keeps_the_editor_open_and_the_text_as_a_draft() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Enter));
    let due = auditbench::tui::popups::finding::ROWS
        .iter()
        .position(|r| *r == auditbench::tui::popups::finding::Row::Text(FindingField::DueDate))
        .unwrap();
    for _ in 0..due {
        app.handle_key(key(KeyCode::Down));
    }
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "next friday");
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::EditorLine, "still editing");
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("YYYY-MM-DD"), "{st:?}");
    let Some(Popup::Editor(ed)) = app.popups.last() else {
        panic!()
    };
    assert_eq!(
        app.store.draft(&ed.target.key()).unwrap().unwrap().text,
        "next friday"
    );
}

#[test]
fn interviews_record_and_notes_go_to_the_file() {
    let env = Env::new();
    let mut app = demo_app(&env);
    goto_clause(&mut app, "8.5.1.3");
    app.handle_key(key(KeyCode::Char('i')));
    type_text(&mut app, "Marc Olsen\tChange manager");
    app.handle_key(ctrl('s'));
    assert_eq!(app.mode(), Mode::Editor, "notes editor opens");
    assert_eq!(
        app.screen,
        Screen::Stage2,
        "the auditor stays on the clause"
    );
    type_text(&mut app, "CAB weekly.\nEmergency changes by phone.");
    app.handle_key(key(KeyCode::Esc));
    let all = interviews_of(&app);
    let i = all
        .iter()
        .find(|i| i.held_at.starts_with("2026-11-23"))
        .expect("saved");
    assert_eq!(i.notes, "CAB weekly.\nEmergency changes by phone.");
    // proposed in local time (+01:00 here), stored in UTC; the interviewer
    // is the auditor at the keyboard (the lead auditor when none is given)
    assert_eq!(i.interviewer, "Jordan Lee");
    assert_eq!(i.clauses, "8.5.1.3");
    assert_eq!(i.held_at, "2026-11-23 09:30 UTC");
    assert_eq!(all[app.screens.interviews.selected].id, i.id);
    // delete only after confirmation (on the interviews screen)
    app.handle_key(key(KeyCode::Char('5')));
    app.handle_key(key(KeyCode::Char('D')));
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.model.data.as_ref().unwrap().interviews.len(), 6);
    app.handle_key(key(KeyCode::Char('D')));
    app.handle_key(key(KeyCode::Char('y')));
    assert_eq!(app.model.data.as_ref().unwrap().interviews.len(), 5);
}

#[test]
fn samples_are_recorded_from_stage2() {
    let env = Env::new();
    let mut app = demo_app(&env);
    goto_clause(&mut app, "8.6.1 incident");
    app.handle_key(key(KeyCode::Char('m')));
    type_text(&mut app, "\tP1 incidents in Q3 (12)\t");
    app.handle_key(key(KeyCode::Right)); // statistical
    type_text(
        &mut app,
        "\t3\tINC-1, INC-2, INC-3\tall within target\t2026-07-01\t2026-09-30",
    );
    app.handle_key(key(KeyCode::Enter)); // Enter on the last field saves
    let all = samples_of(&app);
    let s = all
        .iter()
        .find(|s| s.population.starts_with("P1"))
        .expect("sample saved");
    assert_eq!(
        (s.clause_id.as_str(), s.method, s.size),
        ("8.6.1", SampleMethod::Statistical, 3)
    );
    assert_eq!(s.items, "INC-1, INC-2, INC-3");
    assert_eq!(
        (s.period_from.as_str(), s.period_to.as_str()),
        ("2026-07-01", "2026-09-30")
    );
}

#[test]
fn drafts_survive_dropping_the_app_mid_edit_and_come_back_in_their_field() {
    let env = Env::new();
    let audit;
    {
        let mut app = demo_app(&env);
        audit = app.model.data.as_ref().unwrap().audit.id.clone();
        goto_clause(&mut app, "9.2 internal audit");
        app.handle_key(key(KeyCode::Char('e')));
        type_text(&mut app, "Audit programme seen.\nNo rationale for gaps");
        // the typist pauses: two ticks (500 ms) later the draft is on disk
        app.dispatch(Action::Tick);
        app.dispatch(Action::Tick);
        // crash: the App is dropped without saving
    }
    let target = EditTarget::ClauseNotes {
        audit_id: audit.clone(),
        clause_id: "9.2".into(),
        stage: Stage::TWO,
    };
    {
        let store = fixed_store(&env);
        assert_eq!(
            store.draft(&target.key()).unwrap().unwrap().text,
            "Audit programme seen.\nNo rationale for gaps"
        );
        assert_eq!(
            store
                .clause_review(&audit, "9.2", Stage::TWO)
                .unwrap()
                .notes,
            "",
            "not committed yet"
        );
    }
    let mut app = app(&env);
    assert_eq!(app.mode(), Mode::Editor, "recovered into its editor");
    assert_eq!(app.screen, Screen::Stage2);
    assert_eq!(current_clause(&app), "9.2");
    assert!(app
        .model
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("Recovered 1 unsaved text"));
    type_text(&mut app, ".");
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(
        app.store
            .clause_review(&audit, "9.2", Stage::TWO)
            .unwrap()
            .notes,
        "Audit programme seen.\nNo rationale for gaps."
    );
    assert!(app.store.drafts().unwrap().is_empty());
}

#[test]
fn drafts_are_written_within_two_seconds_even_while_typing_goes_on() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.handle_key(key(KeyCode::Char('e')));
    let Some(Popup::Editor(ed)) = app.popups.last() else {
        panic!()
    };
    let target = ed.target.clone();
    for i in 0..8 {
        type_text(&mut app, "x"); // a key between every tick: never idle
        app.dispatch(Action::Tick);
        if i < 7 {
            assert!(
                app.store.draft(&target.key()).unwrap().is_none(),
                "tick {i}"
            );
        }
    }
    assert_eq!(
        app.store.draft(&target.key()).unwrap().unwrap().text,
        "xxxxxxxx",
        "8 ticks = 2 s"
    );
}

#[test]
fn a_form_is_kept_as_a_draft_on_focus_change_and_restored() {
    let env = Env::new();
    {
        let mut app = demo_app(&env);
        app.dispatch(Action::GoAudits);
        app.handle_key(key(KeyCode::Char('n')));
        type_text(&mut app, "Contoso IT");
        app.handle_key(key(KeyCode::Tab)); // focus change: persisted now
    }
    let app = app(&env);
    assert_eq!(app.mode(), Mode::Form);
    let Some(Popup::Form(f)) = app.popups.last() else {
        panic!()
    };
    assert_eq!(f.values().get("organisation"), "Contoso IT");
}

#[test]
fn new_audit_form_creates_and_opens_the_audit() {
    let env = Env::new();
    let mut app = app(&env);
    app.handle_key(key(KeyCode::Char('n')));
    type_text(&mut app, "Contoso IT\t");
    app.handle_key(key(KeyCode::Left)); // type: stage2 -> stage1
    type_text(&mut app, "\t");
    app.handle_key(key(KeyCode::Right)); // edition 2011
    type_text(
        &mut app,
        "\tService desk\tRCB\tAna Silva\tAna Silva\t2026-12-01\t2026-12-02",
    );
    app.handle_key(ctrl('s'));
    let d = app.model.data.as_ref().expect("opened");
    assert_eq!(d.audit.organisation, "Contoso IT");
    assert_eq!(d.audit.audit_type, AuditType::Stage1);
    assert_eq!(d.audit.edition, "2011");
    assert_eq!(d.catalogue.id, "iso20000-1-2011");
    assert_eq!(app.screen, Screen::Overview);
    assert!(app.store.drafts().unwrap().is_empty());
}

/// The new-audit form's last field chooses the grade scale, frozen into
/// the audit: its findings then take the scale's labels and prefixes.
#[test]
fn the_new_audit_form_chooses_the_grade_scale() {
    let env = Env::new();
    let mut app = app(&env);
    app.handle_key(key(KeyCode::Char('n')));
    type_text(&mut app, "Fjord IT\t\t\t\t\t\t\t\t\t");
    assert_eq!(app.mode(), Mode::FormChoice, "on the scale field");
    app.handle_key(key(KeyCode::Right)); // generic -> dnv
    app.handle_key(ctrl('s'));
    let d = app.model.data.as_ref().expect("opened");
    assert_eq!(d.scale.id, "dnv");
    assert_eq!(app.store.audit_scale(&d.audit.id).unwrap().id, "dnv");
    app.dispatch(Action::GoStage2);
    app.handle_key(key(KeyCode::Char('f')));
    type_text(&mut app, "\tNo CAB");
    app.handle_key(ctrl('s'));
    let Some(Popup::Finding(f)) = app.popups.last() else {
        panic!("the new finding is shown")
    };
    assert_eq!(f.finding.reference, "CAT2-001");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Category 2"), "{shown}");
}

#[test]
fn x_exports_the_csv_and_says_where() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('x')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(ctrl('s'));
    // named by the audit's own dates
    let path = env.path("northwind-managed-services-ltd-findings-2026-11-16-to-2026-11-19.csv");
    assert!(path.exists());
    let st = app.model.status.clone().unwrap();
    assert!(
        !st.error && st.text.contains("Wrote 12 findings to"),
        "{st:?}"
    );
    let rows: Vec<_> = csv::Reader::from_path(&path).unwrap().records().collect();
    assert_eq!(rows.len(), 12);
    // for Excel, with semicolons: a byte order mark and ';' between fields
    app.handle_key(key(KeyCode::Char('x')));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "excel.csv\t");
    app.handle_key(key(KeyCode::Right)); // Excel
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Right)); // semicolon
    app.handle_key(key(KeyCode::Enter)); // on the last field: save
    let bytes = std::fs::read(env.path("excel.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFreference;organisation;"),
        "{:?}",
        &bytes[..40]
    );
    // a bad path: error in the status bar, the app keeps running
    app.handle_key(key(KeyCode::Char('x')));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "/nonexistent/dir/out.csv");
    app.handle_key(ctrl('s'));
    assert!(app.model.status.as_ref().unwrap().error);
    assert_eq!(app.mode(), Mode::Form);
}

#[test]
fn help_and_quit() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('?')));
    assert_eq!(app.mode(), Mode::Help);
    app.handle_key(key(KeyCode::Esc));
    app.handle_key(key(KeyCode::Char('q')));
    assert!(app.quit);
}

#[test]
fn vi_keys_and_arrows_move_alike() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Char('j')));
    app.handle_key(key(KeyCode::Down));
    assert_eq!(app.screens.findings.selected, 2);
    app.handle_key(key(KeyCode::Char('k')));
    app.handle_key(key(KeyCode::Up));
    assert_eq!(app.screens.findings.selected, 0);
    app.handle_key(key(KeyCode::Char('G')));
    assert_eq!(app.screens.findings.selected, 11);
}

#[test]
fn interview_field_edit_targets_the_right_column() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoInterviews);
    app.handle_key(key(KeyCode::Char('r')));
    let Some(Popup::Editor(ed)) = app.popups.last() else {
        panic!()
    };
    assert!(matches!(
        ed.target,
        EditTarget::Interview {
            field: InterviewField::Role,
            ..
        }
    ));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "SMS owner");
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(interviews_of(&app)[0].role, "SMS owner");
}

#[test]
fn the_finding_editor_moves_a_finding_to_another_clause_and_stage() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Enter));
    let id = app.finding_at(0).unwrap().id;
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Down)); // clause
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "8.99");
    app.handle_key(key(KeyCode::Enter));
    assert!(
        app.model.status.as_ref().unwrap().error,
        "unknown clause refused"
    );
    assert_eq!(app.mode(), Mode::EditorLine);
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "8.7.1");
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Down)); // stage
    app.handle_key(key(KeyCode::Enter));
    let f = app.store.finding(&id).unwrap();
    assert_eq!((f.clause_id.as_str(), f.stage), ("8.7.1", Stage::ONE));
    assert_eq!(
        app.model.data.as_ref().unwrap().by_clause.get("8.7.1"),
        Some(&(1, 1))
    );
}

#[test]
fn a_failed_write_is_reported_in_the_status_bar_and_the_app_goes_on() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = ON")
        .unwrap();
    app.handle_key(key(KeyCode::Char('j')));
    app.handle_key(key(KeyCode::Char('s')));
    app.handle_key(key(KeyCode::Char('2')));
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("read-only"), "{st:?}");
    assert!(!app.quit);
    app.handle_key(key(KeyCode::Char('j')));
    assert_eq!(current_clause(&app), "4.2", "still navigable");
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = OFF")
        .unwrap();
    app.handle_key(key(KeyCode::Char('s')));
    app.handle_key(key(KeyCode::Char('2')));
    assert!(!app.model.status.as_ref().unwrap().error);
}

#[test]
fn a_relative_export_path_is_relative_to_the_proposed_folder() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('x')));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "report.csv");
    app.handle_key(ctrl('s'));
    assert!(env.path("report.csv").exists(), "{:?}", app.model.status);
}

#[test]
fn a_findings_filter_does_not_hide_findings_from_other_screens() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Char('f'))); // majors only
    app.handle_key(key(KeyCode::Char('f'))); // minors only
    assert_eq!(app.model.data.as_ref().unwrap().findings.len(), 3);
    app.dispatch(Action::OpenFinder);
    // a major (left out by the filter) is found, ranked from the file
    type_text(&mut app, "NC-001");
    app.finder_poll(true);
    let Some(Popup::Finder(f)) = app.popups.last() else {
        panic!()
    };
    let cands = &app.model.data.as_ref().unwrap().finder;
    let rows = f.rows(cands);
    assert!(
        rows.first()
            .is_some_and(|r| r.kind == "finding" && r.text.starts_with("NC-001 ")),
        "{:?}",
        rows.iter().map(|r| r.text).take(3).collect::<Vec<_>>()
    );
    // the clauses, intents and notes are held; the findings, interviews
    // and samples are not (they are ranked from the file)
    assert!(cands
        .iter()
        .all(|c| ["clause", "intent", "cl notes", "doc notes"].contains(&c.kind)));
    let held = cands.len();
    let d = app.model.data.as_ref().unwrap();
    let records = 12 + d.interviews.len() + d.samples.len();
    assert!(d.interviews.len() + d.samples.len() > 0);
    let shown = screen(&mut app, 120, 36);
    assert!(
        shown.contains(&format!("of {}", held + records)),
        "every finding, interview and sample is counted: {shown}"
    );
}

#[test]
fn r_reports_the_audit_freezes_it_and_reopens_it_with_a_recorded_reason() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    app.handle_key(key(KeyCode::Char('R')));
    assert_eq!(app.mode(), Mode::Confirm);
    app.handle_key(key(KeyCode::Char('n')));
    assert_eq!(app.model.status.clone().unwrap().text, "Nothing changed");
    app.handle_key(key(KeyCode::Char('R')));
    app.handle_key(key(KeyCode::Char('y')));
    assert_eq!(app.store.audit(&id).unwrap().status, AuditStatus::Reported);

    // Frozen: no status change, no editor, no new finding.
    app.handle_key(key(KeyCode::Char('3')));
    let before = app.store.audit_history(&id).unwrap().len();
    for k in ['s', 'e', 'f'] {
        app.handle_key(key(KeyCode::Char(k)));
        let st = app.model.status.clone().unwrap();
        assert!(st.error && st.text.contains("reported"), "{k}: {st:?}");
        assert!(app.popups.is_empty(), "{k} opened nothing");
    }
    assert_eq!(app.store.audit_history(&id).unwrap().len(), before);

    // Reopen: a reason is asked for, and recorded.
    app.handle_key(key(KeyCode::Char('1')));
    app.handle_key(key(KeyCode::Char('R')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(ctrl('s'));
    assert!(
        app.model.status.clone().unwrap().error,
        "an empty reason is refused"
    );
    type_text(&mut app, "RCB asked to regrade NC-001");
    app.handle_key(ctrl('s'));
    assert!(app.popups.is_empty());
    assert_eq!(
        app.store.audit(&id).unwrap().status,
        AuditStatus::InProgress
    );
    let last = app.store.audit_history(&id).unwrap().pop().unwrap();
    assert_eq!(
        (last.field.as_str(), last.new.as_deref()),
        ("reopen_reason", Some("RCB asked to regrade NC-001"))
    );
    app.handle_key(key(KeyCode::Char('3')));
    app.handle_key(key(KeyCode::Char('j')));
    app.handle_key(key(KeyCode::Char('s')));
    assert_eq!(app.mode(), Mode::Picker, "{:?}", app.model.status);
    app.handle_key(key(KeyCode::Char('2')));
    assert!(!app.model.status.clone().unwrap().error, "editable again");
}

#[test]
fn h_shows_a_findings_history() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('4')));
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Char('r'))); // regrade: one more change
    app.handle_key(key(KeyCode::Char('2')));
    app.handle_key(key(KeyCode::Char('H')));
    assert_eq!(app.mode(), Mode::History);
    let Some(Popup::History(h)) = app.popups.last() else {
        panic!("history popup")
    };
    let fields: Vec<&str> = h.entries.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields.first(), Some(&"created"));
    assert_eq!(fields.last(), Some(&"grade"));
    let screen = screen(&mut app, 120, 36);
    assert!(screen.contains("History of NC-001"), "{screen}");
    assert!(
        screen.contains("Major NC → Minor NC"),
        "readable labels, not codes: {screen}"
    );
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::FindingDetail);
}

/// A large audit opens without waiting for its interviews and samples:
/// they are read on a thread, the screens say so until they come, and then
/// every one is there (and in the finder).
#[test]
fn a_large_audit_opens_before_its_interviews_and_samples_are_read() {
    let env = Env::new();
    // a sample every 10 findings, an interview every 20: 3 000 in all
    let (mut app, id) = demo_with_findings(&env, 20_000);
    let samples = app.store.samples(&id).unwrap().len();
    let interviews = app.store.interviews(&id).unwrap().len();
    assert!(samples + interviews > 2_000);
    // the audits list shows every count whole (4 000 majors are not "400")
    app.reload(auditbench::tui::effect::Slice::Audits).unwrap();
    let counts = app.store.finding_counts(&id).unwrap();
    assert!(counts[0] >= 1_000, "{counts:?}");
    for size in [(80, 24), (120, 36)] {
        let shown = screen(&mut app, size.0, size.1);
        let row = shown
            .lines()
            .find(|l| l.contains("Northwind"))
            .expect("the audit's row");
        let cells: Vec<&str> = row.split_whitespace().collect();
        for n in &counts[..5] {
            assert!(cells.contains(&n.to_string().as_str()), "{n} in {row}");
        }
    }
    app.open_audit(&id).unwrap();
    assert!(app.finder_loading(), "read on a thread");
    app.handle_key(key(KeyCode::Char('6')));
    let shown = screen(&mut app, 120, 36);
    assert!(shown.contains("Samples (reading…)"), "{shown}");
    app.finder_poll(true);
    assert!(!app.finder_loading());
    let shown = screen(&mut app, 120, 36);
    assert!(shown.contains(&format!("Samples ({samples})")), "{shown}");
    let d = app.model.data.as_ref().unwrap();
    assert_eq!((d.samples.len(), d.interviews.len()), (samples, interviews));
    // the finder finds an interviewee read on the thread
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "Interviewee 700 ");
    app.finder_poll(true);
    // the idle turns the event loop gives the scoring between keys
    while app.busy() {
        app.dispatch(Action::Work);
    }
    let Some(Popup::Finder(f)) = app.popups.last() else {
        panic!("finder")
    };
    let cands = &app.model.data.as_ref().unwrap().finder;
    let rows = f.rows(cands);
    assert!(
        rows.iter()
            .any(|r| r.kind == "interview" && r.text.starts_with("Interviewee 700 ")),
        "{:?}",
        rows.iter().map(|r| r.text).take(5).collect::<Vec<_>>()
    );
    // a clause's pane lists a pane's worth of its samples and counts the rest
    app.handle_key(key(KeyCode::Esc));
    let mut per_clause: std::collections::BTreeMap<String, usize> = Default::default();
    for x in &samples_of(&app) {
        *per_clause.entry(x.clause_id.clone()).or_default() += 1;
    }
    let (clause, n) = per_clause.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(*n > 12);
    // pasted, then Enter at once: Enter chooses among every entry, not
    // only those scored in the paste's 1 ms slice (3 000 interview and
    // sample entries rank the clause id too)
    app.dispatch(Action::OpenFinder);
    app.handle_paste(&format!("{clause} "));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(
        app.screen,
        Screen::Stage2,
        "the clause, not one of its samples"
    );
    // (tall enough for the clause's 40 findings above them)
    let shown = screen(&mut app, 120, 160);
    assert!(
        shown.contains(&format!("… and {} more samples", n - 12)),
        "{clause}: {shown}"
    );
    // a finding of the clause cites from the clause's samples (and those
    // it cites already), not from a checklist of every sample of the audit
    let (clause, n) = (clause.clone(), *n);
    let f = findings(&app)
        .into_iter()
        .find(|f| f.clause_id == clause && f.reference.starts_with("NC-"))
        .expect("a finding of the clause");
    let elsewhere = samples_of(&app)
        .into_iter()
        .find(|s| s.clause_id != clause)
        .unwrap();
    app.store
        .set_finding_samples(&f.id, std::slice::from_ref(&elsewhere.id))
        .unwrap();
    app.reload(auditbench::tui::effect::Slice::Citations)
        .unwrap();
    app.popups.push(Popup::Finding(Box::new(
        auditbench::tui::popups::finding::FindingDetailState::new(f.clone()),
    )));
    app.dispatch(Action::CiteSamples);
    let Some(Popup::Checklist(c)) = app.popups.last() else {
        panic!("the samples to cite: {:?}", app.model.status)
    };
    assert_eq!(c.items.len(), n + 1, "{clause}'s samples and the one cited");
    let cited: Vec<&str> = c
        .items
        .iter()
        .zip(&c.ticked)
        .filter(|(_, t)| **t)
        .map(|((id, _), _)| id.as_str())
        .collect();
    assert_eq!(cited, [elsewhere.id.as_str()]);
    assert!(c
        .items
        .iter()
        .all(|(_, label)| label.starts_with(&format!("{clause} "))
            || label.starts_with(&format!("{} ", elsewhere.clause_id))));
    // the finding's pane names the sample it cites
    app.handle_key(key(KeyCode::Esc));
    let shown = screen(&mut app, 120, 60);
    assert!(shown.contains(&elsewhere.label()), "{shown}");
}

/// The overview reads the open nonconformities it can show (as many as its
/// body has rows), not a long list of them, and reads them again after the
/// findings change: the first of them deleted is no longer listed.
#[test]
fn the_overview_reads_the_open_ncs_it_shows_and_again_after_a_change() {
    let env = Env::new();
    let (mut app, id) = demo_with_findings(&env, 1_000);
    app.open_audit(&id).unwrap();
    let open = app.store.open_nonconformities(&id, 300).unwrap();
    assert!(open.len() > 200, "{}", open.len());
    let text = screen(&mut app, 120, 24);
    let d = app.model.data.as_ref().unwrap();
    assert!(
        (1..=24).contains(&d.open_ncs.len()),
        "{} read for a body of at most 24 rows",
        d.open_ncs.len()
    );
    assert_eq!(d.open_ncs[0].id, open[0].id);
    assert!(text.contains(&open[0].reference), "{text}");
    // a taller terminal: more are read
    screen(&mut app, 120, 60);
    let read = app.model.data.as_ref().unwrap().open_ncs.len();
    assert!((25..=60).contains(&read), "{read}");

    // the first of them deleted (elsewhere, then the findings reloaded as
    // after any write): the overview reads its list again
    app.store.delete_finding(&open[0].id).unwrap();
    app.reload(auditbench::tui::effect::Slice::Findings)
        .unwrap();
    let text = screen(&mut app, 120, 24);
    let d = app.model.data.as_ref().unwrap();
    assert_eq!(d.open_ncs[0].id, open[1].id);
    assert!(d.open_ncs.iter().all(|f| f.id != open[0].id));
    assert!(!text.contains(&format!("{} ", open[0].reference)), "{text}");
}

/// The right half of row `y` of a 120-column screen, inside the clause
/// pane's border.
fn pane_row(text: &str, y: usize) -> String {
    let row: Vec<char> = text.chars().skip(120 * y).take(120).collect();
    row[row.len() / 2..]
        .iter()
        .filter(|c| **c != '│')
        .collect::<String>()
        .trim()
        .to_string()
}

#[test]
fn the_clause_pane_reads_the_rows_it_can_show_and_more_when_scrolled() {
    let env = Env::new();
    let (mut app, id) = demo_with_findings(&env, 3_000);
    app.open_audit(&id).unwrap();
    let d = app.model.data.as_ref().unwrap();
    let (clause, total) = d
        .by_clause
        .iter()
        .max_by_key(|(_, (n, _))| *n)
        .map(|(c, (n, _))| (c.clone(), *n as usize))
        .unwrap();
    assert!(total > 40, "{total}");
    let samples = d.samples.of_clause(&clause, usize::MAX).1;
    assert!(samples > 0, "{clause} has samples");
    app.dispatch(Action::OpenFinder);
    app.handle_paste(&format!("{clause} "));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(current_clause(&app), clause);
    let read = |app: &App| {
        let c = app.model.frame.clause.as_ref().map_or(0, |(_, r)| r.len());
        let r = app.model.frame.clause_records.as_ref().unwrap();
        (c, r.samples.len() + r.interviews.len())
    };

    // 120×36: the pane has 31 rows inside its border, the clause's text
    // takes some of them; no more findings are read than can be shown,
    // no samples or interviews below them, and the pane is full
    let text = screen(&mut app, 120, 36);
    let (findings, records) = read(&app);
    assert!((1..31).contains(&findings), "{findings} read");
    assert_eq!(records, 0);
    assert!(text.contains(&format!("Findings ({total}; the first {findings} shown)")));
    assert!(!pane_row(&text, 32).is_empty(), "{text}");

    // scrolled: more are read, the pane still full
    for _ in 0..3 {
        app.dispatch(Action::ScrollDetailDown);
    }
    let text = screen(&mut app, 120, 36);
    let (more, _) = read(&app);
    assert!(
        more > findings && more <= findings + 9,
        "{findings} → {more}"
    );
    assert!(!pane_row(&text, 32).is_empty(), "{text}");

    // scrolled past the 40 it lists: its samples are read and shown
    for _ in 0..20 {
        app.dispatch(Action::ScrollDetailDown);
    }
    let text = screen(&mut app, 120, 36);
    let (findings, records) = read(&app);
    assert_eq!(findings, 40);
    assert!(records > 0 && records <= 24, "{records}");
    assert!(text.contains("Sample "), "{text}");
}

#[test]
fn a_long_findings_list_reads_its_ids_in_chunks_and_jumps_anywhere() {
    let env = Env::new();
    let (mut app, id) = demo_with_findings(&env, 2_500);
    app.open_audit(&id).unwrap();
    app.finder_poll(true);
    app.dispatch(Action::GoFindings);
    let list = &app.model.data.as_ref().unwrap().findings;
    assert_eq!(list.len(), 2_512);
    assert!(
        list.held() < list.len(),
        "only the first chunk is read at once"
    );
    assert!(!app.busy(), "nothing is left for idle turns");

    // End: the last page is read back from the end, not everything before
    // it, and the last row is the last finding.
    app.handle_key(key(KeyCode::Char('G')));
    let last = app
        .finding_at(2_511)
        .expect("the last finding is reachable");
    let all = app.store.findings(&id, &FindingFilter::default()).unwrap();
    assert_eq!(last.id, all.last().unwrap().id);
    let held = app.model.data.as_ref().unwrap().findings.held();
    assert!(held < 1_000, "{held} ids held after G");
    assert!(!app.busy());
    // and the frame shows it
    let shown = screen(&mut app, 120, 36);
    assert!(shown.contains(&all.last().unwrap().reference), "{shown}");

    // A filter reloads the list, counted from the tally.
    app.handle_key(key(KeyCode::Char('f')));
    let majors = all.iter().filter(|f| f.grade == Grade::Major).count();
    assert_eq!(app.model.data.as_ref().unwrap().findings.len(), majors);
    app.handle_key(key(KeyCode::Char('G')));
    let last_major = all.iter().rev().find(|f| f.grade == Grade::Major).unwrap();
    assert_eq!(app.finding_at(majors - 1).unwrap().id, last_major.id);
}

// ------------------------------------- typed forms and their drafts (issue 10)

fn form(app: &App) -> &auditbench::tui::popups::form::FormState {
    match app.popups.last() {
        Some(Popup::Form(f)) => f,
        _ => panic!("no form open"),
    }
}

/// Tried as a new user would: type a title in the finding form, Esc (the
/// hint says "kept for next time"), open the form again: the text is there.
#[test]
fn a_form_closed_with_esc_reopens_with_its_text_in_the_same_run() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.dispatch(Action::NewFinding);
    app.dispatch(Action::NextField); // grade → title
    type_text(&mut app, "Backups not tested");
    app.handle_key(key(KeyCode::Esc));
    assert!(app.popups.is_empty());
    app.dispatch(Action::NewFinding);
    assert_eq!(form(&app).values().get("title"), "Backups not tested");
    assert!(
        app.model
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains("Restored")),
        "{:?}",
        app.model.status
    );
    // Submitted, the draft is gone: the next form starts empty.
    for _ in 0..7 {
        app.dispatch(Action::NextField);
    }
    app.dispatch(Action::Save);
    assert!(
        app.model
            .status
            .as_ref()
            .is_some_and(|s| s.text.starts_with("Raised")),
        "{:?}",
        app.model.status
    );
    app.popups.clear();
    app.dispatch(Action::NewFinding);
    assert_eq!(form(&app).values().get("title"), "");
}

/// Drafts are kept by field name: a draft written by a form whose fields were
/// in another order, or that lacked some, fills each field it knows.
#[test]
fn a_draft_fills_its_fields_by_name_whatever_their_order() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.dispatch(Action::NewFinding);
    let Some(Popup::Form(f)) = app.popups.last_mut() else {
        panic!("no form")
    };
    f.restore(r#"{"due_date":"2027-01-31","title":"By name","gone_field":"x","grade":"major"}"#);
    let v = f.values();
    assert_eq!(v.get("title"), "By name");
    assert_eq!(v.get("due_date"), "2027-01-31");
    assert_eq!(v.get("grade"), "major");
    assert!(
        !v.get("clause").is_empty(),
        "a field the draft lacks keeps its default"
    );
    // What a draft holds is JSON by name, and reads back the same.
    let text = f.draft_text();
    assert!(text.contains(r#""title":"By name""#), "{text}");
    // A draft from before fields had names (values joined by U+001E).
    f.restore("observation\u{1e}Old layout\u{1e}8.1");
    assert_eq!(f.values().get("title"), "Old layout");
    assert_eq!(f.values().get("grade"), "observation");
}

/// An exact clause id or reference ranks first in the finder, above
/// sub-clauses and fuzzy matches (6.2 before 6.2.1; NC-002 before NC-001…).
#[test]
fn an_exact_clause_id_or_reference_ranks_first_in_the_finder() {
    let env = Env::new();
    let mut app = demo_app(&env);
    for (query, first) in [("6.2", "6.2 "), ("nc-002", "NC-002 "), ("8.5.1", "8.5.1 ")] {
        app.dispatch(Action::OpenFinder);
        type_text(&mut app, query);
        app.finder_poll(true);
        let Some(Popup::Finder(f)) = app.popups.last() else {
            panic!("finder")
        };
        let cands = &app.model.data.as_ref().unwrap().finder;
        let top = f.rows(cands)[0].text;
        assert!(top.starts_with(first), "{query}: {top}");
        app.handle_key(key(KeyCode::Esc));
    }
}

/// Samples have their own screen: listed, each field edited, the method
/// chosen from a list, deleted after confirmation, and found by the finder
/// through the items seen.
#[test]
fn samples_are_listed_edited_found_and_deleted() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('6')));
    assert_eq!(app.screen, Screen::Samples);
    assert_eq!(app.mode(), Mode::Samples);
    let n = app.model.data.as_ref().unwrap().samples.len();
    assert!(n > 0);
    let first = samples_of(&app)[0].clone();
    // the items seen, in the editor
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Editor);
    type_text(&mut app, ", CHG0041230");
    app.handle_key(key(KeyCode::Esc));
    assert!(app
        .store
        .sample(&first.id)
        .unwrap()
        .items
        .ends_with(", CHG0041230"));
    // a size that is not a number is refused, the editor stays open
    app.handle_key(key(KeyCode::Char('z')));
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "five");
    app.handle_key(key(KeyCode::Enter));
    assert!(app.model.status.as_ref().unwrap().error);
    assert_eq!(app.mode(), Mode::EditorLine);
    app.handle_key(ctrl('a'));
    app.handle_key(ctrl('k'));
    type_text(&mut app, "5");
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.store.sample(&first.id).unwrap().size, 5);
    // the method from a list
    app.handle_key(key(KeyCode::Char('m')));
    assert_eq!(app.mode(), Mode::Picker);
    app.handle_key(key(KeyCode::Char('2')));
    assert_ne!(app.store.sample(&first.id).unwrap().method, first.method);
    // the finder finds it by a record id seen
    app.handle_key(key(KeyCode::Char('1')));
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "CHG0041230");
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Samples);
    assert_eq!(samples_of(&app)[app.screens.samples.selected].id, first.id);
    // delete: asked first
    app.handle_key(key(KeyCode::Char('D')));
    app.handle_key(key(KeyCode::Char('n')));
    assert_eq!(app.model.data.as_ref().unwrap().samples.len(), n);
    app.handle_key(key(KeyCode::Char('D')));
    app.handle_key(key(KeyCode::Char('y')));
    assert_eq!(app.model.data.as_ref().unwrap().samples.len(), n - 1);
    assert!(app.store.sample(&first.id).is_err());
}

/// An interview's clauses must be the catalogue's: an unknown id is refused
/// in one line and the form stays open; times are shown in local time.
#[test]
fn an_interview_with_an_unknown_clause_is_refused() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('5')));
    app.handle_key(key(KeyCode::Char('n')));
    type_text(&mut app, "Ana Ruiz\tService owner\t\t8.5.1, 99.9");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.error && st.text.contains("unknown clause 99.9"),
        "{st:?}"
    );
    assert_eq!(app.mode(), Mode::Form, "the form stays open");
    app.handle_key(key(KeyCode::Esc));
    let screen = screen(&mut app, 120, 36);
    // stored 09:30 UTC, shown at +01:00
    assert!(screen.contains("When 2026-11-16 10:30 +01:00"), "{screen}");
}

/// On the audits list, X asks for the organisation's name: a wrong name
/// deletes nothing; the right one deletes the audit, its trail stays.
#[test]
fn x_deletes_an_audit_only_with_its_name_typed() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    app.handle_key(key(KeyCode::Char('0')));
    app.handle_key(key(KeyCode::Char('X')));
    assert_eq!(app.mode(), Mode::Form);
    type_text(&mut app, "Northwind");
    app.handle_key(key(KeyCode::Enter));
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("nothing deleted"), "{st:?}");
    assert!(app.store.audit(&id).is_ok());
    type_text(&mut app, " Managed Services Ltd");
    app.handle_key(key(KeyCode::Enter));
    assert!(app.store.audit(&id).is_err());
    assert!(
        !app.model.audits.iter().any(|r| r.summary.audit.id == id),
        "only the demo's surveillance is left"
    );
    assert!(
        app.model.data.is_none(),
        "the deleted audit is no longer open"
    );
    app.handle_key(key(KeyCode::Char('4')));
    assert!(
        app.model.status.clone().unwrap().error,
        "no screen of a deleted audit"
    );
    assert!(app
        .store
        .audit_history(&id)
        .unwrap()
        .iter()
        .any(|e| e.entity == "audit" && e.field == "deleted"));
}

/// A long question keeps its answers in view: the confirm popup grows with
/// its message (at 80×24 the regrade question used to hide "y yes  n no").
#[test]
fn a_long_confirmation_shows_its_answers_at_80x24() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Char('r')));
    app.handle_key(key(KeyCode::Char('3')));
    assert_eq!(app.mode(), Mode::Confirm);
    let screen = screen(&mut app, 80, 24);
    assert!(screen.contains("never given again."), "{screen}");
    assert!(screen.contains("y  yes        n  no"), "{screen}");
}

/// A one-line message longer than the terminal is not cut: it takes the
/// hints' line too (the refusal to close an NC names seven fields).
#[test]
fn a_long_message_is_wrapped_not_cut_at_80x24() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    app.handle_key(key(KeyCode::Enter)); // NC-001, open
    app.handle_key(key(KeyCode::Char('s')));
    app.handle_key(key(KeyCode::Char('4')));
    let text = app.model.status.clone().unwrap().text;
    assert!(text.ends_with("evidence seen first"), "{text}");
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    app.draw(&mut term).unwrap();
    let buf = term.backend().buffer();
    let row = |y: u16| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>();
    let bottom = format!("{} {}", row(22).trim(), row(23).trim());
    assert!(bottom.contains("evidence seen first"), "{bottom}");
}

/// At 80×24 long interview notes are reachable: J scrolls the notes pane.
#[test]
fn long_interview_notes_scroll_at_80x24() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('5')));
    app.handle_key(key(KeyCode::Enter));
    let long: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    type_text(&mut app, &format!("\n{long}the very end"));
    app.handle_key(key(KeyCode::Esc));
    assert!(!screen(&mut app, 80, 24).contains("the very end"));
    for _ in 0..20 {
        app.handle_key(key(KeyCode::Char('J')));
    }
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("the very end"),
        "{}",
        s.chars()
            .collect::<Vec<_>>()
            .chunks(80)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A finding raised at stage 1 is an observation by default; graded as a
/// nonconformity it is asked about before it is saved, and "no" keeps the
/// form open with what was typed.
#[test]
fn a_stage_1_nonconformity_is_asked_about_first() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage1);
    app.handle_key(key(KeyCode::Char('o')));
    app.handle_key(key(KeyCode::Left)); // Observation -> Minor NC
    let before = findings(&app).len();
    app.handle_key(ctrl('s'));
    assert_eq!(app.mode(), Mode::Confirm);
    app.handle_key(key(KeyCode::Char('n')));
    assert_eq!(app.mode(), Mode::FormChoice, "the form is still there");
    assert_eq!(findings(&app).len(), before);
    app.handle_key(ctrl('s'));
    app.handle_key(key(KeyCode::Char('y')));
    let all = findings(&app);
    assert_eq!(all.len(), before + 1);
    let f = all
        .iter()
        .find(|f| f.stage == Stage::ONE && f.grade == Grade::Minor)
        .unwrap();
    assert!(f.reference.starts_with("NC-"));
    assert_eq!(app.mode(), Mode::FindingDetail, "{:?}", app.model.status);
}

/// The finder also searches what a finding says, not only its title: a
/// change record quoted in the evidence finds the finding (issue 11), and
/// one that only the title matches is still found by its title.
#[test]
fn the_finder_finds_a_finding_by_a_record_quoted_in_its_evidence() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let emergency = findings(&app)
        .into_iter()
        .find(|f| f.evidence.contains("CHG-1077"))
        .expect("the demo's emergency change");
    assert!(!emergency.title.contains("1077"));
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "chg-1077");
    app.finder_poll(true);
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains(&format!(
            "evidence   {} · CHG-1077 (firewall rule",
            emergency.reference
        )),
        "{text}"
    );
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::FindingDetail);
    assert!(screen(&mut app, 120, 36).contains(&emergency.title));

    // two characters: no text search (the index is of trigrams), no error
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "zq");
    app.finder_poll(true);
    assert!(app.model.status.is_none());
    assert!(!screen(&mut app, 120, 36).contains("evidence   "));
}

/// The finder's threads outlive the finder: the next finder takes them
/// back (their connections, and the texts the ranker holds), answers its
/// own query only, never one left running by the finder before, and finds a
/// title changed in between by its new words.
#[test]
fn the_next_finder_reuses_the_threads_and_sees_a_title_changed_meanwhile() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let all = findings(&app);
    let (a, b) = (&all[0], &all[1]);
    let workers = |app: &App| {
        let w = &app.model.data.as_ref().unwrap().finder_workers;
        (w.text.is_some(), w.ranker.is_some())
    };
    assert_eq!(workers(&app), (false, false));

    app.dispatch(Action::OpenFinder);
    type_text(&mut app, &a.title);
    app.finder_poll(true);
    assert!(screen(&mut app, 120, 36).contains(&format!("finding    {} {}", a.reference, a.title)));
    // a query left running: Esc at once
    type_text(&mut app, " ");
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(workers(&app), (true, true), "handed back");

    app.store
        .set_finding_field(&b.id, FindingField::Title, "Plugh review of the changes")
        .unwrap();
    app.dispatch(Action::OpenFinder);
    assert_eq!(workers(&app), (false, false), "taken by the finder");
    type_text(&mut app, "plugh review");
    app.finder_poll(true);
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains(&format!(
            "finding    {} Plugh review of the changes",
            b.reference
        )),
        "{text}"
    );
    // only this query's findings: nothing of the one before
    let Some(Popup::Finder(f)) = app.popups.last() else {
        panic!("the finder is open");
    };
    let held = &app.model.data.as_ref().unwrap().finder;
    let ranked: Vec<&str> = f
        .rows(held)
        .iter()
        .filter(|r| r.kind == "finding")
        .map(|r| r.text)
        .collect();
    assert_eq!(
        ranked,
        [format!("{} Plugh review of the changes", b.reference)],
        "{text}"
    );
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::FindingDetail);
    assert!(screen(&mut app, 120, 36).contains("Plugh review of the changes"));
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(workers(&app), (true, true), "handed back on a jump too");
}

/// The text index follows edits: a statement changed in the editor is
/// found by its new words and no longer by its old ones.
#[test]
fn the_finders_text_search_follows_edits_and_deletes() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    let f = findings(&app).into_iter().next().unwrap();
    app.store
        .set_finding_field(
            &f.id,
            FindingField::Statement,
            "Quarterly XYZZY-42 review missing",
        )
        .unwrap();
    let searcher = auditbench::store::TextSearcher::open(app.store.path(), &id).unwrap();
    let hits = searcher.search("xyzzy-42", 50).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].reference.as_str(), hits[0].field),
        (f.reference.as_str(), "statement")
    );
    assert!(searcher
        .search(&f.statement[..20], 50)
        .unwrap()
        .iter()
        .all(|h| h.reference != f.reference));
    app.store.delete_finding(&f.id).unwrap();
    assert!(searcher.search("xyzzy-42", 50).unwrap().is_empty());
}

/// Who is working is chosen once, from the audit team (`W`), and is then
/// the finding's "raised by", the interviewer proposed and the trail's
/// actor; the choice is kept in the file for the next opening of that
/// audit on this machine, and `--auditor` given at start wins over it.
#[test]
fn who_is_working_is_chosen_once_from_the_team_and_named_everywhere() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    // opened from the audits list as a user does
    app.handle_key(key(KeyCode::Char('0')));
    app.handle_key(key(KeyCode::Enter));
    let said = app.model.status.clone().expect("said on opening").text;
    assert!(
        said.contains("Working as Jordan Lee (lead auditor); W to choose"),
        "{said}"
    );
    app.handle_key(key(KeyCode::Char('j'))); // the message goes
    assert!(screen(&mut app, 120, 36).contains("· as Jordan Lee"));

    app.handle_key(key(KeyCode::Char('W')));
    assert_eq!(app.mode(), Mode::Picker);
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("1 ● Jordan Lee") && text.contains("2   Sam Ortiz"),
        "{text}"
    );
    app.handle_key(key(KeyCode::Char('2')));
    assert!(app.popups.is_empty());
    assert!(app
        .model
        .status
        .clone()
        .unwrap()
        .text
        .starts_with("Working as Sam Ortiz"));
    app.handle_key(key(KeyCode::Char('j')));
    assert!(screen(&mut app, 120, 36).contains("· as Sam Ortiz"));

    // raised by, and the trail
    app.dispatch(Action::GoStage2);
    app.dispatch(Action::NewFinding);
    app.dispatch(Action::NextField);
    type_text(&mut app, "Raised by the second auditor");
    app.handle_key(ctrl('s'));
    let f = findings(&app)
        .into_iter()
        .find(|f| f.title == "Raised by the second auditor")
        .expect("saved");
    assert_eq!(f.raised_by, "Sam Ortiz");
    let trail = app.store.audit_history(&id).unwrap();
    let last = trail.last().unwrap();
    assert_eq!(last.actor, "Sam Ortiz", "{last:?}");
    // the interviewer proposed
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::NewInterview);
    let Some(Popup::Form(form)) = app.popups.last() else {
        panic!("interview form")
    };
    assert_eq!(form.values().get("interviewer"), "Sam Ortiz");
    app.handle_key(key(KeyCode::Esc));

    // the next opening of the audit: still Sam Ortiz, nothing asked
    drop(app);
    let mut again = common::app(&env);
    again.open_audit(&id).unwrap();
    assert_eq!(again.model.auditor(), "Sam Ortiz");
    assert!(again.model.status.is_none());

    // --auditor wins over the saved choice
    drop(again);
    let store = auditbench::store::Store::open_with(
        &env.db,
        &auditbench::store::OpenOptions {
            actor: "Ines Duarte".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let mut given = App::new(store).unwrap();
    given.open_audit(&id).unwrap();
    assert_eq!(given.model.auditor(), "Ines Duarte");
}

/// An audit with nobody named in its team has nothing to choose from:
/// one line says how to add the names.
#[test]
fn choosing_who_is_working_without_a_team_says_how_to_add_one() {
    let env = Env::new();
    let mut app = app(&env);
    let a = app
        .store
        .create_audit(&NewAudit {
            organisation: "Solo Ltd".into(),
            scope: "".into(),
            catalogue_id: "iso20000-1-2018".into(),
            edition: "2018".into(),
            audit_type: AuditType::Stage2,
            certification_body: "".into(),
            lead_auditor: "".into(),
            team: "".into(),
            start_date: "".into(),
            end_date: "".into(),
        })
        .unwrap();
    app.open_audit(&a.id).unwrap();
    app.handle_key(key(KeyCode::Char('W')));
    assert!(app.popups.is_empty());
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("names no team"), "{st:?}");
}

/// A finding cites the samples that support it: `c` in the finding editor
/// ticks them in a list (typing narrows it), Enter saves; the finding shows
/// them, the sample shows the finding, the trail has it, and Esc changes
/// nothing.
#[test]
fn a_finding_cites_samples_ticked_in_a_list() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    // OBS on 7.5 cites nothing yet; the staff sample is on 7.2
    let f = findings(&app)
        .into_iter()
        .find(|f| f.grade == Grade::Observation)
        .unwrap();
    app.dispatch(Action::GoFindings);
    let at = (0..20)
        .find(|&i| app.finding_at(i).is_some_and(|x| x.id == f.id))
        .unwrap();
    for _ in 0..at {
        app.handle_key(key(KeyCode::Down));
    }
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::FindingDetail);
    app.handle_key(key(KeyCode::Char('c')));
    assert_eq!(app.mode(), Mode::Checklist);
    // Esc: nothing changes
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::FindingDetail);
    assert!(app
        .store
        .citations(&id)
        .unwrap()
        .iter()
        .all(|c| c.finding_id != f.id));

    app.handle_key(key(KeyCode::Char('c')));
    type_text(&mut app, "staff");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("[ ] 7.2 Staff in SMS roles"), "{text}");
    assert!(!text.contains("8.5.1.3"), "narrowed: {text}");
    app.handle_key(key(KeyCode::Char(' ')));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::FindingDetail);
    assert_eq!(
        app.model.status.clone().unwrap().text,
        format!("{} cites 1 sample", f.reference)
    );
    let cited = app.store.citations(&id).unwrap();
    let mine: Vec<_> = cited.iter().filter(|c| c.finding_id == f.id).collect();
    assert_eq!(mine.len(), 1);
    assert!(screen(&mut app, 120, 36).contains("Samples cited  7.2 Staff in SMS roles (46)"));
    let trail = app.store.audit_history(&id).unwrap();
    let last = trail.last().unwrap();
    assert_eq!(
        (last.field.as_str(), last.new.as_deref()),
        ("cites_sample", Some("7.2 Staff in SMS roles (46)"))
    );
    // the sample names the finding
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::GoSamples);
    let text = screen(&mut app, 120, 36);
    let line = text
        .split("Cited by")
        .nth(1)
        .and_then(|rest| rest.split('│').next())
        .unwrap_or("");
    assert!(line.contains(&f.reference), "{text}");
}

/// An interview's clauses are ticked in the catalogue's list, so no
/// unknown id can be saved.
#[test]
fn an_interviews_clauses_are_ticked_from_the_catalogue() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoInterviews);
    let before = interviews_of(&app)[0].clone();
    app.handle_key(key(KeyCode::Char('c')));
    assert_eq!(app.mode(), Mode::Checklist);
    let text = screen(&mut app, 120, 36);
    for c in before.clauses.split(", ") {
        assert!(
            text.contains(&format!("[x] {c} ")) || !text.contains(c),
            "{c}: {text}"
        );
    }
    type_text(&mut app, "9.2");
    app.handle_key(key(KeyCode::Char(' ')));
    app.handle_key(key(KeyCode::Enter));
    let after = app.store.interviews(&before.audit_id).unwrap();
    let i = after.iter().find(|i| i.id == before.id).unwrap();
    assert_eq!(i.clauses, format!("{}, 9.2", before.clauses));
    assert!(app
        .model
        .status
        .clone()
        .unwrap()
        .text
        .starts_with("Clauses covered:"));
}

/// Stage 1 tells the documents the standard requires (●, counted apart,
/// "required by the standard (7.5.4 …)" on the selected one) from those an
/// auditor only expects.
#[test]
fn stage1_tells_required_documents_from_expected_ones() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage1);
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains("47/47 reviewed · ● required 24/24 "),
        "{text}"
    );
    // the first document, 4.1's context analysis, is expected only
    assert!(
        text.contains("clause 4.1 · expected evidence · Analysis"),
        "{text}"
    );
    // down to 4.3's scope: required by 7.5.4 a
    while app.screens.stage1.current().map(|c| c.1) != Some("sms-scope") {
        app.handle_key(key(KeyCode::Down));
    }
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains("clause 4.3 · required by the standard (7.5.4 a) · Scope"),
        "{text}"
    );
    assert!(
        text.contains("● Adequate            Scope of the SMS"),
        "{text}"
    );
    assert!(
        text.contains("  Adequate            Register of interested parties"),
        "{text}"
    );
}

/// A nonconformity closed before verifications were recorded (a file of
/// schema 4 upgraded) says so in the finding editor, naming what is
/// missing, instead of passing for a verified closure.
#[test]
fn a_legacy_nc_closed_without_verification_says_what_is_missing() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let nc = findings(&app)
        .into_iter()
        .find(|f| f.grade == Grade::Minor && f.status == FindingStatus::Closed)
        .expect("the demo's closed minor");
    assert_eq!(nc.closure_gap(), None, "verified in the demo");
    // as a pre-schema-5 file would have it: closed, no verification
    app.store
        .connection()
        .execute(
            "UPDATE findings SET verified_on = '', verified_by = '', verification_method = '',
             verification_evidence = '' WHERE id = ?1",
            [&nc.id],
        )
        .unwrap();
    app.dispatch(Action::GoFindings);
    let at = (0..20)
        .find(|&i| app.finding_at(i).is_some_and(|x| x.id == nc.id))
        .unwrap();
    for _ in 0..at {
        app.handle_key(key(KeyCode::Down));
    }
    app.handle_key(key(KeyCode::Enter));
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains("Status  Closed, but its verification is not recorded (verification date,"),
        "{text}"
    );
    assert!(!text.contains("Closed (verified)"), "{text}");
}

/// The Report screen lists what the report needs, ticked when recorded;
/// Enter on an item of the context writes it in the editor, and it is then
/// ticked, stored and in the trail; Enter on a count goes to its screen.
#[test]
fn the_report_screen_shows_what_is_missing_and_enter_fills_it() {
    let env = Env::new();
    let mut app = demo_app(&env);
    let id = app.model.data.as_ref().unwrap().audit.id.clone();
    app.handle_key(key(KeyCode::Char('7')));
    assert_eq!(app.screen, Screen::Report);
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("Report — 21 of 28 items recorded"), "{text}");
    assert!(text.contains("· Closing meeting"), "{text}");
    while app.screen == Screen::Report && !screen(&mut app, 120, 36).contains("┌ Closing meeting")
    {
        app.handle_key(key(KeyCode::Down));
    }
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Editor);
    type_text(
        &mut app,
        "2026-11-19 16:00. Findings presented and acknowledged.",
    );
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Report);
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("Report — 22 of 28 items recorded"), "{text}");
    assert!(text.contains("✓ Closing meeting"), "{text}");
    assert_eq!(
        app.store
            .audit_context(&id)
            .unwrap()
            .get(ContextItem::ClosingMeeting),
        "2026-11-19 16:00. Findings presented and acknowledged."
    );
    let trail = app.store.audit_history(&id).unwrap();
    let last = trail.last().unwrap();
    assert_eq!(
        (last.entity.as_str(), last.field.as_str()),
        ("audit_context", "created")
    );
    // a count goes to where it is recorded
    while !screen(&mut app, 120, 36).contains("┌ Clauses assessed (stage 2)") {
        app.handle_key(key(KeyCode::Down));
    }
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Stage2);
    assert_eq!(app.store.verify_data().unwrap(), None);
}

/// The file or folder the workbench wrote in the test's folder whose name
/// ends with `suffix`.
fn written(env: &Env, suffix: &str, what: &str) -> std::path::PathBuf {
    std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("{what} not written"))
        .path()
}

/// `m` on the Report screen writes the report where the form proposes, in
/// the format chosen, and says where and how much is still missing.
#[test]
fn the_report_is_written_from_the_workbench() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoReport);
    app.handle_key(key(KeyCode::Char('m')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(!st.error, "{st:?}");
    assert!(st.text.starts_with("Wrote the report to "), "{st:?}");
    assert!(
        st.text.contains("not recorded yet, listed at its top"),
        "{st:?}"
    );
    let html = written(&env, "-report.html", "the report file");
    let text = std::fs::read_to_string(html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("Northwind"));
    assert!(!text.contains("CAB weekly"), "notes left out by default");

    // Markdown, with the notes: the proposed .html becomes .md
    app.handle_key(key(KeyCode::Char('m')));
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(st.text.contains("-report.md"), "{st:?}");
    let md = written(&env, "-report.md", "the Markdown report");
    let text = std::fs::read_to_string(md).unwrap();
    assert!(text.starts_with("# Audit report — Northwind"), "{text}");
    assert!(text.contains("CAB weekly"), "notes included when chosen");

    // Word: two steps right of HTML
    app.handle_key(key(KeyCode::Char('m')));
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(st.text.contains("-report.docx"), "{st:?}");
    let docx = written(&env, "-report.docx", "the Word report");
    let zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    assert!(zip.file_names().any(|n| n == "word/document.xml"));
}

/// `P` on the Report screen writes the hand-over pack into the folder the
/// form proposes; a second time the folder is taken and nothing is
/// overwritten, said in the status bar.
#[test]
fn the_hand_over_pack_is_written_from_the_workbench() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoReport);
    app.handle_key(key(KeyCode::Char('P')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(!st.error, "{st:?}");
    assert!(st.text.starts_with("Wrote the hand-over pack"), "{st:?}");
    let pack = written(&env, "-pack", "the pack folder");
    let manifest = std::fs::read_to_string(pack.join("MANIFEST")).unwrap();
    assert_eq!(manifest.lines().filter(|l| !l.starts_with('#')).count(), 6);

    app.handle_key(key(KeyCode::Char('P')));
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("is not empty"), "{st:?}");
    assert_eq!(
        std::fs::read_to_string(pack.join("MANIFEST")).unwrap(),
        manifest,
        "nothing overwritten"
    );
}

/// The finder also searches the notes written on clauses and documents,
/// renewed after they are edited; Enter goes to the clause.
#[test]
fn the_finder_finds_clause_notes_written_in_the_session() {
    let env = Env::new();
    let mut app = demo_app(&env);
    goto_clause(&mut app, "8.6.1 incident");
    let clause = current_clause(&app);
    app.handle_key(key(KeyCode::Char('e')));
    assert_eq!(app.mode(), Mode::Editor);
    type_text(&mut app, "Ask about ticket ZEBRA-7731 next visit");
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::GoOverview);
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "zebra-7731");
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains(&format!(
            "cl notes   {clause} · Ask about ticket ZEBRA-7731"
        )),
        "{text}"
    );
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Stage2);
    assert_eq!(current_clause(&app), clause);
}

/// A follow-up audit: indented under its client on the Audits screen, its
/// carried nonconformities on the overview (first, marked ↩) and on their
/// stage 2 clause.
#[test]
fn a_follow_up_shows_what_it_carries() {
    let env = Env::new();
    let demo = {
        let mut s = fixed_store(&env);
        let demo = auditbench::demo::create_demo(&mut s).unwrap();
        s.create_follow_up(
            &demo,
            &auditbench::store::FollowUp {
                audit_type: AuditType::Surveillance,
                catalogue_id: String::new(),
                edition: String::new(),
                start_date: "2027-11-15".into(),
                end_date: String::new(),
            },
        )
        .unwrap();
        demo
    };
    let mut app = app(&env);
    let audits = screen(&mut app, 120, 36);
    assert!(audits.contains("Northwind Managed Serv"), "{audits}");
    // the follow-up starts later: on top, the demo indented under it
    assert!(audits.contains("  · Northwind"), "{audits}");
    app.dispatch(Action::Select);
    assert_ne!(app.model.data.as_ref().unwrap().audit.id, demo);
    let overview = screen(&mut app, 120, 36);
    assert!(overview.contains("↩ to verify"), "{overview}");
    assert!(overview.contains("↩ Stage 2 2026-11-16"), "{overview}");
    app.dispatch(Action::GoStage2);
    let carried = app.model.data.as_ref().unwrap().carried.clone();
    let nc = carried.iter().find(|c| c.reference == "NC-001").unwrap();
    type_text(&mut app, "");
    app.handle_key(key(KeyCode::Char('/')));
    type_text(&mut app, &nc.clause_id);
    app.handle_key(key(KeyCode::Enter));
    let stage2 = screen(&mut app, 120, 36);
    assert!(stage2.contains("↩ NC-001"), "{stage2}");
}

/// `F` on the Audits screen makes a follow-up of the selected audit and
/// opens it; `v` on its overview picks a carried finding and records what
/// was found (evidence needed to close it as effective).
#[test]
fn a_follow_up_is_made_and_its_carried_findings_verified_in_the_workbench() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoAudits);
    app.handle_key(key(KeyCode::Char('F')));
    assert!(matches!(app.mode(), Mode::Form | Mode::FormChoice));
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "2027-11-15");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(!st.error, "{st:?}");
    assert!(
        st.text.starts_with(
            "Created the surveillance of Northwind Managed Services Ltd: 9 findings carried"
        ),
        "{st:?}"
    );
    let d = app.model.data.as_ref().unwrap();
    assert_eq!(d.audit.audit_type, AuditType::Surveillance);
    assert_eq!(d.carried.len(), 9);

    // NC-001 (the major) first in the picker; effective needs evidence
    app.dispatch(Action::GoOverview);
    app.handle_key(key(KeyCode::Char('v')));
    assert_eq!(app.mode(), Mode::Picker);
    app.handle_key(key(KeyCode::Enter));
    assert!(matches!(app.mode(), Mode::Form | Mode::FormChoice));
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.error && st.text.contains("needs the verification evidence"),
        "{st:?}"
    );
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "Test report DR-7 seen");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(!st.error, "{st:?}");
    assert_eq!(st.text, "Carried finding: Closed, effective");
    let d = app.model.data.as_ref().unwrap();
    let nc1 = d.carried.iter().find(|c| c.reference == "NC-001").unwrap();
    assert_eq!(nc1.outcome, auditbench::domain::Outcome::Effective);
    assert_eq!(d.tally.open_majors, 0, "the carried major is verified");
}

/// A reported audit's overview says how many nonconformities still wait
/// for the client's response, a review or a verification.
#[test]
fn a_reported_audit_says_what_is_still_awaited() {
    let env = Env::new();
    {
        let mut s = fixed_store(&env);
        let id = auditbench::demo::create_demo(&mut s).unwrap();
        s.report_audit(&id).unwrap();
    }
    let mut app = app(&env);
    app.dispatch(Action::Select);
    let overview = screen(&mut app, 120, 36);
    assert!(
        overview.contains("After the report: 3 NCs awaiting a response, review or verification"),
        "{overview}"
    );
}

/// Walking a stage 2 clause counts its time (on the store's clock), idle
/// minutes capped, and hands it over when the walk moves on; the clause
/// shows it against the plan; `auditbench time` lists it.
#[test]
fn walking_a_clause_counts_its_time() {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    let env = Env::new();
    let secs = Arc::new(AtomicI64::new(0));
    let clock: auditbench::store::Clock = {
        let secs = secs.clone();
        Arc::new(move || {
            chrono::DateTime::from_timestamp(1_790_000_000 + secs.load(Ordering::SeqCst), 0)
                .expect("a time")
        })
    };
    let mut app =
        App::new(auditbench::store::Store::open_with_clock(&env.db, clock).unwrap()).unwrap();
    app.dispatch(Action::CreateDemo);
    app.dispatch(Action::Select);
    app.dispatch(Action::GoStage2);
    app.handle_key(key(KeyCode::Down));
    let first = app.current_clause().unwrap();
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    // (the demo's plan says the clause was walked before)
    let before = app.store.clause_times(&audit).unwrap()[&first];
    // 3 minutes of work, ticks every 10 s, a key each minute
    for t in 1..=18 {
        secs.store(t * 10, Ordering::SeqCst);
        app.dispatch(Action::Tick);
        if t % 6 == 0 {
            app.handle_key(key(KeyCode::F(20))); // a key bound to nothing
        }
    }
    // then 10 idle minutes: only 5 count
    for t in 19..=78 {
        secs.store(t * 10, Ordering::SeqCst);
        app.dispatch(Action::Tick);
    }
    app.handle_key(key(KeyCode::Down));
    assert_ne!(app.current_clause().unwrap(), first);
    let times = app
        .store
        .clause_times(&app.model.data.as_ref().unwrap().audit.id)
        .unwrap();
    assert_eq!(times.get(&first), Some(&(before + 180 + 300)), "{times:?}");
    // the clause shows it
    app.handle_key(key(KeyCode::Up));
    let shown = screen(&mut app, 120, 36);
    let want = format!("Time {} min walked", (before + 480) / 60);
    assert!(shown.contains(&want), "{want}: {shown}");
}

/// The Plan screen: the demo stage 2's slots by day with planned against
/// walked, and what departs from the plan; a slot added in a form (a bad
/// time refused in the status bar, the form kept), changed, and removed
/// only after the question.
#[test]
fn the_plan_screen_adds_changes_and_removes_slots() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('8')));
    assert_eq!(app.screen, Screen::Plan);
    let shown = screen(&mut app, 120, 36);
    for want in [
        "2026-11-16  plan 7h00 · walked 5h06",
        "09:30–12:30 4 5 Context, leadership, policy",
        "Planned, not audited: 8.3, 8.4, 8.5, 8.6, 8.7, 9, 10",
        "8.2.6 took 75 min against 17 planned",
    ] {
        assert!(shown.contains(want), "{want}: {shown}");
    }
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    let slots = |app: &App| app.store.plan(&audit).unwrap();
    assert_eq!(slots(&app).len(), 9);

    // a new slot: the day comes from the selected slot
    app.handle_key(key(KeyCode::Char('n')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(key(KeyCode::Tab));
    type_text(&mut app, "17:00\t16:30\t8.5.1\tChange records");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.error && st.text == "the slot ends at 16:30 before it starts at 17:00",
        "{st:?}"
    );
    assert_eq!(app.mode(), Mode::Form, "the form stays open");
    assert_eq!(slots(&app).len(), 9, "nothing written");
    // To: 17:45
    app.handle_key(key(KeyCode::BackTab));
    app.handle_key(key(KeyCode::BackTab));
    app.handle_key(ctrl('j'));
    type_text(&mut app, "17:45");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert_eq!(st.text, "Added to the plan: 2026-11-16 17:00–17:45");
    let added = slots(&app)
        .into_iter()
        .find(|s| s.start == "17:00")
        .expect("the new slot");
    assert_eq!(
        (added.clauses.as_str(), added.subject.as_str()),
        ("8.5.1", "Change records")
    );
    assert_eq!(
        app.model.data.as_ref().unwrap().plan.len(),
        10,
        "the screen reloads"
    );

    // change it: its form comes filled in
    let pos = app
        .model
        .data
        .as_ref()
        .unwrap()
        .plan
        .iter()
        .position(|s| s.id == added.id)
        .unwrap();
    app.handle_key(key(KeyCode::Char('g')));
    for _ in 0..pos {
        app.handle_key(key(KeyCode::Char('j')));
    }
    app.handle_key(key(KeyCode::Char('e')));
    assert_eq!(form(&app).subject, added.id);
    for _ in 0..3 {
        app.handle_key(key(KeyCode::Tab));
    }
    app.handle_key(ctrl('j'));
    type_text(&mut app, "8.5.1 8.5.2");
    app.handle_key(ctrl('s'));
    assert_eq!(
        app.model.status.clone().unwrap().text,
        "Slot saved: 2026-11-16 17:00–17:45"
    );
    let changed = slots(&app).into_iter().find(|s| s.id == added.id).unwrap();
    assert_eq!(changed.clauses, "8.5.1 8.5.2");
    assert!(app
        .store
        .audit_history(&audit)
        .unwrap()
        .iter()
        .any(|e| e.entity == "plan_slot" && e.field == "clauses"));

    // removed only after the question
    app.handle_key(key(KeyCode::Char('D')));
    assert_eq!(app.mode(), Mode::Confirm);
    app.handle_key(key(KeyCode::Char('n')));
    assert_eq!(slots(&app).len(), 10);
    app.handle_key(key(KeyCode::Char('D')));
    app.handle_key(key(KeyCode::Char('y')));
    assert_eq!(slots(&app).len(), 9);
    assert_eq!(
        app.model.status.clone().unwrap().text,
        "Removed 2026-11-16 17:00–17:45 from the plan"
    );
}

/// The Programme screen: the client's visits (this audit marked), the
/// clauses × visits, what the cycle lacks; the every-visit clauses changed
/// in a form that refuses an unknown clause, even on a reported audit.
#[test]
fn the_programme_screen_shows_the_cycle_and_edits_the_every_visit_clauses() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('9')));
    assert_eq!(app.screen, Screen::Programme);
    let shown = screen(&mut app, 120, 36);
    for want in [
        "V1  Stage 2 2026-11-16  ← this audit",
        "V2  Surveillance 2027-11-15",
        "every visit: 9.2 9.3 10.1 8.5.1 8.3.2",
        "29 of 57 clauses not audited on any visit of the cycle yet",
    ] {
        assert!(shown.contains(want), "{want}: {shown}");
    }
    // 9.2: planned in both visits' plans, not audited yet
    app.handle_key(key(KeyCode::Char('G')));
    let shown = screen(&mut app, 120, 36);
    assert!(
        shown.contains("9.2*      Internal audit"),
        "every-visit marked: {shown}"
    );

    // the audit reported: the client's every-visit clauses still change
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    app.store.report_audit(&audit).unwrap();
    app.dispatch(Action::GoAudits);
    app.dispatch(Action::Select);
    app.handle_key(key(KeyCode::Char('9')));
    app.handle_key(key(KeyCode::Char('e')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(ctrl('j'));
    type_text(&mut app, "9.2 9.3 10.1 8.5.1 99.9");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.error && st.text.starts_with("unknown clause 99.9"),
        "{st:?}"
    );
    app.handle_key(key(KeyCode::Backspace));
    app.handle_key(key(KeyCode::Backspace));
    app.handle_key(key(KeyCode::Backspace));
    app.handle_key(key(KeyCode::Backspace));
    type_text(&mut app, "8.7.2");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert_eq!(
        st.text,
        "Every-visit clauses of Northwind Managed Services Ltd: 9.2 9.3 10.1 8.5.1 8.7.2"
    );
    let client = app
        .store
        .find_client("Northwind Managed Services Ltd")
        .unwrap();
    assert_eq!(client.every_visit, "9.2 9.3 10.1 8.5.1 8.7.2");
    app.handle_key(key(KeyCode::Char('G')));
    let shown = screen(&mut app, 120, 36);
    assert!(shown.contains("8.7.2*"), "{shown}");
}

/// Stage 2 says what the plan takes next, and `p` goes there.
#[test]
fn p_goes_to_the_next_clause_the_plan_takes() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("p plan → 8.3.1 11-17 13:30"), "{shown}");
    app.handle_key(key(KeyCode::Char('p')));
    assert_eq!(app.current_clause().unwrap(), "8.3.1");
}

/// At 80 columns the ten tabs fit, the open one by its name.
#[test]
fn ten_tabs_fit_at_80_columns() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.handle_key(key(KeyCode::Char('8')));
    let shown = screen(&mut app, 80, 24);
    let tabs: String = shown.chars().take(80).collect();
    assert!(
        tabs.contains("0 Aud") && tabs.contains("8 Plan") && tabs.contains("9 Prg"),
        "{tabs}"
    );
    let shown = screen(&mut app, 120, 36);
    let tabs: String = shown.chars().take(120).collect();
    assert!(tabs.contains("7 Report 8 Plan 9 Programme"), "{tabs}");
}

/// A rehearsal rates each question from the stage 2 walk: one key rates
/// and moves to the next; not applicable asks for its reason; the overview
/// shows the readiness; another audit type is told where rating belongs.
#[test]
fn a_rehearsal_rates_questions_with_one_key_each() {
    let env = Env::new();
    {
        let mut s = fixed_store(&env);
        s.create_audit(&NewAudit {
            organisation: "Ready Co".into(),
            scope: String::new(),
            catalogue_id: "iso20000-1-2018".into(),
            edition: "2018".into(),
            audit_type: AuditType::Internal,
            certification_body: String::new(),
            lead_auditor: "Ana Silva".into(),
            team: String::new(),
            start_date: String::new(),
            end_date: String::new(),
        })
        .unwrap();
    }
    let mut app = app(&env);
    app.dispatch(Action::Select);
    goto_clause(&mut app, "8.5.1.3");
    app.handle_key(key(KeyCode::Tab));
    assert_eq!(app.mode(), Mode::Stage2Questions);
    assert_eq!(
        app.model.data.as_ref().unwrap().audit.status,
        AuditStatus::Planned
    );
    app.handle_key(key(KeyCode::Char('y')));
    // the first rating starts the rehearsal, on screen too
    assert_eq!(
        app.model.data.as_ref().unwrap().audit.status,
        AuditStatus::InProgress
    );
    app.handle_key(key(KeyCode::Char('p')));
    // the third: not applicable, its reason asked first
    app.handle_key(key(KeyCode::Char('a')));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("needs its reason"), "{st:?}");
    type_text(&mut app, "No emergency changes by contract");
    app.handle_key(ctrl('s'));
    let d = app.model.data.as_ref().unwrap();
    let got: Vec<(u32, Rating)> = {
        let mut v: Vec<(u32, Rating)> =
            d.ratings.values().map(|r| (r.question, r.rating)).collect();
        v.sort_by_key(|x| x.0);
        v
    };
    assert_eq!(
        got,
        [
            (1, Rating::Met),
            (2, Rating::PartlyMet),
            (3, Rating::NotApplicable)
        ]
    );
    let shown = screen(&mut app, 120, 36);
    assert!(
        shown.contains("Questions (rated 3/3 · 75% ready"),
        "{shown}"
    );
    assert!(
        shown.contains("— No emergency"),
        "the reason shown: {shown}"
    );
    // every question rated: the clause is done in the tree
    // the screen's rows, 120 cells each
    let row = |shown: &str, clause: &str| -> String {
        let cells: Vec<char> = shown.chars().collect();
        cells
            .chunks(120)
            .map(|r| r.iter().collect::<String>())
            // the clause tree: the left 50 cells
            .map(|l| l.chars().take(50).collect::<String>())
            .find(|l| l.contains(clause))
            .unwrap_or_else(|| panic!("no {clause} in {shown}"))
    };
    assert!(
        row(&shown, "8.5.1.3 Change management activities").starts_with("│✓"),
        "{shown}"
    );
    assert!(row(&shown, "8.5.1.2 Change").starts_with("│·"), "{shown}");
    app.dispatch(Action::GoOverview);
    let shown = screen(&mut app, 120, 36);
    assert!(
        shown.contains("Readiness: 1% (rated 2 of 170 questions"),
        "{shown}"
    );

    // a stage 2 audit: rating keys say where rating belongs
    let other = Env::new();
    let mut app = demo_app(&other);
    goto_clause(&mut app, "8.5.1.3");
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Char('y')));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.text.starts_with("Questions are rated in a rehearsal"),
        "{st:?}"
    );
}

#[test]
fn the_gaps_screen_plans_a_gap_in_a_form_and_shows_on_rehearsals_only() {
    let env = Env::new();
    let mut app = demo_app(&env);
    // the demo stage 2 is no rehearsal: no Gaps tab, and `-` says why
    assert!(!screen(&mut app, 120, 36).contains("- Gaps"));
    app.handle_key(key(KeyCode::Char('-')));
    app.dispatch(Action::Select);
    let st = app.model.status.clone().unwrap();
    assert!(st.text.contains("belongs to rehearsals"), "{st:?}");
    // the second rehearsal
    app.dispatch(Action::GoAudits);
    app.handle_key(key(KeyCode::Char('g')));
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Down));
    app.dispatch(Action::Select);
    assert!(screen(&mut app, 120, 36).contains("- Gaps"));
    app.handle_key(key(KeyCode::Char('-')));
    assert_eq!(app.screen, Screen::Gaps);
    assert_eq!(app.mode(), Mode::Gaps);
    // the third gap by target date: 8.7.1 Q2, planned
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Down));
    let gap = |app: &App| app.model.data.as_ref().unwrap().gaps[2].clone();
    assert_eq!(gap(&app).reference, "8.7.1 Q2");
    assert_eq!(gap(&app).state, GapState::Planned);
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Form);
    // a date that is no date: said, the form stays, nothing written
    type_text(&mut app, "\t\tx");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(st.error && st.text.contains("is not a date"), "{st:?}");
    assert_eq!(app.mode(), Mode::Form);
    assert_eq!(gap(&app).target_date, "2026-10-15");
    app.handle_key(key(KeyCode::Backspace));
    // the state: done (the choice moves with → ; Enter never cycles it)
    app.handle_key(key(KeyCode::Tab));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(ctrl('s'));
    assert_eq!(app.mode(), Mode::Gaps);
    let g = gap(&app);
    assert_eq!(
        (g.state, g.target_date.as_str(), g.owner.as_str()),
        (GapState::Done, "2026-10-15", "Service level manager")
    );
    // on disk (read back from the file)
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    let stored = app.store.gaps(&audit).unwrap();
    assert!(stored
        .iter()
        .any(|x| x.reference == "8.7.1 Q2" && x.state == GapState::Done));
    // the gauge of gaps done counts it
    app.handle_key(key(KeyCode::Char('1')));
    assert!(screen(&mut app, 120, 36).contains("1 / 56"));
}

#[test]
fn a_samples_period_is_edited_with_one_key_and_checked() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoSamples);
    app.handle_key(key(KeyCode::Char('d')));
    assert_eq!(app.mode(), Mode::EditorLine);
    // the demo's period is there to change: replace it
    for _ in 0.."2026-08-01 2026-10-31".len() {
        app.handle_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, "2026-10-31 2026-08-01");
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.error && st.text.contains("ends (2026-08-01) before it starts"),
        "{st:?}"
    );
    for _ in 0.."2026-10-31 2026-08-01".len() {
        app.handle_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, "2026-06-01 – 2026-09-30");
    app.handle_key(ctrl('s'));
    let s = &samples_of(&app)[0];
    assert_eq!(
        (s.period_from.as_str(), s.period_to.as_str()),
        ("2026-06-01", "2026-09-30")
    );
    assert!(screen(&mut app, 120, 36).contains("Records     2026-06-01 – 2026-09-30"));
}

#[test]
fn the_team_screen_settles_conflicts_and_merges_a_teammates_file() {
    let env = Env::new();
    let mut app = demo_app(&env);
    // not shared yet: the screen says how, Enter says so too
    app.handle_key(key(KeyCode::Char('=')));
    assert_eq!(app.screen, Screen::Team);
    assert_eq!(app.mode(), Mode::Team);
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains("not shared in a team on this laptop"),
        "{text}"
    );
    assert!(
        !text.contains("= Team"),
        "no tab before the audit is shared"
    );
    common::team_conflicts(&env, &mut app);
    app.handle_key(key(KeyCode::Char('=')));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("= Team"), "the tab shows once shared: {text}");
    assert!(text.contains("Conflicts 3"), "{text}");
    assert!(text.contains("Jordan Lee (this laptop)"), "{text}");
    assert!(
        text.contains("Sam Ortiz · merged 2026-11-23 09:30:00Z"),
        "{text}"
    );
    assert!(text.contains("0 new · 3 changed · 3 conflicts"), "{text}");
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    // no report while they stand
    let refused = app.store.report_audit(&audit).unwrap_err().to_string();
    assert!(
        refused.contains("3 team conflicts not settled"),
        "{refused}"
    );
    // the first conflict is NC-002's root cause: Enter shows a choice,
    // nothing is chosen until the form is saved
    let first = app.model.data.as_ref().unwrap().conflicts[0].clone();
    assert_eq!(
        (first.field.as_str(), first.values.len()),
        ("root_cause", 2)
    );
    assert!(first.label.contains("NC-002"));
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::FormChoice);
    assert_eq!(app.store.team_conflict_count(&audit).unwrap(), 3);
    // past both values: keep both (text), each followed by who wrote it
    app.handle_key(key(KeyCode::Right));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(ctrl('s'));
    assert_eq!(app.mode(), Mode::Team);
    let st = app.model.status.clone().unwrap();
    assert!(st.text.starts_with("Settled finding NC-002"), "{st:?}");
    let nc2 = app.store.finding_by_ref(&audit, "NC-002").unwrap();
    assert_eq!(
        nc2.root_cause,
        "Emergency approvals are made by phone and never recorded. [Jordan Lee]\nThe CAB does not meet for emergency changes; no deputy approver is named. [Sam Ortiz]"
    );
    assert_eq!(app.store.team_conflict_count(&audit).unwrap(), 2);
    assert!(screen(&mut app, 120, 36).contains("Conflicts 2"));
    // OBS-001's statement: → to Sam's
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Right));
    app.handle_key(ctrl('s'));
    let obs1 = app.store.finding_by_ref(&audit, "OBS-001").unwrap();
    assert_eq!(
        obs1.statement,
        "Two versions of the incident procedure are in use: v3.1 on the wiki, v2.4 on the shared drive."
    );
    assert_eq!(app.store.team_conflict_count(&audit).unwrap(), 1);
    // a team file that is not one: said in the status bar, nothing merged
    app.handle_key(key(KeyCode::Char('m')));
    assert_eq!(app.mode(), Mode::Form);
    let junk = env.path("notes.txt");
    std::fs::write(&junk, "not a team file").unwrap();
    for _ in 0..200 {
        app.handle_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, &junk.display().to_string());
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.error && st.text.contains("not an auditbench team file"),
        "{st:?}"
    );
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(key(KeyCode::Esc));
    // Sam's file again: already merged, nothing new
    app.handle_key(key(KeyCode::Char('m')));
    for _ in 0..200 {
        app.handle_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, &env.path("sam.team").display().to_string());
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(st.text.contains("nothing new (already merged)"), "{st:?}");
    assert_eq!(app.screen, Screen::Team);
    assert_eq!(app.store.team_conflict_count(&audit).unwrap(), 1);
    // s writes this laptop's team file, beside the exports
    app.handle_key(key(KeyCode::Char('s')));
    app.handle_key(ctrl('s'));
    let st = app.model.status.clone().unwrap();
    assert!(
        st.text.starts_with("Wrote ") && st.text.contains(".team"),
        "{st:?}"
    );
}

/// The threads of this process named `name`: (nice, scheduling policy),
/// read from /proc.
#[cfg(target_os = "linux")]
fn threads_named(name: &str) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() != name {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // the fields after the command's closing parenthesis, from the 3rd
        let f: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let field = |n: usize| f.get(n - 3).and_then(|v| v.parse().ok()).unwrap_or(-1);
        out.push((field(19), field(41)));
    }
    out
}

/// The finder's threads run at a lower priority than the workbench's own
/// (a woken ranking never takes the core from a key being handled), and
/// idle work (the opening's page check and backup) only on a free core.
#[cfg(target_os = "linux")]
#[test]
fn background_threads_run_below_the_workbench() {
    use auditbench::background::{spawn, Priority, NICE};
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "backup");
    app.finder_poll(true);
    const SCHED_OTHER: i64 = 0;
    const SCHED_IDLE: i64 = 5;
    for name in ["finder-rank", "finder-text"] {
        assert_eq!(
            threads_named(name),
            [(i64::from(NICE), SCHED_OTHER)],
            "{name}"
        );
    }
    assert_eq!(
        auditbench::background::nice(),
        0,
        "the workbench's own thread"
    );
    // the two priorities, as the threads see themselves
    let low = spawn("test-low", Priority::Low, || {
        (
            auditbench::background::nice(),
            auditbench::background::is_idle(),
        )
    })
    .unwrap()
    .join()
    .unwrap();
    assert_eq!(low, (NICE, false));
    let idle = spawn("test-idle", Priority::Idle, || {
        (
            threads_named("test-idle"),
            auditbench::background::is_idle(),
        )
    })
    .unwrap()
    .join()
    .unwrap();
    assert!(idle.1);
    assert_eq!(idle.0.len(), 1);
    assert_eq!(idle.0[0].1, SCHED_IDLE);
}
