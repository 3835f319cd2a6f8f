//! The audit's context: what a certification audit report has to state
//! beside the findings (ISO/IEC 17021-1 9.4.8, ISO 19011 6.5.1), recorded
//! by the lead auditor item by item. The wording of every label and hint
//! is auditbench's own.

use super::enums::ParseEnumError;

/// Where an item belongs in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Parties,
    Audit,
    Meetings,
    Course,
    Conclusions,
}

impl Section {
    pub fn label(self) -> &'static str {
        match self {
            Section::Parties => "Client and team",
            Section::Audit => "The audit",
            Section::Meetings => "Opening and closing meetings",
            Section::Course => "How the audit went",
            Section::Conclusions => "Conclusions",
        }
    }
}

macro_rules! context_items {
    ($( $variant:ident = $code:literal, $section:ident, $label:literal, $hint:literal; )+) => {
        /// One recorded item of the audit's context.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ContextItem { $( $variant ),+ }

        impl ContextItem {
            /// Every item, in report order.
            pub const ALL: &'static [ContextItem] = &[ $( ContextItem::$variant ),+ ];

            /// The stable code stored in the database and used on the command line.
            pub fn code(self) -> &'static str {
                match self { $( ContextItem::$variant => $code ),+ }
            }

            pub fn section(self) -> Section {
                match self { $( ContextItem::$variant => Section::$section ),+ }
            }

            /// The label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( ContextItem::$variant => $label ),+ }
            }

            /// What to write there, in a line.
            pub fn hint(self) -> &'static str {
                match self { $( ContextItem::$variant => $hint ),+ }
            }
        }
    };
}

context_items! {
    ClientAddress = "client_address", Parties, "Client's address",
        "Registered address of the organisation audited";
    ClientRepresentative = "client_representative", Parties, "Client's representative",
        "Name and role of the person representing the client for this audit";
    TeamRoles = "team_roles", Parties, "Team roles",
        "Who was lead auditor, auditor, technical expert, observer or trainee";
    ClientParticipants = "client_participants", Parties, "Client's participants",
        "Who took part for the client (names and roles)";
    Criteria = "criteria", Audit, "Audit criteria",
        "Besides the standard: the client's SMS documents, contracts and other requirements audited against";
    Objectives = "objectives", Audit, "Audit objectives",
        "What this audit set out to establish";
    CertificateScope = "certificate_scope", Audit, "Certificate scope statement",
        "The wording of the scope as it would appear on the certificate";
    Combination = "combination", Audit, "Combined, joint or integrated",
        "Whether the audit was combined with another standard, joint with another body, or integrated (or none)";
    Sites = "sites", Audit, "Sites and locations",
        "Each site or location visited: on site or remote, and the dates";
    OpeningMeeting = "opening_meeting", Meetings, "Opening meeting",
        "When, who attended, and what was confirmed (plan, scope, confidentiality, method)";
    ClosingMeeting = "closing_meeting", Meetings, "Closing meeting",
        "When, who attended, findings presented and whether the client acknowledged them";
    DivergingOpinions = "diverging_opinions", Meetings, "Diverging opinions",
        "Disagreements with the client about findings or conclusions not resolved (or none)";
    PlanDeviations = "plan_deviations", Course, "Deviations from the audit plan",
        "What changed from the plan and why (or none)";
    Obstacles = "obstacles", Course, "Obstacles",
        "Anything that limited the audit: unavailable people, records or sites (or none)";
    Changes = "changes", Course, "Significant changes",
        "Changes since the last audit that affect the SMS (or none; initial audit)";
    MarksUse = "marks_use", Course, "Use of certification marks",
        "How the client uses the certificate and marks, and whether it is correct";
    Conformity = "conformity", Conclusions, "Conformity and effectiveness",
        "Whether the SMS conforms and works, including what internal audit and management review showed";
    ScopeAppropriate = "scope_appropriate", Conclusions, "Scope appropriate",
        "Whether the scope of certification fits what the client does";
    ObjectivesMet = "objectives_met", Conclusions, "Objectives met",
        "Whether the audit objectives were met, and if not why";
}

impl ContextItem {
    pub fn parse(code: &str) -> Result<ContextItem, ParseEnumError> {
        let c = code.trim().replace('-', "_");
        Self::ALL
            .iter()
            .copied()
            .find(|i| i.code() == c)
            .ok_or_else(|| ParseEnumError {
                what: "context item",
                value: code.to_string(),
                accepted: Self::ALL
                    .iter()
                    .map(|i| i.code())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The recorded context of one audit: (item, text), only the items
/// recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditContext {
    pub items: std::collections::BTreeMap<ContextItem, String>,
}

impl AuditContext {
    /// The item's text ("" when not recorded).
    pub fn get(&self, item: ContextItem) -> &str {
        self.items.get(&item).map_or("", String::as_str)
    }

    pub fn is_recorded(&self, item: ContextItem) -> bool {
        !self.get(item).trim().is_empty()
    }
}
