//! Forms that create things: an audit, a finding, an interview, a sample, and
//! the export path. What is typed is kept as a draft (also when the form is
//! closed with Esc) and comes back the next time the same form opens.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use tui_textarea::TextArea;

mod specs;
mod submit;

pub use specs::{grade_options, Here};

use super::centered;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::drafts::DraftTimer;
use crate::tui::effect::{Effect, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    NewAudit,
    NewFinding,
    NewInterview,
    NewSample,
    Export,
    /// Reopen a reported audit: the reason goes into the audit trail.
    Reopen,
    /// Change the open audit's details.
    EditAudit,
    /// Delete an audit: its organisation's name is typed to confirm.
    DeleteAudit,
    /// Write the audit report (HTML, Markdown or Word).
    MakeReport,
    /// Write the hand-over pack into a new folder.
    MakePack,
    /// A follow-up audit of the audit in `subject`.
    FollowUp,
    /// What this audit found about the carried finding in `subject`.
    CarriedOutcome,
    /// A slot of the audit plan: a new one, or the one whose id is in `subject`.
    PlanSlot,
    /// The every-visit clauses of the client whose id is in `subject`.
    EveryVisit,
    /// A rehearsal question not applicable, with its reason; `subject` is
    /// "CLAUSE/QUESTION".
    NotApplicable,
    /// What is planned about a rehearsal's gap; `subject` is "kind:key".
    Gap,
    /// Merge a teammate's team file into the open audit.
    TeamMerge,
    /// Write a team file of the open audit.
    TeamShare,
    /// Settle a team conflict; `subject` is its number.
    Settle,
}

impl FormKind {
    pub fn draft_kind(self) -> Option<&'static str> {
        match self {
            FormKind::NewAudit => Some("audit"),
            FormKind::NewFinding => Some("finding"),
            FormKind::NewInterview => Some("interview"),
            FormKind::NewSample => Some("sample"),
            FormKind::Export => None,
            FormKind::Reopen => Some("reopen"),
            FormKind::EditAudit => Some("audit_details"),
            FormKind::DeleteAudit
            | FormKind::MakeReport
            | FormKind::MakePack
            | FormKind::FollowUp
            | FormKind::CarriedOutcome
            | FormKind::PlanSlot
            | FormKind::EveryVisit
            | FormKind::NotApplicable
            | FormKind::Gap
            | FormKind::TeamMerge
            | FormKind::TeamShare
            | FormKind::Settle => None,
        }
    }

    pub fn from_draft_kind(s: &str) -> Option<FormKind> {
        [
            FormKind::NewAudit,
            FormKind::NewFinding,
            FormKind::NewInterview,
            FormKind::NewSample,
            FormKind::Reopen,
            FormKind::EditAudit,
        ]
        .into_iter()
        .find(|k| k.draft_kind() == Some(s))
    }
}

pub enum Input {
    Text(Box<TextArea<'static>>),
    Choice {
        options: Vec<(String, String)>,
        idx: usize,
    },
}

pub struct Field {
    /// The field's stable name: what `submit` reads and drafts are keyed by,
    /// so reordering fields never moves a value into another field.
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
}

impl Field {
    fn text(name: &'static str, label: &'static str, value: &str) -> Field {
        let mut ta = TextArea::new(vec![value.to_string()]);
        ta.move_cursor(tui_textarea::CursorMove::End);
        ta.set_cursor_line_style(ratatui::style::Style::default());
        Field {
            name,
            label,
            input: Input::Text(Box::new(ta)),
        }
    }

    fn choice(
        name: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
        selected: &str,
    ) -> Field {
        let idx = options.iter().position(|(c, _)| c == selected).unwrap_or(0);
        Field {
            name,
            label,
            input: Input::Choice { options, idx },
        }
    }

    pub fn value(&self) -> String {
        match &self.input {
            Input::Text(t) => t.lines().join(" "),
            Input::Choice { options, idx } => {
                options.get(*idx).map(|o| o.0.clone()).unwrap_or_default()
            }
        }
    }

