#![allow(dead_code)]
//! Shared helpers: a temp directory with an audit file path, and the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("audits.sqlite");
        Env { dir, db }
    }

    /// The real auditbench binary, pointed at this environment's file.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("auditbench").expect("binary built");
        c.env_remove("AUDITBENCH_DB").arg("--db").arg(&self.db);
        c
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run a command that must succeed; its stdout, trimmed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }

    /// A demo audit; returns its id.
    pub fn demo(&self) -> String {
        self.ok(&["demo"])
    }
}

/// SHA-free fingerprint good enough to prove a file is byte-for-byte unchanged.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}
