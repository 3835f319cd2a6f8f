//! Keys to actions, per mode: the single source for key handling, the help
//! overlay, the status-bar hints and the README's key reference. The
//! defaults are data, `assets/keymap.toml` (built in); a user's
//! `keymap.toml` in the configuration folder replaces the keys of the
//! actions it names ([`Keymap::load`]).

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
    pub desc: String,
    pub hint: bool,
}

/// The key map.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// The default key map, built in.
const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// A key map file that cannot be used: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub origin: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    binding: Vec<RawBinding>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    mode: toml::Spanned<String>,
    keys: toml::Spanned<String>,
    action: toml::Spanned<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    hint: Option<bool>,
}

/// One `[[binding]]` of a file, checked.
struct Entry {
    mode: Mode,
    keys: Vec<Key>,
    action: Action,
    desc: Option<String>,
    hint: Option<bool>,
    line: usize,
}

fn line_of(src: &str, at: usize) -> usize {
    src[..at.min(src.len())].matches('\n').count() + 1
}

fn parse_file(src: &str, origin: &str) -> Result<Vec<Entry>, KeymapError> {
    let err = |line: Option<usize>, message: String| KeymapError {
        origin: origin.to_string(),
        line,
        message,
    };
    let raw: RawFile = toml::from_str(src).map_err(|e| {
        err(
            e.span().map(|s| line_of(src, s.start)),
            e.message().trim().replace('\n', " "),
        )
    })?;
    let mut out = Vec::new();
    for b in raw.binding {
        let line = line_of(src, b.mode.span().start);
        let mode = Mode::from_name(b.mode.get_ref()).ok_or_else(|| {
            err(
                Some(line),
                format!(
                    "unknown mode {:?}; accepted: {}",
                    b.mode.get_ref(),
                    Mode::ALL
                        .iter()
                        .map(|m| m.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let action = Action::from_name(b.action.get_ref()).ok_or_else(|| {
            err(
                Some(line_of(src, b.action.span().start)),
                format!(
                    "unknown action {:?}; accepted: {}",
                    b.action.get_ref(),
                    Action::BINDABLE
                        .iter()
                        .map(Action::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let keys_line = line_of(src, b.keys.span().start);
        let keys = b
            .keys
            .get_ref()
            .split_whitespace()
            .map(Key::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                err(
                    Some(keys_line),
                    format!("{e}; keys are characters or enter, esc, tab, shift-tab, backspace, delete, space, up, down, left, right, pageup, pagedown, home, end, with ctrl- or alt- before them"),
                )
            })?;
        if keys.is_empty() {
            return Err(err(
                Some(keys_line),
                "no keys given; name at least one".into(),
            ));
        }
        out.push(Entry {
            mode,
            keys,
            action,
            desc: b.desc,
            hint: b.hint,
            line,
        });
    }
    Ok(out)
}

/// The first binding of a key that a mode already has, if any.
fn clash(bindings: &[Binding], mode: Mode, key: Key) -> Option<&Binding> {
    bindings.iter().find(|b| b.mode == mode && b.key == key)
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
    /// A complete key map from a file's text (every binding with its
    /// description). `origin` names it in errors.
    pub fn from_toml(src: &str, origin: &str) -> Result<Keymap, KeymapError> {
        let mut bindings: Vec<Binding> = Vec::new();
        for e in parse_file(src, origin)? {
            let desc = e.desc.ok_or_else(|| KeymapError {
                origin: origin.to_string(),
                line: Some(e.line),
                message: "a default binding needs its desc".into(),
            })?;
            for (i, key) in e.keys.into_iter().enumerate() {
                if let Some(other) = clash(&bindings, e.mode, key) {
                    return Err(KeymapError {
                        origin: origin.to_string(),
                        line: Some(e.line),
                        message: format!(
                            "{} is bound twice in mode {} ({} and {})",
                            key.label(),
                            e.mode.name(),
                            other.action.name(),
                            e.action.name()
                        ),
                    });
                }
                bindings.push(Binding {
                    mode: e.mode,
                    key,
                    action: e.action.clone(),
                    desc: desc.clone(),
                    hint: e.hint.unwrap_or(false) && i == 0,
                });
            }
        }
        Ok(Keymap { bindings })
    }

    /// This key map with a user's file applied: each of its bindings
    /// replaces the keys of that action in that mode (keeping the default
    /// description and hint unless it gives its own). Nothing is changed
    /// when the file has a mistake.
    pub fn with_overrides(&self, src: &str, origin: &str) -> Result<Keymap, KeymapError> {
        let mut bindings = self.bindings.clone();
        for e in parse_file(src, origin)? {
            let old: Vec<Binding> = bindings
                .iter()
                .filter(|b| b.mode == e.mode && b.action == e.action)
                .cloned()
                .collect();
            bindings.retain(|b| !(b.mode == e.mode && b.action == e.action));
            let desc = e
                .desc
                .clone()
                .or_else(|| old.first().map(|b| b.desc.clone()))
                .unwrap_or_else(|| e.action.name().replace('_', " "));
            let hint = e.hint.unwrap_or_else(|| old.iter().any(|b| b.hint));
            for (i, key) in e.keys.iter().enumerate() {
                if let Some(other) = clash(&bindings, e.mode, *key) {
                    return Err(KeymapError {
                        origin: origin.to_string(),
                        line: Some(e.line),
                        message: format!(
                            "{} is already bound to {} in mode {}; rebind that one too, or choose another key",
                            key.label(),
                            other.action.name(),
                            e.mode.name()
                        ),
                    });
                }
                bindings.push(Binding {
                    mode: e.mode,
                    key: *key,
                    action: e.action.clone(),
                    desc: desc.clone(),
                    hint: hint && i == 0,
                });
            }
        }
        Ok(Keymap { bindings })
    }

    /// Where a user's key map is read from: `keymap.toml` in the platform
    /// configuration folder.
    pub fn user_path() -> Option<std::path::PathBuf> {
        directories::ProjectDirs::from("org", "auditbench", "auditbench")
            .map(|d| d.config_dir().join("keymap.toml"))
    }

    /// The defaults with the user's file at `path` applied, if there is
    /// one; on a mistake, the defaults and the one-line error to show.
    pub fn load(path: Option<&std::path::Path>) -> (Keymap, Option<String>) {
        let defaults = Keymap::default();
        let Some(path) = path else {
            return (defaults, None);
        };
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (defaults, None),
            Err(e) => {
                let why = format!("cannot read the key map {shown}: {e}; using the default keys");
                (defaults, Some(why))
            }
            Ok(src) => match defaults.with_overrides(&src, &shown) {
                Ok(km) => (km, None),
                Err(e) => (defaults, Some(format!("{e}; using the default keys"))),
            },
        }
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
    pub fn help(&self, mode: Mode) -> Vec<(Mode, String, &str)> {
        let mut out: Vec<(Mode, String, &str)> = Vec::new();
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
        let mut out: Vec<(String, &str)> = self
            .bindings
            .iter()
            .filter(|b| b.mode == mode && b.hint)
            .map(|b| (b.key.label(), short(&b.desc)))
            .collect();
        if mode.uses_global() {
            out.extend(
                self.bindings
                    .iter()
                    .filter(|b| b.mode == Mode::Global && b.hint)
                    .map(|b| (b.key.label(), short(&b.desc))),
            );
        }
        out
    }
}

/// The first words of a description, up to a colon or comma.
fn short(desc: &str) -> &str {
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
