//! What the workbench shows, read from the store before drawing: the audits
//! list, the open audit's data, and the rows of the frame about to be drawn.
//! Drawing reads only this (`&Model`); it never calls the store. Components
//! ask for a slice to be read again with `Effect::Reload`.

use std::collections::HashMap;
use std::path::PathBuf;

use super::keymap::Keymap;
use super::search;
use super::theme::Theme;
use crate::catalogue::Catalogue;
use crate::domain::{
    Audit, AuditStatus, ClauseReview, DocumentReview, Finding, Interview, NcTally, Sample, Stage,
};
use crate::store::{self, AuditSummary, FindingFilter, FindingOrder, Store};

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// One row of the audits list.
pub struct AuditRow {
    pub summary: AuditSummary,
    /// Stage 2 clauses done / assessable clauses.
    pub done: u64,
    pub total: u64,
    /// A rehearsal's readiness, in percent (none for other audits).
    pub readiness: Option<u32>,
}

/// Rows read for the frame about to be drawn (see `App::prepare`).
#[derive(Default)]
pub struct FrameRows {
    /// The findings list's visible rows: (position of the first, rows).
    pub findings: (usize, Vec<Finding>),
    /// The first findings of the stage 2 clause shown: (clause id, rows).
    pub clause: Option<(String, Vec<Finding>)>,
    /// The findings raised on the stage 1 document shown: (its key, rows).
    pub document: Option<(String, Vec<Finding>)>,
    /// The programme of the open audit's client (`None` before its first
    /// visit), read for the Programme screen.
    pub programme: Option<(crate::domain::Client, Option<crate::domain::Programme>)>,
    /// The interviews list's visible rows: (position of the first, rows).
    pub interviews: (usize, Vec<Interview>),
    /// The samples list's visible rows: (position of the first, rows).
    pub samples: (usize, Vec<Sample>),
    /// The stage 2 clause's first samples and interviews.
    pub clause_records: Option<ClauseRecords>,
}

/// A clause's first samples and interviews (a pane's worth: a clause of a
/// large audit has thousands), and how many it has of each.
#[derive(Debug, Default, Clone)]
pub struct ClauseRecords {
    pub clause: String,
    pub samples: Vec<Sample>,
    pub sample_count: usize,
    pub interviews: Vec<Interview>,
    pub interview_count: usize,
}

/// Everything drawing reads.
pub struct Model {
    pub theme: Theme,
    pub keymap: Keymap,
    pub audits: Vec<AuditRow>,
    pub data: Option<AuditData>,
    pub status: Option<Status>,
    /// Why the file cannot be written, if it cannot.
    pub read_only: Option<String>,
    /// The audit file's name, for the status bar.
    pub file_name: String,
    /// Who the store names as making the changes (`Store::actor`, kept in
    /// step here for drawing); "" for the audit's lead auditor.
    pub working_as: String,
    /// `--auditor` / `AUDITBENCH_AUDITOR` as given at start ("" if not):
    /// it wins over a choice saved in the file.
    pub given_auditor: String,
    /// Where the export form proposes to write.
    pub export_dir: PathBuf,
    pub frame: FrameRows,
    /// The auditor's offset from UTC, for showing times (stored in UTC).
    pub utc_offset: chrono::FixedOffset,
    /// The user's settings (`config.toml`).
    pub settings: crate::config::Settings,
    /// The audit file is encrypted and no plain export has said so yet
    /// (said once per session, after the first).
    pub plain_note_due: bool,
}

