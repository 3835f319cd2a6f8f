//! The user's settings: `config.toml` in the platform configuration folder
//! (`~/.config/auditbench/config.toml` on Linux), beside `keymap.toml` and
//! `scales/`. Every setting has a default; a file that cannot be used is
//! reported in one line and the defaults are used.

use std::path::{Path, PathBuf};

/// What `config.toml` can set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Months of records a rehearsal wants to see for each process before
    /// certification (a certification auditor asks for about three).
    pub evidence_min_months: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            evidence_min_months: 3,
        }
    }
}

/// Where the settings are read from.
pub fn user_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "auditbench", "auditbench")
        .map(|d| d.config_dir().join("config.toml"))
}

impl Settings {
    /// The settings in `path` (none there: the defaults); on a mistake the
    /// defaults and the one-line error to show.
    pub fn load(path: Option<&Path>) -> (Settings, Option<String>) {
        let Some(path) = path else {
            return (Settings::default(), None);
        };
        let shown = path.display();
        match std::fs::read_to_string(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => (
                Settings::default(),
                Some(format!(
                    "cannot read the settings {shown}: {e}; using the defaults"
                )),
            ),
            Ok(src) => match toml::from_str::<Settings>(&src) {
                Ok(s) => (s, None),
                Err(e) => (
                    Settings::default(),
                    Some(format!(
                        "{shown}: {}; accepted: evidence_min_months = 3 (a whole number of months); using the defaults",
                        e.message()
                    )),
                ),
            },
        }
    }

    /// The user's settings.
    pub fn user() -> (Settings, Option<String>) {
        Settings::load(user_path().as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_and_refuse_what_they_do_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        assert_eq!(Settings::load(Some(&p)).0.evidence_min_months, 3);
        std::fs::write(&p, "evidence_min_months = 6\n").unwrap();
        assert_eq!(
            Settings::load(Some(&p)),
            (
                Settings {
                    evidence_min_months: 6
                },
                None
            )
        );
        std::fs::write(&p, "evidence_months = 6\n").unwrap();
        let (s, err) = Settings::load(Some(&p));
        assert_eq!(s.evidence_min_months, 3);
        let err = err.unwrap();
        assert!(
            err.contains("evidence_months") && err.contains("using the defaults"),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }
}
