//! The dispatcher: a key becomes an `Action` (through the keymap), the
//! focused component handles it and returns `Effect`s, the App carries them
//! out (popups, screens, reloading a slice of the model), and the frame is
//! drawn from the model. Drafts live in `drafts.rs`, going places in
//! `navigate.rs`.

use std::collections::VecDeque;

use ratatui::backend::Backend;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::Terminal;

use super::action::Action;
use super::component::{Component, Ctx};
use super::drafts::Recoveries;
use super::effect::Effect;
use super::keymap::{Key, Mode};
use super::model::Model;
use super::popups::finder::FinderState;
use super::popups::form::{FormState, Here};
use super::popups::help::HelpState;
use super::popups::picker::PickerState;
use super::popups::Popup;
use super::views::{self, Screens};
use crate::store::{self, Store};

pub use super::model::Status;
pub use super::views::Screen;

pub struct App {
    pub store: Store,
    pub model: Model,
    pub screen: Screen,
    pub screens: Screens,
    pub popups: Vec<Popup>,
    pub(super) recoveries: Recoveries,
    pub quit: bool,
    /// Set whenever something visible changed; the loop redraws then.
    pub dirty: bool,
    /// Ctrl-Z was pressed: the loop hands the terminal back and stops.
    pub suspend: bool,
    /// Time walked on the stage 2 clauses.
    pub(super) walk: crate::domain::WalkClock,
}

impl App {
    /// A workbench on an open store. Drafts left behind are reopened.
    pub fn new(store: Store) -> store::Result<App> {
        let mut app = App {
            model: Model::new(&store),
            store,
            screen: Screen::Audits,
            screens: Screens::default(),
            popups: Vec::new(),
            recoveries: Recoveries::default(),
            quit: false,
            dirty: true,
            suspend: false,
            walk: Default::default(),
        };
        app.model.load_audits(&app.store)?;
        if let Some(why) = app.store.read_only() {
            // Drafts stay in the file for the session that can write it.
            app.model.error(format!("Read-only: {why}"));
            return Ok(app);
        }
        app.recover_drafts()?;
        Ok(app)
    }

    /// Whether work is left for idle turns of the event loop.
    pub fn busy(&self) -> bool {
        matches!(self.popups.last(), Some(Popup::Finder(f)) if f.busy())
    }

    /// Whether something is awaited from a background thread: the
    /// finder's ranking of the findings or its search of their texts, a
    /// large audit's interviews and samples.
    pub fn finder_loading(&self) -> bool {
        matches!(self.popups.last(), Some(Popup::Finder(f)) if f.waiting())
            || self
                .model
                .data
                .as_ref()
                .is_some_and(|d| d.lists_loading.is_some())
    }

    /// Take what the background threads have sent (`wait`: block until
    /// they are done, as tests do).
    pub fn finder_poll(&mut self, wait: bool) {
        if let Some(d) = &mut self.model.data {
            match d.lists_arrived(wait) {
                Ok(true) => self.dirty = true,
                Ok(false) => {}
                Err(e) => self
                    .model
                    .error(format!("The interviews and samples could not be read: {e}")),
            }
        }
        if let Some(Popup::Finder(f)) = self.popups.last_mut() {
            if f.poll_text(wait) {
                self.dirty = true;
            }
        }
    }

    /// The mode keys are read in: the top popup's, else the screen's.
    pub fn mode(&self) -> Mode {
        match self.popups.last() {
            Some(p) => p.mode(),
            None => self.screens.mode(self.screen),
        }
    }

    /// The clause the user is on, where that means something.
    pub fn current_clause(&self) -> Option<String> {
        let d = self.model.data.as_ref()?;
        let s = &self.screens;
        match self.screen {
            Screen::Stage2 => s.stage2.current_id(&d.catalogue).map(str::to_string),
            Screen::Stage1 => s.stage1.current().map(|(c, _, _)| c.to_string()),
            Screen::Findings => self.finding_at(s.findings.selected).map(|f| f.clause_id),
            _ => None,
        }
    }

    /// The finding at position `i` of the findings list (read from the store).
    pub fn finding_at(&self, i: usize) -> Option<crate::domain::Finding> {
        self.model.finding_at(&self.store, i).ok().flatten()
    }

    /// A key press: the keymap first, then the focused text field.
    pub fn handle_key(&mut self, ev: KeyEvent) {
        if ev.kind != KeyEventKind::Press {
            return;
        }
        self.dirty = true;
        self.model.status = None;
        self.handle_key_inner(ev);
        self.walk_key();
    }

