//! The open audit at a glance: progress, findings by grade, open NCs and the
//! recommendation derived from them.

use crate::tui::text::inert;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Gauge, Paragraph};
use ratatui::Frame;

use super::cut;
use crate::domain::{AuditStatus, DocStatus, Grade, Tone};
use crate::store;
use crate::store::EditTarget;
use crate::tui::action::Action;
use crate::tui::component::{none, one, Component, Ctx};
use crate::tui::effect::Effect;
use crate::tui::keymap::Mode;
use crate::tui::model::Model;
use crate::tui::popups::confirm::Pending;
use crate::tui::popups::form::FormState;
use crate::tui::popups::picker::PickerState;
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;

fn gauge<'a>(t: &Theme, title: &'a str, done: usize, total: usize) -> Gauge<'a> {
    let ratio = if total == 0 {
        0.0
    } else {
        done as f64 / total as f64
    };
    Gauge::default()
        .block(Block::bordered().title(format!(" {title} ")))
        .gauge_style(t.info())
        .ratio(ratio.clamp(0.0, 1.0))
        .label(format!("{done} / {total}"))
}

/// The overview has no state of its own: it reports or reopens the audit.
#[derive(Default)]
pub struct OverviewView;

impl Component for OverviewView {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        let Some(data) = &ctx.model.data else {
            return none();
        };
        let a = &data.audit;
        match action {
            Action::ReportAudit => {}
            Action::VerifyCarried => {
                return match PickerState::carried(&a.id, &data.carried, &data.scale) {
                    Some(p) => one(Effect::Push(Popup::Picker(Box::new(p)))),
                    None => one(Effect::Info(
                        "This audit carries no finding from earlier audits (a follow-up made with F on the Audits screen does)".into(),
                    )),
                };
            }
            Action::Decide => {
                return one(Effect::Push(Popup::Picker(Box::new(
                    PickerState::decision(a),
                ))))
            }
            Action::EditJustification => {
                return one(Effect::Edit {
                    target: EditTarget::RecommendationNote {
                        audit_id: a.id.clone(),
                    },
                    label: format!("{} — justification of the recommendation", a.organisation),
                })
            }
            Action::EditAudit => return one(Effect::OpenForm(Box::new(FormState::edit_audit(a)))),
            _ => return none(),
        }
        if data.audit.status == AuditStatus::Reported {
            return one(Effect::OpenForm(Box::new(FormState::reopen())));
        }
        let missing = missing_before_report(data);
        let missing = if missing.is_empty() {
            String::new()
        } else {
            format!(" Still missing: {}.", missing.join("; "))
        };
        one(Effect::Confirm {
            message: format!(
                "Mark the audit of {} as reported?{missing} Its findings and records become read-only until it is reopened with a reason.",
                data.audit.organisation
            ),
            pending: Pending::ReportAudit {
                id: data.audit.id.clone(),
            },
        })
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(m, f, area)
    }
}

/// What a lead auditor would want done before reporting, in words.
pub fn missing_before_report(d: &crate::tui::model::AuditData) -> Vec<String> {
    let c = d.coverage();
    let mut out = Vec::new();
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let clauses_left = c.clauses - c.clauses_assessed.min(c.clauses);
    if d.audit.audit_type == crate::domain::AuditType::Stage1 {
        let docs_left = c.documents - c.documents_reviewed.min(c.documents);
        if docs_left > 0 {
            out.push(format!("{docs_left} document{} not reviewed", s(docs_left)));
        }
    } else if clauses_left > 0 {
        out.push(format!(
            "{clauses_left} clause{} not assessed",
            s(clauses_left)
        ));
    }
    if d.tally.open_majors > 0 {
        out.push(format!(
            "{} major NC{} open",
            d.tally.open_majors,
            s(d.tally.open_majors)
        ));
    }
    if d.audit.recommendation.is_none() {
        out.push("no recommendation recorded".into());
    }
    out
}

