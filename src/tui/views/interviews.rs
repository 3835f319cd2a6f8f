//! Interviews: the list on the left, the selected one on the right.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, detail_scroll, moved, scroll_by};
use crate::store::{self, EditTarget, InterviewField};
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::checklist::{CheckFor, ChecklistState};
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::form::FormState;
use crate::tui::popups::Popup;

#[derive(Default)]
pub struct InterviewsView {
    pub selected: usize,
    /// How far the detail pane is scrolled (J / K), from its top.
    pub detail_scroll: u16,
}

impl InterviewsView {
    /// Select the interview with this id, if it is there (a large audit's
    /// list still being read is waited for).
    pub fn select(&mut self, m: &mut Model, store: &store::Store, id: &str) -> store::Result<()> {
        if let Some(d) = &mut m.data {
            d.lists_arrived(true)?;
        }
        if let Some(pos) = m.interview_position(store, id)? {
            self.selected = pos;
        }
        Ok(())
    }
}

impl Component for InterviewsView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(data) = &ctx.model.data else {
            return none();
        };
        let len = data.interviews.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        let current = ctx.model.interview_at(ctx.store, self.selected)?;
        if scroll_by(action, &mut self.detail_scroll) {
            return none();
        }
        let field = match action {
            Action::EditNotes | Action::Select => Some((InterviewField::Notes, "notes")),
            Action::EditInterviewee => Some((InterviewField::Interviewee, "interviewee")),
            Action::EditRole => Some((InterviewField::Role, "role")),
            Action::EditTime => Some((InterviewField::HeldAt, "when")),
            _ => None,
        };
        if *action == Action::EditClauses {
            let Some(i) = &current else {
                return info(format!(
                    "No interview yet: {} records one",
                    ctx.model
                        .keymap
                        .key_of(Mode::Interviews, &Action::NewInterview)
                ));
            };
            // the catalogue's clauses, the interview's ticked
            let items = data
                .catalogue
                .clauses()
                .iter()
                .map(|c| (c.id.clone(), format!("{} {}", c.id, c.title)))
                .collect();
            let ticked: Vec<String> = store::interview_clauses(&i.clauses)
                .map(str::to_string)
                .collect();
            return one(Effect::Push(Popup::Checklist(Box::new(
                ChecklistState::new(
                    format!("Clauses covered with {}", i.interviewee),
                    items,
                    &ticked,
                    CheckFor::InterviewClauses {
                        interview_id: i.id.clone(),
                    },
                ),
            ))));
        }
        if let Some((field, what)) = field {
            let Some(i) = current else {
                return info(format!(
                    "No interview yet: {} records one",
                    ctx.model
                        .keymap
                        .key_of(Mode::Interviews, &Action::NewInterview)
                ));
            };
            let label = format!("Interview with {} — {what}", i.interviewee);
            return one(Effect::Edit {
                target: EditTarget::Interview { id: i.id, field },
                label,
            });
        }
        match action {
            Action::NewInterview => one(Effect::OpenForm(Box::new(FormState::new_interview(
                &ctx.store.now(),
                "",
                &ctx.model.auditor(),
                ctx.model.utc_offset,
            )))),
            Action::Delete => match current {
                Some(i) => one(Effect::Confirm {
                    message: format!(
                        "Delete the interview with {} ({})? This cannot be undone.",
                        i.interviewee, i.held_at
                    ),
                    pending: Pending::DeleteInterview {
                        id: i.id,
                        who: i.interviewee,
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
        render(self, m, f, area)
    }
}

fn render(v: &InterviewsView, m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.data else { return };
    let t = &m.theme;
    let [left, right] =
        Layout::horizontal([Constraint::Length(38), Constraint::Fill(1)]).areas(area);
    // only the rows on screen were read, before drawing
    let h = left.height.saturating_sub(2) as usize;
    let (first, rows) = &m.frame.interviews;
    let mut lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .take(h)
        .map(|(k, x)| {
            let i = first + k;
            let line = Line::from(vec![
                Span::styled(
                    format!(
                        "{:<17}",
                        cut(&crate::domain::local_when(&x.held_at, m.utc_offset), 16)
                    ),
                    t.dim(),
                ),
                Span::raw(cut(&x.interviewee, 19)),
            ]);
            if i == v.selected {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(
            format!(
                "No interviews yet: {} records one.",
                m.keymap.key_of(Mode::Interviews, &Action::NewInterview)
            ),
            t.dim(),
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(
            " Interviews ({}) ",
            super::list_count(d, d.interviews.len())
        ))),
        left,
    );

    let detail = match v.selected.checked_sub(*first).and_then(|k| rows.get(k)) {
        Some(x) => {
            let mut l = vec![
                Line::from(vec![
                    Span::styled(inert(&x.interviewee).into_owned(), t.title()),
                    Span::raw(format!(" — {}", inert(&x.role))),
                ]),
                Line::from(vec![
                    Span::styled("When ", t.dim()),
                    Span::raw(
                        inert(&crate::domain::local_when(&x.held_at, m.utc_offset)).into_owned(),
                    ),
                    Span::styled(" (local time)", t.dim()),
                ]),
                Line::from(vec![
                    Span::styled("Interviewer ", t.dim()),
                    Span::raw(if x.interviewer.is_empty() {
                        "—".to_string()
                    } else {
                        inert(&x.interviewer).into_owned()
                    }),
                ]),
                Line::from(vec![
                    Span::styled("Clauses ", t.dim()),
                    Span::raw(inert(&x.clauses).into_owned()),
                ]),
                Line::raw(""),
            ];
            if x.notes.is_empty() {
                l.push(Line::styled(
                    format!(
                        "No notes yet: {} to write them.",
                        m.keymap.key_of(Mode::Interviews, &Action::EditNotes)
                    ),
                    t.dim(),
                ));
            }
            l.extend(x.notes.lines().map(|s| Line::raw(inert(s).into_owned())));
            l
        }
        None => vec![],
    };
    let scroll = detail_scroll(v.detail_scroll, &detail, right);
    f.render_widget(
        Paragraph::new(detail)
            .block(Block::bordered().title(" Notes "))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        right,
    );
}