impl Model {
    /// After a plain export (CSV, report, team file): the note that it is
    /// not encrypted, the first time in the session the file is.
    pub fn plain_note(&mut self) -> &'static str {
        if std::mem::take(&mut self.plain_note_due) {
            " — not encrypted, though the audit file is: keep it somewhere safe"
        } else {
            ""
        }
    }

    pub fn new(store: &Store) -> Model {
        Model {
            theme: Theme::from_env(),
            keymap: Keymap::default(),
            audits: Vec::new(),
            data: None,
            status: None,
            read_only: store.read_only().map(str::to_string),
            file_name: store
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            export_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            frame: FrameRows::default(),
            utc_offset: *chrono::Local::now().offset(),
            working_as: store.actor(),
            given_auditor: store.actor(),
            settings: crate::config::Settings::default(),
            plain_note_due: store.is_encrypted(),
        }
    }

    /// Whether the open audit is reported (its content is frozen).
    pub fn reported(&self) -> bool {
        self.data
            .as_ref()
            .is_some_and(|d| d.audit.status == AuditStatus::Reported)
    }

    /// The interview at position `pos` of the open audit's list.
    pub fn interview_at(&self, store: &Store, pos: usize) -> store::Result<Option<Interview>> {
        let Some(d) = &self.data else { return Ok(None) };
        Ok(store
            .interviews_by_rowid(d.interviews.rowids(pos, 1))?
            .pop())
    }

    /// The sample at position `pos` of the open audit's list.
    pub fn sample_at(&self, store: &Store, pos: usize) -> store::Result<Option<Sample>> {
        let Some(d) = &self.data else { return Ok(None) };
        Ok(store.samples_by_rowid(d.samples.rowids(pos, 1))?.pop())
    }

    /// Where the interview with this id is in the open audit's list.
    pub fn interview_position(&self, store: &Store, id: &str) -> store::Result<Option<usize>> {
        let Some(d) = &self.data else { return Ok(None) };
        Ok(store
            .interview_rowid(id)?
            .and_then(|r| d.interviews.position(r)))
    }

    /// Where the sample with this id is in the open audit's list.
    pub fn sample_position(&self, store: &Store, id: &str) -> store::Result<Option<usize>> {
        let Some(d) = &self.data else { return Ok(None) };
        Ok(store.sample_rowid(id)?.and_then(|r| d.samples.position(r)))
    }

    /// The finding at position `i` of the open audit's findings list.
    pub fn finding_at(&self, store: &Store, i: usize) -> store::Result<Option<Finding>> {
        let Some(rowid) = self.data.as_ref().and_then(|d| d.findings.get(i)) else {
            return Ok(None);
        };
        Ok(store.findings_by_rowid(&[rowid])?.pop())
    }

    /// Said when a screen needs an open audit and none is.
    pub fn no_audit_error(&self) -> String {
        format!(
            "open an audit first ({} on the audits list)",
            self.keymap
                .key_of(super::keymap::Mode::Audits, &super::action::Action::Select)
        )
    }

    /// Who is at the keyboard: the one chosen (`W`) or given with
    /// `--auditor`, else the open audit's lead auditor.
    pub fn auditor(&self) -> String {
        Some(self.working_as.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| self.data.as_ref().map(|d| d.audit.lead_auditor.clone()))
            .unwrap_or_default()
    }

    /// The open audit's id.
    pub fn audit_id(&self) -> Option<&str> {
        self.data.as_ref().map(|d| d.audit.id.as_str())
    }

    /// Read the audits list again.
    pub fn load_audits(&mut self, store: &Store) -> store::Result<()> {
        let mut rows = Vec::new();
        let mut cats: HashMap<String, u64> = HashMap::new();
        // the catalogues of the rehearsals listed, read once each
        let mut rehearsal_cats: HashMap<String, crate::catalogue::Catalogue> = HashMap::new();
        for summary in store.list_audits()? {
            let cat_id = summary.audit.catalogue_id.clone();
            let total = match cats.get(&cat_id) {
                Some(n) => *n,
                None => {
                    let n = store
                        .catalogue(&cat_id)
                        .map(|c| c.clauses().iter().filter(|x| c.is_assessable(x)).count() as u64)
                        .unwrap_or(0);
                    cats.insert(cat_id, n);
                    n
                }
            };
            let done = store.stage_done_count(&summary.audit.id, Stage::TWO)?;
            let readiness = if summary.audit.audit_type == crate::domain::AuditType::Internal {
                let cat_id = &summary.audit.catalogue_id;
                if !rehearsal_cats.contains_key(cat_id) {
                    rehearsal_cats.insert(cat_id.clone(), store.catalogue(cat_id)?);
                }
                let cat = &rehearsal_cats[cat_id];
                let r = crate::domain::readiness(cat, &store.rating_map(&summary.audit.id)?);
                Some(r.overall.percent())
            } else {
                None
            };
            rows.push(AuditRow {
                summary,
                done,
                total,
                readiness,
            });
        }
        self.audits = rows;
        Ok(())
    }
}

