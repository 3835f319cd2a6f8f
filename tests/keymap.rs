//! The key map: every action reachable, no duplicate bindings, help complete.

use std::collections::HashSet;

use auditbench::tui::action::Action;
use auditbench::tui::keymap::{Key, Keymap, Mode};

/// Every action a key can trigger. The match below fails to compile when a
/// variant is added, so this list cannot silently fall behind.
fn bindable() -> Vec<Action> {
    fn exhaustive(a: &Action) -> bool {
        match a {
            Action::Tick
            | Action::Work
            | Action::ShowError(_)
            | Action::ShowInfo(_)
            | Action::Choose(_) => false,
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
            | Action::GoSamples
            | Action::GoReport
            | Action::GoPlan
            | Action::GoProgramme
            | Action::GoGaps
            | Action::GoTeam
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
            | Action::Decide
            | Action::EditJustification
            | Action::EditAudit
            | Action::ChooseAuditor
            | Action::ToggleItem
            | Action::CiteSamples
            | Action::MakeReport
            | Action::MakePack
            | Action::FollowUp
            | Action::VerifyCarried
            | Action::NewSlot
            | Action::EditSlot
            | Action::EditEveryVisit
            | Action::NextPlanned
            | Action::RateMet
            | Action::RatePartly
            | Action::RateNotMet
            | Action::RateNotApplicable
            | Action::EditGap
            | Action::TeamMerge
            | Action::TeamShare
            | Action::SettleConflict
            | Action::EditPeriod
            | Action::PickDocStatus
            | Action::EditDocReference
            | Action::EditDocVersion
            | Action::EditDocNotes
            | Action::RaiseFromDocument
            | Action::SwitchFocus
            | Action::ToggleQuestion
            | Action::PickClauseStatus
            | Action::PickClauseResult
            | Action::EditClauseNotes
            | Action::NewFinding
            | Action::NewInterview
            | Action::NewSample
            | Action::NextClauseNotDone
            | Action::ScrollDetailDown
            | Action::ScrollDetailUp
            | Action::FilterGrade
            | Action::FilterStatus
            | Action::FilterClause
            | Action::ClearFilters
            | Action::CycleSort
            | Action::PickGrade
            | Action::PickStatus
            | Action::Delete
            | Action::EditNotes
            | Action::EditInterviewee
            | Action::EditRole
            | Action::EditTime
            | Action::EditClauses
            | Action::EditPopulation
            | Action::EditSize
            | Action::EditResult
            | Action::PickMethod
            | Action::Save
            | Action::Cancel
            | Action::Confirm
            | Action::NextField
            | Action::PrevField
            | Action::NextOrSave
            | Action::NextChoice
            | Action::PrevChoice
            | Action::NewLine
            | Action::InsertTab
            | Action::DeleteBack
            | Action::DeleteForward
            | Action::DeleteWordBack
            | Action::DeleteWordForward
            | Action::DeleteToLineEnd
            | Action::DeleteToLineStart
            | Action::CursorLeft
            | Action::CursorRight
            | Action::CursorUp
            | Action::CursorDown
            | Action::WordLeft
            | Action::WordRight
            | Action::LineStart
            | Action::LineEnd
            | Action::Undo
            | Action::Redo
            | Action::Yank => true,
        }
    }
    let all = Action::BINDABLE.to_vec();
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
    const START: &str = "<!-- keys:start (generated from assets/keymap.toml) -->\n";
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

// ------------------------------------------------------- the user's key map

fn user(src: &str) -> Result<Keymap, String> {
    Keymap::default()
        .with_overrides(src, "my/keymap.toml")
        .map_err(|e| e.to_string())
}

fn key(s: &str) -> Key {
    Key::parse(s).unwrap()
}

#[test]
fn the_built_in_key_map_is_the_asset_file() {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keymap.toml"),
    )
    .unwrap();
    let km = Keymap::from_toml(&src, "assets/keymap.toml").unwrap();
    assert_eq!(km.bindings().len(), Keymap::default().bindings().len());
    assert!(km.bindings().len() > 80);
}

#[test]
fn a_users_binding_replaces_that_actions_keys_in_that_mode() {
    let km = user("[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = \"quit\"\n").unwrap();
    assert_eq!(km.resolve(Mode::Findings, key("Q")), Some(Action::Quit));
    assert_eq!(
        km.resolve(Mode::Findings, key("q")),
        None,
        "q no longer quits"
    );
    assert_eq!(km.resolve(Mode::Findings, key("ctrl-c")), None);
    // The default description and hint stay; help and hints follow.
    let help = km.help(Mode::Global);
    assert!(
        help.iter()
            .any(|(_, k, d)| k == "Q" && d.starts_with("quit")),
        "{help:?}"
    );
    assert!(km.hints(Mode::Findings).iter().any(|(k, _)| k == "Q"));
    // Everything else keeps its keys.
    assert_eq!(km.resolve(Mode::Findings, key("?")), Some(Action::Help));
}

#[test]
fn mistakes_in_a_users_key_map_name_the_file_the_line_and_what_is_accepted() {
    let cases = [
        (
            "# mine\n[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = \"leave\"\n",
            "my/keymap.toml:5:",
            "unknown action \"leave\"; accepted: quit",
        ),
        (
            "[[binding]]\nmode = \"everywhere\"\nkeys = \"Q\"\naction = \"quit\"\n",
            "my/keymap.toml:2:",
            "unknown mode \"everywhere\"; accepted: global",
        ),
        (
            "[[binding]]\nmode = \"global\"\nkeys = \"hyper-q\"\naction = \"quit\"\n",
            "my/keymap.toml:3:",
            "unknown key",
        ),
        (
            "[[binding]]\nmode = \"findings\"\nkeys = \"D\"\naction = \"filter_grade\"\n",
            "my/keymap.toml:2:",
            "D is already bound to delete in mode findings",
        ),
        (
            "[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = quit\n",
            "my/keymap.toml:4:",
            "",
        ),
        (
            "[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = \"quit\"\ncolour = \"red\"\n",
            "my/keymap.toml:",
            "colour",
        ),
    ];
    for (src, at, says) in cases {
        let e = user(src).expect_err(src);
        assert!(e.starts_with(at), "{e}");
        assert!(e.contains(says), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }
}

#[test]
fn a_broken_user_file_leaves_the_defaults_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    let (km, problem) = Keymap::load(Some(&path));
    assert!(problem.is_none(), "no file, no problem");
    assert_eq!(km.bindings().len(), Keymap::default().bindings().len());
    std::fs::write(
        &path,
        "[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = \"leave\"\n",
    )
    .unwrap();
    let (km, problem) = Keymap::load(Some(&path));
    let problem = problem.expect("the mistake is reported");
    assert!(
        problem.contains("keymap.toml:4:") && problem.contains("using the default keys"),
        "{problem}"
    );
    assert_eq!(km.resolve(Mode::Findings, key("q")), Some(Action::Quit));
}
