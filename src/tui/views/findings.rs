//! All findings of the audit: filter, sort, open to edit every field, delete
//! after confirmation. Only the visible rows are drawn.

use crate::tui::text::inert;
use std::cell::Cell;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Cell as TCell, Row, Table};
use ratatui::Frame;

use super::{cut, moved, scroll};
use crate::domain::{FindingStatus, Grade};
use crate::store::{self, FindingFilter};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::finding::FindingDetailState;
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;

/// Orders of the findings table.
/// The orders of the findings list (defined with the store's queries).
pub use crate::store::FindingOrder as Sort;

#[derive(Default)]
pub struct FindingsState {
    pub filter: FindingFilter,
    pub sort: Sort,
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl FindingsState {
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], v: Option<T>) -> Option<T> {
    match v {
        None => all.first().copied(),
        Some(x) => {
            let i = all.iter().position(|y| *y == x).unwrap_or(0);
            all.get(i + 1).copied()
        }
    }
}

pub fn update(app: &mut App, action: Action) -> store::Result<Option<Action>> {
    let Some(data) = &app.data else {
        return Ok(None);
    };
    let len = data.findings.len();
    let selected = app.finding_at(app.findings.selected);
    match action {
        Action::Select => {
            if let Some(f) = selected {
                app.popups
                    .push(Popup::Finding(Box::new(FindingDetailState::new(f))));
            }
            Ok(None)
        }
        Action::FilterGrade => {
            app.findings.filter.grade = cycle(Grade::ALL, app.findings.filter.grade);
            app.findings.selected = 0;
            app.reload_finding_list()?;
            Ok(None)
        }
        Action::FilterStatus => {
            app.findings.filter.status = cycle(FindingStatus::ALL, app.findings.filter.status);
            app.findings.selected = 0;
            app.reload_finding_list()?;
            Ok(None)
        }
        Action::FilterClause => {
            app.findings.filter.clause_id = match (&app.findings.filter.clause_id, selected) {
                (Some(_), _) => None,
                (None, Some(f)) => Some(f.clause_id),
                (None, None) => None,
            };
            app.findings.selected = 0;
            app.reload_finding_list()?;
            Ok(None)
        }
        Action::ClearFilters => {
            app.findings.filter = FindingFilter::default();
            app.reload_finding_list()?;
            Ok(Some(Action::ShowInfo("Filters cleared".into())))
        }
        Action::CycleSort => {
            app.findings.sort = app.findings.sort.next();
            app.reload_finding_list()?;
            Ok(Some(Action::ShowInfo(format!(
                "Sorted by {}",
                crate::tui::labels::finding_order(app.findings.sort)
            ))))
        }
        Action::Delete => {
            if let Some(f) = selected {
                let msg = format!(
                    "Delete {} — {}? This cannot be undone.",
                    f.reference, f.title
                );
                app.confirm(
                    msg,
                    Pending::DeleteFinding {
                        id: f.id,
                        reference: f.reference,
                    },
                );
            }
            Ok(None)
        }
        a => {
            app.findings.selected = moved(&a, app.findings.selected, len, 10);
            // the ids under (and a screenful past) the selection are read
            let upto = app.findings.selected + 200;
            if let Some(d) = app.data.as_mut() {
                let audit = d.audit.id.clone();
                d.findings.ensure(&app.store, &audit, upto)?;
            }
            Ok(None)
        }
    }
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(d) = &app.data else { return };
    let t = &app.theme;
    let st = &app.findings;
    let mut filters = Vec::new();
    if let Some(g) = st.filter.grade {
        filters.push(format!("grade {}", g.label()));
    }
    if let Some(s) = st.filter.status {
        filters.push(format!("status {}", s.label()));
    }
    if let Some(c) = &st.filter.clause_id {
        filters.push(format!("clause {c}"));
    }
    let filt = if filters.is_empty() {
        String::new()
    } else {
        format!(" · {}", filters.join(", "))
    };
    let total: u64 = d.counts.iter().sum();
    let block = Block::bordered().title(format!(
        " Findings {} of {total} · {}{filt} ",
        d.findings.len(),
        crate::tui::labels::finding_order(st.sort)
    ));
    let h = area.height.saturating_sub(3) as usize;
    let off = scroll(&st.offset, st.selected, h);
    let title_w = area.width.saturating_sub(2 + 8 + 6 + 9 + 18 + 10 + 5) as usize;
    // Only the rows on screen are read, in one query.
    let window = d.findings.window(&app.store, off, h);
    let rows = window
        .iter()
        .enumerate()
        .map(|(k, x)| (off + k, x))
        .map(|(i, x)| {
            let row = Row::new(vec![
                TCell::from(Span::styled(
                    inert(&x.reference).into_owned(),
                    t.grade(x.grade),
                )),
                TCell::from(Span::styled(Theme::grade_tag(x.grade), t.grade(x.grade))),
                TCell::from(inert(&x.clause_id).into_owned()),
                TCell::from(cut(&x.title, title_w)),
                TCell::from(Span::styled(x.status.label(), t.finding_status(x.status))),
                TCell::from(if x.due_date.is_empty() {
                    "—".to_string()
                } else {
                    inert(&x.due_date).into_owned()
                }),
            ]);
            if i == st.selected {
                row.style(t.selected())
            } else {
                row
            }
        });
    let header =
        Row::new(vec!["Ref", "Grade", "Clause", "Title", "Status", "Due"]).style(t.title());
    let widths = [
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Fill(1),
        Constraint::Length(18),
        Constraint::Length(10),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
