//! A value chosen from a list: grades, statuses, results. Every value is
//! shown; the current one is marked and selected, so Enter on it changes
//! nothing; arrows and Enter, or the first letter or number of a value,
//! choose. Nothing is ever cycled by a key.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::confirm::Pending;
use super::{centered, enum_options};
use crate::domain::{ClauseResult, ClauseStatus, DocStatus, FindingStatus, Grade, Stage};
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, Component, Ctx};
use crate::tui::effect::{Effect, Slice, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

/// What the chosen value is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickFor {
    SampleMethod {
        id: String,
    },
    FindingGrade {
        id: String,
    },
    FindingStatus {
        id: String,
    },
    DocStatus {
        audit_id: String,
        doc_key: String,
        clause_id: String,
    },
    ClauseStatus {
        audit_id: String,
        clause_id: String,
    },
    ClauseResult {
        audit_id: String,
        clause_id: String,
    },
    Decision {
        audit_id: String,
    },
    /// Who is working (a name of the team).
    Auditor {
        audit_id: String,
    },
    /// Which carried finding to record an outcome for.
    Carried {
        audit_id: String,
    },
}

pub struct PickerState {
    pub title: String,
    /// (code, label) of every value, in order.
    pub options: Vec<(String, String)>,
    /// The value it had when the picker opened.
    pub current: usize,
    pub selected: usize,
    pub target: PickFor,
}

impl PickerState {
    fn new(title: String, options: Vec<(String, String)>, current: &str, target: PickFor) -> Self {
        let current = options.iter().position(|(c, _)| c == current).unwrap_or(0);
        PickerState {
            title,
            options,
            current,
            selected: current,
            target,
        }
    }

    pub fn grade(reference: &str, id: &str, grade: Grade, scale: &crate::domain::Scale) -> Self {
        Self::new(
            format!("Grade of {reference}"),
            crate::tui::popups::form::grade_options(scale),
            grade.code(),
            PickFor::FindingGrade { id: id.to_string() },
        )
    }

    pub fn finding_status(reference: &str, id: &str, status: FindingStatus) -> Self {
        Self::new(
            format!("Status of {reference}"),
            enum_options(
                FindingStatus::ALL,
                FindingStatus::code,
                FindingStatus::label,
            ),
            status.code(),
            PickFor::FindingStatus { id: id.to_string() },
        )
    }

    pub fn doc_status(name: &str, status: DocStatus, at: PickFor) -> Self {
        Self::new(
            format!("Status of {name}"),
            enum_options(DocStatus::ALL, DocStatus::code, DocStatus::label),
            status.code(),
            at,
        )
    }

    pub fn clause_status(clause_id: &str, status: ClauseStatus, at: PickFor) -> Self {
        Self::new(
            format!("Stage 2 status of {clause_id}"),
            enum_options(ClauseStatus::ALL, ClauseStatus::code, ClauseStatus::label),
            status.code(),
            at,
        )
    }

    pub fn clause_result(clause_id: &str, result: ClauseResult, at: PickFor) -> Self {
        Self::new(
            format!("Stage 2 result of {clause_id}"),
            enum_options(ClauseResult::ALL, ClauseResult::code, ClauseResult::label),
            result.code(),
            at,
        )
    }

    pub fn sample_method(
        population: &str,
        method: crate::domain::SampleMethod,
        at: PickFor,
    ) -> Self {
        use crate::domain::SampleMethod as M;
        Self::new(
            format!("Sampling method of {population}"),
            enum_options(M::ALL, M::code, M::label),
            method.code(),
            at,
        )
    }

    /// The team's recommendation: those that mean something for the
    /// audit's type, and "none recorded".
    pub fn decision(a: &crate::domain::Audit) -> Self {
        let mut options = vec![("".to_string(), "None recorded".to_string())];
        options.extend(
            crate::domain::Decision::for_type(a.audit_type)
                .iter()
                .map(|d| (d.code().to_string(), d.label().to_string())),
        );
        Self::new(
            "The team's recommendation".into(),
            options,
            a.recommendation.map_or("", |d| d.code()),
            PickFor::Decision {
                audit_id: a.id.clone(),
            },
        )
    }

    /// Who is working: the audit team's names, the one working now
    /// marked. None when the audit names no team.
    pub fn auditor(a: &crate::domain::Audit, current: &str) -> Option<Self> {
        let members = a.team_members();
        if members.is_empty() {
            return None;
        }
        let options = members.iter().map(|n| (n.clone(), n.clone())).collect();
        Some(Self::new(
            "Who is working? (raised by, interviewer, the trail)".into(),
            options,
            current,
            PickFor::Auditor {
                audit_id: a.id.clone(),
            },
        ))
    }

