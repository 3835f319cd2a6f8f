//! Searching the findings' texts (requirement, statement, evidence, the
//! client's response, the verification) through the `finding_text` FTS5
//! trigram index: any run of three or more characters, case-insensitive.
//! A [`TextSearcher`] has its own read-only connection, so that it can run
//! on a thread of its own and be interrupted when the query changes.

use rusqlite::Connection;

/// Stops a search running on another thread.
pub use rusqlite::InterruptHandle as Interrupt;

use super::Result;

/// The indexed columns, in the index's order, with the label shown.
const FIELDS: [(&str, &str); 6] = [
    ("statement", "statement"),
    ("evidence", "evidence"),
    ("correction", "correction"),
    ("root_cause", "root cause"),
    ("corrective_action", "corrective action"),
    ("verification_evidence", "verification"),
];

/// Characters of context kept on each side of a match in an excerpt.
const CONTEXT: usize = 30;

/// A finding whose text holds the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextHit {
    /// The finding's row id (the finder's jump target).
    pub rowid: i64,
    pub reference: String,
    /// Which text holds the query ("evidence", "statement"...).
    pub field: &'static str,
    /// The words around the first occurrence, on one line.
    pub excerpt: String,
}

/// An audit's records as the fuzzy finder ranks them, read a page at a
/// time by row id on a read-only connection of its own: the finder holds
/// the best matches, never every record.
///
/// What it reads it also keeps, up to [`HELD_BYTES`], as the one-line
/// texts the finder ranks: the next query (a key typed, the finder opened
/// again) ranks them from memory instead of reading and, for an encrypted
/// file, decrypting the table's pages again. They are dropped as soon as
/// anything else writes to the file (`PRAGMA data_version`).
pub struct TitleReader {
    conn: Connection,
    audit_id: String,
    held: Held,
}

/// The most the reader keeps of the texts it read, in bytes (texts and
/// their places): every text of 100 000 findings with their interviews and
/// samples is about 8.5 MB; of a larger audit, the first records read.
pub const HELD_BYTES: usize = 12 << 20;

/// The texts of the records read so far, table by table from the first
/// row id on, while nothing else writes to the file.
#[derive(Default)]
struct Held {
    /// The most that is kept, in bytes ([`HELD_BYTES`]).
    bound: usize,
    /// The file's `data_version` when they were read.
    version: Option<i64>,
    /// Every record's id and one-line texts, one after the other.
    text: String,
    tables: [HeldTable; 3],
    /// [`HELD_BYTES`] was reached: no more is kept.
    full: bool,
}

#[derive(Default)]
struct HeldTable {
    records: Vec<HeldRecord>,
    /// The table's end was read: every record of it is held.
    complete: bool,
}

/// A record in [`Held::text`]: its id at `start..id_end`, its first entry
/// at `id_end..first_end`, an interview's notes at `first_end..end`.
#[derive(Clone, Copy)]
struct HeldRecord {
    rowid: i64,
    start: u32,
    id_end: u32,
    first_end: u32,
    end: u32,
}

impl Held {
    fn bytes(&self) -> usize {
        self.text.capacity()
            + self
                .tables
                .iter()
                .map(|t| t.records.capacity() * std::mem::size_of::<HeldRecord>())
                .sum::<usize>()
    }

    /// Room for `text` more bytes and one more record of `table`, within
    /// the bound (grown a step at a time, never doubled past it).
    fn make_room(&mut self, table: usize, text: usize) -> bool {
        let step = (self.bound / 8).clamp(1, 1 << 20);
        if self.full {
            return false;
        }
        let record = std::mem::size_of::<HeldRecord>();
        let mut need = 0;
        if self.text.len() + text > self.text.capacity() {
            need += text.max(step);
        }
        let records = &self.tables[table].records;
        if records.len() == records.capacity() {
            need += (step / record).max(1) * record;
        }
        if self.bytes() + need > self.bound || u32::try_from(self.text.len() + text).is_err() {
            self.full = true;
            return false;
        }
        if self.text.len() + text > self.text.capacity() {
            self.text.reserve_exact(text.max(step));
        }
        let records = &mut self.tables[table].records;
        if records.len() == records.capacity() {
            records.reserve_exact((step / record).max(1));
        }
        true
    }

