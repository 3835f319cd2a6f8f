//! Issue 18: encrypted audit files (SQLCipher), sealed team files and packs
//! (age). Every check reads real bytes: the file, its WAL, its backups, the
//! sealed files, through the real binary where a user would use it.

#![cfg(unix)]

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Output;

use auditbench::store::{Key, OpenOptions, Passphrase, Store};
use common::*;

const PASS: &str = "correct horse battery staple";

fn write_secret(env: &Env, name: &str, text: &str) -> PathBuf {
    let p = env.path(name);
    std::fs::write(&p, format!("{text}\n")).unwrap();
    p
}

/// Run the binary with the passphrase file (and more variables), in a
/// session of its own: no controlling terminal to ask on, as in CI, even
/// when the tests run in one.
fn run(env: &Env, vars: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut c = std::process::Command::new("setsid");
    c.arg("-w")
        .arg(assert_cmd::cargo::cargo_bin("auditbench"))
        .env_remove("AUDITBENCH_DB")
        .env_remove("AUDITBENCH_PASSPHRASE_FILE")
        .env_remove("AUDITBENCH_SEAL_PASSPHRASE_FILE")
        .env_remove("AUDITBENCH_IDENTITY")
        .arg("--db")
        .arg(&env.db)
        .stdin(std::process::Stdio::null());
    for (k, v) in vars {
        c.env(k, v);
    }
    c.args(args).output().unwrap()
}

fn ok(env: &Env, vars: &[(&str, &Path)], args: &[&str]) -> String {
    let out = run(env, vars, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `list` on the file with a passphrase that is not its own.
fn list_with_a_wrong_passphrase(env: &Env) -> Output {
    let wrong = write_secret(env, "wrong", "not the passphrase");
    run(
        env,
        &[("AUDITBENCH_PASSPHRASE_FILE", wrong.as_path())],
        &["list"],
    )
}

/// The audit file at `db`, opened (or made) encrypted under [`PASS`].
fn open_encrypted(db: &Path) -> Store {
    Store::open_with(
        db,
        &OpenOptions {
            key: Some(Key::new(Passphrase::new(PASS.into()).unwrap())),
            ..OpenOptions::default()
        },
    )
    .unwrap()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Texts from every table of a plain audit file that appear verbatim in its
/// bytes: up to three per table, so that each kind of record has a canary.
fn canaries(db: &Path) -> Vec<(String, String)> {
    let bytes = bytes(db);
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'finding_text%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        let mut found = 0;
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let Ok(rusqlite::types::ValueRef::Text(v)) = row.get_ref(i) else {
                    continue;
                };
                let Ok(v) = std::str::from_utf8(v) else {
                    continue;
                };
                // words, not ids or stamps
                let letters = v.chars().filter(|c| c.is_alphabetic()).count();
                if (10..200).contains(&v.len())
                    && letters * 2 > v.len()
                    && contains(&bytes, v)
                    && !out.iter().any(|(tt, c)| *tt == t && c == v)
                {
                    out.push((t.clone(), v.to_string()));
                    found += 1;
                    break;
                }
            }
            if found == 3 {
                break;
            }
        }
    }
    out
}

fn no_canary(what: &str, bytes: &[u8], canaries: &[(String, String)]) {
    for (table, c) in canaries {
        assert!(
            !contains(bytes, c),
            "{what} shows {c:?} (from {table}) in the clear"
        );
    }
}

