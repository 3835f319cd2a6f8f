//! Keys to actions, per mode: the single source for key handling, the help
//! overlay, the status-bar hints and the README's key reference. The
//! defaults are data, `assets/keymap.toml` (built in); a user's
//! `keymap.toml` in the configuration folder replaces the keys of the
//! actions it names ([`Keymap::load`]).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod parse;

pub use parse::KeymapError;

use super::action::Action;
use parse::DEFAULT_KEYMAP;

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
    Samples,
    Report,
    /// The audit plan.
    Plan,
    /// The client's three-year programme.
    Programme,
    /// A rehearsal's gap plan.
    Gaps,
    /// The audit team: members, merges, conflicts.
    Team,
    Help,
    Confirm,
    Finder,
    /// Choosing a value from a list (grade, status, result).
    Picker,
    /// Ticking several items of a list (samples cited, clauses covered).
    Checklist,
    /// The editor of a text with lines (notes, statements).
    Editor,
    /// The editor of a one-line text (a title, a date): its own keys, then the editor's.
    EditorLine,
    /// A form, on a text field.
    Form,
    /// Typing in any text field: what the editors, the forms' text fields
    /// and the finder's query fall back to.
    Text,
    /// A form, on a field with a choice of values: its own keys, then the form's.
    FormChoice,
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
        Mode::Samples,
        Mode::Report,
        Mode::Plan,
        Mode::Programme,
        Mode::Gaps,
        Mode::Team,
        Mode::Help,
        Mode::Confirm,
        Mode::Finder,
        Mode::Picker,
        Mode::Checklist,
        Mode::Editor,
        Mode::EditorLine,
        Mode::Form,
        Mode::FormChoice,
        Mode::Text,
        Mode::History,
    ];

    /// Screens fall back to the global keys; popups and text input do not.
    pub fn uses_global(self) -> bool {
        self.fallback() == Some(Mode::Global)
    }

    /// Where a key not bound in this mode is looked up next: the global
    /// keys for a screen, the editor's keys for the one-line editor, the
    /// form's keys on a choice field.
    pub fn fallback(self) -> Option<Mode> {
        match self {
            Mode::Audits
            | Mode::Overview
            | Mode::Stage1
            | Mode::Stage2
            | Mode::Stage2Questions
            | Mode::Findings
            | Mode::Interviews
            | Mode::Samples
            | Mode::Report
            | Mode::Plan
            | Mode::Programme
            | Mode::Gaps
            | Mode::Team => Some(Mode::Global),
            Mode::EditorLine => Some(Mode::Editor),
            Mode::FormChoice => Some(Mode::Form),
            Mode::Editor | Mode::Form | Mode::Finder => Some(Mode::Text),
            _ => None,
        }
    }

    /// This mode and the ones it falls back to, in lookup order.
    pub fn chain(self) -> Vec<Mode> {
        let mut out = vec![self];
        while let Some(next) = out.last().and_then(|m| m.fallback()) {
            out.push(next);
        }
        out
    }

    /// The mode's name in `keymap.toml`: snake_case (`stage2_questions`).
    pub fn name(self) -> String {
        let dbg = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in dbg.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.name() == name)
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
            Mode::Samples => "Samples (ISO 19011 A.6)",
            Mode::Report => "Report — what the report needs",
            Mode::Plan => "Plan — the audit plan, planned against walked",
            Mode::Programme => "Programme — the client's cycle, clauses × visits",
            Mode::Gaps => "Gaps — a rehearsal's gap plan, by target date",
            Mode::Team => "Team — the audit shared between laptops: merges and conflicts",
            Mode::Help => "Help",
            Mode::Confirm => "Confirm",
            Mode::Finder => "Fuzzy finder",
            Mode::Picker => "Choosing a value (also: its number; a letter selects the next value starting with it)",
            Mode::Checklist => "Ticking items (type to narrow the list)",
            Mode::Editor => "Editor",
            Mode::EditorLine => "Editor — one line",
            Mode::Form => "Form",
            Mode::FormChoice => "Form — a field with a choice",
            Mode::Text => "Typing in a text field (editor, form, finder)",
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
    pub desc: String,
    pub hint: bool,
}

/// The key map.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    /// The built-in key map, parsed once per process.
    fn default() -> Self {
        static PARSED: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                Keymap::from_toml(DEFAULT_KEYMAP, "assets/keymap.toml")
                    .expect("the built-in key map parses (tested)")
            })
            .clone()
    }
}

impl Keymap {
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action for a key in a mode, else in the modes it falls back to.
    pub fn resolve(&self, mode: Mode, key: Key) -> Option<Action> {
        mode.chain().into_iter().find_map(|m| {
            self.bindings
                .iter()
                .find(|b| b.mode == m && b.key == key)
                .map(|b| b.action.clone())
        })
    }

    /// Help rows for a mode: (mode, keys, description), one per action,
    /// then those of the modes it falls back to.
    pub fn help(&self, mode: Mode) -> Vec<(Mode, String, &str)> {
        let mut out: Vec<(Mode, String, &str)> = Vec::new();
        let chain = mode.chain();
        for (depth, &m) in chain.iter().enumerate() {
            for b in self.bindings.iter().filter(|b| b.mode == m) {
                // a key shadowed by a binding nearer the mode is not listed
                if chain[..depth]
                    .iter()
                    .any(|&n| self.bindings.iter().any(|o| o.mode == n && o.key == b.key))
                {
                    continue;
                }
                match out.iter_mut().find(|(om, _, d)| *om == m && *d == b.desc) {
                    Some((_, keys, _)) => {
                        keys.push_str(", ");
                        keys.push_str(&b.key.label());
                    }
                    None => out.push((m, b.key.label(), b.desc.as_str())),
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
    pub fn hints(&self, mode: Mode) -> Vec<(String, &str)> {
        let chain = mode.chain();
        let mut out = Vec::new();
        for (depth, &m) in chain.iter().enumerate() {
            for b in self.bindings.iter().filter(|b| b.mode == m && b.hint) {
                let action_nearer = chain[..depth].iter().any(|&n| {
                    self.bindings.iter().any(|o| {
                        o.mode == n && (o.key == b.key || (o.hint && o.action == b.action))
                    })
                });
                if !action_nearer {
                    out.push((b.key.label(), short(&b.desc)));
                }
            }
        }
        out
    }

    /// The first key that does `action` in `mode` (or the modes it falls
    /// back to), as shown to the user; "(no key)" when none does.
    pub fn key_of(&self, mode: Mode, action: &Action) -> String {
        mode.chain()
            .into_iter()
            .find_map(|m| {
                self.bindings
                    .iter()
                    .find(|b| b.mode == m && &b.action == action)
            })
            .map_or_else(|| "(no key)".to_string(), |b| b.key.label())
    }

    /// A popup's footer: its hints, ` key what · key what `, as many whole
    /// ones as fit in `width` columns (never a hint cut in the middle).
    pub fn footer(&self, mode: Mode, width: u16) -> String {
        let mut out = String::from(" ");
        let mut used = 2;
        for (k, d) in self.hints(mode) {
            let item = format!("{k} {d}");
            let sep = if used > 2 { 3 } else { 0 };
            let w = item.chars().count() + sep;
            if used + w > width as usize {
                break;
            }
            if sep > 0 {
                out.push_str(" · ");
            }
            out.push_str(&item);
            used += w;
        }
        out.push(' ');
        out
    }
}

/// The first words of a description, up to a colon or comma.
fn short(desc: &str) -> &str {
    let end = desc.find([':', '(', ',', ';']).unwrap_or(desc.len());
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
