//! The fuzzy finder's engine: what can be found in an audit (clauses,
//! intents, findings, interviewees), the in-memory entries scored in time
//! slices, the findings ranked from the file on a thread. The popup
//! (`popups/finder.rs`) only holds the query line and draws.

use crate::background::Priority;
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

/// The finder's in-memory entries: clauses, their intents, the notes on
/// them. The findings, interviews and samples (the bulk) are ranked by a
/// [`RecordRanker`], read from the file as it goes.
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

/// Score `pool` (candidate indices) against the query: (score, index) of
/// every match, in pool order. On this thread only: the other core ranks
/// the findings (`RecordRanker`) while a query is typed.
fn score(
    candidates: &[Candidate],
    pool: &[usize],
    q: &str,
    matcher: &ClangdMatcher,
) -> Vec<(i64, usize)> {
    pool.iter()
        .filter_map(|&i| {
            let c = candidates.get(i)?;
            matcher
                .fuzzy_match(&c.text, q)
                .map(|s| (s + exact_bonus(&c.text, q), i))
        })
        .collect()
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
pub const BUDGET: Duration = Duration::from_millis(1);
/// Candidates scored between two looks at the clock.
const CHUNK: usize = 512;

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

/// The finder's two threads, kept while the audit is open: the next
/// finder opened reuses their connections and what the ranker's reader
/// holds, instead of opening (and, for an encrypted file, decrypting) again.
#[derive(Default)]
pub struct FinderWorkers {
    pub text: Option<TextWorker>,
    pub ranker: Option<RecordRanker>,
}

/// Findings read and scored per page of the ranker.
const RANK_PAGE: usize = 4_096;
/// How often the ranker sends its best matches while it reads on.
const RANK_EVERY: Duration = Duration::from_millis(15);

/// The best matches of one query among the records ranked from the file
/// (findings, interviews, samples): (score, entry), best first, at most
/// [`MAX_MATCHES`].
#[derive(Debug, Clone, Default)]
pub struct Ranked {
    pub query: String,
    pub best: Vec<(i64, Candidate)>,
    /// Whether every record has been scored.
    pub done: bool,
}

/// Ranks the findings' references and titles, the interviewees and their
/// notes, and the samples against the query on a thread of its own, reading
/// them from the file a page at a time: the first page's best come back
/// within milliseconds, then better ones as the pages go by (the frame
/// shows them as they come), and only the best [`MAX_MATCHES`] are held at
/// any time, never every record. A new query stops the ranking of the
/// previous one.
pub struct RecordRanker {
    /// Queries, numbered: an answer is taken only for the number asked.
    queries: std::sync::mpsc::Sender<(u64, String)>,
    answers: std::sync::mpsc::Receiver<(u64, Ranked)>,
    /// The latest answer for the query asked.
    pub latest: Ranked,
    /// The number of the last query sent.
    asked: u64,
    /// The number of the query asked (its ranking not done yet).
    waiting: Option<u64>,
}

impl RecordRanker {
    /// A ranker of the audit's records on a thread of its own. It lives as
    /// long as the audit is open (the finder hands it back when it closes):
    /// its connection and the texts its reader holds serve every query.
    pub fn spawn(store: &crate::store::Store, audit_id: &str) -> crate::store::Result<Self> {
        let mut reader = crate::store::TitleReader::open(store.path(), audit_id)?;
        let (qtx, qrx) = std::sync::mpsc::channel::<(u64, String)>();
        let (atx, arx) = std::sync::mpsc::channel();
        let thread = crate::background::spawn("finder-rank", Priority::Low, move || {
            // while the first key is typed (a failure shows at the first page)
            let _ = reader.warm();
            let mut next: Option<(u64, String)> = None;
            loop {
                let (n, q) = match next.take() {
                    Some(q) => q,
                    None => match qrx.recv() {
                        Ok(q) => q,
                        Err(_) => break,
                    },
                };
                // an empty query stops the ranking (the finder closed)
                if q.is_empty() {
                    continue;
                }
                match rank(&mut reader, n, &q, &qrx, &atx) {
                    Ok(newer) => next = newer,
                    Err(()) => break,
                }
            }
        });
        thread.map_err(|e| crate::store::Error::Io(format!("cannot start the finder: {e}")))?;
        Ok(RecordRanker {
            queries: qtx,
            answers: arx,
            latest: Ranked::default(),
            asked: 0,
            waiting: None,
        })
    }

    /// Rank the findings against `q` (an empty query: none are listed).
    pub fn ask(&mut self, q: &str) {
        self.latest = Ranked {
            query: q.to_string(),
            best: Vec::new(),
            done: q.trim().is_empty(),
        };
        self.waiting = None;
        if !self.latest.done {
            self.asked += 1;
            if self.queries.send((self.asked, q.to_string())).is_ok() {
                self.waiting = Some(self.asked);
            }
        }
    }

    /// Stop the ranking under way, and forget its answers (the finder
    /// closed; the next one asks anew).
    pub fn stop(&mut self) {
        self.ask("");
        self.asked += 1;
        let _ = self.queries.send((self.asked, String::new()));
    }

    /// Whether the ranking of the query asked is still going on.
    pub fn waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Take the answers that came (`wait`: until the ranking is done, as
    /// tests do). Returns whether the best matches changed.
    pub fn poll(&mut self, wait: bool) -> bool {
        self.poll_until(wait.then_some(None))
    }

    /// Take the answers that come until the ranking is done or `until`
    /// passes (`None`: only those already come; `Some(None)`: no limit).
    /// Returns whether the best matches changed.
    pub fn poll_until(&mut self, until: Option<Option<Instant>>) -> bool {
        let mut changed = false;
        while let Some(want) = self.waiting {
            let got = match until {
                None => self.answers.try_recv().ok(),
                Some(None) => match self.answers.recv() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        // the thread is gone: nothing more will come
                        self.waiting = None;
                        None
                    }
                },
                Some(Some(t)) => self
                    .answers
                    .recv_timeout(t.saturating_duration_since(Instant::now()))
                    .ok(),
            };
            let Some((n, answer)) = got else {
                break;
            };
            if n != want {
                continue;
            }
            if answer.done {
                self.waiting = None;
            }
            self.latest = answer;
            changed = true;
        }
        changed
    }
}

