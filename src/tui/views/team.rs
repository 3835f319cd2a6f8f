//! The audit team: the conflicts a merge left (a field written differently
//! on two laptops, or a record deleted on one and edited on another), each
//! value with who wrote it and when; the team's members and the merges made
//! on this laptop. Enter settles the selected conflict (a choice of its
//! values, or both texts kept); m merges a teammate's team file; s writes
//! one.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, detail_scroll, moved, scroll, scroll_by};
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::form::FormState;
use crate::tui::text::inert;

#[derive(Default)]
pub struct TeamView {
    /// Index into the audit's conflicts.
    pub selected: usize,
    pub offset: std::cell::Cell<usize>,
    /// How far the conflict pane is scrolled (J / K).
    pub detail_scroll: u16,
}

/// The field as a person reads it.
fn field_name(c: &store::ListedConflict) -> String {
    if c.field == crate::team::ALIVE {
        "deleted vs edited".into()
    } else {
        c.field.replace('_', " ")
    }
}

impl Component for TeamView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(d) = &ctx.model.data else {
            return none();
        };
        let len = d.conflicts.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        if scroll_by(action, &mut self.detail_scroll) {
            return none();
        }
        match action {
            Action::SettleConflict | Action::Select => match d.conflicts.get(self.selected) {
                Some(c) => one(Effect::OpenForm(Box::new(FormState::settle(c)))),
                None if d.team.is_none() => info(format!(
                    "This audit is not shared yet: {} writes a team file for your teammates",
                    ctx.model.keymap.key_of(Mode::Team, &Action::TeamShare)
                )),
                None => info("No conflict to settle"),
            },
            Action::TeamMerge => one(Effect::OpenForm(Box::new(FormState::team_merge(
                &ctx.model.export_dir,
            )))),
            Action::TeamShare => {
                let who = Some(ctx.store.actor())
                    .filter(|a| !a.is_empty())
                    .unwrap_or_else(|| d.audit.lead_auditor.clone());
                let today = chrono::Local::now().format("%Y-%m-%d").to_string();
                one(Effect::OpenForm(Box::new(FormState::team_share(
                    &ctx.model.export_dir,
                    &d.audit,
                    &who,
                    &today,
                ))))
            }
            a => {
                self.selected = moved(a, self.selected, len, 10);
                self.detail_scroll = 0;
                none()
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        let Some(d) = &m.data else { return };
        let t = &m.theme;
        let key = |a: &Action| m.keymap.key_of(Mode::Team, a);
        let Some(team) = &d.team else {
            let lines = vec![
                Line::raw("This audit is not shared in a team on this laptop."),
                Line::raw(""),
                Line::raw(format!(
                    "{} writes a team file: a teammate starts from it with `auditbench team join FILE`,",
                    key(&Action::TeamShare)
                )),
                Line::raw("works on their laptop, and sends back their own team file;"),
                Line::raw(format!(
                    "{} merges it here. Merging twice, or in any order, gives the same audit.",
                    key(&Action::TeamMerge)
                )),
            ];
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .style(t.dim())
                    .block(Block::bordered().title(" Team ")),
                area,
            );
            return;
        };
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).areas(area);
        // the conflicts: number, record, field
        let h = left.height.saturating_sub(2) as usize;
        let off = scroll(&self.offset, self.selected, h);
        let field_w = 16.min(left.width.saturating_sub(8) as usize / 3);
        let label_w = (left.width as usize).saturating_sub(2 + 4 + field_w + 1);
        let mut lines: Vec<Line> = d
            .conflicts
            .iter()
            .enumerate()
            .skip(off)
            .take(h)
            .map(|(i, c)| {
                let line = Line::from(vec![
                    Span::styled(format!("{:>3} ", c.number), t.dim()),
                    Span::raw(format!(
                        "{:<label_w$}",
                        // a finding is known by its reference
                        cut(
                            c.label.strip_prefix("finding ").unwrap_or(&c.label),
                            label_w
                        )
                    )),
                    Span::raw(" "),
                    Span::styled(cut(&field_name(c), field_w), t.error()),
                ]);
                if i == self.selected {
                    line.style(t.selected())
                } else {
                    line
                }
            })
            .collect();
        if lines.is_empty() {
            lines.push(Line::styled(
                "No conflict: every field merged has one value.",
                t.dim(),
            ));
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(if left.width >= 60 {
                format!(
                    " Conflicts {} · report and pack wait until settled ",
                    d.conflicts.len()
                )
            } else {
                format!(" Conflicts {} ", d.conflicts.len())
            })),
            left,
        );
        // the team, then the selected conflict
        // each member, and the last merge of their file on this laptop
        let mut about = Vec::new();
        for (actor, name) in &team.members {
            if *actor == team.actor {
                about.push(Line::raw(format!("{} (this laptop)", inert(name))));
                continue;
            }
            match team.merges.iter().find(|mg| mg.from_name == *name) {
                Some(mg) => {
                    about.push(Line::raw(format!(
                        "{} · merged {}",
                        inert(name),
                        inert(&mg.at).replace('T', " ")
                    )));
                    about.push(Line::styled(
                        format!(
                            "  {} new · {} changed · {} conflicts",
                            mg.new_records, mg.changed, mg.conflicts
                        ),
                        t.dim(),
                    ));
                }
                None => about.push(Line::from(vec![
                    Span::raw(inert(name).into_owned()),
                    Span::styled(" · nothing merged yet", t.dim()),
                ])),
            }
        }
        if team.provisional > 0 {
            about.push(Line::styled(
                format!(
                    "{} provisional reference{} until the lead runs `auditbench team finalise`",
                    team.provisional,
                    if team.provisional == 1 { "" } else { "s" }
                ),
                t.info(),
            ));
        }
        about.push(Line::styled(
            format!(
                "{} merge a teammate's file · {} write yours",
                key(&Action::TeamMerge),
                key(&Action::TeamShare)
            ),
            t.dim(),
        ));
        let about_h = (super::wrapped_height(&about, right.width) as u16 + 2).min(right.height / 2);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(about_h), Constraint::Fill(1)]).areas(right);
        f.render_widget(
            Paragraph::new(about)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(if team.role == "lead" {
                    " Team · this laptop leads ".to_string()
                } else {
                    format!(" Team · new references NC-{}-… ", inert(&team.ref_tag))
                })),
            top,
        );
        let detail = conflict_lines(m, self.selected);
        let scroll = detail_scroll(self.detail_scroll, &detail, bottom);
        f.render_widget(
            Paragraph::new(detail)
                .block(Block::bordered().title(" Conflict "))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            bottom,
        );
    }
}

