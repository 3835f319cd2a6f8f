//! Writing an export to a file, for every format: refused when the target
//! is a folder, a FIFO, a device or a socket; written to a temporary file
//! beside the target (mode 0600), synced, then renamed over it, and the
//! folder synced. A failure leaves any existing file as it was.

use std::fs;
use std::io::BufWriter;
use std::path::Path;

use tempfile::NamedTempFile;

use crate::store::{self, Error};

/// Replace `target` with what `write` writes, whole or not at all. `what`
/// names the export in messages ("the CSV").
pub fn replace_atomically<T>(
    target: &Path,
    what: &str,
    write: impl FnOnce(BufWriter<NamedTempFile>) -> store::Result<(T, BufWriter<NamedTempFile>)>,
) -> store::Result<T> {
    let shown = target.display();
    if target.is_dir() {
        return Err(Error::Invalid(format!(
            "{shown} is a directory; give a file name for {what}, e.g. {shown}/findings.csv"
        )));
    }
    // A FIFO, a device or a socket is never replaced by a regular file.
    if fs::metadata(target).is_ok_and(|m| !m.is_file()) {
        return Err(Error::Invalid(format!(
            "{shown} is not a regular file (a FIFO, device or socket); choose a file name for --out, or --out - for standard output"
        )));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let cannot = |e: &dyn std::fmt::Display| {
        Error::Io(format!("cannot write {shown}: {e}; choose another --out"))
    };
    if !dir.is_dir() {
        return Err(Error::Io(format!(
            "cannot write {shown}: the folder {} does not exist; choose another --out",
            dir.display()
        )));
    }
    // tempfile creates it with mode 0600.
    let tmp = tempfile::Builder::new()
        .prefix(".auditbench-export-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| cannot(&std::io::Error::from(e.kind())))?;
    let (value, writer) = write(BufWriter::new(tmp))?;
    let tmp = writer
        .into_inner()
        .map_err(|e| cannot(&e.error().to_string()))?;
    tmp.as_file().sync_all().map_err(|e| cannot(&e))?;
    tmp.persist(target).map_err(|e| cannot(&e.error))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}
