//! Readiness in a rehearsal: each audit question rated met, partly met, not
//! met or not applicable; the share met per clause, per main clause (4–10)
//! and overall, partly met counted as half, not applicable left out, a
//! question not rated yet counted as not met (it is not shown to be met).

use std::collections::HashMap;

use super::Rating;
use crate::catalogue::Catalogue;

/// One rated question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRating {
    pub audit_id: String,
    pub clause_id: String,
    /// From 1, in the catalogue's order of the clause's questions.
    pub question: u32,
    pub rating: Rating,
    pub note: String,
    pub evidence: String,
    pub updated_at: String,
    /// Copied from the earlier rehearsal and not rated again in this one.
    pub carried: bool,
}

/// The readiness of one part of the standard.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// A clause id, a main clause ("8") or "" for the whole standard.
    pub id: String,
    pub title: String,
    /// Questions that apply (all but the not applicable ones).
    pub applicable: u32,
    pub met: u32,
    pub partly: u32,
    pub not_met: u32,
    /// Applicable questions not rated yet.
    pub unrated: u32,
}

impl Share {
    /// Met plus half the partly met, over the applicable questions (1.0
    /// when none applies).
    pub fn score(&self) -> f64 {
        if self.applicable == 0 {
            return 1.0;
        }
        (f64::from(self.met) + 0.5 * f64::from(self.partly)) / f64::from(self.applicable)
    }

    /// The score in whole percent.
    pub fn percent(&self) -> u32 {
        (self.score() * 100.0).round() as u32
    }

    fn add(&mut self, other: &Share) {
        self.applicable += other.applicable;
        self.met += other.met;
        self.partly += other.partly;
        self.not_met += other.not_met;
        self.unrated += other.unrated;
    }
}

/// Readiness per clause, per main clause and overall.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    pub overall: Share,
    /// Main clauses (4–10), in order.
    pub main: Vec<Share>,
    /// Assessable clauses with questions, furthest behind first (lowest
    /// score, then catalogue order).
    pub behind: Vec<Share>,
}

/// One clause's share, its question `q` (from 1) rated `rating_of(q)`.
pub fn clause_share(
    c: &crate::catalogue::Clause,
    rating_of: impl Fn(u32) -> Option<Rating>,
) -> Share {
    let mut s = Share {
        id: c.id.clone(),
        title: c.title.clone(),
        applicable: 0,
        met: 0,
        partly: 0,
        not_met: 0,
        unrated: 0,
    };
    for q in 1..=c.questions.len() as u32 {
        match rating_of(q) {
            Some(Rating::NotApplicable) => continue,
            Some(Rating::Met) => s.met += 1,
            Some(Rating::PartlyMet) => s.partly += 1,
            Some(Rating::NotMet) => s.not_met += 1,
            None => s.unrated += 1,
        }
        s.applicable += 1;
    }
    s
}

