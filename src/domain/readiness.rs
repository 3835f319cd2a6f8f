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
