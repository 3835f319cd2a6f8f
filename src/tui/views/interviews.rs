//! Interviews: the list on the left, the selected one on the right.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, moved};
use crate::store::{self, EditTarget, InterviewField};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::form::FormState;

#[derive(Default)]
pub struct InterviewsState {
    pub selected: usize,
}

pub fn update(app: &mut App, action: Action) -> store::Result<Option<Action>> {
    let Some(data) = &app.data else {
        return Ok(None);
    };
    let current = data.interviews.get(app.interviews.selected).cloned();
    let len = data.interviews.len();
    let field = match action {
        Action::EditNotes | Action::Select => Some((InterviewField::Notes, "notes")),
        Action::EditInterviewee => Some((InterviewField::Interviewee, "interviewee")),
        Action::EditRole => Some((InterviewField::Role, "role")),
        Action::EditTime => Some((InterviewField::HeldAt, "when")),
        Action::EditClauses => Some((InterviewField::Clauses, "clauses covered")),
        _ => None,
    };
    if let Some((field, what)) = field {
        let Some(i) = current else {
            return Ok(Some(Action::ShowInfo(
                "No interview yet: n records one".into(),
            )));
        };
        let label = format!("Interview with {} — {what}", i.interviewee);
        return app.edit(EditTarget::Interview { id: i.id, field }, label);
    }
    match action {
        Action::NewInterview => {
            let form = FormState::new_interview(app);
            app.open_form(form)
        }
        Action::Delete => {
            if let Some(i) = current {
                let msg = format!(
                    "Delete the interview with {} ({})? This cannot be undone.",
                    i.interviewee, i.held_at
                );
                app.confirm(
                    msg,
                    Pending::DeleteInterview {
                        id: i.id,
                        who: i.interviewee,
                    },
                );
            }
            Ok(None)
        }
        a => {
            app.interviews.selected = moved(&a, app.interviews.selected, len, 10);
            Ok(None)
        }
    }
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(d) = &app.data else { return };
    let t = &app.theme;
    let [left, right] =
        Layout::horizontal([Constraint::Length(38), Constraint::Fill(1)]).areas(area);
    let h = left.height.saturating_sub(2) as usize;
    let start = app.interviews.selected.saturating_sub(h.saturating_sub(1));
    let mut lines: Vec<Line> = d
        .interviews
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, x)| {
            let line = Line::from(vec![
                Span::styled(format!("{:<17}", cut(&x.held_at, 16)), t.dim()),
                Span::raw(cut(&x.interviewee, 19)),
            ]);
            if i == app.interviews.selected {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("No interviews yet: n records one.", t.dim()));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(format!(" Interviews ({}) ", d.interviews.len()))),
        left,
    );

    let detail = match d.interviews.get(app.interviews.selected) {
        Some(x) => {
            let mut l = vec![
                Line::from(vec![
                    Span::styled(inert(&x.interviewee).into_owned(), t.title()),
                    Span::raw(format!(" — {}", inert(&x.role))),
                ]),
                Line::from(vec![
                    Span::styled("When ", t.dim()),
                    Span::raw(inert(&x.held_at).into_owned()),
                ]),
                Line::from(vec![
                    Span::styled("Clauses ", t.dim()),
                    Span::raw(inert(&x.clauses).into_owned()),
                ]),
                Line::raw(""),
            ];
            if x.notes.is_empty() {
                l.push(Line::styled("No notes yet: Enter to write them.", t.dim()));
            }
            l.extend(x.notes.lines().map(|s| Line::raw(inert(s).into_owned())));
            l
        }
        None => vec![],
    };
    f.render_widget(
        Paragraph::new(detail)
            .block(Block::bordered().title(" Notes "))
            .wrap(Wrap { trim: false }),
        right,
    );
}
