//! The audit as one Excel workbook (`rust_xlsxwriter`): sheets Findings,
//! Samples, Interviews, Clause coverage and Documents, each with its header
//! row frozen, an autofilter, column widths and wrapped text. Every value
//! is written as text (a clause id like `8.5.1` would otherwise become a
//! date in some locales, and `10.1` a number), so nothing becomes a
//! formula. Sheets are written row by row in constant memory, and the
//! findings are read a page at a time.

use std::collections::HashMap;
use std::io::Write;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::domain::{Audit, DocStatus, Grade, Stage};
use crate::store::{self, Store};

/// Excel's limit for the text of one cell; longer texts are cut there,
/// with a note at the end.
const CELL_MAX: usize = 32_767;

fn xerr(e: XlsxError) -> store::Error {
    store::Error::Io(format!("cannot write the workbook: {e}"))
}

fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= CELL_MAX {
        return s.into();
    }
    let note = " […cut: Excel holds 32 767 characters per cell]";
    let keep = CELL_MAX - note.chars().count();
    let mut t: String = s.chars().take(keep).collect();
    t.push_str(note);
    t.into()
}

/// One sheet: its name, headers with widths, then rows of text.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    cols: u16,
    wrap: Format,
    /// Each column's width, in characters.
    widths: Vec<usize>,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet, name: &str, headers: &[(&str, f64)]) -> store::Result<Self> {
        ws.set_name(name).map_err(xerr)?;
        let bold = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color("#E8EEF4");
        for (i, (h, w)) in headers.iter().enumerate() {
            ws.set_column_width(i as u16, *w).map_err(xerr)?;
            ws.write_string_with_format(0, i as u16, *h, &bold)
                .map_err(xerr)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        Ok(Sheet {
            ws,
            row: 1,
            cols: headers.len() as u16,
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            widths: headers.iter().map(|(_, w)| *w as usize).collect(),
        })
    }

    /// One row. Only a value with a line break or longer than its column
    /// takes the wrapping format (a format per cell costs: measured, 40%
    /// of the time of a 100 000-finding workbook).
    fn push(&mut self, values: &[&str]) -> store::Result<()> {
        for (i, v) in values.iter().enumerate() {
            let long = v.len() > self.widths.get(i).copied().unwrap_or(10) || v.contains('\n');
            if long {
                self.ws
                    .write_string_with_format(self.row, i as u16, cell(v), &self.wrap)
                    .map_err(xerr)?;
            } else {
                self.ws
                    .write_string(self.row, i as u16, cell(v))
                    .map_err(xerr)?;
            }
        }
        self.row += 1;
        Ok(())
    }

    fn finish(self) -> store::Result<()> {
        let last = self.row.saturating_sub(1).max(1);
        self.ws
            .autofilter(0, 0, last, self.cols.saturating_sub(1))
            .map_err(xerr)?;
        Ok(())
    }
}

