//! `auditbench scales list|show ID`: the grade scales an audit can be
//! graded on.

use anyhow::{anyhow, Result};

use super::Context_;

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// The built-in scales and the user's (in the configuration folder's scales/).
    List,
    /// One scale's grades: code, label, class, prefix, deadlines, definition.
    Show {
        /// The scale's id (or give --scale-file FILE to check a file).
        #[arg(required_unless_present = "scale_file")]
        id: Option<String>,
        /// A scale file to read and check instead.
        #[arg(long, value_name = "FILE")]
        scale_file: Option<std::path::PathBuf>,
        /// Print the scale as a TOML file (a start for a body's own scale).
        #[arg(long)]
        toml: bool,
    },
}

pub fn run(_ctx: &Context_, cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::List => {
            outln!("{:<10} {:<4} name", "id", "lang")?;
            for s in crate::scales::available() {
                match s {
                    Ok(s) => outln!("{:<10} {:<4} {}", s.id, s.language, s.name)?,
                    Err(e) => outln!("! {e}")?,
                }
            }
            if let Some(d) = crate::scales::user_dir() {
                outln!("Your own scales: {}/ID.toml (`auditbench scales show generic --toml` prints a file to start from).", d.display())?;
            }
            Ok(())
        }
        Cmd::Show {
            id,
            scale_file,
            toml,
        } => {
            let s = match (&scale_file, &id) {
                (Some(p), _) => crate::scales::from_file(p),
                (None, Some(id)) => crate::scales::find(id),
                (None, None) => Err("give a scale id or --scale-file FILE".to_string()),
            }
            .map_err(|e| anyhow!(e))?;
            if toml {
                // the file as it is, comments and all, for a built-in
                let src = crate::domain::Scale::builtin_source(&s.id)
                    .map_or_else(|| s.snapshot(), str::to_string);
                for line in src.trim_end().lines() {
                    outln!("{line}")?;
                }
                return Ok(());
            }
            outln!("{} — {} ({})", s.id, s.name, s.language)?;
            if !s.description.is_empty() {
                outln!("{}", s.description)?;
            }
            for g in &s.grades {
                let days = match (g.response_days, g.verification_days) {
                    (Some(r), Some(v)) => format!("response {r} d, verified {v} d"),
                    (Some(r), None) => format!("response {r} d"),
                    (None, Some(v)) => format!("verified {v} d"),
                    (None, None) => "no deadline".to_string(),
                };
                outln!("")?;
                outln!(
                    "{} · {} ({}) · class {} · {}-001 · {}{}{}",
                    g.code,
                    g.label,
                    g.short,
                    g.class.name(),
                    g.prefix,
                    days,
                    if g.corrective_action {
                        " · corrective action"
                    } else {
                        ""
                    },
                    if g.blocks_recommendation {
                        " · blocks the recommendation"
                    } else {
                        ""
                    }
                )?;
                outln!("  {}", g.definition)?;
            }
            Ok(())
        }
    }
}
