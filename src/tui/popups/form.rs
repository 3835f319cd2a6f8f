//! Forms that create things: an audit, a finding, an interview, a sample, and
//! the export path. What is typed is kept as a draft (also when the form is
//! closed with Esc) and comes back the next time the same form opens.

use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::finding::FindingDetailState;
use super::{centered, DraftTimer, Popup};
use crate::domain::{
    check_date, Audit, AuditType, Grade, Interview, NewAudit, NewFinding, Sample, SampleMethod,
    Stage,
};
use crate::store::{self, EditTarget, InterviewField};
use crate::tui::action::Action;
use crate::tui::app::{App, Screen};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    NewAudit,
    NewFinding,
    NewInterview,
    NewSample,
    Export,
    /// Reopen a reported audit: the reason goes into the audit trail.
    Reopen,
}

impl FormKind {
    fn draft_kind(self) -> Option<&'static str> {
        match self {
            FormKind::NewAudit => Some("audit"),
            FormKind::NewFinding => Some("finding"),
            FormKind::NewInterview => Some("interview"),
            FormKind::NewSample => Some("sample"),
            FormKind::Export => None,
            FormKind::Reopen => Some("reopen"),
        }
    }

    pub fn from_draft_kind(s: &str) -> Option<FormKind> {
        [
            FormKind::NewAudit,
            FormKind::NewFinding,
            FormKind::NewInterview,
            FormKind::NewSample,
            FormKind::Reopen,
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
}

fn enum_options<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

fn grade_options() -> Vec<(String, String)> {
    enum_options(Grade::ALL, Grade::code, Grade::label)
}

impl FormState {
    fn new(kind: FormKind, title: &str, fields: Vec<Field>) -> Self {
        FormState {
            kind,
            title: title.to_string(),
            fields,
            focus: 0,
            draft: DraftTimer::default(),
        }
    }

    /// The form for `kind`, with defaults taken from where the user is.
    pub fn for_kind(app: &App, kind: FormKind) -> FormState {
        match kind {
            FormKind::NewAudit => Self::new_audit(),
            FormKind::NewFinding => {
                let clause = app.current_clause().unwrap_or_default();
                Self::new_finding(app, &clause, Stage::TWO, Grade::Minor, "")
            }
            FormKind::NewInterview => Self::new_interview(app),
            FormKind::NewSample => Self::new_sample(app),
            FormKind::Reopen => Self::new(
                FormKind::Reopen,
                "Reopen the reported audit",
                vec![Field::text(
                    "reason",
                    "Reason (kept in the audit trail)",
                    "",
                )],
            ),
            FormKind::Export => match &app.data {
                Some(d) => Self::export(&app.export_dir, &d.audit, &app.store.now()),
                None => Self::new(FormKind::Export, "Export", vec![]),
            },
        }
    }

    pub fn new_audit() -> FormState {
        Self::new(
            FormKind::NewAudit,
            "New audit",
            vec![
                Field::text("organisation", "Organisation", ""),
                Field::choice(
                    "audit_type",
                    "Audit type",
                    enum_options(AuditType::ALL, AuditType::code, AuditType::label),
                    "stage2",
                ),
                Field::choice(
                    "edition",
                    "Edition",
                    vec![
                        ("2018".into(), "ISO/IEC 20000-1:2018".into()),
                        ("2011".into(), "ISO/IEC 20000-1:2011 (legacy)".into()),
                    ],
                    "2018",
                ),
                Field::text("scope", "Scope", ""),
                Field::text("certification_body", "Certification body", ""),
                Field::text("lead_auditor", "Lead auditor", ""),
                Field::text("team", "Team", ""),
                Field::text("start_date", "Start (YYYY-MM-DD)", ""),
                Field::text("end_date", "End (YYYY-MM-DD)", ""),
            ],
        )
    }

    pub fn new_finding(
        app: &App,
        clause: &str,
        stage: Stage,
        grade: Grade,
        title: &str,
    ) -> FormState {
        let edition = app
            .data
            .as_ref()
            .map(|d| d.audit.edition.clone())
            .unwrap_or_default();
        let requirement = if clause.is_empty() {
            String::new()
        } else {
            format!("ISO/IEC 20000-1:{edition} {clause}")
        };
        Self::new(
            FormKind::NewFinding,
            "New finding",
            vec![
                Field::choice("grade", "Grade", grade_options(), grade.code()),
                Field::text("title", "Title", title),
                Field::text("clause", "Clause", clause),
                Field::choice(
                    "stage",
                    "Stage",
                    vec![
                        ("1".into(), "Stage 1".into()),
                        ("2".into(), "Stage 2".into()),
                    ],
                    &stage.to_string(),
                ),
                Field::text("requirement", "Requirement", &requirement),
                Field::text("statement", "Statement", ""),
                Field::text("evidence", "Objective evidence", ""),
                Field::text("due_date", "Due (YYYY-MM-DD)", ""),
            ],
        )
    }

    pub fn new_interview(app: &App) -> FormState {
        let now = app.now_local_minutes();
        let clause = app.current_clause().unwrap_or_default();
        Self::new(
            FormKind::NewInterview,
            "New interview",
            vec![
                Field::text("interviewee", "Interviewee", ""),
                Field::text("role", "Role", ""),
                Field::text("held_at", "When", &now),
                Field::text("clauses", "Clauses covered", &clause),
            ],
        )
    }

    pub fn new_sample(app: &App) -> FormState {
        let clause = app.current_clause().unwrap_or_default();
        Self::new(
            FormKind::NewSample,
            "New sample (ISO 19011 A.6)",
            vec![
                Field::text("clause", "Clause", &clause),
                Field::text("population", "Population", ""),
                Field::choice(
                    "method",
                    "Method",
                    enum_options(SampleMethod::ALL, SampleMethod::code, SampleMethod::label),
                    "judgement",
                ),
                Field::text("size", "Size", ""),
                Field::text("items", "Items seen", ""),
                Field::text("result", "Result", ""),
            ],
        )
    }

    pub fn export(dir: &Path, audit: &Audit, now: &str) -> FormState {
        let slug: String = audit
            .organisation
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let date = now.get(..10).unwrap_or("findings");
        let path = dir.join(format!("{slug}-findings-{date}.csv"));
        Self::new(
            FormKind::Export,
            "Export the findings CSV",
            vec![Field::text("path", "Write to", &path.display().to_string())],
        )
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

    pub fn input(&mut self, ev: KeyEvent) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut field.input {
            Input::Choice { options, idx } => {
                let n = options.len().max(1);
                match ev.code {
                    KeyCode::Right | KeyCode::Char(' ') | KeyCode::Char('l') => {
                        *idx = (*idx + 1) % n
                    }
                    KeyCode::Left | KeyCode::Char('h') => *idx = (*idx + n - 1) % n,
                    _ => return,
                }
                self.draft.touched();
            }
            Input::Text(t) => {
                if t.input(ev) {
                    self.draft.touched();
                }
            }
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

    /// Where this form's draft is kept (none for the export form).
    pub fn draft_target(&self, audit_id: Option<&str>) -> Option<EditTarget> {
        let kind = self.kind.draft_kind()?;
        let audit_id = if self.kind == FormKind::NewAudit {
            ""
        } else {
            audit_id?
        };
        Some(EditTarget::Form {
            audit_id: audit_id.to_string(),
            kind: kind.to_string(),
        })
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

/// Act on a submitted form. Errors leave the form open (and its draft kept).
pub fn submit(app: &mut App, kind: &FormKind, v: &FormValues) -> store::Result<Option<Action>> {
    let get = |name: &str| v.get(name);
    match kind {
        FormKind::NewAudit => {
            let edition = get("edition");
            let catalogue_id = crate::catalogue::builtin_id_for_edition(&edition)
                .ok_or_else(|| store::Error::Invalid(format!("unknown edition {edition:?}")))?;
            let audit = app.store.create_audit(&NewAudit {
                organisation: get("organisation"),
                audit_type: AuditType::parse(&get("audit_type"))?,
                edition,
                catalogue_id: catalogue_id.to_string(),
                scope: get("scope"),
                certification_body: get("certification_body"),
                lead_auditor: get("lead_auditor"),
                team: get("team"),
                start_date: get("start_date"),
                end_date: get("end_date"),
            })?;
            app.open_audit(&audit.id)?;
            Ok(Some(Action::ShowInfo(format!(
                "Created the audit of {}",
                audit.organisation
            ))))
        }
        FormKind::NewFinding => {
            let Some(data) = &app.data else {
                return Ok(None);
            };
            let audit_id = data.audit.id.clone();
            let lead = data.audit.lead_auditor.clone();
            check_date("due date", &get("due_date")).map_err(store::Error::Invalid)?;
            let f = app.store.add_finding(
                &audit_id,
                &NewFinding {
                    grade: Grade::parse(&get("grade"))?,
                    title: get("title"),
                    clause_id: get("clause"),
                    stage: Stage::new(get("stage").parse().unwrap_or(2))?,
                    requirement: get("requirement"),
                    statement: v.raw("statement"),
                    evidence: v.raw("evidence"),
                    due_date: get("due_date"),
                    raised_by: lead,
                },
            )?;
            app.reload_findings()?;
            app.finder_refresh(&f.id)?;
            let msg = format!("Raised {} — {}", f.reference, f.title);
            app.popups
                .push(Popup::Finding(Box::new(FindingDetailState::new(f))));
            Ok(Some(Action::ShowInfo(msg)))
        }
        FormKind::NewInterview => {
            let Some(data) = &app.data else {
                return Ok(None);
            };
            let i = app.store.save_interview(&Interview {
                id: String::new(),
                audit_id: data.audit.id.clone(),
                interviewee: get("interviewee"),
                role: get("role"),
                held_at: get("held_at"),
                clauses: get("clauses"),
                notes: String::new(),
                created_at: String::new(),
                updated_at: String::new(),
            })?;
            app.reload_interviews()?;
            if let Some(d) = &app.data {
                if let Some(pos) = d.interviews.iter().position(|x| x.id == i.id) {
                    app.interviews.selected = pos;
                }
            }
            app.screen = Screen::Interviews;
            let label = format!("Notes of the interview with {}", i.interviewee);
            app.edit(
                EditTarget::Interview {
                    id: i.id,
                    field: InterviewField::Notes,
                },
                label,
            )?;
            Ok(Some(Action::ShowInfo(
                "Interview recorded: write the notes, Esc when done".into(),
            )))
        }
        FormKind::NewSample => {
            let Some(data) = &app.data else {
                return Ok(None);
            };
            let size = get("size");
            let size: u32 = if size.is_empty() {
                0
            } else {
                size.parse().map_err(|_| {
                    store::Error::Invalid(format!(
                        "sample size {size:?} is not a whole number; type e.g. 5"
                    ))
                })?
            };
            let s = app.store.save_sample(&Sample {
                id: String::new(),
                audit_id: data.audit.id.clone(),
                clause_id: get("clause"),
                population: get("population"),
                method: SampleMethod::parse(&get("method"))?,
                size,
                items: get("items"),
                result: get("result"),
                created_at: String::new(),
                updated_at: String::new(),
            })?;
            app.reload_interviews()?;
            Ok(Some(Action::ShowInfo(format!(
                "Sample recorded for {}",
                s.clause_id
            ))))
        }
        FormKind::Export => {
            let Some(data) = &app.data else {
                return Ok(None);
            };
            // A relative path is relative to the folder the form proposed.
            let path = app.export_dir.join(get("path"));
            if get("path").is_empty() {
                return Err(store::Error::Invalid("give a file path for the CSV".into()));
            }
            let rows = crate::export::csv::export_to_file(&app.store, &data.audit, false, &path)?;
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                app.export_dir = dir.to_path_buf();
            }
            Ok(Some(Action::ShowInfo(format!(
                "Wrote {rows} findings to {}",
                path.display()
            ))))
        }
        FormKind::Reopen => {
            let Some(data) = &app.data else {
                return Ok(None);
            };
            let id = data.audit.id.clone();
            app.store.reopen_audit(&id, &get("reason"))?;
            app.open_audit(&id)?;
            Ok(Some(Action::ShowInfo(
                "Reopened the audit; the reason is in its audit trail".into(),
            )))
        }
    }
}

pub fn render(app: &App, s: &FormState, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let h = (s.fields.len() as u16) + 4;
    let rect = centered(area, area.width.saturating_sub(8).clamp(20, 90), h);
    f.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(format!(" {} ", crate::tui::text::inert(&s.title)))
        .title_bottom(" Tab/Enter next · Ctrl-S save · Esc close (kept) ");
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
