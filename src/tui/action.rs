//! The one vocabulary of the workbench: keys resolve to actions, help lists
//! them, tests send them.

/// Everything the user (or the app itself) can ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    // application
    Quit,
    /// Ctrl-Z: give the terminal back to the shell; `fg` resumes.
    Suspend,
    Help,
    OpenFinder,
    Export,
    GoAudits,
    GoOverview,
    GoStage1,
    GoStage2,
    GoFindings,
    GoInterviews,
    // movement and choice
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Select,
    Back,
    // audits
    NewAudit,
    CreateDemo,
    /// Mark the open audit reported (read-only), or reopen it with a reason.
    ReportAudit,
    /// The audit trail of the selected finding.
    ShowHistory,
    // stage 1
    CycleDocStatus,
    EditDocReference,
    EditDocVersion,
    EditDocNotes,
    RaiseFromDocument,
    // stage 2
    SwitchFocus,
    ToggleQuestion,
    CycleClauseStatus,
    CycleClauseResult,
    EditClauseNotes,
    NewFinding,
    NewInterview,
    NewSample,
    NextClauseNotDone,
    // findings
    FilterGrade,
    FilterStatus,
    FilterClause,
    ClearFilters,
    CycleSort,
    CycleGrade,
    CycleStatus,
    Delete,
    // interviews
    EditNotes,
    EditInterviewee,
    EditRole,
    EditTime,
    EditClauses,
    // popups
    Save,
    Cancel,
    Confirm,
    NextField,
    PrevField,
    // internal (never bound to a key)
    Tick,
    /// Continue a search that did not finish within its time budget.
    Work,
    ShowError(String),
    ShowInfo(String),
}

impl Action {
    /// Whether the action changes the audit file (refused when the file is
    /// read-only, or, for an audit's content, when the audit is reported).
    pub fn changes_data(&self) -> bool {
        use Action as A;
        matches!(
            self,
            A::NewAudit
                | A::CreateDemo
                | A::ReportAudit
                | A::CycleDocStatus
                | A::EditDocReference
                | A::EditDocVersion
                | A::EditDocNotes
                | A::RaiseFromDocument
                | A::ToggleQuestion
                | A::CycleClauseStatus
                | A::CycleClauseResult
                | A::EditClauseNotes
                | A::NewFinding
                | A::NewInterview
                | A::NewSample
                | A::CycleGrade
                | A::CycleStatus
                | A::Delete
                | A::EditNotes
                | A::EditInterviewee
                | A::EditRole
                | A::EditTime
                | A::EditClauses
        )
    }

    /// A stable snake_case name, as used in key maps and tests.
    pub fn name(&self) -> String {
        let dbg = format!("{self:?}");
        let head = dbg.split('(').next().unwrap_or(&dbg);
        let mut out = String::new();
        for (i, ch) in head.chars().enumerate() {
            if ch.is_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.extend(ch.to_lowercase());
            } else {
                out.push(ch);
            }
        }
        out
    }
}
