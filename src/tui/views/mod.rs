//! One file per screen. `render` draws the whole frame from `&App`.

pub mod audits;
pub mod findings;
pub mod interviews;
pub mod overview;
pub mod stage1;
pub mod stage2;

use std::collections::HashMap;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Screen};
use super::popups;
use crate::catalogue::Catalogue;
use crate::domain::{
    Audit, ClauseReview, DocumentReview, Finding, Interview, NcTally, Sample, Stage,
};
use crate::store::{self, FindingFilter, Store};

/// The smallest terminal the workbench draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What the screens of an open audit show, loaded from the store and
/// reloaded slice by slice after each write.
pub struct AuditData {
    pub audit: Audit,
    pub catalogue: Catalogue,
    pub stage1: HashMap<String, ClauseReview>,
    pub stage2: HashMap<String, ClauseReview>,
    pub docs: HashMap<String, DocumentReview>,
    /// The findings screen's list: row ids, filtered and sorted. Rows are
    /// read from the store a screenful at a time.
    pub findings: FindingList,
    /// Open nonconformities for the overview (the first of them, report order).
    pub open_ncs: Vec<Finding>,
    /// What the fuzzy finder searches; built when the audit is opened.
    pub finder: Vec<popups::finder::Candidate>,
    /// The findings' finder entries, still being read in the background.
    pub finder_loading: Option<std::sync::mpsc::Receiver<Vec<(i64, String)>>>,
    /// Counts by grade (all findings, unfiltered).
    pub counts: [u64; 5],
    pub tally: NcTally,
    /// Per clause: (findings, open NCs).
    pub by_clause: HashMap<String, (u64, u64)>,
    pub interviews: Vec<Interview>,
    pub samples: Vec<Sample>,
}

/// How many open nonconformities the overview lists.
pub const OPEN_NC_ROWS: usize = 200;

/// A list of findings by row id, in display order. The ids are read a chunk
/// at a time: the first screenful at once, the rest on idle turns of the
/// event loop (or at once when the user jumps further).
#[derive(Debug, Default, Clone)]
pub struct FindingList {
    /// The ids read so far, from the top of the list.
    pub ids: Vec<i64>,
    /// How many findings the list has in all.
    pub total: usize,
    filter: FindingFilter,
    order: findings::Sort,
}

/// Ids read when a list is (re)loaded, and per later chunk.
const FIRST_IDS: usize = 1_000;
const MORE_IDS: usize = 4_000;

