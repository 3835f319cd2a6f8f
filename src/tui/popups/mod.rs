//! Modal popups, one file each. They stack: the top one reads the keys.

pub mod checklist;
pub mod confirm;
pub mod editor;
pub mod finder;
pub mod finding;
pub mod form;
pub mod help;
pub mod history;
pub mod picker;
pub mod textfield;

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::Frame;

use super::action::Action;
use super::component::{Component, Ctx};
use super::effect::Effect;
use super::keymap::Mode;
use super::model::Model;
use crate::store;

pub enum Popup {
    Help(help::HelpState),
    Confirm(confirm::ConfirmState),
    Finder(Box<finder::FinderState>),
    Editor(Box<editor::EditorState>),
    Form(Box<form::FormState>),
    Finding(Box<finding::FindingDetailState>),
    History(Box<history::HistoryState>),
    Picker(Box<picker::PickerState>),
    Checklist(Box<checklist::ChecklistState>),
}

impl Popup {
    pub fn mode(&self) -> Mode {
        match self {
            Popup::Help(_) => Mode::Help,
            Popup::Confirm(_) => Mode::Confirm,
            Popup::Finder(_) => Mode::Finder,
            Popup::Editor(e) if e.multiline => Mode::Editor,
            Popup::Editor(_) => Mode::EditorLine,
            Popup::Form(f) => f.mode(),
            Popup::Finding(_) => Mode::FindingDetail,
            Popup::History(_) => Mode::History,
            Popup::Picker(_) => Mode::Picker,
            Popup::Checklist(_) => Mode::Checklist,
        }
    }

    fn component(&self) -> &dyn Component {
        match self {
            Popup::Help(c) => c,
            Popup::Confirm(c) => c,
            Popup::Finder(c) => &**c,
            Popup::Editor(c) => &**c,
            Popup::Form(c) => &**c,
            Popup::Finding(c) => &**c,
            Popup::History(c) => &**c,
            Popup::Picker(c) => &**c,
            Popup::Checklist(c) => &**c,
        }
    }

    fn component_mut(&mut self) -> &mut dyn Component {
        match self {
            Popup::Help(c) => c,
            Popup::Confirm(c) => c,
            Popup::Finder(c) => &mut **c,
            Popup::Editor(c) => &mut **c,
            Popup::Form(c) => &mut **c,
            Popup::Finding(c) => &mut **c,
            Popup::History(c) => &mut **c,
            Popup::Picker(c) => &mut **c,
            Popup::Checklist(c) => &mut **c,
        }
    }
}

impl Component for Popup {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        self.component_mut().handle(action, ctx)
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        self.component().render(m, f, area)
    }
}

/// Draw every popup, bottom to top.
pub fn render(popups: &[Popup], m: &Model, f: &mut Frame, area: Rect) {
    for p in popups {
        p.render(m, f, area);
    }
}

/// (code, label) of every value of a vocabulary, for a choice or a picker.
pub fn enum_options<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
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
