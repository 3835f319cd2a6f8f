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
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::{Effect, Slice, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::checklist::{CheckFor, ChecklistState};
use crate::tui::popups::picker::PickerState;
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;

/// The rows of the finding editor, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Grade,
    Status,
    Clause,
    Stage,
    /// The samples it cites.
    Samples,
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
    Row::Samples,
    Row::Text(FindingField::Correction),
    Row::Text(FindingField::RootCause),
    Row::Text(FindingField::CorrectiveAction),
    Row::Text(FindingField::DueDate),
    Row::Text(FindingField::VerifiedOn),
    Row::Text(FindingField::VerifiedBy),
    Row::Text(FindingField::VerificationMethod),
    Row::Text(FindingField::VerificationEvidence),
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

impl FindingDetailState {
    /// After a write: show the finding as stored, reload the lists.
    fn changed(&self, ctx: &mut Ctx, msg: String) -> store::Result<Vec<Effect>> {
        let f = ctx.store.finding(&self.finding.id)?;
        Ok(vec![
            Effect::Refreshed(Box::new(f)),
            Effect::Reload(Slice::Findings),
            Effect::Info(msg),
        ])
    }
}

impl Component for FindingDetailState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let d = &self.finding;
        match action {
            Action::Up => self.row = self.row.saturating_sub(1),
            Action::Down => self.row = (self.row + 1).min(ROWS.len() - 1),
            Action::Back => return one(Effect::Close(Which::Top)),
            Action::ShowHistory => {
                return one(crate::tui::views::findings::history_popup(ctx.store, d)?)
            }
            Action::PickGrade => {
                let scale = ctx.store.audit_scale(&d.audit_id)?;
                return one(Effect::Push(Popup::Picker(Box::new(PickerState::grade(
                    &d.reference,
                    &d.id,
                    d.grade,
                    &scale,
                )))));
            }
            Action::PickStatus if !d.grade.is_nonconformity() => {
                // the domain's one-line reason: only nonconformities have one
                let why = d.check_status(d.status).err().unwrap_or_default();
                return one(Effect::Info(why));
            }
            Action::PickStatus => {
                return one(Effect::Push(Popup::Picker(Box::new(
                    PickerState::finding_status(&d.reference, &d.id, d.status),
                ))))
            }
            Action::CiteSamples => {
                let Some(data) = &mut ctx.model.data else {
                    return none();
                };
                // a large audit's samples still being indexed are waited for
                data.lists_arrived(true)?;
                if data.samples.is_empty() {
                    return one(Effect::Info(format!(
                        "No sample recorded in this audit yet: {} on a stage 2 clause records one",
                        ctx.model.keymap.key_of(Mode::Stage2, &Action::NewSample)
                    )));
                }
                let cited: Vec<String> = data
                    .citations
                    .iter()
                    .filter(|c| c.finding_id == d.id)
                    .map(|c| c.sample_id.clone())
                    .collect();
                let items = ctx
                    .store
                    .samples_by_rowid(&citable(data, &d.clause_id, &cited, ctx.store)?)?
                    .into_iter()
                    .map(|x| (x.id.clone(), x.label()))
                    .collect();
                return one(Effect::Push(Popup::Checklist(Box::new(
                    ChecklistState::new(
                        format!("Samples {} cites", d.reference),
                        items,
                        &cited,
                        CheckFor::FindingSamples {
                            finding_id: d.id.clone(),
                            reference: d.reference.clone(),
                        },
                    ),
                ))));
            }
            Action::Select => match ROWS[self.row] {
                Row::Samples => return self.handle(&Action::CiteSamples, ctx),
                Row::Grade => return self.handle(&Action::PickGrade, ctx),
                Row::Status => return self.handle(&Action::PickStatus, ctx),
                Row::Clause => {
                    return one(Effect::Edit {
                        label: format!("{} — clause", d.reference),
                        target: EditTarget::FindingClause { id: d.id.clone() },
                    })
                }
                Row::Stage => {
                    let stage = if d.stage == Stage::ONE {
                        Stage::TWO
                    } else {
                        Stage::ONE
                    };
                    ctx.store.set_finding_stage(&d.id, stage)?;
                    return self.changed(ctx, format!("Stage {stage}"));
                }
                Row::Text(field) => {
                    return one(Effect::Edit {
                        label: format!(
                            "{} — {}",
                            d.reference,
                            crate::tui::labels::finding_field(field)
                        ),
                        target: EditTarget::Finding {
                            id: d.id.clone(),
                            field,
                        },
                    })
                }
            },
            Action::Delete => {
                return one(Effect::Confirm {
                    message: format!(
                        "Delete {} — {}? This cannot be undone.",
                        d.reference, d.title
                    ),
                    pending: Pending::DeleteFinding {
                        id: d.id.clone(),
                        reference: d.reference.clone(),
                    },
                })
            }
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(d: &FindingDetailState, m: &Model, f: &mut Frame, area: Rect) {
    let t: &Theme = &m.theme;
    let fd = &d.finding;
    let rect = centered(
        area,
        area.width.saturating_sub(6).clamp(20, 110),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, rect);
    let clause_title = m
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
            Span::raw(if fd.formerly.is_empty() {
                String::new()
            } else {
                format!(" (formerly {})", inert(&fd.formerly))
            }),
            Span::raw(format!(
                " · clause {} {} · stage {} ",
                clause_id, clause_title, fd.stage
            )),
        ]))
        .title_bottom(
            m.keymap
                .footer(Mode::FindingDetail, rect.width.saturating_sub(4)),
        );
    let mut lines = Vec::new();
    let mut sel_at = 0usize;
    for (i, row) in ROWS.iter().enumerate() {
        let sel = i == d.row;
        if sel {
            // where the selected row starts, in wrapped screen lines
            sel_at = crate::tui::views::wrapped_height(&lines, rect.width);
        }
        let label_style = if sel { t.selected() } else { t.key() };
        let (label, value, vstyle) = match row {
            Row::Grade => (
                "Grade",
                m.data
                    .as_ref()
                    .map_or(fd.grade.label(), |x| x.scale.label(fd.grade))
                    .to_string(),
                t.grade(fd.grade),
            ),
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
            Row::Samples => (
                "Samples cited",
                m.data
                    .as_ref()
                    .map(|x| {
                        x.citations
                            .iter()
                            .filter(|c| c.finding_id == fd.id)
                            .map(|c| c.sample.as_str())
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default(),
                ratatui::style::Style::default(),
            ),
            Row::Status => match fd.closure_gap() {
                Some(gap) => ("Status", format!("Closed, but {gap}"), t.error()),
                None => (
                    "Status",
                    fd.status_label().to_string(),
                    t.finding_status(fd.status),
                ),
            },
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
                if first.is_empty() && matches!(row, Row::Text(_) | Row::Samples) {
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
    // keep the selected row in view on a small terminal
    let inner_h = rect.height.saturating_sub(2) as usize;
    let scroll = sel_at.saturating_sub(inner_h.saturating_sub(3)) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}

/// The samples a finding may cite, as row ids in the samples list's order:
/// every sample of an audit of a few thousand; of a larger one, the
/// samples of the finding's clause and those it cites already (a checklist
/// of 100 000 is not one anybody reads).
fn citable(
    data: &crate::tui::model::AuditData,
    clause: &str,
    cited: &[String],
    store: &store::Store,
) -> store::Result<Vec<i64>> {
    if data.samples.len() <= CITABLE_ALL {
        return Ok(data.samples.rowids(0, data.samples.len()).to_vec());
    }
    let list = &data.samples;
    let mut at = list.clause_positions(clause);
    for id in cited {
        if let Some(p) = store.sample_rowid(id)?.and_then(|r| list.position(r)) {
            at.push(p);
        }
    }
    at.sort_unstable();
    at.dedup();
    Ok(at
        .into_iter()
        .flat_map(|p| list.rowids(p, 1).iter().copied())
        .collect())
}

/// An audit with at most this many samples lists them all to cite.
const CITABLE_ALL: usize = 2_000;
