//! The workbench on a `demo --scale 100000` audit, in-process: key press →
//! next frame on each screen (through ratatui's `TestBackend`), a fuzzy
//! finder keystroke over every clause, finding and interview, and one
//! durable edit; each beside its anchor measured in the same run (an empty
//! frame; a bare rusqlite insert + commit with the same pragmas).
//!
//! Run: `cargo bench --bench workbench`. Before the criterion groups it
//! prints p50 / p99 / max of 2 000 mixed key presses (criterion reports
//! medians, the target is a p99).

#[path = "fixture.rs"]
mod fixture;

use std::time::{Duration, Instant};

use auditbench::store::{FindingField, Store};
use auditbench::tui::action::Action;
use auditbench::tui::app::App;
use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

const SCALE: usize = 100_000;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    drop(fixture::scaled_audit(&path, SCALE));
    Fixture { _dir: dir, path }
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// A workbench with the big audit open, and a 120×36 terminal.
fn workbench(path: &std::path::Path) -> (App, Terminal<TestBackend>) {
    let store = Store::open(path).expect("open");
    let mut app = App::new(store).expect("app");
    app.dispatch(Action::Select);
    let term = Terminal::new(TestBackend::new(120, 36)).expect("terminal");
    (app, term)
}

fn press(app: &mut App, term: &mut Terminal<TestBackend>, k: KeyEvent) {
    // (the frame is drawn right after the key, as the event loop does)
    app.handle_key(k);
    app.draw(term).expect("draw");
}

/// Open the finder afresh (untimed) and type `query`, timed from its first key.
fn type_in_finder(app: &mut App, term: &mut Terminal<TestBackend>, query: &str) -> Instant {
    press(app, term, key(KeyCode::Esc));
    press(app, term, key(KeyCode::Char('/')));
    let t = Instant::now();
    for ch in query.chars() {
        press(app, term, key(KeyCode::Char(ch)));
    }
    t
}

fn percentiles(path: &std::path::Path) {
    let (mut app, mut term) = workbench(path);
    // A walk a user might take: move through every screen, page, filter,
    // sort, open and close findings, type in the finder.
    let script: Vec<KeyEvent> = [
        "1", "3", "j", "j", "j", "l", "j", "k", "2", "j", "j", "4", "j", "j", "j", "G", "g", "f",
        "f", "t", "\u{8}", "o", "o", "o", "o", "\r", "j", "j", "\u{1b}", "5", "j", "k", "/", "n",
        "c", " ", "8", "\u{1b}",
    ]
    .iter()
    .map(|s| match *s {
        "\r" => key(KeyCode::Enter),
        "\u{1b}" => key(KeyCode::Esc),
        "\u{8}" => key(KeyCode::Backspace),
        s => key(KeyCode::Char(s.chars().next().unwrap_or(' '))),
    })
    .collect();
    let mut times = Vec::new();
    let mut slowest: Vec<(Duration, usize)> = Vec::new();
    // Between two key presses the event loop has idle turns (a person types
    // at most a few keys a second): unfinished work (the finder's search, the
    // rest of a findings list) goes on then, in slices. A key that arrives
    // during a slice waits for it: the longest slice is reported too.
    let mut longest_slice = Duration::ZERO;
    let mut idle = |app: &mut App, term: &mut Terminal<TestBackend>| {
        while app.busy() {
            let t = Instant::now();
            app.dispatch(Action::Work);
            app.draw(term).expect("draw");
            longest_slice = longest_slice.max(t.elapsed());
        }
    };
    while times.len() < 2000 {
        for (i, k) in script.iter().enumerate() {
            let t = Instant::now();
            press(&mut app, &mut term, *k);
            let e = t.elapsed();
            times.push(e);
            slowest.push((e, i));
            idle(&mut app, &mut term);
        }
    }
    println!("longest idle-turn slice (the most a key can wait behind background work): {longest_slice:.1?}");
    slowest.sort_by_key(|x| std::cmp::Reverse(x.0));
    slowest.dedup_by_key(|x| x.1);
    let worst: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(d, i)| format!("key #{i} {:?}: {d:.1?}", script[*i].code))
        .collect();
    println!("slowest keys of the walk: {}", worst.join(", "));
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "key press → frame over {} presses at {SCALE} findings: p50 {:?}, p99 {:?}, max {:?}",
        times.len(),
        at(0.50),
        at(0.99),
        times[times.len() - 1]
    );
}

