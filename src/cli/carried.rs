//! `auditbench carried list|set`: the findings a follow-up audit carries
//! from the client's earlier audits, and what the follow-up found.

use anyhow::{anyhow, Result};

use super::Context_;
use crate::domain::Outcome;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The carried findings of a follow-up audit, with their outcome.
    List {
        /// Audit id (or a unique prefix of it).
        #[arg(long)]
        audit: String,
    },
    /// Record what this audit found about a carried finding.
    Set {
        /// Audit id (or a unique prefix of it).
        #[arg(long)]
        audit: String,
        /// The carried finding: its original reference (NC-003) or its id.
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        /// effective (closed, needs --evidence), not_effective (raises a new
        /// finding), still_open (plan accepted), looked_at (observations, OFIs).
        #[arg(long)]
        outcome: String,
        /// What was seen: the verification evidence.
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        evidence: String,
        /// With not_effective: the grade of the finding raised (major to
        /// escalate a minor; the original grade by default).
        #[arg(long)]
        raise: Option<String>,
    },
}

pub fn run(ctx: &Context_, cmd: Command) -> Result<()> {
    match cmd {
        Command::List { audit } => {
            let store = ctx.open_to_read()?;
            let audit = store.find_audit(&audit)?;
            let items = store.carried(&audit.id)?;
            let scale = store.audit_scale(&audit.id)?;
            if items.is_empty() {
                outln!(
                    "{} carries no finding from earlier audits.",
                    audit.organisation
                )?;
                return Ok(());
            }
            outln!(
                "{:<10} {:<32} {:<12} {:<9} {:<26} title",
                "ref",
                "raised in",
                "grade",
                "clause",
                "outcome"
            )?;
            for c in &items {
                let clause = if c.clause_id == c.original_clause_id {
                    c.clause_id.clone()
                } else {
                    format!("{} (was {})", c.clause_id, c.original_clause_id)
                };
                outln!(
                    "{:<10} {:<32} {:<12} {:<9} {:<26} {}",
                    c.reference,
                    c.origin,
                    scale.label(c.grade),
                    clause,
                    c.outcome_label(),
                    c.title
                )?;
            }
            Ok(())
        }
        Command::Set {
            audit,
            reference,
            outcome,
            evidence,
            raise,
        } => {
            let outcome = Outcome::parse(&outcome).map_err(|e| anyhow!(e))?;
            let mut store = ctx.open_existing()?;
            let audit = store.find_audit(&audit)?;
            // the grade raised in its place, in the audit's scale
            let scale = store.audit_scale(&audit.id)?;
            let raise = raise
                .map(|g| scale.parse_grade(&g))
                .transpose()
                .map_err(|e| anyhow!(e))?;
            let c = store.find_carried(&audit.id, &reference)?;
            let raised = store.record_outcome(
                &audit.id,
                &c.id,
                &crate::store::OutcomeRecord {
                    outcome,
                    evidence,
                    raise,
                    raised_by: ctx.auditor_or(&audit.lead_auditor).to_string(),
                },
            )?;
            match raised {
                Some(f) => outln!(
                    "{} ({}): {}; raised {} ({}) in this audit",
                    c.reference,
                    c.origin,
                    outcome.label(),
                    f.reference,
                    scale.label(f.grade)
                )?,
                None => outln!("{} ({}): {}", c.reference, c.origin, outcome.label())?,
            }
            Ok(())
        }
    }
}
