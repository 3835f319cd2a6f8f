//! `auditbench team …`: several auditors' laptops on one audit, merged
//! offline (share, join, merge, conflicts, resolve, finalise, status).

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::sealing::{OpenArgs, SealArgs};
use super::Context_;
use crate::store::{MergeReport, Settle};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a team file of the audit (its records, catalogue, grade scale) for a teammate or the lead.
    Share {
        #[arg(long)]
        audit: String,
        /// The team file to write (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        seal: SealArgs,
    },
    /// Start a teammate's audit on this laptop from the lead's team file.
    Join {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        open: OpenArgs,
    },
    /// Merge a teammate's team file into the audit here (any order, any number of times).
    Merge {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        open: OpenArgs,
    },
    /// This laptop's key pair for sealed team files and packs: made the first time, then shown.
    Keys {
        #[command(flatten)]
        open: OpenArgs,
    },
    /// List the fields written differently on two laptops: each value, who, when.
    Conflicts {
        #[arg(long)]
        audit: String,
    },
    /// Settle one conflict: take a value, or for text keep both with who wrote each.
    Resolve {
        #[arg(long)]
        audit: String,
        /// The conflict's number, as `team conflicts` lists it.
        #[arg(long)]
        conflict: usize,
        /// The value to keep (one of the listed values, or a new one; for a deletion: deleted or kept).
        #[arg(
            long,
            allow_hyphen_values = true,
            conflicts_with = "keep_both",
            required_unless_present = "keep_both"
        )]
        take: Option<String>,
        /// For text: keep every value, each followed by who wrote it.
        #[arg(long)]
        keep_both: bool,
    },
    /// The lead: give the members' provisional references (NC-SO7F-001) final numbers.
    Finalise {
        #[arg(long)]
        audit: String,
    },
    /// This laptop's part in the team: role, members, merges, conflicts.
    Status {
        #[arg(long)]
        audit: String,
    },
}

