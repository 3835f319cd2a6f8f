//! The closed vocabularies of an audit. Each has a stable code (stored in the
//! database and accepted on the command line), a human label, and parsing that
//! names the accepted values when it fails.

use std::fmt;

/// A value that is not one of an enum's accepted codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub accepted: String,
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?}; accepted: {}",
            self.what, self.value, self.accepted
        )
    }
}

impl std::error::Error for ParseEnumError {}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $variant:ident = $code:literal, $label:literal $(, aliases [$($alias:literal),*])? ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $variant ),+ }

        impl $name {
            /// Every value, in display (and severity) order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable code stored in the database and used on the command line.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// The label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            /// The value after this one, wrapping round (for keys that cycle a value).
            pub fn next(self) -> $name {
                let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
                Self::ALL[(i + 1) % Self::ALL.len()]
            }

            /// The accepted codes, for error messages and help.
            pub fn accepted() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }

            /// Parse a code (case-insensitive; `-`, `_` and spaces are equivalent).
            pub fn parse(s: &str) -> Result<$name, ParseEnumError> {
                let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $(
                    if norm == $code $( $(|| norm == $alias)* )? {
                        return Ok($name::$variant);
                    }
                )+
                Err(ParseEnumError { what: $what, value: s.to_string(), accepted: Self::accepted() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> { $name::parse(s) }
        }
    };
}

vocabulary! {
    /// How serious a finding is. Declaration order is severity order.
    Grade, "grade" {
        Major = "major", "Major NC", aliases ["major_nc", "major_nonconformity"];
        Minor = "minor", "Minor NC", aliases ["minor_nc", "minor_nonconformity"];
        Concern = "stage1_concern", "Stage 1 concern", aliases ["concern", "stage_1_concern", "potential_nc"];
        Observation = "observation", "Observation", aliases ["obs", "area_of_concern"];
        Ofi = "ofi", "Opportunity for improvement", aliases ["opportunity", "opportunity_for_improvement"];
        GoodPractice = "good_practice", "Good practice", aliases ["gp", "strength"];
    }
}

impl Grade {
    /// Prefix of the finding's human reference (`NC-003`, `OBS-002`, ...).
    /// Majors and minors share `NC`: a reference survives a change of grade.
    pub fn ref_prefix(self) -> &'static str {
        match self {
            Grade::Major | Grade::Minor => "NC",
            Grade::Concern => "AOC",
            Grade::Observation => "OBS",
            Grade::Ofi => "OFI",
            Grade::GoodPractice => "GP",
        }
    }

    /// 0 for the most severe.
    pub fn severity(self) -> u8 {
        self as u8
    }

    pub fn is_nonconformity(self) -> bool {
        matches!(self, Grade::Major | Grade::Minor)
    }
}

vocabulary! {
    /// What kind of audit this is.
    AuditType, "audit type" {
        Stage1 = "stage1", "Stage 1", aliases ["stage_1", "s1"];
        Stage2 = "stage2", "Stage 2", aliases ["stage_2", "s2"];
        Surveillance = "surveillance", "Surveillance";
        Recertification = "recertification", "Recertification", aliases ["recert"];
        Internal = "internal", "Internal / rehearsal", aliases ["rehearsal", "gap", "gap_analysis"];
        // a short-notice visit (ISO/IEC 17021-1 9.6.4): after a complaint
        // or a change, or to extend the scope
        Special = "special", "Special", aliases ["short_notice"];
    }
}

vocabulary! {
    /// The audit team's recommendation, recorded by the lead auditor.
    Decision, "recommendation" {
        Recommend = "recommend", "Recommend certification";
        RecommendAfterVerification = "recommend_after_verification", "Recommend after verification of the major NCs";
        DoNotRecommend = "do_not_recommend", "Do not recommend certification";
        ReadyForStage2 = "ready_for_stage2", "Ready for stage 2";
        NotReadyForStage2 = "not_ready_for_stage2", "Not ready for stage 2";
        Continue = "continue", "Continue certification";
        Suspend = "suspend", "Recommend suspension";
        Readiness = "readiness", "Readiness summary only (rehearsal)";
    }
}

impl Decision {
    /// The recommendations that mean something for an audit type.
    pub fn for_type(t: AuditType) -> &'static [Decision] {
        use Decision as D;
        match t {
            AuditType::Stage1 => &[D::ReadyForStage2, D::NotReadyForStage2],
            AuditType::Stage2 | AuditType::Recertification => &[
                D::Recommend,
                D::RecommendAfterVerification,
                D::DoNotRecommend,
            ],
            AuditType::Surveillance | AuditType::Special => &[D::Continue, D::Suspend],
            AuditType::Internal => &[D::Readiness],
        }
    }
}