impl FindingList {
    fn load(
        store: &Store,
        audit_id: &str,
        filter: &FindingFilter,
        order: findings::Sort,
        counts: &[u64; 5],
    ) -> store::Result<Self> {
        // The grade counts are at hand: only status and clause filters count.
        let total = match (&filter.grade, &filter.status, &filter.clause_id) {
            (None, None, None) => counts.iter().sum::<u64>() as usize,
            (Some(g), None, None) => counts[g.severity() as usize] as usize,
            _ => store.count_findings(audit_id, filter)?,
        };
        let ids = store.finding_rowids_page(audit_id, filter, order, 0, FIRST_IDS)?;
        Ok(FindingList {
            ids,
            total,
            filter: filter.clone(),
            order,
        })
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Whether every id has been read.
    pub fn complete(&self) -> bool {
        self.ids.len() >= self.total
    }

    /// Read the next chunk of ids.
    pub fn load_more(&mut self, store: &Store, audit_id: &str) -> store::Result<()> {
        if self.complete() {
            return Ok(());
        }
        let more = store.finding_rowids_page(
            audit_id,
            &self.filter,
            self.order,
            self.ids.len(),
            MORE_IDS,
        )?;
        if more.is_empty() {
            // the file changed under us: what we have is the list
            self.total = self.ids.len();
        }
        self.ids.extend(more);
        Ok(())
    }

    /// Make sure the ids up to position `upto` are read.
    pub fn ensure(&mut self, store: &Store, audit_id: &str, upto: usize) -> store::Result<()> {
        while self.ids.len() <= upto && !self.complete() {
            let before = self.ids.len();
            self.load_more(store, audit_id)?;
            if self.ids.len() == before {
                break;
            }
        }
        Ok(())
    }

    /// Where a finding is in the list (reads the whole list if needed).
    pub fn find(
        &mut self,
        store: &Store,
        audit_id: &str,
        rowid: i64,
    ) -> store::Result<Option<usize>> {
        if let Some(p) = self.ids.iter().position(|&r| r == rowid) {
            return Ok(Some(p));
        }
        self.ensure(store, audit_id, self.total)?;
        Ok(self.ids.iter().position(|&r| r == rowid))
    }

    /// Where a finding is among the ids read so far.
    pub fn position(&self, rowid: i64) -> Option<usize> {
        self.ids.iter().position(|&r| r == rowid)
    }

    /// The findings at `range` of the list (one query).
    pub fn window(&self, store: &Store, start: usize, len: usize) -> Vec<Finding> {
        let end = start.saturating_add(len).min(self.ids.len());
        let ids = self.ids.get(start.min(end)..end).unwrap_or(&[]);
        store.findings_by_rowid(ids).unwrap_or_default()
    }
}

impl AuditData {
    pub fn load(store: &Store, id: &str) -> store::Result<AuditData> {
        let audit = store.audit(id)?;
        let catalogue = store.catalogue(&audit.catalogue_id)?;
        let mut d = AuditData {
            audit,
            catalogue,
            stage1: HashMap::new(),
            stage2: HashMap::new(),
            docs: HashMap::new(),
            findings: FindingList::default(),
            open_ncs: Vec::new(),
            finder: Vec::new(),
            finder_loading: None,
            counts: [0; 5],
            tally: NcTally::default(),
            by_clause: HashMap::new(),
            interviews: store.interviews(id)?,
            samples: store.samples(id)?,
        };
        d.reload_reviews(store)?;
        d.finder = popups::finder::candidates(&d);
        d.finder_loading = Some(popups::finder::load_findings(store, id));
        Ok(d)
    }

    pub fn reload_reviews(&mut self, store: &Store) -> store::Result<()> {
        let id = &self.audit.id;
        self.stage1 = store
            .clause_reviews(id, Stage::ONE)?
            .into_iter()
            .map(|r| (r.clause_id.clone(), r))
            .collect();
        self.stage2 = store
            .clause_reviews(id, Stage::TWO)?
            .into_iter()
            .map(|r| (r.clause_id.clone(), r))
            .collect();
        self.docs = store
            .document_reviews(id)?
            .into_iter()
            .map(|r| (r.doc_key.clone(), r))
            .collect();
        Ok(())
    }

    pub fn reload_findings(
        &mut self,
        store: &Store,
        filter: &FindingFilter,
        sort: findings::Sort,
    ) -> store::Result<()> {
        let id = &self.audit.id;
        self.open_ncs = store.open_nonconformities(id, OPEN_NC_ROWS)?;
        self.counts = store.finding_counts(id)?;
        self.tally = store.nc_tally(id)?;
        self.by_clause = store.finding_counts_by_clause(id)?;
        // last: the list's length comes from the counts
        self.reload_list(store, filter, sort)
    }

    /// Take the findings' finder entries if the background read is done
    /// (`wait`: block until it is). Returns whether they arrived.
    pub fn finder_arrived(&mut self, wait: bool) -> bool {
        let Some(rx) = &self.finder_loading else {
            return false;
        };
        let got = if wait {
            rx.recv().ok()
        } else {
            match rx.try_recv() {
                Ok(v) => Some(v),
                Err(std::sync::mpsc::TryRecvError::Empty) => return false,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            }
        };
        self.finder_loading = None;
        match got {
            Some(texts) => {
                popups::finder::merge_findings(&mut self.finder, texts);
                true
            }
            None => false,
        }
    }

