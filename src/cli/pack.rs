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
    #[command(flatten)]
    seal: super::sealing::SealArgs,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The folder `auditbench pack` wrote (or the sealed file).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    #[command(flatten)]
    open: super::sealing::OpenArgs,
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
    if args.seal.wanted() {
        return sealed_pack(ctx, args);
    }
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    super::note_plain(&store, "the pack (seal it with --to KEY or --passphrase)");
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

/// A sealed pack: made in a private temporary folder, zipped and sealed in
/// memory, written as one file; the temporary files wiped.
fn sealed_pack(ctx: &Context_, args: Args) -> Result<()> {
    if args.out.exists() {
        anyhow::bail!(
            "{} exists; a sealed pack is written to a new file",
            args.out.display()
        );
    }
    let to = args
        .seal
        .seal_to(&args.out.display().to_string())?
        .ok_or_else(|| anyhow::anyhow!("no key to seal to"))?;
    let store = ctx.open_to_read()?;
    let audit = store.find_audit(&args.audit)?;
    let tmp = tempfile::Builder::new()
        .prefix("auditbench-pack-")
        .tempdir()?;
    let folder = tmp.path().join(crate::pack::folder_name(&audit));
    let result = (|| -> Result<(crate::pack::Made, Vec<u8>)> {
        let made = crate::pack::make(&store, &audit, &folder, args.with_notes)?;
        let zipped = crate::pack::zip_folder(&made.dir)?;
        Ok((made, zipped))
    })();
    crate::pack::wipe_folder(&folder);
    let (made, mut zipped) = result?;
    let sealed = crate::seal::seal(&zipped, &to).map_err(|e| anyhow::anyhow!(e));
    zipped.iter_mut().for_each(|b| *b = 0);
    crate::seal::write_file(&args.out, "the sealed pack", &sealed?)?;
    outln!(
        "Wrote the sealed hand-over pack of {} to {}: {} (with {} findings) and MANIFEST, encrypted with age; only its readers can open it.",
        audit.organisation,
        args.out.display(),
        crate::pack::FILES.join(", "),
        made.findings
    )?;
    outln!(
        "Check it with: auditbench verify-pack {}",
        args.out.display()
    )?;
    Ok(())
}

pub fn verify_pack(args: VerifyArgs) -> Result<()> {
    if let Some(plain) = args.open.unseal_file(&args.dir)? {
        let tmp = tempfile::Builder::new()
            .prefix("auditbench-pack-")
            .tempdir()?;
        let folder = crate::pack::unzip_folder(&plain, tmp.path());
        let r = folder.and_then(|f| verified(&f));
        crate::pack::wipe_folder(tmp.path());
        return r;
    }
    verified(&args.dir)
}

fn verified(dir: &std::path::Path) -> Result<()> {
    let v = crate::pack::verify(dir)?;
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
