//! The fuzzy finder's engine: what can be found in an audit (clauses,
//! intents, findings, interviewees), the findings read on a thread, and a
//! search scored in time slices on up to two threads. The popup
//! (`popups/finder.rs`) only holds the query line and draws.

use std::time::{Duration, Instant};

use fuzzy_matcher::clangd::ClangdMatcher;
use fuzzy_matcher::FuzzyMatcher;

use super::model::AuditData;

/// Where a match leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Clause(String),
    /// A finding, by row id.
    Finding(i64),
    Interview(String),
    Sample(String),
}

#[derive(Debug, Clone)]
pub struct Candidate {
    /// What is matched against.
    pub text: String,
    /// What kind of thing, shown before the text.
    pub kind: &'static str,
    pub target: Target,
}

/// At most this many matches are kept and shown.
pub const MAX_MATCHES: usize = 200;

/// Every searchable thing of an audit but its findings: clauses, their
/// intents, interviewees. The findings (the bulk) arrive from
/// [`load_findings`], read in the background when the audit is opened.
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
    out.extend(interview_candidates(&data.interviews));
    out.extend(sample_candidates(&data.samples));
    out.extend(notes_candidates(data));
    out
}

/// The kinds of entry made from the auditor's notes on clauses and
/// documents (renewed with the reviews).
pub const NOTES_KINDS: [&str; 2] = ["cl notes", "doc notes"];

/// The finder's entries for the notes written on clauses (stage 1 and 2)
/// and on stage 1 documents; each leads to its clause.
pub fn notes_candidates(data: &AuditData) -> impl Iterator<Item = Candidate> + '_ {
    let clauses = data
        .stage1
        .values()
        .chain(data.stage2.values())
        .filter(|r| !r.notes.trim().is_empty())
        .map(|r| Candidate {
            text: format!("{} · {}", r.clause_id, r.notes.replace('\n', " ")),
            kind: NOTES_KINDS[0],
            target: Target::Clause(r.clause_id.clone()),
        });
    let docs = data
        .docs
        .values()
        .filter(|r| !r.notes.trim().is_empty())
        .map(|r| Candidate {
            text: format!("{} · {}", r.clause_id, r.notes.replace('\n', " ")),
            kind: NOTES_KINDS[1],
            target: Target::Clause(r.clause_id.clone()),
        });
    clauses.chain(docs)
}

/// The finder's entries for interviewees.
pub fn interview_candidates(
    interviews: &[crate::domain::Interview],
) -> impl Iterator<Item = Candidate> + '_ {
    interviews.iter().flat_map(|i| {
        let who = Candidate {
            text: format!("{} ({})", i.interviewee, i.role),
            kind: "interview",
            target: Target::Interview(i.id.clone()),
        };
        // the notes too (a change record id said in an interview)
        let notes = (!i.notes.trim().is_empty()).then(|| Candidate {
            text: format!("{} · {}", i.interviewee, i.notes.replace('\n', " ")),
            kind: "notes",
            target: Target::Interview(i.id.clone()),
        });
        std::iter::once(who).chain(notes)
    })
}

/// The finder's entries for samples: clause, population and the items seen.
pub fn sample_candidates(
    samples: &[crate::domain::Sample],
) -> impl Iterator<Item = Candidate> + '_ {
    samples.iter().map(|x| Candidate {
        text: format!(
            "{} {} · {}",
            x.clause_id,
            x.population,
            x.items.replace('\n', " ")
        ),
        kind: "sample",
        target: Target::Sample(x.id.clone()),
    })
}

/// The findings' finder entries, read on a thread with its own read-only
/// connection so that opening an audit of 100 000 findings does not wait
/// for every title. Receive them with [`merge_findings`].
pub fn load_findings(
    store: &crate::store::Store,
    audit_id: &str,
) -> std::sync::mpsc::Receiver<Vec<(i64, String)>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let path = store.path().to_path_buf();
    let audit_id = audit_id.to_string();
    std::thread::spawn(move || {
        let texts = crate::store::finding_search_texts_at(&path, &audit_id).unwrap_or_default();
        let _ = tx.send(texts);
    });
    rx
}

/// Add the background-loaded findings to the candidates; findings already
/// there (added or changed since the audit was opened) keep their entry.
pub fn merge_findings(candidates: &mut Vec<Candidate>, texts: Vec<(i64, String)>) {
    let known: std::collections::HashSet<i64> = candidates
        .iter()
        .filter_map(|c| match c.target {
            Target::Finding(r) => Some(r),
            _ => None,
        })
        .collect();
    candidates.extend(texts.into_iter().filter(|(r, _)| !known.contains(r)).map(
        |(rowid, text)| Candidate {
            text,
            kind: "finding",
            target: Target::Finding(rowid),
        },
    ));
}

