//! Asking for a passphrase: from the file named by
//! `AUDITBENCH_PASSPHRASE_FILE` (scripts), else on the terminal without echo
//! (the workbench shows a `*` per character). Never from the command line,
//! never written anywhere.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail, Result};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;

use crate::store::{Passphrase, MIN_PASSPHRASE};

/// The variable naming a file that holds the passphrase (its first line).
pub const PASSPHRASE_FILE: &str = "AUDITBENCH_PASSPHRASE_FILE";
/// For `rekey` in scripts: the file holding the new passphrase.
pub const NEW_PASSPHRASE_FILE: &str = "AUDITBENCH_NEW_PASSPHRASE_FILE";

/// Whether the passphrase comes from a file (so there is one try only).
pub fn from_env() -> bool {
    std::env::var_os(PASSPHRASE_FILE).is_some_and(|v| !v.is_empty())
}

fn env_file(var: &str) -> Option<std::path::PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}

/// The passphrase of the existing encrypted file at `db`.
pub fn for_file(db: &Path, masked: bool) -> Result<Passphrase> {
    if let Some(file) = env_file(PASSPHRASE_FILE) {
        return Ok(Passphrase::from_file(&file)?);
    }
    let shown = crate::text::one_line(&db.display().to_string());
    ask(&format!("Passphrase for {shown}: "), masked).map_err(|e| {
        anyhow!(
            "{shown} is not a plain SQLite database: an encrypted audit file, whose passphrase could not be asked ({e}: put it in a file, mode 0600, and name that file in {PASSPHRASE_FILE}), or not an audit file at all"
        )
    })
}

/// A new passphrase (`new --encrypt`, `encrypt`, `rekey`): from `var`'s
/// file, else asked twice on the terminal.
pub fn new_one(var: &str, what: &str) -> Result<Passphrase> {
    if let Some(file) = env_file(var) {
        let p = Passphrase::from_file(&file)?;
        return Ok(Passphrase::new_key(p.as_str().to_string())?);
    }
    let first = ask(
        &format!("New passphrase for {what} (at least {MIN_PASSPHRASE} characters): "),
        false,
    )
    .map_err(|e| {
        anyhow!("cannot ask for the new passphrase: {e}; put it in a file (mode 0600) and name that file in {var}")
    })?;
    let first = Passphrase::new_key(first.as_str().to_string())?;
    let again = ask("The same passphrase again: ", false)?;
    if again.as_str() != first.as_str() {
        bail!("the two passphrases differ; nothing was changed, try again");
    }
    Ok(first)
}

/// A yes/no question on the terminal (default no).
pub fn confirm(question: &str) -> Result<bool> {
    let mut tty = open_tty()?;
    write!(tty, "{question} [y/N] ")?;
    tty.flush()?;
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(&tty), &mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// Whether there is a terminal to ask on.
pub fn has_tty() -> bool {
    open_tty().is_ok()
}

/// The terminal to ask on: only when standard input is one (a script, a
/// pipe or a test never gets a prompt that waits), read through /dev/tty.
fn open_tty() -> Result<std::fs::File> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        bail!("there is no terminal to ask on");
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| anyhow!("there is no terminal to ask on"))
}

/// Raw mode for as long as it lives: restored on every way out.
struct Raw;

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Ask on the terminal, without echo (`masked`: a `*` per character).
pub fn ask(prompt: &str, masked: bool) -> Result<Passphrase> {
    let mut tty = open_tty()?;
    // raw (no echo) before the prompt shows: nothing typed ahead is echoed
    terminal::enable_raw_mode()?;
    let raw = Raw;
    write!(tty, "{prompt}")?;
    tty.flush()?;
    let mut text = String::new();
    let outcome = loop {
        let ev = match event::read() {
            Ok(ev) => ev,
            Err(e) => break Err(anyhow!("cannot read the terminal: {e}")),
        };
        let Event::Key(k) = ev else { continue };
        if k.kind == KeyEventKind::Release {
            continue;
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Enter => break Ok(()),
            // a line feed typed ahead of the prompt
            KeyCode::Char('j') if ctrl => break Ok(()),
            KeyCode::Esc => break Err(anyhow!("cancelled")),
            KeyCode::Char('c' | 'd') if ctrl => break Err(anyhow!("cancelled")),
            KeyCode::Char('u') if ctrl => {
                if masked {
                    for _ in 0..text.chars().count() {
                        let _ = write!(tty, "\x08 \x08");
                    }
                }
                crate::store::wipe(&mut text);
            }
            KeyCode::Backspace if text.pop().is_some() && masked => {
                let _ = write!(tty, "\x08 \x08");
            }
            KeyCode::Char(c) if !ctrl => {
                text.push(c);
                if masked {
                    let _ = write!(tty, "*");
                }
            }
            _ => {}
        }
        let _ = tty.flush();
    };
    drop(raw);
    let _ = write!(tty, "\r\n");
    let _ = tty.flush();
    match outcome {
        Ok(()) => Ok(Passphrase::new(std::mem::take(&mut text))?),
        Err(e) => {
            crate::store::wipe(&mut text);
            Err(e)
        }
    }
}
