//! Editing one text field with tui-textarea. Esc or Ctrl-S saves; the text
//! is persisted as a draft while typing, so a crash loses nothing.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::centered;
use crate::store::{self, EditTarget};
use crate::tui::action::Action;
use crate::tui::component::{none, Component, Ctx};
use crate::tui::drafts::DraftTimer;
use crate::tui::effect::{Effect, Which};
use crate::tui::keymap::Mode;
use crate::tui::model::Model;

pub struct EditorState {
    pub target: EditTarget,
    pub audit_id: String,
    pub label: String,
    pub multiline: bool,
    pub textarea: TextArea<'static>,
    pub draft: DraftTimer,
}

impl EditorState {
    pub fn new(target: EditTarget, audit_id: String, label: String, text: &str) -> Self {
        let multiline = target.multiline();
        let lines: Vec<String> = if text.is_empty() {
            vec![String::new()]
        } else {
            text.split('\n').map(str::to_string).collect()
        };
        let mut textarea = TextArea::new(lines);
        textarea.move_cursor(tui_textarea::CursorMove::Bottom);
        textarea.move_cursor(tui_textarea::CursorMove::End);
        textarea.set_cursor_line_style(ratatui::style::Style::default());
        EditorState {
            target,
            audit_id,
            label,
            multiline,
            textarea,
            draft: DraftTimer::default(),
        }
    }

    /// A key no binding took: a character is typed.
    pub fn input(&mut self, ev: KeyEvent) {
        if super::textfield::type_key(&mut self.textarea, ev) {
            self.draft.touched();
        }
    }

    /// Pasted text, inserted as text (line breaks as line breaks).
    pub fn paste(&mut self, text: &str) {
        if self.textarea.insert_str(text) {
            self.draft.touched();
        }
    }

    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }
}

impl Component for EditorState {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>> {
        if action.is_text_edit() {
            if super::textfield::edit(&mut self.textarea, action, self.multiline) {
                self.draft.touched();
            }
            return none();
        }
        if *action != Action::Save {
            return none();
        }
        let text = self.text();
        match ctx.store.apply_edit(&self.target, &text) {
            Ok(()) => Ok(vec![
                Effect::Close(Which::Top),
                Effect::Edited(self.target.clone()),
                Effect::NextRecovery,
                Effect::Info(format!("Saved {}", self.label)),
            ]),
            Err(store::Error::NotFound(m)) => {
                // The thing edited is gone: keep nothing half-applied, say so.
                ctx.store.delete_draft(&self.target.key())?;
                Ok(vec![
                    Effect::Close(Which::Top),
                    Effect::NextRecovery,
                    Effect::Error(m),
                ])
            }
            Err(e) => {
                // Keep the editor open and the text as a draft: nothing is lost.
                ctx.store
                    .save_draft(&self.target.key(), &self.audit_id, &self.label, &text)?;
                Ok(vec![Effect::Error(e.to_string())])
            }
        }
    }

    fn render(&self, m: &Model, f: &mut Frame, area: Rect) {
        render(self, m, f, area)
    }
}

fn render(e: &EditorState, m: &Model, f: &mut Frame, area: Rect) {
    let h = if e.multiline {
        area.height.saturating_sub(4).clamp(3, 20)
    } else {
        3
    };
    let rect = centered(area, area.width.saturating_sub(8).clamp(20, 100), h);
    f.render_widget(Clear, rect);
    let mode = if e.multiline {
        Mode::Editor
    } else {
        Mode::EditorLine
    };
    let block = Block::bordered()
        .title(format!(" {} ", crate::tui::text::inert(&e.label)))
        .title_bottom(m.keymap.footer(mode, rect.width.saturating_sub(4)))
        .border_style(ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    f.render_widget(&e.textarea, inner);
}
