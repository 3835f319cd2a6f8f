//! Exports for the certification body's report, in two parts:
//! - writers that turn rows into bytes on any `Write` and know nothing of
//!   files or the store ([`csv::FindingsCsv`]); and the functions that feed
//!   them an audit's rows from the store ([`csv::write_findings`]);
//! - [`file`]: putting an export on disk, the same way for every format
//!   (refusing FIFOs and devices, a temporary file renamed when whole).

pub mod csv;
pub mod file;
pub mod xlsx;
