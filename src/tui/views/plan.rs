//! The audit plan: its slots by day on the left (planned against walked per
//! day), the selected slot on the right (its clauses, how far each is
//! audited and the time walked on it) and below it what departed from the
//! plan. Slots are added and changed in a form, removed after a question.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, detail_scroll, moved, scroll, scroll_by};
use crate::domain::{hours, ClauseResult, ClauseStatus};
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::{AuditData, Model};
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::form::FormState;

#[derive(Default)]
pub struct PlanView {
    /// Index into the plan's slots.
    pub selected: usize,
    pub offset: std::cell::Cell<usize>,
    /// How far the slot pane is scrolled (J / K).
    pub detail_scroll: u16,
}

impl Component for PlanView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(d) = &ctx.model.data else {
            return none();
        };
        let len = d.plan.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        if scroll_by(action, &mut self.detail_scroll) {
            return none();
        }
        let current = d.plan.get(self.selected).cloned();
        match action {
            Action::NewSlot => {
                // the day of the selected slot, or the audit's first day
                let day = current
                    .as_ref()
                    .map(|s| s.day.clone())
                    .unwrap_or_else(|| d.audit.start_date.clone());
                one(Effect::OpenForm(Box::new(FormState::plan_slot(None, &day))))
            }
            Action::EditSlot | Action::Select => match current {
                Some(s) => one(Effect::OpenForm(Box::new(FormState::plan_slot(
                    Some(&s),
                    &s.day,
                )))),
                None => info(format!(
                    "No slot yet: {} adds one",
                    ctx.model.keymap.key_of(Mode::Plan, &Action::NewSlot)
                )),
            },
            Action::Delete => match current {
                Some(s) => one(Effect::Confirm {
                    message: format!(
                        "Remove {} {}–{} ({}) from the plan?",
                        s.day,
                        s.start,
                        s.end,
                        if s.clauses.is_empty() {
                            s.subject.clone()
                        } else {
                            s.clauses.clone()
                        }
                    ),
                    pending: Pending::DeletePlanSlot {
                        audit_id: s.audit_id.clone(),
                        id: s.id.clone(),
                        what: format!("{} {}–{}", s.day, s.start, s.end),
                    },
                }),
                None => none(),
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
        let check = d.plan_check();
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(area);
        // the slots, under a line per day
        let mut rows: Vec<(Option<usize>, Line)> = Vec::new();
        let mut day = "";
        for (i, s) in d.plan.iter().enumerate() {
            if s.day != day {
                day = &s.day;
                let dt = check.days.iter().find(|x| x.day == s.day);
                rows.push((
                    None,
                    Line::styled(
                        format!(
                            "{}  plan {} · walked {}",
                            inert(&s.day),
                            hours(dt.map_or(0, |x| x.planned)),
                            hours(dt.map_or(0, |x| x.walked))
                        ),
                        t.title(),
                    ),
                ));
            }
            // the clauses, then the subject in what room is left
            let width = left.width.saturating_sub(15) as usize;
            let clauses = cut(&s.clauses, width);
            let rest = width.saturating_sub(clauses.chars().count() + 1);
            let subject = if rest > 2 {
                let gap = if clauses.is_empty() { "" } else { " " };
                format!("{gap}{}", cut(&s.subject, rest))
            } else {
                String::new()
            };
            let line = Line::from(vec![
                Span::raw(format!(" {}–{} ", cut(&s.start, 5), cut(&s.end, 5))),
                Span::raw(clauses),
                Span::styled(subject, t.dim()),
            ]);
            rows.push((
                Some(i),
                if i == self.selected {
                    line.style(t.selected())
                } else {
                    line
                },
            ));
        }
        let h = left.height.saturating_sub(2) as usize;
        let at = rows
            .iter()
            .position(|(i, _)| *i == Some(self.selected))
            .unwrap_or(0);
        let mut off = scroll(&self.offset, at, h);
        // the day's line above the first slot in view, when there is room
        if off > 0 && rows[off - 1].0.is_none() && at + 1 < off - 1 + h {
            off -= 1;
            self.offset.set(off);
        }
        let mut lines: Vec<Line> = rows.into_iter().skip(off).take(h).map(|(_, l)| l).collect();
        if lines.is_empty() {
            lines.push(Line::styled(
                format!(
                    "No plan yet: {} adds a slot (a day, its times, the clauses).",
                    m.keymap.key_of(Mode::Plan, &Action::NewSlot)
                ),
                t.dim(),
            ));
        }
        let total: i64 = d.plan.iter().map(crate::domain::PlanSlot::minutes).sum();
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(
                " Plan · {} · {:.1} auditor-days ",
                hours(total),
                crate::domain::PlanSlot::auditor_days(&d.plan)
            ))),
            left,
        );
        let dev: Vec<Line> = if d.plan.is_empty() {
            vec![]
        } else if check.deviations.is_empty() {
            vec![Line::styled(
                "Nothing departs from the plan so far.",
                t.dim(),
            )]
        } else {
            check
                .deviations
                .iter()
                .map(|x| Line::raw(format!("• {}", inert(x))))
                .collect()
        };
        let dev_h =
            (super::wrapped_height(&dev, right.width) as u16 + 2).clamp(3, right.height / 2);
        let [slot_area, dev_area] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(dev_h)]).areas(right);
        let detail = slot_lines(
            d,
            m,
            self.selected,
            slot_area.width.saturating_sub(2) as usize,
        );
        let scroll = detail_scroll(self.detail_scroll, &detail, slot_area);
        f.render_widget(
            Paragraph::new(detail)
                .block(Block::bordered().title(" Slot "))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            slot_area,
        );
        f.render_widget(
            Paragraph::new(dev)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" Against the plan → the report ")),
            dev_area,
        );
    }
}

