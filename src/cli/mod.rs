//! The command line: parse with clap, call the library, print. Every failure
//! is one line on stderr and exit code 2.

/// `println!` for a person: the CLI's one way to print human output. It
/// returns the write error instead of panicking, so that a closed pipe
/// (`| head`) ends the command quietly, and passes the line through the
/// display boundary (`text::inert`): a title or path holding escape
/// sequences prints as visible placeholders. Data (CSV) is written elsewhere,
/// byte-exact.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($t)*);
        writeln!(std::io::stdout().lock(), "{}", $crate::text::inert(&line))
    }};
}

mod audit;
mod backup;
mod carried;
mod catalogue;
mod client;
mod crypt;
mod demo;
mod export;
mod finding;
mod list;
mod new;
mod pack;
pub mod passphrase;
mod plan;
mod programme;
mod readiness;
mod report;
mod response;
mod scales;
mod sealing;
mod team;
mod time;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use clap::{Parser, Subcommand};

use crate::catalogue::{builtin_id_for_edition, Catalogue};
use crate::store::{self, Store};

#[derive(Debug, Parser)]
#[command(
    name = "auditbench",
    version,
    about = "A terminal workbench for ISO/IEC 20000-1 audits: clause walk, findings, CSV for the RCB report.",
    long_about = None,
)]
pub struct Cli {
    /// The audit file (SQLite). Default: auditbench.sqlite in the platform's data directory.
    #[arg(long, global = true, env = "AUDITBENCH_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Use this checklist (same TOML format as the built-in catalogues) instead of ISO/IEC 20000-1.
    #[arg(long, global = true, value_name = "FILE")]
    pub catalogue: Option<PathBuf>,

    /// Your name, recorded with every change in the audit trail. Default: the audit's lead auditor.
    #[arg(long, global = true, env = "AUDITBENCH_AUDITOR", value_name = "NAME")]
    pub auditor: Option<String>,

    /// Rolling backups kept in backups/ beside the audit file, one taken per opening of a changed file (0: none).
    #[arg(long, global = true, env = "AUDITBENCH_KEEP_BACKUPS", value_name = "N", default_value_t = crate::store::backup::DEFAULT_KEEP)]
    pub keep_backups: usize,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the clause tree of a catalogue (id, title, questions, documents).
    Catalogue(catalogue::Args),
    /// Create an audit and print its id.
    New(new::Args),
    /// List the audits in the file, with their status and finding counts by grade.
    List(list::Args),
    /// Change an audit's details and recommendation, or delete it.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Record and list findings.
    #[command(subcommand)]
    Finding(finding::Command),
    /// The clients (organisations certified), their certificates and audits.
    #[command(subcommand)]
    Client(client::Command),
    /// After the report: the client's responses, plan reviews and verifications.
    #[command(subcommand)]
    Response(response::Command),
    /// Nonconformities of reported audits waiting for a response, a review or a verification, by deadline.
    Due(response::DueArgs),
    /// The audit plan: days and time slots, sites, auditors, clauses, contacts.
    #[command(subcommand)]
    Plan(plan::Command),
    /// Time per clause: walked in the workbench against planned; corrections by hand.
    Time(time::Args),
    /// Rehearsal: rate one audit question met, partly met, not met or not applicable.
    Rate(readiness::RateArgs),
    /// Rehearsal: the share of questions met per main clause and overall; --client: the trend.
    Readiness(readiness::ReadinessArgs),
    /// Rehearsal: months of records seen per process, short ones marked.
    Evidence(readiness::EvidenceArgs),
    /// Rehearsal: the gap plan (questions partly met or not met, NCs, concerns, observations), by due date.
    Gaps(readiness::GapsArgs),
    /// Rehearsal: plan one gap (owner, action, target date, state).
    Gap(readiness::GapArgs),
    /// The grade scales (each certification body's grades): list, or show one
    #[command(subcommand)]
    Scales(scales::Cmd),
    /// A client's three-year programme: clauses × visits, and what is not covered.
    Programme(programme::Args),
    /// The findings a follow-up audit carries from earlier audits, and their outcome.
    #[command(subcommand)]
    Carried(carried::Command),
    /// Export an audit's findings as CSV for the certification body's report.
    Export(export::Args),
    /// Create a realistic demo audit (and, with --scale, many generated findings).
    Demo(demo::Args),
    /// Make the audit report (HTML, Markdown or Word). Marking an audit reported
    /// is `audit report`.
    Report(report::Args),
    /// Write the hand-over pack: reports, CSV, XLSX, OSCAL, an SQLite copy
    /// holding only this audit, and a MANIFEST of SHA-256s.
    Pack(pack::Args),
    /// Check a hand-over pack against its MANIFEST (exit 1 naming what differs).
    VerifyPack(pack::VerifyArgs),
    /// Moved: `auditbench audit reopen --audit ID --reason …`.
    #[command(hide = true)]
    Reopen(Moved),
    /// Print the recorded changes of a finding (or of a whole audit).
    History(audit::HistoryArgs),
    /// Check the audit trail's hash chain and say where it breaks, if it does.
    Verify,
    /// Copy the audit file, consistently, to PATH (a new file or a folder).
    Backup(backup::BackupArgs),
    /// Replace the audit file's contents with a backup, after confirmation.
    Restore(backup::RestoreArgs),
    /// The audit team: share the audit, join it, merge teammates' files, settle conflicts.
    #[command(subcommand)]
    Team(team::Command),
    /// Encrypt the audit file (SQLCipher) under a new passphrase; atomic.
    Encrypt(crypt::Args),
    /// Turn an encrypted audit file back into a plain one; atomic.
    Decrypt(crypt::Args),
    /// Give an encrypted audit file a new passphrase; atomic.
    Rekey(crypt::Args),
}

