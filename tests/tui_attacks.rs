//! Issue 9, the terminal attacks: a paste that ran as keys (item 2), escape
//! sequences in stored text (item 10), signals (item 11), and a draft whose
//! failed write was never retried (item 9). The real workbench runs in a
//! pseudo-terminal and its screen is read through a terminal emulator
//! (vt100): cells, window title, alternate screen, cursor.

#![cfg(unix)]

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::time::Duration;

use auditbench::tui::action::Action;
use auditbench::tui::popups::Popup;
use common::*;
use pty::Tui;
use ratatui::crossterm::event::KeyCode;

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("auditbench")
}

fn count_findings(env: &Env, audit: &str) -> usize {
    env.ok(&["finding", "list", "--audit", audit])
        .lines()
        .count()
}

/// Start the workbench on the demo audit's findings list.
fn on_findings(env: &Env) -> Tui {
    let mut tui = Tui::start(&bin(), &env.db);
    tui.wait_for(0, "auditbench");
    let m = tui.mark();
    tui.keys("\r");
    tui.wait_for(m, "Overview");
    let m = tui.mark();
    tui.keys("4");
    tui.wait_for(m, "Title");
    tui
}

fn paste(tui: &mut Tui, text: &str) {
    let mut b = b"\x1b[200~".to_vec();
    b.extend_from_slice(text.as_bytes());
    b.extend_from_slice(b"\x1b[201~");
    tui.write_raw(&b);
}

// ------------------------------------------------------------------ item 2

#[test]
fn a_paste_is_text_never_keys() {
    let env = Env::new();
    let audit = env.demo();
    let before = count_findings(&env, &audit);
    let mut tui = on_findings(&env);
    // Into the one-line title editor of the first finding: the trial's
    // "new title⏎Dy" saved the title, then deleted the finding.
    let m = tui.mark();
    tui.keys("\r");
    tui.wait_for(m, "Grade");
    tui.keys("jjjj");
    let m = tui.mark();
    tui.keys("\r");
    tui.wait_for(m, "save and close");
    let m = tui.mark();
    paste(&mut tui, "pasted title\nDy");
    tui.wait_for(m, "pasted title Dy");
    // Outside a text field a paste is ignored, and said so.
    let m = tui.mark();
    tui.keys("\x1b"); // save the title, back to the finding
    tui.wait_for(m, "Saved");
    paste(&mut tui, "x\nDy\n");
    tui.wait_screen("Paste ignored");
    std::thread::sleep(Duration::from_millis(300));
    tui.keys("\x1b");
    tui.keys("q");
    assert_eq!(tui.exit_code(), Some(0));
    assert_eq!(
        count_findings(&env, &audit),
        before,
        "a paste deleted a finding"
    );
    let list = env.ok(&["finding", "list", "--audit", &audit]);
    assert!(list.contains("pasted title Dy"), "{list}");
}

#[test]
fn pasted_text_goes_into_the_focused_field_as_text() {
    let env = Env::new();
    let mut app = demo_app(&env);
    // A multi-line field keeps the line breaks.
    app.dispatch(Action::GoFindings);
    app.dispatch(Action::Select);
    for _ in 0..6 {
        app.dispatch(Action::Down); // statement
    }
    app.handle_key(key(KeyCode::Enter));
    let Some(Popup::Editor(ed)) = app.popups.last() else {
        panic!("no editor")
    };
    assert!(ed.multiline);
    let before = ed.text();
    app.handle_paste("line one\r\nline two\nq");
    let Some(Popup::Editor(ed)) = app.popups.last() else {
        panic!("the paste closed the editor")
    };
    assert_eq!(ed.text(), format!("{before}line one\nline two\nq"));
    // A megabyte arrives whole, as text.
    let big = "abcdefghij".repeat(100_000);
    app.handle_paste(&big);
    let Some(Popup::Editor(ed)) = app.popups.last() else {
        panic!("the big paste closed the editor")
    };
    assert!(ed.text().ends_with(&big));
    assert!(!app.quit);
}

// ----------------------------------------------------------------- item 10

const HOSTILE: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mred\rCR\tTAB\u{202e}rtl\u{9b}c1";

