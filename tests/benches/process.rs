//! The process-level rows of the performance table, with the real release
//! binary on a `demo --scale 100000` file, each beside its anchor measured
//! in the same run:
//!
//! - `demo --scale 100000` generation time;
//! - start to first frame drawn (cold process, file on disk), in a
//!   pseudo-terminal, beside `sqlite3 FILE 'select count(*) from findings'`;
//! - resident memory with the audit open, on the findings screen and after
//!   a finder query (`VmRSS` and peak `VmHWM` from /proc);
//! - fsyncs of one durable edit (`strace`), beside a bare sqlite3 insert.
//!
//! Run: `cargo bench --bench process` (Linux; the anchors and the fsync
//! count are skipped when sqlite3 or strace is missing).

#[path = "binary.rs"]
mod binary;
#[path = "../common/pty.rs"]
mod pty;
#[path = "session.rs"]
mod session;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pty::Tui;

use binary::{median, proc_kb, BIN};
const RUNS: usize = 15;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("big.sqlite");

    let t = Instant::now();
    let audit = binary::run(&db, &["demo", "--scale", "100000"]);
    println!("generation: demo --scale 100000 in {:.1?}", t.elapsed());
    // One command closes it cleanly and takes the rolling backup, as any
    // earlier session would have.
    binary::run(&db, &["list"]);

    let mut starts = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let mut tui = Tui::start(Path::new(BIN), &db);
        // The raw bytes, not the emulated screen: the timing is the
        // program's, not the emulator's.
        tui.wait_for_raw(0, b"Northwind");
        starts.push(t.elapsed());
        tui.keys("q");
        tui.wait();
    }
    println!(
        "start to first frame: median {:.1?} over {RUNS} runs",
        median(starts)
    );
    if have("sqlite3") {
        let mut anchor = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let st = Command::new("sqlite3")
                .arg(&db)
                .arg("select count(*) from findings")
                .stdout(Stdio::null())
                .status()
                .expect("sqlite3");
            assert!(st.success());
            anchor.push(t.elapsed());
        }
        println!(
            "  anchor sqlite3 'select count(*) from findings': median {:.1?}",
            median(anchor)
        );
    }

    let (tui, open_kb) = session::open_and_find(&db, "nc-9", Duration::from_millis(500));
    let pid = tui.pid();
    println!(
        "memory with the audit open: {} MB resident after opening it, {} MB after the findings screen and a finder query, peak {} MB",
        open_kb / 1024,
        proc_kb(pid, "VmRSS:") / 1024,
        proc_kb(pid, "VmHWM:") / 1024
    );
    session::quit(tui);

    if have("strace") {
        let log = dir.path().join("strace.log");
        // fsync/fdatasync calls of one command, seen by strace.
        let fsyncs = |program: &str, args: &[&str]| -> usize {
            let st = Command::new("strace")
                .args(["-f", "-e", "trace=fsync,fdatasync", "-o"])
                .arg(&log)
                .arg(program)
                .args(args)
                .env_remove("AUDITBENCH_DB")
                .stdout(Stdio::null())
                .status()
                .expect("strace");
            assert!(st.success(), "{program} {args:?}");
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains("sync("))
                .count()
        };
        let db_arg = db.to_str().expect("utf-8 path");
        let base = ["--db", db_arg, "--keep-backups", "0"];
        let n = fsyncs(
            BIN,
            &[
                &base[..],
                &["finding", "add", "--audit", &audit, "--clause", "8.1"],
                &["--grade", "minor", "--title", "one edit"],
            ]
            .concat(),
        );
        // The same process shape without the edit: open, read, clean close.
        let none = fsyncs(
            BIN,
            &[
                &base[..],
                &["finding", "list", "--audit", &audit, "--clause", "8.1"],
            ]
            .concat(),
        );
        println!(
            "fsyncs of one durable edit: {} ({n} for a CLI run with the edit, {none} for the same run without)",
            n.saturating_sub(none)
        );
        let bare = dir.path().join("bare.sqlite");
        if have("sqlite3") {
            let n = fsyncs(
                "sqlite3",
                &[
                    bare.to_str().expect("utf-8 path"),
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t (v); INSERT INTO t VALUES (1);",
                ],
            );
            println!("  anchor sqlite3 create + insert + close in WAL, synchronous=FULL: {n}");
        }
    }
}