/// What the screens of an open audit show, loaded from the store and
/// reloaded slice by slice after each write.
pub struct AuditData {
    pub audit: Audit,
    pub catalogue: Catalogue,
    pub stage1: HashMap<String, ClauseReview>,
    pub stage2: HashMap<String, ClauseReview>,
    pub docs: HashMap<String, DocumentReview>,
    /// The findings screen's list: row ids, filtered and sorted. Rows are
    /// read from the store a screenful at a time.
    pub findings: FindingList,
    /// Open nonconformities for the overview (the first of them, report
    /// order), read when the overview is drawn: as many as its body has
    /// rows.
    pub open_ncs: Vec<Finding>,
    /// How many open nonconformities were asked for (0: none read since
    /// the findings changed).
    pub open_ncs_asked: usize,
    /// What the fuzzy finder searches in memory (clauses, intents, notes:
    /// the findings, interviews and samples are ranked from the file).
    pub finder: Vec<search::Candidate>,
    /// Counts by grade (all findings, unfiltered).
    pub counts: [u64; 6],
    pub tally: NcTally,
    /// Per clause: (findings, open NCs).
    pub by_clause: HashMap<String, (u64, u64)>,
    /// The interviews and samples lists: row ids in display order, and
    /// which are about each clause (the rows are read a screenful at a
    /// time, into [`FrameRows`]).
    pub interviews: store::RecordIndex,
    pub samples: store::RecordIndex,
    /// Months of records seen per process, from the samples' periods.
    pub evidence: Vec<crate::domain::EvidenceWindow>,
    /// A large audit's interviews and samples, being indexed on a thread
    /// (the lists above are the older ones, or empty, until they come).
    pub lists_loading: Option<std::sync::mpsc::Receiver<store::Result<store::RecordIndexes>>>,
    /// Which findings cite which samples.
    pub citations: Vec<store::Citation>,
    /// The audit's context for the report.
    pub context: crate::domain::AuditContext,
    /// The finder's notes entries are older than the notes.
    pub finder_extras_stale: bool,
    /// Findings carried from the client's earlier audits (a follow-up).
    pub carried: Vec<crate::domain::Carried>,
    /// A reported audit's nonconformities still waiting for a response, a
    /// review or a verification: (waiting, of which overdue).
    pub awaited: (usize, usize),
    /// The audit plan's slots, by day and time.
    pub plan: Vec<crate::domain::PlanSlot>,
    /// Seconds walked per clause.
    pub clause_time: HashMap<String, i64>,
    /// Seconds walked per day.
    pub time_by_day: std::collections::BTreeMap<String, i64>,
    /// The audit's grade scale (frozen into it): the grades' labels.
    pub scale: crate::domain::Scale,
    /// A rehearsal's question ratings, by (clause, question from 1).
    pub ratings: HashMap<(String, u32), crate::domain::QuestionRating>,
    /// A rehearsal's gap plan, by target date (empty for other audits).
    pub gaps: Vec<crate::domain::Gap>,
    /// The client's rehearsals up to and with this one, oldest first: the
    /// trend (empty for other audits).
    pub trend: Vec<crate::domain::Rehearsal>,
    /// This laptop's part in the audit's team (None: not shared).
    pub team: Option<store::TeamInfo>,
    /// The team's conflicts not settled (read only when there are some).
    pub conflicts: Vec<store::ListedConflict>,
    /// The finder's threads while no finder is open (spawned by the first
    /// one, handed back when it closes).
    pub finder_workers: search::FinderWorkers,
}

/// Interviews and samples read at once when an audit has at most this
/// many (else on a thread).
const LISTS_AT_ONCE: usize = 2_000;

/// The first row shown of a list of `height` rows with `selected` chosen
/// (the selection kept on the last row as it moves down).
pub fn first_shown(selected: usize, height: usize) -> usize {
    selected.saturating_sub(height.saturating_sub(1))
}