    /// Keep a record of `table` read from the file: its id, its entry and
    /// an interview's notes (empty for other records).
    fn keep(&mut self, table: usize, rowid: i64, id: &str, first: &str, notes: &str) {
        if !self.make_room(table, id.len() + first.len() + notes.len()) {
            return;
        }
        // (make_room keeps every offset within u32)
        let at = |s: &String| s.len() as u32;
        let start = at(&self.text);
        self.text.push_str(id);
        let id_end = at(&self.text);
        self.text.push_str(first);
        let first_end = at(&self.text);
        self.text.push_str(notes);
        let end = at(&self.text);
        self.tables[table].records.push(HeldRecord {
            rowid,
            start,
            id_end,
            first_end,
            end,
        });
    }
}

/// The tables the finder ranks from the file, in the order it reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Titled {
    Findings,
    Interviews,
    Samples,
}

impl Titled {
    pub const ALL: [Titled; 3] = [Titled::Findings, Titled::Interviews, Titled::Samples];

    /// The kind of a record's (first) entry.
    fn kind(self) -> &'static str {
        match self {
            Titled::Findings => "finding",
            Titled::Interviews => "interview",
            Titled::Samples => "sample",
        }
    }
}

/// One entry the finder ranks, borrowed while it is looked at: what is
/// matched, and what it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitledEntry<'a> {
    pub rowid: i64,
    /// The record's id ("" for a finding: it is led to by row id).
    pub id: &'a str,
    /// What kind of entry: "finding", "interview", "notes" (an
    /// interview's), "sample".
    pub kind: &'static str,
    pub text: &'a str,
}

impl<'a> TitledEntry<'a> {
    fn of(rowid: i64, id: &'a str, kind: &'static str, text: &'a str) -> Self {
        TitledEntry {
            rowid,
            id,
            kind,
            text,
        }
    }
}

impl TitleReader {
    pub fn open(path: &std::path::Path, audit_id: &str) -> Result<Self> {
        let conn = super::read_only(path, std::time::Duration::from_millis(200))?;
        Ok(TitleReader {
            conn,
            audit_id: audit_id.to_string(),
            held: Held {
                bound: HELD_BYTES,
                ..Held::default()
            },
        })
    }

    /// How many bytes of texts are held (at most [`HELD_BYTES`]).
    pub fn held_bytes(&self) -> usize {
        self.held.bytes()
    }

    /// Hold at most `bytes` of texts from now on, instead of [`HELD_BYTES`]
    /// (what is held is dropped).
    pub fn hold_at_most(&mut self, bytes: usize) {
        self.held = Held {
            bound: bytes,
            ..Held::default()
        };
    }

