//! Every editor's and form's draft, in one place: when to write (a pause in
//! typing, at least every 2 seconds, and whenever a form loses the focus or
//! closes), under which key, and how a draft comes back — in the same run
//! when the form or field is opened again, and after a crash at the next
//! start, one after another.

use std::collections::VecDeque;

use super::app::App;
use super::effect::Effect;
use super::popups::editor::EditorState;
use super::popups::form::{FormKind, FormState, Here};
use super::popups::Popup;
use crate::store::{self, EditTarget};

/// When to persist typed text: after a pause, and at least every 2 seconds.
/// The event loop ticks every 250 ms.
#[derive(Debug, Clone, Default)]
pub struct DraftTimer {
    pub dirty: bool,
    idle_ticks: u32,
    ticks_since_save: u32,
}

impl DraftTimer {
    /// Ticks of idle typing after which a draft is written (500 ms).
    pub const IDLE_TICKS: u32 = 2;
    /// Ticks after which a draft is written even while typing goes on (2 s).
    pub const MAX_TICKS: u32 = 8;

    pub fn touched(&mut self) {
        self.dirty = true;
        self.idle_ticks = 0;
    }

    /// One tick passed; true when a draft should be written now.
    pub fn tick(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        self.idle_ticks += 1;
        self.ticks_since_save += 1;
        self.idle_ticks >= Self::IDLE_TICKS || self.ticks_since_save >= Self::MAX_TICKS
    }

    pub fn saved(&mut self) {
        self.dirty = false;
        self.idle_ticks = 0;
        self.ticks_since_save = 0;
    }
}

/// The draft key of a form: `form/AUDIT/KIND` (AUDIT empty for a new audit).
/// Field drafts are keyed by `EditTarget::key` (`finding/…`, `clause/…`).
pub fn form_key(audit_id: &str, kind: &str) -> String {
    format!("form/{audit_id}/{kind}")
}

/// The form kind and audit of a form's draft key.
fn parse_form_key(key: &str) -> Option<(FormKind, &str)> {
    let rest = key.strip_prefix("form/")?;
    let (audit, kind) = rest.rsplit_once('/')?;
    Some((FormKind::from_draft_kind(kind)?, audit))
}

/// Drafts left by an earlier run, to reopen one after another.
#[derive(Default)]
pub struct Recoveries(pub VecDeque<store::Draft>);

impl App {
    /// Queue the drafts an earlier run left and reopen the first.
    pub(super) fn recover_drafts(&mut self) -> store::Result<()> {
        self.recoveries.0 = self.store.drafts()?.into();
        if !self.recoveries.0.is_empty() {
            let n = self.recoveries.0.len();
            self.model.info(format!(
                "Recovered {n} unsaved text{} from the last session",
                if n == 1 { "" } else { "s" }
            ));
            self.next_recovery()?;
        }
        Ok(())
    }

    /// Every tick: write what is being typed once the typist pauses (or at
    /// least every 2 seconds).
    pub fn tick(&mut self) -> store::Result<()> {
        if self.store.read_only().is_some() {
            return Ok(());
        }
        // The opening's page check and backup run in the background: a
        // failure (no room, a damaged file) is said, not kept quiet.
        if let Some(e) = self.store.background_failure() {
            self.model.error(format!("Warning: {e}"));
        }
        let mut due = false;
        for p in &mut self.popups {
            match p {
                Popup::Editor(ed) => due |= ed.draft.tick(),
                Popup::Form(f) => due |= f.draft.tick(),
                _ => {}
            }
        }
        if due {
            self.persist_drafts()?;
        }
        Ok(())
    }

