//! Stage 1: the documentation review, expected documents grouped by clause.

use crate::tui::text::inert;
use std::cell::Cell;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use super::{cut, moved, scroll};
use crate::catalogue::Catalogue;
use crate::domain::{DocStatus, Grade, Stage};
use crate::store::{self, DocField, EditTarget};
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::form::FormState;
use crate::tui::popups::picker::{PickFor, PickerState};
use crate::tui::popups::Popup;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row1 {
    Clause {
        id: String,
        title: String,
    },
    Doc {
        clause_id: String,
        key: String,
        name: String,
        /// Where the standard requires it ("" when only expected).
        required: String,
    },
}

#[derive(Default)]
pub struct Stage1View {
    pub rows: Vec<Row1>,
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl Stage1View {
    pub fn new(cat: &Catalogue) -> Self {
        let mut rows = Vec::new();
        for c in cat.clauses() {
            if c.documents.is_empty() {
                continue;
            }
            rows.push(Row1::Clause {
                id: c.id.clone(),
                title: c.title.clone(),
            });
            for d in &c.documents {
                rows.push(Row1::Doc {
                    clause_id: c.id.clone(),
                    key: d.key.clone(),
                    name: d.name.clone(),
                    required: d.required.trim().to_string(),
                });
            }
        }
        let selected = rows
            .iter()
            .position(|r| matches!(r, Row1::Doc { .. }))
            .unwrap_or(0);
        Stage1View {
            rows,
            selected,
            offset: Cell::new(0),
        }
    }

    /// The selected document: (clause id, key, name).
    pub fn current(&self) -> Option<(&str, &str, &str)> {
        match self.rows.get(self.selected)? {
            Row1::Doc {
                clause_id,
                key,
                name,
                ..
            } => Some((clause_id, key, name)),
            Row1::Clause { .. } => None,
        }
    }
}

/// Rows of the selected document's pane, below the list.
pub const DETAIL_ROWS: u16 = 7;

/// The selected document: every field, its notes and the findings raised on it.
fn render_detail(v: &Stage1View, m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.data else { return };
    let t = &m.theme;
    let Some((clause_id, key, name)) = v.current() else {
        f.render_widget(Block::bordered().title(" Document "), area);
        return;
    };
    let r = d.docs.get(key);
    let status = r.map_or(DocStatus::NotReviewed, |r| r.status);
    let field = |s: Option<&str>| match s {
        Some(s) if !s.is_empty() => inert(s).into_owned(),
        _ => "—".to_string(),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<18}", status.label()), t.doc_status(status)),
        Span::raw(format!(
            "reference {} · version {}",
            field(r.map(|r| r.reference.as_str())),
            field(r.map(|r| r.version.as_str()))
        )),
    ])];
    let notes = r.map(|r| r.notes.as_str()).unwrap_or("");
    lines.push(Line::from(vec![
        Span::styled("Notes ", t.dim()),
        Span::raw(if notes.is_empty() {
            "—".to_string()
        } else {
            cut(notes, area.width.saturating_sub(10) as usize)
        }),
    ]));
    let findings: &[crate::domain::Finding] = match &m.frame.document {
        Some((k, rows)) if k == key => rows,
        _ => &[],
    };
    if findings.is_empty() {
        lines.push(Line::styled(
            format!(
                "No finding raised on it ({} raises one)",
                m.keymap.key_of(Mode::Stage1, &Action::RaiseFromDocument)
            ),
            t.dim(),
        ));
    }
    for x in findings.iter().take(DETAIL_ROWS.saturating_sub(4) as usize) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8}", inert(&x.reference)), t.grade(x.grade)),
            Span::raw(cut(&x.title, area.width.saturating_sub(12) as usize)),
        ]));
    }
    let required = match v.rows.get(v.selected) {
        Some(Row1::Doc { required, .. }) if !required.is_empty() => {
            format!("required by the standard ({})", inert(required))
        }
        _ => "expected evidence".to_string(),
    };
    let block = Block::bordered().title(format!(
        " clause {} · {required} · {} ",
        inert(clause_id),
        inert(name)
    ));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

