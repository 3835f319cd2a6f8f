//! Editing one text field with tui-textarea. Esc or Ctrl-S saves; the text
//! is persisted as a draft while typing, so a crash loses nothing.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear};
use ratatui::Frame;
use tui_textarea::TextArea;

use super::{centered, DraftTimer};
use crate::store::EditTarget;
use crate::tui::app::App;

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
        textarea.set_block(
            Block::bordered()
                .title(format!(" {} ", crate::tui::text::inert(&label)))
                .title_bottom(" Esc/Ctrl-S save and close ")
                .border_style(
                    ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD),
                ),
        );
        EditorState {
            target,
            audit_id,
            label,
            multiline,
            textarea,
            draft: DraftTimer::default(),
        }
    }

    pub fn input(&mut self, ev: KeyEvent) {
        if self.textarea.input(ev) {
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

pub fn render(_app: &App, e: &EditorState, f: &mut Frame, area: Rect) {
    let h = if e.multiline {
        area.height.saturating_sub(4).clamp(3, 20)
    } else {
        3
    };
    let rect = centered(area, area.width.saturating_sub(8).clamp(20, 100), h);
    f.render_widget(Clear, rect);
    f.render_widget(&e.textarea, rect);
}