    fn handle_key_inner(&mut self, ev: KeyEvent) {
        if let Some(action) = self.model.keymap.resolve(self.mode(), Key::from_event(ev)) {
            return self.dispatch(action);
        }
        let candidates = self.model.data.as_ref().map_or(&[][..], |d| &d.finder);
        match self.popups.last_mut() {
            Some(Popup::Editor(ed)) => ed.input(ev),
            Some(Popup::Form(form)) => form.input(ev),
            Some(Popup::Finder(finder)) => finder.input(ev, candidates),
            Some(Popup::Checklist(c)) => c.key(ev),
            Some(Popup::Picker(p)) => {
                if let Some(i) = p.key(ev) {
                    self.dispatch(Action::Choose(i));
                }
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
        self.model.status = None;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let one_line = text.split('\n').collect::<Vec<_>>().join(" ");
        let candidates = self.model.data.as_ref().map_or(&[][..], |d| &d.finder);
        let taken = match self.popups.last_mut() {
            Some(Popup::Editor(ed)) => {
                ed.paste(if ed.multiline { &text } else { &one_line });
                true
            }
            Some(Popup::Form(form)) => form.paste(&one_line),
            Some(Popup::Finder(finder)) => {
                finder.paste(&one_line, candidates);
                true
            }
            _ => false,
        };
        if !taken {
            self.model.info(
                "Paste ignored: no text field has the focus (open an editor or a form first)",
            );
        }
    }

    /// Run an action and every effect it asks for; errors go to the status bar.
    pub fn dispatch(&mut self, action: Action) {
        // A tick changes nothing visible (drafts are written silently): no
        // redraw for it, so an idle workbench draws nothing.
        if action != Action::Tick {
            self.dirty = true;
        }
        let mut queue: VecDeque<Effect> = match self.update(action) {
            Ok(effects) => effects.into(),
            Err(e) => VecDeque::from([Effect::Error(e.to_string())]),
        };
        while let Some(effect) = queue.pop_front() {
            match self.apply(effect) {
                // what an effect asks for next runs before the rest
                Ok(more) => more.into_iter().rev().for_each(|e| queue.push_front(e)),
                Err(e) => queue.push_front(Effect::Error(e.to_string())),
            }
        }
    }

    /// The App's own actions, then the focused component's.
    fn update(&mut self, action: Action) -> store::Result<Vec<Effect>> {
        match action {
            Action::Tick => {
                self.tick()?;
                self.walk_tick();
                self.finder_poll(false);
                return Ok(Vec::new());
            }
            Action::Work => {
                self.finder_poll(false);
                let candidates = self.model.data.as_ref().map_or(&[][..], |d| &d.finder);
                if let Some(Popup::Finder(f)) = self.popups.last_mut() {
                    f.search.work(candidates, super::search::BUDGET);
                }
                return Ok(Vec::new());
            }
            Action::ShowError(e) => return Ok(vec![Effect::Error(e)]),
            Action::ShowInfo(m) => return Ok(vec![Effect::Info(m)]),
            Action::Quit | Action::Suspend => {
                self.persist_drafts()?;
                self.quit |= action == Action::Quit;
                self.suspend |= action == Action::Suspend;
                return Ok(Vec::new());
            }
            _ => {}
        }
        if action.changes_data() {
            if let Some(why) = self.write_block(&action) {
                return Ok(vec![Effect::Error(why)]);
            }
        }
        let mut ctx = Ctx {
            store: &mut self.store,
            model: &mut self.model,
        };
        if let Some(top) = self.popups.last_mut() {
            return top.handle(&action, &mut ctx);
        }
        if matches!(
            action,
            Action::OpenFinder | Action::Export | Action::ChooseAuditor
        ) && self.model.data.is_none()
        {
            return Ok(vec![Effect::Error(self.model.no_audit_error())]);
        }
        match action {
            Action::Help => self.popups.push(Popup::Help(HelpState::new(self.mode()))),
            Action::OpenFinder => {
                if let Some(d) = &mut self.model.data {
                    d.finder_extras();
                    // without the text search, the rest of the finder works
                    // the threads of the finder opened before, or new ones
                    let held = std::mem::take(&mut d.finder_workers);
                    let text = match held.text {
                        Some(t) => Ok(t),
                        None => super::search::TextWorker::spawn(&self.store, &d.audit.id),
                    };
                    let ranker = match held.ranker {
                        Some(r) => Ok(r),
                        None => super::search::RecordRanker::spawn(&self.store, &d.audit.id),
                    };
                    let (text, problem) = match text {
                        Ok(t) => (Some(t), None),
                        Err(e) => (None, Some(e)),
                    };
                    let (ranker, problem) = match ranker {
                        Ok(r) => (Some(r), problem),
                        Err(e) => (None, Some(e)),
                    };
                    // the findings, interviews and samples ranked from the file
                    let records = d.counts.iter().sum::<u64>() as usize
                        + if d.lists_loading.is_some() {
                            self.store.interview_and_sample_count(&d.audit.id)?
                        } else {
                            d.interviews.len() + d.samples.len()
                        };
                    self.popups.push(Popup::Finder(Box::new(FinderState::new(
                        &d.finder, text, ranker, records,
                    ))));
                    if let Some(e) = problem {
                        let why = format!("The findings' texts cannot be searched ({e}); titles, clauses and interviews can");
                        return Ok(vec![Effect::Error(why)]);
                    }
                }
            }
            Action::ChooseAuditor => {
                if let Some(d) = &self.model.data {
                    let picker = PickerState::auditor(&d.audit, &self.model.auditor());
                    return Ok(match picker {
                        Some(p) => vec![Effect::Push(Popup::Picker(Box::new(p)))],
                        None => vec![Effect::Error(format!(
                            "The audit names no team: add the auditors in its details ({}), then choose",
                            self.model
                                .keymap
                                .key_of(Mode::Overview, &Action::EditAudit)
                        ))],
                    });
                }
            }
            Action::Export => {
                let here = self.here();
                let form = FormState::for_kind(super::popups::form::FormKind::Export, &here);
                return Ok(vec![Effect::OpenForm(Box::new(form))]);
            }
            Action::GoAudits => return Ok(vec![Effect::Go(Screen::Audits)]),
            Action::GoOverview => return Ok(vec![Effect::Go(Screen::Overview)]),
            Action::GoStage1 => return Ok(vec![Effect::Go(Screen::Stage1)]),
            Action::GoStage2 => return Ok(vec![Effect::Go(Screen::Stage2)]),
            Action::GoFindings => return Ok(vec![Effect::Go(Screen::Findings)]),
            Action::GoInterviews => return Ok(vec![Effect::Go(Screen::Interviews)]),
            Action::GoSamples => return Ok(vec![Effect::Go(Screen::Samples)]),
            Action::GoReport => return Ok(vec![Effect::Go(Screen::Report)]),
            Action::GoPlan => return Ok(vec![Effect::Go(Screen::Plan)]),
            Action::GoProgramme => return Ok(vec![Effect::Go(Screen::Programme)]),
            Action::GoGaps => return Ok(vec![Effect::Go(Screen::Gaps)]),
            Action::GoTeam => return Ok(vec![Effect::Go(Screen::Team)]),
            other => {
                let mut ctx = Ctx {
                    store: &mut self.store,
                    model: &mut self.model,
                };
                return self.screens.get_mut(self.screen).handle(&other, &mut ctx);
            }
        }
        Ok(Vec::new())
    }

    /// Save the popup on top (a confirmed form).
    pub(super) fn save_top(&mut self) -> store::Result<Vec<Effect>> {
        let mut ctx = Ctx {
            store: &mut self.store,
            model: &mut self.model,
        };
        match self.popups.last_mut() {
            Some(top) => top.handle(&Action::Save, &mut ctx),
            None => Ok(Vec::new()),
        }
    }

    /// Where the user is, for a form's defaults.
    fn here(&self) -> Here<'_> {
        Here {
            clause: self.current_clause().unwrap_or_default(),
            now: self.store.now(),
            audit: self.model.data.as_ref().map(|d| &d.audit),
            export_dir: &self.model.export_dir,
            auditor: self.model.auditor(),
            offset: self.model.utc_offset,
            scale: self.model.data.as_ref().map(|d| &d.scale),
        }
    }

    /// Why a data-changing action cannot run now: the file is read-only, or
    /// the open audit is reported (its content is frozen until reopened).
    pub fn write_block(&self, action: &Action) -> Option<String> {
        if let Some(why) = self.store.read_only() {
            return Some(format!("Read-only, nothing can be changed: {why}"));
        }
        // the audits list acts on audits, not on the open one's content
        // (the every-visit clauses are the client's, not the audit's)
        let audit_level = matches!(
            action,
            Action::NewAudit | Action::CreateDemo | Action::ReportAudit | Action::EditEveryVisit
        ) || (self.screen == Screen::Audits && self.popups.is_empty());
        (self.model.reported() && !audit_level).then(|| {
            let km = &self.model.keymap;
            format!(
                "This audit is reported, so its findings and records are read-only; press {} on the overview ({}) to reopen it with a reason",
                km.key_of(Mode::Overview, &Action::ReportAudit),
                km.key_of(Mode::Global, &Action::GoOverview)
            )
        })
    }

    /// Read what the next frame shows and is not in the model yet (the
    /// visible rows of the findings list, the first findings of the stage 2
    /// clause). A failed read is said in the status bar.
    pub fn prepare(&mut self, height: u16) {
        let body = views::body_height(height);
        if let Err(e) = self
            .model
            .read_frame(&self.store, &self.screens, self.screen, body)
        {
            self.model
                .error(format!("Could not read what to show: {e}"));
        }
    }

    /// Read what the frame shows, then draw it.
    pub fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> std::io::Result<()> {
        self.prepare(terminal.size()?.height);
        terminal.draw(|f| views::render(self, f))?;
        Ok(())
    }
}
