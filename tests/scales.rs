//! Grade scales through the real binary on a temp file: each built-in scale
//! from the new audit to its findings of every class, the suggestion, the
//! CSV, the XLSX, the report and OSCAL; a user's scale file with every kind
//! of mistake; an audit whose scale file changed afterwards exporting
//! exactly as before; a follow-up keeping its scale.

mod common;

use auditbench::domain::{Grade, Scale};
use common::*;

/// A stage 2 audit on `scale_args` with one finding of every class, given
/// by the scale's codes; its id and the references printed.
fn graded_audit(env: &Env, scale_args: &[&str]) -> (String, Vec<String>) {
    let mut args = vec![
        "new",
        "--org",
        "Fjord IT",
        "--type",
        "stage2",
        "--start",
        "2026-12-01",
        "--end",
        "2026-12-03",
    ];
    args.extend_from_slice(scale_args);
    let id = env.ok(&args);
    let scale = auditbench::store::Store::open(&env.db)
        .unwrap()
        .audit_scale(&id)
        .unwrap();
    let refs = Grade::ALL
        .iter()
        .map(|g| {
            env.ok(&[
                "finding",
                "add",
                "--audit",
                &id,
                "--clause",
                "8.5.1",
                "--grade",
                &scale.of(*g).code,
                "--title",
                &format!("A finding graded {}", g.code()),
            ])
        })
        .collect();
    (id, refs)
}

fn report_md(env: &Env, id: &str) -> String {
    env.ok(&["report", "--audit", id, "--format", "md", "--out", "-"])
}

