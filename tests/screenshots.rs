//! The README's screenshots: SVGs of each main screen, rendered from the demo
//! audit at 120×36 with colours. A plain `cargo test` fails when one is stale;
//! `UPDATE_SCREENSHOTS=1 cargo test --test screenshots` rewrites them.

mod common;
#[path = "common/svg.rs"]
mod svg;

use auditbench::tui::app::App;
use common::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn shot(name: &str, app: &mut App) -> Option<String> {
    let mut t = Terminal::new(TestBackend::new(120, 36)).unwrap();
    app.draw(&mut t).unwrap();
    let svg = svg::to_svg(t.backend().buffer());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("screenshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(&path, &svg).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(old) if old == svg => None,
        Ok(_) => Some(format!("{} is stale", path.display())),
        Err(_) => Some(format!("{} is missing", path.display())),
    }
}

/// The README's screens, drawn from the same scenes as the snapshots.
const SHOTS: &[&str] = &[
    "audits",
    "overview",
    "stage1",
    "stage2",
    "findings",
    "finding-editor",
    "fuzzy-finder",
    "report",
    "plan",
    "programme",
    "rehearsal",
    "gaps",
    "conflicts",
    "findings-dnv",
    "findings-fr",
    "follow-up",
    "help",
];

#[test]
fn screenshots_are_up_to_date() {
    let mut problems = Vec::new();
    for name in SHOTS {
        let env = Env::new();
        let mut app = scene(&env, name);
        if let Some(p) = shot(name, &mut app) {
            problems.push(p);
        }
    }
    assert!(
        problems.is_empty(),
        "{}; run UPDATE_SCREENSHOTS=1 cargo test --test screenshots and commit screenshots/",
        problems.join("; ")
    );
}
