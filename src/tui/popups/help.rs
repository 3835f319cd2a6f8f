//! `?`: every key of the current screen, generated from the key map.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::centered;
use crate::tui::app::App;
use crate::tui::keymap::Mode;

pub struct HelpState {
    pub mode: Mode,
    pub scroll: u16,
}

impl HelpState {
    pub fn new(mode: Mode) -> Self {
        HelpState { mode, scroll: 0 }
    }
}

pub fn render(app: &App, h: &HelpState, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut lines = Vec::new();
    let mut current = None;
    for (mode, keys, desc) in app.keymap.help(h.mode) {
        if current != Some(mode) {
            if current.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(mode.title(), t.title()));
            current = Some(mode);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<22}"), t.key()),
            Span::raw(desc),
        ]));
    }
    let rect = centered(area, 76, (lines.len() as u16).saturating_add(2));
    f.render_widget(Clear, rect);
    let block = Block::bordered().title(" Keys — Esc to close ");
    f.render_widget(
        Paragraph::new(lines).block(block).scroll((h.scroll, 0)),
        rect,
    );
}
