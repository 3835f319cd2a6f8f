//! `auditbench response …` and `auditbench due`: what arrives after the
//! report, recorded beside the frozen findings, and the deadlines.

use anyhow::Result;

use super::Context_;
use crate::domain::ResponseKind;
use crate::store::NewResponse;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The client's response to a nonconformity of a reported audit.
    Add {
        #[arg(long)]
        audit: String,
        /// The nonconformity's reference, e.g. NC-003.
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        correction: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        root_cause: String,
        #[arg(long = "action", default_value = "", allow_hyphen_values = true)]
        corrective_action: String,
        /// When the corrective action will be done, YYYY-MM-DD.
        #[arg(long, default_value = "")]
        due: String,
    },
    /// The auditor's review of the client's plan.
    Review {
        #[arg(long)]
        audit: String,
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        /// Accept the plan.
        #[arg(long, conflicts_with = "reject")]
        accept: bool,
        /// Reject the plan, with the reason.
        #[arg(long, value_name = "REASON", allow_hyphen_values = true)]
        reject: Option<String>,
    },
    /// The auditor's verification of the corrective action.
    Verify {
        #[arg(long)]
        audit: String,
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        /// Found not effective (effective by default).
        #[arg(long)]
        not_effective: bool,
        /// How: document review, on-site, interview...
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        method: String,
        /// What was seen.
        #[arg(long, allow_hyphen_values = true)]
        evidence: String,
        /// YYYY-MM-DD (today by default).
        #[arg(long, default_value = "")]
        on: String,
    },
    /// Every step recorded after the report of an audit.
    List {
        #[arg(long)]
        audit: String,
    },
}

pub fn run(ctx: &Context_, cmd: Command) -> Result<()> {
    if let Command::List { audit } = &cmd {
        let store = ctx.open_to_read()?;
        let audit = store.find_audit(audit)?;
        for r in store.responses(&audit.id)? {
            let what = match r.kind {
                ResponseKind::Response => format!(
                    "response: correction {:?}, root cause {:?}, action {:?}{}",
                    r.correction,
                    r.root_cause,
                    r.corrective_action,
                    if r.due_date.is_empty() {
                        String::new()
                    } else {
                        format!(", due {}", r.due_date)
                    }
                ),
                ResponseKind::Review => format!("review: plan {} {}", r.decision, r.reason),
                ResponseKind::Verification => format!(
                    "verification {}: {} ({}) {}",
                    r.verified_on, r.decision, r.method, r.evidence
                ),
            };
            outln!(
                "{}  {:<8} {}  by {}",
                &r.recorded_at[..10.min(r.recorded_at.len())],
                r.reference,
                what,
                r.recorded_by
            )?;
        }
        return Ok(());
    }
    let mut store = ctx.open_existing()?;
    let (audit, reference, kind, new) = match cmd {
        Command::Add {
            audit,
            reference,
            correction,
            root_cause,
            corrective_action,
            due,
        } => (
            audit,
            reference,
            ResponseKind::Response,
            NewResponse {
                correction,
                root_cause,
                corrective_action,
                due_date: due,
                ..Default::default()
            },
        ),
        Command::Review {
            audit,
            reference,
            accept,
            reject,
        } => (
            audit,
            reference,
            ResponseKind::Review,
            NewResponse {
                decision: if accept {
                    "accepted"
                } else if reject.is_some() {
                    "rejected"
                } else {
                    ""
                }
                .to_string(),
                reason: reject.unwrap_or_default(),
                ..Default::default()
            },
        ),
        Command::Verify {
            audit,
            reference,
            not_effective,
            method,
            evidence,
            on,
        } => (
            audit,
            reference,
            ResponseKind::Verification,
            NewResponse {
                decision: if not_effective {
                    "not_effective"
                } else {
                    "effective"
                }
                .to_string(),
                method,
                evidence,
                verified_on: on,
                ..Default::default()
            },
        ),
        // listed above
        Command::List { .. } => return Ok(()),
    };
    let a = store.find_audit(&audit)?;
    let new = NewResponse {
        recorded_by: ctx.auditor_or(&a.lead_auditor).to_string(),
        ..new
    };
    let r = store.record_response(&a.id, &reference, kind, &new)?;
    outln!(
        "{}: {} recorded (the finding itself stays as reported)",
        r.reference,
        kind.code()
    )?;
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct DueArgs {
    /// One audit (id or prefix); every reported audit by default.
    #[arg(long)]
    audit: Option<String>,
}

/// The nonconformities of reported audits still waiting for something,
/// with their deadline: due or overdue.
pub fn due(ctx: &Context_, args: DueArgs) -> Result<()> {
    let store = ctx.open_to_read()?;
    let audits = match &args.audit {
        Some(a) => vec![store.find_audit(a)?],
        None => store.list_audits()?.into_iter().map(|s| s.audit).collect(),
    };
    let today = chrono::Local::now().date_naive();
    let mut any = false;
    for a in audits {
        let scale = store.audit_scale(&a.id)?;
        for (f, s) in store.standings(&a.id)? {
            let Some(awaited) = s.awaited else { continue };
            any = true;
            let when = match chrono::NaiveDate::parse_from_str(&s.due, "%Y-%m-%d") {
                Ok(d) if d < today => {
                    format!("OVERDUE since {} ({} days)", s.due, (today - d).num_days())
                }
                Ok(d) => format!("due {} (in {} days)", s.due, (d - today).num_days()),
                Err(_) => "at the next audit".to_string(),
            };
            outln!(
                "{:<28} {:<8} {:<9} awaits {:<46} {}",
                format!(
                    "{} {}",
                    a.organisation.chars().take(16).collect::<String>(),
                    a.audit_type.label()
                ),
                f.reference,
                scale.short(f.grade),
                awaited,
                when
            )?;
        }
    }
    if !any {
        outln!("Nothing awaited: no nonconformity of a reported audit is waiting for a response, a review or a verification.")?;
    }
    Ok(())
}