    /// The findings an audit carries from earlier audits, to choose one
    /// and record what this audit found. None when it carries none.
    pub fn carried(
        audit_id: &str,
        items: &[crate::domain::Carried],
        scale: &crate::domain::Scale,
    ) -> Option<Self> {
        if items.is_empty() {
            return None;
        }
        let options = items
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    format!(
                        "{} · {} · {} {} — {}",
                        c.reference,
                        c.origin,
                        scale.short(c.grade),
                        c.clause_id,
                        c.outcome_label()
                    ),
                )
            })
            .collect();
        let mut p = Self::new(
            "Carried from earlier audits: which one?".into(),
            options,
            "",
            PickFor::Carried {
                audit_id: audit_id.to_string(),
            },
        );
        // nothing is "current": every choice opens the outcome form
        p.current = usize::MAX;
        Some(p)
    }

    /// A key no binding took: a value's number (1, 2, …) chooses it (the
    /// index returned); a letter selects the next value starting with it
    /// (Major, then Minor for `m`), for Enter to choose.
    pub fn key(&mut self, ev: KeyEvent) -> Option<usize> {
        if ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let KeyCode::Char(c) = ev.code else {
            return None;
        };
        if let Some(d) = c.to_digit(10) {
            let i = (d as usize).checked_sub(1)?;
            return (i < self.options.len()).then_some(i);
        }
        let c = c.to_lowercase().next()?;
        let n = self.options.len();
        let starts = |i: usize| {
            self.options[i]
                .1
                .chars()
                .next()
                .and_then(|f| f.to_lowercase().next())
                == Some(c)
        };
        if let Some(i) = (1..=n)
            .map(|k| (self.selected + k) % n)
            .find(|&i| starts(i))
        {
            self.selected = i;
        }
        None
    }

    /// The chosen value, applied (or asked about first).
    pub fn choose(&self, i: usize, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let mut effects = vec![Effect::Close(Which::Top)];
        let Some((code, label)) = self.options.get(i).cloned() else {
            return Ok(effects);
        };
        if i == self.current {
            effects.push(Effect::Info(format!("Unchanged: {label}")));
            return Ok(effects);
        }
        // the picker closes whatever happens; an error is said
        match apply(&self.target, &code, &label, ctx) {
            Ok(more) => effects.extend(more),
            Err(e) => effects.push(Effect::Error(e.to_string())),
        }
        Ok(effects)
    }
}

