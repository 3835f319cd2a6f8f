//! A rehearsal's gap plan: every question rated partly met or not met and
//! every nonconformity, stage 1 concern or observation (also those carried
//! from the earlier rehearsal), by target date then clause; overdue gaps in
//! red. The selected gap on the right; Enter plans it in a form (owner,
//! action, target date, state).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, detail_scroll, moved, scroll, scroll_by};
use crate::domain::GapState;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::form::FormState;
use crate::tui::text::inert;

#[derive(Default)]
pub struct GapsView {
    /// Index into the audit's gaps.
    pub selected: usize,
    pub offset: std::cell::Cell<usize>,
    /// How far the gap pane is scrolled (J / K).
    pub detail_scroll: u16,
}

/// Today, local time, `YYYY-MM-DD`: what overdue is measured against.
fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

impl Component for GapsView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(d) = &ctx.model.data else {
            return none();
        };
        if !d.rehearsal() {
            return info(format!(
                "The gap plan belongs to rehearsals (internal audits); this is a {} audit",
                d.audit.audit_type.label()
            ));
        }
        let len = d.gaps.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        if scroll_by(action, &mut self.detail_scroll) {
            return none();
        }
        match action {
            Action::EditGap | Action::Select => match d.gaps.get(self.selected) {
                Some(g) => one(Effect::OpenForm(Box::new(FormState::gap(g)))),
                None => {
                    info("No gap: nothing is rated partly met or not met, and nothing was found")
                }
            },
            a => {
                self.selected = moved(a, self.selected, len, 10);
                self.detail_scroll = 0;
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        let Some(d) = &m.data else { return };
        let t = &m.theme;
        if !d.rehearsal() {
            f.render_widget(
                Paragraph::new(format!(
                    "The gap plan belongs to rehearsals (internal audits); this is a {} audit.",
                    d.audit.audit_type.label()
                ))
                .style(t.dim())
                .block(Block::bordered().title(" Gaps ")),
                area,
            );
            return;
        }
        let today = today();
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Fill(1)]).areas(area);
        let h = left.height.saturating_sub(2) as usize;
        let off = scroll(&self.offset, self.selected, h);
        // reference (as wide as the longest, up to 21), state, target
        // date, then what in the room left
        let ref_w = d
            .gaps
            .iter()
            .map(|g| g.reference.chars().count() + 1)
            .max()
            .unwrap_or(8)
            .clamp(8, 21);
        // on a narrow pane the state is left to the gap's pane
        let state_w = if (left.width as usize) < 2 + ref_w + 12 + 11 + 16 {
            0
        } else {
            12
        };
        let what_w = (left.width as usize).saturating_sub(2 + ref_w + state_w + 11);
        let mut lines: Vec<Line> = d
            .gaps
            .iter()
            .enumerate()
            .skip(off)
            .take(h)
            .map(|(i, g)| {
                let overdue = g.overdue(&today);
                let due = if g.target_date.is_empty() {
                    "—".to_string()
                } else {
                    inert(&g.target_date).into_owned()
                };
                let state_style = match g.state {
                    GapState::Done => t.dim(),
                    GapState::InProgress => t.info(),
                    GapState::Planned => ratatui::style::Style::default(),
                };
                let line = Line::from(vec![
                    Span::styled(
                        format!("{:<ref_w$}", cut(&g.reference, ref_w - 1)),
                        if overdue {
                            t.error()
                        } else {
                            ratatui::style::Style::default()
                        },
                    ),
                    Span::styled(
                        format!(
                            "{:<state_w$}",
                            if state_w > 0 { g.state.label() } else { "" }
                        ),
                        state_style,
                    ),
                    Span::styled(
                        format!("{due:<11}"),
                        if overdue { t.error() } else { t.dim() },
                    ),
                    Span::raw(cut(&g.what, what_w)),
                ]);
                if i == self.selected {
                    line.style(t.selected())
                } else {
                    line
                }
            })
            .collect();
        if lines.is_empty() {
            lines.push(Line::styled(
                format!(
                    "No gap yet: rate the questions in Stage 2 ({}); partly met and not met become gaps, as do nonconformities and observations.",
                    m.keymap.key_of(Mode::Global, &Action::GoStage2)
                ),
                t.dim(),
            ));
        }
        let open = d.gaps.iter().filter(|g| g.state != GapState::Done).count();
        let overdue = d.gaps.iter().filter(|g| g.overdue(&today)).count();
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(
                " Gaps {} · {open} not done · {overdue} overdue ",
                d.gaps.len()
            ))),
            left,
        );
        // what closed since the earlier rehearsal, under the gap
        let n = d.trend.len();
        let right = if n >= 2 {
            let closed = crate::domain::closed_between(&d.trend[n - 2].gaps, &d.trend[n - 1].gaps);
            let refs: Vec<&str> = closed.iter().map(|g| g.reference.as_str()).collect();
            let text = if refs.is_empty() {
                "none".to_string()
            } else {
                inert(&refs.join(", ")).into_owned()
            };
            let lines = vec![Line::styled(text, t.dim())];
            let h =
                (super::wrapped_height(&lines, right.width) as u16 + 2).clamp(3, right.height / 3);
            let para =
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(Block::bordered().title(format!(
                        " Closed since {} ({}) ",
                        inert(&d.trend[n - 2].audit.start_date),
                        closed.len()
                    )));
            let [top, bottom] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(h)]).areas(right);
            f.render_widget(para, bottom);
            top
        } else {
            right
        };
        let detail = gap_lines(m, self.selected, &today);
        let scroll = detail_scroll(self.detail_scroll, &detail, right);
        f.render_widget(
            Paragraph::new(detail)
                .block(Block::bordered().title(" Gap "))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            right,
        );
    }
}

