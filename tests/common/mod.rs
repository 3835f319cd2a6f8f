#![allow(dead_code)]
//! Shared helpers: a temp directory with an audit file path, and the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("audits.sqlite");
        Env { dir, db }
    }

    /// The real auditbench binary, pointed at this environment's file.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("auditbench").expect("binary built");
        c.env_remove("AUDITBENCH_DB").arg("--db").arg(&self.db);
        c
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run a command that must succeed; its stdout, trimmed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }

    /// A demo audit; returns its id.
    pub fn demo(&self) -> String {
        self.ok(&["demo"])
    }
}

/// SHA-free fingerprint good enough to prove a file is byte-for-byte unchanged.
/// A failing command: exit 2, one line on stderr containing `want`, nothing on stdout.
pub fn fails(env: &Env, args: &[&str], want: &str) -> String {
    let out = env.cmd().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(want),
        "{args:?}: {err:?} should contain {want:?}"
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {err:?}"
    );
    assert!(out.stdout.is_empty());
    err
}

pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

use std::sync::Arc;

use auditbench::store::Store;
use auditbench::tui::app::App;
use auditbench::tui::theme::Theme;
use chrono::TimeZone;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The tests' clock: always 2026-11-23 09:30 UTC.
pub fn fixed_clock() -> auditbench::store::Clock {
    Arc::new(|| {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 30, 0)
            .unwrap()
    })
}

/// Overwrite page `page_no` (4 KiB pages) with garbage, keeping the file's
/// size and modification time: damage no cheap check notices.
pub fn damage_page(db: &Path, page_no: u64) {
    use std::io::{Seek, SeekFrom, Write};
    let mtime = std::fs::metadata(db).unwrap().modified().unwrap();
    let mut f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    f.seek(SeekFrom::Start((page_no - 1) * 4096)).unwrap();
    f.write_all(&[0xff; 4096]).unwrap();
    f.set_modified(mtime).unwrap();
}

/// Rot a page that neither an open nor `finding add` reads: the root page
/// of the samples table, with size and time kept.
pub fn rot_unread_page(db: &Path) {
    let root: i64 =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap()
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'samples'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    damage_page(db, root as u64);
}

/// A store on the env's file with the fixed clock.
pub fn fixed_store(env: &Env) -> Store {
    Store::open_with_clock(&env.db, fixed_clock()).expect("open store")
}

/// A workbench on a fresh file, colours on, exports into the temp dir.
pub fn app(env: &Env) -> App {
    let mut app = App::new(fixed_store(env)).expect("app");
    app.model.theme = Theme { color: true };
    app.model.export_dir = env.dir.path().to_path_buf();
    // times are shown at a fixed offset, whatever the machine's zone
    app.model.utc_offset = chrono::FixedOffset::east_opt(3600).expect("offset");
    app
}

/// A workbench with the demo audit open on its overview.
pub fn demo_app(env: &Env) -> App {
    let mut app = app(env);
    app.dispatch(auditbench::tui::action::Action::CreateDemo);
    app.dispatch(auditbench::tui::action::Action::Select);
    // The finder's findings are read in the background; tests want them now.
    app.finder_poll(true);
    app
}

/// Draw the workbench on a `w` × `h` test terminal; every cell's symbol,
/// row after row, in one string.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    app.draw(&mut term).expect("draw");
    term.backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Type text, one key event per character (`\n` is Enter, `\t` is Tab).
pub fn type_text(app: &mut App, text: &str) {
    for ch in text.chars() {
        let ev = match ch {
            '\n' => key(KeyCode::Enter),
            '\t' => key(KeyCode::Tab),
            c => key(KeyCode::Char(c)),
        };
        app.handle_key(ev);
    }
}

