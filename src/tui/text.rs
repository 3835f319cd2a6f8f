//! The workbench's side of the display boundary (see `crate::text`).
//!
//! Views draw stored text through [`inert`] (or [`inert_lines`] in areas that
//! draw line breaks), which turns controls into visible placeholders before
//! layout, so widths stay right. [`InertBackend`] is the guarantee: it wraps
//! the terminal backend, and every cell passes through it on its way to the
//! terminal, so a control character or escape sequence that reached a cell
//! by any path (an editor's text, a message, a future view) is dropped there
//! and never reaches the terminal.

use std::io;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

pub use crate::text::{inert, inert_lines, is_unsafe};

/// A backend that refuses to pass control characters to the terminal.
pub struct InertBackend<B: Backend>(pub B);

impl<B: Backend> Backend for InertBackend<B> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut cleaned: Vec<(u16, u16, Cell)> = Vec::new();
        let mut cells: Vec<(u16, u16, &Cell)> = Vec::new();
        for (x, y, c) in content {
            if c.symbol().chars().any(is_unsafe) {
                let mut safe = c.clone();
                let kept: String = c.symbol().chars().filter(|ch| !is_unsafe(*ch)).collect();
                safe.set_symbol(if kept.is_empty() { " " } else { &kept });
                cleaned.push((x, y, safe));
            } else {
                cells.push((x, y, c));
            }
        }
        self.0.draw(
            cells
                .into_iter()
                .chain(cleaned.iter().map(|(x, y, c)| (*x, *y, c))),
        )
    }
    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.0.append_lines(n)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.0.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.0.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.0.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.0.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.0.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.0.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        self.0.size()
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.0.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
