//! `auditbench pack` and `auditbench verify-pack`: the hand-over pack.

use std::path::PathBuf;

use anyhow::Result;

use super::Context_;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audit id (or a unique prefix of it).
    #[arg(long)]
    audit: String,
    /// The folder to create (it must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Include the interview notes in the reports and the OSCAL document
    /// (the SQLite copy, the complete record, always holds them).
    #[arg(long)]
    with_notes: bool,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The folder `auditbench pack` wrote.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// A pack that differs from its manifest: exit status 1 (2 is for a pack
/// that cannot be checked at all).
#[derive(Debug)]
pub struct PackDiffers(pub String);

impl std::fmt::Display for PackDiffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PackDiffers {}

pub fn pack(ctx: &Context_, args: Args) -> Result<()> {
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    let made = crate::pack::make(&store, &audit, &args.out, args.with_notes)?;
    outln!(
        "Wrote the hand-over pack of {} to {}: {} (with {} findings), and MANIFEST.",
        audit.organisation,
        made.dir.display(),
        crate::pack::FILES.join(", "),
        made.findings
    )?;
    outln!(
        "audit.sqlite holds this audit only, with its {} audit trail rows (interview notes included); the manifest pins them. Check the folder with: auditbench verify-pack {}",
        made.manifest.audit_rows,
        made.dir.display()
    )?;
    Ok(())
}

pub fn verify_pack(args: VerifyArgs) -> Result<()> {
    let v = crate::pack::verify(&args.dir)?;
    if v.problems.is_empty() {
        outln!(
            "The pack is intact: its {} files match the manifest; audit.sqlite holds audit {} ({}) only, its {} audit trail rows each match their hash and the manifest, and its records match the trail.",
            v.manifest.files.len(),
            v.manifest.audit_id,
            v.manifest.organisation,
            v.manifest.audit_rows
        )?;
        return Ok(());
    }
    for p in &v.problems {
        outln!("{}: {}", p.file, p.why)?;
    }
    let mut files: Vec<&str> = v.problems.iter().map(|p| p.file.as_str()).collect();
    files.dedup();
    Err(PackDiffers(format!(
        "the pack differs from its manifest: {} (listed above); ask the auditor for the pack again",
        files.join(", ")
    ))
    .into())
}
