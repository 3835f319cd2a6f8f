//! The audit team's rows of the performance table (issue 16), with the real
//! release binary, each beside its anchor measured in the same run:
//!
//! - merging a day of a three-person team (2 teammates' files of 300 edits
//!   each into the lead's) on the demo audit, beside `auditbench list` on the
//!   same file (a process that opens the file and does nothing);
//! - at 100 000 findings: the first `team share`, `team join` on a fresh
//!   file, a merge of a teammate's 300 edits both ways, beside copying the
//!   file (`std::fs::copy`); the file's growth from the documents.
//!
//! Run: `cargo bench --bench team` (the 100 000 point needs ≈1 GB of disk).

#[path = "binary.rs"]
mod binary;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use auditbench::domain::{Grade, NewFinding, Stage};
use auditbench::store::{FindingField, FindingFilter, OpenOptions, Store};

use binary::median;
const RUNS: usize = 7;

/// The binary on `db` as auditor `who`, without rolling backups.
fn run(db: &Path, who: &str, args: &[&str]) -> String {
    binary::run(
        db,
        &[&["--keep-backups", "0", "--auditor", who], args].concat(),
    )
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn store(db: &Path, who: &str) -> Store {
    let opts = OpenOptions {
        actor: who.to_string(),
        keep_backups: 0,
        ..OpenOptions::default()
    };
    Store::open_with(db, &opts).expect("open")
}

/// 300 edits by `who`: 10 findings raised, the rest written into findings
/// of the shared audit.
fn day(db: &Path, who: &str, audit: &str) {
    let mut s = store(db, who);
    for i in 0..10 {
        s.add_finding(
            audit,
            &NewFinding {
                clause_id: "8.5.1".into(),
                stage: Stage::TWO,
                grade: Grade::Observation,
                title: format!("{who} {i}"),
                requirement: String::new(),
                statement: String::new(),
                evidence: String::new(),
                raised_by: who.into(),
                due_date: String::new(),
            },
        )
        .unwrap();
    }
    let ids: Vec<String> = {
        let mut v = Vec::new();
        s.for_each_finding(audit, &FindingFilter::default(), |f| {
            if v.len() < 290 {
                v.push(f.id.clone());
            }
            Ok(())
        })
        .unwrap();
        v
    };
    for i in 0..290 {
        let id = &ids[i % ids.len()];
        s.set_finding_field(id, FindingField::Evidence, &format!("{who} saw {i}"))
            .unwrap();
    }
}

fn copy(from: &Path, to: &Path) {
    let _ = std::fs::remove_file(to);
    std::fs::copy(from, to).unwrap();
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

struct Team {
    lead: PathBuf,
    files: Vec<PathBuf>,
    audit: String,
}

/// A lead's file after sharing `audit`, two teammates joined and each
/// worked a day; their team files.
fn team(dir: &Path, lead: PathBuf, audit: &str) -> Team {
    let day0 = dir.join("day0.team");
    run(
        &lead,
        "Jordan Lee",
        &[
            "team",
            "share",
            "--audit",
            audit,
            "--out",
            day0.to_str().unwrap(),
        ],
    );
    let mut files = Vec::new();
    for who in ["Sam Ortiz", "Kim Park"] {
        let db = dir.join(format!("{who}.sqlite"));
        run(&db, who, &["team", "join", day0.to_str().unwrap()]);
        day(&db, who, audit);
        let f = dir.join(format!("{who}.team"));
        run(
            &db,
            who,
            &[
                "team",
                "share",
                "--audit",
                audit,
                "--out",
                f.to_str().unwrap(),
            ],
        );
        files.push(f);
    }
    Team {
        lead,
        files,
        audit: audit.to_string(),
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();

    // a day of a three-person team on the demo audit
    let lead = d.join("lead.sqlite");
    let audit = run(&lead, "Jordan Lee", &["demo"]);
    let audit = audit.lines().next().unwrap().to_string();
    let t = team(d, lead, &audit);
    day(&t.lead, "Jordan Lee", &t.audit);
    let work = d.join("work.sqlite");
    let mut merges = Vec::new();
    let mut anchors = Vec::new();
    for _ in 0..RUNS {
        copy(&t.lead, &work);
        merges.push(timed(|| {
            for f in &t.files {
                run(&work, "Jordan Lee", &["team", "merge", f.to_str().unwrap()]);
            }
        }));
        anchors.push(timed(|| {
            run(&work, "Jordan Lee", &["list"]);
            run(&work, "Jordan Lee", &["list"]);
        }));
    }
    println!(
        "merge a day of a three-person team (2 files × 300 edits into the lead's): median {:.1?} over {RUNS} runs; anchor: 2 × `auditbench list` {:.1?}",
        median(merges),
        median(anchors)
    );

    // at 100 000 findings
    let big = d.join("big.sqlite");
    run(&big, "Jordan Lee", &["demo", "--scale", "100000"]);
    let audit: String = rusqlite::Connection::open(&big)
        .unwrap()
        .query_row(
            "SELECT audit_id FROM findings GROUP BY audit_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    run(&big, "Jordan Lee", &["list"]);
    let before = size(&big);
    let copy_to = d.join("copy.sqlite");
    let anchor = timed(|| copy(&big, &copy_to));
    let _ = std::fs::remove_file(&copy_to);
    let day0 = d.join("big0.team");
    let share = timed(|| {
        run(
            &big,
            "Jordan Lee",
            &[
                "team",
                "share",
                "--audit",
                &audit,
                "--out",
                day0.to_str().unwrap(),
            ],
        );
    });
    let sam = d.join("bigsam.sqlite");
    let join = timed(|| {
        run(&sam, "Sam Ortiz", &["team", "join", day0.to_str().unwrap()]);
    });
    day(&sam, "Sam Ortiz", &audit);
    day(&big, "Jordan Lee", &audit);
    let samf = d.join("bigsam.team");
    let leadf = d.join("biglead.team");
    let back = timed(|| {
        run(
            &sam,
            "Sam Ortiz",
            &[
                "team",
                "share",
                "--audit",
                &audit,
                "--out",
                samf.to_str().unwrap(),
            ],
        );
        run(
            &big,
            "Jordan Lee",
            &["team", "merge", samf.to_str().unwrap()],
        );
        run(
            &big,
            "Jordan Lee",
            &[
                "team",
                "share",
                "--audit",
                &audit,
                "--out",
                leadf.to_str().unwrap(),
            ],
        );
        run(
            &sam,
            "Sam Ortiz",
            &["team", "merge", leadf.to_str().unwrap()],
        );
    });
    // checkpoint, so the sizes are the files'
    run(&big, "Jordan Lee", &["list"]);
    let after = size(&big);
    println!(
        "100 000 findings: first share {:.1?}, join {:.1?}, a day's 300 edits shared and merged both ways {:.1?}; anchor: copying the file {:.1?}",
        share, join, back, anchor
    );
    println!(
        "100 000 findings: team file {} MB; the lead's file {} MB before the team, {} MB after a day ({:+.1} %)",
        size(&day0) / 1_000_000,
        before / 1_000_000,
        after / 1_000_000,
        (after as f64 / before as f64 - 1.0) * 100.0
    );
}