/// The readiness of an audit whose questions are rated as `ratings` (by
/// clause id and question number).
pub fn readiness(cat: &Catalogue, ratings: &HashMap<(String, u32), Rating>) -> Readiness {
    let mut clauses = Vec::new();
    for c in cat.clauses().iter().filter(|c| cat.is_assessable(c)) {
        if c.questions.is_empty() {
            continue;
        }
        let s = clause_share(c, |q| ratings.get(&(c.id.clone(), q)).copied());
        clauses.push(s);
    }
    let empty = |id: &str, title: &str| Share {
        id: id.to_string(),
        title: title.to_string(),
        applicable: 0,
        met: 0,
        partly: 0,
        not_met: 0,
        unrated: 0,
    };
    let mut overall = empty("", "The whole standard");
    let mut main: Vec<Share> = Vec::new();
    for s in &clauses {
        overall.add(s);
        let top = s.id.split('.').next().unwrap_or("").to_string();
        match main.iter_mut().find(|m| m.id == top) {
            Some(m) => m.add(s),
            None => {
                let title = cat.get(&top).map_or("", |c| c.title.as_str());
                let mut m = empty(&top, title);
                m.add(s);
                main.push(m);
            }
        }
    }
    let mut behind: Vec<Share> = clauses
        .iter()
        .filter(|s| s.applicable > 0 && s.score() < 1.0)
        .cloned()
        .collect();
    behind.sort_by(|a, b| a.score().total_cmp(&b.score()));
    Readiness {
        overall,
        main,
        behind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partly_met_counts_half_not_applicable_is_left_out_and_unrated_is_not_met() {
        let cat = crate::catalogue::builtin("iso20000-1-2018").unwrap();
        let c = cat.get("8.5.1.3").unwrap();
        let n = c.questions.len() as u32;
        assert!(n >= 3, "the clause has questions");
        let mut r = HashMap::new();
        r.insert(("8.5.1.3".to_string(), 1), Rating::Met);
        r.insert(("8.5.1.3".to_string(), 2), Rating::PartlyMet);
        r.insert(("8.5.1.3".to_string(), 3), Rating::NotApplicable);
        let x = readiness(&cat, &r);
        let clause = x.behind.iter().find(|s| s.id == "8.5.1.3").unwrap();
        assert_eq!(clause.applicable, n - 1);
        assert_eq!((clause.met, clause.partly, clause.unrated), (1, 1, n - 3));
        assert!((clause.score() - 1.5 / f64::from(n - 1)).abs() < 1e-9);
        // nothing else rated: every other clause at 0, so 8.5.1.3 is not
        // the furthest behind, and the overall share is 1.5 over all
        // applicable questions
        assert_eq!(x.behind.last().unwrap().id, "8.5.1.3");
        let all: u32 = cat
            .clauses()
            .iter()
            .filter(|c| cat.is_assessable(c))
            .map(|c| c.questions.len() as u32)
            .sum();
        assert_eq!(x.overall.applicable, all - 1);
        assert!((x.overall.score() - 1.5 / f64::from(all - 1)).abs() < 1e-9);
        assert_eq!(
            x.main.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["4", "5", "6", "7", "8", "9", "10"]
        );
        // every question of a main clause met: 100 %
        let mut all_met = HashMap::new();
        for c in cat.clauses().iter().filter(|c| c.id.starts_with("9.")) {
            for q in 1..=c.questions.len() as u32 {
                all_met.insert((c.id.clone(), q), Rating::Met);
            }
        }
        let x = readiness(&cat, &all_met);
        assert_eq!(x.main.iter().find(|m| m.id == "9").unwrap().percent(), 100);
        assert_eq!(x.main.iter().find(|m| m.id == "4").unwrap().percent(), 0);
    }
}

/// One gap of a rehearsal: a question partly met or not met, or a
/// nonconformity, stage 1 concern or observation; with what is planned
/// about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// `question` or `finding`.
    pub source_kind: String,
    /// "CLAUSE/N" for a question, the finding's id for a finding.
    pub source_key: String,
    /// What a person calls it: "8.5.1.3 Q2" or "NC-001".
    pub reference: String,
    pub clause_id: String,
    /// The question, or the finding's title.
    pub what: String,
    /// "Not met", "Partly met", or the finding's grade.
    pub why: String,
    pub owner: String,
    pub action: String,
    /// `YYYY-MM-DD` or "".
    pub target_date: String,
    pub state: super::GapState,
}

impl Gap {
    /// Past its target date and not done (`today` is `YYYY-MM-DD`).
    pub fn overdue(&self, today: &str) -> bool {
        self.state != super::GapState::Done
            && !self.target_date.is_empty()
            && self.target_date.as_str() < today
    }
}

/// One rehearsal of a client, as the trend shows it.
#[derive(Debug, Clone)]
pub struct Rehearsal {
    pub audit: super::Audit,
    pub readiness: Readiness,
    pub gaps: Vec<Gap>,
}

/// The gaps of an earlier rehearsal that are no longer open in a later
/// one: its question was rated met (or not applicable) since, its finding
/// was found settled, or the later rehearsal marks the gap done.
pub fn closed_between(before: &[Gap], after: &[Gap]) -> Vec<Gap> {
    before
        .iter()
        .filter(|b| {
            match after
                .iter()
                .find(|a| a.source_kind == b.source_kind && a.source_key == b.source_key)
            {
                None => true,
                Some(a) => a.state == super::GapState::Done && b.state != super::GapState::Done,
            }
        })
        .cloned()
        .collect()
}

/// How many months of records were seen for one process.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceWindow {
    pub clause_id: String,
    pub title: String,
    /// Days covered by the samples' periods (overlaps counted once) ÷ 30.44.
    pub months: f64,
    /// The earliest and latest record date seen, "" when none.
    pub from: String,
    pub to: String,
    /// Samples of the clause, and of those how many say no period.
    pub samples: usize,
    pub undated: usize,
}

impl EvidenceWindow {
    /// Fewer months of records than `min_months`.
    pub fn short(&self, min_months: u32) -> bool {
        self.months + 1e-9 < f64::from(min_months)
    }
}