impl Component for Stage1View {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(data) = &ctx.model.data else {
            return none();
        };
        let audit_id = data.audit.id.clone();
        let current = self
            .current()
            .map(|(c, k, n)| (c.to_string(), k.to_string(), n.to_string()));
        match action {
            Action::PickDocStatus => {
                let Some((clause_id, key, name)) = current else {
                    return none();
                };
                let status = data
                    .docs
                    .get(&key)
                    .map_or(DocStatus::NotReviewed, |r| r.status);
                let at = PickFor::DocStatus {
                    audit_id,
                    doc_key: key,
                    clause_id,
                };
                one(Effect::Push(Popup::Picker(Box::new(
                    PickerState::doc_status(&name, status, at),
                ))))
            }
            Action::EditDocReference
            | Action::EditDocVersion
            | Action::EditDocNotes
            | Action::Select => {
                let (field, what) = match action {
                    Action::EditDocReference => (DocField::Reference, "reference"),
                    Action::EditDocVersion => (DocField::Version, "version / date"),
                    _ => (DocField::Notes, "notes"),
                };
                let Some((clause_id, key, name)) = current else {
                    return none();
                };
                one(Effect::Edit {
                    target: EditTarget::Document {
                        audit_id,
                        doc_key: key,
                        clause_id,
                        field,
                    },
                    label: format!("{name} — {what}"),
                })
            }
            Action::RaiseFromDocument => {
                let Some((clause_id, key, name)) = current else {
                    return none();
                };
                // a stage 1 concern ("area of concern") by default, linked to
                // the document; the title starts as its name
                let form = FormState::new_finding(
                    &data.audit.edition,
                    &clause_id,
                    Stage::ONE,
                    Grade::Concern,
                    &name,
                    &data.scale,
                )
                .on_document(&key, &name);
                one(Effect::OpenForm(Box::new(form)))
            }
            a => {
                let rows = &self.rows;
                let mut sel = moved(a, self.selected, rows.len(), 10);
                // skip clause headings in the direction of travel
                let down = matches!(a, Action::Down | Action::PageDown | Action::Top);
                while let Some(Row1::Clause { .. }) = rows.get(sel) {
                    if down && sel + 1 < rows.len() {
                        sel += 1;
                    } else if !down && sel > 0 {
                        sel -= 1;
                    } else {
                        break;
                    }
                }
                if let Some(Row1::Clause { .. }) = rows.get(sel) {
                    sel = self.selected;
                }
                self.selected = sel;
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(v: &Stage1View, m: &Model, f: &mut Frame, full: Rect) {
    let Some(d) = &m.data else { return };
    let t = &m.theme;
    let [area, detail] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(DETAIL_ROWS)]).areas(full);
    render_detail(v, m, f, detail);
    let reviewed = d
        .docs
        .values()
        .filter(|r| r.status != DocStatus::NotReviewed)
        .count();
    let total = d.catalogue.documents().count();
    let required: Vec<&str> = d
        .catalogue
        .documents()
        .filter(|(_, doc)| doc.is_required())
        .map(|(_, doc)| doc.key.as_str())
        .collect();
    let required_reviewed = required
        .iter()
        .filter(|k| {
            d.docs
                .get(**k)
                .is_some_and(|r| r.status != DocStatus::NotReviewed)
        })
        .count();
    let block = Block::bordered().title(format!(
        " Stage 1 — documentation review · {reviewed}/{total} reviewed · ● required {required_reviewed}/{} ",
        required.len()
    ));
    let inner_h = area.height.saturating_sub(2) as usize;
    let off = scroll(&v.offset, v.selected, inner_h);
    let w = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = v
        .rows
        .iter()
        .enumerate()
        .skip(off)
        .take(inner_h)
        .map(|(i, row)| match row {
            Row1::Clause { id, title } => {
                Line::styled(format!("{} {}", inert(id), inert(title)), t.title())
            }
            Row1::Doc {
                key,
                name,
                required,
                ..
            } => {
                let r = d.docs.get(key);
                let status = r.map_or(DocStatus::NotReviewed, |r| r.status);
                let reference = r
                    .map(|r| {
                        let v = [r.reference.as_str(), r.version.as_str()]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(" · ");
                        v
                    })
                    .unwrap_or_default();
                let note = if r.is_some_and(|r| !r.notes.is_empty()) {
                    " ✎"
                } else {
                    ""
                };
                let name_w = w.saturating_sub(22 + 26 + 4);
                let mut line = Line::from(vec![
                    Span::styled(if required.is_empty() { "  " } else { "● " }, t.key()),
                    Span::styled(format!("{:<20}", status.label()), t.doc_status(status)),
                    Span::raw(format!("{:<w$}", cut(name, name_w), w = name_w)),
                    Span::styled(format!(" {:<24}{note}", cut(&reference, 24)), t.dim()),
                ]);
                if i == v.selected {
                    line = line.style(t.selected());
                }
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}
