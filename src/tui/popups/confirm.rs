//! Asks before anything destructive.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use crate::tui::app::App;

/// What happens on "yes".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DeleteFinding { id: String, reference: String },
    DeleteInterview { id: String, who: String },
    ReportAudit { id: String },
}

impl Pending {
    /// What the status bar says when the user answers no.
    pub fn cancelled(&self) -> &'static str {
        match self {
            Pending::DeleteFinding { .. } | Pending::DeleteInterview { .. } => "Nothing deleted",
            Pending::ReportAudit { .. } => "Nothing changed",
        }
    }
}

pub struct ConfirmState {
    pub message: String,
    pub pending: Pending,
}

pub fn render(app: &App, c: &ConfirmState, f: &mut Frame, area: Rect) {
    let rect = centered(area, 60, 6);
    f.render_widget(Clear, rect);
    let lines = vec![
        Line::raw(crate::tui::text::inert(&c.message).into_owned()),
        Line::raw(""),
        Line::styled("y  yes        n  no", app.theme.key()),
    ];
    let block = Block::bordered().title(" Confirm ");
    f.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        rect,
    );
}