    /// Only the findings screen's list (a filter or the order changed: the
    /// counts did not).
    pub fn reload_list(
        &mut self,
        store: &Store,
        filter: &FindingFilter,
        sort: findings::Sort,
    ) -> store::Result<()> {
        self.findings = FindingList::load(store, &self.audit.id, filter, sort, &self.counts)?;
        Ok(())
    }

    /// Assessable clauses of the catalogue.
    pub fn assessable(&self) -> impl Iterator<Item = &crate::catalogue::Clause> {
        self.catalogue
            .clauses()
            .iter()
            .filter(|c| self.catalogue.is_assessable(c))
    }
}

/// Draw the whole frame.
pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "auditbench needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this terminal is {}×{}. Enlarge it (nothing is lost).",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [tabs, body, hints, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(app, f, tabs);
    match app.screen {
        Screen::Audits => audits::render(app, f, body),
        Screen::Overview => overview::render(app, f, body),
        Screen::Stage1 => stage1::render(app, f, body),
        Screen::Stage2 => stage2::render(app, f, body),
        Screen::Findings => findings::render(app, f, body),
        Screen::Interviews => interviews::render(app, f, body),
    }
    render_hints(app, f, hints);
    render_status(app, f, status);
    popups::render(app, f, area);
}

fn render_tabs(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" auditbench ", t.accent())];
    for (screen, key, name) in Screen::TABS {
        let enabled = *screen == Screen::Audits || app.data.is_some();
        let style = if *screen == app.screen {
            t.selected()
        } else if enabled {
            ratatui::style::Style::default()
        } else {
            t.dim()
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!("{key} {name}"), style));
    }
    // The banners: a file that cannot be written, an audit that is frozen.
    if app.store.read_only().is_some() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            " READ-ONLY: nothing can be changed ",
            t.error(),
        ));
    } else if app
        .data
        .as_ref()
        .is_some_and(|d| d.audit.status == crate::domain::AuditStatus::Reported)
    {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(" REPORTED: read-only (R reopens) ", t.error()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_hints(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = Vec::new();
    for (key, desc) in app.keymap.hints(app.mode()) {
        spans.push(Span::styled(format!(" {key}"), t.key()));
        spans.push(Span::styled(format!(" {desc} "), t.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_status(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let file = app
        .store
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let audit = app
        .data
        .as_ref()
        .map(|d| {
            format!(
                " · {} — {} {}",
                super::text::inert(&d.audit.organisation),
                d.audit.audit_type.label(),
                d.audit.edition
            )
        })
        .unwrap_or_default();
    let mut spans = vec![Span::styled(format!(" {file}{audit} "), t.title())];
    if let Some(s) = &app.status {
        spans.push(Span::styled(
            format!(" {} ", super::text::inert(&s.text)),
            if s.error { t.error() } else { t.info() },
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Keep `selected` inside a window of `height` rows that starts at `offset`.
pub fn scroll(offset: &std::cell::Cell<usize>, selected: usize, height: usize) -> usize {
    let mut off = offset.get();
    if height == 0 {
        return 0;
    }
    if selected < off {
        off = selected;
    }
    if selected >= off + height {
        off = selected + 1 - height;
    }
    offset.set(off);
    off
}

/// Move a selection by an action; returns the new index.
pub fn moved(action: &super::action::Action, selected: usize, len: usize, page: usize) -> usize {
    use super::action::Action;
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::PageDown => (selected + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => selected.min(last),
    }
}

/// Text cut to `w` characters, with an ellipsis when cut.
/// The first line of stored text, made inert (see `tui::text`), cut to `w`
/// characters with an ellipsis.
pub fn cut(s: &str, w: usize) -> String {
    let first = s.lines().next().unwrap_or("");
    let first = &*super::text::inert(first);
    if first.chars().count() <= w && !s.contains('\n') {
        return first.to_string();
    }
    let mut out: String = first.chars().take(w.saturating_sub(1)).collect();
    out.push('…');
    out
}