/// Write the audit's workbook to `out`. Returns the number of findings.
pub fn write_workbook<W: Write + std::io::Seek + Send>(
    store: &Store,
    audit: &Audit,
    out: W,
) -> store::Result<(usize, W)> {
    let cat = store.catalogue(&audit.catalogue_id)?;
    let samples = store.samples(&audit.id)?;
    let citations = store.citations(&audit.id)?;
    let mut wb = Workbook::new();

    // Findings, by grade, in report order, a page at a time
    let mut cites: HashMap<&str, Vec<String>> = HashMap::new();
    for c in &citations {
        if let Some(x) = samples.iter().find(|x| x.id == c.sample_id) {
            cites
                .entry(c.finding_id.as_str())
                .or_default()
                .push(format!("{} {}", x.clause_id, x.population));
        }
    }
    let mut n = 0usize;
    {
        let ws = wb.add_worksheet_with_constant_memory();
        let mut sh = Sheet::new(
            ws,
            "Findings",
            &[
                ("Reference", 11.0),
                ("Grade", 16.0),
                ("Clause", 9.0),
                ("Clause title", 26.0),
                ("Stage", 6.0),
                ("Title", 36.0),
                ("Requirement", 30.0),
                ("Statement", 50.0),
                ("Objective evidence", 50.0),
                ("Samples cited", 30.0),
                ("Status", 16.0),
                ("Due date", 11.0),
                ("Correction", 30.0),
                ("Root cause", 30.0),
                ("Corrective action", 30.0),
                ("Verified on", 11.0),
                ("Verified by", 16.0),
                ("How verified", 26.0),
                ("Evidence seen", 30.0),
                ("Raised by", 16.0),
                ("Formerly", 11.0),
            ],
        )?;
        let scale = store.audit_scale(&audit.id)?;
        for g in Grade::ALL {
            let pages = store::grade_pages(store.path().to_path_buf(), audit.id.clone(), *g, 2_000);
            for f in pages {
                let f = f?;
                let title = cat.get(&f.clause_id).map_or("", |c| c.title.as_str());
                let stage = f.stage.to_string();
                let cited = cites
                    .get(f.id.as_str())
                    .map(|v| v.join("\n"))
                    .unwrap_or_default();
                sh.push(&[
                    &f.reference,
                    scale.label(f.grade),
                    &f.clause_id,
                    title,
                    &stage,
                    &f.title,
                    &f.requirement,
                    &f.statement,
                    &f.evidence,
                    &cited,
                    f.status_label(),
                    &f.due_date,
                    &f.correction,
                    &f.root_cause,
                    &f.corrective_action,
                    &f.verified_on,
                    &f.verified_by,
                    &f.verification_method,
                    &f.verification_evidence,
                    &f.raised_by,
                    &f.formerly,
                ])?;
                n += 1;
            }
        }
        sh.finish()?;
    }

    // Samples
    {
        let ws = wb.add_worksheet_with_constant_memory();
        let mut sh = Sheet::new(
            ws,
            "Samples",
            &[
                ("Clause", 9.0),
                ("Clause title", 26.0),
                ("Population", 36.0),
                ("Method", 16.0),
                ("Size", 7.0),
                ("Items seen", 40.0),
                ("Result", 40.0),
                ("Cited by", 16.0),
                ("Records from", 11.0),
                ("Records to", 11.0),
            ],
        )?;
        for x in &samples {
            let title = cat.get(&x.clause_id).map_or("", |c| c.title.as_str());
            let size = x.size.to_string();
            let by = store::cited_by(&citations, &x.id);
            sh.push(&[
                &x.clause_id,
                title,
                &x.population,
                x.method.label(),
                &size,
                &x.items,
                &x.result,
                &by,
                &x.period_from,
                &x.period_to,
            ])?;
        }
        sh.finish()?;
    }

    // Interviews (the notes are the auditor's record: in the workbook, as
    // in the audit file; the report leaves them out unless asked)
    {
        let ws = wb.add_worksheet_with_constant_memory();
        let mut sh = Sheet::new(
            ws,
            "Interviews",
            &[
                ("Interviewee", 22.0),
                ("Role", 22.0),
                ("When (UTC)", 18.0),
                ("Interviewer", 18.0),
                ("Clauses", 16.0),
                ("Notes", 60.0),
            ],
        )?;
        for i in store.interviews(&audit.id)? {
            sh.push(&[
                &i.interviewee,
                &i.role,
                &i.held_at,
                &i.interviewer,
                &i.clauses,
                &i.notes,
            ])?;
        }
        sh.finish()?;
    }

    // Clause coverage
    let stage2 = store.clause_reviews_by_id(&audit.id, Stage::TWO)?;
    let docs = store.document_reviews_by_key(&audit.id)?;
    {
        let ws = wb.add_worksheet_with_constant_memory();
        let mut sh = Sheet::new(
            ws,
            "Clause coverage",
            &[
                ("Clause", 9.0),
                ("Title", 40.0),
                ("Status", 14.0),
                ("Result", 22.0),
                ("Findings", 9.0),
                ("Open NCs", 9.0),
                ("Notes", 50.0),
            ],
        )?;
        for r in super::coverage_rows(store, audit, &cat, &stage2)? {
            sh.push(&[
                &r.clause,
                &r.title,
                &r.status,
                &r.result,
                &r.findings.to_string(),
                &r.open_ncs.to_string(),
                &r.notes,
            ])?;
        }
        sh.finish()?;
    }

    // Documents
    {
        let ws = wb.add_worksheet_with_constant_memory();
        let mut sh = Sheet::new(
            ws,
            "Documents",
            &[
                ("Clause", 9.0),
                ("Document", 44.0),
                ("Required by", 12.0),
                ("Status", 16.0),
                ("Reference", 16.0),
                ("Version", 14.0),
                ("Notes", 44.0),
            ],
        )?;
        for (c, d) in cat.documents() {
            let r = docs.get(&d.key);
            sh.push(&[
                &c.id,
                &d.name,
                if d.required.is_empty() {
                    "expected"
                } else {
                    &d.required
                },
                r.map_or(DocStatus::NotReviewed, |r| r.status).label(),
                r.map_or("", |r| r.reference.as_str()),
                r.map_or("", |r| r.version.as_str()),
                r.map_or("", |r| r.notes.as_str()),
            ])?;
        }
        sh.finish()?;
    }

    // a rehearsal's gap plan
    if audit.audit_type == crate::domain::AuditType::Internal {
        let today = chrono::Local::now().format("%Y-%m-%d").to_string();
        gap_sheet(&mut wb, &store.gaps(&audit.id)?, &today)?;
    }

    let mut out = out;
    wb.save_to_writer(&mut out).map_err(xerr)?;
    Ok((n, out))
}

/// The header of the gap plan, in CSV and XLSX alike.
pub const GAP_HEADERS: [&str; 9] = [
    "gap",
    "clause",
    "what",
    "why",
    "owner",
    "action",
    "target date",
    "state",
    "overdue",
];

/// One gap as the row of [`GAP_HEADERS`], overdue as of `today`.
pub fn gap_row<'a>(g: &'a crate::domain::Gap, today: &str) -> [&'a str; 9] {
    [
        g.reference.as_str(),
        &g.clause_id,
        &g.what,
        &g.why,
        &g.owner,
        &g.action,
        &g.target_date,
        g.state.label(),
        if g.overdue(today) { "yes" } else { "" },
    ]
}

fn gap_sheet(wb: &mut Workbook, gaps: &[crate::domain::Gap], today: &str) -> store::Result<()> {
    let ws = wb.add_worksheet_with_constant_memory();
    let widths = [14.0, 9.0, 50.0, 16.0, 18.0, 40.0, 11.0, 12.0, 8.0];
    let headers: Vec<(&str, f64)> = GAP_HEADERS.iter().copied().zip(widths).collect();
    let mut sh = Sheet::new(ws, "Gap plan", &headers)?;
    for g in gaps {
        sh.push(&gap_row(g, today))?;
    }
    sh.finish()
}

/// A rehearsal's gap plan alone, as a workbook of one sheet.
pub fn write_gaps<W: Write + std::io::Seek + Send>(
    gaps: &[crate::domain::Gap],
    today: &str,
    out: W,
) -> store::Result<(usize, W)> {
    let mut wb = Workbook::new();
    gap_sheet(&mut wb, gaps, today)?;
    let mut out = out;
    wb.save_to_writer(&mut out).map_err(xerr)?;
    Ok((gaps.len(), out))
}
