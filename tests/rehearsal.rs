//! Rehearsal audits through the real binary on a temp file: rating the
//! audit questions, the checks on a rating, readiness per main clause and
//! overall, the trail.

mod common;

use common::*;

/// `rate` one question of audit `a`, with a note when one is given.
fn rate(env: &Env, a: &str, clause: &str, q: &str, rating: &str, note: &str) -> String {
    let mut args = vec![
        "rate",
        "--audit",
        a,
        "--clause",
        clause,
        "--question",
        q,
        "--rating",
        rating,
    ];
    if !note.is_empty() {
        args.extend_from_slice(&["--note", note]);
    }
    env.ok(&args)
}

#[test]
fn questions_are_rated_and_readiness_adds_them_up() {
    let env = Env::new();
    let a = env.ok(&["new", "--org", "Ready Co", "--type", "internal"]);
    let rate =
        |clause: &str, q: &str, rating: &str, note: &str| rate(&env, &a, clause, q, rating, note);
    assert_eq!(rate("8.5.1.3", "1", "met", ""), "8.5.1.3 question 1: Met");
    // the first rating starts the rehearsal
    let list = env.ok(&["list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with(&a) && l.contains("In progress")),
        "{list}"
    );
    rate("8.5.1.3", "2", "partly", "");
    rate(
        "8.5.1.3",
        "3",
        "na",
        "No emergency changes are allowed by contract",
    );
    // every question of 9.2 met, and one of 9.3 not met
    for q in ["1", "2", "3"] {
        rate("9.2", q, "met", "");
    }
    rate("9.3", "1", "not_met", "");
    // mistakes: one line each, nothing written
    let base = ["rate", "--audit", &a, "--clause"];
    let bad = |extra: &[&str], want: &str| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        fails(&env, &v, want)
    };
    bad(
        &["8.5.1.3", "--question", "3", "--rating", "na"],
        "not applicable needs its reason",
    );
    bad(
        &["8.5.1.3", "--question", "9", "--rating", "met"],
        "clause 8.5.1.3 has 3 questions; give --question 1 to 3",
    );
    bad(
        &["8", "--question", "1", "--rating", "met"],
        "is not an assessable clause",
    );
    bad(
        &["8.5.1.3", "--question", "1", "--rating", "maybe"],
        "unknown rating \"maybe\"; accepted: met, partly_met, not_met, not_applicable",
    );
    let stage2 = env.ok(&["new", "--org", "X", "--type", "stage2"]);
    fails(
        &env,
        &[
            "rate",
            "--audit",
            &stage2,
            "--clause",
            "9.2",
            "--question",
            "1",
            "--rating",
            "met",
        ],
        "questions are rated in a rehearsal (internal) audit",
    );

    let r = env.ok(&["readiness", "--audit", &a]);
    let row = |id: &str| -> Vec<String> {
        r.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id}: {r}"))
            .split_whitespace()
            .take(6)
            .map(str::to_string)
            .collect()
    };
    // clause 9 has 12 questions (3 each in 9.1–9.4): 3 met, 1 not met
    assert_eq!(row("9"), ["9", "25%", "3", "0", "1", "8"], "{r}");
    // 8: 90 questions, one not applicable: 1 met + 1 partly of 89 is
    // 1.5 / 89 = 2 %
    assert_eq!(row("8"), ["8", "2%", "1", "1", "0", "87"], "{r}");
    assert!(r.contains("Rated 6 of 170 applicable questions."), "{r}");
    assert!(
        r.contains("Furthest behind, of the clauses rated: 9.3 (0%), 8.5.1.3 (75%)"),
        "{r}"
    );
    // in the trail, and frozen with the report
    assert!(env.ok(&["verify"]).contains("every record matches them"));
    let h = env.ok(&["history", "--audit", &a]);
    assert!(h.contains("8.5.1.3 question 3"), "{h}");
    env.ok(&["audit", "report", "--audit", &a]);
    fails(
        &env,
        &[
            "rate",
            "--audit",
            &a,
            "--clause",
            "9.4",
            "--question",
            "1",
            "--rating",
            "met",
        ],
        "reported",
    );
}

/// The gap plan: every question partly met or not met and every NC,
/// concern or observation is a gap; each is planned (owner, action, target
/// date, state) in the trail; by target date; overdue ones marked; a
/// question rated met again is no longer a gap.
#[test]
fn the_gap_plan_follows_ratings_and_findings() {
    let env = Env::new();
    let a = env.ok(&["new", "--org", "Ready Co", "--type", "internal"]);
    let rate = |clause: &str, q: &str, rating: &str| rate(&env, &a, clause, q, rating, "");
    rate("9.2", "1", "not_met");
    rate("9.2", "2", "partly");
    rate("9.2", "3", "met");
    env.ok(&[
        "finding",
        "add",
        "--audit",
        &a,
        "--clause",
        "8.6.1",
        "--grade",
        "minor",
        "--title",
        "Major incidents not reviewed",
    ]);
    env.ok(&[
        "finding",
        "add",
        "--audit",
        &a,
        "--clause",
        "7.2",
        "--grade",
        "good_practice",
        "--title",
        "Competence matrix",
    ]);
    let g = env.ok(&["gaps", "--audit", &a]);
    assert!(g.contains("3 gaps, 3 not done, 0 overdue."), "{g}");
    assert!(
        !g.contains("Competence matrix"),
        "good practice is no gap: {g}"
    );
    let set = |extra: &[&str]| {
        let mut v = vec!["gap", "--audit", a.as_str()];
        v.extend_from_slice(extra);
        env.ok(&v)
    };
    assert_eq!(
        set(&[
            "--gap",
            "9.2 Q1",
            "--owner",
            "Quality manager",
            "--due",
            "2020-01-31"
        ]),
        "9.2 Q1: Planned · Quality manager · due 2020-01-31"
    );
    set(&[
        "--gap",
        "NC-001",
        "--action",
        "Review every major incident",
        "--due",
        "2099-03-01",
        "--state",
        "in_progress",
    ]);
    set(&["--gap", "9.2/2", "--state", "done"]);
    fails(
        &env,
        &["gap", "--audit", &a, "--gap", "9.2 Q3"],
        "nothing to change",
    );
    fails(
        &env,
        &["gap", "--audit", &a, "--gap", "9.2 Q3", "--state", "done"],
        "no gap \"9.2 Q3\"",
    );
    fails(
        &env,
        &["gap", "--audit", &a, "--gap", "9.2 Q1", "--state", "maybe"],
        "unknown gap state",
    );
    fails(
        &env,
        &[
            "gap",
            "--audit",
            &a,
            "--gap",
            "9.2 Q1",
            "--due",
            "31/01/2020",
        ],
        "target date",
    );
    // by target date: the overdue one first, the undated last
    let g = env.ok(&["gaps", "--audit", &a]);
    let order: Vec<&str> = g
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .take(3)
        .collect();
    assert_eq!(order, ["9.2", "NC-001", "9.2"], "{g}");
    assert!(g.contains("OVERDUE"), "{g}");
    assert!(g.contains("3 gaps, 2 not done, 1 overdue."), "{g}");
    // read back with a CSV reader
    let csv = env.ok(&["gaps", "--audit", &a, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][0], "9.2 Q1");
    assert_eq!(&rows[0][8], "yes");
    assert_eq!(&rows[1][5], "Review every major incident");
    // met now: no longer a gap
    rate("9.2", "1", "met");
    assert!(env.ok(&["gaps", "--audit", &a]).contains("2 gaps"));
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}