/// A list of findings by row id, in display order. Only the ids around
/// what is on screen are read, in runs: moving on extends a run by a
/// keyset page (the index entered at the run's last finding), `G` reads the
/// last page backwards from the end, and a jump to a finding counts the
/// findings before it. No read depends on how far down the list it is, and
/// nothing is left for idle turns.
#[derive(Debug, Default, Clone)]
pub struct FindingList {
    /// The runs of ids read: (position of the first, ids), in position
    /// order, neither overlapping nor touching.
    runs: Vec<(usize, Vec<i64>)>,
    /// How many findings the list has in all.
    pub total: usize,
    filter: FindingFilter,
    order: FindingOrder,
}

/// Ids read when a list is (re)loaded.
const FIRST_IDS: usize = 200;
/// Ids read past what is needed, when a run is extended or started.
const MARGIN: usize = 200;

impl FindingList {
    pub fn load(
        store: &Store,
        audit_id: &str,
        filter: &FindingFilter,
        order: FindingOrder,
        counts: &[u64; 6],
    ) -> store::Result<Self> {
        // The grade counts are at hand: only status and clause filters count.
        let total = match (&filter.grade, &filter.status, &filter.clause_id) {
            (None, None, None) => counts.iter().sum::<u64>() as usize,
            (Some(g), None, None) => counts[g.severity() as usize] as usize,
            _ => store.count_findings(audit_id, filter)?,
        };
        let ids = store.finding_rowids_from(
            audit_id,
            filter,
            order,
            None,
            store::Dir::Forward,
            FIRST_IDS,
        )?;
        let mut list = FindingList {
            runs: Vec::new(),
            total,
            filter: filter.clone(),
            order,
        };
        list.put(0, ids);
        Ok(list)
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many ids are held (what the list costs in memory).
    pub fn held(&self) -> usize {
        self.runs.iter().map(|(_, ids)| ids.len()).sum()
    }

    /// The row id at position `i`, if it was read.
    pub fn get(&self, i: usize) -> Option<i64> {
        self.runs
            .iter()
            .find_map(|(start, ids)| i.checked_sub(*start).and_then(|k| ids.get(k)).copied())
    }

    /// Where a finding is among the ids read so far.
    pub fn position(&self, rowid: i64) -> Option<usize> {
        self.runs
            .iter()
            .find_map(|(start, ids)| ids.iter().position(|&r| r == rowid).map(|k| start + k))
    }

    /// Add a run of ids read from `start` on, merged with the runs it
    /// meets.
    fn put(&mut self, start: usize, ids: Vec<i64>) {
        if ids.is_empty() {
            return;
        }
        // (a later read of the same positions wins: it is the newer)
        let mut merged: Vec<(usize, Vec<i64>)> = Vec::with_capacity(self.runs.len() + 1);
        let mut run = (start, ids);
        for (s, v) in std::mem::take(&mut self.runs) {
            let e = s + v.len();
            if e < run.0 || s > run.0 + run.1.len() {
                merged.push((s, v));
                continue;
            }
            // they overlap or touch: one run
            let lo = s.min(run.0);
            let hi = e.max(run.0 + run.1.len());
            let mut joined = Vec::with_capacity(hi - lo);
            for p in lo..hi {
                let from_new = p >= run.0 && p < run.0 + run.1.len();
                joined.push(if from_new { run.1[p - run.0] } else { v[p - s] });
            }
            run = (lo, joined);
        }
        merged.push(run);
        merged.sort_by_key(|(s, _)| *s);
        self.runs = merged;
    }

    /// Make sure the ids at positions `start..end` are read (clamped to the
    /// list): each gap is filled from the run next to it, by key, or from
    /// the end of the list backwards; only a gap far from everything read
    /// is found by position.
    pub fn ensure(
        &mut self,
        store: &Store,
        audit_id: &str,
        start: usize,
        end: usize,
    ) -> store::Result<()> {
        let end = end.min(self.total);
        let mut p = start.min(end);
        while p < end {
            if self.get(p).is_some() {
                p += 1;
                continue;
            }
            // the gap: from p to the next run (or the end)
            let next = self
                .runs
                .iter()
                .map(|(s, _)| *s)
                .find(|s| *s > p)
                .unwrap_or(self.total);
            let prev = self
                .runs
                .iter()
                .rev()
                .find(|(s, v)| s + v.len() == p)
                .and_then(|(_, v)| v.last().copied());
            let want = (end.min(next) - p + MARGIN).min(next - p);
            let read = if let Some(last) = prev {
                // on from the run that ends here
                let ids = store.finding_rowids_from(
                    audit_id,
                    &self.filter,
                    self.order,
                    Some(last),
                    store::Dir::Forward,
                    want,
                )?;
                (p, ids)
            } else if next - p <= want + MARGIN {
                // back from the run (or the end of the list) that comes next
                let first = self.get(next);
                let n = (next - p + MARGIN).min(next);
                let ids = store.finding_rowids_from(
                    audit_id,
                    &self.filter,
                    self.order,
                    first,
                    store::Dir::Back,
                    n,
                )?;
                (next.saturating_sub(ids.len()), ids)
            } else {
                // far from everything: by position
                let ids = store.finding_rowids_page(audit_id, &self.filter, self.order, p, want)?;
                (p, ids)
            };
            if read.1.is_empty() {
                // the file changed under us: what we have is the list
                self.total = p;
                break;
            }
            self.put(read.0, read.1);
        }
        Ok(())
    }

    /// Where a finding is in the list (None: the filter leaves it out),
    /// with the ids around it read.
    pub fn find(
        &mut self,
        store: &Store,
        audit_id: &str,
        rowid: i64,
    ) -> store::Result<Option<usize>> {
        if let Some(p) = self.position(rowid) {
            return Ok(Some(p));
        }
        let Some(pos) = store.finding_position(audit_id, &self.filter, self.order, rowid)? else {
            return Ok(None);
        };
        // a run around it, read by key from the finding itself
        let before = store.finding_rowids_from(
            audit_id,
            &self.filter,
            self.order,
            Some(rowid),
            store::Dir::Back,
            MARGIN.min(pos),
        )?;
        let after = store.finding_rowids_from(
            audit_id,
            &self.filter,
            self.order,
            Some(rowid),
            store::Dir::Forward,
            MARGIN,
        )?;
        let start = pos.saturating_sub(before.len());
        let mut ids = before;
        ids.push(rowid);
        ids.extend(after);
        self.total = self.total.max(start + ids.len());
        self.put(start, ids);
        Ok(Some(pos))
    }

    /// The findings at `start..start + len` of the list (read as needed;
    /// one query for the rows).
    pub fn window(
        &mut self,
        store: &Store,
        audit_id: &str,
        start: usize,
        len: usize,
    ) -> store::Result<Vec<Finding>> {
        let end = start.saturating_add(len).min(self.total);
        self.ensure(store, audit_id, start, end)?;
        let ids: Vec<i64> = (start.min(end)..end).filter_map(|i| self.get(i)).collect();
        store.findings_by_rowid(&ids)
    }
}

/// Nonconformities of a reported audit waiting for something, and how
/// many of them are past their deadline (today, local time).
fn awaited(store: &Store, audit_id: &str) -> store::Result<(usize, usize)> {
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let waiting: Vec<crate::domain::Standing> = store
        .standings(audit_id)?
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| s.awaited.is_some())
        .collect();
    let overdue = waiting
        .iter()
        .filter(|s| !s.due.is_empty() && s.due < today)
        .count();
    Ok((waiting.len(), overdue))
}

