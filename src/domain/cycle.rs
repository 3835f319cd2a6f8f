//! The certification cycle: clients, the findings a follow-up audit
//! carries from the client's earlier audits, and the clause mapping between
//! the two editions of ISO/IEC 20000-1.

use serde::Deserialize;

use super::{Grade, Outcome};

/// The organisation certified, and its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub certificate_number: String,
    pub certificate_scope: String,
    /// `YYYY-MM-DD` or empty.
    pub issued_on: String,
    pub expires_on: String,
    pub cycle_start: String,
    /// Clauses looked at on every visit of the cycle, space-separated.
    pub every_visit: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The clauses looked at on every visit unless a client says otherwise:
/// internal audit, management review, nonconformity and corrective action,
/// change management, and complaints (within the business relationship).
pub const EVERY_VISIT: &str = "9.2 9.3 10.1 8.5.1 8.3.2";

/// A finding of an earlier audit, carried into a follow-up audit to be
/// verified (a nonconformity) or looked at (an observation or OFI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    pub id: String,
    /// The follow-up audit.
    pub audit_id: String,
    pub finding_id: String,
    pub from_audit_id: String,
    /// As it was raised: `NC-003`, in "Stage 2 2025-11-16".
    pub reference: String,
    pub origin: String,
    pub grade: Grade,
    /// In the follow-up's edition (mapped when the editions differ).
    pub clause_id: String,
    pub original_clause_id: String,
    pub title: String,
    pub statement: String,
    pub outcome: Outcome,
    pub evidence: String,
    /// The finding raised in the follow-up when the action was not effective.
    pub raised_finding_id: String,
    pub updated_at: String,
}

impl Carried {
    /// "NC-003 · Stage 2 2025-11-16".
    pub fn label(&self) -> String {
        format!("{} · {}", self.reference, self.origin)
    }

    /// Its outcome in words: an observation or OFI not yet looked at is
    /// "To look at", a nonconformity "To verify".
    pub fn outcome_label(&self) -> &'static str {
        if self.outcome == Outcome::Pending && !self.grade.is_nonconformity() {
            "To look at"
        } else {
            self.outcome.label()
        }
    }

    /// A nonconformity not yet found closed and effective.
    pub fn unverified_nc(&self) -> bool {
        self.grade.is_nonconformity()
            && matches!(self.outcome, Outcome::Pending | Outcome::StillOpen)
    }
}

/// Clause correspondences from one edition to another (our own reading of
/// the two editions' structure; clause numbers only).
#[derive(Debug, Clone, Deserialize)]
pub struct Mapping {
    pub from: String,
    pub to: String,
    #[serde(rename = "map")]
    pub entries: Vec<MapEntry>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MapEntry {
    pub from: String,
    pub to: Vec<String>,
    #[serde(default)]
    pub note: String,
}

const BUILTIN_MAPPINGS: [&str; 1] = [include_str!(
    "../../assets/mappings/iso20000-1-2011-2018.toml"
)];

impl Mapping {
    /// The built-in mapping from edition `from` to edition `to`.
    pub fn builtin(from: &str, to: &str) -> Option<Mapping> {
        BUILTIN_MAPPINGS
            .iter()
            .filter_map(|src| toml::from_str::<Mapping>(src).ok())
            .find(|m| m.from == from && m.to == to)
    }

    /// The editions a built-in mapping exists between, as `FROM:TO`.
    pub fn available() -> Vec<String> {
        BUILTIN_MAPPINGS
            .iter()
            .filter_map(|src| toml::from_str::<Mapping>(src).ok())
            .map(|m| format!("{}:{}", m.from, m.to))
            .collect()
    }

    /// The clause `id` corresponds to: the first target of its own entry,
    /// else of its nearest parent's (`6.3.2` falls back on `6.3`).
    pub fn map_clause(&self, id: &str) -> Option<&str> {
        let mut key = id;
        loop {
            if let Some(e) = self.entries.iter().find(|e| e.from == key) {
                return e.to.first().map(String::as_str);
            }
            key = &key[..key.rfind('.')?];
        }
    }

