//! A realistic demo audit (for trying the workbench) and bulk generation
//! (for benchmarks). Everything is written in one transaction.

use crate::catalogue::Catalogue;
use crate::domain::{
    AuditStatus, AuditType, ClauseResult, ClauseReview, ClauseStatus, DocStatus, DocumentReview,
    FindingStatus, Grade, Interview, NewAudit, NewFinding, Sample, SampleMethod, Stage,
};
use crate::store::{Result, Store};

struct DemoFinding {
    clause: &'static str,
    stage: u8,
    grade: Grade,
    title: &'static str,
    requirement: &'static str,
    statement: &'static str,
    evidence: &'static str,
    response: Option<(FindingStatus, &'static str, &'static str, &'static str)>,
    due: &'static str,
}

const FINDINGS: &[DemoFinding] = &[
    DemoFinding {
        clause: "8.7.2", stage: 2, grade: Grade::Major,
        title: "Service continuity plan never tested",
        requirement: "ISO/IEC 20000-1:2018 8.7.2 (continuity plans tested at planned intervals)",
        statement: "The service continuity plan for the hosting service has not been tested since it was written; no test is scheduled.",
        evidence: "SCP-HOST v1.0 dated 2024-02-12; test log empty; continuity manager confirmed in interview that no test, walk-through or simulation took place.",
        response: None, due: "2026-12-20",
    },
    DemoFinding {
        clause: "8.5.1.3", stage: 2, grade: Grade::Minor,
        title: "Emergency change approved after implementation without review",
        requirement: "ISO/IEC 20000-1:2018 8.5.1.3 (changes assessed and approved; emergency changes per policy)",
        statement: "One of five sampled changes was an emergency change implemented before approval, and the retrospective review required by the change policy was not recorded.",
        evidence: "CHG-1077 (firewall rule, 2026-09-14): approval timestamp 2026-09-15, no post-implementation review. Change policy CMP-02 section 4.3 requires review within 5 working days.",
        response: Some((FindingStatus::ResponseReceived, "PIR for CHG-1077 held on 2026-11-20.", "The emergency change checklist does not prompt for the review; reviews depend on memory.", "Add a mandatory PIR task to emergency change tickets; weekly CAB checks open PIRs.")),
        due: "2027-02-15",
    },
    DemoFinding {
        clause: "9.2", stage: 2, grade: Grade::Minor,
        title: "Internal audit programme does not cover all SMS processes",
        requirement: "ISO/IEC 20000-1:2018 9.2 (audit programme covering the SMS)",
        statement: "The 2026 internal audit programme omits capacity management and budgeting and accounting for services; no rationale is recorded.",
        evidence: "Internal audit programme IAP-2026 rev 2: 11 of 13 SMS processes planned; audit lead interviewed.",
        response: None, due: "2027-02-15",
    },
    DemoFinding {
        clause: "8.3.4.1", stage: 2, grade: Grade::Minor,
        title: "Supplier contract targets do not support SLA",
        requirement: "ISO/IEC 20000-1:2018 8.3.4.1 (contracts with external suppliers support the SLAs)",
        statement: "The data-centre supplier's contract allows a 24-hour restoration time, while the customer SLA promises restoration within 8 hours.",
        evidence: "Contract DC-NORD-2023 schedule 3, clause 2.1 (24 h); SLA-ACME-2025 section 5 (8 h restoration for P1).",
        response: Some((FindingStatus::Closed, "Addendum signed with the supplier: 6-hour restoration.", "Contracts were renewed by procurement without checking SLA targets.", "Supplier manager now signs off every contract renewal against an SLA target checklist.")),
        due: "2026-10-31",
    },
    DemoFinding {
        clause: "7.5.3", stage: 1, grade: Grade::Observation,
        title: "Two versions of the incident procedure in circulation",
        requirement: "ISO/IEC 20000-1:2018 7.5.3 (control of documented information)",
        statement: "The wiki and the shared drive hold different versions of the incident management procedure; staff could use the obsolete one.",
        evidence: "INC-PROC v3.1 on the wiki, v2.4 on S:\\SMS\\Procedures, both unmarked.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "8.6.3", stage: 2, grade: Grade::Observation,
        title: "Problem records lack evidence of trend analysis",
        requirement: "ISO/IEC 20000-1:2018 8.6.3 (problem identification, including from trends)",
        statement: "Problems are raised reactively after major incidents only; no trend analysis of incidents could be shown.",
        evidence: "PRB-0311, PRB-0317, PRB-0320 all opened after P1 incidents; problem manager interviewed.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "6.2.1", stage: 1, grade: Grade::Observation,
        title: "Some objectives are not measurable",
        requirement: "ISO/IEC 20000-1:2018 6.2.1 (objectives measurable where practicable)",
        statement: "Two of six service management objectives ('improve customer focus', 'strengthen security culture') have no measure or target.",
        evidence: "Objectives register OBJ-2026 rows 4 and 6.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "8.2.6", stage: 2, grade: Grade::Ofi,
        title: "Automate CMDB reconciliation",
        requirement: "ISO/IEC 20000-1:2018 8.2.6",
        statement: "Configuration verification is manual and quarterly; automated discovery already deployed for monitoring could reconcile the CMDB continuously.",
        evidence: "Configuration audit CA-2026-Q3: 5 of 40 CIs had stale attributes.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "9.4", stage: 2, grade: Grade::Ofi,
        title: "Service reports could show trends, not only monthly figures",
        requirement: "ISO/IEC 20000-1:2018 9.4",
        statement: "Customer service reports list the month's figures; adding 12-month trends would support the service review discussions.",
        evidence: "Service reports SR-ACME-2026-08, -09, -10.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "8.6.1", stage: 2, grade: Grade::GoodPractice,
        title: "Major incident reviews are thorough and shared",
        requirement: "ISO/IEC 20000-1:2018 8.6.1",
        statement: "Every major incident of the period had a review within 5 days, with actions tracked to closure and a summary shared with the customer.",
        evidence: "MIR-2026-004, MIR-2026-007; customer acknowledgement e-mails.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "7.2", stage: 2, grade: Grade::GoodPractice,
        title: "Competence matrix linked to role descriptions",
        requirement: "ISO/IEC 20000-1:2018 7.2",
        statement: "Each SMS role has required competences in the HR system, and gaps automatically open training requests.",
        evidence: "Competence matrix export 2026-11-02; training requests TR-551, TR-560.",
        response: None, due: "",
    },
    DemoFinding {
        clause: "5.2.2", stage: 1, grade: Grade::Observation,
        title: "Policy not yet communicated to subcontracted staff",
        requirement: "ISO/IEC 20000-1:2018 5.2.2",
        statement: "The service management policy was published on the intranet, which subcontracted service desk staff cannot reach.",
        evidence: "Intranet access list; interview with a subcontracted analyst.",
        response: None, due: "",
    },
];

const INTERVIEWS: &[(&str, &str, &str, &str, &str)] = &[
    ("Claire Dubois", "SMS manager", "2026-11-16 09:30 UTC", "4.3, 4.4, 6.3, 9.1", "Walked through the SMS plan and process map. Scope excludes the Lyon office (no services delivered from there). SMS plan rev 4 approved in June."),
    ("Marc Olsen", "Change manager", "2026-11-16 11:00 UTC", "8.5.1.1, 8.5.1.2, 8.5.1.3", "CAB weekly on Tuesdays. Emergency changes approved by duty manager by phone; PIR 'usually' done. Sampled 5 changes, see sample."),
    ("Priya Raman", "Continuity manager", "2026-11-16 14:00 UTC", "8.7.1, 8.7.2", "Plan written in 2024 after the risk assessment. Test was planned for Q2 2025 but cancelled for a migration and never rescheduled."),
    ("Tom Becker", "Service desk team lead", "2026-11-17 09:00 UTC", "8.6.1, 8.6.2, 7.6", "Showed priority matrix and knowledge base. Major incident procedure well known by the team."),
    ("Aïcha Benali", "Internal audit lead", "2026-11-17 11:30 UTC", "9.2, 10.1", "Audit programme built from process risk; capacity and budgeting left out 'for lack of time'."),
];

const SAMPLES: &[(&str, &str, SampleMethod, u32, &str, &str)] = &[
    ("8.5.1.3", "Changes closed 2026-08-01 to 2026-10-31 (214)", SampleMethod::Judgement, 5, "CHG-1042, CHG-1077, CHG-1091, CHG-1104, CHG-1120", "4 conforming; CHG-1077 emergency change without PIR (see NC)"),
    ("8.6.1", "Incidents resolved in October 2026 (1 318)", SampleMethod::Statistical, 10, "INC-88102, INC-88160, INC-88231, INC-88307, INC-88399, INC-88420, INC-88516, INC-88590, INC-88641, INC-88702", "All prioritised per matrix; 1 P2 resolved 40 min late, breach recorded"),
    ("8.3.4.1", "Active external supplier contracts (9)", SampleMethod::Judgement, 3, "DC-NORD-2023, NET-TEL-2024, SAAS-HR-2025", "DC-NORD-2023 restoration time weaker than SLA (see NC)"),
    ("7.2", "Staff in SMS roles (46)", SampleMethod::Judgement, 4, "EMP-0142, EMP-0187, EMP-0203 (new joiner), EMP-0211", "All records complete"),
    ("8.6.3", "Problems opened in 2026 (23)", SampleMethod::Judgement, 3, "PRB-0311, PRB-0317, PRB-0320", "Root causes recorded; all reactive"),
];

/// Create the demo audit and return its id.
pub fn create_demo(store: &mut Store) -> Result<String> {
    create_demo_graded(store, &crate::domain::Scale::generic())
}

/// The demo audit graded on `scale` (its findings' grades are the same
/// classes; their labels and references are the scale's).
pub fn create_demo_graded(store: &mut Store, scale: &crate::domain::Scale) -> Result<String> {
    store.atomically(|store| create_demo_parts(store, scale))
}

fn create_demo_parts(store: &mut Store, scale: &crate::domain::Scale) -> Result<String> {
    let audit = store.create_audit_with_scale(
        &NewAudit {
            organisation: "Northwind Managed Services Ltd".into(),
            scope:
                "Design, transition, delivery and improvement of managed hosting, service desk and \
                workplace services for business customers, from the Leeds and Rotterdam sites."
                    .into(),
            catalogue_id: "iso20000-1-2018".into(),
            edition: "2018".into(),
            audit_type: AuditType::Stage2,
            certification_body: "Example Certification Body".into(),
            lead_auditor: "Jordan Lee".into(),
            team: "Jordan Lee (lead), Sam Ortiz".into(),
            start_date: "2026-11-16".into(),
            end_date: "2026-11-19".into(),
        },
        scale,
    )?;
    store.set_audit_status(&audit.id, AuditStatus::InProgress)?;
    let cat = store.catalogue(&audit.catalogue_id)?;
    let id = audit.id.clone();
    store.batch(|b| {
        // Stage 1: every expected document reviewed.
        for (i, (clause, doc)) in cat.documents().enumerate() {
            let status = match doc.key.as_str() {
                "continuity-plan" => DocStatus::NeedsImprovement,
                "context-analysis" => DocStatus::Missing,
                "document-list" => DocStatus::NeedsImprovement,
                _ => DocStatus::Adequate,
            };
            b.document_review(&DocumentReview {
                audit_id: id.clone(),
                doc_key: doc.key.clone(),
                clause_id: clause.id.clone(),
                status,
                reference: format!("NW-{}-{:02}", clause.id.replace('.', ""), i + 1),
                version: "2026".into(),
                notes: String::new(),
                updated_at: String::new(),
            })?;
        }
        // Stage 1 clause walk done; stage 2 walked through half the assessable clauses.
        let assessable: Vec<_> = cat
            .clauses()
            .iter()
            .filter(|c| cat.is_assessable(c))
            .collect();
        let half = assessable.len() / 2;
        for (i, c) in assessable.iter().enumerate() {
            b.clause_review(&ClauseReview {
                audit_id: id.clone(),
                clause_id: c.id.clone(),
                stage: Stage::ONE,
                status: ClauseStatus::Done,
                result: ClauseResult::Conforming,
                notes: String::new(),
                questions_covered: vec![],
                updated_at: String::new(),
            })?;
            if i <= half {
                let nc = FINDINGS
                    .iter()
                    .any(|f| f.clause == c.id && f.grade.is_nonconformity());
                b.clause_review(&ClauseReview {
                    audit_id: id.clone(),
                    clause_id: c.id.clone(),
                    stage: Stage::TWO,
                    status: if i == half {
                        ClauseStatus::InProgress
                    } else {
                        ClauseStatus::Done
                    },
                    result: if i == half {
                        ClauseResult::NotAssessed
                    } else if nc {
                        ClauseResult::Nonconforming
                    } else {
                        ClauseResult::Conforming
                    },
                    notes: String::new(),
                    questions_covered: (0..c.questions.len()).collect(),
                    updated_at: String::new(),
                })?;
            }
        }
        let mut raised = Vec::new();
        for f in FINDINGS {
            let (fid, _) = b.add_finding(
                &id,
                &NewFinding {
                    clause_id: f.clause.into(),
                    stage: Stage::new(f.stage)?,
                    grade: f.grade,
                    title: f.title.into(),
                    requirement: f.requirement.into(),
                    statement: f.statement.into(),
                    evidence: f.evidence.into(),
                    raised_by: "Jordan Lee".into(),
                    due_date: f.due.into(),
                },
            )?;
            raised.push((fid.clone(), f.clause));
            if let Some((status, correction, cause, action)) = f.response {
                b.respond(&fid, status, correction, cause, action)?;
                if status == FindingStatus::Closed {
                    b.verify(
                        &fid,
                        "2026-11-18",
                        "Jordan Lee",
                        "Document review of the signed addendum; interview with the supplier manager",
                        "Addendum DC-NORD-2023/A1 (6-hour restoration), renewal checklist dated 2026-11-02",
                    )?;
                }
            }
        }
        for (who, role, when, clauses, notes) in INTERVIEWS {
            b.interview(&Interview {
                id: String::new(),
                audit_id: id.clone(),
                interviewee: (*who).into(),
                role: (*role).into(),
                held_at: (*when).into(),
                clauses: (*clauses).into(),
                notes: (*notes).into(),
                created_at: String::new(),
                updated_at: String::new(),
                interviewer: "Jordan Lee".into(),
            })?;
        }
        for (clause, population, method, size, items, result) in SAMPLES {
            let sid = b.sample(&Sample {
                id: String::new(),
                audit_id: id.clone(),
                clause_id: (*clause).into(),
                population: (*population).into(),
                method: *method,
                size: *size,
                items: (*items).into(),
                result: (*result).into(),
                created_at: String::new(),
                updated_at: String::new(),
                period_from: "2026-08-01".into(),
                period_to: "2026-10-31".into(),
            })?;
            // the findings of the sample's clause cite it
            for (fid, _) in raised.iter().filter(|(_, c)| c == clause) {
                b.cite(fid, &sid)?;
            }
        }
        for (item, value) in CONTEXT {
            b.context(&id, *item, value)?;
        }
        Ok(())
    })?;
    Ok(audit.id)
}

/// Add `n` generated findings to an audit, with one interview per 20 findings
/// and one sample per 10 (deterministic, for benchmarks).
pub fn add_scale(store: &mut Store, audit_id: &str, cat: &Catalogue, n: usize) -> Result<()> {
    let clauses: Vec<&str> = cat
        .clauses()
        .iter()
        .filter(|c| cat.is_assessable(c))
        .map(|c| c.id.as_str())
        .collect();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    // Many rows at once: the indexes, the text index and the tally are made
    // once after the rows are in, rather than kept up to date row by row.
    if n >= 10_000 {
        return store.with_audit_bulk_loaded(audit_id, |store| {
            add_rows(store, audit_id, &clauses, n, &mut next)
        });
    }
    add_rows(store, audit_id, &clauses, n, &mut next)
}

fn add_rows(
    store: &mut Store,
    audit_id: &str,
    clauses: &[&str],
    n: usize,
    next: &mut impl FnMut() -> u64,
) -> Result<()> {
    store.batch(|b| {
        // findings go in ten at a time (see `Batch::add_findings`); each
        // tenth is followed by its sample (and every twentieth by its
        // interview) as before, so that the trail's rows are in the same
        // order, which packs its pages as tightly as before
        let mut pending = Vec::with_capacity(10);
        for i in 0..n {
            let r = next();
            let clause = clauses[(r % clauses.len() as u64) as usize];
            let grade = Grade::ALL[((r >> 16) % 5) as usize];
            pending.push(NewFinding {
                clause_id: clause.into(),
                stage: if (r >> 24).is_multiple_of(4) { Stage::ONE } else { Stage::TWO },
                grade,
                title: format!("Generated finding {i} on {clause}"),
                requirement: format!("ISO/IEC 20000-1:2018 {clause}"),
                statement: format!(
                    "Sampled record {i} did not show the expected control for clause {clause}, \"as described\", in the period."
                ),
                evidence: format!(
                    "REC-{:06}, REC-{:06}; interview note {}",
                    r % 1_000_000,
                    (r >> 20) % 1_000_000,
                    i / 20
                ),
                raised_by: "Generator".into(),
                due_date: if grade.is_nonconformity() { "2027-03-01".into() } else { String::new() },
            });
            if i % 10 != 0 {
                continue;
            }
            b.add_findings(audit_id, &pending)?;
            pending.clear();
            if i % 20 == 0 {
                b.interview(&Interview {
                    id: String::new(),
                    audit_id: audit_id.into(),
                    interviewee: format!("Interviewee {}", i / 20),
                    role: "Process owner".into(),
                    held_at: "2026-11-18 10:00 UTC".into(),
                    clauses: clause.into(),
                    notes: format!("Generated interview notes {i}.\nSecond line of notes."),
                    created_at: String::new(),
                    updated_at: String::new(),
                    interviewer: String::new(),
                })?;
            }
            b.sample(&Sample {
                id: String::new(),
                audit_id: audit_id.into(),
                clause_id: clause.into(),
                population: format!("Records for {clause} in the period"),
                method: SampleMethod::Judgement,
                size: 5,
                items: format!("REC-{i}, REC-{}", i + 1),
                result: "Generated".into(),
                created_at: String::new(),
                updated_at: String::new(),
                period_from: String::new(),
                period_to: String::new(),
            })?;
        }
        b.add_findings(audit_id, &pending)
    })
}

/// The demo audit's context for the report: recorded up to the closing
/// meeting, with the conclusions still to write (as on the last day).
const CONTEXT: &[(crate::domain::ContextItem, &str)] = {
    use crate::domain::ContextItem as C;
    &[
        (C::ClientAddress, "12 Harbour Road, Leith, Edinburgh EH6 6LX, United Kingdom"),
        (C::ClientRepresentative, "Priya Nair, Head of Service Management"),
        (C::TeamRoles, "Jordan Lee: lead auditor. Sam Ortiz: auditor (clauses 8.5 to 8.7)."),
        (
            C::ClientParticipants,
            "Priya Nair (SMS owner), Marc Olsen (change manager), Tom Becker (service desk lead), Aïcha Benali (internal audit)",
        ),
        (
            C::Criteria,
            "ISO/IEC 20000-1:2018; Northwind's SMS manual v4 and process documents; SLA-ACME-2025 and the supplier contracts in scope",
        ),
        (
            C::Objectives,
            "Establish whether the SMS conforms to ISO/IEC 20000-1:2018 and is effectively implemented, to decide on initial certification.",
        ),
        (
            C::CertificateScope,
            "The SMS supporting the delivery of managed hosting and service desk services to external customers from Edinburgh.",
        ),
        (C::Combination, "None: a single-standard audit by one body."),
        (
            C::Sites,
            "Edinburgh head office, on site, 2026-11-16 to 2026-11-18\nData-centre DC-NORD, remote (video walk-through), 2026-11-19",
        ),
        (
            C::OpeningMeeting,
            "2026-11-16 09:00, Edinburgh. Present: Priya Nair, Marc Olsen, Tom Becker, Jordan Lee, Sam Ortiz. Plan, scope, confidentiality and the sampling method confirmed; guide assigned.",
        ),
        (C::PlanDeviations, "The data-centre visit was held remotely on 2026-11-19 (travel disruption); the same records were seen."),
        (C::Obstacles, "None."),
        (C::Changes, "Initial audit: not applicable."),
        (C::MarksUse, "No certification mark used yet (initial audit)."),
    ]
};

/// The demo's certification cycle: its client's certificate recorded, and
/// the first surveillance a year later, planned, carrying the demo audit's
/// open nonconformities, observations and OFIs. Returns its id.
pub fn create_cycle(store: &mut Store, demo_id: &str) -> Result<String> {
    store.atomically(|store| {
        let demo = store.audit(demo_id)?;
        store.update_client(
            &demo.client_id,
            Some("CB-20000-0426"),
            Some(&demo.scope),
            Some("2026-12-20"),
            Some("2029-12-19"),
            Some("2026-11-16"),
            None,
        )?;
        plan_stage2(store, demo_id)?;
        let (s1, _) = store.create_follow_up(
            demo_id,
            &crate::store::FollowUp {
                audit_type: crate::domain::AuditType::Surveillance,
                catalogue_id: String::new(),
                edition: String::new(),
                start_date: "2027-11-15".into(),
                end_date: "2027-11-16".into(),
            },
        )?;
        let slot =
            |day: &str, start: &str, end: &str, clauses: &str, subject: &str, contacts: &str| {
                crate::domain::PlanSlot {
                    id: String::new(),
                    audit_id: s1.id.clone(),
                    day: day.into(),
                    start: start.into(),
                    end: end.into(),
                    site: "Leeds".into(),
                    auditors: "Jordan Lee".into(),
                    clauses: clauses.into(),
                    subject: subject.into(),
                    contacts: contacts.into(),
                    updated_at: String::new(),
                }
            };
        for s in [
            slot(
                "2027-11-15",
                "09:00",
                "09:30",
                "",
                "Opening meeting",
                "Priya Nair, process owners",
            ),
            slot(
                "2027-11-15",
                "09:30",
                "12:00",
                "9.2 9.3 10.1",
                "Internal audit, management review, corrective actions",
                "Quality manager",
            ),
            slot(
                "2027-11-15",
                "13:00",
                "16:00",
                "8.5.1 8.7.2",
                "Changes; the continuity test carried from stage 2",
                "Change manager, continuity manager",
            ),
            slot(
                "2027-11-16",
                "09:00",
                "12:00",
                "8.3.2 8.3.4.1 8.6.1",
                "Complaints, suppliers, incidents",
                "Service desk lead",
            ),
            slot(
                "2027-11-16",
                "13:00",
                "13:30",
                "",
                "Closing meeting",
                "Priya Nair",
            ),
        ] {
            store.add_plan_slot(&s)?;
        }
        Ok(s1.id)
    })
}

/// The demo stage 2's plan over its four days, and the time walked on the
/// first two (the clauses done so far), so the Plan screen shows planned
/// against walked and what departs from the plan.
fn plan_stage2(store: &mut Store, audit_id: &str) -> Result<()> {
    let slot = |day: &str,
                start: &str,
                end: &str,
                site: &str,
                clauses: &str,
                subject: &str,
                contacts: &str| {
        crate::domain::PlanSlot {
            id: String::new(),
            audit_id: audit_id.to_string(),
            day: day.into(),
            start: start.into(),
            end: end.into(),
            site: site.into(),
            auditors: if clauses.starts_with('8') {
                "Sam Ortiz".into()
            } else {
                "Jordan Lee, Sam Ortiz".into()
            },
            clauses: clauses.into(),
            subject: subject.into(),
            contacts: contacts.into(),
            updated_at: String::new(),
        }
    };
    for s in [
        slot(
            "2026-11-16",
            "09:00",
            "09:30",
            "Leeds",
            "",
            "Opening meeting",
            "Priya Nair, process owners",
        ),
        slot(
            "2026-11-16",
            "09:30",
            "12:30",
            "Leeds",
            "4 5",
            "Context, leadership, policy",
            "Priya Nair",
        ),
        slot(
            "2026-11-16",
            "13:30",
            "17:00",
            "Leeds",
            "6 7",
            "Planning, risks, support, documented information",
            "Quality manager",
        ),
        slot(
            "2026-11-17",
            "09:00",
            "12:30",
            "Leeds",
            "8.1 8.2",
            "Service portfolio, catalogue, assets, configuration",
            "Service owner",
        ),
        slot(
            "2026-11-17",
            "13:30",
            "17:00",
            "Leeds",
            "8.3 8.4",
            "Relationships, suppliers, budgeting, demand and capacity",
            "Supplier manager",
        ),
        slot(
            "2026-11-18",
            "09:00",
            "12:30",
            "Data centre, Bradford",
            "8.5",
            "Change, design and transition, release and deployment",
            "Change manager",
        ),
        slot(
            "2026-11-18",
            "13:30",
            "17:00",
            "Data centre, Bradford",
            "8.6 8.7",
            "Incidents, requests, problems; availability, continuity, security",
            "Tom Becker, continuity manager",
        ),
        slot(
            "2026-11-19",
            "09:00",
            "12:00",
            "Leeds",
            "9 10",
            "Monitoring, internal audit, management review, improvement",
            "Quality manager",
        ),
        slot(
            "2026-11-19",
            "14:00",
            "15:00",
            "Leeds",
            "",
            "Closing meeting",
            "Priya Nair",
        ),
    ] {
        store.add_plan_slot(&s)?;
    }
    let walked: &[(&str, &[&str], i64)] = &[
        (
            "2026-11-16",
            &["4.1", "4.2", "4.3", "4.4", "5.1", "5.2.1", "5.2.2", "5.3"],
            18,
        ),
        (
            "2026-11-16",
            &["6.1", "6.2.1", "6.2.2", "6.3", "7.1", "7.2", "7.3", "7.4"],
            14,
        ),
        (
            "2026-11-16",
            &["7.5.1", "7.5.2", "7.5.3", "7.5.4", "7.6"],
            10,
        ),
        (
            "2026-11-17",
            &["8.1", "8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5"],
            22,
        ),
        ("2026-11-17", &["8.2.6"], 75),
        ("2026-11-17", &["8.3.1"], 40),
    ];
    for (day, clauses, minutes) in walked {
        for c in *clauses {
            store.set_clause_time(audit_id, c, Some(day), minutes * 60)?;
        }
    }
    Ok(())
}

/// The demo rehearsal client's organisation.
pub const REHEARSAL_CLIENT: &str = "Fernhill Digital Services";

/// The rating a demo rehearsal gives question `q` (from 1) of the `i`-th
/// assessable clause with questions: a fixed pattern, so the demo's
/// readiness is the same every time (pinned in a test). The second
/// rehearsal, three months on, meets more.
pub fn rehearsal_rating(second: bool, clause_id: &str, i: usize, q: u32) -> crate::domain::Rating {
    use crate::domain::Rating::*;
    if clause_id == "8.3.4.2" {
        return NotApplicable;
    }
    // how far each main clause is, out of 10, in the first rehearsal;
    // three more in the second
    let top = clause_id.split('.').next().unwrap_or("");
    let base = match top {
        "4" => 6,
        "5" => 7,
        "6" => 4,
        "7" => 5,
        "8" => 3,
        "9" => 2,
        _ => 3,
    } + if second { 3 } else { 0 };
    let v = (i * 7 + q as usize * 3) % 10;
    if v < base {
        Met
    } else if v < base + 2 {
        PartlyMet
    } else {
        NotMet
    }
}

/// A rehearsal client with two rehearsals (internal audits) three months
/// apart: every question rated in the first; the second, a follow-up,
/// carries the ratings and gaps and rates again all but clause 10; findings,
/// samples with the period their records cover, and a gap plan. Returns
/// the two audits' ids. One transaction.
pub fn create_rehearsals(store: &mut Store) -> Result<(String, String)> {
    use crate::domain::{GapState, Outcome, Rating};
    store.atomically(|store| {
        let r1 = store.create_audit(&NewAudit {
            organisation: REHEARSAL_CLIENT.into(),
            scope: "Service desk, incident and change management for the Fernhill group's \
                    business units, from the Bristol site."
                .into(),
            catalogue_id: "iso20000-1-2018".into(),
            edition: "2018".into(),
            audit_type: AuditType::Internal,
            certification_body: String::new(),
            lead_auditor: "Alex Morgan".into(),
            team: "Alex Morgan (internal audit), Chris Wood".into(),
            start_date: "2026-06-08".into(),
            end_date: "2026-06-09".into(),
        })?;
        let cat = store.catalogue(&r1.catalogue_id)?;
        let rated: Vec<(String, usize)> = cat
            .clauses()
            .iter()
            .filter(|c| cat.is_assessable(c) && !c.questions.is_empty())
            .map(|c| (c.id.clone(), c.questions.len()))
            .collect();
        let na = "No internal supplier: every component is delivered by the organisation or by external suppliers under contract";
        let rate = |store: &mut Store, id: &str, second: bool, only: &dyn Fn(&str) -> bool| {
            for (i, (clause, n)) in rated.iter().enumerate() {
                if !only(clause) {
                    continue;
                }
                for q in 1..=*n as u32 {
                    let r = rehearsal_rating(second, clause, i, q);
                    let note = if r == Rating::NotApplicable { na } else { "" };
                    store.rate_question(id, clause, q, r, note, "")?;
                }
            }
            Ok::<(), crate::store::Error>(())
        };
        rate(store, &r1.id, false, &|_| true)?;
        let finding = |clause: &str, grade: Grade, title: &str, statement: &str| NewFinding {
            clause_id: clause.into(),
            stage: Stage::TWO,
            grade,
            title: title.into(),
            requirement: String::new(),
            statement: statement.into(),
            evidence: String::new(),
            raised_by: "Alex Morgan".into(),
            due_date: String::new(),
        };
        let nc1 = store.add_finding(
            &r1.id,
            &finding(
                "9.2",
                Grade::Minor,
                "The internal audit programme does not cover every process yet",
                "Capacity and supplier management had no audit planned for the year.",
            ),
        )?;
        let nc2 = store.add_finding(
            &r1.id,
            &finding(
                "8.5.1.3",
                Grade::Minor,
                "Emergency changes are not reviewed after they are made",
                "Three emergency changes of May had no review recorded.",
            ),
        )?;
        store.add_finding(
            &r1.id,
            &finding(
                "8.6.1",
                Grade::Observation,
                "Incident priorities are set by feel on the night shift",
                "Two of five night incidents sampled had a priority the matrix does not give.",
            ),
        )?;
        let sample = |id: &str, clause: &str, population: &str, from: &str, to: &str| Sample {
            id: String::new(),
            audit_id: id.into(),
            clause_id: clause.into(),
            population: population.into(),
            method: SampleMethod::Judgement,
            size: 5,
            items: String::new(),
            result: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            period_from: from.into(),
            period_to: to.into(),
        };
        for s in [
            sample(&r1.id, "8.6.1", "Incident records", "2026-04-01", "2026-05-31"),
            sample(&r1.id, "8.5.1.3", "Change records", "2026-05-01", "2026-05-31"),
        ] {
            store.save_sample(&s)?;
        }
        for (gap, owner, action, due) in [
            (
                nc1.reference.as_str(),
                "Quality manager",
                "Extend the audit programme to every process",
                "2026-07-31",
            ),
            (
                nc2.reference.as_str(),
                "Change manager",
                "Review every emergency change at the next CAB",
                "2026-07-15",
            ),
        ] {
            store.set_gap(&r1.id, gap, Some(owner), Some(action), Some(due), None)?;
        }
        // the first question gap under a clause: its reference
        let first_gap = |store: &Store, id: &str, under: &str| -> Result<String> {
            Ok(store
                .gaps(id)?
                .into_iter()
                .find(|g| g.source_kind == "question" && g.clause_id.starts_with(under))
                .map(|g| g.reference)
                .unwrap_or_default())
        };
        let q = first_gap(store, &r1.id, "9.2")?;
        store.set_gap(
            &r1.id,
            &q,
            Some("Quality manager"),
            Some("Plan the audits of 2027 by risk"),
            Some("2026-08-31"),
            None,
        )?;
        store.set_audit_status(&r1.id, AuditStatus::Reported)?;

        let (r2, _) = store.create_follow_up(
            &r1.id,
            &crate::store::FollowUp {
                audit_type: AuditType::Internal,
                catalogue_id: String::new(),
                edition: String::new(),
                start_date: "2026-09-07".into(),
                end_date: "2026-09-08".into(),
            },
        )?;
        // rated again, all but clause 10 (still carried)
        rate(store, &r2.id, true, &|c: &str| !c.starts_with("10"))?;
        for c in store.carried(&r2.id)? {
            let (outcome, evidence) = if c.finding_id == nc2.id {
                (
                    Outcome::Effective,
                    "Every emergency change of July and August reviewed at the CAB (minutes seen).",
                )
            } else if c.finding_id == nc1.id {
                (Outcome::StillOpen, "Programme extended; the audits are not done yet.")
            } else {
                continue;
            };
            store.record_outcome(
                &r2.id,
                &c.id,
                &crate::store::OutcomeRecord {
                    outcome,
                    evidence: evidence.into(),
                    raise: None,
                    raised_by: "Alex Morgan".into(),
                },
            )?;
        }
        store.add_finding(
            &r2.id,
            &finding(
                "8.7.1",
                Grade::Minor,
                "Availability is reported without the agreed measurement",
                "The monthly report counts planned maintenance as available time.",
            ),
        )?;
        for s in [
            sample(&r2.id, "8.6.1", "Incident records", "2026-04-01", "2026-08-31"),
            sample(&r2.id, "8.5.1.3", "Change records", "2026-05-01", "2026-08-31"),
            sample(&r2.id, "8.7.1", "Availability reports", "2026-07-01", "2026-08-31"),
            sample(&r2.id, "8.2.5", "Asset register changes", "2026-03-01", "2026-08-31"),
            sample(&r2.id, "8.3.3", "Monthly service level reports", "2026-06-01", "2026-08-31"),
            sample(&r2.id, "8.4.3", "Capacity reviews", "2026-08-01", "2026-08-31"),
            sample(&r2.id, "8.5.3", "Release records", "2026-05-01", "2026-08-31"),
            sample(&r2.id, "8.6.2", "Service requests", "2026-04-01", "2026-08-31"),
            sample(&r2.id, "8.6.3", "Problem records", "2026-07-01", "2026-08-31"),
            sample(&r2.id, "8.7.2", "Continuity test reports", "", ""),
        ] {
            store.save_sample(&s)?;
        }
        store.set_gap(
            &r2.id,
            &format!("finding:{}", nc1.id),
            None,
            None,
            None,
            Some(GapState::InProgress),
        )?;
        let q = first_gap(store, &r2.id, "8.7")?;
        store.set_gap(
            &r2.id,
            &q,
            Some("Service level manager"),
            Some("Measure availability as the agreements define it"),
            Some("2026-10-15"),
            None,
        )?;
        Ok((r1.id, r2.id))
    })
}
