use anyhow::{anyhow, Result};

use super::Context_;
use crate::domain::{AuditType, NewAudit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The audited organisation.
    #[arg(long = "org", value_name = "NAME", allow_hyphen_values = true)]
    organisation: String,
    /// stage1, stage2, surveillance, recertification or internal.
    #[arg(long = "type", value_name = "TYPE")]
    audit_type: String,
    /// Edition of ISO/IEC 20000-1: 2018 or 2011. Ignored with --catalogue.
    #[arg(long, default_value = "2018")]
    edition: String,
    /// Scope statement of the certification.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    scope: String,
    /// Lead auditor.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    lead: String,
    /// Certification body.
    #[arg(long = "body", default_value = "", allow_hyphen_values = true)]
    certification_body: String,
    /// Audit team members.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    team: String,
    /// First day, YYYY-MM-DD.
    #[arg(long, default_value = "")]
    start: String,
    /// Last day, YYYY-MM-DD.
    #[arg(long, default_value = "")]
    end: String,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let audit_type = AuditType::parse(&args.audit_type).map_err(|e| anyhow!(e))?;
    let (cat, source) = ctx.catalogue_for(&args.edition)?;
    let mut store = ctx.open()?;
    if let Some(src) = &source {
        store.store_catalogue(&cat, src)?;
    }
    let audit = store.create_audit(&NewAudit {
        organisation: args.organisation,
        scope: args.scope,
        catalogue_id: cat.id.clone(),
        edition: cat.edition.clone(),
        audit_type,
        certification_body: args.certification_body,
        lead_auditor: args.lead,
        team: args.team,
        start_date: args.start,
        end_date: args.end,
    })?;
    outln!("{}", audit.id)?;
    Ok(())
}
