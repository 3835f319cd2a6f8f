//! `H`: the audit trail of one finding — every change, who made it and when.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use super::centered;
use crate::domain::readable_change;
use crate::store;
use crate::store::HistoryEntry;
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::{Effect, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

pub struct HistoryState {
    pub title: String,
    pub entries: Vec<HistoryEntry>,
    pub scroll: usize,
}

impl Component for HistoryState {
    fn handle(&mut self, action: &Action, _ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        match action {
            Action::Back => return one(Effect::Close(Which::Top)),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => {
                self.scroll = (self.scroll + 1).min(self.entries.len().saturating_sub(1))
            }
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(h: &HistoryState, m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.theme;
    let rect = centered(
        area,
        area.width.saturating_sub(6),
        area.height.saturating_sub(4),
    );
    f.render_widget(Clear, rect);
    let block = Block::bordered().title(format!(
        " History of {} — {} to close ",
        crate::tui::text::inert(&h.title),
        m.keymap.key_of(Mode::History, &Action::Back)
    ));
    if h.entries.is_empty() {
        f.render_widget(
            Paragraph::new(Line::raw("No recorded changes.")).block(block),
            rect,
        );
        return;
    }
    let inner_w = rect.width.saturating_sub(2) as usize;
    // when (20) · who (16) · field (18) · change (the rest)
    let change_w = inner_w.saturating_sub(20 + 16 + 18 + 3).max(10);
    let rows = h.entries.iter().skip(h.scroll).map(|e| {
        Row::new(vec![
            Cell::from(e.at.replace('T', " ").trim_end_matches('Z').to_string()),
            Cell::from(crate::tui::text::inert(&e.actor).into_owned()),
            Cell::from(e.field.replace('_', " ")),
            Cell::from(readable_change(
                &e.field,
                e.old.as_deref(),
                e.new.as_deref(),
                change_w,
            )),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(20),
            Constraint::Length(16),
            Constraint::Length(18),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(vec!["when (UTC)", "who", "field", "change"]).style(t.title()))
    .block(block);
    f.render_widget(table, rect);
}
