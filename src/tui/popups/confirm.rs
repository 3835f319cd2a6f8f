//! Asks before anything destructive.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, Component, Ctx};
use crate::tui::effect::{Effect, Slice, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

/// What happens on "yes".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Save the form under the question, as it is.
    SaveForm,
    DeleteFinding {
        id: String,
        reference: String,
    },
    DeleteSample {
        id: String,
        what: String,
    },
    DeletePlanSlot {
        audit_id: String,
        id: String,
        what: String,
    },
    DeleteInterview {
        id: String,
        who: String,
    },
    ReportAudit {
        id: String,
    },
    /// Regrade a finding (across kinds its reference changes).
    Regrade {
        id: String,
        grade: crate::domain::Grade,
    },
    /// A clause's stage 2 result (conforming although it has open NCs).
    ClauseResult {
        audit_id: String,
        clause_id: String,
        result: crate::domain::ClauseResult,
    },
}

impl Pending {
    /// What the status bar says when the user answers no.
    pub fn cancelled(&self) -> &'static str {
        match self {
            Pending::DeleteFinding { .. }
            | Pending::DeleteInterview { .. }
            | Pending::DeleteSample { .. }
            | Pending::DeletePlanSlot { .. } => "Nothing deleted",
            Pending::ReportAudit { .. }
            | Pending::SaveForm
            | Pending::Regrade { .. }
            | Pending::ClauseResult { .. } => "Nothing changed",
        }
    }
}

pub struct ConfirmState {
    pub message: String,
    pub pending: Pending,
}

impl Pending {
    /// Do it (the user said yes).
    pub fn run(self, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        match self {
            Pending::SaveForm => Ok(vec![Effect::SaveConfirmedForm]),
            Pending::Regrade { id, grade } => {
                let before = ctx.store.finding(&id)?;
                let f = ctx.store.set_finding_grade(&id, grade)?;
                let scale = ctx.store.audit_scale(&f.audit_id)?;
                let msg = if f.reference == before.reference {
                    format!("{}: {}", f.reference, scale.label(grade))
                } else {
                    format!(
                        "{} is now {} ({}; formerly {})",
                        before.reference,
                        f.reference,
                        scale.label(grade),
                        before.reference
                    )
                };
                Ok(vec![
                    Effect::Refreshed(Box::new(f)),
                    Effect::Reload(Slice::Findings),
                    Effect::Info(msg),
                ])
            }
            Pending::ClauseResult {
                audit_id,
                clause_id,
                result,
            } => {
                let mut r =
                    ctx.store
                        .clause_review(&audit_id, &clause_id, crate::domain::Stage::TWO)?;
                r.result = result;
                ctx.store.save_clause_review(&r)?;
                Ok(vec![
                    Effect::Reload(Slice::Reviews),
                    Effect::Info(format!("{clause_id}: {}", result.label())),
                ])
            }
            Pending::DeleteFinding { id, reference } => {
                ctx.store.delete_finding(&id)?;
                Ok(vec![
                    Effect::Close(Which::FindingOnTop),
                    Effect::Reload(Slice::Findings),
                    Effect::Info(format!("Deleted {reference}")),
                ])
            }
            Pending::DeleteInterview { id, who } => {
                ctx.store.delete_interview(&id)?;
                Ok(vec![
                    Effect::Reload(Slice::Interviews),
                    Effect::Info(format!("Deleted the interview with {who}")),
                ])
            }
            Pending::DeleteSample { id, what } => {
                ctx.store.delete_sample(&id)?;
                Ok(vec![
                    Effect::Reload(Slice::Interviews),
                    Effect::Info(format!("Deleted the sample of {what}")),
                ])
            }
            Pending::DeletePlanSlot { audit_id, id, what } => {
                ctx.store.delete_plan_slot(&audit_id, &id)?;
                Ok(vec![
                    Effect::Reload(Slice::Plan),
                    Effect::Info(format!("Removed {what} from the plan")),
                ])
            }
            Pending::ReportAudit { id } => {
                ctx.store.report_audit(&id)?;
                let reopen = ctx
                    .model
                    .keymap
                    .key_of(Mode::Overview, &Action::ReportAudit);
                Ok(vec![
                    Effect::OpenAudit(id),
                    Effect::Info(format!(
                        "The audit is reported: its findings and records are now read-only ({reopen} reopens it)"
                    )),
                ])
            }
        }
    }
}

impl Component for ConfirmState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        match action {
            Action::Confirm => {
                let mut effects = vec![Effect::Close(Which::Top)];
                effects.extend(self.pending.clone().run(ctx)?);
                Ok(effects)
            }
            Action::Cancel => Ok(vec![
                Effect::Close(Which::Top),
                Effect::Info(self.pending.cancelled().into()),
            ]),
            _ => none(),
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(c: &ConfirmState, m: &Model, f: &mut Frame, area: Rect) {
    let message = crate::tui::text::inert(&c.message).into_owned();
    // tall enough for the whole question, wrapped (words can push a line
    // over: a line spare), the answers and the borders
    let w = 60u16.min(area.width);
    let inner = w.saturating_sub(2).max(1) as usize;
    let text_lines = (message.chars().count() / inner + 2) as u16;
    let rect = centered(area, w, text_lines + 4);
    f.render_widget(Clear, rect);
    let lines = vec![
        Line::raw(message),
        Line::raw(""),
        Line::styled(
            format!(
                "{}  yes        {}  no",
                m.keymap.key_of(Mode::Confirm, &Action::Confirm),
                m.keymap.key_of(Mode::Confirm, &Action::Cancel)
            ),
            m.theme.key(),
        ),
    ];
    let block = Block::bordered().title(" Confirm ");
    f.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        rect,
    );
}