pub fn run(ctx: &Context_, cmd: Command) -> Result<()> {
    match cmd {
        Command::Share { audit, out, seal } => {
            let to = seal.seal_to(&out.display().to_string())?;
            let mut store = ctx.open_existing()?;
            let a = store.find_audit(&audit)?;
            let n = match &to {
                None => {
                    let n = store.team_share(&a.id, &out)?;
                    super::note_plain(
                        &store,
                        "the team file (seal it with --to KEY or --passphrase)",
                    );
                    n
                }
                Some(to) => {
                    let (n, mut plain) = store.team_share_bytes(&a.id)?;
                    let sealed = crate::seal::seal(&plain, to).map_err(|e| anyhow::anyhow!(e));
                    plain.iter_mut().for_each(|b| *b = 0);
                    crate::seal::write_file(&out, "the team file", &sealed?)?;
                    n
                }
            };
            outln!("{}", out.display())?;
            if to.is_some() {
                outln!("sealed: only its readers can open it (their key, or the passphrase)")?;
            }
            outln!(
                "{n} records of {} for the team; teammates start with `auditbench team join FILE`, merge with `auditbench team merge FILE`",
                a.organisation
            )?;
        }
        Command::Join { file, open } => {
            let data = open.unseal_file(&file)?;
            let mut store = ctx.open()?;
            let r = store.team_join_data(&file, data)?;
            outln!("{}", r.audit_id)?;
            outln!(
                "joined {} {}",
                r.organisation,
                report_line(&r).replacen("from ", "from the team file of ", 1)
            )?;
            if let Some(info) = store.team_info(&r.audit_id)? {
                outln!(
                    "your new findings have provisional references (NC-{}-001, …) until the lead finalises the numbering",
                    info.ref_tag
                )?;
            }
        }
        Command::Merge { file, open } => {
            let data = open.unseal_file(&file)?;
            let mut store = ctx.open_existing()?;
            let r = store.team_merge_data(&file, data)?;
            outln!("{}: merged {}", r.organisation, report_line(&r))?;
            if r.conflicts > 0 {
                outln!(
                    "settle them: auditbench team conflicts --audit {}",
                    &r.audit_id[..8.min(r.audit_id.len())]
                )?;
            }
        }
        Command::Keys { open } => {
            let path = open.identity_path().ok_or_else(|| {
                anyhow::anyhow!("cannot find a data folder for this user; give --identity FILE")
            })?;
            let (id, made) = crate::seal::identity(&path).map_err(|e| anyhow::anyhow!(e))?;
            outln!("{}", id.to_public())?;
            outln!(
                "{} {}: the secret key stays there (mode 0600). Give the public key above to whoever seals team files or packs for you (--to).",
                if made { "made the key pair" } else { "your key pair is in" },
                path.display()
            )?;
        }
        Command::Conflicts { audit } => {
            let store = ctx.open_to_read()?;
            let a = store.find_audit(&audit)?;
            let list = store.team_conflicts(&a.id)?;
            if list.is_empty() {
                outln!("no conflicts")?;
            }
            for c in &list {
                let field = if c.field == crate::team::ALIVE {
                    "deleted on one laptop, edited on another"
                } else {
                    c.field.as_str()
                };
                outln!(
                    "{}. {} — {}",
                    c.number,
                    crate::text::one_line(&c.label),
                    field
                )?;
                for (v, who, at) in &c.values {
                    outln!("     {:?}  ({who}, {at})", v)?;
                }
            }
        }
        Command::Resolve {
            audit,
            conflict,
            take,
            keep_both,
        } => {
            let mut store = ctx.open_existing()?;
            let a = store.find_audit(&audit)?;
            let how = match (take, keep_both) {
                (_, true) => Settle::KeepBoth,
                (Some(v), false) => Settle::Take(v),
                (None, false) => bail!("give --take VALUE or --keep-both"),
            };
            let said = store.team_resolve(&a.id, conflict, &how)?;
            outln!("{said}")?;
        }
        Command::Finalise { audit } => {
            let mut store = ctx.open_existing()?;
            let a = store.find_audit(&audit)?;
            let done = store.team_finalise(&a.id)?;
            if done.is_empty() {
                outln!("every reference is final already")?;
            }
            for (old, new) in &done {
                outln!("{old} → {new}")?;
            }
        }
        Command::Status { audit } => {
            let store = ctx.open_to_read()?;
            let a = store.find_audit(&audit)?;
            let Some(info) = store.team_info(&a.id)? else {
                outln!("{} is not shared in a team on this laptop", a.organisation)?;
                return Ok(());
            };
            outln!(
                "{}: this laptop is the {}{}",
                a.organisation,
                info.role,
                if info.ref_tag.is_empty() {
                    String::new()
                } else {
                    format!(" (provisional references NC-{}-…)", info.ref_tag)
                }
            )?;
            outln!("members:")?;
            for (actor, name) in &info.members {
                let me = if *actor == info.actor {
                    " (this laptop)"
                } else {
                    ""
                };
                outln!("  {name}{me}")?;
            }
            outln!(
                "conflicts to settle: {}; provisional or doubled references: {}",
                info.conflicts,
                info.provisional
            )?;
            if !info.merges.is_empty() {
                outln!("merges (newest first):")?;
            }
            for m in &info.merges {
                outln!(
                    "  {} from {}: {} new, {} changed, {} edits, {} conflicts",
                    m.at,
                    m.from_name,
                    m.new_records,
                    m.changed,
                    m.changes,
                    m.conflicts
                )?;
            }
        }
    }
    Ok(())
}

fn report_line(r: &MergeReport) -> String {
    let mut s = r.summary();
    let by: Vec<String> =
        r.by.iter()
            .filter(|(who, _)| !who.is_empty())
            .map(|(who, n)| format!("{who} {n}"))
            .collect();
    if !by.is_empty() && !s.ends_with("(already merged)") {
        s.push_str(&format!(" — made by {}", by.join(", ")));
    }
    s
}