#[test]
fn escape_sequences_in_stored_text_never_reach_the_terminal() {
    let env = Env::new();
    let audit = env.demo();
    env.ok(&[
        "finding", "add", "--audit", &audit, "--clause", "4.1", "--grade", "major", "--title",
        HOSTILE,
    ]);
    // The CLI prints it inert; the CSV keeps the bytes.
    let list = env.ok(&["finding", "list", "--audit", &audit]);
    assert!(!list.contains('\u{1b}') && !list.contains('\r'), "{list:?}");
    assert!(list.contains("␛]0;PWNED␇"), "{list}");
    let csv = env.ok(&["export", "--audit", &audit]);
    assert!(csv.contains(HOSTILE), "the CSV must keep the exact bytes");

    let mut tui = on_findings(&env);
    std::thread::sleep(Duration::from_millis(300));
    // open the hostile finding (it is a major NC: first in report order)
    let m = tui.mark();
    tui.keys("\r");
    tui.wait_for(m, "Grade");
    std::thread::sleep(Duration::from_millis(300));
    let out = tui.output();
    let screen = tui.screen();
    tui.keys("\x1bq");
    let _ = tui.exit_code();
    assert_ne!(screen.screen().title(), "PWNED", "the window was renamed");
    let raw = String::from_utf8_lossy(&out);
    assert!(
        !raw.contains("\u{1b}]0;PWNED"),
        "an OSC sequence reached the terminal"
    );
    assert!(
        !raw.contains("\u{1b}[31mred"),
        "an SGR sequence from data reached the terminal"
    );
    assert!(!raw.contains("\u{9b}"), "a C1 control reached the terminal");
    let shown = screen.screen().contents();
    assert!(shown.contains("␛]0;PWNED␇␛[2J"), "{shown}");
    assert!(shown.contains("red␍CR"), "{shown}");
    // The borders are whole: no CR or TAB moved the cursor over them.
    for row in shown.lines().filter(|l| l.contains("PWNED")) {
        assert!(!row.contains("\u{202e}"), "{row}");
    }
}

/// Every screen and popup, drawn through the workbench's own backend, with
/// hostile text in every field: no cell holds a control character.
#[test]
fn no_cell_on_any_screen_holds_a_control_character() {
    use auditbench::store::FindingField;
    use auditbench::tui::text::{is_unsafe, InertBackend};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    let env = Env::new();
    let mut app = demo_app(&env);
    let audit = app.model.data.as_ref().unwrap().audit.id.clone();
    let f = app
        .store
        .add_finding(
            &audit,
            &auditbench::domain::NewFinding {
                clause_id: "4.1".into(),
                stage: auditbench::domain::Stage::TWO,
                grade: auditbench::domain::Grade::Major,
                title: HOSTILE.into(),
                requirement: HOSTILE.into(),
                statement: HOSTILE.into(),
                evidence: HOSTILE.into(),
                raised_by: HOSTILE.into(),
                due_date: String::new(),
            },
        )
        .unwrap();
    app.store
        .set_finding_field(&f.id, FindingField::RootCause, HOSTILE)
        .unwrap();
    app.reload(auditbench::tui::effect::Slice::Findings)
        .unwrap();
    let mut term = Terminal::new(InertBackend(TestBackend::new(120, 36))).unwrap();
    let mut saw_placeholder = false;
    for a in [
        Action::GoOverview,
        Action::GoStage2,
        Action::GoFindings,
        Action::Select,
        Action::ShowHistory,
        Action::Back,
        Action::Down,
        Action::Down,
        Action::Down,
        Action::Down,
        Action::Select,
    ] {
        app.dispatch(a.clone());
        app.draw(&mut term).unwrap();
        let buf = term.backend().0.buffer();
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(is_unsafe),
                "{a:?}: a cell holds {:?}",
                cell.symbol()
            );
            saw_placeholder |= cell.symbol() == "␛";
        }
    }
    assert!(saw_placeholder, "controls are shown, not hidden");
}

// ----------------------------------------------------------------- item 11