    /// Persist every open editor's and form's text as a draft, now. A draft
    /// counts as saved only once it is written: a failed write (a full disk)
    /// stays due and is tried again at the next tick.
    pub fn persist_drafts(&mut self) -> store::Result<()> {
        if self.store.read_only().is_some() {
            return Ok(());
        }
        self.walk_flush();
        let audit_id = self.model.audit_id().map(str::to_string);
        for p in &mut self.popups {
            match p {
                Popup::Editor(ed) if ed.draft.dirty => {
                    let key = ed.target.key();
                    self.store
                        .save_draft(&key, &ed.audit_id, &ed.label, &ed.text())?;
                    ed.draft.saved();
                }
                Popup::Form(f) if f.draft.dirty => {
                    if let Some(key) = f.draft_key(audit_id.as_deref()) {
                        let audit = audit_id.as_deref().unwrap_or_default();
                        self.store
                            .save_draft(&key, audit, &f.title, &f.draft_text())?;
                    }
                    f.draft.saved();
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Open a form; what was typed in it before and kept as a draft (closed
    /// with Esc, or left by a crash) comes back into it.
    pub(super) fn open_form(&mut self, mut form: FormState) -> store::Result<Vec<Effect>> {
        let key = form.draft_key(self.model.audit_id());
        let mut restored = false;
        if let (Some(k), None) = (key, self.store.read_only()) {
            if let Some(d) = self.store.draft(&k)? {
                form.restore(&d.text);
                restored = true;
            }
        }
        self.popups.push(Popup::Form(Box::new(form)));
        Ok(if restored {
            vec![Effect::Info("Restored your text".into())]
        } else {
            Vec::new()
        })
    }

    /// Open the editor on one field, starting from its draft if one exists.
    pub(super) fn open_editor(
        &mut self,
        target: EditTarget,
        label: String,
    ) -> store::Result<Vec<Effect>> {
        if let Some(why) = self.write_block(&super::action::Action::EditNotes) {
            return Ok(vec![Effect::Error(why)]);
        }
        let Some(audit_id) = self.model.audit_id().map(str::to_string) else {
            return Ok(Vec::new());
        };
        let (text, recovered) = match self.store.draft(&target.key())? {
            Some(d) => (d.text, true),
            None => (self.store.field_value(&target)?, false),
        };
        self.popups.push(Popup::Editor(Box::new(EditorState::new(
            target, audit_id, label, &text,
        ))));
        Ok(if recovered {
            vec![Effect::Info("Restored your unsaved text".into())]
        } else {
            Vec::new()
        })
    }

    /// Reopen the next draft left by an earlier session, if nothing is open.
    pub(super) fn next_recovery(&mut self) -> store::Result<()> {
        if !self.popups.is_empty() {
            return Ok(());
        }
        while let Some(d) = self.recoveries.0.pop_front() {
            let other_audit =
                !d.audit_id.is_empty() && self.model.audit_id() != Some(d.audit_id.as_str());
            if other_audit && self.open_audit(&d.audit_id).is_err() {
                self.store.delete_draft(&d.key)?;
                continue;
            }
            if let Some((kind, _)) = parse_form_key(&d.key) {
                let export_dir = self.model.export_dir.clone();
                let here = Here {
                    clause: self.current_clause().unwrap_or_default(),
                    now: self.store.now(),
                    audit: self.model.data.as_ref().map(|x| &x.audit),
                    export_dir: &export_dir,
                    auditor: self.model.auditor(),
                    offset: self.model.utc_offset,
                    scale: self.model.data.as_ref().map(|x| &x.scale),
                };
                let mut form = FormState::for_kind(kind, &here);
                form.restore(&d.text);
                self.popups.push(Popup::Form(Box::new(form)));
                return Ok(());
            }
            let Some(target) = EditTarget::parse(&d.key) else {
                self.store.delete_draft(&d.key)?;
                continue;
            };
            if self.store.field_value(&target).is_err() {
                self.store.delete_draft(&d.key)?;
                continue;
            }
            self.reveal(&target);
            self.popups.push(Popup::Editor(Box::new(EditorState::new(
                target,
                d.audit_id.clone(),
                d.label.clone(),
                &d.text,
            ))));
            return Ok(());
        }
        Ok(())
    }
}
