//! What the workbench calls the store's things: UI words stay out of the
//! store.

use crate::store::{FindingField, FindingOrder};

/// A finding's text field, as its editor and the detail popup name it.
pub fn finding_field(f: FindingField) -> &'static str {
    match f {
        FindingField::Title => "Title",
        FindingField::Requirement => "Requirement",
        FindingField::Statement => "Statement",
        FindingField::Evidence => "Objective evidence",
        FindingField::RootCause => "Root cause",
        FindingField::Correction => "Correction",
        FindingField::CorrectiveAction => "Corrective action",
        FindingField::DueDate => "Due date",
        FindingField::RaisedBy => "Raised by",
        FindingField::VerifiedOn => "Verified on",
        FindingField::VerifiedBy => "Verified by",
        FindingField::VerificationMethod => "How verified",
        FindingField::VerificationEvidence => "Evidence seen",
    }
}

/// An order of the findings list, as the list's title says it.
pub fn finding_order(o: FindingOrder) -> &'static str {
    match o {
        FindingOrder::Report => "report order",
        FindingOrder::Due => "due date",
        FindingOrder::Status => "status",
        FindingOrder::Reference => "reference",
    }
}