vocabulary! {
    /// How far a rehearsal finds one audit question met.
    Rating, "rating" {
        Met = "met", "Met", aliases ["yes", "ok"];
        PartlyMet = "partly_met", "Partly met", aliases ["partly", "partial", "partially"];
        NotMet = "not_met", "Not met", aliases ["no", "gap"];
        NotApplicable = "not_applicable", "Not applicable", aliases ["na", "n/a"];
    }
}

vocabulary! {
    /// Where the work on a rehearsal's gap stands.
    GapState, "gap state" {
        Planned = "planned", "Planned";
        InProgress = "in_progress", "In progress", aliases ["started", "doing"];
        Done = "done", "Done", aliases ["closed"];
    }
}

vocabulary! {
    AuditStatus, "audit status" {
        Planned = "planned", "Planned";
        InProgress = "in_progress", "In progress";
        Reported = "reported", "Reported";
    }
}

vocabulary! {
    /// Where the auditor is in reviewing a clause (kept apart from the result).
    ClauseStatus, "clause status" {
        NotStarted = "not_started", "Not started";
        InProgress = "in_progress", "In progress";
        Done = "done", "Done";
    }
}

vocabulary! {
    /// What the auditor concluded about a clause.
    ClauseResult, "clause result" {
        NotAssessed = "not_assessed", "Not assessed";
        Conforming = "conforming", "Conforming";
        Nonconforming = "nonconforming", "Nonconforming";
        NotApplicable = "not_applicable", "Not applicable", aliases ["na", "n/a"];
    }
}

vocabulary! {
    /// Stage 1 verdict on one expected document.
    DocStatus, "document status" {
        NotReviewed = "not_reviewed", "Not reviewed";
        Adequate = "adequate", "Adequate";
        NeedsImprovement = "needs_improvement", "Needs improvement";
        Missing = "missing", "Missing";
        NotApplicable = "not_applicable", "Not applicable", aliases ["na", "n/a"];
    }
}

vocabulary! {
    FindingStatus, "finding status" {
        Open = "open", "Open";
        ResponseReceived = "response_received", "Response received", aliases ["response"];
        PlanAccepted = "plan_accepted", "Action plan accepted", aliases ["accepted", "plan"];
        Closed = "closed", "Closed (verified)", aliases ["verified", "closed_verified"];
    }
}

vocabulary! {
    /// ISO 19011 A.6 sampling method.
    SampleMethod, "sampling method" {
        Judgement = "judgement", "Judgement-based", aliases ["judgment"];
        Statistical = "statistical", "Statistical";
    }
}

/// Audit stage of a review or finding: 1 (documentation) or 2 (operational).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stage(u8);

impl Stage {
    pub const ONE: Stage = Stage(1);
    pub const TWO: Stage = Stage(2);

    pub fn new(n: u8) -> Result<Stage, ParseEnumError> {
        match n {
            1 | 2 => Ok(Stage(n)),
            _ => Err(ParseEnumError {
                what: "stage",
                value: n.to_string(),
                accepted: "1, 2".into(),
            }),
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_codes_aliases_and_spelling_variants() {
        assert_eq!(Grade::parse("Major").unwrap(), Grade::Major);
        assert_eq!(Grade::parse("good-practice").unwrap(), Grade::GoodPractice);
        assert_eq!(Grade::parse("OBS").unwrap(), Grade::Observation);
        assert_eq!(AuditType::parse("stage 2").unwrap(), AuditType::Stage2);
        let e = Grade::parse("critical").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown grade \"critical\"; accepted: major, minor, stage1_concern, observation, ofi, good_practice"
        );
    }

    #[test]
    fn every_code_round_trips() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.code()).unwrap(), *g);
        }
        for t in AuditType::ALL {
            assert_eq!(AuditType::parse(t.code()).unwrap(), *t);
        }
        for s in DocStatus::ALL {
            assert_eq!(DocStatus::parse(s.code()).unwrap(), *s);
        }
    }

    #[test]
    fn severity_follows_declaration_order() {
        assert!(Grade::Major.severity() < Grade::Minor.severity());
        assert!(Grade::Ofi.severity() < Grade::GoodPractice.severity());
    }
}

vocabulary! {
    /// What a follow-up audit found about a finding carried from an earlier
    /// audit of the client.
    Outcome, "outcome" {
        Pending = "pending", "To verify";
        Effective = "effective", "Closed, effective", aliases ["closed", "verified"];
        NotEffective = "not_effective", "Not effective", aliases ["ineffective"];
        StillOpen = "still_open", "Still open, plan accepted", aliases ["open", "plan_accepted"];
        LookedAt = "looked_at", "Looked at", aliases ["seen"];
    }
}
