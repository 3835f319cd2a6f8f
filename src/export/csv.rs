//! The findings CSV for the RCB report.
//!
//! RFC 4180 quoting by the `csv` crate; spreadsheet formula injection
//! neutralised (OWASP): a field that starts with `=`, `+`, `-`, `@`, tab or
//! carriage return gets a leading `'`.

use std::io::{self, Write};
use std::path::Path;

use crate::catalogue::Catalogue;
use crate::domain::{Audit, Finding};
use crate::store::{self, FindingFilter, Store};

/// The header row, in column order.
pub const COLUMNS: [&str; 18] = [
    "reference",
    "organisation",
    "audit type",
    "stage",
    "clause",
    "clause title",
    "grade",
    "title",
    "requirement",
    "statement",
    "objective evidence",
    "status",
    "root cause",
    "correction",
    "corrective action",
    "due date",
    "raised by",
    "raised at",
];

/// The UTF-8 byte order mark written with `--excel`.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the CSV is written: a byte order mark for Excel, and the separator
/// (`,`, or `;` where spreadsheets expect it, as with a decimal comma).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    pub excel: bool,
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            excel: false,
            delimiter: b',',
        }
    }
}

/// Prefix a field that a spreadsheet would read as a formula.
pub fn neutralise(field: &str) -> std::borrow::Cow<'_, str> {
    match field.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{field}").into(),
        _ => field.into(),
    }
}

/// A CSV writer with the export's options: the BOM first if asked, the
/// separator, CRLF line ends.
fn writer<W: Write>(mut out: W, opts: CsvOptions) -> io::Result<csv::Writer<W>> {
    if opts.excel {
        out.write_all(BOM)?;
    }
    Ok(csv::WriterBuilder::new()
        .delimiter(opts.delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out))
}

/// Writes findings of one audit as CSV rows.
pub struct FindingsCsv<'a, W: Write> {
    writer: csv::Writer<W>,
    audit: &'a Audit,
    catalogue: &'a Catalogue,
    scale: &'a crate::domain::Scale,
}

impl<'a, W: Write> FindingsCsv<'a, W> {
    /// Start the CSV (BOM if asked, then the header row).
    pub fn new(
        out: W,
        audit: &'a Audit,
        catalogue: &'a Catalogue,
        scale: &'a crate::domain::Scale,
        opts: CsvOptions,
    ) -> io::Result<Self> {
        let mut writer = writer(out, opts)?;
        writer.write_record(COLUMNS)?;
        Ok(FindingsCsv {
            writer,
            audit,
            catalogue,
            scale,
        })
    }

    pub fn write(&mut self, f: &Finding) -> io::Result<()> {
        let clause_title = self
            .catalogue
            .get(&f.clause_id)
            .map_or("", |c| c.title.as_str());
        let stage = f.stage.to_string();
        let fields: [&str; 18] = [
            &f.reference,
            &self.audit.organisation,
            self.audit.audit_type.label(),
            &stage,
            &f.clause_id,
            clause_title,
            self.scale.label(f.grade),
            &f.title,
            &f.requirement,
            &f.statement,
            &f.evidence,
            f.status_label(),
            &f.root_cause,
            &f.correction,
            &f.corrective_action,
            &f.due_date,
            &f.raised_by,
            &f.created_at,
        ];
        self.writer.write_record(
            fields
                .iter()
                .map(|s| neutralise(s).into_owned().into_bytes()),
        )?;
        Ok(())
    }

