//! One component per screen, one file each. `render` draws the whole frame.

pub mod audits;
pub mod findings;
pub mod gaps;
pub mod interviews;
pub mod overview;
pub mod plan;
pub mod programme;
pub mod report;
pub mod samples;
pub mod stage1;
pub mod stage2;
pub mod team;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::action::Action;
use super::app::App;
use super::component::Component;
use super::keymap::Mode;
use super::model::Model;
use super::popups;

/// The smallest terminal the workbench draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draw the whole frame from the model and the components' state. What it
/// shows was read before (`App::prepare`): drawing never calls the store.
pub fn render(app: &App, f: &mut Frame) {
    let m = &app.model;
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
    app.screens.get(app.screen).render(m, f, body);
    // A message longer than the status line takes the hints' line too,
    // wrapped, rather than be cut.
    let long = m
        .status
        .as_ref()
        .is_some_and(|s| super::text::inert(&s.text).chars().count() + 2 > status.width as usize);
    if long {
        render_long_status(m, f, hints.union(status));
    } else {
        render_hints(app, f, hints);
        render_status(m, f, status);
    }
    popups::render(&app.popups, m, f, area);
}

/// The body's height on a terminal `height` rows high (tabs, hints and
/// status take a row each).
pub fn body_height(height: u16) -> u16 {
    height.saturating_sub(3)
}