// The matcher is fuzzy-matcher's clangd algorithm: its skim v2 matcher keeps
// a cache between calls that makes a score depend on the calls before it
// (found by the narrowing property test), and panics with the cache off.

/// An exact reference or clause id (the candidate's first word is the
/// query, e.g. `6.2` or `NC-003`) ranks above every fuzzy match.
fn exact_bonus(text: &str, q: &str) -> i64 {
    let q = q.trim();
    let first = text.split(' ').next().unwrap_or("");
    if !q.is_empty() && first.eq_ignore_ascii_case(q) {
        1 << 40
    } else {
        0
    }
}

/// Pools larger than this are scored on two threads.
const PARALLEL_FROM: usize = 2_048;

/// Score `pool` (candidate indices) against the query: (score, index) of
/// every match, in pool order. Large pools are split across two threads
/// (the machines auditors carry have at least two cores).
fn score(
    candidates: &[Candidate],
    pool: &[usize],
    q: &str,
    matcher: &ClangdMatcher,
) -> Vec<(i64, usize)> {
    let run = |part: &[usize], m: &ClangdMatcher| -> Vec<(i64, usize)> {
        part.iter()
            .filter_map(|&i| {
                let c = candidates.get(i)?;
                m.fuzzy_match(&c.text, q)
                    .map(|s| (s + exact_bonus(&c.text, q), i))
            })
            .collect()
    };
    if pool.len() < PARALLEL_FROM {
        return run(pool, matcher);
    }
    let (a, b) = pool.split_at(pool.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| run(b, &ClangdMatcher::default()));
        let mut first = run(a, matcher);
        match other.join() {
            Ok(second) => first.extend(second),
            Err(_) => first.extend(run(b, matcher)),
        }
        first
    })
}

/// A search over the candidates, sliced in time: each call scores for at
/// most a budget, and typing on narrows what the previous query matched
/// instead of searching everything again.
pub struct Search {
    /// (score, candidate index), best first, at most MAX_MATCHES.
    pub matches: Vec<(i64, usize)>,
    /// How many candidates there are.
    pub total: usize,
    matcher: ClangdMatcher,
    /// The query being searched (or last searched).
    searched: String,
    /// Candidates that matched `searched` so far: all of them once nothing
    /// is pending. A query that extends `searched` can only match these.
    found: Vec<(i64, usize)>,
    /// The best of `found`, kept as scoring goes (at most a few times
    /// MAX_MATCHES): a keystroke never copies every match to rank them.
    best: Vec<(i64, usize)>,
    /// Candidates not yet scored against `searched`.
    pending: Vec<usize>,
    /// The query as typed.
    query: String,
}

/// Scoring time per key press (or per idle turn of the event loop): the
/// frame follows at once with the best matches so far, and a large audit's
/// search completes over the next few frames.
pub const BUDGET: Duration = Duration::from_millis(2);
/// Candidates scored between two looks at the clock.
const CHUNK: usize = 2_048;

impl Search {
    /// A search with an empty query (every candidate, in order).
    pub fn new(candidates: &[Candidate]) -> Self {
        let mut s = Search {
            matches: Vec::new(),
            total: candidates.len(),
            matcher: ClangdMatcher::default(),
            searched: String::new(),
            found: Vec::new(),
            best: Vec::new(),
            pending: Vec::new(),
            query: String::new(),
        };
        s.refresh(candidates);
        s
    }

    /// The query changed: search for it.
    pub fn set_query(&mut self, q: &str, candidates: &[Candidate]) {
        self.query = q.to_string();
        self.search(candidates);
    }

    /// Recompute the matches from scratch (the candidates changed).
    pub fn refresh(&mut self, candidates: &[Candidate]) {
        self.searched.clear();
        self.found.clear();
        self.best.clear();
        self.pending.clear();
        self.search(candidates);
    }

    /// The score of one text against a query (None: no match), as the
    /// candidates are scored.
    pub fn score_one(&self, text: &str, q: &str) -> Option<i64> {
        self.matcher
            .fuzzy_match(text, q)
            .map(|s| s + exact_bonus(text, q))
    }