/// Rank every record against `q`, sending the best as they improve.
/// Returns a newer query if one came meanwhile (the ranking stops), Err if
/// the finder is gone.
fn rank(
    reader: &mut crate::store::TitleReader,
    asked: u64,
    q: &str,
    queries: &std::sync::mpsc::Receiver<(u64, String)>,
    answers: &std::sync::mpsc::Sender<(u64, Ranked)>,
) -> Result<Option<(u64, String)>, ()> {
    use crate::store::Titled;
    // (score, order read, entry): among equal scores, the one read first
    type Scored = (i64, u64, Candidate);
    let order = |a: &Scored, b: &Scored| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    let matcher = ClangdMatcher::default();
    let mut best: Vec<Scored> = Vec::new();
    let mut seq = 0u64;
    let mut sent = None::<Instant>;
    let top = |best: &mut Vec<Scored>| {
        if best.len() > MAX_MATCHES {
            best.select_nth_unstable_by(MAX_MATCHES, order);
            best.truncate(MAX_MATCHES);
        }
        best.sort_by(order);
        best.iter().map(|(s, _, c)| (*s, c.clone())).collect()
    };
    let mut tables = Titled::ALL.iter().copied().peekable();
    let mut after = i64::MIN;
    // once MAX_MATCHES are held, an entry must beat the worst of them: the
    // rest are scored but never copied
    let mut bar = i64::MIN;
    while let Some(&table) = tables.peek() {
        // only the latest query matters
        let mut newer = None;
        while let Ok(n) = queries.try_recv() {
            newer = Some(n);
        }
        if newer.is_some() {
            return Ok(newer);
        }
        // a file that cannot be read ranks nothing from it
        let more = reader
            .page(table, after, RANK_PAGE, |e| {
                seq += 1;
                let Some(s) = matcher.fuzzy_match(e.text, q) else {
                    return;
                };
                let s = s + exact_bonus(e.text, q);
                if s <= bar {
                    return;
                }
                let target = match e.kind {
                    "finding" => Target::Finding(e.rowid),
                    "sample" => Target::Sample(e.id.to_string()),
                    _ => Target::Interview(e.id.to_string()),
                };
                let candidate = Candidate {
                    kind: e.kind,
                    target,
                    text: e.text.to_string(),
                };
                best.push((s, seq, candidate));
            })
            .unwrap_or(None);
        match more {
            Some(last) => after = last,
            None => {
                tables.next();
                after = i64::MIN;
            }
        }
        let done = tables.peek().is_none();
        if best.len() > 4 * MAX_MATCHES {
            best.select_nth_unstable_by(MAX_MATCHES, order);
            best.truncate(MAX_MATCHES);
        }
        if best.len() >= MAX_MATCHES {
            bar = best.iter().map(|b| b.0).min().unwrap_or(i64::MIN);
        }
        if done || sent.is_none_or(|t| t.elapsed() >= RANK_EVERY) {
            let answer = Ranked {
                query: q.to_string(),
                best: top(&mut best),
                done,
            };
            answers.send((asked, answer)).map_err(|_| ())?;
            sent = Some(Instant::now());
        }
    }
    Ok(None)
}

