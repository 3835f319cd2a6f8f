//! The workbench's state and its one `update(Action)`; drawing lives in
//! `views/` and `popups/`, and never changes state.

use std::collections::VecDeque;
use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::action::Action;
use super::keymap::{Key, Keymap, Mode};
use super::popups::confirm::{ConfirmState, Pending};
use super::popups::editor::EditorState;
use super::popups::finder::FinderState;
use super::popups::finding::FindingDetailState;
use super::popups::form::{FormKind, FormState};
use super::popups::help::HelpState;
use super::popups::history::HistoryState;
use super::popups::Popup;
use super::theme::Theme;
use super::views::{audits, findings, interviews, stage1, stage2, AuditData};
use crate::domain::Stage;
use crate::store::{self, EditTarget, Store};

/// The screens of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Audits,
    Overview,
    Stage1,
    Stage2,
    Findings,
    Interviews,
}

impl Screen {
    pub const TABS: &'static [(Screen, &'static str, &'static str)] = &[
        (Screen::Audits, "0", "Audits"),
        (Screen::Overview, "1", "Overview"),
        (Screen::Stage1, "2", "Stage 1"),
        (Screen::Stage2, "3", "Stage 2"),
        (Screen::Findings, "4", "Findings"),
        (Screen::Interviews, "5", "Interviews"),
    ];
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub store: Store,
    pub keymap: Keymap,
    pub theme: Theme,
    pub screen: Screen,
    pub audits: audits::AuditsState,
    pub data: Option<AuditData>,
    pub stage1: stage1::Stage1State,
    pub stage2: stage2::Stage2State,
    pub findings: findings::FindingsState,
    pub interviews: interviews::InterviewsState,
    pub popups: Vec<Popup>,
    pub status: Option<Status>,
    pub quit: bool,
    /// Drafts left by an earlier run, to reopen one after another.
    pub recoveries: VecDeque<store::Draft>,
    /// Where the export form proposes to write.
    pub export_dir: PathBuf,
    /// Set whenever something visible changed; the loop redraws then.
    pub dirty: bool,
    /// Ctrl-Z was pressed: the loop hands the terminal back and stops.
    pub suspend: bool,
}

impl App {
    /// A workbench on an open store. Drafts left behind are queued for recovery.
    pub fn new(store: Store) -> store::Result<App> {
        let mut app = App {
            store,
            keymap: Keymap::default(),
            theme: Theme::from_env(),
            screen: Screen::Audits,
            audits: audits::AuditsState::default(),
            data: None,
            stage1: stage1::Stage1State::default(),
            stage2: stage2::Stage2State::default(),
            findings: findings::FindingsState::default(),
            interviews: interviews::InterviewsState::default(),
            popups: Vec::new(),
            status: None,
            quit: false,
            recoveries: VecDeque::new(),
            export_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            dirty: true,
            suspend: false,
        };
        audits::reload(&mut app)?;
        if let Some(why) = app.store.read_only() {
            // Drafts stay in the file for the session that can write it.
            app.error(format!("Read-only: {why}"));
            return Ok(app);
        }
        app.recoveries = app.store.drafts()?.into();
        if !app.recoveries.is_empty() {
            let n = app.recoveries.len();
            app.info(format!(
                "Recovered {n} unsaved text{} from the last session",
                if n == 1 { "" } else { "s" }
            ));
            app.next_recovery()?;
        }
        Ok(app)
    }

    /// Whether work is left for idle turns of the event loop (a search).
    pub fn busy(&self) -> bool {
        matches!(self.popups.last(), Some(Popup::Finder(f)) if f.busy())
            || self.data.as_ref().is_some_and(|d| !d.findings.complete())
    }

    /// Whether the findings' finder entries are still being read.
    pub fn finder_loading(&self) -> bool {
        self.data
            .as_ref()
            .is_some_and(|d| d.finder_loading.is_some())
    }

