//! The built-in catalogues are complete, ordered and usable.

use std::collections::HashMap;

use auditbench::catalogue::{builtin, natural, Catalogue, BUILTIN};

const IDS_2018: &str = "4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.2.1 5.2.2 5.3 6 6.1 6.2 6.2.1 6.2.2 6.3 \
    7 7.1 7.2 7.3 7.4 7.5 7.5.1 7.5.2 7.5.3 7.5.4 7.6 8 8.1 8.2 8.2.1 8.2.2 8.2.3 8.2.4 8.2.5 8.2.6 \
    8.3 8.3.1 8.3.2 8.3.3 8.3.4 8.3.4.1 8.3.4.2 8.4 8.4.1 8.4.2 8.4.3 8.5 8.5.1 8.5.1.1 8.5.1.2 \
    8.5.1.3 8.5.2 8.5.2.1 8.5.2.2 8.5.2.3 8.5.3 8.6 8.6.1 8.6.2 8.6.3 8.7 8.7.1 8.7.2 8.7.3 \
    8.7.3.1 8.7.3.2 8.7.3.3 9 9.1 9.2 9.3 9.4 10 10.1 10.2";

const IDS_2011: &str = "4 4.1 4.1.1 4.1.2 4.1.3 4.1.4 4.2 4.3 4.3.1 4.3.2 4.3.3 4.4 4.4.1 4.4.2 \
    4.5 4.5.1 4.5.2 4.5.3 4.5.4 4.5.4.1 4.5.4.2 4.5.4.3 4.5.5 4.5.5.1 4.5.5.2 5 5.1 5.2 5.3 5.4 \
    6 6.1 6.2 6.3 6.3.1 6.3.2 6.3.3 6.4 6.5 6.6 6.6.1 6.6.2 6.6.3 7 7.1 7.2 8 8.1 8.2 9 9.1 9.2 9.3";

