//! Cost against the size of the audit: every figure of issue 17 at 1 000,
//! 10 000 and 100 000 findings, and at 1 000 000 with
//! `AUDITBENCH_BENCH_1M=1` (it needs about 2 GB of disk and a few minutes),
//! each beside its anchor measured in the same run:
//!
//! | figure | how | anchor |
//! |---|---|---|
//! | generation | `demo --scale N`, the release binary | sqlite3 inserting N rows of the same size |
//! | file size per finding | the file after a clean close | – |
//! | start → first frame | pseudo-terminal, median of 5 | `sqlite3 FILE 'select count(*) from findings'` |
//! | opening an audit: painted / complete | in-process, Enter → frame; → nothing left for idle turns | an empty frame |
//! | key press → frame over a walk of every screen | in-process, p50 / p99 / max, and the longest idle-turn slice a key can wait behind | an empty frame |
//! | finder | in-process, "change" typed: the slowest keystroke → frame; → the first frame with records ranked from the file; → full ranking | – |
//! | peak resident memory | pseudo-terminal: audit open, findings screen, finder used (`VmHWM`) | – |
//! | CSV export | `export --out FILE`, median of 3 | `sqlite3 -csv` on the same query to a file |
//!
//! It prints a Markdown table and writes the log-log plot to
//! `screenshots/scale.svg` (README → Performance).
//!
//! Run: `cargo bench --bench scale` (Linux; needs `sqlite3` for the anchors).
//!
//! `AUDITBENCH_BENCH_ENCRYPTED=1` measures instead the same figures at
//! 100 000 findings on a plain file and on the same file encrypted (issue
//! 18), side by side with their ratio; the encrypted file's anchor for the
//! first frame is SQLCipher's own key derivation, measured in the same run.
//! Two figures are measured again in-process with the key derived before
//! (what every connection of a process after its first pays): the store
//! opened → the first frame, and the CSV export. The key derivation is
//! deliberately slow and varies by a third between runs on a shared
//! machine, so a process's time less a separate measure of it says little.
//! The in-process figures are measured in three rounds, the two files
//! taking turns, and each is the median of its rounds: on this shared
//! machine a single round's p99 drifted with the minute (the same code
//! gave 1.0× and 2.8×).

#[path = "binary.rs"]
mod binary;
#[path = "../common/pty.rs"]
mod pty;
#[path = "session.rs"]
mod session;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use auditbench::store::{Key, OpenOptions, Passphrase, Store};
use auditbench::tui::action::Action;
use auditbench::tui::app::App;
use plotters::prelude::*;
use pty::Tui;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use binary::{median, proc_kb, BIN, EXPORT_SQL};

#[derive(Default, Clone)]
struct Row {
    size: usize,
    /// The file is encrypted (the encrypted column).
    encrypted: bool,
    /// `auditbench encrypt` of the generated file (encrypted column).
    encrypt: Duration,
    /// One connection keyed with the passphrase: SQLCipher's KDF.
    key_derivation: Duration,
    generation: Duration,
    generation_anchor: Duration,
    bytes_per_finding: u64,
    first_frame: Duration,
    first_frame_anchor: Duration,
    open_paint: Duration,
    open_complete: Duration,
    empty_frame: Duration,
    key_p50: Duration,
    key_p99: Duration,
    key_max: Duration,
    slice_max: Duration,
    finder_key_max: Duration,
    /// The slowest keystroke → the first frame showing records ranked from
    /// the file (findings, interviews, samples).
    finder_first_max: Duration,
    finder_full: Duration,
    peak_mb: u64,
    export: Duration,
    export_anchor: Duration,
    /// In-process, with the key already derived (as every connection of a
    /// process after its first): the store opened and the first frame
    /// drawn; the CSV export (encrypted mode only).
    first_frame_keyed: Duration,
    export_keyed: Duration,
    /// The audit measured (kept files only).
    audit: String,
}

/// The binary on `db`, without rolling backups (they would be measured).
fn run(db: &Path, args: &[&str]) -> String {
    binary::run(db, &[&["--keep-backups", "0"], args].concat())
}