/// The selected slot: when, where, who, and each clause it takes with how
/// far it is audited and the time walked on it.
/// `width`: the pane's inner width.
fn slot_lines<'a>(d: &'a AuditData, m: &Model, selected: usize, width: usize) -> Vec<Line<'a>> {
    let t = &m.theme;
    let Some(s) = d.plan.get(selected) else {
        return vec![];
    };
    let row = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<9}"), t.dim()),
            Span::raw(value),
        ])
    };
    let mut l = vec![
        row(
            "When",
            format!("{} {}–{}", inert(&s.day), inert(&s.start), inert(&s.end)),
        ),
        row(
            "Length",
            format!(
                "{} × {} auditor{}",
                hours(s.minutes()),
                s.auditor_count(),
                if s.auditor_count() == 1 { "" } else { "s" }
            ),
        ),
        row("Site", inert(&s.site).into_owned()),
        row("Auditors", inert(&s.auditors).into_owned()),
        row("Subject", inert(&s.subject).into_owned()),
        row("Contacts", inert(&s.contacts).into_owned()),
    ];
    if !s.clauses.is_empty() {
        l.push(Line::styled("Clauses", t.dim()));
        let assessable = d.catalogue.assessable_ids();
        for c in assessable.iter().filter(|c| s.covers(c)) {
            let r = d.stage2.get(*c);
            let state = match r {
                Some(r)
                    if r.status == ClauseStatus::Done || r.result != ClauseResult::NotAssessed =>
                {
                    "✓"
                }
                Some(r) if r.status == ClauseStatus::InProgress => "…",
                _ => "·",
            };
            let title = d.catalogue.get(c).map_or("", |x| x.title.as_str());
            let walked = d.clause_time.get(*c).copied().unwrap_or(0) / 60;
            let time = format!("{walked}/{} min", s.minutes_for(c, &assessable));
            let room = width.saturating_sub(3 + 9 + 11);
            l.push(Line::raw(format!(
                " {state} {:<9}{time:<11}{}",
                inert(c),
                cut(title, room)
            )));
        }
    }
    l
}
