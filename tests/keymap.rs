//! The key map: every action reachable, no duplicate bindings, help complete.

use std::collections::HashSet;

use auditbench::tui::action::Action;
use auditbench::tui::keymap::{Key, Keymap, Mode};

/// Every action a key can trigger. The match below fails to compile when a
/// variant is added, so this list cannot silently fall behind.
fn bindable() -> Vec<Action> {
    fn exhaustive(a: &Action) -> bool {
        match a {
            Action::Tick | Action::Work | Action::ShowError(_) | Action::ShowInfo(_) => false,
            Action::Quit
            | Action::Suspend
            | Action::Help
            | Action::OpenFinder
            | Action::Export
            | Action::GoAudits
            | Action::GoOverview
            | Action::GoStage1
            | Action::GoStage2
            | Action::GoFindings
            | Action::GoInterviews
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Left
            | Action::Right
            | Action::Select
            | Action::Back
            | Action::NewAudit
            | Action::CreateDemo
            | Action::ReportAudit
            | Action::ShowHistory
            | Action::CycleDocStatus
            | Action::EditDocReference
            | Action::EditDocVersion
            | Action::EditDocNotes
            | Action::RaiseFromDocument
            | Action::SwitchFocus
            | Action::ToggleQuestion
            | Action::CycleClauseStatus
            | Action::CycleClauseResult
            | Action::EditClauseNotes
            | Action::NewFinding
            | Action::NewInterview
            | Action::NewSample
            | Action::NextClauseNotDone
            | Action::FilterGrade
            | Action::FilterStatus
            | Action::FilterClause
            | Action::ClearFilters
            | Action::CycleSort
            | Action::CycleGrade
            | Action::CycleStatus
            | Action::Delete
            | Action::EditNotes
            | Action::EditInterviewee
            | Action::EditRole
            | Action::EditTime
            | Action::EditClauses
            | Action::Save
            | Action::Cancel
            | Action::Confirm
            | Action::NextField
            | Action::PrevField => true,
        }
    }
    let all = vec![
        Action::Quit,
        Action::Suspend,
        Action::Help,
        Action::OpenFinder,
        Action::Export,
        Action::GoAudits,
        Action::GoOverview,
        Action::GoStage1,
        Action::GoStage2,
        Action::GoFindings,
        Action::GoInterviews,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Left,
        Action::Right,
        Action::Select,
        Action::Back,
        Action::NewAudit,
        Action::CreateDemo,
        Action::ReportAudit,
        Action::ShowHistory,
        Action::CycleDocStatus,
        Action::EditDocReference,
        Action::EditDocVersion,
        Action::EditDocNotes,
        Action::RaiseFromDocument,
        Action::SwitchFocus,
        Action::ToggleQuestion,
        Action::CycleClauseStatus,
        Action::CycleClauseResult,
        Action::EditClauseNotes,
        Action::NewFinding,
        Action::NewInterview,
        Action::NewSample,
        Action::NextClauseNotDone,
        Action::FilterGrade,
        Action::FilterStatus,
        Action::FilterClause,
        Action::ClearFilters,
        Action::CycleSort,
        Action::CycleGrade,
        Action::CycleStatus,
        Action::Delete,
        Action::EditNotes,
        Action::EditInterviewee,
        Action::EditRole,
        Action::EditTime,
        Action::EditClauses,
        Action::Save,
        Action::Cancel,
        Action::Confirm,
        Action::NextField,
        Action::PrevField,
    ];
    assert!(all.iter().all(exhaustive));
    all
}

#[test]
fn every_action_is_reachable_by_a_key() {
    let km = Keymap::default();
    for a in bindable() {
        assert!(
            km.bindings().iter().any(|b| b.action == a),
            "{} has no key",
            a.name()
        );
    }
}

#[test]
fn no_key_is_bound_twice_in_a_mode() {
    let km = Keymap::default();
    let mut seen = HashSet::new();
    for b in km.bindings() {
        assert!(
            seen.insert((b.mode, b.key)),
            "{:?} {} bound twice",
            b.mode,
            b.key.label()
        );
    }
}

#[test]
fn help_lists_every_binding_of_its_mode() {
    let km = Keymap::default();
    for mode in Mode::ALL {
        let help = km.help(*mode);
        for b in km.bindings().iter().filter(|b| b.mode == *mode) {
            assert!(
                help.iter().any(|(m, keys, desc)| m == mode
                    && *desc == b.desc
                    && keys.split(", ").any(|k| k == b.key.label())),
                "help for {mode:?} lacks {} ({})",
                b.key.label(),
                b.desc
            );
        }
    }
}

#[test]
fn screens_fall_back_to_global_keys_but_text_input_does_not() {
    let km = Keymap::default();
    let q = Key::parse("q").unwrap();
    assert_eq!(km.resolve(Mode::Findings, q), Some(Action::Quit));
    assert_eq!(km.resolve(Mode::Editor, q), None, "q is typed in an editor");
    assert_eq!(km.resolve(Mode::Form, q), None);
    assert_eq!(km.resolve(Mode::Finder, q), None);
    assert_eq!(km.resolve(Mode::FindingDetail, q), Some(Action::Back));
    let f = Key::parse("f").unwrap();
    assert_eq!(km.resolve(Mode::Stage2, f), Some(Action::NewFinding));
    assert_eq!(km.resolve(Mode::Findings, f), Some(Action::FilterGrade));
    assert_eq!(
        km.resolve(Mode::Editor, Key::parse("esc").unwrap()),
        Some(Action::Save)
    );
}

#[test]
fn hints_come_from_the_keymap() {
    let km = Keymap::default();
    let hints = km.hints(Mode::Stage2);
    assert!(hints
        .iter()
        .any(|(k, d)| k == "f" && d.starts_with("raise a finding")));
    assert!(hints.iter().any(|(k, _)| k == "?"));
}

#[test]
fn action_names_are_snake_case() {
    assert_eq!(Action::NextClauseNotDone.name(), "next_clause_not_done");
    assert_eq!(Action::ShowError("x".into()).name(), "show_error");
}

/// README.md's key reference is generated from the key map; this fails when
/// it is stale. `UPDATE_README=1 cargo test --test keymap` rewrites it.
#[test]
fn readme_key_reference_matches_the_keymap() {
    const START: &str = "<!-- keys:start (generated from src/tui/keymap.rs) -->\n";
    const END: &str = "<!-- keys:end -->";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (a, b) = (
        readme.find(START).expect("start marker"),
        readme.find(END).expect("end marker"),
    );
    let current = &readme[a + START.len()..b];
    let wanted = Keymap::default().markdown();
    if std::env::var_os("UPDATE_README").is_some() {
        let new = format!("{}{START}{wanted}{}", &readme[..a], &readme[b..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert_eq!(
        current, wanted,
        "README key reference is stale: UPDATE_README=1 cargo test --test keymap"
    );
}
