//! `/` or Ctrl-P: fuzzy search over clause ids and titles, clause intents,
//! finding references and titles, interviewees and their notes, samples;
//! and, from three characters on, the findings' texts (statement,
//! evidence, the client's response, the verification: a change record id
//! quoted in the evidence). Enter jumps there. The searches themselves are
//! `tui::search`; this popup holds the query line and merges the two.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::centered;
use crate::store;
use crate::tui::action::Action;
use crate::tui::component::{none, Component, Ctx};
use crate::tui::effect::{Effect, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::search::{Candidate, FinderWorkers, RecordRanker, Search, Target, TextWorker};
use crate::tui::theme::Theme;

pub struct FinderState {
    pub input: TextArea<'static>,
    pub search: Search,
    pub selected: usize,
    /// The findings' text search (none if it could not be opened).
    text: Option<TextWorker>,
    /// The findings, interviews and samples, ranked on a thread as they
    /// are read from the file (none if it could not be opened).
    ranker: Option<RecordRanker>,
    /// The ranker's best matches so far, as candidates, with their score.
    ranked: Vec<(i64, Candidate)>,
    /// How many records are ranked from the file: findings, interviews,
    /// samples (for the count shown).
    ranked_total: usize,
    /// Findings whose texts hold the query, as candidates, with the score
    /// the fuzzy matcher gives their excerpt (so both lists merge).
    hits: Vec<(i64, Candidate)>,
    /// A text search to start once typing pauses, and since when.
    due: Option<(String, std::time::Instant)>,
}

/// The pause in typing after which the findings' texts are searched: the
/// queries typed in between are never searched, and the thread does not
/// take a core from the fuzzy scoring while keys come.
pub const TEXT_PAUSE: std::time::Duration = std::time::Duration::from_millis(60);

/// How long Enter waits for the ranking from the file to end.
const ENTER_WAIT: std::time::Duration = std::time::Duration::from_millis(40);

/// One row of the finder's list.
pub struct Row<'a> {
    pub kind: &'a str,
    pub text: &'a str,
    pub target: &'a Target,
}

impl FinderState {
    pub fn new(
        candidates: &[Candidate],
        text: Option<TextWorker>,
        ranker: Option<RecordRanker>,
        ranked_total: usize,
    ) -> Self {
        let mut input = TextArea::default();
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.set_placeholder_text("type to search clauses, findings and their texts, interviews");
        FinderState {
            input,
            search: Search::new(candidates),
            selected: 0,
            text,
            ranker,
            ranked: Vec::new(),
            ranked_total,
            hits: Vec::new(),
            due: None,
        }
    }

    /// Its threads, their work stopped, for the next finder.
    pub fn into_workers(self) -> FinderWorkers {
        let FinderState {
            mut text,
            mut ranker,
            ..
        } = self;
        if let Some(t) = &mut text {
            t.cancel();
        }
        if let Some(r) = &mut ranker {
            r.stop();
        }
        FinderWorkers { text, ranker }
    }

    pub fn query(&self) -> String {
        self.input.lines().join(" ")
    }

    /// The query changed: both searches start again.
    fn requery(&mut self, candidates: &[Candidate]) {
        self.selected = 0;
        let q = self.query();
        self.search.set_query(&q, candidates);
        self.hits.clear();
        self.ranked.clear();
        if let Some(r) = &mut self.ranker {
            r.ask(q.trim());
        }
        self.due = None;
        if let Some(t) = &mut self.text {
            t.cancel();
            if q.trim().chars().count() >= store::MIN_QUERY {
                self.due = Some((q.trim().to_string(), std::time::Instant::now()));
            }
        }
    }

    /// A key no binding took: typed into the query; the matches follow.
    pub fn input(&mut self, ev: KeyEvent, candidates: &[Candidate]) {
        if super::textfield::type_key(&mut self.input, ev) {
            self.requery(candidates);
        }
    }

    /// Pasted text goes into the query.
    pub fn paste(&mut self, text: &str, candidates: &[Candidate]) {
        if self.input.insert_str(text) {
            self.requery(candidates);
        }
    }

    /// Take the ranked findings and the text search's hits that have come
    /// (`wait`: block until both are complete). Returns whether anything
    /// came.
    pub fn poll_text(&mut self, wait: bool) -> bool {
        let ranked = self.poll_ranker(wait);
        self.poll_hits(wait) || ranked
    }

    fn poll_ranker(&mut self, wait: bool) -> bool {
        self.take_ranked(wait.then_some(None))
    }

    /// Take the ranker's answers (see [`RecordRanker::poll_until`]).
    fn take_ranked(&mut self, until: Option<Option<std::time::Instant>>) -> bool {
        let Some(r) = &mut self.ranker else {
            return false;
        };
        if !r.poll_until(until) {
            return false;
        }
        self.ranked = r.latest.best.clone();
        true
    }