pub use pack::PackDiffers;

/// An export in a plain format (CSV, XLSX, HTML, DOCX, OSCAL) of an
/// encrypted audit file: said once, on stderr, as the command's note.
pub(crate) fn note_plain(store: &Store, what: &str) {
    if store.is_encrypted() {
        eprintln!(
            "auditbench: note: {what} is not encrypted, though the audit file is; keep it somewhere safe"
        );
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context_::new(&cli);
    match cli.command {
        None => Err(anyhow!("no subcommand given; see --help")),
        Some(Command::Catalogue(args)) => catalogue::run(&ctx, args),
        Some(Command::New(args)) => new::run(&ctx, args),
        Some(Command::List(args)) => list::run(&ctx, args),
        Some(Command::Audit(cmd)) => audit::run(&ctx, cmd),
        Some(Command::Finding(cmd)) => finding::run(&ctx, cmd),
        Some(Command::Export(args)) => export::run(&ctx, args),
        Some(Command::Client(cmd)) => client::run(&ctx, cmd),
        Some(Command::Carried(cmd)) => carried::run(&ctx, cmd),
        Some(Command::Programme(args)) => programme::run(&ctx, args),
        Some(Command::Plan(cmd)) => plan::run(&ctx, cmd),
        Some(Command::Time(args)) => time::run(&ctx, args),
        Some(Command::Scales(cmd)) => scales::run(&ctx, cmd),
        Some(Command::Rate(args)) => readiness::rate(&ctx, args),
        Some(Command::Readiness(args)) => readiness::show(&ctx, args),
        Some(Command::Evidence(args)) => readiness::evidence(&ctx, args),
        Some(Command::Gaps(args)) => readiness::gaps(&ctx, args),
        Some(Command::Gap(args)) => readiness::gap(&ctx, args),
        Some(Command::Response(cmd)) => response::run(&ctx, cmd),
        Some(Command::Due(args)) => response::due(&ctx, args),
        Some(Command::Demo(args)) => demo::run(&ctx, args),
        Some(Command::Report(args)) => report::run(&ctx, args),
        Some(Command::Reopen(_)) => Err(anyhow!(
            "`auditbench reopen` moved: use auditbench audit reopen --audit ID --reason TEXT"
        )),
        Some(Command::Pack(args)) => pack::pack(&ctx, args),
        Some(Command::VerifyPack(args)) => pack::verify_pack(args),
        Some(Command::History(args)) => audit::history(&ctx, args),
        Some(Command::Verify) => audit::verify(&ctx),
        Some(Command::Backup(args)) => backup::backup(&ctx, args),
        Some(Command::Restore(args)) => backup::restore(&ctx, args),
        Some(Command::Team(cmd)) => team::run(&ctx, cmd),
        Some(Command::Encrypt(args)) => crypt::encrypt(&ctx, args),
        Some(Command::Decrypt(args)) => crypt::decrypt(&ctx, args),
        Some(Command::Rekey(args)) => crypt::rekey(&ctx, args),
    }
}

/// What every subcommand may need: where the file is, which catalogue file.
pub(crate) struct Context_ {
    db: Option<PathBuf>,
    catalogue: Option<PathBuf>,
    auditor: String,
    keep_backups: usize,
    purpose: String,
    /// The file's key, asked for once (None inside: the file is plain).
    key: std::cell::RefCell<Option<Option<store::Key>>>,
}

impl Context_ {
    /// The key of the audit file when it is encrypted (asked for once: from
    /// `AUDITBENCH_PASSPHRASE_FILE`, else on the terminal), None when plain.
    pub(crate) fn key(&self) -> Result<Option<store::Key>> {
        if let Some(k) = self.key.borrow().as_ref() {
            return Ok(k.clone());
        }
        let path = self.db_path()?;
        let key = if store::looks_encrypted(&path) {
            Some(store::Key::new(passphrase::for_file(&path, false)?))
        } else {
            None
        };
        *self.key.borrow_mut() = Some(key.clone());
        Ok(key)
    }

    /// Use `key` for the audit file from now on (a file just encrypted or made).
    pub(crate) fn set_key(&self, key: Option<store::Key>) {
        *self.key.borrow_mut() = Some(key);
    }
    /// Who is working: `--auditor`, else `default` (the lead auditor).
    pub(crate) fn auditor_or<'a>(&'a self, default: &'a str) -> &'a str {
        if self.auditor.trim().is_empty() {
            default
        } else {
            &self.auditor
        }
    }

    fn new(cli: &Cli) -> Self {
        let purpose = match &cli.command {
            None => "the workbench".to_string(),
            Some(c) => format!("`auditbench {}`", command_name(c)),
        };
        Context_ {
            db: cli.db.clone(),
            catalogue: cli.catalogue.clone(),
            auditor: cli.auditor.clone().unwrap_or_default(),
            keep_backups: cli.keep_backups,
            purpose,
            key: std::cell::RefCell::new(None),
        }
    }

    pub(crate) fn db_path(&self) -> Result<PathBuf> {
        resolve_db_path(self.db.as_deref())
    }

    /// The options every open of this run shares.
    pub fn open_options(&self, create: bool, when_locked: store::WhenLocked) -> store::OpenOptions {
        store::OpenOptions {
            create,
            when_locked,
            keep_backups: self.keep_backups,
            actor: self.auditor.clone(),
            purpose: self.purpose.clone(),
            ..store::OpenOptions::default()
        }
    }

    /// [`Self::open_options`] with the file's key, asked for if it is encrypted.
    pub(crate) fn keyed_options(
        &self,
        create: bool,
        when_locked: store::WhenLocked,
    ) -> Result<store::OpenOptions> {
        Ok(store::OpenOptions {
            key: self.key()?,
            ..self.open_options(create, when_locked)
        })
    }

    /// Open (creating if needed) the audit file, for writing.
    pub(crate) fn open(&self) -> Result<Store> {
        let opts = self.keyed_options(true, store::WhenLocked::Refuse)?;
        Ok(Store::open_with(&self.db_path()?, &opts)?)
    }

    /// Open the audit file, which must exist, for writing.
    pub(crate) fn open_existing(&self) -> Result<Store> {
        let opts = self.keyed_options(false, store::WhenLocked::Refuse)?;
        Ok(Store::open_with(&self.db_path()?, &opts)?)
    }

    /// Open the audit file, which must exist, to read it: read-only when
    /// another auditbench is writing it or its permissions forbid writing.
    pub(crate) fn open_to_read(&self) -> Result<Store> {
        let opts = store::OpenOptions {
            read_only: true,
            ..self.keyed_options(false, store::WhenLocked::ReadOnly)?
        };
        Ok(Store::open_with(&self.db_path()?, &opts)?)
    }

    /// The `--catalogue FILE`, parsed, with its source text.
    pub(crate) fn custom_catalogue(&self) -> Result<Option<(Catalogue, String)>> {
        let Some(path) = &self.catalogue else {
            return Ok(None);
        };
        let src = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read catalogue file {}", path.display()))?;
        let cat = Catalogue::parse(&src, &path.display().to_string()).map_err(|e| anyhow!(e))?;
        Ok(Some((cat, src)))
    }

    /// The catalogue to use: `--catalogue FILE` if given, else the built-in one for `edition`.
    pub(crate) fn catalogue_for(&self, edition: &str) -> Result<(Catalogue, Option<String>)> {
        if let Some((cat, src)) = self.custom_catalogue()? {
            return Ok((cat, Some(src)));
        }
        let id = builtin_id_for_edition(edition).ok_or_else(|| {
            anyhow!("unknown edition {edition:?}; accepted: 2018, 2011 (or --catalogue FILE)")
        })?;
        let cat = crate::catalogue::builtin(id)
            .ok_or_else(|| anyhow!("built-in catalogue {id} missing"))?;
        Ok((cat, None))
    }
}

/// Whatever followed a command that moved (it is not run; the error says
/// where it went).
#[derive(Debug, clap::Args)]
pub struct Moved {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

/// The open options of a parsed command line (the workbench uses them too).
pub fn open_options(cli: &Cli, create: bool, when_locked: store::WhenLocked) -> store::OpenOptions {
    Context_::new(cli).open_options(create, when_locked)
}

/// The subcommand's name, as typed.
fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Catalogue(_) => "catalogue",
        Command::New(_) => "new",
        Command::List(_) => "list",
        Command::Audit(_) => "audit",
        Command::Finding(_) => "finding",
        Command::Export(_) => "export",
        Command::Demo(_) => "demo",
        Command::Report(_) => "report",
        Command::Reopen(_) => "reopen",
        Command::History(_) => "history",
        Command::Verify => "verify",
        Command::Client(_) => "client",
        Command::Carried(_) => "carried",
        Command::Programme(_) => "programme",
        Command::Plan(_) => "plan",
        Command::Time(_) => "time",
        Command::Scales(_) => "scales",
        Command::Rate(_) => "rate",
        Command::Readiness(_) => "readiness",
        Command::Evidence(_) => "evidence",
        Command::Gaps(_) => "gaps",
        Command::Gap(_) => "gap",
        Command::Response(_) => "response",
        Command::Due(_) => "due",
        Command::Pack(_) => "pack",
        Command::VerifyPack(_) => "verify-pack",
        Command::Backup(_) => "backup",
        Command::Restore(_) => "restore",
        Command::Team(_) => "team",
        Command::Encrypt(_) => "encrypt",
        Command::Decrypt(_) => "decrypt",
        Command::Rekey(_) => "rekey",
    }
}

/// `--db`, else `AUDITBENCH_DB` (clap reads it), else the platform data dir.
pub fn resolve_db_path(db: Option<&Path>) -> Result<PathBuf> {
    match db {
        Some(p) if p.as_os_str().is_empty() => Err(anyhow!("--db is empty; give a file path")),
        Some(p) => Ok(p.to_path_buf()),
        None => {
            let path = store::default_path().ok_or_else(|| {
                anyhow!(
                    "cannot find a data directory for this user; pass --db PATH or set AUDITBENCH_DB"
                )
            })?;
            // Our own data folder is created on first use (mode 0700); a
            // folder named with --db must already exist.
            if let Some(dir) = path.parent() {
                store::create_data_dir(dir)?;
            }
            Ok(path)
        }
    }
}

/// Parse an optional enum-like value given as text, with a one-line error.
pub(crate) fn parse_opt<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> std::result::Result<T, crate::domain::ParseEnumError>,
) -> Result<Option<T>> {
    value.map(|v| parse(v).map_err(|e| anyhow!(e))).transpose()
}