    /// Whether some candidates are still to be scored (see [`Self::work`]).
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    fn search(&mut self, candidates: &[Candidate]) {
        let q = self.query.clone();
        self.total = candidates.len();
        if q.trim().is_empty() {
            self.searched.clear();
            self.found.clear();
            self.best.clear();
            self.pending.clear();
            self.matches = (0..candidates.len().min(MAX_MATCHES))
                .map(|i| (0, i))
                .collect();
            return;
        }
        let narrowing = !self.searched.is_empty() && q.starts_with(&self.searched);
        let pool: Vec<usize> = if narrowing {
            let mut p: Vec<usize> = self.found.iter().map(|(_, i)| *i).collect();
            p.append(&mut self.pending);
            p
        } else {
            (0..candidates.len()).collect()
        };
        self.searched = q;
        self.found.clear();
        self.best.clear();
        self.pending = pool;
        self.work(candidates, BUDGET);
    }

    /// Score pending candidates for at most about `budget`, then keep the
    /// best matches found so far. Returns whether work remains.
    pub fn work(&mut self, candidates: &[Candidate], budget: Duration) -> bool {
        // a total order (score, then index): the same best matches whatever
        // the slicing, and after narrowing as after a fresh search
        let order = |a: &(i64, usize), b: &(i64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        let start = Instant::now();
        while !self.pending.is_empty() {
            let chunk = self
                .pending
                .split_off(self.pending.len().saturating_sub(CHUNK));
            let scored = score(candidates, &chunk, &self.searched, &self.matcher);
            self.best.extend_from_slice(&scored);
            if self.best.len() > 4 * MAX_MATCHES {
                self.best.select_nth_unstable_by(MAX_MATCHES, order);
                self.best.truncate(MAX_MATCHES);
            }
            self.found.extend(scored);
            if start.elapsed() >= budget {
                break;
            }
        }
        let mut top = self.best.clone();
        if top.len() > MAX_MATCHES {
            top.select_nth_unstable_by(MAX_MATCHES, order);
            top.truncate(MAX_MATCHES);
        }
        top.sort_by(order);
        self.matches = top;
        self.busy()
    }
}

/// How many findings a text search returns at most.
pub const MAX_TEXT_HITS: usize = 50;

/// Searches the findings' texts on a thread of its own: a keystroke only
/// hands the query over (and stops the search of the previous one), the
/// hits come back to be taken on an idle turn with [`TextWorker::poll`].
pub struct TextWorker {
    queries: std::sync::mpsc::Sender<String>,
    hits: std::sync::mpsc::Receiver<(String, Vec<crate::store::TextHit>)>,
    interrupt: crate::store::Interrupt,
    /// The query asked for and not yet answered.
    waiting: Option<String>,
}

impl TextWorker {
    pub fn spawn(store: &crate::store::Store, audit_id: &str) -> crate::store::Result<Self> {
        let searcher = crate::store::TextSearcher::open(store.path(), audit_id)?;
        let interrupt = searcher.interrupt_handle();
        let (qtx, qrx) = std::sync::mpsc::channel::<String>();
        let (htx, hrx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(mut q) = qrx.recv() {
                // only the latest query matters
                while let Ok(newer) = qrx.try_recv() {
                    q = newer;
                }
                // an interrupted or failed search finds nothing
                let hits = searcher.search(&q, MAX_TEXT_HITS).unwrap_or_default();
                if htx.send((q, hits)).is_err() {
                    break;
                }
            }
        });
        Ok(TextWorker {
            queries: qtx,
            hits: hrx,
            interrupt,
            waiting: None,
        })
    }

    /// Search for `q` (stopping a search still running for an older query).
    pub fn ask(&mut self, q: &str) {
        if self.waiting.is_some() {
            self.interrupt.interrupt();
        }
        if self.queries.send(q.to_string()).is_ok() {
            self.waiting = Some(q.to_string());
        }
    }

    /// No answer is wanted any more (the query became too short).
    pub fn cancel(&mut self) {
        if self.waiting.take().is_some() {
            self.interrupt.interrupt();
        }
    }

    /// Whether an answer is awaited.
    pub fn waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// The hits for the latest query, when they have come (`wait`: block
    /// for them, as tests do). Answers to older queries are dropped.
    pub fn poll(&mut self, wait: bool) -> Option<Vec<crate::store::TextHit>> {
        loop {
            let want = self.waiting.clone()?;
            let got = if wait {
                self.hits.recv().ok()
            } else {
                self.hits.try_recv().ok()
            };
            let Some((q, hits)) = got else {
                if wait {
                    self.waiting = None;
                }
                return None;
            };
            if q == want {
                self.waiting = None;
                return Some(hits);
            }
        }
    }
}