/// The workbench set up on a named screen: the one script that the
/// rendering snapshots (`tui_render.rs`) and the README's screenshots
/// (`screenshots.rs`) both draw.
pub fn scene(env: &Env, name: &str) -> App {
    if name == "audits-empty" {
        return app(env);
    }
    if name == "findings-dnv" || name == "findings-fr" {
        // the demo graded on the DNV-style or the French scale
        let scale = auditbench::domain::Scale::builtin(if name == "findings-dnv" {
            "dnv"
        } else {
            "afnor"
        })
        .expect("a built-in scale");
        let mut app = app(env);
        auditbench::demo::create_demo_graded(&mut app.store, &scale).expect("the demo");
        app.model.load_audits(&app.store).expect("the audits");
        app.dispatch(auditbench::tui::action::Action::Select);
        app.dispatch(auditbench::tui::action::Action::GoFindings);
        app.model.status = None;
        return app;
    }
    let mut app = demo_app(env);
    match name {
        "audits" => app.dispatch(auditbench::tui::action::Action::GoAudits),
        "overview" => {}
        "stage1" => app.dispatch(auditbench::tui::action::Action::GoStage1),
        "stage2" => {
            app.dispatch(auditbench::tui::action::Action::OpenFinder);
            type_text(&mut app, "8.5.1.3");
            app.handle_key(key(KeyCode::Enter));
        }
        "findings" => app.dispatch(auditbench::tui::action::Action::GoFindings),
        "finding-editor" => {
            app.dispatch(auditbench::tui::action::Action::GoFindings);
            app.handle_key(key(KeyCode::Char('j')));
            app.handle_key(key(KeyCode::Enter));
        }
        "text-editor" => {
            app.dispatch(auditbench::tui::action::Action::GoInterviews);
            app.handle_key(key(KeyCode::Enter));
        }
        "new-finding-form" => {
            app.dispatch(auditbench::tui::action::Action::GoStage2);
            app.handle_key(key(KeyCode::Char('f')));
        }
        "interviews" => app.dispatch(auditbench::tui::action::Action::GoInterviews),
        "samples" => app.dispatch(auditbench::tui::action::Action::GoSamples),
        "report" => {
            app.dispatch(auditbench::tui::action::Action::GoReport);
            // on the closing meeting, not recorded yet
            for _ in 0..15 {
                app.handle_key(key(KeyCode::Down));
            }
        }
        "picker" => {
            app.dispatch(auditbench::tui::action::Action::GoFindings);
            app.handle_key(key(KeyCode::Enter));
            app.handle_key(key(KeyCode::Char('r')));
        }
        "fuzzy-finder" => {
            app.dispatch(auditbench::tui::action::Action::OpenFinder);
            type_text(&mut app, "change");
            // the findings' texts are searched on a thread: take its hits
            app.finder_poll(true);
        }
        "help" => {
            app.dispatch(auditbench::tui::action::Action::GoStage2);
            app.dispatch(auditbench::tui::action::Action::Help);
        }
        "follow-up" => {
            // the demo's first surveillance (`D` makes the cycle), its
            // carried findings in the picker of `v`
            app.dispatch(auditbench::tui::action::Action::GoAudits);
            app.handle_key(key(KeyCode::Char('g')));
            app.dispatch(auditbench::tui::action::Action::Select);
            app.handle_key(key(KeyCode::Char('v')));
        }
        "plan" => {
            // the demo stage 2's plan, on its second slot
            app.dispatch(auditbench::tui::action::Action::GoPlan);
            app.handle_key(key(KeyCode::Down));
        }
        "programme" => {
            // the clauses at the end, planned on both visits
            app.dispatch(auditbench::tui::action::Action::GoProgramme);
            app.handle_key(key(KeyCode::Char('G')));
        }
        "rehearsal" | "gaps" => {
            // the demo's second rehearsal (third in the list): its
            // overview with the trend, or its gap plan
            app.dispatch(auditbench::tui::action::Action::GoAudits);
            app.handle_key(key(KeyCode::Char('g')));
            app.handle_key(key(KeyCode::Down));
            app.handle_key(key(KeyCode::Down));
            app.dispatch(auditbench::tui::action::Action::Select);
            if name == "gaps" {
                app.dispatch(auditbench::tui::action::Action::GoGaps);
            }
        }
        "conflicts" => {
            // the demo shared with Sam Ortiz, who wrote NC-002's root
            // cause, OBS-001's statement and OBS-002's evidence otherwise
            // than the lead; Sam's team file merged
            team_conflicts(env, &mut app);
            app.dispatch(auditbench::tui::action::Action::GoTeam);
        }
        other => panic!("no screen {other}"),
    }
    app.model.status = None;
    app
}

/// The demo audit shared with a teammate who wrote three things otherwise;
/// the teammate's team file merged into the workbench's audit.
pub fn team_conflicts(env: &Env, app: &mut App) {
    use auditbench::store::{FindingField, OpenOptions};
    let audit = app.model.data.as_ref().expect("an audit").audit.id.clone();
    let day0 = env.path("day0.team");
    app.store.team_share(&audit, &day0).expect("share");
    let opts = OpenOptions {
        create: true,
        actor: "Sam Ortiz".into(),
        keep_backups: 0,
        clock: fixed_clock(),
        ..OpenOptions::default()
    };
    let mut sam = Store::open_with(&env.path("sam.sqlite"), &opts).expect("Sam's file");
    sam.team_join(&day0).expect("join");
    let nc2 = sam.finding_by_ref(&audit, "NC-002").unwrap().id;
    let obs1 = sam.finding_by_ref(&audit, "OBS-001").unwrap().id;
    let obs2 = sam.finding_by_ref(&audit, "OBS-002").unwrap().id;
    sam.set_finding_field(
        &nc2,
        FindingField::RootCause,
        "The CAB does not meet for emergency changes; no deputy approver is named.",
    )
    .unwrap();
    sam.set_finding_field(
        &obs1,
        FindingField::Statement,
        "Two versions of the incident procedure are in use: v3.1 on the wiki, v2.4 on the shared drive.",
    )
    .unwrap();
    sam.set_finding_field(
        &obs2,
        FindingField::Evidence,
        "PRB-0311 and PRB-0317 only; the problem manager was on leave.",
    )
    .unwrap();
    let back = env.path("sam.team");
    sam.team_share(&audit, &back).expect("Sam shares");
    app.store
        .set_finding_field(
            &nc2,
            FindingField::RootCause,
            "Emergency approvals are made by phone and never recorded.",
        )
        .unwrap();
    app.store
        .set_finding_field(
            &obs1,
            FindingField::Statement,
            "The obsolete incident procedure (v2.4) is still on the shared drive, unmarked.",
        )
        .unwrap();
    app.store
        .set_finding_field(
            &obs2,
            FindingField::Evidence,
            "PRB-0311, PRB-0317 and PRB-0320; trend report for Q3 requested.",
        )
        .unwrap();
    app.store.team_merge(&back).expect("merge");
    app.open_audit(&audit).expect("reopen");
}

/// Every scene, in the order the snapshots list them.
pub const SCREENS: &[&str] = &[
    "audits-empty",
    "audits",
    "overview",
    "stage1",
    "stage2",
    "findings",
    "finding-editor",
    "text-editor",
    "new-finding-form",
    "interviews",
    "samples",
    "report",
    "plan",
    "programme",
    "rehearsal",
    "gaps",
    "conflicts",
    "findings-dnv",
    "findings-fr",
    "picker",
    "fuzzy-finder",
    "help",
];
