//! The audits in the file: open one, create one, or create the demo.

use crate::tui::text::inert;
use std::cell::Cell;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell as TCell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::{cut, moved, scroll};
use crate::domain::{Grade, Stage};
use crate::store::{self, AuditSummary};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::popups::form::FormState;
use crate::tui::theme::Theme;

pub struct AuditRow {
    pub summary: AuditSummary,
    /// Stage 2 clauses done / assessable clauses.
    pub done: u64,
    pub total: u64,
}

#[derive(Default)]
pub struct AuditsState {
    pub rows: Vec<AuditRow>,
    pub selected: usize,
    pub offset: Cell<usize>,
}

pub fn reload(app: &mut App) -> store::Result<()> {
    let mut rows = Vec::new();
    let mut cats: std::collections::HashMap<String, u64> = Default::default();
    for summary in app.store.list_audits()? {
        let cat_id = summary.audit.catalogue_id.clone();
        let total = match cats.get(&cat_id) {
            Some(n) => *n,
            None => {
                let n = app
                    .store
                    .catalogue(&cat_id)
                    .map(|c| c.clauses().iter().filter(|x| c.is_assessable(x)).count() as u64)
                    .unwrap_or(0);
                cats.insert(cat_id, n);
                n
            }
        };
        let done = app.store.stage_done_count(&summary.audit.id, Stage::TWO)?;
        rows.push(AuditRow {
            summary,
            done,
            total,
        });
    }
    app.audits.selected = app.audits.selected.min(rows.len().saturating_sub(1));
    app.audits.rows = rows;
    Ok(())
}

pub fn update(app: &mut App, action: Action) -> store::Result<Option<Action>> {
    match action {
        Action::Select | Action::Right => {
            let Some(row) = app.audits.rows.get(app.audits.selected) else {
                return Ok(Some(Action::ShowError(
                    "no audit yet: n creates one, D creates the demo".into(),
                )));
            };
            let id = row.summary.audit.id.clone();
            app.open_audit(&id)?;
            Ok(None)
        }
        Action::NewAudit => app.open_form(FormState::new_audit()),
        Action::CreateDemo => {
            let id = crate::demo::create_demo(&mut app.store)?;
            reload(app)?;
            if let Some(pos) = app
                .audits
                .rows
                .iter()
                .position(|r| r.summary.audit.id == id)
            {
                app.audits.selected = pos;
            }
            Ok(Some(Action::ShowInfo(
                "Created the demo audit (Northwind Managed Services): Enter to open it".into(),
            )))
        }
        a => {
            app.audits.selected = moved(&a, app.audits.selected, app.audits.rows.len(), 10);
            Ok(None)
        }
    }
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t: &Theme = &app.theme;
    let block = Block::bordered().title(" Audits ");
    if app.audits.rows.is_empty() {
        let lines = vec![
            Line::raw(""),
            Line::styled("No audits in this file yet.", t.title()),
            Line::raw(""),
            Line::from(vec![
                Span::styled("  n ", t.key()),
                Span::raw("create an audit (organisation, type, edition, scope, team, dates)"),
            ]),
            Line::from(vec![
                Span::styled("  D ", t.key()),
                Span::raw("create a demo audit to explore the workbench"),
            ]),
            Line::from(vec![Span::styled("  ? ", t.key()), Span::raw("every key")]),
            Line::raw(""),
            Line::styled(
                "Everything you do is saved at once in this one file; there is no save.",
                t.dim(),
            ),
        ];
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let inner_h = area.height.saturating_sub(3) as usize;
    let off = scroll(&app.audits.offset, app.audits.selected, inner_h);
    // Fixed widths that always fit: narrow terminals drop the status column
    // and shorten dates, and the organisation takes what is left.
    let wide = area.width >= 110;
    let (type_w, dates_w) = if wide { (22u16, 23u16) } else { (14, 10) };
    let mut titles = vec!["Organisation", "Type", if wide { "Dates" } else { "Start" }];
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(type_w),
        Constraint::Length(dates_w),
    ];
    if wide {
        titles.push("Status");
        widths.push(Constraint::Length(11));
    }
    titles.extend(["Stage 2", "MAJ", "MIN", "OBS", "OFI", "GOOD"]);
    widths.extend([10, 3, 3, 3, 3, 4].map(Constraint::Length));
    let header = Row::new(titles).style(t.title());
    let rows = app
        .audits
        .rows
        .iter()
        .enumerate()
        .skip(off)
        .take(inner_h)
        .map(|(i, r)| {
            let a = &r.summary.audit;
            let pct = (r.done * 100).checked_div(r.total).unwrap_or(0);
            let dates = match (a.start_date.is_empty(), wide) {
                (true, _) => "—".to_string(),
                (false, true) => format!("{} → {}", a.start_date, a.end_date),
                (false, false) => a.start_date.clone(),
            };
            let mut cells = vec![
                TCell::from(inert(&a.organisation).into_owned()),
                TCell::from(cut(
                    &format!("{} {}", a.audit_type.label(), a.edition),
                    type_w as usize,
                )),
                TCell::from(dates),
            ];
            if wide {
                cells.push(TCell::from(a.status.label()));
            }
            cells.push(TCell::from(format!("{:>2}/{} {pct:>2}%", r.done, r.total)));
            for g in Grade::ALL {
                let n = r.summary.counts[g.severity() as usize];
                cells.push(TCell::from(Span::styled(
                    n.to_string(),
                    if n > 0 { t.grade(*g) } else { t.dim() },
                )));
            }
            let row = Row::new(cells);
            if i == app.audits.selected {
                row.style(t.selected())
            } else {
                row
            }
        });
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
