//! The text-editing actions of the key map, applied to a `TextArea`: the
//! editors, the forms' text fields and the finder's query line all type
//! through this, so every key they know comes from the key map.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};

use crate::tui::action::Action;

/// Apply a text-editing action; true when the text changed.
pub fn edit(ta: &mut TextArea<'_>, action: &Action, multiline: bool) -> bool {
    let moved = |ta: &mut TextArea<'_>, m: CursorMove| {
        ta.move_cursor(m);
        false
    };
    match action {
        Action::NewLine if multiline => {
            ta.insert_newline();
            true
        }
        Action::InsertTab => ta.insert_tab(),
        Action::DeleteBack => ta.delete_char(),
        Action::DeleteForward => ta.delete_next_char(),
        Action::DeleteWordBack => ta.delete_word(),
        Action::DeleteWordForward => ta.delete_next_word(),
        Action::DeleteToLineEnd => ta.delete_line_by_end(),
        Action::DeleteToLineStart => ta.delete_line_by_head(),
        Action::CursorLeft => moved(ta, CursorMove::Back),
        Action::CursorRight => moved(ta, CursorMove::Forward),
        Action::CursorUp => moved(ta, CursorMove::Up),
        Action::CursorDown => moved(ta, CursorMove::Down),
        Action::WordLeft => moved(ta, CursorMove::WordBack),
        Action::WordRight => moved(ta, CursorMove::WordForward),
        Action::LineStart => moved(ta, CursorMove::Head),
        Action::LineEnd => moved(ta, CursorMove::End),
        Action::Undo => ta.undo(),
        Action::Redo => ta.redo(),
        Action::Yank => ta.paste(),
        _ => false,
    }
}

/// A key no binding took: a plain character is typed, anything else is
/// ignored (a key does something only when the key map says so).
pub fn type_key(ta: &mut TextArea<'_>, ev: KeyEvent) -> bool {
    match ev.code {
        KeyCode::Char(c)
            if !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            ta.insert_char(c);
            true
        }
        _ => false,
    }
}