impl AuditData {
    pub fn load(store: &Store, id: &str) -> store::Result<AuditData> {
        let audit = store.audit(id)?;
        let catalogue = store.catalogue(&audit.catalogue_id)?;
        let mut d = AuditData {
            audit,
            catalogue,
            stage1: HashMap::new(),
            stage2: HashMap::new(),
            docs: HashMap::new(),
            findings: FindingList::default(),
            open_ncs: Vec::new(),
            open_ncs_asked: 0,
            finder: Vec::new(),
            counts: [0; 6],
            tally: NcTally::default(),
            by_clause: HashMap::new(),
            interviews: store::RecordIndex::default(),
            samples: store::RecordIndex::default(),
            evidence: Vec::new(),
            lists_loading: None,
            citations: store.citations(id)?,
            context: store.audit_context(id)?,
            finder_extras_stale: false,
            carried: store.carried(id)?,
            awaited: (0, 0),
            plan: store.plan(id)?,
            clause_time: store.clause_times(id)?,
            time_by_day: store.time_per_day(id)?,
            scale: store.audit_scale(id)?,
            ratings: HashMap::new(),
            gaps: Vec::new(),
            trend: Vec::new(),
            team: None,
            conflicts: Vec::new(),
            finder_workers: search::FinderWorkers::default(),
        };
        d.reload_team(store)?;
        d.reload_ratings(store)?;
        d.awaited = awaited(store, id)?;
        d.reload_reviews(store)?;
        d.finder = search::candidates(&d);
        d.finder_extras_stale = false;
        d.reload_interviews(store)?;
        Ok(d)
    }

