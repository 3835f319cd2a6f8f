//! What arrives after the report: the client's response to a
//! nonconformity, the auditor's review of it, and the verification; and
//! the deadlines that follow from the grade.

use super::{Audit, Finding, Grade};

/// One recorded step after the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub id: String,
    pub audit_id: String,
    pub finding_id: String,
    pub reference: String,
    pub kind: ResponseKind,
    pub correction: String,
    pub root_cause: String,
    pub corrective_action: String,
    pub due_date: String,
    /// A review: `accepted` / `rejected`; a verification: `effective` /
    /// `not_effective`.
    pub decision: String,
    pub reason: String,
    pub method: String,
    pub verified_on: String,
    pub evidence: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// The client's correction, root cause and corrective action.
    Response,
    /// The auditor's review of the plan.
    Review,
    /// The auditor's verification.
    Verification,
}

impl ResponseKind {
    pub fn code(self) -> &'static str {
        match self {
            ResponseKind::Response => "response",
            ResponseKind::Review => "review",
            ResponseKind::Verification => "verification",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "response" => Ok(ResponseKind::Response),
            "review" => Ok(ResponseKind::Review),
            "verification" => Ok(ResponseKind::Verification),
            other => Err(format!("unknown response kind {other:?}")),
        }
    }
}

/// Where a nonconformity stands after the report, from its own record and
/// the responses recorded since (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// What is awaited, in words ("the client's response", "the plan's
    /// review", "verification"), or None when verified effective.
    pub awaited: Option<&'static str>,
    /// The deadline of what is awaited, `YYYY-MM-DD` ("" when none).
    pub due: String,
    /// The last step, in words.
    pub last: String,
}

/// The deadline the grade sets, from the audit's last day, in days of the
/// audit's scale: a major's verification (its correction verified), a
/// minor's response (its accepted plan); none for the other classes.
pub fn deadline(audit: &Audit, scale: &super::Scale, grade: Grade) -> String {
    let last = if audit.end_date.is_empty() {
        &audit.start_date
    } else {
        &audit.end_date
    };
    let Ok(d) = chrono::NaiveDate::parse_from_str(last, "%Y-%m-%d") else {
        return String::new();
    };
    let g = scale.of(grade);
    let days = match grade {
        Grade::Major => g.verification_days.or(g.response_days),
        Grade::Minor => g.response_days.or(g.verification_days),
        _ => None,
    };
    let Some(days) = days.map(i64::from) else {
        return String::new();
    };
    (d + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Where the nonconformity `f` of `audit` stands, given its responses.
pub fn standing(
    audit: &Audit,
    scale: &super::Scale,
    f: &Finding,
    responses: &[&Response],
) -> Standing {
    let due = deadline(audit, scale, f.grade);
    let last_of = |k: ResponseKind| responses.iter().rev().find(|r| r.kind == k);
    let response = last_of(ResponseKind::Response);
    let review = last_of(ResponseKind::Review);
    let verification = last_of(ResponseKind::Verification);
    let verified_before = f.status == super::FindingStatus::Closed && !f.verified_on.is_empty();
    if verified_before || verification.is_some_and(|v| v.decision == "effective") {
        return Standing {
            awaited: None,
            due: String::new(),
            last: "verified effective".into(),
        };
    }
    // a response is "newer" than a review when recorded after it
    let answered = response.is_some() || !f.corrective_action.trim().is_empty();
    let reviewed_current = match (response, review) {
        (Some(r), Some(v)) => v.recorded_at >= r.recorded_at,
        (None, Some(_)) => true,
        _ => false,
    };
    let accepted = (reviewed_current && review.is_some_and(|v| v.decision == "accepted"))
        || (response.is_none()
            && review.is_none()
            && f.status == super::FindingStatus::PlanAccepted);
    let (awaited, last) = if verification.is_some_and(|v| v.decision == "not_effective") {
        (
            "a new response (the action was not effective)",
            "verified not effective",
        )
    } else if !answered {
        ("the client's response", "reported")
    } else if !reviewed_current {
        ("the plan's review", "response received")
    } else if !accepted {
        ("a new response (the plan was rejected)", "plan rejected")
    } else {
        ("verification", "plan accepted")
    };
    // a minor's plan is due by its deadline; its verification is at the
    // next audit
    let due = if f.grade == Grade::Minor && awaited == "verification" {
        String::new()
    } else {
        response
            .map(|r| r.due_date.clone())
            .filter(|d| !d.is_empty() && awaited == "verification")
            .unwrap_or(due)
    };
    Standing {
        awaited: Some(awaited),
        due,
        last: last.into(),
    }
}
