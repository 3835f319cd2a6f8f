//! One finding, every field: the finding editor. Enter edits a text field in
//! the editor; g and s change grade and status; D deletes after confirmation.

use crate::tui::text::{inert, inert_lines};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use super::confirm::Pending;
use crate::domain::{Finding, Stage};
use crate::store::{self, EditTarget, FindingField};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;

/// The rows of the finding editor, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Grade,
    Status,
    Clause,
    Stage,
    Text(FindingField),
}

pub const ROWS: &[Row] = &[
    Row::Grade,
    Row::Status,
    Row::Clause,
    Row::Stage,
    Row::Text(FindingField::Title),
    Row::Text(FindingField::Requirement),
    Row::Text(FindingField::Statement),
    Row::Text(FindingField::Evidence),
    Row::Text(FindingField::Correction),
    Row::Text(FindingField::RootCause),
    Row::Text(FindingField::CorrectiveAction),
    Row::Text(FindingField::DueDate),
    Row::Text(FindingField::RaisedBy),
];

pub struct FindingDetailState {
    pub finding: Finding,
    pub row: usize,
}

impl FindingDetailState {
    pub fn new(finding: Finding) -> Self {
        FindingDetailState { finding, row: 0 }
    }
}

pub fn update(app: &mut App, action: Action) -> store::Result<Option<Action>> {
    let Some(Popup::Finding(d)) = app.popups.last_mut() else {
        return Ok(None);
    };
    match action {
        Action::Up => d.row = d.row.saturating_sub(1),
        Action::Down => d.row = (d.row + 1).min(ROWS.len() - 1),
        Action::Back => {
            app.popups.pop();
        }
        Action::CycleGrade => {
            let (id, g) = (d.finding.id.clone(), d.finding.grade.next());
            app.store.set_finding_grade(&id, g)?;
            return refresh(app, &id, format!("Grade: {}", g.label()));
        }
        Action::CycleStatus => {
            let (id, s) = (d.finding.id.clone(), d.finding.status.next());
            app.store.set_finding_status(&id, s)?;
            return refresh(app, &id, format!("Status: {}", s.label()));
        }
        Action::Select => match ROWS[d.row] {
            Row::Grade => return update(app, Action::CycleGrade),
            Row::Status => return update(app, Action::CycleStatus),
            Row::Clause => {
                let label = format!("{} — clause", d.finding.reference);
                let target = EditTarget::FindingClause {
                    id: d.finding.id.clone(),
                };
                return app.edit(target, label);
            }
            Row::Stage => {
                let id = d.finding.id.clone();
                let stage = if d.finding.stage == Stage::ONE {
                    Stage::TWO
                } else {
                    Stage::ONE
                };
                app.store.set_finding_stage(&id, stage)?;
                return refresh(app, &id, format!("Stage {stage}"));
            }
            Row::Text(field) => {
                let label = format!(
                    "{} — {}",
                    d.finding.reference,
                    crate::tui::labels::finding_field(field)
                );
                let target = EditTarget::Finding {
                    id: d.finding.id.clone(),
                    field,
                };
                return app.edit(target, label);
            }
        },
        Action::Delete => {
            let (id, reference) = (d.finding.id.clone(), d.finding.reference.clone());
            let msg = format!(
                "Delete {reference} — {}? This cannot be undone.",
                d.finding.title
            );
            app.confirm(msg, Pending::DeleteFinding { id, reference });
        }
        _ => {}
    }
    Ok(None)
}

fn refresh(app: &mut App, id: &str, msg: String) -> store::Result<Option<Action>> {
    let f = app.store.finding(id)?;
    if let Some(Popup::Finding(d)) = app.popups.last_mut() {
        d.finding = f;
    }
    app.reload_findings()?;
    Ok(Some(Action::ShowInfo(msg)))
}

pub fn render(app: &App, d: &FindingDetailState, f: &mut Frame, area: Rect) {
    let t: &Theme = &app.theme;
    let fd = &d.finding;
    let rect = centered(
        area,
        area.width.saturating_sub(6).clamp(20, 110),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, rect);
    let clause_title = app
        .data
        .as_ref()
        .and_then(|x| x.catalogue.get(&fd.clause_id))
        .map(|c| inert(&c.title).into_owned())
        .unwrap_or_default();
    let clause_id = inert(&fd.clause_id);
    let block = Block::bordered()
        .title(Line::from(vec![
            Span::raw(" "),
            Span::styled(inert(&fd.reference).into_owned(), t.grade(fd.grade)),
            Span::raw(format!(
                " · clause {} {} · stage {} ",
                clause_id, clause_title, fd.stage
            )),
        ]))
        .title_bottom(" ↑↓ field · Enter edit · g grade · s status · D delete · Esc close ");
    let mut lines = Vec::new();
    for (i, row) in ROWS.iter().enumerate() {
        let sel = i == d.row;
        let label_style = if sel { t.selected() } else { t.key() };
        let (label, value, vstyle) = match row {
            Row::Grade => ("Grade", fd.grade.label().to_string(), t.grade(fd.grade)),
            Row::Clause => (
                "Clause",
                format!("{clause_id} {clause_title}"),
                ratatui::style::Style::default(),
            ),
            Row::Stage => (
                "Stage",
                format!("Stage {}", fd.stage),
                ratatui::style::Style::default(),
            ),
            Row::Status => (
                "Status",
                fd.status.label().to_string(),
                t.finding_status(fd.status),
            ),
            Row::Text(field) => (
                crate::tui::labels::finding_field(*field),
                field.get(fd).to_string(),
                ratatui::style::Style::default(),
            ),
        };
        let value = inert_lines(&value);
        let mut value_lines = value.split('\n');
        let first = value_lines.next().unwrap_or("");
        lines.push(Line::from(vec![
            Span::styled(format!("{label:>18}"), label_style),
            Span::raw("  "),
            Span::styled(
                if first.is_empty() && matches!(row, Row::Text(_)) {
                    "—".to_string()
                } else {
                    first.to_string()
                },
                vstyle,
            ),
        ]));
        for more in value_lines {
            lines.push(Line::raw(format!("{:>20}{more}", "")));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{:>20}raised {} · updated {}",
            "", fd.created_at, fd.updated_at
        ),
        t.dim(),
    ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
