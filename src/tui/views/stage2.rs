//! Stage 2: the clause walk. The clause tree on the left; on the right the
//! selected clause's intent, questions, evidence, status, notes and what was
//! recorded against it.

use crate::tui::text::inert;
use std::cell::Cell;
use std::collections::HashSet;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, moved, scroll, scroll_by};
use crate::catalogue::{parent_id, Catalogue};
use crate::domain::{ClauseResult, ClauseStatus, Grade, Stage};
use crate::store::{self, EditTarget};
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::{Effect, Slice};
use crate::tui::model::{AuditData, Model};
use crate::tui::popups::form::FormState;
use crate::tui::popups::picker::{PickFor, PickerState};
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;

#[derive(Default)]
pub struct Stage2View {
    pub collapsed: HashSet<String>,
    /// Indexes into the catalogue's clauses of the rows shown.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub offset: Cell<usize>,
    pub focus_questions: bool,
    pub question: usize,
    /// How far the clause pane is scrolled (J / K), from its top.
    pub detail_scroll: u16,
}

impl Stage2View {
    pub fn new(cat: &Catalogue) -> Self {
        let mut s = Stage2View::default();
        s.rebuild(cat);
        s
    }

    pub fn rebuild(&mut self, cat: &Catalogue) {
        let current = self.current_id(cat).map(str::to_string);
        self.visible = cat
            .clauses()
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                let mut p = parent_id(&c.id);
                while let Some(id) = p {
                    if self.collapsed.contains(id) {
                        return false;
                    }
                    p = parent_id(id);
                }
                true
            })
            .map(|(i, _)| i)
            .collect();
        if let Some(id) = current {
            if let Some(pos) = self.visible.iter().position(|&i| cat.clauses()[i].id == id) {
                self.selected = pos;
            }
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn current_id<'c>(&self, cat: &'c Catalogue) -> Option<&'c str> {
        self.visible
            .get(self.selected)
            .and_then(|&i| cat.clauses().get(i))
            .map(|c| c.id.as_str())
    }

    /// Expand the clause's ancestors and select it.
    pub fn reveal(&mut self, cat: &Catalogue, id: &str) {
        let mut p = parent_id(id);
        while let Some(pid) = p {
            self.collapsed.remove(pid);
            p = parent_id(pid);
        }
        self.rebuild(cat);
        if let Some(pos) = self.visible.iter().position(|&i| cat.clauses()[i].id == id) {
            self.selected = pos;
        }
        self.question = 0;
    }
}

