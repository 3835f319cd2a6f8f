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
    Finding(String),
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

pub struct FinderState {
    pub input: TextArea<'static>,
    pub candidates: Vec<Candidate>,
    /// (score, candidate index), best first.
    pub matches: Vec<(i64, usize)>,
    pub selected: usize,
    matcher: SkimMatcherV2,
}

/// At most this many matches are kept and shown.
pub const MAX_MATCHES: usize = 200;

/// Every searchable thing of an audit.
pub fn candidates(data: &AuditData) -> Vec<Candidate> {
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
    for f in &data.all_findings {
        out.push(Candidate {
            text: format!("{} {}", f.reference, f.title),
            kind: "finding",
            target: Target::Finding(f.id.clone()),
        });
    }
    for i in &data.interviews {
        out.push(Candidate {
            text: format!("{} ({})", i.interviewee, i.role),
            kind: "interview",
            target: Target::Interview(i.id.clone()),
        });
    }
    out
}

impl FinderState {
    pub fn new(data: &AuditData) -> Self {
        let mut input = TextArea::default();
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.set_placeholder_text("type to search clauses, findings, interviewees");
        let mut s = FinderState {
            input,
            candidates: candidates(data),
            matches: Vec::new(),
            selected: 0,
            matcher: SkimMatcherV2::default(),
        };
        s.refresh();
        s
    }

    pub fn query(&self) -> String {
        self.input.lines().join(" ")
    }

    /// Feed a key to the query line; the matches follow the query.
    pub fn input(&mut self, ev: KeyEvent) {
        if self.input.input(ev) {
            self.refresh();
        }
    }

    /// Recompute the matches for the current query.
    pub fn refresh(&mut self) {
        let q = self.query();
        self.selected = 0;
        if q.trim().is_empty() {
            self.matches = (0..self.candidates.len().min(MAX_MATCHES))
                .map(|i| (0, i))
                .collect();
            return;
        }
        let mut m: Vec<(i64, usize)> = self
            .candidates
            .iter()
            .enumerate()
            .filter_map(|(i, c)| self.matcher.fuzzy_match(&c.text, &q).map(|s| (s, i)))
            .collect();
        m.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        m.truncate(MAX_MATCHES);
        self.matches = m;
    }

    pub fn chosen(&self) -> Option<Target> {
        self.matches
            .get(self.selected)
            .and_then(|(_, i)| self.candidates.get(*i))
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
        s.candidates.len()
    ));
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
            let c = s.candidates.get(*i)?;
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
