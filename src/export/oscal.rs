//! The audit as an OSCAL **assessment-results** document (JSON, OSCAL
//! 1.0.4 and later 1.x), for tools that read NIST's Open Security Controls
//! Assessment Language:
//! - one `result` for the audit, its `reviewed-controls` the clauses
//!   assessed at stage 2 (every clause when none is yet);
//! - `observations`: each stage 1 document reviewed (method EXAMINE), each
//!   interview (INTERVIEW; the notes only with `with_notes`) and each
//!   record sample (TEST);
//! - `findings`: every finding, its target the clause as a control
//!   (`iso20000-1_8.5.1`: an OSCAL token cannot start with a digit),
//!   `not-satisfied` for a nonconformity, `satisfied` otherwise; the grade,
//!   reference, status and due date as props in auditbench's namespace;
//!   the samples it cites as related observations;
//! - `risks`: one per nonconformity, its status from the finding's.
//!
//! Identifiers are derived from the records' own (SHA-256, shaped as a
//! version 4 UUID), so exporting the same audit twice gives the same
//! UUIDs. Findings and risks are read a grade page at a time while they are
//! written, so 100 000 findings are never all in memory.

use std::collections::HashMap;
use std::io::Write;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::domain::{Audit, Finding, FindingStatus, Grade, Stage};
use crate::store::{self, Store};

/// The namespace of auditbench's props.
pub const NS: &str = "urn:auditbench:oscal";
/// The OSCAL version written.
pub const OSCAL_VERSION: &str = "1.0.4";
/// Rows per page read while writing.
const PAGE: usize = 2_000;

/// The clause as an OSCAL control id.
pub fn control_id(clause: &str) -> String {
    let clean: String = clause
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("iso20000-1_{clean}")
}

/// A stable UUID (version 4 in form) for `kind` and `id`.
pub fn uuid_of(kind: &str, id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(kind.as_bytes())
        .chain_update([0u8])
        .chain_update(id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// A date-time with a time zone, as OSCAL needs: a stored time as it is
/// (UTC), a bare date at midnight UTC, or `fallback`.
fn when(s: &str, fallback: &str) -> String {
    if let Some(t) = crate::domain::parse_when(s) {
        return t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return format!("{d}T00:00:00Z");
    }
    fallback.to_string()
}

/// Text for a required description: the text, or what stands for none.
fn or(text: &str, none: &str) -> String {
    if text.trim().is_empty() {
        none.to_string()
    } else {
        text.to_string()
    }
}

/// Props, absent when there are none (OSCAL wants no empty list).
fn put_props(map: &mut Map<String, Value>, props: Vec<Prop<'_>>) {
    if !props.is_empty() {
        map.insert("props".to_string(), json!(props));
    }
}

/// A list of values that OSCAL wants absent, not empty.
fn put_list(map: &mut Map<String, Value>, key: &str, list: Vec<Value>) {
    if !list.is_empty() {
        map.insert(key.to_string(), Value::Array(list));
    }
}

/// Findings written as they are read, page by page: as OSCAL findings,
/// or (`risks`) as the risks of the nonconformities.
struct Stream<'c, F> {
    pages: F,
    cites: &'c HashMap<String, Vec<String>>,
    scale: &'c crate::domain::Scale,
    risks: bool,
}

impl<F, I> Serialize for Stream<'_, F>
where
    F: Fn() -> I,
    I: Iterator<Item = store::Result<Finding>>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for f in (self.pages)() {
            let f = f.map_err(S::Error::custom)?;
            if self.risks {
                seq.serialize_element(&risk_out(&f, self.scale))?;
            } else {
                let stage = f.stage.number().to_string();
                seq.serialize_element(&finding_out(&f, &stage, self.cites, self.scale))?;
            }
        }
        seq.end()
    }
}

/// A prop, borrowed: findings and risks are written by the hundred
/// thousand, so they are typed structs rather than `Value`s.
#[derive(Serialize)]
struct Prop<'a> {
    name: &'static str,
    ns: &'static str,
    value: std::borrow::Cow<'a, str>,
}