/// The selected gap: what it is, why, and what is planned about it.
fn gap_lines<'a>(m: &'a Model, selected: usize, today: &str) -> Vec<Line<'a>> {
    let t = &m.theme;
    let Some(d) = &m.data else { return vec![] };
    let Some(g) = d.gaps.get(selected) else {
        return vec![];
    };
    let row = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<8}"), t.dim()),
            Span::raw(value),
        ])
    };
    let title = d
        .catalogue
        .get(&g.clause_id)
        .map(|c| inert(&c.title).into_owned())
        .unwrap_or_default();
    let or_none = |s: &str, none: &str| {
        if s.is_empty() {
            none.to_string()
        } else {
            inert(s).into_owned()
        }
    };
    let mut l = vec![
        Line::styled(inert(&g.reference).into_owned(), t.title()),
        row("Clause", format!("{} {title}", inert(&g.clause_id))),
        row("Why", inert(&g.why).into_owned()),
        Line::styled("What", t.dim()),
    ];
    l.extend(g.what.lines().map(|s| Line::raw(inert(s).into_owned())));
    l.push(Line::raw(""));
    l.push(row("Owner", or_none(&g.owner, "— (not assigned)")));
    l.push(Line::styled("Action", t.dim()));
    l.extend(
        or_none(&g.action, "— (not planned yet)")
            .lines()
            .map(|s| Line::raw(s.to_string())),
    );
    let mut due = vec![
        Span::styled(format!("{:<8}", "Due"), t.dim()),
        Span::raw(or_none(&g.target_date, "—")),
    ];
    if g.overdue(today) {
        due.push(Span::styled("  overdue", t.error()));
    }
    l.push(Line::from(due));
    l.push(row("State", g.state.label().to_string()));
    l.push(Line::raw(""));
    l.push(Line::styled(
        format!(
            "{} plans it (owner, action, target date, state)",
            m.keymap.key_of(Mode::Gaps, &Action::EditGap)
        ),
        t.dim(),
    ));
    l
}
