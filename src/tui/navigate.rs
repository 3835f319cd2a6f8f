//! Going to things: the screen and selection of an edited field (when a
//! draft is recovered) and of what the fuzzy finder chose.

use super::app::{App, Screen};
use super::effect::Effect;
use super::popups::finding::FindingDetailState;
use super::popups::Popup;
use super::search::Target;
use super::views::stage1::Row1;
use crate::domain::Stage;
use crate::store::{self, EditTarget};

impl App {
    /// Go to the screen where an edited field lives, and select it.
    pub(super) fn reveal(&mut self, target: &EditTarget) {
        let Some(data) = &self.model.data else { return };
        let s = &mut self.screens;
        match target {
            EditTarget::ClauseNotes {
                clause_id,
                stage: Stage::TWO,
                ..
            } => {
                self.screen = Screen::Stage2;
                s.stage2.reveal(&data.catalogue, clause_id);
            }
            EditTarget::Document { doc_key, .. } => {
                self.screen = Screen::Stage1;
                if let Some(pos) = s
                    .stage1
                    .rows
                    .iter()
                    .position(|r| matches!(r, Row1::Doc { key, .. } if key == doc_key))
                {
                    s.stage1.selected = pos;
                }
            }
            EditTarget::Interview { id, .. } => {
                self.screen = Screen::Interviews;
                let _ = s.interviews.select(&mut self.model, &self.store, id);
            }
            EditTarget::Finding { id, .. } | EditTarget::FindingClause { id } => {
                self.screen = Screen::Findings;
                if let Ok(rowid) = self.store.finding_rowid(id) {
                    let _ = self.select_finding(rowid);
                }
            }
            _ => {}
        }
    }

    /// Select a finding (by row id) in the findings list, reading the list
    /// as far as needed.
    fn select_finding(&mut self, rowid: i64) -> store::Result<()> {
        if let Some(d) = self.model.data.as_mut() {
            let audit = d.audit.id.clone();
            if let Some(pos) = d.findings.find(&self.store, &audit, rowid)? {
                self.screens.findings.selected = pos;
            }
        }
        Ok(())
    }

    /// Move to what the fuzzy finder chose.
    pub(super) fn jump(&mut self, target: Target) -> store::Result<Vec<Effect>> {
        match target {
            Target::Clause(id) => {
                self.screen = Screen::Stage2;
                self.screens.stage2.focus_questions = false;
                if let Some(d) = &self.model.data {
                    self.screens.stage2.reveal(&d.catalogue, &id);
                }
            }
            Target::Finding(rowid) => {
                self.screen = Screen::Findings;
                self.screens.findings.filter = Default::default();
                self.reload(super::effect::Slice::Findings)?;
                self.select_finding(rowid)?;
                let Some(f) = self.store.findings_by_rowid(&[rowid])?.pop() else {
                    return Ok(vec![Effect::Error("that finding no longer exists".into())]);
                };
                self.popups
                    .push(Popup::Finding(Box::new(FindingDetailState::new(f))));
            }
            Target::Sample(id) => {
                self.screen = Screen::Samples;
                self.screens
                    .samples
                    .select(&mut self.model, &self.store, &id)?;
            }
            Target::Interview(id) => {
                self.screen = Screen::Interviews;
                self.screens
                    .interviews
                    .select(&mut self.model, &self.store, &id)?;
            }
        }
        Ok(Vec::new())
    }
}
