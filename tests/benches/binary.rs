//! What the process-level benches share: the release binary, run on an
//! audit file, and what they read of a running process.

#![allow(dead_code)] // each bench uses a different part of it

use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_auditbench");

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Run the binary on `db` (its standard output, trimmed); fails the bench
/// if the command fails.
pub fn run(db: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .env_remove("AUDITBENCH_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run auditbench");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A value of a process's `/proc/PID/status` in kB (`VmRSS:`, `VmHWM:`).
pub fn proc_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The CSV export's query as `sqlite3 -csv` runs it: the export's anchor
/// (same columns, join and order).
pub const EXPORT_SQL: &str =
    "SELECT f.reference, a.organisation, a.audit_type, f.stage, f.clause_id, f.grade, \
     f.title, f.requirement, f.statement, f.evidence, f.status, f.root_cause, f.correction, \
     f.corrective_action, f.due_date, f.raised_by, f.created_at \
     FROM findings f JOIN audits a ON a.id = f.audit_id \
     ORDER BY f.grade_rank, f.clause_key, f.ref_prefix, f.ref_seq";
