//! The audit report: what the certification body decides on. The data
//! ([`ReportData`]) is gathered from the store once, then rendered by a
//! `minijinja` template: the built-in HTML (one self-contained file, inline
//! CSS with a print stylesheet for A4, no script, no fetch) and Markdown, or
//! a template file the user gives. Text from the audit file is escaped by
//! the template engine for HTML, and by the `md` filter for Markdown.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

pub mod docx;

use crate::domain::{report_items, Audit, Coverage, Finding, Grade, Section, Stage};
use crate::store::{self, Store};

/// The built-in templates.
pub const HTML_TEMPLATE: &str = include_str!("../../assets/report/report.html.j2");
pub const MD_TEMPLATE: &str = include_str!("../../assets/report/report.md.j2");
/// The built-in templates of a rehearsal (internal audit): readiness, the
/// trend, the gap plan, the evidence window.
pub const REHEARSAL_HTML_TEMPLATE: &str = include_str!("../../assets/report/rehearsal.html.j2");
pub const REHEARSAL_MD_TEMPLATE: &str = include_str!("../../assets/report/rehearsal.md.j2");

/// The formats a report is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    /// Word, filled into the built-in or a certification body's template.
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Docx => "docx",
        }
    }
}

/// One line of text with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContextSection {
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportFinding {
    pub reference: String,
    pub formerly: String,
    pub grade: String,
    pub clause: String,
    pub clause_title: String,
    pub stage: u8,
    pub title: String,
    pub requirement: String,
    pub statement: String,
    pub evidence: String,
    pub status: String,
    pub due_date: String,
    pub correction: String,
    pub root_cause: String,
    pub corrective_action: String,
    pub verified_on: String,
    pub verified_by: String,
    pub verification_method: String,
    pub verification_evidence: String,
    pub raised_by: String,
    pub is_nonconformity: bool,
    /// The samples it cites, one line each.
    pub samples: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GradeGroup {
    pub grade: String,
    pub code: String,
    pub count: u64,
    /// The grade's findings ([`ReportFinding`]s) in report order, read a
    /// page at a time while the template iterates them (each loop reads
    /// them again), so that 100 000 findings are never all in memory.
    pub findings: minijinja::Value,
}

/// Findings read while they are rendered; an error stops the loop and is
/// kept here, for [`render`] to report instead of a short report.
#[derive(Debug, Clone, Default)]
pub struct StreamError(std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl StreamError {
    fn set(&self, e: String) {
        if let Ok(mut g) = self.0.lock() {
            g.get_or_insert(e);
        }
    }

    fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// What every page of findings needs to become report rows.
struct Pages {
    path: std::path::PathBuf,
    audit_id: String,
    grade: Grade,
    /// The grade's label in the audit's scale.
    label: String,
    titles: std::sync::Arc<HashMap<String, String>>,
    cites: std::sync::Arc<HashMap<String, Vec<String>>>,
    error: StreamError,
}

/// Rows per page read while rendering.
const PAGE: usize = 2_000;

impl Pages {
    fn iter(&self) -> impl Iterator<Item = minijinja::Value> + Send + Sync + 'static {
        let titles = self.titles.clone();
        let cites = self.cites.clone();
        let error = self.error.clone();
        let label = self.label.clone();
        store::grade_pages(self.path.clone(), self.audit_id.clone(), self.grade, PAGE).map_while(
            move |f| match f {
                Ok(f) => {
                    let title = titles.get(&f.clause_id).cloned().unwrap_or_default();
                    let samples = cites.get(&f.id).cloned().unwrap_or_default();
                    Some(minijinja::Value::from_serialize(finding_row(
                        &f, &label, title, samples,
                    )))
                }
                Err(e) => {
                    error.set(e.to_string());
                    None
                }
            },
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub clause: String,
    pub name: String,
    pub required: String,
    pub status: String,
    pub reference: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InterviewRow {
    pub interviewee: String,
    pub role: String,
    pub held_at: String,
    pub interviewer: String,
    pub clauses: String,
    /// Only with `--with-notes`: interview notes can name people and
    /// what they said in confidence.
    pub notes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SampleRow {
    pub clause: String,
    pub population: String,
    pub method: String,
    pub size: u32,
    pub items: String,
    pub result: String,
    pub cited_by: String,
    /// The period the records cover, "FROM – TO" ("" if not given).
    pub period: String,
}

/// A finding of an earlier audit, followed up in this one.
#[derive(Debug, Clone, Serialize)]
pub struct PreviousRow {
    pub reference: String,
    pub origin: String,
    pub grade: String,
    pub clause: String,
    pub original_clause: String,
    pub title: String,
    pub outcome: String,
    pub evidence: String,
    /// The finding raised in its place when not effective.
    pub raised: String,
}

/// Everything a report shows, ready for a template.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub generator: String,
    pub generated_at: String,
    pub organisation: String,
    pub audit_type: String,
    pub standard: String,
    pub edition: String,
    pub scope: String,
    pub certification_body: String,
    pub lead_auditor: String,
    pub team: String,
    pub start_date: String,
    pub end_date: String,
    pub status: String,
    pub recommendation: String,
    pub recommendation_note: String,
    /// The line the findings and the coverage suggest.
    pub suggestion: String,
    pub sampling_statement: String,
    pub context: Vec<ContextSection>,
    /// Report items not recorded yet.
    pub missing: Vec<String>,
    pub coverage: CoverageData,
    pub summary: Vec<Item>,
    /// Findings carried from the client's earlier audits (a follow-up).
    pub previous: Vec<PreviousRow>,
    pub groups: Vec<GradeGroup>,
    pub clauses: Vec<crate::export::CoverageRow>,
    pub documents: Vec<DocumentRow>,
    pub interviews: Vec<InterviewRow>,
    pub samples: Vec<SampleRow>,
    pub with_notes: bool,
    /// A rehearsal's readiness, trend, gap plan and evidence window (none
    /// for other audits).
    pub rehearsal: Option<RehearsalData>,
    /// Set when reading the findings failed while rendering.
    #[serde(skip)]
    pub stream_error: StreamError,
}

/// What a rehearsal's report shows beyond an audit report.
#[derive(Debug, Clone, Serialize)]
pub struct RehearsalData {
    /// In place of a certification recommendation.
    pub statement: String,
    pub percent: u32,
    pub rated: u32,
    pub applicable: u32,
    pub met: u32,
    pub partly: u32,
    pub not_met: u32,
    /// The client's rehearsals up to this one, oldest first: their dates.
    pub dates: Vec<String>,
    /// Per main clause, its readiness in each rehearsal ("75%" or "—").
    pub main: Vec<TrendRow>,
    pub overall: Vec<String>,
    /// The trend as an SVG drawing (made here from numbers and escaped
    /// text: safe to put in the HTML as it is).
    pub chart_svg: String,
    /// Assessable clauses below 100%, furthest behind first.
    pub behind: Vec<Item>,
    /// What to fix before the certification body's stage 1.
    pub fix_first: Vec<String>,
    pub gaps: Vec<GapRow>,
    /// The earlier rehearsal's date and the gaps closed since ("" and none
    /// for a first rehearsal).
    pub closed_since: String,
    pub closed: Vec<GapRow>,
    pub min_months: u32,
    pub evidence: Vec<EvidenceRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub id: String,
    pub title: String,
    pub percents: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    pub reference: String,
    pub clause: String,
    pub what: String,
    pub why: String,
    pub owner: String,
    pub action: String,
    pub due: String,
    pub state: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub clause: String,
    pub title: String,
    pub months: String,
    pub from: String,
    pub to: String,
    pub samples: usize,
    pub short: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageData {
    pub clauses: u64,
    pub clauses_assessed: u64,
    pub documents: u64,
    pub documents_reviewed: u64,
}

/// Read what the report of `audit` shows. Refused while the audit team's
/// merges left conflicts not settled: a report never shows one side of a
/// grade two auditors disagree on.
pub fn gather(
    store: &Store,
    audit: &Audit,
    with_notes: bool,
    offset: chrono::FixedOffset,
) -> store::Result<ReportData> {
    store.check_team_settled(&audit.id)?;
    let cat = store.catalogue(&audit.catalogue_id)?;
    let context = store.audit_context(&audit.id)?;
    let stage2 = store.clause_reviews_by_id(&audit.id, Stage::TWO)?;
    let docs = store.document_reviews_by_key(&audit.id)?;
    let coverage = Coverage::of(&cat, &stage2, &docs);
    let interviews = store.interviews(&audit.id)?;
    let samples = store.samples(&audit.id)?;
    let citations = store.citations(&audit.id)?;
    let tally = store.nc_tally(&audit.id)?;
    let (suggestion, _) = crate::domain::recommendation(audit.audit_type, &tally, &coverage);

    let sample_line = |id: &str| {
        samples.iter().find(|x| x.id == id).map(|x| {
            format!(
                "{} {} (n={}, {}): {}",
                x.clause_id,
                x.population,
                x.size,
                x.method.label().to_lowercase(),
                x.result
            )
        })
    };
    let mut cites: HashMap<String, Vec<String>> = HashMap::new();
    for c in &citations {
        if let Some(line) = sample_line(&c.sample_id) {
            cites.entry(c.finding_id.clone()).or_default().push(line);
        }
    }
    let cites = std::sync::Arc::new(cites);
    let titles: std::sync::Arc<HashMap<String, String>> = std::sync::Arc::new(
        cat.clauses()
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect(),
    );
    let stream_error = StreamError::default();
    let counts = store.finding_counts(&audit.id)?;
    let scale = store.audit_scale(&audit.id)?;
    let groups: Vec<GradeGroup> = Grade::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(g, n)| {
            let pages = Pages {
                path: store.path().to_path_buf(),
                audit_id: audit.id.clone(),
                grade: *g,
                label: scale.label(*g).to_string(),
                titles: titles.clone(),
                cites: cites.clone(),
                error: stream_error.clone(),
            };
            GradeGroup {
                grade: scale.label(*g).to_string(),
                code: g.code().to_string(),
                count: n,
                findings: minijinja::Value::make_iterable(move || pages.iter()),
            }
        })
        .collect();
    let summary = Grade::ALL
        .iter()
        .zip(counts)
        .map(|(g, n)| Item {
            label: scale.label(*g).to_string(),
            text: n.to_string(),
        })
        .collect();

    let carried = store.carried(&audit.id)?;
    // the findings raised in place of those not effective (few)
    let mut raised_refs: HashMap<String, String> = HashMap::new();
    for c in carried.iter().filter(|c| !c.raised_finding_id.is_empty()) {
        let f = store.finding(&c.raised_finding_id)?;
        raised_refs.insert(f.id, f.reference);
    }
    let previous = carried
        .into_iter()
        .map(|c| PreviousRow {
            raised: raised_refs
                .get(&c.raised_finding_id)
                .cloned()
                .unwrap_or_default(),
            outcome: c.outcome_label().to_string(),
            reference: c.reference,
            origin: c.origin,
            grade: scale.label(c.grade).to_string(),
            clause: c.clause_id,
            original_clause: c.original_clause_id,
            title: c.title,
            evidence: c.evidence,
        })
        .collect();
    let clauses = crate::export::coverage_rows(store, audit, &cat, &stage2)?;
    let documents = cat
        .documents()
        .map(|(c, d)| {
            let r = docs.get(&d.key);
            DocumentRow {
                clause: c.id.clone(),
                name: d.name.clone(),
                required: d.required.clone(),
                status: r
                    .map_or(crate::domain::DocStatus::NotReviewed, |r| r.status)
                    .label()
                    .to_string(),
                reference: r.map(|r| r.reference.clone()).unwrap_or_default(),
                version: r.map(|r| r.version.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let interview_rows = interviews
        .iter()
        .map(|i| InterviewRow {
            interviewee: i.interviewee.clone(),
            role: i.role.clone(),
            held_at: crate::domain::local_when(&i.held_at, offset),
            interviewer: i.interviewer.clone(),
            clauses: i.clauses.clone(),
            notes: if with_notes {
                i.notes.clone()
            } else {
                String::new()
            },
        })
        .collect();
    let sample_rows = samples
        .iter()
        .map(|x| SampleRow {
            clause: x.clause_id.clone(),
            population: x.population.clone(),
            method: x.method.label().to_string(),
            size: x.size,
            items: x.items.clone(),
            result: x.result.clone(),
            cited_by: store::cited_by(&citations, &x.id),
            period: if x.period_from.is_empty() && x.period_to.is_empty() {
                String::new()
            } else {
                format!("{} – {}", x.period_from, x.period_to)
            },
        })
        .collect();

    // the context, by section, as recorded
    let order = [
        Section::Parties,
        Section::Audit,
        Section::Meetings,
        Section::Course,
        Section::Conclusions,
    ];
    // the plan against what was audited and the time walked: under the
    // auditor's own account of the deviations
    let plan = store.plan(&audit.id)?;
    let measured = if plan.is_empty() {
        None
    } else {
        let assessable = cat.assessable_ids();
        let check = crate::domain::plan_check(
            &plan,
            &assessable,
            &stage2,
            &store.clause_times(&audit.id)?,
            &store.time_per_day(&audit.id)?,
        );
        Some(Item {
            label: "Measured against the plan".to_string(),
            text: if check.deviations.is_empty() {
                "Every planned clause was audited, on the planned days.".to_string()
            } else {
                check.deviations.join("\n")
            },
        })
    };
    let context_sections = order
        .iter()
        .map(|s| ContextSection {
            title: s.label().to_string(),
            items: crate::domain::ContextItem::ALL
                .iter()
                .filter(|i| i.section() == *s)
                .flat_map(|i| {
                    let item = Item {
                        label: i.label().to_string(),
                        text: context.get(*i).to_string(),
                    };
                    let extra = (*i == crate::domain::ContextItem::PlanDeviations)
                        .then(|| measured.clone())
                        .flatten();
                    std::iter::once(item).chain(extra)
                })
                .collect(),
        })
        .collect();
    // a rehearsal's report is the organisation's own: the items a
    // certification body's report needs are not asked of it
    let rehearsal = audit.audit_type == crate::domain::AuditType::Internal;
    let missing = report_items(audit, &context, &coverage, interviews.len())
        .into_iter()
        .filter(|i| !i.done && !rehearsal)
        .map(|i| format!("{}: {}", i.label, i.detail))
        .collect();

    let rehearsal = if rehearsal {
        Some(rehearsal_data(store, audit, &cat, &tally, &samples)?)
    } else {
        None
    };
    // a rehearsal's line is its readiness statement
    let suggestion = rehearsal
        .as_ref()
        .map_or(suggestion, |r| r.statement.clone());
    Ok(ReportData {
        generator: format!("auditbench {}", env!("CARGO_PKG_VERSION")),
        generated_at: store.now(),
        organisation: audit.organisation.clone(),
        audit_type: audit.audit_type.label().to_string(),
        standard: cat.standard.clone(),
        edition: audit.edition.clone(),
        scope: audit.scope.clone(),
        certification_body: audit.certification_body.clone(),
        lead_auditor: audit.lead_auditor.clone(),
        team: audit.team.clone(),
        start_date: audit.start_date.clone(),
        end_date: audit.end_date.clone(),
        status: audit.status.label().to_string(),
        recommendation: audit
            .recommendation
            .map_or("Not recorded".to_string(), |d| d.label().to_string()),
        recommendation_note: audit.recommendation_note.clone(),
        suggestion,
        sampling_statement: "This audit was based on sampling: records, people and sites were \
            examined as samples of the service management system, so nonconformities may exist \
            that were not found."
            .to_string(),
        context: context_sections,
        missing,
        coverage: CoverageData {
            clauses: coverage.clauses,
            clauses_assessed: coverage.clauses_assessed,
            documents: coverage.documents,
            documents_reviewed: coverage.documents_reviewed,
        },
        summary,
        previous,
        groups,
        clauses,
        documents,
        interviews: interview_rows,
        samples: sample_rows,
        with_notes,
        rehearsal,
        stream_error,
    })
}

fn gap_row(g: &crate::domain::Gap, today: &str) -> GapRow {
    GapRow {
        reference: g.reference.clone(),
        clause: g.clause_id.clone(),
        what: g.what.clone(),
        why: g.why.clone(),
        owner: g.owner.clone(),
        action: g.action.clone(),
        due: g.target_date.clone(),
        state: g.state.label().to_string(),
        overdue: g.overdue(today),
    }
}

/// A rehearsal's part of the report.
fn rehearsal_data(
    store: &Store,
    audit: &Audit,
    cat: &crate::catalogue::Catalogue,
    tally: &crate::domain::NcTally,
    samples: &[crate::domain::Sample],
) -> store::Result<RehearsalData> {
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let min_months = crate::config::Settings::user().0.evidence_min_months;
    let mut trend = store.rehearsals(&audit.client_id)?;
    // the trend ends with this rehearsal: its readiness and gaps are read
    // there, once
    let at = trend.iter().position(|r| r.audit.id == audit.id);
    let Some(at) = at else {
        return Err(store::Error::NotFound(format!(
            "the rehearsal {} is not among its client's audits",
            audit.id
        )));
    };
    trend.truncate(at + 1);
    let (r, gaps) = (trend[at].readiness.clone(), trend[at].gaps.clone());
    let (statement, _) = crate::domain::readiness_statement(&r, tally);
    let pct = |x: Option<&crate::domain::Share>| {
        x.map_or("—".to_string(), |s| format!("{}%", s.percent()))
    };
    let main = r
        .main
        .iter()
        .map(|m| TrendRow {
            id: m.id.clone(),
            title: m.title.clone(),
            percents: trend
                .iter()
                .map(|x| pct(x.readiness.main.iter().find(|s| s.id == m.id)))
                .collect(),
        })
        .collect();
    let windows = crate::domain::evidence_windows(cat, samples);
    // what to fix first: the clauses with questions not met or partly
    // met (furthest behind first), the open nonconformities, the records
    let mut fix_first: Vec<String> = r
        .behind
        .iter()
        .filter(|s| s.not_met + s.partly > 0)
        .map(|s| {
            format!(
                "{} {} ({}%): {} not met, {} partly met",
                s.id,
                s.title,
                s.percent(),
                s.not_met,
                s.partly
            )
        })
        .collect();
    for g in gaps
        .iter()
        .filter(|g| g.source_kind == "finding" && g.state != crate::domain::GapState::Done)
    {
        fix_first.push(format!("{} ({}): {}", g.reference, g.why, g.what));
    }
    let short: Vec<String> = windows
        .iter()
        .filter(|w| w.short(min_months))
        .map(|w| format!("{} ({:.1})", w.clause_id, w.months))
        .collect();
    if !short.is_empty() {
        fix_first.push(format!(
            "Records of at least {min_months} months for each process; fewer seen for {} process{}: {}",
            short.len(),
            if short.len() == 1 { "" } else { "es" },
            short.join(", ")
        ));
    }
    let n = trend.len();
    let (closed_since, closed) = if n >= 2 {
        (
            trend[n - 2].audit.start_date.clone(),
            crate::domain::closed_between(&trend[n - 2].gaps, &trend[n - 1].gaps)
                .iter()
                .map(|g| gap_row(g, &today))
                .collect(),
        )
    } else {
        (String::new(), Vec::new())
    };
    Ok(RehearsalData {
        statement,
        percent: r.overall.percent(),
        rated: r.overall.met + r.overall.partly + r.overall.not_met,
        applicable: r.overall.applicable,
        met: r.overall.met,
        partly: r.overall.partly,
        not_met: r.overall.not_met,
        dates: trend.iter().map(|x| x.audit.start_date.clone()).collect(),
        main,
        overall: trend
            .iter()
            .map(|x| format!("{}%", x.readiness.overall.percent()))
            .collect(),
        chart_svg: trend_svg(&trend),
        behind: r
            .behind
            .iter()
            .filter(|s| s.unrated < s.applicable && s.percent() < 100)
            .map(|s| Item {
                label: format!("{} {}", s.id, s.title),
                text: format!("{}%", s.percent()),
            })
            .collect(),
        fix_first,
        gaps: gaps.iter().map(|g| gap_row(g, &today)).collect(),
        closed_since,
        closed,
        min_months,
        evidence: windows
            .iter()
            .map(|w| EvidenceRow {
                clause: w.clause_id.clone(),
                title: w.title.clone(),
                months: format!("{:.1}", w.months),
                from: w.from.clone(),
                to: w.to.clone(),
                samples: w.samples,
                short: w.short(min_months),
            })
            .collect(),
    })
}

/// Text for XML (SVG): the five characters that mean something there.
fn xml_escape(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .fold(String::new(), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
            out
        })
}

/// The trend as an inline SVG: per main clause, a bar per rehearsal (the
/// last one darkest), with its percentage; a legend of the dates.
pub fn trend_svg(trend: &[crate::domain::Rehearsal]) -> String {
    const COLOURS: [&str; 4] = ["#c9d1d9", "#8fa8c0", "#4f7aa3", "#1f4e79"];
    let shown: Vec<&crate::domain::Rehearsal> = trend.iter().rev().take(4).rev().collect();
    let Some(last) = shown.last() else {
        return String::new();
    };
    let k = shown.len();
    let colour = |i: usize| COLOURS[COLOURS.len() - k + i];
    let (label_w, bar_max, bar_h, gap) = (190.0, 380.0, 11.0, 8.0);
    let group_h = bar_h * k as f64 + gap;
    let rows = last.readiness.main.len() + 1;
    let top = 26.0;
    let height = top + group_h * rows as f64 + 6.0;
    let width = label_w + bar_max + 50.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Readiness per main clause, rehearsal by rehearsal\" font-family=\"Segoe UI, Helvetica, Arial, sans-serif\" font-size=\"10\">"
    );
    // the legend
    let mut x = label_w;
    for (i, r) in shown.iter().enumerate() {
        let date = if r.audit.start_date.is_empty() {
            "(no date)".to_string()
        } else {
            r.audit.start_date.clone()
        };
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"6\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"15\">{}</text>",
            colour(i),
            x + 14.0,
            xml_escape(&date)
        ));
        x += 90.0;
    }
    let mut y = top;
    let mut row = |id: &str, title: &str, values: Vec<Option<u32>>, s: &mut String| {
        let full = format!("{id} {title}");
        let label: String = if full.chars().count() > 34 {
            full.chars().take(33).chain(['…']).collect()
        } else {
            full
        };
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{}</text>",
            y + group_h / 2.0,
            xml_escape(&label)
        ));
        for (i, v) in values.iter().enumerate() {
            let by = y + bar_h * i as f64;
            if let Some(p) = v {
                let w = bar_max * f64::from(*p) / 100.0;
                s.push_str(&format!(
                    "<rect x=\"{label_w}\" y=\"{by}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"9\">{p}%</text>",
                    bar_h - 1.0,
                    colour(i),
                    label_w + w + 3.0,
                    by + bar_h - 2.0
                ));
            }
        }
        y += group_h;
    };
    for m in &last.readiness.main {
        let values = shown
            .iter()
            .map(|r| {
                r.readiness
                    .main
                    .iter()
                    .find(|x| x.id == m.id)
                    .map(|x| x.percent())
            })
            .collect();
        row(&m.id, &m.title, values, &mut s);
    }
    let values = shown
        .iter()
        .map(|r| Some(r.readiness.overall.percent()))
        .collect();
    row("All", "clauses", values, &mut s);
    s.push_str("</svg>");
    s
}

fn finding_row(
    f: &Finding,
    label: &str,
    clause_title: String,
    samples: Vec<String>,
) -> ReportFinding {
    ReportFinding {
        reference: f.reference.clone(),
        formerly: f.formerly.clone(),
        grade: label.to_string(),
        clause: f.clause_id.clone(),
        clause_title,
        stage: f.stage.number(),
        title: f.title.clone(),
        requirement: f.requirement.clone(),
        statement: f.statement.clone(),
        evidence: f.evidence.clone(),
        status: f.status_label().to_string(),
        due_date: f.due_date.clone(),
        correction: f.correction.clone(),
        root_cause: f.root_cause.clone(),
        corrective_action: f.corrective_action.clone(),
        verified_on: f.verified_on.clone(),
        verified_by: f.verified_by.clone(),
        verification_method: f.verification_method.clone(),
        verification_evidence: f.verification_evidence.clone(),
        raised_by: f.raised_by.clone(),
        is_nonconformity: f.grade.is_nonconformity(),
        samples,
    }
}

/// Escape text for Markdown: characters that start markup anywhere (`\\`,
/// backticks, `*`, `_`, brackets, a table cell's `|`, `~`) and those that
/// start a block at the beginning of a line (`#`, `-`, `+`, `>`, "1.") are
/// made literal; HTML, which Markdown passes through, is escaped; control
/// characters become spaces; line breaks stay, as Markdown line breaks.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i > 0 {
            out.push_str("  \n");
        }
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        out.push_str(&line[..lead]);
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        for (j, c) in trimmed.chars().enumerate() {
            let block_start = j == 0 && matches!(c, '#' | '-' | '+' | '>' | '=');
            let ordered = digits > 0 && j == digits && matches!(c, '.' | ')');
            match c {
                '<' => out.push_str("&lt;"),
                '&' => out.push_str("&amp;"),
                c if c.is_control() => out.push(' '),
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                c if block_start || ordered => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

/// A file name from the audit: `northwind-managed-services-ltd-stage-2-2026-11-16-report.html`.
pub fn file_name(a: &crate::domain::Audit, ext: &str) -> String {
    let mut words = format!(
        "{} {} {}",
        a.organisation,
        a.audit_type.label(),
        a.start_date
    );
    words = words
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut slug = String::new();
    for part in words.split('-').filter(|p| !p.is_empty()) {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(part);
    }
    let slug: String = slug.chars().take(80).collect();
    format!("{slug}-report.{ext}")
}

/// Render `data` with the built-in template of `format`, or with
/// `template` (its name, for messages, and its bytes), to `out`.
pub fn render<W: Write>(
    data: &ReportData,
    format: Format,
    template: Option<(&str, &[u8])>,
    out: W,
) -> store::Result<W> {
    if format == Format::Docx {
        return docx::render(data, template, out);
    }
    let template = match template {
        Some((name, bytes)) => Some((
            name,
            std::str::from_utf8(bytes).map_err(|_| {
                store::Error::Invalid(format!(
                    "the report template {name} is not UTF-8 text; give a minijinja text template to --template"
                ))
            })?,
        )),
        None => None,
    };
    let mut env = minijinja::Environment::new();
    // HTML escaping for the HTML report (and any template named *.html*),
    // none for Markdown, where the md filter escapes
    let (name, source) = match (template, format) {
        (Some((n, s)), _) => (n.to_string(), s.to_string()),
        (None, Format::Html) if data.rehearsal.is_some() => (
            "rehearsal.html.j2".to_string(),
            REHEARSAL_HTML_TEMPLATE.to_string(),
        ),
        (None, Format::Html) => ("report.html.j2".to_string(), HTML_TEMPLATE.to_string()),
        (None, _) if data.rehearsal.is_some() => (
            "rehearsal.md.j2".to_string(),
            REHEARSAL_MD_TEMPLATE.to_string(),
        ),
        (None, _) => ("report.md.j2".to_string(), MD_TEMPLATE.to_string()),
    };
    let escape = match format {
        Format::Html => minijinja::AutoEscape::Html,
        _ => minijinja::AutoEscape::None,
    };
    env.set_auto_escape_callback(move |_| escape);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("md", |s: String| md_escape(&s));
    // a table cell is one line: its lines joined with <br>
    env.add_filter("md_cell", |s: String| md_escape(&s).replace("  \n", "<br>"));
    let lines: Vec<String> = source.lines().map(str::to_string).collect();
    let fail = |e: minijinja::Error| template_error(&name, &lines, &e);
    env.add_template_owned(name.clone(), source).map_err(fail)?;
    let tmpl = env.get_template(&name).map_err(fail)?;
    let mut out = out;
    tmpl.render_captured_to(data, &mut out).map_err(fail)?;
    if let Some(e) = data.stream_error.take() {
        return Err(store::Error::Sqlite(format!(
            "the findings could not all be read for the report: {e}"
        )));
    }
    Ok(out)
}

/// The built-in template of `format`, as a user would start from it.
pub fn builtin_template(format: Format) -> Vec<u8> {
    match format {
        Format::Html => HTML_TEMPLATE.as_bytes().to_vec(),
        Format::Markdown => MD_TEMPLATE.as_bytes().to_vec(),
        Format::Docx => docx::default_template(),
    }
}

/// One line: the template, the line and its text (cut), what is wrong.
fn template_error(name: &str, lines: &[String], e: &minijinja::Error) -> store::Error {
    let line = e
        .line()
        .map(|l| {
            let text: String = lines
                .get(l.saturating_sub(1))
                .map(|t| t.trim().chars().take(60).collect())
                .unwrap_or_default();
            format!(" line {l} ({})", crate::text::inert(&text))
        })
        .unwrap_or_default();
    store::Error::Invalid(format!(
        "the report template {name}{line} cannot be used: {}; fix it or leave out --template",
        e.detail().unwrap_or(&e.kind().to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_chart_escapes_what_it_draws() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("a.db")).unwrap();
        let a = s
            .create_audit(&crate::domain::NewAudit {
                organisation: "X".into(),
                scope: String::new(),
                catalogue_id: "iso20000-1-2018".into(),
                edition: "2018".into(),
                audit_type: crate::domain::AuditType::Internal,
                certification_body: String::new(),
                lead_auditor: String::new(),
                team: String::new(),
                start_date: String::new(),
                end_date: String::new(),
            })
            .unwrap();
        s.rate_question(&a.id, "9.2", 1, crate::domain::Rating::Met, "", "")
            .unwrap();
        let mut trend = s.rehearsals(&a.client_id).unwrap();
        trend[0].readiness.main[0].title = "<script>alert('x')</script> & \"q\"".into();
        trend[0].audit.start_date = "<b>".into();
        let svg = trend_svg(&trend);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script") && !svg.contains("<b>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)"), "{svg}");
        assert!(svg.contains("&lt;b&gt;"), "{svg}");
        // no rehearsal: no chart
        assert_eq!(trend_svg(&[]), "");
    }
}
