//! The real workbench in a pseudo-terminal, for tests and benchmarks that
//! need a terminal: start it, send keys, wait for text on screen, kill it.

#![allow(dead_code)] // each user needs a different part of it

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The workbench in a pseudo-terminal, its screen output collected.
pub struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    out: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
    pub fn start(bin: &Path, db: &Path) -> Tui {
        Self::start_under(&[], bin, db)
    }

    /// Start the workbench with extra environment variables.
    pub fn start_env(bin: &Path, db: &Path, env: &[(&str, &Path)]) -> Tui {
        Self::start_full(&[], bin, db, env)
    }

    /// Start the workbench under another program (`strace -f -o LOG`).
    pub fn start_under(wrapper: &[&str], bin: &Path, db: &Path) -> Tui {
        Self::start_full(wrapper, bin, db, &[])
    }

    fn start_full(wrapper: &[&str], bin: &Path, db: &Path, env: &[(&str, &Path)]) -> Tui {
        use portable_pty::{native_pty_system, CommandBuilder, PtySize};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = CommandBuilder::new(program);
                c.args(args);
                c.arg(bin);
                c
            }
            None => CommandBuilder::new(bin),
        };
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env_remove("AUDITBENCH_DB");
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Tui {
            child,
            writer,
            out,
            _master: pair.master,
        }
    }

    pub fn mark(&self) -> usize {
        self.out.lock().unwrap().len()
    }

    /// Wait until `text` is on the screen, as a terminal emulator (vt100)
    /// shows it, once something was drawn after `from` (a [`Self::mark`]).
    pub fn wait_for(&self, from: usize, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.mark() > from && self.screen().screen().contents().contains(text) {
                return;
            }
            if Instant::now() > deadline {
                let shown = self.screen().screen().contents();
                panic!("{text:?} never drawn; the screen shows:\n{shown}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait until the screen, as a terminal emulator shows it, holds `text`.
    pub fn wait_screen(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let shown = self.screen().screen().contents();
            if shown.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never on screen:\n{shown}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until `bytes` appear, as they are, in the output after `from`.
    pub fn wait_for_raw(&self, from: usize, bytes: &[u8]) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            {
                let out = self.out.lock().unwrap();
                if out[from.min(out.len())..]
                    .windows(bytes.len())
                    .any(|w| w == bytes)
                {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{:?} never written",
                String::from_utf8_lossy(bytes)
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn keys(&mut self, s: &str) {
        for b in s.bytes() {
            self.writer.write_all(&[b]).unwrap();
            self.writer.flush().unwrap();
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// Bytes as they come, at once (a bracketed paste is one write).
    pub fn write_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Everything the program wrote to the terminal so far.
    pub fn output(&self) -> Vec<u8> {
        self.out.lock().unwrap().clone()
    }

    /// The screen as a terminal would show it, read through a terminal
    /// emulator (vt100): cells, window title, alternate screen, cursor.
    pub fn screen(&self) -> vt100::Parser {
        let mut p = vt100::Parser::new(40, 120, 0);
        p.process(&self.output());
        p
    }

    /// Send a signal by name (`TERM`, `HUP`, `TSTP`, `CONT`).
    pub fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .args([&format!("-{sig}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// Wait for the process to end; its exit code (128+n after signal n
    /// handled by the program itself), or None if a signal killed it.
    pub fn exit_code(mut self) -> Option<u32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                // portable-pty reports a death by signal as exit code 1
                // with the signal's name; a handled signal is a real code.
                return st.signal().is_none().then(|| st.exit_code());
            }
            assert!(Instant::now() < deadline, "the workbench did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// Wait for the process to end by itself (after `q`).
    pub fn wait(mut self) {
        let _ = self.child.wait();
    }

    pub fn sigkill(mut self) {
        let pid = self.child.process_id().expect("pid");
        let st = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let _ = self.child.wait();
    }
}

impl Drop for Tui {
    /// A test that fails midway leaves no workbench running behind it.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
