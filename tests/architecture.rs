//! The shape issue 10 asked for, checked from outside: drawing reads only the
//! model (a failed read is said, never an empty list), and every key — Enter,
//! a choice field's keys, the text editors' own keys — and every footer come
//! from the key map, so a user's key map changes them all.

mod common;

use auditbench::tui::action::Action;
use auditbench::tui::keymap::{Keymap, Mode};
use auditbench::tui::popups::Popup;
use common::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

fn screen_text(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn user_keymap(src: &str) -> Keymap {
    Keymap::default()
        .with_overrides(src, "keymap.toml")
        .expect("the test's key map parses")
}

/// The findings list cannot be read (here: its table is renamed under the
/// workbench). The frame must say so in the status bar; before, drawing read
/// the store itself and showed an empty list without a word.
#[test]
fn a_failed_read_before_drawing_is_said_in_the_status_bar() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoFindings);
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    app.draw(&mut term).unwrap();
    assert!(
        screen_text(&term).contains("NC-001"),
        "the list is drawn: {}",
        screen_text(&term)
    );
    app.store
        .connection()
        .execute_batch("ALTER TABLE findings RENAME TO findings_gone")
        .unwrap();
    app.draw(&mut term).unwrap();
    let status = app.model.status.clone().expect("a status message");
    assert!(status.error, "{status:?}");
    assert!(
        status.text.starts_with("Could not read what to show:"),
        "{status:?}"
    );
    assert!(screen_text(&term).contains("Could not read what to show"));
}

/// A user's key map rebinds a choice field's keys, Enter in a form and a
/// text-editing key; the form obeys, and its footer shows the new keys.
#[test]
fn a_users_key_map_drives_choice_fields_enter_and_text_editing() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.model.keymap = user_keymap(
        r#"
[[binding]]
mode = "form_choice"
keys = "+"
action = "next_choice"

[[binding]]
mode = "form"
keys = "ctrl-q"
action = "cancel"

[[binding]]
mode = "text"
keys = "ctrl-o"
action = "line_start"
"#,
    );
    app.dispatch(Action::GoStage2);
    app.handle_key(key(KeyCode::Char('f')));
    assert_eq!(app.mode(), Mode::FormChoice, "the grade field first");
    let grade = |app: &auditbench::tui::app::App| match app.popups.last() {
        Some(Popup::Form(f)) => f.values().get("grade"),
        _ => panic!("the form is open"),
    };
    assert_eq!(grade(&app), "minor");
    app.handle_key(key(KeyCode::Char('l')));
    assert_eq!(grade(&app), "minor", "l is no longer bound here");
    app.handle_key(key(KeyCode::Char('+')));
    assert_eq!(grade(&app), "stage1_concern", "+ is");

    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    app.draw(&mut term).unwrap();
    let shown = screen_text(&term);
    assert!(shown.contains("+ next value"), "{shown}");
    assert!(shown.contains("Ctrl-Q close"), "{shown}");

    // Enter goes to the title; Ctrl-O (rebound) goes to the line start.
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Form);
    type_text(&mut app, "leak");
    app.handle_key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL));
    type_text(&mut app, "Key ");
    let Some(Popup::Form(f)) = app.popups.last() else {
        panic!("the form is open")
    };
    assert_eq!(f.values().get("title"), "Key leak");
    // Ctrl-Q (rebound) closes the form; Esc no longer does.
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Form);
    app.handle_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_eq!(app.mode(), Mode::Stage2);
}

/// `?` lists Enter, the choice keys and the editors' own keys: nothing a key
/// does is missing from help.
#[test]
fn help_lists_enter_choice_and_editing_keys() {
    let km = Keymap::default();
    let rows = |m: Mode| -> Vec<String> {
        km.help(m)
            .into_iter()
            .map(|(_, k, d)| format!("{k} {d}"))
            .collect()
    };
    let choice = rows(Mode::FormChoice);
    assert!(
        choice
            .iter()
            .any(|r| r.starts_with("→, l, Space next value")),
        "{choice:?}"
    );
    assert!(
        choice
            .iter()
            .any(|r| r.starts_with("Enter next field; on the last field, save")),
        "{choice:?}"
    );
    let line = rows(Mode::EditorLine);
    assert!(line.iter().any(|r| r == "Enter save and close"), "{line:?}");
    assert!(
        line.iter().any(|r| r.starts_with("Ctrl-W, Alt-Backspace")),
        "{line:?}"
    );
    // in a one-line editor Enter saves: the text mode's Enter is shadowed
    assert!(!line.iter().any(|r| r.contains("a line break")), "{line:?}");
    let editor = rows(Mode::Editor);
    assert!(
        editor.iter().any(|r| r.starts_with("Enter a line break")),
        "{editor:?}"
    );
}
