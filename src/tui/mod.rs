//! The workbench: a ratatui terminal UI over the same store as the CLI.

pub mod action;
pub mod app;
pub mod keymap;
pub mod popups;
pub mod svg;
pub mod theme;
pub mod views;

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event};

use self::app::App;
use crate::store::Store;

/// How often the app ticks (drafts are written on ticks).
pub const TICK: Duration = Duration::from_millis(250);

/// Run the workbench on an audit file until the user quits. The terminal is
/// restored on return, on error and on panic (`ratatui::init` installs the hook).
pub fn run(store: Store) -> anyhow::Result<()> {
    let mut app = App::new(store)?;
    let mut terminal = ratatui::init();
    let result = (|| -> anyhow::Result<()> {
        let mut last_tick = Instant::now();
        while !app.quit {
            if app.dirty {
                terminal.draw(|f| views::render(&app, f))?;
                app.dirty = false;
            }
            // While a search is unfinished, keys are still read first, and
            // idle turns carry the search on.
            let timeout = if app.busy() {
                Duration::ZERO
            } else if app.finder_loading() {
                // the finder's findings are on their way: look often
                Duration::from_millis(20).min(TICK.saturating_sub(last_tick.elapsed()))
            } else {
                TICK.saturating_sub(last_tick.elapsed())
            };
            if event::poll(timeout)? {
                match event::read()? {
                    Event::Key(k) => app.handle_key(k),
                    Event::Resize(_, _) => app.dirty = true,
                    _ => {}
                }
            } else if app.busy() || app.finder_loading() {
                app.dispatch(action::Action::Work);
            }
            if last_tick.elapsed() >= TICK {
                app.dispatch(action::Action::Tick);
                last_tick = Instant::now();
            }
        }
        Ok(())
    })();
    // Whatever is being typed is written before leaving.
    let saved = app.persist_drafts();
    ratatui::restore();
    result?;
    saved?;
    Ok(())
}
