//! `/` or Ctrl-P: fuzzy search over clause ids and titles, clause intents,
//! finding references and titles, and interviewees; Enter jumps there. The
//! search itself is `tui::search`; this popup holds the query line.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::centered;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, Component, Ctx};
use crate::tui::effect::{Effect, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::search::{Candidate, Search};
use crate::tui::theme::Theme;

pub struct FinderState {
    pub input: TextArea<'static>,
    pub search: Search,
    pub selected: usize,
}

impl FinderState {
    pub fn new(candidates: &[Candidate]) -> Self {
        let mut input = TextArea::default();
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.set_placeholder_text("type to search clauses, findings, interviewees");
        FinderState {
            input,
            search: Search::new(candidates),
            selected: 0,
        }
    }

    pub fn query(&self) -> String {
        self.input.lines().join(" ")
    }

    /// A key no binding took: typed into the query; the matches follow.
    pub fn input(&mut self, ev: KeyEvent, candidates: &[Candidate]) {
        if super::textfield::type_key(&mut self.input, ev) {
            self.selected = 0;
            self.search.set_query(&self.query(), candidates);
        }
    }

    /// Pasted text goes into the query.
    pub fn paste(&mut self, text: &str, candidates: &[Candidate]) {
        if self.input.insert_str(text) {
            self.selected = 0;
            self.search.set_query(&self.query(), candidates);
        }
    }

    /// The candidates changed (the findings arrived): search again.
    pub fn refresh(&mut self, candidates: &[Candidate]) {
        self.selected = 0;
        self.search.refresh(candidates);
    }

    pub fn busy(&self) -> bool {
        self.search.busy()
    }
}

impl Component for FinderState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        if action.is_text_edit() {
            if super::textfield::edit(&mut self.input, action, false) {
                let candidates = ctx.model.data.as_ref().map_or(&[][..], |d| &d.finder);
                self.selected = 0;
                self.search.set_query(&self.query(), candidates);
            }
            return none();
        }
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < self.search.matches.len() => {
                self.selected += 1;
            }
            Action::Cancel => return Ok(vec![Effect::Close(Which::Top)]),
            Action::Select => {
                let candidates = ctx.model.data.as_ref().map_or(&[][..], |d| &d.finder);
                let target = self
                    .search
                    .matches
                    .get(self.selected)
                    .and_then(|(_, i)| candidates.get(*i))
                    .map(|c| c.target.clone());
                let mut effects = vec![Effect::Close(Which::Top)];
                effects.extend(target.map(Effect::Jump));
                return Ok(effects);
            }
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(s: &FinderState, m: &Model, f: &mut Frame, area: Rect) {
    let t: &Theme = &m.theme;
    let rect = centered(
        area,
        area.width.saturating_sub(10).clamp(20, 100),
        area.height.saturating_sub(4).max(5),
    );
    f.render_widget(Clear, rect);
    let loading = m.data.as_ref().is_some_and(|d| d.finder_loading.is_some());
    let block = Block::bordered().title(" Find ").title_bottom(format!(
        " {}{} of {}{} ·{}",
        s.search.matches.len(),
        if s.search.busy() {
            " so far (searching)"
        } else {
            ""
        },
        s.search.total,
        if loading {
            " (findings still loading)"
        } else {
            ""
        },
        m.keymap.footer(Mode::Finder, rect.width.saturating_sub(40))
    ));
    let candidates: &[Candidate] = m.data.as_ref().map_or(&[], |d| &d.finder);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [q, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let [prompt, qa] = Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(q);
    f.render_widget(Paragraph::new(Span::styled("> ", t.key())), prompt);
    f.render_widget(&s.input, qa);
    let h = list.height as usize;
    let start = s.selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = s
        .search
        .matches
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .filter_map(|(row, (_, i))| {
            let c = candidates.get(*i)?;
            let style = if row == s.selected {
                t.selected()
            } else {
                ratatui::style::Style::default()
            };
            Some(Line::from(vec![
                Span::styled(format!("{:<10}", c.kind), t.dim()),
                Span::styled(crate::tui::text::inert(&c.text).into_owned(), style),
            ]))
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}