    fn set(&mut self, v: &str) {
        match &mut self.input {
            Input::Text(t) => {
                **t = TextArea::new(vec![v.to_string()]);
                t.move_cursor(tui_textarea::CursorMove::End);
                t.set_cursor_line_style(ratatui::style::Style::default());
            }
            Input::Choice { options, idx } => {
                if let Some(i) = options.iter().position(|(c, _)| c == v) {
                    *idx = i;
                }
            }
        }
    }
}

/// What a form holds, by field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues(std::collections::BTreeMap<&'static str, String>);

impl FormValues {
    /// A field's value, trimmed ("" when the form has no such field).
    pub fn get(&self, name: &str) -> String {
        self.raw(name).trim().to_string()
    }

    /// A field's value as typed.
    pub fn raw(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }
}

pub struct FormState {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub draft: DraftTimer,
    /// What the form is about, beyond the open audit: the stage 1 document
    /// a new finding is raised on (its key), the audit to delete (its id).
    pub subject: String,
    /// The auditor said yes to what the form asks before saving (a stage 1
    /// finding graded as a nonconformity).
    pub confirmed: bool,
}

impl FormState {
    pub(crate) fn new(kind: FormKind, title: &str, fields: Vec<Field>) -> Self {
        FormState {
            kind,
            title: title.to_string(),
            fields,
            focus: 0,
            draft: DraftTimer::default(),
            subject: String::new(),
            confirmed: false,
        }
    }

    /// This new finding is raised on a stage 1 document.
    pub fn on_document(mut self, doc_key: &str, name: &str) -> Self {
        self.subject = doc_key.to_string();
        self.title = format!("New finding on {name}");
        self
    }

