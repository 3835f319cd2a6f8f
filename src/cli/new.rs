use anyhow::{anyhow, Result};

use super::Context_;
use crate::domain::{AuditType, NewAudit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The audited organisation (taken from the audit followed with --follow-up).
    #[arg(
        long = "org",
        value_name = "NAME",
        allow_hyphen_values = true,
        required_unless_present = "follow_up"
    )]
    organisation: Option<String>,
    /// Make a follow-up (surveillance, recertification, special) of this audit: it
    /// carries the client's nonconformities not yet closed and verified,
    /// and this audit's observations and OFIs, to verify or look at.
    #[arg(long, value_name = "PREV_ID", conflicts_with_all = ["organisation", "scope", "lead", "certification_body", "team"])]
    follow_up: Option<String>,
    /// The grade scale (a built-in id: generic, dnv, afnor, de; or the id of
    /// your own scales/ID.toml). Frozen into the audit. A follow-up keeps
    /// the scale of the audit it follows.
    #[arg(long, value_name = "ID", conflicts_with_all = ["scale_file", "follow_up"])]
    scale: Option<String>,
    /// A grade scale file (TOML, as `auditbench scales show generic` describes).
    #[arg(long, value_name = "FILE", conflicts_with = "follow_up")]
    scale_file: Option<std::path::PathBuf>,
    /// stage1, stage2, surveillance, recertification, special (short notice) or internal.
    #[arg(long = "type", value_name = "TYPE")]
    audit_type: String,
    /// Edition of ISO/IEC 20000-1: 2018 or 2011. Ignored with --catalogue.
    /// With --follow-up: the followed audit's edition unless given (a 2011
    /// finding carried into 2018 is mapped to its 2018 clause).
    #[arg(long)]
    edition: Option<String>,
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
    /// Make the new audit file encrypted (SQLCipher), under a passphrase asked
    /// for twice (or read from AUDITBENCH_PASSPHRASE_FILE).
    #[arg(long)]
    encrypt: bool,
}

pub fn run(ctx: &Context_, args: Args) -> Result<()> {
    let audit_type = AuditType::parse(&args.audit_type).map_err(|e| anyhow!(e))?;
    if args.encrypt {
        let path = ctx.db_path()?;
        if path.exists() {
            anyhow::bail!(
                "{} exists; --encrypt makes a new file (encrypt an existing one with `auditbench encrypt`)",
                path.display()
            );
        }
        let shown = path.display().to_string();
        let pass = super::passphrase::new_one(super::passphrase::PASSPHRASE_FILE, &shown)?;
        ctx.set_key(Some(crate::store::Key::new(pass)));
    }
    if let Some(prev) = &args.follow_up {
        let mut store = ctx.open()?;
        let prev = store.find_audit(prev)?;
        let (catalogue_id, edition) = match &args.edition {
            Some(e) => {
                let (cat, source) = ctx.catalogue_for(e)?;
                if let Some(src) = &source {
                    store.store_catalogue(&cat, src)?;
                }
                (cat.id.clone(), cat.edition.clone())
            }
            None => (String::new(), String::new()),
        };
        let (audit, carried) = store.create_follow_up(
            &prev.id,
            &crate::store::FollowUp {
                audit_type,
                catalogue_id,
                edition,
                start_date: args.start,
                end_date: args.end,
            },
        )?;
        outln!("{}", audit.id)?;
        eprintln!(
            "{} of {}: {carried} finding{} carried from earlier audits ({}); `auditbench carried list --audit {}` shows them",
            audit.audit_type.label(),
            crate::text::inert(&audit.organisation),
            if carried == 1 { "" } else { "s" },
            prev.audit_type.label(),
            &audit.id[..8]
        );
        return Ok(());
    }
    let scale = match (&args.scale, &args.scale_file) {
        (_, Some(p)) => crate::scales::from_file(p),
        (Some(id), None) => crate::scales::find(id),
        (None, None) => Ok(crate::domain::Scale::generic()),
    }
    .map_err(|e| anyhow!(e))?;
    let (cat, source) = ctx.catalogue_for(args.edition.as_deref().unwrap_or("2018"))?;
    let mut store = ctx.open()?;
    if let Some(src) = &source {
        store.store_catalogue(&cat, src)?;
    }
    let audit = store.create_audit_with_scale(
        &NewAudit {
            organisation: args.organisation.unwrap_or_default(),
            scope: args.scope,
            catalogue_id: cat.id.clone(),
            edition: cat.edition.clone(),
            audit_type,
            certification_body: args.certification_body,
            lead_auditor: args.lead,
            team: args.team,
            start_date: args.start,
            end_date: args.end,
        },
        &scale,
    )?;
    outln!("{}", audit.id)?;
    Ok(())
}
