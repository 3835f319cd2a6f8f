//! What a component asks of the App: the one way out of a component. A
//! component changes its own state and writes through the store; anything
//! beyond itself (another popup, another screen, the status bar, a slice of
//! the model to read again) it asks for with an `Effect`, which the App
//! carries out in order after the component returns.

use super::app::Screen;
use super::popups::confirm::Pending;
use super::popups::form::FormState;
use super::popups::Popup;
use super::search::Target;
use crate::domain::Finding;
use crate::store::EditTarget;

/// A slice of the model to read again after a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// The audits list.
    Audits,
    /// Clause and document reviews.
    Reviews,
    /// The findings list, its counts and the overview's open NCs.
    Findings,
    /// Only the findings list (its filter or order changed).
    FindingList,
    /// Interviews and samples.
    Interviews,
}

/// Which popup to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The one on top.
    Top,
    /// The topmost form (it may lie under what its submit opened).
    Form,
    /// The finding editor, if it is on top.
    FindingOnTop,
}

pub enum Effect {
    /// Put a popup on top of the others.
    Push(Popup),
    Close(Which),
    /// A word in the status bar.
    Info(String),
    /// An error in the status bar.
    Error(String),
    /// Go to a screen (an audit must be open for all but the audits list).
    Go(Screen),
    /// Open an audit (by id) and show its overview.
    OpenAudit(String),
    Reload(Slice),
    /// Keep the finder's entry of one finding (UUID) in step.
    FinderRefresh(String),
    /// Drop the finder's entry of one finding (row id).
    FinderRemove(i64),
    /// Open the editor on one field, from its draft if it has one.
    Edit {
        target: EditTarget,
        label: String,
    },
    /// Open a form, with what was typed in it before.
    OpenForm(Box<FormState>),
    /// Ask before doing `pending`.
    Confirm {
        message: String,
        pending: Pending,
    },
    /// Go to what the finder chose.
    Jump(Target),
    /// A field was saved: reload what shows it.
    Edited(EditTarget),
    /// The finding editor shows this finding again, as stored now.
    Refreshed(Box<Finding>),
    /// Select an interview (by id) on the interviews screen.
    SelectInterview(String),
    /// Reopen the next draft left by an earlier session, if nothing is open.
    NextRecovery,
    /// Write every open editor's and form's draft now.
    SaveDrafts,
}