    pub fn on_last_field(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    pub fn next_field(&mut self) {
        if !self.on_last_field() {
            self.focus += 1;
        }
    }

    pub fn prev_field(&mut self) {
        self.focus = self.focus.saturating_sub(1);
    }

    /// The mode keys are read in: a choice field has keys of its own.
    pub fn mode(&self) -> Mode {
        match self.fields.get(self.focus).map(|f| &f.input) {
            Some(Input::Choice { .. }) => Mode::FormChoice,
            _ => Mode::Form,
        }
    }

    /// A key no binding took: typed into the focused text field.
    pub fn input(&mut self, ev: KeyEvent) {
        if let Some(Input::Text(t)) = self.fields.get_mut(self.focus).map(|f| &mut f.input) {
            if super::textfield::type_key(t, ev) {
                self.draft.touched();
            }
        }
    }

    /// A text-editing action on the focused text field.
    fn edit(&mut self, action: &Action) {
        if let Some(Input::Text(t)) = self.fields.get_mut(self.focus).map(|f| &mut f.input) {
            if super::textfield::edit(t, action, false) {
                self.draft.touched();
            }
        }
    }

    /// Move a choice field's value by `step` (+1 next, -1 previous).
    fn choose(&mut self, step: isize) {
        if let Some(Input::Choice { options, idx }) =
            self.fields.get_mut(self.focus).map(|f| &mut f.input)
        {
            let n = options.len().max(1) as isize;
            *idx = ((*idx as isize + step).rem_euclid(n)) as usize;
            self.draft.touched();
        }
    }

    /// Pasted text into the focused field; false on a choice field, which
    /// takes no text.
    pub fn paste(&mut self, text: &str) -> bool {
        match self.fields.get_mut(self.focus).map(|f| &mut f.input) {
            Some(Input::Text(t)) => {
                if t.insert_str(text) {
                    self.draft.touched();
                }
                true
            }
            _ => false,
        }
    }

    pub fn values(&self) -> FormValues {
        FormValues(self.fields.iter().map(|f| (f.name, f.value())).collect())
    }

    /// Where this form's draft is kept (none for the export form): the
    /// draft key `form/AUDIT/KIND` (see `tui::drafts`).
    pub fn draft_key(&self, audit_id: Option<&str>) -> Option<String> {
        let kind = self.kind.draft_kind()?;
        let audit_id = if self.kind == FormKind::NewAudit {
            ""
        } else {
            audit_id?
        };
        Some(crate::tui::drafts::form_key(audit_id, kind))
    }

    /// The draft of what is typed: a JSON object by field name.
    pub fn draft_text(&self) -> String {
        let map: std::collections::BTreeMap<&str, String> =
            self.fields.iter().map(|f| (f.name, f.value())).collect();
        serde_json::to_string(&map).unwrap_or_default()
    }

    /// Put a draft back, field by field by name: a field the draft does not
    /// know keeps its default, a name the form no longer has is dropped. A
    /// draft from before fields had names (values joined by U+001E) is
    /// read by position.
    pub fn restore(&mut self, text: &str) {
        match serde_json::from_str::<std::collections::BTreeMap<String, String>>(text) {
            Ok(map) => {
                for field in &mut self.fields {
                    if let Some(v) = map.get(field.name) {
                        field.set(v);
                    }
                }
            }
            Err(_) => {
                for (field, v) in self.fields.iter_mut().zip(text.split('\u{1e}')) {
                    field.set(v);
                }
            }
        }
    }
}

impl Component for FormState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        match action {
            a if a.is_text_edit() => {
                self.edit(a);
                none()
            }
            Action::NextField => {
                self.next_field();
                one(Effect::SaveDrafts)
            }
            Action::PrevField => {
                self.prev_field();
                one(Effect::SaveDrafts)
            }
            Action::NextOrSave if !self.on_last_field() => {
                self.next_field();
                one(Effect::SaveDrafts)
            }
            Action::NextChoice => {
                self.choose(1);
                none()
            }
            Action::PrevChoice => {
                self.choose(-1);
                none()
            }
            Action::Save | Action::NextOrSave => {
                let v = self.values();
                let nc = matches!(v.get("grade").as_str(), "major" | "minor");
                if self.kind == FormKind::NewFinding
                    && v.get("stage") == "1"
                    && nc
                    && !self.confirmed
                {
                    return one(Effect::Confirm {
                        message: "Raise a nonconformity at stage 1? What the documentation review finds is usually recorded as a stage 1 concern (an area of concern) for stage 2 to follow up.".into(),
                        pending: super::confirm::Pending::SaveForm,
                    });
                }
                let key = self.draft_key(ctx.model.audit_id());
                match submit::submit(ctx, self.kind, &self.values(), &self.subject) {
                    Ok(mut effects) => {
                        if let Some(k) = key {
                            ctx.store.delete_draft(&k)?;
                        }
                        effects.push(Effect::Close(Which::Form));
                        effects.push(Effect::NextRecovery);
                        Ok(effects)
                    }
                    Err(e) => one(Effect::Error(e.to_string())),
                }
            }
            Action::Cancel => Ok(vec![Effect::SaveDrafts, Effect::Close(Which::Top)]),
            _ => none(),
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(s: &FormState, m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.theme;
    let h = (s.fields.len() as u16) + 4;
    let rect = centered(area, area.width.saturating_sub(8).clamp(20, 90), h);
    f.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(format!(" {} ", crate::tui::text::inert(&s.title)))
        .title_bottom(m.keymap.footer(s.mode(), rect.width.saturating_sub(4)));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let rows = Layout::vertical(s.fields.iter().map(|_| Constraint::Length(1))).split(inner);
    for (i, (field, row)) in s.fields.iter().zip(rows.iter()).enumerate() {
        let [label_area, value_area] =
            Layout::horizontal([Constraint::Length(21), Constraint::Min(1)]).areas(*row);
        let focused = i == s.focus;
        let label_style = if focused { t.key() } else { t.dim() };
        f.render_widget(
            Paragraph::new(Span::styled(format!("{:>19}: ", field.label), label_style)),
            label_area,
        );
        match &field.input {
            Input::Text(ta) => {
                if focused {
                    f.render_widget(&**ta, value_area);
                } else {
                    f.render_widget(Paragraph::new(field.value()), value_area);
                }
            }
            Input::Choice { options, idx } => {
                let label = options.get(*idx).map(|o| o.1.as_str()).unwrap_or("");
                let line = if focused {
                    Line::from(vec![
                        Span::styled("◀ ", t.key()),
                        Span::styled(label, t.selected()),
                        Span::styled(" ▶", t.key()),
                    ])
                } else {
                    Line::raw(label.to_string())
                };
                f.render_widget(Paragraph::new(line), value_area);
            }
        }
    }
}