    /// Take the background-read finder entries when they are there (`wait`:
    /// block for them, as tests do); an open finder searches them at once.
    pub fn finder_poll(&mut self, wait: bool) {
        let Some(d) = &mut self.data else { return };
        if d.finder_arrived(wait) {
            self.dirty = true;
            if let Some(Popup::Finder(f)) = self.popups.last_mut() {
                f.refresh(&d.finder);
            }
        }
    }

    /// The mode keys are read in: the top popup's, else the screen's.
    pub fn mode(&self) -> Mode {
        if let Some(p) = self.popups.last() {
            return p.mode();
        }
        match self.screen {
            Screen::Audits => Mode::Audits,
            Screen::Overview => Mode::Overview,
            Screen::Stage1 => Mode::Stage1,
            Screen::Stage2 if self.stage2.focus_questions => Mode::Stage2Questions,
            Screen::Stage2 => Mode::Stage2,
            Screen::Findings => Mode::Findings,
            Screen::Interviews => Mode::Interviews,
        }
    }

    /// The clause the user is on, where that means something (stage 1 or 2).
    pub fn current_clause(&self) -> Option<String> {
        let d = self.data.as_ref()?;
        match self.screen {
            Screen::Stage2 => self.stage2.current_id(&d.catalogue).map(str::to_string),
            Screen::Stage1 => self.stage1.current().map(|(c, _, _)| c.to_string()),
            Screen::Findings => self.finding_at(self.findings.selected).map(|f| f.clause_id),
            _ => None,
        }
    }

