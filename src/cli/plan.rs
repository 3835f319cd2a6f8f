//! `auditbench plan add|list|delete`: the audit plan's days and slots.

use anyhow::Result;

use super::Context_;
use crate::domain::PlanSlot;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a time slot to an audit's plan.
    Add {
        #[arg(long)]
        audit: String,
        /// YYYY-MM-DD, within the audit's dates.
        #[arg(long)]
        day: String,
        /// HH:MM.
        #[arg(long)]
        from: String,
        /// HH:MM.
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        site: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        auditors: String,
        /// Clause ids, space-separated: "8.5.1 8.6.1".
        #[arg(long, default_value = "")]
        clauses: String,
        /// Processes or topic, in words.
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        subject: String,
        /// The client's people to meet.
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        contacts: String,
    },
    /// An audit's plan by day, with the hours per day.
    List {
        #[arg(long)]
        audit: String,
        /// text or csv.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Remove a slot from the plan.
    Delete {
        #[arg(long)]
        audit: String,
        /// The slot's id (or a unique prefix), from `plan list`.
        #[arg(long)]
        slot: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Csv,
}

pub fn run(ctx: &Context_, cmd: Command) -> Result<()> {
    match cmd {
        Command::Add {
            audit,
            day,
            from,
            to,
            site,
            auditors,
            clauses,
            subject,
            contacts,
        } => {
            let mut store = ctx.open_existing()?;
            let a = store.find_audit(&audit)?;
            let s = store.add_plan_slot(&PlanSlot {
                id: String::new(),
                audit_id: a.id,
                day,
                start: from,
                end: to,
                site,
                auditors,
                clauses,
                subject,
                contacts,
                updated_at: String::new(),
            })?;
            outln!("{}", &s.id[..8])?;
            Ok(())
        }
        Command::Delete { audit, slot } => {
            let mut store = ctx.open_existing()?;
            let a = store.find_audit(&audit)?;
            let s = store.delete_plan_slot(&a.id, &slot)?;
            outln!("Removed {} {}–{} from the plan.", s.day, s.start, s.end)?;
            Ok(())
        }
        Command::List { audit, format } => {
            let store = ctx.open_to_read()?;
            let a = store.find_audit(&audit)?;
            let plan = store.plan(&a.id)?;
            match format {
                Format::Csv => {
                    let stdout = std::io::stdout();
                    let mut w = csv::Writer::from_writer(stdout.lock());
                    w.write_record([
                        "id", "day", "start", "end", "minutes", "site", "auditors", "clauses",
                        "subject", "contacts",
                    ])?;
                    for s in &plan {
                        w.write_record([
                            s.id.as_str(),
                            &s.day,
                            &s.start,
                            &s.end,
                            &s.minutes().to_string(),
                            &s.site,
                            &s.auditors,
                            &s.clauses,
                            &s.subject,
                            &s.contacts,
                        ])?;
                    }
                    w.flush()?;
                }
                Format::Text => {
                    if plan.is_empty() {
                        outln!(
                            "{} has no plan yet; add slots with auditbench plan add",
                            a.organisation
                        )?;
                        return Ok(());
                    }
                    let mut day = String::new();
                    let mut total = 0;
                    for s in &plan {
                        if s.day != day {
                            day = s.day.clone();
                            let minutes: i64 = plan
                                .iter()
                                .filter(|x| x.day == day)
                                .map(PlanSlot::minutes)
                                .sum();
                            outln!("{day}  ({}h{:02})", minutes / 60, minutes % 60)?;
                        }
                        total += s.minutes();
                        outln!(
                            "  {} {}–{}  {:<14} {:<18} {:<16} {}{}",
                            &s.id[..8],
                            s.start,
                            s.end,
                            s.site,
                            s.auditors,
                            s.clauses,
                            s.subject,
                            if s.contacts.is_empty() {
                                String::new()
                            } else {
                                format!(" (with {})", s.contacts)
                            }
                        )?;
                    }
                    outln!(
                        "Planned: {}h{:02} over {} slot{}",
                        total / 60,
                        total % 60,
                        plan.len(),
                        if plan.len() == 1 { "" } else { "s" }
                    )?;
                }
            }
            Ok(())
        }
    }
}
