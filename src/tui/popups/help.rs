//! `?`: every key of the current screen, generated from the key map.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::centered;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::{Effect, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

pub struct HelpState {
    pub mode: Mode,
    pub scroll: u16,
}

impl HelpState {
    pub fn new(mode: Mode) -> Self {
        HelpState { mode, scroll: 0 }
    }
}

impl Component for HelpState {
    fn handle(&mut self, action: &Action, _ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        match action {
            Action::Back => return one(Effect::Close(Which::Top)),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(h: &HelpState, m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.theme;
    let mut lines = Vec::new();
    let mut current = None;
    for (mode, keys, desc) in m.keymap.help(h.mode) {
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
    let block = Block::bordered().title(format!(
        " Keys — {} to close ",
        m.keymap.key_of(Mode::Help, &Action::Back)
    ));
    f.render_widget(
        Paragraph::new(lines).block(block).scroll((h.scroll, 0)),
        rect,
    );
}
