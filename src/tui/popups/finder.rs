//! `/` or Ctrl-P: fuzzy search over clause ids and titles, clause intents,
//! finding references and titles, and interviewees; Enter jumps there.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::centered;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::views::AuditData;

/// Where a match leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Clause(String),
    /// A finding, by row id.
    Finding(i64),
    Interview(String),
}

#[derive(Debug, Clone)]
pub struct Candidate {
    /// What is matched against.
    pub text: String,
    /// What kind of thing, shown before the text.
    pub kind: &'static str,
    pub target: Target,
}

/// At most this many matches are kept and shown.
pub const MAX_MATCHES: usize = 200;

/// Every searchable thing of an audit: built once when the audit is opened,
/// then kept up to date one finding at a time (see `App::finder_refresh`).
pub fn candidates(
    store: &crate::store::Store,
    data: &AuditData,
) -> crate::store::Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for c in data.catalogue.clauses() {
        out.push(Candidate {
            text: format!("{} {}", c.id, c.title),
            kind: "clause",
            target: Target::Clause(c.id.clone()),
        });
        if !c.intent.is_empty() {
            out.push(Candidate {
                text: format!("{} · {}", c.id, c.intent),
                kind: "intent",
                target: Target::Clause(c.id.clone()),
            });
        }
    }
    for (rowid, text) in store.finding_search_texts(&data.audit.id)? {
        out.push(Candidate {
            text,
            kind: "finding",
            target: Target::Finding(rowid),
        });
    }
    for i in &data.interviews {
        out.push(Candidate {
            text: format!("{} ({})", i.interviewee, i.role),
            kind: "interview",
            target: Target::Interview(i.id.clone()),
        });
    }
    Ok(out)
}

/// Pools larger than this are scored on two threads.
const PARALLEL_FROM: usize = 20_000;

/// Score `pool` (candidate indices) against the query: (score, index) of
/// every match, in pool order. Large pools are split across two threads
/// (the machines auditors carry have at least two cores).
fn score(
    candidates: &[Candidate],
    pool: &[usize],
    q: &str,
    matcher: &SkimMatcherV2,
) -> Vec<(i64, usize)> {
    let run = |part: &[usize], m: &SkimMatcherV2| -> Vec<(i64, usize)> {
        part.iter()
            .filter_map(|&i| {
                let c = candidates.get(i)?;
                m.fuzzy_match(&c.text, q).map(|s| (s, i))
            })
            .collect()
    };
    if pool.len() < PARALLEL_FROM {
        return run(pool, matcher);
    }
    let (a, b) = pool.split_at(pool.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| run(b, &SkimMatcherV2::default()));
        let mut first = run(a, matcher);
        match other.join() {
            Ok(second) => first.extend(second),
            Err(_) => first.extend(run(b, matcher)),
        }
        first
    })
}

pub struct FinderState {
    pub input: TextArea<'static>,
    /// (score, candidate index), best first, at most MAX_MATCHES.
    pub matches: Vec<(i64, usize)>,
    /// Every candidate matching `last_query`, not only the best: a query
    /// that extends it can only match a subset of these.
    matching: Vec<usize>,
    last_query: String,
    pub total: usize,
    pub selected: usize,
    matcher: SkimMatcherV2,
}

impl FinderState {
    pub fn new(candidates: &[Candidate]) -> Self {
        let mut input = TextArea::default();
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.set_placeholder_text("type to search clauses, findings, interviewees");
        let mut s = FinderState {
            input,
            matches: Vec::new(),
            matching: Vec::new(),
            last_query: String::new(),
            total: candidates.len(),
            selected: 0,
            matcher: SkimMatcherV2::default(),
        };
        s.refresh(candidates);
        s
    }

    pub fn query(&self) -> String {
        self.input.lines().join(" ")
    }

    /// Feed a key to the query line; the matches follow the query.
    pub fn input(&mut self, ev: KeyEvent, candidates: &[Candidate]) {
        if self.input.input(ev) {
            self.search(candidates);
        }
    }

    /// Recompute the matches from scratch (the candidates changed).
    pub fn refresh(&mut self, candidates: &[Candidate]) {
        self.last_query.clear();
        self.matching.clear();
        self.search(candidates);
    }

    /// Recompute the matches for the current query. Typing on narrows the
    /// previous matches instead of searching everything again.
    fn search(&mut self, candidates: &[Candidate]) {
        let q = self.query();
        self.selected = 0;
        self.total = candidates.len();
        if q.trim().is_empty() {
            self.matching.clear();
            self.last_query.clear();
            self.matches = (0..candidates.len().min(MAX_MATCHES))
                .map(|i| (0, i))
                .collect();
            return;
        }
        let narrowing = !self.last_query.is_empty() && q.starts_with(&self.last_query);
        let pool: Vec<usize> = if narrowing {
            std::mem::take(&mut self.matching)
        } else {
            (0..candidates.len()).collect()
        };
        let mut scored = score(candidates, &pool, &q, &self.matcher);
        self.matching = scored.iter().map(|(_, i)| *i).collect();
        self.last_query = q;
        let best = |a: &(i64, usize), b: &(i64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if scored.len() > MAX_MATCHES {
            scored.select_nth_unstable_by(MAX_MATCHES, best);
            scored.truncate(MAX_MATCHES);
        }
        scored.sort_by(best);
        self.matches = scored;
    }

    pub fn chosen(&self, candidates: &[Candidate]) -> Option<Target> {
        self.matches
            .get(self.selected)
            .and_then(|(_, i)| candidates.get(*i))
            .map(|c| c.target.clone())
    }
}

pub fn render(app: &App, s: &FinderState, f: &mut Frame, area: Rect) {
    let t: &Theme = &app.theme;
    let rect = centered(
        area,
        area.width.saturating_sub(10).clamp(20, 100),
        area.height.saturating_sub(4).max(5),
    );
    f.render_widget(Clear, rect);
    let block = Block::bordered().title(" Find ").title_bottom(format!(
        " {} of {} · Enter jump · Esc close ",
        s.matches.len(),
        s.total
    ));
    let candidates: &[Candidate] = app.data.as_ref().map_or(&[], |d| &d.finder);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [q, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let [prompt, qa] = Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(q);
    f.render_widget(Paragraph::new(Span::styled("> ", t.key())), prompt);
    f.render_widget(&s.input, qa);
    let h = list.height as usize;
    let start = s.selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = s
        .matches
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .filter_map(|(row, (_, i))| {
            let c = candidates.get(*i)?;
            let style = if row == s.selected {
                t.selected()
            } else {
                ratatui::style::Style::default()
            };
            Some(Line::from(vec![
                Span::styled(format!("{:<10}", c.kind), t.dim()),
                Span::styled(c.text.clone(), style),
            ]))
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}
