//! All findings of the audit: filter, sort, open to edit every field, delete
//! after confirmation. Only the visible rows are drawn.

use crate::tui::text::inert;
use std::cell::Cell;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Cell as TCell, Row, Table};
use ratatui::Frame;

use super::{cut, moved, scroll};
use crate::domain::{Finding, FindingStatus, Grade};
use crate::store::{self, FindingFilter};
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::{Effect, Slice};
use crate::tui::model::Model;
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::finding::FindingDetailState;
use crate::tui::popups::history::HistoryState;
use crate::tui::popups::Popup;

/// Orders of the findings table.
/// The orders of the findings list (defined with the store's queries).
pub use crate::store::FindingOrder as Sort;

#[derive(Default)]
pub struct FindingsView {
    pub filter: FindingFilter,
    pub sort: Sort,
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl FindingsView {
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// Rows of the list that fit in a body of `height` rows (borders and header off).
    pub fn list_height(body_height: u16) -> usize {
        body_height.saturating_sub(3) as usize
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

/// The finding at position `i` of the open audit's findings list.
fn finding_at(ctx: &Ctx, i: usize) -> store::Result<Option<Finding>> {
    ctx.model.finding_at(ctx.store, i)
}

impl Component for FindingsView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(data) = &ctx.model.data else {
            return none();
        };
        let len = data.findings.len();
        let list = one(Effect::Reload(Slice::FindingList));
        match action {
            Action::Select => match finding_at(ctx, self.selected)? {
                Some(f) => one(Effect::Push(Popup::Finding(Box::new(
                    FindingDetailState::new(f),
                )))),
                None => none(),
            },
            Action::ShowHistory => match finding_at(ctx, self.selected)? {
                Some(f) => one(history_popup(ctx.store, &f)?),
                None => none(),
            },
            Action::FilterGrade => {
                self.filter.grade = cycle(Grade::ALL, self.filter.grade);
                self.selected = 0;
                list
            }
            Action::FilterStatus => {
                self.filter.status = cycle(FindingStatus::ALL, self.filter.status);
                self.selected = 0;
                list
            }
            Action::FilterClause => {
                self.filter.clause_id = match &self.filter.clause_id {
                    Some(_) => None,
                    None => finding_at(ctx, self.selected)?.map(|f| f.clause_id),
                };
                self.selected = 0;
                list
            }
            Action::ClearFilters => {
                self.filter = FindingFilter::default();
                Ok(vec![
                    Effect::Reload(Slice::FindingList),
                    Effect::Info("Filters cleared".into()),
                ])
            }
            Action::CycleSort => {
                self.sort = self.sort.next();
                Ok(vec![
                    Effect::Reload(Slice::FindingList),
                    Effect::Info(format!(
                        "Sorted by {}",
                        crate::tui::labels::finding_order(self.sort)
                    )),
                ])
            }
            Action::Delete => match finding_at(ctx, self.selected)? {
                Some(f) => one(Effect::Confirm {
                    message: format!(
                        "Delete {} — {}? This cannot be undone.",
                        f.reference, f.title
                    ),
                    pending: Pending::DeleteFinding {
                        id: f.id,
                        reference: f.reference,
                    },
                }),
                None => none(),
            },
            a => {
                self.selected = moved(a, self.selected, len, 10);
                // the id under the selection is read (the frame reads the
                // rest of the window)
                if let Some(d) = ctx.model.data.as_mut() {
                    let audit = d.audit.id.clone();
                    d.findings
                        .ensure(ctx.store, &audit, self.selected, self.selected + 1)?;
                }
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

/// The audit trail of one finding, in a popup.
pub fn history_popup(store: &crate::store::Store, f: &Finding) -> store::Result<Effect> {
    let entries = store.history("finding", &f.id)?;
    Ok(Effect::Push(Popup::History(Box::new(HistoryState {
        title: format!("{} — {}", f.reference, f.title),
        entries,
        scroll: 0,
    }))))
}

fn render(st: &FindingsView, m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.data else { return };
    let t = &m.theme;
    let mut filters = Vec::new();
    if let Some(g) = st.filter.grade {
        filters.push(format!("grade {}", d.scale.label(g)));
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
    let h = FindingsView::list_height(area.height);
    let off = scroll(&st.offset, st.selected, h);
    let title_w = area.width.saturating_sub(2 + 8 + 6 + 9 + 18 + 10 + 5) as usize;
    // Only the rows on screen were read, in one query, before drawing.
    let (first, window) = &m.frame.findings;
    let rows = window
        .iter()
        .enumerate()
        .map(|(k, x)| (first + k, x))
        .filter(|(i, _)| *i >= off && *i < off + h)
        .map(|(i, x)| {
            let row = Row::new(vec![
                TCell::from(Span::styled(
                    inert(&x.reference).into_owned(),
                    t.grade(x.grade),
                )),
                TCell::from(Span::styled(
                    d.scale.short(x.grade).to_string(),
                    t.grade(x.grade),
                )),
                TCell::from(inert(&x.clause_id).into_owned()),
                TCell::from(cut(&x.title, title_w)),
                TCell::from(Span::styled(x.status_label(), t.finding_status(x.status))),
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
        // as wide as the scale's longest reference (PREFIX-001)
        Constraint::Length(
            Grade::ALL
                .iter()
                .map(|g| d.scale.prefix(*g).chars().count() as u16 + 4)
                .max()
                .unwrap_or(8)
                .max(8),
        ),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Fill(1),
        Constraint::Length(18),
        Constraint::Length(10),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