    pub fn finish(self) -> io::Result<W> {
        self.writer
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

/// Write every finding of the audit, in report order, to `out`. Returns the row count.
pub fn write_findings<W: Write>(
    store: &Store,
    audit: &Audit,
    opts: CsvOptions,
    out: W,
) -> store::Result<(usize, W)> {
    let catalogue = store.catalogue(&audit.catalogue_id)?;
    let io_err = |e: io::Error| store::Error::Io(format!("cannot write the CSV: {e}"));
    let scale = store.audit_scale(&audit.id)?;
    let mut csv = FindingsCsv::new(out, audit, &catalogue, &scale, opts).map_err(io_err)?;
    let mut rows = 0usize;
    store.for_each_finding(&audit.id, &FindingFilter::default(), |f| {
        rows += 1;
        csv.write(&f).map_err(io_err)
    })?;
    let out = csv.finish().map_err(io_err)?;
    Ok((rows, out))
}

/// Export to a file, whole or not at all (see [`super::file`]). Returns
/// the row count.
pub fn export_to_file(
    store: &Store,
    audit: &Audit,
    opts: CsvOptions,
    target: &Path,
) -> store::Result<usize> {
    super::file::replace_atomically(target, "the CSV", |out| {
        write_findings(store, audit, opts, out)
    })
}

/// The header row of the samples CSV.
pub const SAMPLE_COLUMNS: [&str; 10] = [
    "clause",
    "clause title",
    "population",
    "method",
    "size",
    "items seen",
    "result",
    "cited by",
    "organisation",
    "recorded at",
];

/// Write every sample of the audit (ISO 19011 A.6), by clause, to `out`.
/// Returns the row count.
pub fn write_samples<W: Write>(
    store: &Store,
    audit: &Audit,
    opts: CsvOptions,
    out: W,
) -> store::Result<(usize, W)> {
    let catalogue = store.catalogue(&audit.catalogue_id)?;
    let samples = store.samples(&audit.id)?;
    let citations = store.citations(&audit.id)?;
    let rows = samples.iter().map(|x| {
        let title = catalogue.get(&x.clause_id).map_or("", |c| c.title.as_str());
        let cited_by = store::cited_by(&citations, &x.id);
        vec![
            x.clause_id.clone(),
            title.to_string(),
            x.population.clone(),
            x.method.label().to_string(),
            x.size.to_string(),
            x.items.clone(),
            x.result.clone(),
            cited_by,
            audit.organisation.clone(),
            x.created_at.clone(),
        ]
    });
    write_table(out, opts, &SAMPLE_COLUMNS, rows)
}

/// Write rows of text under a header, each field neutralised against
/// formula injection, to `out`. Returns the row count.
fn write_table<W: Write>(
    out: W,
    opts: CsvOptions,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> store::Result<(usize, W)> {
    let io_err = |e: io::Error| store::Error::Io(format!("cannot write the CSV: {e}"));
    let csv_err = |e: csv::Error| store::Error::Io(format!("cannot write the CSV: {e}"));
    let mut w = writer(out, opts).map_err(io_err)?;
    w.write_record(header).map_err(csv_err)?;
    let mut n = 0;
    for row in rows {
        w.write_record(row.iter().map(|s| neutralise(s).into_owned()))
            .map_err(csv_err)?;
        n += 1;
    }
    let out = w
        .into_inner()
        .map_err(|e| store::Error::Io(format!("cannot write the CSV: {e}")))?;
    Ok((n, out))
}

/// The header row of the interviews CSV (notes only when asked for).
pub const INTERVIEW_COLUMNS: [&str; 6] = [
    "interviewee",
    "role",
    "held at (UTC)",
    "interviewer",
    "clauses",
    "notes",
];

/// Every interview of the audit: who, role, when, by whom, clauses; the
/// notes only with `with_notes` (they can name people and what they said
/// in confidence), else the column is left empty.
pub fn write_interviews<W: Write>(
    store: &Store,
    audit: &Audit,
    opts: CsvOptions,
    with_notes: bool,
    out: W,
) -> store::Result<(usize, W)> {
    let rows = store.interviews(&audit.id)?.into_iter().map(move |i| {
        vec![
            i.interviewee,
            i.role,
            i.held_at,
            i.interviewer,
            i.clauses,
            if with_notes { i.notes } else { String::new() },
        ]
    });
    write_table(out, opts, &INTERVIEW_COLUMNS, rows)
}

/// The header row of the clause coverage CSV.
pub const COVERAGE_COLUMNS: [&str; 7] = [
    "clause",
    "clause title",
    "status",
    "result",
    "findings",
    "open nonconformities",
    "notes",
];

/// Stage 2 coverage: every assessable clause of the audit's catalogue,
/// with its status, result, finding counts and notes.
pub fn write_coverage<W: Write>(
    store: &Store,
    audit: &Audit,
    opts: CsvOptions,
    out: W,
) -> store::Result<(usize, W)> {
    let cat = store.catalogue(&audit.catalogue_id)?;
    let stage2 = store.clause_reviews_by_id(&audit.id, crate::domain::Stage::TWO)?;
    let rows = super::coverage_rows(store, audit, &cat, &stage2)?
        .into_iter()
        .map(|r| {
            vec![
                r.clause,
                r.title,
                r.status,
                r.result,
                r.findings.to_string(),
                r.open_ncs.to_string(),
                r.notes,
            ]
        });
    write_table(out, opts, &COVERAGE_COLUMNS, rows)
}