    /// Drop what is held if anything else wrote to the file since it was
    /// read.
    fn check_held(&mut self) -> Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.held.version != Some(version) {
            self.held = Held {
                bound: self.held.bound,
                version: Some(version),
                ..Held::default()
            };
        }
        Ok(())
    }

    /// The query reading a page of `table`.
    fn sql(table: Titled) -> &'static str {
        // `+audit_id`: by row id through the table, not through an index on
        // the audit (which would sort every record for each page)
        match table {
            Titled::Findings => {
                "SELECT rowid, '', reference, title, '' FROM findings
                 WHERE +audit_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3"
            }
            Titled::Interviews => {
                "SELECT rowid, id, interviewee, role, notes FROM interviews
                 WHERE +audit_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3"
            }
            Titled::Samples => {
                "SELECT rowid, id, clause_id, population, items FROM samples
                 WHERE +audit_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3"
            }
        }
    }

    /// Prepare the queries now (a fresh connection reads the schema on its
    /// first query: milliseconds the first keystroke would wait for).
    pub fn warm(&self) -> Result<()> {
        for table in Titled::ALL {
            self.conn.prepare_cached(Self::sql(table))?;
        }
        Ok(())
    }

    /// Show `each` the entries of up to `limit` records of `table` after
    /// row id `after` (an interview is two: who, and what was said),
    /// borrowed: nothing is allocated per record but one reused line.
    /// Records held from an earlier read are shown from memory, the others
    /// read from the file (and held, within [`HELD_BYTES`]).
    /// Returns the last row id shown (None: no more).
    pub fn page(
        &mut self,
        table: Titled,
        after: i64,
        limit: usize,
        mut each: impl FnMut(TitledEntry<'_>),
    ) -> Result<Option<i64>> {
        if after == i64::MIN {
            // a table read from its start: a new query's ranking
            self.check_held()?;
        }
        let t = table as usize;
        let held = &self.held.tables[t];
        // The held records are the table's first ones, without a gap: those
        // after `after` are shown from memory; past the last of them, the
        // file is read (and what it gives is held if it follows on).
        let from = held.records.partition_point(|r| r.rowid <= after);
        let last_held = held.records.last().map(|r| r.rowid);
        if from < held.records.len() {
            let upto = held.records.len().min(from + limit);
            for r in &held.records[from..upto] {
                let text = |a: u32, b: u32| &self.held.text[a as usize..b as usize];
                let id = text(r.start, r.id_end);
                each(TitledEntry::of(
                    r.rowid,
                    id,
                    table.kind(),
                    text(r.id_end, r.first_end),
                ));
                if r.first_end < r.end {
                    each(TitledEntry::of(
                        r.rowid,
                        id,
                        "notes",
                        text(r.first_end, r.end),
                    ));
                }
            }
            let more = upto - from == limit || !held.complete;
            return Ok(more.then(|| held.records[upto - 1].rowid));
        }
        if held.complete {
            return Ok(None);
        }
        let follows = match last_held {
            Some(last) => after == last,
            None => after == i64::MIN,
        };
        let mut hold = follows && !self.held.full;
        let mut stmt = self.conn.prepare_cached(Self::sql(table))?;
        let mut rows = stmt.query(rusqlite::params![
            self.audit_id,
            after,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ])?;
        let (mut last, mut n) = (None, 0);
        let mut line = String::new();
        let mut notes_line = String::new();
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let text = |i| super::text_ref(r, i);
            let id = text(1)?;
            last = Some(rowid);
            n += 1;
            line.clear();
            notes_line.clear();
            match table {
                Titled::Findings => line.extend([text(2)?, " ", text(3)?]),
                Titled::Interviews => {
                    let (who, notes) = (text(2)?, text(4)?);
                    line.extend([who, " (", text(3)?, ")"]);
                    // the notes too (a change record id said in an interview)
                    if !notes.trim().is_empty() {
                        notes_line.extend([who, " · "]);
                        push_one_line(&mut notes_line, notes);
                    }
                }
                Titled::Samples => {
                    line.extend([text(2)?, " ", text(3)?, " · "]);
                    push_one_line(&mut line, text(4)?);
                }
            }
            each(TitledEntry::of(rowid, id, table.kind(), &line));
            if !notes_line.is_empty() {
                each(TitledEntry::of(rowid, id, "notes", &notes_line));
            }
            if hold {
                self.held.keep(t, rowid, id, &line, &notes_line);
                hold = !self.held.full;
            }
        }
        if hold && n < limit {
            self.held.tables[t].complete = true;
        }
        Ok((n == limit).then_some(last).flatten())
    }
}

/// Append `text` with its line breaks made spaces.
fn push_one_line(line: &mut String, text: &str) {
    for (i, part) in text.split('\n').enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(part);
    }
}

/// The fewest characters a text search needs (the index is of trigrams).
pub const MIN_QUERY: usize = 3;

pub struct TextSearcher {
    conn: Connection,
    audit_id: String,
}

