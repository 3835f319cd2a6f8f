//! The report's checklist: every item an audit report needs (ISO/IEC
//! 17021-1 9.4.8, ISO 19011 6.5.1), ticked when recorded, grouped as the
//! report is; the selected item in full on the right, and Enter fills it
//! (its editor, the audit's details, the recommendation, or the screen
//! where it is recorded). What is missing shows before the closing meeting.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, detail_scroll, moved, scroll_by, Screen};
use crate::domain::{report_items, Fill, ReportItem, Section};
use crate::store::{self, EditTarget};
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::{AuditData, Model};
use crate::tui::popups::form::FormState;
use crate::tui::popups::picker::PickerState;
use crate::tui::popups::Popup;

#[derive(Default)]
pub struct ReportView {
    pub selected: usize,
    /// How far the item pane is scrolled (J / K).
    pub detail_scroll: u16,
}

/// The report's items for the open audit.
pub fn items(d: &AuditData) -> Vec<ReportItem> {
    report_items(&d.audit, &d.context, &d.coverage(), d.interviews.len())
}

impl Component for ReportView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(d) = &ctx.model.data else {
            return none();
        };
        let all = items(d);
        self.selected = self.selected.min(all.len().saturating_sub(1));
        if scroll_by(action, &mut self.detail_scroll) {
            return none();
        }
        match action {
            Action::MakeReport => one(Effect::OpenForm(Box::new(FormState::make_report(
                &ctx.model.export_dir,
                &d.audit,
            )))),
            Action::MakePack => one(Effect::OpenForm(Box::new(FormState::make_pack(
                &ctx.model.export_dir,
                &d.audit,
            )))),
            Action::Select | Action::EditNotes => {
                let Some(item) = all.get(self.selected) else {
                    return none();
                };
                let a = &d.audit;
                match item.fill {
                    Fill::Context(i) => one(Effect::Edit {
                        target: EditTarget::Context {
                            audit_id: a.id.clone(),
                            item: i,
                        },
                        label: format!("Report — {}", i.label()),
                    }),
                    Fill::Details => one(Effect::OpenForm(Box::new(FormState::edit_audit(a)))),
                    Fill::Recommendation => one(Effect::Push(Popup::Picker(Box::new(
                        PickerState::decision(a),
                    )))),
                    Fill::Stage1 => one(Effect::Go(Screen::Stage1)),
                    Fill::Stage2 => one(Effect::Go(Screen::Stage2)),
                    Fill::Interviews => one(Effect::Go(Screen::Interviews)),
                }
            }
            a => {
                self.selected = moved(a, self.selected, all.len(), 10);
                self.detail_scroll = 0;
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        let Some(d) = &m.data else { return };
        let t = &m.theme;
        let all = items(d);
        let done = all.iter().filter(|i| i.done).count();
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area);
        // the list, with a heading line before each section
        let mut lines: Vec<Line> = Vec::new();
        let mut selected_line = 0usize;
        let mut section: Option<Section> = None;
        let w = left.width.saturating_sub(6) as usize;
        for (i, item) in all.iter().enumerate() {
            if section != Some(item.section) {
                section = Some(item.section);
                lines.push(Line::styled(item.section.label(), t.title()));
            }
            if i == self.selected {
                selected_line = lines.len();
            }
            let mark = if item.done {
                Span::styled("✓ ", t.info())
            } else {
                Span::styled("· ", t.error())
            };
            let line = Line::from(vec![Span::raw(" "), mark, Span::raw(cut(&item.label, w))]);
            lines.push(if i == self.selected {
                line.style(t.selected())
            } else {
                line
            });
        }
        let h = left.height.saturating_sub(2) as usize;
        let start = selected_line.saturating_sub(h.saturating_sub(1));
        f.render_widget(
            Paragraph::new(lines.into_iter().skip(start).take(h).collect::<Vec<_>>()).block(
                Block::bordered()
                    .title(format!(" Report — {done} of {} items recorded ", all.len())),
            ),
            left,
        );
        // the selected item in full
        let Some(item) = all.get(self.selected) else {
            return;
        };
        let enter = m.keymap.key_of(Mode::Report, &Action::Select);
        let (full, how) = match item.fill {
            Fill::Context(i) => (
                d.context.get(i).to_string(),
                format!("{enter} writes it. {}", i.hint()),
            ),
            Fill::Details => (
                item.detail.clone(),
                format!("{enter} edits the audit's details"),
            ),
            Fill::Recommendation => (
                format!("{}\n\n{}", item.detail, inert(&d.audit.recommendation_note)),
                format!(
                    "{enter} chooses it; {} on the overview writes the justification",
                    m.keymap.key_of(Mode::Overview, &Action::EditJustification)
                ),
            ),
            Fill::Stage1 => (item.detail.clone(), format!("{enter} goes to stage 1")),
            Fill::Stage2 => (item.detail.clone(), format!("{enter} goes to stage 2")),
            Fill::Interviews => (
                item.detail.clone(),
                format!("{enter} goes to the interviews"),
            ),
        };
        let mut body = vec![
            Line::styled(
                if item.done { "Recorded" } else { "Missing" },
                if item.done { t.info() } else { t.error() },
            ),
            Line::styled(how, t.dim()),
            Line::raw(""),
        ];
        if full.trim().is_empty() {
            body.push(Line::styled("—", t.dim()));
        }
        body.extend(full.lines().map(|l| Line::raw(inert(l).into_owned())));
        let scroll = detail_scroll(self.detail_scroll, &body, right);
        f.render_widget(
            Paragraph::new(body)
                .block(Block::bordered().title(format!(" {} ", item.label)))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            right,
        );
    }
}
