//! The client's three-year programme: the assessable clauses × the visits
//! of the cycle (✓ audited, … started, p planned, · not), the every-visit
//! clauses marked, this audit's column picked out, and what the cycle still
//! lacks. The every-visit clauses are changed in a form.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, moved, scroll};
use crate::domain::{ClauseStatus, Visited};
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::form::FormState;

#[derive(Default)]
pub struct ProgrammeView {
    /// Index into the programme's rows (clauses).
    pub selected: usize,
    pub offset: std::cell::Cell<usize>,
    /// How far the warnings pane is scrolled (J / K).
    pub warnings_scroll: u16,
}

impl Component for ProgrammeView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(d) = &ctx.model.data else {
            return none();
        };
        if super::scroll_by(action, &mut self.warnings_scroll) {
            return none();
        }
        match action {
            Action::EditEveryVisit => {
                let client = ctx.store.client(&d.audit.client_id)?;
                one(Effect::OpenForm(Box::new(FormState::every_visit(&client))))
            }
            a => {
                // the rows drawn last, or (before any draw) read now
                let len = match ctx.model.frame.programme.as_ref() {
                    Some((_, p)) => p.as_ref().map_or(0, |p| p.rows.len()),
                    None => {
                        let client = ctx.store.client(&d.audit.client_id)?;
                        ctx.store
                            .client_programme(&client)?
                            .map_or(0, |p| p.rows.len())
                    }
                };
                self.selected = moved(a, self.selected, len, 10);
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        let Some(d) = &m.data else { return };
        let t = &m.theme;
        let Some((client, programme)) = &m.frame.programme else {
            return;
        };
        let Some(p) = programme else {
            f.render_widget(
                Paragraph::new("No visit in this client's cycle yet.")
                    .block(Block::bordered().title(" Programme ")),
                area,
            );
            return;
        };
        let column = p.audit_ids.iter().position(|a| *a == d.audit.id);
        let w: Vec<Line> = if p.warnings.is_empty() {
            vec![Line::styled(
                "Every clause has been audited in the cycle, and every visit covered the every-visit clauses.",
                t.clause_status(ClauseStatus::Done),
            )]
        } else {
            p.warnings
                .iter()
                .map(|x| {
                    Line::styled(
                        format!("! {}", inert(x)),
                        t.clause_status(ClauseStatus::InProgress),
                    )
                })
                .collect()
        };
        let legend_h = p.visits.len().min(6) as u16 + 2;
        let warn_h = (super::wrapped_height(&w, area.width) as u16 + 2).clamp(3, area.height / 4);
        let [legend, matrix, warnings] = Layout::vertical([
            Constraint::Length(legend_h),
            Constraint::Fill(1),
            Constraint::Length(warn_h),
        ])
        .areas(area);
        let visits: Vec<Line> = p
            .visits
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let line = Line::raw(format!(
                    "V{}  {}{}",
                    i + 1,
                    inert(v),
                    if Some(i) == column {
                        "  ← this audit"
                    } else {
                        ""
                    }
                ));
                if Some(i) == column {
                    line.style(t.accent())
                } else {
                    line
                }
            })
            .collect();
        f.render_widget(
            Paragraph::new(visits).block(Block::bordered().title(format!(
                " Programme of {} · every visit: {} ",
                cut(&client.name, 30),
                cut(&client.every_visit, 30)
            ))),
            legend,
        );
        let h = matrix.height.saturating_sub(2) as usize;
        let selected = self.selected.min(p.rows.len().saturating_sub(1));
        let off = scroll(&self.offset, selected, h);
        let cols = p.visits.len();
        let title_w = (matrix.width as usize).saturating_sub(2 + 10 + 4 * cols + 1);
        let mut lines = vec![Line::styled(
            format!(
                "{:<10}{:<title_w$} {}",
                "clause",
                "title",
                (1..=cols).map(|i| format!("V{i:<3}")).collect::<String>()
            ),
            t.dim(),
        )];
        for (i, r) in p
            .rows
            .iter()
            .enumerate()
            .skip(off)
            .take(h.saturating_sub(1))
        {
            let mut spans = vec![
                Span::raw(format!(
                    "{:<10}",
                    format!(
                        "{}{}",
                        inert(&r.clause),
                        if r.every_visit { "*" } else { "" }
                    )
                )),
                Span::raw(format!(
                    "{:<title_w$} ",
                    cut(&r.title, title_w.saturating_sub(1))
                )),
            ];
            for (k, v) in r.visits.iter().enumerate() {
                let style = match v {
                    Visited::Audited => t.clause_status(ClauseStatus::Done),
                    Visited::Started | Visited::Planned => {
                        t.clause_status(ClauseStatus::InProgress)
                    }
                    Visited::No if r.every_visit => t.open_nc(),
                    Visited::No => t.dim(),
                };
                let style = if Some(k) == column {
                    style.add_modifier(ratatui::style::Modifier::BOLD)
                } else {
                    style
                };
                spans.push(Span::styled(format!("{:<4}", v.symbol()), style));
            }
            let line = Line::from(spans);
            lines.push(if i == selected {
                line.style(t.selected())
            } else {
                line
            });
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(
                " {} clauses · ✓ audited  … started  p planned  · not  * every visit ",
                p.rows.len()
            ))),
            matrix,
        );
        let scroll = super::detail_scroll(self.warnings_scroll, &w, warnings);
        f.render_widget(
            Paragraph::new(w)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0))
                .block(Block::bordered().title(format!(
                    " What the cycle still lacks ({} / {} scroll) ",
                    m.keymap.key_of(Mode::Programme, &Action::ScrollDetailDown),
                    m.keymap.key_of(Mode::Programme, &Action::ScrollDetailUp)
                ))),
            warnings,
        );
    }
}