impl TextSearcher {
    /// A searcher over one audit's findings in the file at `path`.
    pub fn open(path: &std::path::Path, audit_id: &str) -> Result<Self> {
        let conn = super::read_only(path, std::time::Duration::from_millis(200))?;
        Ok(TextSearcher {
            conn,
            audit_id: audit_id.to_string(),
        })
    }

    /// A handle that stops a search running on another thread.
    pub fn interrupt_handle(&self) -> Interrupt {
        self.conn.get_interrupt_handle()
    }

    /// The findings (at most `limit`, in report order) whose texts hold
    /// `query` as a run of characters. Shorter queries than [`MIN_QUERY`]
    /// find nothing.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<TextHit>> {
        let q = query.trim();
        if q.chars().count() < MIN_QUERY {
            return Ok(Vec::new());
        }
        // LIKE, which the trigram index answers (not with an ESCAPE
        // clause: a `%` or `_` typed matches more, and the excerpt below,
        // which looks for the query itself, drops what is not a hit)
        let pattern = format!("%{q}%");
        // CROSS JOIN: the index first, then each hit's finding by row id
        // (not every finding of the audit, then the index for each)
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.rowid, f.reference, f.statement, f.evidence, f.correction,
                    f.root_cause, f.corrective_action, f.verification_evidence
             FROM finding_text CROSS JOIN findings f ON f.rowid = finding_text.rowid
             WHERE finding_text.body LIKE ?1 AND f.audit_id = ?2
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![pattern, self.audit_id, limit as i64],
            |r| {
                let mut texts = Vec::with_capacity(FIELDS.len());
                for i in 0..FIELDS.len() {
                    texts.push(r.get::<_, String>(2 + i)?);
                }
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, texts))
            },
        )?;
        let mut hits = Vec::new();
        for row in rows {
            let (rowid, reference, texts) = row?;
            let found = texts
                .iter()
                .enumerate()
                .find_map(|(i, t)| excerpt(t, q).map(|e| (FIELDS[i].1, e)));
            if let Some((field, excerpt)) = found {
                hits.push(TextHit {
                    rowid,
                    reference,
                    field,
                    excerpt,
                });
            }
        }
        Ok(hits)
    }
}

/// The words around the first case-insensitive occurrence of `q` in
/// `text`, on one line, with "…" where the text goes on.
pub fn excerpt(text: &str, q: &str) -> Option<String> {
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let needle: Vec<char> = q.chars().flat_map(char::to_lowercase).collect();
    if needle.is_empty() || lower.len() != text.chars().count() {
        // a letter whose lower case is longer: compare char by char instead
        return excerpt_simple(text, q);
    }
    let at = lower.windows(needle.len()).position(|w| w == needle)?;
    Some(cut(text, at, needle.len()))
}

fn excerpt_simple(text: &str, q: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = q.chars().collect();
    if needle.is_empty() || needle.len() > chars.len() {
        return None;
    }
    let at = (0..=chars.len() - needle.len()).find(|&i| {
        chars[i..i + needle.len()]
            .iter()
            .zip(&needle)
            .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
    })?;
    Some(cut(text, at, needle.len()))
}

fn cut(text: &str, at: usize, len: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let start = at.saturating_sub(CONTEXT);
    let end = (at + len + CONTEXT).min(chars.len());
    let mut s: String = chars[start..end]
        .iter()
        .map(|c| if c.is_whitespace() { ' ' } else { *c })
        .collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_keep_the_match_and_mark_cuts() {
        let text = format!(
            "{}CHG0041230 was approved late\nby the CAB{}",
            "x".repeat(40),
            "y".repeat(40)
        );
        let e = excerpt(&text, "chg0041230").unwrap();
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert!(e.contains("CHG0041230 was approved late by the CAB"), "{e}");
        assert_eq!(excerpt("short text", "TEXT").as_deref(), Some("short text"));
        assert_eq!(excerpt("short text", "absent"), None);
    }
}
