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
pub struct TitleReader {
    conn: Connection,
    audit_id: String,
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
        })
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
    /// Returns the last row id read (None: no more).
    pub fn page(
        &self,
        table: Titled,
        after: i64,
        limit: usize,
        mut each: impl FnMut(TitledEntry<'_>),
    ) -> Result<Option<i64>> {
        let mut stmt = self.conn.prepare_cached(Self::sql(table))?;
        let mut rows = stmt.query(rusqlite::params![
            self.audit_id,
            after,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ])?;
        let (mut last, mut n) = (None, 0);
        let mut line = String::new();
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let text = |i| super::text_ref(r, i);
            let id = text(1)?;
            last = Some(rowid);
            n += 1;
            line.clear();
            match table {
                Titled::Findings => {
                    line.extend([text(2)?, " ", text(3)?]);
                    each(TitledEntry::of(rowid, id, "finding", &line));
                }
                Titled::Interviews => {
                    let (who, notes) = (text(2)?, text(4)?);
                    line.extend([who, " (", text(3)?, ")"]);
                    each(TitledEntry::of(rowid, id, "interview", &line));
                    // the notes too (a change record id said in an interview)
                    if !notes.trim().is_empty() {
                        line.clear();
                        line.extend([who, " · "]);
                        push_one_line(&mut line, notes);
                        each(TitledEntry::of(rowid, id, "notes", &line));
                    }
                }
                Titled::Samples => {
                    line.extend([text(2)?, " ", text(3)?, " · "]);
                    push_one_line(&mut line, text(4)?);
                    each(TitledEntry::of(rowid, id, "sample", &line));
                }
            }
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
