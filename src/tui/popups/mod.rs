//! Modal popups, one file each. They stack: the top one reads the keys.

pub mod confirm;
pub mod editor;
pub mod finder;
pub mod finding;
pub mod form;
pub mod help;
pub mod history;

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::Frame;

use super::app::App;
use super::keymap::Mode;

pub enum Popup {
    Help(help::HelpState),
    Confirm(confirm::ConfirmState),
    Finder(Box<finder::FinderState>),
    Editor(Box<editor::EditorState>),
    Form(Box<form::FormState>),
    Finding(Box<finding::FindingDetailState>),
    History(Box<history::HistoryState>),
}

impl Popup {
    pub fn mode(&self) -> Mode {
        match self {
            Popup::Help(_) => Mode::Help,
            Popup::Confirm(_) => Mode::Confirm,
            Popup::Finder(_) => Mode::Finder,
            Popup::Editor(_) => Mode::Editor,
            Popup::Form(_) => Mode::Form,
            Popup::Finding(_) => Mode::FindingDetail,
            Popup::History(_) => Mode::History,
        }
    }
}

/// Draw every popup, bottom to top.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    for p in &app.popups {
        match p {
            Popup::Help(h) => help::render(app, h, f, area),
            Popup::Confirm(c) => confirm::render(app, c, f, area),
            Popup::Finder(s) => finder::render(app, s, f, area),
            Popup::Editor(e) => editor::render(app, e, f, area),
            Popup::Form(s) => form::render(app, s, f, area),
            Popup::Finding(d) => finding::render(app, d, f, area),
            Popup::History(h) => history::render(app, h, f, area),
        }
    }
}

/// A rectangle of `w` × `h` (clamped to `area`) centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(r);
    r
}

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
