//! The audits in the file: open one, create one, or create the demo.

use crate::tui::text::inert;
use std::cell::Cell;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell as TCell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::{cut, moved, scroll};
use crate::domain::Grade;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::form::FormState;
use crate::tui::theme::Theme;

#[derive(Default)]
pub struct AuditsView {
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl Component for AuditsView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let rows = &ctx.model.audits;
        self.selected = self.selected.min(rows.len().saturating_sub(1));
        match action {
            Action::Select | Action::Right => {
                let Some(row) = rows.get(self.selected) else {
                    let km = &ctx.model.keymap;
                    return one(Effect::Error(format!(
                        "no audit yet: {} creates one, {} creates the demo",
                        km.key_of(Mode::Audits, &Action::NewAudit),
                        km.key_of(Mode::Audits, &Action::CreateDemo)
                    )));
                };
                one(Effect::OpenAudit(row.summary.audit.id.clone()))
            }
            Action::NewAudit => one(Effect::OpenForm(Box::new(FormState::new_audit()))),
            Action::FollowUp => match rows.get(self.selected) {
                Some(row) => one(Effect::OpenForm(Box::new(FormState::follow_up(
                    &row.summary.audit,
                )))),
                None => none(),
            },
            Action::Delete => match rows.get(self.selected) {
                Some(row) => one(Effect::OpenForm(Box::new(FormState::delete_audit(
                    &row.summary.audit,
                )))),
                None => none(),
            },
            Action::CreateDemo => {
                // the demo client's cycle at once: its stage 2 (planned and
                // partly walked) and its first surveillance
                let id = ctx.store.atomically(|store| {
                    let id = crate::demo::create_demo(store)?;
                    crate::demo::create_cycle(store, &id)?;
                    crate::demo::create_rehearsals(store)?;
                    Ok(id)
                })?;
                ctx.model.load_audits(ctx.store)?;
                if let Some(pos) = ctx
                    .model
                    .audits
                    .iter()
                    .position(|r| r.summary.audit.id == id)
                {
                    self.selected = pos;
                }
                info(format!(
                    "Created the demo clients: Northwind (a stage 2 and its surveillance) and Fernhill (two rehearsals); {} opens the selected audit",
                    ctx.model.keymap.key_of(Mode::Audits, &Action::Select)
                ))
            }
            a => {
                self.selected = moved(a, self.selected, rows.len(), 10);
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(v: &AuditsView, m: &Model, f: &mut Frame, area: Rect) {
    let t: &Theme = &m.theme;
    let block = Block::bordered().title(" Audits ");
    if m.audits.is_empty() {
        let lines = vec![
            Line::raw(""),
            Line::styled("No audits in this file yet.", t.title()),
            Line::raw(""),
            Line::from(vec![
                Span::styled(
                    format!("  {} ", m.keymap.key_of(Mode::Audits, &Action::NewAudit)),
                    t.key(),
                ),
                Span::raw("create an audit (organisation, type, edition, scope, team, dates)"),
            ]),
            Line::from(vec![
                Span::styled(
                    format!("  {} ", m.keymap.key_of(Mode::Audits, &Action::CreateDemo)),
                    t.key(),
                ),
                Span::raw("create a demo audit to explore the workbench"),
            ]),
            Line::from(vec![
                Span::styled(
                    format!("  {} ", m.keymap.key_of(Mode::Audits, &Action::Help)),
                    t.key(),
                ),
                Span::raw("every key"),
            ]),
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
    let off = scroll(&v.offset, v.selected, inner_h);
    // Fixed widths that always fit: narrow terminals drop the status column
    // and shorten dates, and the organisation takes what is left.
    let wide = area.width >= 110;
    let (type_w, dates_w) = if wide { (22u16, 23u16) } else { (14, 10) };
    let mut titles = vec!["Organisation", "Type", if wide { "Dates" } else { "Start" }];
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(type_w),
        Constraint::Length(dates_w),
    ];
    if wide {
        titles.push("Status");
        widths.push(Constraint::Length(11));
    }
    // one column per grade class, headed by the generic short names (the
    // audits listed may be on different scales), as wide as its largest
    // count (a count is never cut: 199 879 majors are not "199")
    let grades = ["MAJ", "MIN", "AOC", "OBS", "OFI", "GOOD"];
    titles.push("Stage 2");
    titles.extend(grades);
    widths.push(Constraint::Length(10));
    for (k, g) in Grade::ALL.iter().enumerate() {
        let widest = m
            .audits
            .iter()
            .map(|r| count_label(r.summary.counts[g.severity() as usize]).len())
            .max()
            .unwrap_or(0);
        widths.push(Constraint::Length(widest.max(grades[k].len()) as u16));
    }
    let header = Row::new(titles).style(t.title());
    let rows = m
        .audits
        .iter()
        .enumerate()
        .skip(off)
        .take(inner_h)
        .map(|(i, r)| {
            let a = &r.summary.audit;
            let pct = (r.done * 100).checked_div(r.total).unwrap_or(0);
            let dates = match (a.start_date.is_empty(), wide) {
                (true, _) => "—".to_string(),
                (false, true) => format!("{} → {}", a.start_date, a.end_date),
                (false, false) => a.start_date.clone(),
            };
            // an audit of the same client as the row above (newest first):
            // indented under it
            let same_client = i > 0
                && m.audits[i - 1].summary.audit.client_id == a.client_id
                && !a.client_id.is_empty();
            let org = if same_client {
                TCell::from(Span::styled(
                    format!("  · {}", inert(&a.organisation)),
                    t.dim(),
                ))
            } else {
                TCell::from(inert(&a.organisation).into_owned())
            };
            let mut cells = vec![
                org,
                TCell::from(cut(
                    &format!("{} {}", a.audit_type.label(), a.edition),
                    type_w as usize,
                )),
                TCell::from(dates),
            ];
            if wide {
                cells.push(TCell::from(a.status.label()));
            }
            cells.push(TCell::from(match r.readiness {
                // a rehearsal rates questions: how ready it found the SMS
                Some(p) => format!("ready {p}%"),
                None => format!("{:>2}/{} {pct:>2}%", r.done, r.total),
            }));
            for g in Grade::ALL {
                let n = r.summary.counts[g.severity() as usize];
                cells.push(TCell::from(Span::styled(
                    count_label(n),
                    if n > 0 { t.grade(*g) } else { t.dim() },
                )));
            }
            let row = Row::new(cells);
            if i == v.selected {
                row.style(t.selected())
            } else {
                row
            }
        });
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

/// A finding count as the audits list shows it: exact up to 9 999, then in
/// thousands, rounded ("200k" for 199 879): the overview has the exact one.
fn count_label(n: u64) -> String {
    if n < 10_000 {
        n.to_string()
    } else {
        format!("{}k", (n + 500) / 1000)
    }
}