impl Component for Stage2View {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        handle(self, action, ctx)
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn handle(s: &mut Stage2View, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
    let Some(data) = &ctx.model.data else {
        return none();
    };
    let cat = &data.catalogue;
    let audit_id = data.audit.id.clone();
    let Some(clause_id) = s.current_id(cat).map(str::to_string) else {
        return none();
    };
    let clause = cat.get(&clause_id).cloned();
    let assessable = clause.as_ref().is_some_and(|c| cat.is_assessable(c));
    let has_children = cat.has_children(&clause_id);
    match action {
        Action::SwitchFocus => {
            if !s.focus_questions && clause.as_ref().is_none_or(|c| c.questions.is_empty()) {
                return info("This clause has no audit questions");
            }
            s.focus_questions = !s.focus_questions;
            s.question = 0;
            none()
        }
        Action::Back if s.focus_questions => {
            s.focus_questions = false;
            none()
        }
        Action::Up | Action::Down if s.focus_questions => {
            let n = clause.as_ref().map_or(0, |c| c.questions.len());
            s.question = moved(action, s.question, n, 5);
            none()
        }
        Action::RateMet | Action::RatePartly | Action::RateNotMet | Action::RateNotApplicable
            if s.focus_questions =>
        {
            if data.audit.audit_type != crate::domain::AuditType::Internal {
                return info(
                    "Questions are rated in a rehearsal (internal) audit; here, tick them as covered and raise findings",
                );
            }
            let q = s.question as u32 + 1;
            let old = data.ratings.get(&(clause_id.clone(), q));
            let (note, evidence) = old.map_or((String::new(), String::new()), |r| {
                (r.note.clone(), r.evidence.clone())
            });
            let rating = match action {
                Action::RateMet => crate::domain::Rating::Met,
                Action::RatePartly => crate::domain::Rating::PartlyMet,
                Action::RateNotMet => crate::domain::Rating::NotMet,
                _ => {
                    // its reason first
                    return one(Effect::OpenForm(Box::new(FormState::not_applicable(
                        &clause_id, q, &note,
                    ))));
                }
            };
            ctx.store
                .rate_question(&audit_id, &clause_id, q, rating, &note, &evidence)?;
            // on to the next question
            let n = clause.as_ref().map_or(0, |c| c.questions.len());
            s.question = (s.question + 1).min(n.saturating_sub(1));
            Ok(vec![
                Effect::Reload(Slice::Ratings),
                Effect::Info(format!("{clause_id} question {q}: {}", rating.label())),
            ])
        }
        Action::ToggleQuestion => {
            let mut r = ctx.store.clause_review(&audit_id, &clause_id, Stage::TWO)?;
            let q = s.question;
            if let Some(pos) = r.questions_covered.iter().position(|&x| x == q) {
                r.questions_covered.remove(pos);
            } else {
                r.questions_covered.push(q);
                r.questions_covered.sort_unstable();
                if r.status == ClauseStatus::NotStarted {
                    r.status = ClauseStatus::InProgress;
                }
            }
            ctx.store.save_clause_review(&r)?;
            one(Effect::Reload(Slice::Reviews))
        }
        Action::PickClauseStatus | Action::PickClauseResult => {
            if !assessable {
                return info(format!("{clause_id} groups sub-clauses: review those"));
            }
            let review = data.stage2.get(&clause_id);
            let cid = clause_id.clone();
            let picker = if *action == Action::PickClauseStatus {
                let status = review.map_or(ClauseStatus::NotStarted, |r| r.status);
                PickerState::clause_status(
                    &clause_id,
                    status,
                    PickFor::ClauseStatus {
                        audit_id,
                        clause_id: cid,
                    },
                )
            } else {
                let result = review.map_or(ClauseResult::NotAssessed, |r| r.result);
                PickerState::clause_result(
                    &clause_id,
                    result,
                    PickFor::ClauseResult {
                        audit_id,
                        clause_id: cid,
                    },
                )
            };
            one(Effect::Push(Popup::Picker(Box::new(picker))))
        }
        Action::EditClauseNotes => {
            let target = EditTarget::ClauseNotes {
                audit_id,
                clause_id: clause_id.clone(),
                stage: Stage::TWO,
            };
            one(Effect::Edit {
                target,
                label: format!("{clause_id} — stage 2 notes"),
            })
        }
        Action::NewFinding => {
            let form = FormState::new_finding(
                &data.audit.edition,
                &clause_id,
                Stage::TWO,
                Grade::Minor,
                "",
                &data.scale,
            );
            one(Effect::OpenForm(Box::new(form)))
        }
        Action::NewInterview => one(Effect::OpenForm(Box::new(FormState::new_interview(
            &ctx.store.now(),
            &clause_id,
            &ctx.model.auditor(),
            ctx.model.utc_offset,
        )))),
        Action::NewSample => one(Effect::OpenForm(Box::new(FormState::new_sample(
            &clause_id,
        )))),
        Action::NextPlanned => match data.next_planned() {
            Some((_, id)) => {
                let id = id.to_string();
                s.reveal(cat, &id);
                none()
            }
            None if data.plan.is_empty() => info(format!(
                "No plan yet: the Plan screen ({}) makes one",
                ctx.model
                    .keymap
                    .key_of(crate::tui::keymap::Mode::Global, &Action::GoPlan)
            )),
            None => info("Every clause the plan takes is done at stage 2"),
        },
        Action::NextClauseNotDone => {
            let clauses = data.catalogue.clauses();
            let start = clauses.iter().position(|c| c.id == clause_id).unwrap_or(0);
            let found = (1..=clauses.len())
                .map(|k| &clauses[(start + k) % clauses.len()])
                .find(|c| {
                    data.catalogue.is_assessable(c)
                        && data
                            .stage2
                            .get(&c.id)
                            .is_none_or(|r| r.status != ClauseStatus::Done)
                })
                .map(|c| c.id.clone());
            match found {
                Some(id) => {
                    s.reveal(cat, &id);
                    none()
                }
                None => info("Every clause is done at stage 2"),
            }
        }
        Action::Select | Action::Left | Action::Right
            if has_children || *action == Action::Left =>
        {
            let collapsed = s.collapsed.contains(&clause_id);
            match action {
                Action::Select if collapsed => {
                    s.collapsed.remove(&clause_id);
                }
                Action::Select => {
                    s.collapsed.insert(clause_id.clone());
                }
                Action::Right => {
                    s.collapsed.remove(&clause_id);
                }
                _ => {
                    if has_children && !collapsed {
                        s.collapsed.insert(clause_id.clone());
                    } else if let Some(p) = parent_id(&clause_id) {
                        let p = p.to_string();
                        s.reveal(cat, &p);
                        return none();
                    }
                }
            }
            s.rebuild(cat);
            none()
        }
        a if scroll_by(a, &mut s.detail_scroll) => none(),
        a => {
            s.selected = moved(a, s.selected, s.visible.len(), 10);
            s.question = 0;
            s.detail_scroll = 0;
            none()
        }
    }
}

fn status_mark(t: &Theme, status: ClauseStatus) -> Span<'static> {
    match status {
        ClauseStatus::NotStarted => Span::styled("·", t.clause_status(status)),
        ClauseStatus::InProgress => Span::styled("…", t.clause_status(status)),
        ClauseStatus::Done => Span::styled("✓", t.clause_status(status)),
    }
}