fn bench(c: &mut Criterion) {
    let fx = fixture();
    percentiles(&fx.path);

    let mut g = c.benchmark_group("frame_100k");
    g.sample_size(30).measurement_time(Duration::from_secs(3));
    {
        let mut term = Terminal::new(TestBackend::new(120, 36)).expect("terminal");
        g.bench_function("anchor_empty_frame", |b| {
            b.iter(|| {
                term.draw(|_| {}).expect("draw");
            })
        });
    }
    let (mut app, mut term) = workbench(&fx.path);
    for (name, goto, k) in [
        ("findings_move", '4', KeyCode::Char('j')),
        ("findings_page", '4', KeyCode::PageDown),
        ("stage2_move", '3', KeyCode::Char('j')),
        ("overview_redraw", '1', KeyCode::Char('1')),
    ] {
        press(&mut app, &mut term, key(KeyCode::Char(goto)));
        g.bench_function(name, |b| {
            b.iter(|| press(&mut app, &mut term, key(k)));
        });
    }
    press(&mut app, &mut term, key(KeyCode::Char('4')));
    g.bench_function("findings_filter_grade", |b| {
        b.iter(|| press(&mut app, &mut term, key(KeyCode::Char('f'))));
    });
    press(&mut app, &mut term, key(KeyCode::Backspace));
    // Opening the audit until its overview is drawn; the finder's findings
    // then arrive from a background thread (waited for outside the timing).
    g.bench_function("open_audit", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                press(&mut app, &mut term, key(KeyCode::Char('0')));
                let t = Instant::now();
                press(&mut app, &mut term, key(KeyCode::Enter));
                total += t.elapsed();
                app.finder_poll(true);
                while app.busy() {
                    app.dispatch(Action::Work);
                }
            }
            total
        });
    });
    g.finish();

    let mut g = c.benchmark_group("finder_100k");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for query in ["n", "nc-", "generated 99"] {
        let label = format!("type_{}", query.replace(' ', "_"));
        // Time per keystroke: the whole query typed, divided by its length.
        g.bench_function(&label, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = type_in_finder(&mut app, &mut term, query);
                    total += t.elapsed() / query.chars().count() as u32;
                }
                total
            });
        });
    }
    // Until every candidate is scored (the frames in between show the best
    // matches so far).
    for query in ["n", "generated 99"] {
        let label = format!("complete_{}", query.replace(' ', "_"));
        g.bench_function(&label, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = type_in_finder(&mut app, &mut term, query);
                    while app.busy() {
                        app.dispatch(Action::Work);
                        app.draw(&mut term).expect("draw");
                    }
                    total += t.elapsed();
                }
                total
            });
        });
    }
    // The findings' texts (trigram index, on the finder's own thread): from
    // the last key of the query to its hits drawn. A record id found once,
    // a phrase found in every finding (the first 50 are taken), a query
    // found nowhere.
    for query in ["rec-391562", "expected control", "no such text here"] {
        let label = format!("text_hits_{}", query.replace([' ', '-'], "_"));
        g.bench_function(&label, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    type_in_finder(&mut app, &mut term, query);
                    let t = Instant::now();
                    app.finder_poll(true);
                    app.draw(&mut term).expect("draw");
                    total += t.elapsed();
                }
                total
            });
        });
    }
    press(&mut app, &mut term, key(KeyCode::Esc));
    g.finish();

    // One durable edit through the store (history row and hash included),
    // beside a bare rusqlite insert + commit with the same pragmas.
    let mut g = c.benchmark_group("edit_100k");
    g.sample_size(30);
    let audit = app.model.data.as_ref().expect("audit").audit.id.clone();
    let target = app.store.finding_by_ref(&audit, "NC-001").expect("NC-001");
    let mut n = 0u64;
    g.bench_function("set_finding_field", |b| {
        b.iter(|| {
            n += 1;
            app.store
                .set_finding_field(&target.id, FindingField::Evidence, &format!("edit {n}"))
                .expect("edit");
        })
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let bare = rusqlite::Connection::open(dir.path().join("bare.sqlite")).expect("bare");
    bare.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);",
    )
    .expect("bare schema");
    g.bench_function("anchor_bare_insert_commit", |b| {
        b.iter(|| {
            bare.execute("INSERT INTO t (v) VALUES ('edit')", [])
                .expect("insert");
        })
    });
    g.finish();

    // what every reload and every clause-checking write reads: the audit's
    // catalogue and grade scale (parsed once per process), and a
    // rehearsal's reload after one rating, on the demo rehearsal
    let mut g = c.benchmark_group("reads");
    g.bench_function("catalogue_of_an_audit", |b| {
        b.iter(|| app.store.catalogue("iso20000-1-2018").expect("catalogue"))
    });
    g.bench_function("grade_scale_of_an_audit", |b| {
        b.iter(|| app.store.audit_scale(&audit).expect("scale"))
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let mut small = auditbench::store::Store::open(&dir.path().join("r.sqlite")).expect("open");
    let (_, rehearsal) = auditbench::demo::create_rehearsals(&mut small).expect("rehearsals");
    let mut d = auditbench::tui::model::AuditData::load(&small, &rehearsal).expect("load");
    g.bench_function("rehearsal_reload_after_a_rating", |b| {
        b.iter(|| d.reload_ratings(&small).expect("reload"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
