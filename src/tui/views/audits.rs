//! The audits in the file: open one, create one, or create the demo.

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
use crate::tui::popups::Popup;
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
        Action::NewAudit => {
            let mut form = FormState::new_audit();
            if let Some(d) = app.store.draft(&crate::store::EditTarget::Form {
                audit_id: String::new(),
                kind: "audit".into(),
            })? {
                form.restore(&d.text);
            }
            app.popups.push(Popup::Form(form));
            Ok(None)
        }
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
    let header = Row::new(vec![
        "Organisation",
        "Type",
        "Dates",
        "Status",
        "Stage 2",
        "MAJ",
        "MIN",
        "OBS",
        "OFI",
        "GOOD",
    ])
    .style(t.title());
    let rows = app
        .audits
        .rows
        .iter()
        .enumerate()
        .skip(off)
        .take(inner_h)
        .map(|(i, r)| {
            let a = &r.summary.audit;
            let pct = if r.total == 0 {
                0
            } else {
                r.done * 100 / r.total
            };
            let mut cells = vec![
                TCell::from(cut(&a.organisation, 30)),
                TCell::from(format!("{} {}", a.audit_type.label(), a.edition)),
                TCell::from(if a.start_date.is_empty() {
                    "—".to_string()
                } else {
                    format!("{} → {}", a.start_date, a.end_date)
                }),
                TCell::from(a.status.label()),
                TCell::from(format!("{}/{} {pct:>3}%", r.done, r.total)),
            ];
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
    let widths = [
        Constraint::Min(20),
        Constraint::Length(20),
        Constraint::Length(24),
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(4),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
