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
    GoSamples,
    GoReport,
    GoPlan,
    GoProgramme,
    /// A rehearsal's gap plan.
    GoGaps,
    /// The audit team: members, merges, conflicts.
    GoTeam,
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
    /// Record the team's recommendation (a picker).
    Decide,
    /// Write the recommendation's justification.
    EditJustification,
    /// Edit the audit's details (a form).
    EditAudit,
    /// Choose who is working from the audit team (a picker).
    ChooseAuditor,
    /// Tick or untick the selected item of a checklist.
    ToggleItem,
    /// The samples the finding cites (a checklist).
    CiteSamples,
    /// Write the audit report (a form: where, which format).
    MakeReport,
    /// Write the hand-over pack (a form: which folder).
    MakePack,
    /// Make a follow-up (surveillance, recertification) of the selected audit.
    FollowUp,
    /// Record what this audit found about a finding carried from an earlier one.
    VerifyCarried,
    // the plan and the programme
    /// Add a slot to the audit plan (a form).
    NewSlot,
    /// Change the selected slot of the plan (a form).
    EditSlot,
    /// Change the client's every-visit clauses (a form).
    EditEveryVisit,
    /// Stage 2: go to the next clause the plan takes that is not done.
    NextPlanned,
    /// A rehearsal: rate the selected question, then move to the next.
    RateMet,
    RatePartly,
    RateNotMet,
    /// Not applicable, with its reason (a form).
    RateNotApplicable,
    /// Plan the selected gap: owner, action, target date, state.
    EditGap,
    /// Team: merge a teammate's team file into the open audit.
    TeamMerge,
    /// Team: write a team file of the open audit.
    TeamShare,
    /// Team: settle the selected conflict (a choice of its values).
    SettleConflict,
    /// The period a sample's records cover.
    EditPeriod,
    // stage 1
    PickDocStatus,
    EditDocReference,
    EditDocVersion,
    EditDocNotes,
    RaiseFromDocument,
    // stage 2
    SwitchFocus,
    ToggleQuestion,
    PickClauseStatus,
    PickClauseResult,
    EditClauseNotes,
    NewFinding,
    NewInterview,
    NewSample,
    NextClauseNotDone,
    /// Scroll the clause pane (its notes, findings, samples, interviews).
    ScrollDetailDown,
    ScrollDetailUp,
    // findings
    FilterGrade,
    FilterStatus,
    FilterClause,
    ClearFilters,
    CycleSort,
    PickGrade,
    PickStatus,
    Delete,
    // interviews
    EditNotes,
    EditInterviewee,
    EditRole,
    EditTime,
    EditClauses,
    // samples
    EditPopulation,
    EditSize,
    EditResult,
    PickMethod,
    // popups
    Save,
    Cancel,
    Confirm,
    NextField,
    PrevField,
    /// Enter in a form: the next field, or save on the last one.
    NextOrSave,
    /// On a choice field: the next / previous value.
    NextChoice,
    PrevChoice,
    // typing in a text field (the editor, a form's text field, the finder's query)
    NewLine,
    InsertTab,
    DeleteBack,
    DeleteForward,
    DeleteWordBack,
    DeleteWordForward,
    DeleteToLineEnd,
    DeleteToLineStart,
    CursorLeft,
    CursorRight,
    CursorUp,
    CursorDown,
    WordLeft,
    WordRight,
    LineStart,
    LineEnd,
    Undo,
    Redo,
    Yank,
    // internal (never bound to a key)
    Tick,
    /// Continue a search that did not finish within its time budget.
    Work,
    ShowError(String),
    ShowInfo(String),
    /// A picker's value chosen by its number.
    Choose(usize),
}

impl Action {
    /// Whether the action edits the text of the focused text field.
    pub fn is_text_edit(&self) -> bool {
        use Action as A;
        matches!(
            self,
            A::NewLine
                | A::InsertTab
                | A::DeleteBack
                | A::DeleteForward
                | A::DeleteWordBack
                | A::DeleteWordForward
                | A::DeleteToLineEnd
                | A::DeleteToLineStart
                | A::CursorLeft
                | A::CursorRight
                | A::CursorUp
                | A::CursorDown
                | A::WordLeft
                | A::WordRight
                | A::LineStart
                | A::LineEnd
                | A::Undo
                | A::Redo
                | A::Yank
        )
    }