/// Apply a chosen value; a regrade across kinds and "conforming" on a
/// clause with open NCs ask first.
fn apply(target: &PickFor, code: &str, label: &str, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
    match target {
        PickFor::FindingGrade { id } => {
            let grade = Grade::parse(code)?;
            let f = ctx.store.finding(id)?;
            let scale = ctx.store.audit_scale(&f.audit_id)?;
            // the reference changes with the prefix (CAT2 to CAT1), or
            // when a finding becomes or stops being an NC
            let across = grade.is_nonconformity() != f.grade.is_nonconformity()
                || scale.prefix(grade) != scale.prefix(f.grade);
            let stage1_nc = f.stage == Stage::ONE && grade.is_nonconformity();
            if across || stage1_nc {
                let mut message = format!(
                    "Regrade {} from {} to {}?",
                    f.reference,
                    scale.label(f.grade),
                    scale.label(grade)
                );
                if across {
                    message.push_str(&format!(
                        " It takes a new {}- reference; {} is kept as its former reference and never given again.",
                        scale.prefix(grade),
                        f.reference
                    ));
                }
                if stage1_nc {
                    message.push_str(
                        " It was raised at stage 1, where a concern is usually graded a stage 1 concern.",
                    );
                }
                return Ok(vec![Effect::Confirm {
                    message,
                    pending: Pending::Regrade {
                        id: id.clone(),
                        grade,
                    },
                }]);
            }
            Pending::Regrade {
                id: id.clone(),
                grade,
            }
            .run(ctx)
        }
        PickFor::FindingStatus { id } => {
            ctx.store
                .set_finding_status(id, FindingStatus::parse(code)?)?;
            let f = ctx.store.finding(id)?;
            Ok(vec![
                Effect::Refreshed(Box::new(f)),
                Effect::Reload(Slice::Findings),
                Effect::Info(format!("Status: {label}")),
            ])
        }
        PickFor::DocStatus {
            audit_id,
            doc_key,
            clause_id,
        } => {
            let mut r = ctx.store.document_review(audit_id, doc_key, clause_id)?;
            r.status = DocStatus::parse(code)?;
            ctx.store.save_document_review(&r)?;
            Ok(vec![
                Effect::Reload(Slice::Reviews),
                Effect::Info(format!("Document: {label}")),
            ])
        }
        PickFor::ClauseStatus {
            audit_id,
            clause_id,
        } => {
            let mut r = ctx.store.clause_review(audit_id, clause_id, Stage::TWO)?;
            r.status = ClauseStatus::parse(code)?;
            ctx.store.save_clause_review(&r)?;
            Ok(vec![
                Effect::Reload(Slice::Reviews),
                Effect::Info(format!("{clause_id}: {label}")),
            ])
        }
        PickFor::SampleMethod { id } => {
            let mut x = ctx.store.sample(id)?;
            x.method = crate::domain::SampleMethod::parse(code)?;
            ctx.store.save_sample(&x)?;
            Ok(vec![
                Effect::Reload(Slice::Interviews),
                Effect::Info(format!("Method: {label}")),
            ])
        }
        PickFor::Decision { audit_id } => {
            let decision = match code {
                "" => None,
                c => Some(crate::domain::Decision::parse(c)?),
            };
            ctx.store.set_audit_recommendation(audit_id, decision)?;
            let mut effects = vec![
                Effect::Reload(Slice::Audit),
                Effect::Info(format!("Team's recommendation: {label}")),
            ];
            let note_empty = ctx
                .model
                .data
                .as_ref()
                .is_some_and(|d| d.audit.recommendation_note.trim().is_empty());
            if decision.is_some() && note_empty {
                effects.push(Effect::Edit {
                    target: crate::store::EditTarget::RecommendationNote {
                        audit_id: audit_id.clone(),
                    },
                    label: "Justification of the recommendation".into(),
                });
            }
            Ok(effects)
        }
        PickFor::Carried { audit_id } => {
            let item = ctx
                .store
                .carried(audit_id)?
                .into_iter()
                .find(|c| c.id == code)
                .ok_or_else(|| store::Error::NotFound(format!("no carried finding {label}")))?;
            let scale = ctx.store.audit_scale(audit_id)?;
            Ok(vec![Effect::OpenForm(Box::new(
                crate::tui::popups::form::FormState::carried_outcome(&item, &scale),
            ))])
        }
        PickFor::Auditor { audit_id } => {
            ctx.store.set_actor(code)?;
            ctx.model.working_as = code.to_string();
            // kept for the next opening of this audit on this machine (not
            // when the file is read-only: the choice holds for this run)
            let saved = if ctx.store.read_only().is_none() {
                ctx.store
                    .set_local_setting(&format!("auditor/{audit_id}"), code)
                    .is_ok()
            } else {
                false
            };
            Ok(vec![Effect::Info(format!(
                "Working as {label}: named as raiser, interviewer and in the trail{}",
                if saved { "" } else { " (for this run only)" }
            ))])
        }
        PickFor::ClauseResult {
            audit_id,
            clause_id,
        } => {
            let result = ClauseResult::parse(code)?;
            let open = ctx
                .model
                .data
                .as_ref()
                .and_then(|d| d.by_clause.get(clause_id))
                .map_or(0, |(_, o)| *o);
            if result == ClauseResult::Conforming && open > 0 {
                return Ok(vec![Effect::Confirm {
                    message: format!(
                        "{clause_id} has {open} open nonconformit{}. Mark it conforming anyway?",
                        if open == 1 { "y" } else { "ies" }
                    ),
                    pending: Pending::ClauseResult {
                        audit_id: audit_id.clone(),
                        clause_id: clause_id.clone(),
                        result,
                    },
                }]);
            }
            Pending::ClauseResult {
                audit_id: audit_id.clone(),
                clause_id: clause_id.clone(),
                result,
            }
            .run(ctx)
        }
    }
}

impl Component for PickerState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => {
                self.selected = (self.selected + 1).min(self.options.len().saturating_sub(1))
            }
            Action::Select => return self.choose(self.selected, ctx),
            Action::Choose(i) => return self.choose(*i, ctx),
            Action::Cancel => {
                return Ok(vec![
                    Effect::Close(Which::Top),
                    Effect::Info("Nothing changed".into()),
                ])
            }
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        let t = &m.theme;
        let h = self.options.len() as u16 + 2;
        // as wide as the longest value (and the title), so none is cut
        let longest = self
            .options
            .iter()
            .map(|(_, l)| crate::tui::text::inert(l).chars().count() + 8)
            .chain([self.title.chars().count() + 4, 50])
            .max()
            .unwrap_or(50);
        let rect = centered(area, longest as u16, h);
        f.render_widget(Clear, rect);
        let lines: Vec<Line> = self
            .options
            .iter()
            .enumerate()
            .map(|(i, (_, label))| {
                let mark = if i == self.current { "● " } else { "  " };
                let line = Line::from(vec![
                    Span::styled(format!(" {} ", i + 1), t.key()),
                    Span::raw(mark),
                    Span::raw(crate::tui::text::inert(label).into_owned()),
                ]);
                if i == self.selected {
                    line.style(t.selected())
                } else {
                    line
                }
            })
            .collect();
        let block = Block::bordered()
            .title(format!(" {} ", crate::tui::text::inert(&self.title)))
            .title_bottom(m.keymap.footer(Mode::Picker, rect.width.saturating_sub(4)));
        f.render_widget(Paragraph::new(lines).block(block), rect);
    }
}