fn render(m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.data else { return };
    let t = &m.theme;

    let a = &d.audit;
    let coverage = d.coverage();
    let (rec, tone) = d.suggestion();
    let rec_style = match tone {
        Tone::Blocked => t.grade(Grade::Major),
        Tone::Pending => t.grade(Grade::Minor),
        Tone::Clear => t.info(),
    };
    let team = match a.recommendation {
        Some(dec) => Span::styled(dec.label(), t.title()),
        None => Span::styled(
            format!(
                "none recorded ({} to record it)",
                m.keymap.key_of(Mode::Overview, &Action::Decide)
            ),
            t.dim(),
        ),
    };
    let head_lines = vec![
        Line::from(vec![
            Span::styled(inert(&a.organisation).into_owned(), t.title()),
            // the status first: it is never the part a narrow terminal cuts
            Span::raw("  ·  "),
            Span::styled(a.status.label(), t.key()),
            Span::raw(format!(
                "  ·  {}  ·  {} → {}  ·  {}",
                a.audit_type.label(),
                a.start_date,
                a.end_date,
                inert(&d.catalogue.title),
            )),
        ]),
        Line::styled(
            cut(
                &format!("Scope: {}", inert(&a.scope)),
                area.width.saturating_sub(4) as usize,
            ),
            t.dim(),
        ),
        Line::from(vec![Span::raw("Team's recommendation: "), team]),
        Line::from(vec![
            Span::raw(if d.rehearsal() {
                "Readiness statement: "
            } else {
                "Suggested by the findings: "
            }),
            Span::styled(rec, rec_style),
        ]),
    ];
    let mut head_lines = head_lines;
    if a.audit_type == crate::domain::AuditType::Internal {
        // a rehearsal: how ready, per main clause
        let r = d.readiness();
        let rated = r.overall.met + r.overall.partly + r.overall.not_met;
        let mut spans = vec![
            Span::raw("Readiness: "),
            Span::styled(format!("{}%", r.overall.percent()), t.title()),
            Span::raw(format!(
                " (rated {rated} of {} questions; partly met counts half) ",
                r.overall.applicable
            )),
        ];
        for m in &r.main {
            spans.push(Span::styled(
                format!(" {} {}%", inert(&m.id), m.percent()),
                t.dim(),
            ));
        }
        head_lines.push(Line::from(spans));
        head_lines.extend(rehearsal_head(d, m));
    }
    if d.awaited.0 > 0 {
        // after the report: what the client and the auditor still owe
        head_lines.push(Line::from(vec![
            Span::raw("After the report: "),
            Span::styled(
                format!(
                    "{} NC{} awaiting a response, review or verification{}",
                    d.awaited.0,
                    if d.awaited.0 == 1 { "" } else { "s" },
                    if d.awaited.1 > 0 {
                        format!(", {} overdue", d.awaited.1)
                    } else {
                        String::new()
                    }
                ),
                if d.awaited.1 > 0 {
                    t.grade(Grade::Major)
                } else {
                    t.grade(Grade::Minor)
                },
            ),
            Span::styled("  (auditbench due)", t.dim()),
        ]));
    }
    // the head grows with what it has to say (five lines at least)
    let [head, gauges, bottom] = Layout::vertical([
        Constraint::Length(head_lines.len().max(5) as u16),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(head_lines).block(Block::default()), head);
    if d.rehearsal() {
        render_rehearsal(d, m, f, gauges, bottom);
        return;
    }

    let docs_total = d.catalogue.documents().count();
    let docs_done = d
        .docs
        .values()
        .filter(|r| r.status != DocStatus::NotReviewed)
        .count();
    // nonconformities closed (verified) of all raised
    let ncs = (d.counts[0] + d.counts[1]) as usize;
    let open =
        (d.tally.open_majors + d.tally.minors_without_plan + d.tally.minors_with_plan) as usize;
    let [g1, g2, g3] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(gauges);
    f.render_widget(gauge(t, "Stage 1 documents", docs_done, docs_total), g1);
    f.render_widget(
        gauge(
            t,
            "Clauses assessed",
            coverage.clauses_assessed as usize,
            coverage.clauses as usize,
        ),
        g2,
    );
    f.render_widget(gauge(t, "NCs closed", ncs.saturating_sub(open), ncs), g3);

    // bars as wide as the scale's short labels (at most 5)
    let bar_w = Grade::ALL
        .iter()
        .map(|g| d.scale.short(*g).chars().count() as u16)
        .max()
        .unwrap_or(4)
        .clamp(4, 5);
    let [chart, open] = Layout::horizontal([
        Constraint::Length(Grade::ALL.len() as u16 * (bar_w + 1) + 2),
        Constraint::Fill(1),
    ])
    .areas(bottom);
    let bars: Vec<Bar> = Grade::ALL
        .iter()
        .map(|g| {
            let n = d.counts[g.severity() as usize];
            Bar::default()
                .value(n)
                .label(Line::raw(d.scale.short(*g).to_string()))
                .text_value(n.to_string())
                .style(t.grade(*g))
                .value_style(t.selected())
        })
        .collect();
    f.render_widget(
        BarChart::default()
            .block(Block::bordered().title(" Findings by grade "))
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_w)
            .bar_gap(1),
        chart,
    );

    let mut lines = Vec::new();
    // carried from earlier audits and still to verify, first
    let to_verify: Vec<&crate::domain::Carried> =
        d.carried.iter().filter(|c| c.unverified_nc()).collect();
    for c in &to_verify {
        let room = open.width.saturating_sub(2 + 7 + 6 + 9) as usize;
        lines.push(Line::from(vec![
            Span::styled(format!("{:<7}", inert(&c.reference)), t.grade(c.grade)),
            Span::styled(format!("{:<6}", d.scale.short(c.grade)), t.grade(c.grade)),
            Span::raw(format!("{:<9}", inert(&c.clause_id))),
            Span::styled(
                cut(
                    &format!(
                        "↩ {}: {} ({})",
                        inert(&c.origin),
                        inert(&c.title),
                        c.outcome_label()
                    ),
                    room,
                ),
                t.dim(),
            ),
        ]));
        if lines.len() >= open.height.saturating_sub(2) as usize {
            break;
        }
    }
    for fd in &d.open_ncs {
        if lines.len() >= open.height.saturating_sub(2) as usize {
            break;
        }
        // the status column only where there is room for titles too
        let wide = open.width >= 70;
        let room = open
            .width
            .saturating_sub(2 + 7 + 6 + 9 + if wide { 19 } else { 0 }) as usize;
        let mut spans = vec![
            Span::styled(format!("{:<7}", inert(&fd.reference)), t.grade(fd.grade)),
            Span::styled(format!("{:<6}", d.scale.short(fd.grade)), t.grade(fd.grade)),
            Span::raw(format!("{:<9}", inert(&fd.clause_id))),
            Span::raw(format!(
                "{:<w$} ",
                cut(&fd.title, room.saturating_sub(1)),
                w = room.saturating_sub(1)
            )),
        ];
        if wide {
            spans.push(Span::styled(fd.status.label(), t.finding_status(fd.status)));
        }
        lines.push(Line::from(spans));
        if lines.len() >= open.height.saturating_sub(2) as usize {
            break;
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("No open nonconformities.", t.info()));
    }
    let title = if to_verify.is_empty() {
        format!(
            " Open NCs: {} major, {} minor ",
            d.tally.open_majors,
            d.tally.minors_without_plan + d.tally.minors_with_plan
        )
    } else {
        format!(
            " Open NCs: {} major, {} minor · {} ↩ to verify ",
            d.tally.open_majors,
            d.tally.minors_without_plan + d.tally.minors_with_plan,
            to_verify.len()
        )
    };
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        open,
    );
}

