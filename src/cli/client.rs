//! `auditbench client list|show|edit`: the clients and their certificates.

use anyhow::Result;

use super::Context_;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every client, with its certificate and its audits' open nonconformities.
    List,
    /// One client: its certificate and its audits, oldest first.
    Show {
        /// Client id (or a unique prefix of it), or its exact name.
        #[arg(long)]
        client: String,
    },
    /// Change a client's certificate details.
    Edit {
        /// Client id (or a unique prefix of it), or its exact name.
        #[arg(long)]
        client: String,
        #[arg(long, allow_hyphen_values = true)]
        certificate: Option<String>,
        /// The certificate's scope statement.
        #[arg(long, allow_hyphen_values = true)]
        scope: Option<String>,
        /// Issued on, YYYY-MM-DD.
        #[arg(long)]
        issued: Option<String>,
        /// Expires on, YYYY-MM-DD.
        #[arg(long)]
        expires: Option<String>,
        /// First day of the three-year cycle, YYYY-MM-DD.
        #[arg(long)]
        cycle_start: Option<String>,
        /// Clauses looked at on every visit, space-separated.
        #[arg(long)]
        every_visit: Option<String>,
    },
}

pub fn run(ctx: &Context_, cmd: Command) -> Result<()> {
    match cmd {
        Command::List => {
            let store = ctx.open_to_read()?;
            let clients = store.clients()?;
            outln!(
                "{:<10} {:<32} {:<16} {:<10} {:>6} {:>8}",
                "id",
                "client",
                "certificate",
                "expires",
                "audits",
                "open NCs"
            )?;
            for c in &clients {
                outln!(
                    "{:<10} {:<32} {:<16} {:<10} {:>6} {:>8}",
                    &c.client.id[..8.min(c.client.id.len())],
                    cut(&c.client.name, 32),
                    cut(&c.client.certificate_number, 16),
                    c.client.expires_on,
                    c.audits,
                    c.open_ncs
                )?;
            }
            Ok(())
        }
        Command::Show { client } => {
            let store = ctx.open_to_read()?;
            let c = store.find_client(&client)?;
            outln!("{} ({})", c.name, c.id)?;
            for (label, value) in [
                ("Certificate", &c.certificate_number),
                ("Certificate scope", &c.certificate_scope),
                ("Issued", &c.issued_on),
                ("Expires", &c.expires_on),
                ("Cycle start", &c.cycle_start),
                ("Every visit", &c.every_visit),
            ] {
                outln!(
                    "  {label:<18} {}",
                    if value.is_empty() { "—" } else { value }
                )?;
            }
            outln!("Audits, oldest first:")?;
            for a in store.client_audits(&c.id)? {
                let (majors, minors) = store.carried_open(&a.id)?;
                outln!(
                    "  {}  {:<24} {:<6} {:<10} {:<12} {}",
                    &a.id[..8],
                    a.audit_type.label(),
                    a.edition,
                    a.start_date,
                    a.status.label(),
                    if a.follows.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "follows {}; carried NCs still to verify: {majors} major, {minors} minor",
                            &a.follows[..8.min(a.follows.len())]
                        )
                    }
                )?;
            }
            Ok(())
        }
        Command::Edit {
            client,
            certificate,
            scope,
            issued,
            expires,
            cycle_start,
            every_visit,
        } => {
            let mut store = ctx.open_existing()?;
            let c = store.find_client(&client)?;
            let c = store.update_client(
                &c.id,
                certificate.as_deref(),
                scope.as_deref(),
                issued.as_deref(),
                expires.as_deref(),
                cycle_start.as_deref(),
                every_visit.as_deref(),
            )?;
            outln!("Client {} updated.", c.name)?;
            Ok(())
        }
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
