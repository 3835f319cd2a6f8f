//! `auditbench export --format oscal`: an OSCAL assessment-results
//! document, read back with `serde_json` and checked against the rules of
//! NIST's OSCAL 1.0.4 JSON schema that a tool reading it relies on:
//! required fields, UUID and token forms, non-blank prop values, arrays
//! absent rather than empty, and every reference resolving. (The official
//! schema itself validated these files with zero errors when this export
//! was written; it is not vendored here, see the closing note of issue 12.)

mod common;

use std::collections::HashSet;

use auditbench::domain::*;
use auditbench::store::Store;
use common::*;
use serde_json::Value;

fn export(env: &Env, id: &str, extra: &[&str]) -> Value {
    let out = env.path("ar.json");
    let mut args = vec![
        "export",
        "--audit",
        id,
        "--format",
        "oscal",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    env.ok(&args);
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).expect("JSON")
}

/// OSCAL's UUIDDatatype: a version 4 or 5 UUID.
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
        && matches!(&parts[2][..1], "4" | "5")
        && matches!(&parts[3][..1], "8" | "9" | "a" | "b" | "A" | "B")
}

/// OSCAL's TokenDatatype: `^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`.
fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// OSCAL's StringDatatype: `^\S(.*\S)?$` (one line, no blank at either end).
fn is_string(s: &str) -> bool {
    !s.is_empty() && s.trim() == s && !s.contains(['\n', '\r'])
}

/// OSCAL's DateTimeWithTimezoneDatatype, as written here.
fn is_datetime(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// Every rule above, over the whole document; returns the result.
fn check(doc: &Value) -> &Value {
    let ar = &doc["assessment-results"];
    for key in ["uuid", "metadata", "import-ap", "results"] {
        assert!(!ar[key].is_null(), "assessment-results.{key} required");
    }
    assert!(is_uuid(ar["uuid"].as_str().unwrap()));
    let meta = &ar["metadata"];
    for key in ["title", "last-modified", "version", "oscal-version"] {
        assert!(meta[key].is_string(), "metadata.{key}");
    }
    assert!(is_datetime(meta["last-modified"].as_str().unwrap()));
    let results = ar["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    for key in ["uuid", "title", "description", "start", "reviewed-controls"] {
        assert!(!r[key].is_null(), "result.{key} required");
    }
    assert!(is_datetime(r["start"].as_str().unwrap()));
    assert!(is_datetime(r["end"].as_str().unwrap()));

    // walk every value: props well formed, no empty array, every uuid a uuid
    fn walk(v: &Value, path: &str, uuids: &mut Vec<String>) {
        match v {
            Value::Array(a) => {
                assert!(!a.is_empty(), "{path}: an empty array (minItems 1)");
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{path}/{i}"), uuids);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "uuid" {
                        let s = x.as_str().unwrap();
                        assert!(is_uuid(s), "{path}/uuid {s}");
                        uuids.push(s.to_string());
                    }
                    if k == "props" {
                        for p in x.as_array().unwrap() {
                            assert!(is_token(p["name"].as_str().unwrap()), "{path} prop name");
                            let value = p["value"].as_str().unwrap();
                            assert!(is_string(value), "{path} prop value {value:?}");
                        }
                    }
                    walk(x, &format!("{path}/{k}"), uuids);
                }
            }
            _ => {}
        }
    }
    let mut uuids = Vec::new();
    walk(doc, "", &mut uuids);
    let unique: HashSet<&String> = uuids.iter().collect();
    assert_eq!(unique.len(), uuids.len(), "every uuid unique");

    let observations: HashSet<&str> = r["observations"]
        .as_array()
        .map(|a| a.iter().map(|o| o["uuid"].as_str().unwrap()).collect())
        .unwrap_or_default();
    let risks: HashSet<&str> = r["risks"]
        .as_array()
        .map(|a| a.iter().map(|o| o["uuid"].as_str().unwrap()).collect())
        .unwrap_or_default();
    for o in r["observations"].as_array().into_iter().flatten() {
        for key in ["uuid", "description", "methods", "collected"] {
            assert!(!o[key].is_null(), "observation.{key}");
        }
        assert!(is_datetime(o["collected"].as_str().unwrap()));
        for m in o["methods"].as_array().unwrap() {
            assert!(["EXAMINE", "INTERVIEW", "TEST", "UNKNOWN"].contains(&m.as_str().unwrap()));
        }
    }
    for x in r["risks"].as_array().into_iter().flatten() {
        for key in ["uuid", "title", "description", "statement", "status"] {
            assert!(!x[key].is_null(), "risk.{key}");
        }
        assert!(is_token(x["status"].as_str().unwrap()));
    }
    for f in r["findings"].as_array().into_iter().flatten() {
        for key in ["uuid", "title", "description", "target"] {
            assert!(!f[key].is_null(), "finding.{key}");
        }
        let t = &f["target"];
        assert_eq!(t["type"], "objective-id");
        assert!(is_token(t["target-id"].as_str().unwrap()));
        assert!(["satisfied", "not-satisfied"].contains(&t["status"]["state"].as_str().unwrap()));
        for o in f["related-observations"].as_array().into_iter().flatten() {
            assert!(observations.contains(o["observation-uuid"].as_str().unwrap()));
        }
        for x in f["related-risks"].as_array().into_iter().flatten() {
            assert!(risks.contains(x["risk-uuid"].as_str().unwrap()));
        }
    }
    r
}