fn backups(db: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(db.parent().unwrap().join("backups"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

#[test]
fn nothing_of_an_encrypted_file_its_wal_backups_or_sealed_team_files_and_packs_is_in_the_clear() {
    let env = Env::new();
    let pass = write_secret(&env, "pass", PASS);
    let var = [("AUDITBENCH_PASSPHRASE_FILE", pass.as_path())];
    let audit = env.demo();
    let canaries = canaries(&env.db);
    let tables: std::collections::BTreeSet<&str> =
        canaries.iter().map(|(t, _)| t.as_str()).collect();
    for kind in [
        "audits",
        "findings",
        "interviews",
        "samples",
        "clients",
        "history",
    ] {
        assert!(tables.contains(kind), "no canary from {kind}: {tables:?}");
    }
    assert!(tables.len() >= 8, "{tables:?}");

    let said = ok(&env, &var, &["encrypt", "--wipe-old-backups"]);
    assert!(said.contains("is encrypted"), "{said}");
    assert!(said.contains("Wiped 1 backup"), "{said}");
    assert!(backups(&env.db).is_empty(), "the plain copy was wiped");
    no_canary("the encrypted file", &bytes(&env.db), &canaries);

    // a command opens it to write (a rolling backup is taken: encrypted too)
    ok(
        &env,
        &var,
        &["new", "--org", "Second Client", "--type", "stage1"],
    );
    let list = ok(&env, &var, &["list"]);
    assert!(list.contains("Northwind"), "{list}");
    let taken = backups(&env.db);
    assert_eq!(taken.len(), 1, "{taken:?}");
    for b in &taken {
        no_canary("a rolling backup", &bytes(b), &canaries);
    }
    let copy = env.path("copy.sqlite");
    ok(&env, &var, &["backup", "--to", copy.to_str().unwrap()]);
    no_canary("backup --to", &bytes(&copy), &canaries);
    // a backup opens with the file's passphrase: restore checks it whole
    let said = ok(
        &env,
        &var,
        &["restore", taken[0].to_str().unwrap(), "--yes"],
    );
    assert!(said.contains("Restored"), "{said}");

    // the WAL while a change is in it
    let wal_canary = "Zanzibar Quartermaster Holdings";
    {
        let mut store = open_encrypted(&env.db);
        store.set_local_setting("note", wal_canary).unwrap();
        let wal = bytes(&PathBuf::from(format!("{}-wal", env.db.display())));
        assert!(wal.len() > 4096, "the change is in the WAL: {}", wal.len());
        assert!(!contains(&wal, wal_canary));
        no_canary("the WAL", &wal, &canaries);
    }

    // sealed team files: to a key, to a passphrase
    let id = env.path("me.key");
    let public = ok(
        &env,
        &[],
        &["team", "keys", "--identity", id.to_str().unwrap()],
    );
    let public = public.lines().next().unwrap().trim().to_string();
    assert!(public.starts_with("age1"), "{public}");
    let team = env.path("team.age");
    let out = ok(
        &env,
        &var,
        &[
            "team",
            "share",
            "--audit",
            &audit,
            "--out",
            team.to_str().unwrap(),
            "--to",
            &public,
        ],
    );
    assert!(out.contains("sealed"), "{out}");
    no_canary("a team file sealed to a key", &bytes(&team), &canaries);
    let seal_pass = write_secret(&env, "seal-pass", "a team passphrase");
    let team2 = env.path("team2.age");
    ok(
        &env,
        &[
            var[0],
            ("AUDITBENCH_SEAL_PASSPHRASE_FILE", seal_pass.as_path()),
        ],
        &[
            "team",
            "share",
            "--audit",
            &audit,
            "--out",
            team2.to_str().unwrap(),
            "--passphrase",
        ],
    );
    no_canary(
        "a team file sealed to a passphrase",
        &bytes(&team2),
        &canaries,
    );
    // a teammate's laptop opens them: with the key, with the passphrase
    let mate = Env::new();
    let joined = ok(
        &mate,
        &[],
        &[
            "team",
            "join",
            team.to_str().unwrap(),
            "--identity",
            id.to_str().unwrap(),
        ],
    );
    assert!(joined.contains("joined Northwind"), "{joined}");
    let merged = ok(
        &mate,
        &[("AUDITBENCH_SEAL_PASSPHRASE_FILE", seal_pass.as_path())],
        &["team", "merge", team2.to_str().unwrap()],
    );
    assert!(merged.contains("merged"), "{merged}");
    // without the key: one line, nothing changed
    let other = env.path("other.key");
    ok(
        &env,
        &[],
        &["team", "keys", "--identity", other.to_str().unwrap()],
    );
    let before = bytes(&mate.db);
    let out = run(
        &mate,
        &[],
        &[
            "team",
            "merge",
            team.to_str().unwrap(),
            "--identity",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not sealed to this laptop's key"), "{err}");
    assert_eq!(bytes(&mate.db), before);

    // a sealed pack: one file, nothing in the clear; verify-pack opens it
    let pack = env.path("pack.age");
    ok(
        &env,
        &var,
        &[
            "pack",
            "--audit",
            &audit,
            "--out",
            pack.to_str().unwrap(),
            "--to",
            &public,
        ],
    );
    no_canary("a sealed pack", &bytes(&pack), &canaries);
    let v = ok(
        &env,
        &[],
        &[
            "verify-pack",
            pack.to_str().unwrap(),
            "--identity",
            id.to_str().unwrap(),
        ],
    );
    assert!(v.contains("The pack is intact"), "{v}");
    // an unsealed pack of an encrypted file says it is not encrypted
    let out = run(
        &env,
        &var,
        &[
            "pack",
            "--audit",
            &audit,
            "--out",
            env.path("plain-pack").to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("the pack (seal it with --to KEY or --passphrase) is not encrypted"));
    // a CSV export says it once
    let out = run(&env, &var, &["export", "--audit", &audit]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("not encrypted").count(), 1, "{err}");
}

#[test]
fn a_wrong_passphrase_leaves_the_file_byte_identical_and_says_one_line() {
    let env = Env::new();
    let pass = write_secret(&env, "pass", PASS);
    let var = [("AUDITBENCH_PASSPHRASE_FILE", pass.as_path())];
    ok(
        &env,
        &var,
        &["new", "--encrypt", "--org", "Acme", "--type", "stage2"],
    );
    ok(&env, &var, &["demo"]);
    let before = bytes(&env.db);
    let backups_before = backups(&env.db);
    let out = list_with_a_wrong_passphrase(&env);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
    assert!(err.contains("the passphrase does not open"), "{err}");
    assert!(!err.contains("ERROR"), "SQLCipher's log is silent: {err}");
    assert!(out.stdout.is_empty());
    assert_eq!(bytes(&env.db), before, "the file is byte-identical");
    assert_eq!(backups(&env.db), backups_before, "no backup taken");
    // no passphrase and no terminal: one line naming the way to give it
    let out = run(&env, &[], &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("AUDITBENCH_PASSPHRASE_FILE"), "{err}");
    assert_eq!(bytes(&env.db), before);
    // a new passphrase that is too short is refused before anything is made
    let short = write_secret(&env, "short", "abc");
    let other = Env::new();
    let out = run(
        &other,
        &[("AUDITBENCH_PASSPHRASE_FILE", short.as_path())],
        &["new", "--encrypt", "--org", "Acme", "--type", "stage2"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!other.db.exists());
}

#[test]
fn plain_files_from_earlier_versions_open_without_a_prompt() {
    // a file of schema version 9, as an auditbench of that time wrote it
    let env = Env::new();
    {
        let mut conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.pragma_update(None, "application_id", auditbench::store::APPLICATION_ID)
            .unwrap();
        auditbench::store::migrations()
            .to_version(&mut conn, 9)
            .unwrap();
    }
    let out = run(&env, &[], &["list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let version: i64 = rusqlite::Connection::open(&env.db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        version,
        auditbench::store::latest_schema_version(),
        "upgraded"
    );
    assert!(!auditbench::store::looks_encrypted(&env.db));
    // and today's plain file, in the workbench: no prompt, the list at once
    env.demo();
    let mut tui = pty::Tui::start(&assert_cmd::cargo::cargo_bin("auditbench"), &env.db);
    tui.wait_for(0, "Northwind");
    assert!(!String::from_utf8_lossy(&tui.output()).contains("Passphrase"));
    tui.keys("q");
    assert_eq!(tui.exit_code(), Some(0));
}

/// Every row of every table, in order, as text: two files hold the same
/// records exactly when these are equal.
fn dump(db: &Path, key: Option<&str>) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    if let Some(k) = key {
        // what any SQLCipher 4 needs to open our files (README → Confidentiality)
        conn.pragma_update(None, "key", k).unwrap();
        conn.pragma_update(None, "cipher_page_size", auditbench::store::PAGE_SIZE)
            .unwrap();
        conn.pragma_update(None, "cipher_hmac_algorithm", auditbench::store::HMAC)
            .unwrap();
    }
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0 ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{t}\"")))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out
}

#[test]
fn encrypt_rekey_decrypt_keeps_every_row_and_the_trail() {
    let env = Env::new();
    env.demo();
    let original = dump(&env.db, None);
    assert!(original.len() > 300, "{}", original.len());
    let pass = write_secret(&env, "pass", PASS);
    let newp = write_secret(&env, "new", "a brand new passphrase");
    let var = [("AUDITBENCH_PASSPHRASE_FILE", pass.as_path())];
    ok(&env, &var, &["encrypt", "--keep-old-backups"]);
    assert!(auditbench::store::looks_encrypted(&env.db));
    assert_eq!(
        dump(&env.db, Some(PASS)),
        original,
        "encrypted: the same rows"
    );
    let v = ok(&env, &var, &["verify"]);
    assert!(v.contains("The file is intact"), "{v}");
    // kept: the plain file in backups/, listed
    let kept = backups(&env.db);
    assert!(
        kept.iter()
            .any(|p| p.to_string_lossy().contains("before-encrypt")),
        "{kept:?}"
    );

    ok(
        &env,
        &[var[0], ("AUDITBENCH_NEW_PASSPHRASE_FILE", newp.as_path())],
        &["rekey", "--wipe-old-backups"],
    );
    assert!(backups(&env.db).is_empty(), "every old copy wiped");
    let out = run(&env, &var, &["list"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the old passphrase no longer opens it"
    );
    let newvar = [("AUDITBENCH_PASSPHRASE_FILE", newp.as_path())];
    ok(&env, &newvar, &["decrypt"]);
    assert!(!auditbench::store::looks_encrypted(&env.db));
    let v = ok(&env, &[], &["verify"]);
    assert!(v.contains("The file is intact"), "{v}");
    // the round trip adds the openings' backups, nothing else: same rows
    assert_eq!(dump(&env.db, None), original);
}

#[test]
fn the_workbench_asks_masked_three_times_and_the_passphrase_is_never_on_the_command_line() {
    let env = Env::new();
    let pass = write_secret(&env, "pass", PASS);
    ok(
        &env,
        &[("AUDITBENCH_PASSPHRASE_FILE", pass.as_path())],
        &["demo"],
    );
    ok(
        &env,
        &[("AUDITBENCH_PASSPHRASE_FILE", pass.as_path())],
        &["encrypt", "--wipe-old-backups"],
    );
    let bin = assert_cmd::cargo::cargo_bin("auditbench");

    // three wrong tries: the workbench ends, the file untouched
    let before = bytes(&env.db);
    let mut tui = pty::Tui::start(&bin, &env.db);
    tui.wait_for(0, "Passphrase for");
    for n in 0..3 {
        let m = tui.mark();
        tui.keys(&format!("wrong guess {n}\r"));
        if n < 2 {
            tui.wait_for(m, "tries left");
            tui.wait_for(m, "Passphrase for");
        }
    }
    assert_eq!(tui.exit_code(), Some(2));
    assert_eq!(bytes(&env.db), before);

    // the right one at the second try: masked, then the workbench
    let mut tui = pty::Tui::start(&bin, &env.db);
    tui.wait_for(0, "Passphrase for");
    let m = tui.mark();
    tui.keys("nope\r");
    tui.wait_for(m, "tries left");
    tui.wait_for(m, "Passphrase for");
    tui.keys(PASS);
    tui.wait_for(m, &"*".repeat(PASS.len()));
    tui.keys("\r");
    tui.wait_for(m, "Northwind");
    let out = String::from_utf8_lossy(&tui.output()).into_owned();
    assert!(!out.contains(PASS), "the passphrase was echoed");
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", tui.pid())).unwrap();
    assert!(!contains(&cmdline, PASS));
    assert!(contains(&cmdline, "--db"), "read the right process");
    let environ = std::fs::read(format!("/proc/{}/environ", tui.pid())).unwrap();
    assert!(!contains(&environ, PASS));
    // nothing beside the file holds it (lock file, backups)
    for entry in std::fs::read_dir(env.dir.path()).unwrap().flatten() {
        let p = entry.path();
        if p.is_file() && p != env.path("pass") {
            assert!(!contains(&bytes(&p), PASS), "{} holds it", p.display());
        }
    }
    tui.keys("q");
    assert_eq!(tui.exit_code(), Some(0));
}

/// A bulk load (the demo's scale) of an encrypted file keeps SQLite's
/// temporary data, its index builds' sort runs among them, in memory: a
/// plain file's go to temporary files, which are not encrypted.
#[test]
fn a_bulk_load_of_an_encrypted_file_keeps_its_temporary_data_in_memory() {
    let env = Env::new();
    let mut s = open_encrypted(&env.db);
    let temp_store = |s: &Store| -> i64 {
        s.connection()
            .query_row("PRAGMA temp_store", [], |r| r.get(0))
            .unwrap()
    };
    let before = temp_store(&s);
    s.bulk_load(|s| {
        assert_ne!(temp_store(s), 1, "no temporary files");
        let id = auditbench::demo::create_demo(s)?;
        let cat = s.catalogue(&s.audit(&id)?.catalogue_id)?;
        auditbench::demo::add_scale(s, &id, &cat, 10_000)
    })
    .unwrap();
    assert_eq!(temp_store(&s), before);
    assert_eq!(s.verify_history().unwrap().broken, None);
    assert_eq!(s.verify_data().unwrap(), None);
    drop(s);
    let file = bytes(&env.db);
    assert!(file.len() > 10_000 * 1_000, "{}", file.len());
    assert!(!contains(&file, "Generated finding"));
}

/// Whether `db` opens under [`PASS`] with pages of `size` bytes (a fresh
/// connection, as any SQLCipher 4 would open it).
fn opens_with_pages(db: &Path, size: u32) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    // (SQLCipher's own log lines of a failed read, silenced)
    let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
    conn.pragma_update(None, "key", PASS).unwrap();
    conn.pragma_update(None, "cipher_page_size", size).unwrap();
    conn.pragma_update(None, "cipher_hmac_algorithm", auditbench::store::HMAC)
        .unwrap();
    conn.query_row("SELECT count(*) FROM findings", [], |r| r.get::<_, i64>(0))
        .is_ok()
}

/// Files encrypted before new files got 4 KiB pages have 16 KiB pages: they
/// still open (in the workbench, the CLI, the finder's thread), their
/// backups are written and opened with the same pages, and `rekey` turns
/// them into today's.
#[test]
fn an_encrypted_file_with_the_older_16_kib_pages_still_opens_and_rekey_updates_it() {
    use auditbench::store::{TitleReader, Titled};
    let env = Env::new();
    env.demo();
    let rows = dump(&env.db, None);
    // encrypted as the version before did: 16 KiB pages
    let old = env.path("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        conn.execute(
            "ATTACH DATABASE ?1 AS old KEY ?2",
            rusqlite::params![old.to_string_lossy(), PASS],
        )
        .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA old.cipher_page_size = 16384;
             PRAGMA old.cipher_hmac_algorithm = {};",
            auditbench::store::HMAC
        ))
        .unwrap();
        conn.query_row("SELECT sqlcipher_export('old')", [], |_| Ok(()))
            .unwrap();
        conn.pragma_update(Some("old"), "user_version", version)
            .unwrap();
        conn.pragma_update(
            Some("old"),
            "application_id",
            auditbench::store::APPLICATION_ID,
        )
        .unwrap();
    }
    for side in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", env.db.display()));
    }
    std::fs::rename(&old, &env.db).unwrap();
    assert!(opens_with_pages(&env.db, 16384));
    assert!(!opens_with_pages(&env.db, 4096));

    // the CLI
    let pass = write_secret(&env, "pass", PASS);
    let var = [("AUDITBENCH_PASSPHRASE_FILE", pass.as_path())];
    assert!(ok(&env, &var, &["list"]).contains("Northwind"));
    let v = ok(&env, &var, &["verify"]);
    assert!(v.contains("The file is intact"), "{v}");

    // the workbench's store and the finder's own connection; a backup
    let store = open_encrypted(&env.db);
    let audit = store.list_audits().unwrap()[0].audit.id.clone();
    let mut reader = TitleReader::open(&env.db, &audit).unwrap();
    let mut titles = 0;
    reader
        .page(Titled::Findings, i64::MIN, 100, |_| titles += 1)
        .unwrap();
    assert!(titles > 5, "{titles}");
    let copy = env.path("copy.sqlite");
    store.backup_to(&copy).unwrap();
    drop(store);
    assert!(
        opens_with_pages(&copy, 16384),
        "the backup has the file's pages"
    );
    assert_eq!(
        open_encrypted(&copy).list_audits().unwrap().len(),
        open_encrypted(&env.db).list_audits().unwrap().len()
    );

    // a wrong passphrase is still refused in one line, the file unchanged
    let before = std::fs::read(&env.db).unwrap();
    let out = list_with_a_wrong_passphrase(&env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the passphrase does not open"));
    assert_eq!(std::fs::read(&env.db).unwrap(), before);

    // rekey (here to the same passphrase) writes today's pages
    ok(
        &env,
        &[var[0], ("AUDITBENCH_NEW_PASSPHRASE_FILE", pass.as_path())],
        &["rekey", "--wipe-old-backups"],
    );
    assert!(opens_with_pages(&env.db, 4096));
    assert!(!opens_with_pages(&env.db, 16384));
    let v = ok(&env, &var, &["verify"]);
    assert!(v.contains("The file is intact"), "{v}");
    let findings = |rows: Vec<String>| -> Vec<String> {
        rows.into_iter()
            .filter(|r| r.starts_with("findings: "))
            .collect()
    };
    let now = findings(dump(&env.db, Some(PASS)));
    assert!(now.len() > 5);
    assert_eq!(now, findings(rows));
}