fn sqlite3(db: &Path, sql: &str, csv_to: Option<&Path>) -> Duration {
    let mut cmd = Command::new("sqlite3");
    if csv_to.is_some() {
        cmd.arg("-csv");
    }
    cmd.arg(db).arg(sql);
    match csv_to {
        Some(p) => cmd.stdout(std::fs::File::create(p).expect("anchor output")),
        None => cmd.stdout(Stdio::null()),
    };
    let t = Instant::now();
    let st = cmd.status().expect("sqlite3");
    assert!(st.success(), "sqlite3 {sql}");
    t.elapsed()
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn press(app: &mut App, term: &mut Terminal<TestBackend>, k: KeyEvent) {
    app.handle_key(k);
    app.draw(term).expect("draw");
}

/// Idle turns until nothing is left for them, as the event loop runs them
/// between keys; the longest slice (what a key arriving then waits for).
fn settle(app: &mut App, term: &mut Terminal<TestBackend>) -> Duration {
    let mut longest = Duration::ZERO;
    while app.busy() || app.finder_loading() {
        let t = Instant::now();
        app.dispatch(Action::Work);
        app.draw(term).expect("draw");
        longest = longest.max(t.elapsed());
        if !app.busy() {
            // only a background thread is awaited: the loop would sleep
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    longest
}

/// The walk of every screen (as `cargo bench --bench workbench` walks).
fn walk_script() -> Vec<KeyEvent> {
    [
        "1", "3", "j", "j", "j", "l", "j", "k", "2", "j", "j", "4", "j", "j", "j", "G", "g", "f",
        "f", "t", "\u{8}", "o", "o", "o", "o", "\r", "j", "j", "\u{1b}", "5", "j", "k", "6", "j",
        "7", "j", "/", "n", "c", " ", "8", "\u{1b}", "4", "G", "k", "k",
    ]
    .iter()
    .map(|s| match *s {
        "\r" => key(KeyCode::Enter),
        "\u{1b}" => key(KeyCode::Esc),
        "\u{8}" => key(KeyCode::Backspace),
        s => key(KeyCode::Char(s.chars().next().unwrap_or(' '))),
    })
    .collect()
}

/// The passphrase of the encrypted column.
const BENCH_PASS: &str = "a passphrase for the encrypted column";

/// The store on `db`, with its key when it is encrypted.
fn open_store(db: &Path) -> Store {
    let key = auditbench::store::looks_encrypted(db)
        .then(|| Key::new(Passphrase::new(BENCH_PASS.into()).expect("passphrase")));
    Store::open_with(
        db,
        &OpenOptions {
            key,
            ..OpenOptions::default()
        },
    )
    .expect("open")
}

/// What the encryption costs beyond the key derivation: the store opened
/// and the first frame drawn, then the CSV export, in this process with a
/// key derived once before (medians of 5 and 3; each on a store of its own,
/// so nothing is in its page cache).
fn keyed(db: &Path, audit: &str, row: &mut Row) {
    let key = auditbench::store::looks_encrypted(db)
        .then(|| Key::new(Passphrase::new(BENCH_PASS.into()).expect("passphrase")));
    let opts = OpenOptions {
        key,
        ..OpenOptions::default()
    };
    drop(Store::open_with(db, &opts).expect("open"));
    let mut term = Terminal::new(TestBackend::new(120, 36)).expect("terminal");
    let mut frames = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open_with(db, &opts).expect("open");
        let mut app = App::new(store).expect("app");
        app.draw(&mut term).expect("draw");
        frames.push(t.elapsed());
    }
    row.first_frame_keyed = median(frames);
    let out = db.with_extension("keyed.csv");
    let mut exports = Vec::new();
    for _ in 0..3 {
        let store = Store::open_with(db, &opts).expect("open");
        let audit = store.find_audit(audit).expect("audit");
        let t = Instant::now();
        auditbench::export::csv::export_to_file(&store, &audit, Default::default(), &out)
            .expect("export");
        exports.push(t.elapsed());
    }
    row.export_keyed = median(exports);
    let _ = std::fs::remove_file(&out);
}

fn in_process(db: &Path, row: &mut Row) {
    let mut term = Terminal::new(TestBackend::new(120, 36)).expect("terminal");
    // the anchor: a frame with nothing in it
    let mut empty = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        term.draw(|_| {}).expect("draw");
        empty.push(t.elapsed());
    }
    row.empty_frame = median(empty);

    // Opening: Enter on the audit → its first frame; → complete.
    let mut paints = Vec::new();
    let mut completes = Vec::new();
    for _ in 0..3 {
        let store = open_store(db);
        let mut app = App::new(store).expect("app");
        app.draw(&mut term).expect("draw");
        let t = Instant::now();
        press(&mut app, &mut term, key(KeyCode::Enter));
        paints.push(t.elapsed());
        settle(&mut app, &mut term);
        completes.push(t.elapsed());
    }
    row.open_paint = median(paints);
    row.open_complete = median(completes);

    // The walk, started at once after opening (work still pending).
    let store = open_store(db);
    let mut app = App::new(store).expect("app");
    press(&mut app, &mut term, key(KeyCode::Enter));
    let script = walk_script();
    let mut times = Vec::new();
    let mut longest = Duration::ZERO;
    let mut slowest: Vec<(Duration, usize)> = Vec::new();
    for _ in 0..6 {
        for (i, k) in script.iter().enumerate() {
            let t = Instant::now();
            press(&mut app, &mut term, *k);
            times.push(t.elapsed());
            slowest.push((t.elapsed(), i));
            longest = longest.max(settle(&mut app, &mut term));
        }
    }
    slowest.sort_by_key(|x| std::cmp::Reverse(x.0));
    slowest.dedup_by_key(|x| x.1);
    let worst: Vec<String> = slowest
        .iter()
        .take(4)
        .map(|(d, i)| format!("#{i} {:?} {d:.1?}", script[*i].code))
        .collect();
    eprintln!("  slowest keys of the walk: {}", worst.join(", "));
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    row.key_p50 = at(0.50);
    row.key_p99 = at(0.99);
    row.key_max = times[times.len() - 1];
    row.slice_max = longest;

    // The finder: "change" typed, each keystroke → frame, and → the first
    // frame showing records ranked from the file (idle turns meanwhile, as
    // the event loop runs them); then the full ranking (nothing left to
    // score or to await).
    let mut firsts = Vec::new();
    let mut ranked = Vec::new();
    let mut fulls = Vec::new();
    for _ in 0..3 {
        press(&mut app, &mut term, key(KeyCode::Esc));
        press(&mut app, &mut term, key(KeyCode::Char('4')));
        settle(&mut app, &mut term);
        press(&mut app, &mut term, key(KeyCode::Char('/')));
        let mut last = Instant::now();
        for ch in "change".chars() {
            last = Instant::now();
            press(&mut app, &mut term, key(KeyCode::Char(ch)));
            firsts.push(last.elapsed());
            while !shows_ranked(&app) && (app.busy() || app.finder_loading()) {
                app.dispatch(Action::Work);
                app.draw(&mut term).expect("draw");
                if !app.busy() {
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
            ranked.push(last.elapsed());
        }
        settle(&mut app, &mut term);
        fulls.push(last.elapsed());
    }
    row.finder_key_max = firsts.into_iter().max().unwrap_or_default();
    row.finder_first_max = ranked.into_iter().max().unwrap_or_default();
    row.finder_full = median(fulls);
}

/// Whether the finder's list shows a record ranked from the file.
fn shows_ranked(app: &App) -> bool {
    let Some(auditbench::tui::popups::Popup::Finder(f)) = app.popups.last() else {
        return false;
    };
    let held = app.model.data.as_ref().map_or(&[][..], |d| &d.finder);
    f.rows(held)
        .iter()
        .any(|r| ["finding", "interview", "notes", "sample"].contains(&r.kind))
}

fn memory(db: &Path) -> u64 {
    let (tui, _) = session::open_and_find(db, "change", Duration::from_millis(3000));
    let peak = proc_kb(tui.pid(), "VmHWM:") / 1024;
    session::quit(tui);
    peak
}

/// Every figure at `size` findings; the file is kept (`dir`/scale-N.sqlite)
/// when `keep`, for more rounds.
fn measure(dir: &Path, size: usize, encrypted: bool, keep: bool) -> Row {
    let mut row = Row {
        size,
        encrypted,
        ..Row::default()
    };
    let db = dir.join(format!("scale-{size}.sqlite"));
    let t = Instant::now();
    let audit = run(&db, &["demo", "--scale", &size.to_string()]);
    row.generation = t.elapsed();
    // a clean close (checkpoint) before the file is measured
    run(&db, &["list"]);
    if encrypted {
        // AUDITBENCH_PASSPHRASE_FILE is set for the whole run (main)
        let t = Instant::now();
        run(&db, &["encrypt", "--wipe-old-backups"]);
        row.encrypt = t.elapsed();
        run(&db, &["list"]);
        let mut kdf = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let c = rusqlite::Connection::open(&db).expect("open");
            c.pragma_update(None, "key", BENCH_PASS).expect("key");
            c.pragma_update(None, "cipher_page_size", auditbench::store::PAGE_SIZE)
                .expect("page size");
            c.pragma_update(None, "cipher_hmac_algorithm", auditbench::store::HMAC)
                .expect("hmac");
            c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })
            .expect("read");
            kdf.push(t.elapsed());
        }
        row.key_derivation = median(kdf);
    }
    row.bytes_per_finding = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) / size as u64;

    let bare = dir.join("bare.sqlite");
    // sqlite3 cannot read an encrypted file: the plain column is its anchor
    if !encrypted {
        row.generation_anchor = sqlite3(
        &bare,
        &format!(
            "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT, body TEXT); \
             WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {size}) \
             INSERT INTO t (title, body) SELECT 'finding ' || i, printf('%.*c', {}, 'x') FROM c;",
            row.bytes_per_finding
        ),
        None,
    );
        let _ = std::fs::remove_file(&bare);
        let _ = std::fs::remove_file(bare.with_extension("sqlite-wal"));
        let _ = std::fs::remove_file(bare.with_extension("sqlite-shm"));
    }

    let mut starts = Vec::new();
    let mut anchors = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut tui = Tui::start(Path::new(BIN), &db);
        tui.wait_for_raw(0, b"Northwind");
        starts.push(t.elapsed());
        tui.keys("q");
        tui.wait();
        if !encrypted {
            anchors.push(sqlite3(&db, "select count(*) from findings", None));
        }
    }
    row.first_frame = median(starts);
    row.first_frame_anchor = if encrypted {
        row.key_derivation
    } else {
        median(anchors)
    };

    in_process(&db, &mut row);
    row.peak_mb = memory(&db);

    let out = dir.join("export.csv");
    let anchor_out = dir.join("anchor.csv");
    let mut exports = Vec::new();
    let mut anchors = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        run(
            &db,
            &[
                "export",
                "--audit",
                &audit,
                "--out",
                out.to_str().expect("utf-8"),
            ],
        );
        exports.push(t.elapsed());
        if !encrypted {
            anchors.push(sqlite3(&db, EXPORT_SQL, Some(&anchor_out)));
        }
    }
    row.export = median(exports);
    if keep {
        keyed(&db, &audit, &mut row);
        row.audit = audit.clone();
    }
    row.export_anchor = if encrypted {
        Duration::ZERO
    } else {
        median(anchors)
    };
    for f in [&out, &anchor_out] {
        let _ = std::fs::remove_file(f);
    }
    if !keep {
        let _ = std::fs::remove_file(&db);
        let _ = std::fs::remove_dir_all(dir.join("backups"));
    }
    row
}

