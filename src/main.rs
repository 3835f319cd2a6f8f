use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use auditbench::cli::{run, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.is_none() {
        // The workbench (TUI) will open here; until then, say what there is.
        let _ = Cli::command().print_help();
        return ExitCode::SUCCESS;
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`| head`) is not an error.
        Err(e) if format!("{e:#}").contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("auditbench: error: {}", one_line(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// Errors are one line: fold any newline a lower layer put in.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
