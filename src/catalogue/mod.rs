//! The standard's clause tree, loaded from TOML (built-in files under
//! `assets/catalogues/`, or a user's own checklist in the same format).
//!
//! Pure parsing and lookup: no I/O here besides what the caller hands in.

pub mod natural;

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;

/// Built-in catalogues, embedded in the binary: `(id, TOML source)`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "iso20000-1-2018",
        include_str!("../../assets/catalogues/iso20000-1-2018.toml"),
    ),
    (
        "iso20000-1-2011",
        include_str!("../../assets/catalogues/iso20000-1-2011.toml"),
    ),
];

/// The built-in catalogue id for an edition of ISO/IEC 20000-1 (`"2018"`, `"2011"`).
pub fn builtin_id_for_edition(edition: &str) -> Option<&'static str> {
    match edition {
        "2018" => Some("iso20000-1-2018"),
        "2011" => Some("iso20000-1-2011"),
        _ => None,
    }
}

/// Load a built-in catalogue by id. Each is parsed once per process (its
/// TOML took 0.86 ms a call, paid by every screen reload and every write
/// that checks a clause); callers get a copy.
pub fn builtin(id: &str) -> Option<Catalogue> {
    static PARSED: std::sync::OnceLock<Vec<(&'static str, Catalogue)>> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(bid, src)| {
                let c = Catalogue::parse(src, &format!("<built-in {bid}>"))
                    .expect("built-in catalogues are valid (tested)");
                (*bid, c)
            })
            .collect()
    });
    parsed
        .iter()
        .find(|(bid, _)| *bid == id)
        .map(|(_, c)| c.clone())
}

/// Parse a catalogue's TOML, remembering the last few parsed in this
/// process (by their exact text): a catalogue stored in an audit file is
/// read again on every reload.
pub fn parse_cached(src: &str, origin: &str) -> Result<Catalogue, CatalogueError> {
    static SEEN: Memo<Catalogue> = Memo::new();
    SEEN.get_or(src, || Catalogue::parse(src, origin))
}

/// The last few values made from a text (a catalogue's or a grade scale's
/// TOML), by the exact text, for the whole process.
pub(crate) struct Memo<T>(std::sync::Mutex<Vec<(String, T)>>);

impl<T: Clone> Memo<T> {
    pub(crate) const fn new() -> Memo<T> {
        Memo(std::sync::Mutex::new(Vec::new()))
    }

    /// The value made from `text` before, else `make()`'s (kept when it is Ok).
    pub(crate) fn get_or<E>(
        &self,
        text: &str,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if let Ok(seen) = self.0.lock() {
            if let Some((_, v)) = seen.iter().find(|(t, _)| t == text) {
                return Ok(v.clone());
            }
        }
        let v = make()?;
        if let Ok(mut seen) = self.0.lock() {
            if seen.len() >= 8 {
                seen.remove(0);
            }
            seen.push((text.to_string(), v.clone()));
        }
        Ok(v)
    }
}

/// One expected document for the stage 1 documentation review.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Stable key, unique within the catalogue (document reviews refer to it).
    pub key: String,
    pub name: String,
    /// Where the standard itself requires it as documented information
    /// (e.g. "7.5.4 b"); empty for a document an auditor expects to see as
    /// evidence that the standard does not name.
    #[serde(default)]
    pub required: String,
}

impl Document {
    pub fn is_required(&self) -> bool {
        !self.required.trim().is_empty()
    }
}

/// One clause node, as written in the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intent: String,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub interviewees: Vec<String>,
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Overrides the default (a clause is assessable when it has no sub-clauses).
    #[serde(default)]
    pub assessable: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    id: String,
    standard: String,
    edition: String,
    title: String,
    #[serde(default, rename = "clause")]
    clauses: Vec<Clause>,
}

/// A parsed, validated clause tree, in natural order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub id: String,
    pub standard: String,
    pub edition: String,
    pub title: String,
    clauses: Vec<Clause>,
    index: HashMap<String, usize>,
    has_children: HashSet<String>,
}

/// A catalogue file that could not be used: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    pub origin: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.origin, self.message),
            _ => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for CatalogueError {}