    /// Whether a target clause has a counterpart: an entry names it or one
    /// of its subclauses, or names a clause it is part of. The entries of
    /// an old main clause (`7` → `8.3`) only say where the whole moved, and
    /// do not make everything under their target old.
    pub fn has_counterpart(&self, target: &str) -> bool {
        self.entries.iter().any(|e| {
            e.to.iter().any(|t| {
                t == target
                    || t.starts_with(&format!("{target}."))
                    || (e.from.contains('.') && target.starts_with(&format!("{t}.")))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(day: &str, start: &str, end: &str, clauses: &str) -> PlanSlot {
        PlanSlot {
            id: String::new(),
            audit_id: String::new(),
            day: day.into(),
            start: start.into(),
            end: end.into(),
            site: String::new(),
            auditors: String::new(),
            clauses: clauses.into(),
            subject: String::new(),
            contacts: String::new(),
            updated_at: String::new(),
        }
    }

    fn done(id: &str) -> (String, crate::domain::ClauseReview) {
        (
            id.to_string(),
            crate::domain::ClauseReview {
                audit_id: String::new(),
                clause_id: id.into(),
                stage: crate::domain::Stage::TWO,
                status: crate::domain::ClauseStatus::Done,
                result: crate::domain::ClauseResult::Conforming,
                notes: String::new(),
                questions_covered: Vec::new(),
                updated_at: String::new(),
            },
        )
    }

    #[test]
    fn the_plan_check_names_each_kind_of_deviation() {
        let plan = [
            slot("2026-11-18", "09:00", "10:30", "8.5.1 8.5.2"),
            slot("2026-11-18", "11:00", "12:00", "9.2"),
            slot("2026-11-19", "09:00", "12:30", "8.7"),
        ];
        let assessable = ["8.5.1", "8.5.2", "8.5.3", "8.7.1", "8.7.2", "9.2", "9.3"];
        // 8.5.1 over by 60 min (45 planned), 8.5.3 and 9.3 not planned,
        // 9.2 and 8.7 (nothing under it) planned but not audited
        let stage2 = [done("8.5.1"), done("8.5.2"), done("9.3")]
            .into_iter()
            .collect();
        let by_clause = [
            ("8.5.1".to_string(), 105 * 60),
            ("9.3".to_string(), 20 * 60),
        ]
        .into_iter()
        .collect();
        let by_day = [
            ("2026-11-18".to_string(), 110 * 60),
            ("2026-11-20".to_string(), 15 * 60),
        ]
        .into_iter()
        .collect();
        let c = plan_check(&plan, &assessable, &stage2, &by_clause, &by_day);
        assert_eq!(
            c.deviations,
            [
                "Planned, not audited: 9.2, 8.7",
                "Audited without a slot in the plan: 9.3",
                "8.5.1 took 105 min against 45 planned",
                "2026-11-19: planned (3h30), no clause walked that day",
                "2026-11-20: 15 min walked on a day not in the plan",
            ]
        );
        assert_eq!(
            c.days,
            [
                DayTime {
                    day: "2026-11-18".into(),
                    planned: 150,
                    walked: 110
                },
                DayTime {
                    day: "2026-11-19".into(),
                    planned: 210,
                    walked: 0
                },
                DayTime {
                    day: "2026-11-20".into(),
                    planned: 0,
                    walked: 15
                },
            ]
        );
        // auditor-days count each auditor of a slot
        let mut team = slot("2026-11-18", "09:00", "13:00", "8.5");
        team.auditors = "Jordan Lee, Sam Ortiz and Ana Ruiz".into();
        assert_eq!(team.auditor_count(), 3);
        assert_eq!(PlanSlot::auditor_days(&[team, plan[1].clone()]), 1.625);
        // without a plan there is nothing to depart from
        assert_eq!(
            plan_check(&[], &assessable, &stage2, &by_clause, &by_day),
            PlanCheck::default()
        );
    }

    #[test]
    fn the_builtin_mapping_reads_and_maps() {
        let m = Mapping::builtin("2011", "2018").expect("built in");
        assert_eq!(m.map_clause("9.2"), Some("8.5.1"));
        assert_eq!(m.map_clause("6.3.2"), Some("8.7.1"));
        assert_eq!(m.map_clause("4.5.4.2"), Some("9.2"));
        assert_eq!(m.map_clause("11"), None);
        assert!(
            !m.has_counterpart("4.1"),
            "context of the organisation is new in 2018"
        );
        assert!(m.has_counterpart("8.5.1.2"));
        assert!(
            !m.has_counterpart("8.2.4"),
            "service catalogue management is new"
        );
        assert_eq!(Mapping::available(), ["2011:2018"]);
    }
}

/// How far a clause was audited on one visit (its stage 2 review).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visited {
    /// Done, or a result recorded.
    Audited,
    /// In progress.
    Started,
    /// In the visit's plan, not started.
    Planned,
    No,
}

impl Visited {
    pub fn symbol(self) -> &'static str {
        match self {
            Visited::Audited => "✓",
            Visited::Started => "…",
            Visited::Planned => "p",
            Visited::No => "·",
        }
    }
}

/// One clause of the programme: how each visit of the cycle covered it.
#[derive(Debug, Clone)]
pub struct ProgrammeRow {
    pub clause: String,
    pub title: String,
    /// It is, or is part of, one of the client's every-visit clauses.
    pub every_visit: bool,
    pub visits: Vec<Visited>,
}

/// The three-year programme of a client: assessable clauses × visits.
#[derive(Debug, Clone)]
pub struct Programme {
    /// "Stage 2 2025-11-10", one per visit, oldest first.
    pub visits: Vec<String>,
    /// The audit of each visit, in the same order.
    pub audit_ids: Vec<String>,
    pub rows: Vec<ProgrammeRow>,
    /// Clauses not audited on any visit; every-visit clauses a visit missed.
    pub warnings: Vec<String>,
}

/// One visit: the audit and its stage 2 clause reviews.
pub struct Visit<'a> {
    pub audit: &'a super::Audit,
    pub stage2: &'a std::collections::HashMap<String, super::ClauseReview>,
    pub plan: &'a [PlanSlot],
}

/// The programme over `visits` (oldest first), with the clauses of `cat`
/// (the latest edition's) as rows; a visit in another edition is mapped
/// clause by clause. `every_visit`: the client's every-visit clauses.
pub fn programme(
    cat: &crate::catalogue::Catalogue,
    every_visit: &str,
    visits: &[Visit<'_>],
) -> Programme {
    use super::{AuditType, ClauseResult, ClauseStatus};
    let every: Vec<&str> = every_visit.split_whitespace().collect();
    // each visit's reviews keyed by the rows' clause ids
    let keyed: Vec<std::collections::HashMap<String, Visited>> = visits
        .iter()
        .map(|v| {
            let mapping = (v.audit.edition != cat.edition)
                .then(|| Mapping::builtin(&v.audit.edition, &cat.edition))
                .flatten();
            let mut out: std::collections::HashMap<String, Visited> = Default::default();
            for (id, r) in v.stage2 {
                let state =
                    if r.status == ClauseStatus::Done || r.result != ClauseResult::NotAssessed {
                        Visited::Audited
                    } else if r.status == ClauseStatus::InProgress {
                        Visited::Started
                    } else {
                        continue;
                    };
                let key = match &mapping {
                    Some(m) => match m.map_clause(id) {
                        Some(t) => t.to_string(),
                        None => continue,
                    },
                    None => id.clone(),
                };
                let slot = out.entry(key).or_insert(Visited::No);
                if *slot != Visited::Audited {
                    *slot = state;
                }
            }
            out
        })
        .collect();
    let rows: Vec<ProgrammeRow> = cat
        .clauses()
        .iter()
        .filter(|c| cat.is_assessable(c))
        .map(|c| ProgrammeRow {
            clause: c.id.clone(),
            title: c.title.clone(),
            every_visit: every
                .iter()
                .any(|e| c.id == *e || c.id.starts_with(&format!("{e}."))),
            // the clause's own review, or (a visit mapped from another
            // edition) one of the clause it is part of
            visits: keyed
                .iter()
                .map(|k| {
                    let mut id = c.id.as_str();
                    loop {
                        if let Some(v) = k.get(id) {
                            return *v;
                        }
                        match id.rfind('.') {
                            Some(i) => id = &id[..i],
                            None => return Visited::No,
                        }
                    }
                })
                .zip(visits)
                .map(|(v, visit)| {
                    if v == Visited::No && visit.plan.iter().any(|s| s.covers(&c.id)) {
                        Visited::Planned
                    } else {
                        v
                    }
                })
                .collect(),
        })
        .collect();
    let labels: Vec<String> = visits
        .iter()
        .map(|v| {
            format!("{} {}", v.audit.audit_type.label(), v.audit.start_date)
                .trim()
                .to_string()
        })
        .collect();
    let mut warnings = Vec::new();
    let never: Vec<&ProgrammeRow> = rows
        .iter()
        .filter(|r| r.visits.iter().all(|v| *v != Visited::Audited))
        .collect();
    if !never.is_empty() {
        warnings.push(format!(
            "{} of {} clauses not audited on any visit of the cycle yet: {}",
            never.len(),
            rows.len(),
            never
                .iter()
                .map(|r| r.clause.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (i, v) in visits.iter().enumerate() {
        if !matches!(
            v.audit.audit_type,
            AuditType::Surveillance | AuditType::Recertification | AuditType::Stage2
        ) {
            continue;
        }
        // an every-visit clause is covered when it, or any clause under it, was audited
        let missed: Vec<&str> = every
            .iter()
            .copied()
            .filter(|e| {
                let under: Vec<&ProgrammeRow> = rows
                    .iter()
                    .filter(|r| r.clause == *e || r.clause.starts_with(&format!("{e}.")))
                    .collect();
                !under.is_empty() && under.iter().all(|r| r.visits[i] != Visited::Audited)
            })
            .collect();
        // and the plan, when there is one, should name them
        let unplanned: Vec<&str> = if v.plan.is_empty() {
            Vec::new()
        } else {
            every
                .iter()
                .copied()
                .filter(|e| {
                    rows.iter()
                        .any(|r| r.clause == *e || r.clause.starts_with(&format!("{e}.")))
                        && !v.plan.iter().any(|s| {
                            s.covers(e)
                                || s.clauses
                                    .split_whitespace()
                                    .any(|c| c.starts_with(&format!("{e}.")))
                        })
                })
                .collect()
        };
        if !unplanned.is_empty() {
            warnings.push(format!(
                "{}: every-visit clause{} missing from the plan: {}",
                labels[i],
                if unplanned.len() == 1 { "" } else { "s" },
                unplanned.join(", ")
            ));
        }
        if !missed.is_empty() {
            warnings.push(format!(
                "{}: every-visit clause{} not audited: {}",
                labels[i],
                if missed.len() == 1 { "" } else { "s" },
                missed.join(", ")
            ));
        }
    }
    Programme {
        audit_ids: visits.iter().map(|v| v.audit.id.clone()).collect(),
        visits: labels,
        rows,
        warnings,
    }
}

/// One slot of the audit plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSlot {
    pub id: String,
    pub audit_id: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `HH:MM`.
    pub start: String,
    pub end: String,
    pub site: String,
    pub auditors: String,
    /// Clause ids, space-separated.
    pub clauses: String,
    /// Processes or topic, in words.
    pub subject: String,
    pub contacts: String,
    pub updated_at: String,
}

impl PlanSlot {
    /// Minutes the slot lasts (0 when its times do not read).
    pub fn minutes(&self) -> i64 {
        let parse = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
        match (parse(&self.start), parse(&self.end)) {
            (Some(a), Some(b)) if b > a => (b - a).num_minutes(),
            _ => 0,
        }
    }

    /// The minutes of the slot that fall to `clause`: the slot shared
    /// equally among the clauses it names, and a named clause's share
    /// equally among the assessable clauses under it (`assessable`, the
    /// catalogue's); 0 when the slot does not cover `clause`.
    pub fn minutes_for(&self, clause: &str, assessable: &[&str]) -> i64 {
        let named: Vec<&str> = self.clauses.split_whitespace().collect();
        let Some(n) = named
            .iter()
            .find(|c| clause == **c || clause.starts_with(&format!("{c}.")))
        else {
            return 0;
        };
        let under = assessable
            .iter()
            .filter(|a| **a == *n || a.starts_with(&format!("{n}.")))
            .count()
            .max(1) as i64;
        self.minutes() / named.len() as i64 / under
    }

    /// How many auditors the slot names (one when it names none): its
    /// auditors separated by commas, semicolons or "and".
    pub fn auditor_count(&self) -> i64 {
        let n = self
            .auditors
            .replace(" and ", ",")
            .split([',', ';'])
            .filter(|a| !a.trim().is_empty())
            .count();
        n.max(1) as i64
    }

    /// Auditor-days of the slots: each slot's time times its auditors, in
    /// days of 8 hours.
    pub fn auditor_days(slots: &[PlanSlot]) -> f64 {
        slots
            .iter()
            .map(|s| s.minutes() * s.auditor_count())
            .sum::<i64>() as f64
            / 480.0
    }

    /// Whether the slot covers `clause`: it names it or a clause it is part of.
    pub fn covers(&self, clause: &str) -> bool {
        self.clauses
            .split_whitespace()
            .any(|c| clause == c || clause.starts_with(&format!("{c}.")))
    }
}

/// Planned against walked on one day of the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTime {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Minutes of the plan's slots that day.
    pub planned: i64,
    /// Minutes walked on clauses that day.
    pub walked: i64,
}

/// How an audit went against its plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanCheck {
    /// Every day planned or walked, in order.
    pub days: Vec<DayTime>,
    /// What departed from the plan, one line each; empty when nothing did
    /// (or there is no plan).
    pub deviations: Vec<String>,
}

/// A clause walked this much longer than planned is a deviation: half as
/// long again and at least half an hour over.
const OVER_FACTOR: f64 = 1.5;
const OVER_MINUTES: i64 = 30;

/// Compare the audit's plan with its stage 2 clause reviews and the time
/// walked (`walked_by_clause` and `walked_by_day` in seconds). `assessable`:
/// the catalogue's assessable clause ids, in order. Without a plan there is
/// nothing to depart from.
pub fn plan_check(
    plan: &[PlanSlot],
    assessable: &[&str],
    stage2: &std::collections::HashMap<String, super::ClauseReview>,
    walked_by_clause: &std::collections::HashMap<String, i64>,
    walked_by_day: &std::collections::BTreeMap<String, i64>,
) -> PlanCheck {
    use super::{ClauseResult, ClauseStatus};
    if plan.is_empty() {
        return PlanCheck::default();
    }
    let audited = |id: &str| {
        stage2.get(id).is_some_and(|r| {
            r.status == ClauseStatus::Done || r.result != ClauseResult::NotAssessed
        })
    };
    let under = |named: &str| -> Vec<&str> {
        assessable
            .iter()
            .copied()
            .filter(|c| *c == named || c.starts_with(&format!("{named}.")))
            .collect()
    };
    // clauses the plan names (in plan order, once each)
    let mut named: Vec<&str> = Vec::new();
    for s in plan {
        for c in s.clauses.split_whitespace() {
            if !named.contains(&c) {
                named.push(c);
            }
        }
    }
    let mut deviations = Vec::new();
    let not_audited: Vec<&str> = named
        .iter()
        .copied()
        .filter(|n| {
            let u = under(n);
            !u.is_empty() && !u.iter().any(|c| audited(c))
        })
        .collect();
    if !not_audited.is_empty() {
        deviations.push(format!("Planned, not audited: {}", not_audited.join(", ")));
    }
    let unplanned: Vec<&str> = assessable
        .iter()
        .copied()
        .filter(|c| audited(c) && !plan.iter().any(|s| s.covers(c)))
        .collect();
    if !unplanned.is_empty() {
        deviations.push(format!(
            "Audited without a slot in the plan: {}",
            unplanned.join(", ")
        ));
    }
    for c in assessable {
        let planned: i64 = plan.iter().map(|s| s.minutes_for(c, assessable)).sum();
        let walked = walked_by_clause.get(*c).copied().unwrap_or(0) / 60;
        if planned > 0
            && walked as f64 >= planned as f64 * OVER_FACTOR
            && walked - planned >= OVER_MINUTES
        {
            deviations.push(format!("{c} took {walked} min against {planned} planned"));
        }
    }
    let mut days: std::collections::BTreeMap<&str, DayTime> = Default::default();
    for s in plan {
        days.entry(&s.day)
            .or_insert_with(|| DayTime {
                day: s.day.clone(),
                planned: 0,
                walked: 0,
            })
            .planned += s.minutes();
    }
    for (d, secs) in walked_by_day {
        days.entry(d)
            .or_insert_with(|| DayTime {
                day: d.clone(),
                planned: 0,
                walked: 0,
            })
            .walked += secs / 60;
    }
    let days: Vec<DayTime> = days.into_values().collect();
    let any_walked = days.iter().any(|d| d.walked > 0);
    for d in &days {
        if d.planned == 0 && d.walked > 0 {
            deviations.push(format!(
                "{}: {} walked on a day not in the plan",
                d.day,
                hours(d.walked)
            ));
        } else if any_walked && d.planned > 0 && d.walked == 0 {
            deviations.push(format!(
                "{}: planned ({}), no clause walked that day",
                d.day,
                hours(d.planned)
            ));
        }
    }
    PlanCheck { days, deviations }
}

/// Minutes as "2h05" (or "45 min" under an hour).
pub fn hours(minutes: i64) -> String {
    if minutes < 60 {
        format!("{minutes} min")
    } else {
        format!("{}h{:02}", minutes / 60, minutes % 60)
    }
}
