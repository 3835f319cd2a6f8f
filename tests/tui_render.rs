//! Rendering through ratatui's TestBackend: snapshots of every screen at 80×24
//! and 120×36, colour where it carries meaning, NO_COLOR, tiny terminals.

mod common;

use auditbench::tui::app::App;
use auditbench::tui::theme::Theme;
use common::*;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;

fn draw(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.draw(&mut t).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn snapshots_80x24() {
    for name in SCREENS {
        let env = Env::new();
        let mut app = scene(&env, name);
        insta::assert_snapshot!(format!("{name}-80x24"), text(&draw(&mut app, 80, 24)));
    }
}

#[test]
fn snapshots_120x36() {
    for name in SCREENS {
        let env = Env::new();
        let mut app = scene(&env, name);
        insta::assert_snapshot!(format!("{name}-120x36"), text(&draw(&mut app, 120, 36)));
    }
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let n: Vec<char> = needle.chars().collect();
        if let Some(x) = chars.windows(n.len()).position(|w| w == n.as_slice()) {
            return Some((x as u16, y as u16));
        }
    }
    None
}

#[test]
fn grades_have_a_colour_and_a_label() {
    let env = Env::new();
    let mut app = scene(&env, "findings");
    let buf = draw(&mut app, 120, 36);
    for (label, colour) in [
        ("MAJOR", Color::Red),
        ("MINOR", Color::Yellow),
        ("OBS", Color::Cyan),
        ("OFI", Color::Blue),
        ("GOOD", Color::Green),
    ] {
        let (x, y) = find(&buf, &format!(" {label} ")).unwrap_or_else(|| panic!("{label} shown"));
        assert_eq!(buf[(x + 1, y)].fg, colour, "{label}");
    }
}

#[test]
fn no_color_removes_every_colour_but_keeps_the_labels() {
    let env = Env::new();
    let mut app = scene(&env, "findings");
    app.model.theme = Theme { color: false };
    let buf = draw(&mut app, 120, 36);
    for y in 0..36 {
        for x in 0..120 {
            assert_eq!(buf[(x, y)].fg, Color::Reset, "colour at {x},{y}");
        }
    }
    assert!(find(&buf, "MAJOR").is_some());
}

#[test]
fn below_80x24_the_app_asks_for_room() {
    let env = Env::new();
    let mut app = scene(&env, "overview");
    let t = text(&draw(&mut app, 79, 24));
    assert!(t.contains("needs at least 80×24"), "{t}");
    assert!(text(&draw(&mut app, 80, 23)).contains("this terminal is 80×23"));
}

#[test]
fn open_ncs_stand_out_in_the_clause_tree() {
    let env = Env::new();
    let mut app = scene(&env, "stage2");
    let buf = draw(&mut app, 120, 36);
    // the tree is the left part of the screen
    let (x, y) = (0..36u16)
        .find_map(|y| {
            let row: String = (0..50u16)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            row.find("8.5.1.3")
                .map(|i| (row[..i].chars().count() as u16, y))
        })
        .expect("tree row");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert!(text(&buf).contains("(1, 1 NC!)"), "marked in text too");
}