fn render(s: &Stage2View, m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.data else { return };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)]).areas(area);
    render_tree(s, m, d, f, left);
    render_detail(s, m, d, f, right);
}

fn render_tree(s: &Stage2View, m: &Model, d: &AuditData, f: &mut Frame, area: Rect) {
    let t = &m.theme;
    let done = d
        .assessable()
        .filter(|c| {
            d.stage2
                .get(&c.id)
                .is_some_and(|r| r.status == ClauseStatus::Done)
        })
        .count();
    let total = d.assessable().count();
    let mut block = Block::bordered()
        .title(format!(" Clauses — stage 2 {done}/{total} done "))
        .border_style(if s.focus_questions { t.dim() } else { t.key() });
    // what the plan says is next
    if let Some((slot, clause)) = d.next_planned() {
        block = block.title_bottom(Line::from(vec![
            Span::styled(
                format!(
                    " {} ",
                    m.keymap
                        .key_of(crate::tui::keymap::Mode::Stage2, &Action::NextPlanned)
                ),
                t.key(),
            ),
            Span::raw(format!(
                "plan → {} {} {} ",
                inert(clause),
                inert(slot.day.get(5..).unwrap_or(&slot.day)),
                inert(&slot.start)
            )),
        ]));
    }
    let h = area.height.saturating_sub(2) as usize;
    let w = area.width.saturating_sub(2) as usize;
    let off = scroll(&s.offset, s.selected, h);
    let clauses = d.catalogue.clauses();
    let lines: Vec<Line> = s
        .visible
        .iter()
        .enumerate()
        .skip(off)
        .take(h)
        .filter_map(|(row, &i)| {
            let c = clauses.get(i)?;
            let depth = Catalogue::depth(&c.id);
            let fold = if d.catalogue.has_children(&c.id) {
                if s.collapsed.contains(&c.id) {
                    "▸ "
                } else {
                    "▾ "
                }
            } else {
                "  "
            };
            let (n, open) = d.by_clause.get(&c.id).copied().unwrap_or((0, 0));
            let mark = if d.catalogue.is_assessable(c) {
                let reviewed = d
                    .stage2
                    .get(&c.id)
                    .map_or(ClauseStatus::NotStarted, |r| r.status);
                // a rehearsal walks by rating: a clause whose questions
                // are all rated is done, some rated is under way
                let rated = if d.rehearsal() && !c.questions.is_empty() {
                    let n = (1..=c.questions.len() as u32)
                        .filter(|q| d.ratings.contains_key(&(c.id.clone(), *q)))
                        .count();
                    if n == c.questions.len() {
                        ClauseStatus::Done
                    } else if n > 0 {
                        ClauseStatus::InProgress
                    } else {
                        ClauseStatus::NotStarted
                    }
                } else {
                    ClauseStatus::NotStarted
                };
                let rank = |x: ClauseStatus| match x {
                    ClauseStatus::NotStarted => 0,
                    ClauseStatus::InProgress => 1,
                    ClauseStatus::Done => 2,
                };
                status_mark(
                    t,
                    if rank(rated) > rank(reviewed) {
                        rated
                    } else {
                        reviewed
                    },
                )
            } else {
                Span::raw(" ")
            };
            let count = match (n, open) {
                (0, _) => String::new(),
                (n, 0) => format!(" ({n})"),
                (n, o) => format!(" ({n}, {o} NC!)"),
            };
            let head = format!("{}{fold}{} ", "  ".repeat(depth), c.id);
            let room = w.saturating_sub(head.chars().count() + count.chars().count() + 2);
            let title_style = if open > 0 {
                t.open_nc()
            } else if depth == 0 {
                t.title()
            } else {
                ratatui::style::Style::default()
            };
            let mut line = Line::from(vec![
                mark,
                Span::raw(" "),
                Span::styled(head, title_style),
                Span::styled(cut(&c.title, room), title_style),
                Span::styled(count, if open > 0 { t.open_nc() } else { t.dim() }),
            ]);
            if row == s.selected {
                line = line.style(t.selected());
            }
            Some(line)
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// Findings listed under a clause in its detail pane at most (all of them
/// are on the findings screen).
pub const CLAUSE_FINDINGS_SHOWN: usize = 40;

/// Samples, and interviews, listed under a clause in its detail pane at
/// most (a clause of a large audit has thousands; the rest are counted).
pub const CLAUSE_RECORDS_SHOWN: usize = 12;

/// How many of the clause's findings, samples and interviews the next frame
/// of the clause pane can show, at most: what `Model::read_frame` reads for
/// it (a page of the file each, decrypted for an encrypted file). Each line
/// of the pane takes a row at least, so the pane's rows (`body`, and how far
/// it is scrolled) less the lines above a list bound what the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaneRoom {
    pub findings: usize,
    pub samples: usize,
    pub interviews: usize,
}

impl PaneRoom {
    pub fn of(s: &Stage2View, m: &Model, d: &AuditData, body: u16) -> PaneRoom {
        let Some(c) = s
            .current_id(&d.catalogue)
            .and_then(|id| d.catalogue.get(id))
        else {
            return PaneRoom::default();
        };
        // the question kept in view scrolls the pane no further than itself
        let scrolled = if s.focus_questions {
            s.question
        } else {
            usize::from(s.detail_scroll)
        };
        let mut left = (usize::from(body) + scrolled).saturating_sub(head(s, m, d, c).len());
        let total = d.by_clause.get(&c.id).map_or(0, |(n, _)| *n as usize);
        let mut findings = 0;
        if total > 0 {
            left = left.saturating_sub(1);
            findings = left.min(total).min(CLAUSE_FINDINGS_SHOWN);
            left -= findings;
        }
        left = left.saturating_sub(after_findings(m, d, c).len());
        let samples = left.min(CLAUSE_RECORDS_SHOWN);
        PaneRoom {
            findings,
            samples,
            interviews: (left - samples).min(CLAUSE_RECORDS_SHOWN),
        }
    }
}

fn render_detail(s: &Stage2View, m: &Model, d: &AuditData, f: &mut Frame, area: Rect) {
    let t = &m.theme;
    let Some(c) = s
        .current_id(&d.catalogue)
        .and_then(|id| d.catalogue.get(id))
    else {
        return;
    };
    let mut lines = head(s, m, d, c);
    // The first findings on the clause, read before drawing (one indexed
    // query); the count comes from the per-clause tally.
    let total = d.by_clause.get(&c.id).map_or(0, |(n, _)| *n);
    if total > 0 {
        let findings: &[crate::domain::Finding] = match &m.frame.clause {
            Some((id, rows)) if *id == c.id => rows,
            _ => &[],
        };
        let more = (total as usize).saturating_sub(findings.len());
        lines.push(Line::styled(
            if more > 0 {
                format!("Findings ({total}; the first {} shown)", findings.len())
            } else {
                format!("Findings ({total})")
            },
            t.title(),
        ));
        for x in findings.iter() {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:<8}{:<6}", inert(&x.reference), d.scale.short(x.grade)),
                    t.grade(x.grade),
                ),
                Span::raw(inert(&x.title).into_owned()),
            ]));
        }
    }
    lines.extend(after_findings(m, d, c));
    // a pane's worth of each (a clause of a large audit has thousands),
    // read before drawing: the rest is counted, and listed on their own
    // screens
    let none = crate::tui::model::ClauseRecords::default();
    let records = match &m.frame.clause_records {
        Some(r) if r.clause == c.id => r,
        _ => &none,
    };
    let more_samples = records.sample_count.saturating_sub(records.samples.len());
    for smp in &records.samples {
        lines.push(Line::from(vec![
            Span::styled("Sample ", t.title()),
            Span::raw(format!(
                "{} — {} of {}: {} → {}",
                smp.method.label(),
                smp.size,
                inert(&smp.population),
                inert(&smp.items),
                inert(&smp.result)
            )),
        ]));
    }
    if more_samples > 0 {
        lines.push(Line::styled(
            format!("… and {more_samples} more samples (the samples screen lists them)"),
            t.dim(),
        ));
    }
    let more_interviews = records
        .interview_count
        .saturating_sub(records.interviews.len());
    for i in &records.interviews {
        lines.push(Line::from(vec![
            Span::styled("Interview ", t.title()),
            Span::raw(format!(
                "{} ({}) {}",
                inert(&i.interviewee),
                inert(&i.role),
                inert(&i.held_at)
            )),
        ]));
    }
    if more_interviews > 0 {
        lines.push(Line::styled(
            format!("… and {more_interviews} more interviews (the interviews screen lists them)"),
            t.dim(),
        ));
    }
    let block = Block::bordered()
        .title(" Clause ")
        .title_bottom(if s.detail_scroll > 0 {
            format!(" scrolled {} lines ", s.detail_scroll)
        } else {
            String::new()
        })
        .border_style(if s.focus_questions { t.key() } else { t.dim() });
    // keep the selected question in view
    let scroll_y = if s.focus_questions {
        (s.question as u16).saturating_sub(area.height.saturating_sub(10) / 2)
    } else {
        s.detail_scroll
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll_y, 0)),
        area,
    );
}

