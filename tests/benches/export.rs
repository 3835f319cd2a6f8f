//! CSV export of a `demo --scale 100000` audit, beside its anchor: the time
//! `sqlite3 -csv FILE 'select … from findings'` takes on the same file; and
//! the XLSX workbook and OSCAL assessment results (targets ≤ 3x the CSV);
//! the audit report of the same audit in HTML, Markdown and Word (target ≤ 2 s).
//!
//! Run: `cargo bench --bench export`. The anchor is skipped (with a note) when
//! no `sqlite3` is on the PATH.

#[path = "binary.rs"]
mod binary;
#[path = "fixture.rs"]
mod fixture;

use std::io;
use std::process::{Command, Stdio};

use auditbench::export::csv::write_findings;
use binary::EXPORT_SQL;
use criterion::{criterion_group, criterion_main, Criterion};

const SCALE: usize = 100_000;

fn bench_export(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let (store, id) = fixture::scaled_audit(&path, SCALE);
    let audit = store.audit(&id).expect("audit");
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");

    let mut group = c.benchmark_group("export_100k");
    group.sample_size(10);
    group.bench_function("auditbench_csv", |b| {
        b.iter(|| {
            let (rows, _) =
                write_findings(&store, &audit, Default::default(), io::sink()).expect("export");
            assert_eq!(rows, SCALE + 12);
        })
    });
    let have_sqlite3 = Command::new("sqlite3").arg("-version").output().is_ok();
    if have_sqlite3 {
        group.bench_function("anchor_sqlite3_csv", |b| {
            b.iter(|| {
                let status = Command::new("sqlite3")
                    .arg("-csv")
                    .arg(&path)
                    .arg(EXPORT_SQL)
                    .stdout(Stdio::null())
                    .status()
                    .expect("sqlite3");
                assert!(status.success());
            })
        });
    } else {
        eprintln!("sqlite3 not found: the anchor is not measured");
    }
    group.finish();

    // The XLSX workbook (every sheet), to a temporary file, as `export
    // --format xlsx` writes it.
    let mut group = c.benchmark_group("xlsx_100k");
    group.sample_size(10);
    group.bench_function("workbook", |b| {
        b.iter(|| {
            let file = tempfile::tempfile().expect("temp file");
            let (rows, _) =
                auditbench::export::xlsx::write_workbook(&store, &audit, io::BufWriter::new(file))
                    .expect("xlsx");
            assert_eq!(rows, SCALE + 12);
        })
    });
    group.finish();

    // OSCAL assessment results (target: at most 3x the CSV), to a sink.
    let mut group = c.benchmark_group("oscal_100k");
    group.sample_size(10);
    group.bench_function("assessment_results", |b| {
        b.iter(|| {
            let (rows, _) = auditbench::export::oscal::write_assessment_results(
                &store,
                &audit,
                false,
                io::BufWriter::new(io::sink()),
            )
            .expect("oscal");
            assert_eq!(rows, SCALE + 12);
        })
    });
    group.finish();

    // The report: gathered, then rendered while its findings are read a
    // page at a time.
    let mut group = c.benchmark_group("report_100k");
    group.sample_size(10);
    let offset = chrono::FixedOffset::east_opt(0).expect("offset");
    for (name, format) in [
        ("html", auditbench::report::Format::Html),
        ("markdown", auditbench::report::Format::Markdown),
        ("docx", auditbench::report::Format::Docx),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let data =
                    auditbench::report::gather(&store, &audit, false, offset).expect("gather");
                auditbench::report::render(&data, format, None, io::sink()).expect("render");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_export);
criterion_main!(benches);