    /// The audit's team: members and merges (no document is read), and
    /// the conflicts' documents only when there are conflicts.
    pub fn reload_team(&mut self, store: &Store) -> store::Result<()> {
        self.team = store.team_info(&self.audit.id)?;
        self.conflicts = match &self.team {
            Some(t) if t.conflicts > 0 => store.team_conflicts(&self.audit.id)?,
            _ => Vec::new(),
        };
        Ok(())
    }

    /// A rehearsal's question ratings.
    pub fn reload_ratings(&mut self, store: &Store) -> store::Result<()> {
        self.ratings = store
            .question_ratings(&self.audit.id)?
            .into_iter()
            .map(|r| ((r.clause_id.clone(), r.question), r))
            .collect();
        self.reload_gaps(store)
    }

    /// A rehearsal's gaps, and this rehearsal's place in the trend (the
    /// earlier rehearsals are read once, when the audit is opened: this
    /// one is the only one the workbench changes).
    pub fn reload_gaps(&mut self, store: &Store) -> store::Result<()> {
        if !self.rehearsal() {
            return Ok(());
        }
        self.gaps = store.gaps(&self.audit.id)?;
        if self.trend.is_empty() {
            let mut trend = store.rehearsals(&self.audit.client_id)?;
            // up to this one: a later rehearsal is not part of this one's story
            if let Some(at) = trend.iter().position(|r| r.audit.id == self.audit.id) {
                trend.truncate(at + 1);
            }
            self.trend = trend;
        } else {
            let readiness = self.readiness();
            if let Some(me) = self.trend.last_mut() {
                me.readiness = readiness;
                me.gaps = self.gaps.clone();
            }
        }
        Ok(())
    }

    /// Whether the audit is a rehearsal (internal audit).
    pub fn rehearsal(&self) -> bool {
        self.audit.audit_type == crate::domain::AuditType::Internal
    }

    /// A rehearsal's readiness from its ratings.
    pub fn readiness(&self) -> crate::domain::Readiness {
        let map = self
            .ratings
            .iter()
            .map(|(k, r)| (k.clone(), r.rating))
            .collect();
        crate::domain::readiness(&self.catalogue, &map)
    }

    /// The plan and the time walked.
    pub fn reload_plan(&mut self, store: &Store) -> store::Result<()> {
        self.plan = store.plan(&self.audit.id)?;
        self.clause_time = store.clause_times(&self.audit.id)?;
        self.time_by_day = store.time_per_day(&self.audit.id)?;
        Ok(())
    }

    /// How the audit goes against its plan.
    pub fn plan_check(&self) -> crate::domain::PlanCheck {
        crate::domain::plan_check(
            &self.plan,
            &self.catalogue.assessable_ids(),
            &self.stage2,
            &self.clause_time,
            &self.time_by_day,
        )
    }

    /// The next clause the plan takes that is not done at stage 2, with
    /// its slot.
    pub fn next_planned(&self) -> Option<(&crate::domain::PlanSlot, &str)> {
        let assessable = self.catalogue.assessable_ids();
        self.plan.iter().find_map(|s| {
            let clause = assessable.iter().copied().find(|c| {
                s.covers(c)
                    && self
                        .stage2
                        .get(*c)
                        .is_none_or(|r| r.status != crate::domain::ClauseStatus::Done)
            })?;
            Some((s, clause))
        })
    }