/// The in-process figures of `rows` (rounds of one file), each the median
/// of its rounds.
fn medians(rows: &[Row]) -> Row {
    let mut out = rows[0].clone();
    let fields: [fn(&mut Row) -> &mut Duration; 12] = [
        |r| &mut r.open_paint,
        |r| &mut r.open_complete,
        |r| &mut r.empty_frame,
        |r| &mut r.key_p50,
        |r| &mut r.key_p99,
        |r| &mut r.key_max,
        |r| &mut r.slice_max,
        |r| &mut r.finder_key_max,
        |r| &mut r.finder_first_max,
        |r| &mut r.finder_full,
        |r| &mut r.first_frame_keyed,
        |r| &mut r.export_keyed,
    ];
    let mut rows = rows.to_vec();
    for field in fields {
        let values: Vec<Duration> = rows.iter_mut().map(|r| *field(r)).collect();
        *field(&mut out) = median(values);
    }
    out
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 1.0 {
        format!("{v:.1} ms")
    } else {
        format!("{:.0} µs", v * 1000.0)
    }
}

fn table(rows: &[Row]) -> String {
    let mut s = String::from("| figure |");
    for r in rows {
        s += &format!(
            " {}{} |",
            r.size,
            if r.encrypted { " encrypted" } else { "" }
        );
    }
    s += " anchor, same run |\n|---|";
    for _ in rows {
        s += "---|";
    }
    s += "---|\n";
    let line = |s: &mut String,
                name: &str,
                f: &dyn Fn(&Row) -> String,
                anchor: &dyn Fn(&Row) -> String| {
        *s += &format!("| {name} |");
        for r in rows {
            *s += &format!(" {} |", f(r));
        }
        let anchors: Vec<String> = rows.iter().map(anchor).collect();
        *s += &format!(" {} |\n", anchors.join(" / "));
    };
    let none = |_: &Row| String::from("–");
    line(
        &mut s,
        "generation (`demo --scale N`)",
        &|r| ms(r.generation),
        &|r| format!("{} sqlite3 bare insert", ms(r.generation_anchor)),
    );
    line(
        &mut s,
        "file size per finding",
        &|r| format!("{} B", r.bytes_per_finding),
        &none,
    );
    line(
        &mut s,
        "start → first frame",
        &|r| ms(r.first_frame),
        &|r| format!("{} sqlite3 count", ms(r.first_frame_anchor)),
    );
    line(
        &mut s,
        "opening an audit → painted",
        &|r| ms(r.open_paint),
        &|r| format!("{} empty frame", ms(r.empty_frame)),
    );
    line(
        &mut s,
        "opening an audit → complete",
        &|r| ms(r.open_complete),
        &none,
    );
    line(
        &mut s,
        "key → frame, p50 / p99",
        &|r| format!("{} / {}", ms(r.key_p50), ms(r.key_p99)),
        &none,
    );
    line(
        &mut s,
        "key → frame, slowest key",
        &|r| ms(r.key_max),
        &none,
    );
    line(
        &mut s,
        "longest idle-turn slice",
        &|r| ms(r.slice_max),
        &none,
    );
    line(
        &mut s,
        "finder: slowest keystroke → frame",
        &|r| ms(r.finder_key_max),
        &none,
    );
    line(
        &mut s,
        "finder: first records ranked from the file, slowest keystroke",
        &|r| ms(r.finder_first_max),
        &none,
    );
    line(
        &mut s,
        "finder: full ranking after the last key",
        &|r| ms(r.finder_full),
        &none,
    );
    line(
        &mut s,
        "peak resident memory",
        &|r| format!("{} MB", r.peak_mb),
        &none,
    );
    line(&mut s, "CSV export", &|r| ms(r.export), &|r| {
        format!("{} sqlite3 -csv", ms(r.export_anchor))
    });
    s
}