    /// Whether the action changes the audit file (refused when the file is
    /// read-only, or, for an audit's content, when the audit is reported).
    pub fn changes_data(&self) -> bool {
        use Action as A;
        matches!(
            self,
            A::NewAudit
                | A::CreateDemo
                | A::ReportAudit
                | A::Decide
                | A::EditJustification
                | A::EditAudit
                | A::PickDocStatus
                | A::EditDocReference
                | A::EditDocVersion
                | A::EditDocNotes
                | A::RaiseFromDocument
                | A::ToggleQuestion
                | A::PickClauseStatus
                | A::PickClauseResult
                | A::EditClauseNotes
                | A::NewFinding
                | A::NewInterview
                | A::NewSample
                | A::PickGrade
                | A::CiteSamples
                | A::PickStatus
                | A::Delete
                | A::EditNotes
                | A::EditInterviewee
                | A::EditRole
                | A::EditTime
                | A::EditClauses
                | A::EditPopulation
                | A::EditSize
                | A::EditResult
                | A::PickMethod
                | A::NewSlot
                | A::EditSlot
                | A::EditEveryVisit
                | A::RateMet
                | A::RatePartly
                | A::RateNotMet
                | A::RateNotApplicable
                | A::EditGap
                | A::EditPeriod
                | A::TeamMerge
                | A::TeamShare
                | A::SettleConflict
        )
    }

    /// Every action a key can be bound to: the vocabulary of `keymap.toml`.
    pub const BINDABLE: &'static [Action] = &[
        Action::Quit,
        Action::Suspend,
        Action::Help,
        Action::OpenFinder,
        Action::Export,
        Action::GoAudits,
        Action::GoOverview,
        Action::GoStage1,
        Action::GoStage2,
        Action::GoFindings,
        Action::GoInterviews,
        Action::GoSamples,
        Action::GoReport,
        Action::GoPlan,
        Action::GoProgramme,
        Action::GoGaps,
        Action::GoTeam,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Left,
        Action::Right,
        Action::Select,
        Action::Back,
        Action::NewAudit,
        Action::CreateDemo,
        Action::ReportAudit,
        Action::ShowHistory,
        Action::Decide,
        Action::EditJustification,
        Action::EditAudit,
        Action::ChooseAuditor,
        Action::ToggleItem,
        Action::CiteSamples,
        Action::MakeReport,
        Action::MakePack,
        Action::FollowUp,
        Action::VerifyCarried,
        Action::NewSlot,
        Action::EditSlot,
        Action::EditEveryVisit,
        Action::NextPlanned,
        Action::RateMet,
        Action::RatePartly,
        Action::RateNotMet,
        Action::RateNotApplicable,
        Action::EditGap,
        Action::TeamMerge,
        Action::TeamShare,
        Action::SettleConflict,
        Action::EditPeriod,
        Action::PickDocStatus,
        Action::EditDocReference,
        Action::EditDocVersion,
        Action::EditDocNotes,
        Action::RaiseFromDocument,
        Action::SwitchFocus,
        Action::ToggleQuestion,
        Action::PickClauseStatus,
        Action::PickClauseResult,
        Action::EditClauseNotes,
        Action::NewFinding,
        Action::NewInterview,
        Action::NewSample,
        Action::NextClauseNotDone,
        Action::ScrollDetailDown,
        Action::ScrollDetailUp,
        Action::FilterGrade,
        Action::FilterStatus,
        Action::FilterClause,
        Action::ClearFilters,
        Action::CycleSort,
        Action::PickGrade,
        Action::PickStatus,
        Action::Delete,
        Action::EditNotes,
        Action::EditInterviewee,
        Action::EditRole,
        Action::EditTime,
        Action::EditClauses,
        Action::EditPopulation,
        Action::EditSize,
        Action::EditResult,
        Action::PickMethod,
        Action::Save,
        Action::Cancel,
        Action::Confirm,
        Action::NextField,
        Action::PrevField,
        Action::NextOrSave,
        Action::NextChoice,
        Action::PrevChoice,
        Action::NewLine,
        Action::InsertTab,
        Action::DeleteBack,
        Action::DeleteForward,
        Action::DeleteWordBack,
        Action::DeleteWordForward,
        Action::DeleteToLineEnd,
        Action::DeleteToLineStart,
        Action::CursorLeft,
        Action::CursorRight,
        Action::CursorUp,
        Action::CursorDown,
        Action::WordLeft,
        Action::WordRight,
        Action::LineStart,
        Action::LineEnd,
        Action::Undo,
        Action::Redo,
        Action::Yank,
    ];

    /// The bindable action named `name` (snake_case, as in `keymap.toml`).
    pub fn from_name(name: &str) -> Option<Action> {
        Self::BINDABLE.iter().find(|a| a.name() == name).cloned()
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
