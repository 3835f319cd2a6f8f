//! Where grade scales come from: the built-ins, the user's files in the
//! platform configuration folder (`scales/ID.toml`) and a file named on the
//! command line. Reading files lives here, not in the domain.

use std::path::{Path, PathBuf};

use crate::domain::Scale;

/// The folder of the user's scale files (`~/.config/auditbench/scales` on Linux).
pub fn user_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "auditbench", "auditbench")
        .map(|d| d.config_dir().join("scales"))
}

/// A scale file, checked; the error names the file and the line.
pub fn from_file(path: &Path) -> Result<Scale, String> {
    let src = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the scale file {}: {e}", path.display()))?;
    Scale::parse(&src, &path.display().to_string()).map_err(|e| e.to_string())
}

/// Every scale there is: the built-ins, then the user's files (a file
/// that cannot be used comes back as its error).
pub fn available() -> Vec<Result<Scale, String>> {
    let mut out: Vec<Result<Scale, String>> = Scale::builtins().into_iter().map(Ok).collect();
    if let Some(dir) = user_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|r| {
                r.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        out.extend(files.iter().map(|p| from_file(p)));
    }
    out
}

/// A scale by id: a built-in, else the user's `scales/ID.toml`.
pub fn find(id: &str) -> Result<Scale, String> {
    if let Some(s) = Scale::builtin(id) {
        return Ok(s);
    }
    if let Some(path) = user_dir().map(|d| d.join(format!("{id}.toml"))) {
        if path.exists() {
            let s = from_file(&path)?;
            if s.id != id {
                return Err(format!(
                    "{} says its id is {:?}, not {id:?}; make the file name and the id agree",
                    path.display(),
                    s.id
                ));
            }
            return Ok(s);
        }
    }
    let ids: Vec<String> = available()
        .into_iter()
        .filter_map(Result::ok)
        .map(|s| s.id)
        .collect();
    Err(format!(
        "no grade scale {id:?}; available: {} (`auditbench scales list` shows them, --scale-file takes a file)",
        ids.join(", ")
    ))
}