    pub fn reload_reviews(&mut self, store: &Store) -> store::Result<()> {
        let id = &self.audit.id;
        self.stage1 = store.clause_reviews_by_id(id, Stage::ONE)?;
        self.stage2 = store.clause_reviews_by_id(id, Stage::TWO)?;
        self.docs = store.document_reviews_by_key(id)?;
        self.finder_extras_stale = true;
        Ok(())
    }

    pub fn reload_findings(
        &mut self,
        store: &Store,
        filter: &FindingFilter,
        sort: FindingOrder,
    ) -> store::Result<()> {
        let id = &self.audit.id;
        // read again when the overview is drawn (see Model::read_frame)
        self.open_ncs.clear();
        self.open_ncs_asked = 0;
        self.counts = store.finding_counts(id)?;
        self.tally = store.nc_tally(id)?;
        self.by_clause = store.finding_counts_by_clause(id)?;
        self.carried = store.carried(id)?;
        self.awaited = awaited(store, id)?;
        self.reload_gaps(store)?;
        // last: the list's length comes from the counts
        self.reload_list(store, filter, sort)
    }

    /// Only the findings screen's list (a filter or the order changed: the
    /// counts did not).
    pub fn reload_list(
        &mut self,
        store: &Store,
        filter: &FindingFilter,
        sort: FindingOrder,
    ) -> store::Result<()> {
        self.findings = FindingList::load(store, &self.audit.id, filter, sort, &self.counts)?;
        Ok(())
    }

    /// Assessable clauses of the catalogue.
    pub fn assessable(&self) -> impl Iterator<Item = &crate::catalogue::Clause> {
        self.catalogue
            .clauses()
            .iter()
            .filter(|c| self.catalogue.is_assessable(c))
    }
}

impl Model {
    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    /// Read the rows the next frame draws that are not kept in the model:
    /// the visible window of the findings, interviews or samples list (in a
    /// body of `body` rows) and the first findings, samples and interviews
    /// of the stage 2 clause on screen.
    pub fn read_frame(
        &mut self,
        store: &Store,
        screens: &super::views::Screens,
        screen: super::app::Screen,
        body: u16,
    ) -> store::Result<()> {
        use super::app::Screen;
        // as many of the clause's findings, samples and interviews as its
        // pane can show (each a page of the file read, and decrypted for an
        // encrypted file): 40, 12 and 12 at most
        let room = match (&self.data, screen) {
            (Some(d), Screen::Stage2) => {
                super::views::stage2::PaneRoom::of(&screens.stage2, self, d, body)
            }
            _ => super::views::stage2::PaneRoom::default(),
        };
        let Some(d) = &mut self.data else {
            self.frame = FrameRows::default();
            return Ok(());
        };
        // the interviews' and samples' lists fill the body, in a border
        let records = (body.saturating_sub(2) as usize).max(1);
        match screen {
            Screen::Overview => {
                // no more than its body has rows: the overview's list of
                // open nonconformities is shorter (each row is a page of
                // the table read, and decrypted for an encrypted file)
                let want = usize::from(body).max(1);
                if d.open_ncs_asked < want {
                    d.open_ncs = store.open_nonconformities(&d.audit.id, want)?;
                    d.open_ncs_asked = want;
                }
            }
            Screen::Findings => {
                let v = &screens.findings;
                let height = super::views::findings::FindingsView::list_height(body);
                let off = super::views::scroll(&v.offset, v.selected, height);
                let window = d.findings.window(store, &d.audit.id, off, height)?;
                self.frame.findings = (off, window);
            }
            Screen::Interviews => {
                let at = first_shown(screens.interviews.selected, records);
                let rows = store.interviews_by_rowid(d.interviews.rowids(at, records))?;
                self.frame.interviews = (at, rows);
            }
            Screen::Samples => {
                let at = first_shown(screens.samples.selected, records);
                let rows = store.samples_by_rowid(d.samples.rowids(at, records))?;
                self.frame.samples = (at, rows);
            }
            Screen::Stage1 => {
                self.frame.document = match screens.stage1.current() {
                    Some((_, key, _)) => {
                        Some((key.to_string(), store.document_findings(&d.audit.id, key)?))
                    }
                    None => None,
                };
            }
            Screen::Programme => {
                // a few small queries (the client's visits, their clause
                // reviews and plans), none about findings
                let client = store.client(&d.audit.client_id)?;
                let p = store.client_programme(&client)?;
                self.frame.programme = Some((client, p));
            }
            Screen::Stage2 => {
                let id = screens.stage2.current_id(&d.catalogue).map(str::to_string);
                self.frame.clause = match &id {
                    Some(id) if d.by_clause.get(id).is_some_and(|(n, _)| *n > 0) => {
                        let rows = store.clause_findings(&d.audit.id, id, room.findings)?;
                        Some((id.clone(), rows))
                    }
                    _ => None,
                };
                self.frame.clause_records = match id {
                    Some(clause) => {
                        let (samples, sample_count) = d.samples.of_clause(&clause, room.samples);
                        let (interviews, interview_count) =
                            d.interviews.of_clause(&clause, room.interviews);
                        Some(ClauseRecords {
                            samples: store.samples_by_rowid(&samples)?,
                            sample_count,
                            interviews: store.interviews_by_rowid(&interviews)?,
                            interview_count,
                            clause,
                        })
                    }
                    None => None,
                };
            }
            _ => {}
        }
        Ok(())
    }
}