fn prop<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v["props"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .map(|p| {
            assert_eq!(p["ns"], "urn:auditbench:oscal");
            p["value"].as_str().unwrap()
        })
}

#[test]
fn the_demo_audit_as_oscal_assessment_results() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let doc = export(&env, &id, &[]);
    let r = check(&doc);
    let store = Store::open(&env.db).unwrap();
    let findings = store
        .findings(&id, &auditbench::store::FindingFilter::default())
        .unwrap();
    let out = r["findings"].as_array().unwrap();
    assert_eq!(out.len(), findings.len());
    for f in &findings {
        let o = out
            .iter()
            .find(|o| prop(o, "reference") == Some(f.reference.as_str()))
            .unwrap_or_else(|| panic!("{} missing", f.reference));
        assert_eq!(
            o["target"]["target-id"],
            format!("iso20000-1_{}", f.clause_id)
        );
        assert_eq!(prop(o, "grade"), Some(f.grade.code()));
        let state = if f.grade.is_nonconformity() {
            "not-satisfied"
        } else {
            "satisfied"
        };
        assert_eq!(o["target"]["status"]["state"], state, "{}", f.reference);
        assert!(o["description"].as_str().unwrap().starts_with(&f.statement));
        assert_eq!(o["related-risks"].is_array(), f.grade.is_nonconformity());
    }
    // one risk per nonconformity
    let ncs = findings
        .iter()
        .filter(|f| f.grade.is_nonconformity())
        .count();
    assert_eq!(r["risks"].as_array().unwrap().len(), ncs);
    // observations by method: documents reviewed, interviews, samples
    let methods = |m: &str| {
        r["observations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["methods"][0] == m)
            .count()
    };
    assert_eq!(methods("INTERVIEW"), store.interviews(&id).unwrap().len());
    assert_eq!(methods("TEST"), store.samples(&id).unwrap().len());
    assert!(methods("EXAMINE") > 0);
    // a finding's cited samples are its related observations
    assert!(
        out.iter().any(|o| o["related-observations"].is_array()),
        "the demo cites samples"
    );
    // the controls assessed: the clauses of stage 2 not "not started"
    let controls = r["reviewed-controls"]["control-selections"][0]["include-controls"]
        .as_array()
        .unwrap();
    assert!(controls
        .iter()
        .all(|c| is_token(c["control-id"].as_str().unwrap())));
    // notes only when asked; the same UUIDs on every export
    let text = doc.to_string();
    assert!(!text.contains("CAB weekly"), "interview notes left out");
    let again = export(&env, &id, &["--with-notes"]);
    check(&again);
    assert!(again.to_string().contains("CAB weekly"));
    assert_eq!(
        doc["assessment-results"]["uuid"],
        again["assessment-results"]["uuid"]
    );
    assert_eq!(
        r["findings"][0]["uuid"],
        again["assessment-results"]["results"][0]["findings"][0]["uuid"]
    );
}

#[test]
fn hostile_text_and_an_empty_audit_stay_valid_oscal() {
    let env = Env::new();
    let id = env.demo().trim().to_string();
    let nasty = "  \"quoted\" \\ back\nline two\t\u{1b}[31m\u{0} {{ 7*7 }} </script>  ";
    {
        let mut s = Store::open(&env.db).unwrap();
        s.add_finding(
            &id,
            &NewFinding {
                clause_id: "8.6.1".into(),
                stage: Stage::TWO,
                grade: Grade::Major,
                title: nasty.into(),
                requirement: nasty.into(),
                statement: nasty.into(),
                evidence: String::new(),
                raised_by: nasty.into(),
                due_date: String::new(),
            },
        )
        .unwrap();
    }
    let doc = export(&env, &id, &[]);
    let r = check(&doc);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["description"] == nasty)
        .expect("the statement exactly as stored");
    // a prop value is one line without blanks at either end
    assert_eq!(
        prop(f, "raised-by"),
        Some("\"quoted\" \\ back line two \u{1b}[31m\u{0} {{ 7*7 }} </script>")
    );

    // a new audit with nothing recorded: no empty arrays, the whole
    // standard in scope
    let empty = env.ok(&["new", "--org", "Empty Ltd", "--type", "stage2"]);
    let doc = export(&env, empty.trim(), &[]);
    let r = check(&doc);
    assert!(r["findings"].is_null() && r["risks"].is_null());
    assert!(r["reviewed-controls"]["control-selections"][0]["include-all"].is_object());
}