fn render_tabs(app: &App, f: &mut Frame, area: Rect) {
    let m = &app.model;
    let t = &m.theme;
    let width = area.width as usize;
    // The banners: a file that cannot be written, an audit that is frozen;
    // in full, or in a word when the line is short.
    let banner: Option<(String, &str)> = if m.read_only.is_some() {
        Some((" READ-ONLY: nothing can be changed ".into(), " READ-ONLY "))
    } else if m.reported() {
        Some((
            format!(
                " REPORTED: read-only ({} reopens) ",
                m.keymap.key_of(Mode::Overview, &Action::ReportAudit)
            ),
            " REPORTED ",
        ))
    } else {
        None
    };
    // 0: full names, 1: short, 2: tiny
    let tabs = |tier: u8| -> Vec<Span> {
        let mut spans = vec![];
        for (screen, action, name, short_name, tiny) in Screen::TABS
            .iter()
            .zip(Screen::SHORT)
            .zip(Screen::TINY)
            .map(|(((s, a, n), short), tiny)| (s, a, n, short, tiny))
        {
            let rehearsal = m
                .data
                .as_ref()
                .is_some_and(|d| d.audit.audit_type == crate::domain::AuditType::Internal);
            if *screen == Screen::Gaps && !rehearsal {
                continue;
            }
            // the Team tab once the audit is shared (`=` works before, to say how)
            let shared = m.data.as_ref().is_some_and(|d| d.team.is_some());
            if *screen == Screen::Team && !shared {
                continue;
            }
            let enabled = *screen == Screen::Audits || m.data.is_some();
            let style = if *screen == app.screen {
                t.selected()
            } else if enabled {
                ratatui::style::Style::default()
            } else {
                t.dim()
            };
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format!(
                    "{} {}",
                    m.keymap.key_of(Mode::Global, action),
                    match tier {
                        0 => name,
                        1 => short_name,
                        _ if *screen == app.screen => short_name,
                        _ => tiny,
                    }
                ),
                style,
            ));
        }
        spans
    };
    let w = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    let banner_w = banner.as_ref().map_or(0, |(b, _)| b.chars().count() + 2);
    let mut spans = tabs(0);
    for tier in [1, 2] {
        if w(&spans) + banner_w > width {
            spans = tabs(tier);
        }
    }
    // The name of the program first, when the tabs leave room for it.
    if w(&spans) + banner_w + 12 <= width {
        spans.insert(0, Span::styled(" auditbench ", t.accent()));
    }
    if let Some((full, word)) = banner {
        let text = if w(&spans) + full.chars().count() + 2 <= width {
            full
        } else {
            word.to_string()
        };
        spans.push(Span::raw("  "));
        spans.push(Span::styled(text, t.error()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_hints(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.model.theme;
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, desc) in app.model.keymap.hints(app.mode()) {
        // whole hints only: one that does not fit is left out, not cut
        let (k, d) = (format!(" {key}"), format!(" {desc} "));
        used += k.chars().count() + d.chars().count();
        if used > area.width as usize {
            break;
        }
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::styled(d, t.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_long_status(m: &Model, f: &mut Frame, area: Rect) {
    let Some(s) = &m.status else { return };
    let style = if s.error {
        m.theme.error()
    } else {
        m.theme.info()
    };
    f.render_widget(
        Paragraph::new(Line::styled(
            format!(" {} ", super::text::inert(&s.text)),
            style,
        ))
        .wrap(Wrap { trim: true }),
        area,
    );
}

fn render_status(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.theme;
    let audit = m
        .data
        .as_ref()
        .map(|d| {
            format!(
                " · {} — {} {} · as {}",
                super::text::inert(&d.audit.organisation),
                d.audit.audit_type.label(),
                d.audit.edition,
                super::text::inert(&m.auditor())
            )
        })
        .unwrap_or_default();
    let label = format!(" {}{audit} ", m.file_name);
    let mut spans = Vec::new();
    if let Some(s) = &m.status {
        let text = format!(" {} ", super::text::inert(&s.text));
        // a message that does not fit beside the file's name takes the
        // whole line rather than be cut
        if label.chars().count() + text.chars().count() <= area.width as usize {
            spans.push(Span::styled(label, t.title()));
        }
        spans.push(Span::styled(
            text,
            if s.error { t.error() } else { t.info() },
        ));
    } else {
        spans.push(Span::styled(label, t.title()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// How many screen lines `lines` take once wrapped inside a bordered pane
/// of `width` columns.
pub fn wrapped_height(lines: &[Line], width: u16) -> usize {
    let inner = width.saturating_sub(2).max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum()
}

/// A detail pane's scroll (J / K), never past its last wrapped line.
pub fn detail_scroll(scroll: u16, lines: &[Line], pane: Rect) -> u16 {
    let max =
        (wrapped_height(lines, pane.width) as u16).saturating_sub(pane.height.saturating_sub(2));
    scroll.min(max)
}

/// Scroll a detail pane by an action; whether the action was a scroll.
pub fn scroll_by(action: &super::action::Action, scroll: &mut u16) -> bool {
    use super::action::Action;
    match action {
        Action::ScrollDetailDown => *scroll = scroll.saturating_add(3),
        Action::ScrollDetailUp => *scroll = scroll.saturating_sub(3),
        _ => return false,
    }
    true
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

/// The screens of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Audits,
    Overview,
    Stage1,
    Stage2,
    Findings,
    Interviews,
    Samples,
    Report,
    Plan,
    Programme,
    /// A rehearsal's gap plan (its tab shows on rehearsals only).
    Gaps,
    /// The audit team: members, merges, conflicts.
    Team,
}

impl Screen {
    /// The tabs: the screen, the action that goes there (its key is the
    /// tab's label) and the name.
    pub const TABS: &'static [(Screen, Action, &'static str)] = &[
        (Screen::Audits, Action::GoAudits, "Audits"),
        (Screen::Overview, Action::GoOverview, "Overview"),
        (Screen::Stage1, Action::GoStage1, "Stage 1"),
        (Screen::Stage2, Action::GoStage2, "Stage 2"),
        (Screen::Findings, Action::GoFindings, "Findings"),
        (Screen::Interviews, Action::GoInterviews, "Interviews"),
        (Screen::Samples, Action::GoSamples, "Samples"),
        (Screen::Report, Action::GoReport, "Report"),
        (Screen::Plan, Action::GoPlan, "Plan"),
        (Screen::Programme, Action::GoProgramme, "Programme"),
        (Screen::Gaps, Action::GoGaps, "Gaps"),
        (Screen::Team, Action::GoTeam, "Team"),
    ];

    /// The tabs' names when the full ones do not fit, in the same order.
    pub const SHORT: [&'static str; 12] = [
        "Audits", "Overview", "Stage1", "Stage2", "Findings", "Interv.", "Samples", "Report",
        "Plan", "Progr.", "Gaps", "Team",
    ];

    /// The tabs' names on the narrowest terminals (the selected tab keeps
    /// its short name).
    pub const TINY: [&'static str; 12] = [
        "Aud", "Ovw", "St1", "St2", "Fnd", "Int", "Smp", "Rep", "Pln", "Prg", "Gap", "Tm",
    ];
}

/// Every screen's component, each with its own state.
#[derive(Default)]
pub struct Screens {
    pub audits: audits::AuditsView,
    pub overview: overview::OverviewView,
    pub stage1: stage1::Stage1View,
    pub stage2: stage2::Stage2View,
    pub findings: findings::FindingsView,
    pub interviews: interviews::InterviewsView,
    pub samples: samples::SamplesView,
    pub report: report::ReportView,
    pub plan: plan::PlanView,
    pub programme: programme::ProgrammeView,
    pub gaps: gaps::GapsView,
    pub team: team::TeamView,
}

impl Screens {
    pub fn get(&self, s: Screen) -> &dyn Component {
        match s {
            Screen::Audits => &self.audits,
            Screen::Overview => &self.overview,
            Screen::Stage1 => &self.stage1,
            Screen::Stage2 => &self.stage2,
            Screen::Findings => &self.findings,
            Screen::Interviews => &self.interviews,
            Screen::Samples => &self.samples,
            Screen::Report => &self.report,
            Screen::Plan => &self.plan,
            Screen::Programme => &self.programme,
            Screen::Gaps => &self.gaps,
            Screen::Team => &self.team,
        }
    }

    pub fn get_mut(&mut self, s: Screen) -> &mut dyn Component {
        match s {
            Screen::Audits => &mut self.audits,
            Screen::Overview => &mut self.overview,
            Screen::Stage1 => &mut self.stage1,
            Screen::Stage2 => &mut self.stage2,
            Screen::Findings => &mut self.findings,
            Screen::Interviews => &mut self.interviews,
            Screen::Samples => &mut self.samples,
            Screen::Report => &mut self.report,
            Screen::Plan => &mut self.plan,
            Screen::Programme => &mut self.programme,
            Screen::Gaps => &mut self.gaps,
            Screen::Team => &mut self.team,
        }
    }

    /// The mode keys are read in on screen `s`.
    pub fn mode(&self, s: Screen) -> Mode {
        match s {
            Screen::Audits => Mode::Audits,
            Screen::Overview => Mode::Overview,
            Screen::Stage1 => Mode::Stage1,
            Screen::Stage2 if self.stage2.focus_questions => Mode::Stage2Questions,
            Screen::Stage2 => Mode::Stage2,
            Screen::Findings => Mode::Findings,
            Screen::Interviews => Mode::Interviews,
            Screen::Samples => Mode::Samples,
            Screen::Report => Mode::Report,
            Screen::Plan => Mode::Plan,
            Screen::Programme => Mode::Programme,
            Screen::Gaps => Mode::Gaps,
            Screen::Team => Mode::Team,
        }
    }
}

/// A list's count in its title, or that it is still being read (a large
/// audit's interviews and samples come from a thread).
pub fn list_count(d: &crate::tui::model::AuditData, n: usize) -> String {
    if d.lists_loading.is_some() {
        "reading…".to_string()
    } else {
        n.to_string()
    }
}
