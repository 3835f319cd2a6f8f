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