    /// Now, to the minute, for "when" fields: `2026-11-23 09:30 UTC`.
    pub fn now_local_minutes(&self) -> String {
        let now = self.store.now();
        match (now.get(..10), now.get(11..16)) {
            (Some(d), Some(t)) => format!("{d} {t} UTC"),
            _ => now,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
        self.dirty = true;
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
        self.dirty = true;
    }

    /// A key press from the terminal: app keys first, then text input.
    pub fn handle_key(&mut self, ev: KeyEvent) {
        if ev.kind != KeyEventKind::Press {
            return;
        }
        let mode = self.mode();
        let key = Key::from_event(ev);
        self.dirty = true;
        self.status = None;
        if let Some(action) = self.keymap.resolve(mode, key) {
            self.dispatch(action);
            return;
        }
        match self.popups.last_mut() {
            Some(Popup::Editor(ed)) => {
                if ev.code == KeyCode::Enter && !ed.multiline {
                    self.dispatch(Action::Save);
                } else {
                    ed.input(ev);
                }
            }
            Some(Popup::Form(form)) => {
                if ev.code == KeyCode::Enter {
                    let action = if form.on_last_field() {
                        Action::Save
                    } else {
                        Action::NextField
                    };
                    self.dispatch(action);
                } else {
                    form.input(ev);
                }
            }
            Some(Popup::Finder(finder)) => {
                let candidates = self.data.as_ref().map_or(&[][..], |d| &d.finder);
                finder.input(ev, candidates)
            }
            _ => {}
        }
    }

    /// Text pasted into the terminal (bracketed paste): it goes into the
    /// focused text field as text, never as keys. Line breaks are kept where
    /// the field has lines, joined with spaces where it has one; outside a
    /// text field the paste is ignored, with a word in the status bar.
    pub fn handle_paste(&mut self, text: &str) {
        self.dirty = true;
        self.status = None;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let one_line = || text.split('\n').collect::<Vec<_>>().join(" ");
        let taken = match self.popups.last_mut() {
            Some(Popup::Editor(ed)) => {
                let t = if ed.multiline {
                    text.clone()
                } else {
                    one_line()
                };
                ed.paste(&t);
                true
            }
            Some(Popup::Form(form)) => form.paste(&one_line()),
            Some(Popup::Finder(finder)) => {
                let candidates = self.data.as_ref().map_or(&[][..], |d| &d.finder);
                finder.paste(&one_line(), candidates);
                true
            }
            _ => false,
        };
        if !taken {
            self.info(
                "Paste ignored: no text field has the focus (open one first, e.g. e to edit)",
            );
        }
    }

    /// Run an action and every follow-up it asks for; errors go to the status bar.
    pub fn dispatch(&mut self, action: Action) {
        let mut next = Some(action);
        while let Some(a) = next.take() {
            // A tick changes nothing visible (drafts are written silently):
            // no redraw for it, so an idle workbench draws nothing.
            if a != Action::Tick {
                self.dirty = true;
            }
            next = match self.update(a) {
                Ok(n) => n,
                Err(e) => Some(Action::ShowError(e.to_string())),
            };
        }
    }

    /// The single update function: UI actions change UI state, domain actions
    /// write through the store (one transaction) and reload what changed.
    pub fn update(&mut self, action: Action) -> store::Result<Option<Action>> {
        match action {
            Action::Tick => {
                self.tick()?;
                self.finder_poll(false);
                return Ok(None);
            }
            Action::Work => {
                self.finder_poll(false);
                if let Some(d) = &mut self.data {
                    if !d.findings.complete() {
                        let id = d.audit.id.clone();
                        d.findings.load_more(&self.store, &id)?;
                    }
                }
                let candidates = self.data.as_ref().map_or(&[][..], |d| &d.finder);
                if let Some(Popup::Finder(f)) = self.popups.last_mut() {
                    f.work(candidates, super::popups::finder::BUDGET);
                }
                return Ok(None);
            }
            Action::ShowError(e) => {
                self.error(e);
                return Ok(None);
            }
            Action::ShowInfo(m) => {
                self.info(m);
                return Ok(None);
            }
            Action::Quit => {
                self.persist_drafts()?;
                self.quit = true;
                return Ok(None);
            }
            Action::Suspend => {
                self.persist_drafts()?;
                self.suspend = true;
                return Ok(None);
            }
            _ => {}
        }
        if action.changes_data() {
            if let Some(why) = self.write_block(&action) {
                return Ok(Some(Action::ShowError(why)));
            }
        }
        if !self.popups.is_empty() {
            return self.update_popup(action);
        }
        match action {
            Action::Help => {
                self.popups.push(Popup::Help(HelpState::new(self.mode())));
                Ok(None)
            }
            Action::ReportAudit if self.screen == Screen::Overview => self.report_or_reopen(),
            Action::ShowHistory if self.screen == Screen::Findings => {
                let selected = self.finding_at(self.findings.selected);
                match selected {
                    Some(f) => self.show_history(&f),
                    None => Ok(None),
                }
            }
            Action::OpenFinder => {
                self.finder_interviews();
                let Some(data) = &self.data else {
                    return Ok(Some(Action::ShowError(
                        "open an audit first (Enter on the audits list)".into(),
                    )));
                };
                self.popups
                    .push(Popup::Finder(Box::new(FinderState::new(&data.finder))));
                Ok(None)
            }
            Action::Export => {
                let Some(data) = &self.data else {
                    return Ok(Some(Action::ShowError(
                        "open an audit first, then press x to export its findings".into(),
                    )));
                };
                let form = FormState::export(&self.export_dir, &data.audit, &self.store.now());
                self.open_form(form)
            }
            Action::GoAudits => {
                self.screen = Screen::Audits;
                audits::reload(self)?;
                Ok(None)
            }
            Action::GoOverview
            | Action::GoStage1
            | Action::GoStage2
            | Action::GoFindings
            | Action::GoInterviews => {
                if self.data.is_none() {
                    return Ok(Some(Action::ShowError(
                        "open an audit first (Enter on the audits list)".into(),
                    )));
                }
                self.screen = match action {
                    Action::GoOverview => Screen::Overview,
                    Action::GoStage1 => Screen::Stage1,
                    Action::GoStage2 => Screen::Stage2,
                    Action::GoFindings => Screen::Findings,
                    _ => Screen::Interviews,
                };
                self.stage2.focus_questions = false;
                Ok(None)
            }
            other => match self.screen {
                Screen::Audits => audits::update(self, other),
                Screen::Overview => Ok(None),
                Screen::Stage1 => stage1::update(self, other),
                Screen::Stage2 => stage2::update(self, other),
                Screen::Findings => findings::update(self, other),
                Screen::Interviews => interviews::update(self, other),
            },
        }
    }

    fn update_popup(&mut self, action: Action) -> store::Result<Option<Action>> {
        let Some(top) = self.popups.last_mut() else {
            return Ok(None);
        };
        match top {
            Popup::Help(h) => {
                match action {
                    Action::Back => {
                        self.popups.pop();
                    }
                    Action::Up => h.scroll = h.scroll.saturating_sub(1),
                    Action::Down => h.scroll = h.scroll.saturating_add(1),
                    _ => {}
                }
                Ok(None)
            }
            Popup::Confirm(_) => match action {
                Action::Confirm => {
                    let Some(Popup::Confirm(c)) = self.popups.pop() else {
                        return Ok(None);
                    };
                    self.run_pending(c.pending)
                }
                Action::Cancel => {
                    let Some(Popup::Confirm(c)) = self.popups.pop() else {
                        return Ok(None);
                    };
                    Ok(Some(Action::ShowInfo(c.pending.cancelled().into())))
                }
                _ => Ok(None),
            },
            Popup::Finder(f) => match action {
                Action::Up => {
                    f.selected = f.selected.saturating_sub(1);
                    Ok(None)
                }
                Action::Down => {
                    if f.selected + 1 < f.matches.len() {
                        f.selected += 1;
                    }
                    Ok(None)
                }
                Action::Cancel => {
                    self.popups.pop();
                    Ok(None)
                }
                Action::Select => {
                    let target = f.chosen(self.data.as_ref().map_or(&[][..], |d| &d.finder));
                    self.popups.pop();
                    match target {
                        Some(t) => self.jump(t),
                        None => Ok(None),
                    }
                }
                _ => Ok(None),
            },
            Popup::Editor(_) => match action {
                Action::Save => self.save_editor(),
                _ => Ok(None),
            },
            Popup::Form(form) => match action {
                Action::NextField => {
                    form.next_field();
                    self.persist_drafts()?;
                    Ok(None)
                }
                Action::PrevField => {
                    form.prev_field();
                    self.persist_drafts()?;
                    Ok(None)
                }
                Action::Save => self.submit_form(),
                Action::Cancel => {
                    self.persist_drafts()?;
                    self.popups.pop();
                    Ok(None)
                }
                _ => Ok(None),
            },
            Popup::Finding(d) => match action {
                Action::ShowHistory => {
                    let f = d.finding.clone();
                    self.show_history(&f)
                }
                other => super::popups::finding::update(self, other),
            },
            Popup::History(h) => {
                match action {
                    Action::Back => {
                        self.popups.pop();
                    }
                    Action::Up => h.scroll = h.scroll.saturating_sub(1),
                    Action::Down => {
                        h.scroll = (h.scroll + 1).min(h.entries.len().saturating_sub(1))
                    }
                    _ => {}
                }
                Ok(None)
            }
        }
    }

    /// Why a data-changing action cannot run now: the file is read-only, or
    /// the open audit is reported (its content is frozen until reopened).
    pub fn write_block(&self, action: &Action) -> Option<String> {
        if let Some(why) = self.store.read_only() {
            return Some(format!("Read-only, nothing can be changed: {why}"));
        }
        let reported = self
            .data
            .as_ref()
            .is_some_and(|d| d.audit.status == crate::domain::AuditStatus::Reported);
        let audit_level = matches!(
            action,
            Action::NewAudit | Action::CreateDemo | Action::ReportAudit
        );
        (reported && !audit_level).then(|| {
            "This audit is reported, so its findings and records are read-only; press R on the overview (1) to reopen it with a reason".to_string()
        })
    }

    /// `R` on the overview: mark the audit reported (after confirmation), or
    /// reopen a reported one with a reason.
    fn report_or_reopen(&mut self) -> store::Result<Option<Action>> {
        let Some(data) = &self.data else {
            return Ok(None);
        };
        if data.audit.status == crate::domain::AuditStatus::Reported {
            let form = FormState::for_kind(self, FormKind::Reopen);
            return self.open_form(form);
        } else {
            let msg = format!(
                "Mark the audit of {} as reported? Its findings and records become read-only until it is reopened with a reason.",
                data.audit.organisation
            );
            let id = data.audit.id.clone();
            self.confirm(msg, Pending::ReportAudit { id });
        }
        Ok(None)
    }

    /// The audit trail of one finding, in a popup.
    fn show_history(&mut self, f: &crate::domain::Finding) -> store::Result<Option<Action>> {
        let entries = self.store.history("finding", &f.id)?;
        self.popups.push(Popup::History(Box::new(HistoryState {
            title: format!("{} — {}", f.reference, f.title),
            entries,
            scroll: 0,
        })));
        Ok(None)
    }

    /// Open the editor for one field, starting from its draft if one exists.
    pub fn edit(&mut self, target: EditTarget, label: String) -> store::Result<Option<Action>> {
        if let Some(why) = self.write_block(&Action::EditNotes) {
            return Ok(Some(Action::ShowError(why)));
        }
        let Some(data) = &self.data else {
            return Ok(None);
        };
        let audit_id = data.audit.id.clone();
        let (text, recovered) = match self.store.draft(&target)? {
            Some(d) => (d.text, true),
            None => (self.store.field_value(&target)?, false),
        };
        self.popups.push(Popup::Editor(Box::new(EditorState::new(
            target, audit_id, label, &text,
        ))));
        if recovered {
            return Ok(Some(Action::ShowInfo("Restored your unsaved text".into())));
        }
        Ok(None)
    }

    fn save_editor(&mut self) -> store::Result<Option<Action>> {
        let Some(Popup::Editor(ed)) = self.popups.last() else {
            return Ok(None);
        };
        let target = ed.target.clone();
        let text = ed.text();
        let label = ed.label.clone();
        match self.store.apply_edit(&target, &text) {
            Ok(()) => {
                self.popups.pop();
                self.reload_after_edit(&target)?;
                self.next_recovery()?;
                Ok(Some(Action::ShowInfo(format!("Saved {label}"))))
            }
            Err(store::Error::NotFound(m)) => {
                // The thing edited is gone: keep nothing half-applied, say so.
                self.store.delete_draft(&target)?;
                self.popups.pop();
                self.next_recovery()?;
                Ok(Some(Action::ShowError(m)))
            }
            Err(e) => {
                // Keep the editor open and the text as a draft: nothing is lost.
                if let Some(Popup::Editor(ed)) = self.popups.last() {
                    let (t, a, l, x) = (
                        ed.target.clone(),
                        ed.audit_id.clone(),
                        ed.label.clone(),
                        ed.text(),
                    );
                    self.store.save_draft(&t, &a, &l, &x)?;
                }
                Ok(Some(Action::ShowError(e.to_string())))
            }
        }
    }

    fn submit_form(&mut self) -> store::Result<Option<Action>> {
        let Some(Popup::Form(form)) = self.popups.last() else {
            return Ok(None);
        };
        let kind = form.kind;
        let values = form.values();
        let draft = form.draft_target(self.data.as_ref().map(|d| d.audit.id.as_str()));
        let result = super::popups::form::submit(self, &kind, &values);
        match result {
            Ok(next) => {
                if let Some(t) = draft {
                    self.store.delete_draft(&t)?;
                }
                // the form is below whatever `submit` opened next
                if let Some(i) = self
                    .popups
                    .iter()
                    .rposition(|p| matches!(p, Popup::Form(_)))
                {
                    self.popups.remove(i);
                }
                self.next_recovery()?;
                Ok(next)
            }
            Err(e) => Ok(Some(Action::ShowError(e.to_string()))),
        }
    }

    fn run_pending(&mut self, pending: Pending) -> store::Result<Option<Action>> {
        match pending {
            Pending::DeleteFinding { id, reference } => {
                let rowid = self.store.finding_rowid(&id)?;
                self.store.delete_finding(&id)?;
                if let Some(d) = &mut self.data {
                    use super::popups::finder::Target;
                    d.finder.retain(|c| c.target != Target::Finding(rowid));
                }
                if matches!(self.popups.last(), Some(Popup::Finding(_))) {
                    self.popups.pop();
                }
                self.reload_findings()?;
                Ok(Some(Action::ShowInfo(format!("Deleted {reference}"))))
            }
            Pending::DeleteInterview { id, who } => {
                self.store.delete_interview(&id)?;
                self.reload_interviews()?;
                Ok(Some(Action::ShowInfo(format!(
                    "Deleted the interview with {who}"
                ))))
            }
            Pending::ReportAudit { id } => {
                self.store.report_audit(&id)?;
                self.open_audit(&id)?;
                Ok(Some(Action::ShowInfo(
                    "The audit is reported: its findings and records are now read-only (R reopens it)"
                        .into(),
                )))
            }
        }
    }

    /// Open a form; what was typed in it before and kept as a draft (closed
    /// with Esc, or left by a crash) comes back into it.
    pub fn open_form(&mut self, mut form: FormState) -> store::Result<Option<Action>> {
        let target = form.draft_target(self.data.as_ref().map(|d| d.audit.id.as_str()));
        let restored = match target {
            Some(t) if self.store.read_only().is_none() => match self.store.draft(&t)? {
                Some(d) => {
                    form.restore(&d.text);
                    true
                }
                None => false,
            },
            _ => false,
        };
        self.popups.push(Popup::Form(Box::new(form)));
        Ok(restored.then(|| Action::ShowInfo("Restored your text".into())))
    }

    pub fn confirm(&mut self, message: String, pending: Pending) {
        self.popups
            .push(Popup::Confirm(ConfirmState { message, pending }));
    }

    /// Open an audit and load what the screens show.
    pub fn open_audit(&mut self, id: &str) -> store::Result<()> {
        let data = AuditData::load(&self.store, id)?;
        self.stage1 = stage1::Stage1State::new(&data.catalogue);
        self.stage2 = stage2::Stage2State::new(&data.catalogue);
        self.findings = findings::FindingsState::default();
        self.interviews = interviews::InterviewsState::default();
        self.data = Some(data);
        self.reload_findings()?;
        self.screen = Screen::Overview;
        Ok(())
    }

    /// The finding at position `i` of the findings list (read from the store).
    pub fn finding_at(&self, i: usize) -> Option<crate::domain::Finding> {
        let d = self.data.as_ref()?;
        let rowid = *d.findings.ids.get(i)?;
        self.store.findings_by_rowid(&[rowid]).ok()?.pop()
    }

    /// Interviews are few: the finder's are renewed before it opens.
    fn finder_interviews(&mut self) {
        use super::popups::finder::{interview_candidates, Target};
        let Some(d) = &mut self.data else { return };
        d.finder
            .retain(|c| !matches!(c.target, Target::Interview(_)));
        d.finder.extend(interview_candidates(&d.interviews));
    }

    /// Keep the finder's entry of one finding in step after it was added,
    /// changed or deleted (`id` is its UUID), without rebuilding the rest.
    pub fn finder_refresh(&mut self, id: &str) -> store::Result<()> {
        use super::popups::finder::{Candidate, Target};
        let Some(d) = &mut self.data else {
            return Ok(());
        };
        match self.store.finding(id) {
            Ok(f) => {
                let rowid = self.store.finding_rowid(id)?;
                let text = format!("{} {}", f.reference, f.title);
                match d
                    .finder
                    .iter_mut()
                    .find(|c| c.target == Target::Finding(rowid))
                {
                    Some(c) => c.text = text,
                    None => d.finder.push(Candidate {
                        text,
                        kind: "finding",
                        target: Target::Finding(rowid),
                    }),
                }
            }
            Err(store::Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    pub fn reload_findings(&mut self) -> store::Result<()> {
        let filter = self.findings.filter.clone();
        let sort = self.findings.sort;
        if let Some(d) = &mut self.data {
            d.reload_findings(&self.store, &filter, sort)?;
            self.findings.clamp(d.findings.len());
        }
        Ok(())
    }

    /// Reload only the findings list, after its filter or order changed.
    pub fn reload_finding_list(&mut self) -> store::Result<()> {
        let filter = self.findings.filter.clone();
        let sort = self.findings.sort;
        if let Some(d) = &mut self.data {
            d.reload_list(&self.store, &filter, sort)?;
            self.findings.clamp(d.findings.len());
        }
        Ok(())
    }

    pub fn reload_interviews(&mut self) -> store::Result<()> {
        if let Some(d) = &mut self.data {
            d.interviews = self.store.interviews(&d.audit.id)?;
            d.samples = self.store.samples(&d.audit.id)?;
            let n = d.interviews.len();
            self.interviews.selected = self.interviews.selected.min(n.saturating_sub(1));
        }
        Ok(())
    }

    pub fn reload_reviews(&mut self) -> store::Result<()> {
        if let Some(d) = &mut self.data {
            d.reload_reviews(&self.store)?;
        }
        Ok(())
    }

    fn reload_after_edit(&mut self, target: &EditTarget) -> store::Result<()> {
        match target {
            EditTarget::Finding { id, field } => {
                // Free text changes no count and no position in the list
                // (the due date orders one of the sorts); the screen reads
                // its rows afresh anyway.
                if *field == store::FindingField::DueDate {
                    self.reload_finding_list()?;
                }
                if matches!(field, store::FindingField::Title) {
                    self.finder_refresh(id)?;
                }
                let f = self.store.finding(id)?;
                if let Some(Popup::Finding(d)) = self.popups.last_mut() {
                    d.finding = f;
                }
            }
            EditTarget::FindingClause { id } => {
                self.reload_findings()?;
                self.finder_refresh(id)?;
                let f = self.store.finding(id)?;
                if let Some(Popup::Finding(d)) = self.popups.last_mut() {
                    d.finding = f;
                }
            }
            EditTarget::ClauseNotes { .. } | EditTarget::Document { .. } => {
                self.reload_reviews()?
            }
            EditTarget::Interview { .. } => self.reload_interviews()?,
            EditTarget::Form { .. } => {}
        }
        Ok(())
    }

    /// Go to the screen where an edited field lives.
    fn show_target(&mut self, target: &EditTarget) {
        let Some(data) = &self.data else { return };
        match target {
            EditTarget::ClauseNotes {
                clause_id,
                stage: Stage::TWO,
                ..
            } => {
                self.screen = Screen::Stage2;
                self.stage2.reveal(&data.catalogue, clause_id);
            }
            EditTarget::Document { doc_key, .. } => {
                self.screen = Screen::Stage1;
                if let Some(pos) = self
                    .stage1
                    .rows
                    .iter()
                    .position(|r| matches!(r, stage1::Row1::Doc { key, .. } if key == doc_key))
                {
                    self.stage1.selected = pos;
                }
            }
            EditTarget::Interview { id, .. } => {
                self.screen = Screen::Interviews;
                if let Some(pos) = data.interviews.iter().position(|i| &i.id == id) {
                    self.interviews.selected = pos;
                }
            }
            EditTarget::Finding { id, .. } | EditTarget::FindingClause { id } => {
                self.screen = Screen::Findings;
                let rowid = self.store.finding_rowid(id).ok();
                if let (Some(rowid), Some(d)) = (rowid, self.data.as_mut()) {
                    let audit = d.audit.id.clone();
                    if let Ok(Some(pos)) = d.findings.find(&self.store, &audit, rowid) {
                        self.findings.selected = pos;
                    }
                }
            }
            _ => {}
        }
    }

    /// Move to what the fuzzy finder chose.
    fn jump(&mut self, target: super::popups::finder::Target) -> store::Result<Option<Action>> {
        use super::popups::finder::Target;
        match target {
            Target::Clause(id) => {
                self.screen = Screen::Stage2;
                self.stage2.focus_questions = false;
                if let Some(d) = &self.data {
                    self.stage2.reveal(&d.catalogue, &id);
                }
                Ok(None)
            }
            Target::Finding(rowid) => {
                self.screen = Screen::Findings;
                self.findings.filter = Default::default();
                self.reload_findings()?;
                if let Some(d) = self.data.as_mut() {
                    let audit = d.audit.id.clone();
                    if let Some(pos) = d.findings.find(&self.store, &audit, rowid)? {
                        self.findings.selected = pos;
                    }
                }
                let Some(f) = self.store.findings_by_rowid(&[rowid])?.pop() else {
                    return Ok(Some(Action::ShowError(
                        "that finding no longer exists".into(),
                    )));
                };
                self.popups
                    .push(Popup::Finding(Box::new(FindingDetailState::new(f))));
                Ok(None)
            }
            Target::Interview(id) => {
                self.screen = Screen::Interviews;
                if let Some(d) = &self.data {
                    if let Some(pos) = d.interviews.iter().position(|i| i.id == id) {
                        self.interviews.selected = pos;
                    }
                }
                Ok(None)
            }
        }
    }

    /// Every tick: write what is being typed to the drafts table once the
    /// typist pauses (or at least every 2 seconds).
    pub fn tick(&mut self) -> store::Result<()> {
        if self.store.read_only().is_some() {
            return Ok(());
        }
        // The opening's page check and backup run in the background: a
        // failure (no room, a damaged file) is said, not kept quiet.
        if let Some(e) = self.store.background_failure() {
            self.error(format!("Warning: {e}"));
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

    /// Persist every open editor's and form's text as a draft, now.
    pub fn persist_drafts(&mut self) -> store::Result<()> {
        if self.store.read_only().is_some() {
            return Ok(());
        }
        let audit_id = self.data.as_ref().map(|d| d.audit.id.clone());
        let mut writes = Vec::new();
        for (i, p) in self.popups.iter().enumerate() {
            match p {
                Popup::Editor(ed) if ed.draft.dirty => writes.push((
                    i,
                    Some((
                        ed.target.clone(),
                        ed.audit_id.clone(),
                        ed.label.clone(),
                        ed.text(),
                    )),
                )),
                Popup::Form(f) if f.draft.dirty => writes.push((
                    i,
                    f.draft_target(audit_id.as_deref()).map(|t| {
                        (
                            t,
                            audit_id.clone().unwrap_or_default(),
                            f.title.clone(),
                            f.draft_text(),
                        )
                    }),
                )),
                _ => {}
            }
        }
        // A draft counts as saved only once it is written: a failed write
        // (a full disk) stays due and is tried again at the next tick.
        for (i, write) in writes {
            if let Some((t, a, l, x)) = write {
                self.store.save_draft(&t, &a, &l, &x)?;
            }
            match self.popups.get_mut(i) {
                Some(Popup::Editor(ed)) => ed.draft.saved(),
                Some(Popup::Form(f)) => f.draft.saved(),
                _ => {}
            }
        }
        Ok(())
    }

    /// Reopen the next draft left by an earlier session, if any.
    fn next_recovery(&mut self) -> store::Result<()> {
        if !self.popups.is_empty() {
            return Ok(());
        }
        while let Some(d) = self.recoveries.pop_front() {
            let other_audit = !d.audit_id.is_empty()
                && self.data.as_ref().map(|x| x.audit.id.as_str()) != Some(d.audit_id.as_str());
            if other_audit && self.open_audit(&d.audit_id).is_err() {
                self.store.delete_draft(&d.target)?;
                continue;
            }
            match &d.target {
                EditTarget::Form { kind, .. } => {
                    let Some(kind) = FormKind::from_draft_kind(kind) else {
                        self.store.delete_draft(&d.target)?;
                        continue;
                    };
                    let mut form = FormState::for_kind(self, kind);
                    form.restore(&d.text);
                    self.popups.push(Popup::Form(Box::new(form)));
                }
                target => {
                    if self.store.field_value(target).is_err() {
                        self.store.delete_draft(target)?;
                        continue;
                    }
                    self.show_target(target);
                    let audit_id = d.audit_id.clone();
                    self.popups.push(Popup::Editor(Box::new(EditorState::new(
                        target.clone(),
                        audit_id,
                        d.label.clone(),
                        &d.text,
                    ))));
                }
            }
            return Ok(());
        }
        Ok(())
    }
}
