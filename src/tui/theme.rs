//! Colours and styles. Grades always carry a text label too: colour is never
//! the only signal. `NO_COLOR` (any value) turns colour off.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::{ClauseResult, ClauseStatus, DocStatus, FindingStatus, Grade};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless the `NO_COLOR` convention asks otherwise.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn grade(&self, g: Grade) -> Style {
        match g {
            Grade::Major => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Grade::Minor => self.fg(Color::Yellow),
            Grade::Concern => self.fg(Color::Magenta),
            Grade::Observation => self.fg(Color::Cyan),
            Grade::Ofi => self.fg(Color::Blue),
            Grade::GoodPractice => self.fg(Color::Green),
        }
    }

    /// Short fixed-width label for tables: `MAJOR`, `MINOR`, `OBS`, `OFI`, `GOOD`.
    pub fn grade_tag(g: Grade) -> &'static str {
        match g {
            Grade::Major => "MAJOR",
            Grade::Minor => "MINOR",
            Grade::Concern => "AOC",
            Grade::Observation => "OBS",
            Grade::Ofi => "OFI",
            Grade::GoodPractice => "GOOD",
        }
    }

    /// A grade in at most three letters, for bar labels: MAJ MIN OBS OFI GP.
    pub fn grade_short(g: Grade) -> &'static str {
        match g {
            Grade::Major => "MAJ",
            Grade::Minor => "MIN",
            Grade::Concern => "AOC",
            Grade::Observation => "OBS",
            Grade::Ofi => "OFI",
            Grade::GoodPractice => "GP",
        }
    }

    pub fn finding_status(&self, s: FindingStatus) -> Style {
        match s {
            FindingStatus::Open => self.fg(Color::Yellow),
            FindingStatus::ResponseReceived => self.fg(Color::Cyan),
            FindingStatus::PlanAccepted => self.fg(Color::Blue),
            FindingStatus::Closed => self.fg(Color::Green),
        }
    }

    pub fn clause_status(&self, s: ClauseStatus) -> Style {
        match s {
            ClauseStatus::NotStarted => self.dim(),
            ClauseStatus::InProgress => self.fg(Color::Yellow),
            ClauseStatus::Done => self.fg(Color::Green),
        }
    }

    pub fn clause_result(&self, r: ClauseResult) -> Style {
        match r {
            ClauseResult::NotAssessed => self.dim(),
            ClauseResult::Conforming => self.fg(Color::Green),
            ClauseResult::Nonconforming => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            ClauseResult::NotApplicable => self.dim(),
        }
    }

    pub fn doc_status(&self, s: DocStatus) -> Style {
        match s {
            DocStatus::NotReviewed => self.dim(),
            DocStatus::Adequate => self.fg(Color::Green),
            DocStatus::NeedsImprovement => self.fg(Color::Yellow),
            DocStatus::Missing => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            DocStatus::NotApplicable => self.dim(),
        }
    }

    /// A clause with an open nonconformity stands out in the tree.
    pub fn open_nc(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn info(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn accent(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
}