/// The selected conflict: each value, who wrote it, when.
fn conflict_lines(m: &Model, selected: usize) -> Vec<Line<'_>> {
    let t = &m.theme;
    let Some(d) = &m.data else { return vec![] };
    let Some(c) = d.conflicts.get(selected) else {
        return vec![];
    };
    let mut l = vec![
        Line::styled(inert(&c.label).into_owned(), t.title()),
        Line::from(vec![
            Span::styled("Field  ", t.dim()),
            Span::raw(field_name(c)),
        ]),
    ];
    for (v, who, at) in &c.values {
        l.push(Line::raw(""));
        l.push(Line::styled(
            format!("{} · {}", inert(who), inert(at)),
            t.dim(),
        ));
        let shown = if c.field == crate::team::ALIVE {
            if v == crate::team::DELETED {
                "deleted".to_string()
            } else {
                "kept, and edited".to_string()
            }
        } else {
            v.clone()
        };
        l.extend(shown.lines().map(|s| Line::raw(inert(s).into_owned())));
    }
    l.push(Line::raw(""));
    l.push(Line::styled(
        format!(
            "{} settles it: one value{}",
            m.keymap.key_of(Mode::Team, &Action::SettleConflict),
            if c.is_text() {
                ", or both kept with who wrote each"
            } else {
                " (a grade, a status, a result or a deletion is never settled by itself)"
            }
        ),
        t.dim(),
    ));
    l
}