#[test]
fn sigterm_and_sighup_restore_the_terminal_keep_the_typing_and_exit_128_plus_n() {
    for (sig, code) in [("TERM", 143), ("HUP", 129)] {
        let env = Env::new();
        env.demo();
        let mut tui = on_findings(&env);
        // A new finding's form on the stage 2 clause walk, typed into, then
        // the signal at once (before any draft timer could fire).
        let m = tui.mark();
        tui.keys("3");
        tui.wait_for(m, "Clause");
        let m = tui.mark();
        tui.keys("f");
        tui.wait_for(m, "Title");
        tui.keys("\t"); // from the grade to the title
        tui.write_raw(format!("typed before {sig}").as_bytes());
        tui.signal(sig);
        assert_eq!(tui.exit_code(), Some(code), "SIG{sig}: exit status");
        let s = Store::open_existing(&env.db).unwrap();
        let drafts: Vec<String> = s.drafts().unwrap().into_iter().map(|d| d.text).collect();
        assert!(
            drafts
                .iter()
                .any(|t| t.contains(&format!("typed before {sig}"))),
            "SIG{sig} lost the typing: {drafts:?}"
        );
    }
}

#[test]
fn after_a_signal_the_terminal_is_back_to_normal() {
    let env = Env::new();
    env.demo();
    let tui = on_findings(&env);
    tui.signal("TERM");
    std::thread::sleep(Duration::from_millis(500));
    let screen = tui.screen();
    assert_eq!(tui.exit_code(), Some(143));
    assert!(
        !screen.screen().alternate_screen(),
        "left in the alternate screen"
    );
    assert!(
        !screen.screen().hide_cursor(),
        "left with the cursor hidden"
    );
}