    fn poll_hits(&mut self, wait: bool) -> bool {
        if let (Some((q, since)), Some(t)) = (&self.due, &mut self.text) {
            if wait || since.elapsed() >= TEXT_PAUSE {
                t.ask(q);
                self.due = None;
            }
        }
        let Some(hits) = self.text.as_mut().and_then(|t| t.poll(wait)) else {
            return false;
        };
        let q = self.query();
        let q = q.trim();
        self.hits = hits
            .into_iter()
            .map(|h| {
                let text = format!("{} · {}", h.reference, h.excerpt);
                let score = self.search.score_one(&text, q).unwrap_or(0);
                (
                    score,
                    Candidate {
                        text,
                        kind: h.field,
                        target: Target::Finding(h.rowid),
                    },
                )
            })
            .collect();
        true
    }

    /// Fuzzy matches still being scored.
    pub fn busy(&self) -> bool {
        self.search.busy()
    }

    /// A text search due or awaited, or findings still being ranked.
    pub fn waiting(&self) -> bool {
        self.due.is_some()
            || self.text.as_ref().is_some_and(TextWorker::waiting)
            || self.ranker.as_ref().is_some_and(RecordRanker::waiting)
    }

    /// The list shown: the fuzzy matches and the text hits merged by score
    /// (an exact reference or clause id first); a finding found both ways
    /// is listed once, where it ranks higher.
    pub fn rows<'a>(&'a self, candidates: &'a [Candidate]) -> Vec<Row<'a>> {
        let mut all: Vec<(i64, &Candidate)> = self
            .search
            .matches
            .iter()
            .filter_map(|(s, i)| candidates.get(*i).map(|c| (*s, c)))
            .chain(self.ranked.iter().map(|(s, c)| (*s, c)))
            .chain(self.hits.iter().map(|(s, c)| (*s, c)))
            .collect();
        // stable: among equal scores the fuzzy matches stay first
        all.sort_by_key(|a| std::cmp::Reverse(a.0));
        let mut seen = std::collections::HashSet::new();
        all.into_iter()
            .filter(|(_, c)| match c.target {
                Target::Finding(r) => seen.insert(r),
                _ => true,
            })
            .map(|(_, c)| Row {
                kind: c.kind,
                text: &c.text,
                target: &c.target,
            })
            .collect()
    }
}

impl Component for FinderState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        if action.is_text_edit() {
            if super::textfield::edit(&mut self.input, action, false) {
                let candidates = ctx.model.data.as_ref().map_or(&[][..], |d| &d.finder);
                self.requery(candidates);
            }
            return none();
        }
        let candidates = ctx.model.data.as_ref().map_or(&[][..], |d| &d.finder);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < self.rows(candidates).len() => {
                self.selected += 1;
            }
            Action::Cancel => return Ok(vec![Effect::Close(Which::Top)]),
            Action::Select => {
                // the choice is the best of every in-memory entry, not of
                // the slices scored so far (Enter typed right after the
                // query, or a slow machine)
                while self.search.busy() {
                    self.search
                        .work(candidates, std::time::Duration::from_millis(50));
                }
                // and of the records ranked from the file, when the ranking
                // ends within a key's budget (a few thousand records: a few
                // ms); a longer one chooses among the best so far, as shown
                self.take_ranked(Some(Some(std::time::Instant::now() + ENTER_WAIT)));
                let target = self
                    .rows(candidates)
                    .get(self.selected)
                    .map(|r| r.target.clone());
                let mut effects = vec![Effect::Close(Which::Top)];
                effects.extend(target.map(Effect::Jump));
                return Ok(effects);
            }
            _ => {}
        }
        none()
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(s: &FinderState, m: &Model, f: &mut Frame, area: Rect) {
    let t: &Theme = &m.theme;
    let rect = centered(
        area,
        area.width.saturating_sub(10).clamp(20, 100),
        area.height.saturating_sub(4).max(5),
    );
    f.render_widget(Clear, rect);
    let candidates: &[Candidate] = m.data.as_ref().map_or(&[], |d| &d.finder);
    let rows = s.rows(candidates);
    let block = Block::bordered().title(" Find ").title_bottom(format!(
        " {}{} of {} ·{}",
        rows.len(),
        if s.busy() || s.waiting() {
            " so far (searching)"
        } else {
            ""
        },
        s.search.total + s.ranked_total,
        m.keymap.footer(Mode::Finder, rect.width.saturating_sub(40))
    ));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [q, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let [prompt, qa] = Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(q);
    f.render_widget(Paragraph::new(Span::styled("> ", t.key())), prompt);
    f.render_widget(&s.input, qa);
    let h = list.height as usize;
    let start = s.selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(row, c)| {
            let style = if row == s.selected {
                t.selected()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(vec![
                Span::styled(format!("{:<10} ", c.kind), t.dim()),
                Span::styled(crate::tui::text::inert(c.text).into_owned(), style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}