impl AuditData {
    /// How much of the audit is done, for the recommendation.
    pub fn coverage(&self) -> crate::domain::Coverage {
        crate::domain::Coverage::of(&self.catalogue, &self.stage2, &self.docs)
    }

    /// The recommendation the findings and the coverage suggest.
    pub fn suggestion(&self) -> (String, crate::domain::Tone) {
        if self.rehearsal() {
            return crate::domain::readiness_statement(&self.readiness(), &self.tally);
        }
        crate::domain::recommendation(self.audit.audit_type, &self.tally, &self.coverage())
    }

    /// Interviews and samples, indexed again: at once for an audit of a
    /// few thousand, on a thread for a larger one (150 000 take a few
    /// tenths of a second), taken with [`Self::lists_arrived`].
    pub fn reload_interviews(&mut self, store: &Store) -> store::Result<()> {
        let id = &self.audit.id;
        self.citations = store.citations(id)?;
        if !store.more_records_than(id, LISTS_AT_ONCE)? {
            let lists = store.record_indexes(id)?;
            self.take_lists(lists);
            self.lists_loading = None;
            return Ok(());
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let path = store.path().to_path_buf();
        let id = id.clone();
        crate::background::spawn(
            "record-index",
            crate::background::Priority::Low,
            move || {
                let _ = tx.send(store::record_indexes_at(&path, &id));
            },
        )
        .map_err(|e| store::Error::Io(format!("cannot start indexing the interviews: {e}")))?;
        self.lists_loading = Some(rx);
        Ok(())
    }

    /// Put indexed lists in place, and the evidence windows made from
    /// their periods.
    fn take_lists(&mut self, lists: store::RecordIndexes) {
        self.interviews = lists.interviews;
        self.samples = lists.samples;
        self.evidence = lists.periods.windows(&self.catalogue);
    }

    /// Take the interviews and samples indexed on a thread, if they came
    /// (`wait`: block until they do). Returns whether they came.
    pub fn lists_arrived(&mut self, wait: bool) -> store::Result<bool> {
        let Some(rx) = &self.lists_loading else {
            return Ok(false);
        };
        let got = if wait {
            rx.recv().ok()
        } else {
            match rx.try_recv() {
                Ok(v) => Some(v),
                Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(false),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            }
        };
        self.lists_loading = None;
        let Some(lists) = got else {
            return Ok(false);
        };
        self.take_lists(lists?);
        Ok(true)
    }

    /// The notes are few: the finder's are renewed before it opens.
    pub fn finder_extras(&mut self) {
        if !std::mem::take(&mut self.finder_extras_stale) {
            return;
        }
        self.finder
            .retain(|c| !search::NOTES_KINDS.contains(&c.kind));
        let notes: Vec<_> = search::notes_candidates(self).collect();
        self.finder.extend(notes);
    }
}
