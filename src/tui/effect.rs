//! What a component asks of the App: the one way out of a component. A
//! component changes its own state and writes through the store; anything
//! beyond itself (another popup, another screen, the status bar, a slice of
//! the model to read again) it asks for with an `Effect`, which the App
//! carries out in order after the component returns.

use super::app::{App, Screen};
use super::model::AuditData;
use super::popups::confirm::{ConfirmState, Pending};
use super::popups::form::FormState;
use super::popups::Popup;
use super::search::Target;
use super::views::{self, Screens};
use crate::domain::Finding;
use crate::store;
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
    /// Only which findings cite which samples.
    Citations,
    /// The open audit's own record (details, status, recommendation).
    Audit,
    /// The audit plan and the time walked.
    Plan,
    /// A rehearsal's question ratings.
    Ratings,
    /// The audit team: members, merges, conflicts.
    Team,
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
    /// The auditor confirmed what the form on top asked: save it.
    SaveConfirmedForm,
}

/// How the App carries out effects.
impl App {
    /// Carry out one effect; it may ask for more.
    pub(super) fn apply(&mut self, effect: Effect) -> store::Result<Vec<Effect>> {
        match effect {
            Effect::Push(p) => self.popups.push(p),
            Effect::Close(which) => {
                let at = match which {
                    Which::Top => self.popups.len().checked_sub(1),
                    Which::Form => self
                        .popups
                        .iter()
                        .rposition(|p| matches!(p, Popup::Form(_))),
                    Which::FindingOnTop => match self.popups.last() {
                        Some(Popup::Finding(_)) => Some(self.popups.len() - 1),
                        _ => None,
                    },
                };
                if let Some(i) = at {
                    // a finder hands its threads back for the next one
                    if let Popup::Finder(f) = self.popups.remove(i) {
                        if let Some(d) = &mut self.model.data {
                            d.finder_workers = f.into_workers();
                        }
                    }
                }
            }
            Effect::Info(m) => self.model.info(m),
            Effect::Error(m) => self.model.error(m),
            Effect::Go(screen) => return self.go(screen),
            Effect::OpenAudit(id) => self.open_audit(&id)?,
            Effect::Reload(slice) => self.reload(slice)?,
            Effect::Edit { target, label } => return self.open_editor(target, label),
            Effect::OpenForm(form) => return self.open_form(*form),
            Effect::Confirm { message, pending } => self
                .popups
                .push(Popup::Confirm(ConfirmState { message, pending })),
            Effect::Jump(target) => return self.jump(target),
            Effect::Edited(target) => self.reload_after_edit(&target)?,
            Effect::Refreshed(f) => {
                if let Some(Popup::Finding(d)) = self.popups.last_mut() {
                    d.finding = *f;
                }
            }
            Effect::SelectInterview(id) => {
                self.screens
                    .interviews
                    .select(&mut self.model, &self.store, &id)?;
            }
            Effect::NextRecovery => self.next_recovery()?,
            Effect::SaveDrafts => self.persist_drafts()?,
            Effect::SaveConfirmedForm => {
                if let Some(Popup::Form(f)) = self.popups.last_mut() {
                    f.confirmed = true;
                    return self.save_top();
                }
            }
        }
        Ok(Vec::new())
    }

    fn go(&mut self, screen: Screen) -> store::Result<Vec<Effect>> {
        if screen == Screen::Audits {
            self.model.load_audits(&self.store)?;
        } else if self.model.data.is_none() {
            return Ok(vec![Effect::Error(self.model.no_audit_error())]);
        }
        self.screen = screen;
        self.screens.stage2.focus_questions = false;
        Ok(Vec::new())
    }

    /// Open an audit, load what the screens show, and show its overview.
    pub fn open_audit(&mut self, id: &str) -> store::Result<()> {
        let data = AuditData::load(&self.store, id)?;
        self.screens = Screens {
            audits: std::mem::take(&mut self.screens.audits),
            stage1: views::stage1::Stage1View::new(&data.catalogue),
            stage2: views::stage2::Stage2View::new(&data.catalogue),
            ..Screens::default()
        };
        self.model.data = Some(data);
        self.reload(Slice::Findings)?;
        self.screen = Screen::Overview;
        self.working_as(id);
        Ok(())
    }