/// The clause pane's lines above its findings: the clause, its status, its
/// intent, questions, evidence to sample, whom to interview and the notes.
fn head<'a>(
    s: &Stage2View,
    m: &'a Model,
    d: &'a AuditData,
    c: &'a crate::catalogue::Clause,
) -> Vec<Line<'a>> {
    let t = &m.theme;
    let review = d.stage2.get(&c.id);
    let status = review.map_or(ClauseStatus::NotStarted, |r| r.status);
    let result = review.map_or(ClauseResult::NotAssessed, |r| r.result);
    let covered: &[usize] = review.map_or(&[], |r| &r.questions_covered);
    let mut lines = vec![Line::styled(
        format!("{} {}", inert(&c.id), inert(&c.title)),
        t.title(),
    )];
    if d.catalogue.is_assessable(c) {
        lines.push(Line::from(vec![
            Span::styled("Status ", t.dim()),
            Span::styled(status.label(), t.clause_status(status)),
            Span::styled("   Result ", t.dim()),
            Span::styled(result.label(), t.clause_result(result)),
        ]));
    }
    lines.push(Line::raw(inert(&c.intent).into_owned()));
    // a rehearsal rates each question; other audits tick them as covered
    let rehearsal = d.audit.audit_type == crate::domain::AuditType::Internal;
    if !c.questions.is_empty() {
        lines.push(Line::raw(""));
        let header = if rehearsal {
            let rated = (1..=c.questions.len() as u32)
                .filter(|q| d.ratings.contains_key(&(c.id.clone(), *q)))
                .count();
            // this clause's share only, not the whole catalogue's
            let ready = crate::domain::clause_share(c, |q| {
                d.ratings.get(&(c.id.clone(), q)).map(|r| r.rating)
            })
            .percent();
            let k = |a: Action| {
                m.keymap
                    .key_of(crate::tui::keymap::Mode::Stage2Questions, &a)
            };
            format!(
                "Questions (rated {rated}/{} · {ready}% ready; {} met, {} partly, {} not met, {} n/a)",
                c.questions.len(),
                k(Action::RateMet),
                k(Action::RatePartly),
                k(Action::RateNotMet),
                k(Action::RateNotApplicable)
            )
        } else {
            format!(
                "Questions ({}/{} covered)",
                covered.len(),
                c.questions.len()
            )
        };
        lines.push(Line::styled(header, t.title()));
        for (i, q) in c.questions.iter().enumerate() {
            let rating = d.ratings.get(&(c.id.clone(), i as u32 + 1));
            let tick = if rehearsal {
                match rating.map(|r| r.rating) {
                    Some(crate::domain::Rating::Met) => " ✓ ",
                    Some(crate::domain::Rating::PartlyMet) => " ½ ",
                    Some(crate::domain::Rating::NotMet) => " ✗ ",
                    Some(crate::domain::Rating::NotApplicable) => " – ",
                    None => " · ",
                }
            } else if covered.contains(&i) {
                "[x]"
            } else {
                "[ ]"
            };
            let mut spans = vec![
                Span::styled(format!("{tick} "), t.key()),
                Span::raw(inert(q).into_owned()),
            ];
            if let Some(r) = rating.filter(|r| !r.note.is_empty()) {
                spans.push(Span::styled(format!(" — {}", inert(&r.note)), t.dim()));
            }
            let mut line = Line::from(spans);
            if s.focus_questions && i == s.question {
                line = line.style(t.selected());
            }
            lines.push(line);
        }
    }
    if !c.evidence.is_empty() {
        lines.push(Line::styled("Evidence to sample", t.title()));
        for e in &c.evidence {
            lines.push(Line::raw(format!("• {}", inert(e))));
        }
    }
    if !c.interviewees.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Interview ", t.title()),
            Span::raw(inert(&c.interviewees.join(", ")).into_owned()),
        ]));
    }
    if let Some(notes) = review.map(|r| r.notes.as_str()).filter(|n| !n.is_empty()) {
        lines.push(Line::styled("Notes", t.title()));
        for l in notes.lines() {
            lines.push(Line::raw(inert(l).into_owned()));
        }
    }
    lines
}