/// Closing the terminal window: the workbench writes what was typed and
/// ends (SIGHUP, 128+1), instead of spinning on a dead terminal with the
/// file locked. The terminal is Python's `pty`, whose master can really be
/// closed (the harness above keeps a duplicate open for its reader).
#[test]
fn closing_the_terminal_ends_the_workbench_with_the_typing_kept() {
    let env = Env::new();
    let audit = env.demo();
    let script = r#"
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm'
    os.execv(sys.argv[1], [sys.argv[1], '--db', sys.argv[2]])
def keys(b, pause=0.4):
    os.write(fd, b); time.sleep(pause)
def drain():
    try:
        while True:
            import select
            if not select.select([fd], [], [], 0.05)[0]: break
            os.read(fd, 65536)
    except OSError: pass
time.sleep(1.0); drain()
for k in [b'\r', b'3', b'f', b'\t']: keys(k); drain()
keys(b'typed before the window closed', 0.1)
os.close(fd)
for _ in range(200):
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        print(os.waitstatus_to_exitcode(st)); sys.exit(0)
    time.sleep(0.05)
os.kill(pid, 9); print('still running')
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(bin())
        .arg(&env.db)
        .env_remove("AUDITBENCH_DB")
        .output()
        .expect("python3 runs the terminal");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        said,
        "129",
        "SIGHUP must end it with 128+1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The file is free again: a writing command gets in.
    env.ok(&[
        "finding", "add", "--audit", &audit, "--clause", "8.1", "--grade", "minor", "--title",
        "after",
    ]);
    let s = Store::open_existing(&env.db).unwrap();
    let drafts: Vec<String> = s.drafts().unwrap().into_iter().map(|d| d.text).collect();
    assert!(
        drafts
            .iter()
            .any(|t| t.contains("typed before the window closed")),
        "{drafts:?}"
    );
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_resuming_redraws_in_raw_mode() {
    let env = Env::new();
    env.demo();
    let mut tui = on_findings(&env);
    for how in ["ctrl-z", "SIGTSTP"] {
        let m = tui.mark();
        match how {
            "ctrl-z" => tui.keys("\u{1a}"),
            _ => tui.signal("TSTP"),
        }
        // The terminal is handed back (alternate screen left, cursor
        // shown)… (no job control here: the kernel does not stop an
        // orphaned process group, so it resumes at once)
        tui.wait_for_raw(m, b"\x1b[?1049l");
        tui.signal("CONT");
        // …then taken again with a full redraw.
        tui.wait_for(m, "Title");
        let s = tui.screen();
        assert!(
            s.screen().alternate_screen(),
            "{how}: not back in the alternate screen"
        );
        // Raw mode: a single key acts at once, without Enter.
        let m = tui.mark();
        tui.keys("?");
        tui.wait_for(m, "Keys");
        tui.keys("\x1b");
    }
    tui.keys("q");
    assert_eq!(tui.exit_code(), Some(0));
}

use auditbench::store::Store;

// ------------------------------------------------------------------ item 9

#[test]
fn a_draft_whose_write_failed_is_written_at_the_next_tick() {
    let env = Env::new();
    let mut app = demo_app(&env);
    app.dispatch(Action::GoStage2);
    app.dispatch(Action::EditClauseNotes);
    assert!(matches!(app.popups.last(), Some(Popup::Editor(_))));
    type_text(&mut app, "kept through a full disk");
    // The disk is full: every draft write fails.
    app.store
        .connection()
        .execute_batch(
            "CREATE TEMP TRIGGER full BEFORE INSERT ON drafts BEGIN SELECT RAISE(FAIL, 'disk full'); END;
             CREATE TEMP TRIGGER full2 BEFORE UPDATE ON drafts BEGIN SELECT RAISE(FAIL, 'disk full'); END;",
        )
        .unwrap();
    for _ in 0..4 {
        app.dispatch(Action::Tick);
    }
    assert!(app.store.drafts().unwrap().is_empty());
    // Space again: the next ticks write it.
    app.store
        .connection()
        .execute_batch("DROP TRIGGER temp.full; DROP TRIGGER temp.full2;")
        .unwrap();
    for _ in 0..4 {
        app.dispatch(Action::Tick);
    }
    let drafts: Vec<String> = app
        .store
        .drafts()
        .unwrap()
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert!(
        drafts
            .iter()
            .any(|t| t.contains("kept through a full disk")),
        "the draft was marked saved though its write failed: {drafts:?}"
    );
}

// ------------------------------------------- the user's key map (issue 10)

/// The workbench reads `keymap.toml` from the configuration folder: a
/// rebinding works, and a broken file is said in the status bar while the
/// default keys keep working.
#[test]
fn the_workbench_takes_the_users_key_map_and_survives_a_broken_one() {
    let env = Env::new();
    env.demo();
    let config = env.path("config");
    let dir = config.join("auditbench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("keymap.toml"),
        "[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = \"quit\"\n",
    )
    .unwrap();
    let mut tui = Tui::start_env(&bin(), &env.db, &[("XDG_CONFIG_HOME", &config)]);
    tui.wait_screen("Q quit");
    tui.keys("q");
    std::thread::sleep(Duration::from_millis(300));
    tui.keys("Q");
    assert_eq!(tui.exit_code(), Some(0), "Q quits");

    std::fs::write(
        dir.join("keymap.toml"),
        "[[binding]]\nmode = \"global\"\nkeys = \"Q\"\naction = \"leave\"\n",
    )
    .unwrap();
    let mut tui = Tui::start_env(&bin(), &env.db, &[("XDG_CONFIG_HOME", &config)]);
    tui.wait_screen("keymap.toml:4: unknown action");
    tui.keys("q");
    assert_eq!(tui.exit_code(), Some(0), "the default q still quits");
}

// -------------------------------------------------------------- items 8, 14

/// The workbench says when its opening's page check (or backup) fails: a
/// file cleanly closed, then rotten in a page the open does not read.
#[test]
fn the_workbench_says_when_the_background_check_fails() {
    let env = Env::new();
    let audit = env.demo();
    env.ok(&[
        "finding",
        "add",
        "--audit",
        &audit,
        "--clause",
        "8.1",
        "--grade",
        "minor",
        "--title",
        "a change since the last backup",
    ]);
    rot_unread_page(&env.db);

    let mut app = auditbench::tui::app::App::new(Store::open_existing(&env.db).unwrap()).unwrap();
    // The check runs on a thread; ticks look for its verdict.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !app.model.status.as_ref().is_some_and(|s| s.error) {
        assert!(
            std::time::Instant::now() < deadline,
            "never said: {:?}",
            app.model.status
        );
        std::thread::sleep(Duration::from_millis(20));
        app.dispatch(Action::Tick);
    }
    let said = app.model.status.clone().unwrap().text;
    assert!(
        said.contains("damaged") && said.contains("no backup was taken"),
        "{said}"
    );
}