/// A rehearsal's lines in the head: the change since the earlier
/// rehearsal, ratings still carried, and the evidence window.
fn rehearsal_head<'a>(d: &'a crate::tui::model::AuditData, m: &'a Model) -> Vec<Line<'a>> {
    let t = &m.theme;
    let mut out = Vec::new();
    let n = d.trend.len();
    if n >= 2 {
        let (before, now) = (&d.trend[n - 2], &d.trend[n - 1]);
        let closed = crate::domain::closed_between(&before.gaps, &now.gaps).len();
        let carried = d.ratings.values().filter(|r| r.carried).count();
        let mut spans = vec![
            Span::raw(format!(
                "Since the rehearsal of {}: ",
                inert(&before.audit.start_date)
            )),
            Span::styled(
                format!(
                    "{}% → {}%",
                    before.readiness.overall.percent(),
                    now.readiness.overall.percent()
                ),
                t.title(),
            ),
            Span::raw(format!(
                ", {closed} gap{} closed",
                if closed == 1 { "" } else { "s" }
            )),
        ];
        if carried > 0 {
            spans.push(Span::styled(
                format!("; {carried} ratings carried, not rated again yet"),
                t.grade(Grade::Minor),
            ));
        }
        out.push(Line::from(spans));
    }
    let min = m.settings.evidence_min_months;
    let windows = &d.evidence;
    let short: Vec<&crate::domain::EvidenceWindow> =
        windows.iter().filter(|w| w.short(min)).collect();
    let mut spans = vec![Span::raw(format!(
        "Records seen: {} of {} processes with {min}+ months",
        windows.len() - short.len(),
        windows.len()
    ))];
    // the processes sampled but short first, fewest months first
    let mut sampled: Vec<&&crate::domain::EvidenceWindow> =
        short.iter().filter(|w| w.months > 0.0).collect();
    sampled.sort_by(|a, b| a.months.total_cmp(&b.months));
    let unseen = short.len() - sampled.len();
    if !sampled.is_empty() {
        let list: Vec<String> = sampled
            .iter()
            .take(5)
            .map(|w| format!("{} {:.1}", w.clause_id, w.months))
            .collect();
        spans.push(Span::styled(
            format!(
                "; short: {}{}",
                inert(&list.join(", ")),
                if sampled.len() > 5 { ", …" } else { "" }
            ),
            t.grade(Grade::Minor),
        ));
    }
    if unseen > 0 {
        spans.push(Span::styled(
            format!("; {unseen} with none seen yet"),
            t.grade(Grade::Minor),
        ));
    }
    out.push(Line::from(spans));
    out
}

