//! auditbench: a terminal workbench for ISO/IEC 20000-1 auditors.
//!
//! Layers: `catalogue` (the clause tree), `domain` (audit concepts), `store`
//! (the SQLite audit file), `export` (CSV, XLSX, OSCAL), `report`, `pack`
//! (the hand-over pack), `text` (the display boundary) and `cli`. None of these import
//! ratatui or crossterm.

pub mod background;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod pack;
pub mod report;
pub mod scales;
pub mod seal;
pub mod store;
pub mod team;
pub mod text;
pub mod tui;
