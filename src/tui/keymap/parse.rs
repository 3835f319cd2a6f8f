//! Reading key map files: the built-in `assets/keymap.toml` and a user's
//! overrides, with one-line errors naming the file, the line and what is
//! accepted.

use super::{Binding, Key, Keymap, Mode};
use crate::tui::action::Action;

/// The default key map, built in.
pub(super) const DEFAULT_KEYMAP: &str = include_str!("../../../assets/keymap.toml");

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
}
