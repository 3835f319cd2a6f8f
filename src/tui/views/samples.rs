//! Record samples (ISO 19011 A.6): the list on the left, the selected one on
//! the right; each field edited on its own, the method from a list, a
//! delete after confirmation.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{cut, detail_scroll, moved, scroll_by};
use crate::store::{self, EditTarget, SampleField};
use crate::tui::action::Action;
use crate::tui::component::{info, none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::form::FormState;
use crate::tui::popups::picker::{PickFor, PickerState};
use crate::tui::popups::Popup;

#[derive(Default)]
pub struct SamplesView {
    pub selected: usize,
    /// How far the detail pane is scrolled (J / K), from its top.
    pub detail_scroll: u16,
}

impl SamplesView {
    /// Select the sample with this id, if it is there (a large audit's
    /// list still being read is waited for).
    pub fn select(&mut self, m: &mut Model, store: &store::Store, id: &str) -> store::Result<()> {
        if let Some(d) = &mut m.data {
            d.lists_arrived(true)?;
        }
        if let Some(pos) = m.sample_position(store, id)? {
            self.selected = pos;
        }
        Ok(())
    }
}

impl Component for SamplesView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(data) = &ctx.model.data else {
            return none();
        };
        let len = data.samples.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        let current = ctx.model.sample_at(ctx.store, self.selected)?;
        if scroll_by(action, &mut self.detail_scroll) {
            return none();
        }
        let field = match action {
            Action::EditNotes | Action::Select => Some((SampleField::Items, "items seen")),
            Action::EditPopulation => Some((SampleField::Population, "population")),
            Action::EditSize => Some((SampleField::Size, "size")),
            Action::EditResult => Some((SampleField::Result, "result")),
            Action::EditClauses => Some((SampleField::Clause, "clause")),
            Action::EditPeriod => Some((
                SampleField::Period,
                "records from, to (YYYY-MM-DD YYYY-MM-DD)",
            )),
            _ => None,
        };
        let none_yet = || {
            info(format!(
                "No sample yet: {} records one",
                ctx.model.keymap.key_of(Mode::Samples, &Action::NewSample)
            ))
        };
        if let Some((field, what)) = field {
            let Some(s) = current else {
                return none_yet();
            };
            return one(Effect::Edit {
                target: EditTarget::Sample { id: s.id, field },
                label: format!("Sample of {} ({}) — {what}", s.population, s.clause_id),
            });
        }
        match action {
            Action::NewSample => {
                let clause = current.map(|s| s.clause_id).unwrap_or_default();
                one(Effect::OpenForm(Box::new(FormState::new_sample(&clause))))
            }
            Action::PickMethod => match current {
                Some(s) => one(Effect::Push(Popup::Picker(Box::new(
                    PickerState::sample_method(
                        &s.population,
                        s.method,
                        PickFor::SampleMethod { id: s.id },
                    ),
                )))),
                None => none_yet(),
            },
            Action::Delete => match current {
                Some(s) => one(Effect::Confirm {
                    message: format!(
                        "Delete the sample of {} ({})? This cannot be undone.",
                        s.population, s.clause_id
                    ),
                    pending: Pending::DeleteSample {
                        id: s.id,
                        what: s.population,
                    },
                }),
                None => none(),
            },
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
        let [left, right] =
            Layout::horizontal([Constraint::Length(40), Constraint::Fill(1)]).areas(area);
        // only the rows on screen were read, before drawing
        let h = left.height.saturating_sub(2) as usize;
        let (first, rows) = &m.frame.samples;
        let mut lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .take(h)
            .map(|(k, x)| {
                let i = first + k;
                let line = Line::from(vec![
                    Span::styled(format!("{:<10}", cut(&x.clause_id, 9)), t.dim()),
                    Span::raw(cut(&x.population, 27)),
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
                format!(
                    "No samples yet: {} records one.",
                    m.keymap.key_of(Mode::Samples, &Action::NewSample)
                ),
                t.dim(),
            ));
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(
                " Samples ({}) ",
                super::list_count(d, d.samples.len())
            ))),
            left,
        );
        let detail = match self.selected.checked_sub(*first).and_then(|k| rows.get(k)) {
            Some(x) => {
                let row = |label: &str, value: String| {
                    Line::from(vec![
                        Span::styled(format!("{label:<12}"), t.dim()),
                        Span::raw(value),
                    ])
                };
                let title = d
                    .catalogue
                    .get(&x.clause_id)
                    .map(|c| inert(&c.title).into_owned())
                    .unwrap_or_default();
                let mut l = vec![
                    Line::styled(inert(&x.population).into_owned(), t.title()),
                    row("Clause", format!("{} {title}", inert(&x.clause_id))),
                    row("Method", x.method.label().to_string()),
                    row("Size", x.size.to_string()),
                    row(
                        "Records",
                        if x.period_from.is_empty() && x.period_to.is_empty() {
                            format!(
                                "period not given ({} gives it)",
                                m.keymap.key_of(Mode::Samples, &Action::EditPeriod)
                            )
                        } else {
                            format!("{} – {}", inert(&x.period_from), inert(&x.period_to))
                        },
                    ),
                    Line::styled("Items seen", t.dim()),
                ];
                l.extend(x.items.lines().map(|s| Line::raw(inert(s).into_owned())));
                l.push(Line::styled("Result", t.dim()));
                l.extend(x.result.lines().map(|s| Line::raw(inert(s).into_owned())));
                let cited: Vec<&str> = d
                    .citations
                    .iter()
                    .filter(|c| c.sample_id == x.id)
                    .map(|c| c.reference.as_str())
                    .collect();
                l.push(row(
                    "Cited by",
                    if cited.is_empty() {
                        format!(
                            "no finding yet ({} in a finding cites it)",
                            m.keymap.key_of(
                                crate::tui::keymap::Mode::FindingDetail,
                                &crate::tui::action::Action::CiteSamples
                            )
                        )
                    } else {
                        inert(&cited.join(", ")).into_owned()
                    },
                ));
                l
            }
            None => vec![],
        };
        let scroll = detail_scroll(self.detail_scroll, &detail, right);
        f.render_widget(
            Paragraph::new(detail)
                .block(Block::bordered().title(" Sample (ISO 19011 A.6) "))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            right,
        );
    }
}
