//! Several values ticked in a list: the samples a finding cites, the
//! clauses an interview covered. Space ticks or unticks the selected item,
//! typing narrows the list (by any part of an item), Enter saves the ticked
//! items, Esc leaves everything as it was.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::centered;
use crate::store::{self, EditTarget, InterviewField};
use crate::tui::action::Action;
use crate::tui::component::{none, Component, Ctx};
use crate::tui::effect::{Effect, Slice, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

/// What the ticked items are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFor {
    /// The samples a finding cites (codes: sample ids).
    FindingSamples {
        finding_id: String,
        reference: String,
    },
    /// The clauses an interview covered (codes: clause ids).
    InterviewClauses { interview_id: String },
}

pub struct ChecklistState {
    pub title: String,
    /// (code, label) of every item, in order.
    pub items: Vec<(String, String)>,
    pub ticked: Vec<bool>,
    /// The typed filter: only items whose label holds it are listed.
    pub filter: String,
    /// Position in the filtered list.
    pub selected: usize,
    pub target: CheckFor,
}

impl ChecklistState {
    pub fn new(
        title: String,
        items: Vec<(String, String)>,
        ticked: &[String],
        target: CheckFor,
    ) -> Self {
        let ticked = items.iter().map(|(c, _)| ticked.contains(c)).collect();
        ChecklistState {
            title,
            items,
            ticked,
            filter: String::new(),
            selected: 0,
            target,
        }
    }

    /// Indices of the items the filter lets through.
    pub fn shown(&self) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        (0..self.items.len())
            .filter(|&i| f.is_empty() || self.items[i].1.to_lowercase().contains(&f))
            .collect()
    }

    /// The codes ticked, in list order.
    pub fn chosen(&self) -> Vec<String> {
        self.items
            .iter()
            .zip(&self.ticked)
            .filter(|(_, t)| **t)
            .map(|((c, _), _)| c.clone())
            .collect()
    }

    /// A key no binding took: a character narrows the list.
    pub fn key(&mut self, ev: KeyEvent) {
        if ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return;
        }
        if let KeyCode::Char(c) = ev.code {
            self.filter.push(c);
            self.selected = 0;
        }
    }

    fn save(&self, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let chosen = self.chosen();
        let mut effects = vec![Effect::Close(Which::Top)];
        match &self.target {
            CheckFor::FindingSamples {
                finding_id,
                reference,
            } => {
                ctx.store.set_finding_samples(finding_id, &chosen)?;
                let f = ctx.store.finding(finding_id)?;
                effects.extend([
                    Effect::Refreshed(Box::new(f)),
                    Effect::Reload(Slice::Citations),
                    Effect::Info(match chosen.len() {
                        0 => format!("{reference} cites no sample"),
                        1 => format!("{reference} cites 1 sample"),
                        n => format!("{reference} cites {n} samples"),
                    }),
                ]);
            }
            CheckFor::InterviewClauses { interview_id } => {
                let target = EditTarget::Interview {
                    id: interview_id.clone(),
                    field: InterviewField::Clauses,
                };
                ctx.store.apply_edit(&target, &chosen.join(", "))?;
                effects.extend([
                    Effect::Reload(Slice::Interviews),
                    Effect::Info(if chosen.is_empty() {
                        "Clauses covered: none".to_string()
                    } else {
                        format!("Clauses covered: {}", chosen.join(", "))
                    }),
                ]);
            }
        }
        Ok(effects)
    }
}

impl Component for ChecklistState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let shown = self.shown();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(shown.len().saturating_sub(1)),
            Action::ToggleItem => {
                if let Some(&i) = shown.get(self.selected) {
                    self.ticked[i] = !self.ticked[i];
                }
            }
            Action::DeleteBack => {
                self.filter.pop();
                self.selected = 0;
            }
            Action::Save => return self.save(ctx),
            Action::Cancel => {
                return Ok(vec![
                    Effect::Close(Which::Top),
                    Effect::Info("Nothing changed".into()),
                ])
            }
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        let t = &m.theme;
        let shown = self.shown();
        let rect = centered(
            area,
            area.width.saturating_sub(8).clamp(30, 90),
            (self.items.len() as u16 + 3).clamp(6, area.height.saturating_sub(2)),
        );
        f.render_widget(Clear, rect);
        let n = self.ticked.iter().filter(|t| **t).count();
        let block = Block::bordered()
            .title(format!(
                " {} · {n} ticked ",
                crate::tui::text::inert(&self.title)
            ))
            .title_bottom(
                m.keymap
                    .footer(Mode::Checklist, rect.width.saturating_sub(4)),
            );
        let inner = block.inner(rect);
        f.render_widget(block, rect);
        let mut lines = vec![Line::from(vec![
            Span::styled("filter: ", t.dim()),
            Span::raw(crate::tui::text::inert(&self.filter).into_owned()),
            Span::styled(
                if self.filter.is_empty() {
                    " (type to narrow)"
                } else {
                    ""
                },
                t.dim(),
            ),
        ])];
        let h = inner.height.saturating_sub(1) as usize;
        let start = self.selected.saturating_sub(h.saturating_sub(1));
        if shown.is_empty() {
            lines.push(Line::styled("  nothing matches", t.dim()));
        }
        for (row, &i) in shown.iter().enumerate().skip(start).take(h) {
            let mark = if self.ticked[i] { "[x] " } else { "[ ] " };
            let line = Line::from(vec![
                Span::styled(mark, t.key()),
                Span::raw(crate::tui::text::inert(&self.items[i].1).into_owned()),
            ]);
            lines.push(if row == self.selected {
                line.style(t.selected())
            } else {
                line
            });
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
