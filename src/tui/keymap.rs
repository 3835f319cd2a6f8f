//! Keys to actions, per mode: the single source for key handling, the help
//! overlay and the status-bar hints.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where keys are being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Keys that work on every screen (not in popups).
    Global,
    Audits,
    Overview,
    Stage1,
    Stage2,
    Stage2Questions,
    Findings,
    FindingDetail,
    Interviews,
    Help,
    Confirm,
    Finder,
    Editor,
    Form,
    History,
}

impl Mode {
    pub const ALL: &'static [Mode] = &[
        Mode::Global,
        Mode::Audits,
        Mode::Overview,
        Mode::Stage1,
        Mode::Stage2,
        Mode::Stage2Questions,
        Mode::Findings,
        Mode::FindingDetail,
        Mode::Interviews,
        Mode::Help,
        Mode::Confirm,
        Mode::Finder,
        Mode::Editor,
        Mode::Form,
        Mode::History,
    ];

    /// Screens fall back to the global keys; popups and text input do not.
    pub fn uses_global(self) -> bool {
        matches!(
            self,
            Mode::Audits
                | Mode::Overview
                | Mode::Stage1
                | Mode::Stage2
                | Mode::Stage2Questions
                | Mode::Findings
                | Mode::Interviews
        )
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "Everywhere",
            Mode::Audits => "Audits",
            Mode::Overview => "Overview",
            Mode::Stage1 => "Stage 1 — documentation review",
            Mode::Stage2 => "Stage 2 — clause tree",
            Mode::Stage2Questions => "Stage 2 — audit questions",
            Mode::Findings => "Findings",
            Mode::FindingDetail => "Finding",
            Mode::Interviews => "Interviews",
            Mode::Help => "Help",
            Mode::Confirm => "Confirm",
            Mode::Finder => "Fuzzy finder",
            Mode::Editor => "Editor",
            Mode::Form => "Form",
            Mode::History => "History (audit trail)",
        }
    }
}

/// A key with its modifiers, normalised (a shifted letter is its capital).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(ev: KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// Parse `"j"`, `"G"`, `"ctrl-p"`, `"enter"`, `"shift-tab"`, `"?"`, `"space"`, `"down"`.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            one if one.chars().count() == 1 => KeyCode::Char(one.chars().next().unwrap_or(' ')),
            other => return Err(format!("unknown key {other:?} in {s:?}")),
        };
        Ok(Key { code, mods })
    }

    /// How the key is shown in help and hints.
    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt-");
        }
        match self.code {
            KeyCode::Char(' ') => s.push_str("Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                s.extend(c.to_uppercase())
            }
            KeyCode::Char(c) => s.push(c),
            KeyCode::Enter => s.push_str("Enter"),
            KeyCode::Esc => s.push_str("Esc"),
            KeyCode::Tab => s.push_str("Tab"),
            KeyCode::BackTab => s.push_str("Shift-Tab"),
            KeyCode::Backspace => s.push_str("Backspace"),
            KeyCode::Delete => s.push_str("Del"),
            KeyCode::Up => s.push('↑'),
            KeyCode::Down => s.push('↓'),
            KeyCode::Left => s.push('←'),
            KeyCode::Right => s.push('→'),
            KeyCode::PageUp => s.push_str("PgUp"),
            KeyCode::PageDown => s.push_str("PgDn"),
            KeyCode::Home => s.push_str("Home"),
            KeyCode::End => s.push_str("End"),
            other => s.push_str(&format!("{other:?}")),
        }
        s
    }
}

/// One binding: in `mode`, `key` means `action`. `hint` puts it in the status bar.
#[derive(Debug, Clone)]
pub struct Binding {
    pub mode: Mode,
    pub key: Key,
    pub action: Action,
    pub desc: &'static str,
    pub hint: bool,
}

/// The key map.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// (mode, keys separated by spaces, action, description, shown as a hint)
type Row = (Mode, &'static str, Action, &'static str, bool);

