//! No panic at any terminal size, nor under long random key sequences.

mod common;

use auditbench::tui::action::Action;
use common::*;
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

const GOTO: &[Action] = &[
    Action::GoAudits,
    Action::GoOverview,
    Action::GoStage1,
    Action::GoStage2,
    Action::GoFindings,
    Action::GoInterviews,
];

fn any_key() -> impl Strategy<Value = KeyEvent> {
    let codes = prop_oneof![
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Delete,
        ]),
        // printable keys the app binds (no `/`: typed paths must stay relative
        // to the temp folder), and then some; Ctrl-P opens the finder
        prop::sample::select(
            "jkhlgGnDsrevoftcimxyqp?0123456 é中🚀=-"
                .chars()
                .collect::<Vec<_>>()
        )
        .prop_map(KeyCode::Char),
    ];
    (codes, prop::bool::weighted(0.1)).prop_map(|(c, ctrl)| {
        KeyEvent::new(
            c,
            if ctrl {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_size_renders_without_panic(w in 1u16..=300, h in 1u16..=100, screen in 0usize..6, popup in 0usize..4) {
        let env = Env::new();
        let mut app = demo_app(&env);
        app.dispatch(GOTO[screen].clone());
        match popup {
            1 => app.dispatch(Action::Help),
            2 => app.dispatch(Action::OpenFinder),
            3 => app.dispatch(Action::Export),
            _ => {}
        }
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        app.draw(&mut t).unwrap();
    }

    #[test]
    fn random_keys_never_panic(keys in prop::collection::vec(any_key(), 1..300), w in 60u16..=160, h in 20u16..=50) {
        let env = Env::new();
        let mut app = demo_app(&env);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        for (i, k) in keys.into_iter().enumerate() {
            app.handle_key(k);
            if i % 7 == 0 {
                app.dispatch(Action::Tick);
            }
            app.draw(&mut t).unwrap();
        }
        // whatever happened, the file is still a healthy audit file
        let ok: String = app.store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        prop_assert_eq!(ok, "ok");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Typing on narrows the previous matches instead of searching all
    /// candidates again; the result must be what a fresh search gives.
    #[test]
    fn the_finder_narrowing_as_you_type_equals_a_fresh_search(
        texts in prop::collection::vec("[a-cA-C0-9 .é]{0,12}", 0..60),
        query in "[a-cA-C0-9 .]{1,5}",
    ) {
        use auditbench::tui::search::{Candidate, Search, Target};
        let cands: Vec<Candidate> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Candidate { text: t.clone(), kind: "finding", target: Target::Finding(i as i64) })
            .collect();
        let mut typed = Search::new(&cands);
        let mut q = String::new();
        for ch in query.chars() {
            q.push(ch);
            typed.set_query(&q, &cands);
        }
        let mut fresh = Search::new(&[]);
        fresh.set_query(&query, &[]);
        fresh.refresh(&cands);
        prop_assert_eq!(&typed.matches, &fresh.matches);
    }
}

/// A large audit's search runs in slices of a few milliseconds; once the
/// slices are done the matches are the same as one uninterrupted search.
#[test]
fn a_search_in_slices_ends_with_the_same_matches_as_one_search() {
    use auditbench::tui::search::{Candidate, Search, Target};
    use std::time::Duration;
    let cands: Vec<Candidate> = (0..60_000)
        .map(|i| Candidate {
            text: format!("NC-{i:05} Generated finding {i} on 8.{}", i % 7),
            kind: "finding",
            target: Target::Finding(i),
        })
        .collect();
    let mut sliced = Search::new(&cands);
    let mut q = String::new();
    for ch in "nc 8.3".chars() {
        q.push(ch);
        sliced.set_query(&q, &cands);
    }
    let mut slices = 0;
    while sliced.busy() {
        sliced.work(&cands, Duration::from_micros(500));
        slices += 1;
    }
    let mut whole = Search::new(&[]);
    whole.set_query("nc 8.3", &[]);
    whole.refresh(&cands);
    while whole.busy() {
        whole.work(&cands, Duration::from_secs(60));
    }
    assert!(!sliced.matches.is_empty());
    assert_eq!(sliced.matches, whole.matches, "after {slices} slices");
}

/// The findings list holds only runs of ids around what was shown: keyset
/// pages on from a run or back from the next, the last page back from the
/// end (`G`), a finding's place by counting the findings before it. Over a
/// walk of moves and jumps, in every order and under filters, every id it
/// holds is the one at that place in the whole list (read at once by
/// position, the oracle), a jump lands where the oracle says, and it holds
/// a small part of the list.
#[test]
fn the_findings_list_reads_runs_that_agree_with_the_whole_list() {
    use auditbench::domain::{FindingStatus, Grade};
    use auditbench::store::{FindingFilter, FindingOrder, Store};
    use auditbench::tui::model::FindingList;
    let env = Env::new();
    let mut store = Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut store).unwrap();
    let cat = store
        .catalogue(&store.audit(&id).unwrap().catalogue_id)
        .unwrap();
    auditbench::demo::add_scale(&mut store, &id, &cat, 3_000).unwrap();
    let counts = store.finding_counts(&id).unwrap();
    let filters = [
        FindingFilter::default(),
        FindingFilter {
            grade: Some(Grade::Minor),
            ..Default::default()
        },
        FindingFilter {
            status: Some(FindingStatus::Open),
            ..Default::default()
        },
        FindingFilter {
            clause_id: Some("8.1".into()),
            ..Default::default()
        },
    ];
    let orders = [
        FindingOrder::Report,
        FindingOrder::Due,
        FindingOrder::Status,
        FindingOrder::Reference,
    ];
    // a fixed pseudo-random walk (the same on every run)
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for filter in &filters {
        for order in orders {
            let whole = store
                .finding_rowids_page(&id, filter, order, 0, usize::MAX)
                .unwrap();
            let mut list = FindingList::load(&store, &id, filter, order, &counts).unwrap();
            assert_eq!(list.len(), whole.len(), "{filter:?} {order:?}: the count");
            let n = whole.len();
            let mut at = 0usize;
            for step in 0..40 {
                match next(5) {
                    // a screenful further down or up, from where we are
                    0 => at = (at + next(40)).min(n.saturating_sub(1)),
                    1 => at = at.saturating_sub(next(40)),
                    // G
                    2 => at = n.saturating_sub(1),
                    // a jump to a finding (the finder's Enter)
                    3 if n > 0 => {
                        let want = next(n);
                        let got = list.find(&store, &id, whole[want]).unwrap();
                        assert_eq!(got, Some(want), "{filter:?} {order:?} step {step}");
                        at = want;
                    }
                    _ => at = next(n),
                }
                let rows = list.window(&store, &id, at, 30).unwrap();
                let want: Vec<i64> = whole.iter().skip(at).take(30).copied().collect();
                let got: Vec<i64> = rows
                    .iter()
                    .map(|f| store.finding_rowid(&f.id).unwrap())
                    .collect();
                assert_eq!(
                    got, want,
                    "{filter:?} {order:?} step {step}: the window at {at}"
                );
                for (i, want) in whole.iter().enumerate() {
                    if let Some(r) = list.get(i) {
                        assert_eq!(r, *want, "{filter:?} {order:?} step {step}: id at {i}");
                    }
                }
            }
            if n > 2_000 {
                assert!(
                    list.held() < n,
                    "{filter:?} {order:?}: holds {} of {n}",
                    list.held()
                );
            }
        }
    }
    // a finding the filter leaves out is not found
    let major = store
        .finding_rowids_page(
            &id,
            &FindingFilter {
                grade: Some(Grade::Major),
                ..Default::default()
            },
            FindingOrder::Report,
            0,
            1,
        )
        .unwrap()[0];
    let mut minors =
        FindingList::load(&store, &id, &filters[1], FindingOrder::Report, &counts).unwrap();
    assert_eq!(minors.find(&store, &id, major).unwrap(), None);
}

/// The finder ranks the findings, interviews and samples from the file a
/// page at a time, holding only the best: what it ends with is exactly the
/// best MAX_MATCHES of every entry scored at once (ties: the first read).
#[test]
fn the_ranking_from_the_file_ends_with_the_best_of_every_entry() {
    use auditbench::store::TitleReader;
    use auditbench::tui::search::{RecordRanker, Search, MAX_MATCHES};
    let env = Env::new();
    // more findings than the ranker reads in a page (4 096)
    let (s, id) = demo_with_findings(&env, 10_000);
    // every entry, scored at once
    let mut reader = TitleReader::open(&env.db, &id).unwrap();
    let all: Vec<(String, &'static str, String)> = read_every_entry(&mut reader, 700)
        .into_iter()
        .map(|(_, id, kind, text)| (id, kind, text))
        .collect();
    assert!(all.iter().any(|e| e.1 == "notes") && all.iter().any(|e| e.1 == "sample"));
    let scorer = Search::new(&[]);
    let mut ranker = RecordRanker::spawn(&s, &id).unwrap();
    for q in [
        "nc-004",
        "Interviewee 1",
        "8.2",
        "REC-12",
        "generated 7",
        "zqxj",
    ] {
        let mut want: Vec<(i64, usize, &str, &str)> = all
            .iter()
            .enumerate()
            .filter_map(|(i, (_, kind, text))| {
                scorer
                    .score_one(text, q)
                    .map(|sc| (sc, i, *kind, text.as_str()))
            })
            .collect();
        want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        want.truncate(MAX_MATCHES);
        ranker.ask(q);
        ranker.poll(true);
        assert!(ranker.latest.done, "{q}");
        let got: Vec<(i64, &str, &str)> = ranker
            .latest
            .best
            .iter()
            .map(|(sc, c)| (*sc, c.kind, c.text.as_str()))
            .collect();
        let want: Vec<(i64, &str, &str)> = want.iter().map(|w| (w.0, w.2, w.3)).collect();
        assert_eq!(got, want, "{q}");
    }
}

/// The demo file with `n` more findings in its stage 2 audit: the store
/// and the audit's id.
fn demo_with_findings(env: &Env, n: usize) -> (auditbench::store::Store, String) {
    let mut s = auditbench::store::Store::open(&env.db).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let cat = s.catalogue(&s.audit(&id).unwrap().catalogue_id).unwrap();
    auditbench::demo::add_scale(&mut s, &id, &cat, n).unwrap();
    (s, id)
}

/// Every entry of every table, read `at` records a page, with the last
/// row id of each page (what the ranker goes on from).
fn read_every_entry(
    reader: &mut auditbench::store::TitleReader,
    at: usize,
) -> Vec<(i64, String, &'static str, String)> {
    let mut all = Vec::new();
    for table in auditbench::store::Titled::ALL {
        let mut after = i64::MIN;
        loop {
            let more = reader
                .page(table, after, at, |e| {
                    all.push((e.rowid, e.id.to_string(), e.kind, e.text.to_string()))
                })
                .unwrap();
            match more {
                Some(last) => after = last,
                None => break,
            }
        }
    }
    all
}

/// The finder's reader keeps what it read: the next reading gives exactly
/// the same entries in the same order (whatever the pages' size, with only
/// the first records held when the bound is small), and a write to the
/// file by anyone else makes it read the file again.
#[test]
fn the_finders_reader_holds_what_it_read_until_the_file_changes() {
    use auditbench::store::{FindingField, TitleReader, HELD_BYTES};
    let env = Env::new();
    let (mut s, id) = demo_with_findings(&env, 6_000);

    let mut reader = TitleReader::open(&env.db, &id).unwrap();
    assert_eq!(reader.held_bytes(), 0);
    let first = read_every_entry(&mut reader, 700);
    assert!(first.len() > 6_000);
    assert!(first.iter().any(|e| e.2 == "notes") && first.iter().any(|e| e.2 == "sample"));
    let held = reader.held_bytes();
    assert!(held > 0 && held <= HELD_BYTES, "{held}");
    // from memory, in pages of other sizes: the same
    for at in [700, 1, 999, 10_000] {
        assert_eq!(read_every_entry(&mut reader, at), first, "pages of {at}");
    }
    assert_eq!(reader.held_bytes(), held);

    // a small bound: the first records from memory, the rest from the file
    let mut small = TitleReader::open(&env.db, &id).unwrap();
    small.hold_at_most(64 << 10);
    assert_eq!(read_every_entry(&mut small, 500), first);
    let kept = small.held_bytes();
    assert!(kept > 0 && kept <= 64 << 10, "{kept}");
    assert_eq!(read_every_entry(&mut small, 333), first);
    assert_eq!(small.held_bytes(), kept);

    // a title changed by another connection is read anew
    let (rowid, text) = first
        .iter()
        .find(|e| e.2 == "finding")
        .map(|e| (e.0, e.3.clone()))
        .unwrap();
    let f = s.findings_by_rowid(&[rowid]).unwrap().remove(0);
    s.set_finding_field(&f.id, FindingField::Title, "Plugh review of the changes")
        .unwrap();
    let after = read_every_entry(&mut reader, 700);
    assert_eq!(after.len(), first.len());
    let changed = after
        .iter()
        .find(|e| e.0 == rowid && e.2 == "finding")
        .unwrap();
    assert_eq!(
        changed.3,
        format!("{} Plugh review of the changes", f.reference)
    );
    assert_ne!(changed.3, text);
    let small_after = read_every_entry(&mut small, 500);
    assert_eq!(small_after, after);
}