fn ids(cat: &Catalogue) -> Vec<&str> {
    cat.clauses().iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn edition_2018_has_every_clause_in_natural_order() {
    let cat = builtin("iso20000-1-2018").unwrap();
    assert_eq!(cat.edition, "2018");
    assert_eq!(cat.clauses().len(), 77);
    assert_eq!(ids(&cat), IDS_2018.split_whitespace().collect::<Vec<_>>());
    assert_eq!(
        cat.get("8.5.1.1").unwrap().title,
        "Change management policy"
    );
    assert_eq!(cat.get("9.4").unwrap().title, "Service reporting");
}

#[test]
fn edition_2011_has_every_clause_in_natural_order() {
    let cat = builtin("iso20000-1-2011").unwrap();
    assert_eq!(cat.edition, "2011");
    assert_eq!(ids(&cat), IDS_2011.split_whitespace().collect::<Vec<_>>());
    assert_eq!(cat.get("4.5.4.2").unwrap().title, "Internal audit");
}

#[test]
fn natural_order_puts_9_4_before_10_1() {
    let cat = builtin("iso20000-1-2018").unwrap();
    let pos = |id| cat.clauses().iter().position(|c| c.id == id).unwrap();
    assert!(pos("9.4") < pos("10.1"));
    assert!(pos("8.5.1.3") < pos("8.5.2"));
    for w in cat.clauses().windows(2) {
        assert!(
            natural::cmp(&w[0].id, &w[1].id).is_lt(),
            "{} !< {}",
            w[0].id,
            w[1].id
        );
    }
}

#[test]
fn every_clause_has_intent_and_every_assessable_clause_has_audit_guidance() {
    for (id, _) in BUILTIN {
        let cat = builtin(id).unwrap();
        for c in cat.clauses() {
            assert!(!c.intent.trim().is_empty(), "{id} {} has no intent", c.id);
            if cat.is_assessable(c) {
                assert!(
                    c.questions.len() >= 3,
                    "{id} {}: {} questions",
                    c.id,
                    c.questions.len()
                );
                assert!(!c.evidence.is_empty(), "{id} {} has no evidence", c.id);
                assert!(
                    !c.interviewees.is_empty(),
                    "{id} {} has no interviewees",
                    c.id
                );
            }
        }
    }
}

#[test]
fn leaf_clauses_are_assessable_and_headings_are_not() {
    let cat = builtin("iso20000-1-2018").unwrap();
    let assessable = |id| cat.is_assessable(cat.get(id).unwrap());
    assert!(!assessable("8"));
    assert!(!assessable("8.5.1"));
    assert!(assessable("8.5.1.2"));
    assert!(assessable("4.3"));
    assert_eq!(
        cat.clauses()
            .iter()
            .filter(|c| cat.is_assessable(c))
            .count(),
        57
    );
}

/// Every item of 2018 clause 7.5.4 is expected at stage 1, at the clause it belongs to.
#[test]
fn every_7_5_4_item_is_expected_at_its_clause() {
    let cat = builtin("iso20000-1-2018").unwrap();
    let docs: HashMap<&str, &str> = cat
        .documents()
        .map(|(c, d)| (d.key.as_str(), c.id.as_str()))
        .collect();
    let expected = [
        ("sms-scope", "4.3"),
        ("sm-policy", "5.2.1"),
        ("sm-objectives", "6.2.1"),
        ("sm-plan", "6.3"),
        ("change-policy", "8.5.1.1"),
        ("infosec-policy", "8.7.3.1"),
        ("continuity-plan", "8.7.2"),
        ("sms-processes", "4.4"),
        ("service-requirements", "8.2.2"),
        ("service-catalogue", "8.2.4"),
        ("sla", "8.3.3"),
        ("external-supplier-contracts", "8.3.4.1"),
        ("internal-supplier-agreements", "8.3.4.2"),
        ("required-procedures", "7.5.4"),
        ("conformity-records", "7.5.4"),
        // records other clauses ask for
        ("competence-records", "7.2"),
        ("audit-programme", "9.2"),
        ("audit-results", "9.2"),
        ("management-review", "9.3"),
        ("service-reports", "9.4"),
        ("nc-records", "10.1"),
    ];
    for (key, clause) in expected {
        assert_eq!(
            docs.get(key),
            Some(&clause),
            "document {key} should be expected at {clause}"
        );
    }
}

#[test]
fn document_keys_are_unique_in_each_catalogue() {
    for (id, _) in BUILTIN {
        let cat = builtin(id).unwrap();
        let mut keys: Vec<_> = cat.documents().map(|(_, d)| d.key.clone()).collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "{id} has duplicate document keys");
    }
}

#[test]
fn a_custom_catalogue_parses_and_sorts_naturally() {
    let src = r#"
id = "rcb-checklist"
standard = "RCB checklist"
edition = "1"
title = "Our checklist"
[[clause]]
id = "A"
title = "Annex"
[[clause]]
id = "A.10"
title = "Ten"
[[clause]]
id = "A.9"
title = "Nine"
questions = ["q1", "q2", "q3"]
"#;
    let cat = Catalogue::parse(src, "rcb.toml").unwrap();
    assert_eq!(ids(&cat), ["A", "A.9", "A.10"]);
}

#[test]
fn malformed_catalogues_are_refused_with_position_and_reason() {
    let cases = [
        ("id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = \"4\"\ntitle = \"a\"\nquestions = \"not a list\"\n", "rcb.toml:8:"),
        ("id = \"x\"\nstandard = \"s\"\n", "rcb.toml:"),
        ("id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = \"4\"\ntitle = \"a\"\ncolour = \"red\"\n", "rcb.toml:8:"),
        ("id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n[[clause]]\nid = \"4\"\ntitle = \"a\"\n[[clause]]\nid = \"4\"\ntitle = \"b\"\n", "appears twice"),
        ("id = \"x\"\nstandard = \"s\"\nedition = \"1\"\ntitle = \"t\"\n", "no [[clause]]"),
    ];
    for (src, want) in cases {
        let e = Catalogue::parse(src, "rcb.toml").unwrap_err().to_string();
        assert!(e.contains(want), "{e:?} should contain {want:?}");
        assert!(!e.contains('\n'), "error should be one line: {e:?}");
    }
}