fn default_rows() -> Vec<Row> {
    use Action as A;
    use Mode as M;
    let mut rows = vec![
        (
            M::Global,
            "q ctrl-c",
            A::Quit,
            "quit (everything is already saved)",
            true,
        ),
        (
            M::Global,
            "ctrl-z",
            A::Suspend,
            "suspend to the shell (fg resumes)",
            false,
        ),
        (
            M::Global,
            "?",
            A::Help,
            "help: every key of this screen",
            true,
        ),
        (
            M::Global,
            "/ ctrl-p",
            A::OpenFinder,
            "fuzzy finder: clauses, findings, interviews",
            true,
        ),
        (M::Global, "x", A::Export, "export the findings CSV", false),
        (M::Global, "0", A::GoAudits, "audits list", false),
        (M::Global, "1", A::GoOverview, "overview", false),
        (
            M::Global,
            "2",
            A::GoStage1,
            "stage 1: documentation review",
            false,
        ),
        (M::Global, "3", A::GoStage2, "stage 2: clause walk", false),
        (M::Global, "4", A::GoFindings, "findings", false),
        (M::Global, "5", A::GoInterviews, "interviews", false),
        (M::Global, "k up", A::Up, "move up", false),
        (M::Global, "j down", A::Down, "move down", false),
        (M::Global, "pageup ctrl-u", A::PageUp, "page up", false),
        (
            M::Global,
            "pagedown ctrl-d",
            A::PageDown,
            "page down",
            false,
        ),
        (M::Global, "g home", A::Top, "first row", false),
        (M::Global, "G end", A::Bottom, "last row", false),
        (
            M::Audits,
            "enter l right",
            A::Select,
            "open the audit",
            true,
        ),
        (M::Audits, "n", A::NewAudit, "new audit", true),
        (M::Audits, "D", A::CreateDemo, "create the demo audit", true),
        (M::Overview, "enter", A::GoStage2, "walk stage 2", true),
        (
            M::Overview,
            "R",
            A::ReportAudit,
            "mark reported (findings read-only), or reopen with a reason",
            true,
        ),
        (
            M::Stage1,
            "s",
            A::CycleDocStatus,
            "document status: adequate, needs improvement, missing, n/a",
            true,
        ),
        (
            M::Stage1,
            "r",
            A::EditDocReference,
            "edit the document reference",
            true,
        ),
        (
            M::Stage1,
            "v",
            A::EditDocVersion,
            "edit version / date",
            true,
        ),
        (M::Stage1, "e enter", A::EditDocNotes, "edit notes", true),
        (
            M::Stage1,
            "o",
            A::RaiseFromDocument,
            "raise a finding (observation) on this document",
            true,
        ),
        (
            M::Stage2,
            "enter space",
            A::Select,
            "expand / collapse the clause",
            false,
        ),
        (
            M::Stage2,
            "h left",
            A::Left,
            "collapse, or go to the parent clause",
            false,
        ),
        (M::Stage2, "l right", A::Right, "expand", false),
        (
            M::Stage2,
            "tab",
            A::SwitchFocus,
            "tick audit questions",
            true,
        ),
        (
            M::Stage2,
            "s",
            A::CycleClauseStatus,
            "workflow status: not started, in progress, done",
            true,
        ),
        (
            M::Stage2,
            "r",
            A::CycleClauseResult,
            "result: conforming, nonconforming, n/a",
            true,
        ),
        (
            M::Stage2,
            "e",
            A::EditClauseNotes,
            "edit the clause notes",
            true,
        ),
        (
            M::Stage2,
            "f",
            A::NewFinding,
            "raise a finding on this clause",
            true,
        ),
        (
            M::Stage2,
            "i",
            A::NewInterview,
            "record an interview",
            false,
        ),
        (M::Stage2, "m", A::NewSample, "record a sample", false),
        (
            M::Stage2,
            "n",
            A::NextClauseNotDone,
            "next clause not done",
            true,
        ),
        (
            M::Stage2Questions,
            "space enter",
            A::ToggleQuestion,
            "tick / untick the question",
            true,
        ),
        (
            M::Stage2Questions,
            "tab esc",
            A::SwitchFocus,
            "back to the clause tree",
            true,
        ),
        (
            M::Stage2Questions,
            "f",
            A::NewFinding,
            "raise a finding on this clause",
            true,
        ),
        (M::Findings, "enter", A::Select, "open the finding", true),
        (M::Findings, "f", A::FilterGrade, "filter by grade", true),
        (
            M::Findings,
            "H",
            A::ShowHistory,
            "history of the finding (audit trail)",
            false,
        ),
        (M::Findings, "t", A::FilterStatus, "filter by status", true),
        (M::Findings, "c", A::FilterClause, "filter by clause", false),
        (
            M::Findings,
            "backspace",
            A::ClearFilters,
            "clear filters",
            false,
        ),
        (
            M::Findings,
            "o",
            A::CycleSort,
            "sort: report order, due date, status, reference",
            true,
        ),
        (
            M::Findings,
            "D delete",
            A::Delete,
            "delete the finding (asks first)",
            false,
        ),
        (M::FindingDetail, "k up", A::Up, "previous field", false),
        (M::FindingDetail, "j down", A::Down, "next field", false),
        (
            M::FindingDetail,
            "enter e",
            A::Select,
            "edit the field",
            true,
        ),
        (
            M::FindingDetail,
            "g",
            A::CycleGrade,
            "change the grade",
            true,
        ),
        (
            M::FindingDetail,
            "s",
            A::CycleStatus,
            "change the status",
            true,
        ),
        (
            M::FindingDetail,
            "D",
            A::Delete,
            "delete the finding (asks first)",
            false,
        ),
        (
            M::FindingDetail,
            "H",
            A::ShowHistory,
            "history: every change, who and when",
            true,
        ),
        (M::FindingDetail, "esc q", A::Back, "close", true),
        (M::History, "k up", A::Up, "scroll up", false),
        (M::History, "j down", A::Down, "scroll down", false),
        (M::History, "esc q", A::Back, "close", true),
        (
            M::Interviews,
            "n",
            A::NewInterview,
            "record an interview",
            true,
        ),
        (
            M::Interviews,
            "enter e",
            A::EditNotes,
            "edit the notes",
            true,
        ),
        (
            M::Interviews,
            "w",
            A::EditInterviewee,
            "edit the interviewee",
            false,
        ),
        (M::Interviews, "r", A::EditRole, "edit the role", false),
        (
            M::Interviews,
            "t",
            A::EditTime,
            "edit when it was held",
            false,
        ),
        (
            M::Interviews,
            "c",
            A::EditClauses,
            "edit the clauses covered",
            false,
        ),
        (
            M::Interviews,
            "D delete",
            A::Delete,
            "delete the interview (asks first)",
            false,
        ),
        (M::Help, "esc q ?", A::Back, "close help", true),
        (M::Help, "k up", A::Up, "scroll up", false),
        (M::Help, "j down", A::Down, "scroll down", false),
        (M::Confirm, "y enter", A::Confirm, "yes", true),
        (M::Confirm, "n esc", A::Cancel, "no", true),
        (M::Finder, "enter", A::Select, "jump there", true),
        (M::Finder, "esc", A::Cancel, "close", true),
        (M::Finder, "up ctrl-k", A::Up, "previous match", false),
        (M::Finder, "down ctrl-j", A::Down, "next match", false),
        (
            M::Editor,
            "esc ctrl-s",
            A::Save,
            "save and close (nothing typed is lost)",
            true,
        ),
        (M::Form, "ctrl-s", A::Save, "save", true),
        (
            M::Form,
            "tab down",
            A::NextField,
            "next field (Enter too; on the last field, save)",
            true,
        ),
        (
            M::Form,
            "shift-tab up",
            A::PrevField,
            "previous field",
            false,
        ),
        (
            M::Form,
            "esc",
            A::Cancel,
            "close (what you typed is kept for next time)",
            true,
        ),
    ];
    // Suspending works everywhere, popups and editors included.
    for m in Mode::ALL
        .iter()
        .filter(|m| **m != M::Global && !m.uses_global())
    {
        rows.push((
            *m,
            "ctrl-z",
            A::Suspend,
            "suspend to the shell (fg resumes)",
            false,
        ));
    }
    rows
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::from_rows(default_rows()).expect("the default key map parses (tested)")
    }
}