/// The processes whose records a certification auditor asks for: the
/// assessable clauses of the operation of the service management system
/// (clause 8 in 2018, clauses 6–9 in 2011), and any other clause sampled.
pub fn evidence_windows(cat: &Catalogue, samples: &[super::Sample]) -> Vec<EvidenceWindow> {
    let mut periods = SamplePeriods::default();
    for s in samples {
        periods.add(&s.clause_id, &s.period_from, &s.period_to);
    }
    periods.windows(cat)
}

/// The samples' record periods by clause, gathered one sample at a time
/// (a large audit's samples are read as a stream, never held), from which
/// [`SamplePeriods::windows`] makes the evidence windows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SamplePeriods {
    /// Per clause: the dated periods (start ≤ end), and how many samples
    /// say no period.
    by_clause:
        std::collections::HashMap<String, (Vec<(chrono::NaiveDate, chrono::NaiveDate)>, usize)>,
}

impl SamplePeriods {
    /// One sample of `clause` covering `from`–`to` (either not a date: undated).
    pub fn add(&mut self, clause: &str, from: &str, to: &str) {
        let d = |x: &str| chrono::NaiveDate::parse_from_str(x, "%Y-%m-%d").ok();
        let entry = match self.by_clause.get_mut(clause) {
            Some(e) => e,
            None => self.by_clause.entry(clause.to_string()).or_default(),
        };
        match (d(from), d(to)) {
            (Some(a), Some(b)) => entry.0.push((a.min(b), a.max(b))),
            _ => entry.1 += 1,
        }
    }

