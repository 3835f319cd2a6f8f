//! The workbench: a ratatui terminal UI over the same store as the CLI.

pub mod action;
pub mod app;
pub mod component;
pub mod drafts;
pub mod effect;
pub mod keymap;
pub mod labels;
pub mod model;
mod navigate;
pub mod popups;
pub mod search;
pub mod text;
pub mod theme;
pub mod views;
mod walk_time;

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;
use ratatui::Terminal;

use self::app::App;
use self::text::InertBackend;
use crate::store::Store;

/// How often the app ticks (drafts are written on ticks).
pub const TICK: Duration = Duration::from_millis(250);

/// How often the loop looks for a signal while idle.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// The shortest wait for a key: crossterm's /dev/tty source reads nothing
/// when asked to wait for no time at all.
const KEYS_FIRST: Duration = Duration::from_micros(200);

type Term = Terminal<InertBackend<CrosstermBackend<io::Stdout>>>;

/// Raw mode, the alternate screen, bracketed paste (a paste arrives as one
/// text event, never as keys) and a terminal whose every cell passes the
/// display boundary. `ratatui::init` also installs the panic hook that
/// restores the terminal.
fn enter() -> io::Result<Term> {
    drop(ratatui::init());
    execute!(io::stdout(), EnableBracketedPaste)?;
    let mut t = Terminal::new(InertBackend(CrosstermBackend::new(io::stdout())))?;
    t.clear()?;
    Ok(t)
}

/// Give the terminal back. Errors are ignored: after a hang-up there is no
/// terminal left to restore, and nothing may print to it (an `eprintln!` on
/// a dead terminal panics, and a panic there aborts).
fn leave() {
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    let _ = ratatui::try_restore();
    let _ = io::stdout().flush();
}

/// Signals the workbench answers: SIGTERM, SIGHUP and SIGINT end it
/// (drafts written, terminal restored, exit status 128+n); SIGTSTP (and
/// Ctrl-Z, which raw mode turns into a key) suspends it with the terminal
/// restored, and it comes back in raw mode with a full redraw.
struct Signals {
    last: Arc<AtomicUsize>,
}

impl Signals {
    fn install() -> io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGTSTP};
        let last = Arc::new(AtomicUsize::new(0));
        for sig in [SIGTERM, SIGHUP, SIGINT, SIGTSTP] {
            signal_hook::flag::register_usize(sig, last.clone(), sig as usize)?;
        }
        Ok(Signals { last })
    }

    fn take(&self) -> Option<i32> {
        match self.last.swap(0, Ordering::SeqCst) {
            0 => None,
            n => Some(n as i32),
        }
    }
}

/// Hand the terminal back, stop (as the shell's job control expects), and
/// take it again when continued.
fn suspend(terminal: &mut Term) -> io::Result<()> {
    leave();
    // Stops the process until SIGCONT (`fg`); in a process group without
    // job control the kernel discards the stop and this returns at once.
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)?;
    *terminal = enter()?;
    Ok(())
}

/// How the workbench ended: by the user, or by a signal (its number).
pub enum Ended {
    Quit,
    Signal(i32),
}

/// Run the workbench on an audit file until the user quits or a signal ends
/// it. The terminal is restored on return, on error and on panic.
pub fn run(store: Store) -> anyhow::Result<Ended> {
    let signals = Signals::install()?;
    let mut app = App::new(store)?;
    // The user's key map, over the defaults; a mistake in it is said in the
    // status bar and the defaults are used.
    let (keymap, problem) = keymap::Keymap::load(keymap::Keymap::user_path().as_deref());
    app.model.keymap = keymap;
    if let Some(why) = problem {
        app.model.error(why);
    }
    let (settings, problem) = crate::config::Settings::user();
    app.model.settings = settings;
    if let Some(why) = problem {
        app.model.error(why);
    }
    let mut terminal = enter()?;
    let mut ended = Ended::Quit;
    let result = (|| -> anyhow::Result<()> {
        let mut last_tick = Instant::now();
        while !app.quit {
            match signals.take() {
                Some(signal_hook::consts::SIGTSTP) => app.suspend = true,
                Some(sig) => {
                    // What was typed before the signal is still queued:
                    // take it in, so the drafts written below hold it.
                    let until = Instant::now() + Duration::from_millis(200);
                    while Instant::now() < until && event::poll(KEYS_FIRST).unwrap_or(false) {
                        match event::read() {
                            Ok(Event::Key(k)) => app.handle_key(k),
                            Ok(Event::Paste(text)) => app.handle_paste(&text),
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                    ended = Ended::Signal(sig);
                    break;
                }
                None => {}
            }
            if app.suspend {
                app.suspend = false;
                app.persist_drafts()?;
                suspend(&mut terminal)?;
                app.dirty = true;
            }
            if app.dirty {
                app.draw(&mut terminal)?;
                app.dirty = false;
            }
            // While a search is unfinished, keys are still read first, and
            // idle turns carry the search on.
            let timeout = if app.busy() {
                KEYS_FIRST
            } else if app.finder_loading() {
                // the finder's findings are on their way: look often
                Duration::from_millis(20).min(TICK.saturating_sub(last_tick.elapsed()))
            } else {
                TICK.saturating_sub(last_tick.elapsed())
            }
            .min(SIGNAL_POLL);
            let polled = match event::poll(timeout) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
                other => other?,
            };
            if polled {
                match event::read() {
                    Ok(Event::Key(k)) => app.handle_key(k),
                    Ok(Event::Paste(text)) => app.handle_paste(&text),
                    Ok(Event::Resize(_, _)) => app.dirty = true,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.into()),
                }
            } else if app.busy() || app.finder_loading() {
                app.dispatch(action::Action::Work);
            }
            if last_tick.elapsed() >= TICK {
                app.dispatch(action::Action::Tick);
                last_tick = Instant::now();
            }
        }
        Ok(())
    })();
    // Whatever is being typed is written before leaving.
    let saved = app.persist_drafts();
    let _ = terminal.show_cursor();
    // Not dropped: its drop prints to a terminal that may be gone.
    std::mem::forget(terminal);
    leave();
    finish_backup(&mut app, &signals, &ended);
    result?;
    saved?;
    Ok(ended)
}

/// The backup taken at opening may still be being written (a large file,
/// quit soon after opening): it is finished, saying so on the terminal
/// left; Ctrl-C, or a signal that ended the workbench (the terminal
/// closed), stops it instead, and the next opening takes it again.
fn finish_backup(app: &mut App, signals: &Signals, ended: &Ended) {
    if !app.store.backup_running() {
        return;
    }
    // (written, not printed: a terminal that hung up makes `eprintln!` panic)
    let say = |text: &str| {
        let _ = writeln!(io::stderr(), "auditbench: {text}");
    };
    let by_signal = matches!(ended, Ended::Signal(_));
    if !by_signal {
        say(&format!(
            "finishing the backup of {} taken at opening; Ctrl-C stops it (the next opening takes it again)",
            crate::text::one_line(&app.store.path().display().to_string())
        ));
    }
    // Ctrl-Z is not a reason to stop it
    let stop = || {
        by_signal
            || signals
                .take()
                .is_some_and(|s| s != signal_hook::consts::SIGTSTP)
    };
    if !app.store.finish_backup(stop) && !by_signal {
        say("the backup was stopped; none was kept");
    }
}
