//! Exports for the certification body's report. Pure: rows in, bytes to a `Write` out.

pub mod csv;