/// How many findings a text search returns at most.
pub const MAX_TEXT_HITS: usize = 50;

/// Searches the findings' texts on a thread of its own: a keystroke only
/// hands the query over (and stops the search of the previous one), the
/// hits come back to be taken on an idle turn with [`TextWorker::poll`].
pub struct TextWorker {
    /// Queries, numbered: hits are taken only for the number asked.
    queries: std::sync::mpsc::Sender<(u64, String)>,
    hits: std::sync::mpsc::Receiver<(u64, Vec<crate::store::TextHit>)>,
    interrupt: crate::store::Interrupt,
    /// The number of the last query sent.
    asked: u64,
    /// The number of the query asked for and not yet answered.
    waiting: Option<u64>,
}

impl TextWorker {
    /// A searcher of the audit's texts on a thread of its own, for as long
    /// as the audit is open (the finder hands it back when it closes).
    pub fn spawn(store: &crate::store::Store, audit_id: &str) -> crate::store::Result<Self> {
        let searcher = crate::store::TextSearcher::open(store.path(), audit_id)?;
        let interrupt = searcher.interrupt_handle();
        let (qtx, qrx) = std::sync::mpsc::channel::<(u64, String)>();
        let (htx, hrx) = std::sync::mpsc::channel();
        let thread = crate::background::spawn("finder-text", Priority::Low, move || {
            while let Ok(mut q) = qrx.recv() {
                // only the latest query matters
                while let Ok(newer) = qrx.try_recv() {
                    q = newer;
                }
                // an interrupted or failed search finds nothing
                let hits = searcher.search(&q.1, MAX_TEXT_HITS).unwrap_or_default();
                if htx.send((q.0, hits)).is_err() {
                    break;
                }
            }
        });
        thread
            .map_err(|e| crate::store::Error::Io(format!("cannot start the text search: {e}")))?;
        Ok(TextWorker {
            queries: qtx,
            hits: hrx,
            interrupt,
            asked: 0,
            waiting: None,
        })
    }

    /// Search for `q` (stopping a search still running for an older query).
    pub fn ask(&mut self, q: &str) {
        if self.waiting.take().is_some() {
            self.interrupt.interrupt();
        }
        self.asked += 1;
        if self.queries.send((self.asked, q.to_string())).is_ok() {
            self.waiting = Some(self.asked);
        }
    }

    /// No answer is wanted any more (the query became too short, or the
    /// finder closed).
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
            let want = self.waiting?;
            let got = if wait {
                self.hits.recv().ok()
            } else {
                self.hits.try_recv().ok()
            };
            let Some((n, hits)) = got else {
                if wait {
                    self.waiting = None;
                }
                return None;
            };
            if n == want {
                self.waiting = None;
                return Some(hits);
            }
        }
    }
}