fn plot(rows: &[Row], path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_max = rows.iter().map(|r| r.size).max().unwrap_or(1_000_000) as f64 * 1.5;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "auditbench: cost against the audit's size (log-log)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            (700f64..x_max).log_scale(),
            (0.01f64..300_000f64).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("findings in the audit")
        .y_desc("milliseconds")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    type Pick = fn(&Row) -> Duration;
    let series: [(&str, Pick, RGBColor); 11] = [
        ("generation", |r| r.generation, RGBColor(120, 120, 120)),
        ("CSV export", |r| r.export, RGBColor(31, 119, 180)),
        (
            "CSV anchor: sqlite3 -csv",
            |r| r.export_anchor,
            RGBColor(158, 202, 225),
        ),
        (
            "start → first frame",
            |r| r.first_frame,
            RGBColor(255, 127, 14),
        ),
        (
            "open → complete",
            |r| r.open_complete,
            RGBColor(44, 160, 44),
        ),
        ("open → painted", |r| r.open_paint, RGBColor(152, 223, 138)),
        (
            "finder: full ranking",
            |r| r.finder_full,
            RGBColor(214, 39, 40),
        ),
        (
            "finder: slowest keystroke",
            |r| r.finder_key_max,
            RGBColor(255, 152, 150),
        ),
        (
            "finder: first ranked records",
            |r| r.finder_first_max,
            RGBColor(140, 86, 75),
        ),
        (
            "key → frame: slowest",
            |r| r.key_max,
            RGBColor(148, 103, 189),
        ),
        ("key → frame: p99", |r| r.key_p99, RGBColor(197, 176, 213)),
    ];
    for (name, pick, color) in series {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .map(|r| (r.size as f64, (pick(r).as_secs_f64() * 1000.0).max(0.011)))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    // the budgets of issue 17
    for (label, v) in [
        ("50 ms: no key waits longer", 50.0),
        ("5 ms: key p99 budget", 5.0),
    ] {
        chart.draw_series(DashedLineSeries::new(
            vec![(700.0, v), (x_max, v)],
            6,
            4,
            BLACK.mix(0.4).stroke_width(1),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            label,
            (800.0, v * 1.25),
            ("sans-serif", 12).into_font().color(&BLACK.mix(0.6)),
        )))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    Ok(())
}

/// Encrypted / plain, per figure (issue 18: each within 1.3×).
fn ratios(plain: &Row, enc: &Row) -> String {
    let r = |a: Duration, b: Duration| {
        if a.is_zero() {
            "–".to_string()
        } else {
            format!("{:.2}×", b.as_secs_f64() / a.as_secs_f64())
        }
    };
    let mut s =
        String::from("| figure | plain | encrypted | encrypted / plain |\n|---|---|---|---|\n");
    let mut line = |name: &str, a: Duration, b: Duration| {
        s += &format!("| {name} | {} | {} | {} |\n", ms(a), ms(b), r(a, b));
    };
    line("start → first frame", plain.first_frame, enc.first_frame);
    line(
        "store opened → first frame, the key derived before (in-process)",
        plain.first_frame_keyed,
        enc.first_frame_keyed,
    );
    line(
        "opening an audit → painted",
        plain.open_paint,
        enc.open_paint,
    );
    line(
        "opening an audit → complete",
        plain.open_complete,
        enc.open_complete,
    );
    line("key → frame p50", plain.key_p50, enc.key_p50);
    line("key → frame p99", plain.key_p99, enc.key_p99);
    line("key → frame, slowest key", plain.key_max, enc.key_max);
    line("longest idle-turn slice", plain.slice_max, enc.slice_max);
    line(
        "finder: slowest keystroke → frame",
        plain.finder_key_max,
        enc.finder_key_max,
    );
    line(
        "finder: first records ranked from the file",
        plain.finder_first_max,
        enc.finder_first_max,
    );
    line("finder: full ranking", plain.finder_full, enc.finder_full);
    line("CSV export", plain.export, enc.export);
    line(
        "CSV export, the key derived before (in-process)",
        plain.export_keyed,
        enc.export_keyed,
    );
    s += &format!(
        "| peak resident memory | {} MB | {} MB | {:.2}× |\n",
        plain.peak_mb,
        enc.peak_mb,
        enc.peak_mb as f64 / plain.peak_mb.max(1) as f64
    );
    s += &format!(
        "| file size per finding | {} B | {} B | {:.2}× |\n",
        plain.bytes_per_finding,
        enc.bytes_per_finding,
        enc.bytes_per_finding as f64 / plain.bytes_per_finding.max(1) as f64
    );
    s += &format!(
        "\nSQLCipher's key derivation (one connection keyed with the passphrase): {}; `auditbench encrypt` of the file: {}\n",
        ms(enc.key_derivation),
        ms(enc.encrypt)
    );
    s
}

fn main() {
    if std::env::var_os("AUDITBENCH_BENCH_ENCRYPTED").is_some() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pass = dir.path().join("passphrase");
        std::fs::write(&pass, format!("{BENCH_PASS}\n")).expect("passphrase file");
        // read by every auditbench this run starts (plain files ignore it)
        std::env::set_var("AUDITBENCH_PASSPHRASE_FILE", &pass);
        let (pdir, edir) = (dir.path().join("plain"), dir.path().join("encrypted"));
        for d in [&pdir, &edir] {
            std::fs::create_dir_all(d).expect("folder");
        }
        let plain = measure(&pdir, 100_000, false, true);
        eprintln!("measured the plain file");
        let enc = measure(&edir, 100_000, true, true);
        // The machine's speed drifts between minutes: two more rounds of the
        // in-process figures, the files taking turns; each figure is the
        // median of its three rounds.
        let (mut plains, mut encs) = (vec![plain.clone()], vec![enc.clone()]);
        for round in 0..2 {
            for (from, rows) in [(&plain, &mut plains), (&enc, &mut encs)] {
                let dir = if from.encrypted { &edir } else { &pdir };
                let db = dir.join(format!("scale-{}.sqlite", from.size));
                let mut row = from.clone();
                in_process(&db, &mut row);
                keyed(&db, &from.audit, &mut row);
                rows.push(row);
            }
            eprintln!("round {} of the in-process figures", round + 2);
        }
        let (plain, enc) = (medians(&plains), medians(&encs));
        println!("{}", table(&[plain.clone(), enc.clone()]));
        println!("{}", ratios(&plain, &enc));
        return;
    }
    let mut sizes = vec![1_000, 10_000, 100_000];
    if std::env::var_os("AUDITBENCH_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();
    for size in sizes {
        let t = Instant::now();
        let row = measure(dir.path(), size, false, false);
        eprintln!("measured {size} findings in {:.0?}", t.elapsed());
        rows.push(row);
        // the table so far, in case a larger size does not finish
        println!("{}", table(&rows));
    }
    let svg: PathBuf = [env!("CARGO_MANIFEST_DIR"), "screenshots", "scale.svg"]
        .iter()
        .collect();
    match plot(&rows, &svg) {
        Ok(()) => println!("plot written to {}", svg.display()),
        Err(e) => eprintln!("plot not written: {e}"),
    }
}