/// An eighth-block bar of `width` cells for `percent`.
fn bar(percent: u32, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (percent.min(100) as usize * width * 8 + 50) / 100;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    format!("{s:<width$}")
}

/// A rehearsal's overview below the head: gauges (readiness, questions
/// rated, gaps done), readiness per main clause for each rehearsal of the
/// client side by side (the trend), and the clauses furthest behind.
fn render_rehearsal(
    d: &crate::tui::model::AuditData,
    m: &Model,
    f: &mut Frame,
    gauges: Rect,
    bottom: Rect,
) {
    let t = &m.theme;
    let r = d.readiness();
    let rated = (r.overall.met + r.overall.partly + r.overall.not_met) as usize;
    let done = d
        .gaps
        .iter()
        .filter(|g| g.state == crate::domain::GapState::Done)
        .count();
    let [g1, g2, g3] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(gauges);
    f.render_widget(
        Gauge::default()
            .block(Block::bordered().title(" Readiness "))
            .gauge_style(t.info())
            .ratio((r.overall.score() / f64::from(r.overall.applicable.max(1))).clamp(0.0, 1.0))
            .label(format!("{}%", r.overall.percent())),
        g1,
    );
    f.render_widget(
        gauge(t, "Questions rated", rated, r.overall.applicable as usize),
        g2,
    );
    f.render_widget(gauge(t, "Gaps done", done, d.gaps.len()), g3);

    // the trend: the last three rehearsals, this one last
    let shown: Vec<&crate::domain::Rehearsal> = d.trend.iter().rev().take(3).rev().collect();
    let bar_w = 10usize;
    let col_w = bar_w + 6;
    let chart_w = (4 + col_w * shown.len().max(1) + 2).max(28) as u16;
    let [chart, behind] = Layout::horizontal([
        Constraint::Length(chart_w.min(bottom.width * 2 / 3)),
        Constraint::Fill(1),
    ])
    .areas(bottom);
    let mut lines = Vec::new();
    let mut head = vec![Span::raw("    ")];
    for (i, x) in shown.iter().enumerate() {
        let label = if x.audit.start_date.is_empty() {
            "(no date)".to_string()
        } else {
            x.audit.start_date.clone()
        };
        head.push(Span::styled(
            format!("{:<col_w$}", inert(&label)),
            if i + 1 == shown.len() {
                t.title()
            } else {
                t.dim()
            },
        ));
    }
    lines.push(Line::from(head));
    for (k, main) in r.main.iter().enumerate() {
        let mut spans = vec![Span::raw(format!("{:<4}", inert(&main.id)))];
        for (i, x) in shown.iter().enumerate() {
            let p = x
                .readiness
                .main
                .get(k)
                .filter(|s| s.id == main.id)
                .map(|s| s.percent());
            let current = i + 1 == shown.len();
            spans.push(Span::styled(
                match p {
                    Some(p) => format!("{}{p:>4}% ", bar(p, bar_w)),
                    None => format!("{:<col_w$}", "—"),
                },
                if current { t.info() } else { t.dim() },
            ));
        }
        lines.push(Line::from(spans));
    }
    let mut all = vec![Span::raw("all ")];
    for (i, x) in shown.iter().enumerate() {
        let p = x.readiness.overall.percent();
        all.push(Span::styled(
            format!("{}{p:>4}% ", bar(p, bar_w)),
            if i + 1 == shown.len() {
                t.title()
            } else {
                t.dim()
            },
        ));
    }
    lines.push(Line::from(all));
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Readiness by main clause ")),
        chart,
    );

    // the clauses furthest behind, of those rated
    let room = behind.height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = r
        .behind
        .iter()
        .filter(|s| s.unrated < s.applicable && s.percent() < 100)
        .take(room)
        .map(|s| {
            let w = behind.width.saturating_sub(2 + 9 + 5) as usize;
            Line::from(vec![
                Span::raw(format!("{:<9}", inert(&s.id))),
                Span::styled(format!("{:>3}% ", s.percent()), t.grade(Grade::Minor)),
                Span::raw(cut(&s.title, w)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(
            format!(
                "Nothing rated below 100% yet: rate the questions in Stage 2 ({}).",
                m.keymap.key_of(Mode::Global, &Action::GoStage2)
            ),
            t.dim(),
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(
            " Furthest behind · gap plan: {} ",
            m.keymap.key_of(Mode::Global, &Action::GoGaps)
        ))),
        behind,
    );
}