/// The report without its generation time.
fn without_time(md: &str) -> String {
    md.lines()
        .filter(|l| !l.starts_with("Made with auditbench"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_builtin_scale_goes_through_findings_suggestion_and_every_output() {
    let mut suggestions = Vec::new();
    for scale in Scale::builtins() {
        let env = Env::new();
        let (id, refs) = graded_audit(&env, &["--scale", &scale.id]);
        // references take the scale's prefixes
        // (majors and minors sharing a prefix share its numbers)
        for (i, (g, r)) in Grade::ALL.iter().zip(&refs).enumerate() {
            let seq = 1 + Grade::ALL[..i]
                .iter()
                .filter(|o| scale.prefix(**o) == scale.prefix(*g))
                .count();
            assert_eq!(r, &format!("{}-{seq:03}", scale.prefix(*g)), "{}", scale.id);
        }
        // labels and codes both accepted, case-insensitive
        let r = env.ok(&[
            "finding",
            "add",
            "--audit",
            &id,
            "--clause",
            "9.2",
            "--grade",
            &scale.label(Grade::Minor).to_uppercase(),
            "--title",
            "by label",
        ]);
        assert!(r.starts_with(scale.prefix(Grade::Minor)), "{r}");

        // the finding list and the CSV: the scale's labels
        let list = env.ok(&["finding", "list", "--audit", &id]);
        let csv = env.ok(&["export", "--audit", &id]);
        let mut rd = csv::Reader::from_reader(csv.as_bytes());
        let grade_col = rd
            .headers()
            .unwrap()
            .iter()
            .position(|h| h.eq_ignore_ascii_case("grade"))
            .expect("a grade column");
        let grades: Vec<String> = rd
            .records()
            .map(|r| r.unwrap()[grade_col].to_string())
            .collect();
        for g in Grade::ALL {
            assert!(list.contains(scale.label(*g)), "{}: {list}", scale.id);
            assert!(
                grades.iter().any(|x| x == scale.label(*g)),
                "{}: {grades:?}",
                scale.id
            );
        }

        // the XLSX, read back with calamine
        {
            use calamine::{open_workbook, Reader, Xlsx};
            let out = env.path("w.xlsx");
            env.ok(&[
                "export",
                "--audit",
                &id,
                "--format",
                "xlsx",
                "--out",
                out.to_str().unwrap(),
            ]);
            let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
            let sheet = wb.worksheet_range("Findings").unwrap();
            let cells: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
            assert!(
                cells.iter().any(|c| c == scale.label(Grade::Major)),
                "{}: {cells:?}",
                scale.id
            );
        }

        // the report: the scale's labels as the grade headings
        let md = report_md(&env, &id);
        for g in Grade::ALL {
            assert!(md.contains(scale.label(*g)), "{}: {md}", scale.id);
        }
        // the suggestion runs on the class: the same under every scale
        let line = md
            .lines()
            .find(|l| l.starts_with("Derived from the findings"))
            .unwrap()
            .to_string();
        suggestions.push(line);

        // OSCAL: the scale's label as a prop, the state it gives
        let json = env.ok(&["export", "--audit", &id, "--format", "oscal"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let findings = v["assessment-results"]["results"][0]["findings"]
            .as_array()
            .unwrap();
        let major = findings
            .iter()
            .find(|f| {
                f["props"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "grade" && p["value"] == "major")
            })
            .expect("the major");
        assert!(
            major["props"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "grade-label" && p["value"] == scale.label(Grade::Major)),
            "{}",
            scale.id
        );
        assert_eq!(major["target"]["status"]["state"], "not-satisfied");
    }
    assert!(
        suggestions.windows(2).all(|w| w[0] == w[1]),
        "{suggestions:?}"
    );
    assert!(suggestions[0].contains("Incomplete"), "{suggestions:?}");
}

#[test]
fn a_scale_file_with_a_mistake_is_refused_in_one_line_and_no_audit_is_made() {
    let env = Env::new();
    let good = env.ok(&["scales", "show", "dnv", "--toml"]);
    let mistakes: &[(&str, &str, &str)] = &[
        (
            "class = \"minor_nc\"",
            "class = \"minor\"",
            "expected one of `major_nc`",
        ),
        (
            "colour = \"danger\"",
            "colour = \"red\"",
            "expected one of `danger`",
        ),
        (
            "oscal_state = \"satisfied\"",
            "oscal_state = \"fine\"",
            "`not-satisfied`",
        ),
        (
            "class = \"minor_nc\"",
            "class = \"major_nc\"",
            "a second grade of class major_nc",
        ),
        (
            "prefix = \"OBS\"",
            "prefix = \"CAT1\"",
            "prefix CAT1 is used by another grade",
        ),
        ("short = \"CAT1\"", "short = \"CATEGORY\"", "longer than 5"),
        (
            "corrective_action = true",
            "corrective_action = false",
            "needs a corrective action",
        ),
        (
            "response_days = 90",
            "response_days = \"soon\"",
            "invalid type",
        ),
        ("code = \"cat1\"", "kode = \"cat1\"", "unknown field `kode`"),
        ("id = \"dnv\"", "id = \"\"", "is not valid"),
    ];
    for (from, to, want) in mistakes {
        assert!(good.contains(from), "{from}");
        let file = env.path("body.toml");
        std::fs::write(&file, good.replacen(from, to, 1)).unwrap();
        let path = file.to_str().unwrap();
        let said = fails(&env, &["scales", "show", "--scale-file", path], want);
        assert_eq!(said.trim().lines().count(), 1, "{said}");
        assert!(
            said.contains("body.toml:"),
            "names the file and line: {said}"
        );
        fails(
            &env,
            &[
                "new",
                "--org",
                "X",
                "--type",
                "stage2",
                "--scale-file",
                path,
            ],
            want,
        );
    }
    fails(
        &env,
        &["new", "--org", "X", "--type", "stage2", "--scale", "acme"],
        "no grade scale \"acme\"; available: generic, dnv, afnor, de",
    );
    assert!(!env.db.exists(), "no audit file made");
}

#[test]
fn an_audit_exports_exactly_as_before_after_its_scale_file_changed() {
    let env = Env::new();
    let file = env.path("body.toml");
    let src = env.ok(&["scales", "show", "dnv", "--toml"]);
    let src = src.replace("id = \"dnv\"", "id = \"body\"");
    std::fs::write(&file, &src).unwrap();
    let (id, refs) = graded_audit(&env, &["--scale-file", file.to_str().unwrap()]);
    assert_eq!(refs[0], "CAT1-001");
    let csv = env.ok(&["export", "--audit", &id]);
    let md = without_time(&report_md(&env, &id));
    // the body renames its grades, then the file is gone altogether
    std::fs::write(&file, src.replace("Category 1", "Cat. I")).unwrap();
    assert_eq!(env.ok(&["export", "--audit", &id]), csv);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(env.ok(&["export", "--audit", &id]), csv);
    assert_eq!(without_time(&report_md(&env, &id)), md);
    assert!(md.contains("Category 1"));

    // a follow-up keeps the frozen scale
    env.ok(&["audit", "report", "--audit", &id]);
    let out = env
        .cmd()
        .args(["new", "--follow-up", &id, "--type", "surveillance"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let s1 = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let r = env.ok(&[
        "finding", "add", "--audit", &s1, "--clause", "9.2", "--grade", "cat2", "--title", "again",
    ]);
    assert_eq!(r, "CAT2-001");
    let carried = env.ok(&["carried", "list", "--audit", &s1]);
    assert!(carried.contains("Category 1"), "{carried}");
    assert!(env.ok(&["verify"]).contains("every record matches them"));
}

/// A body's own scale in the configuration folder (`scales/ID.toml`):
/// listed, chosen by its id; a broken one is listed with its error.
#[test]
fn a_scale_in_the_configuration_folder_is_listed_and_chosen_by_id() {
    let env = Env::new();
    let config = env.path("config");
    let dir = config.join("auditbench").join("scales");
    std::fs::create_dir_all(&dir).unwrap();
    let src = env
        .ok(&["scales", "show", "dnv", "--toml"])
        .replace("id = \"dnv\"", "id = \"body\"")
        .replace("Category 1", "Kategorie I");
    std::fs::write(dir.join("body.toml"), &src).unwrap();
    std::fs::write(dir.join("broken.toml"), "id = \"broken\"\nname = 3\n").unwrap();
    let run = |args: &[&str]| {
        let out = env
            .cmd()
            .env("XDG_CONFIG_HOME", &config)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, list, _) = run(&["scales", "list"]);
    assert!(ok);
    assert!(list.lines().any(|l| l.starts_with("body ")), "{list}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("! ") && l.contains("broken.toml:2")),
        "{list}"
    );
    let (ok, id, err) = run(&[
        "new", "--org", "Fjord IT", "--type", "stage2", "--scale", "body",
    ]);
    assert!(ok, "{err}");
    let (ok, r, err) = run(&[
        "finding",
        "add",
        "--audit",
        id.trim(),
        "--clause",
        "8.5.1",
        "--grade",
        "kategorie i",
        "--title",
        "x",
    ]);
    assert!(ok, "{err}");
    assert_eq!(r.trim(), "CAT1-001");
}