    /// Who works on the audit just opened: `--auditor` if given, else the
    /// one chosen on this machine before (`W`), else its lead auditor (said
    /// when the team has others, with the key that chooses).
    fn working_as(&mut self, audit_id: &str) {
        let saved = self
            .store
            .local_setting(&format!("auditor/{audit_id}"))
            .ok()
            .flatten()
            .unwrap_or_default();
        let given = self.model.given_auditor.clone();
        let name = if given.is_empty() { saved } else { given };
        // a saved name the store refuses (not one line) is not used
        let name = match self.store.set_actor(&name) {
            Ok(()) => name,
            Err(_) => {
                let _ = self.store.set_actor("");
                String::new()
            }
        };
        self.model.working_as = name.trim().to_string();
        let members = self
            .model
            .data
            .as_ref()
            .map_or(0, |d| d.audit.team_members().len());
        if self.model.working_as.is_empty() && members > 1 && self.model.status.is_none() {
            let key = self.model.keymap.key_of(
                super::keymap::Mode::Overview,
                &crate::tui::action::Action::ChooseAuditor,
            );
            self.model.info(format!(
                "Working as {} (lead auditor); {key} to choose who you are",
                self.model.auditor()
            ));
        }
    }

    /// Read one slice of the model again, after a write.
    pub fn reload(&mut self, slice: Slice) -> store::Result<()> {
        if slice == Slice::Audits {
            self.model.load_audits(&self.store)?;
            // the open audit was deleted: nothing is open any more
            let gone = self
                .model
                .audit_id()
                .is_some_and(|id| !self.model.audits.iter().any(|r| r.summary.audit.id == id));
            if gone {
                self.model.data = None;
                self.screen = Screen::Audits;
            }
            return Ok(());
        }
        let Some(d) = &mut self.model.data else {
            return Ok(());
        };
        let f = &mut self.screens.findings;
        match slice {
            Slice::Findings => d.reload_findings(&self.store, &f.filter, f.sort)?,
            Slice::FindingList => d.reload_list(&self.store, &f.filter, f.sort)?,
            Slice::Reviews => d.reload_reviews(&self.store)?,
            Slice::Interviews => d.reload_interviews(&self.store)?,
            Slice::Citations => d.citations = self.store.citations(&d.audit.id)?,
            Slice::Plan => d.reload_plan(&self.store)?,
            Slice::Ratings => {
                d.reload_ratings(&self.store)?;
                // the first rating starts a planned rehearsal
                d.audit = self.store.audit(&d.audit.id)?;
            }
            Slice::Audit => {
                d.audit = self.store.audit(&d.audit.id)?;
                d.context = self.store.audit_context(&d.audit.id)?;
            }
            Slice::Team => d.reload_team(&self.store)?,
            Slice::Audits => {}
        }
        f.clamp(d.findings.len());
        Ok(())
    }

    fn reload_after_edit(&mut self, target: &store::EditTarget) -> store::Result<()> {
        use store::{EditTarget as T, FindingField};
        let finding = match target {
            T::Finding { id, field } => {
                // Free text changes no count and no position in the list (the
                // due date orders one of the sorts).
                if *field == FindingField::DueDate {
                    self.reload(Slice::FindingList)?;
                }
                Some(id)
            }
            T::FindingClause { id } => {
                self.reload(Slice::Findings)?;
                Some(id)
            }
            T::ClauseNotes { .. } | T::Document { .. } => {
                self.reload(Slice::Reviews)?;
                None
            }
            T::Interview { .. } | T::Sample { .. } => {
                self.reload(Slice::Interviews)?;
                None
            }
            T::RecommendationNote { .. } | T::Context { .. } => {
                self.reload(Slice::Audit)?;
                None
            }
        };
        if let Some(id) = finding {
            let f = self.store.finding(id)?;
            self.apply(Effect::Refreshed(Box::new(f)))?;
        }
        Ok(())
    }
}
