use std::process::ExitCode;

use clap::Parser;

use auditbench::cli::{resolve_db_path, run, Cli};
use auditbench::store::{Store, WhenLocked};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = if cli.command.is_none() {
        workbench(&cli)
    } else {
        run(cli)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`| head`) is not an error.
        Err(e) if format!("{e:#}").contains("Broken pipe") => ExitCode::SUCCESS,
        // A pack that differs: what differs is on stdout, exit 1.
        Err(e) if e.downcast_ref::<auditbench::cli::PackDiffers>().is_some() => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "auditbench: {}",
                auditbench::text::one_line(&format!("{e:#}"))
            );
            ExitCode::from(1)
        }
        Err(e) => {
            use std::io::Write as _;
            // Never a panic here: stderr may be a terminal that is gone.
            let _ = writeln!(
                std::io::stderr(),
                "auditbench: error: {}",
                auditbench::text::one_line(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}

/// No subcommand: open the workbench on the audit file.
fn workbench(cli: &Cli) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("the workbench needs a terminal; use a subcommand (see --help) in scripts");
    }
    let path = resolve_db_path(cli.db.as_deref())?;
    // Another auditbench writing the file, or a read-only file: open it
    // read-only with a banner rather than refuse.
    let opts = auditbench::cli::open_options(cli, true, WhenLocked::ReadOnly);
    let store = if auditbench::store::looks_encrypted(&path) {
        open_encrypted(&path, opts)?
    } else {
        Store::open_with(&path, &opts)?
    };
    match auditbench::tui::run(store)? {
        auditbench::tui::Ended::Quit => Ok(()),
        // Ended by a signal: drafts are written and the terminal restored;
        // the exit status says which signal, as a shell expects (128+n).
        auditbench::tui::Ended::Signal(n) => std::process::exit(128 + n),
    }
}

/// An encrypted file: its passphrase asked for (masked) before anything is
/// read, three tries; from `AUDITBENCH_PASSPHRASE_FILE`, one.
fn open_encrypted(
    path: &std::path::Path,
    opts: auditbench::store::OpenOptions,
) -> anyhow::Result<Store> {
    use auditbench::cli::passphrase;
    use auditbench::store::{Error, Key, OpenOptions};
    let tries = if passphrase::from_env() { 1 } else { 3 };
    for n in 1..=tries {
        let key = Key::new(passphrase::for_file(path, true)?);
        match Store::open_with(
            path,
            &OpenOptions {
                key: Some(key),
                ..opts.clone()
            },
        ) {
            Err(Error::WrongPassphrase(why)) if n < tries => {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "auditbench: wrong passphrase ({} of {tries} tries left)",
                    tries - n
                );
                let _ = why;
            }
            r => return Ok(r?),
        }
    }
    unreachable!("the last try returns")
}