impl Keymap {
    fn from_rows(rows: Vec<Row>) -> Result<Keymap, String> {
        let mut bindings = Vec::new();
        for (mode, keys, action, desc, hint) in rows {
            for (i, k) in keys.split_whitespace().enumerate() {
                bindings.push(Binding {
                    mode,
                    key: Key::parse(k)?,
                    action: action.clone(),
                    desc,
                    hint: hint && i == 0,
                });
            }
        }
        Ok(Keymap { bindings })
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action for a key in a mode; screens fall back to the global keys.
    pub fn resolve(&self, mode: Mode, key: Key) -> Option<Action> {
        let find = |m: Mode| {
            self.bindings
                .iter()
                .find(|b| b.mode == m && b.key == key)
                .map(|b| b.action.clone())
        };
        find(mode).or_else(|| {
            if mode.uses_global() {
                find(Mode::Global)
            } else {
                None
            }
        })
    }

    /// Help rows for a mode: (keys, description), one per action, then the global ones.
    pub fn help(&self, mode: Mode) -> Vec<(Mode, String, &'static str)> {
        let mut out: Vec<(Mode, String, &'static str)> = Vec::new();
        let mut modes = vec![mode];
        if mode.uses_global() {
            modes.push(Mode::Global);
        }
        for m in modes {
            for b in self.bindings.iter().filter(|b| b.mode == m) {
                // a global key shadowed by the mode's own binding is not listed
                if m == Mode::Global
                    && mode != Mode::Global
                    && self
                        .bindings
                        .iter()
                        .any(|o| o.mode == mode && o.key == b.key)
                {
                    continue;
                }
                match out.iter_mut().find(|(om, _, d)| *om == m && *d == b.desc) {
                    Some((_, keys, _)) => {
                        keys.push_str(", ");
                        keys.push_str(&b.key.label());
                    }
                    None => out.push((m, b.key.label(), b.desc)),
                }
            }
        }
        out
    }

    /// The key reference as Markdown (one table per mode), for the README.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for mode in Mode::ALL {
            out.push_str(&format!(
                "**{}**\n\n| keys | what |\n|---|---|\n",
                mode.title()
            ));
            for (m, keys, desc) in self.help(*mode) {
                if m == *mode {
                    out.push_str(&format!("| `{}` | {desc} |\n", keys.replace(", ", "` `")));
                }
            }
            out.push('\n');
        }
        out
    }

    /// The few most relevant keys for the status bar: `(key, short description)`.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = self
            .bindings
            .iter()
            .filter(|b| b.mode == mode && b.hint)
            .map(|b| (b.key.label(), short(b.desc)))
            .collect();
        if mode.uses_global() {
            out.extend(
                self.bindings
                    .iter()
                    .filter(|b| b.mode == Mode::Global && b.hint)
                    .map(|b| (b.key.label(), short(b.desc))),
            );
        }
        out
    }
}

/// The first words of a description, up to a colon or comma.
fn short(desc: &'static str) -> &'static str {
    let end = desc.find([':', '(', ',']).unwrap_or(desc.len());
    desc[..end].trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_label() {
        assert_eq!(Key::parse("ctrl-p").unwrap().label(), "Ctrl-P");
        assert_eq!(Key::parse("G").unwrap().label(), "G");
        assert_eq!(Key::parse("shift-tab").unwrap().label(), "Shift-Tab");
        assert!(Key::parse("hyper-x").is_err());
    }

    #[test]
    fn shifted_letters_match_their_capital() {
        use ratatui::crossterm::event::KeyEvent;
        let ev = KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(ev), Key::parse("D").unwrap());
    }
}