impl Catalogue {
    /// Parse and validate a catalogue. `origin` names the source in errors (a path).
    pub fn parse(src: &str, origin: &str) -> Result<Catalogue, CatalogueError> {
        let raw: RawCatalogue = toml::from_str(src).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => line_col(src, span.start),
                None => (None, None),
            };
            CatalogueError {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().trim().replace('\n', " "),
            }
        })?;
        let err = |message: String| CatalogueError {
            origin: origin.to_string(),
            line: None,
            column: None,
            message,
        };
        if raw.id.trim().is_empty() {
            return Err(err(
                "`id` is empty; give the catalogue a short unique id".into()
            ));
        }
        if raw.clauses.is_empty() {
            return Err(err(
                "no [[clause]] entries; a catalogue needs at least one clause".into(),
            ));
        }
        let mut clauses = raw.clauses;
        let mut seen = HashSet::new();
        let mut doc_keys = HashSet::new();
        for c in &clauses {
            if !valid_clause_id(&c.id) {
                return Err(err(format!(
                    "clause id {:?} is not valid; use letters, digits and dots, like \"8.5.1\"",
                    c.id
                )));
            }
            if c.title.trim().is_empty() {
                return Err(err(format!("clause {} has an empty title", c.id)));
            }
            if !seen.insert(c.id.clone()) {
                return Err(err(format!("clause {} appears twice", c.id)));
            }
            for d in &c.documents {
                if d.key.trim().is_empty() {
                    return Err(err(format!(
                        "clause {} has a document with an empty key",
                        c.id
                    )));
                }
                if !doc_keys.insert(d.key.clone()) {
                    return Err(err(format!(
                        "document key {:?} (clause {}) is used twice; document keys must be unique",
                        d.key, c.id
                    )));
                }
            }
        }
        let mut has_children = HashSet::new();
        for c in &clauses {
            if let Some(parent) = parent_id(&c.id) {
                if !seen.contains(parent) {
                    return Err(err(format!(
                        "clause {} has no parent clause {parent}; add it before its sub-clauses",
                        c.id
                    )));
                }
                has_children.insert(parent.to_string());
            }
        }
        clauses.sort_by(|a, b| natural::cmp(&a.id, &b.id));
        let index = clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Ok(Catalogue {
            id: raw.id,
            standard: raw.standard,
            edition: raw.edition,
            title: raw.title,
            clauses,
            index,
            has_children,
        })
    }

    /// Every clause, in natural order (parents before their children).
    pub fn clauses(&self) -> &[Clause] {
        &self.clauses
    }

    pub fn get(&self, id: &str) -> Option<&Clause> {
        self.index.get(id).map(|&i| &self.clauses[i])
    }

    /// A clause is assessable unless the file says otherwise or it only groups sub-clauses.
    pub fn is_assessable(&self, clause: &Clause) -> bool {
        clause
            .assessable
            .unwrap_or_else(|| !self.has_children.contains(&clause.id))
    }

    /// The ids of the assessable clauses, in catalogue order.
    pub fn assessable_ids(&self) -> Vec<&str> {
        self.clauses()
            .iter()
            .filter(|c| self.is_assessable(c))
            .map(|c| c.id.as_str())
            .collect()
    }

    pub fn has_children(&self, id: &str) -> bool {
        self.has_children.contains(id)
    }

    /// Depth of a clause: `"8"` is 0, `"8.5.1"` is 2.
    pub fn depth(id: &str) -> usize {
        id.matches('.').count()
    }

    /// Every expected document, with the clause it belongs to, in clause order.
    pub fn documents(&self) -> impl Iterator<Item = (&Clause, &Document)> {
        self.clauses
            .iter()
            .flat_map(|c| c.documents.iter().map(move |d| (c, d)))
    }

    /// All clause ids, comma separated, for error messages.
    pub fn id_list(&self) -> String {
        self.clauses
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `"8.5.1"` -> `Some("8.5")`; `"8"` -> `None`.
pub fn parent_id(id: &str) -> Option<&str> {
    id.rfind('.').map(|i| &id[..i])
}

fn valid_clause_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && !id.ends_with('.')
        && !id.contains("..")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
}

fn line_col(src: &str, offset: usize) -> (Option<usize>, Option<usize>) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (Some(line), Some(col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_toml_names_line_and_column() {
        let src =
            "id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = 4\n";
        let e = Catalogue::parse(src, "my.toml").unwrap_err();
        assert_eq!(e.origin, "my.toml");
        assert_eq!(e.line, Some(6));
        assert!(e.to_string().starts_with("my.toml:6:"), "{e}");
    }

    #[test]
    fn orphan_clause_is_refused() {
        let src = "id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = \"4.1\"\ntitle = \"a\"\n";
        let e = Catalogue::parse(src, "x.toml").unwrap_err();
        assert!(e.message.contains("no parent clause 4"), "{e}");
    }

    /// The parse kept per process is the one of the exact text: a stored
    /// catalogue changed in the file reads as changed, a bad one is never kept.
    #[test]
    fn parsed_catalogues_are_kept_by_their_exact_text() {
        let one = "id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = \"4\"\ntitle = \"Context\"\n";
        let two = one.replace("Context", "Context of the organisation");
        let a = parse_cached(one, "a.toml").unwrap();
        let b = parse_cached(&two, "b.toml").unwrap();
        assert_eq!(a.get("4").unwrap().title, "Context");
        assert_eq!(b.get("4").unwrap().title, "Context of the organisation");
        assert_eq!(
            parse_cached(one, "a.toml").unwrap().get("4").unwrap().title,
            "Context"
        );
        let bad = one.replace("id = \"4\"", "id = 4");
        assert!(parse_cached(&bad, "bad.toml").is_err());
        assert!(
            parse_cached(&bad, "bad.toml").is_err(),
            "an error is not remembered as a catalogue"
        );
    }
}
