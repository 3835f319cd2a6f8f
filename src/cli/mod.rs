//! The command line: parse with clap, call the library, print. Every failure
//! is one line on stderr and exit code 2.

mod catalogue;
mod demo;
mod export;
mod finding;
mod list;
mod new;

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

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the clause tree of a catalogue (id, title, questions, documents).
    Catalogue(catalogue::Args),
    /// Create an audit and print its id.
    New(new::Args),
    /// List the audits in the file, with finding counts by grade.
    List,
    /// Record and list findings.
    #[command(subcommand)]
    Finding(finding::Command),
    /// Export an audit's findings as CSV for the certification body's report.
    Export(export::Args),
    /// Create a realistic demo audit (and, with --scale, many generated findings).
    Demo(demo::Args),
}

/// Run a parsed command line. Returns the text to print on success.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context_::new(&cli);
    match cli.command {
        None => Err(anyhow!("no subcommand given; see --help")),
        Some(Command::Catalogue(args)) => catalogue::run(&ctx, args),
        Some(Command::New(args)) => new::run(&ctx, args),
        Some(Command::List) => list::run(&ctx),
        Some(Command::Finding(cmd)) => finding::run(&ctx, cmd),
        Some(Command::Export(args)) => export::run(&ctx, args),
        Some(Command::Demo(args)) => demo::run(&ctx, args),
    }
}

/// What every subcommand may need: where the file is, which catalogue file.
pub(crate) struct Context_ {
    db: Option<PathBuf>,
    catalogue: Option<PathBuf>,
}

impl Context_ {
    fn new(cli: &Cli) -> Self {
        Context_ {
            db: cli.db.clone(),
            catalogue: cli.catalogue.clone(),
        }
    }

    pub(crate) fn db_path(&self) -> Result<PathBuf> {
        resolve_db_path(self.db.as_deref())
    }

    /// Open (creating if needed) the audit file.
    pub(crate) fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.db_path()?)?)
    }

    /// Open the audit file, which must exist.
    pub(crate) fn open_existing(&self) -> Result<Store> {
        Ok(Store::open_existing(&self.db_path()?)?)
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

/// `--db`, else `AUDITBENCH_DB` (clap reads it), else the platform data dir.
pub fn resolve_db_path(db: Option<&Path>) -> Result<PathBuf> {
    match db {
        Some(p) if p.as_os_str().is_empty() => Err(anyhow!("--db is empty; give a file path")),
        Some(p) => Ok(p.to_path_buf()),
        None => store::default_path().ok_or_else(|| {
            anyhow!(
                "cannot find a data directory for this user; pass --db PATH or set AUDITBENCH_DB"
            )
        }),
    }
}

/// Parse an optional enum-like value given as text, with a one-line error.
pub(crate) fn parse_opt<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> std::result::Result<T, crate::domain::ParseEnumError>,
) -> Result<Option<T>> {
    value.map(|v| parse(v).map_err(|e| anyhow!(e))).transpose()
}