/// The clause pane's lines between its findings and its samples: the time
/// walked and planned, when the plan takes the clause, and the findings
/// carried from earlier audits.
fn after_findings<'a>(
    m: &'a Model,
    d: &'a AuditData,
    c: &'a crate::catalogue::Clause,
) -> Vec<Line<'a>> {
    let t = &m.theme;
    let mut lines = Vec::new();
    // time walked here, against the plan
    let walked = d.clause_time.get(&c.id).copied().unwrap_or(0);
    let assessable = d.catalogue.assessable_ids();
    let planned: i64 = d
        .plan
        .iter()
        .map(|s| s.minutes_for(&c.id, &assessable))
        .sum();
    if walked > 0 || planned > 0 {
        lines.push(Line::from(vec![
            Span::styled("Time ", t.title()),
            Span::raw(format!(
                "{} min walked{}",
                walked / 60,
                if planned > 0 {
                    format!(" · {planned} min planned")
                } else {
                    String::new()
                }
            )),
        ]));
    }
    // when the plan takes this clause
    for slot in d.plan.iter().filter(|s| s.covers(&c.id)) {
        lines.push(Line::from(vec![
            Span::styled("Plan ", t.title()),
            Span::raw(format!(
                "{} {}–{} {} {}{}",
                slot.day,
                slot.start,
                slot.end,
                inert(&slot.site),
                inert(&slot.auditors),
                if slot.contacts.is_empty() {
                    String::new()
                } else {
                    format!(" · with {}", inert(&slot.contacts))
                }
            )),
        ]));
    }
    for k in d.carried.iter().filter(|k| k.clause_id == c.id) {
        lines.push(Line::from(vec![
            Span::styled(
                format!("↩ {:<8}{:<6}", inert(&k.reference), d.scale.short(k.grade)),
                t.grade(k.grade),
            ),
            Span::raw(format!(
                "{} · {} — {}",
                inert(&k.origin),
                inert(&k.title),
                k.outcome_label()
            )),
        ]));
    }
    lines
}
