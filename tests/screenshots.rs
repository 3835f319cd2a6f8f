//! The README's screenshots: SVGs of each main screen, rendered from the demo
//! audit at 120×36 with colours. A plain `cargo test` fails when one is stale;
//! `UPDATE_SCREENSHOTS=1 cargo test --test screenshots` rewrites them.

mod common;
#[path = "common/svg.rs"]
mod svg;

use auditbench::tui::action::Action;
use auditbench::tui::app::App;
use auditbench::tui::views;
use common::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;

fn shot(name: &str, app: &App) -> Option<String> {
    let mut t = Terminal::new(TestBackend::new(120, 36)).unwrap();
    t.draw(|f| views::render(app, f)).unwrap();
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

#[test]
fn screenshots_are_up_to_date() {
    let mut problems = Vec::new();
    let env = Env::new();
    let mut app = demo_app(&env);
    app.status = None;
    let mut take = |name: &str, app: &mut App| {
        app.status = None;
        if let Some(p) = shot(name, app) {
            problems.push(p);
        }
    };
    app.dispatch(Action::GoAudits);
    take("audits", &mut app);
    app.dispatch(Action::Select);
    app.finder_poll(true);
    take("overview", &mut app);
    app.dispatch(Action::GoStage1);
    take("stage1", &mut app);
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "8.5.1.3");
    app.handle_key(key(KeyCode::Enter));
    take("stage2", &mut app);
    app.dispatch(Action::GoFindings);
    take("findings", &mut app);
    app.handle_key(key(KeyCode::Char('j')));
    app.handle_key(key(KeyCode::Enter));
    take("finding-editor", &mut app);
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::OpenFinder);
    type_text(&mut app, "change");
    take("fuzzy-finder", &mut app);
    app.handle_key(key(KeyCode::Esc));
    app.dispatch(Action::GoStage2);
    app.dispatch(Action::Help);
    take("help", &mut app);
    assert!(
        problems.is_empty(),
        "{}; run UPDATE_SCREENSHOTS=1 cargo test --test screenshots and commit screenshots/",
        problems.join("; ")
    );
}
