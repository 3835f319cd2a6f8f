//! The team merge model (issue 16): 2–4 laptops make random creates, edits
//! and deletes (the same field on two laptops, delete against edit),
//! exchange their documents in random orders, again and again; at the end
//! every laptop holds the same audit, and every last edit is either the
//! value or one side of a listed conflict.

use std::collections::BTreeMap;

use auditbench::team::{Edit, RecordKey, Replica, ALIVE};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Create,
    Set {
        record: usize,
        field: usize,
        value: u8,
    },
    Delete {
        record: usize,
    },
    /// Laptop `from` sends its documents to laptop `to`.
    Exchange {
        from: usize,
        to: usize,
    },
}

const FIELDS: [&str; 3] = ["title", "grade", "statement"];

fn op() -> impl Strategy<Value = (usize, Op)> {
    (
        0usize..4,
        prop_oneof![
            1 => Just(Op::Create),
            4 => (0usize..6, 0usize..3, any::<u8>())
                .prop_map(|(record, field, value)| Op::Set { record, field, value }),
            1 => (0usize..6).prop_map(|record| Op::Delete { record }),
            2 => (0usize..4, 0usize..4).prop_map(|(from, to)| Op::Exchange { from, to }),
        ],
    )
}

/// `to` merges what `from` has, through saved bytes as a team file would carry.
fn send(replicas: &mut [Replica], from: usize, to: usize) {
    if from == to {
        return;
    }
    let saved = replicas[from].save();
    let mut file = Replica::load(&[0xEE; 16], &saved).expect("a team file loads");
    replicas[to].merge(&mut file).expect("merges");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn laptops_converge_and_lose_no_edit(
        n in 2usize..=4,
        ops in proptest::collection::vec(op(), 1..60),
        last in proptest::collection::vec((0usize..6, 0usize..3), 4),
    ) {
        let mut replicas: Vec<Replica> = (0..n)
            .map(|i| Replica::new(&[i as u8 + 1; 16], &format!("Auditor {i}")).unwrap())
            .collect();
        // every laptop knows the records it has seen: create on one, the
        // others learn of them by merging
        let mut next_id = 0usize;
        let mut t = 1i64;
        for (who, op) in ops {
            let who = who % n;
            t += 1;
            let known = replicas[who].records();
            match op {
                Op::Create => {
                    let k = RecordKey::new("finding", &format!("f{next_id}"));
                    next_id += 1;
                    let fields = BTreeMap::from([("title".to_string(), format!("new {t}"))]);
                    replicas[who].apply(&k, &Edit::Create(fields), "x", t).unwrap();
                }
                Op::Set { record, field, value } if !known.is_empty() => {
                    let k = &known[record % known.len()];
                    let e = Edit::Set(FIELDS[field].to_string(), format!("v{value}"));
                    replicas[who].apply(k, &e, "x", t).unwrap();
                }
                Op::Delete { record } if !known.is_empty() => {
                    let k = known[record % known.len()].clone();
                    replicas[who].apply(&k, &Edit::Delete, "x", t).unwrap();
                }
                Op::Exchange { from, to } => send(&mut replicas, from % n, to % n),
                _ => {}
            }
        }
        // a last edit on each laptop, all at once (none sees another's)
        let mut acknowledged = Vec::new();
        for (i, (record, field)) in last.iter().take(n).enumerate() {
            let known = replicas[i].records();
            if known.is_empty() {
                continue;
            }
            let k = known[record % known.len()].clone();
            let value = format!("last from {i}");
            replicas[i]
                .apply(&k, &Edit::Set(FIELDS[*field].to_string(), value.clone()), "x", 10_000)
                .unwrap();
            acknowledged.push((k, FIELDS[*field].to_string(), value));
        }
        // everyone sends to everyone, twice round (any order will do)
        for _ in 0..2 {
            for from in 0..n {
                for to in 0..n {
                    send(&mut replicas, from, to);
                }
            }
        }
        let first = replicas[0].canonical();
        for r in &replicas[1..] {
            prop_assert_eq!(&r.canonical(), &first);
        }
        let conflicts = replicas[0].conflicts();
        for r in &replicas[1..] {
            prop_assert_eq!(&r.conflicts(), &conflicts);
        }
        for (k, field, value) in acknowledged {
            let state = replicas[0].state(&k).expect("the record is there");
            let shown = state.fields.get(&field) == Some(&value);
            let in_conflict = conflicts.iter().any(|c| {
                c.record == k && c.field == field && c.values.iter().any(|(v, _)| *v == value)
            });
            prop_assert!(shown || in_conflict, "{k:?} {field} {value} lost");
            // a deleted record edited at the same time is a listed conflict
            if !state.alive {
                prop_assert!(
                    conflicts.iter().any(|c| c.record == k && c.field == ALIVE),
                    "{k:?} deleted while edited, silently"
                );
            }
        }
    }
}

/// The documents are the trail's projection: a record's state is its row.
#[test]
fn the_documents_replay_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = auditbench::store::Store::open(&dir.path().join("a.db")).unwrap();
    let id = auditbench::demo::create_demo(&mut s).unwrap();
    let f = s
        .findings(&id, &auditbench::store::FindingFilter::default())
        .unwrap();
    let nc = f.iter().find(|x| x.reference == "NC-002").unwrap().clone();
    let gone = f.iter().find(|x| x.reference == "OBS-001").unwrap().clone();
    s.delete_finding(&gone.id).unwrap();
    let r = s.team_replica(&id, &[1; 16], "Jordan Lee").unwrap();
    let st = r
        .state(&RecordKey::new("finding", &nc.id))
        .expect("the finding's document");
    assert!(st.alive);
    assert_eq!(st.fields["title"], nc.title);
    assert_eq!(st.fields["grade"], nc.grade.code());
    assert_eq!(st.fields["status"], nc.status.code());
    assert!(!r.state(&RecordKey::new("finding", &gone.id)).unwrap().alive);
    assert!(r
        .records()
        .iter()
        .any(|k| k.entity == "audit" && k.key == id));
    assert!(r.conflicts().is_empty());
}
