//! Crash safety: the real binary is killed with SIGKILL at random moments,
//! over and over, and after every kill the file must be intact
//! (`integrity_check`, the audit trail's hash chain), every acknowledged edit
//! must be there, and text typed in the workbench must come back as a draft.
//!
//! `AUDITBENCH_KILLS=N` scales both campaigns (default: 120 CLI kills and 16
//! workbench kills, which keeps `cargo test` short); the numbers survived are
//! printed (`cargo test --test crash -- --nocapture`).

#![cfg(unix)]

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use auditbench::store::{OpenOptions, Store};
use common::Env;
use pty::Tui;

/// A small deterministic generator, so that a failing run can be repeated.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn kills(default: usize) -> usize {
    std::env::var("AUDITBENCH_KILLS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(default, |n| n.max(1))
}

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("auditbench")
}

/// Open the file as the next process would, and check it is whole.
fn check_intact(db: &Path) -> Store {
    let opts = OpenOptions {
        create: false,
        keep_backups: 0,
        ..OpenOptions::default()
    };
    let s = Store::open_with(db, &opts).expect("the file opens after a kill");
    let ok: String = s
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let chain = s.verify_history().unwrap();
    assert_eq!(chain.broken, None, "the audit trail is intact");
    assert_eq!(s.verify_schema().unwrap(), None);
    assert_eq!(
        s.verify_data().unwrap(),
        None,
        "every record matches the trail"
    );
    s
}

#[test]
fn cli_edits_survive_sigkill_at_random_moments() {
    let env = Env::new();
    let audit = env.demo();
    let mut rng = Lcg(0x5eed_0001);
    let mut acknowledged: Vec<String> = Vec::new();
    let mut batches: Vec<(String, bool)> = Vec::new();
    let n = kills(120);
    let mut killed = 0;
    for i in 0..n {
        // Mostly single findings; every 10th run a whole generated audit
        // (one long transaction) that must appear entirely or not at all.
        let big = i % 10 == 9;
        let title = format!("crash-{i}");
        let mut cmd = Command::new(bin());
        cmd.env_remove("AUDITBENCH_DB")
            .arg("--db")
            .arg(&env.db)
            .arg("--keep-backups")
            .arg("2");
        if big {
            cmd.args(["demo", "--scale", "300"]);
        } else {
            cmd.args([
                "finding", "add", "--audit", &audit, "--clause", "8.1", "--grade", "minor",
                "--title", &title,
            ]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(25_000)));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed += 1;
        }
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        if big {
            if let Some(id) = out.lines().next().filter(|l| l.len() == 36) {
                batches.push((id.to_string(), true));
            }
        } else if out.starts_with("NC-") {
            acknowledged.push(title);
        }

        let s = check_intact(&env.db);
        let titles: Vec<String> = s
            .findings(&audit, &Default::default())
            .unwrap()
            .into_iter()
            .map(|f| f.title)
            .collect();
        for t in &acknowledged {
            assert!(titles.contains(t), "acknowledged {t} lost after kill {i}");
        }
        // Generated audits are all or nothing.
        for a in s.list_audits().unwrap() {
            if a.audit.id != audit {
                let total: u64 = a.counts.iter().sum();
                assert_eq!(total, 312, "a half-written demo audit after kill {i}");
            }
        }
        for (id, _) in &batches {
            assert!(s.audit(id).is_ok(), "acknowledged demo audit {id} lost");
        }
    }
    println!(
        "CLI: {n} runs, {killed} killed mid-run by SIGKILL, {} acknowledged edits all present, file intact after each",
        acknowledged.len() + batches.len()
    );
    assert!(
        killed > n / 4,
        "the campaign must actually kill runs ({killed}/{n})"
    );
}

fn clause_notes(s: &Store, audit: &str) -> String {
    s.clause_review(audit, "4.1", auditbench::domain::Stage::TWO)
        .map(|r| r.notes)
        .unwrap_or_default()
}

fn draft_texts(s: &Store) -> Vec<String> {
    s.drafts().unwrap().into_iter().map(|d| d.text).collect()
}

#[test]
fn workbench_edits_and_drafts_survive_sigkill() {
    let env = Env::new();
    let audit = env.demo();
    let mut rng = Lcg(0x5eed_0002);
    let n = kills(16);
    let mut saved_tokens: Vec<String> = Vec::new();
    let (mut drafts_recovered, mut saves_kept) = (0, 0);
    for i in 0..n {
        let before = check_intact(&env.db);
        let pending_draft = !before.drafts().unwrap().is_empty();
        drop(before);

        let mut tui = Tui::start(&bin(), &env.db);
        if pending_draft {
            // The draft comes back, in its editor, at the next start.
            tui.wait_for(0, "Recovered 1 unsaved text");
            drafts_recovered += 1;
        } else {
            tui.wait_for(0, "auditbench");
            let m = tui.mark();
            tui.keys("\r"); // open the audit
            tui.wait_for(m, "Overview");
            let m = tui.mark();
            tui.keys("/");
            tui.wait_for(m, "Find");
            tui.keys("4.1 understanding");
            std::thread::sleep(Duration::from_millis(150));
            tui.keys("\r");
            std::thread::sleep(Duration::from_millis(150));
            let m = tui.mark();
            tui.keys("e"); // the clause notes editor
            tui.wait_for(m, "save and close");
        }
        let token = format!(" tok{i}");
        tui.keys(&token);
        match rng.below(3) {
            0 => {
                // Pause: the draft is written within 500 ms (plus a tick).
                std::thread::sleep(Duration::from_millis(1500));
                tui.sigkill();
                let s = check_intact(&env.db);
                assert!(
                    draft_texts(&s).iter().any(|t| t.contains(token.trim())),
                    "typed text lost after a pause and a kill ({i})"
                );
            }
            1 => {
                // Save (Esc) and wait until the workbench says so: acknowledged.
                let m = tui.mark();
                tui.keys("\x1b");
                tui.wait_for(m, "Saved");
                std::thread::sleep(Duration::from_millis(rng.below(100)));
                tui.sigkill();
                saved_tokens.push(token.trim().to_string());
                saves_kept += 1;
            }
            _ => {
                // Killed mid-typing: nothing was promised, the file must be whole.
                std::thread::sleep(Duration::from_millis(rng.below(400)));
                tui.sigkill();
            }
        }
        let s = check_intact(&env.db);
        let notes = clause_notes(&s, &audit);
        for t in &saved_tokens {
            assert!(
                notes.contains(t.as_str()),
                "saved {t} lost after kill {i}: {notes:?}"
            );
        }
    }
    println!(
        "workbench: {n} SIGKILLs, {saves_kept} acknowledged saves kept, {drafts_recovered} drafts recovered at the next start, file intact after each"
    );
}