/// The props of `pairs` whose value is not blank, each on one line.
fn props<'a>(pairs: &[(&'static str, &'a str)]) -> Vec<Prop<'a>> {
    pairs
        .iter()
        .filter_map(|(name, value)| {
            let one_line = if value.trim() == *value && !value.contains(char::is_whitespace) {
                std::borrow::Cow::Borrowed(*value)
            } else {
                std::borrow::Cow::Owned(value.split_whitespace().collect::<Vec<_>>().join(" "))
            };
            (!one_line.is_empty()).then_some(Prop {
                name,
                ns: NS,
                value: one_line,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct Status {
    state: &'static str,
}

#[derive(Serialize)]
struct Target {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "target-id")]
    target_id: String,
    status: Status,
}

#[derive(Serialize)]
struct ObservationRef {
    #[serde(rename = "observation-uuid")]
    uuid: String,
}

#[derive(Serialize)]
struct RiskRef {
    #[serde(rename = "risk-uuid")]
    uuid: String,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    uuid: String,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop<'a>>,
    target: Target,
    #[serde(rename = "related-observations", skip_serializing_if = "Vec::is_empty")]
    related_observations: Vec<ObservationRef>,
    #[serde(rename = "related-risks", skip_serializing_if = "Vec::is_empty")]
    related_risks: Vec<RiskRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

fn finding_out<'a>(
    f: &'a Finding,
    stage: &'a str,
    cites: &HashMap<String, Vec<String>>,
    scale: &'a crate::domain::Scale,
) -> FindingOut<'a> {
    let title = if f.title.trim().is_empty() {
        f.reference.clone()
    } else {
        format!("{} {}", f.reference, f.title)
    };
    let mut description = or(&f.statement, "No statement recorded.");
    if !f.evidence.trim().is_empty() {
        description.push_str("\n\nObjective evidence: ");
        description.push_str(&f.evidence);
    }
    // the state the audit's scale gives the grade (NCs: not-satisfied)
    let state = scale.of(f.grade).oscal_state.as_str();
    FindingOut {
        uuid: uuid_of("finding", &f.id),
        title,
        description,
        props: props(&[
            ("reference", &f.reference),
            ("grade", f.grade.code()),
            ("grade-label", scale.label(f.grade)),
            ("clause", &f.clause_id),
            ("stage", stage),
            ("status", f.status_label()),
            ("due-date", &f.due_date),
            ("raised-by", &f.raised_by),
            ("formerly", &f.formerly),
        ]),
        target: Target {
            kind: "objective-id",
            target_id: control_id(&f.clause_id),
            status: Status { state },
        },
        related_observations: cites
            .get(&f.id)
            .map(|s| {
                s.iter()
                    .map(|id| ObservationRef {
                        uuid: uuid_of("sample", id),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        related_risks: if f.grade.is_nonconformity() {
            vec![RiskRef {
                uuid: uuid_of("risk", &f.id),
            }]
        } else {
            Vec::new()
        },
        remarks: (!f.requirement.trim().is_empty())
            .then(|| format!("Requirement: {}", f.requirement)),
    }
}

#[derive(Serialize)]
struct RiskOut<'a> {
    uuid: String,
    title: String,
    description: String,
    statement: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop<'a>>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<String>,
}

fn risk_out<'a>(f: &'a Finding, scale: &crate::domain::Scale) -> RiskOut<'a> {
    let status = match f.status {
        FindingStatus::Closed => "closed",
        FindingStatus::Open => "open",
        FindingStatus::ResponseReceived | FindingStatus::PlanAccepted => "remediating",
    };
    let mut statement = String::new();
    for (label, text) in [
        ("Correction", &f.correction),
        ("Root cause", &f.root_cause),
        ("Corrective action", &f.corrective_action),
    ] {
        if !text.trim().is_empty() {
            if !statement.is_empty() {
                statement.push_str("\n\n");
            }
            statement.push_str(&format!("{label}: {text}"));
        }
    }
    RiskOut {
        uuid: uuid_of("risk", &f.id),
        title: format!(
            "{} {} against clause {}",
            scale.label(f.grade),
            f.reference,
            f.clause_id
        ),
        description: or(&f.statement, "No statement recorded."),
        statement: or(&statement, "No response from the client yet."),
        props: props(&[("reference", &f.reference), ("grade", f.grade.code())]),
        status,
        deadline: chrono::NaiveDate::parse_from_str(f.due_date.trim(), "%Y-%m-%d")
            .ok()
            .map(|d| format!("{d}T23:59:59Z")),
    }
}

/// Write the OSCAL assessment results of `audit` to `out`; returns the
/// number of findings written.
pub fn write_assessment_results<W: Write>(
    store: &Store,
    audit: &Audit,
    with_notes: bool,
    out: W,
) -> store::Result<(usize, W)> {
    let cat = store.catalogue(&audit.catalogue_id)?;
    let stage2 = store.clause_reviews_by_id(&audit.id, Stage::TWO)?;
    let docs = store.document_reviews_by_key(&audit.id)?;
    let interviews = store.interviews(&audit.id)?;
    let samples = store.samples(&audit.id)?;
    let citations = store.citations(&audit.id)?;
    let counts = store.finding_counts(&audit.id)?;
    let now = when(&store.now(), "1970-01-01T00:00:00Z");
    let start = when(&audit.start_date, &now);
    let end = when(&audit.end_date, &start);

    let mut cites: HashMap<String, Vec<String>> = HashMap::new();
    for c in &citations {
        cites
            .entry(c.finding_id.clone())
            .or_default()
            .push(c.sample_id.clone());
    }

    // the parties: certification body, client, lead auditor
    let mut parties = Vec::new();
    let mut responsible = Vec::new();
    for (role, kind, name) in [
        (
            "certification-body",
            "organization",
            &audit.certification_body,
        ),
        ("client", "organization", &audit.organisation),
        ("lead-auditor", "person", &audit.lead_auditor),
    ] {
        if name.trim().is_empty() {
            continue;
        }
        let uuid = uuid_of(role, &audit.id);
        parties.push(json!({ "uuid": uuid, "type": kind, "name": name }));
        responsible.push(json!({ "role-id": role, "party-uuids": [uuid] }));
    }
    let meta_props = props(&[
        ("audit-type", audit.audit_type.label()),
        ("standard", &cat.standard),
        ("edition", &audit.edition),
        ("audit-status", audit.status.label()),
        (
            "recommendation",
            audit.recommendation.map_or("", |r| r.label()),
        ),
    ]);
    let mut metadata = Map::new();
    metadata.insert(
        "title".into(),
        json!(format!(
            "{} audit of {} against {} ({})",
            audit.audit_type.label(),
            audit.organisation,
            cat.standard,
            audit.edition
        )),
    );
    metadata.insert("last-modified".into(), json!(now));
    metadata.insert(
        "version".into(),
        json!(format!("auditbench {}", env!("CARGO_PKG_VERSION"))),
    );
    metadata.insert("oscal-version".into(), json!(OSCAL_VERSION));
    put_props(&mut metadata, meta_props);
    metadata.insert(
        "roles".into(),
        json!([
            { "id": "certification-body", "title": "Certification body" },
            { "id": "client", "title": "Audited organisation" },
            { "id": "lead-auditor", "title": "Lead auditor" },
        ]),
    );
    put_list(&mut metadata, "parties", parties);
    put_list(&mut metadata, "responsible-parties", responsible);

    // what was looked at
    let mut observations = Vec::new();
    for (clause, d) in cat.documents() {
        let Some(r) = docs.get(&d.key) else { continue };
        if r.status == crate::domain::DocStatus::NotReviewed {
            continue;
        }
        let props = props(&[
            ("clause", &clause.id),
            ("document-status", r.status.label()),
            ("document-reference", &r.reference),
            ("document-version", &r.version),
        ]);
        let mut m = Map::new();
        m.insert("uuid".into(), json!(uuid_of("document", &d.key)));
        m.insert("title".into(), json!(format!("Document: {}", d.name)));
        m.insert(
            "description".into(),
            json!(format!(
                "Stage 1 review of {} (clause {}): {}.",
                d.name,
                clause.id,
                r.status.label().to_lowercase()
            )),
        );
        put_props(&mut m, props);
        m.insert("methods".into(), json!(["EXAMINE"]));
        m.insert("collected".into(), json!(when(&r.updated_at, &start)));
        if !r.notes.trim().is_empty() {
            m.insert("remarks".into(), json!(r.notes));
        }
        observations.push(Value::Object(m));
    }
    for i in &interviews {
        let props = props(&[
            ("interviewee-role", &i.role),
            ("interviewer", &i.interviewer),
            ("clauses", &i.clauses),
        ]);
        let mut m = Map::new();
        m.insert("uuid".into(), json!(uuid_of("interview", &i.id)));
        m.insert(
            "title".into(),
            json!(format!("Interview: {}", or(&i.interviewee, "unnamed"))),
        );
        m.insert(
            "description".into(),
            json!(format!(
                "Interview with {}{} on clauses {}.",
                or(&i.interviewee, "an unnamed person"),
                if i.role.trim().is_empty() {
                    String::new()
                } else {
                    format!(" ({})", i.role)
                },
                or(&i.clauses, "not recorded")
            )),
        );
        put_props(&mut m, props);
        m.insert("methods".into(), json!(["INTERVIEW"]));
        m.insert("collected".into(), json!(when(&i.held_at, &start)));
        if with_notes && !i.notes.trim().is_empty() {
            m.insert("remarks".into(), json!(i.notes));
        }
        observations.push(Value::Object(m));
    }
    for x in &samples {
        let size = x.size.to_string();
        let props = props(&[
            ("clause", &x.clause_id),
            ("sampling-method", x.method.label()),
            ("sample-size", &size),
        ]);
        let mut m = Map::new();
        m.insert("uuid".into(), json!(uuid_of("sample", &x.id)));
        m.insert(
            "title".into(),
            json!(format!(
                "Sample: {}",
                or(&x.population, "population not recorded")
            )),
        );
        m.insert(
            "description".into(),
            json!(format!(
                "{} of {} ({}) for clause {}: {}",
                x.size,
                or(&x.population, "a population not recorded"),
                x.method.label().to_lowercase(),
                x.clause_id,
                or(&x.result, "no result recorded")
            )),
        );
        put_props(&mut m, props);
        m.insert("methods".into(), json!(["TEST"]));
        if !x.items.trim().is_empty() {
            m.insert(
                "relevant-evidence".into(),
                json!([{ "description": format!("Items seen: {}", x.items) }]),
            );
        }
        m.insert("collected".into(), json!(when(&x.updated_at, &start)));
        observations.push(Value::Object(m));
    }
    // a citation of a sample that is not in the audit is left out
    let sample_ids: std::collections::HashSet<&str> =
        samples.iter().map(|x| x.id.as_str()).collect();
    for list in cites.values_mut() {
        list.retain(|id| sample_ids.contains(id.as_str()));
    }

    // the clauses assessed at stage 2
    let assessed: Vec<Value> = cat
        .clauses()
        .iter()
        .filter(|c| {
            stage2
                .get(&c.id)
                .is_some_and(|r| r.status != crate::domain::ClauseStatus::NotStarted)
        })
        .map(|c| json!({ "control-id": control_id(&c.id) }))
        .collect();
    let selection = if assessed.is_empty() {
        json!({ "description": "No clause assessed at stage 2 yet: the whole standard is in scope.", "include-all": {} })
    } else {
        json!({ "description": "The clauses assessed at stage 2.", "include-controls": assessed })
    };

    let total: u64 = counts.iter().sum();
    let ncs: u64 = Grade::ALL
        .iter()
        .zip(counts)
        .filter(|(g, _)| g.is_nonconformity())
        .map(|(_, n)| n)
        .sum();
    let path = store.path().to_path_buf();
    let pages = |grades: Vec<Grade>| {
        let path = path.clone();
        let audit_id = audit.id.clone();
        move || {
            let path = path.clone();
            let audit_id = audit_id.clone();
            grades
                .clone()
                .into_iter()
                .flat_map(move |g| store::grade_pages(path.clone(), audit_id.clone(), g, PAGE))
        }
    };
    let all_pages = pages(Grade::ALL.to_vec());
    let nc_pages = pages(
        Grade::ALL
            .iter()
            .copied()
            .filter(|g| g.is_nonconformity())
            .collect(),
    );
    let scale = store.audit_scale(&audit.id)?;
    let findings = Stream {
        pages: all_pages,
        cites: &cites,
        scale: &scale,
        risks: false,
    };
    let risks = Stream {
        pages: nc_pages,
        cites: &cites,
        scale: &scale,
        risks: true,
    };

    #[derive(Serialize)]
    struct Result_<'a, F: Serialize, R: Serialize> {
        uuid: String,
        title: String,
        description: String,
        start: String,
        end: String,
        #[serde(rename = "reviewed-controls")]
        reviewed_controls: Value,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        observations: &'a Vec<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        risks: Option<R>,
        #[serde(skip_serializing_if = "Option::is_none")]
        findings: Option<F>,
    }
    #[derive(Serialize)]
    struct Results<'a, F: Serialize, R: Serialize> {
        uuid: String,
        metadata: Value,
        #[serde(rename = "import-ap")]
        import_ap: Value,
        results: [Result_<'a, F, R>; 1],
    }
    #[derive(Serialize)]
    struct Document<'a, F: Serialize, R: Serialize> {
        #[serde(rename = "assessment-results")]
        assessment_results: Results<'a, F, R>,
    }
    let doc = Document {
        assessment_results: Results {
            uuid: uuid_of("assessment-results", &audit.id),
            metadata: Value::Object(metadata),
            import_ap: json!({
                "href": "#",
                "remarks": "No OSCAL assessment plan: the audit plan is kept in auditbench."
            }),
            results: [Result_ {
                uuid: uuid_of("result", &audit.id),
                title: format!(
                    "{} audit, {} to {}",
                    audit.audit_type.label(),
                    audit.start_date,
                    audit.end_date
                ),
                description: or(&audit.scope, "Scope not recorded."),
                start,
                end,
                reviewed_controls: json!({ "control-selections": [selection] }),
                observations: &observations,
                risks: (ncs > 0).then_some(risks),
                findings: (total > 0).then_some(findings),
            }],
        },
    };
    let mut out = out;
    // compact: pretty printing made 100 000 findings 226 MB
    serde_json::to_writer(&mut out, &doc)
        .map_err(|e| store::Error::Io(format!("cannot write the OSCAL document: {e}")))?;
    out.write_all(b"\n")
        .map_err(|e| store::Error::Io(format!("cannot write the OSCAL document: {e}")))?;
    Ok((total as usize, out))
}