    /// The evidence window of every process sampled or operational.
    pub fn windows(&self, cat: &Catalogue) -> Vec<EvidenceWindow> {
        let operation = |id: &str| {
            let top = id.split('.').next().unwrap_or("");
            if cat.edition == "2011" {
                matches!(top, "6" | "7" | "8" | "9")
            } else {
                top == "8"
            }
        };
        let none = (Vec::new(), 0);
        let mut out = Vec::new();
        for c in cat.clauses().iter().filter(|c| cat.is_assessable(c)) {
            let (dated, undated) = self.by_clause.get(c.id.as_str()).unwrap_or(&none);
            if dated.is_empty() && *undated == 0 && !operation(&c.id) {
                continue;
            }
            let mut spans = dated.clone();
            spans.sort();
            // the union of the periods, in days (both ends counted)
            let mut days = 0i64;
            let mut cur: Option<(chrono::NaiveDate, chrono::NaiveDate)> = None;
            for (a, b) in spans.iter().copied() {
                cur = match cur {
                    Some((ca, cb)) if a <= cb + chrono::Days::new(1) => Some((ca, cb.max(b))),
                    Some((ca, cb)) => {
                        days += (cb - ca).num_days() + 1;
                        Some((a, b))
                    }
                    None => Some((a, b)),
                };
            }
            if let Some((ca, cb)) = cur {
                days += (cb - ca).num_days() + 1;
            }
            let fmt = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
            out.push(EvidenceWindow {
                clause_id: c.id.clone(),
                title: c.title.clone(),
                months: (days as f64 / 30.44 * 10.0).round() / 10.0,
                from: spans.first().map(|s| fmt(s.0)).unwrap_or_default(),
                to: spans.iter().map(|s| s.1).max().map(fmt).unwrap_or_default(),
                samples: dated.len() + undated,
                undated: *undated,
            });
        }
        out
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;
    use crate::domain::{Sample, SampleMethod};

    fn sample(clause: &str, from: &str, to: &str) -> Sample {
        Sample {
            id: String::new(),
            audit_id: String::new(),
            clause_id: clause.into(),
            population: "records".into(),
            method: SampleMethod::Judgement,
            size: 3,
            items: String::new(),
            result: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            period_from: from.into(),
            period_to: to.into(),
        }
    }

    #[test]
    fn months_count_overlaps_once_and_gaps_not_at_all() {
        let cat = crate::catalogue::builtin("iso20000-1-2018").unwrap();
        let w = evidence_windows(
            &cat,
            &[
                // 2026-06-01..2026-07-31 and 2026-07-01..2026-08-31 overlap: 92 days
                sample("8.5.1.3", "2026-06-01", "2026-07-31"),
                sample("8.5.1.3", "2026-07-01", "2026-08-31"),
                // a month apart from the rest: 30 more days
                sample("8.5.1.3", "2026-10-01", "2026-10-30"),
                sample("8.5.1.3", "", ""),
                // one month only
                sample("8.6.1", "2026-09-01", "2026-09-30"),
            ],
        );
        let chg = w.iter().find(|x| x.clause_id == "8.5.1.3").unwrap();
        assert_eq!(chg.months, 4.0, "(92 + 30) / 30.44 = 4.0");
        assert_eq!(
            (chg.from.as_str(), chg.to.as_str()),
            ("2026-06-01", "2026-10-30")
        );
        assert_eq!((chg.samples, chg.undated), (4, 1));
        assert!(!chg.short(3));
        let inc = w.iter().find(|x| x.clause_id == "8.6.1").unwrap();
        assert_eq!(inc.months, 1.0);
        assert!(inc.short(3));
        // a process of clause 8 with no sample is listed with nothing seen
        let cap = w.iter().find(|x| x.clause_id == "8.4.3").unwrap();
        assert_eq!((cap.months, cap.samples), (0.0, 0));
        assert!(cap.short(1));
        // clauses outside the operation are listed only when sampled
        assert!(!w.iter().any(|x| x.clause_id == "9.2"));
    }

    #[test]
    fn the_readiness_statement_says_how_far_and_what_blocks() {
        use crate::domain::{NcTally, Tone};
        let cat = crate::catalogue::builtin("iso20000-1-2018").unwrap();
        let mut all: HashMap<(String, u32), Rating> = HashMap::new();
        for c in cat.clauses().iter().filter(|c| cat.is_assessable(c)) {
            for q in 1..=c.questions.len() as u32 {
                all.insert((c.id.clone(), q), Rating::Met);
            }
        }
        let none = NcTally::default();
        let (line, tone) = readiness_statement(&readiness(&cat, &all), &none);
        assert_eq!(tone, Tone::Clear, "{line}");
        assert!(line.starts_with("Ready for certification"), "{line}");
        // one partly met, one minor: pending; one not met: blocked
        all.insert(("9.2".into(), 1), Rating::PartlyMet);
        let minor = NcTally {
            minors_without_plan: 1,
            ..NcTally::default()
        };
        let (line, tone) = readiness_statement(&readiness(&cat, &all), &minor);
        assert_eq!(tone, Tone::Pending, "{line}");
        assert!(
            line.contains("0 not met, 1 partly met, 1 open NC (0 major)"),
            "{line}"
        );
        all.insert(("9.2".into(), 2), Rating::NotMet);
        let (_, tone) = readiness_statement(&readiness(&cat, &all), &none);
        assert_eq!(tone, Tone::Blocked);
        // not all rated: so far
        all.remove(&("9.3".to_string(), 1));
        let (line, tone) = readiness_statement(&readiness(&cat, &all), &none);
        assert_eq!(tone, Tone::Pending);
        assert!(
            line.contains("so far") && line.contains("170 of 171 questions rated"),
            "{line}"
        );
    }

    #[test]
    fn a_gap_closes_when_it_is_no_longer_open_or_is_done() {
        let gap = |key: &str, state| Gap {
            source_kind: "question".into(),
            source_key: key.into(),
            reference: key.into(),
            clause_id: "8.1".into(),
            what: String::new(),
            why: String::new(),
            owner: String::new(),
            action: String::new(),
            target_date: String::new(),
            state,
        };
        use crate::domain::GapState::*;
        let before = [
            gap("8.1/1", Planned),
            gap("8.1/2", InProgress),
            gap("8.1/3", Planned),
        ];
        let after = [
            gap("8.1/2", Done),
            gap("8.1/3", InProgress),
            gap("8.2/1", Planned),
        ];
        let closed: Vec<String> = closed_between(&before, &after)
            .into_iter()
            .map(|g| g.source_key)
            .collect();
        assert_eq!(closed, ["8.1/1", "8.1/2"]);
    }
}

/// A rehearsal's readiness statement (in place of a certification
/// recommendation): how much is rated, what is not met, what is open.
pub fn readiness_statement(r: &Readiness, t: &super::NcTally) -> (String, super::Tone) {
    use super::Tone;
    let o = &r.overall;
    let ncs = t.open_majors + t.minors_without_plan + t.minors_with_plan;
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let rated = o.met + o.partly + o.not_met;
    if rated < o.applicable {
        return (
            format!(
                "Readiness {}% so far: {rated} of {} questions rated; {ncs} open NC{}",
                o.percent(),
                o.applicable,
                s(ncs)
            ),
            Tone::Pending,
        );
    }
    if o.not_met == 0 && o.partly == 0 && ncs == 0 {
        return (
            "Ready for certification: every applicable question met, no open nonconformity"
                .to_string(),
            Tone::Clear,
        );
    }
    (
        format!(
            "Not ready yet ({}%): {} not met, {} partly met, {ncs} open NC{} ({} major)",
            o.percent(),
            o.not_met,
            o.partly,
            s(ncs),
            t.open_majors
        ),
        if o.not_met > 0 || t.open_majors > 0 {
            Tone::Blocked
        } else {
            Tone::Pending
        },
    )
}
